"""Orders: one tap to buy, idempotent, never overselling, paid the way Stripe's PaymentIntents are.

Stock moves in the same transaction as the order, guarded in SQL (``stock >= qty``), and every
transaction runs on one thread, so no interleaving can sell a unit twice. An ``Idempotency-Key``
names an order attempt per viewer; its first result, refusals included, is kept for 24 hours
(app/commerce/idempotency.py).

Paying is two transactions around a call to the provider: :func:`place` commits the order ``created``
(pending) with nothing charged and hands back the :class:`Pending` charge; the provider is charged
outside any transaction, with the order id as its idempotency key; :func:`settle` records the answer
(paid; processing, the webhook will say; or declined: the order is cancelled, its units and coupon given
back). An order committed whose charge has no answer (``created`` without a ``payment_ref``: the relay
died in between) is :func:`unsettled` and charged again when a relay starts.

A payment is *captured* (``captured_at``) when the charge answers paid or the webhook says so;
"processing" is not. A plain order is paid when captured; a group's order stays ``created`` until
every member's payment is captured, when the group fills and all are paid. A group that fails, or a
rehearsal that ends, cancels and refunds its orders whose charge has answered; an order whose charge is
still in flight is left to the answer, which refunds it (:func:`settle`: the tap is answered 409
``group_expired`` or ``rehearsal_ended``), so no payment taken meanwhile is kept for a cancelled order.

States: created → paid → refunded, or created → cancelled (a declined payment; a group that did not
fill, its charge refunded and the order says so).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from app.commerce import coupons, flash_sales, group_buys, idempotency, products
from app.commerce.core import Tx, new_id, not_found, refused
from app.commerce.errors import CommerceError
from app.commerce.payments import Charge, PaymentOutcome, PaymentProvider, PaymentUpdate, TestModePayment
from app.commerce.values import in_range, invalid, money

CURRENCY = "CNY"
MAX_QTY = 99
REHEARSAL_PAYMENT = TestModePayment()
"""Orders placed while the room rehearses are test orders whatever the room's provider: charged and
refunded by test mode, marked ``rehearsal`` (the rehearsal's id) and ``test_mode`` in every view."""


@dataclass(frozen=True, slots=True)
class OrderRequest:
    sku: str
    qty: int = 1
    flash_sale_id: str | None = None
    coupon_id: str | None = None
    group_buy_id: str | None = None
    """Start a new group of this group-buy."""
    group_id: str | None = None
    """Join this open group."""
    source: str = "live"
    """Where the viewer bought: ``live`` or ``replay`` (the shoppable replay, app/relay/replay.py)."""
    seen_at: float | None = None
    """The stream time of the picture on the viewer's screen at the tap (a flash sale's window is checked
    there, bounded: app/commerce/flash_sales.tap_time). Not part of the fingerprint: a retry is the same order."""

    def fingerprint(self) -> str:
        fields: tuple[object, ...] = (
            self.sku, self.qty, self.flash_sale_id, self.coupon_id, self.group_buy_id, self.group_id
        )  # fmt: skip
        if self.source != "live":  # a live order's fingerprint stays what it was before replays existed
            fields = (*fields, self.source)
        return hashlib.sha256("\x1f".join(map(str, fields)).encode()).hexdigest()


def view(tx: Tx, row: Any, test_mode: bool, title: str | None = None) -> dict[str, Any]:
    if title is None:
        product = tx.one("SELECT title FROM products WHERE room = ? AND sku = ?", (row["room"], row["sku"]))
        title = product["title"] if product else row["sku"]
    return {
        "order_id": row["id"],
        "status": row["status"],
        "sku": row["sku"],
        "title": title,
        "qty": row["qty"],
        "unit_price": money(row["unit_cents"]),
        "discount": money(row["discount_cents"]),
        "total": money(row["total_cents"]),
        "currency": CURRENCY,
        "flash_sale_id": row["flash_sale_id"],
        "group_id": row["group_id"],
        "refunded": row["refund_ref"] is not None,
        "test_mode": test_mode or row["rehearsal"] is not None,
        "rehearsal": row["rehearsal"] is not None,
        "created_at": row["created_at"],
    }


def get(tx: Tx, room: str, order_id: str) -> Any:
    row = tx.one("SELECT * FROM orders WHERE id = ? AND room = ?", (order_id, room))
    if row is None:
        raise not_found(f"order {order_id!r}")
    return row


def rehearsal_of(tx: Tx, room: str) -> str | None:
    """The id of the rehearsal the room is in, if it is in one (app/commerce/rehearsal.py)."""
    if room not in tx.rehearsing:
        return None
    row = tx.one("SELECT id FROM rehearsals WHERE room = ? AND ended_at IS NULL", (room,))
    return None if row is None else str(row["id"])


def payment_of(row: Any, payment: PaymentProvider) -> PaymentProvider:
    """Who charged the order: test mode for a rehearsal's, else the room's provider."""
    return REHEARSAL_PAYMENT if row["rehearsal"] is not None else payment


def _take_stock(tx: Tx, room: str, product: Any, qty: int) -> tuple[int, int]:
    """Take ``qty`` units; return the product's (stock, sold) afterwards."""
    taken = tx.one(
        """UPDATE products SET stock = stock - ?, sold = sold + ? WHERE room = ? AND sku = ? AND stock >= ?
           RETURNING stock, sold""",
        (qty, qty, room, product["sku"], qty),
    )
    if taken is not None:
        return int(taken["stock"]), int(taken["sold"])
    left = tx.one("SELECT stock FROM products WHERE room = ? AND sku = ?", (room, product["sku"]))
    if left is None or left["stock"] <= 0:
        raise refused("sold_out", f"sold out: {product['title']} is gone")
    raise refused("not_enough_stock", f"only {left['stock']} of {product['title']} left")


@dataclass(frozen=True, slots=True)
class Pending:
    """An order committed and not charged yet: what to charge, and who charges it."""

    room: str
    charge: Charge
    provider: PaymentProvider


@dataclass(frozen=True, slots=True)
class Placed:
    order: dict[str, Any]
    """The order as its buyer sees it."""
    created: bool
    """Made now (False: the Idempotency-Key's order, given again)."""
    pending: Pending | None
    """Its charge, to take outside the transaction and :func:`settle` (None: a replay: nothing to charge)."""


def charge_of(row: Any) -> Charge:
    """An order's charge: its total, with its id as the provider's idempotency key."""
    return Charge(row["id"], row["total_cents"], CURRENCY, row["id"])


def replay(tx: Tx, payment: PaymentProvider, room: str, kept: idempotency.Kept) -> Placed:
    """The Idempotency-Key's first result again: its order as it stands now, or its refusal (raised)."""
    if kept.refusal is not None:
        raise kept.refusal
    assert kept.order_id is not None
    return Placed(view(tx, get(tx, room, kept.order_id), payment.test_mode), False, None)


def place(
    tx: Tx,
    payment: PaymentProvider,
    room: str,
    viewer: str,
    nickname: str,
    request: OrderRequest,
    idempotency_key: str,
) -> Placed:
    """Make the order, ``created`` with nothing charged yet (its Idempotency-Key's result is the caller's:
    app/commerce/engine.py ``open_order``)."""
    in_range(request.qty, 1, MAX_QTY, "qty")
    campaigns = [x for x in (request.flash_sale_id, request.group_buy_id, request.group_id) if x]
    if len(campaigns) > 1:
        raise invalid("an order can use one of flash_sale_id, group_buy_id or group_id, not several")
    product = products.orderable(tx, room, request.sku)
    order_id = new_id("o")
    group_id: str | None = None
    after: tuple[int, int] | None = None  # (stock, sold) when known without another query
    if request.flash_sale_id:
        sale = flash_sales.get(tx, room, request.flash_sale_id)
        if sale["sku"] != request.sku:
            raise refused("wrong_product", f"this flash sale is for {sale['sku']!r}, not {request.sku!r}")
        flash_sales.check_purchase(tx, sale, viewer, request.qty, request.seen_at)
        flash_sales.record_purchase(tx, sale, viewer, request.qty)
        tx.execute(
            "UPDATE products SET sold = sold + ? WHERE room = ? AND sku = ?", (request.qty, room, request.sku)
        )  # the units were reserved from stock when the sale was created
        unit = sale["price_cents"]
    elif request.group_buy_id or request.group_id:
        if request.group_id:
            campaign = group_buys.check_join(tx, room, viewer, request.group_id, request.sku)
            group_id = request.group_id
        else:
            assert request.group_buy_id is not None
            group_id, campaign = group_buys.open_group(tx, room, viewer, request.group_buy_id, request.sku)
        _take_stock(tx, room, product, request.qty)
        unit = campaign["price_cents"]
    else:
        after = _take_stock(tx, room, product, request.qty)
        unit = product["price_cents"]

    subtotal = unit * request.qty
    claim_id, discount = None, 0
    if request.coupon_id:
        claim_id, discount = coupons.redeem(tx, room, viewer, request.coupon_id, subtotal, order_id)
    total = subtotal - discount
    rehearsal = rehearsal_of(tx, room)
    tx.execute(
        """INSERT INTO orders (id, room, viewer_id, nickname, sku, qty, unit_cents, discount_cents, total_cents,
             flash_sale_id, coupon_claim_id, group_id, status, payment_ref, idempotency_key, request_hash,
             created_at, updated_at, rehearsal)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'created', NULL, ?, ?, ?, ?, ?)""",
        (order_id, room, viewer, nickname, request.sku, request.qty, unit, discount, total, request.flash_sale_id,
         claim_id, group_id, idempotency_key, request.fingerprint(), tx.now, tx.now, rehearsal),
    )  # fmt: skip
    tx.log(room, "order.created", viewer, order_id=order_id, sku=request.sku, qty=request.qty, total_cents=total,
           flash_sale_id=request.flash_sale_id, group_id=group_id, coupon_id=request.coupon_id,
           **({"source": request.source} if request.source != "live" else {}))  # fmt: skip
    if group_id:
        tx.log(room, "group.joined", viewer, group_id=group_id, order_id=order_id)
        group_buys.announce(tx, room, group_buys.get_group(tx, room, group_id)["group_buy_id"])
    if after is not None and not product["parent_sku"]:
        stock, sold = after
        tx.notify(room, {"type": "stock", "sku": request.sku, "stock": stock, "sold": sold}, key=f"stock:{request.sku}")
    else:
        products.announce_stock(tx, room, request.sku)
    row = {
        "id": order_id, "room": room, "status": "created", "sku": request.sku, "qty": request.qty, "unit_cents": unit,
        "discount_cents": discount, "total_cents": total, "flash_sale_id": request.flash_sale_id,
        "group_id": group_id, "refund_ref": None, "created_at": tx.now, "rehearsal": rehearsal,
    }  # fmt: skip
    result = view(tx, row, payment.test_mode, product["title"])
    tx.notify(room, None, owner={"type": "order", "order": {**result, "viewer_id": viewer, "nickname": nickname}})
    return Placed(result, True, Pending(room, charge_of(row), payment_of(row, payment)))


ANSWERED = "(payment_ref IS NOT NULL OR captured_at IS NOT NULL)"
"""SQL: the order's charge has answered (or its webhook came first): it is no longer in flight."""
SETTLE_REFUSALS = ("payment_declined", "group_expired", "rehearsal_ended")
"""What recording a charge's answer may refuse the tap with: the payment was declined, or the order's
group failed or its rehearsal ended while the charge was in flight (the payment is refunded)."""


def settle(
    tx: Tx, payment: PaymentProvider, room: str, order_id: str, outcome: PaymentOutcome
) -> tuple[dict[str, Any], CommerceError | None]:
    """Record the provider's answer to the order's charge; return the order, and the refusal to answer
    the tap with: the payment was declined (the order is cancelled: units and coupon back), or the
    order's group failed or its rehearsal ended while the charge was in flight (cancelled, and the
    payment refunded). An order answered already (a webhook came first, a relay charged it again after
    a restart) keeps what it has: settling twice changes nothing, and a cancelled one answers with the
    refusal its key keeps."""
    row = get(tx, room, order_id)
    if row["status"] != "created" or row["payment_ref"] is not None:
        kept = idempotency.refusal_of(tx, row) if row["status"] == "cancelled" else None
        return view(tx, row, payment.test_mode), kept
    if outcome.status == "declined":
        return view(tx, get(tx, room, order_id), payment.test_mode), _decline(tx, payment, row, outcome.reason)
    tx.execute("UPDATE orders SET payment_ref = ?, updated_at = ? WHERE id = ?", (outcome.reference, tx.now, order_id))
    refusal = _answered(tx, payment, get(tx, room, order_id), outcome.status == "paid")
    after = get(tx, room, order_id)
    if refusal is None and after["status"] != row["status"]:
        _tell(tx, payment, after)
    return view(tx, after, payment.test_mode), refusal


def _answered(tx: Tx, payment: PaymentProvider, row: Any, captured: bool) -> CommerceError | None:
    """The order's charge answered, or its webhook said the payment is captured: a plain order captured is
    paid; a group's is marked captured and its group fills once every member's is. An order whose group
    failed or rehearsal ended meanwhile is cancelled and its payment refunded: the refusal (kept with the
    order's key) is returned."""
    room = row["room"]
    if captured and row["captured_at"] is None:
        tx.execute("UPDATE orders SET captured_at = ?, updated_at = ? WHERE id = ?", (tx.now, tx.now, row["id"]))
    gone = _gone(tx, row)
    if gone is not None:
        code, reason = gone
        _refund(tx, payment, get(tx, room, row["id"]), "cancelled", reason)
        if row["group_id"]:
            group_buys.announce(tx, room, group_buys.get_group(tx, room, row["group_id"])["group_buy_id"])
        refusal = refused(code, f"{reason}: the order was cancelled and its payment refunded", order_id=row["id"])
        idempotency.refuse_order(tx, row, refusal)
        return refusal
    if row["group_id"]:
        _fill(tx, payment, room, row["group_id"], row["id"])
    elif captured or row["captured_at"] is not None:
        tx.execute("UPDATE orders SET status = 'paid', updated_at = ? WHERE id = ?", (tx.now, row["id"]))
        tx.log(room, "order.paid", row["viewer_id"], order_id=row["id"], total_cents=row["total_cents"])
    return None


def _gone(tx: Tx, row: Any) -> tuple[str, str] | None:
    """Why an order whose charge was in flight cannot stand now: (code, reason), or None. Its rehearsal
    ended, or its group failed (both leave such an order to the charge's answer)."""
    if row["rehearsal"] is not None:
        rehearsal = tx.one("SELECT ended_at FROM rehearsals WHERE id = ?", (row["rehearsal"],))
        if rehearsal is None or rehearsal["ended_at"] is not None:
            return "rehearsal_ended", "the rehearsal ended before the payment was answered"
    if row["group_id"]:
        group = tx.one("SELECT status FROM buy_groups WHERE id = ?", (row["group_id"],))
        if group is None or group["status"] == "failed":
            return "group_expired", "the group did not fill in time"
    return None


def _fill(tx: Tx, payment: PaymentProvider, room: str, group_id: str, order_id: str) -> None:
    """Fill the group if it is complete; its other members hear that their orders are paid."""
    if group_buys.fill_if_complete(tx, room, group_id):
        for member in tx.all("SELECT * FROM orders WHERE group_id = ? AND id != ?", (group_id, order_id)):
            tx.notify(room, {"type": "my_order", "order": view(tx, member, payment.test_mode)},
                      to_viewer=member["viewer_id"])  # fmt: skip
        group_buys.announce(tx, room, group_buys.get_group(tx, room, group_id)["group_buy_id"])


def _decline(tx: Tx, payment: PaymentProvider, row: Any, reason: str) -> CommerceError:
    """Cancel an order whose payment was declined (nothing was taken: nothing to refund)."""
    tx.execute("UPDATE orders SET status = 'cancelled', updated_at = ? WHERE id = ?", (tx.now, row["id"]))
    _give_back(tx, row)
    tx.log(row["room"], "order.cancelled", row["viewer_id"], order_id=row["id"], total_cents=row["total_cents"],
           reason="payment declined")  # fmt: skip
    if row["group_id"]:
        group_buys.announce(tx, row["room"], group_buys.get_group(tx, row["room"], row["group_id"])["group_buy_id"])
    _tell(tx, payment, get(tx, row["room"], row["id"]))
    declined = CommerceError(
        402, "payment_declined", f"the payment was declined: {reason or 'no reason given'}", order_id=row["id"]
    )
    idempotency.refuse_order(tx, row, declined)
    return declined


def _tell(tx: Tx, payment: PaymentProvider, row: Any) -> None:
    """The order changed: its buyer and the room's console hear it."""
    order = view(tx, row, payment.test_mode)
    tx.notify(row["room"], None, owner={"type": "order", "order": {**order, "viewer_id": row["viewer_id"],
                                                                   "nickname": row["nickname"]}})  # fmt: skip
    tx.notify(row["room"], {"type": "my_order", "order": order}, to_viewer=row["viewer_id"])


def unsettled(tx: Tx, payment: PaymentProvider, before: float) -> list[Pending]:
    """Orders committed (or last said to be charging) at or before ``before`` whose charge has no answer:
    the relay that placed them died between the commit and the answer (or the answer could not be
    recorded). Charging them again is safe: the order id is the charge's idempotency key."""
    due = f"status = 'created' AND NOT {ANSWERED} AND COALESCE(charging_at, created_at) <= ?"
    rows = tx.all(f"SELECT * FROM orders WHERE {due} ORDER BY created_at", (before,))  # noqa: S608 - our constants
    return [Pending(row["room"], charge_of(row), payment_of(row, payment)) for row in rows]


def take_unsettled(tx: Tx, payment: PaymentProvider, before: float) -> list[Pending]:
    """:func:`unsettled`, each taken for charging now (its lease renewed: :func:`renew_charges`), so
    another sweep, on this relay or another sharing the store, leaves it to this one."""
    due = unsettled(tx, payment, before)
    renew_charges(tx, [pending.charge.order_id for pending in due])
    return due


def renew_charges(tx: Tx, order_ids: list[str]) -> None:
    """A relay is still waiting for the provider's answer to these orders' charges: their lease
    (``charging_at``) is renewed, so :func:`unsettled` leaves them alone for as long again."""
    for order_id in order_ids:
        waiting = f"status = 'created' AND NOT {ANSWERED}"
        tx.execute(f"UPDATE orders SET charging_at = ? WHERE id = ? AND {waiting}", (tx.now, order_id))  # noqa: S608


def _give_back(tx: Tx, row: Any) -> None:
    """Return an order's units and coupon."""
    room = row["room"]
    if row["flash_sale_id"]:
        flash_sales.return_units(tx, flash_sales.get(tx, room, row["flash_sale_id"]), row["qty"], row["viewer_id"])
        tx.execute("UPDATE products SET sold = sold - ? WHERE room = ? AND sku = ?", (row["qty"], room, row["sku"]))
    else:
        tx.execute(
            "UPDATE products SET stock = stock + ?, sold = sold - ? WHERE room = ? AND sku = ?",
            (row["qty"], row["qty"], room, row["sku"]),
        )
    if row["coupon_claim_id"]:
        coupons.release(tx, row["coupon_claim_id"])
    products.announce_stock(tx, room, row["sku"])


def _refund(tx: Tx, payment: PaymentProvider, row: Any, status: str, reason: str) -> None:
    charge = Charge(row["id"], row["total_cents"], CURRENCY, f"refund:{row['id']}")
    outcome = payment_of(row, payment).refund(charge, row["payment_ref"])
    tx.execute(
        "UPDATE orders SET status = ?, refund_ref = ?, updated_at = ? WHERE id = ?",
        (status, outcome.reference, tx.now, row["id"]),
    )
    _give_back(tx, row)
    tx.log(row["room"], f"order.{status}", row["viewer_id"], order_id=row["id"], total_cents=row["total_cents"],
           reason=reason)  # fmt: skip
    _tell(tx, payment, get(tx, row["room"], row["id"]))


def cancel(tx: Tx, payment: PaymentProvider, row: Any, reason: str) -> None:
    """Cancel a standing order (created or paid): its charge refunded, its units and coupon given back."""
    _refund(tx, payment, row, "cancelled", reason)


def refund(tx: Tx, payment: PaymentProvider, room: str, order_id: str) -> dict[str, Any]:
    """The streamer refunds a paid order (units and coupon go back)."""
    row = get(tx, room, order_id)
    if row["status"] != "paid":
        raise refused("not_refundable", f"only paid orders can be refunded; this one is {row['status']}")
    _refund(tx, payment, row, "refunded", "refunded by the host")
    return view(tx, get(tx, room, order_id), payment.test_mode)


def fail_group(tx: Tx, payment: PaymentProvider, group: Any) -> None:
    """A group whose window ended before it filled: cancel its orders and refund their payments, captured
    or still processing. An order whose charge has not answered yet is left to the answer (:func:`settle`
    refunds it then): cancelling it now would keep a payment the charge takes meanwhile."""
    tx.execute("UPDATE buy_groups SET status = 'failed' WHERE id = ?", (group["id"],))
    standing = f"group_id = ? AND status IN ('created', 'paid') AND {ANSWERED}"
    for row in tx.all(f"SELECT * FROM orders WHERE {standing}", (group["id"],)):  # noqa: S608 - our constants
        _refund(tx, payment, row, "cancelled", "the group did not fill in time")
    tx.log(group["room"], "group.failed", group_id=group["id"], group_buy_id=group["group_buy_id"])
    group_buys.announce(tx, group["room"], group["group_buy_id"])


def apply_payment_update(tx: Tx, payment: PaymentProvider, update: PaymentUpdate) -> None:
    """A provider's webhook: a payment captured (a plain order is paid; a group's is counted for its group,
    which fills once every member's is: :func:`_answered`), a payment cancelled (the order too, its units
    and coupon back), or a refund the provider made. A repeat, or news of an order that has moved on
    (cancelled meanwhile: its group failed, its rehearsal ended) is acknowledged without a change: an
    error would have the provider send it again for days. A payment captured for an order cancelled
    without a refund is refunded."""
    row = tx.one("SELECT * FROM orders WHERE id = ?", (update.order_id,))
    if row is None:
        raise not_found(f"order {update.order_id!r}")
    room, status = row["room"], row["status"]
    if (status, update.status) == ("created", "paid"):
        if update.reference:
            tx.execute("UPDATE orders SET payment_ref = ? WHERE id = ?", (update.reference, row["id"]))
        refusal = _answered(tx, payment, get(tx, room, row["id"]), True)
        after = get(tx, room, row["id"])
        if refusal is None and after["status"] != status:
            _tell(tx, payment, after)
        return
    if (status, update.status) in {("created", "cancelled"), ("paid", "refunded")}:
        tx.execute("UPDATE orders SET status = ?, refund_ref = ?, updated_at = ? WHERE id = ?",
                   (update.status, update.reference, tx.now, row["id"]))  # fmt: skip
        _give_back(tx, row)
        tx.log(room, f"order.{update.status}", row["viewer_id"], order_id=row["id"],
               total_cents=row["total_cents"], reason="payment provider")  # fmt: skip
        if row["group_id"]:  # a member leaving frees its place
            group_buys.announce(tx, room, group_buys.get_group(tx, room, row["group_id"])["group_buy_id"])
        _tell(tx, payment, get(tx, room, row["id"]))
        return
    if status == update.status:
        return  # providers retry webhooks; a repeat changes nothing
    if status in ("cancelled", "refunded"):
        if update.status == "paid" and row["refund_ref"] is None:
            charge = Charge(row["id"], row["total_cents"], CURRENCY, f"refund:{row['id']}")
            refunded = payment_of(row, payment).refund(charge, update.reference or row["payment_ref"])
            tx.execute("UPDATE orders SET refund_ref = ?, updated_at = ? WHERE id = ?",
                       (refunded.reference, tx.now, row["id"]))  # fmt: skip
            _tell(tx, payment, get(tx, room, row["id"]))
        return
    raise CommerceError(409, "bad_transition", f"order {row['id']} cannot go from {status} to {update.status}")


def of_viewer(tx: Tx, room: str, viewer: str, test_mode: bool) -> list[dict[str, Any]]:
    rows = tx.all("SELECT * FROM orders WHERE room = ? AND viewer_id = ? ORDER BY created_at", (room, viewer))
    return [view(tx, r, test_mode) for r in rows]


def recent(tx: Tx, room: str, test_mode: bool, limit: int = 100) -> list[dict[str, Any]]:
    rows = tx.all("SELECT * FROM orders WHERE room = ? ORDER BY created_at DESC LIMIT ?", (room, limit))
    return [{**view(tx, r, test_mode), "viewer_id": r["viewer_id"], "nickname": r["nickname"]} for r in rows]
