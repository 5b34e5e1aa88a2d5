"""The "Scenes" dock (OBS's): the scenes of the canvas being edited, the one on air marked LIVE and,
in studio mode, the one in preview marked PREVIEW.

A click selects a scene (``Scenes.select``: in studio mode it goes to the preview, otherwise on air);
the Scene 1…9 hotkeys (Ctrl+1…9 unless changed in Settings → Hotkeys; ui/studio_settings.py) put
scene 1…9 on air at once, in either mode (``Scenes.switch``). Scenes are added empty or from the
commerce templates (app/scene_templates.py: any of the five, with the template's sources added when
the show no longer has them), duplicated, removed (after asking), renamed in place
(double-click or F2) and reordered (drag, or the arrows). The transition (Cut or Fade, and a fade's
duration) is set here too. A new scene goes to the preview in studio mode; outside it nothing goes
on air until the streamer clicks, so adding a scene while live never shows viewers an empty one.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QDropEvent, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.scene_templates import HOST, host_source, template_scenes, template_sources, words
from app.scenes import Scenes
from pipeline.scene import MAX_TRANSITION_MS, Scene, SourceSpec, TransitionKind
from ui.i18n import current_language
from ui.scene_editing import SceneEditing, confirm, unique_name
from ui.studio_icons import duplicate_icon

ID_ROLE = Qt.ItemDataRole.UserRole
BADGE_ROLE = Qt.ItemDataRole.UserRole + 1
"""``live``, ``preview`` or "": the badge drawn at the right of a scene."""
BADGE_COLOURS = {"live": QColor("#e5243b"), "preview": QColor("#2ea043")}
ROW_HEIGHT = 22


class BadgeDelegate(QStyledItemDelegate):
    """Draws a scene's row with its LIVE / PREVIEW badge at the right, the name elided before it."""

    def __init__(self, labels: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = labels

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        badge = index.data(BADGE_ROLE) or ""
        if not badge:
            super().paint(painter, option, index)
            return
        text = self.labels[badge]
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        width = QFontMetrics(font).horizontalAdvance(text) + 12
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        style = full.widget.style() if full.widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, full, painter, full.widget)
        named = QStyleOptionViewItem(option)
        named.rect = option.rect.adjusted(0, 0, -width - 4, 0)
        super().paint(painter, named, index)
        pill = QRect(option.rect.right() - width - 2, option.rect.top() + 2, width, option.rect.height() - 4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BADGE_COLOURS[badge])
        painter.drawRoundedRect(pill, 4, 4)
        painter.setPen(QColor("white"))
        painter.setFont(font)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class SceneList(QListWidget):
    """The scenes, reorderable by drag and drop (then ``dropped`` is called with the new order)."""

    def __init__(self, dock: ScenesDock) -> None:
        super().__init__(dock)
        self._dock = dock
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)

    def dropEvent(self, event: QDropEvent) -> None:
        super().dropEvent(event)
        QTimer.singleShot(0, self._dock.order_dropped)

    def ids(self) -> list[str]:
        return [self.item(i).data(ID_ROLE) for i in range(self.count())]


