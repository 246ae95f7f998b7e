"""A classical peer for EmoReasoner: eGeMAPS functionals and a logistic regression.

The standard small baseline of speech-emotion research (Eyben et al. 2016): openSMILE's
eGeMAPS v02 functionals (88 per clip, through the ``opensmile`` package), normalised per
speaker (each speaker's own clips give the mean and SD, labels unseen, as EmoStudio's
speaker baselines do), then a class-balanced multinomial logistic regression on the
standardised features. :func:`peer_fold` trains it on one fold's training speakers and
scores the held-out speakers, so its figures sit beside EmoReasoner's on exactly the
same folds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model_core.audio import AudioError, load_audio
from model_core.errors import EmoStudioError
from train.datasets.example import Example
from train.evaluate import ClassificationMetrics, classification_metrics

SAMPLE_RATE = 16_000


class PeerUnavailableError(EmoStudioError, RuntimeError):
    """The classical peer needs the ``opensmile`` package."""


@dataclass
class Features:
    """eGeMAPS functionals of examples: ``values`` (n, 88), the feature names, the ids."""

    ids: list[str]
    names: list[str]
    values: np.ndarray


def egemaps(
    examples: list[Example], say: Callable[[str], None] = print
) -> tuple[Features, list[Example]]:
    """eGeMAPS v02 functionals of each readable example (and the examples kept).

    Raises
    ------
    PeerUnavailableError
        When ``opensmile`` is not installed.
    """
    try:
        import opensmile
    except ImportError as err:
        raise PeerUnavailableError("the classical peer needs: pip install opensmile") from err
    smile = opensmile.Smile(
        feature_set=opensmile.FeatureSet.eGeMAPSv02,
        feature_level=opensmile.FeatureLevel.Functionals,
    )
    rows, kept = [], []
    for index, example in enumerate(examples, 1):
        try:
            samples = load_audio(example.audio).for_model
        except AudioError as err:
            say(f"peer: skipped {example.id}: {err}")
            continue
        frame = smile.process_signal(samples, SAMPLE_RATE)
        rows.append(frame.to_numpy(dtype=np.float64)[0])
        kept.append(example)
        if index % 200 == 0:
            say(f"peer: eGeMAPS of {index}/{len(examples)} clips")
    names = list(smile.feature_names)
    return Features(
        [e.id for e in kept], names, np.vstack(rows) if rows else np.zeros((0, 88))
    ), kept


def per_speaker_normalised(values: np.ndarray, speakers: list[str | None]) -> np.ndarray:
    """Each feature z-scored within its speaker's clips (speakers with one clip: centred only)."""
    normalised = np.array(values, dtype=np.float64, copy=True)
    for speaker in set(speakers):
        rows = [i for i, s in enumerate(speakers) if s == speaker]
        block = normalised[rows]
        spread = block.std(axis=0) if len(rows) > 1 else np.ones(block.shape[1])
        normalised[rows] = (block - block.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    return normalised


def peer_fold(
    features: np.ndarray,
    labels: list[str],
    train: np.ndarray,
    test: np.ndarray,
    label_set: list[str],
    seed: int = 0,
) -> tuple[ClassificationMetrics, list[str]]:
    """Fit on the ``train`` rows, score the ``test`` rows; (metrics, predictions)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(max_iter=2000, class_weight="balanced", C=0.5, random_state=seed),
    )
    model.fit(features[train], [labels[i] for i in train])
    predicted = [str(p) for p in model.predict(features[test])]
    truth = [labels[i] for i in test]
    return classification_metrics(truth, predicted, label_set), predicted
