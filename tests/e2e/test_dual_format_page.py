"""A dual-format show on the viewer page, in headless Chromium: a real relay, the studio session
pushing portrait and landscape into one room at once (`--canvas portrait,landscape`: two canvases,
two broadcasts), a phone that plays the portrait playlist full screen and switches when turned, a
desktop that plays the landscape one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.canvas import LANDSCAPE, PORTRAIT
from pipeline.program import ProgramSettings
from tests.helpers.browser import PHONE
from tests.helpers.fakes import FakeDevices
from tests.helpers.relay import RelayProcess
from tests.helpers.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FPS = 15
PLAYING = (
    "window.shopcast.state === 'live' && window.shopcast.format !== null"
    " && document.getElementById('video').videoWidth > 0 && document.getElementById('video').currentTime > 1"
)
VIDEO_BOX = """(() => {
  const r = document.getElementById('video').getBoundingClientRect();
  const v = document.getElementById('video');
  return {top: r.top, width: r.width, height: r.height, innerWidth: innerWidth, innerHeight: innerHeight,
          videoWidth: v.videoWidth, videoHeight: v.videoHeight, fit: getComputedStyle(v).objectFit,
          fill: document.body.classList.contains('fill'),
          scrollHeight: document.documentElement.scrollHeight,
          commentsTop: document.getElementById('comments').getBoundingClientRect().top};
})()"""


@pytest.fixture
def show(relay: RelayProcess) -> Iterator[tuple[StudioSession, dict[str, str]]]:
    """The studio's own dual-format show: portrait (primary: master.m3u8) and landscape
    (master-landscape.m3u8), each canvas's template scenes, one broadcast per canvas, pushed to the
    relay with the room's stream key."""
    room = relay.create_room("dual", "Dual format 双画幅")
    config = SessionConfig(
        source="test",
        mic="tone",
        program=ProgramSettings(canvases=(PORTRAIT, LANDSCAPE), fps=Fraction(FPS)),
        broadcast=BroadcastSettings(fps=Fraction(FPS), preset="ultrafast"),
        relay=ExternalRelay(relay.url, room["room"], room["stream_key"]),
        realtime=False,
    )
    session = StudioSession(config, devices=FakeDevices())
    session.start()
    try:
        session.go_live_now()
        yield session, room
    finally:
        session.close()


def open_page(browser: Browser, url: str, **context: Any) -> tuple[Page, list[str], list[str]]:
    page = browser.new_context(bypass_csp=True, locale="en-US", **context).new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    return page, errors, requests


def formats(relay: RelayProcess) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = httpx.get(f"{relay.url}/api/v1/rooms/dual", timeout=10).json()["formats"]
    return found


def test_a_phone_plays_portrait_full_screen_a_desktop_landscape_and_turning_switches(
    browser: Browser, relay: RelayProcess, show: tuple[StudioSession, dict[str, str]], tmp_path: Path
) -> None:
    _, room = show
    wait_until(lambda: [f["name"] for f in formats(relay)] == ["portrait", "landscape"], 40, "both formats")
    live = f"{relay.url}/live/dual"
    assert formats(relay) == [
        {"name": "portrait", "url": f"{live}/master.m3u8", "width": 720, "height": 1280},
        {"name": "landscape", "url": f"{live}/master-landscape.m3u8", "width": 1280, "height": 720},
    ]
    for name, sizes in [("master.m3u8", ["720x1280", "480x854", "360x640"]),
                        ("master-landscape.m3u8", ["1280x720", "854x480", "640x360"])]:  # fmt: skip
        response = httpx.get(f"{live}/{name}", timeout=10)
        assert response.status_code == 200, name
        assert re.findall(r"RESOLUTION=(\d+x\d+)", response.text) == sizes

    # A phone, upright: the portrait playlist, the picture taller than wide, filling the screen's height.
    phone, phone_errors, phone_requests = open_page(browser, room["watch_url"], **PHONE)
    phone.wait_for_function(PLAYING, timeout=40_000)
    chosen = phone.evaluate("window.shopcast.format")
    assert chosen["url"].endswith("/live/dual/master.m3u8"), chosen  # relative from the page, absolute from a poll
    assert (chosen["name"], chosen["width"], chosen["height"]) == ("portrait", 720, 1280)
    box = phone.evaluate(VIDEO_BOX)
    assert box["videoWidth"] < box["videoHeight"], box
    assert box["fill"] and box["fit"] == "cover", box
    assert box["top"] == 0 and abs(box["height"] - box["innerHeight"]) <= 1 and box["innerHeight"] == 844, box
    assert abs(box["width"] - box["innerWidth"]) <= 1, box
    assert box["scrollHeight"] <= box["innerHeight"] and box["commentsTop"] >= 0.6 * box["innerHeight"], (
        "the room floats over the picture, in its bottom 40 % (test_immersive_room.py)"
    )
    levels = phone.evaluate("window.shopcast.hls.levels.map(l => l.width + 'x' + l.height)")
    assert sorted(levels) == ["360x640", "480x854", "720x1280"]
    # hls.js plays the portrait playlist (the relay put it in the page: app/relay/player_boot.py).
    assert phone.evaluate("window.shopcast.hls.url").endswith("/live/dual/master.m3u8")
    assert not any("master-landscape" in u for u in phone_requests)
    phone.screenshot(path=str(tmp_path / "portrait-390x844.png"))

    # Turned sideways: the player restarts on the landscape playlist and the box follows the picture.
    phone.set_viewport_size({"width": 844, "height": 390})
    wide = "document.getElementById('video').videoWidth > document.getElementById('video').videoHeight"
    phone.wait_for_function(f"{PLAYING} && window.shopcast.format.name === 'landscape' && {wide}", timeout=40_000)
    box = phone.evaluate(VIDEO_BOX)
    assert not box["fill"] and box["height"] <= box["innerHeight"], box
    assert abs(box["width"] / box["height"] - 16 / 9) < 0.02, box
    assert any("master-landscape.m3u8" in u for u in phone_requests)
    phone.screenshot(path=str(tmp_path / "turned-844x390.png"))

    # A desktop window: the landscape playlist from the start.
    desktop, desktop_errors, desktop_requests = open_page(
        browser, room["watch_url"], viewport={"width": 1280, "height": 720}
    )
    desktop.wait_for_function(PLAYING, timeout=40_000)
    assert desktop.evaluate("window.shopcast.format.name") == "landscape"
    box = desktop.evaluate(VIDEO_BOX)
    assert box["videoWidth"] > box["videoHeight"], box
    assert not box["fill"] and abs(box["width"] / box["height"] - 16 / 9) < 0.02, box
    assert not any(u.endswith("/live/dual/master.m3u8") for u in desktop_requests)
    desktop.screenshot(path=str(tmp_path / "desktop-1280x720.png"))
    assert phone_errors == [] and desktop_errors == []
