"""The immersive room on the viewer page (issue 16), in headless Chromium on a real relay with a real
broadcast: on a 390x844 phone the portrait picture fills the screen and the room floats over it (top
bar, comments, the pinned card, the flash sale, the cart sheet), a landscape picture is shown whole
over a blurred copy of itself, reduced motion stops the animations, landscape screens put the room
beside the picture, and our JS + CSS stay within the page-weight budget stated in docs/architecture.md."""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from app.scene_templates import GUEST, HOST, SAFE_BOTTOM, SAFE_TOP, safe_zone, template_scenes
from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.canvas import LANDSCAPE, PORTRAIT, Canvas, parse_canvas
from pipeline.program import ProgramSettings
from pipeline.scene import Box
from tests.helpers.browser import PHONE
from tests.helpers.fakes import FakeDevices
from tests.helpers.relay import REPO, RelayProcess
from tests.helpers.room import CATALOG, Room

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FPS = 15
PLAYING = (
    "window.shopcast.state === 'live' && document.getElementById('video').videoWidth > 0"
    " && document.getElementById('video').currentTime > 0.5"
)
RECT = (
    "(s => { const r = document.querySelector(s).getBoundingClientRect();"
    " return {x: r.x, y: r.y, w: r.width, h: r.height}; })"
)


def make_room(relay: RelayProcess, name: str, title: str) -> Room:
    created = relay.create_room(name, title)
    room = Room(relay, name, created["owner_token"], created["stream_key"])
    with room.host() as host:
        host.post("/catalog", json=CATALOG).raise_for_status()
    return room


def broadcast(room: Room, canvas: Canvas) -> StudioSession:
    config = SessionConfig(
        source="test",
        mic="tone",
        program=ProgramSettings(canvases=(canvas,), fps=Fraction(FPS)),
        broadcast=BroadcastSettings(fps=Fraction(FPS), preset="ultrafast"),
        relay=ExternalRelay(room.relay.url, room.name, room.stream_key),
        realtime=False,
    )
    session = StudioSession(config, devices=FakeDevices())
    session.start()
    session.go_live_now()
    return session


