"""Coupons (满减): issue an amount off above a minimum spend; live claimed/quota."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLineEdit, QPushButton, QSpinBox, QWidget

from ui.panels.base import QtPanel, fill, money, selected_key, table
from ui.qt_console import QtConsole


class QtCouponsPanel(QtPanel):
    sections = ("coupons",)

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        form = QFormLayout()
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("e.g. 满100减20"))
        self.amount = QDoubleSpinBox(self)
        self.amount.setRange(0.01, 100_000)
        self.amount.setValue(20)
        self.amount.setPrefix("¥")
        self.min_spend = QDoubleSpinBox(self)
        self.min_spend.setRange(0, 1_000_000)
        self.min_spend.setValue(100)
        self.min_spend.setPrefix("¥")
        self.quota = QSpinBox(self)
        self.quota.setRange(1, 1_000_000)
        self.quota.setValue(100)
        self.per_user = QSpinBox(self)
        self.per_user.setRange(1, 10)
        self.valid = QSpinBox(self)
        self.valid.setRange(1, 7 * 24 * 60)
        self.valid.setValue(60)
        self.valid.setSuffix(" min")
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Amount off"), self.amount)
        form.addRow(self.tr("Minimum spend"), self.min_spend)
        form.addRow(self.tr("How many"), self.quota)
        form.addRow(self.tr("Per viewer"), self.per_user)
        form.addRow(self.tr("Valid for"), self.valid)
        self.layout_.addLayout(form)
        self.issue_button = QPushButton(self.tr("Issue coupon"), self)
        self.layout_.addWidget(self.issue_button)
        self.table = table(self, [self.tr("Coupon"), self.tr("Off"), self.tr("Min"), self.tr("Claimed")])
        self.layout_.addWidget(self.table, 1)
        self.end_button = QPushButton(self.tr("End selected coupon"), self)
        self.layout_.addWidget(self.end_button)
        self.finish_layout()
        self.issue_button.clicked.connect(self.issue)
        self.end_button.clicked.connect(self.end_selected)

    def refresh(self) -> None:
        rows = [(c["id"], [c["title"], money(c["amount"]), money(c["min_spend"]), f"{c['claimed']}/{c['quota']}"])
                for c in self.console.state.coupons.values() if not c["ended"]]  # fmt: skip
        fill(self.table, rows)

    @Slot()
    def issue(self) -> None:
        title = self.title.text().strip() or self.tr("Coupon")
        amount, minimum, quota = self.amount.value(), self.min_spend.value(), self.quota.value()
        per_user, valid = self.per_user.value(), self.valid.value() * 60
        self.run(
            lambda room: room.issue_coupon(title, amount, minimum, quota, per_user, valid),
            lambda coupon: self.tr("Coupon issued: %1").replace("%1", coupon["title"]),
        )

    @Slot()
    def end_selected(self) -> None:
        coupon_id = selected_key(self.table)
        if coupon_id is None:
            self.show_status(self.tr("Select a coupon first"), ok=False)
            return
        self.run(lambda room: room.end_coupon(coupon_id), lambda _: self.tr("Coupon ended"))
