"""Cue values, levels against a baseline, spans where cues show, and the descriptor."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model_core.acoustics import Track, analyze_acoustics
from model_core.audio import recording_from_array
from model_core.cues import (
    LEVELS,
    NOT_MEASURABLE,
    SpeakerBaseline,
    analyze_clip,
    describe,
    level_of,
    summarize,
    top_spans,
)
from model_core.cues.summary import Cue
from tests.helpers.signals import RATE, harmonic, silence, syllable_train, white_noise


def train(f0: float, amplitude: float, syllable: float, gap: float, n: int = 8, seed: int = 0):
    """A syllable train with a little random spread, like repeated utterances of one speaker."""
    rng = np.random.default_rng(seed)
    return syllable_train(
        n,
        f0=f0 * (1 + 0.03 * rng.standard_normal()),
        amplitude=amplitude * (1 + 0.05 * rng.standard_normal()),
        syllable=syllable * (1 + 0.05 * rng.standard_normal()),
        gap=gap,
    )


@pytest.fixture(scope="module")
def speaker_baseline() -> SpeakerBaseline:
    """A speaker whose ordinary utterances are 140 Hz, moderate loudness, about 4 syll/s."""
    measurements = [
        summarize(analyze_acoustics(train(140, 0.05, 0.17, 0.08, seed=s), RATE)).raw_values()
        for s in range(6)
    ]
    return SpeakerBaseline.from_measurements("speaker A", measurements)


@pytest.mark.parametrize(
    ("z", "level"),
    [
        (-3, "very low"),
        (-2, "very low"),
        (-1.5, "low"),
        (-1, "low"),
        (0, "normal"),
        (0.99, "normal"),
        (1, "high"),
        (1.99, "high"),
        (2, "very high"),
        (5, "very high"),
    ],
)
def test_levels_follow_the_z_score(z, level):
    assert level_of(z) == level
    assert level in LEVELS


def test_nan_is_not_measurable():
    assert level_of(float("nan")) == NOT_MEASURABLE


def test_speaker_baseline_is_built_from_their_recordings(speaker_baseline):
    assert speaker_baseline.n_recordings == 6
    assert speaker_baseline.f0_reference_hz == pytest.approx(140, rel=0.05)
    assert abs(speaker_baseline.stats["f0_mean"].mean) < 0.5  # semitones re the reference
    prior = SpeakerBaseline.population()
    for name, stat in speaker_baseline.stats.items():
        assert stat.sd >= 0.5 * prior.stats[name].sd - 1e-9, name  # never implausibly tight


def test_population_baseline_depends_on_sex():
    female, male = SpeakerBaseline.population("female"), SpeakerBaseline.population("male")
    assert female.f0_reference_hz > male.f0_reference_hz
    with pytest.raises(ValueError):
        SpeakerBaseline.population("robot")


def test_baseline_json_round_trip(speaker_baseline):
    again = SpeakerBaseline.from_dict(speaker_baseline.to_dict())
    assert again == speaker_baseline


def test_aroused_speech_reads_high_loud_fast_against_the_speaker(speaker_baseline):
    aroused = train(220, 0.2, 0.11, 0.05, n=10, seed=11)
    summary = summarize(analyze_acoustics(aroused, RATE), speaker_baseline)
    assert summary["f0_mean"].level in ("high", "very high")
    assert summary["f0_mean"].detail["semitones"] == pytest.approx(12 * np.log2(220 / 140), abs=1.0)
    assert summary["intensity_mean"].level in ("high", "very high")
    assert summary["articulation_rate"].level in ("high", "very high")
    assert "high" in summary.descriptor and "loud" in summary.descriptor
    assert "fast" in summary.descriptor


def test_subdued_speech_reads_low_quiet_slow_against_the_speaker(speaker_baseline):
    subdued = train(95, 0.012, 0.3, 0.12, n=5, seed=12)
    summary = summarize(analyze_acoustics(subdued, RATE), speaker_baseline)
    assert summary["f0_mean"].level in ("low", "very low")
    assert summary["intensity_mean"].level in ("low", "very low")
    assert summary["articulation_rate"].level in ("low", "very low")
    assert "low" in summary.descriptor and "quiet" in summary.descriptor
    assert "slow" in summary.descriptor


def test_ordinary_speech_of_the_speaker_is_normal(speaker_baseline):
    summary = summarize(
        analyze_acoustics(train(140, 0.05, 0.17, 0.08, seed=99), RATE), speaker_baseline
    )
    for name in ("f0_mean", "intensity_mean", "articulation_rate"):
        assert summary[name].level == "normal", (name, summary[name])


@pytest.mark.parametrize(("end_f0", "direction"), [(260.0, "rising"), (90.0, "falling")])
def test_final_slope_direction(end_f0, direction):
    duration = 0.6

    def contour(t):
        glide = np.clip((t - 0.3) / 0.3, 0, 1)
        return 150 * (end_f0 / 150) ** glide

    signal = np.concatenate([silence(0.2), harmonic(contour, duration), silence(0.2)])
    cue = summarize(analyze_acoustics(signal, RATE))["f0_final_slope"]
    assert cue.detail["direction"] == direction
    expected = 12 * np.log2(end_f0 / 150) / 0.3  # st/s over the glide
    assert cue.value == pytest.approx(expected, rel=0.15)
    ((start, end),) = cue.spans
    assert 0.45 < start < end <= 1.0


def test_pitch_spans_point_at_the_high_part():
    # 210 Hz, not 260: an exact octave jump inside one stretch is (rightly) smoothed away by
    # the octave-jump cost of the path finder
    signal = np.concatenate([harmonic(130, 1.0), harmonic(210, 0.5), harmonic(130, 1.0)])
    cue = summarize(analyze_acoustics(signal, RATE), SpeakerBaseline.population("male"))["f0_mean"]
    assert cue.spans and all(0.95 <= a < b <= 1.55 for a, b in cue.spans)


def test_low_pitch_spans_point_at_the_low_part():
    signal = np.concatenate([harmonic(120, 1.0), harmonic(80, 0.4), harmonic(120, 1.0)])
    baseline = SpeakerBaseline.population("female")  # 80-120 Hz is low for this baseline
    cue = summarize(analyze_acoustics(signal, RATE), baseline)["f0_mean"]
    assert cue.z < 0
    assert all(0.95 <= a < b <= 1.45 for a, b in cue.spans)


def test_pause_cue_cites_the_pauses():
    signal = syllable_train(4, gap=0.5)
    analysis = analyze_acoustics(signal, RATE)
    cue = summarize(analysis)["pause_ratio"]
    assert len(analysis.rate.pauses) == 3
    assert cue.spans == sorted(analysis.rate.pauses, key=lambda p: p[0])
    assert cue.level in ("high", "very high")


def test_unvoiced_clip_leaves_pitch_and_voice_cues_not_measurable():
    summary = summarize(analyze_acoustics(white_noise(1.0), RATE))
    for name in ("f0_mean", "f0_median", "f0_range", "f0_final_slope", "jitter", "shimmer", "hnr"):
        assert summary[name].level == NOT_MEASURABLE, name
        assert summary[name].spans == []
        assert summary[name].to_dict()["value"] is None


def test_selection_keeps_the_recording_time_axis():
    samples = np.concatenate([harmonic(120, 1.0), silence(0.5), harmonic(240, 1.0)])
    recording = recording_from_array(samples, RATE)
    analysis, summary = analyze_clip(recording, 1.5, 2.5)
    assert analysis.pitch.times[0] >= 1.5 and analysis.pitch.times[-1] <= 2.5
    assert summary.start == pytest.approx(1.5) and summary.end == pytest.approx(2.5)
    assert summary["f0_median"].value == pytest.approx(240, rel=0.01)
    for cue in summary.cues.values():
        assert all(1.5 - 0.01 <= a <= b <= 2.5 + 0.01 for a, b in cue.spans), cue.name


def test_descriptor_reads_plainly():
    def cue(name, level, direction=None):
        detail = {"direction": direction} if direction else {}
        return Cue(name, 1.0, "", 0.0, level, [], detail)

    cues = {
        "f0_mean": cue("f0_mean", "high"),
        "f0_range": cue("f0_range", "high"),
        "f0_final_slope": cue("f0_final_slope", "normal", "falling"),
        "intensity_mean": cue("intensity_mean", "high"),
        "articulation_rate": cue("articulation_rate", "high"),
    }
    assert describe(cues) == "high, widely varying pitch; loud; fast"
    calm = {name: cue(name, "normal") for name in cues}
    assert describe(calm) == "typical pitch, loudness and rate"
    silent = {name: Cue(name, math.nan, "", math.nan, NOT_MEASURABLE) for name in cues}
    assert describe(silent) == "no measurable speech"


def test_top_spans_pick_the_highest_frames():
    times = np.arange(100) * 0.01
    score = np.zeros(100)
    score[20:30] = 5
    score[70:75] = 3
    np.testing.assert_allclose(
        top_spans(times, score, fraction=0.15), [(0.195, 0.295), (0.695, 0.745)]
    )
    assert top_spans(times, np.full(100, np.nan)) == []


def test_track_json_round_trip_keeps_nan():
    track = Track(
        "pitch",
        np.array([0.0, 0.01, 0.02]),
        np.array([100.0, np.nan, 101.0]),
        "Hz",
        "test",
        {"a": 1},
        {"v": "1"},
    )
    data = track.to_dict()
    assert data["values"] == [100.0, None, 101.0]
    again = Track.from_dict(data)
    np.testing.assert_array_equal(again.values, track.values)
    assert again.parameters == {"a": 1} and again.unit == "Hz"
