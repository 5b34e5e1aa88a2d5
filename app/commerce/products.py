"""Products, the room's cart (小黄车) and pins (讲解中)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from app.commerce.catalog import ProductInput
from app.commerce.core import Tx, not_found, refused
from app.commerce.values import invalid, money, text

MAX_PINS = 3


def view(row: Any) -> dict[str, Any]:
    return {
        "sku": row["sku"],
        "title": row["title"],
        "price": money(row["price_cents"]),
        "stock": row["stock"],
        "sold": row["sold"],
        "image": row["image"],
        "parent_sku": row["parent_sku"],
        "option": row["option"],
    }


def deal_view(tx: Tx, row: Any) -> dict[str, Any]:
    """What a deal (a flash sale, a group-buy) shows of its product: ``row`` has id, room, sku and
    price_cents; the product's title, image and regular price come from the catalog."""
    product = tx.one(
        "SELECT title, price_cents, image FROM products WHERE room = ? AND sku = ?", (row["room"], row["sku"])
    )
    return {
        "id": row["id"],
        "sku": row["sku"],
        "title": product["title"] if product else row["sku"],
        "image": product["image"] if product else None,
        "price": money(row["price_cents"]),
        "regular_price": money(product["price_cents"]) if product else None,
    }


def get(tx: Tx, room: str, sku: str) -> Any:
    row = tx.one("SELECT * FROM products WHERE room = ? AND sku = ?", (room, sku))
    if row is None:
        raise not_found(f"product {sku!r}")
    return row


def has_variants(tx: Tx, room: str, sku: str) -> bool:
    return tx.one("SELECT 1 FROM products WHERE room = ? AND parent_sku = ? LIMIT 1", (room, sku)) is not None


def orderable(tx: Tx, room: str, sku: str) -> Any:
    row = tx.one(
        """SELECT p.*, EXISTS (SELECT 1 FROM products c WHERE c.room = p.room AND c.parent_sku = p.sku) AS has_options
           FROM products p WHERE p.room = ? AND p.sku = ?""",
        (room, sku),
    )
    if row is None:
        raise not_found(f"product {sku!r}")
    if row["has_options"]:
        raise refused("choose_option", f"{row['title']} comes in several options; choose one to buy")
    return row


