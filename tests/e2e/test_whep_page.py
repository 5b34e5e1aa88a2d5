"""The viewer page's ultra-low latency switch in headless Chromium: WebRTC (WHEP) from the relay, and
LL-HLS when the relay refuses (seats full) or the connection goes."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import STANDARD_RUNGS
from pipeline.sources.test_pattern import TestPattern
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, CSP_TRIPWIRE, PHONE, WEBRTC_ARGS, wait_js
from tests.helpers.fakes import FakeDevices
from tests.helpers.relay import RelayProcess
from tests.helpers.waiting import wait_until
from tests.helpers.whep import CLOCK_PROBE_JS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAYING = "document.getElementById('video').currentTime > {t} && window.shopcast.state === 'live'"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + WEBRTC_ARGS)
        yield instance
        instance.close()


def live_relay(tmp_path: Path, seats: int) -> tuple[RelayProcess, StudioSession, str]:
    relay = RelayProcess(tmp_path / "relay", "--ice-host", "127.0.0.1", "--whep-seats", str(seats)).start()
    room = relay.create_room("shop", "直播间")
    session = StudioSession(
        SessionConfig(
            source="test",
            mic="tone",
            broadcast=BroadcastSettings(rungs=(STANDARD_RUNGS["720p"], STANDARD_RUNGS["360p"]), preset="ultrafast"),
            relay=ExternalRelay(relay.url, "shop", room["stream_key"]),
        ),
        devices=FakeDevices(),
    )
    session.start()
    session.go_live_now()
    wait_until(lambda: seats_status(relay)["realtime"], 20, "the realtime stream")
    return relay, session, room["watch_url"]


def seats_status(relay: RelayProcess) -> dict[str, object]:
    data: dict[str, object] = httpx.get(f"{relay.url}/api/v1/rooms/shop/whep", timeout=10).json()
    return data


def open_page(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.add_init_script(CSP_TRIPWIRE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(url)
    return page


def plays(page: Page, transport: str, seconds: float = 2.0) -> None:
    page.wait_for_function(f"window.shopcast.transport === '{transport}' && window.shopcast.state === 'live'",
                           timeout=30_000)  # fmt: skip
    start = page.evaluate("document.getElementById('video').currentTime")
    page.wait_for_function(PLAYING.format(t=start + seconds), timeout=20_000)
    assert page.evaluate("window.shopcast.transport") == transport


def latency_ms(page: Page, seconds: float) -> float:
    """Median of (shown - made) over ``seconds``, from the test pattern's clock code on the screen."""
    if not page.evaluate("!!window.ClockCode"):
        page.add_script_tag(url="/static/clock_code.js")
    x, y, cell = TestPattern(720, 1280).clock_code_box()  # the portrait program, as the studio makes it
    page.evaluate(CLOCK_PROBE_JS, [x, y, cell, 720])
    time.sleep(seconds)
    samples: list[float] = page.evaluate("window.shopcastLatency")
    assert len(samples) >= seconds * 10, f"only {len(samples)} pictures read in {seconds} s"
    return statistics.median(samples)


def test_the_switch_plays_webrtc_far_ahead_of_ll_hls_and_falls_back_when_the_connection_goes(
    browser: Browser, tmp_path: Path
) -> None:
    relay, session, url = live_relay(tmp_path, seats=2)
    try:
        context = browser.new_context(bypass_csp=True, locale="en-US", **PHONE)  # type: ignore[arg-type]
        page = open_page(context, url)
        plays(page, "hls")  # LL-HLS stays the default
        assert page.locator("#ull-wrap").inner_text() == "Ultra-low latency"
        assert not page.locator("#ull").is_checked()
        hls_ms = latency_ms(page, 3)

        page.locator("#ull-wrap").click()
        plays(page, "webrtc")
        assert page.locator("#ull").is_checked()
        assert page.evaluate("document.getElementById('video').srcObject.getTracks().map(t => t.kind).sort()") == [
            "audio", "video"
        ]  # fmt: skip
        assert page.evaluate("document.getElementById('video').videoWidth") == 720, "the portrait top rung"
        webrtc_ms = latency_ms(page, 4)
        print(f"glass to glass: WebRTC {webrtc_ms:.0f} ms, LL-HLS {hls_ms:.0f} ms")
        assert webrtc_ms < 1000, f"WebRTC plays {webrtc_ms:.0f} ms behind"
        assert webrtc_ms < hls_ms
        assert seats_status(relay)["room_viewers"] == 1

        # The choice is remembered on this browser.
        page.reload()
        plays(page, "webrtc")

        # The relay ends the session (as when it is restarted or the studio stays away): LL-HLS takes over.
        resource = page.evaluate("window.shopcast.whep")
        assert httpx.delete(resource).status_code == 200
        page.wait_for_function("window.shopcast.transport === 'hls'", timeout=20_000)
        assert page.evaluate("window.shopcast.ullNote") == "failed"
        assert page.locator("#ull-note").inner_text() == (
            "The ultra-low-latency connection failed — playing the standard live stream"
        )
        plays(page, "hls")
        assert not page.locator("#ull").is_checked()
        assert page.errors == []  # type: ignore[attr-defined]
        context.close()
    finally:
        session.close()
        relay.stop()


