"""Augmentation: background noise at several SNRs, gain, a little reverberation, speed."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.signal import fftconvolve

from model_core.audio import MODEL_SAMPLE_RATE, resample

SNRS_DB = (30.0, 20.0, 15.0)
P_NOISE, P_GAIN, P_REVERB, P_SPEED = 0.5, 0.5, 0.25, 0.2
GAIN_DB = (-6.0, 6.0)
RT60 = (0.15, 0.4)  # s
WET = (0.1, 0.3)
SPEED = (0.95, 1.05)


@dataclass(frozen=True)
class Augmentation:
    snr_db: float | None = None
    gain_db: float = 0.0
    rt60: float | None = None
    speed: float = 1.0

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        parts = []
        if self.snr_db is not None:
            parts.append(f"noise {self.snr_db:.0f} dB SNR")
        if self.gain_db:
            parts.append(f"gain {self.gain_db:+.1f} dB")
        if self.rt60 is not None:
            parts.append(f"reverb RT60 {self.rt60:.2f} s")
        if self.speed != 1.0:
            parts.append(f"speed x{self.speed:.3f}")
        return ", ".join(parts) or "none"


def draw(rng: np.random.Generator, strength: float = 1.0) -> Augmentation:
    """Random augmentation; ``strength`` 0 gives none."""

    def maybe(p: float) -> bool:
        return bool(rng.random() < p * strength)

    return Augmentation(
        snr_db=float(rng.choice(SNRS_DB)) if maybe(P_NOISE) else None,
        gain_db=float(rng.uniform(*GAIN_DB)) if maybe(P_GAIN) else 0.0,
        rt60=float(rng.uniform(*RT60)) if maybe(P_REVERB) else None,
        speed=float(rng.uniform(*SPEED)) if maybe(P_SPEED) else 1.0,
    )


def apply(samples: np.ndarray, augmentation: Augmentation, rng: np.random.Generator) -> np.ndarray:
    """The augmented clip (16 kHz mono float32), never clipped."""
    out = samples.astype(np.float64)
    if augmentation.speed != 1.0:  # resampling changes tempo and pitch together, like a tape
        out = resample(
            out, round(MODEL_SAMPLE_RATE * augmentation.speed), MODEL_SAMPLE_RATE
        ).astype(np.float64)
    if augmentation.rt60 is not None:
        out = _reverb(out, augmentation.rt60, float(rng.uniform(*WET)), rng)
    if augmentation.snr_db is not None:
        noise = _pink_noise(len(out), rng)
        signal_power = float(np.mean(out**2)) or 1e-12
        out = out + noise * np.sqrt(
            signal_power / np.mean(noise**2) / 10 ** (augmentation.snr_db / 10)
        )
    out = out * 10 ** (augmentation.gain_db / 20)
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    return (out * (0.97 / peak) if peak > 0.97 else out).astype(np.float32)


def _reverb(samples: np.ndarray, rt60: float, wet: float, rng: np.random.Generator) -> np.ndarray:
    """A synthetic room: exponentially decaying noise as the impulse response."""
    length = int(rt60 * MODEL_SAMPLE_RATE)
    t = np.arange(length) / MODEL_SAMPLE_RATE
    response = rng.standard_normal(length) * np.exp(-6.9 * t / rt60)  # -60 dB at rt60
    response /= np.sqrt(np.sum(response**2))
    reverberant = fftconvolve(samples, response)[: len(samples)]
    return (1 - wet) * samples + wet * reverberant


def _pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """1/f noise by shaping white noise in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(max(n, 2)))
    frequencies = np.maximum(np.fft.rfftfreq(max(n, 2)), 1.0 / max(n, 2))
    return np.fft.irfft(spectrum / np.sqrt(frequencies), max(n, 2))[:n]
