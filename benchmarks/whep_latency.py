"""Glass-to-glass latency of a WebRTC (WHEP) viewer beside an LL-HLS viewer, in headless Chromium.

    .venv/bin/python benchmarks/whep_latency.py [--seconds 20] [--warmup 5] [--modes webrtc,ll]

A studio session streams the test pattern (720p30, the three-rung ladder, the tone) to its bundled
relay, which serves the viewer page; ICE is kept on loopback through SHOPCAST_ICE_HOSTS=127.0.0.1,
which the bundled relay inherits. For each mode Chromium opens the viewer page (``?ull=1``: the
ultra-low latency switch on, WebRTC from the relay's WHEP endpoint; ``?ull=0``: LL-HLS with hls.js,
the peer) and reads the machine-readable clock the test pattern carries off every picture the
<video> presents (drawn into a canvas, read with assets/web/clock_code.js): latency is the
presentation time minus the time coded in the picture. Both clocks are this machine's. First frame is
page open → the video element has a decoded frame and its clock is moving. Relay CPU is the relay
process's CPU time over the sampling window (one viewer).
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
from pipeline.sources.test_pattern import TestPattern  # noqa: E402
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, WEBRTC_ARGS  # noqa: E402
from tests.helpers.whep import CLOCK_PROBE_JS  # noqa: E402

FIRST_FRAME = (
    "(() => { const v = document.querySelector('video'); return !!v && v.readyState >= 2 && v.currentTime > 0; })()"
)
WEBRTC_STATS = """async () => {
  const out = { freezes: 0, dropped: 0, jitterBufferMs: 0 };
  if (!window.shopcast.pc) return out;
  (await window.shopcast.pc.getStats()).forEach(r => {
    if (r.type === 'inbound-rtp' && r.kind === 'video') {
      out.freezes = r.freezeCount || 0;
      out.dropped = r.framesDropped || 0;
      out.jitterBufferMs = 1000 * r.jitterBufferDelay / Math.max(1, r.jitterBufferEmittedCount);
    }
  });
  return out;
}"""
NAMES = {"webrtc": "WebRTC (WHEP)", "ll": "LL-HLS (peer)"}


def cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(samples: list[float], share: float) -> float:
    return samples[min(len(samples) - 1, int(len(samples) * share))]


def measure(session: StudioSession, url: str, mode: str, seconds: int, warmup: int) -> dict[str, str]:
    relay = session.bundled_relay
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + WEBRTC_ARGS)
        page = browser.new_page(bypass_csp=True)
        opened = time.monotonic()
        page.goto(url + ("?ull=1" if mode == "webrtc" else "?ull=0"))
        page.wait_for_function(FIRST_FRAME, timeout=60_000, polling=10)
        first_frame = time.monotonic() - opened
        transport = page.evaluate("window.shopcast.transport")
        page.add_script_tag(url="/static/clock_code.js")
        x, y, cell = TestPattern(720, 1280).clock_code_box()  # the portrait program the studio makes
        time.sleep(warmup)
        page.evaluate(CLOCK_PROBE_JS, [x, y, cell, 720])
        cpu_before = cpu_seconds(relay.pid if relay else None)
        time.sleep(seconds)
        cpu = (cpu_seconds(relay.pid if relay else None) - cpu_before) / seconds
        samples = sorted(page.evaluate("window.shopcastLatency"))
        height = page.evaluate("document.getElementById('video').videoHeight")
        webrtc = page.evaluate(WEBRTC_STATS)
        stalls = page.evaluate("window.shopcast.errors.filter(e => e === 'bufferStalledError').length")
        browser.close()
    if not samples:
        raise SystemExit(f"{mode}: no clock code could be read off the video")
    return {
        "transport": str(transport),
        "page open → first frame (s)": f"{first_frame:.2f}",
        "latency p50 (ms)": f"{statistics.median(samples):.0f}",
        "latency p95 (ms)": f"{percentile(samples, 0.95):.0f}",
        "latency max (ms)": f"{samples[-1]:.0f}",
        "pictures read": str(len(samples)),
        "rung played": f"{height}p",
        "freezes / stalls": str(webrtc["freezes"] if mode == "webrtc" else stalls),
        "relay CPU (% of a core)": f"{100 * cpu:.0f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="seconds of pictures to read per mode")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of playback before reading")
    parser.add_argument("--modes", default="webrtc,ll", help="comma-separated: webrtc, ll")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - set(NAMES):
        parser.error(f"--modes takes webrtc and/or ll; got {args.modes!r}")
    if args.seconds < 1 or args.warmup < 0:
        parser.error("--seconds must be at least 1 and --warmup at least 0")
    os.environ["SHOPCAST_ICE_HOSTS"] = "127.0.0.1"  # aioice skips loopback otherwise; the relay inherits it
    config = SessionConfig(
        source="test", mic="tone", broadcast=BroadcastSettings(),
        relay=BundledRelayConfig(Path(tempfile.mkdtemp(prefix="shopcast-whep-"))),
    )  # fmt: skip
    session = StudioSession(config)
    session.start()
    try:
        session.connect_relay_now()
        started = session.go_live_now()
        time.sleep(3)  # the stream is up before the viewer arrives, as for anyone joining a show
        results = {mode: measure(session, started.watch_url or "", mode, args.seconds, args.warmup) for mode in modes}
        stats = session.stats().broadcast
    finally:
        session.close()
    skipped = stats.frames_skipped if stats else 0
    realtime = next((o for o in stats.outputs if o.name == "realtime"), None) if stats else None
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"| {'measure':<30} | " + " | ".join(f"{NAMES[m]:>16}" for m in modes) + " |")
    print(f"|{'-' * 32}|" + "|".join("-" * 18 for _ in modes) + "|")
    for row in results[modes[0]]:
        print(f"| {row:<30} | " + " | ".join(f"{results[m][row]:>16}" for m in modes) + " |")
    print(
        f"studio: {skipped} frames skipped by the encoder; realtime stream dropped"
        f" {realtime.dropped_files if realtime else '?'} of {realtime.sent_files if realtime else '?'} units"
    )
    if "webrtc" in results:
        p95 = float(results["webrtc"]["latency p95 (ms)"])
        print(f"goal WebRTC latency p95 <= 500 ms on loopback: {'meets' if p95 <= 500 else 'MISSES'} ({p95:.0f} ms)")
        print(f"goal (issue 16) WebRTC latency p95 <= 100 ms: {'meets' if p95 <= 100 else 'MISSES'} ({p95:.0f} ms)")
    if "ll" in results:
        p50 = float(results["ll"]["latency p50 (ms)"])
        stalls = results["ll"]["freezes / stalls"]
        met = p50 <= 1000 and stalls == "0"
        print(f"goal (issue 16) LL-HLS latency p50 <= 1000 ms without stalls: {'meets' if met else 'MISSES'}"
              f" ({p50:.0f} ms, {stalls} stalls)")  # fmt: skip


if __name__ == "__main__":
    main()
