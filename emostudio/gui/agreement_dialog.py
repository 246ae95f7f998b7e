"""The agreement report of a project's annotators, shown as the CLI writes it.

The report comes from :func:`emostudio.store.agreement.agreement`, the call behind
``emostudio agreement``. As in the export dialog, it runs on the thread pool with a
project connection of its own; it is fast (SQL and small tables) but a project on a slow
disk should not freeze the window.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
)

from emostudio.gui import workers
from emostudio.gui.failure import Failure

SAVE_FILTERS = {"markdown": "Markdown (*.md);;All files (*)", "csv": "CSV (*.csv);;All files (*)"}


class AgreementDialog(QDialog):
    """Annotator agreement (Cohen's kappa, Krippendorff's alpha) with saving as Markdown or CSV."""

    def __init__(self, project_path: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Annotator agreement")
        self.resize(720, 640)
        self.project_path = Path(project_path)
        self.report = None
        self._asked = 0  # numbers each computation: a stale one never replaces a newer one
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.annotators = QLineEdit()
        self.annotators.setPlaceholderText("all annotators (or names separated by commas)")
        self.annotators.editingFinished.connect(self.refresh)
        self.include_model = QCheckBox("count the model's label as one more rater")
        self.include_model.toggled.connect(self.refresh)
        form.addRow("Annotators", self.annotators)
        form.addRow("", self.include_model)
        layout.addLayout(form)
        self.view = QTextBrowser()
        layout.addWidget(self.view, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.save_markdown = buttons.addButton(
            "Save as Markdown...", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_csv = buttons.addButton("Save as CSV...", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_markdown.clicked.connect(lambda: self._choose_and_save("markdown"))
        self.save_csv.clicked.connect(lambda: self._choose_and_save("csv"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._set_report(None)
        self.refresh()

    def _wanted(self) -> list[str] | None:
        text = self.annotators.text().strip()
        return text.split(",") if text else None

    def refresh(self) -> None:
        """Compute the report again with the chosen annotators and model switch."""
        self._asked += 1
        asked, path = self._asked, self.project_path
        wanted, include_model = self._wanted(), self.include_model.isChecked()

        def job(report, cancelled):
            from emostudio.store import Project
            from emostudio.store.agreement import agreement

            with Project(path, create=False) as project:
                return agreement(project, annotators=wanted, include_model=include_model)

        self.status.setText("measuring...")
        workers.start(
            job,
            done=lambda result: self._done(asked, result),
            failed=lambda failure: self._failed(asked, failure),
        )

    def _done(self, asked: int, report) -> None:
        if asked == self._asked:
            self._set_report(report)
            self.status.setText(
                f"{len(report.raters)} raters, {len(report.items)} items "
                f"({report.multi_rated} with two raters or more)."
            )

    def _failed(self, asked: int, failure: Failure) -> None:
        if asked == self._asked:
            self._set_report(None)
            self.status.setText(
                f"<span style='color:#d03b3b'>{html.escape(failure.message())}</span>"
            )

    def _set_report(self, report) -> None:
        self.report = report
        if report is None:
            self.view.setPlainText("")
        else:
            self.view.setMarkdown(report.to_markdown())
        self.save_markdown.setEnabled(report is not None)
        self.save_csv.setEnabled(report is not None)

    def _choose_and_save(self, fmt: str) -> None:
        folder = QSettings().value("agreement/folder", str(Path.home()))
        suffix = ".md" if fmt == "markdown" else ".csv"
        start = str(Path(folder) / f"{self.project_path.stem}-agreement{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, "Save the report", start, SAVE_FILTERS[fmt])
        if path:
            QSettings().setValue("agreement/folder", str(Path(path).parent))
            self.save(Path(path), fmt)

    def save(self, path: Path, fmt: str) -> bool:
        """Write the shown report to ``path`` as ``"markdown"`` or ``"csv"``; False on failure."""
        if self.report is None:
            return False
        text = self.report.to_markdown() if fmt == "markdown" else self.report.to_csv()
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as err:
            self.status.setText(
                f"<span style='color:#d03b3b'>cannot write {html.escape(str(path))}: "
                f"{html.escape(err.strerror or str(err))}</span>"
            )
            return False
        self.status.setText(f"saved {html.escape(str(path))}")
        return True
