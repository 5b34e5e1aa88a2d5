"""Co-host (连麦) latency: from a guest's browser to the studio's program picture, on loopback.

    .venv/bin/python benchmarks/cohost_latency.py [--seconds 30] [--warmup 5] [--layout side_by_side]

A studio session streams the test pattern (720p30, three rungs, veryfast) to its own bundled
relay and goes live; headless Chromium opens a co-host invite link with ``?test=clock`` (the guest
page then sends a drawn 1280x720 picture carrying the clock code of ``Date.now()`` at every frame,
assets/web/cohost.js, instead of a camera) and joins over WebRTC. Every clock is this machine's,
so no synchronisation error enters. Measured, per frame:

* **arrival** (the peer: what plain WebRTC into aiortc gives, before anything of ours): the guest's
  newest decoded picture as the endpoint hands it to the compositor, read as soon as it changes
  (polled every 2 ms), minus the time coded in it;
* **program**: the guest's tile in each rendered program frame (a program video sink, the same
  place the encoders and the preview take frames from), the frame's render time minus the code.

"program" minus "arrival" is what the studio adds: waiting for the next frame tick (0-33 ms at 30 fps)
and composing. Goal (issue 6): program p95 ≤ 250 ms on loopback (aim ≤ 150 ms).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("SHOPCAST_ICE_HOSTS", "127.0.0.1")  # loopback: aioice skips 127.0.0.1 otherwise

from playwright.sync_api import sync_playwright  # noqa: E402

from app.session import StudioSession  # noqa: E402
from app.session_config import BundledRelayConfig, SessionConfig  # noqa: E402
from benchmarks._machine import cpu_model  # noqa: E402
from pipeline.broadcast import BroadcastSettings  # noqa: E402
from pipeline.canvas import LANDSCAPE  # noqa: E402
from pipeline.compositor import Layout, fill_transform  # noqa: E402
from pipeline.frames import Image, VideoFrame  # noqa: E402
from pipeline.program import ProgramSettings  # noqa: E402
from pipeline.sources import clock_code  # noqa: E402
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, WEBRTC_ARGS  # noqa: E402

CANVAS = {"width": 1280, "x": 380, "y": 40, "cell": 10}
"""The guest page's ?test=clock picture (assets/web/cohost.js TEST_PATTERN)."""


def code_in(image: Image, src_w: int, x0: float, y0: float, scale: float) -> int | None:
    s = src_w / CANVAS["width"]
    return clock_code.read(
        image, x0 + CANVAS["x"] * s * scale, y0 + CANVAS["y"] * s * scale, CANVAS["cell"] * s * scale
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="seconds measured (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds after joining not counted (default 5)")
    parser.add_argument("--layout", choices=[m.value for m in Layout], default=Layout.SIDE_BY_SIDE.value)
    args = parser.parse_args()
    if args.seconds < 5 or args.warmup < 0:
        parser.error("--seconds must be at least 5 and --warmup at least 0")

    config = SessionConfig(  # landscape: the guest's whole 16:9 picture (and its code) fits a tile
        source="test", mic="tone", broadcast=BroadcastSettings(preset="veryfast"),
        program=ProgramSettings(canvases=(LANDSCAPE,)),
        relay=BundledRelayConfig(Path(tempfile.mkdtemp(prefix="shopcast-cohost-latency-"))),
    )  # fmt: skip
    session = StudioSession(config)
    session.start()
    session.connect_relay_now()
    session.go_live_now()
    session.cohosting.set_layout(args.layout)
    counting = threading.Event()
    stop = threading.Event()
    arrival: list[float] = []
    program: list[float] = []
    sizes: set[tuple[int, int]] = set()

    def on_program_frame(frame: VideoFrame) -> None:
        endpoint = session.cohosting._endpoint
        tiles = session.cohosting.compositor.last_tiles
        if not counting.is_set() or endpoint is None or not tiles:
            return
        pictures = endpoint.pictures()
        if not pictures or pictures[0].image is None:
            return
        src_h, src_w = pictures[0].image.shape[:2]
        _, rect = tiles[0]
        scale, cx, cy, _, _ = fill_transform(src_w, src_h, rect.w, rect.h)
        coded = code_in(frame.image, src_w, rect.x - cx * scale, rect.y - cy * scale, scale)
        if coded is not None:
            program.append(frame.wall * 1000 - coded)

    def watch_arrivals() -> None:
        last = None
        while not stop.is_set():
            endpoint = session.cohosting._endpoint
            pictures = endpoint.pictures() if endpoint is not None else []
            if pictures and pictures[0].image is not None and pictures[0].image is not last:
                last = pictures[0].image
                now = time.time() * 1000
                sizes.add((last.shape[1], last.shape[0]))
                coded = code_in(last, last.shape[1], 0, 0, 1.0)
                if coded is not None and counting.is_set():
                    arrival.append(now - coded)
            time.sleep(0.002)

    session.program.add_video_sink(on_program_frame)
    watcher = threading.Thread(target=watch_arrivals, name="bench-arrivals", daemon=True)
    watcher.start()
    room = session.room
    assert room is not None
    try:
        invite = room.create_invite(label="benchmark")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + WEBRTC_ARGS)
            page = browser.new_page(bypass_csp=True)
            page.goto(invite["url"] + "?test=clock")
            page.wait_for_function("window.shopcastGuest && window.shopcastGuest.deviceCheck.ok", timeout=20_000)
            page.fill("#name", "Bench")
            joined = time.monotonic()
            page.click("#join")
            page.wait_for_function("window.shopcastGuest.state === 'live'", timeout=30_000)
            join_s = time.monotonic() - joined
            time.sleep(args.warmup)
            counting.set()
            time.sleep(args.seconds)
            counting.clear()
            browser.close()
        stats = session.stats()
    finally:
        stop.set()
        watcher.join(5)
        session.close()

    skipped = stats.broadcast.frames_skipped if stats.broadcast else 0
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}")
    print(f"layout {args.layout}; guest picture received at {sorted(sizes)}; join (click → live) {join_s:.2f} s; "
          f"{args.seconds} s measured after {args.warmup} s; program frames lagged {stats.program.frames_lagged}, "
          f"skipped by the encoders {skipped}")  # fmt: skip
    print("| guest → ...                          | p50 ms | p95 ms | max ms | samples |")
    print("|--------------------------------------|-------:|-------:|-------:|--------:|")
    for name, values in (("studio, decoded (peer: bare WebRTC)", arrival), ("program picture", program)):
        if not values:
            print(f"| {name:<36} |      – |      – |      – |       0 |")
            continue
        print(f"| {name:<36} | {statistics.median(values):>6.0f} | {percentile(values, 0.95):>6.0f} "
              f"| {max(values):>6.0f} | {len(values):>7} |")  # fmt: skip
    if program:
        p95 = percentile(program, 0.95)
        print(f"goal program p95 <= 250 ms: {'meets' if p95 <= 250 else 'ABOVE'} ({p95:.0f} ms); aim 150 ms")


if __name__ == "__main__":
    main()
