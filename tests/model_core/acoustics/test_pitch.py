"""Pitch: known-F0 signals, voicing decisions, and frame-by-frame agreement with Praat."""

from __future__ import annotations

import numpy as np
import parselmouth
import pytest

from model_core.acoustics import (
    PitchSettings,
    analyze_acoustics,
    pitch_tracks,
    praat_pitch,
    praat_sound,
)
from model_core.audio import MODEL_SAMPLE_RATE, load_audio
from tests.helpers.signals import RATE, harmonic, silence, white_noise

EDGE = 0.05  # s: frames this close to a signal edge straddle two conditions


def pitch_of(signal: np.ndarray):
    track = analyze_acoustics(signal, RATE).pitch
    return track.times, track.values


def median_relative_error(times, f0, truth) -> float:
    voiced = np.isfinite(f0)
    assert voiced.mean() > 0.9, "a clean harmonic signal must be voiced almost everywhere"
    return float(np.median(np.abs(f0[voiced] - truth(times[voiced])) / truth(times[voiced])))


@pytest.mark.parametrize("f0", [80, 100, 150, 220, 300, 400, 500])
def test_steady_f0_is_found_within_one_percent(f0):
    times, values = pitch_of(harmonic(f0, 1.0))
    assert median_relative_error(times, values, lambda t: np.full_like(t, f0)) < 0.01


@pytest.mark.parametrize(("start", "end"), [(80, 250), (450, 120)])
def test_glides_are_tracked_within_one_percent(start, end):
    duration = 1.5

    def truth(t):
        return start * (end / start) ** (t / duration)  # exponential glide

    times, values = pitch_of(harmonic(truth, duration))
    assert median_relative_error(times, values, truth) < 0.01


def test_vibrato_is_tracked_within_one_percent():
    def truth(t):
        return 200 * (1 + 0.06 * np.sin(2 * np.pi * 5.5 * t))

    times, values = pitch_of(harmonic(truth, 1.5))
    assert median_relative_error(times, values, truth) < 0.01


def test_voicing_follows_voiced_silent_and_noise_parts():
    parts = [harmonic(150, 0.5), silence(0.5), white_noise(0.5, amplitude=0.05), harmonic(250, 0.5)]
    times, values = pitch_of(np.concatenate(parts))
    voiced = np.isfinite(values)

    def share(start, end):
        inside = (times > start + EDGE) & (times < end - EDGE)
        return voiced[inside].mean()

    assert share(0.0, 0.5) > 0.95
    assert share(0.5, 1.0) == 0.0
    assert share(1.0, 1.5) < 0.05
    assert share(1.5, 2.0) > 0.95


def test_voicing_strength_is_high_on_voice_and_low_on_noise():
    track = analyze_acoustics(np.concatenate([harmonic(150, 0.5), white_noise(0.5)]), RATE).voicing
    assert track.unit == "r"
    assert np.median(track.values[track.times < 0.45]) > 0.9
    assert np.median(track.values[track.times > 0.55]) < 0.45  # below Praat's voicing threshold


def test_track_records_algorithm_parameters_and_versions():
    track = analyze_acoustics(harmonic(150, 0.5), RATE).pitch
    assert "To Pitch (ac)" in track.algorithm
    assert track.parameters["pitch_floor"] == 75.0 and track.parameters["pitch_ceiling"] == 600.0
    assert track.parameters["effective_time_step"] == pytest.approx(0.01)
    assert track.versions["praat"] == parselmouth.PRAAT_VERSION


@pytest.mark.real_data
def test_pitch_equals_praat_frame_by_frame_on_real_speech(asterisk_files):
    """Our decoding, settings and NaN handling reproduce Praat exactly at the file's rate."""
    for path in asterisk_files:
        recording = load_audio(path)
        ours, _ = pitch_tracks(
            praat_pitch(praat_sound(recording.mono, recording.sample_rate)), PitchSettings()
        )
        praat = parselmouth.Sound(str(path)).to_pitch_ac()  # Praat reads the file itself
        reference = praat.selected_array["frequency"]
        np.testing.assert_array_equal(ours.times, praat.xs())
        np.testing.assert_array_equal(np.isnan(ours.values), reference == 0)
        np.testing.assert_allclose(ours.values[reference > 0], reference[reference > 0], rtol=1e-12)


@pytest.mark.real_data
def test_pitch_at_16k_agrees_with_praat_resampling(asterisk_files):
    """Our soxr 16 kHz path against Praat's resampling: same voicing and F0 almost everywhere."""
    for path in asterisk_files:
        ours = analyze_acoustics(load_audio(path).for_model, MODEL_SAMPLE_RATE).pitch
        praat = parselmouth.Sound(str(path)).resample(MODEL_SAMPLE_RATE).to_pitch_ac()
        reference = praat.selected_array["frequency"]
        frames = min(len(reference), len(ours.values))
        ours_voiced, praat_voiced = np.isfinite(ours.values[:frames]), reference[:frames] > 0
        assert (ours_voiced == praat_voiced).mean() > 0.97, path.name
        both = ours_voiced & praat_voiced
        relative = (
            np.abs(ours.values[:frames][both] - reference[:frames][both]) / reference[:frames][both]
        )
        assert np.mean(relative < 0.01) > 0.98, path.name
