"""The speaker course view: sessions across weeks in date order, a baseline fixed to the
first sessions, a click that opens a session, a date corrected in the table."""

from __future__ import annotations

import csv
import os

import pytest
import soundfile as sf

from emostudio.store import Project
from emostudio.store.importer import cues_result
from model_core.audio import load_audio
from model_core.cues import analyze_clip
from tests.helpers.signals import RATE, syllable_train

# Five weekly sessions (dates in the names), the last two at a raised pitch, and one
# session whose name has no date: its file time says 2026-02-09.
SESSIONS = {
    "pat_2026-01-05.wav": 120.0,
    "pat_2026-01-12.wav": 124.0,
    "pat_2026-01-19.wav": 122.0,
    "pat_2026-01-26.wav": 150.0,
    "pat_2026-02-02.wav": 156.0,
    "pat-latest.wav": 158.0,
}
FILE_TIME = 1770638400  # 2026-02-09T12:00:00Z


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "course.emostudio"
    with Project(path) as project:
        for name, f0 in SESSIONS.items():
            audio = tmp_path / name
            sf.write(audio, syllable_train(5, f0=f0), RATE)
            if "2026" not in name:
                os.utime(audio, (FILE_TIME, FILE_TIME))
            recording = load_audio(audio)
            _, summary = analyze_clip(recording)
            result = cues_result({"recording": recording, "summary": summary})
            project.add_recording(recording, speaker="pat", analysis=result, kind="cues")
    return path


def _course_shown(qtbot, dialog, rows):
    qtbot.waitUntil(lambda: dialog.table.rowCount() == rows, timeout=20000)


def test_the_course_view_follows_a_speaker_and_fixes_the_baseline(
    qtbot, settings, project_path, tmp_path
):
    from emostudio.gui.speaker_course import SpeakerCourseDialog

    dialog = SpeakerCourseDialog(project_path)
    qtbot.addWidget(dialog)
    dialog.show()
    _course_shown(qtbot, dialog, 6)
    dates = [dialog.table.item(r, 0).text() for r in range(6)]
    assert dates[:5] == ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26", "2026-02-02"]
    assert dates[5] == "2026-02-09T12:00:00"
    assert dialog.table.item(5, 1).text() == "file time *"
    assert "all 6 recordings of pat" in dialog.baseline_label.text()
    z_all = dialog.course.sessions[-1].z["f0_mean"]

    # The baseline fixed to the first three sessions: later change stands out.
    dialog.since.setDate(dialog.since.date().fromString("2026-01-01", "yyyy-MM-dd"))
    dialog.until.setDate(dialog.until.date().fromString("2026-01-19", "yyyy-MM-dd"))
    dialog.fixed.setChecked(True)
    qtbot.waitUntil(
        lambda: "3 recordings from 2026-01-01 to 2026-01-19" in dialog.baseline_label.text(),
        timeout=20000,
    )
    assert [s.in_baseline for s in dialog.course.sessions] == [True] * 3 + [False] * 3
    assert dialog.course.sessions[-1].z["f0_mean"] > z_all + 0.5
    assert dialog.table.item(3, 1).text() == "name"  # outside the baseline: no mark

    # Clicking a session's point opens its analysis.
    scatters = [
        i for i in dialog.plot.getPlotItem().items if i.__class__.__name__ == "ScatterPlotItem"
    ]
    assert len(scatters) == 3  # the three cues shown by default
    points = scatters[0].points()
    with qtbot.waitSignal(dialog.open_analysis, timeout=2000) as opened:
        scatters[0].sigClicked.emit(scatters[0], [points[-1]], None)
    assert opened.args == [dialog.course.sessions[-1].analysis_id]

    # A date corrected in the table is stored and the course re-sorted.
    dialog.table.item(0, 0).setText("2026-03-01")
    qtbot.waitUntil(lambda: dialog.table.item(5, 0).text() == "2026-03-01", timeout=20000)
    assert dialog.table.item(5, 1).text().startswith("edited")
    with Project(project_path, create=False) as project:
        assert (
            project.conn.execute(
                "SELECT count(*) FROM recordings WHERE recorded_source = 'edited'"
            ).fetchone()[0]
            == 1
        )
    # A date that is not one is refused and the old one put back.
    with qtbot.waitSignal(dialog.message, timeout=2000) as said:
        dialog.table.item(0, 0).setText("next week")
    assert "is not a date" in str(said.args[0]) and dialog.table.item(0, 0).text() == "2026-01-12"

    saved = dialog.save_csv(str(tmp_path / "pat.csv"))
    rows = list(csv.reader(saved.open()))
    assert len(rows) == 7 and rows[0][:2] == ["recorded", "date source"]


def test_a_project_without_speakers_says_so(qtbot, settings, tmp_path):
    from emostudio.gui.speaker_course import SpeakerCourseDialog

    with Project(tmp_path / "empty.emostudio"):
        pass
    dialog = SpeakerCourseDialog(tmp_path / "empty.emostudio")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "No speakers" in dialog.baseline_label.text(), timeout=20000)


def test_the_window_opens_the_course_from_its_menu(make_window, qtbot, project_path):
    window = make_window()
    window.open_project(str(project_path))
    qtbot.waitUntil(lambda: window.session.project is not None, timeout=20000)
    window.actions_by_name["speaker_course"].trigger()
    _course_shown(qtbot, window.course_dialog, 6)
    assert window.course_dialog.speaker.currentText() == "pat"
