"""The Qt binding itself: PySide6 6.12.0 returned True from Signal.emit without a reference,
so every emit on Python 3.11 drained True's refcount until the interpreter aborted."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    changed = Signal(object)


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="True and False are immortal from Python 3.12"
)
def test_emitting_signals_keeps_the_refcounts_of_true_and_false(qapp):
    emitter = Emitter()
    received = []
    emitter.changed.connect(received.append)

    def bools() -> int:
        return sys.getrefcount(True) + sys.getrefcount(False)

    before = bools()
    for i in range(1000):
        emitter.changed.emit(i)
    assert bools() == before
    assert len(received) == 1000
