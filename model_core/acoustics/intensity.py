"""Intensity in dB as Praat defines it (``Sound: To Intensity...``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import parselmouth

from model_core.acoustics.praat import PRAAT_VERSIONS
from model_core.acoustics.track import Track

REFERENCE_PRESSURE = 2e-5  # Pa: 0 dB SPL; Praat takes samples as pascals
PRAAT_SILENCE_DB = -299.0  # Praat writes -300 dB where the signal is digitally silent


@dataclass(frozen=True)
class IntensitySettings:
    """Arguments of Praat's ``Sound: To Intensity...`` with Praat's defaults.

    The squared signal is smoothed with a Kaiser-20 window whose effective length
    is 3.2 / ``minimum_pitch`` (32 ms at 100 Hz); ``time_step`` 0 means Praat's
    automatic 0.8 / ``minimum_pitch`` (8 ms at 100 Hz).
    """

    minimum_pitch: float = 100.0  # Hz
    time_step: float = 0.0  # s
    subtract_mean: bool = True  # remove the DC pressure in each window


def intensity_track(
    sound: parselmouth.Sound,
    settings: IntensitySettings = IntensitySettings(),
    name: str = "intensity",
) -> Track:
    """Intensity contour, dB re 2e-5 Pa; NaN where the sound is digitally silent.

    Returns
    -------
    Track
        ``values`` shape (n_frames,), unit "dB".
    """
    intensity = sound.to_intensity(
        minimum_pitch=settings.minimum_pitch,
        time_step=settings.time_step or None,
        subtract_mean=settings.subtract_mean,
    )
    values = np.asarray(intensity.values[0], dtype=float).copy()
    values[values <= PRAAT_SILENCE_DB] = np.nan
    parameters = asdict(settings) | {"effective_time_step": float(intensity.time_step)}
    return Track(
        name,
        np.asarray(intensity.xs(), dtype=float),
        values,
        "dB",
        "Praat Sound: To Intensity...",
        parameters,
        PRAAT_VERSIONS,
    )


def sine_intensity_db(amplitude_pa: float) -> float:
    """Intensity of a steady sine of peak ``amplitude_pa`` pascals, dB re 2e-5 Pa."""
    return float(10.0 * np.log10((amplitude_pa**2 / 2.0) / REFERENCE_PRESSURE**2))
