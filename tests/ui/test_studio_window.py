"""The studio window, offscreen, against a real bundled relay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.session import StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from pipeline.broadcast import BroadcastSettings
from tests.helpers.fakes import FakeDevices
from tests.helpers.gui_thread import BLOCKING, record_threads
from tests.helpers.media import parse_media_playlist
from ui.studio_window import StudioWindow


@pytest.fixture
def studio(qtbot: QtBot, tmp_path: Path, no_devices: FakeDevices) -> Iterator[tuple[StudioWindow, dict[str, set[str]]]]:
    config = SessionConfig(
        source="camera",
        mic="default",
        broadcast=BroadcastSettings(preset="ultrafast"),
        relay=BundledRelayConfig(data_dir=tmp_path / "relay", room="studio", title="Studio test"),
    )
    session = StudioSession(config, devices=no_devices, stats_interval=0.3)
    threads = record_threads(session)
    window = StudioWindow(session)
    qtbot.addWidget(window)
    window.preflight_before_live = False  # the pre-flight: tests/ui/test_preflight_dialog.py
    window.show()
    window.start()
    yield window, threads
    window.shutdown()


def test_preview_go_live_and_end_live(
    qtbot: QtBot, studio: tuple[StudioWindow, dict[str, set[str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    window, threads = studio
    qtbot.waitUntil(lambda: window.preview.frames_shown >= 3, timeout=15_000)
    shown = window.preview.frames_shown
    qtbot.wait(600)
    assert window.preview.frames_shown > shown, "the preview keeps updating"

    qtbot.waitUntil(lambda: window.viewer_url.text().endswith("/watch/studio"), timeout=30_000)
    assert window.copy_button.isEnabled()
    window.copy_button.click()
    assert QGuiApplication.clipboard().text() == window.viewer_url.text()
    messages = [window.notices.item(i).text() for i in range(window.notices.count())]
    assert sum("no camera found" in m for m in messages) == 1
    assert sum("no microphone found" in m for m in messages) == 1

    assert window.live_button.text() == "Go Live"
    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live_state == "live", timeout=20_000)
    assert window.live_button.text() == "End Live"
    relay_url = window.session.relay_url
    assert relay_url is not None

    def relay_has_segments() -> bool:
        master = httpx.get(f"{relay_url}/live/studio/master.m3u8")
        return master.status_code == 200

    qtbot.waitUntil(relay_has_segments, timeout=20_000)
    qtbot.waitUntil(
        lambda: "LIVE 00:00:0" in window.state_label.text() and "720p" in window.rungs_label.text(), timeout=10_000
    )

    monkeypatch.setattr(window, "confirm_end_live", lambda: False)
    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    assert window.live_state == "live", "declining the confirmation keeps the stream on air"

    monkeypatch.setattr(window, "confirm_end_live", lambda: True)
    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live_state == "idle", timeout=30_000)
    last = window.notices.item(window.notices.count() - 1).text()
    assert "Live ended" in last and "segments delivered" in last
    stream_id = next(
        p.name for p in (window.session.bundled_relay.data_dir / "media" / "studio").iterdir() if p.is_dir()
    )  # type: ignore[union-attr]
    final = parse_media_playlist(httpx.get(f"{relay_url}/live/studio/{stream_id}/720p/index.m3u8").text)
    assert final["ended"]

    for name in BLOCKING:
        assert "MainThread" not in threads.get(name, set()), f"{name} ran on the GUI thread"
    assert threads["go_live_now"] and threads["_end_live_now"]


def test_closing_while_live_asks_first(
    qtbot: QtBot, studio: tuple[StudioWindow, dict[str, set[str]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    window, _ = studio
    qtbot.waitUntil(lambda: window.viewer_url.text() != "", timeout=30_000)
    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live_state == "live", timeout=20_000)
    monkeypatch.setattr(window, "confirm_end_live", lambda: False)
    assert not window.close()
    assert window.isVisible()
    window.close_without_asking()
    assert not window.isVisible()


def test_picking_a_source_switches_the_program(qtbot: QtBot, studio: tuple[StudioWindow, dict[str, set[str]]]) -> None:
    window, threads = studio
    qtbot.waitUntil(lambda: window.preview.frames_shown >= 1, timeout=15_000)
    index = window.source_picker.findData("test")
    with qtbot.waitSignal(window.bridge.source_changed, timeout=10_000) as blocker:
        window.source_picker.activated.emit(index)
    assert blocker.args == ["test pattern"]
    assert "MainThread" not in threads["switch_video_now"]
