"""openSMILE's eGeMAPS v02 functionals of a clip (Eyben et al. 2016).

The Geneva Minimalistic Acoustic Parameter Set, extended: 88 functionals (F0, loudness,
jitter, shimmer, HNR, formants, spectral slopes, rates of voiced and unvoiced stretches)
that speech-emotion research uses as its standard small feature set. They come from the
``opensmile`` package (its own C++ extractor, bundled; no Praat command matches them).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import numpy as np

from model_core.errors import EmoStudioError

EGEMAPS_SIZE = 88
EGEMAPS_RATE = 16_000  # Hz: what EmoStudio gives it (the model's rate)


class EgemapsUnavailableError(EmoStudioError, RuntimeError):
    """The ``opensmile`` package is missing."""


@lru_cache(maxsize=1)
def _smile() -> Any:  # an opensmile.Smile (opensmile has no type hints)
    try:
        import opensmile
    except ImportError as err:
        raise EgemapsUnavailableError(
            "eGeMAPS needs the opensmile package: pip install opensmile==2.6.0"
        ) from err
    return opensmile.Smile(
        feature_set=opensmile.FeatureSet.eGeMAPSv02,
        feature_level=opensmile.FeatureLevel.Functionals,
    )


def egemaps_names() -> list[str]:
    """The 88 functionals' names, in the order :func:`egemaps_functionals` returns them."""
    return list(_smile().feature_names)


def egemaps_functionals(samples: np.ndarray, rate: int = EGEMAPS_RATE) -> np.ndarray:
    """eGeMAPS v02 functionals of a mono clip.

    Parameters
    ----------
    samples : np.ndarray
        Mono samples, shape (n,), float in [-1, 1].
    rate : int
        Their sample rate, Hz.

    Returns
    -------
    np.ndarray
        Shape (88,), float64, in each functional's own unit (see :func:`egemaps_names`).

    Raises
    ------
    EgemapsUnavailableError
        When ``opensmile`` is not installed.
    """
    frame = _smile().process_signal(np.asarray(samples, dtype=np.float32), rate)
    functionals: np.ndarray = frame.to_numpy(dtype=np.float64)[0]
    return functionals


def egemaps_of_clips(
    clips: list[np.ndarray], rate: int = EGEMAPS_RATE, workers: int | None = None
) -> np.ndarray:
    """:func:`egemaps_functionals` of several clips, on ``workers`` threads at once.

    openSMILE builds a new extractor for every call and runs it in C through ctypes,
    which lets go of Python's lock, so the threads use as many cores; the values are
    those of one call per clip.

    Parameters
    ----------
    clips : list of np.ndarray
        Mono clips, shape (n_i,) each, float in [-1, 1].
    rate : int
        Their sample rate, Hz.
    workers : int, optional
        Threads (default: the CPU count, at most one per clip).

    Returns
    -------
    np.ndarray
        Shape (len(clips), 88), float64.
    """
    if not clips:
        return np.zeros((0, EGEMAPS_SIZE))
    workers = max(1, min(workers or os.cpu_count() or 1, len(clips)))
    if workers == 1:
        return np.vstack([egemaps_functionals(c, rate) for c in clips])
    with ThreadPoolExecutor(workers, thread_name_prefix="egemaps") as pool:
        return np.vstack(list(pool.map(lambda clip: egemaps_functionals(clip, rate), clips)))


def egemaps_version() -> str:
    """The opensmile package's version, for the record of what computed a feature."""
    from importlib.metadata import version

    return f"opensmile {version('opensmile')} eGeMAPSv02 functionals"
