"""Reasoning metrics on hand-computed examples: consistency, inconsistency, coverage, quote
salience and length (definitions in model_core/grounding/metrics.py and the README)."""

from __future__ import annotations

import math

import pytest

from model_core.grounding import ground, grounding_metrics
from model_core.grounding.metrics import mentioned_cues, most_marked
from tests.model_core.grounding.cases import cues, words

TRANSCRIPT = "I really hate waiting for the bus every single morning"
# word i spans 0.2 + 0.4 i .. 0.55 + 0.4 i: "hate" 1.0-1.35, "bus" 2.6-2.95, "morning" 3.8-4.15


def test_most_marked_takes_the_three_largest_off_normal_citable_cues():
    clip = cues(intensity_mean=1.2, f0_mean=-2.5, articulation_rate=1.6, jitter=-1.1, f0_median=3)
    # f0_median is not citable on its own; jitter is the fourth
    assert most_marked(clip) == ["f0_mean", "articulation_rate", "intensity_mean"]
    assert most_marked(cues(f0_mean=0.9)) == []


def test_a_trembling_voice_mentions_jitter_and_shimmer():
    (citation,) = ground("The voice trembles.", [], cues(jitter=1.5))
    assert mentioned_cues([citation]) == {"jitter", "shimmer"}


def test_metrics_by_hand():
    transcript = words(TRANSCRIPT)
    # Rationale A (sad): pitch low FOR/support, loud AGAINST/counter, quote "hate" emotional.
    clip_a = cues(f0_mean=-1.5, intensity_mean=1.4, articulation_rate=-1.1)
    text_a = 'The pitch is low. Although the voice is loud, "I really hate" says enough.'
    # Rationale B (sad): loud AGAINST/support (inconsistent); quote "the bus" overlaps no
    # marked span (the loudness spans 1.0-1.6 and 2.4-2.9 s: "the bus" 2.2-2.95 s does).
    clip_b = cues(intensity_mean=1.4)
    text_b = 'The voice is loud, "for the bus", which fits sad.'
    # Rationale C (angry): fast FOR/support, not measurable tension; quote not in the
    # transcript (not found, so not counted for salience); unmarked spans elsewhere.
    clip_c = cues(articulation_rate=1.2, f0_range=-1.3, pause_ratio=2.1, pauses=2)
    text_c = 'He talks fast with a tense voice: "go away".'
    groups = [
        ground(text_a, transcript, clip_a, label="sad"),
        ground(text_b, transcript, clip_b, label="sad"),
        ground(text_c, transcript, clip_c, label="angry"),
    ]
    metrics = grounding_metrics(groups, [clip_a, clip_b, clip_c], [text_a, text_b, text_c])
    # acoustic claims: A low(for,support) loud(against,counter); B loud(against,support);
    # C fast(for,support) tense(neutral,support, not measurable) = 5
    assert metrics.acoustic_claims == 5
    # presented as support: A low, B loud, C fast, C tense = 4; of them "for": low, fast
    assert metrics.consistency == pytest.approx(2 / 4)
    assert metrics.inconsistency_rate == pytest.approx(1 / 5)  # B's loud
    # coverage: A top 3 = f0_mean, intensity_mean, articulation_rate; mentions 2 of them.
    # B top = intensity_mean; mentioned. C top = pause_ratio, f0_range, articulation_rate;
    # mentions the rate only. (2 + 1 + 1) / (3 + 1 + 3)
    assert metrics.coverage == pytest.approx(4 / 7)
    # salience over found quotes: A "I really hate" (emotional) yes; B "for the bus" overlaps
    # the loudness span 2.4-2.9 s: yes; C's quote is not found
    assert metrics.quotes == 3 and metrics.quote_salience == pytest.approx(2 / 2)
    assert metrics.mean_words == pytest.approx(
        (len(text_a.split()) + len(text_b.split()) + len(text_c.split())) / 3
    )


def test_a_quote_far_from_any_marked_moment_and_without_emotion_is_not_salient():
    transcript = words(TRANSCRIPT)
    clip = cues(intensity_mean=1.4)  # marked at 1.0-1.6 and 2.4-2.9 s
    text = 'She says "every single morning".'  # 3.4-4.15 s, no emotional word
    metrics = grounding_metrics([ground(text, transcript, clip, label="angry")], [clip], [text])
    assert metrics.quote_salience == 0.0
    assert metrics.coverage == 0.0  # the loudness, the only marked cue, is not mentioned


def test_without_cues_the_new_rates_are_not_a_number_and_old_calls_still_work():
    metrics = grounding_metrics([ground("The voice is loud.", [], cues(intensity_mean=1.5))])
    assert math.isnan(metrics.coverage) and math.isnan(metrics.quote_salience)
    assert math.isnan(metrics.consistency)  # no label, no stance to count
    assert metrics.cue_support_rate == 1.0


def test_issue_30_metrics_on_hand_made_rationales():
    """Arguing against one's own label unsaid, clinical words, and the speaker's usual said
    of a population baseline are counted; the plain statement clears the first."""
    clip = cues(f0_range=-1.6, articulation_rate=-1.4)  # monotone and slow: against angry
    texts = [
        "The voice gives little to go on. Against this, the intonation is monotone. "
        "Taken together, this reads as angry.",  # argues against itself, unsaid
        "The measured pitch, loudness and pace do not point to angry; treat it as uncertain. "
        "What was measured speaks against it: the intonation is monotone.",  # said plainly
        "The voice is shaky and the pace is slow, which fits sad.",  # a clinical word
        "The pace is slow (well below the speaker's usual), which fits sad.",
    ]
    labels = ["angry", "angry", "sad", "sad"]
    groups = [ground(t, [], clip, label=lab) for t, lab in zip(texts, labels, strict=True)]
    baselines = ["ann", "ann", "ann", "population (male)"]
    metrics = grounding_metrics(groups, [clip] * 4, texts, baselines)
    assert metrics.against_conclusion_rate == 0.25
    assert metrics.clinical_word_rate == 0.25
    assert metrics.baseline_word_errors == 1
    assert grounding_metrics(groups).against_conclusion_rate != 0.25  # NaN without texts
