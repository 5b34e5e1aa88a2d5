"""The studio's central area, as in OBS: the program picture, editable; in studio mode the preview
(left, editable: the scene being prepared) and the program (right: what viewers see) with the
Transition, Cut and Fade buttons and the transition's duration between them.

It shows the canvas being edited (the canvas selector's, in dual format) and asks the bridge for
only the pictures it shows: the canvas's program, and its preview while studio mode is on (the
program renders that picture only then).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from pipeline.scene import MAX_TRANSITION_MS, TransitionKind
from pipeline.show import preview_name
from ui.scene_editing import SceneEditing
from ui.scene_editor import SceneEditor
from ui.session_bridge import QtPictureFeed, QtSessionBridge

TITLE_STYLE = "font-weight: 600; padding: 2px 4px;"
PROGRAM_STYLE = TITLE_STYLE + "color: #ff5a6e;"


class _Route(QObject):
    """Carries one picture feed's frames to one editor while the view shows that picture; a frame
    already queued when it stopped (the canvas changed) is dropped, not shown in the wrong place."""

    def __init__(self, feed: QtPictureFeed, editor: SceneEditor, parent: QObject) -> None:
        super().__init__(parent)
        self.feed = feed
        self.editor = editor
        self.active = True
        feed.frame.connect(self.deliver)

    @Slot(QImage)
    def deliver(self, image: QImage) -> None:
        if self.active:
            self.editor.show_frame(image)
        self.feed.taken()

    def stop(self) -> None:
        self.active = False
        self.feed.frame.disconnect(self.deliver)
        self.deleteLater()


class StudioView(QWidget):
    """Program, or preview and program with the transition buttons (module docstring).

    Signals: none of its own; its editors' pictures come from the bridge's feeds.
    """

    def __init__(self, editing: SceneEditing, bridge: QtSessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing = editing
        self.bridge = bridge
        self.preview_editor = SceneEditor(editing, "preview", self)
        self.program_editor = SceneEditor(editing, "program", self)
        self.preview_title = QLabel(self)
        self.preview_title.setStyleSheet(TITLE_STYLE)
        self.program_title = QLabel(self)
        self.program_title.setStyleSheet(PROGRAM_STYLE)
        for title in (self.preview_title, self.program_title):
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.transition_button = QPushButton(self.tr("Transition"), self)
        self.transition_button.setObjectName("transition-button")
        self.transition_button.setToolTip(self.tr("Put the preview on air with the transition chosen"))
        self.transition_button.setStyleSheet("QPushButton { font-weight: 600; padding: 6px 10px; }")
        self.cut_button = QPushButton(self.tr("Cut"), self)
        self.cut_button.setToolTip(self.tr("Put the preview on air at once"))
        self.fade_button = QPushButton(self.tr("Fade"), self)
        self.fade_button.setToolTip(self.tr("Fade from the program to the preview"))
        self.duration = QSpinBox(self)
        self.duration.setObjectName("view-duration")
        self.duration.setRange(0, MAX_TRANSITION_MS)
        self.duration.setSingleStep(50)
        self.duration.setSuffix(self.tr(" ms"))
        self.duration.setKeyboardTracking(False)
        self.duration.setToolTip(self.tr("How long a fade lasts"))
        self.middle = QWidget(self)
        middle = QVBoxLayout(self.middle)
        middle.setContentsMargins(4, 0, 4, 0)
        middle.addStretch(1)
        for widget in (self.transition_button, self.cut_button, self.fade_button, self.duration):
            middle.addWidget(widget)
        middle.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.preview_side = self._column(self.preview_title, self.preview_editor)
        self.program_side = self._column(self.program_title, self.program_editor)
        layout.addWidget(self.preview_side, 1)
        layout.addWidget(self.middle)
        layout.addWidget(self.program_side, 1)

        self._routes: dict[str, _Route] = {}
        self.transition_button.clicked.connect(lambda: self._transition(None))
        self.cut_button.clicked.connect(lambda: self._transition(TransitionKind.CUT))
        self.fade_button.clicked.connect(lambda: self._transition(TransitionKind.FADE))
        self.duration.valueChanged.connect(self._duration_set)
        editing.changed.connect(self.refresh)
        editing.canvas_changed.connect(self._on_canvas)
        self.refresh()

    def _column(self, title: QLabel, editor: SceneEditor) -> QWidget:
        column = QWidget(self)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(title)
        layout.addWidget(editor, 1)
        return column

    # --- what is shown -----------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        studio = self.editing.studio_mode
        self.preview_side.setVisible(studio)
        self.middle.setVisible(studio)
        self.preview_title.setVisible(studio)
        self.program_title.setVisible(studio)
        scenes = self.editing.canvas_scenes()
        if scenes is not None:
            self.preview_title.setText(self.tr("Preview: %1").replace("%1", scenes.preview_scene.name))
            self.program_title.setText(self.tr("Program: %1").replace("%1", scenes.program_scene.name))
        collection = self.editing.collection
        if collection is not None and not self.duration.hasFocus():
            self.duration.blockSignals(True)
            self.duration.setValue(collection.transition.duration_ms)
            self.duration.blockSignals(False)
        self._watch()

    @Slot(str)
    def _on_canvas(self, _name: str) -> None:
        self._watch()

    def _watch(self) -> None:
        """Ask the bridge for the pictures shown now, and stop those no longer shown."""
        canvas = self.editing.canvas
        wanted = {canvas: self.program_editor}
        if self.editing.studio_mode:
            wanted[preview_name(canvas)] = self.preview_editor
        for name in [n for n in self._routes if n not in wanted]:
            route = self._routes.pop(name)
            route.stop()
            self.bridge.unwatch(name)
            route.editor.clear()
        for name, editor in wanted.items():
            if name not in self._routes:
                self._routes[name] = _Route(self.bridge.watch(name), editor, self)

    def set_safe_zone_shown(self, shown: bool) -> None:
        self.preview_editor.set_safe_zone_shown(shown)
        self.program_editor.set_safe_zone_shown(shown)

    # --- transitions -------------------------------------------------------------------------------

    def _transition(self, kind: TransitionKind | None) -> None:
        canvas = self.editing.canvas
        self.editing.run(lambda s: s.transition(canvas, kind))

    @Slot(int)
    def _duration_set(self, ms: int) -> None:
        collection = self.editing.collection
        if collection is None or collection.transition.duration_ms == ms:
            return
        kind = collection.transition.kind
        self.editing.run(lambda s: s.set_transition(kind, ms))
