"""Each broken or odd file analyses correctly or raises one clear AudioError."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from model_core.audio import AudioError, AudioTooLongError, load_audio
from model_core.cues import analyze_clip
from tests.helpers.bad_audio import build_corpus
from tests.helpers.signals import harmonic, silence


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return {case.name: case for case in build_corpus(tmp_path_factory.mktemp("bad"))}


def _names():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        return [case.name for case in build_corpus(Path(folder))]


NAMES = _names()


def test_corpus_has_at_least_twenty_kinds():
    assert len(NAMES) >= 20


@pytest.mark.parametrize("name", NAMES)
def test_bad_input_is_analysed_or_refused_clearly(corpus, name):
    case = corpus[name]
    expected = case.expected if isinstance(case.expected, tuple) else (case.expected,)
    try:
        recording = load_audio(case.path)
        analysis, summary = analyze_clip(recording)
    except AudioError as err:
        assert type(err) in expected, f"{name}: raised {type(err).__name__}: {err}"
        assert str(case.path) in str(err), "the message must name the file"
        assert len(err.problem) > 10, "the message must say what is wrong"
        return
    assert "ok" in expected, f"{name}: analysed, but {expected} was expected"
    if case.warning:
        assert any(case.warning in w for w in recording.warnings), recording.warnings
    if case.f0:
        assert np.nanmedian(analysis.pitch.values) == pytest.approx(case.f0, rel=0.01)
    for cue in summary.cues.values():  # whatever the input, cue spans stay inside the clip
        assert all(summary.start - 0.02 <= a <= b <= summary.end + 0.02 for a, b in cue.spans)


def test_silent_and_noise_clips_have_no_pitch_cues(corpus):
    for name in ("all_zeros.wav", "noise_only.wav", "silence_floor.wav"):
        _, summary = analyze_clip(load_audio(corpus[name].path))
        assert not summary["f0_mean"].measurable, name
        assert not summary["jitter"].measurable, name


def test_memory_limit_refuses_huge_files_before_decoding(tmp_path):
    path = tmp_path / "ten_seconds.wav"
    sf.write(path, np.zeros(160_000), 16_000)
    with pytest.raises(AudioTooLongError, match="GiB"):
        load_audio(path, max_decoded_bytes=100_000)


@pytest.mark.slow
def test_two_hour_file_analyses_correctly(tmp_path):
    """A 2-hour file (8 kHz, 16-bit, 110 MB), written on the fly in blocks."""
    rate, block_seconds = 8_000, 60
    block = np.concatenate([harmonic(150.0, 40, rate=rate, amplitude=0.3), silence(20, rate=rate)])
    path = tmp_path / "two_hours.wav"
    with sf.SoundFile(path, "w", samplerate=rate, channels=1, subtype="PCM_16") as handle:
        for _ in range(7200 // block_seconds):
            handle.write(block)
    recording = load_audio(path)
    assert recording.duration == pytest.approx(7200.0)
    analysis, summary = analyze_clip(recording)
    assert summary["f0_median"].value == pytest.approx(150.0, rel=0.01)
    assert len(analysis.rate.pauses) == 7200 // block_seconds - 1  # the 20 s silences
