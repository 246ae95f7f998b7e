"""Which words of a transcript matter: emotional words and the most marked moments.

A quote is **salient** when it holds a word with emotional meaning or overlaps a moment
where the voice is most marked (the spans of a cue whose level is not normal).

Emotional meaning comes from the VADER lexicon (Hutto and Gilbert 2014, the
``vaderSentiment`` package, MIT licence): about 7,500 words rated for valence by ten
people each on -4..+4; a word whose mean rating is at least ``EMOTIONAL_VALENCE`` away
from 0 counts ("hate" -2.7, "love" +3.2; "please" +1.3 does not).

Word times, where no ASR gave them (training targets from a manifest's transcript), are
spread over the speech: each word takes a share of the speaking intervals in proportion
to its estimated syllables. That is an approximation (good to a word or two on short read
sentences), used only to choose and score quotes, never shown as a measurement.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

from model_core.cues.catalog import CITABLE
from model_core.cues.levels import MARKED_LEVELS
from model_core.cues.summary import CueLike, cues_of
from model_core.errors import EmoStudioError

EMOTIONAL_VALENCE = 1.5  # |mean rating| on VADER's -4..+4 scale
VOWEL_GROUPS = re.compile(r"[aeiouy]+")
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")


class LexiconUnavailableError(EmoStudioError, RuntimeError):
    """The emotion word lexicon (the vaderSentiment package) is not installed."""


@lru_cache(maxsize=1)
def valence_lexicon() -> dict[str, float]:
    """Word -> mean valence (-4..+4) from the VADER lexicon.

    Raises
    ------
    LexiconUnavailableError
        When the ``vaderSentiment`` package is missing.
    """
    try:
        text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as err:
        raise LexiconUnavailableError(
            "the emotion word lexicon needs the vaderSentiment package: pip install vaderSentiment"
        ) from err
    table = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 2:
            try:
                table[fields[0].lower()] = float(fields[1])
            except ValueError:
                continue  # a malformed line of the package's file: not a word entry
    return table


def valence(word: str) -> float:
    """The word's valence (-4..+4), 0 when the lexicon does not hold it."""
    match = WORD.search(word.lower().replace("\u2019", "'"))
    return valence_lexicon().get(match.group(0), 0.0) if match else 0.0


def is_emotional(word: str) -> bool:
    """Whether the word carries emotional meaning (|valence| >= EMOTIONAL_VALENCE)."""
    return abs(valence(word)) >= EMOTIONAL_VALENCE


def marked_spans(cues: Mapping[str, CueLike]) -> list[tuple[float, float]]:
    """Seconds where the voice is most marked: the spans of citable cues off their normal level."""
    cues = cues_of(cues)
    spans = []
    for name in CITABLE:
        cue = cues.get(name)
        if cue is not None and cue.level in MARKED_LEVELS:
            spans.extend(cue.spans)
    return spans


def overlaps(span: tuple[float, float], spans: list[tuple[float, float]]) -> bool:
    """Whether ``span`` shares any time with one of ``spans`` (seconds)."""
    return any(span[0] < b and a < span[1] for a, b in spans)


def syllables(word: str) -> int:
    """A rough syllable count (vowel groups, a silent final e dropped), at least 1."""
    lowered = word.lower()
    count = len(VOWEL_GROUPS.findall(lowered))
    if lowered.endswith("e") and not lowered.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def spread_words(
    transcript: str | None, intervals: list[tuple[float, float]]
) -> list[dict[str, float | str]]:
    """Approximate word times: the words spread over the speaking intervals by syllables.

    Parameters
    ----------
    transcript : str or None
    intervals : list of (start, end)
        Seconds of speech in time order (``SpeakingRate.speaking_intervals``).

    Returns
    -------
    list of dict
        ``{"word", "start", "end"}`` per word; empty without words or without speech.
    """
    tokens = (transcript or "").split()
    intervals = [(float(a), float(b)) for a, b in intervals if b > a]
    if not tokens or not intervals:
        return []
    weights = [syllables(token) for token in tokens]
    total_speech = sum(b - a for a, b in intervals)
    scale = total_speech / sum(weights)

    def at(offset: float) -> float:  # offset into the speech -> time on the clip
        for a, b in intervals:
            if offset <= b - a:
                return a + offset
            offset -= b - a
        return intervals[-1][1]

    words: list[dict[str, float | str]] = []
    done = 0.0
    for token, weight in zip(tokens, weights, strict=True):
        start, done = at(done), done + weight * scale
        words.append({"word": token, "start": round(start, 3), "end": round(at(done), 3)})
    return words
