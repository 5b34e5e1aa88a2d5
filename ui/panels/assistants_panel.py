"""Assistants (中控): the owner makes a link for someone to run the show's commerce side from a browser
(cues, launches, pins, comments, mutes, questions; not the stream, the catalog or refunds), copies it
or lets them scan it, and revokes it. The links live on the relay (RoomClient, app/relay/api_assistants.py)."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.room_client import RoomClient
from ui.panels.base import table
from ui.panels.link_list import LinkBox, QtLinksPanel, row_button, show_row
from ui.qt_console import QtConsole

LIFETIMES = ((2 * 3600, "2 h"), (12 * 3600, "12 h"), (24 * 3600, "24 h"), (7 * 24 * 3600, "7 d"))
LABEL_MAX = 32


class QtAssistantsPanel(QtLinksPanel):
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
        self.link_box = LinkBox(
            self,
            placeholder=self.tr("The link appears here"),
            copy=self.tr("Copy"),
            qr_tip=self.tr("The assistant can scan this with a phone"),
        )
        make_layout.addWidget(self.link_box)
        self.layout_.addWidget(make)

        self.links = table(self, [self.tr("Assistant"), self.tr("State"), self.tr("Until"), "", ""])
        self.links.setMinimumHeight(120)
        self.layout_.addWidget(self.links, 1)
        self.finish_layout()

        self.label.textChanged.connect(lambda text: self.create_button.setEnabled(bool(text.strip())))
        self.label.returnPressed.connect(self.create_link)
        self.create_button.clicked.connect(self.create_link)
        self.link_box.copied.connect(self._copied)
        self._loaded = False
        self._shown: str | None = None
        """The id of the link in the link field."""

    # --- making a link ----------------------------------------------------------------------------

    @Slot()
    def create_link(self) -> None:
        label, seconds = self.label.text().strip(), int(self.lifetime.currentData())
        if not label:
            self.show_status(self.tr("Say who the link is for: their actions are recorded under this name"), ok=False)
            return
        self.run(lambda room: room.create_assistant(label, ttl_s=seconds), self._created)

    def _created(self, link: dict[str, Any]) -> str:
        self.link_box.show_link(str(link["url"]))
        self._shown = str(link["id"])
        self.label.clear()
        self.reload_links()
        return self.tr("Link for %1 created: send it or let them scan the code").replace("%1", str(link["label"]))

    def copy(self, url: str) -> None:
        QGuiApplication.clipboard().setText(url)
        self._copied(url)

    @Slot(str)
    def _copied(self, _url: str) -> None:
        self.show_status(self.tr("Link copied"), ok=True)

    # --- the list ------------------------------------------------------------------------------------

    def fetch_links(self, room: RoomClient) -> Any:
        return room.assistants()

    @Slot(str)
    def _on_section(self, section: str) -> None:
        if not self._loaded:  # the room's feed is up: the relay is there to ask
            self._loaded = True
            self.reload_links()

    def show_links(self, links: list[dict[str, Any]]) -> None:
        self._loaded = True
        states = {"active": self.tr("active"), "expired": self.tr("expired"), "revoked": self.tr("revoked")}
        self.links.setRowCount(len(links))
        for row, link in enumerate(links):
            state = str(link.get("state"))
            expires = float(link.get("expires_at") or 0)
            shown = time.strftime("%m-%d %H:%M", time.localtime(expires)) if expires else ""
            texts = [str(link.get("label") or "—"), states.get(state, state), shown]
            url = link.get("url")
            buttons = []
            if state == "active" and url:
                link_id = str(link["id"])
                copy, revoke = partial(self.copy, str(url)), partial(self.revoke, link_id, str(link["label"]))
                buttons = [
                    row_button(self.links, self.tr("Copy link"), f"copy:{link_id}", copy),
                    row_button(self.links, self.tr("Revoke"), f"revoke:{link_id}", revoke),
                ]
            show_row(self.links, row, texts, buttons)

    def revoke(self, assistant_id: str, label: str) -> None:
        def action(room: RoomClient) -> Any:
            return room.revoke_assistant(assistant_id)

        self.run(action, lambda _: self._revoked(assistant_id, label))

    def _revoked(self, assistant_id: str, label: str) -> str:
        if self._shown == assistant_id:  # the link on show no longer works: take it down
            self._shown = None
            self.link_box.clear_link()
        self.reload_links()
        return self.tr("%1's link is revoked: their page stops working now").replace("%1", label)
