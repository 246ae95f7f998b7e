"""Grounding: the hand-written case table, word spans, metrics, and a property test."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model_core.grounding import (
    NOT_FOUND,
    SUPPORTED,
    Citation,
    extract_claims,
    ground,
    grounding_metrics,
)
from tests.model_core.grounding.cases import CASES, cues, words

CLIP = (0.0, 6.0)


def test_the_table_is_large_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize(
    ("rationale", "cue_levels", "expected"),
    CASES,
    ids=[f"{i:02d}:{c[0][:40]}" for i, c in enumerate(CASES)],
)
def test_case_table(rationale, cue_levels, expected):
    citations = ground(rationale, words(), cue_levels, CLIP)
    assert [(c.claim, c.verdict) for c in citations] == expected
    for citation in citations:
        assert rationale[citation.start_char : citation.end_char] == citation.text


def test_quoted_words_get_their_time_spans():
    (citation,) = ground('He says "believe you did"', words(), cues(), CLIP)
    transcript = words()
    assert citation.verdict == SUPPORTED
    assert citation.spans == [(transcript[2]["start"], transcript[4]["end"])]
    assert '"believe you did"' in citation.evidence


def test_hallucinated_quote_has_no_span():
    (citation,) = ground('"we are doomed"', words(), cues(), CLIP)
    assert citation.verdict == NOT_FOUND and citation.spans == []


def test_acoustic_claims_carry_the_cue_spans_and_evidence():
    (citation,) = ground("She is shouting.", words(), cues(intensity_mean=1.4), CLIP)
    assert citation.cue == "intensity_mean"
    assert citation.spans == [(1.0, 1.6), (2.4, 2.9)]
    assert "z +1.4" in citation.evidence and "high" in citation.evidence


def test_spans_are_kept_inside_the_clip():
    (citation,) = ground("She is shouting.", words(), cues(intensity_mean=1.4), (1.2, 2.5))
    assert citation.spans == [(1.2, 1.6), (2.4, 2.5)]


def test_citation_json_round_trip():
    for citation in ground('Loud, fast, "please just stop"', words(), cues(intensity_mean=2), CLIP):
        assert Citation.from_dict(citation.to_dict()) == citation


def test_metrics_over_a_dataset():
    groups = [
        ground(
            'She shouts "please just stop" and "go away"', words(), cues(intensity_mean=1.5), CLIP
        ),
        ground("Quiet and slow.", words(), cues(intensity_mean=-1.2, articulation_rate=0.5), CLIP),
        ground("Her voice sounds tense.", words(), cues(), CLIP),
        ground("No claims here.", words(), cues(), CLIP),
    ]
    metrics = grounding_metrics(groups)
    assert metrics.rationales == 4 and metrics.quotes == 2 and metrics.acoustic_claims == 4
    assert metrics.quote_groundedness == pytest.approx(0.5)
    assert metrics.cue_support_rate == pytest.approx(2 / 3)  # loud yes, quiet yes, slow no
    assert metrics.contradiction_rate == pytest.approx(1 / 3)
    assert metrics.not_measurable_rate == pytest.approx(1 / 4)  # tension is not measured
    assert metrics.claims_per_rationale == pytest.approx(6 / 4)
    assert math.isnan(grounding_metrics([]).quote_groundedness)


@settings(max_examples=300, deadline=None)
@given(
    rationale=st.text(max_size=400),
    start=st.floats(min_value=0, max_value=5),
    length=st.floats(min_value=0.1, max_value=10),
)
def test_arbitrary_text_never_raises_and_spans_stay_inside(rationale, start, length):
    clip = (start, start + length)
    citations = ground(rationale, words(), cues(intensity_mean=1.5, f0_mean=-1.0), clip)
    for citation in citations:
        assert 0 <= citation.start_char < citation.end_char <= len(rationale)
        assert rationale[citation.start_char : citation.end_char] == citation.text
        assert all(clip[0] <= a <= b <= clip[1] for a, b in citation.spans)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "loud",
                "not",
                "slowly",
                "pauses",
                '"',
                "'",
                "pitch",
                "high",
                "very",
                "slightly",
                "without",
                "the word",
                "stop",
                ",",
                ".",
                "but",
            ]
        ),
        max_size=40,
    )
)
def test_claim_soup_never_raises(tokens):
    rationale = " ".join(tokens)
    for claim in extract_claims(rationale):
        assert rationale[claim.start_char : claim.end_char] == claim.text


# --- descriptions grounding cannot check, and quotes of a doubtful transcript -------------
@pytest.mark.parametrize(
    "rationale, unchecked",
    [
        ("The voice is very unsteady.", ["unchecked: The voice is very unsteady"]),
        ("She speaks in a warm voice.", ["unchecked: She speaks in a warm voice"]),
        ("Her tone sounds cold, and the pitch is high.", ["unchecked: Her tone sounds cold"]),
        ("The voice is loud.", []),  # the lexicon checks it
        ("The voice stays close to the speaker's usual: the pace is not hurried.", []),
        ("The voice gives only a slight sign: the voice is slightly quieter.", []),
        ("What the voice does fits angry: the voice is loud.", []),
        ('The voice is most marked on "please".', []),
        ("No voiced speech could be measured, so the voice gives no evidence.", []),
    ],
)
def test_descriptions_of_the_voice_grounding_does_not_know_are_unchecked(rationale, unchecked):
    citations = ground(rationale, words(), cues(intensity_mean=1.5, f0_mean=1.5))
    found = [c for c in citations if c.verdict == "unchecked"]
    assert [c.claim for c in found] == unchecked
    for citation in found:
        assert citation.kind == "unchecked" and citation.spans == []
        assert rationale[citation.start_char : citation.end_char] == citation.text


def test_unchecked_claims_count_apart_in_the_metrics():
    from model_core.grounding import grounding_metrics

    citations = ground(
        "The voice is loud. The voice is very unsteady.", words(), cues(intensity_mean=1.5)
    )
    metrics = grounding_metrics([citations], [cues(intensity_mean=1.5)])
    assert metrics.acoustic_claims == 1 and metrics.cue_support_rate == 1.0
    assert metrics.unchecked_rate == 0.5


def test_a_quote_of_a_doubtful_transcript_is_not_supported():
    doubt = "the recogniser was unsure of its words"
    (citation,) = ground('She says "just stop it".', words(), cues(), transcript_doubt=doubt)
    assert citation.verdict == "transcript unreliable" and doubt in citation.evidence
    assert citation.spans  # still shown where those words were transcribed
    (missing,) = ground('She says "we are doomed".', words(), cues(), transcript_doubt=doubt)
    assert missing.verdict == "not found"


def test_a_quote_of_a_word_the_recogniser_doubted_is_never_supported():
    timed = words()
    said = [w["word"] for w in timed]
    doubted = said.index("stop")
    for i, word in enumerate(timed):
        word["probability"] = 0.21 if i == doubted else 0.93
    (citation,) = ground('She says "just stop it".', timed, cues())
    assert citation.verdict == "transcript unreliable"
    assert '"stop" (p 0.21)' in citation.evidence
    other = " ".join(said[doubted + 1 : doubted + 3])
    (clean,) = ground(f'She says "{other}".', timed, cues())
    assert clean.verdict == "supported"
