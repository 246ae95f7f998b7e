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

    workers.start(work, done=lambda value: (received.append(value), threads.append(threading.current_thread())),
                  progress=lambda value: received.append(value))
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