def test_when_the_seats_are_taken_the_page_plays_ll_hls_and_says_why(browser: Browser, tmp_path: Path) -> None:
    relay, session, url = live_relay(tmp_path, seats=1)
    try:
        first = browser.new_context(bypass_csp=True, **PHONE)  # type: ignore[arg-type]
        taken = open_page(first, url + "?ull=1")
        plays(taken, "webrtc")

        second = browser.new_context(bypass_csp=True, locale="zh-CN", **PHONE)  # type: ignore[arg-type]
        page = open_page(second, url + "?ull=1")
        page.wait_for_function("window.shopcast.ullNote === 'full'", timeout=20_000)
        assert page.locator("#ull-note").is_visible()
        assert page.locator("#ull-note").inner_text() == "超低延迟名额已满，已切换为标准直播"
        assert page.locator("#ull-wrap").inner_text() == "超低延迟"
        assert "whep: HTTP 503 seats_full" in page.evaluate("window.shopcast.errors")
        plays(page, "hls")
        assert not page.locator("#ull").is_checked()

        first.close()  # the first viewer leaves: the page frees its seat on the way out
        wait_until(lambda: seats_status(relay)["seats_in_use"] == 0, 10, "the seat to be freed")
        page.locator("#ull-wrap").click()
        plays(page, "webrtc")
        assert page.locator("#ull-note").is_hidden()
        assert page.errors == []  # type: ignore[attr-defined]
        second.close()
    finally:
        session.close()
        relay.stop()


def test_the_live_room_works_under_its_content_security_policy(browser: Browser, tmp_path: Path) -> None:
    """The watch page as a viewer's browser enforces its policy (no bypass): LL-HLS plays (hls.js from
    /static, MediaSource), the room's feed and API answer (fetch, WebSocket), a pinned product is
    bought, and WebRTC plays (WHEP); nothing is blocked (CSP_TRIPWIRE makes a block a page error)."""
    relay, session, url = live_relay(tmp_path, seats=2)
    try:
        admin = {"Authorization": f"Bearer {relay.admin_token}"}
        owner = httpx.post(f"{relay.url}/api/v1/rooms/shop/owner-token", headers=admin).json()["owner_token"]
        owner_headers = {"Authorization": f"Bearer {owner}"}
        with httpx.Client(base_url=f"{relay.url}/api/v1/rooms/shop", headers=owner_headers) as host:
            host.post("/products", json={"sku": "mug", "title": "Mug", "price": 9.9, "stock": 5}).raise_for_status()
            context = browser.new_context(locale="en-US", **PHONE)  # type: ignore[arg-type]
            page = open_page(context, url)
            live = "!!window.shopcast && window.shopcast.transport === 'hls' && window.shopcast.state === 'live'"
            wait_js(page, live, 30)
            wait_js(page, "document.getElementById('video').currentTime > 1", 20)
            wait_js(page, "window.shopcast.room && window.shopcast.room.connected === true", 10)
            host.post("/pins", json={"sku": "mug"}).raise_for_status()
            wait_js(page, "!!document.querySelector('#pinned .card[data-sku=mug] button.buy')", 10)
            page.locator("#pinned .card[data-sku=mug] button.buy").click()
            wait_js(page, "document.getElementById('toast').textContent.includes('Paid')", 10)
            assert [o["sku"] for o in host.get("/orders").json()] == ["mug"]
        page.locator("#ull-wrap").click()
        wait_js(page, "window.shopcast.transport === 'webrtc' && window.shopcast.state === 'live'", 30)
        start = page.evaluate("document.getElementById('video').currentTime")
        wait_js(page, f"document.getElementById('video').currentTime > {start + 1}", 20)
        assert page.errors == []  # type: ignore[attr-defined]
        context.close()
    finally:
        session.close()
        relay.stop()
