"""Honest uncertainty for the label head: prediction sets and an "unsure" state.

**Prediction sets** (split conformal prediction, "LAC": Sadinle, Lei and Wasserman 2019;
Angelopoulos and Bates 2021). A clip's nonconformity score is ``1 - p(true label)``. On
calibration clips the model never trained on, :func:`conformal_threshold` takes the score
``q`` below which a share ``coverage`` of them fall (the finite-sample quantile
``ceil((n + 1) coverage) / n``). A new clip's set holds every label with
``p >= 1 - q`` (:func:`prediction_set`), and the most probable label always: for a clip
exchangeable with the calibration clips the set holds the true label with probability
at least ``coverage``. EmoStudio's calibration clips are *other corpora* than the model
trained on (leave-one-corpus-out), so the sets are sized for speech it has not heard.

**Unsure** (:func:`unsure_reasons`): the label is shown as uncertain when the set holds
more than one label, or when the clip lies far from everything the head trained on (its
*novelty*: the root mean square of its acoustic features' z-scores against the training
clips, robustly clipped; above the 99th percentile of the training clips' own values, see
:class:`Novelty`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_COVERAGE = 0.9
NOVELTY_CLIP = 10.0  # a single wild feature counts as 10 SD at most
NOVELTY_QUANTILE = 0.99


def conformal_threshold(
    probabilities: np.ndarray, truth: np.ndarray, coverage: float = DEFAULT_COVERAGE
) -> float:
    """Split-conformal threshold on the score ``1 - p(true)``.

    Parameters
    ----------
    probabilities : np.ndarray
        Shape (n, L): calibrated probabilities of calibration clips.
    truth : np.ndarray
        Shape (n,): each clip's true label index.
    coverage : float
        The wanted share of sets holding the true label, in (0, 1).

    Returns
    -------
    float
        ``q`` in [0, 1]; 1.0 (every label) when there are too few clips for the coverage.

    Raises
    ------
    ValueError
        For a coverage outside (0, 1) or no calibration clip.
    """
    if not 0.0 < coverage < 1.0:
        raise ValueError(f"coverage must lie in (0, 1), got {coverage}")
    probabilities = np.asarray(probabilities, dtype=np.float64)
    truth = np.asarray(truth, dtype=int)
    if len(truth) == 0:
        raise ValueError("a conformal threshold needs calibration clips")
    scores = np.sort(1.0 - probabilities[np.arange(len(truth)), truth])
    rank = math.ceil((len(scores) + 1) * coverage)  # 1-based
    if rank > len(scores):
        return 1.0
    return float(scores[rank - 1])


def prediction_set(probabilities: np.ndarray, threshold: float) -> list[int]:
    """Indices of the labels in one clip's set, most probable first.

    Parameters
    ----------
    probabilities : np.ndarray
        Shape (L,).
    threshold : float
        :func:`conformal_threshold`'s ``q``: labels with ``p >= 1 - q`` are in.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    order = np.argsort(-probabilities, kind="stable")
    kept = [int(i) for i in order if probabilities[i] >= 1.0 - threshold - 1e-12]
    return kept or [int(order[0])]


@dataclass(frozen=True)
class Novelty:
    """How far a clip's acoustic features lie from the head's training clips.

    ``centre`` and ``scale`` (F,) are the training clips' medians and robust SDs (MAD
    times 1.4826); ``threshold`` is the 99th percentile of the training clips' own
    novelty.
    """

    centre: np.ndarray
    scale: np.ndarray
    threshold: float

    @classmethod
    def fit(cls, rows: np.ndarray) -> Novelty:
        """From training rows, shape (n, F) (NaN: not measured, ignored)."""
        rows = np.asarray(rows, dtype=np.float64)
        centre = np.nan_to_num(np.nanmedian(rows, axis=0))
        mad = np.nan_to_num(np.nanmedian(np.abs(rows - centre), axis=0)) * 1.4826
        scale = np.where(mad > 1e-9, mad, 1.0)
        partial = cls(centre, scale, math.inf)
        return cls(centre, scale, float(np.quantile(partial.of(rows), NOVELTY_QUANTILE)))

    def of(self, rows: np.ndarray) -> np.ndarray:
        """Each row's novelty, shape (n,): RMS of clipped z-scores (unmeasured: 0)."""
        z = (np.atleast_2d(np.asarray(rows, dtype=np.float64)) - self.centre) / self.scale
        z = np.clip(np.nan_to_num(z, nan=0.0), -NOVELTY_CLIP, NOVELTY_CLIP)
        novelty: np.ndarray = np.sqrt(np.mean(z**2, axis=1))
        return novelty


@dataclass(frozen=True)
class Assessment:
    """How sure a clip's label is (:meth:`model_core.model.head.LabelHead.assess`).

    Attributes
    ----------
    label_set : list of str or None
        The prediction set, most probable first; None for a head without calibrated sets.
    reasons : list of str
        Why the label is unsure, in plain words; empty when it is not.
    novelty, novelty_limit : float or None
        How far the clip lies from the training clips, and the head's limit.
    """

    label_set: list[str] | None
    reasons: list[str]
    novelty: float | None
    novelty_limit: float | None

    @property
    def unsure(self) -> bool:
        return bool(self.reasons)


def unsure_reasons(labels: list[str], novelty: float | None, threshold: float | None) -> list[str]:
    """Why a label must be shown as uncertain; empty when it need not.

    Parameters
    ----------
    labels : list of str
        The clip's prediction set.
    novelty, threshold : float or None
        The clip's novelty and the head's limit (None: not measured).
    """
    reasons = []
    if len(labels) > 1:
        reasons.append(f"the model cannot tell {_joined(labels, 'and')} apart here")
    if novelty is not None and threshold is not None and novelty > threshold:
        reasons.append("the recording is unlike anything the model was trained on")
    return reasons


def set_text(labels: list[str]) -> str:
    """A prediction set in words: ``angry``, ``angry or neutral``, ``a, b or c``."""
    return _joined(labels, "or")


def _joined(labels: list[str], word: str) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} {word} {labels[-1]}"
