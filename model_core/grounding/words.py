"""Finding quoted words in the timed transcript, tolerating case, punctuation and ASR slips."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
MIN_WORD_SIMILARITY = 0.75  # per word: "colour"/"color", "gonna"/"gonna," pass; "sad"/"mad" fail
MIN_QUOTE_SCORE = (
    0.75  # mean over the quote's words (insertions and deletions count 0): 3 of 4 words
)


CONTRACTIONS = [
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'d\b"), " would"),
]


def normalise_words(text: str) -> list[str]:
    """Lower-case word tokens without punctuation; curly apostrophes straightened and
    contractions spelled out, so "can't" and "cannot" both read "can not"."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("\u2018", "'")
    for pattern, replacement in CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return TOKEN.findall(text)


@dataclass(frozen=True)
class WordMatch:
    first: int  # index of the first transcript word
    last: int  # index of the last transcript word (inclusive)
    score: float  # 0..1


@lru_cache(maxsize=65536)
def _similarity(a: str, b: str) -> float:
    """difflib's ratio of two words, 0 below MIN_WORD_SIMILARITY (cached: words repeat)."""
    if a == b:
        return 1.0
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < MIN_WORD_SIMILARITY:
        return 0.0  # the ratio can never reach the threshold: skip the matcher
    ratio = SequenceMatcher(None, a, b).ratio()
    return ratio if ratio >= MIN_WORD_SIMILARITY else 0.0


def _align_score(similarity: list[list[float]], first: int, length: int) -> float:
    """Mean word similarity of the best monotone alignment of the quote with a window.

    ``similarity[i][j]`` compares quote word i with transcript word j; unmatched words on
    either side count 0 (an edit-distance style dynamic programme).
    """
    rows = len(similarity)
    best = [[0.0] * (length + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        row = similarity[i - 1]
        for j in range(1, length + 1):
            best[i][j] = max(
                best[i - 1][j - 1] + row[first + j - 1], best[i - 1][j], best[i][j - 1]
            )
    return best[rows][length] / max(rows, length)


def transcript_tokens(transcript_words: list[str]) -> list[str]:
    """One normalised token string per transcript word (a contraction stays one word)."""
    return [" ".join(normalise_words(w)) for w in transcript_words]


def find_quote(quote: str, tokens: list[str]) -> WordMatch | None:
    """Where ``quote`` stands in the transcript, or None (a quote the speaker never said).

    Parameters
    ----------
    quote : str
    tokens : list of str
        The transcript words through :func:`transcript_tokens`.

    Windows as long as the quote, one word shorter and one longer are tried, so a word
    the ASR dropped or added does not hide a real quote.
    """
    wanted = [t for t in (" ".join(normalise_words(w)) for w in quote.split()) if t]
    # Words that normalise to nothing ("—", "...") cannot be quoted: windows skip them,
    # so they neither dilute a quote's score nor hide it.
    sayable = [index for index, token in enumerate(tokens) if token]
    if not wanted or not sayable:
        return None
    similarity = [[_similarity(q, tokens[index]) for index in sayable] for q in wanted]
    matrix = np.array(similarity)
    best: WordMatch | None = None
    for length in sorted({len(wanted) - 1, len(wanted), len(wanted) + 1} - {0}):
        length = min(length, len(sayable))
        # Each quote word can at best take its most similar word of a window: an upper
        # bound on every window's score, computed for all windows at once.
        windows = np.lib.stride_tricks.sliding_window_view(matrix, length, axis=1)
        bounds = windows.max(axis=2).sum(axis=0) / max(len(wanted), length)
        for first in np.flatnonzero(bounds >= MIN_QUOTE_SCORE):
            if best is not None and bounds[first] <= best.score:
                continue
            score = _align_score(similarity, int(first), length)
            if best is None or score > best.score + 1e-9:
                best = WordMatch(int(first), int(first) + length - 1, score)
    if best is None or best.score < MIN_QUOTE_SCORE:
        return None
    return WordMatch(sayable[best.first], sayable[best.last], best.score)
