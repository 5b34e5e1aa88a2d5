"""A studio window against a real bundled relay, and checks of what its link panels show."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import segno
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.session import StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from tests.helpers.fakes import FakeDevices
from ui.studio_window import StudioWindow


@contextmanager
def bundled_studio(qtbot: QtBot, data_dir: Path, devices: FakeDevices, room: str) -> Iterator[StudioWindow]:
    """The studio window, shown and started with a bundled relay (its data in ``data_dir``) in ``room``,
    once the console has the room; shut down at the end."""
    config = SessionConfig(source="test", mic="none", relay=BundledRelayConfig(data_dir=data_dir, room=room))
    window = StudioWindow(StudioSession(config, devices=devices))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.console.state.ready, timeout=30_000)
    try:
        yield window
    finally:
        window.shutdown()


def assert_qr_code_of(label: QLabel, text: str) -> None:
    """``label`` shows the QR code of exactly ``text``: a square whose side is a whole number of
    modules of segno's own code of it (quiet zone included)."""
    image = label.pixmap().toImage()
    modules = len(segno.make(text, error="m").matrix) + 8
    assert image.width() == image.height() and image.width() % modules == 0, "the QR code is the link"
