"""Speaker-independent cross-validation: folds by speaker, EmoReasoner and a classical peer.

Folds hold out whole speakers (RAVDESS: 6 actors a fold, 3 women and 3 men; other data:
speakers dealt round-robin), so no test clip's speaker was heard in training. Each fold
reports UA, WA, macro-F1 and the confusion matrix; the summary gives every fold, the
pooled confusion over all held-out clips, and the mean and SD over folds.

Two inference modes, as EmoStudio offers them:

- ``same-speaker``: each held-out speaker's clips are normalised by that speaker's own
  recordings (labels unseen), as ``emostudio analyze --same-speaker`` does;
- ``population``: population priors only (no knowledge of the speaker).

The classical peer (:mod:`train.peer`) runs on exactly the same folds in both modes:
per-speaker normalised eGeMAPS, or the raw functionals.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from train.datasets.example import DatasetError, Example
from train.evaluate import ClassificationMetrics

MODES = ("same-speaker", "population")


def speaker_folds(examples: list[Example], folds: int) -> list[list[str]]:
    """Speakers split into ``folds`` groups, balanced by sex where ``extra["sex"]`` says it.

    Raises
    ------
    DatasetError
        When examples lack speakers or there are fewer speakers than folds.
    """
    if any(not e.speaker for e in examples):
        raise DatasetError("speaker-independent folds need a speaker for every example")
    sexes: dict[str, str] = {e.speaker: str(e.extra.get("sex", "")) for e in examples}
    speakers = sorted(sexes)
    if len(speakers) < folds:
        raise DatasetError(f"{len(speakers)} speakers cannot make {folds} folds")
    groups: list[list[str]] = [[] for _ in range(folds)]
    dealt = 0
    for sex in sorted(set(sexes.values())):
        for speaker in (s for s in speakers if sexes[s] == sex):
            groups[dealt % folds].append(speaker)
            dealt += 1
    return [sorted(group) for group in groups]


def summarise(results: dict[str, list[ClassificationMetrics]], labels: list[str]) -> dict:
    """Per system and mode: every fold, pooled confusion and UA, mean and SD over folds."""
    summary = {}
    for system, folds in results.items():
        pooled = np.sum([np.array(f.confusion) for f in folds], axis=0)
        recalls = [
            pooled[i, i] / pooled[i].sum() for i in range(len(labels)) if pooled[i].sum() > 0
        ]
        entry = {
            "folds": [asdict(f) for f in folds],
            "pooled_confusion": pooled.tolist(),
            "pooled_ua": float(np.mean(recalls)) if recalls else float("nan"),
            "pooled_wa": float(np.trace(pooled) / max(1, pooled.sum())),
        }
        for key in ("unweighted_accuracy", "weighted_accuracy", "macro_f1"):
            values = [getattr(f, key) for f in folds]
            entry[key] = {
                "mean": statistics.mean(values),
                "sd": statistics.stdev(values) if len(values) > 1 else None,  # one fold: none
            }
        summary[system] = entry
    return summary


def _sd(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def markdown(summary: dict, labels: list[str], folds: dict[int, list[str]], total: int) -> str:
    chosen = ", ".join(map(str, folds))
    run = (
        "every fold"
        if len(folds) == total
        else f"fold{'s' if len(folds) > 1 else ''} {chosen} only"
    )
    lines = [
        f"Speaker-independent {total}-fold cross-validation ({run}); held-out speakers: "
        + "; ".join(f"fold {n}: {', '.join(group)}" for n, group in folds.items()),
        "",
        "| system | mode | UA mean (SD) | WA mean (SD) | macro-F1 mean (SD) | pooled UA |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, entry in summary.items():
        system, mode = name.split("/", 1)
        ua, wa, f1 = (entry[k] for k in ("unweighted_accuracy", "weighted_accuracy", "macro_f1"))
        lines.append(
            f"| {system} | {mode} | {ua['mean']:.1%} ({_sd(ua['sd'], '.1%')}) | {wa['mean']:.1%} "
            f"({_sd(wa['sd'], '.1%')}) | {f1['mean']:.3f} ({_sd(f1['sd'], '.3f')}) | "
            f"{entry['pooled_ua']:.1%} |"
        )
    for name, entry in summary.items():
        lines += [
            "",
            f"Pooled confusion, {name} (rows true, columns predicted: {', '.join(labels)}):",
            "",
        ]
        lines += ["    " + " ".join(f"{v:5d}" for v in row) for row in entry["pooled_confusion"]]
    return "\n".join(lines)


def run_peer(
    examples: list[Example],
    folds: dict[int, list[str]],
    labels: list[str],
    say: Callable[[str], None] = print,
) -> dict[str, list[ClassificationMetrics]]:
    """The classical peer on the given folds (number -> held-out speakers), in both modes."""
    from train.peer import egemaps, peer_fold, per_speaker_normalised

    features, kept = egemaps(examples, say)
    truth = [e.label or "" for e in kept]
    speakers = [e.speaker for e in kept]
    inputs = {
        "same-speaker": per_speaker_normalised(features.values, speakers),
        "population": features.values,
    }
    results: dict[str, list[ClassificationMetrics]] = {f"egemaps-logreg/{m}": [] for m in MODES}
    for index, held_out in folds.items():
        test = np.array([i for i, s in enumerate(speakers) if s in held_out])
        train = np.array([i for i, s in enumerate(speakers) if s not in held_out])
        for mode in MODES:
            metrics, _ = peer_fold(inputs[mode], truth, train, test, labels)
            results[f"egemaps-logreg/{mode}"].append(metrics)
            say(f"peer fold {index} ({mode}): UA {metrics.unweighted_accuracy:.1%}")
    return results


def write_summary(
    out: Path, summary: dict, labels: list[str], folds: dict[int, list[str]], total: int
) -> Path:
    """``crossval.json`` and ``crossval.md`` in ``out``; ``folds`` maps the folds run (of
    ``total``) to their held-out speakers."""
    out.mkdir(parents=True, exist_ok=True)
    record = {"labels": labels, "total_folds": total, "folds": folds, "results": summary}
    (out / "crossval.json").write_text(json.dumps(record, indent=2))
    path = out / "crossval.md"
    path.write_text(f"# Cross-validation\n\n{markdown(summary, labels, folds, total)}\n")
    return path


def run_reasoner(
    config_paths: list[Path],
    examples: list[Example],
    folds: dict[int, list[str]],
    say: Callable[[str], None] = print,
) -> dict[str, list[ClassificationMetrics]]:
    """Train EmoReasoner on each given fold's other speakers and score the held-out
    speakers in both modes.

    ``config_paths`` are the recipe's stages, in order: each trains on the fold's training
    speakers (``[data] train`` is ignored) into ``<its output>/fold-N``, and each stage
    after the first continues from the previous stage's model (its ``init_from`` is
    replaced). The last stage's model is scored.
    """
    import copy

    from model_core.devices import pick_placement
    from model_core.model.reasoner import EmoReasoner
    from train.config import FitConfig
    from train.evaluate import evaluate, write_report
    from train.features import FeatureCache, prepare_all_examples
    from train.trainer import fit

    stages = [FitConfig.load(path) for path in config_paths]
    results: dict[str, list[ClassificationMetrics]] = {f"emoreasoner/{m}": [] for m in MODES}
    for index, held_out in folds.items():
        train = [e for e in examples if e.speaker not in held_out]
        test = [e for e in examples if e.speaker in held_out]
        say(
            f"== fold {index}: {', '.join(held_out)} held out ({len(train)} train, {len(test)} test)"
        )
        final = None
        for number, stage in enumerate(stages, 1):
            config = copy.deepcopy(stage)
            config.training.output = str(Path(stage.training.output) / f"fold-{index}")
            if final is not None:
                config.init_from = str(final)
            say(f"-- fold {index}, stage {number} of {len(stages)}")
            final = fit(config, say=say, examples=train)
        model = EmoReasoner.from_pretrained(final, pick_placement("auto"))
        for mode in MODES:
            clips = test if mode == "same-speaker" else [replace(e, speaker=None) for e in test]
            prepared = prepare_all_examples(clips, model, FeatureCache(config.cache_dir), say)
            # Rationales (for their grounding figures) in the speaker's own mode only: the
            # generation costs seconds a clip on CPUs.
            rationales = config.training.eval_rationales if mode == "same-speaker" else 0
            report = evaluate(model, prepared, rationales=rationales, asr=False, say=say)
            write_report(
                report,
                Path(config.training.output) / f"evaluation-{mode}",
                f"fold {index} held out ({', '.join(held_out)}), {mode}",
            )
            results[f"emoreasoner/{mode}"].append(report.classification)
            say(f"fold {index} ({mode}): UA {report.classification.unweighted_accuracy:.1%}")
    return results


def run_head(
    base: str,
    examples: list[Example],
    folds: dict[int, list[str]],
    labels: list[str],
    cache: Path | None,
    say: Callable[[str], None] = print,
    train_only: list[Example] | None = None,
    whisper_context: tuple[str | None, float | None] = (None, None),
    **options,
) -> tuple[dict[str, list[ClassificationMetrics]], dict[str, float]]:
    """The label head (on ``base``'s Whisper, in ``whisper_context``: context and tail,
    None for the model's) on the given folds, both modes; also the temperatures fitted
    on the held-out logits (see :func:`train.head.crossval_head`). ``train_only``
    examples join every fold's training and are never scored; ``options`` go to
    :func:`train.head.fit_label_head` (e.g. ``population_anchor``)."""
    from train.head import crossval_head, head_features, load_head_base, middle_layer

    model = load_head_base(base, *whisper_context)
    layer = middle_layer(model)
    features, kept = head_features(examples, model, layer, cache, say)
    extra_features, extra = head_features(train_only or [], model, layer, cache, say)
    return crossval_head(
        features,
        [e.label or "" for e in kept],
        [e.speaker for e in kept],
        folds,
        labels,
        say,
        always=(extra_features, [e.label or "" for e in extra], [e.speaker for e in extra]),
        layer=layer,
        **options,
    )


def write_fold_manifests(
    examples: list[Example], folds: dict[int, list[str]], out: Path
) -> list[Path]:
    """``foldN-train.csv`` and ``foldN-test.csv`` (manifests) for each fold, so any command
    can train on a fold's other speakers and score its held-out ones."""
    import csv

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for number, held_out in folds.items():
        for part, keep in (("train", False), ("test", True)):
            path = out / f"fold{number}-{part}.csv"
            with path.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["path", "label", "transcript", "speaker", "start", "end"])
                for e in examples:
                    if (e.speaker in held_out) == keep:
                        writer.writerow(
                            [
                                Path(e.audio).resolve(),
                                e.label,
                                e.transcript or "",
                                e.speaker,
                                "" if e.start is None else e.start,
                                "" if e.end is None else e.end,
                            ]
                        )
            written.append(path)
    return written
