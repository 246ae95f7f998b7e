"""Fuzzing the corpus readers: manifests (CSV, JSONL), label folders, IEMOCAP, MELD, specs.

Arbitrary bytes or rows give either records that keep the reader's promises or a
:class:`DatasetError` naming the file (and the line, for a bad line); never a raw
KeyError, ValueError, UnicodeError or csv.Error.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import NASTY_TEXT, SOME_TEXT, TEXT, fuzz
from train.datasets import DatasetError, load_examples
from train.datasets.example import SPLITS
from train.datasets.iemocap import CODES, read_iemocap
from train.datasets.manifest import AUDIO_SUFFIXES, COLUMNS, read_label_folders, read_manifest
from train.datasets.meld import EMOTIONS, REQUIRED, SENTIMENTS, read_meld

BYTES = st.binary(max_size=300) | SOME_TEXT.map(lambda t: t.encode("utf-8"))
CELL = (
    st.sampled_from(
        [
            "",
            " ",
            "a.wav",
            "angry",
            "train",
            "dev",
            "test",
            "1.5",
            "-1",
            "nan",
            "inf",
            "2",
            "0",
            "x",
        ]
    )
    | SOME_TEXT
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | CELL,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
COLUMN = st.sampled_from((*COLUMNS, "id")) | st.sampled_from(["Path", "extra", ""])


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def fresh(folder: Path, name: str) -> Path:
    """An empty sub-folder of ``folder`` (the same one for every example of a test)."""
    path = folder / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def check_examples(examples, stripped: bool = True) -> None:
    """What every reader promises about its records."""
    ids = [e.id for e in examples]
    assert len(ids) == len(set(ids))
    for e in examples:
        assert isinstance(e.id, str) and e.id
        assert isinstance(e.audio, Path)
        assert e.split in SPLITS
        assert e.tasks
        for value in (e.label, e.transcript, e.speaker, e.question, e.answer):
            assert value is None or (isinstance(value, str) and value)
            assert value is None or not stripped or value == value.strip()
        for seconds in (e.start, e.end):
            assert seconds is None or (math.isfinite(seconds) and seconds >= 0)
        if e.start is not None and e.end is not None:
            assert e.start < e.end


def read_or_error(reader, path: Path, *args):
    """The reader's records, or None after checking that its error names ``path``."""
    try:
        return reader(path, *args)
    except DatasetError as err:
        assert str(path) in str(err), err
        return None


@fuzz(150)
@given(data=BYTES, suffix=st.sampled_from([".csv", ".jsonl"]))
@example(data=b"path,label\n\xff.wav,angry\n", suffix=".csv")  # not UTF-8
@example(data=b'{"path": "a.wav", "label": "\xe9"}\n', suffix=".jsonl")
@example(data=b"path,label\na.wav," + b"x" * 140_000 + b"\n", suffix=".csv")  # csv field limit
def test_manifest_bytes_give_records_or_a_clear_error(folder, data, suffix):
    path = fresh(folder, "bytes") / f"manifest{suffix}"
    path.write_bytes(data)
    examples = read_or_error(read_manifest, path)
    if examples is not None:
        check_examples(examples)


ROWS = st.lists(st.dictionaries(COLUMN, CELL, max_size=6), max_size=5)


@fuzz(150)
@given(header=st.lists(COLUMN, min_size=1, max_size=6, unique=True), rows=ROWS)
@example(header=["path", "label", "start"], rows=[{"path": "a.wav", "label": "x", "start": "nan"}])
@example(
    header=["path", "label", "start", "end"],
    rows=[{"path": "a.wav", "label": "x", "start": "2", "end": "1"}],
)
def test_csv_manifest_rows_read_back_or_name_the_line(folder, header, rows):
    path = fresh(folder, "csv") / "data.csv"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        examples = read_manifest(path)
    except DatasetError as err:
        message = str(err)
        assert message.startswith(str(path)), message
        return
    check_examples(examples)
    assert len(examples) == len(rows)
    for example_, row in zip(examples, rows, strict=True):
        assert example_.label == ((row.get("label") or "").strip() or None)
        assert example_.audio.name == Path(row["path"].strip()).name


@fuzz(150)
@given(rows=st.lists(st.dictionaries(COLUMN, JSON_VALUE, max_size=6) | JSON_VALUE, max_size=5))
@example(rows=[{"path": "a.wav", "label": "x", "end": 1e400}])  # JSON's 1e400 is infinity
@example(rows=[{"path": "a.wav", "label": "x", "start": -1}])
@example(rows=[{"path": True, "split": 1}])  # true and 1 are JSON values, not text
def test_jsonl_manifest_rows_give_records_or_name_the_line(folder, rows):
    path = fresh(folder, "jsonl") / "data.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    try:
        examples = read_manifest(path)
    except DatasetError as err:
        message = str(err)
        assert message.startswith(f"{path}:"), message
        return
    check_examples(examples)
    assert len(examples) == len(rows)


NAMES = st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=20)


