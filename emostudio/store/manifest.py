"""Reviewed annotations as a training manifest: what ``emostudio-train`` reads as
``manifest:DIR/manifest.csv``.

One row per annotated analysis, labelled by its latest human annotation (the model's
label alone is never a training label). The columns are those of
:mod:`train.datasets.manifest`: ``id``, ``path`` (the recording, or the audio the project
stored, written into ``DIR/audio/``), ``label``, ``transcript``, ``speaker``, ``start`` and
``end`` (for an analysis of a selection only) and ``feedback``: the annotator's verdict on
each claim of the model's rationale, as JSON text ``{"rationale": ..., "claims": [{"claim",
"text", "verdict", "agree"}]}``. Training keeps it on each example
(``Example.extra["feedback"]``) and does not use it yet. A ``README.md`` beside it says
what was exported, with which filters, how many, and how to fine-tune on it.

This module reads no Qt and no ``train`` (the layer rules): it writes what the loader
reads, and the tests check the two agree.
"""

from __future__ import annotations

import csv
import json
import shlex
import shutil
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from emostudio.store.database import StoreError
from emostudio.store.export import _anonymous, _safe_path, output_folder
from emostudio.store.project import Filters, Project
from model_core.result import AnalysisResult

MANIFEST = "manifest.csv"
CARD = "README.md"
AUDIO = "audio"
COLUMNS = ("id", "path", "label", "transcript", "speaker", "start", "end", "feedback")
WHOLE_TOLERANCE = (1e-3, 1e-2)  # s: a span this close to the recording's ends is the whole
MAX_NAMED = 20  # skipped items named one by one, in the summary and the card


@dataclass
class ManifestExport:
    """What :func:`export_manifest` wrote, and what it left out and why."""

    out: Path
    filters: Filters
    written: list[Path] = field(default_factory=list)
    labels: Counter = field(default_factory=Counter)
    annotators: Counter = field(default_factory=Counter)
    speakers: set = field(default_factory=set)
    stored_audio: int = 0  # rows whose audio was written from the project into DIR/audio
    skipped: list[str] = field(default_factory=list)  # "what: why", one per item left out
    notes: list[str] = field(default_factory=list)  # warnings that left nothing out

    @property
    def rows(self) -> int:
        return sum(self.labels.values())

    def headline(self) -> str:
        """One line for the terminal: where, how many, which labels."""
        return f"{self.out / MANIFEST}: {self.rows} annotated item(s); labels " + ", ".join(
            f"{label} {n}" for label, n in sorted(self.labels.items())
        )

    def warnings(self) -> list[str]:
        """One line per note and per skipped item (the first MAX_NAMED of them)."""
        lines = [f"note: {note}" for note in self.notes]
        lines += [f"skipped {item}" for item in self.skipped[:MAX_NAMED]]
        if len(self.skipped) > MAX_NAMED:
            lines.append(f"... and {len(self.skipped) - MAX_NAMED} more skipped (see {CARD})")
        return lines


@dataclass
class _Item:
    analysis_id: int
    result: AnalysisResult
    facts: dict
    annotation: dict  # the latest annotation that passes the filters


def export_manifest(
    project: Project,
    out: str | Path,
    filters: Filters = Filters(),
    *,
    anonymise: bool = False,
) -> ManifestExport:
    """Write ``out/manifest.csv`` and ``out/README.md`` from the project's annotations.

    Parameters
    ----------
    project : Project
    out : str or Path
        The folder (created if missing); files are written only inside it.
    filters : Filters
        ``annotator``, ``since``, ``until`` and ``accepted_only`` apply to annotations: the
        label is the latest annotation by that annotator within those dates, and with
        ``accepted_only`` the item is kept only when that annotation accepted the model's
        label. The other filters choose analyses as in every export.
    anonymise : bool
        Speakers become pseudonyms and every recording is copied into ``out/audio`` under a
        pseudonym, so the manifest holds no original name or path.

    Returns
    -------
    ManifestExport
        The files written, the counts, and each item skipped (audio missing and not
        stored, no label) with the reason.

    Raises
    ------
    StoreError
        When the project has no annotations, none passes the filters, or none is left
        to write (each skipped item is named).
    """
    if not project.counts()["annotations"]:
        raise StoreError(
            f"{project.path}: nothing to export: no annotated analyses "
            "(accept or correct the model's labels first)"
        )
    items = _chosen_items(project, filters)
    if not items:
        raise StoreError(
            f"{project.path}: nothing to export: no annotated analyses match "
            f"the filters ({_describe(filters)})"
        )
    out = output_folder(out)
    summary = ManifestExport(out, filters)
    rows = _rows(project, items, summary, anonymise)
    if not rows:
        raise StoreError(
            f"nothing to export: all {len(items)} annotated analyses were skipped: "
            + "; ".join(summary.skipped[:3])
            + (" ..." if len(summary.skipped) > 3 else "")
        )
    _note_unknown_labels(items, rows, summary)
    path = _safe_path(out, MANIFEST)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    card = _safe_path(out, CARD)
    card.write_text(_card(summary), encoding="utf-8")
    summary.written[:0] = [path, card]
    return summary


