"""A speaker's course: dates from names or file times, editable; cues against a baseline
of all their recordings or of a chosen period; the CLI's table and CSV."""

from __future__ import annotations

import csv
import io
import os

import numpy as np
import pytest
import soundfile as sf

from emostudio.cli.main import main
from emostudio.store import Project, StoreError
from emostudio.store.course import speaker_course
from emostudio.store.dates import date_in_name, recording_date
from emostudio.store.importer import cues_result
from model_core.audio import load_audio
from model_core.cues import analyze_clip
from tests.helpers.signals import RATE, syllable_train


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("ann_2026-03-14.wav", "2026-03-14"),
        ("20260314_101500.wav", "2026-03-14T10:15:00"),
        ("session.2025.12.01.flac", "2025-12-01"),
        ("take_2026-13-01_2026-02-03.wav", "2026-02-03"),  # month 13 skipped
        ("call 4155551234.wav", None),  # digits running on are no date
        ("id-120260314.wav", None),
        ("no date.wav", None),
    ],
)
def test_a_date_in_the_name_is_read_and_impossible_ones_are_skipped(name, date):
    assert date_in_name(name) == date


def test_without_a_date_in_the_name_the_file_time_is_used(tmp_path):
    path = tmp_path / "plain.wav"
    sf.write(path, syllable_train(2), RATE)
    os.utime(path, (1767225600, 1767225600))  # 2026-01-01T00:00:00Z
    assert recording_date(path) == ("2026-01-01T00:00:00", "file time")
    assert recording_date(None) == (None, None)


def _session(project, folder, name, f0, speaker="pat"):
    path = folder / name
    sf.write(path, syllable_train(5, f0=f0), RATE)
    recording = load_audio(path)
    _, summary = analyze_clip(recording)
    result = cues_result({"recording": recording, "summary": summary})
    project.add_recording(recording, speaker=speaker, analysis=result, kind="cues")
    return recording.sha256, summary.raw_values()["f0_mean"]


@pytest.fixture
def course_project(tmp_path):
    """Five weekly sessions of one speaker, the last two at a higher pitch."""
    project = Project(tmp_path / "p.emostudio")
    f0s = {"pat_2026-01-05.wav": 120.0, "pat_2026-01-12.wav": 124.0, "pat_2026-01-19.wav": 122.0}
    f0s |= {"pat_2026-01-26.wav": 150.0, "pat_2026-02-02.wav": 156.0}
    measured = {name: _session(project, tmp_path, name, f0) for name, f0 in f0s.items()}
    yield project, measured
    project.close()


def test_the_course_is_in_date_order_and_a_fixed_baseline_shows_later_change(course_project):
    project, measured = course_project
    everyone = speaker_course(project, "pat")
    assert [s.recorded for s in everyone.sessions] == [
        "2026-01-05",
        "2026-01-12",
        "2026-01-19",
        "2026-01-26",
        "2026-02-02",
    ]
    assert all(s.in_baseline and s.recorded_source == "name" for s in everyone.sessions)
    early = speaker_course(project, "pat", until="2026-01-19")
    assert [s.in_baseline for s in early.sessions] == [True, True, True, False, False]
    assert early.baseline_text() == "3 recordings from the first to 2026-01-19"
    assert early.notes == []  # three recordings: their own spread
    assert "2 recording(s)" in speaker_course(project, "pat", until="2026-01-12").notes[0]
    # The F0 reference is the three early sessions' geometric mean median F0: the later
    # sessions, about 4 semitones higher, stand far above it; against all five they are
    # nearer the middle.
    late_z = early.sessions[-1].z["f0_mean"]
    assert late_z > 1.0 and late_z > everyone.sessions[-1].z["f0_mean"] + 0.5
    raw = [s.raw["f0_mean"] for s in early.sessions]
    assert raw == pytest.approx([measured[n][1] for n in sorted(measured)])
    stat = early.baseline.stats["f0_mean"]
    semitones = 12 * np.log2(raw[-1] / early.baseline.f0_reference_hz)
    assert late_z == pytest.approx((semitones - stat.mean) / stat.sd)


def test_a_corrected_date_reorders_the_course_and_is_audited(course_project):
    project, measured = course_project
    first = next(iter(measured.values()))[0]
    project.set_recorded(first, "2026-03-01")
    course = speaker_course(project, "pat")
    assert course.sessions[-1].sha256 == first and course.sessions[-1].recorded_source == "edited"
    assert (
        project.conn.execute("SELECT count(*) FROM audit WHERE action = 'set recorded'").fetchone()[
            0
        ]
        == 1
    )
    with pytest.raises(StoreError, match="is not a date"):
        project.set_recorded(first, "last tuesday")
    with pytest.raises(StoreError, match="no recording"):
        project.set_recorded("0" * 64, "2026-01-01")


def test_unknown_speakers_and_empty_periods_are_clear_errors(course_project, tmp_path):
    project, _ = course_project
    with pytest.raises(StoreError, match=r"no recordings of speaker 'bob' \(speakers: pat\)"):
        speaker_course(project, "bob")
    with pytest.raises(StoreError, match="no recording of pat between 2027-01-01"):
        speaker_course(project, "pat", since="2027-01-01")
    sf.write(tmp_path / "solo.wav", syllable_train(3), RATE)
    project.add_recording(load_audio(tmp_path / "solo.wav"), speaker="solo")
    with pytest.raises(StoreError, match="no analysis of a whole recording"):
        speaker_course(project, "solo")


def test_one_recording_is_a_course_of_one_with_a_note(tmp_path):
    with Project(tmp_path / "p.emostudio") as project:
        _session(project, tmp_path, "only_2026-05-01.wav", 140.0, speaker="uma")
        course = speaker_course(project, "uma")
    assert len(course.sessions) == 1 and "1 recording(s)" in course.notes[0]
    assert course.sessions[0].z["f0_mean"] == pytest.approx(0.0, abs=1e-9)


def test_the_cli_prints_the_course_and_its_csv(course_project, capsys):
    project, _ = course_project
    db = str(project.path)
    assert main(["speaker", "pat", "--db", db, "--until", "2026-01-12"]) == 0
    out = capsys.readouterr().out
    assert "baseline: 2 recordings from the first to 2026-01-12" in out
    assert out.count("*  pat_2026-01-") == 2 and "pat_2026-02-02.wav" in out
    assert main(["speaker", "pat", "--db", db, "--csv", "--cues", "f0_mean"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][-2:] == ["f0_mean (Hz)", "f0_mean z"] and len(rows) == 6
    assert [r[0] for r in rows[1:]][:2] == ["2026-01-05", "2026-01-12"]
    assert (
        main(["speaker", "pat", "--db", db, "--set-date", "pat_2026-01-05.wav", "2026-03-01"]) == 0
    )
    assert capsys.readouterr().out.splitlines()[-1].startswith("2026-03-01")
    assert main(["speaker", "pat", "--db", db, "--cues", "loudness"]) == 2
    assert "unknown cue(s) loudness" in capsys.readouterr().err
    assert main(["speaker", "nobody", "--db", db]) == 2
    assert "no recordings of speaker 'nobody'" in capsys.readouterr().err
