"""Network trouble between the studio and the relay, made by a TCP fault proxy between them (issue 18):
latency with jitter, connections reset under the push, then a bandwidth cap below the ladder's bitrate.
The push buffers through all of it and catches up once the link is back, every segment of every
rendition reaches the relay, and the stream health shows the trouble while it lasts."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from app.session_events import SessionEvent, SessionStats
from pipeline.broadcast import BroadcastSettings
from pipeline.outputs.base import OutputStats
from tests.app.test_relay_outage import assert_nothing_missing, segment_count
from tests.helpers.fakes import FakeDevices
from tests.helpers.fault_proxy import FaultProxy
from tests.helpers.relay import RelayProcess
from tests.helpers.waiting import wait_until

pytestmark = pytest.mark.slow

CAP_BYTES_PER_S = 150_000
"""1.2 Mb/s: well below the default ladder (2.5 + 1 + 0.6 Mb/s nominal, ~3.5 Mb/s of the test pattern)."""


class HealthLog:
    """Every stats event the session emits, with the time it came."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[tuple[float, SessionStats]] = []

    def __call__(self, event: SessionEvent) -> None:
        if isinstance(event, SessionStats) and event.health is not None and event.broadcast is not None:
            with self.lock:
                self.seen.append((time.monotonic(), event))

    def between(self, start: float, end: float) -> list[SessionStats]:
        with self.lock:
            return [stats for at, stats in self.seen if start <= at <= end]

    def latest(self) -> SessionStats | None:
        with self.lock:
            return self.seen[-1][1] if self.seen else None


@pytest.fixture
def proxy(relay: RelayProcess) -> Iterator[FaultProxy]:
    with FaultProxy(relay.port) as running:
        yield running


def relay_output(stats: SessionStats) -> OutputStats:
    assert stats.broadcast is not None
    return next(o for o in stats.broadcast.outputs if o.name == "relay")


def test_the_push_rides_out_latency_resets_and_a_bandwidth_cap_and_catches_up(
    relay: RelayProcess, proxy: FaultProxy, no_devices: FakeDevices
) -> None:
    room = relay.create_room("bumpy")
    config = SessionConfig(
        source="test",
        mic="tone",
        broadcast=BroadcastSettings(preset="ultrafast"),
        relay=ExternalRelay(proxy.url, "bumpy", room["stream_key"]),
    )
    session = StudioSession(config, devices=no_devices)
    health = HealthLog()
    session.add_listener(health)
    session.start()
    try:
        started = session.go_live_now()
        wait_until(lambda: segment_count(relay.url, "bumpy", started.stream_id) >= 2, 20, "the first segments")

        # A long way to the relay: 20-30 ms each way (a 40-60 ms round trip), for a few seconds.
        proxy.set_latency(0.02, jitter=0.01)
        time.sleep(3)
        proxy.set_latency(0)

        # Connections dropped under the push, five times.
        retries_before = relay_output(session.stats()).retries
        for _ in range(5):
            proxy.reset_all()
            time.sleep(0.5)
        assert proxy.stats.resets >= 5

        # A link slower than the stream for six seconds, then back to full speed.
        cap_start = time.monotonic()
        proxy.set_cap(CAP_BYTES_PER_S, "up")
        time.sleep(6)
        proxy.set_cap(None)
        lifted = time.monotonic()
        wait_until(lambda: relay_output(session.stats()).queued_bytes < 200_000, 15, "the push to catch up")
        caught_up = time.monotonic() - lifted
        wait_until(
            lambda: (latest := health.latest()) is not None and latest.health is not None
            and latest.health.row("output_queue", "relay").level == "ok",
            15, "the queue's health row to clear",
        )  # fmt: skip
        report = session.end_live_now()
        retries_after = relay_output(health.seen[-1][1]).retries
    finally:
        session.close()

    assert retries_after > retries_before, "the resets cut requests in flight, which were sent again"
    during_cap = health.between(cap_start, lifted + 1.5)
    queue_levels = [s.health.row("output_queue", "relay").level for s in during_cap if s.health]
    assert "warning" in queue_levels or "error" in queue_levels, f"the backlog showed in stream health: {queue_levels}"
    assert caught_up < 10, f"the backlog went in {caught_up:.1f} s"
    relay_report = next(o for o in report.outputs if o.name == "relay")
    assert relay_report.complete, relay_report
    assert assert_nothing_missing(relay.url, "bumpy", started.stream_id) >= 10
