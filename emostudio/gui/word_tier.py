"""Which words the timeline's word tier labels at the current zoom, and where, without Qt.

At a whole-file view a minute of speech has far more words than one line of labels can
hold. The tier therefore labels a readable subset: the most salient words first (content
words, longer ones before shorter; "a", "to", "the" last), each centred on its own time
span, none on top of another, and says how many it left out ("zoom in to read all ...").
Because a label only blocks its neighbours, salient words are found across the whole view,
not only at its start. The widget draws what :func:`layout_words` returns; the text width
comes from the widget's font, so this module stays testable without a screen.
"""

from __future__ import annotations

import bisect
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MIN_GAP_PIXELS = 8.0  # between two labels: wider than a space, so words never run together
LONG_WORD_CHARS = 8  # words this long or longer rank alike: the longest is not the most telling
# English function words: the tier's least telling labels (negations stay: they carry meaning).
_FUNCTION_WORDS_TEXT = """
a an the and or but if so as at by for from in into of off on onto out over to up with
about than then that this these those there here is am are was were be been being do
does did has have had will would shall should can could may might must i me my mine you
your yours he him his she her hers it its we us our ours they them their theirs what
which who whom whose when where why how all any both each some such very just also too
oh uh um uhm er erm ah hmm mm
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
_STRIP = string.punctuation + string.whitespace + "\u2019\u2018\u201c\u201d\u2026"


@dataclass(frozen=True)
class PlacedLabel:
    """One word's label as the tier draws it.

    ``word`` is the caller's word (``{"word", "start", "end"}``); ``x`` is the label's centre
    in seconds; ``left`` and ``right`` are its extent in pixels from the view's left edge.
    """

    word: Mapping[str, Any]
    x: float
    left: float
    right: float


@dataclass(frozen=True)
class TierLayout:
    """The labels chosen for one view and how many words of the view they leave out."""

    labels: tuple[PlacedLabel, ...]  # in time order
    in_view: int  # words (with text) that fall in the view

    @property
    def left_out(self) -> int:
        return self.in_view - len(self.labels)

    @property
    def hint(self) -> str:
        """What the tier says when it could not label every word ("" when it did)."""
        if not self.left_out:
            return ""
        # short: it shares the time axis label and must fit a 1280-px laptop screen
        return f"{len(self.labels)}/{self.in_view} words: zoom in"


def salience(text: str) -> int:
    """How telling a word's label is: 0 for function words and single characters, else its
    length in letters and digits (capped at ``LONG_WORD_CHARS``).

    Parameters
    ----------
    text : str
        The word as transcribed (punctuation and case are ignored).

    Returns
    -------
    int
        Higher is more telling; the tier labels higher ones first.
    """
    core = text.strip(_STRIP).lower()
    if len(core) <= 1 or core in FUNCTION_WORDS:
        return 0
    return min(len(core), LONG_WORD_CHARS)


def layout_words(
    words: Sequence[Mapping[str, Any]],
    view: tuple[float, float],
    width_pixels: float,
    text_width: Callable[[str], float],
    gap_pixels: float = MIN_GAP_PIXELS,
) -> TierLayout:
    """Choose the word labels that fit one line at this zoom, most salient first.

    Each label is centred on the visible part of its word's span (kept inside the view),
    and is drawn only if it keeps ``gap_pixels`` from every label already chosen. Words are
    tried in order of :func:`salience` (ties: earlier first), so a telling word is never
    crowded out by "a" or "the", and since a label only blocks its neighbours the chosen
    words spread over the whole view.

    Parameters
    ----------
    words : sequence of mappings
        ``{"word": str, "start": float, "end": float}``, seconds on the recording's axis.
    view : (float, float)
        The visible time range, seconds.
    width_pixels : float
        The tier's width on screen.
    text_width : callable
        A label's width in pixels, given its text (the widget measures it with its font).
    gap_pixels : float
        The least space between two labels.

    Returns
    -------
    TierLayout
        The chosen labels in time order, and the number of words in view.
    """
    start, end = view
    if end <= start or width_pixels <= 0:
        return TierLayout((), 0)
    pixels_per_second = width_pixels / (end - start)
    candidates = [w for w in words if _in_view(w, start, end)]
    ranked = sorted(
        range(len(candidates)),
        key=lambda i: (-salience(candidates[i]["word"]), candidates[i]["start"], i),
    )
    lefts: list[float] = []  # the chosen labels' extents, sorted by left edge
    chosen: list[PlacedLabel] = []
    for i in ranked:
        word = candidates[i]
        label = _place(word, start, end, pixels_per_second, width_pixels, text_width)
        if label is not None and _is_free(label, lefts, chosen, gap_pixels):
            index = bisect.bisect(lefts, label.left)
            lefts.insert(index, label.left)
            chosen.insert(index, label)
    return TierLayout(tuple(chosen), len(candidates))


def _in_view(word: Mapping[str, Any], start: float, end: float) -> bool:
    return bool(word["word"].strip()) and word["end"] >= start and word["start"] <= end


def _place(
    word: Mapping[str, Any],
    start: float,
    end: float,
    pixels_per_second: float,
    width_pixels: float,
    text_width: Callable[[str], float],
) -> PlacedLabel | None:
    """The word's label centred on the visible part of its span, shifted inside the view
    (a word cut by the view's edge stays readable); None when it is wider than the view."""
    width = text_width(word["word"])
    if width > width_pixels:
        return None
    middle = (max(word["start"], start) + min(word["end"], end)) / 2
    centre = (middle - start) * pixels_per_second
    centre = min(max(centre, width / 2), width_pixels - width / 2)
    return PlacedLabel(
        word, start + centre / pixels_per_second, centre - width / 2, centre + width / 2
    )


def _is_free(label: PlacedLabel, lefts: list[float], chosen: list[PlacedLabel], gap: float) -> bool:
    """Whether ``label`` keeps ``gap`` pixels from its neighbours among those chosen; the
    chosen labels never overlap, so only the nearest on each side can be in the way."""
    index = bisect.bisect(lefts, label.left)
    if index > 0 and chosen[index - 1].right + gap > label.left:
        return False
    return not (index < len(chosen) and label.right + gap > chosen[index].left)
