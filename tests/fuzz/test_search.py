"""Fuzzing the project's list filters, full-text search queries above all.

Any query text, label, speaker, annotator, date bound or sort order gives a list of
analyses or a StoreError (SearchError for a query the index cannot parse, with the
syntax hint); never a raw sqlite3 error.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from emostudio.store import Filters, Project
from emostudio.store.database import StoreError
from emostudio.store.project import FTS_HINT, SearchError
from model_core.audio import Recording
from model_core.result import AnalysisResult
from tests.fuzz.strategies import SOME_TEXT, fuzz

FTS_BITS = st.sampled_from(
    [
        '"',
        "*",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "(",
        ")",
        ":",
        "-",
        "^",
        "+",
        "please",
        "stop",
        "rationale:",
        "{",
        "}",
        " ",
        "\x00",
        "'",
    ]
)
QUERIES = st.lists(FTS_BITS | SOME_TEXT, max_size=6).map(" ".join) | SOME_TEXT


@pytest.fixture(scope="module")
def project():
    with tempfile.TemporaryDirectory() as name, Project(Path(name) / "p.emostudio") as opened:
        for index, (words, speaker) in enumerate(
            [("please just stop", "Ann"), ("fine, thanks", None)]
        ):
            recording = Recording(np.zeros((1000, 1), np.float32), 1000, sha256=f"{index:064x}")
            result = AnalysisResult(
                None,
                recording.sha256,
                1.0,
                1000,
                0.0,
                1.0,
                label="angry",
                transcript=words,
                rationale=f'She says "{words}" loudly.',
            )
            analysis = opened.add_recording(recording, speaker=speaker, analysis=result)
            opened.annotate(analysis, "bob", "sad", accepted=False, notes="shouting? maybe")
        yield opened


@fuzz(300)
@given(text=QUERIES)
@example(text='"oops')
@example(text="please\x00")
@example(text="rationale: NEAR(")
def test_search_queries_give_analyses_or_a_search_error(project, text):
    try:
        rows = project.queries.list_analyses(Filters(text=text))
    except SearchError as err:
        assert repr(text) in str(err) and FTS_HINT in str(err)
        return
    assert len(rows) <= 2 and all(isinstance(result, AnalysisResult) for _, result, _ in rows)


@fuzz(150)
@given(
    label=st.none() | SOME_TEXT,
    speaker=st.none() | SOME_TEXT,
    annotator=st.none() | SOME_TEXT,
    since=st.none() | SOME_TEXT,
    until=st.none() | SOME_TEXT,
    kind=st.none() | st.sampled_from(["full", "cues"]) | SOME_TEXT,
    order=st.sampled_from(["created", "name", "label", "duration"]) | SOME_TEXT,
    limit=st.none() | st.integers(-5, 5),
)
def test_list_filters_give_analyses_or_a_store_error(
    project, label, speaker, annotator, since, until, kind, order, limit
):
    filters = Filters(label, speaker, annotator, since, until, None, kind)
    try:
        rows = project.queries.list_analyses(filters, order=order, limit=limit)
    except StoreError as err:
        assert repr(order) in str(err)
        return
    assert len(rows) <= 2 and (limit is None or limit < 0 or len(rows) <= limit)
    for analysis_id, result, facts in rows:  # each row meets every condition given
        labels = {result.label} | {a["label"] for a in project.annotations(analysis_id)}
        assert not label or label in labels
        assert not speaker or facts["speaker"] == speaker
        assert not kind or facts["kind"] == kind
    if not any((label, speaker, annotator, since, until, kind)) and limit in (None, -1, 2):
        assert len(rows) == 2
