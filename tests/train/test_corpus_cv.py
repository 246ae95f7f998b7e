"""Leave-one-corpus-out folds, systems and calibration on made-up feature rows."""

from __future__ import annotations

import numpy as np
import pytest

from train.corpus_cv import (
    HeadSystem,
    PeerSystem,
    calibrated_figures,
    corpus_folds,
    run_folds,
    shipping_calibration,
)
from train.corpus_report import lowest_recall, mean_over_corpora
from train.corpus_rows import Rows, corpus_name, split_sample, with_copies
from train.datasets.example import DatasetError
from train.head_recipes import HeadRecipe, balanced_weights

LABELS = ["neutral", "happy", "sad", "angry"]
LAYERS, WIDTH = 3, 8  # tiny "Whisper": 3 layers of 4 means and 4 SDs


def fake_corpus(name, role, speakers, per_speaker, rng, centres, labels=LABELS, shift=0.0):
    """Rows whose acoustic block carries the label (the same class centres in every
    corpus), plus a corpus shift and noise; the whisper block is noise."""
    n = len(speakers) * per_speaker
    truth = [labels[i % len(labels)] for i in range(n)]
    acoustic = np.vstack([centres[t] for t in truth]) + rng.normal(size=(n, 100)) + shift
    spk = [s for s in speakers for _ in range(per_speaker)]
    return Rows(
        rng.normal(size=(n, LAYERS, WIDTH)),
        acoustic,
        truth,
        spk,
        [name] * n,
        [role] * n,
        [f"{name}-{i}" for i in range(n)],
        [None] * n,
        np.arange(n),
        {s: "female" for s in speakers if s},
    )


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(0)
    centres = {label: rng.normal(size=100) * 2 for label in LABELS}
    a = fake_corpus("alpha", "train", [f"a{i}" for i in range(6)], 8, rng, centres)
    b = fake_corpus(
        "beta",
        "train",
        [f"b{i}" for i in range(4)] + [None],
        8,
        rng,
        centres,
        ["neutral", "happy", "angry"],
    )
    c = fake_corpus("gamma", "evaluate", [f"c{i}" for i in range(3)], 8, rng, centres, shift=0.5)
    always = fake_corpus("always", "always", ["x"], 8, rng, centres, ["neutral", "sad"])
    check = fake_corpus("delta", "check", ["x"], 4, rng, centres, ["neutral"])
    copy = a.take(np.arange(len(a)))
    copy.augmentation = ["mixed"] * len(copy)
    copy.acoustic = copy.acoustic + 0.1
    copy.origin = np.arange(len(a))[::-1]  # any order: each copy names its recorded row
    return Rows.concat([with_copies(a, [copy]), b, c, always, check])


def test_each_corpus_is_held_out_with_its_augmented_copies(rows):
    folds = {f.name: f for f in corpus_folds(rows)}
    assert list(folds) == ["alpha", "beta", "gamma", "delta"]  # "always" is never scored
    assert [f.kind for f in folds.values()] == ["corpus", "corpus", "corpus", "check"]
    assert "delta" not in {rows.corpora[i] for i in folds["alpha"].train}
    corpora = np.array(rows.corpora)
    for name, fold in folds.items():
        assert set(corpora[fold.test]) == {name}
        assert name not in set(corpora[fold.train])  # neither its clips nor their copies
        assert all(rows.augmentation[i] is None for i in fold.test)
        assert "gamma" not in set(corpora[fold.train])  # evaluation-only never trains
    assert "always" in set(corpora[folds["alpha"].train])
    assert sum(a == "mixed" for a in np.array(rows.augmentation)[folds["beta"].train]) == 48
    copies = [i for i, a in enumerate(rows.augmentation) if a == "mixed"]
    assert [int(rows.origin[i]) for i in copies] == list(range(48))[::-1]


def test_speaker_folds_inside_a_corpus_hold_out_the_speakers_copies_too(rows):
    folds = [f for f in corpus_folds(rows, {"alpha": 3}) if "/" in f.name]
    assert [f.name for f in folds] == ["alpha/speakers-1", "alpha/speakers-2", "alpha/speakers-3"]
    held_all = set()
    for fold in folds:
        held = {rows.speakers[i] for i in fold.test}
        held_all |= held
        assert not held & {rows.speakers[int(rows.origin[i])] for i in fold.train}
        assert "beta" in {rows.corpora[i] for i in fold.train}
    assert held_all == {f"a{i}" for i in range(6)}


