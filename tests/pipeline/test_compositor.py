"""The program picture with co-hosts (pipeline/compositor.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.compositor import MAX_GUESTS, STALE_SECONDS, Compositor, GuestPicture, Layout, Rect, tiles

W, H = 1280, 720


def solid(colour: tuple[int, int, int], w: int = 640, h: int = 480) -> np.ndarray:
    image = np.empty((h, w, 3), np.uint8)
    image[...] = colour
    return image


@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize("guests", range(MAX_GUESTS + 1))
def test_tiles_cover_the_picture_without_overlap_or_stick_out(layout: Layout, guests: int) -> None:
    host, rects = tiles(layout, guests, W, H)
    assert len(rects) == guests
    for r in [host, *rects]:
        assert r.x >= 0 and r.y >= 0 and r.x + r.w <= W and r.y + r.h <= H and r.w > 0 and r.h > 0
    if guests and layout is not Layout.PIP:
        cells = [host, *rects]
        for i, a in enumerate(cells):
            for b in cells[i + 1 :]:
                assert a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
    if layout is Layout.SIDE_BY_SIDE:
        assert sum(r.w for r in [host, *rects]) == W
    if layout is Layout.PIP:
        assert host == Rect(0, 0, W, H)


def test_each_guest_appears_in_their_tile_with_the_host_beside() -> None:
    host = solid((0, 0, 200), W, H)  # red
    guests = [GuestPicture("a", "Mei", solid((0, 200, 0))), GuestPicture("b", "小美", solid((200, 0, 0)))]
    compositor = Compositor(Layout.SIDE_BY_SIDE)
    out = compositor.compose(host, guests)
    assert out is not host and out.shape == host.shape
    ids = [gid for gid, _ in compositor.last_tiles]
    assert ids == ["a", "b"]
    for (_, rect), colour in zip(compositor.last_tiles, [(0, 200, 0), (200, 0, 0)], strict=True):
        middle = out[rect.y + rect.h // 3, rect.x + rect.w // 2]
        assert tuple(int(v) for v in middle) == colour
    assert tuple(out[H // 3, 100]) == (0, 0, 200)
    # The name label darkens the bottom of the tile and has bright text in it.
    label = out[H - 30 : H - 5, compositor.last_tiles[1][1].x : compositor.last_tiles[1][1].x + 120]
    assert label.max() > 200 and np.median(label) < 120


def test_no_guests_is_the_host_picture_untouched_and_layouts_switch() -> None:
    host = solid((10, 20, 30), W, H)
    compositor = Compositor()
    assert compositor.compose(host, []) is host and compositor.last_tiles == ()
    compositor.set_layout(Layout.PIP)
    out = compositor.compose(host, [GuestPicture("a", "A", solid((0, 200, 0)))])
    ((_, rect),) = compositor.last_tiles
    assert rect.w < W / 3 and tuple(out[10, 10]) == (10, 20, 30)
    with pytest.raises(ValueError, match="unknown layout"):
        compositor.set_layout("mosaic")  # type: ignore[arg-type]


def test_a_guest_without_a_picture_or_stalled_is_a_dark_tile_saying_connecting() -> None:
    host = solid((0, 0, 200), W, H)
    compositor = Compositor(Layout.GRID)
    waiting = GuestPicture("a", "Sam", None)
    stalled = GuestPicture("b", "Lin", solid((0, 255, 0)), age=STALE_SECONDS + 1)
    out = compositor.compose(host, [waiting, stalled])
    for _, rect in compositor.last_tiles:
        cell = out[rect.y : rect.y + rect.h // 2, rect.x : rect.x + rect.w]
        assert cell.max() < 60, "dark, not green and not frozen"


def test_more_guests_than_the_layout_holds_shows_the_first_three() -> None:
    host = solid((0, 0, 0), W, H)
    guests = [GuestPicture(str(i), f"G{i}", solid((i * 40, 100, 100))) for i in range(5)]
    compositor = Compositor(Layout.GRID)
    compositor.compose(host, guests)
    assert [gid for gid, _ in compositor.last_tiles] == ["0", "1", "2"]
