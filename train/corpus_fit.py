"""The head to ship from a leave-one-corpus-out run: fitted on every training corpus,
its temperatures and prediction-set thresholds from the held-out-corpus logits, its
novelty limit from the training clips (:mod:`model_core.model.uncertainty`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model_core.model.head import LabelHead
from model_core.model.uncertainty import DEFAULT_COVERAGE, Novelty
from train.corpus_rows import Rows
from train.head_recipes import HeadRecipe

MODE_OF = {"same-speaker": "speaker", "population": "population"}


def fit_shipped_head(
    rows: Rows,
    recipe: HeadRecipe,
    labels: list[str],
    calibration: dict[str, dict[str, float]],
    info: dict,
) -> LabelHead:
    """``recipe``'s head on every ``train`` and ``always`` row of ``rows``.

    Parameters
    ----------
    calibration : dict
        Mode (``same-speaker``, ``population``) -> ``{"temperature", "threshold"}``, as
        :func:`train.corpus_cv.shipping_calibration` gives them.
    info : dict
        Recorded in the head (the data, the run): how it was made.
    """
    if len(recipe.layers) != 1:
        raise ValueError(
            f"{recipe.name}: a shipped head reads one Whisper layer, not {recipe.layers}"
        )
    trainable = np.array([role in ("train", "always") for role in rows.roles])
    train = rows.take(trainable)
    features = recipe.features(train.whisper, train.acoustic)
    head = recipe.fit(features, train.truth, train.speakers, train.corpora, labels)
    head.temperatures = {MODE_OF[m]: float(c["temperature"]) for m, c in calibration.items()}
    head.set_thresholds = {MODE_OF[m]: float(c["threshold"]) for m, c in calibration.items()}
    head.coverage = DEFAULT_COVERAGE
    head.novelty = Novelty.fit(train.acoustic[train.recorded()])
    head.info.update(info)
    head.info["recipe"] = recipe.to_dict()
    head.info["layers"] = list(recipe.layers)
    return head


def write_shipped_model(base: str, head: LabelHead, out: Path, report: dict, context: str) -> Path:
    """``base``'s folder with ``head``, in Whisper ``context``, written to ``out``."""
    from model_core.model.config import EmoReasonerConfig
    from model_core.pipeline import model_folder
    from train.head import write_model_with_head

    folder = model_folder(base)
    config = EmoReasonerConfig.load(folder)
    wanted = {**config.to_dict(), "whisper_context": context}
    wanted["whisper_tail_s"] = 0.0
    return write_model_with_head(folder, head, out, report, EmoReasonerConfig.from_dict(wanted))
