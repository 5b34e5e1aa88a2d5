"""A dual-format show on the viewer page, in headless Chromium: a real relay, portrait and landscape
pushed into one room at once (two broadcasts built from pipeline objects, one per canvas), a phone
that plays the portrait playlist full screen and switches when turned, a desktop that plays the
landscape one."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from playwright.sync_api import Browser, Page

from pipeline.broadcast import Broadcast, BroadcastReport, BroadcastSettings
from pipeline.canvas import LANDSCAPE, PORTRAIT, Canvas, default_ladder
from pipeline.clock import SystemClock
from pipeline.cmaf_packager import PackagerSettings
from pipeline.frames import AudioChunk, Image, VideoFrame
from pipeline.outputs.http_push import HttpPushOutput
from tests.helpers.browser import PHONE
from tests.helpers.relay import RelayProcess
from tests.helpers.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FPS = 15
SAMPLE_RATE = 48_000
CHUNK = 1024
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


def pattern(canvas: Canvas) -> Image:
    """A still picture that says which canvas it is: a diagonal colour ramp, a label, a frame."""
    h, w = canvas.height, canvas.width
    y, x = np.mgrid[0:h, 0:w]
    image = np.zeros((h, w, 3), np.uint8)
    image[..., 0] = (x * 255 // w).astype(np.uint8)
    image[..., 1] = (y * 255 // h).astype(np.uint8)
    image[..., 2] = 90
    cv2.rectangle(image, (8, 8), (w - 9, h - 9), (255, 255, 255), 6)
    cv2.putText(image, canvas.name.upper(), (40, h // 2), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (255, 255, 255), 5)
    return image


class DualFormatShow:
    """Two broadcasts of one show, portrait (primary: master.m3u8) and landscape
    (master-landscape.m3u8), pushed to the relay's ingest with the room's stream key, fed the same
    moving picture at each canvas's size and silence by one feeder thread."""

    def __init__(self, relay: RelayProcess, room: str, stream_key: str) -> None:
        clock = SystemClock()
        self.canvases = (PORTRAIT, LANDSCAPE)
        self.broadcasts = [
            Broadcast(
                BroadcastSettings(
                    rungs=default_ladder(canvas),
                    fps=Fraction(FPS),
                    preset="ultrafast",
                    packaging=PackagerSettings(multivariant_name=canvas.multivariant_name(primary)),
                ),
                [HttpPushOutput(f"{relay.url}/ingest/{room}/", stream_key, name=f"relay-{canvas.name}")],
                clock,
            )
            for canvas, primary in zip(self.canvases, (True, False), strict=True)
        ]
        self._pictures = [pattern(c) for c in self.canvases]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._feed, name="test-dual-format-feeder", daemon=True)

    def start(self) -> DualFormatShow:
        for broadcast in self.broadcasts:
            broadcast.start()
        self._thread.start()
        return self

    def _feed(self) -> None:
        started = time.monotonic()
        silence = np.zeros((CHUNK, 2), np.float32)
        samples = 0
        frame = 0
        while not self._stop.is_set():
            if self._stop.wait(max(0.0, started + frame / FPS - time.monotonic())):
                break
            wall = time.time()
            for broadcast, picture, canvas in zip(self.broadcasts, self._pictures, self.canvases, strict=True):
                image = picture.copy()
                x = frame * 12 % canvas.width
                image[:, x : x + 24] = (40, 40, 255)  # a bar that moves: the picture is live
                broadcast.push_video(VideoFrame(image, frame, Fraction(1, FPS), wall))
            while samples < (frame + 1) * SAMPLE_RATE // FPS:
                for broadcast in self.broadcasts:
                    broadcast.push_audio(AudioChunk(silence, samples, SAMPLE_RATE))
                samples += CHUNK
            frame += 1

    def stop(self) -> list[BroadcastReport]:
        self._stop.set()
        self._thread.join(10)
        return [broadcast.stop(drain_timeout=10) for broadcast in self.broadcasts]


@pytest.fixture
def show(relay: RelayProcess) -> Iterator[tuple[DualFormatShow, dict[str, str]]]:
    room = relay.create_room("dual", "Dual format 双画幅")
    running = DualFormatShow(relay, room["room"], room["stream_key"]).start()
    try:
        yield running, room
    finally:
        running.stop()


def open_page(browser: Browser, url: str, **context: Any) -> tuple[Page, list[str], list[str]]:
    page = browser.new_context(locale="en-US", **context).new_page()
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
    browser: Browser, relay: RelayProcess, show: tuple[DualFormatShow, dict[str, str]], tmp_path: Path
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
    assert box["scrollHeight"] > box["innerHeight"] and box["commentsTop"] >= box["innerHeight"], (
        "the room below the picture is reached by scrolling"
    )
    levels = phone.evaluate("window.shopcast.hls.levels.map(l => l.width + 'x' + l.height)")
    assert sorted(levels) == ["360x640", "480x854", "720x1280"]
    assert any(u.endswith("/live/dual/master.m3u8") for u in phone_requests)
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
