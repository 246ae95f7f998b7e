"""Reading labels off answers, through synonyms, into the configured set."""

from __future__ import annotations

import pytest

from model_core.model.labels import DEFAULT_LABELS, parse_answer, to_label
from model_core.model.prompts import make_prompt, reason_answer

IEMOCAP_FULL = ["neutral", "happy", "sad", "angry", "frustrated", "excited", "surprise", "fear"]


@pytest.mark.parametrize(
    ("word", "label"),
    [
        ("anger", "angry"),
        ("Furious", "angry"),
        ("frustrated", "angry"),
        ("joy", "happy"),
        ("excited", "happy"),
        ("sorrowful", "sad"),
        ("calm", "neutral"),
        ("no emotion", "neutral"),
        ("scared", None),
        ("banana", None),
    ],
)
def test_synonyms_map_into_the_four_class_set(word, label):
    assert to_label(word, DEFAULT_LABELS) == label


def test_an_exact_label_wins_over_a_synonym():
    assert to_label("frustrated", IEMOCAP_FULL) == "frustrated"
    assert to_label("excited", IEMOCAP_FULL) == "excited"
    assert to_label("afraid", IEMOCAP_FULL) == "fear"


@pytest.mark.parametrize(
    ("text", "label", "rationale"),
    [
        ("Emotion: angry\nReason: she shouts.", "angry", "she shouts."),
        ("emotion = Joy\nrationale: laughing", "happy", "laughing"),
        ('Furious. The speaker yells "stop".', "angry", 'The speaker yells "stop".'),
        (
            "The speaker sounds sad because the pitch is low.",
            "sad",
            "The speaker sounds sad because the pitch is low.",
        ),
        ("I cannot tell.", None, "I cannot tell."),
    ],
)
def test_answers_parse_label_first_then_rationale(text, label, rationale):
    parsed = parse_answer(text, DEFAULT_LABELS)
    assert (parsed.label, parsed.rationale) == (label, rationale)


def test_the_training_format_parses_back():
    text = reason_answer("sad", "Her voice is quiet and slow.")
    parsed = parse_answer(text, DEFAULT_LABELS)
    assert (parsed.label, parsed.rationale) == ("sad", "Her voice is quiet and slow.")


def test_prompts_carry_labels_transcript_and_cues():
    prompt = make_prompt("reason", list(DEFAULT_LABELS), transcript="hello", cues="loud")
    text = prompt.user_text()
    assert "neutral, happy, sad, angry" in text and 'Transcript: "hello"' in text
    assert "Measured cues: loud" in text
    with pytest.raises(ValueError):
        make_prompt("dance", list(DEFAULT_LABELS))
