"""QR codes for links the streamer shares (co-host invites): drawn from segno's module matrix."""

from __future__ import annotations

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter


def qr_image(text: str, size: int = 220) -> QImage:
    """A square black-on-white QR code of ``text`` about ``size`` pixels wide, with its quiet zone."""
    code = segno.make(text, error="m")
    matrix = code.matrix
    quiet = 4
    modules = len(matrix) + 2 * quiet
    scale = max(1, size // modules)
    image = QImage(modules * scale, modules * scale, QImage.Format.Format_RGB32)
    image.fill(QColor(Qt.GlobalColor.white))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(Qt.GlobalColor.black))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.drawRect((x + quiet) * scale, (y + quiet) * scale, scale, scale)
    painter.end()
    return image
