"""Thin bridge to Praat through parselmouth: sounds in, numpy out, versions recorded."""

from __future__ import annotations

import numpy as np
import parselmouth

import model_core

PRAAT_VERSIONS = {
    "praat": parselmouth.PRAAT_VERSION,
    "parselmouth": parselmouth.VERSION,
    "model_core": model_core.__version__,
}
NUMPY_VERSIONS = {"numpy": np.__version__, "model_core": model_core.__version__}
PRAAT_UNDEFINED_HNR = -200.0  # Praat writes -200 dB for frames without periodicity


def praat_sound(
    samples: np.ndarray, sample_rate: int, start_time: float = 0.0
) -> parselmouth.Sound:
    """A Praat Sound from mono samples (taken as pascals, as Praat does).

    Parameters
    ----------
    samples : np.ndarray, shape (n_samples,)
    sample_rate : int, Hz
    start_time : float
        Time (s) of the first sample; every analysis of the sound keeps this time axis.
    """
    return parselmouth.Sound(
        np.asarray(samples, dtype=np.float64), sampling_frequency=sample_rate, start_time=start_time
    )
