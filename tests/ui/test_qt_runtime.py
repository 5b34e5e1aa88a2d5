"""Properties of the Qt binding that a long live stream depends on."""

from __future__ import annotations

import gc
import sys

import PySide6
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    ping = Signal(object)


def test_emitting_signals_does_not_drain_the_refcount_of_true(qtbot: QtBot) -> None:
    # PySide6 6.12.0 drops a reference to True on every emit. The studio emits ~30 signals a second,
    # so after a few minutes live True's count reaches zero and the interpreter aborts mid-stream.
    emitter = _Emitter()
    received: list[object] = []
    emitter.ping.connect(received.append)
    gc.collect()
    before = sys.getrefcount(True)
    for n in range(500):
        emitter.ping.emit(n)
    gc.collect()
    assert len(received) == 500
    # Other code may take a reference meanwhile; what must never happen is one lost per emit.
    assert sys.getrefcount(True) >= before, f"PySide6 {PySide6.__version__} drops a reference to True per emit"
