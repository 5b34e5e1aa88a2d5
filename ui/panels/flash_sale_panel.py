"""Flash sales (秒杀): pick a product, deal price, stock, limit, countdown → launch; live sold/remaining."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QPushButton, QSpinBox, QWidget

from ui.panels.base import QtPanel, fill, money, selected_key, table
from ui.qt_console import QtConsole


def fill_products(combo: QComboBox, products: list[dict[str, object]]) -> None:
    current = combo.currentData()
    combo.clear()
    for product in products:
        combo.addItem(f"{product['title']} ({product['sku']})", product["sku"])
    if current is not None:
        index = combo.findData(current)
        if index >= 0:
            combo.setCurrentIndex(index)


class QtFlashSalePanel(QtPanel):
    sections = ("products", "flash_sales")

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        form = QFormLayout()
        self.product = QComboBox(self)
        self.price = QDoubleSpinBox(self)
        self.price.setRange(0, 1_000_000)
        self.price.setDecimals(2)
        self.price.setPrefix("¥")
        self.stock = QSpinBox(self)
        self.stock.setRange(1, 1_000_000)
        self.stock.setValue(100)
        self.limit = QSpinBox(self)
        self.limit.setRange(1, 99)
        self.limit.setValue(2)
        self.countdown = QSpinBox(self)
        self.countdown.setRange(10, 300)
        self.countdown.setValue(30)
        self.countdown.setSuffix(" s")
        self.duration = QSpinBox(self)
        self.duration.setRange(1, 20)
        self.duration.setValue(5)
        self.duration.setSuffix(" min")
        form.addRow(self.tr("Product"), self.product)
        form.addRow(self.tr("Deal price"), self.price)
        form.addRow(self.tr("Stock"), self.stock)
        form.addRow(self.tr("Limit per viewer"), self.limit)
        form.addRow(self.tr("Countdown"), self.countdown)
        form.addRow(self.tr("Duration"), self.duration)
        self.layout_.addLayout(form)
        self.launch_button = QPushButton(self.tr("Launch flash sale"), self)
        self.layout_.addWidget(self.launch_button)
        self.table = table(
            self, [self.tr("Product"), self.tr("Price"), self.tr("Sold"), self.tr("Left"), self.tr("State")]
        )
        self.layout_.addWidget(self.table, 1)
        self.end_button = QPushButton(self.tr("End selected sale"), self)
        self.layout_.addWidget(self.end_button)
        self.finish_layout()
        self.launch_button.clicked.connect(self.launch)
        self.end_button.clicked.connect(self.end_selected)
        self.product.currentIndexChanged.connect(self._suggest_price)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._refresh_sales)
        self._clock.start(500)

    def refresh(self) -> None:
        fill_products(self.product, self.console.state.orderable())
        self._refresh_sales()

    @Slot()
    def _suggest_price(self) -> None:
        product = self.console.state.product(self.product.currentData() or "")
        if product is not None:
            self.price.setValue(round(float(product["price"]) * 0.5, 2))

    def _phase_text(self, sale: dict[str, object]) -> str:
        now = self.console.state.server_now()
        opens, closes = float(sale["opens_at"]), float(sale["closes_at"])  # type: ignore[arg-type]
        if sale["phase"] == "closed" or now >= closes:
            return self.tr("ended")
        if now < opens:
            return self.tr("opens in %1 s").replace("%1", str(int(opens - now) + 1))
        if int(sale["remaining"]) <= 0:  # type: ignore[call-overload]
            return self.tr("sold out")
        return self.tr("open, %1 s left").replace("%1", str(int(closes - now)))

    @Slot()
    def _refresh_sales(self) -> None:
        sales = sorted(self.console.state.flash_sales.values(), key=lambda s: s["opens_at"], reverse=True)
        fill(self.table, [(s["id"], [s["title"], money(s["price"]), str(s["sold"]), str(s["remaining"]),
                                     self._phase_text(s)]) for s in sales])  # fmt: skip

    @Slot()
    def launch(self) -> None:
        sku = self.product.currentData()
        if not sku:
            self.show_status(self.tr("Add products first"), ok=False)
            return
        price, stock, limit = self.price.value(), self.stock.value(), self.limit.value()
        countdown, duration = self.countdown.value(), self.duration.value() * 60
        self.run(
            lambda room: room.launch_flash_sale(sku, price, stock, limit, countdown, duration),
            lambda sale: self.tr("Flash sale launched: opens in %1 s").replace("%1", str(countdown)),
        )

    @Slot()
    def end_selected(self) -> None:
        sale_id = selected_key(self.table)
        if sale_id is None:
            self.show_status(self.tr("Select a sale first"), ok=False)
            return
        self.run(lambda room: room.end_flash_sale(sale_id), lambda _: self.tr("Flash sale ended"))
