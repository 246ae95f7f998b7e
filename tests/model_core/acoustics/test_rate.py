"""Syllable nuclei and pauses on signals whose syllables and pauses are known."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.acoustics import analyze_acoustics
from tests.helpers.signals import RATE, harmonic, silence, syllable_train, white_noise


@pytest.mark.parametrize("n", [1, 3, 5, 8, 13])
@pytest.mark.parametrize(("syllable", "gap"), [(0.15, 0.1), (0.2, 0.06), (0.12, 0.15)])
def test_syllable_count_of_trains_is_exact(n, syllable, gap):
    rate = analyze_acoustics(syllable_train(n, syllable=syllable, gap=gap), RATE).rate
    assert rate.n_syllables == n


def test_syllables_in_continuous_voicing_are_counted_by_their_dips():
    """Amplitude dips of 12 dB inside one voiced stretch separate six syllables."""
    duration, n = 1.2, 6
    t = np.arange(int(duration * RATE)) / RATE
    envelope = 10 ** (
        -12 / 20 * (0.5 + 0.5 * np.cos(2 * np.pi * n * t / duration))
    )  # peaks mid-cycle
    signal = np.concatenate([silence(0.2), harmonic(140, duration) * envelope, silence(0.2)])
    assert analyze_acoustics(signal, RATE).rate.n_syllables == n


def test_unvoiced_bursts_are_not_syllables():
    burst = white_noise(0.15, amplitude=0.1) * np.hanning(int(0.15 * RATE))
    voiced = syllable_train(1, lead=0.0)
    parts = [silence(0.2), burst, silence(0.1), voiced, silence(0.1), burst, silence(0.2)]
    assert analyze_acoustics(np.concatenate(parts), RATE).rate.n_syllables == 1


def test_pause_spans_are_found_within_20_ms():
    layout = [
        ("speech", 0.8),
        ("pause", 0.4),
        ("speech", 0.6),
        ("pause", 0.3),
        ("speech", 0.5),
        ("pause", 0.2),
        ("speech", 0.5),
    ]  # the 0.2 s gap is shorter than a pause
    parts, expected, clock = [silence(0.3)], [], 0.3
    for i, (kind, length) in enumerate(layout):
        parts.append(
            harmonic(120 + 10 * i, length) if kind == "speech" else silence(length, seed=i)
        )
        if kind == "pause" and length >= 0.25:
            expected.append((clock, clock + length))
        clock += length
    parts.append(silence(0.3))
    rate = analyze_acoustics(np.concatenate(parts), RATE).rate
    assert len(rate.pauses) == len(expected)
    for (start, end), (true_start, true_end) in zip(rate.pauses, expected, strict=True):
        assert abs(start - true_start) < 0.02 and abs(end - true_end) < 0.02
    assert rate.speaking_span[0] == pytest.approx(0.3, abs=0.02)
    assert rate.speaking_span[1] == pytest.approx(clock, abs=0.02)


def test_rates_follow_their_definitions():
    n, syllable, gap = 6, 0.15, 0.35  # gaps of 0.35 s are pauses
    rate = analyze_acoustics(syllable_train(n, syllable=syllable, gap=gap), RATE).rate
    span = rate.speaking_span[1] - rate.speaking_span[0]
    assert len(rate.pauses) == n - 1
    assert rate.speech_rate == pytest.approx(n / span)
    assert rate.articulation_rate == pytest.approx(n / rate.phonation_time)
    assert rate.pause_ratio == pytest.approx(sum(b - a for a, b in rate.pauses) / span)
    # Sounding time is roughly the syllables' loud middle: articulation rate is high.
    assert rate.articulation_rate > n / (n * syllable) * 0.9


def test_silence_has_no_speaking_span():
    rate = analyze_acoustics(silence(1.0), RATE).rate
    assert rate.speaking_span is None and rate.n_syllables == 0 and np.isnan(rate.speech_rate)
