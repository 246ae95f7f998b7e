"""The eGeMAPS tab beside the cue table: the 88 standard functionals of the open recording.

They are measured on demand (when the tab is first shown for a recording, or on Measure)
in a pool task, never on the GUI thread: opensmile takes about a tenth of the clip's
duration. Like ``emostudio features`` they are measured on the file as it is (its own
sample rate, channels averaged), which the status line states. Copy and Save write the
same CSV: ``feature,value,unit`` (an empty value is not measurable, an empty unit
dimensionless).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from emostudio.gui import workers
from emostudio.gui.failure import Failure
from model_core.acoustics.feature_sets import FeatureSet, extract_features


def features_csv(features: FeatureSet) -> str:
    """``feature,value,unit`` lines with a header; values at full precision."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["feature", "value", "unit"])
    for name, value, unit in zip(
        features.names, features.values.tolist(), features.units, strict=True
    ):
        writer.writerow([name, repr(value) if math.isfinite(value) else "", unit])
    return out.getvalue()


class FeaturesPanel(QWidget):
    """Name, value and unit of each eGeMAPS functional of one recording."""

    failed = Signal(object)  # a Failure, for the window's messages panel

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.status = QLabel("open a recording to measure its eGeMAPS v02 functionals")
        self.status.setWordWrap(True)
        self.measure_button = QPushButton("Measure")
        self.measure_button.setToolTip("eGeMAPS v02 (Eyben et al. 2016) through opensmile")
        self.copy_button = QPushButton("Copy")
        self.save_button = QPushButton("Save CSV...")
        row.addWidget(self.status, 1)
        for button in (self.measure_button, self.copy_button, self.save_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["feature", "value", "unit"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(160)
        layout.addWidget(self.table)
        self.measure_button.clicked.connect(self.measure)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self.save)
        self.recording = None
        self.features: FeatureSet | None = None
        self.task = None
        self._generation = 0  # a late answer for a recording no longer open is dropped
        self._buttons()

    def _buttons(self) -> None:
        self.measure_button.setEnabled(self.recording is not None and self.task is None)
        self.copy_button.setEnabled(self.features is not None)
        self.save_button.setEnabled(self.features is not None)

    def set_recording(self, recording) -> None:
        """Forget the last recording's features (and any measurement still running)."""
        if self.task is not None:
            self.task.cancel()
        self._generation += 1
        self.recording, self.features, self.task = recording, None, None
        self.table.setRowCount(0)
        self.status.setText("not measured yet" if recording is not None else "")
        self._buttons()

    def ensure_measured(self) -> None:
        """Measure unless done or under way (the tab was shown)."""
        if self.features is None and self.task is None and self.recording is not None:
            self.measure()

    def measure(self) -> None:
        if self.recording is None or self.task is not None:
            return
        recording, generation = self.recording, self._generation
        self.status.setText("measuring eGeMAPS...")

        def done(features: FeatureSet) -> None:
            if generation == self._generation:
                self.task = None
                self.show_features(features)

        def failed(failure: Failure) -> None:
            if generation == self._generation:
                self.task = None
                self.status.setText(f"not measured: {failure.message()}")
                self._buttons()
                self.failed.emit(failure.within("eGeMAPS not measured"))

        def cancelled() -> None:
            if generation == self._generation:
                self.task = None
                self.status.setText("not measured: cancelled")
                self._buttons()

        self.task = workers.start(
            lambda _report, _cancelled: extract_features(recording),
            done=done,
            failed=failed,
            cancelled=cancelled,
        )
        self._buttons()

    def show_features(self, features: FeatureSet) -> None:
        self.features = features
        self.table.setRowCount(len(features.names))
        rows = zip(features.names, features.values.tolist(), features.units, strict=True)
        for row, (name, value, unit) in enumerate(rows):
            shown = f"{value:.4g}" if math.isfinite(value) else "-"
            for column, text in enumerate((name, shown, unit)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.status.setText(
            f"{features.name} at {features.sample_rate} Hz, "
            f"{features.start:.2f}-{features.end:.2f} s "
            f"({features.versions.get('opensmile', '')})"
        )
        self._buttons()

    def copy(self) -> None:
        if self.features is not None:
            QApplication.clipboard().setText(features_csv(self.features))

    def save(self, path: str | None = None) -> None:
        if self.features is None:
            return
        if not path:
            stem = Path(self.recording.name).stem if self.recording is not None else "features"
            path, _ = QFileDialog.getSaveFileName(
                self, "Save eGeMAPS as CSV", f"{stem}-egemaps.csv", "CSV (*.csv)"
            )
        if path:
            try:
                Path(path).write_text(features_csv(self.features), encoding="utf-8")
            except OSError as err:
                self.failed.emit(Failure(err, f"{path}: cannot write"))
