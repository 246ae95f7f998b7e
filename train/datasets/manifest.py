"""Generic corpora: a CSV or JSONL manifest, or a folder per label.

Manifest columns: ``path,label[,transcript,speaker,split,question,answer,start,end]``;
paths are relative to the manifest's folder unless absolute. A row may leave ``label``
empty when it only serves ASR (``transcript``) or spoken QA (``question``, ``answer``).

An optional ``id`` names the row, and an optional ``feedback`` (a JSON object: JSON text
in a CSV cell, an object in JSONL) is a reviewer's verdict on a rationale, as ``emostudio
export --format manifest`` writes it. It is kept on the example as
``extra["feedback"]`` for future use; training does not read it yet.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from train.datasets.example import SPLITS, DatasetError, Example

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3", ".m4a", ".mp4", ".aac", ".opus", ".aif", ".aiff"}
COLUMNS = ("path", "label", "transcript", "speaker", "split", "question", "answer", "start", "end")
OPTIONAL = ("id", "feedback")  # known too, but not fields every corpus row has


def _feedback(value, where: str) -> dict:
    """A row's ``feedback``: an object, given as one or as JSON text ({} when empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as err:
            raise DatasetError(f"{where}: feedback must be a JSON object ({err.msg})") from err
    if not isinstance(value, dict):
        raise DatasetError(f"{where}: feedback must be a JSON object, got {json.dumps(value)[:40]}")
    return value


def _example(row: dict, base: Path, where: str, index: int) -> Example:
    unknown = set(row) - set(COLUMNS) - set(OPTIONAL)
    if unknown:
        raise DatasetError(
            f"{where}: unknown columns {sorted(unknown)} (known: {', '.join(COLUMNS + OPTIONAL)})"
        )
    feedback = _feedback(row.get("feedback"), where)
    row = {name: value for name, value in row.items() if name != "feedback"}
    for name, value in row.items():  # JSONL can hold anything: true, lists, objects
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, str | int | float)
        ):
            shown = json.dumps(value)
            raise DatasetError(f"{where}: {name} must be text or a number, got {shown[:40]}")
    path = str(row.get("path") or "").strip()
    if not path:
        raise DatasetError(f"{where}: empty path")
    split = str(row.get("split") or "train").strip() or "train"
    if split not in SPLITS:
        raise DatasetError(f"{where}: split must be one of {SPLITS}, got {split!r}")

    def text(name):
        value = row.get(name)
        value = str(value).strip() if value is not None else ""
        return value or None

    def number(name):
        value = text(name)
        if value is None:
            return None
        try:
            seconds = float(value)
        except ValueError as err:
            raise DatasetError(
                f"{where}: {name} must be a number of seconds, got {value!r}"
            ) from err
        if not math.isfinite(seconds) or seconds < 0:  # "nan", "inf", 1e400, -1
            raise DatasetError(f"{where}: {name} must be a number of seconds >= 0, got {value!r}")
        return seconds

    audio = Path(path) if Path(path).is_absolute() else base / path
    example = Example(
        id=text("id") or f"{Path(path).stem}-{index}",
        audio=audio,
        label=text("label"),
        transcript=text("transcript"),
        speaker=text("speaker"),
        split=split,
        source=where,
        start=number("start"),
        end=number("end"),
        question=text("question"),
        answer=text("answer"),
        extra={"feedback": feedback} if feedback else {},
    )
    if not example.tasks:
        raise DatasetError(f"{where}: a row needs a label, a transcript, or a question and answer")
    if example.start is not None and example.end is not None and example.end <= example.start:
        raise DatasetError(f"{where}: end ({example.end}) must be after start ({example.start})")
    return example


def _text(path: Path, encoding: str) -> str:
    """The file's text; bytes that are not UTF-8 are a DatasetError naming their line."""
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DatasetError(f"{path}:{line}: not UTF-8 text ({err.reason})") from err


def read_manifest(path: str | Path) -> list[Example]:
    """Read a ``.csv`` (with a header row) or ``.jsonl`` manifest.

    Raises
    ------
    DatasetError
        Naming the file and line of the first bad row.
    """
    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path}: no such manifest")
    base = path.parent
    examples = []
    if path.suffix.lower() == ".jsonl":
        # newline=None: lines end as in a file opened for reading text (\n, \r\n or \r).
        # utf-8-sig: a byte-order mark (as Windows editors write one) is not part of the JSON.
        with io.StringIO(_text(path, "utf-8-sig"), newline=None) as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise DatasetError(f"{path}:{number}: not valid JSON ({err.msg})") from err
                if not isinstance(row, dict):
                    raise DatasetError(f"{path}:{number}: each line must be a JSON object")
                examples.append(_example(row, base, f"{path}:{number}", number))
    elif path.suffix.lower() == ".csv":
        with io.StringIO(_text(path, "utf-8-sig"), newline="") as handle:
            reader = csv.DictReader(handle)
            try:
                if not reader.fieldnames:
                    raise DatasetError(
                        f"{path}: no rows (the manifest is empty, not even a header)"
                    )
                if "path" not in reader.fieldnames:
                    raise DatasetError(f"{path}:1: the header must name a 'path' column")
                for number, row in enumerate(reader, 2):
                    if None in row:
                        raise DatasetError(f"{path}:{number}: more fields than the header has")
                    examples.append(_example(row, base, f"{path}:{number}", number))
            except csv.Error as err:  # e.g. a field over csv's size limit
                raise DatasetError(f"{path}:{reader.line_num}: not readable CSV ({err})") from err
    else:
        raise DatasetError(f"{path}: a manifest must be .csv or .jsonl")
    if not examples:
        raise DatasetError(f"{path}: no rows (the manifest is empty)")
    _refuse_repeated_rows(examples)
    ids = [e.id for e in examples]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DatasetError(f"{path}: duplicate ids {duplicates[:5]}")
    return examples


def _refuse_repeated_rows(examples: list[Example]) -> None:
    """A row given twice would count twice in training and evaluation: name both lines."""
    first: dict[tuple, str] = {}
    for example in examples:
        key = (
            example.audio,
            example.label,
            example.transcript,
            example.speaker,
            example.split,
            example.start,
            example.end,
            example.question,
            example.answer,
        )
        if key in first:
            line = first[key].rsplit(":", 1)[-1]
            raise DatasetError(f"{example.source}: a duplicate of line {line} (the same row twice)")
        first[key] = example.source


def read_label_folders(root: str | Path, split: str = "train") -> list[Example]:
    """``root/<label>/*.wav`` (any audio suffix): the folder name is the label."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: not a folder")
    examples = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for audio in sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES):
            examples.append(
                Example(
                    id=f"{folder.name}/{audio.relative_to(folder)}",
                    audio=audio,
                    label=folder.name,
                    split=split,
                    source=f"folder:{root}",
                )
            )
    if not examples:
        raise DatasetError(f"{root}: no audio files in label folders")
    return examples
