"""Flash sales (秒杀): a deal price on a reserved number of units, opening after a countdown.

Server time is the truth. Units are moved from the product's stock into the sale when it is created
and unsold ones go back after it closes, so product stock and sale stock never count a unit twice.

Phases (column ``phase``): ``scheduled`` → ``open`` → ``ending`` (closed for shoppers at ``closes_at``,
by its time or by the host; its unsold units wait :data:`LATE_TAP_S` for taps made before the close on
a viewer's picture) → ``closed`` (the unsold units are back in the product's stock).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.commerce import products
from app.commerce.core import Tx, new_id, not_found, refused
from app.commerce.errors import CommerceError
from app.commerce.values import in_range, invalid, money

LATE_TAP_S = 5.0
"""How far behind the host's picture a tap still counts: a viewer sees the sale close when their player
reaches the closing picture (LL-HLS ~1.4 s after the host, plain HLS a few seconds, WebRTC ~0.1 s), and
the order their tap sends carries that picture's stream time (``seen_at``). Up to this long after the
close, an order whose picture was before the close is taken at the deal price; the sale's unsold units
stay in it until then. The viewer page holds timed events at most this long (the feed's ``hold_s``)."""
COUNTDOWN_S = (0, 300)
"""Seconds before a sale opens: 0 opens it at once (a run-of-show's sale launched on the host's call)."""
DURATION_S = (60, 1200)


@dataclass(frozen=True, slots=True)
class FlashSaleInput:
    sku: str
    price_cents: int
    stock: int
    per_user_limit: int
    countdown_s: float
    duration_s: float


def phase(row: Any, now: float) -> str:
    if row["phase"] in ("ending", "closed"):
        return "closed"
    if now < row["opens_at"]:
        return "scheduled"
    return "open" if now < row["closes_at"] else "closed"


def view(tx: Tx, row: Any) -> dict[str, Any]:
    return {
        **products.deal_view(tx, row),
        "stock": row["stock"],
        "sold": row["sold"],
        "remaining": row["stock"] - row["sold"],
        "per_user_limit": row["per_user_limit"],
        "opens_at": row["opens_at"],
        "closes_at": row["closes_at"],
        "phase": phase(row, tx.now),
    }


def get(tx: Tx, room: str, sale_id: str) -> Any:
    row = tx.one("SELECT * FROM flash_sales WHERE id = ? AND room = ?", (sale_id, room))
    if row is None:
        raise not_found(f"flash sale {sale_id!r}")
    return row


def _announce(tx: Tx, row: Any) -> None:
    tx.notify(row["room"], {"type": "flash_sale", "sale": view(tx, row)}, key=f"flash_sale:{row['id']}")


def create(tx: Tx, room: str, sale: FlashSaleInput) -> dict[str, Any]:
    product = products.orderable(tx, room, sale.sku)
    in_range(sale.countdown_s, *COUNTDOWN_S, "countdown_s")
    in_range(sale.duration_s, *DURATION_S, "duration_s")
    in_range(sale.per_user_limit, 1, 99, "per_user_limit")
    in_range(sale.stock, 1, 1_000_000, "stock")
    if sale.price_cents > product["price_cents"]:
        raise invalid(f"the deal price must not exceed the regular price ({money(product['price_cents'])})")
    if sale.stock > product["stock"]:
        raise refused("not_enough_stock", f"only {product['stock']} of {product['title']} are in stock")
    tx.execute("UPDATE products SET stock = stock - ? WHERE room = ? AND sku = ?", (sale.stock, room, sale.sku))
    sale_id = new_id("fs")
    opens_at = tx.now + sale.countdown_s
    tx.execute(
        """INSERT INTO flash_sales (id, room, sku, price_cents, stock, per_user_limit, opens_at, closes_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (sale_id, room, sale.sku, sale.price_cents, sale.stock, sale.per_user_limit, opens_at,
         opens_at + sale.duration_s, tx.now),
    )  # fmt: skip
    row = get(tx, room, sale_id)
    tx.log(room, "flash_sale.created", id=sale_id, sku=sale.sku, price_cents=sale.price_cents, stock=sale.stock,
           per_user_limit=sale.per_user_limit, opens_at=opens_at, closes_at=row["closes_at"])  # fmt: skip
    _announce(tx, row)
    products.announce_stock(tx, room, sale.sku)
    return view(tx, row)


def tap_time(now: float, seen_at: float | None) -> float:
    """When the viewer tapped, on the host's timeline: the stream time of the picture on their screen,
    bounded to [now - LATE_TAP_S, now] (a client may not claim to be further behind, nor ahead)."""
    if seen_at is None:
        return now
    return min(now, max(now - LATE_TAP_S, seen_at))


def check_purchase(tx: Tx, row: Any, viewer: str, qty: int, seen_at: float | None = None) -> None:
    """Refuse a purchase the sale does not allow, with the reason a shopper understands. The sale's
    window is checked at the tap's picture (:func:`tap_time`), so a viewer watching 1.4 s behind who
    taps before the countdown ends on their screen gets the deal."""
    now = tap_time(tx.now, seen_at)
    if row["phase"] == "closed" or now >= row["closes_at"]:  # (ending: a tap from before the close counts)
        raise refused("flash_sale_closed", "this flash sale has ended")
    if now < row["opens_at"]:
        wait = row["opens_at"] - now
        raise refused("not_open_yet", f"this flash sale opens in {wait:.0f} s", opens_at=row["opens_at"])
    remaining = row["stock"] - row["sold"]
    bought = tx.one("SELECT qty FROM flash_sale_buyers WHERE flash_sale_id = ? AND viewer_id = ?", (row["id"], viewer))
    refusal = purchase_refusal(remaining, qty, bought["qty"] if bought else 0, row["per_user_limit"])
    if refusal is not None:
        raise refusal


def purchase_refusal(remaining: int, qty: int, already: int, limit: int) -> CommerceError | None:
    """Why a viewer who has ``already`` units may not take ``qty`` more of ``remaining`` (None: they
    may). The one wording of these refusals, whether the store or Redis (app/relay/sale_gate.py) says it."""
    if remaining <= 0:
        return refused("sold_out", "sold out: every unit of this deal is gone")
    if qty > remaining:
        return refused("not_enough_stock", f"only {remaining} left at the deal price")
    if already + qty > limit:
        return refused("limit_reached", f"each viewer may buy at most {limit} of this deal (you have {already})")
    return None


def record_purchase(tx: Tx, row: Any, viewer: str, qty: int) -> None:
    updated = tx.execute(
        "UPDATE flash_sales SET sold = sold + ? WHERE id = ? AND sold + ? <= stock", (qty, row["id"], qty)
    ).rowcount
    if updated != 1:  # cannot happen after check_purchase in one transaction; the guard stays anyway
        raise refused("sold_out", "sold out: every unit of this deal is gone")
    tx.execute(
        """INSERT INTO flash_sale_buyers (flash_sale_id, viewer_id, qty) VALUES (?, ?, ?)
           ON CONFLICT (flash_sale_id, viewer_id) DO UPDATE SET qty = flash_sale_buyers.qty + excluded.qty""",
        (row["id"], viewer, qty),
    )
    _announce(tx, get(tx, row["room"], row["id"]))


def return_units(tx: Tx, row: Any, qty: int, viewer: str) -> None:
    """A refunded order gives its units back to the sale while it runs, else to the product."""
    if phase(row, tx.now) != "closed":
        tx.execute("UPDATE flash_sales SET sold = sold - ? WHERE id = ?", (qty, row["id"]))
        tx.execute(
            "UPDATE flash_sale_buyers SET qty = qty - ? WHERE flash_sale_id = ? AND viewer_id = ?",
            (qty, row["id"], viewer),
        )
        # (relays sharing the store give them back to the sale's counters in Redis too: app/relay/sale_gate.py)
        tx.log(row["room"], "flash_sale.returned", viewer, id=row["id"], qty=qty)
        _announce(tx, get(tx, row["room"], row["id"]))
    else:
        tx.execute("UPDATE products SET stock = stock + ? WHERE room = ? AND sku = ?", (qty, row["room"], row["sku"]))


def close(tx: Tx, row: Any, reason: str, *, at_once: bool = False) -> None:
    """Close the sale for shoppers now (``ending``); its unsold units go back to the product
    LATE_TAP_S later (:func:`settle`), or ``at_once`` (a rehearsal's end)."""
    closes_at = min(row["closes_at"], tx.now)
    tx.execute("UPDATE flash_sales SET phase = 'ending', closes_at = ? WHERE id = ?", (closes_at, row["id"]))
    tx.log(row["room"], "flash_sale.closed", id=row["id"], sku=row["sku"], sold=row["sold"], reason=reason)
    if at_once:
        settle(tx, get(tx, row["room"], row["id"]))
    else:
        _announce(tx, get(tx, row["room"], row["id"]))


def settle(tx: Tx, row: Any) -> None:
    """The closed sale's unsold units go back to the product."""
    unsold = row["stock"] - row["sold"]
    tx.execute("UPDATE flash_sales SET phase = 'closed' WHERE id = ?", (row["id"],))
    tx.execute("UPDATE products SET stock = stock + ? WHERE room = ? AND sku = ?", (unsold, row["room"], row["sku"]))
    _announce(tx, get(tx, row["room"], row["id"]))
    products.announce_stock(tx, row["room"], row["sku"])


def end(tx: Tx, room: str, sale_id: str) -> dict[str, Any]:
    row = get(tx, room, sale_id)
    if phase(row, tx.now) == "closed":
        raise refused("already_closed", "this flash sale has already ended")
    close(tx, row, "ended by the host")
    return view(tx, get(tx, room, sale_id))


def active(tx: Tx, room: str) -> list[dict[str, Any]]:
    rows = tx.all(
        "SELECT * FROM flash_sales WHERE room = ? AND (phase != 'closed' OR closes_at > ?) ORDER BY opens_at",
        (room, tx.now - 60),
    )
    return [view(tx, r) for r in rows]


def tick(tx: Tx) -> None:
    """Announce openings and close sales whose time is up (all rooms)."""
    for row in tx.all("SELECT * FROM flash_sales WHERE phase = 'scheduled' AND opens_at <= ?", (tx.now,)):
        tx.execute("UPDATE flash_sales SET phase = 'open' WHERE id = ?", (row["id"],))
        tx.log(row["room"], "flash_sale.opened", id=row["id"], sku=row["sku"])
        _announce(tx, get(tx, row["room"], row["id"]))
    for row in tx.all("SELECT * FROM flash_sales WHERE phase IN ('scheduled', 'open') AND closes_at <= ?", (tx.now,)):
        close(tx, row, "time")
    # Its units wait LATE_TAP_S for taps made before the close on a viewer's picture.
    for row in tx.all("SELECT * FROM flash_sales WHERE phase = 'ending' AND closes_at <= ?", (tx.now - LATE_TAP_S,)):
        settle(tx, row)