def _chosen_items(project: Project, filters: Filters) -> list[_Item]:
    """Annotated analyses, each with its latest annotation that passes the filters."""
    # Annotator, dates and acceptance are tests of the annotation here, not of the
    # analysis, so the listing leaves them out.
    listing = replace(filters, annotator=None, since=None, until=None, accepted_only=False)
    items = []
    for analysis_id, result, facts in project.queries.list_analyses(listing, descending=False):
        passing = [a for a in project.annotations(analysis_id) if _passes(a, filters)]
        if not passing:
            continue
        latest = passing[-1]  # oldest first: the last is the latest
        if filters.accepted_only and not latest["accepted"]:
            continue
        items.append(_Item(analysis_id, result, facts, latest))
    return items


def _passes(annotation: dict, filters: Filters) -> bool:
    """Whether an annotation is by the annotator and within the dates the filters ask."""
    if filters.annotator and annotation["annotator"] != filters.annotator:
        return False
    created = annotation["created"]
    if filters.since and created < filters.since:
        return False
    if filters.until:
        # A bare date includes its whole day, as in the listing's SQL.
        until = filters.until if "T" in filters.until else filters.until + "T23:59:59.999"
        if created > until:
            return False
    return True


def _describe(filters: Filters) -> str:
    given = {
        name: value
        for name, value in vars(filters).items()
        if value and name != "superseded"  # not a user's filter
    }
    return ", ".join(f"{name}={value!r}" for name, value in given.items()) or "none"


def _rows(project: Project, items: list[_Item], summary: ManifestExport, anonymise: bool):
    """The manifest's rows; an item without a label or audio is skipped and named."""
    rows, seen, audio_of = [], {}, {}
    for item in items:
        result, facts, annotation = item.result, item.facts, item.annotation
        what = f"{facts['name']} (analysis {item.analysis_id})"
        label = annotation["label"].strip()
        if not label:
            summary.skipped.append(f"{what}: the annotation by {annotation['annotator']} is blank")
            continue
        span = _span(result)
        key = (result.sha256, span)
        if key in seen:
            # The same clip twice would count twice in training: the latest judgement wins.
            earlier = seen[key]
            if annotation["id"] < earlier["annotation"]["id"]:
                summary.notes.append(f"{what}: the same clip as analysis {earlier['id']}, left out")
                continue
            summary.notes.append(f"analysis {earlier['id']}: the same clip as {what}, left out")
            _forget(rows, earlier, summary)
        if result.sha256 not in audio_of:
            audio_of[result.sha256] = _audio(project, result, facts, summary, anonymise)
        audio = audio_of[result.sha256]
        if isinstance(audio, str):  # the reason it is missing
            summary.skipped.append(f"{what}: {audio}")
            continue
        speaker = _anonymous(facts["speaker"], "speaker") if anonymise else facts["speaker"]
        stem = _anonymous(facts["name"], "recording") if anonymise else Path(facts["name"]).stem
        row = {
            "id": f"{stem}-{result.sha256[:8]}-{item.analysis_id}",
            "path": audio.as_posix(),
            "label": label,
            "transcript": result.transcript,
            "speaker": speaker or "",
            "start": "" if span is None else repr(span[0]),
            "end": "" if span is None else repr(span[1]),
            "feedback": _feedback(result, annotation),
        }
        seen[key] = {"id": item.analysis_id, "annotation": annotation, "row": row}
        rows.append(row)
        summary.labels[label] += 1
        summary.annotators[annotation["annotator"]] += 1
        summary.speakers.add(speaker)
    return rows


def _forget(rows: list[dict], earlier: dict, summary: ManifestExport) -> None:
    """Take back a row that a later judgement of the same clip replaces."""
    rows.remove(earlier["row"])
    summary.labels[earlier["row"]["label"]] -= 1
    summary.annotators[earlier["annotation"]["annotator"]] -= 1
    summary.labels += Counter()  # drops the counts that fell to zero
    summary.annotators += Counter()


def _span(result: AnalysisResult) -> tuple[float, float] | None:
    """The analysed span, or None when the analysis covers the whole recording."""
    start_slack, end_slack = WHOLE_TOLERANCE
    if result.start <= start_slack and result.end >= result.duration - end_slack:
        return None
    return (result.start, result.end)


