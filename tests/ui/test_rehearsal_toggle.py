"""The studio's Rehearsal (彩排) switch, offscreen, against a real bundled relay: chosen before going
live, the window says REHEARSAL while on, the relay's room follows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.room_client import RoomClient
from app.session import StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import parse_ladder
from tests.helpers.fakes import FakeDevices
from ui.studio_window import StudioWindow


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    config = SessionConfig(
        source="test",
        mic="none",
        broadcast=BroadcastSettings(preset="ultrafast", rungs=parse_ladder("360p")),
        relay=BundledRelayConfig(data_dir=tmp_path / "relay", room="studio", title="Rehearsal test"),
    )
    session = StudioSession(config, devices=no_devices, stats_interval=0.3)
    studio = StudioWindow(session)
    studio.preflight_before_live = False  # the pre-flight: tests/ui/test_preflight_dialog.py
    qtbot.addWidget(studio)
    studio.show()
    studio.start()
    yield studio
    studio.shutdown()


def room_info(window: StudioWindow) -> dict[str, object]:
    info: dict[str, object] = httpx.get(f"{window.session.relay_url}/api/v1/rooms/studio", timeout=10).json()
    return info


def test_rehearsal_is_switched_before_going_live_and_shown_while_on(
    qtbot: QtBot, window: StudioWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = window.rehearsal_action
    qtbot.waitUntil(lambda: action.isEnabled() and window.console.state.ready, timeout=30_000)
    assert action.text() == "Rehearsal" and action.isCheckable() and not action.isChecked()
    assert window.live_button.text() == "Go Live"

    action.trigger()
    qtbot.waitUntil(lambda: window.rehearsal and action.isEnabled(), timeout=10_000)
    assert action.isChecked()
    assert room_info(window)["rehearsal"] is True
    assert window.live_button.text() == "Start rehearsal"
    assert window.state_label.text() == "Rehearsal: ready"
    notices = [window.notices.item(i).text() for i in range(window.notices.count())]
    assert any("Rehearsal on" in n for n in notices)

    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    assert not action.isEnabled(), "rehearsal is chosen before going live"
    qtbot.waitUntil(lambda: window.live_state == "live", timeout=30_000)
    assert not action.isEnabled()
    assert "REHEARSAL 00:00:0" in window.state_label.text()
    qtbot.waitUntil(lambda: room_info(window)["state"] == "live", timeout=20_000)
    owner = window.session.room
    assert owner is not None
    client = RoomClient(owner.base_url, owner.room, owner.owner_token)
    try:
        started = [e for e in client.events(limit=10_000) if e["type"] == "stream.started"]
        assert started and started[-1]["data"]["rehearsal"] is True
    finally:
        client.close()

    monkeypatch.setattr(window, "confirm_end_live", lambda: True)
    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live_state == "idle", timeout=30_000)
    assert window.live_button.text() == "Start rehearsal", "still rehearsing: the next run is a rehearsal too"
    qtbot.waitUntil(action.isEnabled, timeout=5_000)

    action.trigger()
    qtbot.waitUntil(lambda: not window.rehearsal and action.isEnabled(), timeout=10_000)
    assert not action.isChecked()
    assert room_info(window)["rehearsal"] is False
    assert window.live_button.text() == "Go Live"
    assert window.state_label.text() == "Ready"
    notices = [window.notices.item(i).text() for i in range(window.notices.count())]
    assert any("Rehearsal off: 0 test orders cancelled" in n for n in notices)
