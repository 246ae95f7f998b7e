"""The emotion table: one entry per emotion, every word names one emotion."""

from __future__ import annotations

import pytest

from model_core.emotions import EMOTIONS, Emotion, _by_word, canonical, emotion_for


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("Anger", "angry"),
        (" hap ", "happy"),  # IEMOCAP's code
        ("frustrated", "angry"),
        ("calm", "neutral"),
        ("bored", "boredom"),
        ("love", "tenderness"),
        ("surprised", "surprise"),
        ("chair", None),
        ("", None),
        (None, None),
    ],
)
def test_words_name_their_emotion(word, name):
    assert canonical(word) == name


def test_negative_labels_follow_valence():
    negative = {e.name for e in EMOTIONS.values() if e.negative}
    assert negative == {"sad", "angry", "fear", "disgust", "boredom"}
    assert emotion_for("frustrated").negative  # the composer now counts it


def test_a_word_that_names_two_emotions_is_refused():
    clash = {"a": Emotion("a", synonyms=("x",)), "b": Emotion("b", codes=("x",))}
    with pytest.raises(ValueError, match="'x' names both a and b"):
        _by_word(clash)
