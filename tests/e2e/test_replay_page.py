"""Shoppable replay (直播回放) and product clips on a real relay after a real broadcast with three pins."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from playwright.sync_api import Browser

from app.relay import api_replay
from tests.helpers.browser import CSP_TRIPWIRE, PHONE, PhonePages, wait_js
from tests.helpers.processes import stop_process
from tests.helpers.relay import REPO, RelayProcess
from tests.helpers.room import CATALOG, Room

SEGMENT_S = 1.0
TITLE = 'Spring "sale" <b>&</b>'


@dataclass
class Show:
    relay: RelayProcess
    room: Room
    pins: dict[str, tuple[float, float]]
    """sku → (pin, unpin) wall times, as the host's requests were answered."""
    origin: float
    """Wall time of the broadcast's media time 0 (its first segment's PROGRAM-DATE-TIME)."""


def _origin(text: str) -> float:
    stamp = re.search(r"#EXT-X-PROGRAM-DATE-TIME:(\S+)", text)
    assert stamp, text
    return datetime.fromisoformat(stamp.group(1).replace("Z", "+00:00")).timestamp()


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Show]:
    relay = RelayProcess(tmp_path_factory.mktemp("relay")).start()
    broadcast: subprocess.Popen[str] | None = None
    try:
        created = relay.create_room("replay", TITLE)
        room = Room(relay, "replay", created["owner_token"], created["stream_key"])
        with room.host() as host:
            host.post("/catalog", json=CATALOG).raise_for_status()
        broadcast = subprocess.Popen(
            [sys.executable, "-m", "app", "broadcast", "--room", room.name, "--relay", relay.url,
             "--source", "test", "--mic", "tone", "--preset", "ultrafast", "--duration", "17", "--quiet"],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "SHOPCAST_STREAM_KEY": room.stream_key},
        )  # fmt: skip
        relay.wait_for(f"/live/{room.name}/master.m3u8", timeout=60)
        pins: dict[str, tuple[float, float]] = {}
        with room.host() as host:
            time.sleep(2.5)
            for sku in ("tee", "mug", "shoe"):
                host.post("/pins", json={"sku": sku}).raise_for_status()
                pinned = time.time()
                time.sleep(3.5)
                host.delete(f"/pins/{sku}").raise_for_status()
                pins[sku] = (pinned, time.time())
                time.sleep(0.5)
        assert broadcast.wait(timeout=90) == 0
        deadline = time.monotonic() + 30
        while httpx.get(f"{room.api}").json()["state"] != "ended":
            assert time.monotonic() < deadline, "the room never ended"
            time.sleep(0.3)
        # media time 0: the first segment's date as the studio wrote it (the replay's playlist keeps it)
        origin = _origin(httpx.get(f"{relay.url}/replay/{room.name}/1/720p/index.m3u8").text)
        yield Show(relay, room, pins, origin)
    finally:
        stop_process(broadcast)
        relay.stop()


_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def test_the_replay_and_clip_pages_take_every_string_from_the_i18n_files_in_both_languages() -> None:
    web = REPO / "assets" / "web"
    tables = {lang: json.loads((web / "i18n" / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("en", "zh-CN")}
    assert tables["en"].keys() == tables["zh-CN"].keys(), set(tables["en"]) ^ set(tables["zh-CN"])
    empty = [(lang, key) for lang, table in tables.items() for key, text in table.items() if not text.strip()]
    assert not empty, empty
    script = (web / "replay.js").read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\.(\w+)", script)) | set(re.findall(r"\$t_(\w+)", (web / "replay.html").read_text()))
    assert {"replay_chapters", "replay_loading", "watch_explanation", "replay_clip"} <= used
    assert used <= tables["en"].keys(), f"strings the page uses but no language has: {used - tables['en'].keys()}"
    # The refusals replay.js says in the viewer's words (t["replay_err_" + code]): every one the API gives.
    source = Path(api_replay.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'ApiError\(\d+, "((?:show|replay|clip)_\w+)"', source))
    assert {"show_live", "show_not_found", "replay_not_kept", "clip_not_found"} <= codes
    assert {f"replay_err_{c}" for c in codes} <= tables["en"].keys()
    # One source of words: no Chinese in the pages' code (comments aside) nor in the relay's string literals.
    for name in ("replay.js", "watch.js", "room.js"):
        text = (web / name).read_text(encoding="utf-8")
        code = "\n".join(line.split("//", 1)[0] for line in text.splitlines())
        assert not _CJK.search(code), (name, _CJK.findall(code))
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    literals = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]
    assert not [text for text in literals if _CJK.search(text)]


