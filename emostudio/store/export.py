"""Export analyses to Praat TextGrids, ELAN EAF files, CSV and JSON, and reviewed
annotations to a training manifest (:mod:`emostudio.store.manifest`).

Each TextGrid or EAF holds the tiers ``words`` (named ``words (unreliable transcript)``
when the recogniser's own signals doubt it, followed by a ``transcript reliability`` tier
saying why), ``model label`` (the model's label, its
name and version), ``human label`` (the latest human judgement and who made it; only when
there is one), ``model rationale``, and one tier per citation of the rationale with its
time spans (``cue 2: loudness: loud [supported]``). The two labels are never merged: a
reader always knows whose label is whose. Files are written only inside
the output folder: names are built from safe characters and checked after resolving.

Texts are kept as they are except where a format cannot hold them: a TextGrid string is
one line (line ends become spaces) without NUL bytes or BOMs; an EAF text has ``\n`` line
ends and none of the control characters XML 1.0 forbids. CSV and JSON keep everything.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from mimetypes import guess_type
from pathlib import Path

import numpy as np

from emostudio.store.database import StoreError
from emostudio.store.project import Filters, Project
from emostudio.store.spreadsheet import spreadsheet_record
from model_core.kinds import VerdictKind
from model_core.model.uncertainty import set_text
from model_core.result import AnalysisResult

# "manifest" stays before "csv": tests/fuzz/test_export.py takes the last two files
# written over all formats as the CSV and the JSON.
FORMATS = ("textgrid", "eaf", "manifest", "csv", "json")
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


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


def _tiers(result: AnalysisResult, human: dict | None) -> dict[str, list[Interval]]:
    """The tiers of one analysis; ``human`` is its latest annotation (or None)."""
    model = result.model or {}
    by = " ".join(str(model[k]) for k in ("name", "version") if model.get(k))
    shown = result.label or ""
    if result.unsure:  # never a bare label when the model said it is unsure
        shown = f"{set_text(result.label_set or [shown])} (unsure)"
    model_label = f"{shown} ({by})" if shown and by else shown
    words = [Interval(w["start"], w["end"], w["word"]) for w in result.words]
    doubt = transcript_doubt(result)
    if doubt is None:
        tiers = {"words": words}
    else:  # a reader of the words tier must see that they may not be what was said
        tiers = {
            UNRELIABLE_WORDS_TIER: words,
            "transcript reliability": [Interval(result.start, result.end, f"unreliable: {doubt}")],
        }
    tiers["model label"] = [Interval(result.start, result.end, model_label)]
    if human is not None:
        verdict = "accepted" if human["accepted"] else "corrected"
        text = f"{human['label']} ({verdict} by {human['annotator']}, {human['created'][:10]})"
        tiers["human label"] = [Interval(result.start, result.end, text)]
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


def textgrid_text(result: AnalysisResult, human: dict | None) -> str:
    """A Praat TextGrid (long text format) of one analysis, spanning the whole recording."""
    xmin, xmax = 0.0, round(max(result.duration, result.end), TIME_DECIMALS)
    tiers = _tiers(result, human)
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


def write_eaf(result: AnalysisResult, human: dict | None, path: Path, media: str | None) -> None:
    """An ELAN file with the same tiers (through pympi-ling)."""
    from pympi.Elan import Eaf

    eaf = Eaf(author="EmoStudio")
    if media:
        # pympi guesses only wav/mpg/mp4/xml and raises KeyError for .flac, .mp3, ...
        mimetype = "audio/x-wav" if media.lower().endswith(".wav") else None
        eaf.add_linked_file(_xml(media), mimetype=mimetype or guess_type(media)[0] or "unknown")
    eaf.remove_tier("default")
    end = max(result.duration, result.end)
    for name, intervals in _tiers(result, human).items():
        name = _xml(name)
        eaf.add_tier(name)
        for interval in _tidy(intervals, 0.0, end):
            start_ms, end_ms = round(interval.start * 1000), round(interval.end * 1000)
            if end_ms > start_ms:
                eaf.add_annotation(name, start_ms, end_ms, _xml(interval.text))
    eaf.to_file(str(path))


def output_folder(out: str | Path) -> Path:
    """The folder to export into, created if missing.

    Raises
    ------
    StoreError
        When a file of that name is in the way, or the folder cannot be created.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise StoreError(
            f"{out}: not a folder (a file of that name exists); give a folder to write into"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"{out}: cannot create the folder ({err.strerror or err})") from err
    return out


def _safe_path(out: Path, name: str) -> Path:
    candidate = (out / SAFE.sub("_", name).strip("._")[:120]).resolve()
    if not candidate.is_relative_to(out.resolve()):
        raise StoreError(f"refusing to write outside {out}: {name!r}")
    return candidate


