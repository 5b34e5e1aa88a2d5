"""Viewer latency and first playback, plain HLS, in headless Chromium.

    .venv/bin/python benchmarks/viewer_latency.py [--seconds 30]

A studio session streams the test pattern to a bundled relay; Chromium opens the viewer page. Latency
is the viewer's clock minus hls.js ``playingDate`` (the EXT-X-PROGRAM-DATE-TIME of the frame on
screen), sampled once a second. Both clocks are this machine's, so no synchronisation error enters.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from app.session import BundledRelayConfig, SessionConfig, StudioSession  # noqa: E402
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

LATENCY = "Date.now() - window.shopcast.hls.playingDate.getTime()"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="samples to take, one a second")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        session = StudioSession(SessionConfig(source="test", mic="tone", relay=BundledRelayConfig(Path(data))))
        session.start()
        session.connect_relay_now()
        started = session.go_live_now()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                opened = time.monotonic()
                page.goto(started.watch_url or "")
                page.wait_for_function("window.shopcast.state === 'live'", timeout=60_000)
                first_play = time.monotonic() - opened
                samples = []
                for _ in range(args.seconds):
                    time.sleep(1)
                    if page.evaluate("!!(window.shopcast.hls && window.shopcast.hls.playingDate)"):
                        samples.append(page.evaluate(LATENCY) / 1000)
                height = page.evaluate("window.shopcast.hls.levels[window.shopcast.hls.currentLevel].height")
                browser.close()
            stats = session.stats()
        finally:
            session.close()
    skipped = stats.broadcast.frames_skipped if stats.broadcast else 0
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"| {'measure':<34} | {'value':>10} |")
    print(f"|{'-' * 36}|{'-' * 12}|")
    rows = [
        ("page open → playing (s)", f"{first_play:.2f}"),
        ("latency p50 (s)", f"{statistics.median(samples):.2f}"),
        ("latency max (s)", f"{max(samples):.2f}"),
        ("samples", str(len(samples))),
        ("rung played", f"{height}p"),
        ("frames skipped by the encoder", str(skipped)),
    ]
    for name, value in rows:
        print(f"| {name:<34} | {value:>10} |")


if __name__ == "__main__":
    main()
