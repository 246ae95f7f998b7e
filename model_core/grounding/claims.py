"""Splitting a rationale into claims: quoted words and statements about acoustic cues."""

from __future__ import annotations

import re
from dataclasses import dataclass

from model_core.grounding.lexicon import (
    CLAUSE_BREAK,
    COMPILED,
    HEDGES,
    INTENSIFIERS,
    MODIFIER_REACH,
    NEGATORS,
    Sense,
)

QUOTES = re.compile(
    r'"(?P<a>[^"\n]{1,300})"'
    r"|“(?P<b>[^”\n]{1,300})”"
    r"|‘(?P<c>[^’\n]{1,300})’"
    r"|(?<![\w'])'(?P<d>[^'\n]{1,300}?)'(?![\w])"
)
NAMED_WORD = re.compile(r"\bthe (?:word|term|phrase) (?P<w>[A-Za-z][\w'-]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One thing a rationale asserts, with its character span.

    ``kind`` is ``"word"`` for quoted or named words, else the aspect of the voice
    (``pitch``, ``pitch range``, ``intonation``, ``loudness``, ``rate``, ``pauses``,
    ``voice``). ``text == rationale[start_char:end_char]``.
    """

    text: str
    start_char: int
    end_char: int
    kind: str
    sense: Sense | None = None
    negated: bool = False
    strength: str = "plain"
    quote: str | None = None

    @property
    def label(self) -> str:
        """E.g. ``pitch: high``, ``loudness: not loud (hedged)``, ``word: "never again"``."""
        if self.sense is None:
            return f'word: "{self.quote}"'
        value = ("not " if self.negated else "") + self.sense.value
        suffix = "" if self.strength == "plain" else f" ({self.strength})"
        return f"{self.sense.aspect}: {value}{suffix}"


def _quotes(rationale: str) -> list[Claim]:
    claims = []
    for match in QUOTES.finditer(rationale):
        group = next(name for name in "abcd" if match.group(name) is not None)
        quote = match.group(group).strip()
        if any(ch.isalnum() for ch in quote):
            claims.append(Claim(match.group(0), match.start(), match.end(), "word", quote=quote))
    for match in NAMED_WORD.finditer(rationale):
        claims.append(
            Claim(match.group(0), match.start(), match.end(), "word", quote=match.group("w"))
        )
    return claims


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= position < b for a, b in spans)


def _cue_matches(lowered: str, excluded: list[tuple[int, int]]) -> list[tuple[int, int, Sense]]:
    """Non-overlapping cue expressions, the longest first where they overlap."""
    found = [
        (m.start(), m.end(), sense)
        for pattern, sense in COMPILED
        for m in pattern.finditer(lowered)
    ]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    chosen: list[tuple[int, int, Sense]] = []
    for start, end, sense in sorted(found, key=lambda f: -(f[1] - f[0])):
        if _inside(start, excluded):
            continue
        if all(end <= a or start >= b for a, b, _ in chosen):
            chosen.append((start, end, sense))
    return sorted(chosen, key=lambda f: f[0])


def _clause_start(lowered: str, position: int) -> int:
    start = 0
    for match in CLAUSE_BREAK.finditer(lowered, 0, position):
        start = match.end()
    return start


def extract_claims(rationale: str) -> list[Claim]:
    """Every quoted or named word and every acoustic statement, in reading order."""
    quotes = _quotes(rationale)
    quote_spans = [(c.start_char, c.end_char) for c in quotes]
    # Offsets in the lowered text must be offsets in the rationale: "İ" (U+0130) is the
    # one character whose lower case is two characters long, so it is mapped to "i".
    lowered = rationale.replace("\u0130", "i").lower()
    claims = list(quotes)
    previous_end = 0
    for start, end, sense in _cue_matches(lowered, quote_spans):
        # Modifiers belong to the nearest cue expression: look back no further than the
        # clause start, the previous expression, or MODIFIER_REACH characters.
        window_start = max(_clause_start(lowered, start), previous_end, start - MODIFIER_REACH)
        before = lowered[window_start:start]
        matched = lowered[start:end]
        negators = [m for m in NEGATORS.finditer(before)] + list(NEGATORS.finditer(matched))
        hedges = list(HEDGES.finditer(before)) + list(HEDGES.finditer(matched))
        boosts = list(INTENSIFIERS.finditer(before))
        strong_inside = INTENSIFIERS.search(matched) is not None
        strength = "hedged" if hedges else "strong" if boosts or strong_inside else "plain"
        modifier_starts = [window_start + m.start() for m in NEGATORS.finditer(before)]
        modifier_starts += [window_start + m.start() for m in (*HEDGES.finditer(before), *boosts)]
        span_start = min([start, *modifier_starts])
        claims.append(
            Claim(
                rationale[span_start:end],
                span_start,
                end,
                sense.aspect,
                sense,
                negated=bool(negators),
                strength=strength,
            )
        )
        previous_end = end
    return sorted(claims, key=lambda c: c.start_char)
