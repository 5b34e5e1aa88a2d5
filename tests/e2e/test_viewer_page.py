"""The viewer page in headless Chromium: waiting state, live playback of the ladder, the end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from tests.helpers.browser import PHONE
from tests.helpers.fakes import FakeDevices
from tests.helpers.relay import REPO, RelayProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_page(browser: Browser, url: str, locale: str = "en-US") -> Page:
    context = browser.new_context(bypass_csp=True, locale=locale, **PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(url)
    return page


def streaming_session(relay: RelayProcess, room: dict[str, str], devices: FakeDevices) -> StudioSession:
    """A studio session streaming the test pattern and tone to ``room``."""
    config = SessionConfig(
        source="test",
        mic="tone",
        broadcast=BroadcastSettings(preset="ultrafast"),
        relay=ExternalRelay(relay.url, room["room"], room["stream_key"]),
    )
    return StudioSession(config, devices=devices)


def test_viewer_waits_offline_then_plays_the_live_ladder_then_shows_the_end(
    browser: Browser, relay: RelayProcess, no_devices: FakeDevices, tmp_path: Path
) -> None:
    room = relay.create_room("watch", "新品 <直播> & more")
    page = open_page(browser, room["watch_url"])
    assert page.locator("#room-title").inner_text() == "新品 <直播> & more"
    page.wait_for_function("window.shopcast && window.shopcast.roomState === 'offline'", timeout=10_000)
    assert page.locator("#overlay-title").inner_text() == "Offline — waiting for the stream"
    assert page.locator("#overlay").is_visible()

    session = streaming_session(relay, room, no_devices)
    session.start()
    try:
        session.go_live_now()
        page.wait_for_function("window.shopcast.state === 'live'", timeout=30_000)
        start = page.evaluate("document.getElementById('video').currentTime")
        page.wait_for_function(f"document.getElementById('video').currentTime >= {start + 3}", timeout=20_000)
        heights = page.evaluate("window.shopcast.hls.levels.map(l => l.height)")
        assert sorted(heights) == [640, 854, 1280]  # portrait: 360x640, 480x854, 720x1280
        assert page.locator("#live-badge").is_visible()
        assert not page.locator("#overlay").is_visible()
        assert page.evaluate("document.getElementById('video').muted") is True
        assert page.locator("#unmute").is_visible()
        page.screenshot(path=str(tmp_path / "live.png"))
        report = session.end_live_now()
        assert report.complete
    finally:
        session.close()
    page.wait_for_function("window.shopcast.state === 'ended'", timeout=30_000)
    assert page.locator("#overlay-title").inner_text() == "The live stream has ended"
    assert page.errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("low_latency", [True, False], ids=["ll-hls", "plain-hls-client"])
def test_hls_js_plays_ll_hls_parts_and_a_plain_client_plays_the_same_stream(
    browser: Browser, relay: RelayProcess, no_devices: FakeDevices, low_latency: bool
) -> None:
    room = relay.create_room(f"ll-{low_latency}".lower(), "LL")
    session = streaming_session(relay, room, no_devices)
    session.start()
    try:
        session.go_live_now()
        context = browser.new_context(bypass_csp=True, **PHONE)  # type: ignore[arg-type]
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(room["watch_url"] + ("" if low_latency else "?ll=0"))
        page.wait_for_function("window.shopcast.state === 'live'", timeout=30_000)
        start = page.evaluate("document.getElementById('video').currentTime")
        page.wait_for_function(f"document.getElementById('video').currentTime >= {start + 3}", timeout=20_000)
        details = "window.shopcast.hls.levels[window.shopcast.hls.currentLevel].details"
        assert page.evaluate(f"{details}.partList !== null && {details}.partList.length > 0"), "the playlist has parts"
        assert page.evaluate(f"{details}.canBlockReload") is True
        blocking = [u for u in requests if "_HLS_msn=" in u]
        parts = [u for u in requests if re.search(r"/seg_\d{6}\.\d+\.m4s$", u)]
        if low_latency:
            assert blocking and parts, "hls.js reloads with delivery directives and loads parts"
        else:
            assert not parts, "a client without low-latency mode loads whole segments only"
            assert any(re.search(r"/seg_\d{6}\.m4s$", u) for u in requests)
        context.close()
    finally:
        session.close()


def test_viewer_page_speaks_the_browsers_language(browser: Browser, relay: RelayProcess) -> None:
    room = relay.create_room("zh")
    page = open_page(browser, room["watch_url"], locale="zh-CN")
    page.wait_for_function("window.shopcast && window.shopcast.roomState === 'offline'", timeout=10_000)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("#overlay-title").inner_text() == "直播未开始 — 等待主播开播"
    english = open_page(browser, room["watch_url"] + "?lang=en", locale="zh-CN")
    assert english.locator("#overlay-title").inner_text() == "Offline — waiting for the stream"


def test_unknown_room_gets_a_friendly_404_page(browser: Browser, relay: RelayProcess) -> None:
    page = open_page(browser, relay.url + "/watch/nobody-here")
    assert page.locator(".overlay-title").inner_text() == "There is no live room here"


def test_viewer_leaves_a_dead_stream_and_picks_up_the_next_broadcast(
    browser: Browser, tmp_path: Path, no_devices: FakeDevices
) -> None:
    relay = RelayProcess(tmp_path / "relay", "--live-timeout", "2").start()
    crashed: subprocess.Popen[str] | None = None
    try:
        room = relay.create_room("phoenix")
        crashed = subprocess.Popen(
            [sys.executable, "-m", "app", "broadcast", "--room", "phoenix", "--relay", relay.url,
             "--source", "test", "--mic", "none", "--preset", "ultrafast", "--quiet"],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "SHOPCAST_STREAM_KEY": room["stream_key"]},
        )  # fmt: skip
        page = open_page(browser, room["watch_url"])
        page.wait_for_function("window.shopcast.state === 'live'", timeout=40_000)
        first = page.evaluate("window.shopcast.streamStartedAt")
        crashed.kill()  # the studio dies: no EXT-X-ENDLIST ever arrives
        crashed.wait()
        page.wait_for_function("window.shopcast.state === 'offline'", timeout=20_000)
        assert page.locator("#overlay-title").inner_text() == "Offline — waiting for the stream"

        session = streaming_session(relay, room, no_devices)
        session.start()
        try:
            session.go_live_now()
            page.wait_for_function(
                f"window.shopcast.state === 'live' && window.shopcast.streamStartedAt !== {first}", timeout=40_000
            )
            start = page.evaluate("document.getElementById('video').currentTime")
            page.wait_for_function(f"document.getElementById('video').currentTime >= {start + 2}", timeout=20_000)
        finally:
            session.close()
    finally:
        if crashed is not None and crashed.poll() is None:
            crashed.kill()
        relay.stop()
