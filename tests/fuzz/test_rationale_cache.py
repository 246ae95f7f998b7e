"""Fuzzing the teacher-rationale cache (``rationales.jsonl``) reader.

Records with any text read back exactly, whatever a killed run left at the end; any
other bytes give records or a ValueError naming the file and line.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import SOME_TEXT, TEXT, fuzz
from train.rationales import RationaleRecord, read_cache

RECORDS = st.builds(
    RationaleRecord,
    id=SOME_TEXT,
    label=SOME_TEXT,
    rationale=SOME_TEXT,
    style=TEXT,
    question_variant=st.integers(0, 5),
    teacher=TEXT,
    prompt=SOME_TEXT,
    seed=st.integers(0, 2**31),
    tries=st.integers(0, 5),
    fallback=st.booleans(),
    checks=st.dictionaries(TEXT, st.integers() | st.booleans() | TEXT, max_size=3),
)


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def record(**fields) -> RationaleRecord:
    base = dict(
        id="ex0",
        label="sad",
        rationale="",
        style="plain",
        question_variant=0,
        teacher="t",
        prompt="p",
        seed=0,
        tries=1,
        fallback=False,
    )
    return RationaleRecord(**{**base, **fields})


@fuzz(150)
@given(records=st.lists(RECORDS, max_size=5, unique_by=lambda r: r.id), cut=st.integers(0, 400))
@example(records=[record(rationale="one\u2028two")], cut=0)  # splitlines() broke the line
@example(records=[record(rationale="x\x85y")], cut=0)
@example(records=[record(rationale="é")], cut=46)  # killed inside a two-byte character
def test_records_as_the_generator_writes_them_read_back(folder, records, cut):
    path = folder / "rationales.jsonl"
    lines = [json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records]
    torn = json.dumps(asdict(record(id="torn", rationale="é" * 50)), ensure_ascii=False).encode()
    data = "".join(lines).encode("utf-8") + torn[: min(cut, len(torn) - 1)]  # never complete
    path.write_bytes(data)
    assert read_cache(path) == {r.id: r for r in records}


@fuzz(150)
@given(
    data=st.binary(max_size=300) | st.lists(SOME_TEXT, max_size=4).map("\n".join).map(str.encode)
)
@example(
    data=b'{"id": ["a"], "label": "x", "rationale": "", "style": "", "question_variant": 0, '
    b'"teacher": "", "prompt": "", "seed": 0, "tries": 0, "fallback": false}\n'
)
@example(data=b"\xff\n{}")  # a complete line that is not UTF-8
def test_any_file_gives_records_or_names_the_line(folder, data):
    path = folder / "any.jsonl"
    path.write_bytes(data)
    try:
        records = read_cache(path)
    except ValueError as err:
        assert type(err) is ValueError and str(err).startswith(f"{path}:"), err
        return
    for key, value in records.items():
        assert isinstance(value, RationaleRecord) and value.id == key and isinstance(key, str)
