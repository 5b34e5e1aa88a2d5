"""Flash sales, coupons and group-buy, on the server's clock."""

from __future__ import annotations

import pytest

from app.commerce.coupons import CouponInput
from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.flash_sales import LATE_TAP_S, FlashSaleInput
from app.commerce.group_buys import GroupBuyInput
from app.commerce.orders import OrderRequest
from tests.commerce.conftest import ManualClock


def refusal(call: object) -> str:
    with pytest.raises(CommerceError) as refused:
        call()  # type: ignore[operator]
    return refused.value.code


def test_flash_sale_opens_after_its_countdown_and_closes_after_its_duration(
    engine: RoomEngine, clock: ManualClock
) -> None:
    sale = engine.create_flash_sale("r", FlashSaleInput("tee", 1990, 10, 2, countdown_s=30, duration_s=60))
    assert sale["phase"] == "scheduled" and sale["opens_at"] == clock.now + 30
    assert engine.product("r", "tee")["stock"] == 490, "the deal's units are reserved from stock"
    buy = OrderRequest("tee", 1, flash_sale_id=sale["id"])
    assert refusal(lambda: engine.place_order("r", "viewer-a", "A", buy, "k1")) == "not_open_yet"
    clock.advance(30)
    order, _ = engine.place_order("r", "viewer-a", "A", buy, "k2")
    assert order["unit_price"] == 19.9
    clock.advance(60)
    assert refusal(lambda: engine.place_order("r", "viewer-a", "A", buy, "k3")) == "flash_sale_closed"
    engine.tick()
    assert engine.flash_sale("r", sale["id"])["phase"] == "closed", "closed for shoppers at its time"
    assert engine.product("r", "tee")["stock"] == 490, "its units wait for taps made before the close"
    clock.advance(LATE_TAP_S)
    engine.tick()
    closed = engine.flash_sale("r", sale["id"])
    assert (closed["phase"], closed["sold"]) == ("closed", 1)
    assert engine.product("r", "tee")["stock"] == 499, "unsold units went back"
    assert [e["type"] for e in engine.events("r") if e["type"].startswith("flash_sale")] == [
        "flash_sale.created", "flash_sale.opened", "flash_sale.closed",
    ]  # fmt: skip


def test_a_tap_before_the_close_on_the_viewer_s_picture_gets_the_deal_within_the_bound(
    engine: RoomEngine, clock: ManualClock
) -> None:
    sale = engine.create_flash_sale("r", FlashSaleInput("tee", 1990, 10, 5, countdown_s=10, duration_s=60))
    opens, closes = sale["opens_at"], sale["closes_at"]
    clock.advance(9)
    early = OrderRequest("tee", 1, flash_sale_id=sale["id"], seen_at=opens + 3)
    assert refusal(lambda: engine.place_order("r", "a", "A", early, "k0")) == "not_open_yet", (
        "a picture from the future is now"
    )
    clock.advance(62)  # 1 s after the close on the host's clock
    late_viewer = OrderRequest("tee", 1, flash_sale_id=sale["id"], seen_at=closes - 0.3)
    order, _ = engine.place_order("r", "viewer-a", "A", late_viewer, "k1")
    assert order["unit_price"] == 19.9, "watching 1.3 s behind, the tap came before the countdown ended"
    at_close = OrderRequest("tee", 1, flash_sale_id=sale["id"], seen_at=closes)
    assert refusal(lambda: engine.place_order("r", "viewer-b", "B", at_close, "k1")) == "flash_sale_closed"
    no_picture = OrderRequest("tee", 1, flash_sale_id=sale["id"])
    assert refusal(lambda: engine.place_order("r", "viewer-b", "B", no_picture, "k2")) == "flash_sale_closed"
    clock.advance(LATE_TAP_S - 0.5)  # the claim is clamped to LATE_TAP_S back: closes + 0.5
    far_behind = OrderRequest("tee", 1, flash_sale_id=sale["id"], seen_at=closes - 60)
    assert refusal(lambda: engine.place_order("r", "viewer-c", "C", far_behind, "k1")) == "flash_sale_closed"
    engine.tick()
    assert engine.product("r", "tee")["stock"] == 499, "after the bound the 9 unsold units go back"
    assert engine.flash_sale("r", sale["id"])["sold"] == 1


