"""An unsure label said in plain words: the result's prediction set, its uncertainty
record, and a first sentence of the rationale that a reader cannot miss."""

from __future__ import annotations

from dataclasses import replace

from model_core.model.uncertainty import Assessment, set_text
from model_core.result import AnalysisResult

UNSURE_LEAD = "Unsure: {reasons}; read the label as {choices}, not as a finding."


def unsure_sentence(label_set: list[str], reasons: list[str]) -> str:
    """The sentence that opens an unsure label's rationale."""
    return UNSURE_LEAD.format(reasons="; ".join(reasons), choices=set_text(label_set))


def no_support_reason(label: str) -> str:
    """Why a label that no measured cue speaks for is unsure, in plain words."""
    return f"no measured cue speaks for {label}"


def with_no_support(assessment: Assessment | None, label: str) -> Assessment:
    """``assessment`` (or a fresh one, for a model without a calibrated head) that also says
    the measured cues do not support ``label``: the label is then unsure."""
    reason = no_support_reason(label)
    if assessment is None:
        return Assessment(None, [reason], None, None)
    return replace(assessment, reasons=[*assessment.reasons, reason])


def with_assessment(
    result: AnalysisResult, assessment: Assessment, coverage: float
) -> AnalysisResult:
    """Record ``assessment`` (:class:`model_core.model.uncertainty.Assessment`) in ``result``: its
    label set and uncertainty and, when unsure and a rationale was written, a first
    sentence saying so (the citations' character spans move with the text)."""
    result.label_set = list(assessment.label_set) if assessment.label_set else None
    result.uncertainty = {
        "coverage": coverage if assessment.label_set else None,
        "unsure": assessment.unsure,
        "reasons": list(assessment.reasons),
        "novelty": None if assessment.novelty is None else round(assessment.novelty, 3),
        "novelty_limit": None
        if assessment.novelty_limit is None
        else round(assessment.novelty_limit, 3),
    }
    if assessment.unsure and result.rationale:
        lead = unsure_sentence(result.label_set or [result.label or ""], assessment.reasons) + " "
        result.rationale = lead + result.rationale
        for citation in result.citations:
            citation["start_char"] += len(lead)
            citation["end_char"] += len(lead)
    return result
