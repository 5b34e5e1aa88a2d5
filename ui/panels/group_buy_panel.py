"""Group-buy (拼团): a group price when N viewers buy within a window; live open groups."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QPushButton, QSpinBox, QWidget

from ui.panels.base import QtPanel, fill, money, selected_key, table
from ui.panels.flash_sale_panel import fill_products
from ui.qt_console import QtConsole


class QtGroupBuyPanel(QtPanel):
    sections = ("products", "group_buys")

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        form = QFormLayout()
        self.product = QComboBox(self)
        self.price = QDoubleSpinBox(self)
        self.price.setRange(0, 1_000_000)
        self.price.setPrefix("¥")
        self.group_size = QSpinBox(self)
        self.group_size.setRange(2, 50)
        self.group_size.setValue(3)
        self.fill_minutes = QSpinBox(self)
        self.fill_minutes.setRange(1, 24 * 60)
        self.fill_minutes.setValue(10)
        self.fill_minutes.setSuffix(" min")
        form.addRow(self.tr("Product"), self.product)
        form.addRow(self.tr("Group price"), self.price)
        form.addRow(self.tr("Group size"), self.group_size)
        form.addRow(self.tr("Time to fill"), self.fill_minutes)
        self.layout_.addLayout(form)
        self.start_button = QPushButton(self.tr("Start group-buy"), self)
        self.layout_.addWidget(self.start_button)
        self.table = table(self, [self.tr("Product"), self.tr("Price"), self.tr("Size"), self.tr("Open groups")])
        self.layout_.addWidget(self.table, 1)
        self.end_button = QPushButton(self.tr("End selected group-buy"), self)
        self.layout_.addWidget(self.end_button)
        self.finish_layout()
        self.start_button.clicked.connect(self.start)
        self.end_button.clicked.connect(self.end_selected)
        self.product.currentIndexChanged.connect(self._suggest_price)

    def refresh(self) -> None:
        fill_products(self.product, self.console.state.orderable())
        rows = [(g["id"], [g["title"], money(g["price"]), str(g["group_size"]), str(len(g["open_groups"]))])
                for g in self.console.state.group_buys.values() if not g["ended"]]  # fmt: skip
        fill(self.table, rows)

    @Slot()
    def _suggest_price(self) -> None:
        product = self.console.state.product(self.product.currentData() or "")
        if product is not None:
            self.price.setValue(round(float(product["price"]) * 0.7, 2))

    @Slot()
    def start(self) -> None:
        sku = self.product.currentData()
        if not sku:
            self.show_status(self.tr("Add products first"), ok=False)
            return
        price, size, window = self.price.value(), self.group_size.value(), self.fill_minutes.value() * 60
        self.run(
            lambda room: room.start_group_buy(sku, price, size, window),
            lambda _: self.tr("Group-buy started: groups of %1").replace("%1", str(size)),
        )

    @Slot()
    def end_selected(self) -> None:
        group_buy_id = selected_key(self.table)
        if group_buy_id is None:
            self.show_status(self.tr("Select a group-buy first"), ok=False)
            return
        self.run(lambda room: room.end_group_buy(group_buy_id), lambda _: self.tr("Group-buy ended"))
