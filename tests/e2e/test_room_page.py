"""The live room on the viewer page, in headless Chromium at a phone viewport."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.helpers.browser import PHONE
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def room(relay: RelayProcess) -> Room:
    return open_room(relay, "shop")


@pytest.fixture
def page_factory(browser: Browser) -> Iterator[object]:
    contexts = []

    def open_page(room: Room, locale: str = "en-US", clock_skew: float = 0.0) -> Page:
        context = browser.new_context(bypass_csp=True, locale=locale, **PHONE)  # type: ignore[arg-type]
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors  # type: ignore[attr-defined]
        if clock_skew:
            page.clock.install(time=time.time() + clock_skew)
        page.goto(f"{room.relay.url}/watch/{room.name}")
        page.wait_for_function("window.shopcast.room && window.shopcast.room.state !== null", timeout=15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def stock_shown(page: Page, sku: str) -> int:
    text = page.locator(f"#pinned .card[data-sku={sku}] .stock").inner_text()
    return int(re.search(r"(\d+)", text).group(1))  # type: ignore[union-attr]


def test_a_pin_shows_within_a_second_and_one_tap_buys(room: Room, page_factory: object) -> None:
    page = page_factory(room)  # type: ignore[operator]
    assert page.locator("#pinned").is_hidden()
    started = time.monotonic()
    with room.host() as host:
        assert host.post("/pins", json={"sku": "tee"}).status_code == 201
    page.wait_for_selector("#pinned .card[data-sku=tee]", timeout=5_000)
    assert time.monotonic() - started < 1.0, "the pin reached the page within a second"
    assert page.locator("#pinned .card[data-sku=tee] .tag").inner_text() == "Now showing"
    card, row = page.locator("#pinned .card[data-sku=tee]").bounding_box(), page.locator("#pinned").bounding_box()
    assert card is not None and row is not None
    assert card["width"] >= row["width"] - 2 * 14 - 1, "one pinned product spans the row, like the cards below"
    before = stock_shown(page, "tee")
    page.locator("#pinned .card[data-sku=tee] button.buy").click()
    page.wait_for_selector("#toast:not([hidden])", timeout=5_000)
    assert page.locator("#toast").inner_text() == "Paid ✓ (test mode — no charge)"
    shown = "Number(document.querySelector('#pinned .card[data-sku=tee] .stock').textContent.match(/\\d+/)[0])"
    page.wait_for_function(f"{shown} === {before - 1}", timeout=5_000)
    viewer = page.evaluate("window.shopcast.room.viewerId")
    with room.host() as host:
        orders = [o for o in host.get("/orders").json() if o["viewer_id"] == viewer]
    assert [(o["sku"], o["status"]) for o in orders] == [("tee", "paid")]
    # who bought: the session the page came with, in a cookie no script on the page can read
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "shopcast_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["value"].startswith(f"s1.{viewer}.")
    assert "shopcast_session" not in page.evaluate("document.cookie")
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_flash_sale_countdown_follows_server_time_even_when_the_phone_clock_is_wrong(
    room: Room, page_factory: object
) -> None:
    page = page_factory(room, clock_skew=-3600)  # type: ignore[operator]
    with room.host() as host:
        sale = host.post(
            "/flash-sales",
            json={"sku": "mug", "price": 9.9, "stock": 10, "per_user_limit": 1, "countdown_s": 30, "duration_s": 60},
        ).json()
    card = f"#flash .card[data-sale={sale['id']}]"
    page.wait_for_selector(card, timeout=5_000)
    page.wait_for_function(f"document.querySelector('{card}').dataset.phase === 'scheduled'", timeout=5_000)
    page.wait_for_timeout(1_500)  # let the clock synchronisation settle
    differences = []
    for _ in range(5):
        shown = float(page.locator(f"{card} .countdown").get_attribute("data-remaining") or "nan")
        differences.append(shown - (sale["opens_at"] - time.time()))
        page.wait_for_timeout(200)
    assert max(abs(d) for d in differences) <= 0.5, differences
    assert page.locator(f"{card} button.buy").is_disabled(), "no buying before the sale opens"
    assert re.fullmatch(r"00:[0-2]\d", page.locator(f"{card} .countdown").inner_text())


def test_coupons_polls_questions_draws_and_comments_from_the_page(room: Room, page_factory: object) -> None:
    with room.host() as host:
        coupon = host.post("/coupons", json={"title": "满100减20", "amount": 20, "min_spend": 100, "quota": 10}).json()
        poll = host.post("/polls", json={"question": "Colour?", "options": ["Red", "Blue"]}).json()
        draw_body = {"prize": "Free mug", "winners": 1, "keyword": "lucky", "duration_s": 60}
        draw = host.post("/draws", json=draw_body).json()
        host.post("/group-buys", json={"sku": "tee", "price": 39.9, "group_size": 2, "window_s": 600})
    page = page_factory(room, locale="zh-CN")  # type: ignore[operator]
    other = page_factory(room)  # type: ignore[operator]

    page.locator(f"#activities .card[data-coupon={coupon['id']}] button").click()
    page.wait_for_function(f"document.querySelector('#activities .card[data-coupon={coupon['id']}] button').disabled")
    assert page.locator(f"#activities .card[data-coupon={coupon['id']}] button").inner_text() == "已领取"

    page.locator(f"#activities .card[data-poll={poll['id']}] button", has_text="Blue").click()
    page.wait_for_selector(f"#activities .card[data-poll={poll['id']}] .result")
    assert "Blue · 1票" in page.locator(f"#activities .card[data-poll={poll['id']}]").inner_text()
    other.wait_for_function(
        f"window.shopcast.room.polls['{poll['id']}'].options[1].votes === 1", timeout=5_000
    )  # the live results reached the other viewer

    page.locator(f"#activities .card[data-draw={draw['id']}] button").click()
    page.wait_for_function(f"document.querySelector('#activities .card[data-draw={draw['id']}] button').disabled")
    other.fill("#comment-input", "I feel lucky")  # the keyword enters the draw too
    other.press("#comment-input", "Enter")
    page.wait_for_function(
        "[...document.querySelectorAll('#comments .comment')].some(c => c.textContent.includes('I feel lucky'))",
        timeout=5_000,
    )

    page.click("#ask-btn")
    page.fill("#ask-input", "有没有大码？")
    page.click("#ask-form button[type=submit]")
    page.wait_for_function("document.getElementById('toast').textContent.includes('问题已发送')", timeout=5_000)
    with room.host() as host:
        assert [q["text"] for q in host.get("/questions").json()] == ["有没有大码？"]

    page.locator("#activities .group-buy button", has_text="发起拼团").click()
    page.wait_for_selector("#activities .group-buy .share-group", timeout=5_000)
    other.wait_for_selector("#activities .group-buy .groups button", timeout=5_000)
    other.locator("#activities .group-buy .groups button").click()
    page.wait_for_function("document.getElementById('toast').textContent.includes('拼团成功')", timeout=5_000)

    for _ in range(5):
        page.click("#like-btn")
    other.wait_for_function("window.shopcast.room.state.likes >= 5", timeout=5_000)

    with room.host() as host:
        host.post(f"/draws/{draw['id']}/close")
    page.wait_for_selector(f"#activities .card[data-draw={draw['id']}] a.verify", timeout=5_000)
    page.locator(f"#activities .card[data-draw={draw['id']}] a.verify").click()
    page.wait_for_function("window.shopcastVerify && window.shopcastVerify.done", timeout=10_000)
    assert page.evaluate("window.shopcastVerify.hashOk") is True
    assert page.evaluate("window.shopcastVerify.winnersOk") is True
    assert "✓" in page.locator("#winners-check").inner_text()
    # the page's viewer entered: their own ticket is found in the list; no viewer id is shown
    mine = page.evaluate("window.shopcastVerify.mine")
    assert isinstance(mine, str) and len(mine) == 64 and "✓" in page.locator("#mine-check").inner_text()
    assert page.locator("#entrants li", has_text="←").count() == 1
    assert "v-" not in page.locator("#entrants").inner_text()
    assert page.errors == [] and other.errors == []  # type: ignore[attr-defined]


def test_a_verified_only_flash_sale_asks_for_the_phone_then_sells(relay: RelayProcess, page_factory: object) -> None:
    room = open_room(relay, "verified-shop")
    with room.host() as host:
        host.put("/verification", json={"flash_sales": True}).raise_for_status()
        sale = host.post("/flash-sales", json={"sku": "mug", "price": 9.9, "stock": 5, "per_user_limit": 1,
                                               "countdown_s": 0, "duration_s": 120}).json()  # fmt: skip
    page = page_factory(room)  # type: ignore[operator]
    buy = page.locator(f"#flash .card[data-sale={sale['id']}] button.buy")
    buy.click()
    page.wait_for_selector("#verify-sheet:not([hidden])", timeout=5_000)
    assert page.locator("#toast").inner_text() == "Verify your phone number to take this offer"
    page.fill("#verify-phone", "+86 138 0013 8000")
    page.click("#verify-send")
    page.wait_for_function("document.getElementById('verify-note').textContent.includes('Test mode')", timeout=5_000)
    code = re.search(r"(\d{6})", page.locator("#verify-note").inner_text()).group(1)  # type: ignore[union-attr]
    page.fill("#verify-code", code)
    page.locator("#verify-form button[type=submit]").click()
    page.wait_for_selector("#verify-sheet", state="hidden", timeout=5_000)
    viewer = page.evaluate("window.shopcast.room.viewerId")
    assert re.fullmatch(r"p-[0-9a-f]{16}", viewer)
    page.wait_for_function("window.shopcast.room.connected", timeout=10_000)  # the feed again, as that viewer
    buy.click()
    page.wait_for_function("document.getElementById('toast').textContent.startsWith('Paid')", timeout=5_000)
    with room.host() as host:
        assert [o["viewer_id"] for o in host.get("/orders").json()] == [viewer]
    assert page.errors == []  # type: ignore[attr-defined]
