"""Projects with annotations, built fast: silent recordings with hashes of their own and
analyses with any label (no decoding, no model), for the agreement tests."""

from __future__ import annotations

import numpy as np

from model_core.audio import Recording
from model_core.result import AnalysisResult

RATE = 16_000
LABELS = ("neutral", "happy", "sad", "angry")

# Ten items, two annotators (n: neutral, h: happy, s: sad, a: angry):
#   ann  n n n n h h h s s a
#   bob  n n n h h h s s s n
# They agree on items 1-3, 5-6, 8-9: p_o = 7/10.
# Marginals: ann n4 h3 s2 a1; bob n4 h3 s3 a0.
# p_e = (4*4 + 3*3 + 2*3 + 1*0) / 10**2 = 31/100.
# kappa = (0.70 - 0.31) / (1 - 0.31) = 0.39 / 0.69 = 13/23.
ANN = ["neutral", "neutral", "neutral", "neutral", "happy", "happy", "happy", "sad", "sad", "angry"]
BOB = ["neutral", "neutral", "neutral", "happy", "happy", "happy", "sad", "sad", "sad", "neutral"]
KAPPA_ANN_BOB = 13 / 23


def recording(number: int, seconds: float = 1.0) -> Recording:
    """A silent recording with a hash of its own (these tests are about labels)."""
    samples = np.zeros((int(seconds * RATE), 1), dtype=np.float32)
    return Recording(samples, RATE, f"{number:064x}")


def result(rec: Recording, label: str | None = "neutral", *, model="m", start=0.0, end=None):
    """An analysis of ``rec`` (the whole of it unless ``end``) whose model said ``label``."""
    return AnalysisResult(
        file=None,
        sha256=rec.sha256,
        duration=rec.duration,
        sample_rate=RATE,
        start=start,
        end=rec.duration if end is None else end,
        label=label,
        probabilities={name: 0.25 for name in LABELS} if label else {},
        citations=[{"claim": f"claim {i}"} for i in range(3)],
        model={"name": model, "version": "1", "trained": True} if model else {},
    )


def add_items(project, model_labels) -> list[int]:
    """One recording and one whole-recording analysis per model label; the analysis ids."""
    return [
        project.add_recording(recording(i), analysis=result(recording(i), label))
        for i, label in enumerate(model_labels)
    ]


def rate(project, ids, annotator, labels, **options) -> None:
    """``annotator`` labels each analysis of ``ids`` (None: leaves it out)."""
    for analysis_id, label in zip(ids, labels, strict=True):
        if label is not None:
            project.annotate(analysis_id, annotator, label, accepted=False, **options)


def ann_and_bob(path) -> None:
    """A project at ``path``: ten items rated by ann and bob (kappa 13/23)."""
    from emostudio.store import Project

    with Project(path) as project:
        ids = add_items(project, ["neutral"] * 10)
        rate(project, ids, "ann", ANN)
        rate(project, ids, "bob", BOB)
