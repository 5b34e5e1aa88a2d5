"""The live product card: the product being explained (讲解中) drawn into the program picture.

:class:`ProductCard` is what the card shows, as plain data (the studio fills it from the room's
owner feed); :class:`ProductCardSource` renders it: the product's picture (cover-fit, rounded), the
title (two lines at most, then "…"), the price large in red, and during an announced or open flash
sale (秒杀) the flash price with the original struck through, a badge, a countdown (to the opening,
then to the close) and the stock left. It is the card viewers see in the app's own layout, burnt
into the picture so replays and re-streams carry it too.

Cost: the feed is read on the source's own thread four times a second (and on the second while a
countdown runs); the card is drawn there, with Pillow, only when what it shows changes (content, or
the countdown's second): ~13 ms at 640x240 here. The render thread gets the finished picture once
(pipeline/sources/static.py); between changes the layer costs only its blend. With nothing pinned
the source is not :attr:`present` and its layer disappears.

Layout, for tests and the scene templates: every box is (x0, y0, x1, y1) as fractions of the card's
width and height (:func:`box_pixels` turns one into pixels). The card is a rounded rectangle filled
with :data:`CARD_BACKGROUND` (exactly that BGR, opaque); outside its rounded corners it is
transparent.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from pipeline.compositor import fill
from pipeline.frames import Image
from pipeline.sources import lettering
from pipeline.sources.pictures import premultiply
from pipeline.sources.static import StaticSource
from pipeline.text import font

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProductCard:
    """One pinned product as the card draws it. Money is in integer cents."""

    sku: str
    title: str
    price_cents: int
    stock: int
    """Units left (across the product's options)."""
    image: Image | None = None
    """The product's picture (BGR, or BGRA with premultiplied alpha as pipeline/sources/pictures.py
    decodes files), None when it has none or it could not be read."""
    flash_price_cents: int | None = None
    """The flash sale's price while one for this product is announced or open."""
    flash_starts_at: float | None = None
    """Wall time the flash sale opens (a countdown before it), when it has not opened yet."""
    flash_ends_at: float | None = None
    """Wall time the open flash sale closes (a countdown to it)."""
    flash_stock: int | None = None
    """Units left in the flash sale."""
    currency: str = "¥"


CARD_BACKGROUND = (236, 244, 255)
"""BGR of the card's face (a warm cream, RGB #fff4ec): every pixel of the card not covered by the
picture, the words or the badges is exactly this, opaque."""
PRICE_COLOUR = (36, 36, 232)
"""BGR of the price (red, RGB #e82424)."""
FLASH_COLOUR = (30, 60, 245)
"""BGR of the flash-sale badge (RGB #f53c1e)."""

PICTURE_BOX = (0.03, 0.08, 0.30, 0.92)
"""The product's picture (cover-fit, rounded corners); the "Now explaining" tag sits on its top left."""
TITLE_BOX = (0.33, 0.07, 0.97, 0.38)
"""The title, two lines at most."""
PRICE_BOX = (0.33, 0.40, 0.97, 0.68)
"""The price (the flash price during a flash sale, with the original struck through beside it)."""
COUNTDOWN_BOX = (0.33, 0.72, 0.76, 0.93)
"""The flash-sale badge and its countdown (empty without a flash sale)."""
STOCK_BOX = (0.76, 0.72, 0.97, 0.93)
"""Units left ("12 left" / "仅剩 12 件"), "Sold out" at 0; right-aligned."""

POLL_SECONDS = 0.25
"""How often the feed is read."""

_INK = (34, 34, 34)  # RGB, Pillow draws RGB
_GREY = (140, 140, 140)
_WORDS = {
    "en": {
        "tag": "Now explaining",
        "flash": "Flash sale",
        "opens": "Starts in {}",
        "closes": "Ends in {}",
        "left": "{} left",
        "sold_out": "Sold out",
    },
    "zh": {
        "tag": "讲解中",
        "flash": "秒杀",
        "opens": "距开抢 {}",
        "closes": "距结束 {}",
        "left": "仅剩 {} 件",
        "sold_out": "已售罄",
    },
}


def box_pixels(box: tuple[float, float, float, float], width: int, height: int) -> tuple[int, int, int, int]:
    """A layout box as pixels (x0, y0, x1, y1) of a width x height card."""
    x0, y0, x1, y1 = box
    return round(x0 * width), round(y0 * height), round(x1 * width), round(y1 * height)


def format_price(cents: int, currency: str = "¥") -> str:
    """``5990`` → ``¥59.90``."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{currency}{cents // 100}.{cents % 100:02d}"


def format_countdown(seconds: int) -> str:
    """``75`` → ``01:15``; an hour or more → ``1:02:03``."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@dataclass(frozen=True, slots=True)
class CardState:
    """What the card shows at one moment: the card and where its flash sale stands."""

    card: ProductCard
    flash: bool
    """A flash sale is announced or open: its price, badge (and countdown) are shown."""
    phase: str | None
    """``opens`` (counting down to the opening), ``closes`` (to the close) or None."""
    seconds: int
    """The countdown's whole seconds (rounded up), 0 without one."""

    @staticmethod
    def at(card: ProductCard, now: float) -> CardState:
        ends = card.flash_ends_at
        flash = card.flash_price_cents is not None and (ends is None or now < ends)
        phase: str | None = None
        seconds = 0
        if flash and card.flash_starts_at is not None and now < card.flash_starts_at:
            phase, seconds = "opens", math.ceil(card.flash_starts_at - now)
        elif flash and ends is not None:
            phase, seconds = "closes", math.ceil(ends - now)
        return CardState(card, flash, phase, seconds)

    def key(self) -> tuple[object, ...]:
        """Equal for two states that draw the same card (the picture compared by identity)."""
        c = self.card
        return (
            c.sku, c.title, c.price_cents, c.stock, id(c.image), c.flash_price_cents, c.flash_stock, c.currency,
            self.flash, self.phase, self.seconds,
        )  # fmt: skip


def draw_card(state: CardState, width: int, height: int, language: str = "en") -> Image:
    """The card as premultiplied BGRA, width x height (see the module docstring for the layout)."""
    words = _WORDS["zh" if language.lower().startswith("zh") else "en"]
    card = state.card
    bg_rgb = CARD_BACKGROUND[::-1]
    canvas = PILImage.new("RGBA", (width, height), (*bg_rgb, 0))
    draw = ImageDraw.Draw(canvas)
    radius = max(2, round(min(width, height) * 0.08))
    draw.rounded_rectangle((0, 0, width - 1, height - 1), radius=radius, fill=(*bg_rgb, 255))

    # The picture, cover-fit into its box with rounded corners; a soft grey box without one.
    px0, py0, px1, py1 = box_pixels(PICTURE_BOX, width, height)
    pw, ph = max(1, px1 - px0), max(1, py1 - py0)
    well = np.empty((ph, pw, 3), np.uint8)
    well[...] = (222, 226, 232)
    if card.image is not None and card.image.size:
        picture = fill(card.image, pw, ph)
        if picture.ndim == 3 and picture.shape[2] == 4:  # premultiplied: over the well
            alpha = picture[..., 3:4].astype(np.uint16)
            well = (picture[..., :3] + (well.astype(np.uint16) * (255 - alpha) + 127) // 255).astype(np.uint8)
        else:
            well = picture[..., :3]
    mask = PILImage.new("L", (pw, ph), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, pw - 1, ph - 1), radius=max(2, radius * 3 // 4), fill=255)
    canvas.paste(PILImage.fromarray(np.ascontiguousarray(well[..., ::-1])), (px0, py0), mask)
    if card.image is None and card.title:
        initial_size = max(8, round(min(pw, ph) * 0.45))
        initial = card.title.strip()[:1]
        left, top, right, bottom = draw.textbbox((0, 0), initial, font=font(initial_size))
        spot = (px0 + (pw - (right - left)) / 2 - left, py0 + (ph - (bottom - top)) / 2 - top)
        draw.text(spot, initial, font=font(initial_size), fill=(170, 176, 186, 255))

    # "Now explaining" on the picture's top left.
    tag_size = max(8, round(height * 0.065))
    tag_pad = max(2, tag_size // 3)
    tag_w = lettering.text_width(words["tag"], tag_size) + 2 * tag_pad
    tx, ty = px0 + tag_pad, py0 + tag_pad
    draw.rounded_rectangle(
        (tx, ty, tx + tag_w, ty + tag_size + 2 * tag_pad), radius=tag_pad + tag_size // 2, fill=(255, 96, 64, 235)
    )
    draw.text((tx + tag_pad, ty + tag_pad * 0.6), words["tag"], font=font(tag_size), fill=(255, 255, 255, 255))

    # The title, two lines at most.
    x0, y0, x1, y1 = box_pixels(TITLE_BOX, width, height)
    title_size = max(8, round((y1 - y0) / 2 / 1.25))
    lines = lettering.clip_lines(card.title, title_size, x1 - x0, 2)
    lettering.draw_lines(draw, lines, (x0, y0, x1, y1), title_size, (*_INK, 255), align="left")

    # The price: the flash price during a flash sale, the original struck through beside it.
    x0, y0, x1, y1 = box_pixels(PRICE_BOX, width, height)
    shown = card.flash_price_cents if state.flash and card.flash_price_cents is not None else card.price_cents
    price = format_price(shown, card.currency)
    was = format_price(card.price_cents, card.currency) if state.flash else ""
    price_size = max(8, round((y1 - y0) * 0.9))
    was_size = max(8, round(price_size * 0.45))
    room = (x1 - x0) - (lettering.text_width(was, was_size) + price_size * 0.3 if was else 0)
    price_size = lettering.fit_size(price, price_size, max(8.0, room))
    face = font(price_size)
    left, top, right, bottom = draw.textbbox((0, 0), price, font=face)
    baseline_y = y1 - (y1 - y0 - (bottom - top)) // 2
    draw.text((x0 - left, baseline_y - bottom), price, font=face, fill=(*PRICE_COLOUR[::-1], 255))
    if was:
        wx = x0 + (right - left) + price_size * 0.3
        small = font(was_size)
        wl, wt, wr, wb = draw.textbbox((0, 0), was, font=small)
        wy = baseline_y - wb
        draw.text((wx - wl, wy), was, font=small, fill=(*_GREY, 255))
        strike_y = wy + (wt + wb) / 2
        draw.line((wx, strike_y, wx + (wr - wl), strike_y), fill=(*_GREY, 255), width=max(1, was_size // 12))

    # The flash-sale badge and its countdown.
    x0, y0, x1, y1 = box_pixels(COUNTDOWN_BOX, width, height)
    middle = (y0 + y1) / 2
    row_size = max(8, round((y1 - y0) * 0.6))
    pad = max(2, row_size // 4)
    if state.flash:
        badge_w = lettering.text_width(words["flash"], row_size) + 2 * pad
        draw.rounded_rectangle((x0, y0, x0 + badge_w, y1), radius=pad * 2, fill=(*FLASH_COLOUR[::-1], 255))
        draw.text((x0 + pad, middle), words["flash"], font=font(row_size), fill=(255, 255, 255, 255), anchor="lm")
        if state.phase is not None:
            countdown = words[state.phase].format(format_countdown(state.seconds))
            cx = x0 + badge_w + pad
            size = lettering.fit_size(countdown, row_size, max(8.0, x1 - cx))
            draw.text((cx, middle), countdown, font=font(size), fill=(*FLASH_COLOUR[::-1], 255), anchor="lm")

    # Units left.
    x0, y0, x1, y1 = box_pixels(STOCK_BOX, width, height)
    units = card.flash_stock if state.flash and state.phase != "opens" and card.flash_stock is not None else card.stock
    stock = words["sold_out"] if units <= 0 else words["left"].format(units)
    size = lettering.fit_size(stock, row_size, max(8.0, x1 - x0))
    colour = (*PRICE_COLOUR[::-1], 255) if units <= 0 else (*_GREY, 255)
    draw.text((x1, (y0 + y1) / 2), stock, font=font(size), fill=colour, anchor="rm")

    rgba = np.asarray(canvas, np.uint8)
    return premultiply(np.ascontiguousarray(cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA), np.uint8))


class ProductCardSource(StaticSource):
    """The pinned product's card (module docstring). ``feed`` returns the card now (None: nothing
    pinned); it is called from the source's thread, never the render thread. ``clock`` is wall time
    (the flash sale's times are wall times)."""

    description = "product card"

    def __init__(
        self,
        feed: Callable[[], ProductCard | None],
        width: int = 640,
        height: int = 240,
        language: str = "en",
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if width < 16 or height < 16:
            raise ValueError(f"product card size {width}x{height} is too small (min 16x16)")
        super().__init__()
        self.feed, self.width, self.height, self.language, self.clock = feed, width, height, language, clock
        self.present = False
        self._state: CardState | None = None
        self._key: tuple[object, ...] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.renders = 0
        """How many times the card was drawn (tests)."""

    def refresh(self) -> float:
        """Read the feed and draw the card if what it shows changed; seconds until the next look
        (the thread calls this; tests call it with their own clock)."""
        try:
            card = self.feed()
        except Exception:  # the feed is the studio's; a fault there must not end the card's thread
            log.exception("product card feed failed")
            return POLL_SECONDS
        if card is None:
            if self._key is not None:
                self._state, self._key = None, None
                self.present = False
                self.show(None)
            return POLL_SECONDS
        now = self.clock()
        state = CardState.at(card, now)
        key = state.key()
        if key != self._key:
            picture = draw_card(state, self.width, self.height, self.language)
            self._state, self._key = state, key  # keeps the card (and its picture) alive: ids stay unique
            self.renders += 1
            self.show(picture)
            self.present = True
        if state.phase is None:
            return POLL_SECONDS
        target = card.flash_starts_at if state.phase == "opens" else card.flash_ends_at
        assert target is not None
        return min(POLL_SECONDS, (target - now) % 1.0 + 0.005)

    def start(self) -> None:
        super().start()
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="shopcast-product-card", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            wait = self.refresh()
            if self._stop.wait(wait):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
