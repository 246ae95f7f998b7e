"""Leave-one-corpus-out evaluation: does a label hold on corpora it never heard?

Every ``train`` corpus is held out in turn (a head is fitted on the other ``train``
corpora and the ``always`` ones, so none of its speakers, rooms or languages was heard),
and every ``evaluate`` corpus is scored by the head fitted on all ``train`` corpora
(:mod:`train.corpus_rows`). Several systems run on exactly the same folds:

- :class:`HeadSystem`: a label head fitted by a :class:`~train.head_recipes.HeadRecipe`
  (the new recipe and, for comparison, the one the default shipped with before);
- :class:`PeerSystem`: the eGeMAPS logistic regression of :mod:`train.peer`;
- :class:`ShippedSystem`: a shipped model's head as it is (no refit; a corpus it
  trained on is marked as such).

Each system's logits are then **calibrated on other corpora**: for a held-out corpus,
the temperature and the 90 % conformal threshold come from the held-out logits of the
*other* ``train`` corpora (never from the corpus being scored, never from an
evaluation-only corpus), and its expected calibration error and prediction-set coverage
are measured on it. Two modes, as EmoStudio offers them: ``same-speaker`` (each held-out
speaker's clips read against their own voice; clips without a speaker in population
mode) and ``population``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from model_core.model.head import LabelHead, relative_to_voice
from model_core.model.uncertainty import DEFAULT_COVERAGE
from train.calibration import (
    balanced_threshold,
    expected_calibration_error,
    fit_temperature,
    set_figures,
    softmax,
)
from train.corpus_rows import Rows
from train.evaluate import classification_metrics
from train.head import voices_of
from train.head_recipes import HeadRecipe

MODES = ("same-speaker", "population")


class HeadSystem:
    """A label head fitted by ``recipe`` on each fold's training rows."""

    def __init__(self, recipe: HeadRecipe):
        self.recipe, self.name = recipe, recipe.name

    def fit(self, rows: Rows, labels: list[str]):
        # Only the augmented copies this recipe asks for train it (a run holds the copies
        # of every recipe it compares).
        wanted = {None, *self.recipe.augmentations}
        rows = rows.take(np.array([a in wanted for a in rows.augmentation], dtype=bool))
        features = self.recipe.features(rows.whisper, rows.acoustic)
        return _HeadScorer(
            # A fold may lack a label (EmoSpeech has no sad): it is then never predicted.
            self.recipe.fit(
                features, rows.truth, rows.speakers, rows.corpora, labels, allow_missing=True
            ),
            self.recipe,
        )


class ShippedSystem:
    """A fitted head used as it is; ``seen`` names the corpora it trained on."""

    def __init__(self, name: str, head: LabelHead, layers: tuple[int, ...], seen: set[str]):
        self.name, self.head, self.seen = name, head, seen
        self.recipe = HeadRecipe(name, layers=layers)

    def fit(self, rows: Rows, labels: list[str]):
        if list(self.head.labels) != list(labels):
            raise ValueError(f"{self.name} has labels {self.head.labels}, the run {labels}")
        return _HeadScorer(self.head, self.recipe, temperatures=self.head.temperatures)


@dataclass
class _HeadScorer:
    head: LabelHead
    recipe: HeadRecipe
    temperatures: dict[str, float] | None = None  # a shipped head's own; None: raw logits

    def logits(self, rows: Rows) -> dict[str, np.ndarray]:
        features = self.recipe.features(rows.whisper, rows.acoustic)
        population = self.head.fused_logits(features, "population")
        speaker = population.copy()
        voices = voices_of(features, rows.speakers)
        named = [i for i, s in enumerate(rows.speakers) if s]
        if named:
            relative = np.vstack(
                [
                    relative_to_voice(features[i], voices[rows.speakers[i]], self.head.within_sd)
                    for i in named
                ]
            )
            speaker[named] = self.head.speaker_logits(features[named], relative)
        if self.temperatures:
            population = population / self.temperatures["population"]
            speaker = speaker / self.temperatures["speaker"]
        return {"same-speaker": speaker, "population": population}


