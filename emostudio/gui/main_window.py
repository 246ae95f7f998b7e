"""The main window: the timeline in the centre, results and annotation on the right, the
session browser on the left, messages below; menus, shortcuts, playback and recording."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolBar,
    QWidget,
)

from emostudio import __version__
from emostudio.gui import audio_io, window_fit
from emostudio.gui.analysis_control import AnalysisControl
from emostudio.gui.annotate import AnnotationPanel
from emostudio.gui.browser import SessionBrowser
from emostudio.gui.dialogs import SettingsDialog, ShortcutsDialog
from emostudio.gui.failure import Failure, shown
from emostudio.gui.menus import build_menus
from emostudio.gui.playback_control import PlaybackControl
from emostudio.gui.project_actions import ProjectActions
from emostudio.gui.recorder import Recorder
from emostudio.gui.results_panel import ResultsPanel
from emostudio.gui.session import Session
from emostudio.gui.spectrogram_work import DETAIL_SPECTROGRAM_SECONDS
from emostudio.gui.theme import apply_theme, plot_colours
from emostudio.gui.timeline import Timeline
from emostudio.gui.utterances import Utterances

MAX_RECENT = 10
PLAYBACK_TICK_MS = 30


def data_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class MainWindow(PlaybackControl, ProjectActions, AnalysisControl, QMainWindow):
    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        input_factory=None,
        output_factory=None,
        list_devices=audio_io.input_devices,
        model_service=None,
        load_model: bool = True,
    ):
        super().__init__()
        self.settings = QSettings()
        self.data_dir = Path(data_dir) if data_dir else data_folder()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.output_factory = output_factory or audio_io.sounddevice_output
        self.session = Session(model_service, audio_cache=self.data_dir / "audio-cache")
        self.playback: audio_io.Playback | None = None
        self.play_position = 0.0
        self.overview = None  # the whole-file spectrogram, shown again when zooming out
        self.setWindowTitle("EmoStudio")
        self.setAcceptDrops(True)

        self.timeline = Timeline()
        self.setCentralWidget(self.timeline)
        self.utterances = Utterances(self.session)
        self.results = ResultsPanel()
        self.annotation = AnnotationPanel()
        self.annotation.annotator.setText(str(self.settings.value("annotator", "")))
        self.right_tabs = QTabWidget()
        # Scrolled pages: on a small screen the panels scroll instead of forcing a window
        # taller than the screen.
        self.results_page = _scrolled(self.results)
        self.right_tabs.addTab(self.results_page, "Results")
        self.right_tabs.addTab(_scrolled(self.annotation), "Annotate")
        self.browser = SessionBrowser()
        self.messages = QListWidget()
        self.messages.setWordWrap(True)
        self.recorder = Recorder(self._takes_folder(), input_factory, list_devices)
        self._docks()
        self._status_bar()
        self.actions_by_name: dict[str, QAction] = {}
        build_menus(self)
        self._toolbar()
        self._connect()
        self.play_timer = QTimer(self, interval=PLAYBACK_TICK_MS)
        self.play_timer.timeout.connect(self._playback_tick)
        if self.settings.contains("geometry"):
            self.restoreGeometry(self.settings.value("geometry"))
            self.restoreState(self.settings.value("window_state"))
            window_fit.keep_within_screen(self)
        else:
            window_fit.fit_to_screen(self)
        self.set_theme(str(self.settings.value("theme", "light")))
        self.timeline.set_semitones(self.settings.value("pitch_units", "Hz") == "semitones")
        self.session.open_project(
            self.settings.value("project", str(self.data_dir / "My recordings.emostudio"))
        )
        self._report_interrupted_takes()
        if load_model:
            self.load_model()

    # ----------------------------------------------------------------- layout
    def _docks(self) -> None:
        def dock(title: str, widget, area, name: str) -> QDockWidget:
            d = QDockWidget(title, self)
            d.setObjectName(name)
            d.setWidget(widget)
            self.addDockWidget(area, d)
            return d

        self.results_dock = dock(
            "Results", self.right_tabs, Qt.DockWidgetArea.RightDockWidgetArea, "results"
        )
        self.browser_dock = dock(
            "Sessions", self.browser, Qt.DockWidgetArea.LeftDockWidgetArea, "sessions"
        )
        self.messages_dock = dock(
            "Messages", self.messages, Qt.DockWidgetArea.BottomDockWidgetArea, "messages"
        )
        window_fit.set_dock_floors(self, [self.results_dock, self.browser_dock])
        self.resizeDocks(
            [self.results_dock, self.browser_dock], [470, 330], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.messages_dock], [90], Qt.Orientation.Vertical)

    def _status_bar(self) -> None:
        bar = self.statusBar()
        self.busy_label = QLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setFixedWidth(140)
        self.busy_bar.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("stop the analysis (Esc)")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_analysis)
        self.model_label = QLabel("model: loading...")
        self.project_label = QLabel()
        bar.addWidget(self.busy_label, 1)
        bar.addPermanentWidget(self.busy_bar)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.project_label)
        bar.addPermanentWidget(self.model_label)

    def _toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("main toolbar")
        bar.setMovable(False)
        for name in ("open", "play", "analyze", "analyze_selection"):
            bar.addAction(self.actions_by_name[name])
        # Record comes before the zoom buttons: on a narrow window the bar's last items
        # go into its overflow menu, and zooming has keys and a menu while recording has
        # only this.
        bar.addSeparator()
        bar.addWidget(self.recorder)
        bar.addSeparator()
        for name in ("zoom_in", "zoom_out", "zoom_all"):
            bar.addAction(self.actions_by_name[name])
        self.addToolBar(bar)

    def _connect(self) -> None:
        s = self.session
        s.recording_opened.connect(self._recording_opened)
        s.envelope_ready.connect(self.timeline.set_envelope)
        s.tracks_ready.connect(self.timeline.set_tracks)
        s.spectrogram_ready.connect(self._spectrogram_ready)
        s.analysis_started.connect(self._analysis_started)
        s.token.connect(self.results.stream)
        s.labelled.connect(self.results.show_probabilities)
        s.baseline_changed.connect(self.results.show_baseline)
        self.results.change_baseline.clicked.connect(self.choose_baseline)
        s.analysis_ready.connect(self._analysis_ready)
        s.analysis_failed.connect(self._analysis_failed)
        s.analysis_cancelled.connect(self._analysis_cancelled)
        s.busy.connect(self._busy)
        s.error.connect(self.show_error)
        s.project_changed.connect(self._project_changed)
        s.model_changed.connect(self._model_changed)
        s.annotations_changed.connect(self._annotations_changed)
        s.annotation_saved.connect(self._annotation_saved)
        self.timeline.seek.connect(self.seek)
        self.timeline.view_changed.connect(self._view_changed)
        self.results.citation_activated.connect(self.timeline.highlight)
        self.results.word_activated.connect(self._word_clicked)
        self.results.features.failed.connect(self.show_error)
        self.timeline.selection_changed.connect(self._selection_changed)
        self.annotation.submitted.connect(self._annotate)
        self.browser.open_analysis.connect(s.open_analysis)
        self.utterances.changed.connect(self.timeline.emotion.set_intervals)
        self.utterances.current_changed.connect(self._utterance_current)
        self.utterances.running.connect(self._utterances_running)
        self.timeline.utterance_clicked.connect(self.utterances.select)
        self.recorder.kept.connect(lambda path: self.open_file(path, keep_in_project=True))
        self.recorder.message.connect(self.show_error)

    # ----------------------------------------------------------------- files and projects
    def choose_file(self) -> None:
        start = str(self.settings.value("last_folder", str(Path.home())))
        path, _ = QFileDialog.getOpenFileName(self, "Open audio", start, audio_io.AUDIO_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str, keep_in_project: bool = False) -> None:
        self.stop_playback()
        self.settings.setValue("last_folder", str(Path(path).parent))
        recent = [p for p in self.settings.value("recent", [], type=list) if p != path]
        self.settings.setValue("recent", [path, *recent][:MAX_RECENT])
        self._rebuild_recent()
        self.session.open_file(path, keep_in_project=keep_in_project)

    def _rebuild_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.value("recent", [], type=list)
        for path in recent:
            self.recent_menu.addAction(
                Path(path).name, lambda p=path: self.open_file(p)
            ).setToolTip(path)
        self.recent_menu.setEnabled(bool(recent))

    # ----------------------------------------------------------------- drag and drop
    def dragEnterEvent(self, event):
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event):
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        if paths[0].is_dir():
            self.import_folder(str(paths[0]))
        else:
            self.open_file(str(paths[0]))
        if len(paths) > 1:  # one recording at a time: say so rather than drop the rest silently
            names = ", ".join(p.name for p in paths[1:4]) + (", ..." if len(paths) > 4 else "")
            self.show_error(
                f"{len(paths) - 1} more dropped item(s) not opened ({names}): the app opens "
                "one recording at a time; drop a folder to import many"
            )

    # ----------------------------------------------------------------- what the session says
    def _recording_opened(self, recording) -> None:
        # Nothing of the previous recording may stay on screen: its selection, highlight
        # bands, scroll positions, the list's highlight (timeline.clear, results.clear).
        self.timeline.clear()
        self.results.clear()
        self.browser.show_current(None)
        self.statusBar().clearMessage()  # e.g. "selection 1.20-2.40 s" of the last recording
        for page in (self.results_page, self.right_tabs.widget(1)):
            page.verticalScrollBar().setValue(0)
        self.results.set_recording(recording)
        self.annotation.clear()
        self.overview = None
        self.play_position = 0.0
        self.setWindowTitle(f"{recording.name} - EmoStudio")
        for warning in recording.warnings:
            self.show_error(warning)

    def _spectrogram_ready(self, value) -> None:
        _times, _freqs, _db, start, end = value
        if (
            self.session.recording is not None
            and start == 0.0
            and end >= self.session.recording.duration - 1e-6
        ):
            self.overview = value
        self.timeline.set_spectrogram(value)

    def _view_changed(self, start: float, end: float) -> None:
        if end - start <= DETAIL_SPECTROGRAM_SECONDS:
            self.session.detail_spectrogram(start, end)
        elif self.overview is not None and self.session.detail_span is not None:
            self.session.detail_span = None
            self.timeline.set_spectrogram(self.overview)

    def _busy(self, message: str) -> None:
        self.busy_label.setText(message)
        self.busy_bar.setVisible(bool(message))

    def show_error(self, failure: Failure | str) -> None:
        """Every error lands here: non-modal, time-stamped, never lost; a
        :class:`~emostudio.gui.failure.Failure` is formatted here, where it is shown."""
        message = shown(failure)
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        self.messages.addItem(f"{stamp}  {message}")
        self.messages.scrollToBottom()
        self.messages_dock.show()
        self.statusBar().showMessage(message.splitlines()[0], 8000)

    # ----------------------------------------------------------------- annotation
    def _annotate(
        self,
        analysis_id: int,
        annotator: str,
        label: str,
        accepted: bool,
        notes: str,
        judgements: list,
    ) -> None:
        if not annotator:
            self.show_error("enter your name as annotator first: annotations are signed")
            self.annotation.annotator.setFocus()
            return
        self.settings.setValue("annotator", annotator)
        self.session.annotate(analysis_id, annotator, label, accepted, notes, judgements)

    def _bind_annotation(self) -> None:
        """The Annotate tab shows the analysis on screen and every judgement of its recording."""
        session, result = self.session, self.session.result
        if result is None:
            self.annotation.clear()
            return
        project, analysis_id = session.project, session.analysis_id
        history = (
            project.recording_judgements(analysis_id)
            if project is not None and analysis_id is not None
            else []
        )
        labels = session.model_info.get("labels") or sorted(result.probabilities)
        self.annotation.show_result(
            result, list(labels), analysis_id, history, project_open=project is not None
        )

    def _annotations_changed(self, analysis_id) -> None:
        if analysis_id == self.annotation.analysis_id:
            self._bind_annotation()
        self.browser.refresh()  # its human-label column and filters read the annotations

    def _annotation_saved(self, analysis_id: int, added: bool) -> None:
        message = (
            "Annotation saved."
            if added
            else "Nothing new to save: the form says exactly what you saved last time."
        )
        self.annotation.status.setText(message)
        self.statusBar().showMessage(message, 8000)

    # ----------------------------------------------------------------- settings, help
    def set_theme(self, name: str) -> None:
        self.settings.setValue("theme", name)
        apply_theme(QApplication.instance(), name)
        self.timeline.set_colours(plot_colours(name))

    def _toggle_semitones(self, on: bool) -> None:
        self.settings.setValue("pitch_units", "semitones" if on else "Hz")
        self.timeline.set_semitones(on)

    def edit_settings(self) -> None:
        dialog = SettingsDialog(self)
        if dialog.exec():
            dialog.save()
            self.annotation.annotator.setText(str(self.settings.value("annotator", "")))
            self.set_theme(str(self.settings.value("theme", "light")))
            self.actions_by_name["dark"].setChecked(self.settings.value("theme") == "dark")
            semitones = self.settings.value("pitch_units") == "semitones"
            self.actions_by_name["semitones"].setChecked(semitones)
            self.timeline.set_semitones(semitones)
            self.recorder.takes_folder = self._takes_folder()

    def _takes_folder(self) -> Path:
        return Path(str(self.settings.value("takes_folder", "") or self.data_dir / "takes"))

    def _report_interrupted_takes(self) -> None:
        for take in audio_io.interrupted_takes(self._takes_folder()):
            try:
                seconds = audio_io.recover_take(take)
            except (RuntimeError, OSError) as err:  # killed before its header reached the disk
                self.show_error(
                    f"a take was interrupted (the app stopped while recording) before any audio "
                    f"was written; {take} cannot be read ({err})"
                )
            else:
                self.show_error(
                    f"a take was interrupted (the app stopped while recording); its {seconds:.1f} s "
                    f"of audio are kept: {take}"
                )
            take.with_name(take.name + audio_io.RECORDING_MARK).unlink(missing_ok=True)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.actions_by_name.values(), self).exec()

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About EmoStudio",
            f"<b>EmoStudio {__version__}</b><p>A workbench for speech-emotion reasoning: measured "
            "prosody and voice quality, a dual-encoder audio-LLM's label and rationale, and every cited "
            "cue checked against the measurements.</p><p>GPL-3.0-or-later.</p>",
        )

    def closeEvent(self, event):
        if self.recorder.recording:
            self.recorder.stop()  # the take stays on disk; it is offered again next time
        self.stop_playback()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.session.shutdown()
        super().closeEvent(event)
