"""Parquet exports (issue 34's archive format): typed columns, one row per analysis,
utterances placed, read back by pyarrow and pandas, written whole or not at all."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq

from emostudio.cli.main import main
from emostudio.store import Project
from emostudio.store.export import export
from emostudio.store.parquet import schema
from tests.emostudio.store.test_export_utterances import SPANS, cut_project


def test_a_cut_recording_reads_back_as_one_typed_row_per_analysis(tmp_path):
    project, recording = cut_project(tmp_path)
    (path,) = export(project, tmp_path / "out", "parquet")
    table = pq.read_table(path)
    assert table.schema.equals(schema())
    rows = sorted(table.to_pylist(), key=lambda r: r["id"])
    assert len(rows) == 5  # the whole recording's cues, three utterances, a re-run of one
    (whole,) = [r for r in rows if r["utterance"] is None]
    parts = [r for r in rows if r["utterance"] is not None]
    assert whole["kind"] == "cues" and (whole["start"], whole["end"]) == (0.0, whole["duration"])
    assert [(r["utterance"], r["model_label"]) for r in parts] == [
        (1, "sad"),
        (2, "angry"),
        (3, "neutral"),
        (1, "happy"),
    ]
    assert [(r["start"], r["end"]) for r in parts[:3]] == [(a, b) for a, b, _ in SPANS]
    assert {r["utterances"] for r in parts} == {3} and '"silero-vad"' in parts[0]["segmentation"]
    assert parts[1]["human_label"] == "fearful"  # the utterance's own judgement
    assert parts[0]["words"] == [{"word": "w1", "start": 0.2, "end": 0.5}]
    assert all(r["sha256"] == recording.sha256 for r in rows)
    frame = pd.read_parquet(path)  # what an archive's reader does
    assert frame["utterance"].dropna().astype(int).tolist() == [1, 2, 3, 1]
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_probabilities_and_an_empty_project_keep_their_types(tmp_path, capsys):
    from tests.emostudio.store.test_export import clip_result

    recording, result = clip_result(
        tmp_path / "a.wav", 4, 180, label="angry", probabilities={"angry": 0.7, "sad": 0.3}
    )
    with Project(tmp_path / "p.emostudio") as project:
        project.add_recording(recording, analysis=result)
    db = str(tmp_path / "p.emostudio")
    assert main(["export", "--db", db, "--format", "parquet", "--out", str(tmp_path / "x")]) == 0
    (row,) = pq.read_table(tmp_path / "x" / "analyses.parquet").to_pylist()
    assert dict(row["probabilities"]) == {"angry": 0.7, "sad": 0.3}
    assert row["model_label"] == "angry" and row["utterance"] is None
    with Project(tmp_path / "empty.emostudio") as empty:
        (path,) = export(empty, tmp_path / "none", "parquet")
    assert pq.read_table(path).num_rows == 0 and pq.read_schema(path).equals(schema())
