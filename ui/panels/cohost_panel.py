"""Co-hosts (连麦): invite a guest with a link and a QR code, see who is on, mute, kick, choose the
layout. Invites live on the relay (RoomClient); the guests' connections in the session's
:class:`~app.cohost.Cohosting`."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.room_client import RoomClient
from pipeline.cohost_endpoint import GuestInfo
from pipeline.compositor import Layout
from ui.panels.base import table
from ui.panels.link_list import LinkBox, QtLinksPanel, read_only, row_button, show_row
from ui.qt_console import QtConsole
from ui.session_bridge import QtSessionBridge

LIFETIMES = ((10 * 60, "10 min"), (30 * 60, "30 min"), (2 * 3600, "2 h"))


class QtCohostPanel(QtLinksPanel):
    sections = ()

    def __init__(self, console: QtConsole, bridge: QtSessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(console, parent)
        self.cohosting = console.session.cohosting
        # Shown on a guest's tile in the program until their picture arrives.
        self.cohosting.compositor.connecting_text = self.tr("connecting…")
        layouts = QFormLayout()
        self.layout_picker = QComboBox(self)
        for layout, label in (
            (Layout.SIDE_BY_SIDE, self.tr("Side by side")),
            (Layout.PIP, self.tr("Picture in picture")),
            (Layout.GRID, self.tr("Grid")),
        ):
            self.layout_picker.addItem(label, layout.value)
        self.layout_picker.setCurrentIndex(self.layout_picker.findData(self.cohosting.compositor.layout.value))
        layouts.addRow(self.tr("Layout"), self.layout_picker)
        self.layout_.addLayout(layouts)

        guests = QGroupBox(self.tr("On the program"), self)
        guests_layout = QVBoxLayout(guests)
        self.guests = table(self, [self.tr("Guest"), self.tr("State"), self.tr("Mute"), ""])
        self.guests.setMinimumHeight(110)
        guests_layout.addWidget(self.guests)
        self.layout_.addWidget(guests)

        invite = QGroupBox(self.tr("Invite a guest"), self)
        invite_layout = QVBoxLayout(invite)
        form = QFormLayout()
        self.label = QLineEdit(self)
        self.label.setPlaceholderText(self.tr("Who is it for (optional)"))
        self.label.setMaxLength(40)
        self.lifetime = QComboBox(self)
        for seconds, text in LIFETIMES:
            self.lifetime.addItem(text, seconds)
        self.lifetime.setCurrentIndex(1)
        form.addRow(self.tr("For"), self.label)
        form.addRow(self.tr("Valid for"), self.lifetime)
        invite_layout.addLayout(form)
        self.create_button = QPushButton(self.tr("Create invite link"), self)
        invite_layout.addWidget(self.create_button)
        self.link_box = LinkBox(
            self,
            placeholder=self.tr("The link appears here"),
            copy=self.tr("Copy"),
            qr_tip=self.tr("The guest can scan this with a phone"),
        )
        invite_layout.addWidget(self.link_box)
        self.invites = table(self, [self.tr("For"), self.tr("State"), self.tr("Expires"), ""])
        self.invites.setMinimumHeight(110)
        invite_layout.addWidget(self.invites)
        self.layout_.addWidget(invite, 1)
        self.finish_layout()

        self.layout_picker.currentIndexChanged.connect(self._layout_chosen)
        self.create_button.clicked.connect(self.create_invite)
        self.link_box.copied.connect(self._copied)
        bridge.guests_changed.connect(self.show_guests)
        bridge.guest_left.connect(self._guest_left)
        bridge.relay_ready.connect(lambda *_: self.reload_links())
        self._shown: list[tuple[str, str]] | None = None
        self.show_guests(tuple(self.cohosting.guests()))

    # --- guests ---------------------------------------------------------------------------------

    @Slot(object)
    def show_guests(self, guests: tuple[GuestInfo, ...]) -> None:
        shown = [(g.id, g.state) for g in guests]
        if shown != self._shown:
            self._shown = shown
            self.reload_links()  # a guest joining spends an invite
        self.guests.setRowCount(len(guests))
        states = {"connecting": self.tr("connecting"), "live": self.tr("on air"), "gone": self.tr("left")}
        for row, guest in enumerate(guests):
            self.guests.setItem(row, 0, read_only(guest.name))
            self.guests.setItem(row, 1, read_only(states.get(guest.state, guest.state)))
            mute = QCheckBox(self.guests)
            mute.setChecked(guest.muted)
            mute.toggled.connect(lambda on, g=guest.id: self._mute(g, on))
            self.guests.setCellWidget(row, 2, mute)
            kick = QPushButton(self.tr("Remove"), self.guests)
            kick.setObjectName(f"kick:{guest.id}")
            kick.clicked.connect(lambda _=False, g=guest.id, n=guest.name: self.kick(g, n))
            self.guests.setCellWidget(row, 3, kick)

    def _mute(self, guest_id: str, on: bool) -> None:
        try:
            self.cohosting.set_muted(guest_id, on)
        except KeyError:
            self.show_status(self.tr("That guest has left"), ok=False)

    def kick(self, guest_id: str, name: str) -> None:
        try:
            self.cohosting.kick(guest_id)
        except KeyError:
            self.show_status(self.tr("That guest has left"), ok=False)
            return
        self.show_status(self.tr("%1 was removed from the program").replace("%1", name), ok=True)
        self.reload_links()

    @Slot(str, str, str)
    def _guest_left(self, guest_id: str, name: str, reason: str) -> None:
        if reason == "kicked":
            pass
        elif reason == "left":
            self.show_status(self.tr("%1 left").replace("%1", name), ok=True)
        elif reason.startswith(("no media", "connection", "not connected")):
            self.show_status(self.tr("%1's connection was lost").replace("%1", name), ok=False)
        else:
            self.show_status(self.tr("%1 left (%2)").replace("%1", name).replace("%2", reason), ok=True)
        self.reload_links()

    @Slot(int)
    def _layout_chosen(self, _index: int) -> None:
        self.cohosting.set_layout(Layout(self.layout_picker.currentData()))

    # --- invites -------------------------------------------------------------------------------

    @Slot()
    def create_invite(self) -> None:
        label, seconds = self.label.text().strip(), int(self.lifetime.currentData())
        self.run(lambda room: room.create_invite(label=label or None, ttl_s=seconds), self._created)

    def _created(self, invite: dict[str, Any]) -> str:
        self.link_box.show_link(str(invite["url"]))
        self.reload_links()
        return self.tr("Invite created: send the link or let the guest scan the code")

    @Slot(str)
    def _copied(self, _url: str) -> None:
        self.show_status(self.tr("Link copied"), ok=True)

    def fetch_links(self, room: RoomClient) -> Any:
        return room.list_invites()

    def show_links(self, invites: Any) -> None:
        rows = invites.get("invites", invites) if isinstance(invites, dict) else invites
        states = {
            "open": self.tr("open"),
            "used": self.tr("used"),
            "expired": self.tr("expired"),
            "revoked": self.tr("revoked"),
        }
        self.invites.setRowCount(len(rows))
        for row, invite in enumerate(rows):
            who = invite.get("guest_name") or invite.get("label") or "—"
            state = str(invite.get("state"))
            expires = float(invite.get("expires_at") or 0)
            shown = time.strftime("%H:%M", time.localtime(expires)) if expires else ""
            texts = [str(who), states.get(state, state), shown]
            buttons = []
            if state == "open":
                invite_id = str(invite["id"])
                revoke = QCoreApplication.translate("QtCohostPanel", "Revoke")
                buttons = [row_button(self.invites, revoke, f"revoke:{invite_id}", partial(self.revoke, invite_id))]
            show_row(self.invites, row, texts, buttons)

    def revoke(self, invite_id: str) -> None:
        def action(room: RoomClient) -> Any:
            return room.revoke_invite(invite_id)

        self.run(action, lambda _: self._revoked())

    def _revoked(self) -> str:
        self.reload_links()
        return self.tr("Invite revoked: the link no longer works")
