"""A relay that disappears mid-stream loses no segment: the push output buffers and resends."""

from __future__ import annotations

import logging
import threading
import time

import httpx

from app.bundled_relay import log_child_line
from app.session import StudioSession
from app.session_config import BundledRelayConfig, ExternalRelay, SessionConfig
from app.session_events import Notice, SessionEvent, SessionStats
from app.stream_health import HealthRow
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import parse_ladder
from tests.helpers.fakes import FakeDevices
from tests.helpers.http_proxy import FaultyProxy
from tests.helpers.media import parse_media_playlist
from tests.helpers.relay import RelayProcess
from tests.helpers.waiting import wait_until

RENDITIONS = ("720p", "480p", "360p", "audio")


def segment_count(base: str, room: str, stream_id: str) -> int:
    response = httpx.get(f"{base}/live/{room}/{stream_id}/360p/index.m3u8")
    if response.status_code != 200:
        return 0
    return len(parse_media_playlist(response.text)["segments"])


def assert_nothing_missing(base: str, room: str, stream_id: str, renditions: tuple[str, ...] = RENDITIONS) -> int:
    """Every rendition's final playlist ends, and every sequence number from 0 up is on the relay."""
    counts = []
    for name in renditions:
        playlist = parse_media_playlist(httpx.get(f"{base}/live/{room}/{stream_id}/{name}/index.m3u8").text)
        assert playlist["ended"], f"{name}: the final playlist reached the relay"
        last = int(playlist["segments"][-1][0].removeprefix("seg_").removesuffix(".m4s"))
        for sequence in range(last + 1):
            url = f"{base}/live/{room}/{stream_id}/{name}/seg_{sequence:06d}.m4s"
            response = httpx.get(url)
            assert response.status_code == 200 and response.content, f"{name} segment {sequence} is missing"
        counts.append(last + 1)
    return min(counts)


def test_push_survives_the_relay_being_gone_for_three_seconds(relay: RelayProcess, no_devices: FakeDevices) -> None:
    room = relay.create_room("outage")
    config = SessionConfig(
        source="test",
        mic="tone",
        broadcast=BroadcastSettings(preset="ultrafast"),
        relay=ExternalRelay(relay.url, "outage", room["stream_key"]),
    )
    session = StudioSession(config, devices=no_devices)
    session.start()
    try:
        started = session.go_live_now()
        wait_until(lambda: segment_count(relay.url, "outage", started.stream_id) >= 2, 20, "the first segments")
        relay.kill()
        time.sleep(1.5)
        during = session.stats().broadcast
        assert during is not None and during.outputs[0].state == "retrying"
        time.sleep(1.5)
        relay.restart()
        time.sleep(3)
        report = session.end_live_now()
    finally:
        session.close()
    assert report.complete, report
    assert report.outputs[0].message.startswith("all ")
    assert assert_nothing_missing(relay.url, "outage", started.stream_id) >= 7


def test_a_crashed_bundled_relay_is_restarted_and_the_stream_goes_on(tmp_path: object, no_devices: FakeDevices) -> None:
    config = SessionConfig(
        source="test",
        mic="none",
        broadcast=BroadcastSettings(rungs=parse_ladder("360p"), preset="ultrafast"),
        relay=BundledRelayConfig(data_dir=tmp_path / "bundled", room="crash"),  # type: ignore[operator]
    )
    session = StudioSession(config, devices=no_devices)
    notices: list[str] = []
    session.add_listener(lambda e: notices.append(e.message) if isinstance(e, Notice) else None)
    session.start()
    try:
        ready = session.connect_relay_now()
        started = session.go_live_now()
        wait_until(lambda: segment_count(ready.relay_url, "crash", started.stream_id) >= 2, 20, "segments")
        bundled = session.bundled_relay
        assert bundled is not None
        bundled.kill()
        wait_until(lambda: any("restarted" in n for n in notices), 20, "the relay to be restarted")
        time.sleep(2)
        report = session.end_live_now()
        assert report.complete, report
        # Read back while the bundled relay still runs (closing the session stops it).
        assert assert_nothing_missing(ready.relay_url, "crash", started.stream_id, ("360p", "audio")) >= 4
    finally:
        session.close()


def test_the_bundled_relays_lines_are_logged_once_prefixed_at_their_own_level(caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger="app.bundled_relay"):
        log_child_line("shopcast: warning: room demo: the ingest stalled")
        log_child_line("INFO:     Uvicorn running")
    first, second = caplog.records
    assert (first.levelno, first.getMessage()) == (logging.WARNING, "relay: room demo: the ingest stalled")
    assert (second.levelno, second.getMessage()) == (logging.INFO, "relay: INFO:     Uvicorn running")


class OutputRows:
    """The studio's stream-health row for one output, as the session reports it once a second."""

    def __init__(self, output: str = "relay") -> None:
        self.output = output
        self.rows: list[HealthRow] = []
        self._lock = threading.Lock()

    def __call__(self, event: SessionEvent) -> None:
        if isinstance(event, SessionStats) and event.health is not None and event.broadcast is not None:
            with self._lock:
                self.rows.append(event.health.row("output", self.output))

    def codes(self) -> list[str]:
        with self._lock:
            return [row.code for row in self.rows]

    def latest(self) -> HealthRow | None:
        with self._lock:
            return self.rows[-1] if self.rows else None


def test_a_proxy_answering_404_until_its_upstream_is_back_is_retried_not_given_up_on(
    relay: RelayProcess, no_devices: FakeDevices
) -> None:
    """A proxy restarted in front of the relay answers 404 for every request until it has its upstream
    again: the push keeps retrying (the studio shows the countdown), never stops, and loses nothing."""
    room = relay.create_room("proxied")
    rows = OutputRows()
    with FaultyProxy(relay.url) as proxy:
        config = SessionConfig(
            source="test",
            mic="tone",
            broadcast=BroadcastSettings(rungs=parse_ladder("360p"), preset="ultrafast"),
            relay=ExternalRelay(proxy.url, "proxied", room["stream_key"]),
        )
        session = StudioSession(config, devices=no_devices)
        session.add_listener(rows)
        session.start()
        try:
            started = session.go_live_now()
            wait_until(lambda: segment_count(relay.url, "proxied", started.stream_id) >= 2, 20, "the first segments")
            back_at = time.monotonic() + 4.0
            proxy.rule = lambda method, path: 404 if time.monotonic() < back_at else None
            wait_until(lambda: "output.retrying" in rows.codes(), 6, "the countdown in the stream health")
            wait_until(lambda: time.monotonic() > back_at + 1 and rows.codes()[-1] == "output.ok", 15, "recovery")
            before_end = segment_count(relay.url, "proxied", started.stream_id)
            wait_until(lambda: segment_count(relay.url, "proxied", started.stream_id) > before_end, 10, "new segments")
            report = session.end_live_now()
        finally:
            session.close()
    assert len(proxy.answered_with(404)) >= 5, "the push kept asking through the 404s"
    assert "output.failed" not in rows.codes(), "a 404 for a while is not given up on"
    retrying = next(row for row in rows.rows if row.code == "output.retrying")
    assert retrying.value == f"Reconnecting in {retrying.args[0]} s" and retrying.level == "warning"
    assert report.complete, report
    assert assert_nothing_missing(relay.url, "proxied", started.stream_id, ("360p", "audio")) >= 6
