"""The main window's playback and cursor: play and stop, the cursor that follows the
sound, seeking (a click on the timeline or a transcript word) and what the status bar says
about the cursor and the selection.

A mixin of :class:`emostudio.gui.main_window.MainWindow`, which provides ``session``,
``timeline``, ``results``, ``playback``, ``play_position``, ``play_timer``,
``output_factory`` and ``show_error``.
"""

from __future__ import annotations

from emostudio.gui import audio_io


class PlaybackControl:
    """Playback and the cursor (see the module's notes)."""

    def toggle_play(self) -> None:
        if self.playback is not None:
            self.stop_playback()
        else:
            self.play(self.play_position)

    def play_selection(self) -> None:
        selection = self.timeline.selection()
        if selection is None:
            self.show_error("select a span first (Shift+drag on the timeline)")
            return
        self.play(*selection)

    def play(self, start: float, end: float | None = None) -> None:
        recording = self.session.recording
        if recording is None:
            return
        self.stop_playback()
        if start >= recording.duration - 0.01:
            start = 0.0
        try:
            self.playback = audio_io.Playback(
                recording.mono,
                recording.sample_rate,
                start,
                end,
                stream_factory=self.output_factory,
            )
        except audio_io.AudioDeviceError as err:
            self.show_error(f"cannot play: {err}")
            return
        self.play_timer.start()

    def stop_playback(self) -> None:
        if self.playback is None:
            return
        self.play_timer.stop()
        playback, self.playback = self.playback, None
        self.play_position = playback.position
        playback.stop()

    def _playback_tick(self) -> None:
        if self.playback is None:
            return
        self.timeline.set_cursor(self.playback.position)
        if self.playback.finished:
            self.stop_playback()

    def _word_clicked(self, seconds: float) -> None:
        """A transcript word: the cursor moves there, and the status bar says so."""
        self.seek(seconds)
        word = next((w["word"] for w in self.results.words if w["start"] == seconds), "")
        if self.playback is None:
            self.statusBar().showMessage(
                f'cursor at "{word}" ({seconds:.2f} s): press Space to play from here', 6000
            )

    def _selection_changed(self, start: float, end: float) -> None:
        self.statusBar().showMessage(
            f"selection {start:.2f}-{end:.2f} s ({end - start:.2f} s): Shift+Space plays it, "
            "Ctrl+Shift+A analyses it"
        )

    def seek(self, seconds: float) -> None:
        playing = self.playback is not None
        self.stop_playback()
        self.play_position = max(0.0, seconds)
        self.timeline.set_cursor(self.play_position)
        if playing:
            self.play(self.play_position)

    def zoom_selection(self) -> None:
        selection = self.timeline.selection()
        if selection is not None:
            self.timeline.plots["waveform"].setXRange(*selection, padding=0.05)
