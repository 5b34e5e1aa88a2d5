"""Go Live opens the pre-flight check (ui/preflight_dialog.py), offscreen, against a real relay: the rows
with their levels, Go Live held back by a red row, the 3-2-1 countdown, then the live."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import parse_ladder
from tests.helpers.fakes import FakeDevices
from tests.helpers.relay import RelayProcess
from ui.preflight_dialog import PreflightDialog
from ui.studio_window import StudioWindow

SMALL = BroadcastSettings(rungs=parse_ladder("360p"), preset="ultrafast")


class Studio(Protocol):
    def __call__(self, room: str, *, wrong_key: bool = False) -> StudioWindow: ...


@pytest.fixture
def studio(
    qtbot: QtBot, tmp_path: Path, shared_relay: RelayProcess, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Studio]:
    # A machine with CPU to spare, whatever else this one runs meanwhile (the CPU row's own levels:
    # tests/app/test_preflight.py).
    monkeypatch.setattr("pipeline.adaptive.measure_ladder", lambda *args, **kwargs: 1000.0)
    windows: list[StudioWindow] = []

    def make(room: str, *, wrong_key: bool = False) -> StudioWindow:
        access = shared_relay.create_room(room)
        key = "not-the-key" if wrong_key else access["stream_key"]
        relay = ExternalRelay(shared_relay.url, room, key, access["owner_token"])
        config = SessionConfig(source="camera", mic="default", broadcast=SMALL, relay=relay)
        window = StudioWindow(StudioSession(config, devices=FakeDevices(), stats_interval=0.3))
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.viewer_url.text().endswith(f"/watch/{room}"), timeout=20_000)
        return window

    yield make
    for window in windows:
        window.shutdown()


def open_preflight(qtbot: QtBot, window: StudioWindow) -> PreflightDialog:
    started = time.monotonic()
    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    assert time.monotonic() - started < 0.5, "the GUI thread does not wait for the checks"
    dialog = window.preflight_dialog
    assert dialog is not None and dialog.isVisible()
    assert window.live_state == "idle", "Go Live checks first"
    return dialog


def test_go_live_checks_first_then_counts_down_and_goes_live(
    qtbot: QtBot, studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = studio("dialog")
    dialog = open_preflight(qtbot, window)
    assert "pending" in dialog.levels(), "each check shows as running until it answers"
    assert not dialog.go_live_button.isEnabled()

    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    levels = {row_id: level for row_id, level, _ in dialog.rows()}
    assert levels["camera"] == "warning" and levels["mic"] == "warning"
    assert levels["relay"] == levels["stream-key"] == levels["upload"] == "ok"
    assert levels["encoder"] == "ok" and levels["rundown"] == "ok"
    assert dialog.row_views["encoder"].detail.text().startswith("pre-flight: the ladder encodes at ultrafast 1000 fps")
    camera = dialog.row_views["camera"]
    assert camera.title.text() == "Camera" and camera.mark.text() == "▲"
    assert camera.detail.text().startswith("No camera found")
    assert camera.hint.text().startswith("Fix: Plug in the camera") and camera.hint.isVisibleTo(dialog)
    relay = dialog.row_views["relay"]
    assert relay.mark.text() == "✔" and not relay.hint.isVisibleTo(dialog)
    assert dialog.summary.text() == "Ready, with warnings: check the amber rows before going live."
    assert dialog.go_live_button.isEnabled() and not dialog.anyway_button.isVisibleTo(dialog)

    dialog.tick_ms = 250
    qtbot.mouseClick(dialog.go_live_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentWidget() is dialog.countdown and dialog.countdown.text() == "3"
    assert dialog.countdown.font().pointSize() >= 72, "shown large"
    assert window.live_state == "idle", "not live during the countdown"
    qtbot.waitUntil(lambda: window.live_state == "live", timeout=20_000)
    assert dialog.counted == ["3", "2", "1"]
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "LIVE 00:00:0" in window.state_label.text(), timeout=10_000)

    monkeypatch.setattr(window, "confirm_end_live", lambda: True)
    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live_state == "idle", timeout=30_000)


def test_a_red_row_holds_go_live_back_and_going_anyway_asks_first(
    qtbot: QtBot, studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = studio("wrongkey", wrong_key=True)
    dialog = open_preflight(qtbot, window)
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    key = dialog.row_views["stream-key"]
    assert key.level == "error" and key.mark.text() == "✖"
    assert key.detail.text() == "The relay refuses the stream key for room wrongkey"
    assert key.hint.text() == "Fix: Copy the stream key again from the room (or Settings → Stream)"
    assert "upload" not in dialog.row_views
    assert not dialog.go_live_button.isEnabled(), "Go Live is disabled while a row is red"
    assert dialog.anyway_button.isVisibleTo(dialog)
    assert dialog.summary.text().startswith("Something would break the show")

    qtbot.mouseClick(dialog.run_again_button, Qt.MouseButton.LeftButton)
    assert dialog.running and set(dialog.levels()) == {"pending"}, "run again: every row checks again"
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    assert dialog.row_views["stream-key"].level == "error"

    asked: list[bool] = []

    def decline() -> bool:
        asked.append(True)
        return False

    monkeypatch.setattr(dialog, "confirm_go_live_anyway", decline)
    qtbot.mouseClick(dialog.anyway_button, Qt.MouseButton.LeftButton)
    assert asked == [True] and not dialog.counting and dialog.isVisible(), "declined: nothing happens"

    monkeypatch.setattr(dialog, "confirm_go_live_anyway", lambda: True)
    qtbot.mouseClick(dialog.anyway_button, Qt.MouseButton.LeftButton)
    assert dialog.counting and dialog.countdown.text() == "3"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.counting and not dialog.isVisible()
    qtbot.wait(1200)
    assert window.live_state == "idle", "cancelled during the countdown: not live"
