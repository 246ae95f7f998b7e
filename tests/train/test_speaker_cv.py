"""Speaker-independent cross-validation with the classical peer, on synthetic voices."""

from __future__ import annotations

import json

import pytest

from tests.helpers.corpora import high_low_corpus
from train.cli import main
from train.datasets import DatasetError
from train.datasets.example import Example
from train.speaker_cv import speaker_folds


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """8 speakers (4 women, 4 men) x 2 labels x 3 clips: "high" is higher and louder."""
    return high_low_corpus(tmp_path_factory.mktemp("cv"), speakers=8, takes=3, seconds=1.2)


def test_folds_never_share_a_speaker_and_balance_the_sexes():
    examples = [
        Example(
            f"e{i}", "x.wav", "a", speaker=f"s{i}", extra={"sex": "male" if i % 2 else "female"}
        )
        for i in range(12)
    ]
    folds = speaker_folds(examples, 4)
    assert sorted(s for fold in folds for s in fold) == sorted(f"s{i}" for i in range(12))
    for fold in folds:
        sexes = [int(s[1:]) % 2 for s in fold]
        assert len(fold) == 3 and 1 <= sum(sexes) <= 2


def test_folds_need_speakers():
    with pytest.raises(DatasetError, match="speaker"):
        speaker_folds([Example("e", "x.wav", "a")], 2)
    with pytest.raises(DatasetError, match="2 speakers cannot make 4 folds"):
        speaker_folds([Example(f"e{i}", "x.wav", "a", speaker=f"s{i}") for i in range(2)], 4)


def test_the_peer_cross_validates_by_speaker_in_both_modes(corpus, tmp_path, capsys):
    out = tmp_path / "cv"
    assert main(["crossval", f"manifest:{corpus}", "--folds", "4", "--out", str(out)]) == 0
    report = json.loads((out / "crossval.json").read_text())
    assert report["labels"] == ["low", "high"] and len(report["folds"]) == 4
    for mode in ("same-speaker", "population"):
        entry = report["results"][f"egemaps-logreg/{mode}"]
        assert len(entry["folds"]) == 4
        assert sum(map(sum, entry["pooled_confusion"])) == 48  # every clip held out once
    same = report["results"]["egemaps-logreg/same-speaker"]
    assert same["pooled_ua"] >= 0.9  # higher and louder than the speaker's usual: separable
    assert "| egemaps-logreg | same-speaker |" in (out / "crossval.md").read_text()


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--folds", "1"], "--folds must be at least 2"),
        (["--no-peer"], "nothing to cross-validate"),
    ],
)
def test_bad_requests_are_refused(corpus, tmp_path, capsys, args, problem):
    assert main(["crossval", f"manifest:{corpus}", "--out", str(tmp_path / "o"), *args]) == 2
    assert problem in capsys.readouterr().err


def test_only_the_chosen_folds_run_and_the_summary_says_so(corpus, tmp_path):
    out = tmp_path / "cv"
    args = ["crossval", f"manifest:{corpus}", "--folds", "4", "--only", "2", "--out", str(out)]
    assert main(args) == 0
    report = json.loads((out / "crossval.json").read_text())
    assert report["total_folds"] == 4 and list(report["folds"]) == ["2"]
    entry = report["results"]["egemaps-logreg/same-speaker"]
    assert len(entry["folds"]) == 1 and sum(map(sum, entry["pooled_confusion"])) == 12
    assert "4-fold cross-validation (fold 2 only)" in (out / "crossval.md").read_text()


def test_an_unknown_fold_is_refused(corpus, tmp_path, capsys):
    args = ["crossval", f"manifest:{corpus}", "--only", "5", "--out", str(tmp_path / "o")]
    assert main(args) == 2
    assert "--only takes fold numbers from 1 to 4" in capsys.readouterr().err


def split_manifest(corpus, tmp_path, speakers, name):
    rows = corpus.read_text().splitlines()
    kept = [rows[0]] + [r for r in rows[1:] if int(r.rsplit("spk", 1)[1]) in speakers]
    path = corpus.parent / name
    path.write_text("\n".join(kept) + "\n")
    return path


def test_compare_puts_models_and_the_peer_side_by_side(corpus, tmp_path):
    from model_core.devices import pick_placement
    from model_core.model.reasoner import EmoReasoner
    from tests.helpers.tiny_models import tiny_config

    config = tiny_config(tmp_path, labels=["low", "high"], max_rationale_tokens=6)
    folder = EmoReasoner(config, pick_placement("cpu")).save_pretrained(tmp_path / "model")
    train = split_manifest(corpus, tmp_path, range(4), "first-four.csv")
    test = split_manifest(corpus, tmp_path, range(4, 8), "last-four.csv")
    out = tmp_path / "compare"
    args = ["compare", f"manifest:{test}", "--model", str(folder), "--rationales", "2"]
    args += ["--peer-train"]
    assert (
        main([*args, f"manifest:{train}", "--cache", str(tmp_path / "c"), "--out", str(out)]) == 0
    )
    rows = json.loads((out / "compare.json").read_text())["rows"]
    assert [r["system"] for r in rows] == [f"emoreasoner {folder}", "egemaps-logreg"]
    assert all(r["metrics"]["n"] == 24 for r in rows)
    assert len(rows[0]["rationales"]) == 2 and rows[1]["rationales"] is None  # the peer: none
    assert all("citations" in p for p in rows[0]["rationales"])
    assert rows[0]["grounding"]["rationales"] == 2
    assert rows[1]["metrics"]["unweighted_accuracy"] >= 0.9  # unseen speakers, normalised
    table = (out / "compare.md").read_text()
    assert "| egemaps-logreg | 24 |" in table and "| 1.00 |" in table  # the peer over itself


def test_compare_refuses_a_peer_trained_on_the_test_speakers(corpus, tmp_path, capsys):
    args = ["compare", f"manifest:{corpus}", "--peer-train", f"manifest:{corpus}"]
    assert main([*args, "--out", str(tmp_path / "o")]) == 2
    assert "share speakers with the test" in capsys.readouterr().err


def test_a_sample_keeps_each_labels_share_and_is_the_same_every_time():
    from train.compare import sample

    examples = [Example(f"e{i}", "x.wav", "a" if i < 30 else "b", speaker="s") for i in range(40)]
    chosen = sample(examples, 20)
    assert [e.label for e in chosen].count("a") == 15 and len(chosen) == 20
    assert chosen == sample(examples, 20) and sample(examples, 99) == examples


def test_sample_parts_share_no_clip_and_part_zero_is_the_old_sample():
    from train.compare import sample

    examples = [Example(f"e{i}", "x.wav", "a" if i < 30 else "b", speaker="s") for i in range(40)]
    first, second = sample(examples, 20), sample(examples, 20, part=1)
    assert first == sample(examples, 20, part=0)
    assert not {e.id for e in first} & {e.id for e in second}
    assert len(second) == 20 and [e.label for e in second].count("a") == 15
    assert sample(examples, 20, part=2) == [] and sample(examples, 99, part=1) == []
    with pytest.raises(ValueError, match="0 or more"):
        sample(examples, 20, part=-1)
