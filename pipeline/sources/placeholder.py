"""What stands in for a source that cannot deliver: a dark slate with a mark, the source's name and
why (a missing image, an unplugged camera), and :class:`ProblemSource`, a source that is only that.

The show never stops for a broken source (pipeline/sources/base.py): the scene renderer draws this in
the layer's box instead, so the streamer sees what is wrong where the picture should be and the
viewers see a calm slate rather than a frozen or black box. The words come from the source's
:class:`~pipeline.sources.base.Problem` (in the interface's language) and may be Chinese, so they are
drawn with pipeline/text.py's CJK font. A placeholder is drawn once per (size, title, message) and
kept: the renderer may ask for it every frame.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from pipeline.frames import Image
from pipeline.sources import lettering
from pipeline.sources.base import FrameTime, Problem, VideoSource

SLATE_TOP = (52, 46, 40)
"""BGR of the placeholder's background at the top (a dark blue-grey), fading to SLATE_BOTTOM."""
SLATE_BOTTOM = (32, 27, 24)
MARK = (59, 176, 255)
"""BGR of the warning mark (amber)."""


def vertical_gradient(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image:
    """A BGR picture fading from ``top`` to ``bottom``."""
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    colours = np.array(top, np.float32) * (1 - ramp) + np.array(bottom, np.float32) * ramp
    return np.ascontiguousarray(np.broadcast_to(np.rint(colours), (height, width, 3)).astype(np.uint8))


@functools.lru_cache(maxsize=32)
def draw_placeholder(width: int, height: int, title: str, message: str) -> Image:
    """A BGR width x height slate: a warning mark, ``title`` (the source's name) and ``message`` (why
    it shows nothing), centred, wrapped to the width. Read-only and shared: copy it to draw on it."""
    width, height = max(1, int(width)), max(1, int(height))
    image = vertical_gradient(width, height, SLATE_TOP, SLATE_BOTTOM)
    unit = min(width, height)
    if unit >= 24:
        radius = max(6, round(unit * 0.08))
        centre = (width // 2, round(height * 0.38) if height > 3 * radius else height // 2)
        thickness = max(1, radius // 5)
        cv2.circle(image, centre, radius, MARK, thickness, cv2.LINE_AA)
        bar_top, bar_bottom = centre[1] - radius // 2, centre[1] + radius // 6
        cv2.line(image, (centre[0], bar_top), (centre[0], bar_bottom), MARK, thickness, cv2.LINE_AA)
        cv2.circle(image, (centre[0], centre[1] + radius // 2), max(1, thickness // 2 + 1), MARK, -1, cv2.LINE_AA)
        top = centre[1] + radius + max(4, radius // 2)
        title_size = max(8, min(56, round(unit * 0.075)))
        message_size = max(8, round(title_size * 0.7))
        if top + title_size < height:
            picture = PILImage.fromarray(image[..., ::-1])  # Pillow draws RGB
            draw = ImageDraw.Draw(picture)
            margin = width * 0.08
            box = (round(margin), top, round(width - margin), height)
            title_lines = lettering.clip_lines(title, title_size, width - 2 * margin, 1) if title else []
            y = lettering.draw_lines(draw, title_lines, box, title_size, (255, 255, 255))
            room = (height - y - message_size // 2) // lettering.line_height(message_size)
            if message and room > 0:
                lines = lettering.clip_lines(message, message_size, width - 2 * margin, min(4, room))
                box = (box[0], y + message_size // 3, box[2], height)
                lettering.draw_lines(draw, lines, box, message_size, (205, 210, 220))
            image = np.ascontiguousarray(np.asarray(picture)[..., ::-1])
    image.flags.writeable = False
    return image


class ProblemSource(VideoSource):
    """A source that has nothing but its problem (a file that is not there, a device that cannot be
    used): the renderer draws the placeholder with the problem's words."""

    def __init__(self, problem: Problem, description: str = "unavailable source") -> None:
        self.problem = problem
        self.description = description

    def read(self, at: FrameTime) -> Image | None:
        return None
