"""The report users read before training: what is missing, unreadable or unknown, and
how the classes and durations are distributed."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field

from model_core.audio import AudioError, probe_audio
from train.datasets.example import Example

MAX_LISTED = 20  # problems listed per kind in the text report


@dataclass
class ValidationReport:
    examples: int
    missing: list[str] = field(default_factory=list)  # "source: path: problem"
    unreadable: list[str] = field(default_factory=list)
    unknown_labels: list[str] = field(default_factory=list)
    class_counts: dict[str, Counter] = field(default_factory=dict)  # split -> label -> n
    durations: dict[str, list[float]] = field(default_factory=dict)  # split -> seconds

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unreadable or self.unknown_labels)

    def problems(self) -> list[str]:
        return self.missing + self.unreadable + self.unknown_labels

    def to_text(self) -> str:
        lines = [f"{self.examples} examples"]
        for split, counts in sorted(self.class_counts.items()):
            total = sum(counts.values())
            shares = ", ".join(
                f"{label} {n} ({n / total:.0%})" for label, n in counts.most_common()
            )
            lines.append(f"  {split}: {total} labelled: {shares}")
        for split, seconds in sorted(self.durations.items()):
            if seconds:
                lines.append(
                    f"  {split} durations: min {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s, "
                    f"max {max(seconds):.2f} s, total {sum(seconds) / 3600:.2f} h"
                )
        for title, items in (
            ("missing", self.missing),
            ("unreadable", self.unreadable),
            ("unknown labels", self.unknown_labels),
        ):
            if items:
                lines.append(f"  {len(items)} {title}:")
                lines += [f"    {item}" for item in items[:MAX_LISTED]]
                if len(items) > MAX_LISTED:
                    lines.append(f"    ... and {len(items) - MAX_LISTED} more")
        lines.append(
            "  OK" if self.ok else "  NOT READY: fix the problems above (or drop those rows)"
        )
        return "\n".join(lines)


def validate(
    examples: list[Example], labels: list[str] | None = None, check_audio: bool = True
) -> ValidationReport:
    """Check every example: its audio exists and can be read (headers only), its label is known.

    Parameters
    ----------
    labels : list of str, optional
        The label set training will use; labels outside it are reported.
    check_audio : bool
        Read each file's header (fast); off: only check that files exist.
    """
    report = ValidationReport(len(examples))
    known = set(labels) if labels is not None else None
    for example in examples:
        where = f"{example.source or example.id}: {example.audio}"
        if example.label is not None:
            if known is not None and example.label not in known:
                report.unknown_labels.append(
                    f"{example.source or example.id}: label {example.label!r} "
                    f"is not one of {sorted(known)}"
                )
            report.class_counts.setdefault(example.split, Counter())[example.label] += 1
        if not example.audio.exists():
            report.missing.append(f"{where}: no such file")
            continue
        if not check_audio:
            continue
        try:
            info = probe_audio(example.audio)
        except AudioError as err:
            report.unreadable.append(f"{example.source or example.id}: {err}")
            continue
        duration = info.duration
        if example.start is not None or example.end is not None:
            duration = (example.end if example.end is not None else duration) - (
                example.start or 0.0
            )
        if math.isfinite(duration):
            report.durations.setdefault(example.split, []).append(duration)
    return report
