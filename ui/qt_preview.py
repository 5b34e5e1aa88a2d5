"""A program picture view: the latest picture of one canvas (or of its studio-mode preview), scaled to
fit, letterboxed. The scene editor (ui/scene_editor.py) draws its outlines and guides over it."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class QtPreview(QWidget):
    """Signals:
    frame_shown(): a new frame was taken (the bridge may send the next one).
    """

    frame_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self.frames_shown = 0
        self.waiting_text = self.tr("Starting the preview…")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 180)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def sizeHint(self) -> QSize:
        return QSize(960, 540)

    @Slot(QImage)
    def show_frame(self, image: QImage) -> None:
        self._image = image
        self.frames_shown += 1
        self.frame_shown.emit()
        self.update()

    def clear(self) -> None:
        """Forget the picture (another canvas is shown next): the waiting text until the next frame."""
        self._image = None
        self.update()

    @property
    def image(self) -> QImage | None:
        return self._image

    def picture_size(self) -> QSize | None:
        """The size the picture is shown at before scaling (the picture's own; the editor: the canvas's)."""
        return self._image.size() if self._image is not None else None

    def picture_rect(self) -> QRect:
        """Where the picture is drawn in the widget (empty when there is nothing to show)."""
        size = self.picture_size()
        if size is None or size.isEmpty():
            return QRect()
        scaled = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, scaled.width(), scaled.height())
        target.moveCenter(self.rect().center())
        return target

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(16, 16, 20))
        target = self.picture_rect()
        if self._image is None:
            if not target.isEmpty():
                painter.fillRect(target, QColor(30, 30, 36))
            painter.setPen(QColor(160, 160, 170))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.waiting_text)
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self._image)
        if not target.isEmpty():
            self.paint_over(painter, target)

    def paint_over(self, painter: QPainter, target: QRect) -> None:
        """Draw over the picture (the scene editor's outlines and guides); nothing here."""