@fuzz(40)
@given(
    layout=st.dictionaries(
        NAMES.filter(lambda n: n not in (".", "..")),
        st.lists(
            st.tuples(NAMES, st.sampled_from([*sorted(AUDIO_SUFFIXES), ".txt", ".WAV", ""])),
            max_size=3,
        ),
        max_size=4,
    )
)
def test_label_folders_label_each_audio_file_by_its_folder(folder, layout):
    root = fresh(folder, "folders")
    expected = set()
    for label, files in layout.items():
        (root / label).mkdir()
        for stem, suffix in files:
            path = root / label / f"{stem}{suffix}"
            path.write_bytes(b"")
            if path.suffix.lower() in AUDIO_SUFFIXES:
                expected.add((label, path))
    examples = read_or_error(read_label_folders, root)
    if examples is None:
        assert not expected
        return
    check_examples(examples, stripped=False)  # a label is its folder's name, as it is
    assert {(e.label, e.audio) for e in examples} == expected


EVALUATION = st.builds(
    "[{}]\t{}\t{}\t[2.5, 2.5, 2.5]".format,
    st.sampled_from(["6.2901 - 8.2357", "1 - 2", "x - y", ""]),
    st.sampled_from(["Ses01F_impro01_F000", "Ses01F_impro01_", "Ses01F_impro01_M012", "_", "x"])
    | NASTY_TEXT,
    st.sampled_from([*sorted(CODES), "xxx", "zzz"]),
)
LINES = st.lists(EVALUATION | SOME_TEXT, max_size=6).map("\n".join)


@fuzz(80)
@given(
    evaluation=LINES | BYTES,
    transcripts=LINES | BYTES,
    label_set=st.sampled_from(["four", "full"]),
)
@example(  # an utterance name ending in "_" has no speaker letter
    evaluation="[1 - 2]\tSes01F_impro01_\tneu\t[2.5, 2.5, 2.5]",
    transcripts="",
    label_set="four",
)
def test_iemocap_label_files_give_records_or_name_the_line(
    folder, evaluation, transcripts, label_set
):
    root = fresh(folder, "iemocap")
    dialog = root / "Session1" / "dialog"
    for sub, content in (("EmoEvaluation", evaluation), ("transcriptions", transcripts)):
        (dialog / sub).mkdir(parents=True)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (dialog / sub / "Ses01F_impro01.txt").write_bytes(data)
    labels_file = dialog / "EmoEvaluation" / "Ses01F_impro01.txt"
    try:
        examples = read_iemocap(root, label_set)
    except DatasetError as err:
        assert str(err).startswith(f"{labels_file}:"), err
        return
    check_examples(examples)
    for e in examples:
        assert e.label in CODES.values() and e.speaker and e.extra["session"] == 1


MELD_COLUMNS = st.lists(
    st.sampled_from([*REQUIRED, "Sr No.", "StartTime", "Other"]), max_size=9, unique=True
)
MELD_CELL = st.sampled_from([*EMOTIONS, *SENTIMENTS, "0", "12", " 3 ", "x", "", "1.5"]) | TEXT


@fuzz(80)
@given(
    header=MELD_COLUMNS,
    rows=st.lists(st.lists(MELD_CELL, max_size=10), max_size=4),
    raw=st.none() | BYTES,
    task=st.sampled_from(["emotion", "sentiment"]),
)
@example(  # a Dialogue_ID that is not a number
    header=list(REQUIRED),
    rows=[["hi", "Ross", "joy", "positive", "x", "1"]],
    raw=None,
    task="emotion",
)
@example(header=list(REQUIRED), rows=[["hi", "Ross"]], raw=None, task="emotion")  # a short row
def test_meld_csvs_give_records_or_name_the_line(folder, header, rows, raw, task):
    root = fresh(folder, "meld")
    (root / "train_splits").mkdir()
    path = root / "train_sent_emo.csv"
    if raw is None:
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, *rows])
        raw = buffer.getvalue().encode("utf-8")
    path.write_bytes(raw)
    try:
        examples = read_meld(root, task, splits=("train",))
    except DatasetError as err:
        assert str(err).startswith(f"{path}:"), err
        return
    check_examples(examples)
    allowed = EMOTIONS if task == "emotion" else SENTIMENTS
    assert all(e.label in allowed for e in examples)


@fuzz(60)
@given(
    kind=st.sampled_from(
        [
            "",
            "manifest:",
            "folders:",
            "iemocap:",
            "meld:",
            "iemocap-full:",
            "meld-sentiment:",
            "nonsense:",
        ]
    ),
    name=st.sampled_from(["good.csv", "labels", "missing.csv", "missing", "notes.txt", ""]) | NAMES,
)
@example(kind="", name="")  # an empty spec must not read the working folder
def test_data_specs_give_examples_or_a_clear_error(folder, kind, name):
    root = folder / "specs"
    if not root.exists():
        root.mkdir()
        (root / "good.csv").write_text("path,label\na.wav,angry\n", encoding="utf-8")
        (root / "labels" / "sad").mkdir(parents=True)
        (root / "labels" / "sad" / "a.wav").write_bytes(b"")
        (root / "notes.txt").write_text("hello", encoding="utf-8")
    spec = f"{kind}{root}/{name}" if name else kind
    try:
        examples = load_examples(spec)
    except DatasetError as err:
        assert str(err), err
        return
    check_examples(examples)
    assert examples and all(str(e.audio).startswith(str(root)) for e in examples)
