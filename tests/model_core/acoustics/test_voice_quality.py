"""Jitter and shimmer against designed perturbations; HNR against a known SNR and Praat."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.acoustics import (
    AcousticSettings,
    VoiceQualitySettings,
    analyze_acoustics,
    pitch_tracks,
    praat_pitch,
    praat_sound,
)
from model_core.acoustics.voice_quality import hnr_from_voicing
from model_core.audio import MODEL_SAMPLE_RATE, load_audio
from tests.helpers.signals import RATE, harmonic, pulse_voice, white_noise


@pytest.mark.parametrize(("jitter", "shimmer"), [(0.0, 0.0), (0.01, 0.0), (0.02, 0.05), (0.0, 0.1)])
def test_jitter_and_shimmer_match_the_designed_perturbation(jitter, shimmer):
    signal, designed_jitter, designed_shimmer = pulse_voice(
        1.5, 150, jitter=jitter, shimmer=shimmer
    )
    voice = analyze_acoustics(signal, RATE).voice
    assert voice.jitter_local == pytest.approx(designed_jitter, abs=0.15)
    # overlapping pulse tails add about 2 points of apparent shimmer when periods vary
    assert voice.shimmer_local == pytest.approx(designed_shimmer, abs=2.0)
    assert voice.n_pulses == pytest.approx(1.5 * 150, abs=5)


def _noisy(snr_db: float) -> np.ndarray:
    voice = harmonic(150, 1.0)
    noise = white_noise(1.0, amplitude=1.0, seed=4)
    noise *= np.sqrt(np.mean(voice**2) / np.mean(noise**2)) * 10 ** (-snr_db / 20)
    return voice + noise


@pytest.mark.parametrize("method", ["pitch-ac", "praat-cc"])
def test_hnr_tracks_the_signal_to_noise_ratio(method):
    settings = AcousticSettings(voice=VoiceQualitySettings(hnr_method=method))
    measured = [
        analyze_acoustics(_noisy(snr), RATE, settings).voice.hnr_mean for snr in (0, 10, 20)
    ]
    assert np.all(np.diff(measured) > 5)
    if method == "pitch-ac":
        np.testing.assert_allclose(measured, [0, 10, 20], atol=3)


def test_unknown_hnr_method_is_refused():
    with pytest.raises(ValueError, match="hnr_method"):
        VoiceQualitySettings(hnr_method="magic")


@pytest.mark.real_data
def test_pitch_ac_hnr_equals_praat_harmonicity_ac_with_three_periods(asterisk_files):
    for path in asterisk_files:
        sound = praat_sound(load_audio(path).for_model, MODEL_SAMPLE_RATE)
        pitch, voicing = pitch_tracks(praat_pitch(sound), analyze_acoustics.__defaults__[0].pitch)
        ours = hnr_from_voicing(pitch, voicing)
        praat = sound.to_harmonicity_ac(0.01, 75.0, 0.03, 3.0)
        reference = np.interp(ours.times, praat.xs(), praat.values[0])
        both = np.isfinite(ours.values) & (reference > -100)
        assert both.sum() > 20
        assert np.median(np.abs(ours.values[both] - reference[both])) < 1.0, path.name
