"""Small icons the scene docks and the mixer draw themselves: an eye (shown / hidden), a padlock
(locked / free), a speaker (on / muted) and two overlapping frames (duplicate). Painted in the
palette's text colour, not taken from a font or an icon theme, so they look the same on every
desktop and in the offscreen screenshots."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap

SIZE = 32
"""Drawn at 32 px and scaled down: crisp at 16 px on a 2x screen."""
ALERT = QColor("#e5243b")


def _ink(on: bool) -> QColor:
    """The palette's text colour (dark on a light theme, light on a dark one); faded when off."""
    colour = QColor(QGuiApplication.palette().color(QPalette.ColorRole.WindowText))
    if not on:
        colour.setAlphaF(0.35)
    return colour


def _canvas() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(SIZE, SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def _pen(colour: QColor, width: float = 2.6) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


@cache
def eye_icon(shown: bool) -> QIcon:
    """An open eye (the layer is shown), or a dim one struck through (hidden)."""
    pixmap, p = _canvas()
    colour = _ink(shown)
    p.setPen(_pen(colour))
    outline = QPainterPath()
    outline.moveTo(3, 16)
    outline.quadTo(16, 3, 29, 16)
    outline.quadTo(16, 29, 3, 16)
    p.drawPath(outline)
    p.setBrush(colour)
    p.drawEllipse(QPointF(16, 16), 4.5, 4.5)
    if not shown:
        p.setPen(_pen(colour, 3))
        p.drawLine(QPointF(5, 27), QPointF(27, 5))
    p.end()
    return QIcon(pixmap)


@cache
def lock_icon(locked: bool) -> QIcon:
    """A closed padlock (the layer cannot be moved on the preview), or a dim open one."""
    pixmap, p = _canvas()
    colour = _ink(locked)
    p.setPen(_pen(colour))
    shackle = QRectF(9, 4, 14, 16)
    if locked:
        p.drawArc(shackle, 0, 180 * 16)
        p.drawLine(QPointF(9, 12), QPointF(9, 15))
        p.drawLine(QPointF(23, 12), QPointF(23, 15))
    else:
        p.drawArc(shackle.translated(0, -2), 0, 180 * 16)
        p.drawLine(QPointF(23, 10), QPointF(23, 15))
    p.setBrush(colour)
    p.drawRoundedRect(QRectF(6, 15, 20, 14), 2.5, 2.5)
    p.end()
    return QIcon(pixmap)


@cache
def speaker_icon(muted: bool) -> QIcon:
    """A speaker with sound waves, or a red one crossed out (muted)."""
    pixmap, p = _canvas()
    colour = ALERT if muted else _ink(True)
    p.setPen(_pen(colour, 2))
    p.setBrush(colour)
    body = QPainterPath()
    body.moveTo(4, 12)
    body.lineTo(10, 12)
    body.lineTo(17, 5)
    body.lineTo(17, 27)
    body.lineTo(10, 20)
    body.lineTo(4, 20)
    body.closeSubpath()
    p.drawPath(body)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(_pen(colour, 2.6))
    if muted:
        p.drawLine(QPointF(21, 11), QPointF(29, 21))
        p.drawLine(QPointF(29, 11), QPointF(21, 21))
    else:
        p.drawArc(QRectF(13, 10, 10, 12), -60 * 16, 120 * 16)
        p.drawArc(QRectF(11, 5, 18, 22), -60 * 16, 120 * 16)
    p.end()
    return QIcon(pixmap)


@cache
def duplicate_icon() -> QIcon:
    """Two overlapping frames: make a copy."""
    pixmap, p = _canvas()
    p.setPen(_pen(_ink(True), 2.4))
    p.drawRoundedRect(QRectF(4, 4, 17, 17), 2, 2)
    p.setBrush(QGuiApplication.palette().color(QPalette.ColorRole.Button))
    p.drawRoundedRect(QRectF(11, 11, 17, 17), 2, 2)
    p.end()
    return QIcon(pixmap)
