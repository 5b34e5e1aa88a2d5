"""A viewer's network gets slower than the top rung, then recovers (issue 18): the viewer page's hls.js, in
Chromium, plays the live ladder through a TCP fault proxy in front of the relay; under a bandwidth cap
between the 480p and 720p rungs it steps down, and once the cap is lifted it steps back up to the top."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.helpers.browser import PHONE, wait_js
from tests.helpers.fault_proxy import FaultProxy
from tests.helpers.processes import stop_process
from tests.helpers.relay import REPO, RelayProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAP_BYTES_PER_S = 240_000
"""1.92 Mb/s to the viewer: above the 480p rung (BANDWIDTH 1.39 Mb/s with the audio), below 720p (3.28 Mb/s)."""
CAP_SECONDS = 10

LEVEL = "window.shopcast.hls.currentLevel"
TOP = "(window.shopcast.hls.levels.length - 1)"
"""hls.js sorts the levels by bitrate: the last is the top rung."""


@pytest.fixture
def proxy(relay: RelayProcess) -> Iterator[FaultProxy]:
    with FaultProxy(relay.port) as running:
        yield running


def wait_level(page: Page, condition: str, timeout: float, what: str) -> None:
    """Wait until ``condition`` holds of the playing level; say where ABR stood if it never does."""
    try:
        wait_js(page, condition, timeout)
    except AssertionError:
        state = page.evaluate(
            "(() => { const h = window.shopcast.hls; return {level: h.currentLevel, next: h.nextAutoLevel,"
            " estimate: Math.round(h.bandwidthEstimate), errors: window.shopcast.errors}; })()"
        )
        raise AssertionError(f"timed out after {timeout:g} s waiting for {what}: {state}") from None


def playing_time(page: Page) -> float:
    return float(page.evaluate("document.getElementById('video').currentTime"))


def test_hls_js_steps_down_under_a_bandwidth_cap_and_back_up_after(
    browser: Browser, relay: RelayProcess, proxy: FaultProxy
) -> None:
    room = relay.create_room("abr")
    # The studio in a process of its own, its link to the relay untouched: the proxy's thread here
    # then never waits behind the encoders for this process's interpreter lock.
    studio = subprocess.Popen(
        [sys.executable, "-m", "app", "broadcast", "--room", "abr", "--relay", relay.url, "--source", "test",
         "--mic", "tone", "--preset", "ultrafast", "--quiet"],
        cwd=REPO, env={**os.environ, "SHOPCAST_STREAM_KEY": room["stream_key"]},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    context = browser.new_context(bypass_csp=True, **PHONE)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{proxy.url}/watch/abr")  # the viewer reaches the relay through the proxy
        wait_js(page, "window.shopcast && window.shopcast.state === 'live'", 30)
        assert page.evaluate("window.shopcast.hls.levels.map(l => l.height)") == [640, 854, 1280]
        wait_level(page, f"{LEVEL} === {TOP}", 25, "the top rung")  # from the lowest, on a free link
        page.evaluate(
            "window.levelLog = []; window.shopcast.hls.on(window.Hls.Events.LEVEL_SWITCHED,"
            " (_e, data) => window.levelLog.push(data.level))"
        )

        capped = time.monotonic()
        proxy.set_cap(CAP_BYTES_PER_S, "down")
        wait_level(page, f"{LEVEL} < {TOP}", CAP_SECONDS, "a step down")
        time.sleep(max(0.0, CAP_SECONDS - (time.monotonic() - capped)))
        level_under_cap = page.evaluate(LEVEL)
        before = playing_time(page)

        proxy.set_cap(None)
        wait_level(page, f"{LEVEL} === {TOP}", 25, "the top rung again")
        wait_js(page, f"document.getElementById('video').currentTime > {before + 2}", 10)
        switches = page.evaluate("window.levelLog")
    finally:
        context.close()
        stop_process(studio)

    assert level_under_cap < 2, "it stays below the top rung while the cap lasts"
    assert min(switches) < 2 and switches[-1] == 2, switches
    assert errors == []
