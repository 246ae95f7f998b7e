"""Work off the GUI thread: results, errors and cancellation come back as signals."""

from __future__ import annotations

import gc
import threading
import time

from emostudio.gui import workers
from model_core.audio import AudioError


def test_a_result_reaches_a_lambda_even_when_the_caller_keeps_no_task(qtbot):
    received, main = [], threading.current_thread()
    threads = []

    def work(report, cancelled):
        report("half way")
        return threading.current_thread().name

    workers.start(
        work,
        done=lambda value: (received.append(value), threads.append(threading.current_thread())),
        progress=lambda value: received.append(value),
    )
    gc.collect()  # the caller dropped the task: its signals must live until the result is delivered
    qtbot.waitUntil(lambda: len(received) == 2, timeout=10_000)
    assert received[0] == "half way"
    assert received[1] != main.name  # the work ran on a pool thread
    assert threads == [main]  # and the callback on the GUI thread


def test_errors_come_back_as_messages(qtbot):
    messages = []

    def bad_audio(report, cancelled):
        raise AudioError("clip.wav", "the file is empty (0 bytes)")

    def bug(report, cancelled):
        raise KeyError("oops")

    workers.start(bad_audio, failed=messages.append)
    workers.start(bug, failed=messages.append)
    qtbot.waitUntil(lambda: len(messages) == 2, timeout=10_000)
    known = next(m for m in messages if "clip.wav" in m)
    unknown = next(m for m in messages if "KeyError" in m)
    assert known == "clip.wav: the file is empty (0 bytes)"  # a user's problem: no traceback
    assert "Traceback" in unknown or "line" in unknown  # a bug: enough to report it


def test_a_cancelled_task_stops_and_says_so(qtbot):
    messages, started = [], threading.Event()

    def slow(report, cancelled):
        started.set()
        while not cancelled():
            time.sleep(0.01)
        raise workers.Cancelled

    task = workers.start(slow, failed=messages.append, done=lambda _: messages.append("finished"))
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: messages == ["cancelled"], timeout=10_000)


def test_stop_all_cancels_and_waits(qtbot):
    ended = threading.Event()

    def slow(report, cancelled):
        while not cancelled():
            time.sleep(0.01)
        ended.set()
        raise workers.Cancelled

    workers.start(slow)
    time.sleep(0.05)
    assert workers.stop_all(5000)
    assert ended.is_set()


def test_the_speaker_voice_is_read_once_per_set_of_recordings(qtbot):
    from types import SimpleNamespace

    from emostudio.gui.workers import ModelService

    service = ModelService()
    try:
        calls = []
        service.analyzer = SimpleNamespace(
            model=SimpleNamespace(head=object()),
            voice_of=lambda clips: calls.append([c.recording.sha256 for c in clips]) or "voice",
        )
        recordings = [SimpleNamespace(sha256=f"{i:064x}") for i in range(3)]
        assert service._voice(recordings) == "voice" and service._voice(recordings) == "voice"
        assert len(calls) == 1 and calls[0] == [r.sha256 for r in recordings]  # read once
        assert service._voice(()) is None
        service.analyzer.model.head = None  # a model without a label head needs no voice
        assert service._voice(recordings[:2]) is None
    finally:
        service.shutdown()


def test_the_window_s_measurements_are_reused_for_the_whole_recording_only(qtbot):
    """The window measures a recording to draw it; the analysis of the whole recording
    reuses that (the same settings), a selection or other settings measure anew."""
    import dataclasses
    from types import SimpleNamespace

    import numpy as np

    from emostudio.gui.workers import ModelService
    from model_core.acoustics import AcousticSettings, analyze_acoustics
    from model_core.acoustics.pitch import PitchSettings
    from model_core.audio import recording_from_array
    from model_core.cues import SpeakerBaseline
    from tests.helpers.signals import harmonic

    samples = harmonic(180, 1.0).astype(np.float32)
    recording = recording_from_array(samples, 16_000, name="take")
    measured = analyze_acoustics(samples, 16_000, source="take")
    service = ModelService()
    try:
        service.analyzer = SimpleNamespace(
            acoustic_settings=AcousticSettings(), baseline=SpeakerBaseline.population()
        )
        clip = service._clip(recording, None, None, None, None, measured)
        assert clip.measured[0] is measured and clip.measured[1].descriptor
        assert service._clip(recording, 0.2, 0.8, None, None, measured).measured is None
        other = AcousticSettings(pitch=dataclasses.replace(PitchSettings(), pitch_floor=120.0))
        service.analyzer.acoustic_settings = other
        assert service._clip(recording, None, None, None, None, measured).measured is None
    finally:
        service.shutdown()
