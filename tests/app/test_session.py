"""The Qt-free studio session: sources with fallbacks, going live, switching, ending."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from app.session import SessionError, StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from app.session_events import LiveEnded, LiveFailed, LiveStarted, Notice, RelayFailed, SessionStats, SourceChanged
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import parse_ladder
from tests.helpers.fakes import FakeDevices
from tests.helpers.media import parse_media_playlist
from tests.helpers.waiting import wait_until
from tests.pipeline.test_sources import make_clip

SMALL = BroadcastSettings(rungs=parse_ladder("480p,360p"), preset="ultrafast")


def test_no_camera_and_no_microphone_still_broadcast_and_say_so_once(tmp_path: Path, no_devices: FakeDevices) -> None:
    events: list[object] = []
    session = StudioSession(
        SessionConfig(source="camera", mic="default", broadcast=SMALL, record_dir=tmp_path),
        devices=no_devices,
        stats_interval=0.2,
    )
    session.add_listener(events.append)
    session.start()
    try:
        started = session.go_live_now()
        time.sleep(2.5)
        report = session.end_live_now()
    finally:
        session.close()
    warnings = [e.message for e in events if isinstance(e, Notice) and e.level == "warning"]
    assert warnings == [
        "no camera found; using the test pattern instead",
        "no microphone found; sending silence instead",
    ]
    assert any(isinstance(e, SourceChanged) and e.description == "test pattern" for e in events)
    assert any(isinstance(e, LiveStarted) for e in events) and any(isinstance(e, LiveEnded) for e in events)
    stats = [e for e in events if isinstance(e, SessionStats) and e.broadcast is not None]
    assert stats and stats[-1].broadcast.rungs[0].kbps > 0  # type: ignore[union-attr]
    assert report.complete and report.segments >= 2
    playlist = parse_media_playlist((tmp_path / started.stream_id / "360p" / "index.m3u8").read_text())
    assert playlist["ended"] and len(playlist["segments"]) == report.segments


def test_switching_sources_while_live_keeps_the_stream_going(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    make_clip(clip, seconds=1.0, size=(320, 240))
    devices = FakeDevices(cameras=1)
    session = StudioSession(
        SessionConfig(source="camera:0", mic="none", broadcast=SMALL, record_dir=tmp_path / "out"), devices=devices
    )
    session.start()
    try:
        assert session.show.host_description() == "camera 0"
        session.go_live_now()
        time.sleep(0.7)
        assert session.switch_video_now(f"file:{clip}") == "file clip.mp4"
        assert devices.opened_cameras[0].closed, "the previous source is released"
        time.sleep(0.7)
        with pytest.raises(SessionError, match=re.escape("cannot switch to file:/nope.mp4: media file not found")):
            session.switch_video_now("file:/nope.mp4")
        assert session.switch_video_now("test") == "test pattern"
        rendered = session.program.stats().frames_rendered
        time.sleep(1.2)
        assert session.program.stats().frames_rendered > rendered, "the program keeps rendering after a switch"

        def segments() -> int:
            broadcast = session.stats().broadcast
            return broadcast.segments if broadcast is not None else 0

        wait_until(lambda: segments() >= 2, 10, "segments coming after the switches")
        report = session.end_live_now()
        assert report.complete
        assert report.segments >= 3, "segments kept coming through three source switches"
    finally:
        session.close()


def test_invalid_commands_are_refused_with_reasons(tmp_path: Path, no_devices: FakeDevices) -> None:
    session = StudioSession(SessionConfig(source="test", mic="none", broadcast=SMALL), devices=no_devices)
    session.start()
    try:
        with pytest.raises(SessionError, match="nowhere to send the stream"):
            session.go_live_now()
        with pytest.raises(SessionError, match="not live"):
            session.end_live_now()
    finally:
        session.close()
    recording = StudioSession(
        SessionConfig(source="test", mic="none", broadcast=SMALL, record_dir=tmp_path), devices=no_devices
    )
    recording.start()
    try:
        started = recording.go_live_now()
        with pytest.raises(SessionError, match="already live"):
            recording.go_live_now()
        time.sleep(1.5)
    finally:
        recording.close()  # ends the live on the way out
    assert (tmp_path / "master.m3u8").is_file()
    assert parse_media_playlist((tmp_path / started.stream_id / "360p" / "index.m3u8").read_text())["ended"]


def test_going_live_before_the_sources_open_is_refused_and_close_still_works(tmp_path: Path) -> None:
    session = StudioSession(SessionConfig(source=f"file:{tmp_path / 'missing.mp4'}", mic="none", record_dir=tmp_path))
    with pytest.raises(Exception, match="media file not found"):
        session.start()
    with pytest.raises(SessionError, match="has not started"):
        session.go_live_now()
    assert not session.live
    session.close()  # nothing left running (the conftest fixture checks the threads)


def test_a_bundled_relay_that_cannot_start_fails_the_commands_with_the_reason(
    tmp_path: Path, no_devices: FakeDevices
) -> None:
    data = tmp_path / "relay"
    data.mkdir()
    (data / "rooms.json").write_text("{ this is not json")
    config = SessionConfig(source="test", mic="none", broadcast=SMALL, relay=BundledRelayConfig(data_dir=data))
    session = StudioSession(config, devices=no_devices)
    events: list[object] = []
    session.add_listener(events.append)
    session.start()
    try:
        session.connect_relay().result(timeout=60)
        session.go_live().result(timeout=60)
    finally:
        session.close()
    relay_failed = [e for e in events if isinstance(e, RelayFailed)]
    live_failed = [e for e in events if isinstance(e, LiveFailed)]
    assert relay_failed and "cannot read rooms from" in relay_failed[0].message
    assert live_failed and "did not start" in live_failed[0].message
    assert not session.live
    # A panel's timer ticking once more after the window closed the session: nothing runs, no error.
    assert session.room_action("late", lambda room: room.list_invites()).result(timeout=1) is None


def test_closing_while_the_control_thread_is_still_starting_things_stops_them(tmp_path: Path) -> None:
    config = SessionConfig(source="test", mic="none", broadcast=SMALL, relay=BundledRelayConfig(data_dir=tmp_path))
    session = StudioSession(config, devices=FakeDevices())
    session.start_async()
    session.connect_relay()  # still queued or running when close() begins
    session.close()
    relay = session.bundled_relay
    assert relay is None or not relay.running
