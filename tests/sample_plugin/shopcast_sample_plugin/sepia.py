"""The sepia filter itself: one 3x3 colour matrix (cv2.transform), blended by strength."""

from __future__ import annotations

import cv2
import numpy as np

from plugins.api import Context, Image
from shopcast_sample_plugin import SepiaSettings

# BGR in → BGR out (the classic sepia matrix, rows reordered for OpenCV's BGR).
SEPIA = np.array([[0.131, 0.534, 0.272], [0.168, 0.686, 0.349], [0.189, 0.769, 0.393]], np.float32)
WARM = np.array([[0.9, 0, 0], [0, 1.0, 0], [0, 0, 1.08]], np.float32)


class Sepia:
    def __init__(self, settings: SepiaSettings, context: Context) -> None:
        self.matrix = self._matrix(settings)

    @staticmethod
    def _matrix(s: SepiaSettings) -> np.ndarray:
        look = WARM @ SEPIA if s.warm else SEPIA
        return (s.strength * look + (1 - s.strength) * np.eye(3, dtype=np.float32)).astype(np.float32)

    def update(self, settings: SepiaSettings) -> None:
        self.matrix = self._matrix(settings)  # one reference swap: the render thread sees old or new

    def process(self, image: Image) -> Image:
        return cv2.transform(image, self.matrix)
