"""What every commerce panel shares: running an action and showing how it went."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.room_client import RoomClient
from ui.qt_console import QtConsole

_tags = itertools.count(1)


class QtPanel(QWidget):
    """A panel with a status line under its content. ``run`` tags each action so that only this panel
    reports it; the status shows the panel's success text, or the relay's reason in red.

    Strings of this class use ``QCoreApplication.translate("QtPanel", ...)``: ``self.tr`` would look
    them up under the subclass's name.
    """

    sections: tuple[str, ...] = ()

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.layout_ = QVBoxLayout(self)
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self._pending: dict[str, Callable[[Any], str] | None] = {}
        console.section_changed.connect(self._on_section)
        console.action_done.connect(self._on_done)
        console.action_failed.connect(self._on_failed)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.status)

    def run(self, action: Callable[[RoomClient], Any], success: Callable[[Any], str] | None = None) -> None:
        tag = f"{type(self).__name__}:{next(_tags)}"
        self._pending[tag] = success
        self.show_status(QCoreApplication.translate("QtPanel", "Working…"), ok=True)
        self.console.act(tag, action)

    def show_status(self, text: str, *, ok: bool) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("" if ok else "color: #e5243b;")
        self.status.setProperty("ok", ok)

    @Slot(str, object)
    def _on_done(self, tag: str, result: Any) -> None:
        if tag in self._pending:
            success = self._pending.pop(tag)
            done = success(result) if success else QCoreApplication.translate("QtPanel", "Done")
            self.show_status("✓ " + done, ok=True)

    @Slot(str, str)
    def _on_failed(self, tag: str, message: str) -> None:
        if tag in self._pending:
            self._pending.pop(tag)
            self.show_status("✗ " + message, ok=False)

    @Slot(str)
    def _on_section(self, section: str) -> None:
        if section in self.sections:
            self.refresh()

    def refresh(self) -> None:
        """Redraw from ``self.console.state``."""


def table(parent: QWidget, headers: list[str], stretch: int = 0) -> QTableWidget:
    """A read-only, row-selecting table; column ``stretch`` takes the spare width, the others fit."""
    widget = QTableWidget(0, len(headers), parent)
    widget.setHorizontalHeaderLabels(headers)
    widget.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    widget.verticalHeader().setVisible(False)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return widget


def fill(widget: QTableWidget, rows: list[tuple[str, list[str]]]) -> None:
    """Replace the rows; each row is (key kept in column 0's user data, cell texts). Keeps the selection."""
    selected = selected_key(widget)
    widget.setRowCount(len(rows))
    for r, (key, cells) in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, key)
            widget.setItem(r, c, item)
        if key == selected:
            widget.selectRow(r)


def selected_key(widget: QTableWidget) -> str | None:
    rows = widget.selectionModel().selectedRows() if widget.selectionModel() else []
    if not rows:
        return None
    item = widget.item(rows[0].row(), 0)
    return None if item is None else item.data(Qt.ItemDataRole.UserRole)


def select_key(widget: QTableWidget, key: str) -> bool:
    for r in range(widget.rowCount()):
        item = widget.item(r, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
            widget.selectRow(r)
            return True
    return False


def money(value: float) -> str:
    return f"¥{value:,.2f}"
