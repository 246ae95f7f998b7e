"""Annotation: accept or correct the label, judge each citation, add notes; see the history.

Annotations are appended to the project with the annotator's name; nothing is overwritten.
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


class AnnotationPanel(QWidget):
    submitted = Signal(str, str, bool, str, list)  # annotator, label, accepted, notes, judgements

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
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
        self.groups: list[QButtonGroup] = []
        self.set_enabled(False)

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.label, self.notes, self.save, self.judgement_area):
            widget.setEnabled(enabled)

    def show_result(self, result, labels: list[str], analysis_id: int | None) -> None:
        self.model_label = result.label
        self.label.clear()
        self.label.addItems(labels)
        if result.label in labels:
            self.label.setCurrentText(result.label)
        while self.judgement_layout.count():
            item = self.judgement_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.groups = []
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
        self.notes.clear()
        self.set_enabled(analysis_id is not None)
        self.save.setToolTip("" if analysis_id is not None else "open a project to keep annotations")

    def show_history(self, annotations: list[dict]) -> None:
        lines = []
        for entry in annotations:
            verdict = "accepted" if entry["accepted"] else "corrected to"
            agreed = sum(1 for j in entry["judgements"] if j.get("agree"))
            judged = len(entry["judgements"])
            lines.append(f"<p><b>{html.escape(entry['annotator'])}</b> {entry['created'][:19].replace('T', ' ')}: "
                         f"{verdict} <b>{html.escape(entry['label'])}</b>; agreed with {agreed} of {judged} "
                         f"judged claims. {html.escape(entry['notes'])}</p>")
        self.history.setHtml("".join(lines) or "<i>no annotations yet</i>")

    def _submit(self) -> None:
        label = self.label.currentText()
        judgements = [{"citation": i, "agree": bool(group.checkedId())} for i, group in enumerate(self.groups)
                      if group.checkedId() != -1]
        self.submitted.emit(self.annotator.text().strip(), label, label == self.model_label,
                            self.notes.toPlainText().strip(), judgements)
