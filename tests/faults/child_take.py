"""A take writer fed known blocks until it is killed (run by ``test_kill_recording``).

Usage: ``python -m tests.faults.child_take TAKE.wav``. After each block handed to the
writer it prints the number of frames handed over so far.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import numpy as np

from emostudio.gui import audio_io

BLOCK = 960  # 20 ms at 48 kHz
SPEEDUP = 4  # blocks come faster than real time: more flushes in a second of test


def block(index: int) -> np.ndarray:
    """Block ``index`` of the take: reproducible noise, exact in 16-bit PCM."""
    rng = np.random.default_rng(index)
    return (rng.integers(-20000, 20000, size=(BLOCK, 1)) / 32768).astype(np.float32)


def expected(frames: int) -> np.ndarray:
    """The first ``frames`` samples fed."""
    count = -(-frames // BLOCK)
    return np.concatenate([block(i) for i in range(count)] or [np.zeros((0, 1), np.float32)])[
        :frames, 0
    ]


class KnownInput:
    """An input stream, like PortAudio's, that calls back with ``block(0)``, ``block(1)``, ..."""

    def __init__(self, *, samplerate, channels, device, callback):
        self.rate, self.callback = samplerate, callback
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        index = 0
        while True:
            self.callback(block(index))
            index += 1
            print(index * BLOCK, flush=True)
            time.sleep(BLOCK / self.rate / SPEEDUP)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        raise AssertionError("this take is never stopped: it is killed")

    close = stop


if __name__ == "__main__":
    audio_io.TakeWriter(Path(sys.argv[1]), stream_factory=KnownInput)
    threading.Event().wait()  # record until killed
