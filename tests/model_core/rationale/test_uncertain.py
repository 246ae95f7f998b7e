"""An unsure label's rationale opens by saying so; its citations keep pointing at their words."""

from __future__ import annotations

from model_core.model.uncertainty import Assessment
from model_core.rationale.uncertain import with_assessment
from model_core.result import AnalysisResult


def result(rationale: str, citations: list[dict]) -> AnalysisResult:
    return AnalysisResult(
        file=None,
        sha256="0" * 64,
        duration=1.0,
        sample_rate=16000,
        start=0.0,
        end=1.0,
        label="angry",
        probabilities={"angry": 0.55, "neutral": 0.45},
        rationale=rationale,
        citations=citations,
    )


def test_unsure_leads_the_rationale_and_citations_move_with_their_words():
    text = "The voice is loud. On balance, angry."
    start = text.index("loud")
    citation = {"text": "loud", "start_char": start, "end_char": start + 4}
    unsure = Assessment(
        ["angry", "neutral"], ["the model cannot tell angry and neutral apart here"], 1.0, 3.0
    )
    out = with_assessment(result(text, [dict(citation)]), unsure, 0.9)
    assert out.rationale.startswith(
        "Unsure: the model cannot tell angry and neutral apart here; read the label as "
        "angry or neutral, not as a finding. "
    )
    moved = out.citations[0]
    assert out.rationale[moved["start_char"] : moved["end_char"]] == "loud"
    assert out.label_set == ["angry", "neutral"] and out.unsure
    assert out.uncertainty == {
        "coverage": 0.9,
        "unsure": True,
        "reasons": unsure.reasons,
        "novelty": 1.0,
        "novelty_limit": 3.0,
    }


def test_a_sure_label_keeps_its_rationale_and_a_head_without_sets_claims_none():
    text = "The voice is loud. On balance, angry."
    sure = with_assessment(result(text, []), Assessment(["angry"], [], 0.5, 3.0), 0.9)
    assert sure.rationale == text and sure.label_set == ["angry"] and not sure.unsure
    bare = with_assessment(result(text, []), Assessment(None, [], None, None), 0.9)
    assert bare.label_set is None and bare.uncertainty["coverage"] is None and not bare.unsure
