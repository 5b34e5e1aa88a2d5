"""Moving and resizing a layer's box on the canvas, with snapping: the arithmetic behind the scene editor.

Everything is in canvas pixels. A moved box snaps its left edge, centre or right edge (and top,
middle or bottom) to the nearest guide within ``threshold``: the canvas's edges and centre lines and
the safe zone's edges. A resized box moves only the edges its handle holds, each snapped the same
way; with ``keep_aspect`` (Shift) it keeps the box's shape, the corner opposite the handle (or the
middle of the opposite edge) staying put. A box never turns inside out nor gets smaller than
``MIN_SIDE``. A new source's layer starts where such a source usually goes (:func:`first_box`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.scene_templates import CARD_ASPECT, safe_zone
from pipeline.canvas import Canvas
from pipeline.scene import Box, Fit

HANDLES = ("tl", "t", "tr", "r", "br", "b", "bl", "l")
"""The eight handles of a selected box: corners and edge middles (t top, b bottom, l left, r right)."""
MIN_SIDE = 8
LIMIT = 16384
"""The largest box side and the farthest a box may sit off the canvas (pipeline.scene.Box's rules)."""
SNAP_DISTANCE = 8
"""Canvas pixels within which an edge or centre snaps to a guide."""


@dataclass(frozen=True, slots=True)
class Guides:
    """Where boxes snap: x positions of vertical lines, y positions of horizontal ones."""

    xs: tuple[int, ...]
    ys: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Placed:
    """A box after a move or a resize, and the guides it snapped to (drawn while dragging)."""

    box: Box
    xs: tuple[int, ...] = ()
    ys: tuple[int, ...] = ()


def guides(canvas: Canvas, zone: Box | None) -> Guides:
    """The canvas's edges and centre lines, and the safe zone's edges."""
    xs = [0, canvas.width // 2, canvas.width]
    ys = [0, canvas.height // 2, canvas.height]
    if zone is not None:
        xs += [zone.x, zone.x + zone.w]
        ys += [zone.y, zone.y + zone.h]
    return Guides(tuple(sorted(set(xs))), tuple(sorted(set(ys))))


def _snap(points: Iterable[float], lines: tuple[int, ...], threshold: float) -> tuple[float, int | None]:
    """The shift that puts the nearest of ``points`` on the nearest line within ``threshold``."""
    best: tuple[float, int] | None = None
    for point in points:
        for line in lines:
            shift = line - point
            if abs(shift) <= threshold and (best is None or abs(shift) < abs(best[0])):
                best = (shift, line)
    return best if best is not None else (0.0, None)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def moved(start: Box, dx: float, dy: float, snap: Guides | None, threshold: float = SNAP_DISTANCE) -> Placed:
    """``start`` moved by (dx, dy), snapped to ``snap``'s guides (None: not snapped)."""
    x, y = start.x + dx, start.y + dy
    xs: tuple[int, ...] = ()
    ys: tuple[int, ...] = ()
    if snap is not None:
        shift_x, line_x = _snap((x, x + start.w / 2, x + start.w), snap.xs, threshold)
        shift_y, line_y = _snap((y, y + start.h / 2, y + start.h), snap.ys, threshold)
        x, y = x + shift_x, y + shift_y
        xs = (line_x,) if line_x is not None else ()
        ys = (line_y,) if line_y is not None else ()
    x, y = _clamp(round(x), -LIMIT, LIMIT), _clamp(round(y), -LIMIT, LIMIT)
    return Placed(Box(int(x), int(y), start.w, start.h), xs, ys)


def resized(
    start: Box,
    handle: str,
    dx: float,
    dy: float,
    snap: Guides | None,
    *,
    keep_aspect: bool = False,
    threshold: float = SNAP_DISTANCE,
) -> Placed:
    """``start`` with the edges ``handle`` holds dragged by (dx, dy) (module docstring)."""
    if handle not in HANDLES:
        raise ValueError(f"no handle {handle!r}")
    left, top = float(start.x), float(start.y)
    right, bottom = left + start.w, top + start.h
    xs: list[int] = []
    ys: list[int] = []

    def snapped(value: float, lines: tuple[int, ...], found: list[int]) -> float:
        if snap is None:
            return value
        shift, line = _snap((value,), lines, threshold)
        if line is not None:
            found.append(line)
        return value + shift

    if "l" in handle:
        left = min(snapped(left + dx, snap.xs if snap else (), xs), right - MIN_SIDE)
    if "r" in handle:
        right = max(snapped(right + dx, snap.xs if snap else (), xs), left + MIN_SIDE)
    if "t" in handle:
        top = min(snapped(top + dy, snap.ys if snap else (), ys), bottom - MIN_SIDE)
    if "b" in handle:
        bottom = max(snapped(bottom + dy, snap.ys if snap else (), ys), top + MIN_SIDE)
    if keep_aspect:
        left, top, right, bottom = _keep_aspect(start, handle, left, top, right, bottom)
        xs = [x for x in xs if x in (round(left), round(right))]
        ys = [y for y in ys if y in (round(top), round(bottom))]
    w = int(_clamp(round(right - left), MIN_SIDE, LIMIT))
    h = int(_clamp(round(bottom - top), MIN_SIDE, LIMIT))
    x = int(_clamp(round(left), -LIMIT, LIMIT))
    y = int(_clamp(round(top), -LIMIT, LIMIT))
    return Placed(Box(x, y, w, h), tuple(xs), tuple(ys))


def _keep_aspect(
    start: Box, handle: str, left: float, top: float, right: float, bottom: float
) -> tuple[float, float, float, float]:
    aspect = start.w / start.h
    w, h = right - left, bottom - top
    if len(handle) == 2:  # a corner: follow the side that changed more, the opposite corner stays
        if abs(w / start.w - 1) >= abs(h / start.h - 1):
            h = w / aspect
        else:
            w = h * aspect
        w, h = max(w, MIN_SIDE), max(h, MIN_SIDE)
        left, right = (right - w, right) if "l" in handle else (left, left + w)
        top, bottom = (bottom - h, bottom) if "t" in handle else (top, top + h)
    elif handle in ("l", "r"):  # an edge: the other side follows, centred on the edge's middle
        h = max(w / aspect, MIN_SIDE)
        middle = start.y + start.h / 2
        top, bottom = middle - h / 2, middle + h / 2
    else:
        w = max(h * aspect, MIN_SIDE)
        middle = start.x + start.w / 2
        left, right = middle - w / 2, middle + w / 2
    return left, top, right, bottom


def nudged(start: Box, dx: int, dy: int) -> Box:
    """``start`` moved by whole pixels (the arrow keys), never past the limits."""
    x = int(_clamp(start.x + dx, -LIMIT, LIMIT))
    y = int(_clamp(start.y + dy, -LIMIT, LIMIT))
    return Box(x, y, start.w, start.h)


INSIDE_SAFE_ZONE = {
    "shopcast.text": 0.25,
    "shopcast.image": 1.0,
    "shopcast.slideshow": 1.0,
    "shopcast.product_card": CARD_ASPECT,
    "shopcast.product_photo": 1.0,
}
"""Sources that start as a box inside the safe zone (height over width), fitted whole; the others
(cameras, files, screens, colours, slates, co-hosts, third parties') start filling the canvas."""


def first_box(plugin_id: str, canvas: Canvas) -> tuple[Box, Fit]:
    """Where a new source's layer starts, and how its picture fits the box."""
    aspect = INSIDE_SAFE_ZONE.get(plugin_id)
    if aspect is None:
        return Box(0, 0, canvas.width, canvas.height), Fit.COVER
    zone = safe_zone(canvas)
    w = zone.w * 0.8
    h = w * aspect
    if h > zone.h * 0.8:
        h = zone.h * 0.8
        w = h / aspect
    w, h = max(8, round(w / 2) * 2), max(8, round(h / 2) * 2)
    return Box(zone.x + (zone.w - w) // 2, zone.y + (zone.h - h) // 2, w, h), Fit.CONTAIN
