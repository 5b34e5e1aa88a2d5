"""The "Run of show" dock (直播脚本): the show's segments in order, edited here and played by the relay.

The segments are a list (number, kind, title, product, scene, planned time, planned actions): the
segment on air is highlighted, the ones done are dimmed, a talking point the product data does not
bear out (app/rundown.py ``check_claims``) is marked ⚠. Segments are added (a menu of the five kinds),
reordered by drag and drop, duplicated, deleted, and edited in the form below the list
(ui/segment_editor.py: kind, title, product from the cart, scene from the show's scenes, talking points
one per line, duration, pin, and the flash sale, coupon, poll, lucky draw and co-host invite it arms,
each possibly launched with the cue). "New from template" makes a show from the cart (app/rundown.py
``template_rundown``, in the interface's language); Import… reads a JSON or CSV file (a problem names
its row and field in the status line and changes nothing); Export… writes either, by the file's suffix.

Every edit is saved to the relay (``PUT /rundown``), 0.5 s after the last one, on the room-actions
thread; the relay's run follows its segment by id. "Next ▶" ends the segment on air and starts the
next (the relay pins its product, arms its actions and logs the cue; the studio switches its scene),
"Launch …" launches the first armed action, "Stop" ends the run; a double-click starts a segment.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QDropEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.rundown import (
    MAX_SEGMENTS,
    SEGMENT_KINDS,
    AutoAdvance,
    Claim,
    CouponPlan,
    FlashSalePlan,
    Rundown,
    RundownError,
    Segment,
    check_claims,
    duplicate_segment,
    new_segment_id,
    rundown_from_csv,
    rundown_from_json,
    rundown_to_csv,
    rundown_to_json,
    template_rundown,
)
from ui.i18n import current_language
from ui.panels.base import QtPanel
from ui.qt_console import QtConsole
from ui.scene_editing import SceneEditing
from ui.segment_editor import SegmentEditor, kind_icon, kind_label

SAVE_DELAY_MS = 500
_tags = itertools.count(1)
ID_ROLE = Qt.ItemDataRole.UserRole
CURRENT_BACKGROUND = QColor(229, 36, 59, 60)
DONE_COLOUR = QColor("#8a8a8a")
NEXT_STYLE = (
    "QPushButton { background: #2ea043; color: white; font-size: 18px; font-weight: 700; padding: 8px 22px;"
    " border: 1px solid #1f7a33; border-radius: 4px; }"
    " QPushButton:disabled { background: #a9cdb1; border-color: #a9cdb1; }"
)
LAUNCH_STYLE = (
    "QPushButton { background: #e5243b; color: white; font-size: 14px; font-weight: 600; padding: 8px 14px;"
    " border: 1px solid #b01a2c; border-radius: 4px; }"
    " QPushButton:disabled { background: #ddb3b9; border-color: #ddb3b9; }"
)
DEFAULT_SCENES = {"opening": "full", "product": "showcase", "interaction": "pip", "promotion": "showcase",
                  "closing": "full"}  # fmt: skip
DEFAULT_DURATIONS = {"opening": 180.0, "product": 420.0, "interaction": 180.0, "promotion": 180.0, "closing": 120.0}
(NUMBER, KIND, TITLE, PRODUCT, SCENE, TIME, ACTIONS) = range(7)


def yuan(cents: int) -> str:
    """¥39, ¥39.9 (no trailing zeros)."""
    return "¥" + f"{cents / 100:.2f}".rstrip("0").rstrip(".")


def clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class SegmentList(QTreeWidget):
    """The segments as rows; reordered by dragging a row between others (never into one)."""

    dropped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def dropEvent(self, event: QDropEvent) -> None:
        super().dropEvent(event)
        QTimer.singleShot(0, self.dropped.emit)  # once the view has moved the row

    def rows(self) -> list[QTreeWidgetItem]:
        found = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return [item for item in found if item is not None]

    def ids(self) -> list[str]:
        return [str(item.data(NUMBER, ID_ROLE)) for item in self.rows()]

    def current_id(self) -> str | None:
        item = self.currentItem()
        return None if item is None else str(item.data(NUMBER, ID_ROLE))


class RundownPanel(QtPanel):
    """The run-of-show (module docstring). ``rundown`` is the script as edited here; the run's state
    is the console's (``console.state.rundown``, from the owner feed)."""

    sections = ("rundown", "products")

    def __init__(self, console: QtConsole, editing: SceneEditing, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        self.setObjectName("rundown-panel")
        self.editing = editing
        self.rundown = Rundown()
        self.loaded = False
        """The relay's run-of-show has been read (edits before that would overwrite it)."""
        self._loading = False
        self._revision = 0
        self._saved_revision = 0
        self._sent_revision = 0
        self._saving: dict[str, int] = {}
        """Saves under way: their tag and the revision they carry."""
        self._load_tag = ""
        self._claims: dict[int, list[Claim]] = {}
        self._build()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)
        self.list.dropped.connect(self.order_dropped)
        self.list.currentItemChanged.connect(self._on_selected)
        self.list.itemDoubleClicked.connect(self._on_double_click)
        self.editor.edited.connect(self._on_form_edited)
        self.next_button.clicked.connect(self.next_segment)
        self.launch_button.clicked.connect(self.launch_promotion)
        self.stop_button.clicked.connect(self.stop)
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.template_button.clicked.connect(self.new_from_template)
        self.import_button.clicked.connect(self.import_dialog)
        self.export_button.clicked.connect(self.export_dialog)
        self.auto_sold_out.toggled.connect(self._on_auto_advance)
        self.auto_time_up.toggled.connect(self._on_auto_advance)
        editing.changed.connect(self._fill_choices)
        console.action_done.connect(self._on_own_done)
        console.action_failed.connect(self._on_own_failed)
        self.set_hotkeys(None, None)
        self._show_run()

    # --- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        run = QHBoxLayout()
        self.next_button = QPushButton(self.tr("Next ▶"), self)
        self.next_button.setObjectName("rundown-next")
        self.next_button.setStyleSheet(NEXT_STYLE)
        self.next_button.setMinimumHeight(44)
        self.launch_button = QPushButton(self.tr("Launch"), self)
        self.launch_button.setObjectName("rundown-launch")
        self.launch_button.setStyleSheet(LAUNCH_STYLE)
        self.launch_button.setMinimumHeight(44)
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.setMinimumHeight(44)
        self.stop_button.setToolTip(self.tr("End the run (the segments stay as they are)"))
        run.addWidget(self.next_button, 2)
        run.addWidget(self.launch_button, 2)
        run.addWidget(self.stop_button, 1)
        self.layout_.addLayout(run)
        self.on_air = QLabel(self)
        self.on_air.setObjectName("on-air")
        self.on_air.setWordWrap(True)
        self.layout_.addWidget(self.on_air)

        tools = QHBoxLayout()
        self.add_button = QToolButton(self)
        self.add_button.setText(self.tr("Add") + " ▾")
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.add_menu = QMenu(self.add_button)
        for kind in SEGMENT_KINDS:
            action = self.add_menu.addAction(kind_icon(kind), kind_label(kind))
            action.setData(kind)
            action.triggered.connect(lambda _=False, k=kind: self.add_segment(k))
        self.add_button.setMenu(self.add_menu)
        self.duplicate_button = QToolButton(self)
        self.duplicate_button.setText(self.tr("Duplicate"))
        self.delete_button = QToolButton(self)
        self.delete_button.setText(self.tr("Delete"))
        self.template_button = QToolButton(self)
        self.template_button.setText(self.tr("New from template"))
        self.template_button.setToolTip(self.tr("A show made from the cart: an opening, a segment per product, …"))
        self.import_button = QToolButton(self)
        self.import_button.setText(self.tr("Import…"))
        self.import_button.setToolTip(self.tr("Read a run-of-show from a JSON or CSV file"))
        self.export_button = QToolButton(self)
        self.export_button.setText(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the run-of-show as JSON or CSV (by the name's ending)"))
        for button in (self.add_button, self.duplicate_button, self.delete_button):
            tools.addWidget(button)
        tools.addStretch(1)
        for button in (self.template_button, self.import_button, self.export_button):
            tools.addWidget(button)
        self.layout_.addLayout(tools)

        self.list = SegmentList(self)
        headers = ["#", self.tr("Kind"), self.tr("Title"), self.tr("Product"), self.tr("Scene"), self.tr("Time"),
                   self.tr("Actions")]  # fmt: skip
        self.list.setHeaderLabels(headers)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ACTIONS, QHeaderView.ResizeMode.Interactive)
        self.list.setToolTip(self.tr("Drag to reorder; double-click to start a segment"))

        auto = QHBoxLayout()
        auto.addWidget(QLabel(self.tr("Next segment by itself:"), self))
        self.auto_sold_out = QCheckBox(self.tr("when its flash sale sells out"), self)
        self.auto_time_up = QCheckBox(self.tr("when its time is up"), self)
        auto.addWidget(self.auto_sold_out)
        auto.addWidget(self.auto_time_up)
        auto.addStretch(1)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.list, 1)
        top_layout.addLayout(auto)
        self.editor = SegmentEditor(self)
        self.editor_box = QGroupBox(self.tr("Segment"), self)
        box_layout = QVBoxLayout(self.editor_box)
        scroll = QScrollArea(self.editor_box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.editor)
        box_layout.addWidget(scroll)
        self.editor_box.setEnabled(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.editor_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.layout_.addWidget(self.splitter, 1)
        self.finish_layout()

    def set_hotkeys(self, next_key: str | None, launch_key: str | None) -> None:
        """Show the hotkeys (as the settings have them) in the buttons' tooltips."""
        tip = self.tr("End the segment on air and start the next: its product is pinned, its scene goes on air")
        self.next_button.setToolTip(tip + (f" ({next_key})" if next_key else ""))
        launch = self.tr("Launch what the segment has armed")
        self.launch_button.setToolTip(launch + (f" ({launch_key})" if launch_key else ""))

    # --- the list -----------------------------------------------------------------------------

    def refresh(self) -> None:
        state = self.console.state
        if state.ready and not self.loaded and not self._loading:
            self.reload()
        elif self.loaded and self._revision == self._saved_revision and not self._loading and self._stale():
            self.reload()  # changed elsewhere (the assistant's page, a headless player)
        self._fill_choices()
        self._show_run()

    def _stale(self) -> bool:
        run = self.console.state.rundown or {}
        segment = run.get("segment")
        if isinstance(run.get("segments"), int) and run["segments"] != len(self.rundown.segments):
            return True
        return isinstance(segment, dict) and self.rundown.index_of(str(segment.get("id"))) is None

    def reload(self) -> None:
        """Read the room's run-of-show from the relay (replacing what is shown, unless edits are waiting)."""
        self._loading = True
        self._load_tag = f"RundownPanel:load:{next(_tags)}"
        self.console.act(self._load_tag, lambda room: room.rundown())

    def _loaded(self, result: object) -> None:
        self._loading = False
        if self._revision != self._saved_revision:
            return  # edited meanwhile: the edits win (they are being saved)
        found = result.get("rundown") if isinstance(result, dict) else None
        try:
            read = rundown_from_json(found) if found else Rundown()
        except RundownError as exc:
            self.show_status("✗ " + exc.args[0], ok=False)
            return
        first = not self.loaded
        self.loaded = True
        if read != self.rundown or first:
            self.rundown = read
            self._show_rundown()
            count = str(len(read.segments))
            self.show_status("✓ " + self.tr("%1 segments").replace("%1", count), ok=True)

    def _scenes(self) -> list[tuple[str, str]]:
        collection = self.editing.collection
        if collection is None:
            return []
        return [(scene.id, scene.name) for scene in collection.canvases[0].scenes]

    def _scene_name(self, wanted: str | None) -> str:
        if wanted is None:
            return "—"
        collection = self.editing.collection
        if collection is None:
            return wanted
        for canvas in collection.canvases:
            for scene in canvas.scenes:
                if wanted in (scene.id, scene.name):
                    return scene.name
        return f"{wanted} ⚠"

    @Slot()
    def _fill_choices(self) -> None:
        if self.editor.set_choices(self.console.state.products(), self._scenes()) and self.rundown.segments:
            self._show_rundown()  # product titles, scene names and the claims follow

    def _actions_text(self, segment: Segment) -> str:
        parts = []
        if segment.sku and segment.pin:
            parts.append(self.tr("pin"))
        for kind, plan in segment.actions:
            text = self.action_name(kind, plan)
            if getattr(plan, "launch_with_cue", False):
                text += " " + self.tr("(with the cue)")
            parts.append(text)
        return ", ".join(parts)

    def action_name(self, kind: str, plan: Any) -> str:
        """A planned action as a button or a list names it: "flash sale ¥39", "coupon ¥10 off"."""
        if kind == "flash_sale" and isinstance(plan, FlashSalePlan):
            return self.tr("flash sale %1").replace("%1", yuan(plan.price_cents))
        if kind == "coupon" and isinstance(plan, CouponPlan):
            return self.tr("coupon %1 off").replace("%1", yuan(plan.amount_cents))
        names = {"poll": self.tr("poll"), "draw": self.tr("lucky draw"), "cohost": self.tr("co-host invite")}
        return names.get(kind, kind)

    def _product_text(self, sku: str | None) -> str:
        if sku is None:
            return "—"
        product = self.console.state.product(sku)
        return str(product.get("title") or sku) if product is not None else f"{sku} ⚠"

    def _show_rundown(self) -> None:
        """Redraw the list from ``rundown`` (keeping the selection) and the auto-advance boxes."""
        selected = self.list.current_id()
        products = {p["sku"]: p for p in self.console.state.products()}
        self._claims = {}
        for claim in check_claims(self.rundown, products) if products else []:
            self._claims.setdefault(claim.segment, []).append(claim)
        chinese = current_language().startswith("zh")
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for row, segment in enumerate(self.rundown.segments):
                item = QTreeWidgetItem()
                claims = self._claims.get(row, [])
                title = segment.label()
                item.setText(NUMBER, str(row + 1))
                item.setData(NUMBER, ID_ROLE, segment.id)
                item.setIcon(KIND, kind_icon(segment.kind))
                item.setText(KIND, kind_label(segment.kind))
                item.setText(TITLE, ("⚠ " if claims else "") + title)
                if claims:
                    item.setToolTip(TITLE, "\n".join(c.message_zh if chinese else c.message_en for c in claims))
                elif segment.points:
                    item.setToolTip(TITLE, "\n".join(f"• {p}" for p in segment.points))
                item.setText(PRODUCT, self._product_text(segment.sku))
                item.setText(SCENE, self._scene_name(segment.scene))
                item.setText(TIME, clock(segment.duration_s))
                item.setTextAlignment(TIME, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setText(ACTIONS, self._actions_text(segment))
                item.setToolTip(ACTIONS, item.text(ACTIONS))
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                )  # not ItemIsDropEnabled: a drop lands between rows, never inside one
                self.list.addTopLevelItem(item)
            for row_item in self.list.rows():
                if selected is not None and row_item.data(NUMBER, ID_ROLE) == selected:
                    self.list.setCurrentItem(row_item)
        finally:
            self.list.blockSignals(False)
        self.list.resizeColumnToContents(ACTIONS)
        for box, on in ((self.auto_sold_out, self.rundown.auto_advance.sold_out),
                        (self.auto_time_up, self.rundown.auto_advance.time_up)):  # fmt: skip
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self._on_selected()
        self._show_run()

    def _show_run(self) -> None:
        """The highlight of the segment on air, the dimmed ones done, the run buttons."""
        run = self.console.state.rundown or {}
        running = bool(run.get("running"))
        segment = run.get("segment") if isinstance(run.get("segment"), dict) else None
        current = self.rundown.index_of(str(segment.get("id"))) if running and segment else None
        done_before = current if current is not None else -1
        if not running and int(run.get("cue") or 0) > 0:
            done_before = int(run.get("index", -1)) + 1  # the run ended: what it played is done
        for row, item in enumerate(self.list.rows()):
            on_air = row == current
            font = QFont(item.font(TITLE))
            font.setBold(on_air)
            for column in range(self.list.columnCount()):
                item.setFont(column, font)
                item.setBackground(column, QBrush(CURRENT_BACKGROUND) if on_air else QBrush())
                item.setForeground(column, QBrush(DONE_COLOUR) if row < done_before else QBrush())
            item.setText(NUMBER, ("▶ " if on_air else "") + str(row + 1))
        if current is not None and self.list.currentItem() is None:
            self.select(current)  # nothing chosen: the form shows the segment on air
        has_segments = bool(self.rundown.segments)
        for button in (self.add_button, self.template_button, self.import_button):
            button.setEnabled(self.loaded)  # edits before the relay's script is read would replace it
        self.next_button.setEnabled(has_segments and self.console.state.ready)
        self.next_button.setText(self.tr("Next ▶") if running else self.tr("Start ▶"))
        armed = [str(a) for a in run.get("armed") or []] if running else []
        plans = dict(self.rundown.segments[current].actions) if current is not None else {}
        if armed:
            name = self.action_name(armed[0], plans.get(armed[0]))
            self.launch_button.setText(self.tr("Launch %1").replace("%1", name))
        else:
            self.launch_button.setText(self.tr("Launch"))
        self.launch_button.setEnabled(bool(armed))
        self.stop_button.setEnabled(running)
        if running and segment is not None:
            self.on_air.setText(
                self.tr("On air: %1 of %2 — %3")
                .replace("%1", str(int(run.get("index", 0)) + 1))
                .replace("%2", str(len(self.rundown.segments)))
                .replace("%3", str(segment.get("title") or segment.get("sku") or segment.get("kind")))
            )
        elif has_segments:
            total = clock(self.rundown.planned_s)
            self.on_air.setText(
                self.tr("%1 segments, %2 planned. Start runs the first.")
                .replace("%1", str(len(self.rundown.segments)))
                .replace("%2", total)
            )
        else:
            self.on_air.setText(self.tr("No run-of-show yet: add segments, make one from the cart, or import a file."))

    @Slot()
    def _on_selected(self) -> None:
        index = self.selected_index()
        self.editor_box.setEnabled(index is not None)
        self.editor_box.setTitle(
            self.tr("Segment") if index is not None else self.tr("Segment: choose one in the list to edit it")
        )
        self.duplicate_button.setEnabled(index is not None and len(self.rundown.segments) < MAX_SEGMENTS)
        self.delete_button.setEnabled(index is not None)
        if index is not None:
            self.editor.show_segment(self.rundown.segments[index])

    def selected_index(self) -> int | None:
        selected = self.list.current_id()
        return None if selected is None else self.rundown.index_of(selected)

    def select(self, index: int) -> None:
        item = self.list.topLevelItem(index)
        if item is not None:
            self.list.setCurrentItem(item)

    # --- editing ------------------------------------------------------------------------------

    def set_rundown(self, rundown: Rundown, *, select: int | None = None) -> None:
        """Show ``rundown`` and save it to the relay (coalesced)."""
        self.rundown = rundown
        self.loaded = True
        self._show_rundown()
        if select is not None:
            self.select(select)
        self._changed()

    def _changed(self) -> None:
        self._revision += 1
        self._save_timer.start()

    @Slot()
    def save_now(self) -> None:
        """Send the run-of-show to the relay now (checked first as the relay will read it)."""
        self._save_timer.stop()
        if self._revision in (self._saved_revision, self._sent_revision):
            return
        body = rundown_to_json(self.rundown)
        try:
            rundown_from_json(body)
        except RundownError as exc:
            self.show_status(self.not_saved(exc), ok=False)
            return
        self._sent_revision = self._revision
        tag = f"RundownPanel:save:{next(_tags)}"
        self._saving[tag] = self._revision
        self.show_status(QCoreApplication.translate("QtPanel", "Working…"), ok=True)
        self.console.act(tag, lambda room: room.save_rundown(body))

    @Slot(str, object)
    def _on_own_done(self, tag: str, result: object) -> None:
        if tag == self._load_tag:
            self._loaded(result)
            return
        revision = self._saving.pop(tag, None)
        if revision is not None:
            self._saved_revision = max(self._saved_revision, revision)
            self.show_status("✓ " + self.tr("Saved"), ok=True)

    @Slot(str, str)
    def _on_own_failed(self, tag: str, message: str) -> None:
        if tag == self._load_tag:
            self._loading = False
            self.show_status("✗ " + message, ok=False)
            return
        if self._saving.pop(tag, None) is not None:
            self._sent_revision = self._saved_revision  # the next edit (or cue) sends it again
            self.show_status("✗ " + self.tr("Not saved: %1").replace("%1", message), ok=False)

    def not_saved(self, exc: RundownError) -> str:
        where = exc.where
        if where.startswith("segments["):
            number = int(where[len("segments[") : where.index("]")]) + 1
            rest = where[where.index("]") + 1 :].lstrip(".")
            where = self.tr("segment %1").replace("%1", str(number)) + (f", {rest}" if rest else "")
        return "✗ " + self.tr("Not saved: %1").replace("%1", f"{where}: {exc.problem}" if where else exc.problem)

    @Slot()
    def _on_form_edited(self) -> None:
        index = self.selected_index()
        if index is None:
            return
        segment = self.editor.segment()
        segments = list(self.rundown.segments)
        segments[index] = segment
        self.rundown = replace(self.rundown, segments=tuple(segments))
        item = self.list.topLevelItem(index)
        if item is not None:  # redraw the row only: the form keeps its focus
            item.setIcon(KIND, kind_icon(segment.kind))
            item.setText(KIND, kind_label(segment.kind))
            item.setText(TITLE, segment.label())
            item.setText(PRODUCT, self._product_text(segment.sku))
            item.setText(SCENE, self._scene_name(segment.scene))
            item.setText(TIME, clock(segment.duration_s))
            item.setText(ACTIONS, self._actions_text(segment))
        self._changed()

    @Slot()
    def _on_auto_advance(self) -> None:
        auto = AutoAdvance(self.auto_sold_out.isChecked(), self.auto_time_up.isChecked())
        self.rundown = replace(self.rundown, auto_advance=auto)
        self._changed()

    def add_segment(self, kind: str) -> None:
        """A new segment of ``kind`` after the selected one (or at the end), selected for editing."""
        if len(self.rundown.segments) >= MAX_SEGMENTS:
            self.show_status(
                self.tr("A run-of-show has at most %1 segments").replace("%1", str(MAX_SEGMENTS)), ok=False
            )
            return
        scenes = {scene_id for scene_id, _ in self._scenes()}
        scene = DEFAULT_SCENES.get(kind)
        segment = Segment(
            new_segment_id(),
            kind,
            kind_label(kind),
            scene=scene if scene in scenes else None,
            duration_s=DEFAULT_DURATIONS.get(kind, 300.0),
        )
        index = self.selected_index()
        at = len(self.rundown.segments) if index is None else index + 1
        segments = list(self.rundown.segments)
        segments.insert(at, segment)
        self.set_rundown(replace(self.rundown, segments=tuple(segments)), select=at)

    @Slot()
    def duplicate_selected(self) -> None:
        index = self.selected_index()
        if index is not None:
            self.set_rundown(duplicate_segment(self.rundown, index), select=index + 1)

    @Slot()
    def delete_selected(self) -> None:
        index = self.selected_index()
        if index is None:
            return
        segments = list(self.rundown.segments)
        del segments[index]
        following = min(index, len(segments) - 1)
        self.set_rundown(replace(self.rundown, segments=tuple(segments)), select=following if segments else None)

    @Slot()
    def order_dropped(self) -> None:
        """The list was reordered by a drag: the run-of-show takes its order."""
        order = self.list.ids()
        by_id = {s.id: s for s in self.rundown.segments}
        if sorted(order) != sorted(by_id) or order == [s.id for s in self.rundown.segments]:
            self._show_rundown()  # nothing moved (or the drop went wrong): show the script as it is
            return
        selected = self.list.current_id()
        moved = tuple(by_id[i] for i in order)
        self.set_rundown(replace(self.rundown, segments=moved))
        if selected is not None and (index := self.rundown.index_of(selected)) is not None:
            self.select(index)

    def confirm_replace(self) -> bool:
        """Ask before a template or a file replaces a run-of-show that has segments."""
        if not self.rundown.segments:
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Replace the run-of-show?"),
            self.tr("The %1 segments of the current run-of-show will be replaced.").replace(
                "%1", str(len(self.rundown.segments))
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def new_from_template(self) -> None:
        cart = self.console.state.cart
        if not cart:
            self.show_status(
                self.tr("Add products to the cart first: the template has a segment per product"), ok=False
            )
            return
        if not self.confirm_replace():
            return
        made = template_rundown(list[Mapping[str, Any]](cart), current_language())
        self.set_rundown(replace(made, auto_advance=self.rundown.auto_advance), select=0)
        self.show_status(self.tr("New run-of-show: %1 segments").replace("%1", str(len(made.segments))), ok=True)

    # --- files --------------------------------------------------------------------------------

    @Slot()
    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a run-of-show"), str(Path.home()), self.tr("Run-of-show (*.json *.csv)")
        )
        if path and self.confirm_replace():
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        """Read a run-of-show from ``path`` (CSV by its suffix, else JSON). A problem is shown with its
        row and column (or field) and changes nothing."""
        try:
            data = path.read_bytes()
            if path.suffix.lower() == ".csv":
                read = rundown_from_csv(data)
                read = replace(read, auto_advance=self.rundown.auto_advance, title=self.rundown.title)
            else:
                read = rundown_from_json(data)
        except RundownError as exc:
            problem = f"{exc.where}: {exc.problem}" if exc.where else exc.problem
            self.show_status(
                "✗ " + self.tr("Not imported (%1): %2").replace("%1", path.name).replace("%2", problem), ok=False
            )
            return False
        except OSError as exc:
            self.show_status("✗ " + self.tr("Not imported (%1): %2").replace("%1", path.name).replace("%2",
                             exc.strerror or str(exc)), ok=False)  # fmt: skip
            return False
        self.set_rundown(read, select=0 if read.segments else None)
        self.show_status(
            self.tr("Imported %1 segments from %2").replace("%1", str(len(read.segments))).replace("%2", path.name),
            ok=True,
        )
        return True

    @Slot()
    def export_dialog(self) -> None:
        name = (self.rundown.title or "rundown").replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the run-of-show"),
            str(Path.home() / f"{name}.json"),
            self.tr("JSON (*.json);;CSV for spreadsheets (*.csv)"),
        )
        if path:
            self.export_file(Path(path))

    def export_file(self, path: Path) -> bool:
        if path.suffix.lower() == ".csv":
            text = rundown_to_csv(self.rundown)
            data = ("\ufeff" + text).encode("utf-8")  # the BOM tells spreadsheet programs it is UTF-8
        else:
            data = (json.dumps(rundown_to_json(self.rundown), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        try:
            path.write_bytes(data)
        except OSError as exc:
            self.show_status("✗ " + self.tr("Not exported: %1").replace("%1", exc.strerror or str(exc)), ok=False)
            return False
        self.show_status(self.tr("Exported to %1").replace("%1", path.name), ok=True)
        return True

    # --- the run ------------------------------------------------------------------------------

    def _cue(self, action: Any, what: str) -> None:
        self.save_now()  # an edit waiting goes first (one worker: in order)
        self.run(action, lambda state: self._cued(state, what))

    def _cued(self, state: Any, what: str) -> str:
        if not isinstance(state, dict):
            return what
        segment = state.get("segment")
        if not state.get("running"):
            return self.tr("The run-of-show ended")
        if isinstance(segment, dict):
            label = str(segment.get("title") or segment.get("sku") or segment.get("kind"))
            return self.tr("Segment %1: %2").replace("%1", str(int(state.get("index", 0)) + 1)).replace("%2", label)
        return what

    @Slot()
    def next_segment(self) -> None:
        """End the segment on air and start the next (the first when nothing runs)."""
        if not self.rundown.segments:
            self.show_status(self.tr("The run-of-show has no segments"), ok=False)
            return
        run = self.console.state.rundown or {}
        seen = int(run.get("cue") or 0) if run.get("running") else 0  # a second press skips nothing
        self._cue(lambda room: room.next_segment(seen), self.tr("Next segment"))

    def start_segment(self, index: int) -> None:
        self._cue(lambda room: room.start_segment(index), self.tr("Started"))

    @Slot()
    def launch_promotion(self) -> None:
        """Launch the first armed action of the segment on air."""
        run = self.console.state.rundown or {}
        armed = [str(a) for a in run.get("armed") or []] if run.get("running") else []
        if not armed:
            self.show_status(self.tr("Nothing is armed in this segment"), ok=False)
            return
        kind = armed[0]
        self.launch(kind)

    def launch(self, kind: str) -> None:
        def launched(state: Any) -> str:
            return self.tr("Launched: %1").replace("%1", self.action_name(kind, None))

        self.run(lambda room: room.launch_armed(kind), launched)

    @Slot()
    def stop(self) -> None:
        self.run(lambda room: room.stop_rundown(), lambda _: self.tr("The run-of-show stopped"))

    @Slot(QTreeWidgetItem, int)
    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        index = self.rundown.index_of(str(item.data(NUMBER, ID_ROLE)))
        if index is not None:
            self.start_segment(index)


class RundownDock(QDockWidget):
    """The Run of show dock (objectName ``rundown``) holding a :class:`RundownPanel`."""

    def __init__(self, console: QtConsole, editing: SceneEditing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Run of show"))
        self.setObjectName("rundown")
        self.panel = RundownPanel(console, editing, self)
        self.panel.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setWidget(self.panel)
        self.setMinimumWidth(380)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )

    def follow_hotkeys(self, actions: Mapping[str, QAction]) -> None:
        """Name the hotkeys of Next and Launch (the settings' ``next_segment`` and ``launch_promotion``)
        in the buttons' tooltips, now and whenever the settings change them."""

        def show() -> None:
            keys = [actions[name].shortcut().toString(QKeySequence.SequenceFormat.NativeText) if name in actions
                    else "" for name in ("next_segment", "launch_promotion")]  # fmt: skip
            self.panel.set_hotkeys(keys[0] or None, keys[1] or None)

        for name in ("next_segment", "launch_promotion"):
            if name in actions:
                actions[name].changed.connect(show)
        show()
