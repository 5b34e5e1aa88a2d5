"""What a buyer sees of a payment on the viewer page (headless Chromium, phone viewport): with an
asynchronous provider the tap says the payment is awaited, and the page says paid when the provider's
signed webhook comes; a declined payment says so and the unit goes back on the card."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page

from app.commerce.payments import AsyncTestModePayment
from tests.helpers.browser import PHONE
from tests.helpers.relay import RelayProcess
from tests.helpers.room import CATALOG, Room, open_room

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def async_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    relay = RelayProcess(tmp_path_factory.mktemp("relay"), "--payment-provider", "test-async").start()
    yield relay
    relay.stop()


@pytest.fixture
def pages(browser: Browser) -> Iterator[list[Page]]:
    opened: list[Page] = []
    yield opened
    for page in opened:
        page.context.close()


def watch(browser: Browser, pages: list[Page], room: Room) -> Page:
    page = browser.new_context(bypass_csp=True, locale="en-US", **PHONE).new_page()  # type: ignore[arg-type]
    pages.append(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    page.goto(f"{room.relay.url}/watch/{room.name}")
    page.wait_for_function("window.shopcast.room && window.shopcast.room.state !== null", timeout=15_000)
    return page


def tap(page: Page, room: Room, sku: str) -> str:
    with room.host() as host:
        assert host.post("/pins", json={"sku": sku}).status_code == 201
    page.wait_for_selector(f"#pinned .card[data-sku={sku}]", timeout=5_000)
    page.locator(f"#pinned .card[data-sku={sku}] button.buy").click()
    page.wait_for_selector("#toast:not([hidden])", timeout=5_000)
    return page.locator("#toast").inner_text()


def test_the_page_waits_for_the_webhook_then_says_paid(
    async_relay: RelayProcess, browser: Browser, pages: list[Page]
) -> None:
    room = open_room(async_relay, "waits")
    page = watch(browser, pages, room)
    assert tap(page, room, "tee") == "Order placed — waiting for the payment to be confirmed"
    viewer = page.evaluate("window.shopcast.room.viewerId")
    with room.host() as host:
        (order,) = [o for o in host.get("/orders").json() if o["viewer_id"] == viewer]
    assert order["status"] == "created"
    page.wait_for_function("document.querySelector('#toast').hidden", timeout=10_000)
    provider = AsyncTestModePayment()
    body = json.dumps({"id": "evt_page_1", "events": [{"order_id": order["order_id"], "status": "paid"}]}).encode()
    answer = httpx.post(f"{async_relay.url}/api/v1/payments/test-async/webhook", content=body,
                        headers={"X-ShopCast-Signature": provider.sign(body, time.time())})  # fmt: skip
    assert answer.json() == {"applied": 1}
    page.wait_for_function(
        "document.querySelector('#toast').innerText === 'Payment confirmed — order paid ✓'", timeout=5_000
    )
    status = f"window.shopcast.room.state.me.orders.find(o => o.order_id === {json.dumps(order['order_id'])}).status"
    assert page.evaluate(status) == "paid"
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_declined_payment_says_so_and_the_unit_comes_back(
    relay: RelayProcess, browser: Browser, pages: list[Page]
) -> None:
    room = open_room(relay, "declined", [*CATALOG, {"sku": "tv", "title": "TV", "price": 2000, "stock": 3}])
    page = watch(browser, pages, room)
    assert tap(page, room, "tv") == "Your payment was declined — nothing was charged"
    mine = "window.shopcast.room.state.me.orders.map(o => o.status).join()"
    page.wait_for_function(f"{mine} === 'cancelled'", timeout=5_000)  # the page heard its order was cancelled
    tv = next(p for p in httpx.get(f"{room.api}/products", timeout=10).json() if p["sku"] == "tv")
    assert (tv["stock"], tv["sold"]) == (3, 0), "the unit came back"
    with room.host() as host:
        assert [o["status"] for o in host.get("/orders").json()] == ["cancelled"]
    assert page.errors == []  # type: ignore[attr-defined]
