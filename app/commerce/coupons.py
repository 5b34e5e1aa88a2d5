"""Coupons (满减): a fixed amount off above a minimum spend, claimed in the room, used at order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.commerce.core import Tx, new_id, not_found, refused
from app.commerce.values import in_range, invalid, money

VALID_S = (60, 7 * 24 * 3600)


@dataclass(frozen=True, slots=True)
class CouponInput:
    title: str
    amount_cents: int
    min_spend_cents: int
    quota: int
    per_user_limit: int
    valid_s: float


def view(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "amount": money(row["amount_cents"]),
        "min_spend": money(row["min_spend_cents"]),
        "quota": row["quota"],
        "claimed": row["claimed"],
        "remaining": row["quota"] - row["claimed"],
        "per_user_limit": row["per_user_limit"],
        "expires_at": row["expires_at"],
        "ended": row["ended_at"] is not None,
    }


def get(tx: Tx, room: str, coupon_id: str) -> Any:
    row = tx.one("SELECT * FROM coupons WHERE id = ? AND room = ?", (coupon_id, room))
    if row is None:
        raise not_found(f"coupon {coupon_id!r}")
    return row


def _announce(tx: Tx, row: Any) -> None:
    tx.notify(row["room"], {"type": "coupon", "coupon": view(row)}, key=f"coupon:{row['id']}")


def create(tx: Tx, room: str, coupon: CouponInput) -> dict[str, Any]:
    if coupon.amount_cents <= 0:
        raise invalid("amount must be more than 0")
    if coupon.min_spend_cents and coupon.min_spend_cents < coupon.amount_cents:
        raise invalid("min_spend must be at least the amount off (or 0 for no minimum)")
    in_range(coupon.quota, 1, 1_000_000, "quota")
    in_range(coupon.per_user_limit, 1, 10, "per_user_limit")
    in_range(coupon.valid_s, *VALID_S, "valid_s")
    coupon_id = new_id("cp")
    tx.execute(
        """INSERT INTO coupons (id, room, title, amount_cents, min_spend_cents, quota, per_user_limit, expires_at,
           created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (coupon_id, room, coupon.title, coupon.amount_cents, coupon.min_spend_cents, coupon.quota,
         coupon.per_user_limit, tx.now + coupon.valid_s, tx.now),
    )  # fmt: skip
    row = get(tx, room, coupon_id)
    tx.log(room, "coupon.issued", id=coupon_id, title=coupon.title, amount_cents=coupon.amount_cents,
           min_spend_cents=coupon.min_spend_cents, quota=coupon.quota)  # fmt: skip
    _announce(tx, row)
    return view(row)


def _usable(tx: Tx, row: Any) -> None:
    if row["ended_at"] is not None or tx.now >= row["expires_at"]:
        raise refused("coupon_expired", "this coupon has expired")


def claim(tx: Tx, room: str, viewer: str, coupon_id: str) -> dict[str, Any]:
    row = get(tx, room, coupon_id)
    _usable(tx, row)
    mine = tx.one("SELECT COUNT(*) AS n FROM coupon_claims WHERE coupon_id = ? AND viewer_id = ?", (coupon_id, viewer))
    if mine is not None and mine["n"] >= row["per_user_limit"]:
        raise refused("claim_limit", f"you already have this coupon (limit {row['per_user_limit']} per viewer)")
    if (
        tx.execute("UPDATE coupons SET claimed = claimed + 1 WHERE id = ? AND claimed < quota", (coupon_id,)).rowcount
        == 0
    ):
        raise refused("coupon_gone", f"all {row['quota']} coupons have been claimed")
    claim_id = new_id("cl")
    tx.execute(
        "INSERT INTO coupon_claims (id, coupon_id, room, viewer_id, claimed_at) VALUES (?, ?, ?, ?, ?)",
        (claim_id, coupon_id, room, viewer, tx.now),
    )
    tx.log(room, "coupon.claimed", viewer, coupon_id=coupon_id)
    row = get(tx, room, coupon_id)
    _announce(tx, row)
    return {"claim_id": claim_id, "coupon": view(row)}


def redeem(tx: Tx, room: str, viewer: str, coupon_id: str, subtotal_cents: int, order_id: str) -> tuple[str, int]:
    """Use one of the viewer's unused claims on an order; return (claim id, discount in cents)."""
    row = get(tx, room, coupon_id)
    _usable(tx, row)
    claimed = tx.one(
        "SELECT id FROM coupon_claims WHERE coupon_id = ? AND viewer_id = ? AND order_id IS NULL LIMIT 1",
        (coupon_id, viewer),
    )
    if claimed is None:
        raise refused("no_coupon", "claim this coupon before using it (or it was already used)")
    if subtotal_cents < row["min_spend_cents"]:
        raise refused("min_spend_not_met", f"this coupon needs a spend of at least {money(row['min_spend_cents'])}")
    tx.execute("UPDATE coupon_claims SET order_id = ? WHERE id = ?", (order_id, claimed["id"]))
    return claimed["id"], min(row["amount_cents"], subtotal_cents)


def release(tx: Tx, claim_id: str) -> None:
    """Give the coupon back to the viewer when its order is cancelled or refunded."""
    tx.execute("UPDATE coupon_claims SET order_id = NULL WHERE id = ?", (claim_id,))


def end(tx: Tx, room: str, coupon_id: str) -> dict[str, Any]:
    row = get(tx, room, coupon_id)
    if row["ended_at"] is not None:
        raise refused("already_ended", "this coupon has already ended")
    tx.execute("UPDATE coupons SET ended_at = ? WHERE id = ?", (tx.now, coupon_id))
    tx.log(room, "coupon.ended", id=coupon_id, claimed=row["claimed"])
    row = get(tx, room, coupon_id)
    _announce(tx, row)
    return view(row)


def active(tx: Tx, room: str) -> list[dict[str, Any]]:
    rows = tx.all(
        "SELECT * FROM coupons WHERE room = ? AND ended_at IS NULL AND expires_at > ? ORDER BY created_at",
        (room, tx.now),
    )
    return [view(r) for r in rows]


def mine(tx: Tx, room: str, viewer: str) -> list[dict[str, Any]]:
    rows = tx.all(
        "SELECT coupon_id, order_id FROM coupon_claims WHERE room = ? AND viewer_id = ? ORDER BY claimed_at",
        (room, viewer),
    )
    return [{"coupon_id": r["coupon_id"], "used": r["order_id"] is not None} for r in rows]
