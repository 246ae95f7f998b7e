"""The leave-one-corpus-out report: ``corpus-cv.md`` (tables people read) and
``corpus-cv.json`` (every figure), from :func:`train.corpus_cv.calibrated_figures`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from train.corpus_cv import MODES


def mean_over_corpora(
    figures: dict[str, dict], key: str = "ua", exclude: set[str] | None = None
) -> float:
    """The mean of ``key`` over the held-out-corpus folds (not the speaker folds nor the
    checks), leaving out the corpora in ``exclude`` (those a shipped model trained on)."""
    values = [
        entry[key]
        for fold, entry in figures.items()
        if entry.get("kind", "corpus") == "corpus" and key in entry and fold not in (exclude or ())
    ]
    return float(np.mean(values)) if values else float("nan")


def lowest_recall(figures: dict[str, dict]) -> tuple[float, str]:
    """The lowest class recall on any held-out corpus, and where (``corpus: label``)."""
    found = [
        (recall, f"{fold}: {label}")
        for fold, entry in figures.items()
        if entry.get("kind", "corpus") == "corpus"
        for label, recall in entry["recall"].items()
    ]
    return min(found) if found else (float("nan"), "")


def _pct(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.1%}"


def _num(value: float | None, spec: str = ".3f") -> str:
    return "-" if value is None or not math.isfinite(value) else format(value, spec)


def comparison_table(systems: dict[str, dict], mode: str, seen: dict[str, set[str]]) -> list[str]:
    """UA of every system on every fold in one mode, the mean over held-out corpora last."""
    names = list(systems)
    folds = list(next(iter(systems.values()))[mode])
    lines = [
        "| held out | n | " + " | ".join(names) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in names) + " |",
    ]
    for fold in folds:
        n = next(iter(systems.values()))[mode][fold]["n"]
        cells = []
        for name in names:
            cell = _pct(systems[name][mode][fold]["ua"])
            if fold.split("/")[0] in seen.get(name, set()):
                cell += " (trained on it)"
            cells.append(cell)
        lines.append(f"| {fold} | {n} | " + " | ".join(cells) + " |")
    means = []
    for name in names:
        mean = _pct(mean_over_corpora(systems[name][mode], exclude=seen.get(name)))
        means.append(f"{mean} (without the corpora it trained on)" if seen.get(name) else mean)
    lines.append("| **mean over held-out corpora** | | " + " | ".join(means) + " |")
    return lines


def detail_table(figures: dict[str, dict], labels: list[str]) -> list[str]:
    """One system in one mode: every figure per fold."""
    lines = [
        "| held out | n | UA | WA | macro-F1 | "
        + " | ".join(f"{label} recall" for label in labels)
        + " | ECE | T | 90 % set coverage | mean set size | sets of 2+ |",
        "| --- | ---: | ---: | ---: | ---: | "
        + " | ".join("---:" for _ in labels)
        + " | ---: | ---: | ---: | ---: | ---: |",
    ]
    for fold, entry in figures.items():
        recalls = " | ".join(_pct(entry["recall"].get(label)) for label in labels)
        lines.append(
            f"| {fold} | {entry['n']} | {_pct(entry['ua'])} | {_pct(entry['wa'])} | "
            f"{_num(entry['macro_f1'])} | {recalls} | {_num(entry['ece'])} | "
            f"{_num(entry['temperature'], '.2f')} | {_pct(entry.get('coverage'))} | "
            f"{_num(entry.get('mean_set_size'), '.2f')} | {_pct(entry.get('several'))} |"
        )
    return lines


def ablation_table(systems: dict[str, dict], seen: dict[str, set[str]] | None = None) -> list[str]:
    """Per system: mean UA over held-out corpora in both modes, lowest recall, mean ECE
    (a shipped model's over the corpora it never trained on)."""
    seen = seen or {}
    lines = [
        "| system | mean UA, same-speaker | mean UA, population | lowest recall (same-speaker) "
        "| mean ECE (same-speaker) | mean coverage (same-speaker) |",
        "| --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for name, figures in systems.items():
        skip = seen.get(name)
        own = {f: e for f, e in figures["same-speaker"].items() if f not in (skip or ())}
        low, where = lowest_recall(own)
        lines.append(
            f"| {name} | {_pct(mean_over_corpora(figures['same-speaker'], exclude=skip))} | "
            f"{_pct(mean_over_corpora(figures['population'], exclude=skip))} | {_pct(low)} ({where}) | "
            f"{_num(mean_over_corpora(figures['same-speaker'], 'ece', skip))} | "
            f"{_pct(mean_over_corpora(figures['same-speaker'], 'coverage', skip))} |"
        )
    return lines


def write_report(
    out: Path,
    title: str,
    systems: dict[str, dict],
    labels: list[str],
    seen: dict[str, set[str]],
    record: dict,
) -> Path:
    """``corpus-cv.md`` and ``corpus-cv.json`` in ``out``; returns the Markdown's path.

    ``systems`` maps a system's name to its :func:`~train.corpus_cv.calibrated_figures`;
    the first system is the one the detail tables describe.
    """
    out.mkdir(parents=True, exist_ok=True)
    first = next(iter(systems))
    lines = [f"# {title}", ""]
    for mode in MODES:
        lines += [f"## UA by held-out corpus, {mode}", ""]
        lines += [*comparison_table(systems, mode, seen), ""]
    lines += ["## Every system at a glance", "", *ablation_table(systems, seen), ""]
    for mode in MODES:
        lines += [f"## {first}, {mode}: every figure", ""]
        lines += [*detail_table(systems[first][mode], labels), ""]
    path = out / "corpus-cv.md"
    path.write_text("\n".join(lines))
    (out / "corpus-cv.json").write_text(
        json.dumps({**record, "figures": systems}, indent=2, default=_jsonable)
    )
    return path


def _jsonable(value):
    if isinstance(value, np.integer | np.floating):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
