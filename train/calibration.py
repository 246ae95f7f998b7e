"""How far probabilities can be trusted: expected calibration error, temperatures and
prediction sets fitted on held-out corpora (:mod:`model_core.model.uncertainty`)."""

from __future__ import annotations

import numpy as np

from model_core.model.uncertainty import conformal_threshold, prediction_set

ECE_BINS = 10
# Log-spaced: a head fused from several regressions can need a temperature far above 1.
TEMPERATURES = np.round(np.geomspace(0.25, 32.0, 241), 3)


def expected_calibration_error(
    probabilities: np.ndarray, truth: np.ndarray, bins: int = ECE_BINS
) -> float:
    """Top-label ECE (Guo et al. 2017): over ``bins`` equal-width confidence bins, the
    clip-weighted mean |accuracy - confidence|.

    Parameters
    ----------
    probabilities : np.ndarray
        Shape (n, L).
    truth : np.ndarray
        Shape (n,): true label indices.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    truth = np.asarray(truth, dtype=int)
    if len(truth) == 0:
        return float("nan")
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    # Bin k holds confidences in (k/bins, (k+1)/bins]; a confidence of exactly 0 joins bin 0.
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    total = 0.0
    for k in range(bins):
        inside = which == k
        if inside.any():
            total += inside.sum() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total / len(truth))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shape kept."""
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(
    logits: np.ndarray,
    truth: np.ndarray,
    groups: np.ndarray | None = None,
    grid: np.ndarray = TEMPERATURES,
) -> float:
    """The temperature of ``grid`` minimising held-out negative log-likelihood.

    ``groups`` (n,), when given, weights each group (a held-out corpus) equally, so a big
    corpus does not set the temperature for all.
    """
    logits = np.asarray(logits, dtype=np.float64)
    truth = np.asarray(truth, dtype=int)
    weights = _group_weights(groups, len(truth))
    best, best_nll = 1.0, np.inf
    for temperature in grid:
        log_p = np.log(np.maximum(softmax(logits / temperature), 1e-300))
        nll = -(weights * log_p[np.arange(len(truth)), truth]).sum()
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def balanced_threshold(
    probabilities: np.ndarray, truth: np.ndarray, groups: np.ndarray, coverage: float
) -> float:
    """A conformal threshold that covers ``coverage`` of *every* group (held-out corpus):
    the largest of the groups' own thresholds, so no corpus is left under-covered."""
    groups = np.asarray(groups)
    return max(
        conformal_threshold(probabilities[groups == g], truth[groups == g], coverage)
        for g in np.unique(groups)
    )


def set_figures(probabilities: np.ndarray, truth: np.ndarray, threshold: float) -> dict:
    """Coverage (share of sets holding the truth), mean set size and share of clips
    whose set holds more than one label."""
    sets = [prediction_set(row, threshold) for row in np.asarray(probabilities)]
    covered = [int(t) in s for s, t in zip(sets, truth, strict=True)]
    sizes = [len(s) for s in sets]
    return {
        "coverage": float(np.mean(covered)) if sets else float("nan"),
        "mean_set_size": float(np.mean(sizes)) if sets else float("nan"),
        "several": float(np.mean([n > 1 for n in sizes])) if sets else float("nan"),
    }


def _group_weights(groups: np.ndarray | None, n: int) -> np.ndarray:
    if groups is None:
        return np.full(n, 1.0 / max(n, 1))
    groups = np.asarray(groups)
    names, counts = np.unique(groups, return_counts=True)
    share = dict(zip(names, 1.0 / (len(names) * counts), strict=True))
    return np.array([share[g] for g in groups])
