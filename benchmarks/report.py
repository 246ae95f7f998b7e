"""What a benchmark hands back: its Markdown section and the headline figures it measured.

``python -m benchmarks WHAT`` prints the section alone; ``python -m benchmarks all`` gathers the
sections of every benchmark (each run in its own process, passed back as JSON) and
lists the figures, with their targets, in one summary table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Figure:
    """One headline figure.

    ``value`` is the median in ``unit``; ``text`` is how the summary shows it (with the
    spread and any ratio). A target is ``below`` (the value must be under it) or
    ``at_least``; a figure without one is reported without a verdict.
    """

    what: str
    value: float
    unit: str
    text: str
    below: float | None = None
    at_least: float | None = None

    @property
    def target(self) -> str:
        if self.below is not None:
            return f"under {self.below:g} {self.unit}"
        if self.at_least is not None:
            return f"at least {self.at_least:g} {self.unit}"
        return ""

    def verdict(self, judged: bool = True) -> str:
        """``met``, ``MISSED``, or why there is none."""
        if not self.target:
            return ""
        if not judged:
            return "not judged (--quick sizes)"
        if self.below is not None:
            return "met" if self.value < self.below else "MISSED"
        return "met" if self.value >= self.at_least else "MISSED"


@dataclass(frozen=True)
class Section:
    """A benchmark's Markdown report (starting with a ``##`` heading) and its figures."""

    markdown: str
    figures: list[Figure] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Section:
        return cls(data["markdown"], [Figure(**figure) for figure in data["figures"]])
