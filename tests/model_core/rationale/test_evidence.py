"""The evidence table the LLM reads (issue 30): what it states must be what the review
will check, in the words the composer's targets use."""

from __future__ import annotations

from model_core.grounding import ground
from model_core.grounding.metrics import baseline_word_error
from model_core.model.config import EmoReasonerConfig
from model_core.model.prompts import emotion_prompt, reason_prompt
from model_core.rationale.compose import choose_quote, compose_rationale
from model_core.rationale.evidence import NO_SUPPORT_LINE, UNRELIABLE, gather_evidence
from model_core.rationale.review import review_draft
from tests.model_core.grounding.cases import cues, words

TEXT = "I really hate this place and I want to leave now"
PROBABILITIES = {"angry": 0.62, "happy": 0.21, "neutral": 0.1, "sad": 0.07}
MALE = "population (male)"


def table(label="angry", clip=None, **options):
    options.setdefault("probabilities", PROBABILITIES)
    return gather_evidence(label, clip or cues(intensity_mean=2.3), **options).table()


def test_the_table_states_the_heads_two_best_labels_and_the_baseline_in_use():
    text = table(baseline=MALE, words=words(TEXT), transcript_reliable=True)
    lines = text.splitlines()
    assert lines[0] == "Label: angry 62%; runner-up: happy 21%"
    assert lines[1] == "Compared with: a typical male voice"
    assert lines[2] == "Transcript: reliable"
    assert "Compared with: the speaker's usual" in table(baseline="spk03")


def test_each_marked_cue_has_its_z_and_its_stance_for_the_label_and_the_runner_up():
    clip = cues(intensity_mean=2.3, articulation_rate=-1.4)
    text = table(clip=clip, baseline=MALE)
    # loudness is the lead: sized against the baseline in use, as the composer sizes it
    assert (
        "- the voice is very loud (well above a typical male voice), z +2.3: for angry, for happy"
        in text
    )
    assert "- the pace is slow, z -1.4: against angry, against happy" in text
    sad = table("sad", clip=clip, probabilities={"sad": 0.5, "neutral": 0.3})
    assert "- the pace is slow (below the speaker's usual), z -1.4: for sad, against neutral" in sad


def test_cues_near_the_baseline_are_named_in_the_catalog_words():
    text = table(clip=cues(intensity_mean=2.3))
    near = next(line for line in text.splitlines() if line.startswith("Near the baseline: "))
    assert "the pitch is not raised" in near and "the voice is not loud" not in near


def test_an_unreliable_transcript_is_said_and_never_quoted():
    clip = cues(intensity_mean=2.3)
    spoken = words(TEXT)
    assert 'Quote: "really hate" (words of feeling)' in table(
        clip=clip, words=spoken, transcript_reliable=True
    )
    doubtful = table(clip=clip, words=spoken, transcript_reliable=False)
    assert f"Transcript: {UNRELIABLE}" in doubtful
    assert "Quote: none" in doubtful


def test_a_label_no_measured_cue_supports_is_flagged():
    clip = cues(intensity_mean=-1.5, f0_range=-1.4)  # quiet and flat: nothing for angry
    text = table(clip=clip)
    assert NO_SUPPORT_LINE.format(label="angry") in text
    assert NO_SUPPORT_LINE.format(label="sad") not in table("sad", clip=clip)


def test_every_cue_phrase_in_the_table_grounds_as_the_composer_writes_it():
    clip = cues(intensity_mean=2.3, f0_mean=1.6, articulation_rate=-1.2)
    evidence = gather_evidence("angry", clip, probabilities=PROBABILITIES, baseline=MALE)
    composed = compose_rationale(
        "angry", clip, probabilities=PROBABILITIES, baseline=MALE, plain_phrases=True, seed=4
    )
    for line in evidence.cue_lines:
        phrase = line.split(", z ")[0].split(" (")[0]
        verdicts = {c.verdict for c in ground(phrase, [], clip)}
        assert verdicts == {"supported"}, line
    lead = evidence.cue_lines[0].split(", z ")[0]
    assert lead in composed  # the target uses the table's own words


def test_the_reasoning_prompt_holds_the_table_only_for_a_model_that_reads_it():
    clip = cues(intensity_mean=2.3)
    options = {"transcript": TEXT, "descriptor": "loud", "cues": clip}
    plain = reason_prompt(EmoReasonerConfig(), "angry", **options).user_text()
    assert "Measured cues: loud" in plain and "Evidence:" not in plain
    reads = EmoReasonerConfig(include_evidence=True)
    text = reason_prompt(reads, "angry", probabilities=PROBABILITIES, **options).user_text()
    assert "Evidence:\nLabel: angry 62%" in text and "Measured cues" not in text
    own = reason_prompt(reads, "angry", probabilities=PROBABILITIES, **options).own_words()
    assert own.startswith("Label: angry 62%") and own.endswith(TEXT)
    # a label-scoring prompt must not name the label
    ser = emotion_prompt("ser", reads, transcript=TEXT, evidence="Label: angry").user_text()
    assert "Label: angry" not in ser


