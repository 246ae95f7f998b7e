"""The timeline: waveform, spectrogram, pitch, intensity and words on one time axis.

Zoom with the wheel or +/-, pan by dragging or with the arrow keys, select with
Shift+drag, click a word to move the cursor there. Citations light up their spans on
the plot that measures them. The word tier labels the words that fit at the current zoom,
the most telling first (:mod:`emostudio.gui.word_tier`), and says when it left some out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from emostudio.display import Envelope
from emostudio.gui.emotion_tier import EMOTION_TIER_HEIGHT, EmotionTier
from emostudio.gui.word_tier import TierLayout, layout_words
from emostudio.readout import (
    SEMITONE_REFERENCE,
    intensity_display,
    readout_line,
    word_at,
)
from model_core.cues.catalog import PLOT_OF_ASPECT
from model_core.kinds import VerdictKind

VERDICT_COLOURS = {
    VerdictKind.SUPPORTED: "#2e9e44",
    VerdictKind.CONTRADICTED: "#d03b3b",
    VerdictKind.NOT_MEASURABLE: "#8a8f98",
    VerdictKind.NOT_FOUND: "#e08a00",
    VerdictKind.TRANSCRIPT_UNRELIABLE: "#b45309",
    VerdictKind.UNCHECKED: "#7c3aed",
}
PLOT_OF_KIND = PLOT_OF_ASPECT  # which plot shows a citation of each kind (the cue catalog's)
WORD_TIER_HEIGHT = 56  # px: the axis (time) and one line of words
TIME_AXIS_LABEL = "time (s)"
WORDS_TOOLTIP = "the words, on the recording's time axis (click one to move the cursor there)"


EMPTY_HINT = "Open a recording (Ctrl+O), drop a file here, or record (Ctrl+R)"
EMPTY_SECONDS = 10.0


class SelectingViewBox(pg.ViewBox):
    """Drag pans; Shift+drag selects a time span."""

    def __init__(self, timeline: Timeline):
        super().__init__()
        self.timeline = timeline
        self.setMouseEnabled(x=True, y=False)

    def mouseDragEvent(self, event, axis=None):
        if (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            and event.button() == Qt.MouseButton.LeftButton
        ):
            event.accept()
            start = self.mapSceneToView(event.buttonDownScenePos()).x()
            end = self.mapSceneToView(event.scenePos()).x()
            self.timeline.set_selection(min(start, end), max(start, end))
        else:
            super().mouseDragEvent(event, axis)


class Timeline(QWidget):
    seek = Signal(float)  # seconds
    selection_changed = Signal(float, float)
    view_changed = Signal(float, float)
    utterance_clicked = Signal(int)  # the utterance's number on the emotion tier

    def __init__(self, parent=None):
        super().__init__(parent)
        self.envelope: Envelope | None = None
        self.words: list[dict[str, Any]] = []
        self.duration = 0.0
        self.semitones = False
        self._pitch_track = self._intensity_track = None
        self._pointer: tuple[str, QPointF] | None = None  # plot and scene position of the mouse
        self.graphics = pg.GraphicsLayoutWidget()
        self.readout = QLabel(" ")
        self.readout.setObjectName("readout")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.readout)
        self.plots: dict[str, pg.PlotItem] = {}
        # Minimum heights that fit a 1280x720 screen; the plots share what is left by their
        # stretch, and the word tier keeps a fixed height so it never shrinks to a sliver.
        for row, (name, label, height, stretch) in enumerate(
            (
                ("waveform", "amplitude", 60, 3),
                ("spectrogram", "Hz", 70, 4),
                ("pitch", "F0 (Hz)", 60, 3),
                ("intensity", "dB", 50, 2),
                ("emotion", "emotion", EMOTION_TIER_HEIGHT, 0),
                ("words", "words", WORD_TIER_HEIGHT, 0),
            )
        ):
            plot = self.graphics.addPlot(row=row, col=0, viewBox=SelectingViewBox(self))
            plot.setLabel("left", label)
            plot.setMinimumHeight(height)
            self.graphics.ci.layout.setRowStretchFactor(row, stretch)
            if name == "words":
                plot.setMaximumHeight(height + 20)
            if name == "emotion":
                plot.setMaximumHeight(height)
                plot.getAxis("left").setTicks([[]])
                plot.setMouseEnabled(y=False)
            plot.showGrid(x=True, y=name not in ("words", "emotion"), alpha=0.15)
            plot.getAxis("left").setWidth(52)
            plot.getAxis("left").enableAutoSIPrefix(
                False
            )  # values in their units, never "(x0.001)"
            if name != "words":
                plot.hideAxis(
                    "bottom"
                )  # one time axis, at the bottom: fewer axes to repaint on pan
            else:
                plot.setLabel("bottom", TIME_AXIS_LABEL)
                plot.getAxis("bottom").enableAutoSIPrefix(
                    False
                )  # seconds stay seconds, never "x0.001"
                plot.getAxis("left").setTicks([[]])
                plot.setYRange(0, 1)
            if self.plots:
                plot.setXLink(self.plots["waveform"])
            self.plots[name] = plot
        self.wave = self.plots["waveform"].plot(pen=pg.mkPen("#3b7dd8", width=1))
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("inferno"))
        self.plots["spectrogram"].addItem(self.image)
        self.plots["spectrogram"].setYRange(0, 5000)
        # Lines broken at NaN (unvoiced frames), drawn only where visible and thinned to the
        # screen's width: an hour of pitch is 360,000 frames.
        self.pitch = self.plots["pitch"].plot(pen=pg.mkPen("#c2410c", width=2), connect="finite")
        self.intensity = self.plots["intensity"].plot(
            pen=pg.mkPen("#15803d", width=1.5), connect="finite"
        )
        for curve in (self.pitch, self.intensity):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.region = pg.LinearRegionItem(movable=True, brush=QColor(59, 125, 216, 40))
        self.region.hide()
        self.region.sigRegionChangeFinished.connect(self._region_moved)
        self.plots["waveform"].addItem(self.region)
        self.cursors = []
        for plot in self.plots.values():
            cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#e11d48", width=1.5))
            cursor.setZValue(20)
            plot.addItem(cursor)
            self.cursors.append(cursor)
        self.emotion = EmotionTier(self.plots["emotion"])
        self.placeholder = pg.TextItem(EMPTY_HINT, anchor=(0.5, 0.5), color="#888")
        self.plots["waveform"].addItem(self.placeholder)
        self._show_empty()
        self.highlights: list[tuple[pg.PlotItem, pg.GraphicsObject]] = []
        self.word_items: list[pg.TextItem] = []
        self.word_layout = TierLayout((), 0)
        # The labels' own font, so that the layout measures exactly what is drawn.
        self._word_font = QFont(self.font())
        self._word_metrics = QFontMetricsF(self._word_font)
        self._label_widths: dict[str, float] = {}
        self._range_timer = QTimer(self, singleShot=True, interval=60)
        self._range_timer.timeout.connect(self._redraw_range)
        self.plots["waveform"].sigXRangeChanged.connect(lambda *_: self._range_timer.start())
        # A wider or narrower tier holds more or fewer labels (a dock opened or closed).
        self._words_timer = QTimer(self, singleShot=True, interval=60)
        self._words_timer.timeout.connect(lambda: self._set_words(self.words))
        self.plots["words"].vb.sigResized.connect(lambda *_: self._words_timer.start())
        self.graphics.scene().sigMouseMoved.connect(self._mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._mouse_clicked)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _show_empty(self) -> None:
        """Before a recording: sane axes (10 s, speech ranges) and a hint instead of a blank."""
        for plot in self.plots.values():
            plot.setLimits(xMin=None, xMax=None)
        self.plots["waveform"].setXRange(0, EMPTY_SECONDS, padding=0)
        self.plots["waveform"].setYRange(-1, 1)
        self.plots["pitch"].setYRange(75, 400)
        self.plots["intensity"].setYRange(30, 90)
        self.placeholder.setPos(EMPTY_SECONDS / 2, 0)
        self.placeholder.show()

    # ----------------------------------------------------------------- data
    def clear(self) -> None:
        self.envelope, self.words, self.duration = None, [], 0.0
        self._pitch_track = self._intensity_track = None
        self._pointer = None
        self.readout.setText(" ")
        self.wave.setData([], [])
        self.image.clear()
        self.pitch.setData([], [])
        self.intensity.setData([], [])
        self.region.hide()
        self.clear_highlights()
        self._set_words([])
        self.emotion.clear()
        self.set_cursor(0.0)
        self._show_empty()

    def set_envelope(self, envelope: Envelope) -> None:
        self.envelope, self.duration = envelope, envelope.duration
        self.placeholder.hide()
        for plot in self.plots.values():
            plot.setLimits(xMin=0, xMax=max(envelope.duration, 0.01))
        self.plots["waveform"].setXRange(0, envelope.duration, padding=0)
        peak = float(
            max(
                abs(envelope.levels[-1].minimum.min()), abs(envelope.levels[-1].maximum.max()), 1e-4
            )
        )
        self.plots["waveform"].setYRange(-peak, peak)
        self._redraw_range()

    def set_tracks(self, tracks: dict) -> None:
        if "pitch" in tracks:
            self._pitch_track = tracks["pitch"]
            self._draw_pitch()
        if "intensity" in tracks:
            track = self._intensity_track = tracks["intensity"]
            values, (low, high) = intensity_display(track.values)  # silence drawn as a gap
            self.intensity.setData(track.times, values)
            self.plots["intensity"].setYRange(low, high, padding=0)

    def set_colours(self, colours: dict[str, str]) -> None:
        """Follow the theme: plot background, axes and word labels."""
        self.graphics.setBackground(colours["plot"])
        for plot in self.plots.values():
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(colours["axis"])
                axis.setTextPen(colours["axis"])
        self._set_words(self.words)

    def set_semitones(self, on: bool) -> None:
        self.semitones = on
        self.plots["pitch"].setLabel("left", "F0 (st re 100 Hz)" if on else "F0 (Hz)")
        self._draw_pitch()

    def _draw_pitch(self) -> None:
        track = self._pitch_track
        if track is None:
            return
        values = track.values
        if self.semitones:
            values = 12 * np.log2(values / SEMITONE_REFERENCE)
        finite = np.isfinite(values)
        self.pitch.setData(track.times, values)
        if finite.any():
            low, high = np.percentile(values[finite], [1, 99])
            margin = max(2.0 if self.semitones else 20.0, 0.1 * (high - low))
            self.plots["pitch"].setYRange(low - margin, high + margin)

    def set_spectrogram(self, value) -> None:
        times, freqs, image, _start, _end = (
            value  # image: (n_times, n_freqs) uint8 (display.spectrogram_image)
        )
        if len(times) < 2 or len(freqs) < 2:
            return
        self.image.setImage(image, autoLevels=False, levels=(0, 255))
        step_t = (times[-1] - times[0]) / (len(times) - 1)
        step_f = (freqs[-1] - freqs[0]) / (len(freqs) - 1)
        self.image.setRect(
            pg.QtCore.QRectF(
                times[0] - step_t / 2, freqs[0], step_t * len(times), step_f * len(freqs)
            )
        )

    def set_words(self, words: list[dict[str, Any]]) -> None:
        self.words = words
        self._set_words(words)

    def _set_words(self, words: list[dict[str, Any]]) -> None:
        """Label the words that fit the tier at the current zoom (see ``word_tier``)."""
        for item in self.word_items:
            self.plots["words"].removeItem(item)
        self.word_items = []
        view = self.plots["waveform"].viewRange()[0]
        width = self.plots["words"].vb.width() or self.graphics.width()
        self.word_layout = layout_words(words, (view[0], view[1]), width, self._label_width)
        colour = "#ddd" if self._dark() else "#222"
        for label in self.word_layout.labels:
            self._add_word_label(label.word, label.x, colour)
        self._show_word_hint(self.word_layout.hint)

    def _add_word_label(self, word: Mapping[str, Any], x: float, colour: str) -> None:
        item = pg.TextItem(word["word"], anchor=(0.5, 0.5), color=colour)
        item.setFont(self._word_font)
        item.setPos(x, 0.5)
        item.setToolTip(
            f"{word['word']}  {word['start']:.2f}-{word['end']:.2f} s  (click to play from here)"
        )
        self.plots["words"].addItem(item)
        self.word_items.append(item)

    def _show_word_hint(self, hint: str) -> None:
        """Say under the tier, and in its tooltip, when words were left out at this zoom."""
        label = f"{TIME_AXIS_LABEL}  \u00b7  {hint}" if hint else TIME_AXIS_LABEL
        axis = self.plots["words"].getAxis("bottom")
        if axis.labelText != label:  # relabelling lays the axis out again: only on a change
            axis.setLabel(label)
        self.plots["words"].vb.setToolTip(hint or WORDS_TOOLTIP)

    def _label_width(self, text: str) -> float:
        """A word label's width in pixels (cached: the tier is laid out on every pan)."""
        width = self._label_widths.get(text)
        if width is None:
            width = self._label_widths[text] = self._word_metrics.horizontalAdvance(text)
        return width

    def _dark(self) -> bool:
        return self.palette().window().color().lightness() < 128

    # ----------------------------------------------------------------- view
    def _redraw_range(self) -> None:
        start, end = self.plots["waveform"].viewRange()[0]
        if self.envelope is not None:
            width = max(200, int(self.graphics.width()))
            times, values = self.envelope.curve(
                max(0.0, start), min(self.duration, end), max_points=4 * width
            )
            self.wave.setData(times, values)
        if self.words:
            self._set_words(self.words)
        if self._pointer is not None:  # the plots moved under a still mouse
            self._mouse_moved(self._pointer[1])
        self.view_changed.emit(start, end)

    def zoom(self, factor: float, centre: float | None = None) -> None:
        start, end = self.plots["waveform"].viewRange()[0]
        centre = (start + end) / 2 if centre is None else centre
        half = max(0.005, (end - start) * factor / 2)
        self.plots["waveform"].setXRange(
            max(0.0, centre - half), min(self.duration, centre + half), padding=0
        )

    def pan(self, fraction: float) -> None:
        start, end = self.plots["waveform"].viewRange()[0]
        shift = (end - start) * fraction
        shift = max(-start, min(shift, self.duration - end))
        self.plots["waveform"].setXRange(start + shift, end + shift, padding=0)

    def show_all(self) -> None:
        self.plots["waveform"].setXRange(0, max(self.duration, 0.01), padding=0)

    def show_span(self, start: float, end: float) -> None:
        """Scroll (and zoom out if needed) so that [start, end] is in view."""
        view_start, view_end = self.plots["waveform"].viewRange()[0]
        width = max(view_end - view_start, (end - start) * 1.5, 0.5)
        if start < view_start or end > view_end:
            centre = (start + end) / 2
            right = centre + width / 2
            self.plots["waveform"].setXRange(
                max(0.0, centre - width / 2),
                min(self.duration, right) if self.duration else right,
                padding=0,
            )

    def keyPressEvent(self, event):
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(0.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom(2.0)
        elif key == Qt.Key.Key_Left:
            self.pan(-0.25)
        elif key == Qt.Key.Key_Right:
            self.pan(0.25)
        elif key == Qt.Key.Key_Home:
            self.show_all()
        else:
            super().keyPressEvent(event)

    # ----------------------------------------------------------------- selection, cursor
    def set_selection(self, start: float, end: float) -> None:
        # Before the envelope the duration is unknown (0): a stored utterance opened from
        # the sessions list is selected as it is.
        start, end = max(0.0, start), min(self.duration, end) if self.duration else end
        if end - start < 0.01:
            self.region.hide()
            return
        self.region.setRegion((start, end))
        self.region.show()
        self.selection_changed.emit(start, end)

    def selection(self) -> tuple[float, float] | None:
        return tuple(self.region.getRegion()) if self.region.isVisible() else None

    def clear_selection(self) -> None:
        self.region.hide()

    def _region_moved(self) -> None:
        start, end = self.region.getRegion()
        self.selection_changed.emit(start, end)

    def set_cursor(self, seconds: float) -> None:
        for cursor in self.cursors:
            cursor.setValue(seconds)

    # ----------------------------------------------------------------- highlights
    def clear_highlights(self) -> None:
        for plot, item in self.highlights:
            plot.removeItem(item)
        self.highlights = []

    def highlight(self, citation: dict) -> list[tuple[str, float, float]]:
        """Light up a citation's spans on its plot (and on the waveform); return (plot, start, end)."""
        self.clear_highlights()
        colour = QColor(VERDICT_COLOURS.get(citation["verdict"], "#8a8f98"))
        colour.setAlpha(70)
        target = PLOT_OF_KIND.get(citation["kind"], "waveform")
        shown = []
        for start, end in citation["spans"]:
            for name in {target, "waveform"}:
                item = pg.LinearRegionItem(
                    (start, end), movable=False, brush=colour, pen=pg.mkPen(None)
                )
                item.setZValue(-5)
                self.plots[name].addItem(item)
                self.highlights.append((self.plots[name], item))
                shown.append((name, start, end))
        if citation["spans"]:
            first = min(a for a, _ in citation["spans"])
            last = max(b for _, b in citation["spans"])
            self.show_span(first, last)
        return shown

    # ----------------------------------------------------------------- mouse
    def _plot_under(self, position: QPointF) -> str | None:
        for name, plot in self.plots.items():
            if plot.sceneBoundingRect().contains(position):
                return name
        return None

    def _mouse_moved(self, position: QPointF) -> None:
        """The measured values at the mouse's time; its height on the plot only as "pointer"."""
        name = self._plot_under(position)
        if name is None:
            return
        self._pointer = (name, position)
        point = self.plots[name].vb.mapSceneToView(position)
        pointer = {"spectrogram": f"{point.y():.0f} Hz"}.get(name, "")
        envelope = self.envelope
        self.readout.setText(
            readout_line(
                point.x(),
                pitch=self._pitch_track,
                intensity=self._intensity_track,
                samples=envelope.samples if envelope is not None else None,
                sample_rate=envelope.sample_rate if envelope is not None else None,
                words=self.words,
                semitones=self.semitones,
                pointer=pointer,
            )
        )

    def _mouse_clicked(self, event) -> None:
        name = self._plot_under(event.scenePos())
        if name is None or event.button() != Qt.MouseButton.LeftButton:
            return
        seconds = self.plots[name].vb.mapSceneToView(event.scenePos()).x()
        if name == "emotion":
            number = self.emotion.number_at(seconds)
            if number is not None:
                self.utterance_clicked.emit(number)
                return
        if name == "words":
            word = word_at(self.words, seconds)
            if word:
                seconds = word["start"]
        self.set_cursor(seconds)
        self.seek.emit(seconds)
