"""The pinned product as the live product card draws it, kept current from the room's owner feed.

The studio already receives every pin, stock change and flash sale on the owner feed; this folds
them (with :class:`~app.console_state.ConsoleState`, the console's own model) into one
:class:`~pipeline.sources.product_card.ProductCard`: the product most recently pinned (讲解中), its
price, the stock left, and the flash sale for it that is announced or open. So the card on the
program changes when the host pins another product, with nothing else to do.

The product's picture is fetched once per URL on a background thread (the relay serves catalog
images under ``/static``; a catalog may also name an ``http(s)`` URL) and decoded with OpenCV; until
it arrives, or when it cannot be read, the card shows no picture. :meth:`card` is what the render
side calls: it returns an object built on the feed's thread, never waiting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import cv2
import numpy as np

from app.console_state import ConsoleState
from pipeline.frames import Image
from pipeline.sources.pictures import ImageFileError, decode_image
from pipeline.sources.product_card import ProductCard

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 8 * 1024 * 1024
"""A product picture larger than this is not shown (a catalog pointing at something huge)."""
IMAGE_SIDE = 480
"""Pictures are kept at most this many pixels on their longer side (the card draws them small)."""

FetchImage = Callable[[str], bytes | None]
"""A product's ``image`` (a relay path or a URL) → its bytes, or None; runs on a background thread."""


def decode_picture(data: bytes) -> Image | None:
    """A catalog picture's bytes → BGR or premultiplied BGRA, at most IMAGE_SIDE on its longer side;
    None if it is too large or not a picture."""
    if not data or len(data) > MAX_IMAGE_BYTES:
        return None
    try:
        image = decode_image(data, "product picture")
    except ImageFileError:
        return None
    longest = max(image.shape[:2])
    if longest > IMAGE_SIDE:
        scale = IMAGE_SIDE / longest
        image = np.asarray(cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), np.uint8)
    return image


class PinnedProduct:
    """The product card's data (module docstring). ``on_feed`` from the feed's thread, ``card`` from any."""

    def __init__(self, fetch: FetchImage, background: Executor) -> None:
        self._fetch = fetch
        self._background = background
        self._state = ConsoleState()
        self._lock = threading.Lock()
        self._images: dict[str, Image | None] = {}
        self._fetching: set[str] = set()
        self._card: ProductCard | None = None

    def card(self) -> ProductCard | None:
        return self._card

    def on_feed(self, message: dict[str, Any]) -> None:
        with self._lock:
            try:
                changed = self._state.apply(message)
            except (KeyError, TypeError, ValueError):
                log.warning("the product card could not read a feed message of type %r", message.get("type"))
                return
            if changed & {"products", "pins", "flash_sales"}:
                self._refresh()

    def _refresh(self) -> None:
        """Rebuild the card from the folded state (called with the lock held)."""
        state = self._state
        if not state.pins:
            self._card = None
            return
        sku = state.pins[-1]
        product = state.product(sku)
        if product is None:
            self._card = None
            return
        url = product.get("image") or ""
        image = self._images.get(url) if url else None
        if url and url not in self._images and url not in self._fetching:
            self._fetching.add(url)
            try:
                self._background.submit(self._load, url)
            except RuntimeError:  # shutting down
                self._fetching.discard(url)
        sale = self._sale(sku)
        offset = state.server_offset
        self._card = ProductCard(
            sku=sku,
            title=str(product.get("title") or sku),
            price_cents=round(float(product["price"]) * 100),
            stock=int(product.get("stock") or 0),
            image=image,
            flash_price_cents=round(float(sale["price"]) * 100) if sale else None,
            flash_starts_at=sale["opens_at"] - offset if sale and sale["phase"] == "scheduled" else None,
            flash_ends_at=sale["closes_at"] - offset if sale and sale["phase"] == "open" else None,
            flash_stock=int(sale["remaining"]) if sale else None,
        )

    def _sale(self, sku: str) -> dict[str, Any] | None:
        """The flash sale for ``sku`` (or one of its options) that is announced or open, the soonest first."""
        options = {sku, *(o["sku"] for o in (self._state.product(sku) or {}).get("options") or [])}
        live = [s for s in self._state.flash_sales.values() if s["sku"] in options and s["phase"] != "closed"]
        return min(live, key=lambda s: s["opens_at"]) if live else None

    def _load(self, url: str) -> None:
        try:
            data = self._fetch(url)
            image = decode_picture(data) if data else None
        except Exception as exc:  # any network or decoding failure: the card goes without a picture
            log.warning("could not load the product picture %s: %s", url, exc)
            image = None
        with self._lock:
            self._images[url] = image
            self._fetching.discard(url)
            self._refresh()
