"""Export analyses to Praat TextGrids, ELAN EAF files, CSV and JSON, and reviewed
annotations to a training manifest (:mod:`emostudio.store.manifest`).

A TextGrid or EAF is written per analysis of a whole recording or selection, and one per
cut recording for the analyses of its utterances (one interval per utterance; the newest
analysis of each); :mod:`emostudio.store.tiers` says which tiers each holds. CSV and JSON
have one row per analysis (an utterance's row says which utterance it is) and keep
everything. Files are written only inside the output folder: names are built from safe
characters and checked after resolving.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

from emostudio.store.database import StoreError
from emostudio.store.project import Filters, Project
from emostudio.store.spreadsheet import spreadsheet_record
from emostudio.store.tiers import (
    analysis_tiers,
    textgrid_of,
    transcript_doubt,
    utterance_tiers,
    write_eaf_of,
)
from model_core.kinds import VerdictKind
from model_core.model.uncertainty import set_text
from model_core.result import AnalysisResult

# "manifest" and "parquet" stay before "csv": tests/fuzz/test_export.py takes the last two
# files written over all formats as the CSV and the JSON.
FORMATS = ("textgrid", "eaf", "parquet", "manifest", "csv", "json")
SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def textgrid_text(result: AnalysisResult, human: dict | None) -> str:
    """A Praat TextGrid (long text format) of one analysis, spanning the whole recording."""
    return textgrid_of(analysis_tiers(result, human), max(result.duration, result.end))


def write_eaf(result: AnalysisResult, human: dict | None, path: Path, media: str | None) -> None:
    """An ELAN file with the same tiers as :func:`textgrid_text`."""
    write_eaf_of(analysis_tiers(result, human), max(result.duration, result.end), path, media)


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
        written += _write_tier_files(out, fmt, records)
    elif fmt == "parquet":
        from emostudio.store.parquet import row_of, write_parquet

        path = _safe_path(out, "analyses.parquet")
        rows = [row_of(i, result, facts, human) for i, result, facts, _, human, _ in records]
        written.append(write_parquet(rows, path))
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


def _write_tier_files(out: Path, fmt: str, records) -> list[Path]:
    """One TextGrid or EAF per analysis of a whole recording or selection, and one per cut
    recording for its utterances (the newest analysis of each utterance)."""
    files, cuts = [], {}
    for analysis_id, result, facts, _, human, media in records:
        if result.utterance is not None:  # records run oldest first: the newest stays
            cut = cuts.setdefault(facts["segmentation_id"], {"facts": facts, "media": media})
            cut[result.utterance["number"]] = (result, human)
            continue
        stem = f"{Path(facts['name']).stem}-{result.sha256[:8]}-{analysis_id}"
        tiers, duration = analysis_tiers(result, human), max(result.duration, result.end)
        files.append(_write_tiers(out, fmt, stem, tiers, duration, media))
    for cut_id, cut in cuts.items():
        facts, media = cut.pop("facts"), cut.pop("media")
        utterances = [cut[number] for number in sorted(cut)]
        first = utterances[0][0]
        stem = f"{Path(facts['name']).stem}-{first.sha256[:8]}-utterances-{cut_id}"
        duration = max([first.duration] + [r.end for r, _ in utterances])
        files.append(_write_tiers(out, fmt, stem, utterance_tiers(utterances), duration, media))
    return files


def _write_tiers(out: Path, fmt: str, stem: str, tiers, duration: float, media) -> Path:
    if fmt == "textgrid":
        path = _safe_path(out, f"{stem}.TextGrid")
        path.write_text(textgrid_of(tiers, duration), encoding="utf-8")
    else:
        path = _safe_path(out, f"{stem}.eaf")
        write_eaf_of(tiers, duration, path, media)
    return path


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
        "utterance",
        "utterances",
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
                        "utterance": (result.utterance or {}).get("number", ""),
                        "utterances": (result.utterance or {}).get("of", ""),
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
