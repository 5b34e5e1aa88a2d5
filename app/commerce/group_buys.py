"""Group-buy (拼团): a lower price if ``group_size`` viewers buy together within the window.

A viewer starts a group or joins an open one by ordering with ``group_buy_id`` or ``group_id``. The
order holds a place in the group from its commit and is charged right after (app/commerce/orders.py);
the orders stay ``created`` until the group is full and every member's payment is captured (a charge
paid at once, or an asynchronous provider's webhook saying paid), when all become ``paid`` (a member
whose payment is declined or cancelled leaves the group, freeing the place). A group still short when
its window ends is failed by the engine's tick: every order in it is cancelled and refunded, an order
whose charge is still in flight when its answer comes (see :mod:`app.commerce.orders`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.commerce import products
from app.commerce.core import Tx, new_id, not_found, refused
from app.commerce.values import in_range, invalid, money

WINDOW_S = (10, 24 * 3600)


@dataclass(frozen=True, slots=True)
class GroupBuyInput:
    sku: str
    price_cents: int
    group_size: int
    window_s: float


def get(tx: Tx, room: str, group_buy_id: str) -> Any:
    row = tx.one("SELECT * FROM group_buys WHERE id = ? AND room = ?", (group_buy_id, room))
    if row is None:
        raise not_found(f"group-buy {group_buy_id!r}")
    return row


def get_group(tx: Tx, room: str, group_id: str) -> Any:
    row = tx.one("SELECT * FROM buy_groups WHERE id = ? AND room = ?", (group_id, room))
    if row is None:
        raise not_found(f"group {group_id!r}")
    return row


def members(tx: Tx, group_id: str) -> list[Any]:
    return tx.all(
        "SELECT viewer_id, nickname FROM orders WHERE group_id = ? AND status IN ('created', 'paid')"
        " ORDER BY created_at",
        (group_id,),
    )


def group_view(tx: Tx, row: Any) -> dict[str, Any]:
    joined = members(tx, row["id"])
    size = get(tx, row["room"], row["group_buy_id"])["group_size"]
    return {
        "id": row["id"],
        "group_buy_id": row["group_buy_id"],
        "status": row["status"],
        "members": [m["nickname"] for m in joined],
        "needed": max(0, size - len(joined)),
        "expires_at": row["expires_at"],
    }


def view(tx: Tx, row: Any) -> dict[str, Any]:
    groups = tx.all(
        "SELECT * FROM buy_groups WHERE group_buy_id = ? AND status = 'open' ORDER BY opened_at", (row["id"],)
    )
    return {
        **products.deal_view(tx, row),
        "group_size": row["group_size"],
        "window_s": row["window_s"],
        "ended": row["ended_at"] is not None,
        "open_groups": [group_view(tx, g) for g in groups],
    }


def announce(tx: Tx, room: str, group_buy_id: str) -> None:
    row = get(tx, room, group_buy_id)
    tx.notify(room, {"type": "group_buy", "group_buy": view(tx, row)}, key=f"group_buy:{group_buy_id}")


def create(tx: Tx, room: str, campaign: GroupBuyInput) -> dict[str, Any]:
    product = products.orderable(tx, room, campaign.sku)
    in_range(campaign.group_size, 2, 50, "group_size")
    in_range(campaign.window_s, *WINDOW_S, "window_s")
    if campaign.price_cents > product["price_cents"]:
        raise invalid(f"the group price must not exceed the regular price ({money(product['price_cents'])})")
    group_buy_id = new_id("gb")
    tx.execute(
        """INSERT INTO group_buys (id, room, sku, price_cents, group_size, window_s, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (group_buy_id, room, campaign.sku, campaign.price_cents, campaign.group_size, campaign.window_s, tx.now),
    )
    tx.log(room, "group_buy.created", id=group_buy_id, sku=campaign.sku, price_cents=campaign.price_cents,
           group_size=campaign.group_size, window_s=campaign.window_s)  # fmt: skip
    announce(tx, room, group_buy_id)
    return view(tx, get(tx, room, group_buy_id))


