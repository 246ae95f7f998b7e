"""``emostudio-train`` from the command line: clear errors, validate, rationales, evaluate."""

from __future__ import annotations

import json

import pytest

from tests.helpers.corpora import pitch_task
from train.cli import main


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    return pitch_task(tmp_path_factory.mktemp("data"), n_per_class=4)


def test_validate_reports_and_fails_on_problems(manifest, tmp_path, capsys):
    assert main(["validate", f"manifest:{manifest}", "--labels", "low,high"]) == 0
    assert "OK" in capsys.readouterr().out
    broken = tmp_path / "broken.csv"
    broken.write_text(manifest.read_text().replace("low/low00.wav", "low/gone.wav"))
    (tmp_path / "low").symlink_to(manifest.parent / "low")
    (tmp_path / "high").symlink_to(manifest.parent / "high")
    assert main(["validate", f"manifest:{broken}", "--labels", "low,high"]) == 1
    out = capsys.readouterr().out
    assert "1 missing" in out and "gone.wav" in out and "NOT READY" in out


def test_bad_inputs_are_one_line_errors(tmp_path, capsys):
    assert main(["validate", f"manifest:{tmp_path / 'none.csv'}"]) == 2
    assert "no such manifest" in capsys.readouterr().err
    config = tmp_path / "fit.toml"
    config.write_text("[training]\nschedule = 'sometimes'\n[data]\ntrain = ['asterisk']\n")
    assert main(["fit", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "schedule must be one of" in err and "Traceback" not in err
    config.write_text("[training\n")
    assert main(["fit", "--config", str(config)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_template_rationales_are_written_and_resumed(manifest, tmp_path, capsys):
    out = tmp_path / "r.jsonl"
    assert (
        main(["rationales", f"manifest:{manifest}", "--out", str(out), "--teacher", "template"])
        == 0
    )
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 8 and all(
        r["fallback"] and r["checks"]["contradicted"] == 0 for r in records
    )
    assert all(r["label"] in r["rationale"] for r in records)
    assert all(r["checks"]["inconsistent"] == 0 for r in records)
    assert (
        main(["rationales", f"manifest:{manifest}", "--out", str(out), "--teacher", "template"])
        == 0
    )
    assert "8 already there" in capsys.readouterr().out
    assert len(out.read_text().splitlines()) == 8


def test_evaluate_writes_reports_and_fills_the_model_card(manifest, tmp_path, capsys):
    from model_core.devices import pick_placement
    from model_core.model.reasoner import EmoReasoner
    from tests.helpers.tiny_models import tiny_config

    config = tiny_config(tmp_path, labels=["low", "high"], max_rationale_tokens=6)
    folder = EmoReasoner(config, pick_placement("cpu")).save_pretrained(tmp_path / "model")
    out = tmp_path / "eval"
    assert (
        main(
            [
                "evaluate",
                f"manifest:{manifest}",
                "--model",
                str(folder),
                "--out",
                str(out),
                "--rationales",
                "2",
                "--drafts",
                "2",
                "--constrained",
                "--device",
                "cpu",
                "--cache",
                str(tmp_path / "cache"),
            ]
        )
        == 0
    )
    report = json.loads((out / "evaluation.json").read_text())
    assert report["classification"]["n"] == 8 and len(report["predictions"]) == 8
    assert report["grounding"]["rationales"] == 2
    # best of 2 drafts, timed; an untrained model's drafts are rejected, each problem counted
    grounding = report["grounding"]
    assert grounding["drafts_per_clip"] == 2 and grounding["seconds_per_rationale"] > 0
    assert grounding["drafts_written"] == 4  # greedy, rejected, then one sampled per clip
    assert grounding["constrained"] is True
    assert report["drafts_accepted"] == 0 and sum(grounding["problem_rates"].values()) >= 1.0
    assert (
        "Drafts (up to 2, vocabulary-constrained): **0 of 2 accepted**"
        in (out / "evaluation.md").read_text()
    )
    assert {"consistency", "inconsistency_rate", "coverage", "quote_salience"} <= set(
        report["grounding"]
    )
    targets = report["target_grounding"]  # the composer's rationales for the same two clips
    assert targets["rationales"] == 2 and targets["inconsistency_rate"] in (0.0, None)
    assert all("citations" in p for p in report["predictions"] if "rationale" in p)
    assert "Reasoning: consistency" in (out / "evaluation.md").read_text()
    assert (out / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    card = (folder / "README.md").read_text()
    assert "## Evaluation" in card and "WA (accuracy)" in card
    main(
        [
            "evaluate",
            f"manifest:{manifest}",
            "--model",
            str(folder),
            "--rationales",
            "0",
            "--device",
            "cpu",
            "--cache",
            str(tmp_path / "cache"),
        ]
    )
    assert (folder / "README.md").read_text().count("## Evaluation") == 1  # replaced, not appended


def test_train_only_sets_are_sampled_to_a_fixed_size_keeping_label_shares(manifest, capsys):
    from argparse import Namespace

    from train.cli import _train_only_examples

    args = Namespace(train_only=[f"manifest:{manifest}"], train_only_sample=0)
    everything = _train_only_examples(args)
    assert len(everything) == 8
    args.train_only_sample = 4
    chosen = _train_only_examples(args)
    assert len(chosen) == 4 and sorted(e.label for e in chosen) == ["high"] * 2 + ["low"] * 2
    assert [e.audio for e in _train_only_examples(args)] == [e.audio for e in chosen]  # seed 0
    assert [e.label for e in _train_only_examples(args, ["low"])] == ["low"] * 4  # of 4 lows
    args.train_only_sample = -1
    from train.datasets import DatasetError

    with pytest.raises(DatasetError, match="0 or more"):
        _train_only_examples(args)
