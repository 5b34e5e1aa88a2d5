"""Rehearsal (彩排, TikTok's Practice Mode): the whole show, run before it goes public.

While a room rehearses, every event logged in it carries ``rehearsal: true`` (the core marks them in
``Tx.log``, from its set of rehearsing rooms), every order is a test order (charged by test mode and
marked with the rehearsal's id, app/commerce/orders.py), and the relay leaves the room out of its
listings. Ending the rehearsal puts the room back as it was for the real show: the rehearsal's orders
still standing are cancelled (their units go back to the product, or to a flash sale still running,
and their coupons to their holders; one whose charge is in flight when the rehearsal ends is cancelled
and refunded when the charge answers), then the campaigns it started and that still run are ended —
flash sales (their unsold units go back to the product), coupons, polls, lucky draws and group-buys
(their open groups failed) — and the run-of-show's run is reset, so the real show's first Next
starts at the first segment. All of that is logged inside the rehearsal, before ``rehearsal.ended``,
so a count that leaves rehearsals out leaves out the cleaning up too.

The state is a row of ``rehearsals`` (the one without ``ended_at``), so a relay restart keeps it.
Whether the room may switch (not while it is live) is the relay's to decide: the engine does not know
about streams.
"""

from __future__ import annotations

from typing import Any

from app.commerce import coupons, draws, flash_sales, group_buys, orders, polls, rundown_runner
from app.commerce.core import Tx, new_id
from app.commerce.payments import PaymentProvider

ENDED_REASON = "the rehearsal ended"


def state(tx: Tx, room: str) -> dict[str, Any]:
    """``{"on", "id", "started_at", "by"}`` of the rehearsal in progress (``on`` false: none)."""
    row = tx.one("SELECT * FROM rehearsals WHERE room = ? AND ended_at IS NULL", (room,))
    if row is None:
        return {"on": False, "id": None, "started_at": None, "by": None}
    return {"on": True, "id": row["id"], "started_at": row["started_at"], "by": row["started_by"]}


def _announce(tx: Tx, payment: PaymentProvider, room: str, on: bool) -> None:
    # Every page of the room shows (or takes down) its banner; the console its rehearsal state. Orders
    # are test orders while rehearsing, else as the room's payment provider has them.
    tx.notify(room, {"type": "rehearsal", "on": on, "test_mode": on or payment.test_mode}, key="rehearsal")


def start(tx: Tx, payment: PaymentProvider, room: str, by: str) -> dict[str, Any]:
    """Put the room into rehearsal (nothing changes if it already is)."""
    if room in tx.rehearsing:
        return state(tx, room)
    tx.execute(
        "INSERT INTO rehearsals (id, room, started_at, started_by) VALUES (?, ?, ?, ?)",
        (new_id("rh"), room, tx.now, by),
    )
    tx.rehearsing.add(room)
    tx.undo.append(lambda: tx.rehearsing.discard(room))
    tx.log(room, "rehearsal.started", by=by)
    _announce(tx, payment, room, True)
    return state(tx, room)


def end(tx: Tx, payment: PaymentProvider, room: str, by: str) -> dict[str, Any]:
    """End the room's rehearsal (nothing changes if it is not in one): cancel its orders, end its
    campaigns, and return the room to the real show's stock."""
    current = state(tx, room)
    if not current["on"]:
        if room in tx.rehearsing:  # the store says otherwise: trust the store
            tx.rehearsing.discard(room)
            tx.undo.append(lambda: tx.rehearsing.add(room))
        return current
    since = current["started_at"]
    cancelled = _cancel_orders(tx, payment, room, current["id"])
    ended = _end_campaigns(tx, payment, room, since)
    rundown_runner.reset(tx, room, by, "rehearsal ended")
    tx.execute("UPDATE rehearsals SET ended_at = ?, ended_by = ? WHERE id = ?", (tx.now, by, current["id"]))
    tx.log(room, "rehearsal.ended", by=by, orders_cancelled=cancelled, campaigns_ended=ended)
    tx.rehearsing.discard(room)
    tx.undo.append(lambda: tx.rehearsing.add(room))
    _announce(tx, payment, room, False)
    return {**state(tx, room), "orders_cancelled": cancelled, "campaigns_ended": ended}


def _cancel_orders(tx: Tx, payment: PaymentProvider, room: str, rehearsal_id: str) -> int:
    """Cancel the rehearsal's standing orders; one whose charge is still in flight is left to the answer,
    which finds the rehearsal ended and refunds it (app/commerce/orders.py ``settle``)."""
    standing = f"room = ? AND rehearsal = ? AND status IN ('created', 'paid') AND {orders.ANSWERED}"
    rows = tx.all(f"SELECT * FROM orders WHERE {standing} ORDER BY created_at", (room, rehearsal_id))  # noqa: S608
    for row in rows:
        orders.cancel(tx, payment, row, ENDED_REASON)
    return len(rows)


def _end_campaigns(tx: Tx, payment: PaymentProvider, room: str, since: float) -> int:
    """End what the rehearsal started and still runs; return how many campaigns were ended."""
    ended = 0
    for row in tx.all(
        "SELECT id FROM flash_sales WHERE room = ? AND created_at >= ? AND phase != 'closed'", (room, since)
    ):
        sale = flash_sales.get(tx, room, row["id"])
        if sale["phase"] == "ending":  # closed already: its units come back now
            flash_sales.settle(tx, sale)
        else:
            flash_sales.close(tx, sale, ENDED_REASON, at_once=True)
        ended += 1
    for row in tx.all("SELECT id FROM coupons WHERE room = ? AND created_at >= ? AND ended_at IS NULL", (room, since)):
        coupons.end(tx, room, row["id"])
        ended += 1
    for row in tx.all("SELECT id FROM polls WHERE room = ? AND created_at >= ? AND status = 'open'", (room, since)):
        polls.close(tx, room, row["id"])
        ended += 1
    for row in tx.all("SELECT id FROM draws WHERE room = ? AND opens_at >= ? AND status = 'open'", (room, since)):
        draws.close(tx, room, row["id"], reason=ENDED_REASON)
        ended += 1
    for row in tx.all(
        "SELECT id FROM group_buys WHERE room = ? AND created_at >= ? AND ended_at IS NULL", (room, since)
    ):
        group_buys.end(tx, room, row["id"])
        ended += 1
    for group in tx.all(
        "SELECT * FROM buy_groups WHERE room = ? AND opened_at >= ? AND status = 'open'", (room, since)
    ):
        orders.fail_group(tx, payment, group)
    return ended
