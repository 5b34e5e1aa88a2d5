"""Payments the Stripe way, in the engine: the order committed pending first, the provider charged outside
the transaction with the order id as its idempotency key, its answer (or its signed webhook) recorded
after; a declined payment cancels the order and gives its units and coupon back; an order whose relay died
between the commit and the charge is charged on the next start; an Idempotency-Key keeps its first result,
refusals included, for 24 hours (app/commerce/orders.py, payments.py, idempotency.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.commerce.catalog import ProductInput
from app.commerce.core import Notification
from app.commerce.coupons import CouponInput
from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.flash_sales import FlashSaleInput
from app.commerce.group_buys import GroupBuyInput
from app.commerce.idempotency import KEEP_S
from app.commerce.orders import OrderRequest
from app.commerce.payments import AsyncTestModePayment, Charge, PaymentOutcome, PaymentProvider, TestModePayment
from tests.commerce.conftest import ManualClock

CATALOG = [
    ProductInput("tee", "Cotton tee", 5900, 500),
    ProductInput("mug", "Mug", 2990, 1),
    ProductInput("tv", "Television", 201_000, 5),  # ¥2010.00, ¥2000.00 after a ¥10 coupon: test mode declines it
    ProductInput("sofa", "Sofa", 300_000, 10),
]


class Watching(TestModePayment):
    """Test mode that notes, for every charge, whether the engine had a transaction open at the time."""

    __test__ = False

    def __init__(self) -> None:
        super().__init__()
        self.engine: RoomEngine | None = None
        self.calls: list[tuple[Charge, bool]] = []

    def charge(self, charge: Charge) -> PaymentOutcome:
        assert self.engine is not None
        self.calls.append((charge, self.engine.core.in_transaction))
        return super().charge(charge)


@pytest.fixture
def make_engine(store: str, clock: ManualClock) -> Iterator[Callable[[PaymentProvider], RoomEngine]]:
    """Engines on one store (a second one is the relay after a restart), with the provider given."""
    opened: list[RoomEngine] = []

    def make(payment: PaymentProvider) -> RoomEngine:
        engine = RoomEngine(store, clock=clock, payment=payment)
        if not opened:
            engine.import_catalog("r", CATALOG)
        opened.append(engine)
        return engine

    yield make
    for engine in opened:
        engine.close()


def status_of(engine: RoomEngine, order_id: str) -> str:
    return str(next(o["status"] for o in engine.orders("r") if o["order_id"] == order_id))


def webhook(provider: TestModePayment, engine: RoomEngine, event_id: str, order_id: str, status: str) -> bool:
    body = json.dumps({"id": event_id, "events": [{"order_id": order_id, "status": status}]}).encode()
    event = provider.parse_webhook({"x-shopcast-signature": provider.sign(body, engine.now)}, body, engine.now)
    return engine.apply_payment_updates(event.updates, event.id)


def test_the_order_is_committed_pending_and_charged_after_with_its_id_as_the_key(
    make_engine: Callable[[PaymentProvider], RoomEngine],
) -> None:
    provider = Watching()
    engine = provider.engine = make_engine(provider)
    placed = engine.open_order("r", "viewer-a", "Ann", OrderRequest("tee", 2), "k1")
    order_id = placed.order["order_id"]
    assert placed.created and placed.order["status"] == "created" and provider.calls == []
    assert status_of(engine, order_id) == "created", "committed before any charge"
    assert placed.pending is not None
    assert placed.pending.charge == Charge(order_id, 11800, "CNY", order_id)
    order = engine.settle_charge(placed.pending, engine.charge(placed.pending))
    assert order["status"] == "paid" and order["test_mode"] is True
    assert provider.calls == [(placed.pending.charge, False)], "charged once, outside any transaction"
    assert [e["type"] for e in engine.events("r")][-2:] == ["order.created", "order.paid"]
    assert engine.settle_charge(placed.pending, engine.charge(placed.pending))["status"] == "paid"
    assert provider.repeats == 1 and [e["type"] for e in engine.events("r")].count("order.paid") == 1

    with engine.core.transaction(), pytest.raises(RuntimeError, match="outside the database transaction"):
        engine.place_order("r", "viewer-b", "Bo", OrderRequest("tee", 1), "k1")
    assert len(provider.calls) == 2, "no charge was taken inside the transaction"


def test_an_asynchronous_provider_leaves_the_order_pending_until_its_signed_webhook(
    make_engine: Callable[[PaymentProvider], RoomEngine],
) -> None:
    provider = AsyncTestModePayment()
    engine = make_engine(provider)
    told: list[Notification] = []
    engine.add_listener(told.extend)
    order, created = engine.place_order("r", "viewer-a", "Ann", OrderRequest("tee", 1), "k1")
    assert created and order["status"] == "created" and order["test_mode"] is True
    assert engine.me("r", "viewer-a")["orders"][0]["status"] == "created"
    assert engine.unsettled(engine.now) == [], "the provider answered (processing): nothing to charge again"
    assert "order.paid" not in [e["type"] for e in engine.events("r")]

    assert webhook(provider, engine, "evt_paid_1", order["order_id"], "paid") is True
    assert engine.me("r", "viewer-a")["orders"][0]["status"] == "paid"
    mine = [n.public["order"]["status"] for n in told if n.to_viewer == "viewer-a" and n.public]
    assert mine[-1] == "paid", "the buyer's page hears it"
    owner = [n.owner["order"]["status"] for n in told if n.owner and n.owner["type"] == "order"]
    assert owner == ["created", "paid"], "so does the studio"

    assert webhook(provider, engine, "evt_paid_1", order["order_id"], "paid") is False, "a duplicate: no effect"
    assert webhook(provider, engine, "evt_paid_2", order["order_id"], "paid") is True, "a repeat: no change"
    assert [e["type"] for e in engine.events("r")].count("order.paid") == 1
    assert engine.product("r", "tee")["sold"] == 1


def test_a_declined_payment_cancels_the_order_and_gives_back_its_units_and_coupon(
    make_engine: Callable[[PaymentProvider], RoomEngine],
) -> None:
    engine = make_engine(TestModePayment())
    coupon = engine.create_coupon("r", CouponInput("¥10 off", 1000, 0, 10, 1, 3600))
    engine.claim_coupon("r", "viewer-a", coupon["id"])
    with pytest.raises(CommerceError) as declined:
        engine.place_order("r", "viewer-a", "Ann", OrderRequest("tv", 1, coupon_id=coupon["id"]), "k1")
    error = declined.value
    assert (error.status, error.code) == (402, "payment_declined") and "do not honor" in error.message
    assert status_of(engine, error.details["order_id"]) == "cancelled"
    assert (engine.product("r", "tv")["stock"], engine.product("r", "tv")["sold"]) == (5, 0), "units back"
    assert engine.me("r", "viewer-a")["coupons"] == [{"coupon_id": coupon["id"], "used": False}], "coupon back"
    kinds = [e["type"] for e in engine.events("r")]
    assert kinds.count("order.cancelled") == 1 and "order.paid" not in kinds

    with pytest.raises(CommerceError) as again:
        engine.place_order("r", "viewer-a", "Ann", OrderRequest("tv", 1, coupon_id=coupon["id"]), "k1")
    assert (again.value.code, again.value.details, again.value.replayed) == ("payment_declined", error.details, True)
    assert len(engine.orders("r")) == 1, "the retry made no second order"
    order, _ = engine.place_order("r", "viewer-a", "Ann", OrderRequest("tee", 1, coupon_id=coupon["id"]), "k2")
    assert order["status"] == "paid" and order["discount"] == 10.0, "the coupon given back is used again"


def test_a_declined_group_member_frees_the_place_and_the_group_fills_without_them(
    make_engine: Callable[[PaymentProvider], RoomEngine],
) -> None:
    engine = make_engine(TestModePayment())
    campaign = engine.create_group_buy("r", GroupBuyInput("sofa", 100_000, group_size=2, window_s=600))
    first, _ = engine.place_order("r", "viewer-a", "A", OrderRequest("sofa", 1, group_buy_id=campaign["id"]), "k1")
    group = first["group_id"]
    assert first["status"] == "created", "waiting for the group"
    with pytest.raises(CommerceError) as declined:  # two at the group price, ¥2000.00: declined
        engine.place_order("r", "viewer-b", "B", OrderRequest("sofa", 2, group_id=group), "k1")
    assert declined.value.code == "payment_declined"
    assert engine.group("r", group)["needed"] == 1 and engine.group("r", group)["status"] == "open"
    assert engine.product("r", "sofa")["stock"] == 9
    last, _ = engine.place_order("r", "viewer-c", "C", OrderRequest("sofa", 1, group_id=group), "k1")
    assert last["status"] == "paid" and status_of(engine, first["order_id"]) == "paid"
    assert engine.group("r", group)["status"] == "filled"


def test_an_order_committed_before_a_crash_is_charged_when_the_relay_starts_again(
    make_engine: Callable[[PaymentProvider], RoomEngine], clock: ManualClock
) -> None:
    provider = TestModePayment()  # the provider outlives the relay, as a real one does
    crashed = make_engine(provider)
    before_charge = crashed.open_order("r", "viewer-a", "Ann", OrderRequest("tee", 1), "k1")
    after_charge = crashed.open_order("r", "viewer-b", "Bo", OrderRequest("tee", 1), "k1")
    assert after_charge.pending is not None
    taken = crashed.charge(after_charge.pending)  # the provider charged; the answer was never recorded
    crashed.close()

    clock.advance(5)
    restarted = make_engine(provider)
    due = restarted.unsettled(restarted.now)
    assert [p.charge.idempotency_key for p in due] == [before_charge.order["order_id"], after_charge.order["order_id"]]
    assert restarted.recover_charges() == 2
    assert status_of(restarted, before_charge.order["order_id"]) == "paid"
    assert status_of(restarted, after_charge.order["order_id"]) == "paid"
    assert provider.repeats == 1, "the charge taken before the crash was answered again, not taken twice"
    assert taken.reference == f"test_{after_charge.order['order_id']}"
    assert restarted.unsettled(restarted.now) == [] and restarted.recover_charges() == 0
    assert [e["type"] for e in restarted.events("r")].count("order.paid") == 2


def test_a_refusal_is_the_keys_answer_until_it_is_forgotten(engine: RoomEngine) -> None:
    engine.place_order("r", "viewer-a", "Ann", OrderRequest("mug", 3), "k1")
    with pytest.raises(CommerceError) as first:
        engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 1), "b1")
    assert (first.value.code, first.value.replayed) == ("sold_out", False)
    engine.change_stock("r", "mug", 5, "restocked")
    with pytest.raises(CommerceError) as again:
        engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 1), "b1")
    assert (again.value.status, again.value.code, again.value.message, again.value.replayed) == (
        409, "sold_out", first.value.message, True
    ), "the same key and request: the first answer, though units came back"  # fmt: skip
    with pytest.raises(CommerceError) as other:
        engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 2), "b1")
    assert (other.value.status, other.value.code) == (422, "idempotency_mismatch")
    order, created = engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 1), "b2")
    assert created and order["status"] == "paid", "a new key is a new attempt"
    with pytest.raises(CommerceError) as invalid:
        engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 0), "b3")
    assert invalid.value.status == 422 and not invalid.value.replayed


def test_verification_required_is_kept_with_the_key(engine: RoomEngine, clock: ManualClock) -> None:
    sale = engine.create_flash_sale("r", FlashSaleInput("tee", 990, 10, 2, 0, 600))
    engine.tick()
    engine.set_verification_policy("r", {"flash_sales": True})
    request = OrderRequest("tee", 1, flash_sale_id=sale["id"])
    with pytest.raises(CommerceError) as first:
        engine.place_order("r", "v-anon", "Ann", request, "k1")
    assert (first.value.status, first.value.code) == (403, "verification_required")
    engine.set_verification_policy("r", {"flash_sales": False})
    with pytest.raises(CommerceError) as again:
        engine.place_order("r", "v-anon", "Ann", request, "k1")
    assert (again.value.code, again.value.replayed) == ("verification_required", True)
    assert engine.place_order("r", "v-anon", "Ann", request, "k2")[0]["status"] == "paid"


def test_keys_are_forgotten_after_24_hours_on_the_engines_clock(engine: RoomEngine, clock: ManualClock) -> None:
    engine.place_order("r", "viewer-a", "Ann", OrderRequest("mug", 3), "k1")
    with pytest.raises(CommerceError):
        engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 1), "b1")
    engine.change_stock("r", "mug", 5, "restocked")
    clock.advance(KEEP_S - 1)
    with pytest.raises(CommerceError) as still:
        engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 1), "b1")
    assert still.value.replayed, "a second short of 24 hours: still the first answer"
    first, _ = engine.place_order("r", "viewer-a", "Ann", OrderRequest("tee", 1), "a-day")

    def kept() -> int:
        with engine.core.reading() as tx:
            return int(tx.one("SELECT COUNT(*) AS n FROM idempotency_keys")["n"])  # type: ignore[index]

    assert kept() == 3
    clock.advance(2)
    engine.tick()
    assert kept() == 1, "the two keys past 24 hours were pruned; the new one stays"
    order, created = engine.place_order("r", "viewer-b", "Bo", OrderRequest("mug", 1), "b1")
    assert created and order["status"] == "paid", "a forgotten key names a new attempt"
    again, created = engine.place_order("r", "viewer-a", "Ann", OrderRequest("mug", 3), "k1")
    assert created and again["order_id"] != first["order_id"], "a forgotten order's key makes a new order"
    replayed, created = engine.place_order("r", "viewer-a", "Ann", OrderRequest("tee", 1), "a-day")
    assert not created and replayed["order_id"] == first["order_id"]


# --- group-buys with an asynchronous provider: a group fills on captured payments only ------------------


def group_of_two(engine: RoomEngine) -> str:
    return str(engine.create_group_buy("r", GroupBuyInput("sofa", 100_000, group_size=2, window_s=600))["id"])


def two_members_pending(engine: RoomEngine) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A group of two joined by viewers A and B, whose payments the asynchronous provider has not
    confirmed yet: (A's order, B's order, the group's id)."""
    campaign = group_of_two(engine)
    a, _ = engine.place_order("r", "viewer-a", "A", OrderRequest("sofa", 1, group_buy_id=campaign), "k1")
    group = a["group_id"]
    b, _ = engine.place_order("r", "viewer-b", "B", OrderRequest("sofa", 1, group_id=group), "k1")
    return a, b, group


