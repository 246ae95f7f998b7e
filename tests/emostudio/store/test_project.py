"""The project file: private, migrated, refused when foreign or newer, append-only, searchable."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
import soundfile as sf

from emostudio.store import Filters, NewerStoreError, Project, SearchError, StoreError
from emostudio.store.importer import cues_result
from model_core.audio import load_audio
from model_core.cues import analyze_clip
from tests.helpers.signals import RATE, syllable_train


def _add(project, folder, name, f0=150.0, speaker="ann", transcript=""):
    path = folder / name
    sf.write(path, syllable_train(5, f0=f0), RATE)
    recording = load_audio(path)
    analysis, summary = analyze_clip(recording)
    result = cues_result({"recording": recording, "summary": summary})
    result.transcript = transcript
    return project.add_recording(
        recording,
        speaker=speaker,
        tracks=[analysis.pitch, analysis.intensity],
        analysis=result,
        kind="cues",
    ), recording


def test_new_project_is_private_and_migrated(tmp_path):
    path = tmp_path / "study.emostudio"
    with Project(path) as project:
        assert project.integrity() == "ok"
        versions = project.conn.execute("SELECT version FROM _migrations").fetchall()
        assert [tuple(v) for v in versions] == [(1,), (2,), (3,), (4,), (5,), (6,)]
        assert project.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with Project(path) as again:  # reopening applies nothing twice
        assert again.conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == 6


def test_a_first_version_project_is_migrated_keeping_its_analyses(tmp_path, monkeypatch):
    import emostudio.store.database as database
    from emostudio.store.schema import MIGRATIONS

    path = tmp_path / "old.emostudio"
    with monkeypatch.context() as old:
        old.setattr(database, "MIGRATIONS", MIGRATIONS[:1])
        old.setattr(database, "LATEST", 1)
        with Project(path) as project:
            sf.write(tmp_path / "old.wav", syllable_train(5), RATE)
            recording = load_audio(tmp_path / "old.wav")
            sha256 = recording.sha256
            project.conn.execute(  # a recording as the first schema stored it
                "INSERT INTO recordings VALUES (?, 'old.wav', ?, ?, ?, 1, 'WAV/PCM_16', NULL,"
                " '2026-01-01T00:00:00', NULL, NULL)",
                (sha256, str(tmp_path / "old.wav"), recording.duration, recording.sample_rate),
            )
            columns = [row[1] for row in project.conn.execute("PRAGMA table_info(analyses)")]
            project.conn.execute(  # an analysis as the first schema stored it
                f"INSERT INTO analyses({', '.join(c for c in columns if c != 'id')}) VALUES"
                f" ({', '.join('?' * (len(columns) - 1))})",
                (
                    sha256,
                    "full",
                    0.0,
                    1.0,
                    "m",
                    "1",
                    1,
                    "sad",
                    "{}",
                    "so long",
                    "[]",
                    "old words",
                    "[]",
                    "{}",
                    "{}",
                    "[]",
                    "2026-01-01",
                ),
            )
            project.conn.commit()
    with Project(path) as project:
        old_row = project.conn.execute(
            "SELECT transcript, rationale, rationale_review FROM analyses"
        ).fetchone()
        assert tuple(old_row) == ("so long", "old words", None)
        analysis_id, _ = _add(project, tmp_path, "a.wav")
        result = project.analysis(analysis_id)
        assert result.rationale_review is None
        result.rationale_review = {"source": "composer", "draft": "x", "problems": ["y"]}
        again = project.add_analysis(result.sha256, result)
        assert project.analysis(again).rationale_review == result.rationale_review
        # Migration 3: the old recording has no date yet, and feature sets have a table.
        assert project.recording(sha256)["recorded"] is None
        assert project.conn.execute("SELECT count(*) FROM features").fetchone()[0] == 0


def _utterance(result, number, of, start, end, label, min_pause_s=0.5):
    from dataclasses import asdict

    from model_core.segments import SegmentSettings

    cut = {
        "algorithm": "silero-vad",
        "version": "6.2.3",
        "settings": asdict(SegmentSettings(min_pause_s=min_pause_s)),
        "duration": result.duration,
    }
    place = {"number": number, "of": of, "segmentation": cut}
    return result.__class__(
        **{**result.to_dict(), "start": start, "end": end, "label": label, "utterance": place}
    )


def test_a_version_5_project_gains_utterances_and_keeps_its_analyses(tmp_path, monkeypatch):
    import emostudio.store.database as database
    from emostudio.store.schema import MIGRATIONS

    path = tmp_path / "five.emostudio"
    with monkeypatch.context() as old:
        old.setattr(database, "MIGRATIONS", MIGRATIONS[:5])
        old.setattr(database, "LATEST", 5)
        with Project(path) as project:
            sf.write(tmp_path / "a.wav", syllable_train(5), RATE)
            recording = load_audio(tmp_path / "a.wav")
            project.add_recording(recording)
            columns = [r[1] for r in project.conn.execute("PRAGMA table_info(analyses)")]
            assert "utterance" not in columns
            project.conn.execute(  # an analysis as schema 5 stored it
                "INSERT INTO analyses(sha256, kind, start, end, label, transcript, cues, created)"
                " VALUES (?, 'full', 0, ?, 'sad', 'as before', '{}', '2026-11-01')",
                (recording.sha256, recording.duration),
            )
            project.conn.commit()
            whole_id = project.conn.execute("SELECT max(id) FROM analyses").fetchone()[0]
    with Project(path) as project:
        whole = project.analysis(whole_id)
        assert whole.transcript == "as before" and whole.utterance is None
        assert project.queries.utterances(recording.sha256) == []
        parts = [
            _utterance(whole, n, 3, n - 1.0, n - 0.2, label)
            for n, label in [(1, "sad"), (2, "happy"), (3, "sad")]
        ]
        project.add_recording(recording, utterances=parts)  # known recording: only the rows
        again = _utterance(whole, 2, 3, 1.0, 1.8, "angry")  # a re-run of utterance 2
        project.add_analysis(recording.sha256, again)
        rows = project.queries.utterances(recording.sha256)
        assert [r.label for _, r, _ in rows] == ["sad", "angry", "sad"]  # the newest of each
        assert [r.utterance["number"] for _, r, _ in rows] == [1, 2, 3]
        assert rows[0][1].utterance["segmentation"]["settings"]["min_pause_s"] == 0.5
        assert project.conn.execute("SELECT count(*) FROM segmentations").fetchone()[0] == 1
        # a cut with other settings is another cut, and the newest is the one shown
        other = _utterance(whole, 1, 1, 0.0, 2.0, "neutral", min_pause_s=1.0)
        project.add_analysis(recording.sha256, other)
        assert [r.label for _, r, _ in project.queries.utterances(recording.sha256)] == ["neutral"]
        assert project.queries.latest_analysis(recording.sha256)[1].label == "sad"  # the whole one


def test_recordings_tracks_and_analyses_round_trip(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        analysis_id, recording = _add(project, tmp_path, "a.wav", transcript="hello there")
        stored = project.recording(recording.sha256)
        assert (
            stored["duration"] == pytest.approx(recording.duration) and stored["speaker"] == "ann"
        )
        tracks = project.media.tracks(recording.sha256)
        original = analyze_clip(recording)[0].pitch
        assert tracks["pitch"].algorithm == original.algorithm
        assert tracks["pitch"].parameters == original.parameters
        assert tracks["pitch"].versions["praat"] == original.versions["praat"]
        import numpy as np

        np.testing.assert_allclose(tracks["pitch"].values, original.values, rtol=1e-6)
        result = project.analysis(analysis_id)
        assert result.transcript == "hello there" and result.cues["cues"]["f0_mean"]["unit"] == "Hz"


def test_same_content_under_two_names_is_stored_once(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        _, recording = _add(project, tmp_path, "a.wav")
        copy = tmp_path / "b.wav"
        copy.write_bytes((tmp_path / "a.wav").read_bytes())
        project.add_recording(load_audio(copy))
        assert project.counts()["recordings"] == 1
        assert project.recording(recording.sha256)["paths"] == [str(tmp_path / "a.wav"), str(copy)]

        third = tmp_path / "c.wav"
        third.write_bytes(copy.read_bytes())
        assert project.remember_path(recording.sha256, str(third))
        assert project.recording(recording.sha256)["paths"][-1] == str(third)
        assert not project.remember_path("0" * 64, str(third))  # not stored: nothing kept
        assert project.analysed("cues") == {recording.sha256}
        assert project.analysed("full") == set()  # a cue analysis is not a model analysis
        assert project.has_analysis(recording.sha256, "cues")
        assert not project.has_analysis(recording.sha256, "full")


def test_labels_of_models_and_annotators_are_listed_once(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        analysis_id, _ = _add(project, tmp_path, "a.wav")
        assert project.queries.labels() == []  # a cue analysis gives no label
        project.annotate(analysis_id, "ann", "sad", accepted=False)
        project.annotate(analysis_id, "bob", "angry", accepted=False)
        project.annotate(analysis_id, "cid", "sad", accepted=False)
        assert project.queries.labels() == ["angry", "sad"]


def test_annotations_are_append_only_with_history(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        analysis_id, _ = _add(project, tmp_path, "a.wav")
        project.annotate(analysis_id, "ann", "neutral", accepted=True)
        project.annotate(
            analysis_id,
            "bob",
            "sad",
            accepted=False,
            notes="sounds tired",
            judgements=[{"citation": 0, "agree": False}],
        )
        history = project.annotations(analysis_id)
        assert [(h["annotator"], h["label"], h["accepted"]) for h in history] == [
            ("ann", "neutral", 1),
            ("bob", "sad", 0),
        ]
        assert history[1]["judgements"] == [{"citation": 0, "agree": False}]
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            project.conn.execute("UPDATE annotations SET label = 'happy'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            project.conn.execute("DELETE FROM annotations")
        with pytest.raises(sqlite3.IntegrityError, match="never changed"):
            project.conn.execute("UPDATE analyses SET label = 'happy'")
        assert (
            project.conn.execute("SELECT count(*) FROM audit WHERE action = 'annotate'").fetchone()[
                0
            ]
            == 2
        )
        with pytest.raises(StoreError, match="annotator"):
            project.annotate(analysis_id, "  ", "sad", accepted=False)


def test_filters_search_and_baselines(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        first, _ = _add(
            project, tmp_path, "a.wav", f0=140, speaker="ann", transcript="the kettle is boiling"
        )
        second, _ = _add(
            project, tmp_path, "b.wav", f0=150, speaker="ann", transcript="please stop it now"
        )
        third, _ = _add(
            project, tmp_path, "c.wav", f0=220, speaker="bob", transcript="what a lovely day"
        )
        project.annotate(second, "carla", "angry", accepted=False, notes="clearly irritated")
        ids = lambda rows: sorted(i for i, _, _ in rows)  # noqa: E731
        assert ids(project.queries.list_analyses(Filters(speaker="ann"))) == [first, second]
        assert ids(project.queries.list_analyses(Filters(text="kettle"))) == [first]
        assert ids(project.queries.list_analyses(Filters(text="irritated"))) == [
            second
        ]  # annotation notes
        assert ids(project.queries.list_analyses(Filters(text='"lovely day" OR boiling'))) == [
            first,
            third,
        ]
        assert ids(project.queries.list_analyses(Filters(annotator="carla", label="angry"))) == [
            second
        ]
        assert ids(
            project.queries.list_analyses(Filters(since="2000-01-01", until="2999-12-31"))
        ) == [
            first,
            second,
            third,
        ]
        assert project.queries.list_analyses(Filters(until="2000-01-01")) == []
        with pytest.raises(SearchError, match="quoted phrases"):
            project.queries.list_analyses(Filters(text='"unbalanced'))
        baseline = project.recompute_baseline("ann")
        assert baseline.n_recordings == 2 and baseline.f0_reference_hz == pytest.approx(
            145, rel=0.03
        )
        assert project.speaker("ann") == baseline


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "p.emostudio"
    Project(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _migrations VALUES (99, 'from the future', '2030')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerStoreError, match="newer EmoStudio"):
        Project(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"this is a text file, not a project\n" * 100,
            "not a usable EmoStudio project|not an SQLite database",
        ),
        (
            b"SQLite format 3\x00" + b"\x00" * 84 + b"\xff" * 4000,
            "not a usable|damaged|not an SQLite",
        ),
    ],
)
def test_foreign_or_corrupt_files_are_refused_untouched(tmp_path, content, message):
    path = tmp_path / "p.emostudio"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=message):
        Project(path)
    assert path.read_bytes() == content


def test_another_apps_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an EmoStudio project"):
        Project(path)


def test_read_only_project_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write read-only files")
    path = tmp_path / "p.emostudio"
    Project(path).close()
    os.chmod(path, 0o400)
    with pytest.raises(StoreError), Project(path) as project:
        _add(project, tmp_path, "a.wav")


def test_saving_the_same_judgement_again_adds_nothing(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        analysis_id, _ = _add(project, tmp_path, "a.wav")
        judged = [{"citation": 0, "agree": False}]
        first = project.annotate(analysis_id, "ann", "sad", accepted=False, judgements=judged)
        again = project.annotate(analysis_id, "ann", "sad", accepted=False, judgements=judged)
        assert again == first and len(project.annotations(analysis_id)) == 1
        other = project.annotate(analysis_id, "bob", "sad", accepted=False, judgements=judged)
        changed = project.annotate(analysis_id, "ann", "sad", accepted=False, notes="tired")
        back = project.annotate(analysis_id, "ann", "sad", accepted=False, judgements=judged)
        assert len({first, other, changed, back}) == 4  # another annotator, or a change, appends
        assert len(project.annotations(analysis_id)) == 4


def test_a_recording_changes_speaker_and_both_baselines_follow(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        _, low = _add(project, tmp_path, "low.wav", f0=110.0, speaker="ann")
        _, high = _add(project, tmp_path, "high.wav", f0=220.0, speaker="ann")
        project.recompute_baseline("ann")
        before = project.speaker("ann").f0_reference_hz
        project.set_speaker(high.sha256, "bea")
        assert project.recording(high.sha256)["speaker"] == "bea"
        assert project.speaker("ann").n_recordings == 1 and project.speaker("bea").n_recordings == 1
        assert (
            project.speaker("ann").f0_reference_hz < before < project.speaker("bea").f0_reference_hz
        )
        project.set_speaker(low.sha256, None)
        assert project.speaker("ann") is None  # no recording of hers is left
        with pytest.raises(StoreError, match="no recording"):
            project.set_speaker("0" * 64, "ann")
