"""Annotation: accept or correct the label, judge each citation, add notes; see the history.

Annotations are appended to the project with the annotator's name; nothing is overwritten.
The form belongs to one stored analysis (``analysis_id``): opening another recording
clears and disables it, and a restored analysis shows its latest human judgement.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

NO_ANALYSIS = (
    "Nothing to annotate yet: analyse the recording on screen (Analysis > Analyse, Ctrl+E)."
)
NO_PROJECT = "Annotations are kept in a project: open or create one (File > New project)."
NOT_SAVED = "This analysis is not in the project, so it cannot be annotated."


class AnnotationPanel(QWidget):
    # analysis id, annotator, label, accepted, notes, judgements
    submitted = Signal(int, str, str, bool, str, list)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.status = QLabel(NO_ANALYSIS)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        form = QFormLayout()
        self.annotator = QLineEdit()
        self.annotator.setPlaceholderText("your name (remembered)")
        self.label = QComboBox()
        form.addRow("Annotator", self.annotator)
        form.addRow("Label", self.label)
        layout.addLayout(form)
        layout.addWidget(QLabel("Citations: do you agree with each claim?"))
        self.judgement_area = QScrollArea()
        self.judgement_area.setWidgetResizable(True)
        self.judgement_widget = QWidget()
        self.judgement_layout = QVBoxLayout(self.judgement_widget)
        self.judgement_area.setWidget(self.judgement_widget)
        layout.addWidget(self.judgement_area, 2)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("notes (searchable)")
        self.notes.setMaximumHeight(80)
        layout.addWidget(self.notes)
        buttons = QHBoxLayout()
        self.save = QPushButton("Save annotation")
        self.save.clicked.connect(self._submit)
        buttons.addStretch(1)
        buttons.addWidget(self.save)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("History (oldest first; nothing is ever overwritten)"))
        self.history = QTextBrowser()
        layout.addWidget(self.history, 1)
        self.model_label: str | None = None
        self.analysis_id: int | None = None
        self.groups: list[QButtonGroup] = []
        self.set_enabled(False)

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.label, self.notes, self.save, self.judgement_area):
            widget.setEnabled(enabled)

    def clear(self, reason: str = NO_ANALYSIS) -> None:
        """No analysis on screen: an empty, disabled form that says why."""
        self.model_label, self.analysis_id = None, None
        self.label.clear()
        self._clear_judgements()
        self.notes.clear()
        self.history.clear()
        self.status.setText(reason)
        self.set_enabled(False)

    def _clear_judgements(self) -> None:
        while self.judgement_layout.count():
            item = self.judgement_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.groups = []

    def show_result(
        self,
        result,
        labels: list[str],
        analysis_id: int | None,
        history: list[dict] | None = None,
        *,
        project_open: bool = True,
    ) -> None:
        """Bind the form to ``analysis_id`` and preload the latest human judgement in
        ``history`` (oldest first), else the model's label."""
        self.model_label, self.analysis_id = result.label, analysis_id
        self.label.clear()
        self.label.addItems(labels)
        latest = history[-1] if history else None
        shown = latest["label"] if latest else result.label
        if shown in labels:
            self.label.setCurrentText(shown)
        self._clear_judgements()
        for citation in result.citations:
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            text = QLabel(f"{html.escape(citation['claim'])} <i>({citation['verdict']})</i>")
            text.setToolTip(citation["evidence"])
            group = QButtonGroup(row)
            agree, disagree = QRadioButton("agree"), QRadioButton("disagree")
            group.addButton(agree, 1)
            group.addButton(disagree, 0)
            row_layout.addWidget(text, 1)
            row_layout.addWidget(agree)
            row_layout.addWidget(disagree)
            self.judgement_layout.addWidget(row)
            self.groups.append(group)
        self.judgement_layout.addStretch(1)
        for judgement in (latest or {}).get("judgements", []):
            index = judgement.get("citation")
            if isinstance(index, int) and 0 <= index < len(self.groups):
                self.groups[index].button(1 if judgement.get("agree") else 0).setChecked(True)
        self.notes.setPlainText(latest["notes"] if latest else "")
        self.set_enabled(analysis_id is not None)
        if analysis_id is None:
            self.status.setText(NOT_SAVED if project_open else NO_PROJECT)
        elif latest:
            when = latest["created"][:16].replace("T", " ")
            self.status.setText(
                f"Showing the latest judgement: {latest['annotator']}, {when} "
                f"({'accepted' if latest['accepted'] else 'corrected to'} {latest['label']})."
            )
        else:
            self.status.setText(f"The model's label: {result.label}. Accept it or correct it.")
        self.show_history(history or [])

    def show_history(self, annotations: list[dict]) -> None:
        lines = []
        for entry in annotations:
            verdict = "accepted" if entry["accepted"] else "corrected to"
            agreed = sum(1 for j in entry["judgements"] if j.get("agree"))
            judged = len(entry["judgements"])
            lines.append(
                f"<p><b>{html.escape(entry['annotator'])}</b> {entry['created'][:19].replace('T', ' ')}: "
                f"{verdict} <b>{html.escape(entry['label'])}</b>; agreed with {agreed} of {judged} "
                f"judged claims. {html.escape(entry['notes'])}</p>"
            )
        self.history.setHtml("".join(lines) or "<i>no annotations yet</i>")

    def _submit(self) -> None:
        if self.analysis_id is None:
            self.status.setText(NO_ANALYSIS)
            return
        label = self.label.currentText()
        judgements = [
            {"citation": i, "agree": bool(group.checkedId())}
            for i, group in enumerate(self.groups)
            if group.checkedId() != -1
        ]
        self.submitted.emit(
            self.analysis_id,
            self.annotator.text().strip(),
            label,
            label == self.model_label,
            self.notes.toPlainText().strip(),
            judgements,
        )
