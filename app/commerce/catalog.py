"""Reading a product catalog from CSV or JSON.

JSON: a list of products (or ``{"products": [...]}``), each ``{"sku", "title", "price", "stock",
"image"?, "variants"?: [{"sku", "option", "price"?, "stock"}]}``.
CSV: columns ``sku,title,price,stock[,image][,parent_sku,option]``; a row with ``parent_sku`` is a
variant of that product.
Every problem is reported with its row and field, and nothing is imported unless everything is valid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from app.commerce.errors import CommerceError
from app.commerce.strict_json import load_json
from app.commerce.values import cents, invalid, sku, text

MAX_PRODUCTS = 2000
PRODUCT_FIELDS = ("sku", "title", "price", "stock", "image", "option", "parent_sku", "variants")
VARIANT_FIELDS = ("sku", "option", "title", "price", "stock", "image")
"""The catalog's one schema: every field a product (or a variant) may have. Anything else is refused by
name, so a misspelt field ("prcie") is never silently dropped."""
TEXT_FIELDS = ("sku", "title", "image", "option", "parent_sku")


def _known_fields(raw: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for name, value in raw.items():
        if name not in allowed:
            raise invalid(f"{where}: unknown field {str(name)[:40]!r} (a product has {', '.join(allowed)})")
        if name in TEXT_FIELDS and value is not None and not isinstance(value, str):
            raise invalid(f"{where}: {name} must be text, got {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class ProductInput:
    sku: str
    title: str
    price_cents: int
    stock: int
    image: str | None = None
    parent_sku: str | None = None
    option: str | None = None


def product_input(raw: dict[str, Any], where: str, parent: ProductInput | None = None) -> ProductInput:
    def field(name: str, default: Any = None) -> Any:
        value = raw.get(name, default)
        if value is None:
            raise invalid(f"{where}: '{name}' is missing")
        return value

    option: str | None = None
    try:
        code = sku(str(field("sku")).strip())
        if parent is not None:
            option = text(str(raw.get("option") or raw.get("title") or code), f"{where}: option", 40)
            title = f"{parent.title} · {option}"
        else:
            option = text(str(raw["option"]), f"{where}: option", 40) if raw.get("option") else None
            title = text(str(field("title")), f"{where}: title", 120)
        price = cents(field("price", parent and parent.price_cents / 100), f"{where}: price")
        stock_raw = field("stock")
        if isinstance(stock_raw, bool) or not str(stock_raw).strip().lstrip("-").isdigit():
            raise invalid(f"{where}: stock must be a whole number, got {stock_raw!r}")
        stock = int(str(stock_raw).strip())
        if not 0 <= stock <= 10_000_000:
            raise invalid(f"{where}: stock must be between 0 and 10000000")
        image = raw.get("image") or (parent.image if parent else None)
        if image is not None:
            image = str(image).strip()
            if not image.startswith(("https://", "http://", "/")) or len(image) > 500:
                raise invalid(f"{where}: image must be an http(s) URL or a path on this relay")
    except CommerceError as exc:
        if exc.message.startswith(where):
            raise
        raise invalid(f"{where}: {exc.message}") from None
    return ProductInput(code, title, price, stock, image, parent.sku if parent else raw.get("parent_sku"), option)


def parse_json(data: bytes) -> list[ProductInput]:
    try:
        loaded = load_json(data)
    except ValueError as exc:
        raise invalid(f"the catalog is not valid JSON: {exc}") from None
    items = loaded.get("products") if isinstance(loaded, dict) else loaded
    if not isinstance(items, list):
        raise invalid("a JSON catalog is a list of products, or an object with a 'products' list")
    products: list[ProductInput] = []
    for n, raw in enumerate(items, 1):
        if not isinstance(raw, dict):
            raise invalid(f"product {n}: must be an object")
        _known_fields(raw, PRODUCT_FIELDS, f"product {n}")
        parent = product_input(raw, f"product {n}")
        variants = raw.get("variants") or []
        if not isinstance(variants, list):
            raise invalid(f"product {n}: variants must be a list")
        products.append(parent)
        for m, variant in enumerate(variants, 1):
            if not isinstance(variant, dict):
                raise invalid(f"product {n} variant {m}: must be an object")
            _known_fields(variant, VARIANT_FIELDS, f"product {n} variant {m}")
            products.append(product_input(variant, f"product {n} variant {m}", parent))
    return _checked(products)


def parse_csv(data: bytes) -> list[ProductInput]:
    try:
        return _parse_csv(data)
    except csv.Error as exc:  # what the csv module cannot read: a stray quote, a field over its size limit
        raise invalid(f"the CSV catalog cannot be read: {exc}") from None


def _parse_csv(data: bytes) -> list[ProductInput]:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise invalid("the CSV catalog must be UTF-8") from None
    reader = csv.DictReader(io.StringIO(content, newline=""))  # the csv module reads line ends itself
    required = {"sku", "title", "price", "stock"}
    missing = required - set(reader.fieldnames or [])
    if missing:
        raise invalid(f"the CSV catalog needs the columns {', '.join(sorted(missing))}")
    unknown = [name for name in reader.fieldnames or [] if name not in PRODUCT_FIELDS or name == "variants"]
    if unknown:
        columns = ", ".join(f for f in PRODUCT_FIELDS if f != "variants")
        raise invalid(f"row 1: unknown column {unknown[0][:40]!r} (the columns are {columns})")
    products: list[ProductInput] = []
    parents: dict[str, ProductInput] = {}
    for n, row in enumerate(reader, 2):
        parent_code = (row.get("parent_sku") or "").strip()
        parent = None
        if parent_code:
            parent = parents.get(parent_code)
            if parent is None:
                raise invalid(f"row {n}: parent_sku {parent_code!r} is not defined above this row")
        clean = {k: v for k, v in row.items() if k and v not in (None, "")}
        item = product_input(clean, f"row {n}", parent)
        parents.setdefault(item.sku, item)
        products.append(item)
    return _checked(products)


def parse_catalog(data: bytes, content_type: str) -> list[ProductInput]:
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind in ("text/csv", "application/csv"):
        return parse_csv(data)
    if kind in ("application/json", ""):
        return parse_json(data)
    raise CommerceError(415, "unsupported_type", "send the catalog as application/json or text/csv")


def _checked(products: list[ProductInput]) -> list[ProductInput]:
    if not products:
        raise invalid("the catalog holds no products")
    if len(products) > MAX_PRODUCTS:
        raise invalid(f"the catalog holds {len(products)} products; the limit is {MAX_PRODUCTS}")
    seen: set[str] = set()
    for product in products:
        if product.sku in seen:
            raise invalid(f"sku {product.sku!r} appears twice in the catalog")
        seen.add(product.sku)
    return products
