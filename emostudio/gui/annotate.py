"""Annotation: accept or correct the label, judge each citation, add notes; see the history.

Annotations are appended to the project with the annotator's name; nothing is overwritten.
The form belongs to one stored analysis (``analysis_id``): opening another recording
clears and disables it. Judgements follow the recording: the history lists every judgement
of any analysis of the same recording and span (a re-run with another baseline does not
hide its judges' work), each marked with the run it judged, and the form starts from the
latest of them.
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
        """Bind the form to ``analysis_id`` and show ``history``: the recording's judgements
        (``Project.recording_judgements``, oldest first, each with ``this`` true when it
        judged ``analysis_id``). The label starts from the latest judgement, else the
        model's; the claims' agree/disagree from the latest judgement of this analysis
        (another run's claims are not these)."""
        history = history or []
        self.model_label, self.analysis_id = result.label, analysis_id
        self.label.clear()
        self.label.addItems(labels)
        latest = history[-1] if history else None
        own = [entry for entry in history if entry.get("this", True)]
        latest_own = own[-1] if own else None
        shown = latest["label"] if latest else result.label
        if shown in labels:
            self.label.setCurrentText(shown)
        self._show_claims(result.citations, latest_own)
        self.notes.setPlainText(latest_own["notes"] if latest_own else "")
        self.set_enabled(analysis_id is not None)
        self.status.setText(self._status(result, analysis_id, latest, project_open))
        self.show_history(history)

    def _show_claims(self, citations: list[dict], judged: dict | None) -> None:
        self._clear_judgements()
        for citation in citations:
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
        for judgement in (judged or {}).get("judgements", []):
            index = judgement.get("citation")
            if isinstance(index, int) and 0 <= index < len(self.groups):
                self.groups[index].button(1 if judgement.get("agree") else 0).setChecked(True)

    @staticmethod
    def _status(result, analysis_id: int | None, latest: dict | None, project_open: bool) -> str:
        if analysis_id is None:
            return NOT_SAVED if project_open else NO_PROJECT
        if latest is None:
            return f"The model's label: {result.label}. Accept it or correct it."
        when = latest["created"][:16].replace("T", " ")
        verdict = "accepted" if latest["accepted"] else "corrected to"
        text = f"Latest judgement: {latest['annotator']}, {when} ({verdict} {latest['label']})"
        if latest.get("this", True):
            return text + "."
        return (
            f"{text}, on an earlier analysis of this recording (#{latest['analysis_id']}). "
            f"This analysis (#{analysis_id}, model label {result.label}) is not judged yet: "
            "its claims are new."
        )

    def show_history(self, annotations: list[dict]) -> None:
        lines = []
        for entry in annotations:
            verdict = "accepted" if entry["accepted"] else "corrected to"
            lines.append(
                f"<p><b>{html.escape(entry['annotator'])}</b> {entry['created'][:19].replace('T', ' ')}: "
                f"{verdict} <b>{html.escape(entry['label'])}</b>; {_claims_judged(entry)}. "
                f"{_which_run(entry)} {html.escape(entry['notes'])}</p>"
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


def _claims_judged(entry: dict) -> str:
    judged = len(entry["judgements"])
    if not judged:
        return "no claim judged"
    agreed = sum(1 for j in entry["judgements"] if j.get("agree"))
    return f"agreed with {agreed} of {judged} judged claim{'s' if judged != 1 else ''}"


def _which_run(entry: dict) -> str:
    """Which analysis the judgement was of (empty for histories of one analysis)."""
    if "analysis_id" not in entry:
        return ""
    if entry.get("this"):
        return "<i>(this analysis)</i>"
    made = (entry.get("analysis_created") or "")[:16].replace("T", " ")
    model = html.escape(entry.get("analysis_model") or "")
    return f"<i>(judged analysis #{entry['analysis_id']}, run {made}{', ' + model if model else ''})</i>"
