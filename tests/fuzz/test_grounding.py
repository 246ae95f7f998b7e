"""Fuzzing grounding: claim extraction, quote matching, verdicts and citations.

Any unicode rationale, any timed transcript (empty words, zero-length, reversed or NaN
times) and any cue table (NaN or missing z-scores, missing cues, odd spans) must give
citations whose character span is the cited text, whose time spans lie inside the clip,
and whose verdict is one of the allowed ones; nothing may raise.
"""

from __future__ import annotations

import json
import math

from hypothesis import example, given
from hypothesis import strategies as st

from model_core.grounding import VERDICTS, Citation, extract_claims, ground, grounding_metrics
from model_core.grounding.verdicts import NOT_FOUND, SUPPORTED
from model_core.grounding.words import MIN_QUOTE_SCORE, find_quote, transcript_tokens
from tests.fuzz.strategies import NASTY_TEXT, SOME_TEXT, TEXT, fuzz
from tests.model_core.grounding.cases import CUE_NAMES, cues, words

PHRASES = (
    "loud",
    "very loud",
    "not loud",
    "slightly soft",
    "her pitch is high",
    "a low voice",
    "speaks quickly",
    "talks slowly",
    "many pauses",
    "pauses",
    "rising intonation",
    "the pitch falls",
    "monotone",
    "trembling voice",
    "breathy",
    "tense voice",
    '"please just stop"',
    "“can't believe”",
    "'again'",
    "the word stop",
    ", but",
    ".",
    "\u0130",
    "\u0130\u0130 ",
    "K",
    "ﬁ",
)
RATIONALES = st.lists(st.sampled_from(PHRASES) | NASTY_TEXT, max_size=14).map(" ".join) | SOME_TEXT
TIMES = st.floats(-2.0, 12.0) | st.sampled_from([0.0, math.nan, 1.0])
WORDS = st.lists(
    st.fixed_dictionaries(
        {
            "word": st.sampled_from(["please", "just", "stop", "can't", "", "!!", "a b"]) | TEXT,
            "start": TIMES,
            "end": TIMES,
        }
    ),
    max_size=12,
)
NUMBERS = st.none() | st.floats(allow_nan=True, allow_infinity=True)
SPAN = st.tuples(TIMES, TIMES).map(list)
CUE = st.fixed_dictionaries(
    {"value": NUMBERS, "z": NUMBERS},
    optional={
        "name": st.sampled_from(CUE_NAMES),
        "label": TEXT,
        "unit": st.sampled_from(["Hz", "dB", ""]),
        "level": st.sampled_from(["high", "low", "normal", "not measurable", ""]),
        "spans": st.lists(SPAN, max_size=3),
        "detail": st.fixed_dictionaries(
            {},
            optional={
                "direction": st.sampled_from(["rising", "falling", "level"]) | st.none(),
                "pauses": st.integers(0, 5),
                "semitones": NUMBERS,
            },
        ),
    },
)
CUES = st.dictionaries(st.sampled_from(CUE_NAMES), CUE, max_size=len(CUE_NAMES))
CLIPS = st.tuples(st.floats(0.0, 5.0), st.floats(0.0, 6.0)).map(lambda c: (c[0], c[0] + c[1]))


def check(citations: list[Citation], rationale: str, clip) -> None:
    """The invariants every citation keeps."""
    for citation in citations:
        assert 0 <= citation.start_char < citation.end_char <= len(rationale)
        assert rationale[citation.start_char : citation.end_char] == citation.text
        assert citation.verdict in VERDICTS
        for start, end in citation.spans:
            assert math.isfinite(start) and math.isfinite(end)
            assert clip[0] <= start <= end <= clip[1]
        if citation.kind == "word":
            assert citation.verdict in (SUPPORTED, NOT_FOUND)
            assert citation.verdict == SUPPORTED or citation.spans == []
        data = json.loads(json.dumps(citation.to_dict(), allow_nan=False))
        again = Citation.from_dict(data)
        assert (again.text, again.start_char, again.verdict) == (
            citation.text,
            citation.start_char,
            citation.verdict,
        )


@fuzz(250)
@given(rationale=RATIONALES, transcript=WORDS, table=CUES, clip=CLIPS)
@example(
    rationale="\u0130\u0130\u0130\u0130 She is loud.",
    transcript=words(),
    table=cues(intensity_mean=1.5),
    clip=(0.0, 5.0),
)  # lower() makes "İ" two characters: the spans of later claims slid to the right
@example(
    rationale='She said "stop now"',
    transcript=[
        {"word": "stop", "start": 2.0, "end": 1.0},
        {"word": "now", "start": math.nan, "end": 9.0},
    ],
    table={"intensity_mean": {"value": None, "z": math.nan}},
    clip=(1.5, 1.5),
)
def test_citations_stay_inside_the_text_and_the_clip(rationale, transcript, table, clip):
    citations = ground(rationale, transcript, table, clip)
    check(citations, rationale, clip)
    assert [c.start_char for c in citations] == [c.start_char for c in extract_claims(rationale)]
    metrics = grounding_metrics([citations, []])
    for rate in (metrics.quote_groundedness, metrics.cue_support_rate, metrics.contradiction_rate):
        assert math.isnan(rate) or 0.0 <= rate <= 1.0


@fuzz(200)
@given(rationale=RATIONALES)
def test_claims_are_slices_of_the_rationale(rationale):
    claims = extract_claims(rationale)
    for claim in claims:
        assert 0 <= claim.start_char < claim.end_char <= len(rationale)
        assert rationale[claim.start_char : claim.end_char] == claim.text
    assert [c.start_char for c in claims] == sorted(c.start_char for c in claims)


SPOKEN = st.from_regex(r"[A-Za-z][a-z']{0,7}[.,!?]?", fullmatch=True)


@fuzz(200)
@given(
    spoken=st.lists(SPOKEN | st.sampled_from(["—", "...", "!!", ""]), min_size=1, max_size=12),
    first=st.integers(0, 11),
    length=st.integers(1, 4),
)
@example(spoken=["stop", "—", "now"], first=0, length=3)  # punctuation-only words hid the quote
def test_a_quote_of_the_transcripts_own_words_is_found(spoken, first, length):
    first = first % len(spoken)
    quoted = spoken[first : first + length]
    tokens = transcript_tokens(spoken)
    if not any(tokens[first : first + length]):
        return  # nothing sayable to quote
    match = find_quote(" ".join(quoted), tokens)
    assert match is not None and match.score >= MIN_QUOTE_SCORE
    said = [t for t in tokens[match.first : match.last + 1] if t]
    wanted = [t for t in tokens[first : first + length] if t]
    assert said == wanted  # the same words, possibly an earlier repetition of them


@fuzz(150)
@given(quote=SOME_TEXT, spoken=st.lists(SOME_TEXT, max_size=8))
def test_quote_matching_never_raises_and_points_at_words(quote, spoken):
    match = find_quote(quote, transcript_tokens(spoken))
    if match is not None:
        assert 0 <= match.first <= match.last < len(spoken)
        assert MIN_QUOTE_SCORE <= match.score <= 1.0 + 1e-9