def _upsert(tx: Tx, room: str, item: ProductInput, position: int, reason: str = "catalog") -> None:
    """Add a product, or update one from a catalog: its stock moves by what the catalog's figure moved
    (its allotment), so a re-import of the same file changes no stock and never hands out sold units
    again; a change is logged as ``stock.changed`` with its reason."""
    row = tx.one("SELECT stock, sold, allotted FROM products WHERE room = ? AND sku = ?", (room, item.sku))
    if row is None:
        tx.execute(
            """INSERT INTO products (room, sku, title, price_cents, image, stock, parent_sku, option, position,
                 created_at, allotted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (room, item.sku, item.title, item.price_cents, item.image, item.stock, item.parent_sku, item.option,
             position, tx.now, item.stock),
        )  # fmt: skip
        return
    before = row["allotted"] if row["allotted"] is not None else row["stock"] + row["sold"]
    delta = item.stock - before
    stock = max(0, row["stock"] + delta)
    tx.execute(
        """UPDATE products SET title = ?, price_cents = ?, image = ?, parent_sku = ?, option = ?, stock = ?,
             allotted = ? WHERE room = ? AND sku = ?""",
        (item.title, item.price_cents, item.image, item.parent_sku, item.option, stock, item.stock, room, item.sku),
    )  # fmt: skip
    if stock != row["stock"]:
        tx.log(room, "stock.changed", sku=item.sku, delta=stock - row["stock"], stock=stock, reason=reason)


def change_stock(tx: Tx, room: str, code: str, delta: int, reason: str) -> dict[str, Any]:
    """The host's correction: stock moves by ``delta`` (units found, damaged, sent elsewhere), with why."""
    row = get(tx, room, code)
    if not -10_000_000 <= delta <= 10_000_000 or delta == 0:
        raise invalid("delta must be a whole number of units, not 0, at most 10000000 either way")
    reason = text(reason, "reason", 80)
    stock = row["stock"] + delta
    if stock < 0:
        raise refused("stock_below_zero", f"only {row['stock']} left: cannot take away {-delta}")
    # the catalog's own figure stays as it was: importing the same file again leaves this correction be
    allotted = row["allotted"] if row["allotted"] is not None else row["stock"] + row["sold"]
    tx.execute("UPDATE products SET stock = ?, allotted = ? WHERE room = ? AND sku = ?", (stock, allotted, room, code))
    tx.log(room, "stock.changed", sku=code, delta=delta, stock=stock, reason=reason)
    announce_stock(tx, room, code)
    return view(get(tx, room, code))


def _next_position(tx: Tx, room: str) -> int:
    row = tx.one("SELECT COALESCE(MAX(position), 0) AS p FROM products WHERE room = ?", (room,))
    return int(row["p"] if row else 0) + 1


def add(tx: Tx, room: str, item: ProductInput) -> dict[str, Any]:
    if tx.one("SELECT 1 FROM products WHERE room = ? AND sku = ?", (room, item.sku)):
        raise refused("product_exists", f"a product with sku {item.sku!r} is already in this room")
    if item.parent_sku:
        get(tx, room, item.parent_sku)
    _upsert(tx, room, item, _next_position(tx, room))
    tx.log(room, "product.added", sku=item.sku, title=item.title, price_cents=item.price_cents, stock=item.stock,
           parent_sku=item.parent_sku)  # fmt: skip
    tx.notify(room, {"type": "cart", "products": cart(tx, room)})
    return view(get(tx, room, item.sku))


def import_catalog(tx: Tx, room: str, items: list[ProductInput]) -> int:
    """Add or update every product (matched by sku); a product's variants follow it."""
    position = _next_position(tx, room)
    known = {item.sku for item in items}
    for item in items:
        if item.parent_sku and item.parent_sku not in known:
            get(tx, room, item.parent_sku)
        _upsert(tx, room, item, position)
        position += 1
    # The items go into the log so that its readers (the metrics, the report) know every product's title.
    tx.log(room, "catalog.imported", products=len(items), items=[
        {"sku": i.sku, "title": i.title, "price_cents": i.price_cents, "stock": i.stock, "parent_sku": i.parent_sku}
        for i in items
    ])  # fmt: skip
    tx.notify(room, {"type": "cart", "products": cart(tx, room)})
    return len(items)


def cart(tx: Tx, room: str) -> list[dict[str, Any]]:
    """Products as the cart shows them: top-level products in order, each with its options."""
    rows = tx.all("SELECT * FROM products WHERE room = ? ORDER BY position, sku", (room,))
    options: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["parent_sku"]:
            options[row["parent_sku"]].append(view(row))
    result = []
    for row in rows:
        if row["parent_sku"]:
            continue
        item = view(row)
        item["options"] = options.get(row["sku"], [])
        if item["options"]:
            item["stock"] = sum(o["stock"] for o in item["options"])
            item["sold"] = sum(o["sold"] for o in item["options"])
        result.append(item)
    return result


def pins(tx: Tx, room: str) -> list[str]:
    return [r["sku"] for r in tx.all("SELECT sku FROM pins WHERE room = ? ORDER BY pinned_at, sku", (room,))]


def pin(tx: Tx, room: str, sku: str, by: str | None = None) -> list[str]:
    """Pin ``sku`` (讲解中); ``by`` (``owner``, ``assistant:<id>``) goes into the log row."""
    row = get(tx, room, sku)
    if row["parent_sku"]:
        raise refused("pin_parent", f"pin the product {row['parent_sku']!r}, not one of its options")
    current = pins(tx, room)
    if sku in current:
        raise refused("already_pinned", f"{row['title']} is already pinned")
    if len(current) >= MAX_PINS:
        raise refused("too_many_pins", f"up to {MAX_PINS} products can be pinned at once; unpin one first")
    tx.execute("INSERT INTO pins (room, sku, pinned_at) VALUES (?, ?, ?)", (room, sku, tx.now))
    tx.log(room, "pin", sku=sku, **({"by": by} if by else {}))
    result = pins(tx, room)
    tx.notify(room, {"type": "pins", "pins": result}, key="pins")
    return result


def unpin(tx: Tx, room: str, sku: str, by: str | None = None) -> list[str]:
    if tx.execute("DELETE FROM pins WHERE room = ? AND sku = ?", (room, sku)).rowcount == 0:
        raise not_found(f"a pin of {sku!r}")
    tx.log(room, "unpin", sku=sku, **({"by": by} if by else {}))
    result = pins(tx, room)
    tx.notify(room, {"type": "pins", "pins": result}, key="pins")
    return result


def announce_stock(tx: Tx, room: str, sku: str) -> None:
    row = get(tx, room, sku)
    tx.notify(room, {"type": "stock", "sku": sku, "stock": row["stock"], "sold": row["sold"]}, key=f"stock:{sku}")
    if row["parent_sku"]:
        parent = row["parent_sku"]
        total = tx.one(
            "SELECT SUM(stock) AS stock, SUM(sold) AS sold FROM products WHERE room = ? AND parent_sku = ?",
            (room, parent),
        )
        if total is not None:
            message = {"type": "stock", "sku": parent, "stock": total["stock"], "sold": total["sold"]}
            tx.notify(room, message, key=f"stock:{parent}")
