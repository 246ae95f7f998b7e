"""Emotion label sets, their synonyms, and reading a label off a model's answer.

A model (or a teacher) may say "furious" where the label set says "angry". The emotion
table (:data:`model_core.emotions.EMOTIONS`, also the README's synonym table) maps words to
canonical emotions; a word maps to a label of the configured set only when that emotion is
in the set (an exact label always wins, so a set that has "frustrated" keeps it apart from
"angry").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from model_core.emotions import canonical

DEFAULT_LABELS = ("neutral", "happy", "sad", "angry")

LABEL_LINE = re.compile(
    r"^\s*(?:emotion|label|answer)\s*[:=-]\s*(.+)$", re.IGNORECASE | re.MULTILINE
)
REASON_PREFIX = re.compile(
    r"^\s*(?:reason|rationale|explanation|because)\s*[:=-]?\s*", re.IGNORECASE
)
MAX_LABEL_WORDS = 3  # "Very angry." is a label line; a longer first sentence is rationale
WORD = re.compile(r"[a-z][a-z'-]*")


def to_label(word: str, labels: tuple[str, ...] | list[str]) -> str | None:
    """Map a word to one of ``labels`` (exact match first, then through its synonyms)."""
    word = word.lower().strip(" .,:;!?\"'")
    lowered = {label.lower(): label for label in labels}
    if word in lowered:
        return lowered[word]
    emotion = canonical(word)
    if emotion is None:
        return None
    for label in labels:
        if label.lower() == emotion or canonical(label) == emotion:
            return label
    return None


@dataclass(frozen=True)
class ParsedAnswer:
    label: str | None  # None when no label of the set could be read
    rationale: str


def parse_answer(text: str, labels: tuple[str, ...] | list[str]) -> ParsedAnswer:
    """Read "label first, then explanation" answers.

    Accepts ``Emotion: angry\nReason: ...`` and ``Angry. The speaker ...``; otherwise
    the first emotion word anywhere names the label and the whole text is the rationale.
    """
    text = text.strip()
    match = LABEL_LINE.search(text)
    if match:
        head, rest = match.group(1), text[match.end() :]
    else:
        head, _, rest = (
            text.partition(".") if "." in text.split("\n", 1)[0] else text.partition("\n")
        )
    label = first_label(head, labels)
    if label is None:
        return ParsedAnswer(first_label(text, labels), text)
    if not match and len(head.split()) > MAX_LABEL_WORDS:
        return ParsedAnswer(label, text)  # a sentence that names the label: keep it all
    return ParsedAnswer(label, REASON_PREFIX.sub("", rest.strip(), count=1).strip())


def first_label(text: str, labels: tuple[str, ...] | list[str]) -> str | None:
    """The first word (or "no emotion") in ``text`` that maps to one of ``labels``."""
    lowered = text.lower()
    if "no emotion" in lowered and (label := to_label("no emotion", labels)):
        return label
    for word in WORD.findall(lowered):
        label = to_label(word, labels)
        if label is not None:
            return label
    return None
