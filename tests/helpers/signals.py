"""Synthetic test signals with known truth: F0, intensity, syllables, pauses, jitter."""

from __future__ import annotations

import numpy as np

RATE = 16_000  # Hz


def times(duration: float, rate: int = RATE) -> np.ndarray:
    return np.arange(round(duration * rate)) / rate


def harmonic(
    f0, duration: float, *, rate: int = RATE, amplitude: float = 0.1, n_harmonics: int = 12
) -> np.ndarray:
    """A harmonic complex (amplitudes 1/k) following ``f0``.

    ``f0`` is a number (Hz) or a function of time (s) -> Hz; the phase is the
    integral of the instantaneous frequency, so glides and vibrato are exact.
    The peak amplitude is scaled to ``amplitude``.
    """
    t = times(duration, rate)
    inst = f0(t) if callable(f0) else np.full_like(t, float(f0))
    phase = 2 * np.pi * np.cumsum(inst) / rate
    signal = np.zeros_like(t)
    for k in range(1, n_harmonics + 1):
        below_nyquist = k * inst < rate / 2
        signal += below_nyquist * np.sin(k * phase) / k
    return amplitude * signal / np.max(np.abs(signal))


def white_noise(
    duration: float, *, rate: int = RATE, amplitude: float = 0.05, seed: int = 0
) -> np.ndarray:
    return amplitude * np.random.default_rng(seed).standard_normal(round(duration * rate))


def silence(duration: float, *, rate: int = RATE, floor: float = 1e-4, seed: int = 1) -> np.ndarray:
    """Near-silence: faint noise (about -80 dB re full scale), as in real recordings."""
    return white_noise(duration, rate=rate, amplitude=floor, seed=seed)


def syllable_train(
    n: int,
    *,
    syllable: float = 0.15,
    gap: float = 0.1,
    f0: float = 150.0,
    amplitude: float = 0.1,
    rate: int = RATE,
    lead: float = 0.2,
) -> np.ndarray:
    """``n`` voiced syllables (raised-cosine envelopes) separated by near-silent gaps."""
    parts = [silence(lead, rate=rate)]
    envelope = np.hanning(round(syllable * rate))
    for i in range(n):
        parts.append(harmonic(f0, syllable, rate=rate, amplitude=amplitude) * envelope)
        parts.append(silence(gap if i < n - 1 else lead, rate=rate, seed=i + 10))
    return np.concatenate(parts)


def pulse_voice(
    duration: float,
    f0: float,
    *,
    jitter: float = 0.0,
    shimmer: float = 0.0,
    rate: int = RATE,
    seed: int = 0,
    formant: float = 700.0,
    bandwidth: float = 120.0,
):
    """A glottal-pulse voice with perturbed periods and amplitudes.

    Each pulse excites a damped resonance at its exact (sub-sample) time. Returns
    the signal and the designed local jitter and shimmer (percent) computed from
    the realised periods and pulse amplitudes with Praat's definitions.
    """
    rng = np.random.default_rng(seed)
    pulse_times, amplitudes = [0.01], []
    while pulse_times[-1] < duration - 0.02:
        pulse_times.append(pulse_times[-1] + (1.0 + jitter * rng.standard_normal()) / f0)
    pulse_times = np.array(pulse_times[:-1])
    amplitudes = 1.0 + shimmer * rng.standard_normal(len(pulse_times))
    t = times(duration, rate)
    signal = np.zeros_like(t)
    decay = np.pi * bandwidth
    for when, gain in zip(pulse_times, amplitudes, strict=True):
        start = int(np.ceil(when * rate))
        stop = min(len(t), start + int(0.03 * rate))
        local = t[start:stop] - when
        signal[start:stop] += gain * np.exp(-decay * local) * np.sin(2 * np.pi * formant * local)
    periods = np.diff(pulse_times)
    designed_jitter = 100 * np.mean(np.abs(np.diff(periods))) / np.mean(periods)
    designed_shimmer = 100 * np.mean(np.abs(np.diff(amplitudes))) / np.mean(np.abs(amplitudes))
    return 0.1 * signal / np.max(np.abs(signal)), designed_jitter, designed_shimmer
