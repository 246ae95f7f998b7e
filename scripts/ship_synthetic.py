"""Copy a trained synthetic-prosody model into assets/models/synthetic with its model card.

usage: python scripts/ship_synthetic.py runs/synthetic [--checkpoint STEP --why TEXT]

Reads ``<run>/model/final`` (or, with ``--checkpoint``, the model of that training
checkpoint, with ``--why`` saying in the card why training stopped there) and the
evaluations in ``<run>/eval-synthetic`` and ``<run>/eval-asterisk``; writes the trained
parts as float16 safetensors (half the size; they are loaded into float32 models), the
config, the confusion matrix and the card.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from train.card import render_card

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "assets" / "models" / "synthetic"
WEIGHTS = ("adapters.safetensors", "emotion_encoder.safetensors", "lora/adapter_model.safetensors")
SIZE_LIMIT = 30 * 2**20


def half(source: Path, target: Path) -> None:
    tensors = {
        k: v.to(torch.float16) if v.is_floating_point() else v
        for k, v in load_file(str(source)).items()
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(target))


def copy_trained_parts(final: Path, dest: Path) -> dict:
    """Replace ``dest`` with the trained parts of checkpoint ``final`` in float16; return
    its config (as a dict) for the caller to adjust and write."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in WEIGHTS:
        half(final / name, dest / name)
    shutil.copy(final / "lora" / "adapter_config.json", dest / "lora" / "adapter_config.json")
    return json.loads((final / "emostudio_config.json").read_text())


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def write_config_and_args(dest: Path, config: dict, args: dict) -> None:
    """``emostudio_config.json`` and ``training_args.json`` (with the folder's size) in ``dest``."""
    (dest / "emostudio_config.json").write_text(json.dumps(config, indent=2) + "\n")
    args["size_mb"] = folder_size(dest) / 2**20
    (dest / "training_args.json").write_text(json.dumps(args, indent=2) + "\n")


def check_size(folder: Path) -> None:
    """Exit with a message when the shipped folder is over the 30 MB limit; else say its size."""
    size = folder_size(folder)
    if size > SIZE_LIMIT:
        raise SystemExit(f"{folder} is {size / 2**20:.1f} MB, over the 30 MB limit")
    print(f"shipped {folder} ({size / 2**20:.1f} MB)")


def figures(run: Path) -> tuple[dict, dict]:
    synthetic = json.loads((run / "eval-synthetic" / "evaluation.json").read_text())
    asterisk = json.loads((run / "eval-asterisk" / "evaluation.json").read_text())
    return synthetic, asterisk


EXAMPLES_PER_LABEL = 3


def shipped(args: dict) -> str:
    """A sentence on the shipped checkpoint when it is not the end of the recipe."""
    cut = args.get("shipped_checkpoint")
    if not cut:
        return ""
    return (
        f"\n\n**These weights are the checkpoint of optimizer step {cut['step']}**, not the end of "
        f"the recipe: {cut['why']}"
    )


def examples(evaluation: dict) -> str:
    """Markdown for the first three evaluated rationales of each true label."""
    chosen, per_label = [], {}
    for record in evaluation.get("predictions", []):
        if "rationale" in record and per_label.get(record["label"], 0) < EXAMPLES_PER_LABEL:
            per_label[record["label"]] = per_label.get(record["label"], 0) + 1
            chosen.append(record)
    lines = []
    for record in chosen:
        text = record["rationale"].split("Reason:", 1)[-1].strip()
        claims = "; ".join(
            f"{c['claim']}: {c['verdict']}"
            + (f", {c['stance']} as {c['presented_as']}" if c.get("stance") else "")
            for c in record.get("citations", [])
        )
        lines.append(
            f"- `{record['id']}` (true {record['label']}, predicted {record['predicted']}): "
            f"{text}\n  - {claims or 'no claims'}"
        )
    return "\n".join(lines)


