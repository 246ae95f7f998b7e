"""The rationale composer: it leads with evidence for the label, quotes salient words, names
counter-evidence as such, says when evidence is weak or a second label is close, and every
sentence it writes grounds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model_core.grounding import NOT_FOUND, SUPPORTED, ground
from model_core.grounding.stance import AGAINST, COUNTER, FOR, SUPPORT
from model_core.rationale.compose import choose_quote, compose_rationale, evidence_fit
from tests.model_core.grounding.cases import CUE_NAMES, cues, words

LABELS = ["neutral", "happy", "sad", "angry"]
TEXT = "I really hate this place and I want to leave now"


def timed(text=TEXT):
    return words(text)


def checked(rationale, label, clip, transcript_words=None):
    citations = ground(rationale, transcript_words or timed(), clip, label=label)
    assert all(c.verdict == SUPPORTED for c in citations), (rationale, citations)
    assert not any(c.inconsistent for c in citations), (rationale, citations)
    return citations


def acoustic(citations):
    return [
        (c.claim.split(" (")[0], c.stance, c.presented_as) for c in citations if c.kind != "word"
    ]


def test_it_leads_with_the_strongest_evidence_for_the_label_with_its_size():
    clip = cues(intensity_mean=-2.4, f0_mean=-1.2)
    rationale = compose_rationale("sad", clip, words=timed(), seed=0)
    first = acoustic(checked(rationale, "sad", clip))[0]
    assert first == ("loudness: soft", FOR, SUPPORT)
    assert "well below the speaker's usual" in rationale.split(".")[0]


def test_counter_evidence_is_named_as_such_never_as_support():
    clip = cues(intensity_mean=1.8, f0_mean=-1.5, articulation_rate=-1.3)
    for seed in range(8):
        rationale = compose_rationale("sad", clip, words=timed(), seed=seed)
        claims = acoustic(checked(rationale, "sad", clip))
        assert ("loudness: loud", AGAINST, COUNTER) in claims, rationale
        assert ("pitch: low", FOR, SUPPORT) in claims


def test_the_old_failure_loud_therefore_sad_cannot_happen():
    clip = cues(intensity_mean=1.6)  # the only marked cue speaks against sad
    rationale = compose_rationale("sad", clip, words=timed(), labels=LABELS, seed=3)
    claims = acoustic(checked(rationale, "sad", clip))
    assert claims == [("loudness: loud", AGAINST, COUNTER)]
    assert "sad" in rationale


def test_it_quotes_an_emotional_word_of_the_labels_valence():
    quote, why = choose_quote("angry", timed(), cues())
    assert "hate" in quote and why == "emotional"
    # "love" is no evidence for sadness, "hate" is; neither occurs here, so nothing stands out
    assert choose_quote("sad", words("we love the new garden"), cues()) is None


def test_without_emotional_words_it_quotes_the_most_marked_moment():
    text = "the train leaves from platform nine at noon"
    transcript = words(text)  # word i spans 0.2 + 0.4 i .. 0.55 + 0.4 i
    clip = cues(intensity_mean=1.5)  # spans 1.0-1.6 and 2.4-2.9 s
    quote, why = choose_quote("angry", transcript, clip, ["intensity_mean"])
    assert why == "marked"
    assert quote == "train leaves"  # "leaves" (1.0-1.35 s) is the first marked content word
    (citation,) = [c for c in ground(f'"{quote}"', transcript, clip) if c.kind == "word"]
    assert citation.verdict == SUPPORTED and citation.spans[0][1] > 1.0


def test_quotes_do_not_start_or_end_on_function_words_or_run_across_a_comma():
    quote, _ = choose_quote("happy", words("it was a wonderful, sunny day"), cues())
    assert quote == "wonderful"


def test_weak_evidence_is_said_to_be_weak():
    clip = cues(f0_mean=0.7)  # a slight rise only
    rationale = compose_rationale("happy", clip, words=timed("what a day"), labels=LABELS, seed=1)
    assert "weak" in rationale or "slight" in rationale
    assert acoustic(checked(rationale, "happy", clip, timed("what a day"))) == [
        ("pitch: high", FOR, SUPPORT)
    ]


def test_a_close_second_label_is_named_from_the_probabilities():
    clip = cues(intensity_mean=1.5, f0_mean=1.2)
    rationale = compose_rationale(
        "angry", clip, words=timed(), probabilities={"angry": 0.45, "happy": 0.4, "sad": 0.15}
    )
    assert "happy" in rationale and ("could also" in rationale or "would fit" in rationale)
    checked(rationale, "angry", clip)
    clear = compose_rationale(
        "angry", clip, words=timed(), probabilities={"angry": 0.9, "happy": 0.1}
    )
    assert "happy" not in clear


def test_without_probabilities_the_cue_profiles_decide_closeness():
    flat = cues()  # nothing marked: neutral fits as well as anything
    rationale = compose_rationale("angry", flat, words=timed(), labels=LABELS, seed=0)
    assert "neutral" in rationale
    assert evidence_fit("neutral", flat) > evidence_fit("angry", flat)
    loud = cues(intensity_mean=2.0, f0_mean=1.5, articulation_rate=1.5)
    assert evidence_fit("angry", loud) > evidence_fit("sad", loud)


def test_no_transcript_means_no_quote():
    clip = cues(intensity_mean=1.5)
    rationale = compose_rationale("angry", clip, transcript=None, seed=2)
    assert '"' not in rationale
    checked(rationale, "angry", clip, [])


def test_no_voiced_speech_says_the_voice_gives_no_evidence():
    silent = cues(**{name: None for name in CUE_NAMES})
    rationale = compose_rationale("sad", silent, transcript="", seed=0)
    assert "no voiced speech" in rationale.lower() and "sad" in rationale
    assert ground(rationale, [], silent, label="sad") == []


def test_a_label_without_a_profile_says_so():
    clip = cues(f0_mean=1.6)
    rationale = compose_rationale("surprise", clip, words=timed(), seed=0)
    assert "no agreed acoustic profile" in rationale
    checked(rationale, "surprise", clip)


def test_neutral_rests_on_typical_cues_and_names_the_marked_one_as_counter_evidence():
    clip = cues(articulation_rate=-1.4)
    rationale = compose_rationale("neutral", clip, words=timed(), labels=LABELS, seed=0)
    claims = acoustic(checked(rationale, "neutral", clip))
    assert claims[0][1:] == (FOR, SUPPORT) and claims[0][0].startswith(
        ("pitch", "loudness", "rate", "pitch range")
    )
    assert ("rate: slow", AGAINST, COUNTER) in claims


def test_wording_varies_with_the_seed_and_is_repeatable():
    clip = cues(intensity_mean=1.5, f0_mean=1.3, articulation_rate=-1.2)
    texts = {compose_rationale("angry", clip, words=timed(), seed=seed) for seed in range(12)}
    assert len(texts) >= 6
    assert compose_rationale("angry", clip, words=timed(), seed=5) == compose_rationale(
        "angry", clip, words=timed(), seed=5
    )


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(CUE_NAMES), st.floats(-3, 3) | st.none(), max_size=12),
    st.sampled_from([*LABELS, "fear", "calm", "disgust"]),
    st.sampled_from([None, "", TEXT, "ok", "we love it, truly"]),
    st.integers(0, 50),
    st.booleans(),
)
def test_every_composed_rationale_grounds_and_is_consistent(z, label, transcript, seed, probs):
    clip = cues(pauses=2, **z)
    transcript_words = words(transcript) if transcript else []
    probabilities = {"neutral": 0.3, label: 0.35, "sad": 0.2} if probs else None
    rationale = compose_rationale(
        label,
        clip,
        words=transcript_words,
        probabilities=probabilities,
        labels=LABELS,
        seed=seed,
    )
    citations = ground(rationale, transcript_words, clip, label=label)
    assert not [c for c in citations if c.verdict != SUPPORTED or c.inconsistent], rationale
    assert NOT_FOUND not in {c.verdict for c in citations}
    assert label in rationale and 4 <= len(rationale.split()) <= 80


@pytest.mark.parametrize("label", LABELS)
def test_strongly_marked_clips_cover_their_marked_cues(label):
    from model_core.grounding.metrics import grounding_metrics

    clip = cues(intensity_mean=1.8, f0_mean=-1.6, articulation_rate=1.4)
    rationale = compose_rationale(label, clip, words=timed(), labels=LABELS, seed=1)
    metrics = grounding_metrics(
        [ground(rationale, timed(), clip, label=label)], [clip], [rationale]
    )
    assert metrics.coverage >= 2 / 3, rationale
    assert metrics.inconsistency_rate == 0


@pytest.mark.parametrize(
    ("baseline", "words"),
    [
        (None, "the speaker's usual"),
        ("ann", "the speaker's usual"),  # a speaker's own baseline
        ("population (female)", "a typical female voice"),
        ("population (male)", "a typical male voice"),
        ("population (sex unknown)", "a typical voice"),
    ],
)
def test_sizes_are_said_against_the_baseline_in_use(baseline, words):
    text = compose_rationale(
        "angry", cues(f0_mean=2.4, intensity_mean=1.8), baseline=baseline, seed=3
    )
    assert words in text, text
    if baseline and baseline.startswith("population"):
        assert "speaker's usual" not in text  # no recording of this speaker was ever heard


def test_a_label_the_measurements_only_speak_against_is_said_plainly_and_never_concluded():
    from model_core.grounding.metrics import NO_SUPPORT_MARK
    from model_core.rationale.compose import supported_by_cues

    clip = cues(f0_range=-1.6, articulation_rate=-1.4)  # monotone and slow: against angry
    assert not supported_by_cues("angry", clip) and supported_by_cues("sad", clip)
    for seed in range(6):
        text = compose_rationale("angry", clip, seed=seed)
        assert NO_SUPPORT_MARK in text and "uncertain" in text
        assert "reads as angry" not in text and "On balance" not in text
        citations = ground(text, [], clip, label="angry")
        assert all(c.verdict == SUPPORTED and not c.inconsistent for c in citations), text
    assert NO_SUPPORT_MARK not in compose_rationale("sad", clip)


def test_says_little_names_only_cues_that_are_really_typical_and_grounds():
    text = compose_rationale("happy", cues(f0_mean=0.2, f0_range=0.1), seed=0)
    first = text.split(".")[0]
    assert "says little" in first or "little to go on" in first
    assert "loudness" not in first  # no longer "pitch, loudness and pace" claimed unchecked
    citations = ground(text, [], cues(f0_mean=0.2, f0_range=0.1), label="happy")
    assert citations and all(c.verdict == SUPPORTED for c in citations)
    silent = {name: None for name in ("f0_mean", "f0_range", "intensity_mean")}
    bare = compose_rationale("angry", cues(articulation_rate=None, **silent), seed=0)
    assert bare.startswith("The voice itself says little here.")


@pytest.mark.parametrize(
    ("label", "clip", "stance_words"),
    [
        # a noisy voice has no stance for sad: named as an aside
        ("sad", {"f0_mean": -1.2, "hnr": -2.6}, "either way|no bearing"),
        # neutral leads with its calm cues; a marked clear voice also fits it
        ("neutral", {"hnr": 2.6, "intensity_mean": 0.1, "f0_range": 0.1}, "also fits neutral"),
    ],
)
def test_the_most_marked_cue_is_always_named_with_its_stance(label, clip, stance_words):
    import re

    from model_core.rationale.review import review_draft

    marked = cues(**clip)
    for seed in range(4):
        text = compose_rationale(label, marked, labels=LABELS, seed=seed, plain_phrases=True)
        citations = ground(text, [], marked, label=label)
        assert re.search(stance_words, text), text
        assert review_draft(text, citations, marked, label).accepted, text


def test_neutral_with_nothing_typical_and_marked_cues_says_nothing_supports_it():
    from model_core.grounding.metrics import NO_SUPPORT_MARK

    clip = cues(**{name: 2.2 for name in CUE_NAMES} | {"hnr": -2.2})  # all marked
    text = compose_rationale("neutral", clip, seed=0)
    assert NO_SUPPORT_MARK in text and "On balance" not in text, text


def test_says_little_is_an_aside_of_cues_with_no_stance():
    clip = cues(f0_mean=0.2, f0_range=0.1)
    text = compose_rationale("happy", clip, seed=0)
    said = [c for c in ground(text, [], clip, label="happy") if c.kind != "word"]
    assert said and all(c.presented_as == "aside" and c.stance == "neutral" for c in said), text
