"""Faults survived, end to end: a relay SIGKILLed mid-show while viewers watch and buy, and segments the
studio had to give up, which players must skip rather than stall on.

Real parts throughout: the relay as a process, the studio's session (encoders, packager, push), viewers
minted by the relay buying over HTTP, the watch page in Chromium with hls.js.
"""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import parse_ladder
from tests.app.test_relay_outage import OutputRows, assert_nothing_missing
from tests.helpers.browser import PhonePages, wait_js
from tests.helpers.fakes import FakeDevices
from tests.helpers.http_proxy import FaultyProxy
from tests.helpers.media import parse_media_playlist
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room
from tests.helpers.sessions import Session
from tests.helpers.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIDEO_TIME = "document.getElementById('video').currentTime"


def studio(relay_url: str, room: str, stream_key: str, devices: FakeDevices) -> StudioSession:
    """A studio streaming the test pattern and a tone, one rung (the CPU is shared with the browser)."""
    config = SessionConfig(
        source="test",
        mic="tone",
        broadcast=BroadcastSettings(rungs=parse_ladder("360p"), preset="ultrafast"),
        relay=ExternalRelay(relay_url, room, stream_key),
    )
    return StudioSession(config, devices=devices)


class Buyers:
    """Viewers buying one tee after another on their own thread; every acknowledged order (201) is kept
    with the moment its answer arrived."""

    def __init__(self, room: Room, viewers: list[Session]) -> None:
        self.room = room
        self.viewers = viewers
        self.acknowledged: list[tuple[float, str]] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._buy, name="test-buyers", daemon=True)

    def __enter__(self) -> Buyers:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _buy(self) -> None:
        with httpx.Client(timeout=2) as client:
            for n in itertools.count():
                if self._stop.is_set():
                    return
                viewer = self.viewers[n % len(self.viewers)]
                try:
                    response = client.post(
                        f"{self.room.api}/orders",
                        json={"sku": "tee", "qty": 1},
                        headers={**viewer.headers, "Idempotency-Key": f"buy-{n}"},
                    )
                except httpx.HTTPError:
                    self.failures += 1  # the relay is away: not acknowledged, so not promised
                else:
                    if response.status_code == 201:
                        self.acknowledged.append((time.monotonic(), response.json()["order_id"]))
                    else:
                        self.failures += 1
                self._stop.wait(0.1)  # a steady trickle of orders, not a load test

    def count(self) -> int:
        return len(self.acknowledged)


def playing_past(page: Page, seconds: float, timeout: float) -> None:
    """Wait until the video has played ``seconds`` beyond where it is now."""
    start = page.evaluate(VIDEO_TIME)
    wait_js(page, f"{VIDEO_TIME} >= {start + seconds}", timeout)


def test_a_relay_killed_mid_show_comes_back_and_the_studio_viewers_and_orders_resume(
    browser: Browser, tmp_path: Path, no_devices: FakeDevices
) -> None:
    relay = RelayProcess(tmp_path / "relay").start()
    pages = PhonePages(browser)
    rows = OutputRows()
    try:
        room = open_room(relay, "crash")
        viewers = [room.session(f"buyer-{n}") for n in range(4)]
        session = studio(relay.url, room.name, room.stream_key, no_devices)
        session.add_listener(rows)
        session.start()
        try:
            started = session.go_live_now()
            page = pages.open(f"{relay.url}/watch/{room.name}", ready="window.shopcast && window.shopcast.room")
            wait_js(page, "window.shopcast.state === 'live' && window.shopcast.room.connected === true", 30)
            playing_past(page, 1.0, 15)
            with Buyers(room, viewers) as buyers:
                wait_until(lambda: buyers.count() >= 5, 10, "the first orders")
                relay.kill()  # SIGKILL: no shutdown, no goodbye on any connection
                killed_at = time.monotonic()
                before_kill = [order for at, order in buyers.acknowledged if at < killed_at]

                # The studio shows the reconnect countdown; the viewer's feed knows the relay is gone.
                wait_until(lambda: "output.retrying" in rows.codes(), 10, "the countdown in the stream health")
                wait_js(page, "window.shopcast.room.connected === false", 10)
                countdown = next(row for row in rows.rows if row.code == "output.retrying")
                time.sleep(max(0.0, killed_at + 3.0 - time.monotonic()))  # the outage: three seconds

                relay.restart()  # the same port and data folder
                wait_until(lambda: rows.codes()[-1] == "output.ok", 20, "the push to resume by itself")
                wait_js(page, "window.shopcast.room.connected === true", 25)  # the feed's backoff is ≤ 10 s
                wait_js(page, "window.shopcast.state === 'live'", 20)
                playing_past(page, 2.0, 20)  # the playlist polling and the segments resumed
                after_restart = buyers.count()
                wait_until(lambda: buyers.count() >= after_restart + 3, 10, "orders to resume")
            acknowledged = [order for _, order in buyers.acknowledged]
            report = session.end_live_now()
        finally:
            session.close()

        assert countdown.value == f"Reconnecting in {countdown.args[0]} s" and countdown.level == "warning"
        assert before_kill, "orders were acknowledged before the kill"
        with room.host() as host:
            stored = host.get("/orders", params={"limit": 1000}).json()
        stored_ids = {order["order_id"] for order in stored}
        assert set(before_kill) <= stored_ids, "an order acknowledged before the kill was lost"
        assert set(acknowledged) <= stored_ids
        tee = next(p for p in httpx.get(f"{room.api}/products").json() if p["sku"] == "tee")
        bought = sum(order["qty"] for order in stored if order["sku"] == "tee")
        assert (tee["stock"], tee["sold"]) == (500 - bought, bought), "stock equals the orders in the store"

        assert report.complete, report
        count = assert_nothing_missing(relay.url, room.name, started.stream_id, ("360p", "audio"))
        assert count >= 8
        for rendition in ("360p", "audio"):
            text = httpx.get(f"{relay.url}/live/{room.name}/{started.stream_id}/{rendition}/index.m3u8").text
            assert "#EXT-X-GAP" not in text, "nothing was given up: the push buffered through the outage"
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        pages.close()
        relay.stop()


