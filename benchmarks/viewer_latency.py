"""Viewer latency and first frame in headless Chromium: LL-HLS and plain HLS side by side.

    .venv/bin/python benchmarks/viewer_latency.py [--seconds 30] [--modes ll,plain] [--warmup 8]

For each mode a studio session streams the test pattern (720p30, three rungs) to its own bundled
relay and Chromium opens the viewer page. "ll" is the default packaging (LL-HLS parts of 1/3 s,
blocking playlist reload, hls.js in low-latency mode); "plain" is the same stream with parts turned
off (the peer: what any HLS origin with 1 s segments gives). Latency is the viewer's clock minus
hls.js ``playingDate`` (the EXT-X-PROGRAM-DATE-TIME of the frame on screen), sampled once a second
after ``--warmup`` seconds (the player starts behind and catches up at up to 1.2x speed). Both
clocks are this machine's, so no synchronisation error enters. First frame is page open → the
video element has a decoded frame and its clock is moving.
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

from app.session import StudioSession  # noqa: E402
from app.session_config import BundledRelayConfig, SessionConfig  # noqa: E402
from pipeline.broadcast import BroadcastSettings  # noqa: E402
from pipeline.cmaf_packager import PackagerSettings  # noqa: E402
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

LATENCY = "Date.now() - window.shopcast.hls.playingDate.getTime()"


FIRST_FRAME = (
    "(() => { const v = document.querySelector('video'); return !!v && v.readyState >= 2 && v.currentTime > 0; })()"
)


def measure(mode: str, seconds: int, warmup: int) -> dict[str, str]:
    packaging = PackagerSettings() if mode == "ll" else PackagerSettings(part_seconds=None)
    config = SessionConfig(
        source="test", mic="tone", broadcast=BroadcastSettings(packaging=packaging),
        relay=BundledRelayConfig(Path(tempfile.mkdtemp(prefix="shopcast-latency-"))),
    )  # fmt: skip
    session = StudioSession(config)
    session.start()
    session.connect_relay_now()
    started = session.go_live_now()
    try:
        time.sleep(3)  # the stream is up before the viewer arrives, as for anyone joining a show
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(bypass_csp=True)
            opened = time.monotonic()
            page.goto(started.watch_url or "")
            page.wait_for_function(FIRST_FRAME, timeout=60_000, polling=10)
            first_frame = time.monotonic() - opened
            time.sleep(warmup)
            samples = []
            for _ in range(seconds):
                time.sleep(1)
                if page.evaluate("!!(window.shopcast.hls && window.shopcast.hls.playingDate)"):
                    samples.append(page.evaluate(LATENCY) / 1000)
            stalls = page.evaluate("window.shopcast.errors.filter(e => e === 'bufferStalledError').length")
            height = page.evaluate("window.shopcast.hls.levels[window.shopcast.hls.currentLevel].height")
            browser.close()
        stats = session.stats()
    finally:
        session.close()
    skipped = stats.broadcast.frames_skipped if stats.broadcast else 0
    samples.sort()
    return {
        "page open → first frame (s)": f"{first_frame:.2f}",
        "latency p50 (s)": f"{statistics.median(samples):.2f}",
        "latency p95 (s)": f"{samples[min(len(samples) - 1, int(len(samples) * 0.95))]:.2f}",
        "latency max (s)": f"{samples[-1]:.2f}",
        "samples": str(len(samples)),
        "stalls": str(stalls),
        "rung played": f"{height}p",
        "frames skipped by the encoder": str(skipped),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="samples to take, one a second")
    parser.add_argument("--warmup", type=int, default=8, help="seconds of playback before sampling")
    parser.add_argument("--modes", default="ll,plain", help="comma-separated: ll, plain")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - {"ll", "plain"}:
        parser.error(f"--modes takes ll and/or plain; got {args.modes!r}")
    results = {mode: measure(mode, args.seconds, args.warmup) for mode in modes}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    names = {"ll": "LL-HLS", "plain": "plain HLS (peer)"}
    print(f"| {'measure':<30} | " + " | ".join(f"{names[m]:>16}" for m in modes) + " |")
    print(f"|{'-' * 32}|" + "|".join("-" * 18 for _ in modes) + "|")
    for row in results[modes[0]]:
        print(f"| {row:<30} | " + " | ".join(f"{results[m][row]:>16}" for m in modes) + " |")
    if "ll" in results:
        p50 = float(results["ll"]["latency p50 (s)"])
        print(f"floor LL-HLS latency p50 <= 1.5 s: {'meets' if p50 <= 1.5 else 'BELOW'} ({p50:.2f} s; goal 1.0 s)")


if __name__ == "__main__":
    main()
