"""A solid colour, optionally see-through: a backdrop, a tinted band behind text, a colour wash.

The picture is made once (BGR when opaque, premultiplied BGRA otherwise) and handed out on the first
read only (pipeline/sources/static.py), so a colour layer costs the renderer one blend a frame.
"""

from __future__ import annotations

import numpy as np

from pipeline.sources.static import StaticSource


class ColourSource(StaticSource):
    description = "colour"

    def __init__(self, width: int, height: int, rgb: tuple[int, int, int], opacity: float = 1.0) -> None:
        if width < 1 or height < 1:
            raise ValueError(f"colour size {width}x{height} must be at least 1x1")
        if not 0 <= opacity <= 1:
            raise ValueError(f"opacity {opacity} must be within 0..1")
        self.width, self.height, self.rgb, self.opacity = width, height, rgb, opacity
        r, g, b = rgb
        if opacity >= 1:
            picture = np.empty((height, width, 3), np.uint8)
            picture[...] = (b, g, r)
        else:
            alpha = round(255 * opacity)
            picture = np.empty((height, width, 4), np.uint8)
            picture[...] = (*((c * alpha + 127) // 255 for c in (b, g, r)), alpha)
        super().__init__(picture)
