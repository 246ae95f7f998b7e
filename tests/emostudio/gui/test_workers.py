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


def test_errors_come_back_as_objects_formatted_where_shown(qtbot, caplog):
    failures = []

    def bad_audio(report, cancelled):
        raise AudioError("clip.wav", "the file is empty (0 bytes)")

    def bug(report, cancelled):
        raise KeyError("oops")

    workers.start(bad_audio, failed=failures.append)
    workers.start(bug, failed=failures.append)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=10_000)
    known = next(f for f in failures if isinstance(f.error, AudioError))
    unknown = next(f for f in failures if isinstance(f.error, KeyError))
    assert not known.is_bug and unknown.is_bug
    assert known.message() == "clip.wav: the file is empty (0 bytes)"  # a user's problem
    assert unknown.message(debug=False).startswith("KeyError: 'oops' (an internal error")
    assert "Traceback" in unknown.message(debug=True) and "in bug" in unknown.message(debug=True)
    assert "raise KeyError" in unknown.traceback  # the traceback crossed the thread
    logged = [r for r in caplog.records if r.name == "emostudio.gui"]
    assert len(logged) == 1 and logged[0].exc_info[0] is KeyError  # a bug is logged, once


def test_a_cancelled_task_stops_and_says_so(qtbot):
    messages, started = [], threading.Event()

    def slow(report, cancelled):
        started.set()
        while not cancelled():
            time.sleep(0.01)
        raise workers.Cancelled

    task = workers.start(
        slow,
        failed=messages.append,
        done=lambda _: messages.append("finished"),
        cancelled=lambda: messages.append("cancelled"),
    )
    assert started.wait(5)
    task.cancel()
    qtbot.waitUntil(lambda: messages == ["cancelled"], timeout=10_000)  # no failure


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


def test_a_bug_s_traceback_goes_to_the_log_file_and_only_with_debug_to_the_window(tmp_path):
    import logging

    from emostudio.gui import failure as failures

    before = list(failures.LOG.handlers), dict(failures._state)
    try:
        path = failures.configure_log(tmp_path / "data")
        try:
            {}["missing"]
        except KeyError as err:
            failure = failures.failure_of(err, "cannot open the project x.emostudio")
        for handler in failures.LOG.handlers:
            handler.flush()
        logged = path.read_text()
        assert "cannot open the project x.emostudio: KeyError: 'missing'" in logged
        assert "Traceback" in logged
        assert str(path) in failure.message() and "Traceback" not in failure.message()
        failures.configure_log(None, debug=True)
        assert "Traceback" in failure.message()
        disk = failures.failure_of(OSError(28, "No space left on device"), "not saved")
        assert not disk.is_bug and disk.message() == "not saved: [Errno 28] No space left on device"
    finally:
        for handler in failures.LOG.handlers:
            if handler not in before[0]:
                handler.close()
        failures.LOG.handlers[:] = before[0]
        failures._state.update(before[1])
        logging.getLogger("emostudio.gui").setLevel(logging.NOTSET)


def test_cancel_is_confirmed_at_once_and_the_late_result_never_shows(qtbot):
    """A step that cannot be interrupted (a long recording's ASR) runs on, but the user
    gets the confirmation at the click and never the cancelled result; the next request
    runs as usual."""
    import threading
    from types import SimpleNamespace

    import numpy as np

    from emostudio.gui.workers import ModelService
    from model_core.audio import recording_from_array

    release = threading.Event()

    class SlowAnalyzer:
        acoustic_settings = None
        baseline = None
        model = SimpleNamespace(head=None, config=SimpleNamespace(labels=("calm",)))

        def analyze(self, clips, **_):
            release.wait(5)  # the step under way: no cancel check inside it
            return [SimpleNamespace(to_dict=lambda: {"label": "calm"})]

    recording = recording_from_array(np.zeros(16_000, np.float32), 16_000, name="long")
    from PySide6.QtCore import QObject, Slot

    seen = {"finished": [], "cancelled": 0}

    class Screen(QObject):  # lives on the GUI thread, as the Session does
        @Slot(dict)
        def finished(self, data):
            seen["finished"].append(data)

        @Slot()
        def cancelled(self):
            seen["cancelled"] += 1

    screen = Screen()
    service = ModelService()
    service.finished.connect(screen.finished)
    service.cancelled.connect(screen.cancelled)
    try:
        service.analyzer = SlowAnalyzer()
        service.analyze(recording, None, None)
        qtbot.wait(100)
        service.cancel()
        assert seen["cancelled"] == 1  # confirmed at the click, not when the step ends
        release.set()
        qtbot.wait(300)
        assert seen["finished"] == []  # the cancelled analysis's result is dropped
        service.analyze(recording, None, None)
        qtbot.waitUntil(lambda: seen["finished"] == [{"label": "calm"}], timeout=5000)
        service.cancel()
        service.cancel()
        assert seen["cancelled"] == 2  # one confirmation per cancelled request
    finally:
        release.set()
        service.shutdown()
