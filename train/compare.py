"""Models side by side on one test corpus, with the classical peer, in one run.

The cross-corpus check of a model: several EmoReasoner checkpoints (the default, the
synthetic-only model, a candidate) and the eGeMAPS peer trained on a named corpus all
score the same test clips, each speaker normalised by their own recordings (labels
unseen), and one table gives UA, WA and macro-F1 with each system's UA over the peer's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from train.datasets.example import DatasetError, Example
from train.evaluate import ClassificationMetrics


@dataclass
class Row:
    """One system's figures on the test clips."""

    system: str
    metrics: ClassificationMetrics
    grounding: dict | None = None  # the model's rationale figures, when rationales were asked
    rationales: list[dict] | None = None  # the predictions that carry a generated rationale
    delivered: dict | None = None  # the rationale figures under the checked policy
    drafts_accepted: int = 0  # drafts that passed the review
    targets: dict | None = None  # the composer's targets (gold label) on the same clips


def peer_row(
    train: list[Example], test: list[Example], labels: list[str], say: Callable[[str], None]
) -> Row:
    """The eGeMAPS + logistic-regression peer, trained on ``train``, scored on ``test``;
    both sides normalised per speaker."""
    from train.peer import egemaps, peer_fold, per_speaker_normalised

    train_features, train_kept = egemaps(train, say)
    test_features, test_kept = egemaps(test, say)
    values = np.vstack(
        [
            per_speaker_normalised(train_features.values, [e.speaker for e in train_kept]),
            per_speaker_normalised(test_features.values, [e.speaker for e in test_kept]),
        ]
    )
    truth = [e.label or "" for e in train_kept + test_kept]
    train_rows = np.arange(len(train_kept))
    test_rows = np.arange(len(train_kept), len(truth))
    metrics, _ = peer_fold(values, truth, train_rows, test_rows, labels)
    return Row("egemaps-logreg", metrics)


def model_row(
    spec: str,
    test: list[Example],
    cache_dir: Path | None,
    rationales: int,
    say: Callable[[str], None],
) -> Row:
    """An EmoReasoner (a shipped name or a folder) on the test clips."""
    from model_core.devices import pick_placement
    from model_core.pipeline import load_model
    from train.evaluate import evaluate
    from train.features import FeatureCache, prepare_all_examples
    from train.head import HEAD_CACHE

    model = load_model(spec, pick_placement("auto"))
    prepared = prepare_all_examples(test, model, FeatureCache(cache_dir), say)
    head_cache = cache_dir / HEAD_CACHE if cache_dir else None
    report = evaluate(
        model, prepared, rationales=rationales, asr=False, say=say, head_cache=head_cache
    )
    generated = [p for p in report.predictions if "rationale" in p]
    return Row(
        f"emoreasoner {spec}",
        report.classification,
        report.grounding,
        generated,
        report.delivered_grounding,
        report.drafts_accepted,
        report.target_grounding,
    )


def sample(examples: list[Example], size: int, seed: int = 0, part: int = 0) -> list[Example]:
    """A deterministic sample of ``size`` examples, each label keeping its share (when
    compute is short; every system then scores the same clips).

    ``part`` k takes the k-th run of ``size`` from the same shuffle, so parts never share a
    clip: choose a recipe on part 0 and confirm it on part 1. Part 0 is the sample this
    function always gave. A part past the end is empty.
    """
    if part < 0:
        raise ValueError(f"a sample part is 0 or more, not {part}")
    if size >= len(examples):
        return list(examples) if part == 0 else []
    rng = np.random.default_rng(seed)
    by_label: dict[str | None, list[Example]] = {}
    for example in examples:
        by_label.setdefault(example.label, []).append(example)
    chosen = []
    for items in by_label.values():
        take = round(size * len(items) / len(examples))
        order = rng.permutation(len(items))[part * take : (part + 1) * take]
        chosen += [items[i] for i in sorted(order)]
    return sorted(chosen, key=examples.index)


def compare(
    test: list[Example],
    models: list[str],
    peer_train: list[Example] | None,
    *,
    cache_dir: Path | None = None,
    rationales: int = 0,
    say: Callable[[str], None] = print,
) -> list[Row]:
    """Every model and (given its training data) the peer on the same labelled test clips.

    Raises
    ------
    DatasetError
        When no test clip has a label, or the peer's training data share a speaker with
        the test clips (the comparison would not be across speakers).
    """
    test = [e for e in test if e.label]
    if not test:
        raise DatasetError("no labelled test clip to compare on")
    labels = list(dict.fromkeys(e.label for e in test))
    rows = [model_row(spec, test, cache_dir, rationales, say) for spec in models]
    if peer_train is not None:
        shared = {e.speaker for e in peer_train} & {e.speaker for e in test} - {None}
        if shared:
            raise DatasetError(
                f"the peer's training data share speakers with the test: {sorted(shared)[:3]}"
            )
        peer_train = [e for e in peer_train if e.label in labels]
        rows.append(peer_row(peer_train, test, labels, say))
    return rows


def markdown(rows: list[Row], title: str) -> str:
    """The side-by-side table: UA, WA, macro-F1, n, and UA over the peer's."""
    peer = next((r for r in rows if r.system == "egemaps-logreg"), None)
    lines = [
        f"# {title}",
        "",
        "| system | n | UA | WA | macro-F1 | UA / peer UA |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        m = row.metrics
        ratio = (
            f"{m.unweighted_accuracy / peer.metrics.unweighted_accuracy:.2f}"
            if peer and peer.metrics.unweighted_accuracy > 0
            else "-"
        )
        lines.append(
            f"| {row.system} | {m.n} | {m.unweighted_accuracy:.1%} | {m.weighted_accuracy:.1%} "
            f"| {m.macro_f1:.3f} | {ratio} |"
        )
    reasoned = [r for r in rows if r.grounding]
    if reasoned:
        lines += ["", RATIONALE_HEADER, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for row in reasoned:
            lines.append(_rationale_row(f"{row.system}, model's drafts", row.grounding))
            if row.delivered:
                accepted = f"{row.drafts_accepted}/{row.delivered['rationales']} accepted"
                lines.append(_rationale_row(f"{row.system}, checked ({accepted})", row.delivered))
    for row in rows:
        lines += ["", f"{row.system}:", "", "```", row.metrics.table(), "```"]
    return "\n".join(lines)


RATIONALE_HEADER = (
    "| rationales | n | consistency | inconsistent | coverage | quote salience "
    "| quote groundedness | cue support |"
)


def _rationale_row(name: str, g: dict) -> str:
    keys = (
        "consistency",
        "inconsistency_rate",
        "coverage",
        "quote_salience",
        "quote_groundedness",
        "cue_support_rate",
    )
    cells = " | ".join("n/a" if g[k] != g[k] else f"{g[k]:.1%}" for k in keys)  # NaN: n/a
    return f"| {name} | {g['rationales']} | {cells} |"


def write(rows: list[Row], out: Path, title: str) -> Path:
    """``compare.json`` and ``compare.md`` in ``out``; the markdown's path."""
    out.mkdir(parents=True, exist_ok=True)
    record = [
        {
            "system": r.system,
            "metrics": asdict(r.metrics),
            "grounding": r.grounding,
            "delivered": r.delivered,
            "drafts_accepted": r.drafts_accepted,
            "targets": r.targets,
            "rationales": r.rationales,
        }
        for r in rows
    ]
    (out / "compare.json").write_text(json.dumps({"title": title, "rows": record}, indent=2))
    path = out / "compare.md"
    path.write_text(markdown(rows, title) + "\n")
    return path
