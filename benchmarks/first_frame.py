"""First frame (秒开): navigation start → the first painted video frame on the viewer page, in headless Chromium.

    .venv/bin/python benchmarks/first_frame.py [--opens 10] [--modes ll,webrtc,plain,floor]

A relay on a free loopback port (tests/helpers/relay.py) and a headless test broadcast
(``python -m app broadcast --source test --mic tone``) into a room with a catalog and a pinned
product. For each mode the watch page is opened ``--opens`` times, each in a fresh browser context
(no cache, no connection kept), at a phone's size:

* ``ll``: the page, LL-HLS with hls.js (``?ull=0``);
* ``webrtc``: the page, WebRTC from the relay's WHEP endpoint (``?ull=1``);
* ``plain`` (peer): the page with hls.js out of low-latency mode (``?ull=0&ll=0``, whole segments);
* ``floor`` (peer): a minimal page on the same origin that only loads hls.js and plays the
  multivariant URL with the page's hls.js options (lowest rung first, no worker), but without what the
  page adds around hls.js (playlists in the page, start at a keyframe, files asked for at once,
  app/relay/player_boot.py): what hls.js alone does.

First frame is the ``presentationTime`` of the first ``requestVideoFrameCallback`` on the <video>
(performance.now(), i.e. from navigation start). The breakdown comes from Navigation and Resource
Timing (responseEnd of each request; the playlists: hls.js's MANIFEST_LOADED, LEVEL_LOADED and
AUDIO_TRACK_LOADED, as the page's come without a request), hls.js events, the feed WebSocket's first message (the
snapshot) and the RTCPeerConnection's state, all recorded by an init script. The buy button is the
first enabled ``button.buy`` on the page (the pinned product's card). Page weight is our HTML, JS
and CSS as served, gzipped (level 6), hls.js excluded.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from playwright.sync_api import Browser, Route, sync_playwright  # noqa: E402

from benchmarks._machine import cpu_model  # noqa: E402
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, WEBRTC_ARGS  # noqa: E402
from tests.helpers.processes import stop_process  # noqa: E402
from tests.helpers.relay import RelayProcess  # noqa: E402
from tests.helpers.room import open_room  # noqa: E402

ROOM = "firstframe"
NAMES = {
    "ll": "LL-HLS (page)",
    "webrtc": "WebRTC (page)",
    "plain": "plain HLS (peer)",
    "floor": "hls.js floor (peer)",
}
QUERY = {"ll": "?ull=0", "webrtc": "?ull=1", "plain": "?ull=0&ll=0"}

# Recorded from navigation start (performance.now()) by an init script in every page.
PROBE = r"""
(() => {
  const b = window.__ff = { hls: {}, ws: null, pc: {}, buy: null, frame: null, playing: null, track: null };
  const mark = (o, k) => { if (o[k] == null) o[k] = performance.now(); };
  let hlsClass;
  Object.defineProperty(window, "Hls", {
    configurable: true,
    get() { return hlsClass; },
    set(Orig) {
      if (!Orig || Orig.__ff) { hlsClass = Orig; return; }
      class Hls extends Orig {
        constructor(cfg) {
          super(cfg);
          mark(b.hls, "created");
          const E = Orig.Events;
          this.on(E.MEDIA_ATTACHED, () => mark(b.hls, "attached"));
          this.on(E.MANIFEST_LOADED, () => mark(b.hls, "manifest"));
          this.on(E.LEVEL_LOADED, () => mark(b.hls, "level"));
          this.on(E.AUDIO_TRACK_LOADED, () => mark(b.hls, "audioLevel"));
          this.on(E.FRAG_LOADED, (_e, d) => {
            if (d.frag.sn === "initSegment") mark(b.hls, "initLoaded");
            else if (d.part) mark(b.hls, "firstPartLoaded");
            else mark(b.hls, "firstFragLoaded");
          });
          this.on(E.FRAG_BUFFERED, (_e, d) => { if (d.frag.sn !== "initSegment") mark(b.hls, "buffered"); });
          this.on(E.LEVEL_SWITCHED, (_e, d) => { if (b.hls.level == null) b.hls.level0 = d.level; });
        }
      }
      Hls.__ff = true;
      hlsClass = Hls;
    },
  });
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => { if (!b.wsOpen) b.wsOpen = performance.now(); });
      this.addEventListener("message", () => { if (!b.ws) b.ws = performance.now(); });
    }
  };
  const PC = window.RTCPeerConnection;
  if (PC) {
    window.RTCPeerConnection = class extends PC {
      constructor(...args) {
        super(...args);
        mark(b.pc, "created");
        this.addEventListener("connectionstatechange", () => {
          if (this.connectionState === "connected") mark(b.pc, "connected");
        });
        this.addEventListener("track", () => mark(b.pc, "track"));
        this.addEventListener("icecandidate", () => mark(b.pc, "candidate"));
        this.addEventListener("icegatheringstatechange", () => {
          if (this.iceGatheringState === "complete") mark(b.pc, "gathered");
        });
      }
    };
  }
  const watch = () => {
    const video = document.querySelector("video");
    if (!video) return false;
    video.requestVideoFrameCallback((now, meta) => {
      b.frame = meta.presentationTime;
      b.frameCb = now;
      b.height = meta.height;
    });
    video.addEventListener("playing", () => mark(b, "playing"), { once: true });
    video.addEventListener("loadedmetadata", () => mark(b, "metadata"), { once: true });
    return true;
  };
  const observer = new MutationObserver(() => {
    if (!b.videoSeen && watch()) b.videoSeen = true;
    if (b.buy == null && document.querySelector("button.buy:not([disabled])")) b.buy = performance.now();
    if (b.videoSeen && b.buy != null) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true });
})();
"""

COLLECT = r"""
() => {
  const b = window.__ff, nav = performance.getEntriesByType("navigation")[0];
  const res = performance.getEntriesByType("resource");
  const entry = (re) => res.find(r => re.test(r.name));
  const first = (re) => { const e = entry(re); return e ? e.responseEnd : null; };
  const started = (re) => { const e = entry(re); return e ? e.requestStart || e.startTime : null; };
  return {
    html: nav.responseEnd, htmlStart: nav.responseStart, domInteractive: nav.domInteractive,
    dcl: nav.domContentLoadedEventEnd,
    hlsJs: first(/hls\.min\.js/), ourJs: Math.max(first(/watch\.js/) || 0, first(/room\.js/) || 0) || null,
    roomApi: first(/\/api\/v1\/rooms\/[^/?]+(\?|$)/), whep: first(/whep/),
    master: first(/master[^/]*\.m3u8/), media: first(/\/(?!audio)[^/]+\/index\.m3u8/),
    init: first(/\/(?!audio\/)[^/]+\/init[^/]*\.mp4/), segment: first(/\/(?!audio\/)[^/]+\/seg[^/]*\.m4s/),
    initAsked: started(/\/(?!audio\/)[^/]+\/init[^/]*\.mp4/), audioInitAsked: started(/\/audio\/init[^/]*\.mp4/),
    segmentAsked: started(/\/(?!audio\/)[^/]+\/seg[^/]*\.m4s/),
    audioMedia: first(/\/audio\/index\.m3u8/), audioInit: first(/\/audio\/init[^/]*\.mp4/),
    audioSegment: first(/\/audio\/seg[^/]*\.m4s/), whepAsked: started(/whep/),
    hlsJsBytes: (entry(/hls\.min\.js/) || {}).encodedBodySize || 0,
    requests: res.length,
    ...b, hls: b.hls, pc: b.pc,
  };
}
"""

FLOOR_PAGE = """<!doctype html><html><head><meta name="viewport" content="width=device-width"></head>
<body style="margin:0"><video id="video" muted playsinline autoplay style="width:100%"></video>
<script src="/static/vendor/hls.min.js"></script>
<script>
const hls = new Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.2, backBufferLength: 30, startLevel: 0,
                      enableWorker: false });
hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
hls.loadSource("HLS_URL"); hls.attachMedia(document.getElementById("video"));
</script></body></html>"""


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def open_once(browser: Browser, url: str, hls_url: str, mode: str) -> dict[str, Any]:
    context = browser.new_context(bypass_csp=True, **PHONE)  # type: ignore[arg-type]
    context.add_init_script(PROBE)
    page = context.new_page()
    if mode == "floor":
        page_url = url.rsplit("/watch/", 1)[0] + "/__bench/first-frame.html"

        def fulfil(route: Route) -> None:
            route.fulfill(status=200, content_type="text/html", body=FLOOR_PAGE.replace("HLS_URL", hls_url))

        page.route(page_url, fulfil)
    else:
        page_url = url + QUERY[mode]
    page.goto(page_url)
    page.wait_for_function("window.__ff && window.__ff.frame != null", timeout=30_000, polling=50)
    if mode != "floor":
        page.wait_for_function("window.__ff.buy != null", timeout=10_000, polling=50)
    time.sleep(0.3)  # the first media playlist reload and the rest land; nothing below is timed by it
    sample: dict[str, Any] = page.evaluate(COLLECT)
    sample["transport"] = page.evaluate("window.shopcast ? window.shopcast.transport : 'hls'")
    context.close()
    return sample


def med(samples: list[dict[str, Any]], key: str, sub: str | None = None) -> str:
    values = [(s[key] or {}).get(sub) if sub else s.get(key) for s in samples]
    numbers = [float(v) for v in values if isinstance(v, int | float) and v]
    return f"{statistics.median(numbers):.0f}" if numbers else "—"


def page_weight(base: str, watch_url: str) -> tuple[int, int]:
    """Our HTML, JS and CSS as the relay serves them: raw bytes and gzipped (level 6), hls.js excluded."""
    raw = zipped = 0
    with httpx.Client(timeout=10) as client:
        ours = ("watch.css", "rehearsal.js", "watch.js", "identity.js", "room.js")
        for url in (watch_url, *(f"{base}/static/{n}" for n in ours)):
            body = client.get(url).content
            raw += len(body)
            zipped += len(gzip.compress(body, 6))
    return raw, zipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opens", type=int, default=10, help="page opens per mode, each in a fresh context")
    parser.add_argument("--modes", default="ll,webrtc,plain,floor", help="comma-separated: " + ", ".join(NAMES))
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - set(NAMES) or args.opens < 1:
        parser.error(f"--modes takes {', '.join(NAMES)}; --opens at least 1")
    os.environ["SHOPCAST_ICE_HOSTS"] = "127.0.0.1"  # aioice skips loopback otherwise; the relay inherits it
    data = Path(tempfile.mkdtemp(prefix="shopcast-firstframe-"))
    relay = RelayProcess(data / "relay").start()
    broadcast: subprocess.Popen[bytes] | None = None
    samples: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    try:
        room = open_room(relay, ROOM)
        with room.host() as host:
            host.post("/pins", json={"sku": "tee"}).raise_for_status()
        broadcast = subprocess.Popen(
            [sys.executable, "-m", "app", "broadcast", "--source", "test", "--mic", "tone", "--room", ROOM,
             "--relay", relay.url, "--quiet"],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "SHOPCAST_STREAM_KEY": room.stream_key},
        )  # fmt: skip
        info = relay.wait_for(f"/api/v1/rooms/{ROOM}").json()
        deadline = time.monotonic() + 60
        while relay.wait_for(f"/api/v1/rooms/{ROOM}").json().get("state") != "live":
            if time.monotonic() > deadline:
                raise SystemExit("the broadcast did not go live")
            time.sleep(0.5)
        time.sleep(4)  # the stream is up before the viewers arrive, as for anyone joining a show
        watch_url, hls_url = info["watch_url"], info["hls_url"]
        hls_path = "/" + hls_url.split("/", 3)[3] if hls_url.startswith("http") else hls_url
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + WEBRTC_ARGS)
            for _ in range(args.opens):  # interleaved, so drift in the machine's load hits every mode alike
                for mode in modes:
                    samples[mode].append(open_once(browser, watch_url, hls_path, mode))
            browser.close()
        raw, zipped = page_weight(relay.url, watch_url)
    finally:
        if broadcast is not None:
            stop_process(broadcast)
        relay.stop()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}")
    print(f"page weight (HTML+JS+CSS, hls.js excluded): {raw / 1024:.1f} KiB raw, {zipped / 1024:.1f} KiB gzipped")
    hls_bytes = max(int(s.get("hlsJsBytes") or 0) for m in modes for s in samples[m])
    print(f"hls.min.js as served: {hls_bytes / 1024:.0f} KiB")
    print()
    header = "first frame p50 ms | p90 ms | min–max ms  | buy btn p50 ms | transport | first rungs     |"
    print(f"| {'mode':<20} | {header}")
    print(f"|{'-' * 22}|--------------------|--------|-------------|----------------|-----------|-----------------|")
    for mode in modes:
        frames = [s["frame"] for s in samples[mode]]
        buys = [s["buy"] for s in samples[mode] if s.get("buy")]
        buy = f"{statistics.median(buys):.0f}" if buys else "—"
        transports = ",".join(sorted({str(s["transport"]) for s in samples[mode]}))
        heights = ",".join(sorted({f"{s.get('height')}p" for s in samples[mode]}))
        print(
            f"| {NAMES[mode]:<20} | {statistics.median(frames):>18.0f} | {percentile(frames, 0.9):>6.0f} |"
            f" {min(frames):>4.0f}–{max(frames):<6.0f} | {buy:>14} | {transports:>9} | {heights:>15} |"
        )
    print()
    steps: list[tuple[str, str, str | None]] = [
        ("HTML response end", "html", None),
        ("DOM interactive (our JS run)", "domInteractive", None),
        ("hls.min.js loaded", "hlsJs", None),
        ("room API GET", "roomApi", None),
        ("feed WebSocket open", "wsOpen", None),
        ("feed snapshot (1st message)", "ws", None),
        ("hls.js created", "hls", "created"),
        ("multivariant playlist", "hls", "manifest"),
        ("media playlist", "hls", "level"),
        ("MediaSource attached", "hls", "attached"),
        ("video init segment asked", "initAsked", None),
        ("video init segment loaded", "init", None),
        ("1st video part/segment asked", "segmentAsked", None),
        ("1st video part/segment loaded", "segment", None),
        ("audio media playlist", "hls", "audioLevel"),
        ("audio init segment asked", "audioInitAsked", None),
        ("audio init segment loaded", "audioInit", None),
        ("1st audio part/segment loaded", "audioSegment", None),
        ("first media buffered", "hls", "buffered"),
        ("RTCPeerConnection created", "pc", "created"),
        ("first ICE candidate", "pc", "candidate"),
        ("ICE gathering complete", "pc", "gathered"),
        ("WHEP POST sent", "whepAsked", None),
        ("WHEP POST answered", "whep", None),
        ("ontrack", "pc", "track"),
        ("peer connection connected", "pc", "connected"),
        ("loadedmetadata", "metadata", None),
        ("playing", "playing", None),
        ("first frame painted", "frame", None),
        ("first buy button", "buy", None),
    ]
    print("Breakdown, median ms from navigation start (— : not in this mode):")
    print()
    print(f"| {'step':<30} | " + " | ".join(f"{NAMES[m]:>19}" for m in modes) + " |")
    print(f"|{'-' * 32}|" + "|".join("-" * 21 for _ in modes) + "|")
    for label, key, sub in steps:
        print(f"| {label:<30} | " + " | ".join(f"{med(samples[m], key, sub):>19}" for m in modes) + " |")
    if "ll" in samples and "webrtc" in samples:
        for mode in ("ll", "webrtc"):
            p50 = statistics.median(s["frame"] for s in samples[mode]) / 1000
            print(f"goal first frame <= 0.5 s, {NAMES[mode]}: {'meets' if p50 <= 0.5 else 'MISSES'} ({p50:.2f} s)")


if __name__ == "__main__":
    main()
