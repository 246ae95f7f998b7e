"""Class prosody after the literature's profiles (Scherer 2003; Juslin and Laukka 2003).

| class | F0 mean | F0 range | intensity | rate | high-frequency energy |
| --- | --- | --- | --- | --- | --- |
| angry | up | up | up | up | up |
| happy | up | up | up | up or same | up |
| sad | down | down | down | down | down |
| neutral | baseline | baseline | baseline | baseline | baseline |

Each clip draws its own values from the class's ranges below, which overlap between
classes as real speech does. Pitch level, pitch range and duration are changed with
Praat's ``Change gender...`` (PSOLA: formants stay), loudness by gain and brightness by a
first-order tilt filter.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import parselmouth
from parselmouth.praat import call, run
from scipy.signal import lfilter

from model_core.audio import MODEL_SAMPLE_RATE

# class -> (pitch shift st, range factor, rate factor, gain dB, tilt): (low, high) uniform ranges
PROFILES: dict[str, dict[str, tuple[float, float]]] = {
    "neutral": {
        "pitch": (-1.0, 1.0),
        "range": (0.8, 1.15),
        "rate": (0.93, 1.07),
        "gain": (-2.0, 2.0),
        "tilt": (-0.1, 0.1),
    },
    "happy": {
        "pitch": (1.5, 4.5),
        "range": (1.3, 1.9),
        "rate": (1.0, 1.15),
        "gain": (1.0, 5.0),
        "tilt": (0.1, 0.4),
    },
    "angry": {
        "pitch": (0.5, 3.5),
        "range": (1.15, 1.6),
        "rate": (1.08, 1.3),
        "gain": (4.0, 9.0),
        "tilt": (0.35, 0.7),
    },
    "sad": {
        "pitch": (-3.5, -1.0),
        "range": (0.45, 0.8),
        "rate": (0.72, 0.9),
        "gain": (-9.0, -3.0),
        "tilt": (-0.6, -0.2),
    },
}
PITCH_FLOOR, PITCH_CEILING = 75.0, 600.0  # Hz, for Praat's pitch analysis inside Change gender
PEAK_LIMIT = 0.97  # full scale: loud clips are limited, never clipped
MIN_MEDIAN_HZ = 90.0  # a lowered voice's median F0 stays above this
REFERENCE_RMS_DB = -26.0  # dB re full scale: the neutral level every voice is brought to
PRAAT_SEED = 1  # seed of Praat's random generator for every Change gender


@dataclass(frozen=True)
class ProsodyDraw:
    """The prosody one clip was given."""

    prosody: str
    pitch_st: float
    range_factor: float
    rate_factor: float
    gain_db: float
    tilt: float

    def to_dict(self) -> dict:
        return asdict(self)


def draw(prosody: str, rng: np.random.Generator) -> ProsodyDraw:
    """Random values inside the class's profile."""
    profile = PROFILES[prosody]
    values = {name: float(rng.uniform(*bounds)) for name, bounds in profile.items()}
    return ProsodyDraw(
        prosody, values["pitch"], values["range"], values["rate"], values["gain"], values["tilt"]
    )


def _tilt(samples: np.ndarray, amount: float) -> np.ndarray:
    """Brighten (amount > 0, pre-emphasis) or darken (amount < 0, one-pole low-pass)."""
    if amount >= 0:
        return lfilter([1.0, -amount], [1.0], samples) / (1.0 + amount) * 2.0
    return lfilter([1.0 + amount], [1.0, amount], samples)


def apply(samples: np.ndarray, settings: ProsodyDraw) -> np.ndarray:
    """The clip with the drawn prosody; 16 kHz mono float32 in and out."""
    sound = parselmouth.Sound(samples.astype(np.float64), MODEL_SAMPLE_RATE)
    pitch = sound.to_pitch_ac(pitch_floor=PITCH_FLOOR, pitch_ceiling=PITCH_CEILING)
    f0 = pitch.selected_array["frequency"]
    voiced = f0[f0 > 0]
    median = float(np.median(voiced)) if voiced.size else 0.0
    target = median * 2 ** (settings.pitch_st / 12) if median else 0.0
    if target:  # below about 90 Hz low voices turn creaky and pitch trackers jump octaves
        target = max(target, min(median, MIN_MEDIAN_HZ))
    # Praat's PSOLA places the periods of unvoiced stretches at random, from Praat's own
    # generator: seeded here, the same input gives the same clip (the corpus rebuilds
    # exactly); unseeded it differs on every run.
    run(f"random_initializeWithSeedUnsafelyButPredictably ({PRAAT_SEED})")
    try:
        changed = call(
            sound,
            "Change gender",
            PITCH_FLOOR,
            PITCH_CEILING,
            1.0,
            target,
            settings.range_factor,
            1.0 / settings.rate_factor,
        )
    finally:  # other Praat users in this process keep an unpredictable generator
        run("random_initializeSafelyAndUnpredictably ()")
    out = _tilt(np.asarray(changed.values[0], dtype=np.float64), settings.tilt)
    out = _at_level(out, REFERENCE_RMS_DB + settings.gain_db)  # every voice from the same level
    return _limit(out).astype(np.float32)


def _at_level(samples: np.ndarray, rms_db: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    return samples * (10 ** (rms_db / 20) / rms) if rms > 0 else samples


def _limit(samples: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    return samples * (PEAK_LIMIT / peak) if peak > PEAK_LIMIT else samples
