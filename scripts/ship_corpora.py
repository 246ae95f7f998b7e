"""Ship the multi-corpus label head, on the synthetic model's LLM, as assets/models/default.

usage: python scripts/ship_corpora.py RUN [--dest assets/models/default]

The last step of ``scripts/train_default.sh``: copies ``RUN/model`` (written by
``emostudio-train corpus-cv --write-model``) and writes its card and licence. Every figure
in the card comes from what the recipe measured in ``RUN``: ``cv/corpus-cv.md`` (the
leave-one-corpus-out table: the new head, the head EmoStudio shipped before, the eGeMAPS
peer and the shipped model as it was, in one run), ``ablation/corpus-cv.md`` (the
recipes), ``norms.txt`` (the population norms and their check on held-out corpora). The
card's prose is ``train/cards/corpora.md``, with ``$name`` fields filled in
(:func:`train.card.render_card`).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from ship_synthetic import check_size, copy_trained_parts, write_config_and_args

from model_core.model.head import HEAD_FILE, LabelHead
from train.card import render_card

ROOT = Path(__file__).resolve().parents[1]
NAME, VERSION = "emoreasoner-default", "3.0.0"


def section(path: Path, first: str, stop: str | None = None) -> str:
    """The lines of a Markdown report from the heading ``first`` up to ``stop`` (or the
    end); a missing report is said to be missing."""
    if not path.exists():
        return f"({path} was not measured)"
    text = path.read_text()
    if first not in text:
        return f"({first!r} is not in {path})"
    part = text[text.index(first) :]
    if stop and stop in part[len(first) :]:
        part = part[: len(first) + part[len(first) :].index(stop)]
    return part.strip()


def norms_text(path: Path) -> str:
    """What ``emostudio-train norms`` said (its progress lines left out), as a block."""
    if not path.exists():
        return "(not measured)"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("features ")]
    return "```text\n" + "\n".join(lines) + "\n```"


def main(run: Path, dest: Path) -> None:
    final = run / "model"
    head = LabelHead.load(final)
    config = copy_trained_parts(final, dest)
    for name in (HEAD_FILE, "head.json"):
        shutil.copy(final / name, dest / name)
    config.update(name=NAME, version=VERSION)
    report = json.loads((final / "head.json").read_text())
    write_config_and_args(dest, config, {"head": report, "run": str(run)})
    (dest / "LICENSE").write_text(
        render_card("licence_corpora.txt", {"name": NAME, "version": VERSION})
    )
    cv, ablation = run / "cv" / "corpus-cv.md", run / "ablation" / "corpus-cv.md"
    fields = {
        "name": NAME,
        "version": VERSION,
        "context": config["whisper_context"],
        "recipe": json.dumps(head.info.get("recipe", {})),
        "temperatures": ", ".join(f"{m} {t:.2f}" for m, t in head.temperatures.items()),
        "thresholds": ", ".join(f"{m} {q:.3f}" for m, q in head.set_thresholds.items()),
        "novelty": f"{head.novelty.threshold:.2f}" if head.novelty else "-",
        "speaker_table": section(
            cv, "## UA by held-out corpus, same-speaker", "## UA by held-out corpus, population"
        ),
        "population_table": section(cv, "## UA by held-out corpus, population", "## Every system"),
        "glance": section(cv, "## Every system at a glance", "## "),
        "detail": section(cv, f"## {head.info.get('recipe', {}).get('name', '?')}, same-speaker"),
        "ablation": section(ablation, "## Every system at a glance", "## "),
        "norms": norms_text(run / "norms.txt"),
    }
    (dest / "README.md").write_text(render_card("corpora", fields))
    check_size(dest)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--dest", type=Path, default=ROOT / "assets" / "models" / "default")
    options = parser.parse_args()
    main(options.run, options.dest)
