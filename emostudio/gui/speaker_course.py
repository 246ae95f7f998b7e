"""The speaker course view: one speaker's sessions over time, against a baseline the user
can fix to a period; click a session to open it, edit a date where it is wrong."""

from __future__ import annotations

import csv
import html
import math
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from emostudio.gui import workers
from emostudio.gui.failure import Failure
from emostudio.store.course import CUES, SHOWN_IN_PLOT, UNITS
from emostudio.store.database import StoreError
from emostudio.store.dates import checked_date
from emostudio.store.spreadsheet import spreadsheet_row

COLOURS = ("#2f6fb0", "#d07a1f", "#3a9a4a", "#b03a8c", "#7a5ab0", "#8c8c2a")
FIXED_COLUMNS = ("recorded", "date source", "recording", "model", "human")


def _timestamp(recorded: str) -> float:
    """Seconds since the epoch (UTC) of an ISO date or time, for the date axis."""
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(recorded if "T" in recorded else recorded + "T12:00:00")
    return moment.replace(tzinfo=UTC).timestamp()


class SpeakerCourseDialog(QDialog):
    """Follow one speaker across sessions (a project's recordings with dates)."""

    open_analysis = Signal(int)  # the session's latest analysis, to open in the window
    message = Signal(object)  # a Failure or a plain message, for the Messages panel

    def __init__(self, project_path: Path, speaker: str | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Speaker course")
        self.resize(1000, 720)
        self.project_path = Path(project_path)
        self.course = None
        self._generation = 0  # the newest request: older answers are stale
        self._filling = False  # table edits made by the code are not the user's
        layout = QVBoxLayout(self)
        layout.addLayout(self._controls())
        self.baseline_label = QLabel("loading...")
        self.baseline_label.setWordWrap(True)
        layout.addWidget(self.baseline_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.addLegend(offset=(10, 10))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        splitter.addWidget(self.plot)
        self.table = QTableWidget()
        self.table.itemChanged.connect(self._date_edited)
        self.table.cellDoubleClicked.connect(lambda row, _: self._open_row(row))
        splitter.addWidget(self.table)
        layout.addWidget(splitter, 1)
        self._wanted_speaker = speaker
        self._load_speakers()

    # ----------------------------------------------------------------- controls
    def _controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.speaker = QComboBox()
        self.speaker.currentTextChanged.connect(self.refresh)
        self.values = QComboBox()
        self.values.addItems(["z against the baseline", "raw values"])
        self.values.currentIndexChanged.connect(self._draw)
        self.cues = QListWidget()
        self.cues.setMaximumHeight(90)
        for cue in CUES:
            item = QListWidgetItem(f"{cue} ({UNITS[cue]})")
            item.setData(Qt.ItemDataRole.UserRole, cue)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if cue in SHOWN_IN_PLOT else Qt.CheckState.Unchecked
            )
            self.cues.addItem(item)
        self.cues.itemChanged.connect(self._draw)
        self.fixed = QCheckBox("fix the baseline to")
        self.fixed.setToolTip("only these sessions form the baseline, so later change shows")
        self.since, self.until = QDateEdit(), QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._period_changed)
        self.fixed.toggled.connect(self.refresh)
        self.save = QPushButton("Save CSV...")
        self.save.clicked.connect(self.save_csv)
        for widget in (QLabel("Speaker"), self.speaker, self.values, self.cues, self.fixed):
            row.addWidget(widget)
        for widget in (self.since, QLabel("to"), self.until, self.save):
            row.addWidget(widget)
        return row

    def chosen_cues(self) -> list[str]:
        items = [self.cues.item(i) for i in range(self.cues.count())]
        return [
            i.data(Qt.ItemDataRole.UserRole)
            for i in items
            if i.checkState() == Qt.CheckState.Checked
        ]

    def period(self) -> tuple[str | None, str | None]:
        if not self.fixed.isChecked():
            return None, None
        return self.since.date().toString("yyyy-MM-dd"), self.until.date().toString("yyyy-MM-dd")

    def _period_changed(self) -> None:
        if self.fixed.isChecked():
            self.refresh()

    # ----------------------------------------------------------------- loading
    def _load_speakers(self) -> None:
        path = self.project_path

        def job(report, cancelled):
            from emostudio.store import Project

            with Project(path, create=False) as project:
                return project.queries.speakers()

        workers.start(job, done=self._speakers_ready, failed=self._failed)

    def _speakers_ready(self, speakers: list[str]) -> None:
        if not speakers:
            self.baseline_label.setText(
                "No speakers in this project yet: give recordings a speaker (import with "
                "--speaker-from, or set it in the session browser)."
            )
            return
        self.speaker.blockSignals(True)
        self.speaker.addItems(speakers)
        if self._wanted_speaker in speakers:
            self.speaker.setCurrentText(self._wanted_speaker)
        self.speaker.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the course of the chosen speaker (off the GUI thread)."""
        speaker = self.speaker.currentText()
        if not speaker:
            return
        self._generation += 1
        generation, path, (since, until) = self._generation, self.project_path, self.period()

        def job(report, cancelled):
            from emostudio.store import Project
            from emostudio.store.course import speaker_course

            with Project(path, create=False) as project:
                return speaker_course(project, speaker, since=since, until=until)

        workers.start(
            job,
            done=lambda course: self._course_ready(generation, course),
            failed=lambda failure: self._failed(failure, generation),
        )

    def _course_ready(self, generation: int, course) -> None:
        if generation != self._generation:
            return
        first_time = self.course is None or self.course.speaker != course.speaker
        self.course = course
        if first_time and not self.fixed.isChecked() and course.sessions:
            self._set_period_edits(course.sessions[0].recorded, course.sessions[-1].recorded)
        notes = "".join(f"<br><i>{html.escape(n)}</i>" for n in course.notes)
        self.baseline_label.setText(
            f"<b>Baseline:</b> {html.escape(course.baseline_text())}{notes}"
        )
        self._fill_table()
        self._draw()

    def _set_period_edits(self, first: str, last: str) -> None:
        for edit, value in ((self.since, first), (self.until, last)):
            edit.blockSignals(True)
            edit.setDate(QDate.fromString(value[:10], "yyyy-MM-dd"))
            edit.blockSignals(False)

    def _failed(self, failure: Failure, generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return
        self.baseline_label.setText(
            f"<span style='color:#d03b3b'>{html.escape(failure.message())}</span>"
        )
        self.message.emit(failure)

    # ----------------------------------------------------------------- showing
    def _fill_table(self) -> None:
        course, cues = self.course, CUES
        self._filling = True
        self.table.clear()
        self.table.setColumnCount(len(FIXED_COLUMNS) + 2 * len(cues))
        header = list(FIXED_COLUMNS)
        for cue in cues:
            header += [f"{cue} ({UNITS[cue]})", f"{cue} z"]
        self.table.setHorizontalHeaderLabels(header)
        self.table.setRowCount(len(course.sessions))
        for row, s in enumerate(course.sessions):
            mark = " *" if s.in_baseline else ""
            cells = [s.recorded, s.recorded_source + mark, s.name]
            cells += [s.model_label or "", s.human_label or ""]
            for cue in cues:
                cells += [_number(s.raw.get(cue)), _number(s.z.get(cue))]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != 0:  # only the date is the user's to correct
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                else:
                    item.setToolTip("when it was recorded: edit to correct it (2026-03-14)")
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self._filling = False

    def _draw(self) -> None:
        self.plot.clear()
        if self.course is None:
            return
        raw = self.values.currentIndex() == 1
        sessions = self.course.sessions
        times = [_timestamp(s.recorded) for s in sessions]
        inside = [t for t, s in zip(times, sessions, strict=True) if s.in_baseline]
        if inside and self.fixed.isChecked():
            region = pg.LinearRegionItem((min(inside), max(inside)), movable=False)
            region.setZValue(-10)
            self.plot.addItem(region)
        for index, cue in enumerate(self.chosen_cues()):
            values = [(s.raw if raw else s.z).get(cue, math.nan) for s in sessions]
            points = [(t, v, s) for t, v, s in zip(times, values, sessions, strict=True) if v == v]
            if not points:
                continue
            colour = COLOURS[index % len(COLOURS)]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            self.plot.plot(
                xs,
                ys,
                pen=pg.mkPen(colour, width=1.5),
                name=f"{cue} ({UNITS[cue]})" if raw else f"{cue} (z)",
            )
            sessions_here = pg.ScatterPlotItem(
                x=xs, y=ys, data=[p[2].analysis_id for p in points], brush=colour, size=10
            )
            sessions_here.setToolTip("click a session to open it")
            sessions_here.sigClicked.connect(self._point_clicked)
            self.plot.addItem(sessions_here)
        self.plot.setLabel("left", "value" if raw else "z against the baseline")

    def _point_clicked(self, _scatter, points, *_) -> None:
        if len(points):
            self.open_analysis.emit(int(points[0].data()))

    def _open_row(self, row: int) -> None:
        if self.course is not None and 0 <= row < len(self.course.sessions):
            self.open_analysis.emit(self.course.sessions[row].analysis_id)

    # ----------------------------------------------------------------- editing, saving
    def _date_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0 or self.course is None:
            return
        session = self.course.sessions[item.row()]
        try:
            date = checked_date(item.text())
        except StoreError as err:  # say why and put the old date back
            self._failed(Failure(err))
            self._fill_table()
            return
        path, sha256 = self.project_path, session.sha256

        def job(report, cancelled):
            from emostudio.store import Project

            with Project(path, create=False) as project:
                project.set_recorded(sha256, date)

        workers.start(job, done=lambda _: self.refresh(), failed=self._failed)

    def save_csv(self, path: str | None = None) -> Path | None:
        """Write the course (every cue, raw and z) as CSV; asks where when no path is given."""
        if self.course is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, "Save the course", f"{self.course.speaker}-course.csv", "CSV (*.csv)"
            )
            if not path:
                return None
        header, rows = self.course.table()
        try:
            with open(path, "w", newline="", encoding="utf-8") as stream:
                writer = csv.writer(stream)
                writer.writerow(header)
                writer.writerows(spreadsheet_row(row) for row in rows)
        except OSError as err:  # a full disk, a folder without write access
            self._failed(Failure(err, f"could not save {path}"))
            return None
        self.message.emit(f"saved the course of {self.course.speaker} to {path}")
        return Path(path)


def _number(value: float | None) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.3g}"
