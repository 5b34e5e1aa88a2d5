"""Text drawn into the picture (names on co-host tiles, ...), Chinese included.

OpenCV's built-in fonts have ASCII only, so text is drawn with Pillow and a CJK-capable font found
on the system (WenQuanYi Micro Hei from Debian's fonts-wqy-microhei, which the setup installs;
Noto CJK or Droid Sans Fallback where those are), falling back to Pillow's own font. Each label is
drawn once and kept (a name does not change between frames), then blended in with its coverage.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image as PilImage
from PIL import ImageDraw, ImageFont

from pipeline.frames import Image

FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The first of :data:`FONTS` the machine has, at ``size`` px (Pillow's own font otherwise)."""
    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


@functools.lru_cache(maxsize=64)
def _coverage(text: str, size: int) -> npt.NDArray[np.float32]:
    """The text's coverage (0..1), H x W, drawn at ``size`` px."""
    face = font(size)
    left, top, right, bottom = face.getbbox(text)
    canvas = PilImage.new("L", (max(1, int(right - left) + 2), max(1, int(bottom - top) + 2)), 0)
    ImageDraw.Draw(canvas).text((1 - left, 1 - top), text, font=face, fill=255)
    coverage = np.asarray(canvas, np.float32) / 255.0
    coverage.flags.writeable = False
    return coverage


def draw_text(
    image: Image, text: str, x: int, y: int, size: int, colour: tuple[int, int, int] = (255, 255, 255)
) -> int:
    """Draw ``text`` with its top left at (x, y), ``size`` px tall, into ``image`` (in place,
    clipped to it). Returns the width drawn."""
    if not text:
        return 0
    coverage = _coverage(text, max(6, size))
    h, w = image.shape[:2]
    ch, cw = coverage.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + cw), min(h, y + ch)
    if x1 <= x0 or y1 <= y0:
        return 0
    alpha = coverage[y0 - y : y1 - y, x0 - x : x1 - x, None]
    region = image[y0:y1, x0:x1].astype(np.float32)
    image[y0:y1, x0:x1] = (region + alpha * (np.array(colour, np.float32) - region)).astype(np.uint8)
    return int(cw)