def _sequence(playlist: str) -> int:
    found = re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", playlist)
    assert found, playlist
    return int(found.group(1))


def _info(show: Show) -> dict[str, object]:
    response = httpx.get(f"{show.room.api}/replays/1", timeout=30)
    assert response.status_code == 200, response.text
    info: dict[str, object] = response.json()
    return info


@pytest.mark.slow
def test_chapters_match_the_pins_within_one_segment(show: Show) -> None:
    info = _info(show)
    chapters = info["chapters"]
    assert isinstance(chapters, list)
    assert [c["sku"] for c in chapters] == ["tee", "mug", "shoe"]
    for chapter in chapters:
        pinned, unpinned = show.pins[chapter["sku"]]
        assert abs(chapter["start"] - (pinned - show.origin)) <= SEGMENT_S, chapter
        assert abs(chapter["end"] - (unpinned - show.origin)) <= SEGMENT_S, chapter


@pytest.mark.slow
def test_the_replay_is_on_demand_hls_of_the_kept_segments(show: Show) -> None:
    base = f"{show.relay.url}/replay/{show.room.name}/1"
    master = httpx.get(f"{base}/master.m3u8").text
    uris = re.findall(r"^(\w+)/index\.m3u8$", master, re.MULTILINE)
    assert uris[:3] == ["720p", "480p", "360p"], master
    for rung in [*uris, "audio"]:
        playlist = httpx.get(f"{base}/{rung}/index.m3u8").text
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist and playlist.rstrip().endswith("#EXT-X-ENDLIST")
        assert "#EXT-X-PART" not in playlist and "PRELOAD-HINT" not in playlist
        segments = [line for line in playlist.splitlines() if line.startswith("/live/")]
        assert len(segments) >= 15
        assert httpx.head(f"{show.relay.url}{segments[-1]}").status_code == 200
        init = re.search(r'#EXT-X-MAP:URI="([^"]+)"', playlist)
        assert init and httpx.head(f"{show.relay.url}{init.group(1)}").status_code == 200


@pytest.mark.slow
def test_a_product_clip_spans_the_pin_to_the_unpin(show: Show) -> None:
    info = _info(show)
    chapter = next(c for c in info["chapters"] if c["sku"] == "mug")  # type: ignore[attr-defined]
    starts: list[float] = info["segment_starts"]  # type: ignore[assignment]
    base = f"{show.relay.url}/replay/{show.room.name}/1"
    playlist = httpx.get(f"{base}/clip/mug/720p/index.m3u8").text
    whole = httpx.get(f"{base}/720p/index.m3u8").text
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist and "#EXT-X-ENDLIST" in playlist
    durations = [float(d) for d in re.findall(r"#EXTINF:([0-9.]+),", playlist)]
    first = _sequence(playlist) - _sequence(whole)
    first_start = starts[first]
    clip_start, clip_end = first_start, first_start + sum(durations)
    assert clip_start <= chapter["start"] < clip_start + durations[0] + 1e-3
    assert clip_end >= chapter["end"] > clip_end - durations[-1] - 1e-3
    page = httpx.get(f"{show.relay.url}/watch/{show.room.name}/clip/1/mug")
    assert page.status_code == 200 and '"clip": "mug"' in page.text
    assert httpx.get(f"{show.relay.url}/replay/{show.room.name}/1/clip/nothing/720p/index.m3u8").status_code == 404


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.og: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("property") or "").startswith("og:"):
            self.og[str(values["property"])] = values.get("content") or ""