def _audio(
    project: Project, result: AnalysisResult, facts: dict, summary: ManifestExport, anonymise: bool
) -> Path | str:
    """The audio file a row points to (relative to ``summary.out`` when written there), or why
    there is none.

    An existing file on one of the recording's paths comes first; else the audio the
    project stored is written into ``out/audio``. Anonymised exports copy every file there
    under a pseudonym, so no original name or path is left.
    """
    known = project.recording(result.sha256) or {}
    paths = [p for p in [result.file, *known.get("paths", [])] if p]
    found = next((Path(p) for p in paths if Path(p).is_file()), None)
    if found is not None and not anonymise:
        return found.resolve()
    stored = project.media.stored_audio(result.sha256)
    if found is None and stored is None:
        where = paths[0] if paths else "no path"
        return f"audio missing ({where}) and not stored in the project (import with --copy)"
    out = summary.out
    name = _anonymous(facts["name"], "recording") if anonymise else Path(facts["name"]).stem
    suffix = found.suffix.lstrip(".") if found is not None else stored[1]
    folder = output_folder(out / AUDIO)
    target = _safe_path(folder, f"{name}-{result.sha256[:12]}.{suffix}")
    if found is not None:
        shutil.copyfile(found, target)
    else:
        target.write_bytes(stored[0])
        summary.stored_audio += 1
    summary.written.append(target)
    return target.relative_to(out.resolve())


def _feedback(result: AnalysisResult, annotation: dict) -> str:
    """The annotator's verdict on each cited claim, as JSON text ("" when none judged)."""
    claims = []
    for judgement in annotation["judgements"]:
        index = judgement.get("citation")
        if not isinstance(index, int) or not 0 <= index < len(result.citations):
            continue  # a judgement of a citation the analysis no longer has
        citation = result.citations[index]
        claims.append(
            {
                "claim": citation.get("claim", ""),
                "text": citation.get("text", ""),
                "verdict": citation.get("verdict", ""),
                "agree": bool(judgement.get("agree")),
            }
        )
    if not claims:
        return ""
    return json.dumps({"rationale": result.rationale, "claims": claims}, ensure_ascii=False)


def _note_unknown_labels(items: list[_Item], rows: list[dict], summary: ManifestExport) -> None:
    """Say which labels the model that made the analyses does not have: training with its
    label set would refuse them."""
    model_labels = {label for item in items for label in item.result.probabilities}
    if not model_labels:
        return  # cues-only analyses: no model, so no label set to compare with
    outside = Counter(row["label"] for row in rows if row["label"] not in model_labels)
    if outside:
        shown = ", ".join(f"{label!r} ({n})" for label, n in sorted(outside.items()))
        summary.notes.append(
            f"labels outside the model's label set ({', '.join(sorted(model_labels))}): "
            f"{shown}; train with [model] labels that include them"
        )


def _card(summary: ManifestExport) -> str:
    """The README beside the manifest: what, which filters, how many, and how to train."""
    labels = sorted(summary.labels)
    lines = [
        "# Reviewed annotations: a training manifest",
        "",
        f"Written by `emostudio export --format manifest`. `{MANIFEST}` holds one row per",
        "annotated analysis, labelled by its latest human annotation (the model's label",
        "alone is never a training label). The `feedback` column holds the annotator's",
        "verdict on each claim of the model's rationale (JSON); training keeps it on each",
        'example (`extra["feedback"]`) for future use and does not train on it yet.',
        "",
        f"- filters: {_describe(summary.filters)}",
        f"- items: {summary.rows}, speakers: {len(summary.speakers - {None})}",
        "- labels: " + ", ".join(f"{label} {summary.labels[label]}" for label in labels),
        "- annotators: "
        + ", ".join(f"{name} {n}" for name, n in sorted(summary.annotators.items())),
        f"- audio written from the project into `{AUDIO}/`: {summary.stored_audio}",
        f"- skipped: {len(summary.skipped)}",
    ]
    lines += [f"  - {item}" for item in summary.skipped]
    if summary.notes:
        lines += ["- notes:"] + [f"  - {note}" for note in summary.notes]
    lines += [
        "",
        "## Fine-tune on it",
        "",
        "```sh",
        f"emostudio-train validate {shlex.quote(f'manifest:{summary.out / MANIFEST}')} "
        f"--labels {shlex.quote(','.join(labels))}",
        "emostudio-train fit --config fit.toml",
        "```",
        "",
        "with a `fit.toml` such as",
        "",
        "```toml",
        "[model]",
        'init_from = "MODEL"   # the checkpoint to continue from; its labels must cover these',
        "",
        "[data]",
        f'train = ["manifest:{(summary.out / MANIFEST).resolve().as_posix()}"]',
        "",
        "[training]",
        'output = "runs/reviewed"',
        'tasks = ["ser", "reason"]',
        "epochs = 2",
        "```",
        "",
    ]
    return "\n".join(lines)
