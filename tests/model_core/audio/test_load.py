"""Decoding every supported format, the identity hash, and the 16 kHz model input."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import soundfile as sf

from model_core.acoustics import analyze_acoustics
from model_core.audio import MODEL_SAMPLE_RATE, load_audio, recording_from_array, resample
from tests.helpers.corpora import write_mp4
from tests.helpers.signals import harmonic

F0 = 220.0


def tone(rate: int, duration: float = 1.0, channels: int = 1) -> np.ndarray:
    signal = harmonic(F0, duration, rate=rate, amplitude=0.5)
    return np.repeat(signal[:, None], channels, axis=1)


SOUNDFILE_CASES = [
    ("wav", "WAV", "PCM_U8"),
    ("wav", "WAV", "PCM_16"),
    ("wav", "WAV", "PCM_24"),
    ("wav", "WAV", "PCM_32"),
    ("wav", "WAV", "FLOAT"),
    ("wav", "WAV", "DOUBLE"),
    ("flac", "FLAC", "PCM_16"),
    ("ogg", "OGG", "VORBIS"),
    ("mp3", "MP3", "MPEG_LAYER_III"),
]


@pytest.mark.parametrize(("ext", "fmt", "subtype"), SOUNDFILE_CASES)
def test_every_libsndfile_format_decodes_to_the_same_pitch(tmp_path, ext, fmt, subtype):
    rate = 22_050
    path = tmp_path / f"tone.{ext}"
    sf.write(path, tone(rate), rate, format=fmt, subtype=subtype)
    recording = load_audio(path)
    assert recording.sample_rate == rate
    assert recording.format == fmt
    assert abs(recording.duration - 1.0) < 0.08  # MP3 and Vorbis pad a little
    f0 = analyze_acoustics(recording.for_model, MODEL_SAMPLE_RATE).pitch.values
    assert np.nanmedian(f0) == pytest.approx(F0, rel=0.01)


def test_m4a_audio_track_decodes_through_ffmpeg(tmp_path):
    rate = 16_000
    path = tmp_path / "voice.m4a"
    write_mp4(path, tone(rate)[:, 0], rate)  # an .m4a is an MP4 holding audio only
    recording = load_audio(path)
    assert recording.subtype == "aac"
    assert recording.sample_rate == rate
    assert abs(recording.duration - 1.0) < 0.1
    f0 = analyze_acoustics(recording.for_model, MODEL_SAMPLE_RATE).pitch.values
    assert np.nanmedian(f0) == pytest.approx(F0, rel=0.01)


def test_original_samples_are_kept_and_model_gets_mono_16k(tmp_path):
    rate = 44_100
    stereo = np.stack([tone(rate)[:, 0], -0.5 * tone(rate)[:, 0]], axis=1)
    path = tmp_path / "stereo.wav"
    sf.write(path, stereo, rate, subtype="FLOAT")
    recording = load_audio(path)
    assert recording.samples.shape == (rate, 2)
    np.testing.assert_allclose(recording.samples, stereo, atol=1e-7)
    np.testing.assert_allclose(recording.mono, stereo.mean(axis=1), atol=1e-7)
    assert recording.for_model.dtype == np.float32
    assert len(recording.for_model) == MODEL_SAMPLE_RATE


def test_sha256_is_the_file_content_hash(tmp_path):
    path = tmp_path / "a.wav"
    sf.write(path, tone(16_000), 16_000)
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert load_audio(path).sha256 == expected
    copy = tmp_path / "renamed.flac.wav"
    copy.write_bytes(path.read_bytes())
    assert load_audio(copy).sha256 == expected  # identity follows content, not name


def test_resampler_is_high_quality():
    rate_in = 44_100
    t = np.arange(rate_in) / rate_in
    out = resample(np.sin(2 * np.pi * 1000 * t), rate_in, MODEL_SAMPLE_RATE)
    t_out = np.arange(len(out)) / MODEL_SAMPLE_RATE
    middle = slice(1000, -1000)  # away from the filter's edge transients
    error = out[middle] - np.sin(2 * np.pi * 1000 * t_out)[middle]
    snr_db = 10 * np.log10(0.5 / np.mean(error**2))
    assert snr_db > 80


def test_integer_arrays_are_scaled_to_full_scale():
    samples = np.array([0, 16384, -32768, 32767], dtype=np.int16)
    recording = recording_from_array(np.tile(samples, 100), 8000)
    assert recording.samples.min() == -1.0
    assert recording.samples[1, 0] == pytest.approx(0.5)
