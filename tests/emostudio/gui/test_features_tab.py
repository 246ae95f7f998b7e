"""The eGeMAPS tab beside the cue table: filled by a pool task once its tab is shown."""

from __future__ import annotations

import csv
import io

import numpy as np
from PySide6.QtWidgets import QApplication

from model_core.acoustics.feature_sets import extract_features
from model_core.audio import load_audio
from tests.emostudio.gui.test_app_flows import TIMEOUT_MS, speechlike


def test_the_egemaps_tab_fills_after_its_task_and_saves_csv(make_window, qtbot, tmp_path):
    window = make_window()
    path = speechlike(tmp_path / "clip.wav", n=4)
    window.open_file(str(path))
    qtbot.waitUntil(lambda: window.session.recording is not None, timeout=TIMEOUT_MS)
    panel = window.results.features
    assert panel.table.rowCount() == 0 and panel.task is None  # nothing until asked
    window.results.measure_tabs.setCurrentWidget(panel)
    assert panel.task is not None  # measuring off the GUI thread
    qtbot.waitUntil(lambda: panel.table.rowCount() == 88, timeout=TIMEOUT_MS)
    expected = extract_features(load_audio(path))
    assert panel.table.item(0, 0).text() == expected.names[0]
    assert float(panel.table.item(0, 1).text()) == float(f"{expected.values[0]:.4g}")
    assert panel.table.item(0, 2).text() == "st (re 27.5 Hz)"
    saved = tmp_path / "out.csv"
    panel.save(str(saved))
    header, *rows = list(csv.reader(io.StringIO(saved.read_text())))
    assert header == ["feature", "value", "unit"] and len(rows) == 88
    np.testing.assert_allclose([float(r[1]) for r in rows], expected.values, rtol=0, atol=1e-9)
    panel.copy()
    assert QApplication.clipboard().text() == saved.read_text()


def test_a_new_recording_clears_the_tab_and_measures_again(make_window, qtbot, tmp_path):
    window = make_window()
    window.results.measure_tabs.setCurrentWidget(window.results.features)
    panel = window.results.features
    for name, f0 in (("a.wav", 140.0), ("b.wav", 240.0)):
        window.open_file(str(speechlike(tmp_path / name, n=3, f0=f0)))
        qtbot.waitUntil(
            lambda n=name: panel.features is not None and panel.recording.name == n,
            timeout=TIMEOUT_MS,
        )
    f0 = panel.features.as_dict()["F0semitoneFrom27.5Hz_sma3nz_amean"]
    assert abs(f0 - 37.5) < 0.5  # 240 Hz is 37.5 semitones above 27.5 Hz: b.wav's, not a.wav's