def open_page(browser: Browser, room: Room, locale: str = "en-US", **context: Any) -> Page:
    page = browser.new_context(bypass_csp=True, locale=locale, **{**PHONE, **context}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(f"{room.relay.url}/watch/{room.name}")
    page.wait_for_function("window.shopcast.room && window.shopcast.room.state !== null", timeout=15_000)
    return page


def rect(page: Page, selector: str) -> dict[str, float]:
    found: dict[str, float] = page.evaluate(f"{RECT}({selector!r})")
    return found


def in_bottom_band(page: Page, selector: str, share: float = SAFE_BOTTOM) -> None:
    box, height = rect(page, selector), page.viewport_size["height"]  # type: ignore[index]
    assert box["h"] > 0 and box["y"] >= height * (1 - share) - 1 and box["y"] + box["h"] <= height + 1, (selector, box)


@pytest.fixture
def portrait_show(relay: RelayProcess) -> Iterator[Room]:
    room = make_room(relay, "room", "Summer tees 夏日T恤")
    session = broadcast(room, PORTRAIT)
    try:
        yield room
    finally:
        session.close()


def test_a_portrait_stream_fills_the_phone_and_the_room_floats_over_it(
    browser: Browser, portrait_show: Room, tmp_path: Path
) -> None:
    room = portrait_show
    page = open_page(browser, room)
    page.wait_for_function(PLAYING, timeout=40_000)

    # The picture covers the viewport; the top bar sits over its top, within the apps' top band.
    video = rect(page, "#video")
    assert (video["x"], video["y"], video["w"], video["h"]) == (0, 0, 390, 844), video
    assert page.evaluate("getComputedStyle(document.getElementById('video')).objectFit") == "cover"
    assert page.evaluate("document.body.classList.contains('fill') && !document.body.classList.contains('letterbox')")
    assert page.evaluate("document.documentElement.scrollHeight") <= 844, (
        "nothing to scroll: the room is over the picture"
    )
    bar = rect(page, ".bar")
    assert bar["y"] == 0 and bar["h"] <= 0.12 * 844, bar
    for control in ["#follow-btn", "#share-btn", "#close-btn", "#online"]:
        assert page.locator(control).is_visible(), control
    assert page.locator("#room-title").inner_text() == "Summer tees 夏日T恤"
    assert page.locator("#host-name").inner_text() == "@room"

    # Comments appear over the picture, at the bottom left.
    with room.viewer("v-other") as viewer:
        viewer.post("/comments", json={"text": "Is there a white one?", "nickname": "Mei"}).raise_for_status()
    page.wait_for_selector("#comments .comment.rise", timeout=5_000)
    assert "Is there a white one?" in page.locator("#comments").inner_text()
    comment = rect(page, "#comments .comment:last-child")
    assert comment["x"] < 390 / 2, comment
    assert page.evaluate("getComputedStyle(document.querySelector('#comments .comment.rise')).animationName") == "rise"
    in_bottom_band(page, "#comments .comment:last-child")

    # A pin on the relay shows its card within a second of the picture in which the host made it (the
    # page plays ~1.4 s behind and holds the card for that picture: tests/e2e/test_timed_events.py
    # measures it to the frame), in the bottom band (the host's face is above).
    behind = page.evaluate("Date.now() / 1000 - window.shopcast.pictureTime()")
    started = time.monotonic()
    with room.host() as host:
        assert host.post("/pins", json={"sku": "tee"}).status_code == 201
    page.wait_for_selector("#pinned .card[data-sku=tee]", state="visible", timeout=10_000)
    assert time.monotonic() - started < behind + 1.0, (
        f"the card came within a second of its picture ({behind:.1f} s behind)"
    )
    assert page.locator("#pinned .card[data-sku=tee] .tag").inner_text() == "Now showing"
    in_bottom_band(page, "#pinned")

    # A flash sale's banner counts down, with its stock bar.
    with room.host() as host:
        sale = host.post(
            "/flash-sales",
            json={"sku": "mug", "price": 9.9, "stock": 10, "per_user_limit": 1, "countdown_s": 20, "duration_s": 60},
        ).json()
    card = f"#flash .card[data-sale='{sale['id']}']"
    page.wait_for_selector(card, state="visible", timeout=5_000)
    first = float(page.locator(f"{card} .countdown").get_attribute("data-remaining") or "nan")
    page.wait_for_timeout(1_200)
    second = float(page.locator(f"{card} .countdown").get_attribute("data-remaining") or "nan")
    assert 0.8 <= first - second <= 1.6, (first, second)
    assert re.fullmatch(r"00:[0-2]\d", page.locator(f"{card} .countdown").inner_text())
    assert page.locator(f"{card} .bar-track").is_visible()
    in_bottom_band(page, "#room-layer")
    page.screenshot(path=str(tmp_path / "portrait.png"))

    # Double-tap the picture: a heart, and the like counts.
    page.dblclick("#video", position={"x": 195, "y": 300})
    page.wait_for_selector("#hearts .heart.tap", state="attached", timeout=2_000)
    page.wait_for_function("Number(document.getElementById('like-count').textContent) >= 1", timeout=2_000)

    # The cart sheet: choose a size, one tap buys it; the order is on the relay.
    page.click("#cart-btn")
    item = "#cart-list .cart-item[data-sku=shoe]"
    page.wait_for_selector(item, state="visible")
    assert page.locator(f"{item} .variants").get_attribute("role") == "radiogroup"
    page.locator(f"{item} .variant[data-sku='shoe-41']").click()
    assert page.locator(f"{item} .variant[data-sku='shoe-41']").get_attribute("aria-checked") == "true"
    page.screenshot(path=str(tmp_path / "cart.png"))
    page.locator(f"{item} button.buy").click()
    page.wait_for_selector("#toast:not([hidden])", timeout=5_000)
    viewer_id = page.evaluate("window.shopcast.room.viewerId")
    with room.host() as host:
        orders = [o for o in host.get("/orders").json() if o["viewer_id"] == viewer_id]
    assert [(o["sku"], o["status"]) for o in orders] == [("shoe-41", "paid")]
    page.keyboard.press("Escape")
    assert page.locator("#cart-sheet").is_hidden()
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_cart_links_a_product_explained_earlier_in_the_live_show_to_its_clip(
    browser: Browser, portrait_show: Room, tmp_path: Path
) -> None:
    """看讲解: pin A, unpin it, pin B during the broadcast; the cart links A (its explanation is over) to
    its clip, not B (explained now); the link opens the clip in a new page, which plays."""
    room = portrait_show
    page = open_page(browser, room, locale="zh-CN")
    page.wait_for_function(PLAYING, timeout=40_000)
    with room.host() as host:
        host.post("/pins", json={"sku": "tee"}).raise_for_status()
        pinned = time.time()
        time.sleep(3.0)
        host.delete("/pins/tee").raise_for_status()
        host.post("/pins", json={"sku": "mug"}).raise_for_status()
        unpinned = time.time()
    # The relay lists tee once it keeps the segment its explanation ends in (segments of about 1 s).
    deadline = time.monotonic() + 10
    while not (listed := httpx.get(f"{room.api}/explanations", timeout=10).json())["chapters"]:
        assert time.monotonic() < deadline, listed
        time.sleep(0.3)
    assert listed["live"] is True and [c["sku"] for c in listed["chapters"]] == ["tee"], listed
    chapter = listed["chapters"][0]
    assert abs(chapter["wall_start"] - pinned) < 1.0 and abs(chapter["wall_end"] - unpinned) < 1.0, chapter
    assert httpx.get(f"{room.api}/replays/1", timeout=10).json()["error"] == "show_live", "no whole replay yet"

    page.click("#cart-btn")
    link = page.locator("#cart-list .cart-item[data-sku=tee] a.explain")
    link.wait_for(state="visible", timeout=5_000)
    assert link.inner_text() == "▶ 看讲解"
    assert page.locator("#cart-list .cart-item[data-sku=mug] a.explain").count() == 0, "mug: explained now"
    assert page.locator("#cart-list a.explain").count() == 1
    page.screenshot(path=str(tmp_path / "cart-explained.png"))
    with page.context.expect_page() as opened:
        link.click()
    clip = opened.value
    errors: list[str] = []
    clip.on("pageerror", lambda error: errors.append(str(error)))
    clip.wait_for_url(f"**/watch/{room.name}/clip/1/tee?lang=zh-CN", timeout=10_000)
    clip.wait_for_function(
        "window.shopcast && window.shopcast.chapters && window.shopcast.chapters.length === 1"
        " && document.getElementById('video').currentTime > 1",
        timeout=20_000,
    )
    assert "商品讲解片段" in clip.locator("#r-title").inner_text()
    # The clip is tee's explanation: its playlist is cut to the segments from the pin to the unpin.
    playlist = httpx.get(f"{room.relay.url}/replay/{room.name}/1/clip/tee/master.m3u8", timeout=10)
    assert playlist.status_code == 200
    duration = clip.evaluate("document.getElementById('video').duration")
    assert chapter["end"] - chapter["start"] <= duration <= chapter["end"] - chapter["start"] + 2.5, (duration, chapter)
    assert not page.is_closed() and page.url.endswith(f"/watch/{room.name}"), "the live page stays"
    assert errors == [] and page.errors == []  # type: ignore[attr-defined]


def test_a_landscape_stream_on_a_portrait_phone_is_shown_whole_over_its_blurred_copy(
    browser: Browser, relay: RelayProcess, tmp_path: Path
) -> None:
    room = make_room(relay, "wide", "Tea tasting 品茶")
    session = broadcast(room, LANDSCAPE)
    try:
        page = open_page(browser, room, locale="zh-CN")
        page.wait_for_function(PLAYING, timeout=40_000)
        page.wait_for_function("document.body.classList.contains('letterbox') && window.shopcast.backdropFrames > 3")
        style = page.evaluate(
            "(() => { const v = document.getElementById('video'), b = document.getElementById('backdrop');"
            " return {fit: getComputedStyle(v).objectFit, vw: v.videoWidth, vh: v.videoHeight,"
            " filter: getComputedStyle(b).filter, display: getComputedStyle(b).display}; })()"
        )
        assert style["fit"] == "contain" and style["vw"] > style["vh"], style
        assert "blur" in style["filter"] and "brightness" in style["filter"], style
        assert style["display"] == "block", style
        video, backdrop = rect(page, "#video"), rect(page, "#backdrop")
        assert (video["w"], video["h"]) == (390, 844), video
        shown_h = 390 * style["vh"] / style["vw"]  # contain: the whole width, centred
        assert shown_h < 844 / 2
        assert backdrop["x"] <= 0 and backdrop["y"] <= 0 and backdrop["w"] >= 390 and backdrop["h"] >= 844, backdrop
        # The blurred copy is the picture itself (the test pattern's colours), not black bars.
        lit = page.evaluate(
            "(() => { const c = document.getElementById('backdrop'); const d = c.getContext('2d')"
            ".getImageData(0, 0, c.width, c.height).data; let s = 0; for (let i = 0; i < d.length; i += 4)"
            " s += d[i] + d[i + 1] + d[i + 2]; return s / (d.length / 4) / 3; })()"
        )
        assert lit > 20, lit
        # The room's labels in Chinese.
        assert page.locator("#follow-btn").inner_text() == "关注"
        assert page.locator("#close-btn").get_attribute("aria-label") == "退出直播间"
        page.screenshot(path=str(tmp_path / "landscape-on-portrait.png"))
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        session.close()


def test_reduced_motion_stops_rising_comments_and_floating_hearts(browser: Browser, relay: RelayProcess) -> None:
    room = make_room(relay, "calm", "Calm")
    page = open_page(browser, room, reduced_motion="reduce")
    with room.viewer("v-other") as viewer:
        viewer.post("/comments", json={"text": "hello", "nickname": "Sam"}).raise_for_status()
    page.wait_for_selector("#comments .comment.rise", timeout=5_000)
    assert page.evaluate("getComputedStyle(document.querySelector('#comments .comment')).animationName") == "none"
    page.click("#like-btn")
    page.dblclick("#player", position={"x": 195, "y": 300})  # offline: the waiting overlay is in the player
    assert page.locator("#hearts .heart").count() == 0
    assert page.locator("#like-count").inner_text() == "2"
    page.click("#cart-btn")
    assert page.evaluate("getComputedStyle(document.querySelector('#cart-sheet .sheet-panel')).animationName") == "none"
    # Every control has a name a screen reader can say (its text or its aria-label).
    unnamed = page.evaluate(
        "[...document.querySelectorAll('button, input, select, [role=radio]')]"
        ".filter(e => !(e.getAttribute('aria-label') || e.textContent.trim() || e.labels && e.labels.length))"
        ".map(e => e.outerHTML.slice(0, 80))"
    )
    assert unnamed == []
    page.keyboard.press("Escape")
    assert page.locator("#cart-sheet").is_hidden()
    assert page.errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", [(844, 390), (1280, 800)], ids=["landscape-phone", "desktop"])
def test_landscape_screens_put_the_room_beside_the_picture(
    browser: Browser, relay: RelayProcess, size: tuple[int, int]
) -> None:
    room = make_room(relay, "side", "Side")
    with room.host() as host:
        host.post("/pins", json={"sku": "tee"}).raise_for_status()
    desktop: dict[str, Any] = (
        {} if size[0] < 1000 else {"is_mobile": False, "has_touch": False, "device_scale_factor": 1}
    )
    page = open_page(browser, room, viewport={"width": size[0], "height": size[1]}, **desktop)
    page.wait_for_selector("#pinned .card[data-sku=tee]", state="visible", timeout=5_000)
    player, layer, dock = rect(page, "#player"), rect(page, "#room-layer"), rect(page, ".dock")
    assert player["x"] + player["w"] <= layer["x"] + 1, (player, layer)
    assert dock["x"] >= player["x"] + player["w"] - 1 and dock["y"] + dock["h"] <= size[1] + 1, dock
    assert abs(player["w"] / player["h"] - 16 / 9) < 0.02, player
    assert page.evaluate("document.documentElement.scrollHeight") <= size[1]
    assert page.errors == []  # type: ignore[attr-defined]


def face_regions(canvas: Canvas) -> list[tuple[str, str, Box]]:
    """Where the portrait templates keep a face: a person's tile, or the safe zone for a host filling the
    canvas (they frame their face by the guide the studio draws)."""
    zone = safe_zone(canvas)
    return [
        (scene.id, layer.id, zone if layer.box.w == canvas.width and layer.box.h == canvas.height else layer.box)
        for scene in template_scenes(canvas).scenes
        for layer in scene.layers
        if layer.source in (HOST, GUEST)
    ]


def on_phone(box: Box, canvas: Canvas, width: float, height: float) -> dict[str, float]:
    """``box`` of a picture shown with object-fit: cover on a width x height screen."""
    scale = max(width / canvas.width, height / canvas.height)
    dx, dy = (width - canvas.width * scale) / 2, (height - canvas.height * scale) / 2
    return {"x": box.x * scale + dx, "y": box.y * scale + dy, "w": box.w * scale, "h": box.h * scale}


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """The height of a and b's intersection (0: apart; touching, within half a pixel, counts as apart)."""
    if min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) <= 0.5:
        return 0.0
    height = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return height if height > 0.5 else 0.0


