"""Stance: does each cited cue speak for the label, and is it presented as support?

Each case: a rationale, the label it explains, the clip's cue z-scores (others 0), and
for every acoustic claim in reading order (claim, stance, presented_as). Inconsistent
citations are those presented as support with stance ``against``.
"""

from __future__ import annotations

import pytest

from model_core.grounding import ground
from model_core.grounding.stance import (
    AGAINST,
    ASIDE,
    COUNTER,
    FOR,
    NEUTRAL,
    SUPPORT,
    cue_stance,
)
from tests.model_core.grounding.cases import cues, words

LOUD, QUIET = {"intensity_mean": 1.5}, {"intensity_mean": -1.5}
HIGH, LOW = {"f0_mean": 1.4}, {"f0_mean": -1.4}
FAST, SLOW = {"articulation_rate": 1.3}, {"articulation_rate": -1.3}

CASES = [
    # --- each default label x cue direction, presented as support ------------------------
    ("The voice is loud.", "angry", LOUD, [("loudness: loud", FOR, SUPPORT)]),
    ("The voice is loud.", "happy", LOUD, [("loudness: loud", FOR, SUPPORT)]),
    ("The voice is loud.", "sad", LOUD, [("loudness: loud", AGAINST, SUPPORT)]),
    ("The voice is loud.", "neutral", LOUD, [("loudness: loud", AGAINST, SUPPORT)]),
    ("The voice is quiet.", "sad", QUIET, [("loudness: soft", FOR, SUPPORT)]),
    ("The voice is quiet.", "angry", QUIET, [("loudness: soft", AGAINST, SUPPORT)]),
    ("The voice is quiet.", "happy", QUIET, [("loudness: soft", AGAINST, SUPPORT)]),
    ("The pitch is high.", "happy", HIGH, [("pitch: high", FOR, SUPPORT)]),
    ("The pitch is high.", "angry", HIGH, [("pitch: high", FOR, SUPPORT)]),
    ("The pitch is high.", "sad", HIGH, [("pitch: high", AGAINST, SUPPORT)]),
    ("The pitch is low.", "sad", LOW, [("pitch: low", FOR, SUPPORT)]),
    ("The pitch is low.", "happy", LOW, [("pitch: low", AGAINST, SUPPORT)]),
    ("The pitch is low.", "neutral", LOW, [("pitch: low", AGAINST, SUPPORT)]),
    ("The pace is fast.", "angry", FAST, [("rate: fast", FOR, SUPPORT)]),
    ("The pace is fast.", "sad", FAST, [("rate: fast", AGAINST, SUPPORT)]),
    ("The pace is slow.", "sad", SLOW, [("rate: slow", FOR, SUPPORT)]),
    ("The pace is slow.", "happy", SLOW, [("rate: slow", AGAINST, SUPPORT)]),
    (
        "The intonation is monotone.",
        "sad",
        {"f0_range": -1.2},
        [("pitch range: monotone", FOR, SUPPORT)],
    ),
    (
        "The intonation is expressive.",
        "happy",
        {"f0_range": 1.7},
        [("pitch range: wide", FOR, SUPPORT)],
    ),
    ("The voice trembles.", "sad", {"jitter": 1.6}, [("voice: trembling", FOR, SUPPORT)]),
    ("The voice trembles.", "happy", {"jitter": 1.6}, [("voice: trembling", AGAINST, SUPPORT)]),
    (
        "There are long pauses.",
        "sad",
        {"pause_ratio": 1.8},
        [("pauses: many (strong)", FOR, SUPPORT)],
    ),
    # --- neutral: typical cues speak for it ----------------------------------------------
    (
        "The voice is not loud.",
        "neutral",
        {"intensity_mean": 0.3},
        [("loudness: not loud", FOR, SUPPORT)],
    ),
    ("The pitch is not raised.", "neutral", {"f0_mean": -0.2}, [("pitch: not high", FOR, SUPPORT)]),
    # --- the stance is judged on the measured value, not on the claim's words ------------
    # (a wrong claim: contradicted, and the measured quiet voice still speaks for sad)
    ("The voice is loud.", "sad", QUIET, [("loudness: loud", FOR, SUPPORT)]),
    ("The voice is not loud.", "sad", QUIET, [("loudness: not loud", FOR, SUPPORT)]),
    ("She is not shouting.", "angry", QUIET, [("loudness: not loud", AGAINST, SUPPORT)]),
    ("The pitch is not low.", "sad", HIGH, [("pitch: not low", AGAINST, SUPPORT)]),
    # --- hedges: a slight move still has a direction; at the baseline, none --------------
    (
        "The voice is slightly louder.",
        "angry",
        {"intensity_mean": 0.7},
        [("loudness: loud (hedged)", FOR, SUPPORT)],
    ),
    (
        "The voice is somewhat loud.",
        "angry",
        {"intensity_mean": 0.2},
        [("loudness: loud (hedged)", NEUTRAL, SUPPORT)],
    ),
    (
        "The pitch is a bit low.",
        "happy",
        {"f0_mean": -0.6},
        [("pitch: low (hedged)", AGAINST, SUPPORT)],
    ),
    # --- "although" and other framings of counter-evidence -------------------------------
    (
        "Although the voice is loud, the pitch is low, which fits sad.",
        "sad",
        {**LOUD, **LOW},
        [("loudness: loud", AGAINST, COUNTER), ("pitch: low", FOR, SUPPORT)],
    ),
    (
        "The pitch is low, though the voice is loud.",
        "sad",
        {**LOUD, **LOW},
        [("pitch: low", FOR, SUPPORT), ("loudness: loud", AGAINST, COUNTER)],
    ),
    (
        "Even though she speaks quickly, her voice is quiet.",
        "sad",
        {**FAST, **QUIET},
        [("rate: fast", AGAINST, COUNTER), ("loudness: soft", FOR, SUPPORT)],
    ),
    (
        "Despite the fast pace, the pitch is low.",
        "sad",
        {**FAST, **LOW},
        [("rate: fast", AGAINST, COUNTER), ("pitch: low", FOR, SUPPORT)],
    ),
    (
        "The pitch is low; only the loud voice speaks against sadness.",
        "sad",
        {**LOUD, **LOW},
        [("pitch: low", FOR, SUPPORT), ("loudness: loud", AGAINST, COUNTER)],
    ),
    (
        "The pitch is low and the pace is fast, which does not fit sad.",
        "sad",
        {**LOW, **FAST},
        [("pitch: low", FOR, SUPPORT), ("rate: fast", AGAINST, COUNTER)],
    ),
    (
        "Only one cue speaks against angry: the pace is slow.",
        "angry",
        SLOW,
        [("rate: slow", AGAINST, COUNTER)],
    ),
    ("Against this, the voice is quiet.", "angry", QUIET, [("loudness: soft", AGAINST, COUNTER)]),
    (
        "The pitch is low. It could also be angry: the voice is loud.",
        "sad",
        {**LOW, **LOUD},
        [("pitch: low", FOR, SUPPORT), ("loudness: loud", AGAINST, COUNTER)],
    ),
    (
        "The voice is loud, but the pitch is low.",
        "sad",
        {**LOUD, **LOW},
        [("loudness: loud", AGAINST, SUPPORT), ("pitch: low", FOR, SUPPORT)],
    ),
    (
        "The voice is loud, which is at odds with sadness.",
        "sad",
        LOUD,
        [("loudness: loud", AGAINST, COUNTER)],
    ),
    # --- the old template's reasoning: loud, therefore sad --------------------------------
    (
        'The speaker says "I can\'t believe", and the voice is loud. These cues fit the label sad.',
        "sad",
        LOUD,
        [("loudness: loud", AGAINST, SUPPORT)],
    ),
    # --- no expectation, no profile, unmeasurable ------------------------------------------
    ("The voice is breathy.", "angry", {"hnr": -1.5}, [("voice: breathy", NEUTRAL, SUPPORT)]),
    ("The voice is loud.", "contempt", LOUD, [("loudness: loud", NEUTRAL, SUPPORT)]),
    # calm reads neutral's profile (the emotion table): a loud voice speaks against it
    ("The voice is loud.", "calm", LOUD, [("loudness: loud", AGAINST, SUPPORT)]),
    ("The voice is loud.", "surprise", LOUD, [("loudness: loud", NEUTRAL, SUPPORT)]),
    ("The pitch is high.", "fear", HIGH, [("pitch: high", FOR, SUPPORT)]),
    (
        "The intonation is expressive.",
        "fear",
        {"f0_range": 1.5},
        [("pitch range: wide", NEUTRAL, SUPPORT)],
    ),
    ("The pitch is low.", "sad", {"f0_mean": None}, [("pitch: low", NEUTRAL, SUPPORT)]),
    ("Her voice sounds tense.", "angry", {}, [("voice: tense", NEUTRAL, SUPPORT)]),
    ("The pitch is high.", "happy", {"f0_mean": 0.2}, [("pitch: high", NEUTRAL, SUPPORT)]),
    # --- asides: named as bearing on the label neither way ----------------------------------
    (
        "The voice sounds noisy, which says nothing about sad either way.",
        "sad",
        {"hnr": -2.0},
        [("voice: noisy", NEUTRAL, ASIDE)],
    ),
    (
        "The voice gives little to go on: the voice is not loud.",
        "angry",
        {"intensity_mean": 0.05},
        [("loudness: not loud", NEUTRAL, ASIDE)],
    ),
    # an aside that is not one: the review rejects it (test_review), grounding reports it
    (
        "The voice is loud, which has no bearing on sad.",
        "sad",
        LOUD,
        [("loudness: loud", AGAINST, ASIDE)],
    ),
]


