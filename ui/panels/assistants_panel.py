"""Assistants (中控): the owner makes a link for someone to run the show's commerce side from a browser
(cues, launches, pins, comments, mutes, questions; not the stream, the catalog or refunds), copies it
or lets them scan it, and revokes it. The links live on the relay (RoomClient, app/relay/api_assistants.py)."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.room_client import RoomClient
from ui.panels.base import QtPanel, table
from ui.qr import qr_image
from ui.qt_console import QtConsole

LIFETIMES = ((2 * 3600, "2 h"), (12 * 3600, "12 h"), (24 * 3600, "24 h"), (7 * 24 * 3600, "7 d"))
LABEL_MAX = 32
RELOAD_MS = 15_000


class QtAssistantsPanel(QtPanel):
    sections = ()

    def __init__(self, console: QtConsole, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        intro = QLabel(
            self.tr(
                "An assistant opens the link in a browser to cue the show, launch its actions, pin products "
                "and moderate. Ending the stream, the catalog and refunds stay yours."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)

        make = QGroupBox(self.tr("Add an assistant"), self)
        make_layout = QVBoxLayout(make)
        form = QFormLayout()
        self.label = QLineEdit(self)
        self.label.setPlaceholderText(self.tr("Their name, e.g. 小王"))
        self.label.setMaxLength(LABEL_MAX)
        self.lifetime = QComboBox(self)
        for seconds, text in LIFETIMES:
            self.lifetime.addItem(text, seconds)
        self.lifetime.setCurrentIndex(1)
        form.addRow(self.tr("Name"), self.label)
        form.addRow(self.tr("Valid for"), self.lifetime)
        make_layout.addLayout(form)
        self.create_button = QPushButton(self.tr("Create assistant link"), self)
        self.create_button.setEnabled(False)
        make_layout.addWidget(self.create_button)
        row = QHBoxLayout()
        self.link = QLineEdit(self)
        self.link.setReadOnly(True)
        self.link.setPlaceholderText(self.tr("The link appears here"))
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setEnabled(False)
        row.addWidget(self.link, 1)
        row.addWidget(self.copy_button)
        make_layout.addLayout(row)
        self.qr = QLabel(self)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setToolTip(self.tr("The assistant can scan this with a phone"))
        make_layout.addWidget(self.qr)
        self.layout_.addWidget(make)

        self.links = table(self, [self.tr("Assistant"), self.tr("State"), self.tr("Until"), "", ""])
        self.links.setMinimumHeight(120)
        self.layout_.addWidget(self.links, 1)
        self.finish_layout()

        self.label.textChanged.connect(lambda text: self.create_button.setEnabled(bool(text.strip())))
        self.label.returnPressed.connect(self.create_link)
        self.create_button.clicked.connect(self.create_link)
        self.copy_button.clicked.connect(lambda: self.copy(self.link.text()))
        self._loaded = False
        self._shown: str | None = None
        """The id of the link in the link field."""
        self._reload = QTimer(self)
        self._reload.setInterval(RELOAD_MS)  # links expire on their own
        self._reload.timeout.connect(self.reload_links)
        self._reload.start()

    # --- making a link ----------------------------------------------------------------------------

    @Slot()
    def create_link(self) -> None:
        label, seconds = self.label.text().strip(), int(self.lifetime.currentData())
        if not label:
            self.show_status(self.tr("Say who the link is for: their actions are recorded under this name"), ok=False)
            return
        self.run(lambda room: room.create_assistant(label, ttl_s=seconds), self._created)

    def _created(self, link: dict[str, Any]) -> str:
        url = str(link["url"])
        self.link.setText(url)
        self.link.setCursorPosition(0)
        self.copy_button.setEnabled(True)
        self.qr.setPixmap(QPixmap.fromImage(qr_image(url, 180)))
        self._shown = str(link["id"])
        self.label.clear()
        self.reload_links()
        return self.tr("Link for %1 created: send it or let them scan the code").replace("%1", str(link["label"]))

    def copy(self, url: str) -> None:
        QGuiApplication.clipboard().setText(url)
        self.show_status(self.tr("Link copied"), ok=True)

    # --- the list ------------------------------------------------------------------------------------

    def reload_links(self) -> None:
        if self.console.session.room is None:
            return
        self.console.session.room_action(f"{type(self).__name__}:list", lambda room: room.assistants())

    @Slot(str)
    def _on_section(self, section: str) -> None:
        if not self._loaded:  # the room's feed is up: the relay is there to ask
            self._loaded = True
            self.reload_links()

    @Slot(str, object)
    def _on_done(self, tag: str, result: Any) -> None:
        if tag == f"{type(self).__name__}:list":
            self._loaded = True
            self.show_links(result)
            return
        super()._on_done(tag, result)

    @Slot(str, str)
    def _on_failed(self, tag: str, message: str) -> None:
        if tag == f"{type(self).__name__}:list":
            return  # a refresh that failed: the list keeps what it showed
        super()._on_failed(tag, message)

    def show_links(self, links: list[dict[str, Any]]) -> None:
        states = {"active": self.tr("active"), "expired": self.tr("expired"), "revoked": self.tr("revoked")}
        self.links.setRowCount(len(links))
        for row, link in enumerate(links):
            self.links.setItem(row, 0, _item(str(link.get("label") or "—")))
            state = str(link.get("state"))
            self.links.setItem(row, 1, _item(states.get(state, state)))
            expires = float(link.get("expires_at") or 0)
            shown = time.strftime("%m-%d %H:%M", time.localtime(expires)) if expires else ""
            self.links.setItem(row, 2, _item(shown))
            url = link.get("url")
            if state == "active" and url:
                copy = QPushButton(self.tr("Copy link"), self.links)
                copy.setObjectName(f"copy:{link['id']}")
                copy.clicked.connect(lambda _=False, u=str(url): self.copy(u))
                self.links.setCellWidget(row, 3, copy)
                revoke = QPushButton(self.tr("Revoke"), self.links)
                revoke.setObjectName(f"revoke:{link['id']}")
                revoke.clicked.connect(lambda _=False, i=str(link["id"]), n=str(link["label"]): self.revoke(i, n))
                self.links.setCellWidget(row, 4, revoke)
            else:
                self.links.removeCellWidget(row, 3)
                self.links.removeCellWidget(row, 4)

    def revoke(self, assistant_id: str, label: str) -> None:
        def action(room: RoomClient) -> Any:
            return room.revoke_assistant(assistant_id)

        self.run(action, lambda _: self._revoked(assistant_id, label))

    def _revoked(self, assistant_id: str, label: str) -> str:
        if self._shown == assistant_id:  # the link on show no longer works: take it down
            self._shown = None
            self.link.clear()
            self.copy_button.setEnabled(False)
            self.qr.clear()
        self.reload_links()
        return self.tr("%1's link is revoked: their page stops working now").replace("%1", label)


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item
