"""The session browser: the project's analyses, searchable, filterable and sortable.

Queries run on the thread pool (a project of many thousands of analyses must not freeze
the window); opening a row restores its plots and results from the project.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emostudio.gui import workers
from emostudio.gui.failure import Failure
from emostudio.store import Filters
from model_core.model.uncertainty import set_text

COLUMNS = ("recording", "speaker", "model label", "human label", "created", "cues")
# Whose label the label filter reads: as it stands (the latest human judgement, else the
# model's), the model's only, or the latest human judgement only.
LABEL_SIDES = {"as it stands": "label", "model's": "model_label", "human's": "human_label"}
SORTS = {
    "newest": ("created", True),
    "oldest": ("created", False),
    "name": ("name", False),
    "label": ("label", False),
    "longest": ("duration", True),
}
ROW_LIMIT = 2000


ANY_DATE = QDate(2000, 1, 1)


class SessionBrowser(QWidget):
    open_analysis = Signal(int)  # analysis id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.project = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        grid = QGridLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText('search transcripts, rationales, notes ("phrase", OR, NOT)')
        self.search.setClearButtonEnabled(True)
        self.label = QComboBox()
        self.label_side = QComboBox()
        self.label_side.addItems(list(LABEL_SIDES))
        self.label_side.setToolTip(
            "whose label to filter on: the latest human judgement where there is "
            "one (else the model's), the model's only, or the human's only"
        )
        self.speaker = QComboBox()
        self.annotator = QLineEdit()
        self.annotator.setPlaceholderText("annotator")
        # The earliest date stands for "no date filter" and reads as "any date".
        self.since = QDateEdit(ANY_DATE)
        self.since.setMinimumDate(ANY_DATE)
        self.since.setSpecialValueText("any date")
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setCalendarPopup(True)
        self.since.setToolTip(
            "only analyses made on or after this day; the earliest value means any date"
        )
        self.sort = QComboBox()
        self.sort.addItems(list(SORTS))
        grid.addWidget(self.search, 0, 0, 1, 4)
        grid.addWidget(QLabel("label"), 1, 0)
        grid.addWidget(self.label, 1, 1)
        grid.addWidget(self.label_side, 1, 2, 1, 2)
        grid.addWidget(QLabel("speaker"), 2, 0)
        grid.addWidget(self.speaker, 2, 1)
        grid.addWidget(self.annotator, 2, 2, 1, 2)
        grid.addWidget(QLabel("since"), 3, 0)
        grid.addWidget(self.since, 3, 1)
        grid.addWidget(QLabel("sort"), 3, 2)
        grid.addWidget(self.sort, 3, 3)
        layout.addLayout(grid)
        self.status = QLabel("no project open (File > New project / Open project)")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(self._open_row)
        layout.addWidget(self.table, 1)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.refresh)
        for widget, signal in (
            (self.search, "textChanged"),
            (self.annotator, "textChanged"),
            (self.label, "currentIndexChanged"),
            (self.speaker, "currentIndexChanged"),
            (self.label_side, "currentIndexChanged"),
            (self.sort, "currentIndexChanged"),
            (self.since, "dateChanged"),
        ):
            getattr(widget, signal).connect(lambda *_: self._debounce.start())
        self.ids: list[int] = []
        self.current_id: int | None = None  # the analysis on screen, highlighted
        self._query = None
        self._generation = 0  # the latest query's number: older answers are stale

    def set_project(self, project) -> None:
        self.project = project
        self.label.blockSignals(True)
        self.speaker.blockSignals(True)
        self.label.clear()
        self.speaker.clear()
        self.label.addItem("any")
        self.speaker.addItem("any")
        if project is not None:
            self.label.addItems(project.queries.labels())
            self.speaker.addItems(project.queries.speakers())
        self.label.blockSignals(False)
        self.speaker.blockSignals(False)
        self.refresh()

    def filters(self) -> Filters:
        def chosen(combo):
            return None if combo.currentText() in ("", "any") else combo.currentText()

        since = self.since.date()
        side = LABEL_SIDES[self.label_side.currentText()]
        return Filters(
            **{side: chosen(self.label)},
            speaker=chosen(self.speaker),
            annotator=self.annotator.text().strip() or None,
            since=None if since == ANY_DATE else since.toString(Qt.DateFormat.ISODate),
            text=self.search.text().strip() or None,
        )

    def refresh(self) -> None:
        if self.project is None:
            self.table.setRowCount(0)
            self.status.setText("no project open (File > New project / Open project)")
            return
        path, filters, (order, descending) = (
            self.project.path,
            self.filters(),
            SORTS[self.sort.currentText()],
        )

        def query(report, cancelled):
            from emostudio.store import Project

            with Project(
                path, create=False
            ) as reader:  # its own connection: safe off the GUI thread
                # The filters' choices come with the rows: labels and speakers that
                # appeared since the project was opened are offered at once.
                choices = (reader.queries.labels(), reader.queries.speakers())
                return choices, [
                    (
                        i,
                        # An unsure label is shown as its set, never bare.
                        f"{set_text(r.label_set or [r.label])} (unsure)" if r.unsure else r.label,
                        facts["human_label"],
                        _shown_name(facts["name"], r.utterance),
                        facts["speaker"],
                        facts["created"],
                        r.cues.get("descriptor", ""),
                    )
                    for i, r, facts in reader.queries.list_analyses(
                        filters, order=order, descending=descending, limit=ROW_LIMIT
                    )
                ]

        self.status.setText("searching...")
        # Queries can end out of order (a slow one for the previous project, a quick one for
        # the new): only the latest may fill the table.
        self._generation += 1
        generation = self._generation
        self._query = workers.start(
            query,
            done=lambda value: self._show(*value, generation),
            failed=lambda failure: self._failed(failure, generation),
        )

    def _show(self, choices: tuple[list[str], list[str]], rows, generation: int) -> None:
        if generation != self._generation:
            return
        self._offer(self.label, choices[0])
        self._offer(self.speaker, choices[1])
        self.ids = [row[0] for row in rows]
        self.table.setRowCount(len(rows))
        for r, (_, label, human, name, speaker, created, descriptor) in enumerate(rows):
            for c, text in enumerate(
                (
                    name,
                    speaker or "-",
                    label or "(cues only)",
                    human or "-",
                    created[:19].replace("T", " "),
                    descriptor,
                )
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        limit = f" (first {ROW_LIMIT})" if len(rows) == ROW_LIMIT else ""
        noun = "analysis" if len(rows) == 1 else "analyses"
        self.status.setText(f"{len(rows)} {noun}{limit}; double-click one to open it")
        self._select_current()

    @staticmethod
    def _offer(combo: QComboBox, names: list[str]) -> None:
        """Refill a filter's choices ("any" first), keeping what is chosen and not firing
        a new query."""
        wanted = ["any", *names]
        if [combo.itemText(i) for i in range(combo.count())] == wanted:
            return
        chosen = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(wanted)
        combo.setCurrentIndex(max(0, combo.findText(chosen)))
        combo.blockSignals(False)

    def show_current(self, analysis_id: int | None) -> None:
        """Highlight the analysis on screen (none: no row), now and after each refresh."""
        self.current_id = analysis_id
        self._select_current()

    def _select_current(self) -> None:
        self.table.clearSelection()
        if self.current_id in self.ids:
            row = self.ids.index(self.current_id)
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, 0))

    def _failed(self, failure: Failure, generation: int) -> None:
        if generation != self._generation:
            return
        self.status.setText(failure.message())

    def _open_row(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.ids):
            self.open_analysis.emit(self.ids[row])


def _shown_name(name: str, place: dict | None) -> str:
    """A recording's name, with the utterance an analysis is of ("talk.wav #3/12")."""
    return name if place is None else f"{name} #{place['number']}/{place['of']}"
