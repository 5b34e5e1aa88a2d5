"""A level meter the way OBS draws one: -60 to 0 dBFS left to right, a bar per audio channel.

The scale is in three zones, in OBS's colours: nominal (green, below -20 dB), warning (yellow, to
-9 dB) and error (red, above). The dim colours fill the whole bar; the bright ones fill it up to the
peak; the held peak is a short tick in its zone's bright colour and the RMS level (OBS's
"magnitude") a dark tick; a clipped channel's bar ends in a red cap. Levels come from
``pipeline.filters.meter.MeterLevels`` (already in dBFS, never below -90).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from pipeline.filters.meter import MeterLevels

FLOOR_DB, WARNING_DB, ERROR_DB = -60.0, -20.0, -9.0
BACKGROUND = (QColor(0x26, 0x7F, 0x26), QColor(0x7F, 0x7F, 0x26), QColor(0x7F, 0x26, 0x26))
FOREGROUND = (QColor(0x4C, 0xFF, 0x4C), QColor(0xFF, 0xFF, 0x4C), QColor(0xFF, 0x4C, 0x4C))
MAGNITUDE = QColor(0x00, 0x00, 0x00)
CLIP = QColor(0xFF, 0x00, 0x00)
BAR, GAP, TICKS = 5, 1, 13


class VolumeMeter(QWidget):
    """Peak, held peak and RMS of each channel (module docstring).

    Signals: none; :meth:`set_levels` is called with each reading.
    """

    def __init__(self, parent: QWidget | None = None, *, channels: int = 2, scale: bool = True) -> None:
        super().__init__(parent)
        self.channels = channels
        self.scale = scale
        self.dimmed = False
        self.peak_db: tuple[float, ...] = (FLOOR_DB,) * channels
        self.rms_db: tuple[float, ...] = (FLOOR_DB,) * channels
        self.held_db: tuple[float, ...] = (FLOOR_DB,) * channels
        self.clipped: tuple[bool, ...] = (False,) * channels
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(120)
        self.setFixedHeight(self._height())

    def _height(self) -> int:
        return self.channels * (BAR + GAP) + (TICKS if self.scale else 0)

    def sizeHint(self) -> QSize:
        return QSize(240, self._height())

    def set_levels(self, levels: MeterLevels | None) -> None:
        """Show a reading (None: silence)."""
        if levels is None:
            floor = (FLOOR_DB,) * self.channels
            self.peak_db, self.rms_db, self.held_db, self.clipped = floor, floor, floor, (False,) * self.channels
        else:
            self.peak_db, self.rms_db = levels.peak_db, levels.rms_db
            self.held_db, self.clipped = levels.held_peak_db, levels.clipped
        self.update()

    def set_dimmed(self, dimmed: bool) -> None:
        if dimmed != self.dimmed:
            self.dimmed = dimmed
            self.update()

    def _x(self, db: float, width: float) -> float:
        return width * (max(FLOOR_DB, min(0.0, db)) - FLOOR_DB) / -FLOOR_DB

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self.dimmed:
            painter.setOpacity(0.35)
        width = float(self.width())
        warning, error = self._x(WARNING_DB, width), self._x(ERROR_DB, width)
        zones = ((0.0, warning), (warning, error), (error, width))
        for channel in range(self.channels):
            y = channel * (BAR + GAP)
            peak = self._x(self.peak_db[channel] if channel < len(self.peak_db) else FLOOR_DB, width)
            for (start, end), dim, bright in zip(zones, BACKGROUND, FOREGROUND, strict=True):
                painter.fillRect(QRectF(start, y, end - start, BAR), dim)
                lit = min(end, peak) - start
                if lit > 0:
                    painter.fillRect(QRectF(start, y, lit, BAR), bright)
            held_db = self.held_db[channel] if channel < len(self.held_db) else FLOOR_DB
            held = self._x(held_db, width)
            if held > 3:
                colour = FOREGROUND[0 if held < warning else 1 if held < error else 2]
                painter.fillRect(QRectF(held - 3, y, 3, BAR), colour)
            rms = self._x(self.rms_db[channel] if channel < len(self.rms_db) else FLOOR_DB, width)
            if rms > 3:
                painter.fillRect(QRectF(rms - 3, y, 3, BAR), MAGNITUDE)
            if channel < len(self.clipped) and self.clipped[channel]:
                painter.fillRect(QRectF(width - 4, y, 4, BAR), CLIP)
        if self.scale:
            self._paint_scale(painter, width, self.channels * (BAR + GAP))

    def _paint_scale(self, painter: QPainter, width: float, top: float) -> None:
        font = QFont(self.font())
        font.setPointSizeF(6.5)
        painter.setFont(font)
        painter.setPen(self.palette().color(self.foregroundRole()))
        for db in range(int(FLOOR_DB), 1, 5):
            x = self._x(db, width - 1)
            painter.drawLine(QPointF(x, top), QPointF(x, top + (3 if db % 10 == 0 else 2)))
            if db % 10 == 0:
                label = QRectF(x - 14, top + 2, 28, TICKS - 2)
                if db == int(FLOOR_DB):
                    label.moveLeft(0)
                    align = Qt.AlignmentFlag.AlignLeft
                elif db == 0:
                    label.moveRight(width)
                    align = Qt.AlignmentFlag.AlignRight
                else:
                    align = Qt.AlignmentFlag.AlignHCenter
                painter.drawText(label, align | Qt.AlignmentFlag.AlignTop, str(db))
