"""What the Co-hosts and Assistants panels share: links the host makes on the relay and hands out.

- :class:`LinkBox`: the link just made, in a read-only field with Copy and the QR code a phone scans.
- :class:`QtLinksPanel`: a panel listing the relay's links in a table, reloaded every 15 s (links
  expire on their own) and whenever the panel asks, on the room-actions thread; a reload that fails
  keeps what the table showed. Each row is its texts, then the buttons of a link still usable
  (:func:`show_row`).

The words shown here come translated from the panel (``self.tr`` there): each panel stays the
translation context of its own strings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.room_client import RoomClient
from ui.panels.base import QtPanel
from ui.qr import qr_image
from ui.qt_console import QtConsole

RELOAD_MS = 15_000
QR_SIZE = 180


class LinkBox(QWidget):
    """A link to hand out: the read-only field, Copy (``copied`` once the link is on the clipboard)
    and its QR code."""

    copied = Signal(str)

    def __init__(self, parent: QWidget, *, placeholder: str, copy: str, qr_tip: str) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.link = QLineEdit(self)
        self.link.setReadOnly(True)
        self.link.setPlaceholderText(placeholder)
        self.copy_button = QPushButton(copy, self)
        self.copy_button.setEnabled(False)
        row.addWidget(self.link, 1)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        self.qr = QLabel(self)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setToolTip(qr_tip)
        layout.addWidget(self.qr)
        self.copy_button.clicked.connect(self.copy)

    def show_link(self, url: str) -> None:
        self.link.setText(url)
        self.link.setCursorPosition(0)
        self.copy_button.setEnabled(True)
        self.qr.setPixmap(QPixmap.fromImage(qr_image(url, QR_SIZE)))

    def clear_link(self) -> None:
        self.link.clear()
        self.copy_button.setEnabled(False)
        self.qr.clear()

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.link.text())
        self.copied.emit(self.link.text())


class QtLinksPanel(QtPanel):
    """A panel with a table of the relay's links: :meth:`fetch_links` asks the relay for them (on the
    room-actions thread), :meth:`show_links` draws them."""

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        self._reload = QTimer(self)
        self._reload.setInterval(RELOAD_MS)  # links expire on their own
        self._reload.timeout.connect(self.reload_links)
        self._reload.start()

    def fetch_links(self, room: RoomClient) -> Any:
        raise NotImplementedError

    def show_links(self, links: Any) -> None:
        raise NotImplementedError

    @property
    def _links_tag(self) -> str:
        return f"{type(self).__name__}:links"

    def reload_links(self) -> None:
        if self.console.session.room is None:
            return
        self.console.session.room_action(self._links_tag, self.fetch_links)
        # The answer comes back through the console's action_done, handled below.

    @Slot(str, object)
    def _on_done(self, tag: str, result: Any) -> None:
        if tag == self._links_tag:
            self.show_links(result)
            return
        super()._on_done(tag, result)

    @Slot(str, str)
    def _on_failed(self, tag: str, message: str) -> None:
        if tag == self._links_tag:
            return  # a refresh that failed: the list keeps what it showed
        super()._on_failed(tag, message)


def read_only(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def row_button(table: QTableWidget, text: str, name: str, clicked: Callable[[], object]) -> QPushButton:
    """A button for a row of ``table``, named ``name`` (its action and the link's id: ``revoke:<id>``)."""
    button = QPushButton(text, table)
    button.setObjectName(name)
    button.clicked.connect(lambda _checked=False: clicked())
    return button


def show_row(table: QTableWidget, row: int, texts: Sequence[str], buttons: Sequence[QPushButton] = ()) -> None:
    """Row ``row`` of ``table``: ``texts`` (read-only), then ``buttons`` in the columns after them; the
    button columns left over are emptied (a link no longer usable has no buttons)."""
    for column, text in enumerate(texts):
        table.setItem(row, column, read_only(text))
    for column in range(len(texts), table.columnCount()):
        index = column - len(texts)
        if index < len(buttons):
            table.setCellWidget(row, column, buttons[index])
        else:
            table.removeCellWidget(row, column)
