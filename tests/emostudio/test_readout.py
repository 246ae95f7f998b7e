"""The readout reports measured values at the cursor's time, never the mouse's height; the
intensity view has a floor; word labels appear only where they fit."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from emostudio.readout import (
    INTENSITY_RANGE_DB,
    intensity_display,
    readout_line,
    value_at,
    word_at,
)

TIMES = np.arange(0.005, 1.0, 0.01)  # 10-ms frames over 1 s


def track(values):
    return SimpleNamespace(times=TIMES, values=np.asarray(values, dtype=float))


def test_value_at_takes_the_nearest_frame_and_nothing_outside_the_track():
    values = np.arange(len(TIMES), dtype=float)
    assert value_at(TIMES, values, 0.0349) == 3.0  # frame centred at 0.035
    assert value_at(TIMES, values, 0.0351) == 3.0
    assert value_at(TIMES, values, 0.0361) == 3.0
    assert value_at(TIMES, values, 0.0411) == 4.0
    assert value_at(TIMES, values, 1.5) is None
    assert value_at(np.zeros(0), np.zeros(0), 0.1) is None


def test_the_readout_is_the_measured_value_whatever_the_pointer_height():
    f0 = np.where(TIMES < 0.5, 180.0, np.nan)
    pitch, intensity = track(f0), track(np.linspace(40, 80, len(TIMES)))
    line = readout_line(0.2, pitch=pitch, intensity=intensity, pointer="90.0 Hz")
    assert "F0 180.0 Hz" in line and "(pointer: 90.0 Hz)" in line
    assert f"intensity {intensity.values[20]:.1f} dB" in line
    assert "F0 unvoiced" in readout_line(0.7, pitch=pitch)
    semitone_line = readout_line(0.2, pitch=pitch, semitones=True)
    assert f"F0 {12 * np.log2(1.8):.1f} st (180.0 Hz)" in semitone_line


def test_the_readout_gives_the_sample_amplitude_and_the_word():
    samples = np.linspace(-1, 1, 16000, dtype=np.float32)
    words = [{"word": "hello", "start": 0.1, "end": 0.4}, {"word": "uh", "start": 0.6, "end": 0.6}]
    line = readout_line(0.25, samples=samples, sample_rate=16000, words=words)
    assert f"amplitude {samples[4000]:+.3f}" in line and 'word "hello"' in line
    assert word_at(words, 0.61)["word"] == "uh"  # a zero-length word still answers the mouse
    assert word_at(words, 0.5) is None


def test_digital_silence_becomes_a_gap_and_speech_fills_the_view():
    values = np.array([-200.0, -np.inf, 62.0, 70.0, 55.0, 10.0])
    shown, (low, high) = intensity_display(values)
    assert np.isnan(shown[[0, 1, 5]]).all()
    np.testing.assert_array_equal(shown[2:5], [62.0, 70.0, 55.0])
    assert (low, high) == pytest.approx((70.0 - INTENSITY_RANGE_DB, 75.0))
    assert np.isnan(intensity_display(np.full(3, -np.inf))[0]).all()