def segments_listed(relay: RelayProcess, room: str, stream_id: str, rendition: str = "360p") -> list[str]:
    response = httpx.get(f"{relay.url}/live/{room}/{stream_id}/{rendition}/index.m3u8")
    return [uri for uri, _ in parse_media_playlist(response.text)["segments"]] if response.status_code == 200 else []


def sequence(uri: str) -> int:
    return int(uri.removeprefix("seg_").removesuffix(".m4s"))


def test_segments_the_studio_had_to_give_up_are_gaps_that_hls_js_plays_past(
    browser: Browser, tmp_path: Path, no_devices: FakeDevices
) -> None:
    """The relay (an origin behind a proxy here) refuses one segment and its parts in every rendition: the
    push gives them up, the relay's playlists mark them EXT-X-GAP (parts GAP=YES), and a viewer's hls.js
    skips the hole and keeps playing, with no restart of the player."""
    relay = RelayProcess(tmp_path / "relay").start()
    pages = PhonePages(browser)
    try:
        room = open_room(relay, "gaps")
        with FaultyProxy(relay.url) as proxy:
            session = studio(proxy.url, room.name, room.stream_key, no_devices)
            session.start()
            try:
                started = session.go_live_now()
                page = pages.open(f"{relay.url}/watch/{room.name}", ready="window.shopcast && window.shopcast.room")
                wait_js(page, "window.shopcast.state === 'live'", 30)
                playing_past(page, 1.0, 15)
                page.evaluate("window.firstPlayer = window.shopcast.hls")
                gap = sequence(segments_listed(relay, room.name, started.stream_id)[-1]) + 3  # two seconds ahead
                name = f"seg_{gap:06d}"
                proxy.rule = lambda method, path: 422 if method == "PUT" and f"/{name}." in path else None
                wait_until(
                    lambda: f"{name}.m4s" in segments_listed(relay, room.name, started.stream_id)[:-2],
                    20,
                    "the gap and two segments after it in the playlist",
                )
                playlists = {
                    rendition: httpx.get(
                        f"{relay.url}/live/{room.name}/{started.stream_id}/{rendition}/index.m3u8"
                    ).text
                    for rendition in ("360p", "audio")
                }
                # The player crosses the gap: it plays on past its end without being restarted.
                end = page.evaluate(
                    f"window.shopcast.hls.levels[window.shopcast.hls.currentLevel].details.fragments"
                    f".find(f => f.sn === {gap}).end"
                )
                wait_js(page, f"{VIDEO_TIME} >= {end + 2}", 25)
                still_same_player = page.evaluate("window.shopcast.hls === window.firstPlayer")
                errors = page.evaluate("window.shopcast.errors.slice()")
                dropped = session.stats().broadcast.outputs[0].dropped_files  # type: ignore[union-attr]
                session.end_live_now()
            finally:
                session.close()
        refused = {path.rsplit("/", 1)[1] for path in proxy.answered_with(422)}
        assert f"{name}.m4s" in refused and f"{name}.0.m4s" in refused, refused
        assert dropped == len(proxy.answered_with(422)), "each refused file given up once, not retried"
        for rendition, text in playlists.items():
            lines = text.splitlines()
            marked = [lines[i + 2] for i, line in enumerate(lines) if line == "#EXT-X-GAP"]
            assert marked == [f"{name}.m4s"], f"{rendition}: exactly the refused segment is a gap"
            parts = [line for line in lines if line.startswith("#EXT-X-PART:") and f'URI="{name}.' in line]
            assert all(line.endswith(",GAP=YES") for line in parts), parts
            others = [line for line in lines if line.startswith("#EXT-X-PART:") and f'URI="{name}.' not in line]
            assert others and not any("GAP=" in line for line in others), "only its parts are marked"
            url = f"{relay.url}/live/{room.name}/{started.stream_id}/{rendition}/{name}.m4s"
            assert httpx.get(url).status_code == 404, "the gap is not on the relay: players must not ask"
        assert still_same_player, "hls.js crossed the gap itself (the page did not restart the player)"
        assert "fragGap" in errors, f"hls.js met the gap and skipped it: {errors}"
        assert "fragLoadError" not in errors, f"no request for the gap's files (a 404 each): {errors}"
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        pages.close()
        relay.stop()