def test_an_asynchronous_group_fills_only_once_every_members_payment_is_confirmed(
    make_engine: Callable[[PaymentProvider], RoomEngine],
) -> None:
    provider = AsyncTestModePayment()
    engine = make_engine(provider)
    a, b, group = two_members_pending(engine)
    assert (a["status"], b["status"]) == ("created", "created"), "processing is not paid"
    assert engine.group("r", group)["status"] == "open" and status_of(engine, a["order_id"]) == "created"

    assert webhook(provider, engine, "evt_a", a["order_id"], "paid") is True
    assert status_of(engine, a["order_id"]) == "created", "B's payment is not confirmed yet"
    assert engine.group("r", group)["status"] == "open"
    assert webhook(provider, engine, "evt_b", b["order_id"], "paid") is True
    assert (status_of(engine, a["order_id"]), status_of(engine, b["order_id"])) == ("paid", "paid")
    assert engine.group("r", group)["status"] == "filled"
    kinds = [e["type"] for e in engine.events("r")]
    assert kinds.count("order.paid") == 2 and kinds.count("group.filled") == 1
    assert webhook(provider, engine, "evt_b_again", b["order_id"], "paid") is True, "a repeat changes nothing"
    assert [e["type"] for e in engine.events("r")].count("order.paid") == 2


