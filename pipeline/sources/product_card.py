"""The live product card: the product being explained (讲解中) drawn into the program picture.

:class:`ProductCard` is what the card shows, as plain data (the studio fills it from the room's
owner feed); the card source renders it (picture, title, price, flash-sale price and countdown,
stock left) and draws it again only when it changes, or once a second while a countdown runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.frames import Image


@dataclass(frozen=True, slots=True)
class ProductCard:
    """One pinned product as the card draws it. Money is in integer cents."""

    sku: str
    title: str
    price_cents: int
    stock: int
    """Units left (across the product's options)."""
    image: Image | None = None
    """The product's picture (BGR or BGRA), None when it has none or it could not be read."""
    flash_price_cents: int | None = None
    """The flash sale's price while one for this product is announced or open."""
    flash_starts_at: float | None = None
    """Wall time the flash sale opens (a countdown before it), when it has not opened yet."""
    flash_ends_at: float | None = None
    """Wall time the open flash sale closes (a countdown to it)."""
    flash_stock: int | None = None
    """Units left in the flash sale."""
    currency: str = "¥"
