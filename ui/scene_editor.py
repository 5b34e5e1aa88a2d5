"""Editing a scene on its picture, as in OBS's preview: outlines of the layers, the selected one with
handles; drag to move, drag a handle to resize (Shift keeps the shape, Ctrl turns snapping off), the
arrow keys nudge (Shift: 10 pixels). Boxes snap to the canvas's edges and centre lines and to the
safe zone's edges (ui/layer_geometry.py). Every step is an ``edit_layer``, so the program follows
while the mouse moves: the next frame draws the layer at its new place.

On a portrait canvas the guide shades what the phone apps cover (app.scene_templates.safe_zone: the
top bar, the buttons on the right, the comments and product card at the bottom), each with a small
label; on a landscape canvas it outlines the title-safe area. Locked and hidden layers do not move.
The same widget shows studio mode's program, read-only: the picture and the guide, no outlines.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import QWidget

from app.scene_templates import safe_zone
from pipeline.scene import Box, Layer, Scene
from ui.layer_geometry import HANDLES, Guides, Placed, guides, moved, nudged, resized
from ui.qt_preview import QtPreview
from ui.scene_editing import SceneEditing
from ui.studio_icons import lock_icon

SELECTED = QColor("#e5243b")
OUTLINE = QColor(255, 255, 255, 110)
SNAP_LINE = QColor("#ff4fd8")
SHADE = QColor(0, 0, 0, 110)
HANDLE_SIZE = 8

CURSORS = {
    "tl": Qt.CursorShape.SizeFDiagCursor,
    "br": Qt.CursorShape.SizeFDiagCursor,
    "tr": Qt.CursorShape.SizeBDiagCursor,
    "bl": Qt.CursorShape.SizeBDiagCursor,
    "t": Qt.CursorShape.SizeVerCursor,
    "b": Qt.CursorShape.SizeVerCursor,
    "l": Qt.CursorShape.SizeHorCursor,
    "r": Qt.CursorShape.SizeHorCursor,
}


@dataclass(slots=True)
class _Drag:
    layer: str
    handle: str
    """``move``, or one of the HANDLES."""
    start: QPointF
    """Where the mouse went down, in canvas pixels."""
    box: Box
    last: Box


class SceneEditor(QtPreview):
    """The picture of a canvas's program or preview scene, editable (module docstring).

    ``role`` is ``program`` (the scene on air: editable outside studio mode) or ``preview`` (the
    scene in preview: studio mode's left side, always editable).

    Signals:
        frame_shown(): (QtPreview's) a picture was taken.
    A click selects through SceneEditing (``selection_changed``), which the Sources dock follows.
    """

    def __init__(self, editing: SceneEditing, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if role not in ("program", "preview"):
            raise ValueError(f"role {role!r} is neither program nor preview")
        self.editing = editing
        self.role = role
        self.safe_zone_shown = True
        self._drag: _Drag | None = None
        self._snapped: Placed | None = None
        self._hover = ""
        self.setObjectName(f"{role}-editor")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStatusTip(
            self.tr(
                "Drag a layer to move it, its handles to resize it (Shift keeps the shape, Ctrl stops snapping);"
                " the arrow keys nudge it"
            )
        )
        editing.changed.connect(self.update)
        editing.selection_changed.connect(self.update)
        editing.canvas_changed.connect(self._on_canvas)

    @Slot(str)
    def _on_canvas(self, _name: str) -> None:
        self.clear()

    def sizeHint(self) -> QSize:
        canvas = self.editing.canvas_info()
        return QSize(canvas.width, canvas.height).scaled(QSize(560, 560), Qt.AspectRatioMode.KeepAspectRatio)

    # --- what is shown -----------------------------------------------------------------------------

    def scene(self) -> Scene | None:
        scenes = self.editing.canvas_scenes()
        if scenes is None:
            return None
        return scenes.preview_scene if self.role == "preview" else scenes.program_scene

    @property
    def editable(self) -> bool:
        return self.editing.scenes is not None and (self.role == "preview" or not self.editing.studio_mode)

    def set_safe_zone_shown(self, shown: bool) -> None:
        self.safe_zone_shown = shown
        self.update()

    def picture_size(self) -> QSize:
        canvas = self.editing.canvas_info()
        return QSize(canvas.width, canvas.height)

    def _scale(self) -> float:
        return self.picture_rect().width() / self.editing.canvas_info().width

    def to_widget(self, x: float, y: float) -> QPointF:
        """A canvas point's place in the widget."""
        target, scale = self.picture_rect(), self._scale()
        return QPointF(target.x() + x * scale, target.y() + y * scale)

    def to_canvas(self, point: QPointF) -> QPointF:
        target, scale = self.picture_rect(), self._scale()
        return QPointF((point.x() - target.x()) / scale, (point.y() - target.y()) / scale)

    def box_rect(self, box: Box) -> QRectF:
        """A layer's box in widget coordinates."""
        return QRectF(self.to_widget(box.x, box.y), self.to_widget(box.x + box.w, box.y + box.h))

    # --- hit testing ---------------------------------------------------------------------------------

    def layer_at(self, point: QPointF) -> Layer | None:
        """The front-most visible layer under ``point`` (widget coordinates)."""
        scene = self.scene()
        if scene is None:
            return None
        return next((la for la in reversed(scene.layers) if la.visible and self.box_rect(la.box).contains(point)), None)

    def handle_rects(self, box: Box) -> dict[str, QRectF]:
        rect = self.box_rect(box)
        xs = {"l": rect.left(), "r": rect.right(), "m": rect.center().x()}
        ys = {"t": rect.top(), "b": rect.bottom(), "m": rect.center().y()}
        out = {}
        half = HANDLE_SIZE / 2
        for handle in HANDLES:
            x = xs["l" if "l" in handle else "r" if "r" in handle else "m"]
            y = ys["t" if "t" in handle else "b" if "b" in handle else "m"]
            out[handle] = QRectF(x - half, y - half, HANDLE_SIZE, HANDLE_SIZE)
        return out

    def _movable_selection(self) -> Layer | None:
        layer = self.editing.layer(self.editing.selected) if self.editing.selected else None
        if layer is None or layer.locked or not layer.visible:
            return None
        scene = self.scene()
        return layer if scene is not None and any(la.id == layer.id for la in scene.layers) else None

    def handle_at(self, point: QPointF) -> str:
        layer = self._movable_selection()
        if layer is None:
            return ""
        for handle, rect in self.handle_rects(layer.box).items():
            if rect.adjusted(-3, -3, 3, 3).contains(point):
                return handle
        return ""

    # --- the mouse and the keys -----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.editable:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        point = event.position()
        handle = self.handle_at(point)
        layer = self._movable_selection() if handle else self.layer_at(point)
        self.editing.select(layer.id if layer is not None else "")
        if layer is not None and not layer.locked:
            start = self.to_canvas(point)
            self._drag = _Drag(layer.id, handle or "move", start, layer.box, layer.box)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        drag = self._drag
        if drag is None:
            self._hover_at(point)
            return
        now = self.to_canvas(point)
        dx, dy = now.x() - drag.start.x(), now.y() - drag.start.y()
        modifiers = event.modifiers()
        snap = None if modifiers & Qt.KeyboardModifier.ControlModifier else self._guides()
        if drag.handle == "move":
            placed = moved(drag.box, dx, dy, snap)
        else:
            shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
            placed = resized(drag.box, drag.handle, dx, dy, snap, keep_aspect=shift)
        self._snapped = placed
        if placed.box != drag.last:
            drag.last = placed.box
            self.editing.edit_layer(drag.layer, box=placed.box)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag = None
            self._snapped = None
            self.update()
        super().mouseReleaseEvent(event)

    def _hover_at(self, point: QPointF) -> None:
        if not self.editable:
            self.unsetCursor()
            return
        handle = self.handle_at(point)
        layer = None if handle else self.layer_at(point)
        if handle:
            self.setCursor(CURSORS[handle])
        elif layer is not None and not layer.locked and layer.id == self.editing.selected:
            self.setCursor(Qt.CursorShape.SizeAllCursor)
        else:
            self.unsetCursor()
        hover = layer.id if layer is not None else ""
        if hover != self._hover:
            self._hover = hover
            self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        layer = self._movable_selection()
        step = steps.get(Qt.Key(event.key()))
        if step is None or layer is None or not self.editable:
            if event.key() == Qt.Key.Key_Escape and self.editable:
                self.editing.select("")
                return
            super().keyPressEvent(event)
            return
        far = 10 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
        self.editing.edit_layer(layer.id, box=nudged(layer.box, step[0] * far, step[1] * far))

    def _guides(self) -> Guides:
        canvas = self.editing.canvas_info()
        return guides(canvas, safe_zone(canvas))

    # --- drawing -----------------------------------------------------------------------------------

    def paint_over(self, painter: QPainter, target: QRect) -> None:
        painter.save()
        painter.setClipRect(target)
        if self.safe_zone_shown:
            self._paint_safe_zone(painter)
        if self.editable:
            self._paint_layers(painter)
        painter.restore()

    def _paint_safe_zone(self, painter: QPainter) -> None:
        canvas = self.editing.canvas_info()
        zone = self.box_rect(safe_zone(canvas))
        whole = self.box_rect(Box(0, 0, canvas.width, canvas.height))
        dashed = QPen(QColor(255, 255, 255, 150), 1, Qt.PenStyle.DashLine)
        if not canvas.portrait:  # landscape: the title-safe frame only
            painter.setPen(dashed)
            painter.drawRect(zone)
            return
        top = QRectF(whole.left(), whole.top(), whole.width(), zone.top() - whole.top())
        bottom = QRectF(whole.left(), zone.bottom(), whole.width(), whole.bottom() - zone.bottom())
        right = QRectF(zone.right(), zone.top(), whole.right() - zone.right(), zone.height())
        for area in (top, bottom, right):
            painter.fillRect(area, SHADE)
        painter.setPen(dashed)
        painter.drawRect(zone)
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.75))
        painter.setFont(font)
        painter.setPen(QColor(255, 255, 255, 190))
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(top.adjusted(4, 2, -4, -2), flags, self.tr("App top bar"))
        painter.drawText(bottom.adjusted(4, 2, -4, -2), flags, self.tr("Comments, product card, buttons"))
        painter.save()  # the right strip is narrow: its label runs up it
        painter.translate(right.center())
        painter.rotate(-90)
        strip = QRectF(-right.height() / 2, -right.width() / 2, right.height(), right.width())
        painter.drawText(strip, flags, self.tr("Like, share, cart"))
        painter.restore()

    def _paint_layers(self, painter: QPainter) -> None:
        scene = self.scene()
        if scene is None:
            return
        selected = self.editing.selected
        for layer in scene.layers:
            if not layer.visible or layer.id == selected:
                continue
            colour = QColor(255, 255, 255, 200) if layer.id == self._hover else OUTLINE
            painter.setPen(QPen(colour, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self.box_rect(layer.box))
        chosen = next((la for la in scene.layers if la.id == selected and la.visible), None)
        if chosen is not None:
            rect = self.box_rect(chosen.box)
            painter.setPen(QPen(SELECTED, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
            if chosen.locked:
                corner = rect.topLeft().toPoint() + QPoint(4, 4)
                painter.drawPixmap(corner, lock_icon(True).pixmap(16, 16))
            else:
                painter.setBrush(QColor("white"))
                painter.setPen(QPen(SELECTED, 1.5))
                for handle in self.handle_rects(chosen.box).values():
                    painter.drawRect(handle)
        placed = self._snapped
        if placed is not None:
            canvas = self.editing.canvas_info()
            painter.setPen(QPen(SNAP_LINE, 1))
            for x in placed.xs:
                painter.drawLine(self.to_widget(x, 0), self.to_widget(x, canvas.height))
            for y in placed.ys:
                painter.drawLine(self.to_widget(0, y), self.to_widget(canvas.width, y))
