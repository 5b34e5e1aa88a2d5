"""The assistant's page (中控台) in headless Chromium on a phone-sized screen (390x844): it shows the
run-of-show's current segment, NEXT advances the run on the relay, LAUNCH, pins and moderation act
as the assistant, in English and Chinese; a revoked link says so."""

from __future__ import annotations

import functools
import re
import time
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.helpers.browser import PhonePages
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room
from tests.helpers.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOW = {"segments": [
    {"id": "open", "kind": "opening", "title": "欢迎 Welcome", "duration_s": 30, "points": ["Say hello", "关注主播"]},
    {"id": "tee", "sku": "tee", "duration_s": 120, "points": ["100% cotton", "三种颜色"],
     "flash_sale": {"price": 19.9, "stock": 5, "countdown_s": 0, "duration_s": 60}},
    {"id": "mug", "sku": "mug", "duration_s": 60},
]}  # fmt: skip

OpenPage = Callable[..., Page]


@pytest.fixture
def room(shared_relay: RelayProcess, request: pytest.FixtureRequest) -> Room:
    made = open_room(shared_relay, f"ap-{zlib.crc32(request.node.name.encode()):08x}")
    with made.host() as host:
        host.put("/rundown", json=SHOW).raise_for_status()
    return made


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    pages = PhonePages(browser)
    yield functools.partial(pages.open, ready="window.shopcastAssist && window.shopcastAssist.state !== 'loading'")
    pages.close()


def make_link(room: Room, label: str = "小王") -> dict[str, Any]:
    with room.host() as host:
        made = host.post("/assistants", json={"label": label})
    made.raise_for_status()
    link: dict[str, Any] = made.json()
    return link


def run_state(room: Room) -> dict[str, Any]:
    with room.host() as host:
        state: dict[str, Any] = host.get("/rundown").json()["state"]
    return state


def ready(page: Page) -> None:
    page.wait_for_function("window.shopcastAssist.state === 'ready' && window.shopcastAssist.connected", timeout=10_000)


