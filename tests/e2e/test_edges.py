"""Video through caching edges (issue 17): one relay (the origin) and two nginx edges running the
configuration a deployment uses (packaging/nginx/edge.conf); Chromium plays the live room's LL-HLS through
each edge, two viewers per edge, and each edge asks the origin for each part once, however many of its
viewers want it; blocking playlist answers are shared from the edges' caches too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.canvas import PORTRAIT
from pipeline.encoders import STANDARD_RUNGS
from pipeline.program import ProgramSettings
from tests.helpers.browser import PHONE
from tests.helpers.fakes import FakeDevices
from tests.helpers.nginx_edge import NginxEdge
from tests.helpers.relay import RelayProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PART = re.compile(r"^/live/[^?]+/seg_\d+\.\d+\.m4s$")
BLOCKING = re.compile(r"^/live/[^?]+\.m3u8\?.*_HLS_msn=")
PLAYING = (
    "window.shopcast.transport === 'hls' && window.shopcast.state === 'live'"
    " && document.getElementById('video').currentTime > 4"
)


@pytest.fixture
def edges(tmp_path: Path) -> Iterator[tuple[RelayProcess, list[NginxEdge]]]:
    relay = RelayProcess(tmp_path / "relay").start()
    started: list[NginxEdge] = []
    session: StudioSession | None = None
    try:
        room = relay.create_room("shop", "边缘节点")
        session = StudioSession(
            SessionConfig(
                source="test",
                mic="tone",
                program=ProgramSettings(canvases=(PORTRAIT,), fps=Fraction(15)),
                broadcast=BroadcastSettings(
                    rungs=(STANDARD_RUNGS["720p"], STANDARD_RUNGS["360p"]), fps=Fraction(15), preset="ultrafast"
                ),
                relay=ExternalRelay(relay.url, "shop", room["stream_key"]),
                realtime=False,
            ),
            devices=FakeDevices(),
        )
        session.start()
        session.go_live_now()
        origin = urlsplit(relay.url).netloc
        for name in ("edge-a", "edge-b"):
            started.append(NginxEdge(tmp_path / name, origin).start())
        yield relay, started
    finally:
        if session is not None:
            session.close()
        for edge in started:
            edge.stop()
        relay.stop()


def watch(browser: Browser, edge: NginxEdge) -> Page:
    page = browser.new_context(bypass_csp=True, **PHONE).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(f"{edge.url}/watch/shop?ull=0")
    return page


def test_ll_hls_plays_through_two_edges_and_the_origin_sees_each_part_once_per_edge(
    browser: Browser, edges: tuple[RelayProcess, list[NginxEdge]]
) -> None:
    _, (edge_a, edge_b) = edges
    pages = [watch(browser, edge) for edge in (edge_a, edge_a, edge_b, edge_b)]
    for page in pages:
        page.wait_for_function(PLAYING, timeout=60_000)
    for page in pages:  # still playing, live, a few seconds on
        start = page.evaluate("document.getElementById('video').currentTime")
        page.wait_for_function(f"document.getElementById('video').currentTime > {start + 3}", timeout=20_000)
        assert page.evaluate("window.shopcast.hls.levels.length") == 2
        assert page.errors == [], page.errors  # type: ignore[attr-defined]

    for edge in (edge_a, edge_b):
        log = edge.log()
        parts = [(uri, cache) for uri, cache, status in log if PART.match(uri) and status == "200"]
        assert parts, f"{edge.url}: the viewers loaded LL-HLS parts through the edge"
        assert any(cache == "HIT" for _, cache in parts), "the second viewer's parts came from the edge's cache"
        asked = edge.origin_requests()
        twice = {uri: n for uri, n in asked.items() if PART.match(uri) and n > 1}
        assert not twice, (f"{edge.url} asked the origin more than once for {twice}",
                           [line for line in edge.log_lines() if line[1] in twice])  # fmt: skip
        # Blocking playlist answers are cacheable too (the relay marks them so): viewers share them.
        blocking = [(uri, cache) for uri, cache, status in log if BLOCKING.match(uri) and status == "200"]
        assert any(cache == "HIT" for _, cache in blocking), "a blocking playlist answer came from the edge's cache"
        repeated = sum(1 for uri, n in asked.items() if BLOCKING.match(uri) and n > 1)
        print(
            f"{edge.url}: {len(parts)} parts, {len(asked)} origin requests; blocking playlist answers"
            f" {len(blocking)}, {sum(c == 'HIT' for _, c in blocking)} from the cache, {repeated} asked twice"
        )
