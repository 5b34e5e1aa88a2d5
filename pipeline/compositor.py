"""The program picture with co-hosts (连麦): the host's picture and each guest's in a layout.

Layouts, for a 16:9 program (the way live-commerce apps arrange a 连麦):

* ``side_by_side``: the host and the guests in equal columns, each filled (cropped, not
  letterboxed: a face fills its column the way it does in a phone's 连麦 split screen);
* ``pip`` (picture in picture): the host full frame, guests in small tiles along the bottom right;
* ``grid``: 2 x 2, the host top left, up to 3 guests in the other cells.

Each guest tile carries the guest's name in a label. A guest who has not sent a picture yet (or
whose picture stalls) shows as a dark tile with the name and "connecting", never as a frozen or
missing cell; guests join and leave between two frames. Work per frame is one ``cv2.resize`` per
tile into a preallocated canvas plus small text: about 1 ms at 720p.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum

import cv2
import numpy as np

from pipeline.frames import Image
from pipeline.text import draw_text

MAX_GUESTS = 3
LABEL_HEIGHT = 0.055
"""Name label height, as a share of the program height."""
STALE_SECONDS = 2.0
"""A guest picture older than this is shown as "connecting" (the guest stalled)."""


class Layout(Enum):
    SIDE_BY_SIDE = "side_by_side"
    PIP = "pip"
    GRID = "grid"


@dataclass(frozen=True, slots=True)
class Rect:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True, slots=True)
class GuestPicture:
    """What the compositor knows of one guest at a frame."""

    id: str
    name: str
    image: Image | None
    """The guest's latest picture (BGR), None before the first."""
    age: float = 0.0
    """Seconds since that picture arrived."""


