"""Ship the LLM trained to reason over the evidence table into the default model (issue 30).

usage: python scripts/ship_reasoner.py CHECKPOINT --figures FIGURES.md [--drafts K]

``CHECKPOINT``: a model folder written by ``emostudio-train fit --config
train/recipes/reasoner-cpu.toml`` (``runs/reasoner/model/final``, or a training
checkpoint's ``model`` folder). Its trained parts (adapters, prosody encoder, LoRA) replace
the default's in float16; the label head, its calibration and the licence stay. The config
gains ``include_evidence`` and the decoding chosen; the card's reasoning section is
rendered from ``train/cards/reasoner.md`` with ``FIGURES.md`` (from
``scripts/reasoner_report.py``), between markers, so that it can be shipped again.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from ship_synthetic import WEIGHTS, check_size, half  # noqa: E402

from train.card import render_card  # noqa: E402
from train.config import PROMPT_KEYS  # noqa: E402

DEST = ROOT / "assets" / "models" / "default"
VERSION = "3.2.0"
BEGIN, END = "<!-- reasoning -->", "<!-- /reasoning -->"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--figures", type=Path, required=True)
    parser.add_argument("--drafts", type=int, default=1, choices=range(1, 5))
    parser.add_argument("--constrained", action="store_true")
    parser.add_argument("--step", default="final", help="the training step shipped, for the card")
    parser.add_argument("--dest", type=Path, default=DEST)
    args = parser.parse_args()
    trained = json.loads((args.checkpoint / "emostudio_config.json").read_text())
    if not trained.get("include_evidence"):
        raise SystemExit(f"{args.checkpoint}: not trained on the evidence table (include_evidence)")
    for name in WEIGHTS:
        half(args.checkpoint / name, args.dest / name)
    shutil.copy(
        args.checkpoint / "lora" / "adapter_config.json", args.dest / "lora" / "adapter_config.json"
    )
    config_path = args.dest / "emostudio_config.json"
    config = json.loads(config_path.read_text())
    # What the prompts held in training (PROMPT_KEYS) ships with the weights; decoding is
    # chosen here.
    config.update({key: trained[key] for key in PROMPT_KEYS if key in trained})
    config.update(
        version=VERSION,
        include_evidence=True,
        drafts=args.drafts,
        constrained_decoding=args.constrained,
    )
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    training_args = args.dest / "training_args.json"
    recorded = json.loads(training_args.read_text())
    fit = json.loads((args.checkpoint / "training_args.json").read_text())
    recorded["reasoner"] = {
        "checkpoint": str(args.checkpoint),
        "step": args.step,
        "recipe": fit.get("fit_config", ""),
        "fit": fit,
    }
    training_args.write_text(json.dumps(recorded, indent=2) + "\n")
    section = render_card(
        "reasoner",
        {
            "version": VERSION,
            "step": args.step,
            "drafts": args.drafts,
            "figures": args.figures.read_text().strip(),
        },
    )
    card = args.dest / "README.md"
    text = card.read_text()
    if BEGIN in text:
        text = text[: text.index(BEGIN)] + text[text.index(END) + len(END) :].lstrip("\n")
    marker = "\n## Data and licences"
    at = text.index(marker)
    text = f"{text[:at]}\n{BEGIN}\n{section.strip()}\n{END}\n{text[at:]}"
    text = re.sub(
        r"emoreasoner-default \d+\.\d+\.\d+", f"emoreasoner-default {VERSION}", text, count=1
    )
    reasoned = (
        "through their adapters (continued from the synthetic-prosody model's, and trained in "
        f"{VERSION} to reason over the evidence table: below);"
    )
    text = text.replace(
        "through their adapters, unchanged from the synthetic-prosody model;", reasoned
    )
    text = re.sub(
        r"through their adapters \(continued from the synthetic-prosody model's, and trained in "
        r"\d+\.\d+\.\d+ to reason over the evidence table: below\);",
        reasoned,
        text,
    )
    card.write_text(text)
    check_size(args.dest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
