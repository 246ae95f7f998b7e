"""The results panel: label probabilities, the rationale with coloured citations, the
clickable transcript, and the cue table against the speaker's baseline, with the
eGeMAPS functionals in a tab beside it (:mod:`emostudio.gui.features_panel`)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from emostudio.gui.baseline import describe, describe_used
from emostudio.gui.features_panel import FeaturesPanel
from emostudio.gui.timeline import VERDICT_COLOURS
from model_core.cues.levels import MARKED_LEVELS
from model_core.kinds import Stance
from model_core.model.uncertainty import set_text
from model_core.rationale.review import review_summary

# Stance marks beside a cue citation: does the measured cue speak for the label?
STANCE_MARKS = {Stance.FOR: "+", Stance.AGAINST: "\u2212", Stance.NEUTRAL: "\u00b7"}
INCONSISTENT_MARK = "\u26a0"  # presented as support while it speaks against the label
MARK_STYLE = "color:white;font-size:9pt;font-weight:bold"
STANCE_BADGES = {
    Stance.FOR: "#2e9e44",
    Stance.AGAINST: "#6b7280",
    Stance.NEUTRAL: "#a8adb5",
    "inconsistent": "#d03b3b",  # presented as support while it speaks against the label
}


def _badge(stance: str, mark: str) -> str:
    return f'<span style="background-color:{STANCE_BADGES[stance]};{MARK_STYLE}">&nbsp;{mark}&nbsp;</span>'


LEGEND = (
    " ".join(
        f'<span style="color:{colour}">&#9632; {name}</span>'
        for name, colour in VERDICT_COLOURS.items()
    )
    + f"<br>stance: {_badge('for', '+')} for the label {_badge('against', '&minus;')} against, cited as "
    + f"counter-evidence {_badge('neutral', '&middot;')} no expectation "
    + f"{_badge('inconsistent', INCONSISTENT_MARK)} inconsistent: against the label, cited as support"
)


def stance_mark(citation: dict) -> tuple[str, str]:
    """(mark, tooltip sentence) for a cue citation's stance; empty for quotes and for
    citations stored before stances existed."""
    stance, presented = citation.get("stance"), citation.get("presented_as")
    if not stance or not presented:
        return "", ""
    framed = {"support": "as support", "aside": "as an aside"}.get(presented, "as counter-evidence")
    if citation.get("inconsistent"):
        return INCONSISTENT_MARK, (
            f"Inconsistent: presented as support, but the measured cue speaks against "
            f"the label ({citation.get('stance_reason', '')})."
        )
    reason = citation.get("stance_reason", "")
    return STANCE_MARKS.get(stance, ""), f"Stance: {stance} the label, cited {framed} ({reason})."


WAITING = "(analysing: the label and the rationale appear here)"
DRAFTING = "The model's draft, not yet checked:"


class ResultsPanel(QWidget):
    citation_activated = Signal(dict)  # clicked or hovered citation
    word_activated = Signal(float)  # seconds

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("warning")
        self.note.hide()
        layout.addWidget(self.note)
        self.bars_box = QGroupBox("Label")
        label_layout = QVBoxLayout(self.bars_box)
        baseline_row = QHBoxLayout()
        self.baseline = QLabel()  # the baseline behind the label, always in view
        self.baseline.setWordWrap(True)
        self.change_baseline = QPushButton("Baseline...")
        self.change_baseline.setToolTip(
            "judge this recording against its speaker, the sex priors, or "
            "recordings of the same speaker (Ctrl+B)"
        )
        baseline_row.addWidget(self.baseline, 1)
        baseline_row.addWidget(self.change_baseline)
        label_layout.addLayout(baseline_row)
        self.bars = QGridLayout()
        label_layout.addLayout(self.bars)
        # How sure the label is: its prediction set, and why it is unsure when it is.
        self.label_set = QLabel()
        self.label_set.setObjectName("label_set")
        self.label_set.setWordWrap(True)
        self.label_set.hide()
        label_layout.addWidget(self.label_set)
        layout.addWidget(self.bars_box)
        rationale_box = QGroupBox("Rationale")
        rationale_layout = QVBoxLayout(rationale_box)
        self.rationale = QTextBrowser()
        self.rationale.setOpenLinks(False)
        self.rationale.anchorClicked.connect(self._anchor)
        self.rationale.highlighted.connect(self._hovered)
        self.rationale.setMinimumHeight(110)
        rationale_layout.addWidget(self.rationale)
        # Where the rationale came from: the model's (reviewed) or composed, with the
        # rejected draft and the review's findings in the tooltip.
        self.review = QLabel()
        self.review.setObjectName("review")
        self.review.setWordWrap(True)
        self.review.hide()
        rationale_layout.addWidget(self.review)
        legend = QLabel(LEGEND)
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setWordWrap(True)
        rationale_layout.addWidget(legend)
        layout.addWidget(rationale_box, 2)
        transcript_box = QGroupBox("Transcript (click a word to play from it)")
        transcript_layout = QVBoxLayout(transcript_box)
        self.transcript = QTextBrowser()
        self.transcript.setOpenLinks(False)
        self.transcript.anchorClicked.connect(self._anchor)
        self.transcript.setMinimumHeight(70)
        transcript_layout.addWidget(self.transcript)
        layout.addWidget(transcript_box, 1)
        # Beside the cues (against the baseline), the standard eGeMAPS functionals.
        cue_box = QGroupBox("Measurements")
        box_layout = QVBoxLayout(cue_box)
        self.measure_tabs = QTabWidget()
        cue_page = QWidget()
        cue_layout = QVBoxLayout(cue_page)
        cue_layout.setContentsMargins(0, 0, 0, 0)
        self.features = FeaturesPanel()
        self.measure_tabs.addTab(cue_page, "Cues")
        self.measure_tabs.addTab(self.features, "eGeMAPS")
        self.measure_tabs.currentChanged.connect(self._measure_tab_shown)
        box_layout.addWidget(self.measure_tabs)
        self.cue_table = QTableWidget(0, 5)
        self.cue_table.setHorizontalHeaderLabels(["cue", "value", "z", "level", "where (s)"])
        self.cue_table.verticalHeader().hide()
        self.cue_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.cue_table.horizontalHeader().setStretchLastSection(True)
        self.cue_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.descriptor = QLabel()
        self.descriptor.setWordWrap(True)
        self.descriptor.setToolTip("the cues against the speaker's baseline")
        cue_layout.addWidget(self.descriptor)
        cue_layout.addWidget(self.cue_table)
        layout.addWidget(cue_box, 2)
        self.citations: list[dict] = []
        self.words: list[dict] = []
        self.streaming = ""

    def _measure_tab_shown(self, index: int) -> None:
        if self.measure_tabs.widget(index) is self.features:
            self.features.ensure_measured()

    def set_recording(self, recording) -> None:
        """A new recording is open: its eGeMAPS are measured when their tab is shown."""
        self.features.set_recording(recording)
        if self.measure_tabs.currentWidget() is self.features:
            self.features.ensure_measured()

    # ----------------------------------------------------------------- content
    def clear(self) -> None:
        self.note.hide()
        self._set_bars({})
        self.show_label_set(None, None)
        self.rationale.clear()
        self.review.hide()
        self.transcript.clear()
        self.cue_table.setRowCount(0)
        self.descriptor.clear()
        self.citations, self.words, self.streaming = [], [], ""

    def show_baseline(self, baseline, voice_recordings: int = 0) -> None:
        """The baseline the next analysis will use, beside the label; population priors in
        the warning colour."""
        self._show_baseline_text(*describe(baseline, voice_recordings))

    def show_baseline_used(self, result) -> None:
        """The baseline a shown result was judged against (a restored one may differ from
        what the next analysis would use)."""
        self._show_baseline_text(*describe_used(result.baseline, result.cues.get("baseline")))

    def _show_baseline_text(self, text: str, weak: bool) -> None:
        colour = VERDICT_COLOURS["not found"] if weak else "inherit"
        self.baseline.setText(f"<span style='color:{colour}'>{html.escape(text)}</span>")

    def start_streaming(self) -> None:
        """A fresh analysis: the old result goes, and a placeholder that is not evidence."""
        self.streaming = ""
        self._set_bars({})
        self.show_label_set(None, None)
        self.review.hide()
        self.rationale.setHtml(f"<i style='color:gray'>{html.escape(WAITING)}</i>")

    def stream(self, delta: str) -> None:
        """The model's draft as it is written (plain text: nothing in it is checked yet)."""
        self.streaming += delta
        self.rationale.setHtml(
            f"<span style='color:gray'>{html.escape(DRAFTING)}</span><br>{html.escape(self.streaming)}"
        )

    def show_failure(self, message: str) -> None:
        """The analysis stopped: say why under whatever draft had been written."""
        draft = (
            f"<span style='color:gray'>{html.escape(self.streaming)}</span>"
            if self.streaming
            else ""
        )
        self.rationale.setHtml(f"{draft}<p><b>{html.escape(message)}</b></p>")

    def show_probabilities(self, probabilities: dict) -> None:
        """The label as soon as it is scored, before the rationale is written."""
        self._set_bars(
            probabilities, max(probabilities, key=probabilities.get) if probabilities else None
        )

    def show_cues(self, cues: dict) -> None:
        self.descriptor.setText(
            f"<b>{html.escape(cues.get('descriptor', ''))}</b>  "
            f"<span style='color:gray'>(baseline: {html.escape(cues.get('baseline', ''))})</span>"
        )
        rows = list(cues.get("cues", {}).values())
        self.cue_table.setRowCount(len(rows))
        for row, cue in enumerate(rows):
            value = "-" if cue["value"] is None else f"{cue['value']:.3g} {cue['unit']}"
            z = "-" if cue["z"] is None else f"{cue['z']:+.1f}"
            where = ", ".join(f"{a:.2f}-{b:.2f}" for a, b in cue["spans"])
            for column, text in enumerate((cue["label"], value, z, cue["level"], where)):
                item = QTableWidgetItem(text)
                if column == 3 and cue["level"] in MARKED_LEVELS:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.cue_table.setItem(row, column, item)

    def show_result(self, result) -> None:
        self.note.setText(result.note or "")
        self.note.setVisible(bool(result.note))
        self._set_bars(result.probabilities, result.label, result.unsure)
        self.show_label_set(result.label_set, result.uncertainty)
        self.citations, self.words = list(result.citations), list(result.words)
        self.rationale.setHtml(self.rationale_html(result.rationale, self.citations))
        self.show_review(result.rationale_review)
        self.transcript.setHtml(self.transcript_html(self.words, result.transcript_reliability))
        self.show_cues(result.cues)
        self.show_baseline_used(result)

    @staticmethod
    def transcript_html(words: list[dict], reliability: dict | None) -> str:
        """The clickable words, after a warning when the recogniser doubts them."""
        text = (
            " ".join(
                f'<a href="word:{i}" style="text-decoration:none">{html.escape(w["word"])}</a>'
                for i, w in enumerate(words)
            )
            or "<i>(no speech transcribed)</i>"
        )
        if reliability and not reliability.get("reliable", True):
            reasons = "; ".join(html.escape(r) for r in reliability.get("reasons", []))
            text = (
                f'<p style="color:{VERDICT_COLOURS["transcript unreliable"]}"><b>Unreliable transcript</b>: '
                f"{reasons}. The default recogniser (Whisper tiny.en) knows English only; quotes of "
                "these words are not evidence.</p>" + text
            )
        return text

    def show_review(self, review: dict | None) -> None:
        """The rationale's source under it; the model's draft and the review's findings in
        the tooltip."""
        summary = review_summary(review)
        self.review.setVisible(bool(summary))
        self.review.setText(f"<i>{html.escape(summary)}</i>")
        lines = [f"<li>{html.escape(p)}</li>" for p in (review or {}).get("problems", [])]
        draft = (review or {}).get("draft", "")
        tip = f"<b>The model's draft</b><br>{html.escape(draft)}" if draft else ""
        if lines:
            tip += f"<br><b>The review found</b><ul>{''.join(lines)}</ul>"
        self.review.setToolTip(tip)

    @staticmethod
    def rationale_html(text: str, citations: list[dict]) -> str:
        """The rationale with each citation as a coloured link (the verdict in its tooltip)."""
        parts, cursor = [], 0
        for index, citation in sorted(enumerate(citations), key=lambda item: item[1]["start_char"]):
            start, end = citation["start_char"], citation["end_char"]
            if start < cursor:
                continue  # overlapping claims: the first one is marked
            parts.append(html.escape(text[cursor:start]))
            colour = VERDICT_COLOURS.get(citation["verdict"], "#8a8f98")
            mark, why = stance_mark(citation)
            title = html.escape(
                f"{citation['claim']}: {citation['verdict']}. {citation['evidence']}. {why}".strip()
            )
            parts.append(
                f'<a href="citation:{index}" title="{title}" style="color:{colour};'
                f'font-weight:bold;text-decoration:underline">{html.escape(text[start:end])}</a>'
            )
            if mark:
                badge = STANCE_BADGES[
                    "inconsistent" if citation.get("inconsistent") else citation["stance"]
                ]
                parts.append(
                    f'<span title="{html.escape(why)}" style="background-color:{badge};{MARK_STYLE}">'
                    f"&nbsp;{html.escape(mark)}&nbsp;</span>"
                )
            cursor = end
        parts.append(html.escape(text[cursor:]))
        return f"<p style='font-size:11pt'>{''.join(parts)}</p>"

    def show_label_set(self, label_set: list[str] | None, uncertainty: dict | None) -> None:
        """The prediction set under the bars; an unsure label in the warning colour, with
        why, in plain words. Hidden for a model without calibrated sets."""
        if not label_set:
            self.label_set.hide()
            return
        coverage = (uncertainty or {}).get("coverage") or 0.9
        choices = html.escape(set_text(label_set))
        text = (
            f"{coverage:.0%} prediction set: <b>{choices}</b> (on speech of corpora the model "
            "never heard, the true label was in such a set this often)"
        )
        reasons = (uncertainty or {}).get("reasons") or []
        if reasons:
            colour = VERDICT_COLOURS["not found"]
            why = "; ".join(html.escape(r) for r in reasons)
            text = (
                f"<span style='color:{colour}'><b>Unsure</b>: {why}. Read the label as "
                f"<b>{choices}</b>, not as a finding.</span><br>{text}"
            )
        self.label_set.setText(text)
        self.label_set.show()

    def _set_bars(
        self, probabilities: dict, chosen: str | None = None, unsure: bool = False
    ) -> None:
        while self.bars.count():
            widget = self.bars.takeAt(0).widget()
            if widget:
                widget.deleteLater()
        for row, (label, p) in enumerate(sorted(probabilities.items(), key=lambda item: -item[1])):
            name = QLabel(f"<b>{html.escape(label)}</b>" if label == chosen else html.escape(label))
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(round(p * 1000))
            # An unsure label's percentage is never shown bare.
            bar.setFormat(f"{p:.1%} (unsure)" if unsure and label == chosen else f"{p:.1%}")
            bar.setObjectName("probability")
            self.bars.addWidget(name, row, 0)
            self.bars.addWidget(bar, row, 1)

    def probability_bars(self) -> dict[str, float]:
        """What the bars show (for tests and accessibility)."""
        result = {}
        for row in range(self.bars.rowCount()):
            name, bar = self.bars.itemAtPosition(row, 0), self.bars.itemAtPosition(row, 1)
            if name and bar:
                label = name.widget().text().replace("<b>", "").replace("</b>", "")
                result[label] = bar.widget().value() / 1000
        return result

    # ----------------------------------------------------------------- links
    def activate_citation(self, index: int) -> None:
        if 0 <= index < len(self.citations):
            self.citation_activated.emit(self.citations[index])

    def _anchor(self, url) -> None:
        kind, _, number = url.toString().partition(":")
        if kind == "citation":
            self.activate_citation(int(number))
        elif kind == "word" and int(number) < len(self.words):
            self.word_activated.emit(float(self.words[int(number)]["start"]))

    def _hovered(self, url) -> None:
        kind, _, number = url.toString().partition(":")
        if kind == "citation":
            self.activate_citation(int(number))
