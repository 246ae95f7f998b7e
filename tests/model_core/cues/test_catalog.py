"""The cue catalog: every phrase it offers grounds back to its cue; profiles name real cues."""

from __future__ import annotations

import pytest

from model_core.cues import describe, level_of
from model_core.cues.catalog import BY_NAME, CATALOG, CITABLE, UNMEASURED_SENSES, sense_cues
from model_core.cues.profiles import (
    DOWN,
    EXPECTATIONS,
    TYPICAL,
    UP,
    expectation,
    profile_for,
)
from model_core.cues.summary import Cue
from model_core.emotions import EMOTIONS
from model_core.grounding import CONTRADICTED, SUPPORTED, ground
from model_core.grounding.lexicon import PATTERNS
from tests.model_core.grounding.cases import CUE_NAMES, cues

# z at the middle of each marked level
LEVEL_Z = {"high": 1.5, "very high": 2.5, "low": -1.5, "very low": -2.5}
PHRASES = [
    (spec.name, level, phrase)
    for spec in CATALOG
    for level, options in spec.phrases.items()
    for phrase in options
]


def _clip(name: str, z: float) -> dict:
    """Cues with ``name`` at ``z`` and facts that make the level's words hold."""
    rising = z > 0
    return cues(
        direction="rising" if rising else "falling",
        pauses=3 if name == "pause_ratio" and rising else 0,
        **{name: z},
    )


def test_the_catalog_names_every_cue_the_summary_measures():
    assert set(BY_NAME) == set(CUE_NAMES)
    assert len(PHRASES) >= 40


@pytest.mark.parametrize(("name", "level", "phrase"), PHRASES, ids=[p[2] for p in PHRASES])
def test_every_phrase_grounds_back_to_its_cue(name, level, phrase):
    (citation,) = ground(phrase, [], _clip(name, LEVEL_Z[level]))
    assert citation.verdict == SUPPORTED
    sense = citation.claim.split(": ", 1)[1]
    assert name in sense_cues()[(citation.kind, sense.split(" (")[0])][0]
    # and the same words are contradicted when the cue goes the other way
    (opposite,) = ground(phrase, [], _clip(name, -LEVEL_Z[level]))
    assert opposite.verdict == CONTRADICTED


@pytest.mark.parametrize("spec", [s for s in CATALOG if s.typical], ids=lambda s: s.name)
def test_typical_phrases_hold_near_the_baseline_only(spec):
    (calm,) = ground(spec.typical, [], cues(**{spec.name: 0.2}))
    (raised,) = ground(spec.typical, [], cues(**{spec.name: 1.5}))
    assert (calm.verdict, raised.verdict) == (SUPPORTED, CONTRADICTED)
    assert calm.cue == spec.name


@pytest.mark.parametrize("spec", [s for s in CATALOG if s.hedged], ids=lambda s: s.name)
def test_hedged_phrases_need_half_a_standard_deviation(spec):
    for direction, phrase in spec.hedged.items():
        (slight,) = ground(phrase, [], cues(**{spec.name: 0.7 * direction}))
        (none,) = ground(phrase, [], cues(**{spec.name: 0.1 * direction}))
        assert (slight.verdict, none.verdict) == (SUPPORTED, CONTRADICTED), phrase


def test_every_sense_of_the_lexicon_is_measured_by_a_catalog_cue_or_declared_unmeasured():
    table = sense_cues()
    for _, sense in PATTERNS:
        key = (sense.aspect, sense.value)
        assert key in table or key in UNMEASURED_SENSES, key
        for name in table.get(key, ((), 0))[0]:
            assert name in CITABLE


def test_descriptor_words_come_from_the_catalog():
    def cue(name, z):
        return Cue(name, 1.0, BY_NAME[name].unit, z, level_of(z))

    line = describe(
        {
            "f0_mean": cue("f0_mean", 1.2),
            "f0_range": cue("f0_range", 2.4),
            "intensity_mean": cue("intensity_mean", -1.1),
            "articulation_rate": cue("articulation_rate", 0.0),
            "hnr": cue("hnr", -2.2),
        }
    )
    assert line == ("high, very widely varying pitch; quiet; very noisy voice (low HNR)")


def test_profiles_use_known_cues_and_directions_with_their_sources():
    for profile in (e for e in EMOTIONS.values() if e.expected is not None):
        assert profile.sources
        for name, direction in profile.expected.items():
            assert name in BY_NAME and direction in EXPECTATIONS


@pytest.mark.parametrize(
    ("label", "cue", "expected"),
    [
        ("angry", "intensity_mean", UP),
        ("anger", "articulation_rate", UP),  # an alias
        ("hap", "f0_mean", UP),  # IEMOCAP's code
        ("sad", "intensity_mean", DOWN),
        ("sadness", "pause_ratio", UP),
        ("neutral", "f0_range", TYPICAL),
        ("fearful", "f0_mean", UP),
        ("fear", "f0_range", "none"),  # the studies disagree
        ("disgust", "f0_mean", DOWN),
        ("boredom", "f0_range", DOWN),
        ("happy", "hnr", "none"),
        ("calm", "f0_range", TYPICAL),  # RAVDESS's calm reads neutral's profile
        ("frustration", "intensity_mean", UP),  # a synonym of angry
        ("bored", "f0_mean", DOWN),
        ("love", "speech_rate", DOWN),  # tenderness
    ],
)
def test_expectations(label, cue, expected):
    assert expectation(label, cue) == expected


@pytest.mark.parametrize("label", ["surprise", "surprised", "startled", "other", "xyz"])
def test_labels_without_a_profile_say_so(label):
    assert profile_for(label) is None
    assert expectation(label, "f0_mean") == "none"


def test_the_app_says_no_clinical_word_and_names_what_jitter_shimmer_and_hnr_measure():
    """Tremor, hoarseness and breathiness are clinical signs that no cue here measures."""
    from model_core.cues.catalog import clinical_words

    said = [
        text
        for spec in CATALOG
        for text in (
            *spec.words.values(),
            *(p for options in spec.phrases.values() for p in options),
            *(spec.hedged.values()),
            spec.typical or "",
        )
    ]
    assert [w for text in said for w in clinical_words(text)] == []
    assert clinical_words("The voice is shaky, hoarse and breathy.") == [
        ("shaky", "tremor"),
        ("hoarse", "hoarseness"),
        ("breathy", "breathiness"),
    ]
    for name in ("jitter", "shimmer", "hnr"):
        assert "Praat" in BY_NAME[name].basis  # the measure behind the words


def test_a_draft_with_a_clinical_word_is_rejected_even_when_the_cue_is_high():
    from model_core.rationale.review import review_draft

    clip = cues(jitter=2.2, shimmer=2.0)
    draft = "The voice is shaky, which fits angry."
    review = review_draft(draft, ground(draft, [], clip, label="angry"), clip, "angry")
    assert not review.accepted
    assert any("names tremor" in p for p in review.problems)
    plain = "The voicing is irregular, which fits angry."
    assert not any(
        "clinical" in p
        for p in review_draft(plain, ground(plain, [], clip, label="angry"), clip, "angry").problems
    )
