"""A moving test picture with the frame number and the wall clock burned in.

The clock (milliseconds) lets anyone read end-to-end latency off a viewer's screen: compare the
burned-in time with the viewer machine's clock; the same time is drawn as a machine-readable code
(pipeline/sources/clock_code.py) at :meth:`TestPattern.clock_code_box`, for programs to do that. A
white square flashes on every whole second, in step with the tone source's beep, for audio/video
sync checks.
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from pipeline.frames import Image
from pipeline.sources import clock_code
from pipeline.sources.base import FrameTime, VideoSource

# SMPTE-like bars, BGR.
_BARS = [
    (192, 192, 192),
    (0, 192, 192),
    (192, 192, 0),
    (0, 192, 0),
    (192, 0, 192),
    (0, 0, 192),
    (192, 0, 0),
]


class TestPattern(VideoSource):
    __test__ = False  # not a pytest test class
    description = "test pattern"

    def __init__(self, width: int = 1280, height: int = 720, label: str = "ShopCast test pattern") -> None:
        if width < 64 or height < 64:
            raise ValueError(f"test pattern size {width}x{height} is too small (min 64x64)")
        self.width = width
        self.height = height
        self.label = label
        self._background = self._make_background()
        self._scale = height / 720

    def clock_code_box(self) -> tuple[int, int, int]:
        """Where the clock code is: (x, y, cell size) in pixels."""
        x, y = int(self.width * 0.55), int(self.height * 0.76) + int(24 * self._scale)
        return x, y, max(2, min(int(10 * self._scale), (self.width - x - 4) // clock_code.CELLS))

    def _make_background(self) -> Image:
        w, h = self.width, self.height
        image = np.zeros((h, w, 3), np.uint8)
        bars_h = int(h * 0.62)
        for i, colour in enumerate(_BARS):
            x0, x1 = i * w // len(_BARS), (i + 1) * w // len(_BARS)
            image[:bars_h, x0:x1] = colour
        ramp = np.linspace(0, 255, w, dtype=np.float32).astype(np.uint8)
        image[bars_h : int(h * 0.75)] = ramp[None, :, None]
        image[int(h * 0.75) :] = (40, 24, 16)
        return image

    def read(self, at: FrameTime) -> Image:
        image = self._background.copy()
        w, h, s = self.width, self.height, self._scale
        # A box sweeping across the bars shows motion (and encoder stress) at a glance.
        period = 4.0
        phase = (at.media % period) / period
        bx = int(phase * (w - int(160 * s)))
        cv2.rectangle(image, (bx, int(h * 0.12)), (bx + int(160 * s), int(h * 0.5)), (255, 255, 255), -1)
        cv2.circle(image, (bx + int(80 * s), int(h * 0.31)), int(50 * s), (30, 30, 220), -1)
        if at.media % 1.0 < 0.1:
            cv2.rectangle(image, (w - int(90 * s), int(10 * s)), (w - int(10 * s), int(90 * s)), (255, 255, 255), -1)
        # Text panel.
        y0 = int(h * 0.76)
        font = cv2.FONT_HERSHEY_SIMPLEX
        local = time.localtime(at.wall)
        clock = time.strftime("%H:%M:%S", local) + f".{int(at.wall * 1000) % 1000:03d}"
        cv2.putText(
            image,
            clock,
            (int(30 * s), y0 + int(80 * s)),
            font,
            2.4 * s,
            (255, 255, 255),
            max(1, int(5 * s)),
            cv2.LINE_AA,
        )
        cv2.putText(
            image,
            f"frame {at.index:07d}",
            (int(30 * s), y0 + int(140 * s)),
            font,
            1.3 * s,
            (120, 220, 255),
            max(1, int(3 * s)),
            cv2.LINE_AA,
        )
        x, y, cell = self.clock_code_box()
        clock_code.draw(image, int(at.wall * 1000), x, y, cell)
        cv2.putText(
            image,
            self.label,
            (int(w * 0.55), y0 + int(140 * s)),
            font,
            0.9 * s,
            (200, 200, 200),
            max(1, int(2 * s)),
            cv2.LINE_AA,
        )
        return image
