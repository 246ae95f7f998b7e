"""GUI fixtures: a private settings file and data folder per test, fake sound devices."""

from __future__ import annotations

import gc
import threading
import time

import numpy as np
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QCoreApplication, QSettings


class _FakeStream:
    """What PortAudio streams share: a thread of their own, started and stopped."""

    def __init__(self):
        self.running = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        raise NotImplementedError

    def start(self):
        self.running.set()
        self.thread.start()

    def stop(self):
        self.running.clear()
        self.thread.join()

    def close(self):
        pass


class FakeInput(_FakeStream):
    """An input stream that plays a 220 Hz tone into the callback from its own thread, like PortAudio."""

    def __init__(self, *, samplerate, channels, device, callback, block=480):
        super().__init__()
        self.rate, self.channels, self.callback, self.block = samplerate, channels, callback, block
        self.sent = 0

    def _run(self):
        while self.running.is_set():
            t = (self.sent + np.arange(self.block)) / self.rate
            tone = 0.3 * np.sin(2 * np.pi * 220 * t)
            self.callback(np.repeat(tone[:, None], self.channels, axis=1).astype(np.float32))
            self.sent += self.block
            time.sleep(self.block / self.rate)


class FakeOutput(_FakeStream):
    """An output stream that pulls blocks in real time and keeps what it played."""

    def __init__(self, *, samplerate, channels, callback, block=512):
        super().__init__()
        self.rate, self.callback, self.block = samplerate, callback, block
        self.played = []

    def _run(self):
        while self.running.is_set():
            data = self.callback(self.block)
            self.played.append(data.copy())
            if len(data) < self.block:
                break
            time.sleep(self.block / self.rate)


@pytest.fixture
def settings(tmp_path, qapp):
    """Settings in a temporary INI file, so that tests never touch the user's."""
    QCoreApplication.setOrganizationName("EmoStudioTests")
    QCoreApplication.setApplicationName("EmoStudioTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
    settings = QSettings()
    settings.clear()
    settings.setValue("project", str(tmp_path / "test.emostudio"))
    settings.sync()
    return settings


@pytest.fixture
def make_window(qtbot, qapp, settings, tmp_path):
    """Build a main window with fake sound devices; closed (and its threads stopped) after the test.

    As in the app (``emostudio.gui.app``), Python's garbage collector runs only on the GUI
    thread: a cycle of Qt objects collected on a worker thread is destroyed in the wrong thread.
    """
    from emostudio.gui.main_window import MainWindow

    windows = []
    gc.collect()
    gc.disable()

    def make(devices=((0, "fake microphone"),), **options):
        options.setdefault("load_model", False)
        window = MainWindow(
            data_dir=tmp_path / "data",
            input_factory=FakeInput,
            output_factory=FakeOutput,
            list_devices=lambda: list(devices),
            **options,
        )
        qtbot.addWidget(window)
        # The offscreen screen is 800x800 and the window fits itself to it; the flows are
        # driven in a desktop-sized window (test_window_fit.py tries small screens).
        window.resize(1440, 900)
        window.show()
        windows.append(window)
        return window

    try:
        yield make
    finally:
        for window in windows:
            window.close()
        qapp.processEvents()
        gc.collect()
        gc.enable()