def test_the_table_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("rationale", "label", "z", "expected"),
    CASES,
    ids=[f"{i:02d}:{label}:{text[:36]}" for i, (text, label, _, _) in enumerate(CASES)],
)
def test_stance_cases(rationale, label, z, expected):
    citations = [c for c in ground(rationale, words(), cues(**z), label=label) if c.kind != "word"]
    assert [(c.claim, c.stance, c.presented_as) for c in citations] == expected
    for citation in citations:
        assert citation.inconsistent == (
            citation.stance == AGAINST and citation.presented_as == SUPPORT
        )
        assert citation.stance_reason


def test_quotes_carry_no_stance():
    (quote,) = ground('She says "please just stop"', words(), cues(), label="angry")
    assert quote.stance is None and quote.presented_as is None and not quote.inconsistent


def test_without_a_label_there_is_no_stance():
    (citation,) = ground("The voice is loud.", words(), cues(**LOUD))
    assert citation.stance is None and not citation.inconsistent
    assert cue_stance(None, "intensity_mean", cues(**LOUD)["intensity_mean"])[0] == NEUTRAL


def test_the_reason_names_the_expectation_the_measurement_and_the_literature():
    stance, reason = cue_stance("sad", "intensity_mean", cues(**LOUD)["intensity_mean"])
    assert stance == AGAINST
    assert "sad" in reason and "down" in reason and "+1.5" in reason and "Juslin" in reason