def test_the_room_and_the_top_bar_never_cover_a_face_the_templates_keep(
    browser: Browser, relay: RelayProcess, tmp_path: Path
) -> None:
    """One number: the watch page's bands are the scene templates' (app/scene_templates.py SAFE_TOP,
    SAFE_BOTTOM, set on the page by the relay). For every portrait template the faces' regions, drawn
    with object-fit: cover on a 390x844 phone, miss the top bar, the controls, the room layer (as far
    as it can grow, and full: a pin, a flash sale, comments) and the dock, measured in Chromium."""
    room = make_room(relay, "faces", "Faces")
    with room.host() as host:
        host.post("/pins", json={"sku": "tee"}).raise_for_status()
        host.post(
            "/flash-sales",
            json={"sku": "mug", "price": 9.9, "stock": 10, "per_user_limit": 1, "countdown_s": 20, "duration_s": 60},
        ).raise_for_status()
    for n in range(8):  # one each: a viewer's comments are rate-limited
        with room.viewer(f"viewer-{n}") as viewer:
            viewer.post("/comments", json={"text": f"comment {n}", "nickname": "Mei"}).raise_for_status()
    page = open_page(browser, room)
    page.wait_for_selector("#pinned .card[data-sku=tee]", state="visible", timeout=5_000)
    page.wait_for_selector("#flash .card", state="visible", timeout=5_000)
    page.wait_for_function("document.querySelectorAll('#comments .comment').length >= 8", timeout=5_000)
    width, height = 390, 844
    style = page.evaluate("[getComputedStyle(document.body).getPropertyValue('--safe-top'),"
                          " getComputedStyle(document.body).getPropertyValue('--safe-bottom')]")  # fmt: skip
    assert [float(v) for v in style] == [SAFE_TOP, SAFE_BOTTOM], style
    # (the test-mode notice: this relay has no payment provider)
    chrome = (".bar", ".controls", "#test-mode", "#room-layer", ".dock")
    boxes = {selector: rect(page, selector) for selector in chrome}
    # The room layer as far as it may grow (its max-height above its bottom), and it is grown that far.
    reach = page.evaluate(
        "(() => { const l = document.getElementById('room-layer'), r = l.getBoundingClientRect();"
        " return r.bottom - parseFloat(getComputedStyle(l).maxHeight); })()"
    )
    layer = boxes["#room-layer"]
    assert abs(layer["y"] - reach) < 1, (layer, reach)
    boxes["room layer's reach"] = {**layer, "y": reach, "h": layer["y"] + layer["h"] - reach}
    page.screenshot(path=str(tmp_path / "bands.png"))
    for canvas in (PORTRAIT, parse_canvas("1080x1920")):
        zone = on_phone(safe_zone(canvas), canvas, width, height)
        # the layer takes all the room the templates leave it, and no more (one number, not two that agree)
        assert abs(reach - (zone["y"] + zone["h"])) < 1.5, (reach, zone)
        assert boxes[".bar"]["y"] + boxes[".bar"]["h"] <= zone["y"] + 0.5, (boxes[".bar"], zone)
        for scene, layer_id, face in face_regions(canvas):
            shown = on_phone(face, canvas, width, height)
            assert shown["h"] >= 100, ("room for a face", scene, layer_id, shown)
            for name, box in boxes.items():
                assert overlap(shown, box) == 0, (canvas.name, scene, layer_id, shown, name, box)
    assert page.errors == []  # type: ignore[attr-defined]


def budget_kib() -> float:
    """The budget as docs/architecture.md states it."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    found = re.search(r"page-weight budget \(.*?\): (\d+(?:\.\d+)?) KiB", text, re.DOTALL)
    assert found, "docs/architecture.md states the viewer page's weight budget"
    return float(found.group(1))


def test_our_js_and_css_stay_within_the_page_weight_budget(relay: RelayProcess) -> None:
    room = make_room(relay, "weight", "Weight")
    html = httpx.get(f"{relay.url}/watch/{room.name}", timeout=10).text
    scripts = re.findall(r'<script src="(/static/[^"]+)"', html)
    files = scripts + re.findall(r'<link rel="stylesheet" href="(/static/[^"]+)"', html)
    ours = [f for f in files if not f.startswith("/static/vendor/")]
    assert {"/static/watch.js", "/static/room.js", "/static/watch.css"} <= set(ours), ours
    total = len(gzip.compress(html.encode(), 9))
    for path in ours:
        response = httpx.get(relay.url + path, timeout=10)
        response.raise_for_status()
        total += len(gzip.compress(response.content, 9))
    assert total <= budget_kib() * 1024, f"{total / 1024:.1f} KiB gzipped"
