"""Products (小黄车): search, pin/unpin (讲解中), catalog import, live stock and sales."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from ui.panels.base import QtPanel, fill, money, selected_key, table
from ui.qt_console import QtConsole


class QtProductsPanel(QtPanel):
    sections = ("products", "pins")

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search by name or SKU"))
        self.search.textChanged.connect(self.refresh)
        self.layout_.addWidget(self.search)
        self.table = table(self, [self.tr("SKU"), self.tr("Product"), self.tr("Price"), self.tr("Stock"),
                                  self.tr("Sold"), self.tr("Pinned")], stretch=1)  # fmt: skip
        self.layout_.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.pin_button = QPushButton(self.tr("Pin (now showing)"), self)
        self.unpin_button = QPushButton(self.tr("Unpin"), self)
        self.import_button = QPushButton(self.tr("Import catalog…"), self)
        for button in (self.pin_button, self.unpin_button, self.import_button):
            buttons.addWidget(button)
        self.layout_.addLayout(buttons)
        self.finish_layout()
        self.pin_button.clicked.connect(self.pin_selected)
        self.unpin_button.clicked.connect(self.unpin_selected)
        self.import_button.clicked.connect(self.choose_catalog)

    def refresh(self) -> None:
        state = self.console.state
        needle = self.search.text().strip().casefold()
        rows = []
        for product in state.products():
            if needle and needle not in product["title"].casefold() and needle not in product["sku"].casefold():
                continue
            indent = "    " if product.get("parent_sku") else ""
            pinned = "●" if product["sku"] in state.pins else ""
            rows.append((product["sku"], [product["sku"], indent + product["title"], money(product["price"]),
                                          str(product["stock"]), str(product["sold"]), pinned]))  # fmt: skip
        fill(self.table, rows)

    @Slot()
    def pin_selected(self) -> None:
        sku = selected_key(self.table)
        if sku is None:
            self.show_status(self.tr("Select a product first"), ok=False)
            return
        self.run(lambda room: room.pin(sku), lambda _: self.tr("Pinned %1").replace("%1", sku))

    @Slot()
    def unpin_selected(self) -> None:
        sku = selected_key(self.table)
        if sku is None:
            self.show_status(self.tr("Select a product first"), ok=False)
            return
        self.run(lambda room: room.unpin(sku), lambda _: self.tr("Unpinned %1").replace("%1", sku))

    @Slot()
    def choose_catalog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a catalog"), str(Path.home()), self.tr("Catalogs (*.json *.csv)")
        )
        if path:
            self.import_catalog(Path(path))

    def import_catalog(self, path: Path) -> None:
        self.run(
            lambda room: room.import_catalog(path),
            lambda result: self.tr("Imported %1 products").replace("%1", str(result["imported"])),
        )
