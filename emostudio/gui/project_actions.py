"""The main window's projects and their dialogs: new and open, import a folder, export,
annotators' agreement and a speaker's course.

A mixin of :class:`emostudio.gui.main_window.MainWindow`, which provides ``session``,
``settings``, ``data_dir``, ``browser``, ``project_label``, ``_bind_annotation`` and
``show_error``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from emostudio.gui.agreement_dialog import AgreementDialog
from emostudio.gui.dialogs import ExportDialog, ImportDialog
from emostudio.gui.speaker_course import SpeakerCourseDialog

PROJECT_FILTER = "EmoStudio projects (*.emostudio);;All files (*)"


class ProjectActions:
    """Projects and the dialogs that work on one (see the module's notes)."""

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New project", str(self.data_dir / "study.emostudio"), PROJECT_FILTER
        )
        if path:
            self.open_project(path if path.endswith(".emostudio") else f"{path}.emostudio")

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", str(self.data_dir), PROJECT_FILTER
        )
        if path:
            self.open_project(path)

    def open_project(self, path: str) -> None:
        self.session.open_project(path)
        if self.session.project is not None and self.session.project.path == Path(path):
            self.settings.setValue("project", str(path))

    def _project_changed(self, project) -> None:
        self.browser.set_project(project)
        # An analysis on screen belongs to the project it was saved in, not to this one.
        self._bind_annotation()
        self.project_label.setText(f"project: {project.path.name}" if project else "no project")
        if project is not None:
            self.project_label.setToolTip(str(project.path))

    def import_folder(self, folder: str = "") -> None:
        if self.session.project is None:
            self.show_error("open or create a project first (File > New project)")
            return
        dialog = ImportDialog(
            self.session.project.path, folder if isinstance(folder, str) else "", self
        )
        dialog.finished_import.connect(
            lambda _summary: self.browser.set_project(self.session.project)
        )
        dialog.message.connect(self.show_error)
        dialog.show()
        self.import_dialog = dialog

    def export(self) -> None:
        if self.session.project is None:
            self.show_error("open a project to export its analyses")
            return
        self.export_dialog = ExportDialog(self.session.project.path, self.browser.filters(), self)
        self.export_dialog.show()

    def show_agreement(self) -> None:
        if self.session.project is None:
            self.show_error("open a project to measure its annotators' agreement")
            return
        self.agreement_dialog = AgreementDialog(self.session.project.path, self)
        self.agreement_dialog.show()

    def speaker_course(self) -> None:
        if self.session.project is None:
            self.show_error("open a project to follow a speaker across its recordings")
            return
        dialog = SpeakerCourseDialog(self.session.project.path, parent=self)
        dialog.open_analysis.connect(self.session.open_analysis)
        dialog.message.connect(self.show_error)
        dialog.show()
        self.course_dialog = dialog