def test_a_member_whose_payment_the_provider_cancels_leaves_the_group_and_frees_the_place(
    make_engine: Callable[[PaymentProvider], RoomEngine],
) -> None:
    provider = AsyncTestModePayment()
    engine = make_engine(provider)
    a, b, group = two_members_pending(engine)
    assert webhook(provider, engine, "evt_b_cancelled", b["order_id"], "cancelled") is True, "not a 409"
    assert status_of(engine, b["order_id"]) == "cancelled" and engine.group("r", group)["needed"] == 1
    assert engine.product("r", "sofa")["stock"] == 9, "B's unit is back"
    assert webhook(provider, engine, "evt_b_paid_after_all", b["order_id"], "paid") is True, "acknowledged"
    mine = next(o for o in engine.orders("r") if o["order_id"] == b["order_id"])
    assert (mine["status"], mine["refunded"]) == ("cancelled", True), "money taken for a cancelled order goes back"
    assert engine.product("r", "sofa")["stock"] == 9, "its unit was given back once"
    c, _ = engine.place_order("r", "viewer-c", "C", OrderRequest("sofa", 1, group_id=group), "k1")
    assert webhook(provider, engine, "evt_a", a["order_id"], "paid") and webhook(
        provider, engine, "evt_c", c["order_id"], "paid"
    )
    assert (status_of(engine, a["order_id"]), status_of(engine, c["order_id"])) == ("paid", "paid")
    assert engine.group("r", group)["status"] == "filled"