def card(config: dict, args: dict, synthetic: dict, asterisk: dict, corpus_card: str) -> str:
    c = synthetic["classification"]
    g = synthetic["grounding"]
    a = asterisk["classification"]
    neutral_recall = a["recall"].get("neutral", float("nan"))
    labels = c["labels"]
    matrix = "\n".join(
        ["| true \\ predicted | " + " | ".join(labels) + " |", "| --- |" + " ---: |" * len(labels)]
        + [
            f"| {label} | " + " | ".join(str(v) for v in row) + " |"
            for label, row in zip(labels, c["confusion"], strict=True)
        ]
    )
    training = args["training"]
    t = synthetic.get("target_grounding") or {}

    def pct(value: float | None) -> str:
        return "n/a" if value is None or value != value else f"{value:.1%}"

    def mark(value: float | None, target: float, above: bool = True) -> str:
        if value is None or value != value:
            return "not measured"
        met = value >= target if above else value < target
        return "met" if met else "**not met**"

    fields = {
        "name": config["name"],
        "version": config["version"],
        "lora_r": config["lora_r"],
        "size_mb": format(args.get("size_mb", 0), ".1f"),
        "corpus_quote": corpus_card.split(chr(10) + chr(10), 2)[1].replace(chr(10), chr(10) + "> "),
        "tasks": ", ".join(training["tasks"]),
        "schedule": training["schedule"],
        "epochs": training["epochs"],
        "batch_size": training["batch_size"],
        "learning_rate": training["learning_rate"],
        "examples": args["examples"],
        "units": args["units"],
        "shipped": shipped(args),
        "n": c["n"],
        "ua": format(c["unweighted_accuracy"], ".1%"),
        "ua_mark": mark(c["unweighted_accuracy"], 0.85),
        "wa": format(c["weighted_accuracy"], ".1%"),
        "macro_f1": format(c["macro_f1"], ".3f"),
        "recall": ", ".join(f"{k} {v:.1%}" for k, v in c["recall"].items()),
        "quotes": g["quotes"],
        "rationales": g["rationales"],
        "quote_groundedness": format(g["quote_groundedness"], ".1%"),
        "quote_groundedness_mark": mark(g["quote_groundedness"], 0.95),
        "acoustic_claims": g["acoustic_claims"],
        "cue_support": format(g["cue_support_rate"], ".1%"),
        "cue_support_mark": mark(g["cue_support_rate"], 0.90),
        "contradiction_rate": format(g["contradiction_rate"], ".1%"),
        "consistency": pct(g["consistency"]),
        "target_consistency": pct(t["consistency"]),
        "consistency_mark": mark(g["consistency"], 0.95),
        "inconsistency": pct(g["inconsistency_rate"]),
        "target_inconsistency": pct(t["inconsistency_rate"]),
        "inconsistency_mark": mark(g["inconsistency_rate"], 0.02, above=False),
        "coverage": pct(g["coverage"]),
        "target_coverage": pct(t["coverage"]),
        "coverage_mark": mark(g["coverage"], 0.80),
        "quote_salience": pct(g["quote_salience"]),
        "target_quote_salience": pct(t["quote_salience"]),
        "quote_salience_mark": mark(g["quote_salience"], 0.80),
        "model_quote_groundedness": pct(g["quote_groundedness"]),
        "target_quote_groundedness": pct(t["quote_groundedness"]),
        "model_quote_groundedness_mark": mark(g["quote_groundedness"], 0.99),
        "model_cue_support": pct(g["cue_support_rate"]),
        "target_cue_support": pct(t["cue_support_rate"]),
        "model_cue_support_mark": mark(g["cue_support_rate"], 0.95),
        "mean_words": format(g["mean_words"], ".1f"),
        "target_mean_words": format(t["mean_words"], ".1f"),
        "matrix": matrix,
        "asterisk_n": a["n"],
        "neutral_recall": format(neutral_recall, ".1%"),
        "neutral_recall_mark": mark(neutral_recall, 0.80),
        "wer": format(asterisk["wer"], ".1%"),
        "wer_mark": mark(asterisk["wer"], 0.10, above=False),
        "example_rationales": examples(synthetic),
    }
    return render_card("synthetic", fields)


def main(run: Path, checkpoint: int | None = None, why: str = "") -> None:
    final = run / "model" / "final"
    dest = DEST.resolve()  # the default's folder while synthetic links to it
    if checkpoint is not None:
        final = run / "model" / "checkpoints" / f"step-{checkpoint:07d}" / "model"
    config = copy_trained_parts(final, dest)
    args = json.loads((final / "training_args.json").read_text())
    if checkpoint is not None:
        args["shipped_checkpoint"] = {"step": checkpoint, "why": why}
    write_config_and_args(dest, config, args)
    shutil.copy(run / "eval-synthetic" / "confusion.png", dest / "confusion.png")
    synthetic, asterisk = figures(run)
    corpus_card = (run / "corpus" / "CORPUS.md").read_text()
    (dest / "README.md").write_text(card(config, args, synthetic, asterisk, corpus_card))
    check_size(dest)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--checkpoint", type=int, help="ship this training step's checkpoint")
    parser.add_argument("--why", default="", help="why training stopped at that checkpoint")
    options = parser.parse_args()
    main(options.run, options.checkpoint, options.why)