def test_a_sale_the_host_ends_early_keeps_taps_made_before_the_end_on_the_viewer_s_picture(
    engine: RoomEngine, clock: ManualClock
) -> None:
    sale = engine.create_flash_sale("r", FlashSaleInput("tee", 1990, 10, 5, countdown_s=0, duration_s=600))
    clock.advance(30)
    ended = engine.end_flash_sale("r", sale["id"])
    assert ended["phase"] == "closed" and ended["closes_at"] == clock.now
    assert [e["type"] for e in engine.events("r")][-1] == "flash_sale.closed", "logged when it ended"
    clock.advance(1.2)
    seen_before = OrderRequest("tee", 1, flash_sale_id=sale["id"], seen_at=clock.now - 1.4)
    order, _ = engine.place_order("r", "viewer-a", "A", seen_before, "k1")
    assert order["unit_price"] == 19.9, "1.4 s behind, the viewer tapped while the sale ran on their screen"
    seen_after = OrderRequest("tee", 1, flash_sale_id=sale["id"], seen_at=clock.now - 1.0)
    assert refusal(lambda: engine.place_order("r", "viewer-b", "B", seen_after, "k1")) == "flash_sale_closed"
    engine.tick()
    assert engine.product("r", "tee")["stock"] == 490, "the units wait LATE_TAP_S"
    clock.advance(LATE_TAP_S)
    engine.tick()
    assert engine.product("r", "tee")["stock"] == 499
    assert refusal(lambda: engine.place_order("r", "viewer-c", "C", seen_before, "k9")) == "flash_sale_closed"


def test_flash_sale_limits_per_viewer_and_sells_out(engine: RoomEngine, clock: ManualClock) -> None:
    sale = engine.create_flash_sale("r", FlashSaleInput("tee", 1990, 3, 2, countdown_s=10, duration_s=60))
    clock.advance(10)
    buy = OrderRequest("tee", 1, flash_sale_id=sale["id"])
    engine.place_order("r", "viewer-a", "A", buy, "k1")
    engine.place_order("r", "viewer-a", "A", buy, "k2")
    assert refusal(lambda: engine.place_order("r", "viewer-a", "A", buy, "k3")) == "limit_reached"
    engine.place_order("r", "viewer-b", "B", buy, "k1")
    assert refusal(lambda: engine.place_order("r", "viewer-c", "C", buy, "k1")) == "sold_out"
    assert engine.flash_sale("r", sale["id"])["sold"] == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"countdown_s": -1}, "countdown_s must be between 0 and 300"),
        ({"countdown_s": 301}, "countdown_s must be between 0 and 300"),
        ({"duration_s": 59}, "duration_s must be between 60 and 1200"),
        ({"duration_s": 1201}, "duration_s must be between 60 and 1200"),
        ({"price_cents": 9900}, "must not exceed the regular price"),
        ({"stock": 501}, "only 500 of Cotton tee are in stock"),
    ],
)
def test_flash_sale_settings_are_checked(engine: RoomEngine, change: dict[str, float], message: str) -> None:
    settings = {"price_cents": 1990, "stock": 10, "per_user_limit": 2, "countdown_s": 10, "duration_s": 60, **change}
    with pytest.raises(CommerceError, match=message):
        engine.create_flash_sale("r", FlashSaleInput("tee", **settings))  # type: ignore[arg-type]


def test_coupons_are_claimed_within_quota_and_applied_above_the_minimum(engine: RoomEngine, clock: ManualClock) -> None:
    coupon = engine.create_coupon("r", CouponInput("满100减20", 2000, 10000, quota=2, per_user_limit=1, valid_s=600))
    engine.claim_coupon("r", "viewer-a", coupon["id"])
    assert refusal(lambda: engine.claim_coupon("r", "viewer-a", coupon["id"])) == "claim_limit"
    engine.claim_coupon("r", "viewer-b", coupon["id"])
    assert refusal(lambda: engine.claim_coupon("r", "viewer-c", coupon["id"])) == "coupon_gone"
    small = OrderRequest("tee", 1, coupon_id=coupon["id"])
    assert refusal(lambda: engine.place_order("r", "viewer-a", "A", small, "k1")) == "min_spend_not_met"
    order, _ = engine.place_order("r", "viewer-a", "A", OrderRequest("tee", 2, coupon_id=coupon["id"]), "k2")
    assert (order["discount"], order["total"]) == (20.0, 98.0)
    assert (
        refusal(lambda: engine.place_order("r", "viewer-a", "A", OrderRequest("tee", 2, coupon_id=coupon["id"]), "k3"))
        == "no_coupon"
    )
    engine.refund_order("r", order["order_id"])
    order, _ = engine.place_order("r", "viewer-a", "A", OrderRequest("tee", 2, coupon_id=coupon["id"]), "k4")
    assert order["discount"] == 20.0, "a refunded order gives its coupon back"
    clock.advance(600)
    assert (
        refusal(lambda: engine.place_order("r", "viewer-b", "B", OrderRequest("tee", 2, coupon_id=coupon["id"]), "k1"))
        == "coupon_expired"
    )


