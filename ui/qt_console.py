"""The host console's state on the GUI thread, shared by the commerce panels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app.console_state import ConsoleState
from app.room_client import RoomClient
from app.session import StudioSession
from ui.session_bridge import QtSessionBridge


class QtConsole(QObject):
    """Signals:
    section_changed(str): a section of the room changed (products, pins, flash_sales, ...).
    action_done(str, object): a host action finished (its tag and the relay's answer).
    action_failed(str, str): a host action failed (its tag and the relay's reason).
    """

    section_changed = Signal(str)
    action_done = Signal(str, object)
    action_failed = Signal(str, str)

    def __init__(self, session: StudioSession, bridge: QtSessionBridge) -> None:
        super().__init__()
        self.session = session
        self.state = ConsoleState()
        bridge.room_message.connect(self._on_message)
        bridge.room_action_done.connect(self.action_done)
        bridge.room_action_failed.connect(self.action_failed)

    @Slot(object)
    def _on_message(self, message: dict[str, Any]) -> None:
        for section in sorted(self.state.apply(message)):
            self.section_changed.emit(section)

    def act(self, tag: str, action: Callable[[RoomClient], Any]) -> None:
        """Run a host action on the session's worker; the outcome comes back as a signal."""
        self.session.room_action(tag, action)
