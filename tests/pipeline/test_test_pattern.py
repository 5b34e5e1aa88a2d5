"""The test pattern: drawn cheaply but as before in landscape, laid out to fit in portrait."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from pipeline.sources import FrameTime, TestPattern, clock_code
from pipeline.sources.test_pattern import _Digits

FONT = cv2.FONT_HERSHEY_SIMPLEX
BARS = [(192, 192, 192), (0, 192, 192), (192, 192, 0), (0, 192, 0), (192, 0, 192), (0, 0, 192), (192, 0, 0)]


def drawn_with_put_text(width: int, height: int, at: FrameTime, label: str = "ShopCast test pattern") -> np.ndarray:
    """The landscape test pattern as it was drawn before the cells: every text with cv2.putText."""
    w, h, s = width, height, height / 720
    image = np.zeros((h, w, 3), np.uint8)
    bars_h = int(h * 0.62)
    for i, colour in enumerate(BARS):
        image[:bars_h, i * w // 7 : (i + 1) * w // 7] = colour
    image[bars_h : int(h * 0.75)] = np.linspace(0, 255, w, dtype=np.float32).astype(np.uint8)[None, :, None]
    image[int(h * 0.75) :] = (40, 24, 16)
    bx = int((at.media % 4.0) / 4.0 * (w - int(160 * s)))
    cv2.rectangle(image, (bx, int(h * 0.12)), (bx + int(160 * s), int(h * 0.5)), (255, 255, 255), -1)
    cv2.circle(image, (bx + int(80 * s), int(h * 0.31)), int(50 * s), (30, 30, 220), -1)
    if at.media % 1.0 < 0.1:
        cv2.rectangle(image, (w - int(90 * s), int(10 * s)), (w - int(10 * s), int(90 * s)), (255, 255, 255), -1)
    y0 = int(h * 0.76)
    clock = time.strftime("%H:%M:%S", time.localtime(at.wall)) + f".{int(at.wall * 1000) % 1000:03d}"
    left = int(30 * s)
    cv2.putText(image, clock, (left, y0 + int(80 * s)), FONT, 2.4 * s, (255,) * 3, max(1, int(5 * s)), cv2.LINE_AA)
    frame, yellow = f"frame {at.index:07d}", (120, 220, 255)
    cv2.putText(image, frame, (left, y0 + int(140 * s)), FONT, 1.3 * s, yellow, max(1, int(3 * s)), cv2.LINE_AA)
    x, y = int(w * 0.55), y0 + int(24 * s)
    clock_code.draw(image, int(at.wall * 1000), x, y, max(2, min(int(10 * s), (w - x - 4) // clock_code.CELLS)))
    cv2.putText(image, label, (x, y0 + int(140 * s)), FONT, 0.9 * s, (200,) * 3, max(1, int(2 * s)), cv2.LINE_AA)
    return image


@pytest.mark.parametrize("size", [(1280, 720), (854, 480), (640, 360), (320, 180)])
def test_landscape_pictures_are_pixel_for_pixel_what_put_text_drew(size: tuple[int, int]) -> None:
    pattern = TestPattern(*size)
    rng = np.random.default_rng(size[0])
    times = [FrameTime(0, 0.0, 1_700_000_000.0), FrameTime(9_999_999, 333_333.3, 1_700_000_000.999)]
    times += [FrameTime(10_000_000, 333_333.4, 1_700_000_001.0)]  # eight digits: not the template's shape
    for _ in range(60):
        n = int(rng.integers(0, 10_000_000))
        times.append(FrameTime(n, n / 30, float(rng.uniform(1.6e9, 1.8e9))))
    for at in times:
        assert np.array_equal(pattern.read(at), drawn_with_put_text(*size, at)), at


@pytest.mark.parametrize("size", [(1280, 720), (720, 1280), (854, 480), (480, 854), (640, 360), (1920, 1080)])
def test_the_clock_and_the_frame_number_are_copied_from_cells(size: tuple[int, int]) -> None:
    pattern = TestPattern(*size)
    assert pattern._clock.exact and pattern._frame.exact


def test_a_text_the_cells_cannot_draw_is_put_as_put_text_puts_it() -> None:
    background = np.full((120, 600, 3), (40, 24, 16), np.uint8)
    line = _Digits(background, "frame 0000000", (20, 80), 1.3, (120, 220, 255), 3)
    assert line.exact
    for text in ("frame 0123456", "frame 12345678", "FRAME 0000001", "frame 00000x1"):
        ours, theirs = background.copy(), background.copy()
        line.draw(ours, text)
        cv2.putText(theirs, text, (20, 80), FONT, 1.3, (120, 220, 255), 3, cv2.LINE_AA)
        assert np.array_equal(ours, theirs), text


def rows_drawn(pattern: TestPattern, at: FrameTime) -> set[int]:
    """Rows of the text panel where the clock or the frame number changed anything."""
    picture = pattern.read(at)
    panel = int(pattern.height * 0.75)
    changed = (picture[panel:] != pattern._background[panel:]).any(axis=(1, 2))
    return {panel + int(r) for r in np.flatnonzero(changed)}


def test_portrait_stacks_clock_frame_number_code_and_label_inside_the_picture() -> None:
    pattern = TestPattern(720, 1280)
    x, y, cell = pattern.clock_code_box()
    assert cell == 10 and x + clock_code.width(cell) <= 720 and y + cell <= 1280
    at = FrameTime(1234, 41.1, 1_700_000_000.789)
    picture = pattern.read(at)
    assert clock_code.read(picture, x, y, cell) == 1_700_000_000_789
    # The clock text fits across (the landscape layout, scaled by the height, cut it off at 720 px).
    (text_w, _), _ = cv2.getTextSize("00:00:00.000", FONT, 2.4, 5)
    assert pattern._clock_org[0] + text_w < 720
    # Nothing overlaps: the texts end above the code, the label starts below it.
    texts = rows_drawn(pattern, at) - set(range(y, y + cell))
    assert texts and max(texts) < y
    assert pattern._label_org[1] - 30 > y + cell


def test_a_picture_too_small_for_the_code_has_none() -> None:
    pattern = TestPattern(64, 64)
    picture = pattern.read(FrameTime(0, 0.0, 1_700_000_000.0))
    assert picture.shape == (64, 64, 3)
