"""Dialogs: batch import, export, model choice, settings and the shortcut list.

Import and export run the same code as the CLI (``emostudio.store``) on the thread pool,
each with its own connection to the project, so the window stays responsive.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emostudio.gui import workers
from emostudio.gui.failure import Failure
from emostudio.store.export import FORMATS

DEVICES = ("auto", "cpu", "cuda", "mps")


def _path_row(edit: QLineEdit, choose) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    button = QPushButton("Browse...")
    button.clicked.connect(choose)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


def _ok_cancel(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ImportDialog(QDialog):
    """Import a folder into the open project, with progress, per-file errors and cancel."""

    finished_import = Signal(object)  # ImportSummary
    message = Signal(object)  # failures (Failure) and the outcome (str), for the Messages panel

    def __init__(self, project_path: Path, folder: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import a folder")
        self.resize(620, 460)
        self.project_path = Path(project_path)
        self.task: workers.Task | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.folder = QLineEdit(folder)
        form.addRow("Folder", _path_row(self.folder, self._choose))
        self.recursive = QCheckBox("include sub-folders")
        self.recursive.setChecked(True)
        self.cues_only = QCheckBox("measure cues only (fast; no transcript, label or rationale)")
        self.glob = QLineEdit()
        self.glob.setPlaceholderText("e.g. *.wav (default: every audio file)")
        self.speaker = QLineEdit()
        self.speaker.setPlaceholderText(r"regex on the relative path, e.g. ^(\w+)/ (default: none)")
        self.workers = QSpinBox()
        self.workers.setRange(0, 64)
        self.workers.setSpecialValueText("one per core")
        self.copy = QCheckBox("copy the audio into the project (self-contained file)")
        self.features = QCheckBox("also measure eGeMAPS (88 standard voice features per file)")
        for label, widget in (
            ("", self.recursive),
            ("", self.cues_only),
            ("Files", self.glob),
            ("Speaker from", self.speaker),
            ("Workers", self.workers),
            ("", self.copy),
            ("", self.features),
        ):
            form.addRow(label, widget)
        layout.addLayout(form)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m files")
        self.progress.hide()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setPlaceholderText(
            "progress and per-file errors appear here; a failed file never stops the import"
        )
        layout.addWidget(self.progress)
        layout.addWidget(self.log, 1)
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(
            "Cancel import", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.summary = None

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder to import", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def options(self):
        from emostudio.store.importer import ImportOptions

        settings = QSettings()
        return ImportOptions(
            recursive=self.recursive.isChecked(),
            glob=self.glob.text().strip() or None,
            cues_only=self.cues_only.isChecked(),
            model=str(settings.value("model/spec", "default")),
            device=str(settings.value("model/device", "auto")),
            workers=self.workers.value(),
            speaker_from=self.speaker.text().strip() or None,
            copy=self.copy.isChecked(),
            features="egemaps" if self.features.isChecked() else None,
        )

    def start(self) -> None:
        folder = self.folder.text().strip()
        if not folder or not Path(folder).is_dir():
            self.log.appendPlainText(f"not a folder: {folder!r}")
            return
        options, project_path = self.options(), self.project_path
        self.log.clear()
        self.log.appendPlainText(f"importing {folder} ...")
        self.progress.setRange(0, 0)
        self.progress.show()

        def job(report, cancelled):
            from emostudio.store import Project
            from emostudio.store.importer import run_import

            with Project(project_path, actor="emostudio gui import") as project:
                return run_import(
                    project,
                    folder,
                    options,
                    progress=lambda summary, path: report(
                        (summary.candidates, summary.handled, path, list(summary.failed[-1:]))
                    ),
                    cancelled=cancelled,
                )

        self.task = workers.start(
            job, progress=self._progress, done=self._done, failed=self._failed
        )
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

    def _progress(self, update) -> None:
        total, handled, path, last_failure = update
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(handled)
        if last_failure and last_failure[0][0] == path:
            from emostudio.store.importer import failure_text

            line = f"failed: {failure_text(path, last_failure[0][1])}"
            self.log.appendPlainText(line)
            self.message.emit(f"import {line}")

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.log.appendPlainText("cancelling after the current file...")

    def _done(self, summary) -> None:
        self.summary = summary
        self.log.appendPlainText(summary.text())
        if summary.failed:
            self.message.emit(
                f"import finished, {len(summary.failed)} file(s) failed: {summary.text()}"
            )
        self._finished()
        self.finished_import.emit(summary)

    def _failed(self, failure: Failure) -> None:
        stopped = failure.within("import stopped")
        self.log.appendPlainText(stopped.message())
        self.message.emit(stopped)
        self._finished()

    def _finished(self) -> None:
        self.task = None
        self.progress.hide()
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def reject(self) -> None:
        self.cancel()  # closing the dialog stops the import cleanly; a rerun resumes it
        super().reject()


class ExportDialog(QDialog):
    """Export the analyses that match the browser's filters."""

    def __init__(self, project_path: Path, filters, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export analyses")
        self.project_path, self.filters = Path(project_path), filters
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.format = QComboBox()
        self.format.addItems(list(FORMATS))
        # The format last used, not TextGrid every time (an ELAN user exports EAF each time).
        last = str(QSettings().value("export/format", FORMATS[0]))
        self.format.setCurrentIndex(max(0, self.format.findText(last)))
        self.format.setToolTip(
            "TextGrid (Praat) and EAF (ELAN): one file per analysis; CSV and JSON: one file;"
            " manifest: the annotated analyses as training data for emostudio-train"
        )
        self.out = QLineEdit(
            str(QSettings().value("export/folder", str(Path.home() / "emostudio-export")))
        )
        self.anonymise = QCheckBox("replace file and speaker names by pseudonyms")
        form.addRow("Format", self.format)
        form.addRow("Folder", _path_row(self.out, self._choose))
        form.addRow("", self.anonymise)
        layout.addLayout(form)
        layout.addWidget(
            QLabel(f"Analyses: those the session browser shows ({_describe_filters(filters)}).")
        )
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.written: list[Path] = []

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to", self.out.text())
        if folder:
            self.out.setText(folder)

    def start(self) -> None:
        out, fmt, anonymise = (
            self.out.text().strip(),
            self.format.currentText(),
            self.anonymise.isChecked(),
        )
        project_path, filters = self.project_path, self.filters
        QSettings().setValue("export/folder", out)
        QSettings().setValue("export/format", fmt)

        def job(report, cancelled):
            from emostudio.store import Project
            from emostudio.store.export import export

            with Project(project_path, create=False) as project:
                return export(project, out, fmt, filters, anonymise=anonymise)

        self.export_button.setEnabled(False)
        self.result.setText("exporting...")
        workers.start(job, done=self._done, failed=self._failed)

    def _done(self, written) -> None:
        self.written = written
        self.export_button.setEnabled(True)
        self.result.setText(f"wrote {len(written)} file(s) to {html.escape(self.out.text())}")

    def _failed(self, failure: Failure) -> None:
        self.export_button.setEnabled(True)
        self.result.setText(f"<span style='color:#d03b3b'>{html.escape(failure.message())}</span>")


def _describe_filters(filters) -> str:
    chosen = [f"{name} {value!r}" for name, value in vars(filters).items() if value]
    return ", ".join(chosen) if chosen else "all"


# The shipped models the dialog offers, by the name ``--model`` takes (model_core.pipeline's
# SHIPPED_MODELS; not imported here: the GUI process never imports torch).
SHIPPED_CHOICES = {
    "default": "the embedded default model",
    "synthetic": "the synthetic-prosody model (trained on data that allow any use)",
}


class ModelDialog(QDialog):
    """A shipped model or a checkpoint folder, and the device to run it on."""

    def __init__(self, spec: str, device: str, info: dict, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Model")
        layout = QVBoxLayout(self)
        current = QLabel(_model_summary(info))
        current.setWordWrap(True)
        layout.addWidget(current)
        group = QButtonGroup(self)
        self.shipped = {name: QRadioButton(text) for name, text in SHIPPED_CHOICES.items()}
        self.folder_choice = QRadioButton("a checkpoint folder (saved by emostudio-train)")
        for button in (*self.shipped.values(), self.folder_choice):
            group.addButton(button)
            layout.addWidget(button)
        self.default = self.shipped["default"]
        self.folder = QLineEdit("" if spec in SHIPPED_CHOICES else spec)
        self.folder.textEdited.connect(lambda _: self.folder_choice.setChecked(True))
        self.shipped.get(spec, self.folder_choice).setChecked(True)
        layout.addWidget(_path_row(self.folder, self._choose))
        form = QFormLayout()
        self.device = QComboBox()
        self.device.addItems(DEVICES)
        self.device.setCurrentText(device)
        self.device.setToolTip(
            "auto: a CUDA or Apple GPU when there is one (bf16/fp16), else the CPU"
        )
        form.addRow("Device", self.device)
        layout.addLayout(form)
        layout.addWidget(_ok_cancel(self))

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Checkpoint folder", self.folder.text())
        if folder:
            self.folder.setText(folder)
            self.folder_choice.setChecked(True)

    def choice(self) -> tuple[str, str]:
        for name, button in self.shipped.items():
            if button.isChecked():
                return name, self.device.currentText()
        return self.folder.text().strip() or "default", self.device.currentText()


def _model_summary(info: dict) -> str:
    if not info:
        return "<i>no model loaded yet</i>"
    text = (
        f"In use: <b>{html.escape(info['name'])}</b> {html.escape(str(info.get('version', '')))} on "
        f"{html.escape(info['device'])}; labels: {html.escape(', '.join(info['labels']))}."
    )
    if not info.get("trained", True):
        text += (
            "<br><span style='color:#d03b3b'><b>Untrained:</b> its labels and rationales are not "
            "meaningful; the measured cues are.</span>"
        )
    return text


class SettingsDialog(QDialog):
    """Preferences, kept with QSettings."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        settings = QSettings()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.annotator = QLineEdit(str(settings.value("annotator", "")))
        self.theme = QComboBox()
        self.theme.addItems(["light", "dark"])
        self.theme.setCurrentText(str(settings.value("theme", "light")))
        self.pitch_units = QComboBox()
        self.pitch_units.addItems(["Hz", "semitones"])
        self.pitch_units.setCurrentText(str(settings.value("pitch_units", "Hz")))
        self.takes_folder = QLineEdit(str(settings.value("takes_folder", "")))
        form.addRow("Annotator name", self.annotator)
        form.addRow("Theme", self.theme)
        form.addRow("Pitch units", self.pitch_units)
        form.addRow("Takes folder", _path_row(self.takes_folder, self._choose))
        layout.addLayout(form)
        layout.addWidget(_ok_cancel(self))

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Takes folder", self.takes_folder.text())
        if folder:
            self.takes_folder.setText(folder)

    def save(self) -> None:
        settings = QSettings()
        settings.setValue("annotator", self.annotator.text().strip())
        settings.setValue("theme", self.theme.currentText())
        settings.setValue("pitch_units", self.pitch_units.currentText())
        settings.setValue("takes_folder", self.takes_folder.text().strip())


class ShortcutsDialog(QDialog):
    """Every shortcut, from the actions themselves (so the list cannot go stale)."""

    def __init__(self, actions, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(460, 520)
        layout = QVBoxLayout(self)
        rows = [
            (a.text().replace("&", ""), a.shortcut().toString())
            for a in actions
            if not a.shortcut().isEmpty()
        ]
        rows += [
            ("Zoom in / out (timeline)", "+ / -"),
            ("Pan (timeline)", "Left / Right"),
            ("Select a span", "Shift+drag"),
            ("Zoom", "mouse wheel"),
        ]
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["action", "keys"])
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (name, keys) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(name))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.resizeColumnToContents(0)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
