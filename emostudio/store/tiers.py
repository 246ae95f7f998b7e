"""Tiers of intervals, and the Praat TextGrid and ELAN EAF files that hold them.

An analysis of a whole recording (or of a selection) gives the tiers ``words`` (named
``words (unreliable transcript)`` when the recogniser's own signals doubt it, followed by a
``transcript reliability`` tier saying why), ``model label`` (the model's label, its name
and version), ``human label`` (the latest human judgement and who made it; only when there
is one), ``model rationale``, and one tier per citation of the rationale with its time
spans (``cue 2: loudness: loud [supported]``). The utterances of a cut recording give one
interval per utterance on the tiers ``utterance``, ``model label``, ``human label`` and
``model rationale``, with ``words`` and ``cited cues`` across them. The two labels are never
merged: a reader always knows whose label is whose.

Texts are kept as they are except where a format cannot hold them: a TextGrid string is
one line (line ends become spaces) without NUL bytes or BOMs; an EAF text has ``\n`` line
ends and none of the control characters XML 1.0 forbids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from mimetypes import guess_type
from pathlib import Path

import numpy as np

from model_core.model.uncertainty import set_text
from model_core.result import AnalysisResult


@dataclass(frozen=True)
class Interval:
    start: float
    end: float
    text: str


UNRELIABLE_WORDS_TIER = "words (unreliable transcript)"


def transcript_doubt(result: AnalysisResult) -> str | None:
    """Why the result's transcript is unreliable; None when it is reliable or unjudged."""
    reliability = result.transcript_reliability
    if not reliability or reliability.get("reliable", True):
        return None
    return "; ".join(reliability.get("reasons") or []) or "the recogniser doubted it"


def analysis_tiers(result: AnalysisResult, human: dict | None) -> dict[str, list[Interval]]:
    """The tiers of one analysis; ``human`` is its latest annotation (or None)."""
    words = [Interval(w["start"], w["end"], w["word"]) for w in result.words]
    doubt = transcript_doubt(result)
    if doubt is None:
        tiers = {"words": words}
    else:  # a reader of the words tier must see that they may not be what was said
        tiers = {
            UNRELIABLE_WORDS_TIER: words,
            "transcript reliability": [Interval(result.start, result.end, f"unreliable: {doubt}")],
        }
    tiers["model label"] = [Interval(result.start, result.end, model_label_text(result))]
    if human is not None:
        tiers["human label"] = [Interval(result.start, result.end, human_label_text(human))]
    tiers["model rationale"] = [Interval(result.start, result.end, result.rationale)]
    for number, citation in enumerate(result.citations, 1):
        name = f"cue {number}: {citation['claim']} [{citation['verdict']}]"
        tiers[name] = [Interval(a, b, citation["text"]) for a, b in citation["spans"]]
    return tiers


def _tidy(intervals: list[Interval], start: float, end: float) -> list[Interval]:
    """Sorted, inside [start, end], non-overlapping, non-empty."""
    tidy, cursor = [], start
    for interval in sorted(intervals, key=lambda i: i.start):
        a, b = max(interval.start, cursor, start), min(interval.end, end)
        if b - a > 1e-6:
            tidy.append(Interval(a, b, interval.text))
            cursor = b
    return tidy


LINE_END = re.compile(r"\r\n|\r|\n")
# Praat drops NUL bytes and a BOM that opens a string: written, they would not read back.
PRAAT_DROPS = str.maketrans("", "", "\x00\ufeff")
# XML 1.0 cannot hold these at all (not even as character references).
NOT_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _quote(text: str) -> str:
    """A TextGrid string: one line (line ends become spaces), quotes doubled."""
    return '"' + LINE_END.sub(" ", text).translate(PRAAT_DROPS).replace('"', '""') + '"'


TIME_DECIMALS = 9  # TextGrid times in ns: Praat reads numbers of limited length


def _seconds(value: float) -> str:
    """Without an exponent (praatio reads only digits and a point), exact for a time
    rounded to TIME_DECIMALS."""
    return np.format_float_positional(value, trim="0")


def _xml(text: str) -> str:
    """Text an XML parser reads back: \\n line ends, no characters XML forbids."""
    return NOT_XML.sub("", LINE_END.sub("\n", text))


