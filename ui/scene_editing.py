"""What the studio is editing: the canvas shown, the scene edited on it, and the selected layer.

The Scenes and Sources docks, the scene editor over the picture and the studio-mode view share one
:class:`SceneEditing`, so a layer picked in the Sources dock is the one with handles on the preview,
and the canvas chosen in dual format is the one every view shows. The edited scene is OBS's: in
studio mode the scene in preview, otherwise the scene on air.

The collection itself is the session's (``app.scenes.Scenes``): this only remembers what the views
are looking at, turns the bridge's ``scenes_changed`` into ``changed``, and runs edits, turning a
:class:`~pipeline.scene.SceneError` (an edit that breaks a rule) into ``refused`` instead of a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.scenes import Scenes
from app.session import StudioSession
from pipeline.canvas import Canvas
from pipeline.scene import CanvasScenes, Layer, Scene, SceneCollection, SceneError, SourceSpec
from ui.session_bridge import QtSessionBridge

T = TypeVar("T")


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name 2``, ``name 3`` … whichever is not taken (a duplicate, a second camera)."""
    if name not in taken:
        return name
    n = 2
    while f"{name} {n}" in taken:
        n += 1
    return f"{name} {n}"


def confirm(parent: QWidget, title: str, question: str) -> bool:
    """Ask before something that cannot be undone (removing a scene or a layer); No is the default."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class SceneEditing(QObject):
    """The views' shared editing state (module docstring).

    Signals:
        changed(): the collection or studio mode changed; the views redraw from ``collection``.
        canvas_changed(str): the canvas being edited (dual format).
        selection_changed(str): the selected layer's id, "" for none.
        refused(str): an edit broke a rule; the rule's message.
    """

    changed = Signal()
    canvas_changed = Signal(str)
    selection_changed = Signal(str)
    refused = Signal(str)

    def __init__(self, session: StudioSession, bridge: QtSessionBridge) -> None:
        super().__init__()
        self.session = session
        self.canvases: tuple[Canvas, ...] = session.config.program.canvases
        self.canvas = self.canvases[0].name
        self.selected = ""
        self._selection_in = ""
        self._ready = False
        bridge.scenes_changed.connect(self._on_scenes)

    # --- what is shown -------------------------------------------------------------------------

    @property
    def scenes(self) -> Scenes | None:
        """The session's scenes once the show has started (None before)."""
        return self.session.scenes if self._ready else None

    @property
    def collection(self) -> SceneCollection | None:
        """The collection now (not the one of the last redraw: edits are computed from this)."""
        scenes = self.scenes
        return scenes.collection if scenes is not None else None

    @property
    def studio_mode(self) -> bool:
        scenes = self.scenes
        return scenes is not None and scenes.studio_mode

    def canvas_scenes(self) -> CanvasScenes | None:
        collection = self.collection
        return collection.canvas(self.canvas) if collection is not None else None

    def edited_scene(self) -> Scene | None:
        """The scene the docks and the editor work on: the preview's in studio mode, else the program's."""
        scenes = self.canvas_scenes()
        if scenes is None:
            return None
        return scenes.preview_scene if self.studio_mode else scenes.program_scene

    def layer(self, layer_id: str) -> Layer | None:
        scene = self.edited_scene()
        if scene is None:
            return None
        return next((la for la in scene.layers if la.id == layer_id), None)

    def source(self, source_id: str) -> SourceSpec | None:
        collection = self.collection
        if collection is None:
            return None
        return next((s for s in collection.sources if s.id == source_id), None)

    def canvas_info(self) -> Canvas:
        return next(c for c in self.canvases if c.name == self.canvas)

    def layer_name(self, layer: Layer) -> str:
        """What the Sources dock calls a layer: its own name, else its source's."""
        if layer.name:
            return layer.name
        source = self.source(layer.source)
        return source.name if source is not None else layer.source

    # --- changing what is shown ----------------------------------------------------------------

    @Slot(object)
    def _on_scenes(self, _collection: SceneCollection) -> None:
        self._ready = True
        self._keep_selection()
        self.changed.emit()

    def _keep_selection(self) -> None:
        scene = self.edited_scene()
        scene_id = scene.id if scene is not None else ""
        if self.selected and (scene_id != self._selection_in or self.layer(self.selected) is None):
            self.select("")

    def set_canvas(self, name: str) -> None:
        if name == self.canvas or all(c.name != name for c in self.canvases):
            return
        self.canvas = name
        self.select("")
        self.canvas_changed.emit(name)
        self.changed.emit()

    def select(self, layer_id: str) -> None:
        scene = self.edited_scene()
        self._selection_in = scene.id if scene is not None else ""
        if layer_id != self.selected:
            self.selected = layer_id
            self.selection_changed.emit(layer_id)

    # --- edits -----------------------------------------------------------------------------------

    def attempt(self, edit: Callable[[Scenes], T]) -> T | None:
        """Run an edit; a rule it breaks is reported (``refused``), and None returned."""
        scenes = self.scenes
        if scenes is None:
            return None
        try:
            return edit(scenes)
        except SceneError as exc:
            self.refused.emit(str(exc))
            return None

    def run(self, edit: Callable[[Scenes], object]) -> bool:
        """Run an edit that returns nothing; False when it was refused (or there is no show yet)."""
        scenes = self.scenes
        if scenes is None:
            return False
        try:
            edit(scenes)
        except SceneError as exc:
            self.refused.emit(str(exc))
            return False
        return True

    def edit_layer(self, layer_id: str, **changes: Any) -> bool:
        """Change a layer of the edited scene; False when refused (or there is no show yet)."""
        scene = self.edited_scene()
        if scene is None:
            return False
        canvas = self.canvas
        return self.run(lambda s: s.edit_layer(canvas, scene.id, layer_id, **changes))