class PeerSystem:
    """eGeMAPS functionals and a logistic regression (:func:`train.peer.peer_fold`'s
    model), per-speaker normalised in same-speaker mode."""

    name = "egemaps-peer"

    def fit(self, rows: Rows, labels: list[str]):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        from train.peer import per_speaker_normalised

        def model(values, truth):
            pipeline = make_pipeline(
                StandardScaler(),
                LogisticRegression(max_iter=2000, class_weight="balanced", C=0.5, random_state=0),
            )
            return pipeline.fit(np.nan_to_num(values), truth)

        rows = rows.take(rows.recorded())  # the peer trains on clips as recorded
        egemaps = rows.acoustic[:, :88]
        named = [i for i, s in enumerate(rows.speakers) if s]
        relative = per_speaker_normalised(egemaps[named], [rows.speakers[i] for i in named])
        return _PeerScorer(
            model(egemaps, rows.truth), model(relative, [rows.truth[i] for i in named]), labels
        )


@dataclass
class _PeerScorer:
    population: object
    speaker: object
    labels: list[str]

    def _log_p(self, model, values: np.ndarray) -> np.ndarray:
        classes = list(model.classes_)
        found = model.predict_proba(np.nan_to_num(values))
        # A label no training clip had (a fold without it) is never predicted.
        columns = [
            found[:, classes.index(label)] if label in classes else np.zeros(len(values))
            for label in self.labels
        ]
        return np.log(np.maximum(np.column_stack(columns), 1e-12))

    def logits(self, rows: Rows) -> dict[str, np.ndarray]:
        from train.peer import per_speaker_normalised

        egemaps = rows.acoustic[:, :88]
        population = self._log_p(self.population, egemaps)
        speaker = population.copy()
        named = [i for i, s in enumerate(rows.speakers) if s]
        if named:
            relative = per_speaker_normalised(egemaps[named], [rows.speakers[i] for i in named])
            speaker[named] = self._log_p(self.speaker, relative)
        return {"same-speaker": speaker, "population": population}


@dataclass
class Fold:
    """One held-out part: its name (a corpus, or ``ravdess/actors-1``), the test rows and
    the rows that may train."""

    name: str
    corpus: str
    test: np.ndarray  # indices into the run's rows
    train: np.ndarray
    kind: str = "corpus"  # "corpus" (held out whole), "speakers" (inside one), "check"


@dataclass
class HeldOut:
    """One system's logits on one fold's test rows, per mode."""

    fold: Fold
    truth: np.ndarray  # label indices
    logits: dict[str, np.ndarray] = field(default_factory=dict)


def corpus_folds(rows: Rows, speaker_folds: dict[str, int] | None = None) -> list[Fold]:
    """Leave-one-corpus-out folds, and optional speaker folds inside ``train`` corpora.

    ``speaker_folds`` maps a ``train`` corpus to a number of speaker folds: each holds
    out some of its speakers (all other corpora train), for a within-corpus check beside
    the held-out-corpus one.
    """
    from train.datasets.example import Example
    from train.speaker_cv import speaker_folds as deal

    recorded = rows.recorded()
    roles = np.array(rows.roles)
    corpora = np.array(rows.corpora)
    origin_corpus = corpora[rows.origin]
    trainable = (roles == "train") | (roles == "always")
    folds = []
    scored = {c: r for c, r in zip(rows.corpora, rows.roles, strict=True) if r != "always"}
    for corpus, role in scored.items():
        test = np.flatnonzero(recorded & (corpora == corpus))
        train = np.flatnonzero(trainable & (origin_corpus != corpus))
        folds.append(Fold(corpus, corpus, test, train, "check" if role == "check" else "corpus"))
    for corpus, count in (speaker_folds or {}).items():
        mine = np.flatnonzero(recorded & (corpora == corpus) & (roles == "train"))
        named = [i for i in mine if rows.speakers[i]]
        examples = [
            Example(
                id=rows.ids[i],
                audio=None,
                speaker=rows.speakers[i],
                extra={"sex": rows.sexes.get(rows.speakers[i], "")},
            )
            for i in named
        ]
        for number, held in enumerate(deal(examples, count), 1):
            held = set(held)
            speakers = np.array([rows.speakers[int(o)] for o in rows.origin])
            test = np.array([i for i in named if rows.speakers[i] in held])
            train = np.flatnonzero(trainable & ~np.isin(speakers, list(held)))
            folds.append(Fold(f"{corpus}/speakers-{number}", corpus, test, train, "speakers"))
    return folds


