"""The "Run of show" dock (直播脚本): the show's segments in order, edited here and played by the relay.

The segments are a list (number, kind, title, product, scene, planned time, planned actions): the
segment on air is highlighted, the ones done are dimmed, a talking point the product data does not
bear out (app/rundown.py ``check_claims``) is marked ⚠. Segments are added (a menu of the five kinds),
reordered by drag and drop, duplicated, deleted, and edited in the form below the list (kind, title,
product from the cart, scene from the show's scenes, talking points one per line, duration, pin,
and the flash sale, coupon, poll, lucky draw and co-host invite it arms, each possibly launched with
the cue). "New from template" makes a show from the cart (app/rundown.py ``template_rundown``, in the
interface's language); Import… reads a JSON or CSV file (a problem names its row and field in the
status line and changes nothing); Export… writes either, by the file's suffix.

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
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTime, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QDropEvent, QFont, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTimeEdit,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.commerce.flash_sales import COUNTDOWN_S, DURATION_S
from app.prompter import KIND_LABELS
from app.rundown import (
    MAX_DURATION_S,
    MAX_POINTS,
    MAX_SEGMENTS,
    POINT_MAX,
    SEGMENT_KINDS,
    TITLE_MAX,
    AutoAdvance,
    Claim,
    CohostPlan,
    CouponPlan,
    DrawPlan,
    FlashSalePlan,
    PollPlan,
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

SAVE_DELAY_MS = 500
_tags = itertools.count(1)
ID_ROLE = Qt.ItemDataRole.UserRole
KIND_COLOURS = {
    "opening": "#8e44ad",
    "product": "#e5243b",
    "interaction": "#2e86de",
    "promotion": "#f39c12",
    "closing": "#7f8c8d",
}
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


@cache
def kind_icon(kind: str) -> QIcon:
    """A filled circle in the kind's colour (drawn, not a font's emoji: the same everywhere)."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(KIND_COLOURS.get(kind, "#888888")))
    painter.drawEllipse(5, 5, 22, 22)
    painter.end()
    return QIcon(pixmap)


def kind_label(kind: str) -> str:
    text = KIND_LABELS.get(kind)
    return text.pick(current_language()) if text is not None else kind


def yuan(cents: int) -> str:
    """¥39, ¥39.9 (no trailing zeros)."""
    return "¥" + f"{cents / 100:.2f}".rstrip("0").rstrip(".")


def clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _clean(text: str) -> str:
    return " ".join(text.split())


def _lines(text: str, most: int, longest: int) -> tuple[str, ...]:
    return tuple(_clean(line)[:longest] for line in text.splitlines() if line.strip())[:most]


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