def end(tx: Tx, room: str, group_buy_id: str) -> dict[str, Any]:
    """Stop new groups; groups already open run to the end of their window."""
    row = get(tx, room, group_buy_id)
    if row["ended_at"] is not None:
        raise refused("already_ended", "this group-buy has already ended")
    tx.execute("UPDATE group_buys SET ended_at = ? WHERE id = ?", (tx.now, group_buy_id))
    tx.log(room, "group_buy.ended", id=group_buy_id)
    announce(tx, room, group_buy_id)
    return view(tx, get(tx, room, group_buy_id))


def open_group(tx: Tx, room: str, viewer: str, group_buy_id: str, sku: str) -> tuple[str, Any]:
    """Start a group led by ``viewer``; return (group id, campaign row)."""
    campaign = get(tx, room, group_buy_id)
    if campaign["ended_at"] is not None:
        raise refused("group_buy_ended", "this group-buy has ended")
    if sku != campaign["sku"]:
        raise refused("wrong_product", f"this group-buy is for {campaign['sku']!r}, not {sku!r}")
    group_id = new_id("g")
    tx.execute(
        """INSERT INTO buy_groups (id, group_buy_id, room, leader, opened_at, expires_at, status)
           VALUES (?, ?, ?, ?, ?, ?, 'open')""",
        (group_id, group_buy_id, room, viewer, tx.now, tx.now + campaign["window_s"]),
    )
    tx.log(room, "group.opened", viewer, group_id=group_id, group_buy_id=group_buy_id)
    return group_id, campaign


def check_join(tx: Tx, room: str, viewer: str, group_id: str, sku: str) -> Any:
    """Refuse joining a group that is not joinable; return its campaign row."""
    group = get_group(tx, room, group_id)
    campaign = get(tx, room, group["group_buy_id"])
    if sku != campaign["sku"]:
        raise refused("wrong_product", f"this group is buying {campaign['sku']!r}, not {sku!r}")
    if group["status"] == "filled":
        raise refused("group_full", "this group is already complete; start a new one")
    if group["status"] != "open" or tx.now >= group["expires_at"]:
        raise refused("group_expired", "this group's time is up; start a new one")
    joined = members(tx, group_id)
    if any(m["viewer_id"] == viewer for m in joined):
        raise refused("already_in_group", "you are already in this group")
    if len(joined) >= campaign["group_size"]:  # full, the last members' payments not answered yet
        raise refused("group_full", "this group is already complete; start a new one")
    return campaign


def fill_if_complete(tx: Tx, room: str, group_id: str) -> bool:
    """Fill the group if it is open, full, and every member's payment is captured (a charge answered
    "processing" is not: its webhook will say)."""
    group = get_group(tx, room, group_id)
    campaign = get(tx, room, group["group_buy_id"])
    if group["status"] != "open" or len(members(tx, group_id)) < campaign["group_size"]:
        return False
    if tx.one("SELECT 1 FROM orders WHERE group_id = ? AND status = 'created' AND captured_at IS NULL", (group_id,)):
        return False
    tx.execute("UPDATE buy_groups SET status = 'filled' WHERE id = ?", (group_id,))
    for order in tx.all(
        "SELECT id, viewer_id, total_cents FROM orders WHERE group_id = ? AND status = 'created'", (group_id,)
    ):
        tx.execute("UPDATE orders SET status = 'paid', updated_at = ? WHERE id = ?", (tx.now, order["id"]))
        tx.log(room, "order.paid", order["viewer_id"], order_id=order["id"], total_cents=order["total_cents"])
    tx.log(room, "group.filled", group_id=group_id, group_buy_id=campaign["id"])
    return True


def expired(tx: Tx) -> list[Any]:
    return tx.all("SELECT * FROM buy_groups WHERE status = 'open' AND expires_at <= ?", (tx.now,))


def active(tx: Tx, room: str) -> list[dict[str, Any]]:
    rows = tx.all("SELECT * FROM group_buys WHERE room = ? AND ended_at IS NULL ORDER BY created_at", (room,))
    return [view(tx, r) for r in rows]