def test_a_group_that_fills_is_paid(engine: RoomEngine) -> None:
    campaign = engine.create_group_buy("r", GroupBuyInput("tee", 3900, group_size=3, window_s=600))
    first, _ = engine.place_order("r", "viewer-a", "A", OrderRequest("tee", 1, group_buy_id=campaign["id"]), "k1")
    assert first["status"] == "created"
    group_id = first["group_id"]
    engine.place_order("r", "viewer-b", "B", OrderRequest("tee", 1, group_id=group_id), "k1")
    assert (
        refusal(lambda: engine.place_order("r", "viewer-b", "B", OrderRequest("tee", 1, group_id=group_id), "k2"))
        == "already_in_group"
    )
    last, _ = engine.place_order("r", "viewer-c", "C", OrderRequest("tee", 1, group_id=group_id), "k1")
    assert last["status"] == "paid"
    assert engine.group("r", group_id)["status"] == "filled"
    statuses = {o["order_id"]: o["status"] for o in engine.orders("r")}
    assert set(statuses.values()) == {"paid"} and len(statuses) == 3
    assert (
        refusal(lambda: engine.place_order("r", "viewer-d", "D", OrderRequest("tee", 1, group_id=group_id), "k1"))
        == "group_full"
    )


def test_a_group_that_does_not_fill_is_cancelled_and_refunded_when_its_window_ends(
    engine: RoomEngine, clock: ManualClock
) -> None:
    campaign = engine.create_group_buy("r", GroupBuyInput("mug", 1990, group_size=3, window_s=60))
    first, _ = engine.place_order("r", "viewer-a", "A", OrderRequest("mug", 1, group_buy_id=campaign["id"]), "k1")
    engine.place_order("r", "viewer-b", "B", OrderRequest("mug", 1, group_id=first["group_id"]), "k1")
    assert engine.product("r", "mug")["stock"] == 1
    clock.advance(59)
    engine.tick()
    assert engine.group("r", first["group_id"])["status"] == "open"
    clock.advance(1)
    assert (
        refusal(
            lambda: engine.place_order("r", "viewer-c", "C", OrderRequest("mug", 1, group_id=first["group_id"]), "k1")
        )
        == "group_expired"
    )
    engine.tick()
    assert engine.group("r", first["group_id"])["status"] == "failed"
    orders = engine.orders("r")
    assert [(o["status"], o["refunded"]) for o in orders] == [("cancelled", True), ("cancelled", True)]
    assert engine.product("r", "mug")["stock"] == 3, "the reserved units came back"
    kinds = [e["type"] for e in engine.events("r")]
    assert kinds.count("order.cancelled") == 2 and kinds[-1] == "group.failed"


def test_members_hear_when_their_group_fills(engine: RoomEngine, notifications: list) -> None:
    campaign = engine.create_group_buy("r", GroupBuyInput("tee", 3900, group_size=2, window_s=600))
    first, _ = engine.place_order("r", "viewer-a", "A", OrderRequest("tee", 1, group_buy_id=campaign["id"]), "k1")
    engine.place_order("r", "viewer-b", "B", OrderRequest("tee", 1, group_id=first["group_id"]), "k1")
    told = [n for n in notifications if n.to_viewer == "viewer-a" and n.public and n.public["type"] == "my_order"]
    assert [n.public["order"]["status"] for n in told] == ["paid"]  # type: ignore[index]
