"""The "Sources" dock (OBS's): the layers of the scene being edited — in studio mode the scene in
preview, otherwise the scene on air — front-most at the top, each with its eye (shown) and padlock
(cannot be moved on the preview), and a warning sign with the reason when its source has a problem
(an unplugged camera, a missing file).

Layers are added showing a new source of any source plugin (placed where such a source usually
goes: a camera fills the canvas, a text or a card sits inside the safe zone) or a source the show
already has; removed (after asking; a source no scene shows any more goes with its last layer, as in
OBS); reordered (drag, or the arrows); renamed in place (double-click or F2). The selected layer is
the one with handles on the preview, and its properties are beside the list (ui/layer_properties.py).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QDropEvent, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.scene_templates import HOST
from app.session import StudioSession
from pipeline.scene import Fit, Layer
from plugins.api import Kind
from ui.i18n import current_language
from ui.layer_geometry import first_box
from ui.layer_properties import LayerProperties
from ui.scene_editing import SceneEditing, confirm, unique_name
from ui.scenes_dock import ROW_HEIGHT
from ui.studio_icons import eye_icon, lock_icon

NAME, EYE, LOCK = 0, 1, 2
ID_ROLE = Qt.ItemDataRole.UserRole
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
"""What a row's icons show now (shown, locked, the problem's words), so they are set only on a change."""


class NoEditor(QStyledItemDelegate):
    """The eye and padlock columns toggle on a click; they are never edited as text."""

    def createEditor(  # type: ignore[override]  # Qt takes no editor (nullptr); the stubs say otherwise
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget | None:
        return None


class LayerTree(QTreeWidget):
    """The layers, front-most first; a drop calls the dock back with the new order."""

    def __init__(self, dock: SourcesDock) -> None:
        super().__init__(dock)
        self._dock = dock
        self.setColumnCount(3)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(0)
        self.setUniformRowHeights(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (EYE, LOCK):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(column, 26)
            self.setItemDelegateForColumn(column, NoEditor(self))

    def dropEvent(self, event: QDropEvent) -> None:
        moving = self.currentItem()
        moving_id = moving.data(NAME, ID_ROLE) if moving is not None else None
        super().dropEvent(event)
        QTimer.singleShot(0, lambda: self._dock.order_dropped(moving_id))

    def row(self, index: int) -> QTreeWidgetItem:
        item = self.topLevelItem(index)
        assert item is not None
        return item

    def ids(self) -> list[str]:
        return [self.row(i).data(NAME, ID_ROLE) for i in range(self.topLevelItemCount())]

    def item_of(self, layer_id: str) -> QTreeWidgetItem | None:
        ids = self.ids()
        return self.row(ids.index(layer_id)) if layer_id in ids else None


class SourcesDock(QDockWidget):
    """The edited scene's layers and the selected one's properties (module docstring).

    Signals: none of its own; the selection is SceneEditing's (``selection_changed``), shared with
    the scene editor.
    """

    def __init__(self, editing: SceneEditing, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing = editing
        self.session = session
        self.setWindowTitle(self.tr("Sources"))
        self.setObjectName("sources-dock")
        self._refreshing = False
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        left = QWidget(splitter)
        layout = QVBoxLayout(left)
        layout.setContentsMargins(4, 4, 0, 4)
        layout.setSpacing(4)
        self.tree = LayerTree(self)
        self.tree.setObjectName("layer-list")
        self.tree.setMinimumWidth(150)
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        self.add_button = self._button("+", self.tr("Add a source to the scene: a new one, or one the show has"))
        self.add_button.setObjectName("add-layer")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_menu = QMenu(self)
        self.add_menu.setToolTipsVisible(True)
        self.add_button.setMenu(self.add_menu)
        self.add_menu.aboutToShow.connect(self._fill_add_menu)
        self.remove_button = self._button("−", self.tr("Remove the layer from the scene"))
        self.remove_button.setObjectName("remove-layer")
        self.up_button = self._button("▲", self.tr("Bring the layer forward"))
        self.up_button.setObjectName("layer-up")
        self.down_button = self._button("▼", self.tr("Send the layer backward"))
        self.down_button.setObjectName("layer-down")
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.properties = LayerProperties(editing, session)
        scroll = QScrollArea(splitter)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.properties)
        scroll.setMinimumWidth(280)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        self.setWidget(splitter)

        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.currentItemChanged.connect(self._picked)
        self.tree.itemClicked.connect(self._toggled)
        self.tree.itemChanged.connect(self._renamed)
        self.remove_button.clicked.connect(self.remove_layer)
        self.up_button.clicked.connect(lambda: self.move_layer(1))
        self.down_button.clicked.connect(lambda: self.move_layer(-1))
        editing.changed.connect(self.refresh)
        editing.selection_changed.connect(self._show_selection)
        self._problems = QTimer(self)
        self._problems.setInterval(1000)  # a camera unplugged is no scene change: look now and then
        self._problems.timeout.connect(self._show_problems)
        self._problems.timeout.connect(self.properties.show_problem)
        self._problems.start()
        self.refresh()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setMinimumWidth(28)
        return button

    # --- showing the layers ------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        scene = self.editing.edited_scene()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setEnabled(scene is not None)
        if scene is None:
            return
        rows = list(reversed(scene.layers))
        self._refreshing = True
        try:
            if self.tree.ids() != [la.id for la in rows]:
                self.tree.clear()
                for layer in rows:
                    item = QTreeWidgetItem()
                    item.setData(NAME, ID_ROLE, layer.id)
                    item.setSizeHint(NAME, QSize(0, ROW_HEIGHT))
                    item.setFlags(
                        Qt.ItemFlag.ItemIsSelectable
                        | Qt.ItemFlag.ItemIsEnabled
                        | Qt.ItemFlag.ItemIsEditable
                        | Qt.ItemFlag.ItemIsDragEnabled
                    )
                    self.tree.addTopLevelItem(item)
            editing = self.tree.state() == QAbstractItemView.State.EditingState
            for row, layer in enumerate(rows):
                item = self.tree.row(row)
                self._show_layer(item, layer, keep_text=editing and item is self.tree.currentItem())
        finally:
            self._refreshing = False
        self._show_problems()
        self._show_selection(self.editing.selected)

    def _show_layer(self, item: QTreeWidgetItem, layer: Layer, *, keep_text: bool) -> None:
        # Only what changed is set: a change to the row being renamed would reset the text typed.
        name = self.editing.layer_name(layer)
        if not keep_text and item.text(NAME) != name:
            item.setText(NAME, name)
        font = item.font(NAME)
        if font.italic() == layer.visible:
            font.setItalic(not layer.visible)
            item.setFont(NAME, font)
        if item.data(EYE, STATE_ROLE) != layer.visible:
            item.setData(EYE, STATE_ROLE, layer.visible)
            item.setIcon(EYE, eye_icon(layer.visible))
            tip = self.tr("Shown: click to hide") if layer.visible else self.tr("Hidden: click to show")
            item.setToolTip(EYE, tip)
        if item.data(LOCK, STATE_ROLE) != layer.locked:
            item.setData(LOCK, STATE_ROLE, layer.locked)
            item.setIcon(LOCK, lock_icon(layer.locked))
            item.setToolTip(
                LOCK,
                self.tr("Locked: cannot be moved on the preview; click to unlock")
                if layer.locked
                else self.tr("Click to lock in place"),
            )

    @Slot()
    def _show_problems(self) -> None:
        scene = self.editing.edited_scene()
        if scene is None:
            return
        problems = self.session.show.pool.problems()
        language = current_language()
        layers = {la.id: la for la in scene.layers}
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.row(row)
            layer = layers.get(item.data(NAME, ID_ROLE))
            if layer is None:
                continue
            problem = problems.get(layer.source)
            source = self.editing.source(layer.source)
            tip = self._describe(source.plugin if source is not None else "", language)
            reason = "" if problem is None else problem.zh if language.startswith("zh") else problem.en
            if item.data(NAME, STATE_ROLE) != reason:
                item.setData(NAME, STATE_ROLE, reason)
                warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                item.setIcon(NAME, warning if reason else QIcon())
            item.setToolTip(NAME, reason + "\n" + tip if reason else tip)

    def _describe(self, plugin_id: str, language: str) -> str:
        try:
            plugin = self.session.plugins.get(plugin_id)
        except KeyError:
            return plugin_id
        return f"{plugin.name.pick(language)}: {plugin.description.pick(language)}"

    @Slot(str)
    def _show_selection(self, layer_id: str) -> None:
        item = self.tree.item_of(layer_id) if layer_id else None
        if item is self.tree.currentItem():
            return
        self._refreshing = True
        try:
            if item is None:
                self.tree.setCurrentIndex(QModelIndex())
                self.tree.clearSelection()
            else:
                self.tree.setCurrentItem(item)
        finally:
            self._refreshing = False

    # --- what the streamer does --------------------------------------------------------------------

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _picked(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if not self._refreshing:
            self.editing.select(current.data(NAME, ID_ROLE) if current is not None else "")

    @Slot(QTreeWidgetItem, int)
    def _toggled(self, item: QTreeWidgetItem, column: int) -> None:
        layer = self.editing.layer(item.data(NAME, ID_ROLE))
        if layer is None:
            return
        if column == EYE:
            self.editing.edit_layer(layer.id, visible=not layer.visible)
        elif column == LOCK:
            self.editing.edit_layer(layer.id, locked=not layer.locked)

    @Slot(QTreeWidgetItem, int)
    def _renamed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._refreshing or column != NAME:
            return
        layer = self.editing.layer(item.data(NAME, ID_ROLE))
        if layer is None:
            return
        name = item.text(NAME).strip()
        source = self.editing.source(layer.source)
        wanted = "" if source is not None and name == source.name else name
        if not name or wanted == layer.name or not self.editing.edit_layer(layer.id, name=wanted):
            self._refreshing = True
            item.setText(NAME, self.editing.layer_name(layer))
            self._refreshing = False

    @Slot(QPoint)
    def _context_menu(self, point: QPoint) -> None:
        """Right-click on a layer: rename, show or hide, lock or unlock, fill the canvas, remove."""
        item = self.tree.itemAt(point)
        layer = self.editing.layer(item.data(NAME, ID_ROLE)) if item is not None else None
        if item is None or layer is None:
            return
        self.tree.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction(self.tr("Rename")).triggered.connect(lambda: self.tree.editItem(item, NAME))
        menu.addAction(self.tr("Hide") if layer.visible else self.tr("Show")).triggered.connect(
            lambda: self.editing.edit_layer(layer.id, visible=not layer.visible)
        )
        menu.addAction(self.tr("Unlock") if layer.locked else self.tr("Lock")).triggered.connect(
            lambda: self.editing.edit_layer(layer.id, locked=not layer.locked)
        )
        menu.addAction(self.tr("Fill the canvas")).triggered.connect(self.properties.fill_canvas)
        menu.addSeparator()
        menu.addAction(self.tr("Remove")).triggered.connect(self.remove_layer)
        menu.exec(self.tree.viewport().mapToGlobal(point))

    def _unique(self, name: str) -> str:
        collection = self.editing.collection
        return unique_name(name, {s.name for s in collection.sources} if collection is not None else set())

    def _fill_add_menu(self) -> None:
        menu = self.add_menu
        menu.clear()
        language = current_language()
        new = menu.addMenu(self.tr("New source"))
        new.setToolTipsVisible(True)
        for plugin in self.session.plugins.of_kind(Kind.SOURCE):
            action = new.addAction(plugin.name.pick(language))
            action.setToolTip(plugin.description.pick(language))
            action.triggered.connect(lambda _checked=False, pid=plugin.id: self.add_new_source(pid))
        existing = menu.addMenu(self.tr("Existing source"))
        collection = self.editing.collection
        for source in collection.sources if collection is not None else ():
            action = existing.addAction(source.name)
            action.triggered.connect(lambda _checked=False, sid=source.id: self.add_existing_source(sid))
        existing.setEnabled(not existing.isEmpty())

    def add_new_source(self, plugin_id: str) -> str | None:
        """A new source of ``plugin_id`` and a layer showing it in the edited scene; returns the layer."""
        plugin = self.session.plugins.get(plugin_id)
        name = self._unique(plugin.name.pick(current_language()))
        source_id = self.editing.attempt(lambda s: s.add_source(plugin_id, name, {}))
        if source_id is None:
            return None
        layer_id = self.add_existing_source(source_id)
        if layer_id is None:
            self.editing.run(lambda s: s.remove_source(source_id))
        return layer_id

    def add_existing_source(self, source_id: str) -> str | None:
        scene = self.editing.edited_scene()
        source = self.editing.source(source_id)
        if scene is None or source is None:
            return None
        box, fit = first_box(source.plugin, self.editing.canvas_info())
        canvas = self.editing.canvas
        layer_id = self.editing.attempt(lambda s: s.add_layer(canvas, scene.id, source_id, box))
        if layer_id is None:
            return None
        if fit is not Fit.COVER:
            self.editing.edit_layer(layer_id, fit=fit)
        self.editing.select(layer_id)
        return layer_id

    def confirm_remove(self, name: str) -> bool:
        return confirm(self, self.tr("Remove the layer?"), self.tr("Remove “%1” from this scene?").replace("%1", name))

    @Slot()
    def remove_layer(self) -> None:
        scene = self.editing.edited_scene()
        layer = self.editing.layer(self.editing.selected) if self.editing.selected else None
        if scene is None or layer is None or not self.confirm_remove(self.editing.layer_name(layer)):
            return
        canvas = self.editing.canvas
        if not self.editing.run(lambda s: s.remove_layer(canvas, scene.id, layer.id)):
            return
        collection = self.editing.collection
        shown = collection is not None and any(
            la.source == layer.source for c in collection.canvases for sc in c.scenes for la in sc.layers
        )
        if not shown and layer.source != HOST:  # OBS's rule: a source no scene shows goes (the host stays)
            self.editing.run(lambda s: s.remove_source(layer.source))

    def move_layer(self, step: int) -> None:
        """``step`` +1 brings the selected layer forward (up the list), -1 sends it back."""
        scene = self.editing.edited_scene()
        layer_id = self.editing.selected
        if scene is None or not layer_id or self.editing.layer(layer_id) is None:
            return
        index = scene.index(layer_id) + step
        if not 0 <= index < len(scene.layers):
            return
        canvas = self.editing.canvas
        self.editing.run(lambda s: s.move_layer(canvas, scene.id, layer_id, index))

    def order_dropped(self, layer_id: str | None) -> None:
        scene = self.editing.edited_scene()
        order = self.tree.ids()
        if scene is None or layer_id is None or layer_id not in order:
            self.refresh()
            return
        index = len(order) - 1 - order.index(layer_id)  # the list is front first; a scene back first
        canvas = self.editing.canvas
        if scene.index(layer_id) == index or not self.editing.run(
            lambda s: s.move_layer(canvas, scene.id, layer_id, index)
        ):
            self.refresh()
