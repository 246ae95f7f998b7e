"""IEMOCAP leave-one-session-out cross-validation as one command."""

from __future__ import annotations

import copy
import json
import statistics
from collections.abc import Callable
from pathlib import Path

from model_core.devices import Placement
from model_core.model.reasoner import EmoReasoner
from train.config import FitConfig
from train.datasets.iemocap import leave_one_session_out, read_iemocap
from train.evaluate import evaluate, write_report
from train.features import FeatureCache, prepare_all_examples
from train.trainer import fit


def iemocap_cross_validation(
    config_path: Path, iemocap: Path, *, full: bool = False, say: Callable[[str], None] = print
) -> str:
    """Train one model per held-out session, evaluate it on that session, and summarise.

    Each fold trains in ``<output>/session-N``; the summary (mean and SD of WA, UA and
    macro-F1 over the folds) is written to ``<output>/cv.md`` and returned.
    """
    base = FitConfig.load(config_path)
    examples = read_iemocap(iemocap, "full" if full else "four")
    rows = []
    for session, train, test in leave_one_session_out(examples):
        config = copy.deepcopy(base)
        config.training.output = str(Path(base.training.output) / f"session-{session}")
        say(f"== fold: session {session} held out ({len(train)} train, {len(test)} test)")
        final = fit(config, say=say, examples=train)
        model = EmoReasoner.from_pretrained(final, _placement())
        prepared = prepare_all_examples(test, model, FeatureCache(config.cache_dir), say)
        report = evaluate(
            model, prepared, rationales=config.training.eval_rationales, asr=False, say=say
        )
        write_report(
            report,
            Path(config.training.output) / "evaluation",
            f"IEMOCAP session {session} held out",
        )
        c = report.classification
        rows.append(
            {
                "session": session,
                "wa": c.weighted_accuracy,
                "ua": c.unweighted_accuracy,
                "f1": c.macro_f1,
                "n": c.n,
            }
        )
    lines = ["| held out | n | WA | UA | macro-F1 |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += [
        f"| session {r['session']} | {r['n']} | {r['wa']:.1%} | {r['ua']:.1%} | {r['f1']:.3f} |"
        for r in rows
    ]
    for key, name in (("wa", "WA"), ("ua", "UA"), ("f1", "macro-F1")):
        values = [r[key] for r in rows]
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        lines.append(f"\n{name}: mean {statistics.mean(values):.3f}, SD {spread:.3f}")
    summary = "\n".join(lines)
    output = Path(base.training.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "cv.md").write_text(f"# IEMOCAP leave-one-session-out\n\n{summary}\n")
    (output / "cv.json").write_text(json.dumps(rows, indent=2))
    return summary


def _placement() -> Placement:
    from model_core.devices import pick_placement

    return pick_placement("auto")
