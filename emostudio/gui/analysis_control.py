"""The main window's model and analysis: load and choose the model, analyse the recording
or a selection, follow the analysis to its result or failure, the baseline, cancel.

A mixin of :class:`emostudio.gui.main_window.MainWindow`, which provides ``session``,
``settings``, ``timeline``, ``results``, ``results_page``, ``right_tabs``, ``browser``,
``model_label``, ``cancel_button``, ``playback``, ``stop_playback``, ``_bind_annotation``
and ``show_error``. The model itself runs in the session's workers, never here.
"""

from __future__ import annotations

from emostudio.gui.baseline import SPEAKER, BaselineChoice, BaselineDialog
from emostudio.gui.dialogs import ModelDialog


class AnalysisControl:
    """The model and the analyses (see the module's notes)."""

    def load_model(self) -> None:
        spec = str(self.settings.value("model/spec", "default"))
        device = str(self.settings.value("model/device", "auto"))
        self.model_label.setText(f"model: loading {spec}...")
        self.session.load_model(spec, device)

    def choose_model(self) -> None:
        dialog = ModelDialog(
            str(self.settings.value("model/spec", "default")),
            str(self.settings.value("model/device", "auto")),
            self.session.model_info,
            self,
        )
        if dialog.exec():
            spec, device = dialog.choice()
            self.settings.setValue("model/spec", spec)
            self.settings.setValue("model/device", device)
            self.load_model()

    def _model_changed(self, info: dict) -> None:
        text = f"model: {info['name']} on {info['device']}"
        if not info.get("trained", True):
            text += "  <span style='color:#d03b3b'>(untrained)</span>"
        self.model_label.setText(text)
        self.model_label.setToolTip("labels: " + ", ".join(info["labels"]))

    def analyze(self) -> None:
        self.session.analyze()

    def analyze_selection(self) -> None:
        selection = self.timeline.selection()
        if selection is None:
            self.show_error("select a span first (Shift+drag on the timeline)")
            return
        self.session.analyze(*selection)

    def analyze_utterances(self) -> None:
        self.utterances.analyse()

    def _utterances_running(self, running: bool) -> None:
        """While the utterances are analysed the Cancel button stops them (Esc too)."""
        self.cancel_button.setText("Cancel")
        self.cancel_button.setEnabled(running)
        self.cancel_button.setVisible(running)

    def _utterance_current(self, item) -> None:
        """Frame the utterance on the tier and select its span, scrolled into view."""
        self.timeline.emotion.set_current(item.number if item is not None else None)
        if item is not None:
            self.timeline.set_selection(item.start, item.end)
            self.timeline.show_span(item.start, item.end)
            self.statusBar().showMessage(
                f"utterance {item.number} of {len(self.utterances.items)}: "
                f"{item.start:.2f}-{item.end:.2f} s",
                8000,
            )

    def _analysis_started(self) -> None:
        self.right_tabs.setCurrentWidget(self.results_page)
        self.results.start_streaming()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()

    def _analysis_ready(self, result, analysis_id) -> None:
        self.cancel_button.hide()
        self.results.show_result(result)
        self.timeline.set_words(result.words)
        self._bind_annotation()
        self.browser.show_current(analysis_id)
        if analysis_id is not None:
            self.browser.refresh()

    def _analysis_failed(self, failure) -> None:
        self.cancel_button.hide()
        self.results.show_failure(failure.message())

    def _analysis_cancelled(self) -> None:
        self.cancel_button.hide()
        self.results.show_failure("analysis cancelled")
        self.statusBar().showMessage("analysis cancelled", 8000)

    def choose_baseline(self) -> None:
        """Ask which baseline the recording on screen is judged against."""
        session = self.session
        if session.recording is None:
            self.show_error("open or record something first: a baseline belongs to a recording")
            return
        speakers = session.project.queries.speakers() if session.project is not None else []
        current = session.baseline_choice
        speaker = session.speaker()
        if current.kind == "auto" and speaker:  # show the recording's speaker as the choice
            current = BaselineChoice(SPEAKER, speaker=speaker)
        self.baseline_dialog = BaselineDialog(
            speakers, current, self, has_project=session.project is not None
        )
        self.baseline_dialog.accepted.connect(
            lambda: session.set_baseline(self.baseline_dialog.choice())
        )
        self.baseline_dialog.open()

    def cancel_analysis(self) -> None:
        """Stop the analysis: confirmed at once (``_analysis_cancelled``); the model drops
        its result, and a step under way finishes in the background."""
        self.cancel_button.setEnabled(False)  # until the confirmation, a moment later
        self.session.cancel_analysis()

    def cancel(self) -> None:
        if self.playback is not None:
            self.stop_playback()
        elif self.cancel_button.isVisible():
            self.cancel_analysis()
        else:
            self.timeline.clear_selection()
