"""The rehearsal (彩排) banner on every page of a room, in headless Chromium at a phone viewport: shown
while the room rehearses, in English and Chinese, and gone the moment the rehearsal ends."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page

from app.room_client import RoomClient
from tests.helpers.browser import PhonePages
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EN = "Rehearsal — not public. Orders are test orders."
ZH = "彩排中 — 未公开，订单为测试订单"
OpenPage = Callable[..., Page]


@pytest.fixture
def room(relay: RelayProcess) -> Room:
    return open_room(relay, "rehearse")


@pytest.fixture
def host(room: Room) -> Iterator[RoomClient]:
    client = RoomClient(room.relay.url, room.name, room.owner_token)
    yield client
    client.close()


@pytest.fixture
def open_page(webrtc_browser: Browser) -> Iterator[OpenPage]:
    # The co-host guest page asks for a camera and a microphone: the browser has fake ones.
    pages = PhonePages(webrtc_browser)
    yield functools.partial(pages.open, ready="window.shopcastRehearsal !== undefined", timeout_ms=15_000)
    pages.close()


def banner_shown(page: Page) -> bool:
    return page.locator("#rehearsal-banner").is_visible()


def assert_banner_fits(page: Page, text: str) -> None:
    banner = page.locator("#rehearsal-banner")
    assert banner.is_visible()
    assert banner.inner_text().strip() == text
    box = banner.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 0.5, "the banner fits the phone's width"
    assert box["y"] < 844 / 2, "near the top, where it is seen first"


def test_the_watch_page_shows_the_rehearsal_in_both_languages_and_follows_it_live(
    room: Room, host: RoomClient, open_page: OpenPage
) -> None:
    watch = f"{room.relay.url}/watch/{room.name}"
    page = open_page(watch)
    page.wait_for_function("window.shopcast.room && window.shopcast.room.state !== null", timeout=15_000)
    assert not banner_shown(page)
    assert page.locator("#test-mode").is_visible(), "a room in test mode says so"

    host.set_rehearsal(True)  # live, through the room's feed: no reload
    page.wait_for_selector("#rehearsal-banner", state="visible", timeout=5_000)
    assert_banner_fits(page, EN)
    assert page.locator("#test-mode").is_hidden(), "the rehearsal banner says it already"
    assert page.evaluate("window.shopcastRehearsal.on") is True

    chinese = open_page(watch + "?lang=zh", locale="zh-CN")
    assert_banner_fits(chinese, ZH)  # from the first paint: the relay renders it shown
    chinese.wait_for_function("window.shopcast.room && window.shopcast.room.state !== null", timeout=15_000)
    assert banner_shown(chinese), "the snapshot agrees"

    # A tester buys during the rehearsal: a test order.
    page.locator("#cart-btn").click()
    page.locator("#cart-list .cart-item[data-sku=tee] button.buy").click()
    page.wait_for_selector("#toast:not([hidden])", timeout=5_000)
    assert page.locator("#toast").inner_text() == "Paid ✓ (test mode — no charge)"

    ended = host.set_rehearsal(False)
    assert ended["orders_cancelled"] == 1
    for each in (page, chinese):
        each.wait_for_selector("#rehearsal-banner", state="hidden", timeout=5_000)
    assert page.locator("#test-mode").is_visible()
    assert page.evaluate("window.shopcastRehearsal.on") is False

    host.set_rehearsal(True)
    chinese.wait_for_selector("#rehearsal-banner", state="visible", timeout=5_000)
    assert_banner_fits(chinese, ZH)
    assert page.errors == [] and chinese.errors == []  # type: ignore[attr-defined]


def test_the_cohost_and_verify_pages_show_it_too(room: Room, host: RoomClient, open_page: OpenPage) -> None:
    host.set_rehearsal(True)
    invite = host.create_invite("Guest")
    draw = host.open_draw("A mug", 1, None, 60)
    guest = open_page(invite["url"])
    verify = open_page(f"{room.relay.url}/verify/{room.name}/{draw['id']}?lang=zh", locale="zh-CN")
    assert_banner_fits(guest, EN)
    assert_banner_fits(verify, ZH)

    host.set_rehearsal(False)  # these pages have no feed: they ask the room every few seconds
    for page in (guest, verify):
        page.wait_for_selector("#rehearsal-banner", state="hidden", timeout=8_000)
    host.set_rehearsal(True)
    guest.wait_for_selector("#rehearsal-banner", state="visible", timeout=8_000)
    assert guest.errors == [] and verify.errors == []  # type: ignore[attr-defined]
