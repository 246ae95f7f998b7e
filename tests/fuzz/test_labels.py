"""Fuzzing the answer parser: reading a label and a rationale off free text."""

from __future__ import annotations

from hypothesis import assume, example, given
from hypothesis import strategies as st

from model_core.emotions import EMOTIONS
from model_core.model.labels import LABEL_LINE, first_label, parse_answer, to_label
from model_core.model.prompts import label_answer, reason_answer
from tests.fuzz.strategies import SOME_TEXT, fuzz

# Label names as label sets spell them: the canonical emotions and other plain words.
LABEL_WORD = st.from_regex(r"[a-z](?:[a-z'-]{0,10}[a-z])?", fullmatch=True)
LABEL_SETS = st.lists(
    st.sampled_from(sorted(EMOTIONS)) | LABEL_WORD, min_size=1, max_size=8, unique=True
)
ANY_LABELS = st.lists(SOME_TEXT, min_size=1, max_size=5, unique=True)


@fuzz(300)
@given(text=SOME_TEXT, labels=LABEL_SETS | ANY_LABELS)
@example(text="Emotion:\n\nReason: x", labels=["angry"])
@example(text="\u0130 angry. no emotion", labels=["neutral", "angry"])
def test_any_text_gives_a_label_of_the_set_and_a_rationale_from_the_text(text, labels):
    parsed = parse_answer(text, labels)
    assert parsed.label is None or parsed.label in labels
    assert parsed.rationale in text  # the rationale is cut from the answer, never invented
    assert first_label(text, labels) in (None, *labels)


@fuzz(300)
@given(labels=LABEL_SETS, index=st.integers(0, 7), rationale=SOME_TEXT)
@example(labels=["angry"], index=0, rationale="Reason: because")
def test_the_training_answer_format_reads_back(labels, index, rationale):
    label = labels[index % len(labels)]
    parsed = parse_answer(reason_answer(label, rationale), labels)
    assert parsed.label == label
    # Exactly one "Reason:" (the one the format adds) is taken off.
    assert parsed.rationale == rationale.strip()
    assert parse_answer(label_answer(label), labels) == type(parsed)(label, "")


@fuzz(200)
@given(labels=LABEL_SETS, index=st.integers(0, 7), rest=SOME_TEXT)
def test_a_leading_label_word_is_read(labels, index, rest):
    label = labels[index % len(labels)]
    text = f"{label.capitalize()}. {rest}"
    assume(not LABEL_LINE.search(text))  # an "Emotion: ..." line takes precedence, by design
    parsed = parse_answer(text, labels)
    assert parsed.label == label
    assert to_label(label.upper(), labels) == label