def _anonymous(text: str | None, kind: str) -> str | None:
    if text is None:
        return None
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def export(
    project: Project,
    out: str | Path,
    fmt: str,
    filters: Filters = Filters(),
    *,
    anonymise: bool = False,
) -> list[Path]:
    """Write the matching analyses in ``fmt``; return the files written.

    ``anonymise`` replaces file paths, file names and speaker names by stable pseudonyms.
    ``manifest`` writes only annotated analyses, for training (see
    :func:`emostudio.store.manifest.export_manifest`, which also says what was skipped).
    """
    if fmt not in FORMATS:
        raise StoreError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "manifest":
        # Imported here: the manifest module builds on this one's helpers.
        from emostudio.store.manifest import export_manifest

        return export_manifest(project, out, filters, anonymise=anonymise).written
    out = output_folder(out)
    rows = project.queries.list_analyses(filters, descending=False)
    records = []
    for analysis_id, result, facts in rows:
        # Judgements follow the recording: those of earlier runs of the same span count.
        annotations = project.recording_judgements(analysis_id)
        human = annotations[-1] if annotations else None  # the latest human judgement
        name, speaker, media = facts["name"], facts["speaker"], result.file
        if anonymise:
            name, speaker, media = (
                _anonymous(name, "recording"),
                _anonymous(speaker, "speaker"),
                None,
            )
            result = AnalysisResult(**{**result.to_dict(), "file": None})
        records.append(
            (
                analysis_id,
                result,
                facts | {"name": name, "speaker": speaker},
                annotations,
                human,
                media,
            )
        )
    written: list[Path] = []
    if fmt in ("textgrid", "eaf"):
        for analysis_id, result, facts, _, human, media in records:
            stem = f"{Path(facts['name']).stem}-{result.sha256[:8]}-{analysis_id}"
            if fmt == "textgrid":
                path = _safe_path(out, f"{stem}.TextGrid")
                path.write_text(textgrid_text(result, human), encoding="utf-8")
            else:
                path = _safe_path(out, f"{stem}.eaf")
                write_eaf(result, human, path, media)
            written.append(path)
    elif fmt == "csv":
        path = _safe_path(out, "analyses.csv")
        _write_csv(path, records)
        written.append(path)
    else:
        path = _safe_path(out, "analyses.json")
        data = [
            {
                "id": analysis_id,
                "recording": facts["name"],
                "speaker": facts.get("speaker"),
                "kind": facts["kind"],
                "created": facts["created"],
                "result": result.to_dict(),
                "annotations": annotations,
                "model_label": result.label,
                "human_label": human["label"] if human else None,
                "human_annotator": human["annotator"] if human else None,
            }
            for analysis_id, result, facts, annotations, human, _ in records
        ]
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    return written


def _write_csv(path: Path, records) -> None:
    labels = sorted({label for _, result, *_ in records for label in result.probabilities})
    fields = [
        "id",
        "recording",
        "sha256",
        "speaker",
        "kind",
        "created",
        "start",
        "end",
        "model_label",
        "model_label_set",
        "model_unsure",
        "human_label",
        "human_annotator",
        *[f"p_{label}" for label in labels],
        "transcript",
        "transcript_reliable",
        "transcript_doubt",
        "baseline",
        "baseline_recordings",
        "label_voice_recordings",
        "rationale",
        "descriptor",
        "citations",
        "supported",
        "contradicted",
        "not_found",
        "model",
        "annotations",
    ]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for analysis_id, result, facts, annotations, human, _ in records:
            verdicts = [c.get("verdict") for c in result.citations]  # unjudged: counted in none
            writer.writerow(
                spreadsheet_record(
                    {
                        "id": analysis_id,
                        "recording": facts["name"],
                        "sha256": result.sha256,
                        "speaker": facts["speaker"],
                        "kind": facts["kind"],
                        "created": facts["created"],
                        "start": result.start,
                        "end": result.end,
                        "model_label": result.label,
                        "model_label_set": set_text(result.label_set or []),
                        "model_unsure": "; ".join((result.uncertainty or {}).get("reasons", [])),
                        "human_label": human["label"] if human else "",
                        "human_annotator": human["annotator"] if human else "",
                        **{f"p_{k}": v for k, v in result.probabilities.items()},
                        "transcript": result.transcript,
                        **_reliability_columns(result),
                        **_baseline_columns(result),
                        "rationale": result.rationale,
                        "descriptor": result.cues.get("descriptor", ""),
                        "citations": len(verdicts),
                        "supported": verdicts.count(VerdictKind.SUPPORTED),
                        "contradicted": verdicts.count(VerdictKind.CONTRADICTED),
                        "not_found": verdicts.count(VerdictKind.NOT_FOUND),
                        "model": (result.model or {}).get("name", ""),
                        "annotations": len(annotations),
                    }
                )
            )


def _reliability_columns(result: AnalysisResult) -> dict[str, str]:
    """``transcript_reliable`` yes/no (empty: no transcript or not judged) and why not."""
    reliability = result.transcript_reliability
    if not reliability:
        return {"transcript_reliable": "", "transcript_doubt": ""}
    doubt = transcript_doubt(result)
    return {"transcript_reliable": "no" if doubt else "yes", "transcript_doubt": doubt or ""}


def _baseline_columns(result: AnalysisResult) -> dict[str, object]:
    """The baseline the analysis used (empty for analyses stored before it was kept)."""
    baseline = result.baseline or {}
    return {
        "baseline": baseline.get("name", ""),
        "baseline_recordings": baseline.get("recordings", ""),
        "label_voice_recordings": baseline.get("voice_recordings", ""),
    }
