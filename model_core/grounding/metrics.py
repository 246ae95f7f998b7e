"""Grounding over a dataset: how much of what rationales claim the measurements bear out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from model_core.grounding.citations import Citation
from model_core.grounding.verdicts import CONTRADICTED, NOT_FOUND, NOT_MEASURABLE, SUPPORTED


@dataclass(frozen=True)
class GroundingMetrics:
    """Rates over many rationales (NaN where a rate has no claims to count).

    - ``quote_groundedness``: quotes found in the transcript / all quotes;
    - ``cue_support_rate``: supported acoustic claims / measurable acoustic claims;
    - ``contradiction_rate``: contradicted acoustic claims / measurable acoustic claims;
    - ``not_measurable_rate``: acoustic claims that could not be checked / all acoustic claims;
    - ``claims_per_rationale``: all claims / rationales.
    """

    rationales: int
    quotes: int
    acoustic_claims: int
    quote_groundedness: float
    cue_support_rate: float
    contradiction_rate: float
    not_measurable_rate: float
    claims_per_rationale: float

    def to_dict(self) -> dict:
        return asdict(self)


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def grounding_metrics(per_rationale: Iterable[list[Citation]]) -> GroundingMetrics:
    """Aggregate the citations of each rationale (one list per rationale, possibly empty)."""
    lists = list(per_rationale)
    citations = [c for group in lists for c in group]
    quotes = [c for c in citations if c.kind == "word"]
    acoustic = [c for c in citations if c.kind != "word"]
    measurable = [c for c in acoustic if c.verdict != NOT_MEASURABLE]
    return GroundingMetrics(
        rationales=len(lists),
        quotes=len(quotes),
        acoustic_claims=len(acoustic),
        quote_groundedness=_rate(sum(c.verdict != NOT_FOUND for c in quotes), len(quotes)),
        cue_support_rate=_rate(sum(c.verdict == SUPPORTED for c in measurable), len(measurable)),
        contradiction_rate=_rate(
            sum(c.verdict == CONTRADICTED for c in measurable), len(measurable)
        ),
        not_measurable_rate=_rate(len(acoustic) - len(measurable), len(acoustic)),
        claims_per_rationale=_rate(len(citations), len(lists)),
    )