def run_folds(
    rows: Rows,
    folds: list[Fold],
    systems: list,
    labels: list[str],
    say: Callable[[str], None] = print,
) -> dict[str, list[HeldOut]]:
    """Every system on every fold: system name -> its held-out logits per fold.

    Folds with the same training rows share one fit per system.
    """
    index = {label: i for i, label in enumerate(labels)}
    fitted: dict[tuple[str, bytes], object] = {}
    results: dict[str, list[HeldOut]] = {s.name: [] for s in systems}
    for fold in folds:
        train, test = rows.take(fold.train), rows.take(fold.test)
        truth = np.array([index[t] for t in test.truth])
        for system in systems:
            key = (system.name, fold.train.tobytes())
            if key not in fitted:
                fitted[key] = system.fit(train, labels)
            results[system.name].append(HeldOut(fold, truth, fitted[key].logits(test)))
        say(f"fold {fold.name}: {len(test)} held out, {len(train)} training rows")
    return results


def calibrated_figures(
    held: list[HeldOut],
    labels: list[str],
    calibration_corpora: list[str],
    coverage: float = DEFAULT_COVERAGE,
    recalibrate: bool = True,
) -> dict[str, dict[str, dict]]:
    """Per mode and fold: UA, WA, macro-F1, recalls, ECE, prediction-set coverage and
    size, with the temperature and threshold fitted on *other* calibration corpora's
    held-out-corpus folds (``recalibrate=False``: the logits as they are, threshold
    still fitted so).
    """
    whole = [h for h in held if h.fold.kind == "corpus"]  # held-out-corpus folds
    figures: dict[str, dict[str, dict]] = {mode: {} for mode in MODES}
    for mode in MODES:
        for item in held:
            others = [
                h
                for h in whole
                if h.fold.corpus in calibration_corpora and h.fold.corpus != item.fold.corpus
            ]
            temperature = 1.0
            if others and recalibrate:
                temperature = fit_temperature(
                    np.vstack([h.logits[mode] for h in others]),
                    np.concatenate([h.truth for h in others]),
                    np.concatenate([[h.fold.name] * len(h.truth) for h in others]),
                )
            probabilities = softmax(item.logits[mode] / temperature)
            entry = _classification(item, probabilities, labels)
            entry["kind"] = item.fold.kind
            entry["temperature"] = temperature
            entry["ece"] = expected_calibration_error(probabilities, item.truth)
            if others:
                threshold = balanced_threshold(
                    np.vstack([softmax(h.logits[mode] / temperature) for h in others]),
                    np.concatenate([h.truth for h in others]),
                    np.concatenate([[h.fold.name] * len(h.truth) for h in others]),
                    coverage,
                )
                entry["threshold"] = threshold
                entry.update(set_figures(probabilities, item.truth, threshold))
            figures[mode][item.fold.name] = entry
    return figures


def shipping_calibration(
    held: list[HeldOut], calibration_corpora: list[str], coverage: float = DEFAULT_COVERAGE
) -> dict[str, dict[str, float]]:
    """The temperature and conformal threshold per mode for the head fitted on every
    corpus: from the held-out-corpus logits of all calibration corpora."""
    chosen = [h for h in held if h.fold.kind == "corpus" and h.fold.corpus in calibration_corpora]
    if not chosen:
        raise ValueError("no held-out-corpus logits of the calibration corpora")
    groups = np.concatenate([[h.fold.name] * len(h.truth) for h in chosen])
    truth = np.concatenate([h.truth for h in chosen])
    out = {}
    for mode in MODES:
        logits = np.vstack([h.logits[mode] for h in chosen])
        temperature = fit_temperature(logits, truth, groups)
        threshold = balanced_threshold(softmax(logits / temperature), truth, groups, coverage)
        out[mode] = {"temperature": temperature, "threshold": threshold}
    return out


def _classification(item: HeldOut, probabilities: np.ndarray, labels: list[str]) -> dict:
    predicted = [labels[int(k)] for k in probabilities.argmax(axis=1)]
    metrics = classification_metrics([labels[int(t)] for t in item.truth], predicted, labels)
    return {
        "n": metrics.n,
        "ua": metrics.unweighted_accuracy,
        "wa": metrics.weighted_accuracy,
        "macro_f1": metrics.macro_f1,
        "recall": metrics.recall,
        "confusion": metrics.confusion,
    }