class ScenesDock(QDockWidget):
    """The scenes of the edited canvas (module docstring).

    Signals: none of its own; it edits through :class:`~ui.scene_editing.SceneEditing` and redraws on
    its ``changed``.
    """

    def __init__(self, editing: SceneEditing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing = editing
        self.setWindowTitle(self.tr("Scenes"))
        self.setObjectName("scenes-dock")
        self._refreshing = False
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.list = SceneList(self)
        self.list.setObjectName("scene-list")
        self.list.setItemDelegate(BadgeDelegate({"live": self.tr("LIVE"), "preview": self.tr("PREVIEW")}, self.list))
        self.list.setToolTip(
            self.tr("Click a scene to put it on air (in studio mode: in the preview); Ctrl+1…9 put scene 1…9 on air")
        )
        layout.addWidget(self.list, 1)

        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        self.add_button = self._button("+", self.tr("Add a scene: empty, or one of the templates"), "add-scene")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self)
        self.add_button.setMenu(self.add_menu)
        self.add_menu.aboutToShow.connect(self._fill_add_menu)
        self.remove_button = self._button("−", self.tr("Remove the scene"), "remove-scene")
        self.duplicate_button = self._button("", self.tr("Duplicate the scene"), "duplicate-scene")
        self.duplicate_button.setIcon(duplicate_icon())
        self.up_button = self._button("▲", self.tr("Move the scene up"), "scene-up")
        self.down_button = self._button("▼", self.tr("Move the scene down"), "scene-down")
        for button in (self.add_button, self.remove_button, self.duplicate_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        transition = QHBoxLayout()
        transition.setSpacing(4)
        transition.addWidget(QLabel(self.tr("Transition"), panel))
        self.kind = QComboBox(panel)
        self.kind.setObjectName("transition-kind")
        self.kind.addItem(self.tr("Cut"), TransitionKind.CUT.value)
        self.kind.addItem(self.tr("Fade"), TransitionKind.FADE.value)
        self.duration = QSpinBox(panel)
        self.duration.setObjectName("transition-duration")
        self.duration.setRange(0, MAX_TRANSITION_MS)
        self.duration.setSingleStep(50)
        self.duration.setSuffix(self.tr(" ms"))
        self.duration.setKeyboardTracking(False)
        self.duration.setToolTip(self.tr("How long a fade lasts"))
        transition.addWidget(self.kind, 1)
        transition.addWidget(self.duration)
        layout.addLayout(transition)
        self.setWidget(panel)

        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.currentItemChanged.connect(self._clicked)
        self.list.itemChanged.connect(self._renamed)
        self.remove_button.clicked.connect(self.remove_scene)
        self.duplicate_button.clicked.connect(self.duplicate_scene)
        self.up_button.clicked.connect(lambda: self.move_scene(-1))
        self.down_button.clicked.connect(lambda: self.move_scene(1))
        self.kind.activated.connect(self._transition_set)
        self.duration.valueChanged.connect(self._transition_set)
        editing.changed.connect(self.refresh)
        self.refresh()

    def _button(self, text: str, tip: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setObjectName(name)
        button.setMinimumWidth(28)
        return button

    # --- showing the scenes ------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        scenes = self.editing.canvas_scenes()
        controls = (self.add_button, self.remove_button, self.duplicate_button, self.up_button, self.down_button)
        for widget in (*controls, self.kind, self.duration):
            widget.setEnabled(scenes is not None)
        if scenes is None:
            return
        studio = self.editing.studio_mode
        self._refreshing = True
        try:
            if self.list.ids() != [s.id for s in scenes.scenes]:
                self.list.clear()
                for scene in scenes.scenes:
                    item = QListWidgetItem(scene.name)
                    item.setData(ID_ROLE, scene.id)
                    item.setSizeHint(QSize(0, ROW_HEIGHT))
                    item.setFlags(
                        Qt.ItemFlag.ItemIsSelectable
                        | Qt.ItemFlag.ItemIsEnabled
                        | Qt.ItemFlag.ItemIsEditable
                        | Qt.ItemFlag.ItemIsDragEnabled
                    )
                    self.list.addItem(item)
            editing_name = self.list.state() == QAbstractItemView.State.EditingState
            for row, scene in enumerate(scenes.scenes):
                item = self.list.item(row)
                if item.text() != scene.name and not (editing_name and item is self.list.currentItem()):
                    item.setText(scene.name)
                badge = (
                    "live" if scene.id == scenes.program else "preview" if studio and scene.id == scenes.preview else ""
                )
                if item.data(BADGE_ROLE) != badge:
                    item.setData(BADGE_ROLE, badge)
            edited = scenes.preview if studio else scenes.program
            row = next(i for i, s in enumerate(scenes.scenes) if s.id == edited)
            if self.list.currentRow() != row:
                self.list.setCurrentRow(row)
        finally:
            self._refreshing = False
        collection = self.editing.collection
        if collection is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(collection.transition.kind.value)))
            if not self.duration.hasFocus():
                self.duration.blockSignals(True)
                self.duration.setValue(collection.transition.duration_ms)
                self.duration.blockSignals(False)

    def _current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(ID_ROLE)) if item is not None else None

    def _scene(self, scene_id: str) -> Scene | None:
        scenes = self.editing.canvas_scenes()
        if scenes is None:
            return None
        return next((s for s in scenes.scenes if s.id == scene_id), None)

    # --- what the streamer does --------------------------------------------------------------------

    @Slot(QListWidgetItem, QListWidgetItem)
    def _clicked(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if self._refreshing or current is None:
            return
        canvas, scene_id = self.editing.canvas, current.data(ID_ROLE)
        self.editing.run(lambda s: s.select(canvas, scene_id))

    @Slot(QListWidgetItem)
    def _renamed(self, item: QListWidgetItem) -> None:
        if self._refreshing:
            return
        scene = self._scene(item.data(ID_ROLE))
        if scene is None:
            return
        name = item.text().strip()
        if not name or name == scene.name:
            self._refreshing = True
            item.setText(scene.name)
            self._refreshing = False
            return
        canvas = self.editing.canvas
        if not self.editing.run(lambda s: s.rename_scene(canvas, scene.id, name)):
            self._refreshing = True
            item.setText(scene.name)
            self._refreshing = False

    @Slot(QPoint)
    def _context_menu(self, point: QPoint) -> None:
        """Right-click on a scene: on air now, rename, duplicate, remove (OBS's menu, shortened)."""
        item = self.list.itemAt(point)
        if item is None:
            return
        self.list.setCurrentItem(item)
        scene_id = item.data(ID_ROLE)
        canvas = self.editing.canvas
        menu = QMenu(self)
        menu.addAction(self.tr("Put on air now")).triggered.connect(
            lambda: self.editing.run(lambda s: s.switch(canvas, scene_id))
        )
        menu.addAction(self.tr("Rename")).triggered.connect(lambda: self.list.editItem(item))
        menu.addAction(self.tr("Duplicate")).triggered.connect(self.duplicate_scene)
        menu.addAction(self.tr("Remove")).triggered.connect(self.remove_scene)
        menu.exec(self.list.viewport().mapToGlobal(point))

    def put_on_air(self, number: int) -> None:
        """The Scene ``number`` hotkey: scene ``number`` (1-based) of the edited canvas on air now, in either mode."""
        scenes = self.editing.canvas_scenes()
        if scenes is None or not 1 <= number <= len(scenes.scenes):
            return
        canvas, scene_id = self.editing.canvas, scenes.scenes[number - 1].id
        self.editing.run(lambda s: s.switch(canvas, scene_id))

    def _unique(self, name: str) -> str:
        scenes = self.editing.canvas_scenes()
        return unique_name(name, {s.name for s in scenes.scenes} if scenes is not None else set())

    def _fill_add_menu(self) -> None:
        menu = self.add_menu
        menu.clear()
        empty = menu.addAction(self.tr("Empty scene"))
        empty.triggered.connect(self.add_empty_scene)
        templates = menu.addMenu(self.tr("From a template"))
        for scene in template_scenes(self.editing.canvas_info(), current_language()).scenes:
            action = templates.addAction(scene.name)
            action.triggered.connect(lambda _checked=False, sid=scene.id: self.add_template_scene(sid))

    def _added(self, scene_id: str | None) -> None:
        """A new scene: in studio mode it goes to the preview (never on air by itself)."""
        if scene_id is None:
            return
        if self.editing.studio_mode:
            canvas = self.editing.canvas
            self.editing.run(lambda s: s.preview(canvas, scene_id))

    def add_empty_scene(self) -> str | None:
        scenes = self.editing.canvas_scenes()
        count = len(scenes.scenes) + 1 if scenes is not None else 1
        name = self._unique(self.tr("Scene %1").replace("%1", str(count)))
        canvas = self.editing.canvas
        scene_id = self.editing.attempt(lambda s: s.add_scene(canvas, name))
        self._added(scene_id)
        return scene_id

    def add_template_scene(self, template_id: str) -> str | None:
        """Add one of the template scenes; a source it shows that the show no longer has is added anew."""
        collection = self.editing.collection
        if collection is None:
            return None
        language = current_language()
        template = next(s for s in template_scenes(self.editing.canvas_info(), language).scenes if s.id == template_id)
        have = {s.id for s in collection.sources}
        host = next((s for s in collection.sources if s.id == HOST), None)
        host = host or host_source("test", words(language)["host"])
        specs = {s.id: s for s in template_sources(host, second_camera=False, language=language)}
        renamed: dict[str, str] = {}
        for layer in template.layers:
            if layer.source not in have and layer.source not in renamed and layer.source in specs:
                spec = specs[layer.source]

                def add(scenes: Scenes, sp: SourceSpec = spec) -> str:
                    return scenes.add_source(sp.plugin, sp.name, sp.settings)

                new_id = self.editing.attempt(add)
                if new_id is None:
                    return None
                renamed[layer.source] = new_id
        layers = [replace(la, source=renamed.get(la.source, la.source)) for la in template.layers]
        canvas, name = self.editing.canvas, self._unique(template.name)
        scene_id = self.editing.attempt(lambda s: s.add_scene(canvas, name, layers))
        self._added(scene_id)
        return scene_id

    def duplicate_scene(self) -> str | None:
        scene = self._scene(self._current_id() or "")
        if scene is None:
            return None
        canvas, name = self.editing.canvas, self._unique(scene.name)
        scene_id = self.editing.attempt(lambda s: s.duplicate_scene(canvas, scene.id, name))
        self._added(scene_id)
        return scene_id

    def confirm_remove(self, name: str) -> bool:
        question = self.tr("Remove the scene “%1”? Its layers go with it; its sources stay.").replace("%1", name)
        return confirm(self, self.tr("Remove the scene?"), question)

    @Slot()
    def remove_scene(self) -> None:
        scene = self._scene(self._current_id() or "")
        if scene is None or not self.confirm_remove(scene.name):
            return
        canvas = self.editing.canvas
        self.editing.run(lambda s: s.remove_scene(canvas, scene.id))

    def move_scene(self, step: int) -> None:
        scenes = self.editing.canvas_scenes()
        scene_id = self._current_id()
        if scenes is None or scene_id is None:
            return
        order = [s.id for s in scenes.scenes]
        index = order.index(scene_id)
        target = index + step
        if not 0 <= target < len(order):
            return
        order[index], order[target] = order[target], order[index]
        canvas = self.editing.canvas
        self.editing.run(lambda s: s.reorder_scenes(canvas, order))

    @Slot()
    def order_dropped(self) -> None:
        order = self.list.ids()
        scenes = self.editing.canvas_scenes()
        if scenes is None or order == [s.id for s in scenes.scenes]:
            return
        canvas = self.editing.canvas
        if not self.editing.run(lambda s: s.reorder_scenes(canvas, order)):
            self.refresh()

    @Slot()
    def _transition_set(self) -> None:
        kind = TransitionKind(self.kind.currentData())
        ms = self.duration.value()
        collection = self.editing.collection
        if collection is None or (collection.transition.kind, collection.transition.duration_ms) == (kind, ms):
            return
        self.editing.run(lambda s: s.set_transition(kind, ms))
