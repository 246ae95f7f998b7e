"""``emostudio import --from-parquet``: chosen rows of a table back into a project, whole."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from emostudio.cli.main import main
from emostudio.store import Project
from emostudio.store.export import export
from emostudio.store.parquet import SHARD_ROWS, rows_of_recordings, write_table
from tests.emostudio.store.test_export import clip_result
from tests.emostudio.store.test_export_utterances import cut_project


def stored(db) -> list[tuple]:
    """Every analysis as (recording, kind, utterance, start, end, the result's JSON)."""
    with Project(db) as project:
        rows = project.queries.list_analyses(descending=False)
        return sorted(
            (
                facts["name"],
                facts["kind"],
                (result.utterance or {}).get("number"),
                result.start,
                result.end,
                result.to_json(),
            )
            for _, result, facts in rows
        )


def two_recordings(tmp_path):
    """A cut recording (cues, three utterances, one re-run) and a sad, sure clip of 'ann'."""
    project, _ = cut_project(tmp_path)
    recording, result = clip_result(
        tmp_path / "b.wav",
        3,
        120,
        label="sad",
        probabilities={"sad": 0.9, "angry": 0.1},
        uncertainty={"unsure": False, "label_set": ["sad"]},
    )
    project.add_recording(recording, analysis=result, speaker="ann")
    return project


def test_a_table_brings_back_every_analysis_as_it_was(tmp_path, capsys):
    project = two_recordings(tmp_path)
    (table,) = export(project, tmp_path / "out", "parquet")
    project.close()
    original = stored(project.path)
    db = tmp_path / "back.emostudio"
    assert main(["import", "--from-parquet", str(table), "--db", str(db)]) == 0
    assert "6 rows, 6 chosen: 2 recordings added with 6 analyses" in capsys.readouterr().out
    assert stored(db) == original  # results, places and kinds: nothing lost
    with Project(db) as back:
        (row,) = [r for r in back.queries.list_recordings() if r["name"] == "b.wav"]
        assert row["speaker"] == "ann" and row["sample_rate"] == 16_000
    assert main(["import", "--from-parquet", str(table), "--db", str(db)]) == 0  # again
    assert "0 recordings added with 0 analyses, 2 already" in capsys.readouterr().out
    assert stored(db) == original


def test_rows_are_chosen_by_label_speaker_and_certainty(tmp_path, capsys):
    project = two_recordings(tmp_path)
    (table,) = export(project, tmp_path / "out", "parquet")
    project.close()
    for options, recordings in [
        (["--label", "sad"], {"b.wav", "talk.wav"}),  # talk.wav's first utterance
        (["--label", "sad", "--speaker", "ann"], {"b.wav"}),
        (["--label", "fearful"], {"talk.wav"}),  # the human's label counts
        (["--speaker", "ann", "--sure-only"], {"b.wav"}),
        (["--label", "angry", "--label", "neutral"], {"talk.wav"}),
        (["--label", "surprised"], set()),
    ]:
        db = tmp_path / f"{'-'.join(options)}.emostudio"
        assert main(["import", "--from-parquet", str(table), "--db", str(db), *options]) == 0
        with Project(db) as chosen:
            assert {r["name"] for r in chosen.queries.list_recordings()} == recordings, options
    capsys.readouterr()


def test_shards_are_one_table_and_bad_tables_are_clear_errors(tmp_path, capsys, monkeypatch):
    project = two_recordings(tmp_path)
    monkeypatch.setattr("emostudio.store.parquet.SHARD_ROWS", 4)
    rows = rows_of_recordings(project, {r["sha256"] for r in project.queries.list_recordings()})
    written = write_table(rows, tmp_path / "shards")
    assert [p.name for p in written] == ["part-00000.parquet", "part-00001.parquet"]
    assert SHARD_ROWS == 100_000
    db = tmp_path / "back.emostudio"
    assert main(["import", "--from-parquet", str(tmp_path / "shards"), "--db", str(db)]) == 0
    assert stored(db) == stored(project.path)
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"x": [1, 2]}), other)
    (tmp_path / "junk.parquet").write_bytes(b"not parquet")
    for source, says in [
        (other, "not an EmoStudio table"),
        (tmp_path / "junk.parquet", "not a readable Parquet table"),
        (tmp_path / "missing.parquet", "no such file or folder"),
    ]:
        assert main(["import", "--from-parquet", str(source), "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert says in err and "Traceback" not in err


@pytest.mark.parametrize(
    "options, says",
    [
        (["FOLDER", "--from-parquet", "t.parquet"], "not both"),
        ([], "give a folder of audio"),
        (["FOLDER", "--label", "sad"], "choose rows of --from-parquet"),
        (["FOLDER", "--gpus-per-worker", "1"], "are for --cluster"),
        (["--from-parquet", "t.parquet", "--cluster"], "for folders of audio"),
    ],
)
def test_options_that_do_not_go_together_are_refused(options, says, tmp_path, capsys):
    options = [str(tmp_path) if o == "FOLDER" else o for o in options]
    assert main(["import", *options, "--db", str(tmp_path / "p.emostudio")]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "p.emostudio").exists()
