"""Intensity against its formula; spectrogram and log-mel shapes and peaks."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.acoustics import (
    intensity_track,
    log_mel_spectrogram,
    praat_sound,
    praat_spectrogram,
    sine_intensity_db,
)
from tests.helpers.signals import RATE, times


@pytest.mark.parametrize("amplitude", [0.001, 0.02, 0.1, 0.7])
@pytest.mark.parametrize("frequency", [150.0, 1000.0])
def test_calibrated_sine_matches_the_formula_within_a_tenth_of_a_db(amplitude, frequency):
    t = times(1.0)
    track = intensity_track(praat_sound(amplitude * np.sin(2 * np.pi * frequency * t), RATE))
    middle = track.values[(track.times > 0.1) & (track.times < 0.9)]
    assert np.max(np.abs(middle - sine_intensity_db(amplitude))) < 0.1
    assert track.unit == "dB" and track.parameters["minimum_pitch"] == 100.0


def test_dc_offset_does_not_change_intensity():
    t = times(1.0)
    sine = 0.1 * np.sin(2 * np.pi * 440 * t)
    plain = intensity_track(praat_sound(sine, RATE)).values
    shifted = intensity_track(praat_sound(sine + 0.3, RATE)).values
    np.testing.assert_allclose(shifted[5:-5], plain[5:-5], atol=0.05)


def test_digital_silence_is_nan_not_minus_300_db():
    track = intensity_track(praat_sound(np.zeros(RATE), RATE))
    assert np.isnan(track.values).all()


def test_praat_spectrogram_peaks_at_the_tone():
    t = times(0.5)
    track = praat_spectrogram(praat_sound(0.1 * np.sin(2 * np.pi * 1000 * t), RATE))
    assert track.values.shape == (len(track.times), len(track.bins))
    assert track.bins[-1] <= 5000 and track.time_step == pytest.approx(0.002)
    peak = track.bins[np.argmax(track.values[len(track.times) // 2])]
    assert abs(peak - 1000) <= 40


def test_log_mel_is_whisper_shaped_and_peaks_at_the_tone():
    t = times(1.0)
    track = log_mel_spectrogram(0.1 * np.sin(2 * np.pi * 2000 * t), RATE)
    assert track.values.shape == (101, 80)  # centred 10 ms frames, 80 bands
    peak = track.bins[np.argmax(track.values[50])]
    assert abs(peak - 2000) < 150
    assert track.to_dict()["bin_unit"] == "Hz"