def textgrid_of(tiers: dict[str, list[Interval]], duration: float) -> str:
    """A Praat TextGrid (long text format) of ``tiers``, spanning [0, ``duration``] s."""
    xmin, xmax = 0.0, round(duration, TIME_DECIMALS)
    lines = [
        'File type = "ooTextFile"',
        'Object class = "TextGrid"',
        "",
        f"xmin = {_seconds(xmin)}",
        f"xmax = {_seconds(xmax)}",
        "tiers? <exists>",
        f"size = {len(tiers)}",
        "item []:",
    ]
    for number, (name, intervals) in enumerate(tiers.items(), 1):
        filled, cursor = [], xmin
        for interval in _tidy(intervals, xmin, xmax):
            start, end = round(interval.start, TIME_DECIMALS), round(interval.end, TIME_DECIMALS)
            if start > cursor:
                filled.append(Interval(cursor, start, ""))
            filled.append(Interval(start, end, interval.text))
            cursor = end
        if cursor < xmax or not filled:
            filled.append(Interval(cursor, xmax, ""))
        lines += [
            f"    item [{number}]:",
            '        class = "IntervalTier"',
            f"        name = {_quote(name)}",
            f"        xmin = {_seconds(xmin)}",
            f"        xmax = {_seconds(xmax)}",
            f"        intervals: size = {len(filled)}",
        ]
        for index, interval in enumerate(filled, 1):
            lines += [
                f"        intervals [{index}]:",
                f"            xmin = {_seconds(interval.start)}",
                f"            xmax = {_seconds(interval.end)}",
                f"            text = {_quote(interval.text)}",
            ]
    return "\n".join(lines) + "\n"


def write_eaf_of(
    tiers: dict[str, list[Interval]], duration: float, path: Path, media: str | None
) -> None:
    """An ELAN file of ``tiers`` (through pympi-ling), linked to ``media`` when given."""
    from pympi.Elan import Eaf

    eaf = Eaf(author="EmoStudio")
    if media:
        # pympi guesses only wav/mpg/mp4/xml and raises KeyError for .flac, .mp3, ...
        mimetype = "audio/x-wav" if media.lower().endswith(".wav") else None
        eaf.add_linked_file(_xml(media), mimetype=mimetype or guess_type(media)[0] or "unknown")
    eaf.remove_tier("default")
    for name, intervals in tiers.items():
        name = _xml(name)
        eaf.add_tier(name)
        for interval in _tidy(intervals, 0.0, duration):
            start_ms, end_ms = round(interval.start * 1000), round(interval.end * 1000)
            if end_ms > start_ms:
                eaf.add_annotation(name, start_ms, end_ms, _xml(interval.text))
    eaf.to_file(str(path))


def model_label_text(result: AnalysisResult) -> str:
    """The model's label as exported: the prediction set and "(unsure)" when unsure, then
    the model's name and version."""
    model = result.model or {}
    by = " ".join(str(model[k]) for k in ("name", "version") if model.get(k))
    shown = result.label or ""
    if result.unsure:  # never a bare label when the model said it is unsure
        shown = f"{set_text(result.label_set or [shown])} (unsure)"
    return f"{shown} ({by})" if shown and by else shown


def human_label_text(human: dict) -> str:
    verdict = "accepted" if human["accepted"] else "corrected"
    return f"{human['label']} ({verdict} by {human['annotator']}, {human['created'][:10]})"


def utterance_tiers(
    utterances: list[tuple[AnalysisResult, dict | None]],
) -> dict[str, list[Interval]]:
    """The tiers of a cut recording: one interval per utterance (``result.utterance`` set),
    each with its latest human judgement (or None)."""
    tiers: dict[str, list[Interval]] = {
        "utterance": [],
        "model label": [],
        "human label": [],
        "words": [],
        "model rationale": [],
        "cited cues": [],
    }
    for result, human in utterances:
        span = (result.start, result.end)
        number = (result.utterance or {}).get("number", "")
        tiers["utterance"].append(Interval(*span, str(number)))
        tiers["model label"].append(Interval(*span, model_label_text(result)))
        if human is not None:
            tiers["human label"].append(Interval(*span, human_label_text(human)))
        doubt = transcript_doubt(result)
        tiers["words"] += [
            Interval(w["start"], w["end"], w["word"] if doubt is None else f"{w['word']}?")
            for w in result.words
        ]
        if result.rationale:
            tiers["model rationale"].append(Interval(*span, result.rationale))
        tiers["cited cues"] += [
            Interval(a, b, f"{c['claim']} [{c['verdict']}]")
            for c in result.citations
            for a, b in c["spans"]
        ]
    return tiers