def test_a_group_that_expires_refunds_its_confirmed_and_its_processing_members(
    make_engine: Callable[[PaymentProvider], RoomEngine], clock: ManualClock
) -> None:
    provider = AsyncTestModePayment()
    engine = make_engine(provider)
    campaign = group_of_two(engine)
    paid, _ = engine.place_order("r", "viewer-a", "A", OrderRequest("sofa", 1, group_buy_id=campaign), "k1")
    processing, _ = engine.place_order("r", "viewer-b", "B", OrderRequest("sofa", 1, group_buy_id=campaign), "k1")
    assert webhook(provider, engine, "evt_a", paid["order_id"], "paid") is True
    assert status_of(engine, paid["order_id"]) == "created", "a lone member waits for the group, paid or not"
    assert engine.product("r", "sofa")["stock"] == 8

    clock.advance(601)
    engine.tick()
    for order in (paid, processing):
        assert engine.group("r", order["group_id"])["status"] == "failed"
        mine = next(o for o in engine.orders("r") if o["order_id"] == order["order_id"])
        assert (mine["status"], mine["refunded"]) == ("cancelled", True), order
    assert engine.product("r", "sofa")["stock"] == 10 and engine.product("r", "sofa")["sold"] == 0
    assert webhook(provider, engine, "evt_b_late", processing["order_id"], "cancelled") is True, "acknowledged"
    assert webhook(provider, engine, "evt_a_late", paid["order_id"], "paid") is True, "acknowledged"
    assert engine.product("r", "sofa")["stock"] == 10, "nothing given back twice"