def test_citations_round_trip_through_json_with_their_stance():
    from model_core.grounding import Citation

    (citation,) = ground("The voice is loud.", words(), cues(**LOUD), label="sad")
    data = citation.to_dict()
    assert data["stance"] == AGAINST and data["presented_as"] == SUPPORT and data["inconsistent"]
    assert Citation.from_dict(data) == citation
    old = {
        k: v
        for k, v in data.items()
        if k not in ("stance", "presented_as", "stance_reason", "inconsistent")
    }
    assert Citation.from_dict(old).stance is None  # stored before stances existed


@pytest.mark.parametrize(
    ("cue", "z", "stance"),
    [
        ("jitter", -1.5, FOR),  # a steadier voice than usual is no sign against neutral
        ("shimmer", -2.5, FOR),
        ("pause_ratio", -1.5, FOR),  # more fluent than usual
        ("hnr", 1.5, FOR),  # clearer than usual
        ("jitter", 1.5, AGAINST),  # the other way still counts
        ("hnr", -1.5, AGAINST),
        ("f0_mean", -1.5, AGAINST),  # pitch, loudness and pace stay two-sided
        ("intensity_mean", 1.5, AGAINST),
    ],
)
def test_steady_fluent_clear_voices_do_not_speak_against_neutral(cue, z, stance):
    assert cue_stance("neutral", cue, {"z": z, "level": "high" if z > 0 else "low"})[0] == stance


def test_a_neutral_rationale_does_not_cite_a_steady_voice_against_itself():
    from model_core.rationale.compose import compose_rationale
    from tests.model_core.grounding.cases import cues

    text = compose_rationale("neutral", cues(jitter=-1.6, shimmer=-1.4, hnr=1.3), seed=1)
    assert "against" not in text.lower() and "steady" not in text.lower(), text


def test_a_cue_said_to_say_nothing_is_an_aside_even_without_naming_the_label():
    # seen in a trained draft of sad: "The voice is quiet, which says nothing."
    (citation,) = ground(
        "The voice is quiet, which says nothing.", words(), cues(**QUIET), label="sad"
    )
    assert (citation.stance, citation.presented_as) == (FOR, ASIDE)
