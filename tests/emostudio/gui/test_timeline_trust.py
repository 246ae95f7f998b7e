"""The timeline tells the truth: the readout gives the measured track values at the mouse's
time (not its height) and follows zooming, silence does not squash the intensity plot, and
word labels that do not fit are left out."""

from __future__ import annotations

import itertools
import re

import numpy as np
import soundfile as sf
from PySide6.QtCore import QPointF

from emostudio.readout import value_at
from tests.helpers.signals import RATE, syllable_train

TIMEOUT_MS = 30_000


def opened(make_window, qtbot, path):
    window = make_window()
    window.open_file(str(path))
    qtbot.waitUntil(lambda: bool(window.session.tracks), timeout=TIMEOUT_MS)
    return window


def hover(timeline, plot, seconds, height):
    scene = timeline.plots[plot].vb.mapViewToScene(QPointF(seconds, height))
    timeline.graphics.scene().sigMouseMoved.emit(scene)
    return timeline.readout.text()


def test_the_readout_is_the_track_value_at_the_mouse_time(make_window, qtbot, tmp_path):
    path = tmp_path / "clip.wav"
    sf.write(path, syllable_train(8, f0=180.0), RATE)
    window = opened(make_window, qtbot, path)
    timeline = window.timeline
    pitch = window.session.tracks["pitch"]
    voiced = pitch.times[np.isfinite(pitch.values)]
    t = float(voiced[len(voiced) // 2])
    low, high = timeline.plots["pitch"].viewRange()[1]
    texts = [hover(timeline, "pitch", t, y) for y in (low + 5, (low + high) / 2, high - 5)]
    shown = {re.search(r"F0 ([\d.]+) Hz", text).group(1) for text in texts}
    at = float(re.search(r"t = ([\d.]+)", texts[0]).group(1))
    assert shown == {f"{value_at(pitch.times, pitch.values, at):.1f}"}  # whatever the height
    unvoiced = float(pitch.times[np.isnan(pitch.values)][3])
    assert "F0 unvoiced" in hover(timeline, "pitch", unvoiced, high - 5)
    assert "intensity" in texts[0] and "amplitude" in texts[0]
    spectrum = hover(timeline, "spectrogram", t, 2000)
    assert re.search(r"\(pointer: 2\d{3} Hz\)", spectrum)
    before = hover(timeline, "pitch", t, low + 5)
    timeline.zoom(0.25)  # the plot moves under a still mouse: the readout follows
    qtbot.waitUntil(lambda: timeline.readout.text() != before, timeout=TIMEOUT_MS)


def test_digital_silence_leaves_speech_filling_the_intensity_plot(make_window, qtbot, tmp_path):
    path = tmp_path / "gappy.wav"
    speech = syllable_train(6, f0=150.0)
    sf.write(path, np.concatenate([np.zeros(RATE), speech, np.zeros(RATE)]), RATE)
    window = opened(make_window, qtbot, path)
    low, high = window.timeline.plots["intensity"].viewRange()[1]
    track = window.session.tracks["intensity"].values
    assert np.nanmin(track[np.isfinite(track)]) < np.nanmax(track) - 60  # the silence is deep
    assert low >= np.nanmax(track) - 60 and high <= np.nanmax(track) + 10
    _times, drawn = window.timeline.intensity.getData()
    assert np.isnan(drawn).sum() > 10  # the silences are gaps


def test_word_labels_that_do_not_fit_are_left_out(make_window, qtbot, tmp_path):
    path = tmp_path / "clip.wav"
    sf.write(path, syllable_train(30, f0=180.0), RATE)
    window = opened(make_window, qtbot, path)
    timeline = window.timeline
    words = [
        {"word": f"word{i}", "start": round(0.2 * i, 2), "end": round(0.2 * i + 0.18, 2)}
        for i in range(40)
    ] + [{"word": "um", "start": 5.0, "end": 5.0}]
    timeline.set_words(words)
    timeline.show_all()
    qtbot.waitUntil(lambda: len(timeline.word_items) < len(words), timeout=TIMEOUT_MS)
    positions = sorted(item.pos().x() for item in timeline.word_items)
    assert all(b - a >= 0.18 for a, b in itertools.pairwise(positions))  # never overlapping
    timeline.show_span(1.0, 1.6)
    timeline.zoom(0.1, 1.3)  # zoomed in further, every word has room for its label
    qtbot.waitUntil(
        lambda: any(i.toPlainText() == "word6" for i in timeline.word_items), timeout=TIMEOUT_MS
    )
