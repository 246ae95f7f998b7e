"""The label head's input for a clip, built one way for training and for serving.

:class:`~model_core.pipeline.Analyzer` (serving) and ``train.head`` /
``train.corpus_features`` (training) all call :func:`clip_head_features` (or its acoustic
half, :func:`acoustic_features`), so the vector a head was fitted on and the vector it reads
in the app cannot drift apart (``tests/train/test_head_features.py`` checks both routes on
a real clip).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model_core.acoustics.egemaps import EGEMAPS_SIZE, egemaps_functionals
from model_core.audio import MODEL_SAMPLE_RATE
from model_core.model.head import CUE_ORDER, cue_vector, pooled_states

if TYPE_CHECKING:
    from model_core.cues import CueSummary


def measured_summary(samples: np.ndarray, name: str = "clip") -> CueSummary:
    """The cue summary of 16 kHz samples (population baseline: raw values are what count).

    Raises
    ------
    model_core.audio.AudioError
        For a clip the acoustic analysis refuses (too short, silent).
    """
    from model_core.audio import recording_from_array
    from model_core.cues import analyze_clip

    _, summary = analyze_clip(recording_from_array(samples, MODEL_SAMPLE_RATE, name=name))
    return summary


def acoustic_features(
    samples: np.ndarray,
    summary: CueSummary,
    *,
    egemaps: np.ndarray | None = None,
    cue_order: tuple[str, ...] = CUE_ORDER,
) -> np.ndarray:
    """The acoustic block: eGeMAPS functionals, then the raw cue values.

    Parameters
    ----------
    samples : np.ndarray
        The clip, shape (n,), 16 kHz.
    summary : CueSummary
        Its cues.
    egemaps : np.ndarray, optional
        Its eGeMAPS functionals (88,), when already measured (several clips at once).
    cue_order : tuple of str
        The cues, in the head's order.

    Returns
    -------
    np.ndarray
        Shape (88 + len(cue_order),), float64; NaN where a cue was not measured.
    """
    egemaps = np.asarray(
        egemaps_functionals(samples, MODEL_SAMPLE_RATE) if egemaps is None else egemaps,
        dtype=np.float64,
    )
    if egemaps.shape != (EGEMAPS_SIZE,):
        raise ValueError(f"egemaps must have shape ({EGEMAPS_SIZE},), got {egemaps.shape}")
    return np.concatenate([egemaps, cue_vector(summary.raw_values(), cue_order)])


def clip_head_features(
    whisper_frames: np.ndarray,
    samples: np.ndarray,
    summary: CueSummary,
    *,
    egemaps: np.ndarray | None = None,
    cue_order: tuple[str, ...] = CUE_ORDER,
) -> np.ndarray:
    """One clip's head input: the pooled Whisper states, then :func:`acoustic_features`
    (the layout of :func:`~model_core.model.head.utterance_features`).

    Parameters
    ----------
    whisper_frames : np.ndarray
        Shape (T, d): the clip's real frames of the head's Whisper layer.
    samples, summary, egemaps, cue_order
        As in :func:`acoustic_features`.

    Returns
    -------
    np.ndarray
        Shape (2 d + 88 + len(cue_order),), float64.
    """
    return np.concatenate(
        [
            pooled_states(whisper_frames),
            acoustic_features(samples, summary, egemaps=egemaps, cue_order=cue_order),
        ]
    )