def text(page: Page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


def test_the_assistant_runs_the_show_from_a_phone(room: Room, open_page: OpenPage) -> None:
    link = make_link(room)
    who = f"assistant:{link['id']}"
    page = open_page(link["url"])
    ready(page)
    assert text(page, "#who").startswith("Assistant: 小王")
    assert text(page, "#show-note") == "Not started yet: press START to cue the first segment."
    assert text(page, "#next") == "START" and text(page, "#next-up") == "First: 欢迎 Welcome"
    # NEXT sits where a thumb reaches it, and nothing spills sideways on a 390-pixel screen.
    box = page.locator("#next").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844 and box["height"] >= 48
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("#next")
    wait_until(lambda: run_state(room)["index"] == 0, 10, "the first cue on the relay")
    page.wait_for_function("document.getElementById('seg-title').textContent === '欢迎 Welcome'", timeout=10_000)
    assert text(page, "#seg-kind") == "Opening"
    assert text(page, "#seg-count") == "Segment 1 of 3"
    assert page.locator("#points li").all_inner_texts() == ["Say hello", "关注主播"]
    assert re.fullmatch(r"0:(2\d|30) left", text(page, "#time-left")), text(page, "#time-left")
    assert text(page, "#next-up") == "Next: Cotton tee 纯棉T恤" and text(page, "#next") == "NEXT"

    page.click("#next")
    wait_until(lambda: run_state(room)["index"] == 1, 10, "NEXT to advance the run on the relay")
    page.wait_for_function("document.getElementById('seg-title').textContent === 'Cotton tee 纯棉T恤'", timeout=10_000)
    assert text(page, "#seg-kind") == "Product"
    launch = page.locator("#launches button.launch")
    assert launch.count() == 1 and launch.inner_text() == "Launch · Flash sale ¥19.90"
    launch.click()
    wait_until(lambda: "flash_sale" in run_state(room)["launched"], 10, "the flash sale launched")
    page.wait_for_function("document.querySelectorAll('#launches button.launch').length === 0", timeout=10_000)
    assert text(page, "#launches .launched") == "✓ Launched · Flash sale"

    # The cart: the cue pinned the segment's product; pin another from the page.
    mug = page.locator("#cart li[data-key='mug']")
    assert mug.locator("button.pin").inner_text() == "Pin"
    mug.locator("button.pin").click()
    page.wait_for_function("document.querySelector(\"#cart li[data-key='mug'] button.pin\").textContent === 'Unpin'",
                           timeout=10_000)  # fmt: skip
    with room.host() as host:
        assert host.get("/console-state").json()["pins"] == ["tee", "mug"]

    # Comments: a viewer's arrives on the feed; delete it from the page.
    with room.viewer("viewer-ppp1") as viewer:
        said = viewer.post("/comments", json={"nickname": "Lin", "text": "spam spam"}).json()
        asked = viewer.post("/questions", json={"text": "有M码吗?"}).json()
    page.click("[data-tab='comments']")
    row = page.locator(f"#comments li[data-key='{said['id']}']")
    row.wait_for(timeout=10_000)
    assert row.locator(".comment-text").inner_text() == "spam spam"
    row.locator("button.mute").click()
    page.wait_for_function(
        f"document.querySelector(\"#comments li[data-key='{said['id']}'] button.mute\").textContent === 'Unmute'",
        timeout=10_000,
    )
    row.locator("button.delete").click()
    row.wait_for(state="detached", timeout=10_000)

    # Questions: answer one.
    page.click("[data-tab='questions']")
    question = page.locator(f"#questions li[data-key='{asked['id']}']")
    question.wait_for(timeout=10_000)
    question.locator("input.answer-input").fill("有的，M码有货")
    question.locator("button.answer").click()
    page.wait_for_function(
        f"document.querySelector(\"#questions li[data-key='{asked['id']}']\").dataset.status === 'answered'",
        timeout=10_000,
    )
    assert question.locator(".answer-text").inner_text() == "↳ 有的，M码有货"

    page.click("#next")
    wait_until(lambda: run_state(room)["index"] == 2, 10, "the third cue")
    page.wait_for_function("document.getElementById('next').textContent === 'FINISH'", timeout=10_000)
    assert text(page, "#next-up") == "This is the last segment"

    with room.host() as host:
        log = host.get("/events").json()
    mine = [e["type"] for e in log if e["data"].get("by") == who]
    for kind in ("rundown.cue", "rundown.launched", "pin", "viewer.muted", "comment.deleted", "question.answered"):
        assert kind in mine, (kind, mine)
    assert mine.count("rundown.cue") == 3
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_page_in_chinese(room: Room, open_page: OpenPage) -> None:
    link = make_link(room, "阿强")
    page = open_page(link["url"], locale="zh-CN")
    ready(page)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert text(page, "#who").startswith("中控：阿强")
    assert text(page, "#show-heading") == "直播脚本"
    assert text(page, "#next") == "开始"
    assert text(page, "#show-note") == "尚未开始：按“开始”进入第一段。"
    assert page.locator("[data-tab='cart']").inner_text().startswith("小黄车")
    page.click("#next")
    page.wait_for_function("document.getElementById('seg-count').textContent === '第 1/3 段'", timeout=10_000)
    assert text(page, "#seg-kind") == "开场"
    assert re.fullmatch(r"剩余 0:\d\d", text(page, "#time-left")), text(page, "#time-left")
    assert text(page, "#next") == "下一段"
    assert run_state(room)["by"] == f"assistant:{link['id']}"
    # The language can be switched on the page; the token stays in the fragment.
    page.click("#lang-switch")
    # The English page, once its feed's snapshot (which carries the run's state) is in: "ready" alone
    # comes before it.
    page.wait_for_function(
        "document.documentElement.lang === 'en' && window.shopcastAssist"
        " && window.shopcastAssist.state === 'ready' && window.shopcastAssist.connected",
        timeout=10_000,
    )
    assert text(page, "#next") == "NEXT"
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_revoked_link_says_so_and_the_page_stops(room: Room, open_page: OpenPage) -> None:
    link = make_link(room)
    page = open_page(link["url"])
    ready(page)
    with room.host() as host:
        host.delete(f"/assistants/{link['id']}").raise_for_status()
    page.wait_for_function("window.shopcastAssist.state === 'refused'", timeout=10_000)
    assert page.evaluate("window.shopcastAssist.code") == "assistant_revoked"
    assert text(page, "#refused-text") == "The host revoked this assistant link. Ask them for a new one."
    assert page.locator("#console").is_hidden()
    before = run_state(room)["cue"]
    time.sleep(0.5)
    assert run_state(room)["cue"] == before

    zh = open_page(link["url"], locale="zh-CN")
    assert text(zh, "#refused-text") == "主播已撤销此中控链接，请向主播索取新链接。"
    bare = open_page(link["url"].split("#", 1)[0])
    assert text(bare, "#refused-text") == "Open this page with the assistant link the host sent you."
    assert httpx.get(link["url"].split("#", 1)[0], timeout=10).status_code == 200