def tiles(layout: Layout, guests: int, width: int, height: int) -> tuple[Rect, list[Rect]]:
    """The host's rectangle and each guest's, for ``guests`` guests (0..MAX_GUESTS)."""
    guests = max(0, min(MAX_GUESTS, guests))
    full = Rect(0, 0, width, height)
    if guests == 0:
        return full, []
    if layout is Layout.SIDE_BY_SIDE:
        columns = guests + 1
        edges = [round(i * width / columns) // 2 * 2 for i in range(columns + 1)]
        cells = [Rect(edges[i], 0, edges[i + 1] - edges[i], height) for i in range(columns)]
        return cells[0], cells[1:]
    if layout is Layout.GRID:
        half_w, half_h = width // 2 // 2 * 2, height // 2 // 2 * 2
        cells = [
            Rect(0, 0, half_w, half_h),
            Rect(half_w, 0, width - half_w, half_h),
            Rect(0, half_h, half_w, height - half_h),
            Rect(half_w, half_h, width - half_w, height - half_h),
        ]
        return cells[0], cells[1 : guests + 1]
    # Picture in picture: tiles a quarter of the width, 16:9, from the bottom right going left.
    margin = round(height * 0.03) // 2 * 2
    tile_w = round(width * 0.24) // 2 * 2
    tile_h = round(tile_w * 9 / 16) // 2 * 2
    y = height - margin - tile_h
    rects = [Rect(width - (margin + tile_w) * (i + 1), y, tile_w, tile_h) for i in range(guests)]
    return full, rects


FACE_BIAS = 0.3
"""Where a vertical crop is taken from (0 top, 0.5 middle): faces sit in the upper part of a
picture, so a portrait phone camera cropped into a wide tile keeps the head, not the chest."""


def fill_transform(src_w: int, src_h: int, w: int, h: int) -> tuple[float, int, int, int, int]:
    """How :func:`fill` maps a ``src_w`` x ``src_h`` picture into a ``w`` x ``h`` tile: (scale,
    crop x, crop y, crop width, crop height) in source pixels; tile = (source - crop origin) * scale."""
    scale = max(w / src_w, h / src_h)
    cw, ch = min(src_w, max(1, round(w / scale))), min(src_h, max(1, round(h / scale)))
    return scale, (src_w - cw) // 2, round((src_h - ch) * FACE_BIAS), cw, ch


def fill(image: Image, w: int, h: int) -> Image:
    """``image`` scaled to cover w x h and cropped to it (centred across, a little high down)."""
    scale, x0, y0, cw, ch = fill_transform(image.shape[1], image.shape[0], w, h)
    crop = image[y0 : y0 + ch, x0 : x0 + cw]
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return np.asarray(cv2.resize(crop, (w, h), interpolation=interpolation), np.uint8)


class Compositor:
    """Composes the host's picture with the guests' (module docstring). ``compose`` runs on the
    program thread; ``set_layout`` from any thread."""

    def __init__(self, layout: Layout = Layout.SIDE_BY_SIDE, connecting_text: str = "connecting…") -> None:
        self._layout = layout
        self._lock = threading.Lock()
        self.connecting_text = connecting_text
        self.last_tiles: tuple[tuple[str, Rect], ...] = ()
        """(guest id, rectangle) of each guest in the last composed frame."""

    @property
    def layout(self) -> Layout:
        return self._layout

    def set_layout(self, layout: Layout) -> None:
        if not isinstance(layout, Layout):
            raise ValueError(f"unknown layout {layout!r}; one of {', '.join(m.value for m in Layout)}")
        self._layout = layout

    def compose(self, host: Image, guests: list[GuestPicture]) -> Image:
        """The program picture: ``host`` (the program's size) with ``guests`` (at most MAX_GUESTS
        are shown, in the order given). With no guests, ``host`` itself."""
        shown = guests[:MAX_GUESTS]
        if not shown:
            self.last_tiles = ()
            return host
        height, width = host.shape[:2]
        host_rect, rects = tiles(self._layout, len(shown), width, height)
        if host_rect == Rect(0, 0, width, height):
            out = host.copy()
        else:
            out = np.zeros_like(host)
            out[host_rect.y : host_rect.y + host_rect.h, host_rect.x : host_rect.x + host_rect.w] = fill(
                host, host_rect.w, host_rect.h
            )
        for guest, rect in zip(shown, rects, strict=True):
            self._draw_guest(out, guest, rect)
        if self._layout is not Layout.PIP:
            for rect in rects:  # a thin divider between cells
                cv2.rectangle(out, (rect.x, rect.y), (rect.x + rect.w - 1, rect.y + rect.h - 1), (24, 24, 24), 2)
        self.last_tiles = tuple((g.id, r) for g, r in zip(shown, rects, strict=True))
        return out

    def _draw_guest(self, out: Image, guest: GuestPicture, rect: Rect) -> None:
        cell = out[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w]
        live = paint_guest(cell, guest)
        if self._layout is Layout.PIP:
            cv2.rectangle(out, (rect.x, rect.y), (rect.x + rect.w - 1, rect.y + rect.h - 1), (255, 255, 255), 2)
        label_h = max(12, round(out.shape[0] * LABEL_HEIGHT * (0.8 if self._layout is Layout.PIP else 1)))
        label(cell, guest_caption(guest, live, self.connecting_text), label_h)


CONNECTING_BACKGROUND = (40, 34, 30)
"""BGR of a guest's tile while there is no live picture."""


def is_live(guest: GuestPicture) -> bool:
    """Whether the guest has a picture fresh enough to show (else: "connecting")."""
    return guest.image is not None and guest.age <= STALE_SECONDS


def paint_guest(cell: Image, guest: GuestPicture) -> bool:
    """Fill ``cell`` (in place) with the guest's picture, cover-fit, or the dark "connecting" colour
    when it is missing or stale; whether it was live. Also used by the co-host tile source
    (pipeline/sources/guest_tile.py)."""
    live = is_live(guest)
    if live:
        assert guest.image is not None
        h, w = cell.shape[:2]
        picture = guest.image if guest.image.shape[:2] == (h, w) else fill(guest.image, w, h)
        cell[...] = picture[..., :3]
    else:
        cell[...] = CONNECTING_BACKGROUND
    return live


def guest_caption(guest: GuestPicture, live: bool, connecting_text: str) -> str:
    """The words in a guest's label: the name, and "· connecting…" while there is no live picture."""
    return guest.name if live else f"{guest.name} · {connecting_text}"


def label(cell: Image, text: str, height: int) -> None:
    """A darkened band with ``text`` (any script) at the bottom of ``cell``."""
    h = cell.shape[0]
    band = cell[max(0, h - height) :, :]
    band[...] = (band.astype(np.uint16) * 2 // 5).astype(np.uint8)
    size = round(height * 0.62)
    draw_text(band, text, round(height * 0.3), (band.shape[0] - size) // 2, size)