@pytest.mark.slow
def test_open_graph_tags_are_there_and_escaped(show: Show) -> None:
    for path in ("", "/replay/1", "/clip/1/tee"):
        page = httpx.get(f"{show.relay.url}/watch/{show.room.name}{path}").text
        parser = _Meta()
        parser.feed(page)
        assert parser.og["og:title"].startswith(TITLE), parser.og
        assert parser.og["og:url"].endswith(f"/watch/{show.room.name}{path}")
        assert "<b>" not in page.split("<body>")[0], "the title is escaped in the head"
        # The poster frame: a JPEG the relay decoded from the stream's top rung.
        poster = httpx.get(parser.og["og:image"])
        assert poster.status_code == 200 and poster.headers["content-type"] == "image/jpeg"
        assert poster.content[:2] == b"\xff\xd8"
        image = cv2.imdecode(np.frombuffer(poster.content, np.uint8), cv2.IMREAD_COLOR)
        assert image is not None and image.shape[1] == 640 and image.std() > 10, "a picture, not a blank"


@pytest.mark.slow
def test_a_replay_order_is_marked_and_counted_apart(show: Show) -> None:
    placed = show.room.order("v-replay", "k-1", sku="tee", source="replay")
    assert placed.status_code == 201, placed.text
    with show.room.host() as host:
        events = host.get("/events", params={"after": 0, "limit": 1000}).json()
        created = [e for e in events if e["type"] == "order.created"]
        assert created and created[-1]["data"].get("source") == "replay"
        report = host.get("/report.json", params={"show": 1}).json()
    assert report["replay_orders"] == 1
    assert report["replay_gmv"] == 5990
    assert report["metrics"]["orders"]["value"] == 0, "a replay order is none of the live show's"


@pytest.mark.slow
def test_the_replay_page_plays_and_jumps_to_a_chapter(show: Show, browser: Browser) -> None:
    pages = PhonePages(browser)
    try:
        page = pages.open(
            f"{show.relay.url}/watch/{show.room.name}/replay/1",
            ready="window.shopcast && !!window.shopcast.info",
        )
        page.wait_for_function("document.getElementById('video').currentTime > 1", timeout=20_000)
        assert page.locator("#r-chapters li").count() == 3
        # A product with sizes is bought as one of them (the runner: shoe-40, shoe-41).
        page.locator('#r-products button.buy[data-sku="shoe-41"]').click()
        page.wait_for_function("window.shopcast.orders.length === 1", timeout=10_000)
        assert page.evaluate("window.shopcast.orders[0].sku") == "shoe-41"
        target = page.evaluate("window.shopcast.chapters[2].start")
        page.locator("#r-chapters li").nth(2).locator("button").click()
        page.wait_for_function(
            f"(() => {{ const v = document.getElementById('video'); return !v.paused && v.currentTime >= {target}"
            f" && v.currentTime < {target} + 2; }})()",
            timeout=10_000,
        )
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        pages.close()


@pytest.mark.slow
def test_the_live_page_points_to_the_replay_once_over(show: Show, browser: Browser) -> None:
    response = httpx.get(f"{show.relay.url}/watch/{show.room.name}/replay", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == f"/watch/{show.room.name}/replay/1"
    pages = PhonePages(browser)
    try:
        page = pages.open(f"{show.relay.url}/watch/{show.room.name}", ready="window.shopcast.state === 'ended'")
        link = page.locator("#replay-link")
        link.wait_for(state="visible", timeout=5_000)
        link.click()
        page.wait_for_url(f"**/watch/{show.room.name}/replay/1", timeout=10_000)
    finally:
        pages.close()


def test_the_replay_page_plays_and_sells_under_its_content_security_policy(show: Show, browser: Browser) -> None:
    """As a viewer's browser enforces it (no bypass): hls.js (its worker), the video, a purchase."""
    context = browser.new_context(locale="en-US", **PHONE)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.add_init_script(CSP_TRIPWIRE)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{show.relay.url}/watch/{show.room.name}/replay/1")
        wait_js(page, "document.getElementById('video').currentTime > 1", 20)
        page.locator('#r-products button.buy[data-sku="mug"]').click()
        wait_js(page, "window.shopcast.orders.length >= 1", 10)
        assert errors == []
    finally:
        context.close()