# --- a charge in flight when its group fails or its rehearsal ends: refunded when it answers ------------


def test_a_charge_answering_after_its_group_failed_is_refunded_and_the_tap_is_told(
    make_engine: Callable[[PaymentProvider], RoomEngine], clock: ManualClock
) -> None:
    engine = make_engine(TestModePayment())
    campaign = group_of_two(engine)
    placed = engine.open_order("r", "viewer-a", "A", OrderRequest("sofa", 1, group_buy_id=campaign), "k1")
    assert placed.pending is not None
    clock.advance(601)
    engine.tick()
    order_id = placed.order["order_id"]
    assert engine.group("r", placed.order["group_id"])["status"] == "failed"
    assert status_of(engine, order_id) == "created", "the charge in flight is left to its answer"

    outcome = engine.charge(placed.pending)
    assert outcome.status == "paid", "the money was taken meanwhile"
    with pytest.raises(CommerceError) as late:
        engine.settle_charge(placed.pending, outcome)
    assert (late.value.status, late.value.code, late.value.details) == (409, "group_expired", {"order_id": order_id})
    mine = next(o for o in engine.orders("r") if o["order_id"] == order_id)
    assert (mine["status"], mine["refunded"]) == ("cancelled", True)
    assert (engine.product("r", "sofa")["stock"], engine.product("r", "sofa")["sold"]) == (10, 0)
    with pytest.raises(CommerceError) as again:
        engine.place_order("r", "viewer-a", "A", OrderRequest("sofa", 1, group_buy_id=campaign), "k1")
    assert (again.value.code, again.value.replayed) == ("group_expired", True), "the key keeps the answer"
    assert engine.unsettled(engine.now) == []