def test_no_quote_of_the_opening_words_nor_of_a_moment_that_speaks_against_the_label():
    spoken = words("kids are talking by the door")  # no word of feeling
    opening = cues(intensity_mean=2.3)
    for cue in opening.values():
        cue["spans"] = [[0.2, 0.9]] if cue["spans"] else []  # loudest on the first words
    assert choose_quote("angry", spoken, opening, ["intensity_mean"]) is None
    later = cues(intensity_mean=2.3)
    for cue in later.values():
        cue["spans"] = [[1.0, 1.5]] if cue["spans"] else []
    assert choose_quote("angry", spoken, later, ["intensity_mean"]) == ("are talking", "marked")
    # the same loud moment is no evidence for sad, which loudness speaks against
    assert choose_quote("sad", spoken, later, []) is None


def test_baseline_words_must_match_the_baseline_in_use():
    assert baseline_word_error("the pitch is well above the speaker's usual", MALE)
    assert baseline_word_error("the pitch is well above a typical male voice", "spk03")
    assert baseline_word_error("well above a typical female voice", MALE)
    assert not baseline_word_error("the pitch is well above a typical male voice", MALE)
    assert not baseline_word_error("the pitch is well above the speaker's usual", "spk03")
    clip = cues(intensity_mean=2.3)
    draft = "The voice is very loud, well above the speaker's usual, which points to angry."
    verdict = review_draft(draft, ground(draft, [], clip, label="angry"), clip, "angry", MALE)
    assert not verdict.accepted
    assert "another baseline" in verdict.problems[-1]
    same = review_draft(draft, ground(draft, [], clip, label="angry"), clip, "angry", "spk03")
    assert same.accepted, same.problems


def test_the_most_marked_cue_is_marked_once_and_always_listed():
    clip = cues(intensity_mean=2.3, articulation_rate=-1.4, hnr=-3.0)  # hnr: no stance
    lines = [line for line in table(clip=clip).splitlines() if line.startswith("- ")]
    marked = [line for line in lines if line.endswith(" (most marked)")]
    assert marked == [
        "- the voice sounds very noisy, z -3.0: neither for angry, neither for happy (most marked)"
    ]
    # six cues for or against sad, each more telling than none: the most marked still shows
    crowded = cues(
        f0_mean=1.6,
        f0_range=1.6,
        intensity_mean=1.6,
        articulation_rate=1.7,
        pause_ratio=2.0,
        jitter=1.9,
        hnr=-3.0,
    )
    shown = [line for line in table("sad", clip=crowded).splitlines() if line.startswith("- ")]
    assert len(shown) == 6 and shown[-1].startswith("- the voice sounds very noisy"), shown


def test_the_grouped_layout_puts_each_cue_where_the_composer_uses_it():
    clip = cues(intensity_mean=2.3, articulation_rate=-1.4, f0_mean=1.2, hnr=-3.0)
    close = {"angry": 0.52, "happy": 0.41, "neutral": 0.05, "sad": 0.02}
    lines = table(clip=clip, probabilities=close, baseline=MALE).splitlines()
    grouped = gather_evidence("angry", clip, probabilities=close, baseline=MALE).table("grouped")
    assert grouped.splitlines()[:3] == lines[:3]  # the same head, baseline and transcript
    assert (
        "For angry: the voice is very loud (well above a typical male voice) [z +2.3]; "
        "the pitch is high [z +1.2]" in grouped
    )
    assert "Against angry: the pace is slow [z -1.4]" in grouped
    # the most marked cue has no stance for angry: the composer names it as an aside
    assert "Neither way: the voice sounds very noisy [z -3.0] (most marked)" in grouped
    assert "Close second: happy" in grouped
    composed = compose_rationale("angry", clip, probabilities=close, plain_phrases=True)
    assert "the voice sounds very noisy" in composed.lower() and "happy" in composed


def test_a_layout_the_table_does_not_know_is_refused():
    import pytest

    with pytest.raises(ValueError, match="unknown evidence layout 'cards'"):
        gather_evidence("angry", cues(intensity_mean=2.3)).table("cards")
    with pytest.raises(ValueError, match="evidence_layout must be one of"):
        EmoReasonerConfig.from_dict({**EmoReasonerConfig().to_dict(), "evidence_layout": "cards"})


def test_the_grouped_layout_gives_the_weak_evidence_the_composer_would_cite():
    clip = cues(intensity_mean=0.7)  # slightly louder: not marked, a hedged sign for angry
    grouped = gather_evidence("angry", clip).table("grouped")
    assert "Slightly for angry: the voice is slightly louder [z +0.7]" in grouped
    assert "the voice is slightly louder" in compose_rationale("angry", clip, plain_phrases=True)
    assert "Slightly for" not in gather_evidence("angry", cues(intensity_mean=2.0)).table("grouped")
