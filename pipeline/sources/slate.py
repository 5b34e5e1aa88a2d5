"""The "be right back" slate (马上回来): the room's title and a message on a warm gradient, for a
break or while the camera is being fixed.

It is the one scene a host can always cut to (docs: ../shared/design/live-commerce-format.md), so it
needs nothing but itself: drawn once when made (about 35 ms at 720x1280) and handed out once
(pipeline/sources/static.py). Words may be Chinese: pipeline/text.py's CJK font, via lettering.
"""

from __future__ import annotations

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from pipeline.frames import Image
from pipeline.sources import lettering
from pipeline.sources.static import StaticSource

TOP_LEFT = (96, 28, 58)
"""BGR of the gradient's top-left corner (deep plum); it runs diagonally to BOTTOM_RIGHT (coral)."""
BOTTOM_RIGHT = (70, 72, 196)


def draw_slate(width: int, height: int, title: str, message: str) -> Image:
    """A BGR width x height slate: a diagonal gradient, ``title`` large and ``message`` below it,
    centred and wrapped to the width."""
    width, height = max(1, int(width)), max(1, int(height))
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    t = ((xs + ys) / 2)[..., None]
    picture = np.array(TOP_LEFT, np.float32) * (1 - t) + np.array(BOTTOM_RIGHT, np.float32) * t
    image = np.ascontiguousarray(np.rint(picture).astype(np.uint8))
    unit = min(width, height)
    if unit < 32:
        return image
    canvas = PILImage.fromarray(image[..., ::-1])
    draw = ImageDraw.Draw(canvas)
    margin = width * 0.1
    title_size = max(10, round(unit * 0.1))
    message_size = max(8, round(title_size * 0.45))
    titles = lettering.clip_lines(title, title_size, width - 2 * margin, 2) if title else []
    messages = lettering.clip_lines(message, message_size, width - 2 * margin, 4) if message else []
    rule = max(2, title_size // 12)
    block = (
        len(titles) * lettering.line_height(title_size) + rule * 6 + len(messages) * lettering.line_height(message_size)
    )
    y = max(0, (height - block) // 2)
    y = lettering.draw_lines(draw, titles, (round(margin), y, round(width - margin), height), title_size, (255,) * 3)
    y += rule * 2
    half = round(width * 0.08)
    draw.rectangle((width // 2 - half, y, width // 2 + half, y + rule), fill=(255, 214, 102))  # a gold rule
    y += rule * 4
    box = (round(margin), y, round(width - margin), height)
    lettering.draw_lines(draw, messages, box, message_size, (240, 232, 236))
    return np.ascontiguousarray(np.asarray(canvas)[..., ::-1])


class SlateSource(StaticSource):
    """The slate as a source, drawn once."""

    description = "slate"

    def __init__(self, width: int, height: int, title: str, message: str) -> None:
        self.width, self.height, self.title, self.message = width, height, title, message
        super().__init__(draw_slate(width, height, title, message))
