"""Orders: idempotency, stock, states, refunds and the event log."""

from __future__ import annotations

import json

import pytest

from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.orders import OrderRequest
from app.commerce.payments import PaymentUpdate, TestModePayment, WebhookError, WebhookEvent


def test_an_order_takes_stock_is_paid_in_test_mode_and_is_logged(engine: RoomEngine) -> None:
    order, created = engine.place_order("r", "viewer-a", "Ann", OrderRequest("tee", 2), "key-1")
    assert created
    assert (order["status"], order["total"], order["qty"], order["test_mode"]) == ("paid", 118.0, 2, True)
    assert engine.product("r", "tee")["stock"] == 498 and engine.product("r", "tee")["sold"] == 2
    kinds = [e["type"] for e in engine.events("r")]
    assert kinds[-2:] == ["order.created", "order.paid"]


def test_the_same_key_returns_the_same_order_and_a_different_request_is_refused(engine: RoomEngine) -> None:
    first, _ = engine.place_order("r", "viewer-a", "Ann", OrderRequest("tee", 1), "key-1")
    again, created = engine.place_order("r", "viewer-a", "Ann", OrderRequest("tee", 1), "key-1")
    assert not created and again["order_id"] == first["order_id"]
    assert engine.product("r", "tee")["sold"] == 1
    with pytest.raises(CommerceError) as refused:
        engine.place_order("r", "viewer-a", "Ann", OrderRequest("tee", 3), "key-1")
    assert (refused.value.status, refused.value.code) == (422, "idempotency_mismatch")
    other, created = engine.place_order("r", "viewer-b", "Bo", OrderRequest("tee", 1), "key-1")
    assert created and other["order_id"] != first["order_id"], "keys belong to one viewer"


def test_stock_never_goes_below_zero(engine: RoomEngine) -> None:
    engine.place_order("r", "viewer-a", "Ann", OrderRequest("mug", 2), "k1")
    with pytest.raises(CommerceError) as short:
        engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 2), "k2")
    assert short.value.code == "not_enough_stock" and "only 1" in short.value.message
    engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 1), "k3")
    with pytest.raises(CommerceError) as gone:
        engine.place_order("r", "viewer-c", "Cy", OrderRequest("mug", 1), "k4")
    assert gone.value.code == "sold_out"
    assert engine.product("r", "mug")["stock"] == 0


def test_products_with_options_are_bought_by_option(engine: RoomEngine) -> None:
    with pytest.raises(CommerceError) as choose:
        engine.place_order("r", "viewer-a", "Ann", OrderRequest("shoe", 1), "k1")
    assert choose.value.code == "choose_option"
    order, _ = engine.place_order("r", "viewer-a", "Ann", OrderRequest("shoe-41", 1), "k2")
    assert order["total"] == 419.0
    shoe = next(p for p in engine.cart("r") if p["sku"] == "shoe")
    assert shoe["stock"] == 9 and [o["option"] for o in shoe["options"]] == ["40", "41"]


def test_refund_returns_stock_and_only_paid_orders_refund(engine: RoomEngine) -> None:
    order, _ = engine.place_order("r", "viewer-a", "Ann", OrderRequest("mug", 3), "k1")
    refunded = engine.refund_order("r", order["order_id"])
    assert refunded["status"] == "refunded" and refunded["refunded"]
    assert engine.product("r", "mug")["stock"] == 3
    with pytest.raises(CommerceError) as again:
        engine.refund_order("r", order["order_id"])
    assert again.value.code == "not_refundable"


@pytest.mark.parametrize(
    ("qty", "message"), [(0, "qty must be between 1 and 99"), (100, "qty must be between 1 and 99")]
)
def test_quantities_are_bounded(engine: RoomEngine, qty: int, message: str) -> None:
    with pytest.raises(CommerceError, match=message):
        engine.place_order("r", "viewer-a", "Ann", OrderRequest("tee", qty), "k1")


def test_unknown_products_are_404(engine: RoomEngine) -> None:
    with pytest.raises(CommerceError) as missing:
        engine.place_order("r", "viewer-a", "Ann", OrderRequest("nope", 1), "k1")
    assert missing.value.status == 404


def test_a_payment_webhook_is_verified_and_applied_once(engine: RoomEngine) -> None:
    order, _ = engine.place_order("r", "viewer-a", "Ann", OrderRequest("mug", 1), "k1")
    provider = engine.payment
    assert isinstance(provider, TestModePayment)
    event = {"id": "evt_1", "events": [{"order_id": order["order_id"], "status": "refunded", "reference": "re_1"}]}
    body = json.dumps(event).encode()
    now = engine.now
    parsed = provider.parse_webhook({"x-shopcast-signature": provider.sign(body, now)}, body, now)
    assert parsed == WebhookEvent("evt_1", [PaymentUpdate(order["order_id"], "refunded", "re_1")])
    assert engine.apply_payment_updates(parsed.updates, parsed.id) is True
    assert engine.apply_payment_updates(parsed.updates, parsed.id) is False, "a retried event id changes nothing"
    assert engine.product("r", "mug")["stock"] == 3
    for headers, when, why in [
        ({"x-shopcast-signature": f"t={int(now)},v1=00"}, now, "signature"),  # forged
        ({"x-shopcast-signature": provider.sign(body, now - 301)}, now, "stale"),  # too old to trust
        ({"x-shopcast-signature": provider.sign(body, now + 301)}, now, "stale"),
        ({"x-shopcast-signature": provider.sign(body + b" ", now)}, now, "signature"),  # another body
        ({}, now, "timestamp"),
    ]:
        with pytest.raises(WebhookError, match=why):
            provider.parse_webhook(headers, body, when)
    unnamed = json.dumps({"events": []}).encode()
    with pytest.raises(WebhookError, match="'id'"):
        provider.parse_webhook({"x-shopcast-signature": provider.sign(unnamed, now)}, unnamed, now)


def test_operations_in_one_commit_succeed_or_fail_on_their_own(engine: RoomEngine, notifications: list) -> None:
    with engine.core.transaction():  # as the relay's group commit runs them: the orders' first step
        engine.open_order("r", "viewer-a", "A", OrderRequest("mug", 2), "k1")
        with pytest.raises(CommerceError):
            engine.open_order("r", "viewer-b", "B", OrderRequest("mug", 2), "k1")  # only 1 left: refused
        engine.open_order("r", "viewer-c", "C", OrderRequest("mug", 1), "k1")
        assert notifications == [], "nothing is announced before the commit"
    assert engine.product("r", "mug")["stock"] == 0
    assert sorted(o["nickname"] for o in engine.orders("r")) == ["A", "C"]
    owners = [n.owner["order"]["nickname"] for n in notifications if n.owner and n.owner.get("type") == "order"]
    assert owners == ["A", "C"], "the refused order's notifications were dropped with it"
