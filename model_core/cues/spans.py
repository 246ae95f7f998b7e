"""Where in time a cue is most expressed: the frames with the highest scores, as spans."""

from __future__ import annotations

import numpy as np

Span = tuple[float, float]

TOP_FRACTION = 0.2  # the top fifth of eligible frames
MIN_SPAN = 0.05  # s; shorter runs are noise
MAX_SPANS = 3
MAX_GAP_FRAMES = 2  # runs separated by at most this many frames are joined


def top_spans(
    times: np.ndarray,
    score: np.ndarray,
    *,
    fraction: float = TOP_FRACTION,
    min_duration: float = MIN_SPAN,
    max_spans: int = MAX_SPANS,
) -> list[Span]:
    """Spans (s) covering the highest-scoring frames.

    Parameters
    ----------
    times : np.ndarray, shape (n_frames,)
        Frame centres, evenly spaced, seconds.
    score : np.ndarray, shape (n_frames,)
        Larger means "more expressed"; NaN frames are never chosen.
    fraction : float
        Share of the finite frames to keep (at least one).
    min_duration : float
        Drop spans shorter than this (s), unless that would drop them all.
    max_spans : int
        Keep the spans with the highest mean score.

    Returns
    -------
    list of (start, end)
        Sorted by start time; empty when no frame has a finite score.
    """
    finite = np.isfinite(score)
    if len(times) == 0 or not finite.any():
        return []
    step = float(times[1] - times[0]) if len(times) > 1 else 0.01
    cutoff = np.quantile(score[finite], 1.0 - fraction)
    chosen = finite & (score >= cutoff)
    runs = _joined_runs(np.flatnonzero(chosen))
    means = _run_means(np.where(finite, score, 0.0), finite, runs)
    candidates = [
        (float(times[a] - step / 2), float(times[b] + step / 2), mean)
        for (a, b), mean in zip(runs, means, strict=True)
    ]
    long_enough = [c for c in candidates if c[1] - c[0] >= min_duration - 1e-9] or candidates
    best = sorted(long_enough, key=lambda c: c[2], reverse=True)[:max_spans]
    return sorted((start, end) for start, end, _ in best)


def _run_means(values: np.ndarray, counted: np.ndarray, runs: list[tuple[int, int]]) -> list[float]:
    """Mean of ``values`` over the counted frames of each run, by cumulative sums (no loop)."""
    if not runs:
        return []
    total = np.concatenate([[0.0], np.cumsum(values)])
    count = np.concatenate([[0], np.cumsum(counted)])
    firsts = np.array([a for a, _ in runs])
    lasts = np.array([b for _, b in runs]) + 1
    means = (total[lasts] - total[firsts]) / np.maximum(count[lasts] - count[firsts], 1)
    return [float(m) for m in means]


def _joined_runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive index runs [first, last], joining gaps of up to MAX_GAP_FRAMES."""
    if indices.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(indices) > MAX_GAP_FRAMES + 1)
    starts = np.concatenate([[indices[0]], indices[breaks + 1]])
    ends = np.concatenate([indices[breaks], [indices[-1]]])
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