def test_a_webhook_before_the_answer_of_a_charge_whose_group_failed_refunds_it_and_the_tap_gets_409(
    make_engine: Callable[[PaymentProvider], RoomEngine], clock: ManualClock
) -> None:
    provider = AsyncTestModePayment()
    engine = make_engine(provider)
    placed = engine.open_order("r", "viewer-a", "A", OrderRequest("sofa", 1, group_buy_id=group_of_two(engine)), "k1")
    assert placed.pending is not None
    clock.advance(601)
    engine.tick()
    order_id = placed.order["order_id"]
    assert webhook(provider, engine, "evt_first", order_id, "paid") is True
    mine = next(o for o in engine.orders("r") if o["order_id"] == order_id)
    assert (mine["status"], mine["refunded"]) == ("cancelled", True)
    with pytest.raises(CommerceError) as late:
        engine.settle_charge(placed.pending, engine.charge(placed.pending))
    assert (late.value.status, late.value.code) == (409, "group_expired"), "not a 201 saying cancelled"
    assert engine.product("r", "sofa")["stock"] == 10


def test_a_charge_answering_after_its_rehearsal_ended_is_refunded_and_the_tap_is_told(
    make_engine: Callable[[PaymentProvider], RoomEngine],
) -> None:
    engine = make_engine(TestModePayment())
    engine.set_rehearsal("r", True, "host")
    in_flight = engine.open_order("r", "viewer-a", "A", OrderRequest("tee", 2), "k1")
    engine.place_order("r", "viewer-b", "B", OrderRequest("tee", 1), "k1")
    assert in_flight.pending is not None
    ended = engine.set_rehearsal("r", False, "host")
    assert ended["orders_cancelled"] == 1, "the answered order; the one in flight waits for its answer"
    assert status_of(engine, in_flight.order["order_id"]) == "created"

    with pytest.raises(CommerceError) as late:
        engine.settle_charge(in_flight.pending, engine.charge(in_flight.pending))
    assert (late.value.status, late.value.code) == (409, "rehearsal_ended")
    mine = next(o for o in engine.orders("r") if o["order_id"] == in_flight.order["order_id"])
    assert (mine["status"], mine["refunded"], mine["rehearsal"]) == ("cancelled", True, True)
    assert (engine.product("r", "tee")["stock"], engine.product("r", "tee")["sold"]) == (500, 0)


def test_a_charge_under_way_keeps_its_lease_and_another_sweep_leaves_it_alone(
    make_engine: Callable[[PaymentProvider], RoomEngine], clock: ManualClock
) -> None:
    provider = TestModePayment()
    relay_a, relay_b = make_engine(provider), make_engine(provider)  # two relays sharing the store
    placed = relay_a.open_order("r", "viewer-a", "A", OrderRequest("tee", 1), "k1")
    order_id = placed.order["order_id"]
    clock.advance(20)
    relay_a.renew_charges([order_id])  # relay a is still waiting for the provider
    clock.advance(50)  # 70 s after the commit, 50 s after the lease
    assert relay_b.take_unsettled(relay_b.now - 60) == [], "leased by relay a"
    clock.advance(11)  # relay a said nothing for over a minute: it died
    assert [p.charge.order_id for p in relay_b.take_unsettled(relay_b.now - 60)] == [order_id]
    assert relay_a.take_unsettled(relay_a.now - 60) == [], "relay b took it: nobody else charges it meanwhile"