class PlanGroup(QWidget):
    """A planned action's part of the form: a check box saying whether the segment has it and, when
    it does, the plan's fields in a frame below."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.check = QCheckBox(title, self)
        font = QFont(self.check.font())
        font.setBold(True)
        self.check.setFont(font)
        self.body = QFrame(self)
        self.body.setFrameShape(QFrame.Shape.StyledPanel)
        self.form = QFormLayout(self.body)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.body.setVisible(False)
        layout.addWidget(self.check)
        layout.addWidget(self.body)
        self.toggled = self.check.toggled
        self.check.toggled.connect(self.body.setVisible)

    def isChecked(self) -> bool:
        return self.check.isChecked()

    def setChecked(self, on: bool) -> None:
        self.check.setChecked(on)


class SegmentEditor(QWidget):
    """The form of one segment. ``edited`` is emitted on every change the user makes (not while a
    segment is being shown); :meth:`segment` builds the segment from the fields."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._showing = False
        self._id = ""
        self._choices: tuple[list[tuple[str, str]], list[tuple[str, str]]] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.kind = QComboBox(self)
        for kind in SEGMENT_KINDS:
            self.kind.addItem(kind_icon(kind), kind_label(kind), kind)
        self.title = QLineEdit(self)
        self.title.setMaxLength(TITLE_MAX)
        self.title.setPlaceholderText(self.tr("What the list and the report call it"))
        self.product = QComboBox(self)
        self.scene = QComboBox(self)
        self.duration = QTimeEdit(self)
        self.duration.setDisplayFormat("H:mm:ss")
        self.duration.setTimeRange(QTime(0, 0, 1), QTime(4, 0, 0))
        self.pin = QCheckBox(self.tr("Pin the product when the segment starts"), self)
        self.points = QPlainTextEdit(self)
        self.points.setPlaceholderText(self.tr("Talking points, one per line: the prompter shows them"))
        self.points.setFixedHeight(84)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Product"), self.product)
        form.addRow(self.tr("Scene"), self.scene)
        form.addRow(self.tr("Duration"), self.duration)
        form.addRow("", self.pin)
        form.addRow(self.tr("Talking points"), self.points)
        layout.addLayout(form)
        self._build_flash_sale(layout)
        self._build_coupon(layout)
        self._build_poll(layout)
        self._build_draw(layout)
        self._build_cohost(layout)
        layout.addStretch(1)
        self._connect_all()

    # --- the plans' groups ----------------------------------------------------------------------

    def _group(self, layout: QVBoxLayout, title: str) -> tuple[PlanGroup, QFormLayout, QCheckBox, QWidget]:
        group = PlanGroup(title, self)
        with_cue = QCheckBox(self.tr("Launch with the cue"), group.body)
        with_cue.setToolTip(self.tr("Launched as the segment starts, rather than armed for the Launch button"))
        layout.addWidget(group)
        group.form.addRow("", with_cue)
        return group, group.form, with_cue, group.body

    def _money(self, parent: QWidget, low: float = 0.0) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(parent)
        spin.setRange(low, 1_000_000)
        spin.setDecimals(2)
        spin.setPrefix("¥")
        return spin

    def _count(self, parent: QWidget, low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
        spin = QSpinBox(parent)
        spin.setRange(low, high)
        spin.setValue(value)
        if suffix:
            spin.setSuffix(suffix)
        return spin

    def _build_flash_sale(self, layout: QVBoxLayout) -> None:
        self.sale, form, self.sale_with_cue, body = self._group(layout, self.tr("Flash sale"))
        self.sale_price = self._money(body)
        self.sale_stock = self._count(body, 1, 1_000_000, 50)
        self.sale_limit = self._count(body, 1, 99, 1)
        self.sale_countdown = self._count(body, int(COUNTDOWN_S[0]), int(COUNTDOWN_S[1]), 10, " s")
        self.sale_duration = self._count(body, int(DURATION_S[0]) // 60, int(DURATION_S[1]) // 60, 5, " min")
        for label, widget in (
            (self.tr("Deal price"), self.sale_price),
            (self.tr("Stock"), self.sale_stock),
            (self.tr("Limit per viewer"), self.sale_limit),
            (self.tr("Countdown"), self.sale_countdown),
            (self.tr("Open for"), self.sale_duration),
        ):
            form.insertRow(form.rowCount() - 1, label, widget)

    def _build_coupon(self, layout: QVBoxLayout) -> None:
        self.coupon, form, self.coupon_with_cue, body = self._group(layout, self.tr("Coupon"))
        self.coupon_title = QLineEdit(body)
        self.coupon_title.setMaxLength(40)
        self.coupon_amount = self._money(body, 0.01)
        self.coupon_min_spend = self._money(body)
        self.coupon_quota = self._count(body, 1, 1_000_000, 100)
        self.coupon_limit = self._count(body, 1, 10, 1)
        self.coupon_valid = self._count(body, 1, 7 * 24 * 60, 60, " min")
        for label, widget in (
            (self.tr("Title"), self.coupon_title),
            (self.tr("Amount off"), self.coupon_amount),
            (self.tr("Minimum spend"), self.coupon_min_spend),
            (self.tr("Quantity"), self.coupon_quota),
            (self.tr("Per viewer"), self.coupon_limit),
            (self.tr("Valid for"), self.coupon_valid),
        ):
            form.insertRow(form.rowCount() - 1, label, widget)

    def _build_poll(self, layout: QVBoxLayout) -> None:
        self.poll, form, self.poll_with_cue, body = self._group(layout, self.tr("Poll"))
        self.poll_question = QLineEdit(body)
        self.poll_question.setMaxLength(120)
        self.poll_options = QPlainTextEdit(body)
        self.poll_options.setPlaceholderText(self.tr("2 to 6 options, one per line"))
        self.poll_options.setFixedHeight(70)
        form.insertRow(0, self.tr("Question"), self.poll_question)
        form.insertRow(1, self.tr("Options"), self.poll_options)

    def _build_draw(self, layout: QVBoxLayout) -> None:
        self.draw, form, self.draw_with_cue, body = self._group(layout, self.tr("Lucky draw"))
        self.draw_prize = QLineEdit(body)
        self.draw_prize.setMaxLength(60)
        self.draw_winners = self._count(body, 1, 100, 1)
        self.draw_keyword = QLineEdit(body)
        self.draw_keyword.setMaxLength(20)
        self.draw_keyword.setPlaceholderText(self.tr("Optional: commenting it enters the draw"))
        self.draw_duration = self._count(body, 10, 3600, 120, " s")
        for row, (label, widget) in enumerate(
            (
                (self.tr("Prize"), self.draw_prize),
                (self.tr("Winners"), self.draw_winners),
                (self.tr("Keyword"), self.draw_keyword),
                (self.tr("Open for"), self.draw_duration),
            )
        ):
            form.insertRow(row, label, widget)

    def _build_cohost(self, layout: QVBoxLayout) -> None:
        self.cohost, form, self.cohost_with_cue, body = self._group(layout, self.tr("Co-host invite"))
        self.cohost_label = QLineEdit(body)
        self.cohost_label.setMaxLength(40)
        self.cohost_label.setPlaceholderText(self.tr("Who it is for (optional)"))
        form.insertRow(0, self.tr("Label"), self.cohost_label)

    def _connect_all(self) -> None:
        for line in self.findChildren(QLineEdit):
            if isinstance(line.parent(), QTimeEdit | QSpinBox | QDoubleSpinBox):
                continue  # a spin box's own line edit: its valueChanged says it
            line.textChanged.connect(self._on_edit)
        for text in self.findChildren(QPlainTextEdit):
            text.textChanged.connect(self._on_edit)
        for combo in self.findChildren(QComboBox):
            combo.currentIndexChanged.connect(self._on_edit)
        for check in self.findChildren(QCheckBox):
            check.toggled.connect(self._on_edit)
        for spin in self.findChildren(QSpinBox):
            spin.valueChanged.connect(self._on_edit)
        for money in self.findChildren(QDoubleSpinBox):
            money.valueChanged.connect(self._on_edit)
        self.duration.timeChanged.connect(self._on_edit)

    @Slot()
    def _on_edit(self) -> None:
        if not self._showing:
            self.edited.emit()

    # --- showing and reading ------------------------------------------------------------------

    def set_choices(self, products: list[dict[str, Any]], scenes: list[tuple[str, str]]) -> bool:
        """The cart's products and the show's scenes (id, name) the combos offer; False when they
        are what the combos have already (a sale changes the stock, not the choices)."""
        key = ([(str(p["sku"]), str(p.get("title"))) for p in products], scenes)
        if key == self._choices:
            return False
        self._choices = key
        showing, self._showing = self._showing, True
        try:
            keep_product, keep_scene = self.product.currentData(), self.scene.currentData()
            self.product.clear()
            self.product.addItem(self.tr("No product"), None)
            for product in products:
                self.product.addItem(f"{product.get('title')} ({product['sku']})", product["sku"])
            self.scene.clear()
            self.scene.addItem(self.tr("Keep the scene on air"), None)
            for scene_id, name in scenes:
                self.scene.addItem(name, scene_id)
            self._pick(self.product, keep_product, self.tr("%1 (not in the cart)"))
            self._pick(self.scene, keep_scene, self.tr("%1 (not in this show)"))
        finally:
            self._showing = showing
        return True

    def _pick(self, combo: QComboBox, value: str | None, missing: str) -> None:
        index = combo.findData(value)
        if index < 0 and value is not None:
            combo.addItem(missing.replace("%1", value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(0, index))

    def show_segment(self, segment: Segment) -> None:
        self._showing = True
        try:
            self._id = segment.id
            self.kind.setCurrentIndex(max(0, self.kind.findData(segment.kind)))
            self.title.setText(segment.title)
            self._pick(self.product, segment.sku, self.tr("%1 (not in the cart)"))
            self._pick(self.scene, segment.scene, self.tr("%1 (not in this show)"))
            self.duration.setTime(QTime(0, 0).addSecs(round(segment.duration_s)))
            self.pin.setChecked(segment.pin)
            self.points.setPlainText("\n".join(segment.points))
            sale = segment.flash_sale
            self.sale.setChecked(sale is not None)
            if sale is not None:
                self.sale_price.setValue(sale.price_cents / 100)
                self.sale_stock.setValue(sale.stock)
                self.sale_limit.setValue(sale.per_user_limit)
                self.sale_countdown.setValue(round(sale.countdown_s))
                self.sale_duration.setValue(max(1, round(sale.duration_s / 60)))
                self.sale_with_cue.setChecked(sale.launch_with_cue)
            coupon = segment.coupon
            self.coupon.setChecked(coupon is not None)
            if coupon is not None:
                self.coupon_title.setText(coupon.title)
                self.coupon_amount.setValue(coupon.amount_cents / 100)
                self.coupon_min_spend.setValue(coupon.min_spend_cents / 100)
                self.coupon_quota.setValue(coupon.quota)
                self.coupon_limit.setValue(coupon.per_user_limit)
                self.coupon_valid.setValue(max(1, round(coupon.valid_s / 60)))
                self.coupon_with_cue.setChecked(coupon.launch_with_cue)
            poll = segment.poll
            self.poll.setChecked(poll is not None)
            if poll is not None:
                self.poll_question.setText(poll.question)
                self.poll_options.setPlainText("\n".join(poll.options))
                self.poll_with_cue.setChecked(poll.launch_with_cue)
            draw = segment.draw
            self.draw.setChecked(draw is not None)
            if draw is not None:
                self.draw_prize.setText(draw.prize)
                self.draw_winners.setValue(draw.winners)
                self.draw_keyword.setText(draw.keyword or "")
                self.draw_duration.setValue(round(draw.duration_s))
                self.draw_with_cue.setChecked(draw.launch_with_cue)
            cohost = segment.cohost
            self.cohost.setChecked(cohost is not None)
            if cohost is not None:
                self.cohost_label.setText(cohost.label or "")
                self.cohost_with_cue.setChecked(cohost.launch_with_cue)
        finally:
            self._showing = False

    def segment(self) -> Segment:
        """The segment the form describes (texts cleaned as a file's would be)."""
        sku = self.product.currentData()
        return Segment(
            id=self._id or new_segment_id(),
            kind=str(self.kind.currentData()),
            title=_clean(self.title.text())[:TITLE_MAX],
            sku=sku if isinstance(sku, str) else None,
            scene=self.scene.currentData() if isinstance(self.scene.currentData(), str) else None,
            points=_lines(self.points.toPlainText(), MAX_POINTS, POINT_MAX),
            duration_s=float(max(1, min(MAX_DURATION_S, QTime(0, 0).secsTo(self.duration.time())))),
            pin=self.pin.isChecked(),
            flash_sale=FlashSalePlan(
                price_cents=round(self.sale_price.value() * 100),
                stock=self.sale_stock.value(),
                per_user_limit=self.sale_limit.value(),
                countdown_s=float(self.sale_countdown.value()),
                duration_s=float(self.sale_duration.value() * 60),
                launch_with_cue=self.sale_with_cue.isChecked(),
            )
            if self.sale.isChecked()
            else None,
            coupon=CouponPlan(
                title=_clean(self.coupon_title.text()),
                amount_cents=round(self.coupon_amount.value() * 100),
                quota=self.coupon_quota.value(),
                min_spend_cents=round(self.coupon_min_spend.value() * 100),
                per_user_limit=self.coupon_limit.value(),
                valid_s=float(self.coupon_valid.value() * 60),
                launch_with_cue=self.coupon_with_cue.isChecked(),
            )
            if self.coupon.isChecked()
            else None,
            poll=PollPlan(
                _clean(self.poll_question.text()),
                _lines(self.poll_options.toPlainText(), 6, 40),
                self.poll_with_cue.isChecked(),
            )
            if self.poll.isChecked()
            else None,
            draw=DrawPlan(
                prize=_clean(self.draw_prize.text()),
                winners=self.draw_winners.value(),
                keyword=_clean(self.draw_keyword.text()) or None,
                duration_s=float(self.draw_duration.value()),
                launch_with_cue=self.draw_with_cue.isChecked(),
            )
            if self.draw.isChecked()
            else None,
            cohost=CohostPlan(_clean(self.cohost_label.text()) or None, self.cohost_with_cue.isChecked())
            if self.cohost.isChecked()
            else None,
        )


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
        if first:
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
        self._cue(lambda room: room.next_segment(), self.tr("Next segment"))

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
