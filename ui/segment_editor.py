"""The form of one run-of-show segment (直播脚本), under the Run of show dock's list (ui/rundown_dock.py).

Its kind, title, product (from the cart), scene (from the show's scenes), duration, whether it pins the
product, its talking points one per line, and the actions it plans — flash sale, coupon, poll, lucky
draw, co-host invite — each a :class:`PlanGroup` (a check box, then the plan's fields) that may be
launched with the cue. :class:`SegmentEditor` says ``edited`` on every change the user makes and
builds the :class:`~app.rundown.Segment` the fields describe, texts cleaned as a file's would be.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import Qt, QTime, Signal, Slot
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.commerce.flash_sales import COUNTDOWN_S, DURATION_S
from app.prompter import KIND_LABELS
from app.rundown import (
    MAX_DURATION_S,
    MAX_POINTS,
    POINT_MAX,
    SEGMENT_KINDS,
    TITLE_MAX,
    CohostPlan,
    CouponPlan,
    DrawPlan,
    FlashSalePlan,
    PollPlan,
    Segment,
    new_segment_id,
)
from ui.i18n import current_language

KIND_COLOURS = {
    "opening": "#8e44ad",
    "product": "#e5243b",
    "interaction": "#2e86de",
    "promotion": "#f39c12",
    "closing": "#7f8c8d",
}


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


def _clean(text: str) -> str:
    return " ".join(text.split())


def _lines(text: str, most: int, longest: int) -> tuple[str, ...]:
    return tuple(_clean(line)[:longest] for line in text.splitlines() if line.strip())[:most]


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