def test_systems_score_held_out_corpora_and_calibration_never_sees_the_scored_corpus(rows):
    recipe = HeadRecipe("test", layers=(1,), balance="corpus")
    systems = [HeadSystem(recipe), PeerSystem()]
    held = run_folds(rows, corpus_folds(rows), systems, LABELS, say=lambda _: None)
    figures = calibrated_figures(held["test"], LABELS, ["alpha", "beta"])
    assert figures["population"]["delta"]["kind"] == "check"
    assert [figures["population"][c]["kind"] for c in ("alpha", "gamma", "delta")] == [
        "corpus",
        "corpus",
        "check",
    ]
    for mode in ("same-speaker", "population"):
        for corpus in ("alpha", "beta", "gamma"):
            entry = figures[mode][corpus]
            assert entry["ua"] > 0.8  # the label carries over by construction
            assert 0.0 <= entry["ece"] <= 1.0 and entry["coverage"] >= 0.5
    # alpha's temperature comes from beta alone, and beta's from alpha alone:
    alone = calibrated_figures(
        [h for h in held["test"] if h.fold.name in ("alpha", "beta")], LABELS, ["alpha", "beta"]
    )
    assert (
        alone["population"]["alpha"]["temperature"] == figures["population"]["alpha"]["temperature"]
    )
    # gamma's calibration holds both training corpora; without them there is none.
    lonely = calibrated_figures(
        [h for h in held["test"] if h.fold.name == "gamma"], LABELS, ["alpha", "beta"]
    )
    assert lonely["population"]["gamma"]["temperature"] == 1.0
    assert "coverage" not in lonely["population"]["gamma"]
    shipping = shipping_calibration(held["test"], ["alpha", "beta"])
    assert set(shipping) == {"same-speaker", "population"}
    assert all(0.0 <= v["threshold"] <= 1.0 for v in shipping.values())
    peer = calibrated_figures(held["egemaps-peer"], LABELS, ["alpha", "beta"])
    assert peer["population"]["alpha"]["ua"] > 0.8


def test_balanced_weights_give_every_corpus_and_class_the_same_total():
    truth = ["a"] * 6 + ["b"] * 2 + ["a"] * 1 + ["b"] * 3
    groups = ["x"] * 8 + ["y"] * 4
    weights = balanced_weights(truth, groups)
    totals = {}
    for t, g, w in zip(truth, groups, weights, strict=True):
        totals[(g, t)] = totals.get((g, t), 0.0) + w
    assert np.allclose(list(totals.values()), totals[("x", "a")])
    assert weights.mean() == pytest.approx(1.0)


def test_specs_and_samples():
    assert corpus_name("ravdess:data/ravdess") == "ravdess"
    assert corpus_name("tess-full:x") == "tess"
    assert corpus_name("manifest:runs/c/train-synthetic.csv") == "train-synthetic"
    assert corpus_name("asterisk-train") == "asterisk-train"
    assert corpus_name("manifest:runs/reviewed/manifest.csv") == "reviewed"
    assert corpus_name("runs/other/clips.jsonl") == "clips"
    assert split_sample("asterisk-train@16") == ("asterisk-train", 16)
    assert split_sample("manifest:a@b/c.csv") == ("manifest:a@b/c.csv", None)
    with pytest.raises(DatasetError, match="whole number"):
        split_sample("asterisk-train@0")


def test_means_and_lowest_recalls_count_held_out_corpora_only():
    figures = {
        "alpha": {"kind": "corpus", "ua": 0.5, "recall": {"sad": 0.4, "angry": 0.6}},
        "beta": {"kind": "corpus", "ua": 0.7, "recall": {"sad": 0.9}},
        "alpha/speakers-1": {"kind": "speakers", "ua": 0.9, "recall": {"sad": 0.1}},
        "delta": {"kind": "check", "ua": 1.0, "recall": {"neutral": 0.0}},
    }
    assert mean_over_corpora(figures) == pytest.approx(0.6)
    assert mean_over_corpora(figures, exclude={"alpha"}) == pytest.approx(0.7)  # trained on it
    assert lowest_recall(figures) == (0.4, "alpha: sad")


def test_a_recipe_trains_on_the_copies_it_asks_for_only(rows):
    seen = {}

    class Spy(HeadRecipe):
        def fit(self, features, truth, speakers, corpora, labels, allow_missing=False):
            seen[self.name] = len(truth)
            return super().fit(features, truth, speakers, corpora, labels, allow_missing)

    fold = corpus_folds(rows)[1]  # beta held out: alpha and its 48 copies train
    train = rows.take(fold.train)
    HeadSystem(Spy("plain", layers=(1,))).fit(train, LABELS)
    HeadSystem(Spy("copies", layers=(1,), augmentations=("mixed",))).fit(train, LABELS)
    assert seen["copies"] - seen["plain"] == 48
