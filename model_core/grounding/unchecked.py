"""Descriptions of the voice that grounding cannot check.

The lexicon (:mod:`model_core.grounding.lexicon`) knows how people describe pitch,
loudness, rate, pauses and voice quality, but not every way: "the voice is very
unsteady", "her tone sounds cold". Such a phrase must not read as plain text, as if
nothing needed checking: it becomes an **unchecked** claim, shown in its own colour, offered
for a human's judgement, and counted in the metrics.

A clause is a description of the voice when it names the voice (voice, tone, pitch,
delivery, ...) and says what it is like, by a verb of being or sounding followed by a
word that is not a generic one ("the voice is warm", "the delivery sounds flat"), or by
an adjective right before the noun ("a warm voice"), and no checked claim lies inside it.
"""

from __future__ import annotations

import re

from model_core.grounding.lexicon import CLAUSE_BREAK

# Finer than the lexicon's clauses: "her tone sounds cold, and the pitch is high" holds two
# descriptions, one checked and one not.
PART_BREAK = re.compile(rf"{CLAUSE_BREAK.pattern}|,|\band\b")

VOICE_NOUN = (
    r"voice|tone|pitch|intonation|delivery|speech|pace|tempo|rhythm|volume|timbre|"
    r"articulation|prosody|inflection"
)
# "<noun> is/sounds ... <word>": the word says what the voice is like.
PREDICATE = re.compile(
    rf"\b(?:{VOICE_NOUN})\b(?: \w+)?\s+(?:is|was|are|were|sounds?|sounded|seems?|seemed|becomes?|"
    r"became|grows?|grew|gets?|got|turns?|turned|remains?|remained|stays?|stayed|feels?|felt)\s+"
    r"(?:(?:very|rather|quite|somewhat|slightly|a bit|a little|so|too|fairly|really|most|more|less|"
    r"almost|rather|a touch|noticeably|clearly|distinctly|audibly|oddly|unusually|fairly)\s+)*"
    r"(?P<word>[a-z][a-z-]+)"
)
# "a warm voice", "her cold tone": an adjective right before the noun.
ATTRIBUTE = re.compile(rf"\b(?P<word>[a-z][a-z-]+)\s+(?:{VOICE_NOUN})\b")
COMPARISON = re.compile(r"^\W*(?:as in|as with|as|like|unlike)\b")
# Words after a verb of being, or before a voice noun, that describe nothing.
GENERIC = frozenset(
    (
        *("the", "a", "an", "his", "her", "their", "its", "this", "that", "these", "those"),
        *("speaker's", "same", "own", "whole", "overall", "usual", "typical", "normal", "close"),
        *("near", "like", "as", "of", "at", "to", "in", "on", "not", "no", "what", "how", "also"),
        *("still", "marked", "heard", "used", "given", "measured", "there", "here", "itself"),
        *("one", "and", "or", "but", "with", "by", "for", "from", "into", "than", "whose", "which"),
        *("says", "said", "does", "did", "alone", "only", "even", "of", "voiced", "spoken"),
        *("the", "speaking", "emotional", "recorded", "whole", "entire", "each", "every"),
        *("is", "was", "be", "being", "been", "it", "s", "any", "some", "all", "both", "neither"),
        *("more", "less", "most", "least", "much", "little", "evidence", "cue", "cues"),
        *("female", "male"),  # "a typical female voice": whose voice, not what it is like
    )
)


def unchecked_spans(text: str, checked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans of clauses that describe the voice with no checked claim inside.

    Parameters
    ----------
    text : str
        The rationale.
    checked : list of (start, end)
        Character spans of the claims grounding already checks (quotes and cue claims).
    """
    lowered = text.replace("\u0130", "i").lower()
    spans, start = [], 0
    for match in [*PART_BREAK.finditer(lowered), None]:
        end = match.start() if match else len(lowered)
        clause = lowered[start:end]
        if _describes_voice(clause) and not any(a < end and b > start for a, b in checked):
            left = start + len(clause) - len(clause.lstrip(" ,:"))
            right = start + len(clause.rstrip(" ,"))
            if right > left:
                spans.append((left, right))
        start = match.end() if match else end
    return spans


def _describes_voice(clause: str) -> bool:
    if COMPARISON.match(clause):  # "as in calm, even speech" describes a kind, not this voice
        return False
    for pattern in (PREDICATE, ATTRIBUTE):
        for match in pattern.finditer(clause):
            if match.group("word") not in GENERIC:
                return True
    return False
