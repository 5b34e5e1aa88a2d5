"""Overlays over the program: text with Chinese glyphs, images with transparency, placed at a corner
or an edge, blended over the region they cover only, drawn after the co-hosts are composed in."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.canvas import Canvas
from pipeline.clock import SystemClock
from pipeline.frames import VideoFrame
from pipeline.overlay import POSITIONS, blend, image_layer, parse_colour, place, text_layer
from pipeline.program import Program, ProgramSettings
from pipeline.scene import Box, CanvasScenes, Layer, Scene, SceneCollection, SourceSpec
from pipeline.scene_render import SourcePicture
from pipeline.show import ShowVideo
from pipeline.sources import FrameTime, TestPattern
from pipeline.sources.audio import ToneSource
from tests.helpers.waiting import wait_until


def grey(width: int = 1280, height: int = 720, level: int = 100) -> np.ndarray:
    frame = np.full((height, width, 3), level, np.uint8)
    frame.flags.writeable = False
    return frame


def test_chinese_text_is_drawn_with_real_glyphs() -> None:
    """Without a CJK font (setup installs fonts-wqy-microhei) every Chinese character would be the
    same empty box (tofu)."""
    glyphs = []
    for char in "全场包邮":
        layer = text_layer(char, size=48, background=0)
        assert layer is not None
        glyphs.append((layer.alpha[..., 0] > 0.5).astype(np.uint8))
    for a, b in itertools.combinations(glyphs, 2):
        h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
        assert np.count_nonzero(a[:h, :w] != b[:h, :w]) > 50, "distinct characters have distinct shapes"
    assert text_layer("   ", size=32) is None


def test_a_layer_changes_only_the_pixels_it_covers_and_honours_opacity() -> None:
    frame = grey()
    layer = text_layer("Free shipping 全场包邮", size=32, colour=(255, 0, 0), background=0.5)
    assert layer is not None
    x, y = place(layer.size, (1280, 720), "bottom_left", 24)
    w, h = layer.size
    assert (x, y + h) == (24, 720 - 24)
    out = blend(frame, layer, x, y)
    assert out is not frame and np.array_equal(frame, grey()), "the shared frame is not written"
    changed = np.argwhere(np.any(out != frame, axis=2))
    assert changed.size
    assert changed[:, 0].min() >= y and changed[:, 0].max() < y + h
    assert changed[:, 1].min() >= x and changed[:, 1].max() < x + w
    # The box at half opacity darkens the grey by half; the red text is red.
    corner = out[y + h // 2, x + 2]
    assert abs(int(corner[0]) - 50) <= 2, corner
    assert np.any((out[y : y + h, x : x + w, 2] > 200) & (out[y : y + h, x : x + w, 0] < 60))
    faint = blend(frame, text_layer("Free shipping 全场包邮", size=32, background=0.5, opacity=0.2) or layer, x, y)
    assert abs(int(faint[y + h // 2, x + 2][0]) - 90) <= 2, "20 % of a half-dark box"


def test_a_scaled_logo_keeps_its_edge_colour(tmp_path: Path) -> None:
    """Scaling averages an opaque green pixel with a transparent one: half-transparent green, not a
    darker green (the transparent pixel's black must not bleed in)."""
    logo = np.array([[[0, 200, 0, 255], [0, 0, 0, 0]]], np.uint8)  # 2x1: green, transparent black
    cv2.imwrite(str(tmp_path / "edge.png"), logo)
    layer = image_layer(str(tmp_path / "edge.png"), width=1)
    out = blend(np.full((1, 1, 3), 200, np.uint8), layer, 0, 0)
    assert np.abs(out[0, 0].astype(int) - (100, 200, 100)).max() <= 2, out[0, 0]


def test_text_on_a_half_transparent_box_keeps_its_colour_at_the_edges() -> None:
    """Anti-aliased edge pixels of white text lie between the box's grey and white, never darker
    than the box around them."""
    layer = text_layer("全场包邮", size=40, background=0.5)
    assert layer is not None
    out = blend(np.full((200, 400, 3), 200, np.uint8), layer, 0, 0)
    w, h = layer.size
    box_grey = out[h // 2, 2].astype(int)  # inside the box, left of the text
    assert abs(int(box_grey[0]) - 100) <= 2
    assert out[:h, :w].min() >= box_grey.min() - 2, "no edge pixel darker than the box"


@pytest.mark.parametrize("position", POSITIONS)
def test_every_position_keeps_the_margin_and_stays_inside(position: str) -> None:
    x, y = place((200, 60), (1280, 720), position, 30)
    assert 30 <= x <= 1280 - 200 - 30 and y in (30, 720 - 60 - 30)
    if position in ("top", "bottom"):
        assert x == (1280 - 200) // 2
    with pytest.raises(ValueError, match="position 'middle' is not one of top_left"):
        place((200, 60), (1280, 720), "middle", 30)


def test_an_image_keeps_its_transparency_and_is_clipped_at_the_edge(tmp_path: Path) -> None:
    logo = np.zeros((100, 200, 4), np.uint8)
    logo[25:75, 50:150] = (0, 255, 0, 255)  # an opaque green block in a transparent picture
    path = tmp_path / "logo.png"
    cv2.imwrite(str(path), logo)
    layer = image_layer(str(path), width=100)
    assert layer.size == (100, 50)
    out = blend(grey(), layer, 1200, 10)  # 20 px of it hang off the right edge
    assert tuple(out[35, 1230]) == (0, 255, 0)
    assert tuple(out[12, 1205]) == (100, 100, 100), "transparent pixels leave the picture as it was"
    assert np.array_equal(out[:, :1200], grey()[:, :1200])
    with pytest.raises(ValueError, match="not an image file"):
        image_layer(str(tmp_path / "missing.png"), width=100)
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(ValueError, match=r"notes\.png: not an image file ShopCast can read"):
        image_layer(str(tmp_path / "notes.png"), width=100)
    assert parse_colour("#FF8000") == (255, 128, 0)
    with pytest.raises(ValueError, match="is not #rrggbb"):
        parse_colour("orange")


def test_the_program_draws_the_overlay_over_the_composed_picture() -> None:
    """Co-host tiles are composed first; the overlay lies over them (a logo stays on top)."""
    canvas = Canvas("landscape", 320, 180)
    settings = ProgramSettings(canvases=(canvas,), fps=Fraction(30))
    pattern = TestPattern(320, 180)

    class Frames:
        def picture(self, source_id: str, at: FrameTime) -> SourcePicture:
            return SourcePicture(pattern.read(at), at.index)

    scene = Scene("s", "S", (Layer("l", "pattern", Box(0, 0, 320, 180)),))
    collection = SceneCollection(
        "c", (SourceSpec("pattern", "P", "shopcast.test_pattern"),), (CanvasScenes(canvas, (scene,), "s", "s"),)
    )
    show = ShowVideo(collection, Frames(), settings.fps)
    program = Program(settings, SystemClock(), show, ToneSource(48_000, 2))
    guest = np.zeros((180, 320, 3), np.uint8)
    guest[:, 160:] = (255, 0, 0)  # the compositor puts a "guest" on the right half

    def compose(host: np.ndarray) -> np.ndarray:
        out = host.copy()
        out[:, 160:] = guest[:, 160:]
        return out

    def overlay(image: np.ndarray) -> np.ndarray:
        out = image.copy()
        out[10:30, 280:310] = (0, 0, 255)  # a red mark in the guest's half
        return out

    show.set_post("landscape", (compose, overlay))
    frames: list[VideoFrame] = []
    program.add_video_sink(frames.append)
    program.start()
    try:
        wait_until(lambda: len(frames) >= 3, 5, "three program frames", poll=0.02)
    finally:
        program.stop()
    picture = frames[-1].image
    assert tuple(picture[20, 295]) == (0, 0, 255), "the overlay is over the guest"
    assert tuple(picture[100, 250]) == (255, 0, 0), "the guest is there"
    assert not picture.flags.writeable


def test_the_text_overlay_takes_a_typed_backslash_n_as_a_new_line() -> None:
    from plugins.api import Context
    from plugins.builtin.overlays import TextOverlay
    from plugins.builtin.records import TextOverlaySettings

    context = Context(1280, 720, 30.0, 48_000, 2)
    one = TextOverlay(TextOverlaySettings(text="全场包邮"), context)
    two = TextOverlay(TextOverlaySettings(text="全场包邮\\n七天无理由"), context)
    assert one._layer is not None and two._layer is not None
    assert two._layer[0].size[1] > 1.6 * one._layer[0].size[1]
