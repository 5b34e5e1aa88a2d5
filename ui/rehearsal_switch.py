"""The studio window's Rehearsal (彩排) switch: a checkable toolbar action beside Go Live, installed on the
window by :class:`RehearsalSwitch`.

Rehearsal is chosen before going live: the switch works only while the window is idle with a room and
no switch is under way. Switching asks the relay (``RoomClient.set_rehearsal``, on the room-actions
thread) and says how it went in the window's messages; the room's state comes back on the owner feed
(``ConsoleState.rehearsal``), and a failed switch goes back to it. ``state_shown`` tells the window the
state to show (its Go Live button and status line read rehearsal while it is on).

Its strings are the window's: translated under the ``StudioWindow`` context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from ui.studio_window import StudioWindow


class RehearsalSwitch(QObject):
    """The Rehearsal switch of one studio window (module docstring)."""

    TAG = "studio:rehearsal"
    state_shown = Signal(bool)
    """The room's rehearsal as the switch now shows it (on every update, changed or not)."""

    def __init__(self, window: StudioWindow) -> None:
        super().__init__(window)
        self.window = window
        self.on = False
        """The room is rehearsing (彩排), as the owner feed says."""
        self._pending = False
        self.action = QAction(QCoreApplication.translate("StudioWindow", "Rehearsal"), window)
        self.action.setObjectName("rehearsal")
        self.action.setCheckable(True)
        self.action.setEnabled(False)
        self.action.setToolTip(
            QCoreApplication.translate(
                "StudioWindow",
                "Rehearse the whole show before going public: the room is unlisted and orders are test orders;"
                " switching it off cancels them and ends the rehearsal's campaigns. Chosen before going live.",
            )
        )
        self.action.toggled.connect(self._on_toggled)
        window.console.section_changed.connect(self._on_section)
        window.bridge.room_action_done.connect(self._on_done)
        window.bridge.room_action_failed.connect(self._on_failed)

    def enable(self) -> None:
        """Rehearsal is chosen before going live: the switch works only while idle with a room."""
        window = self.window
        self.action.setEnabled(window.live_state == "idle" and window.session.room is not None and not self._pending)

    def _show(self, on: bool) -> None:
        self.on = on
        if self.action.isChecked() != on:
            self.action.blockSignals(True)
            self.action.setChecked(on)
            self.action.blockSignals(False)
        self.state_shown.emit(on)

    @Slot(bool)
    def _on_toggled(self, on: bool) -> None:
        if on == self.on:
            return
        self._pending = True
        self.enable()
        self.window.session.room_action(self.TAG, lambda client: client.set_rehearsal(on))

    @Slot(str)
    def _on_section(self, section: str) -> None:
        if section == "rehearsal":
            self._show(self.window.console.state.rehearsal)

    @Slot(str, object)
    def _on_done(self, tag: str, result: object) -> None:
        if tag != self.TAG:
            return
        self._pending = False
        on = bool(result.get("on")) if isinstance(result, dict) else self.on
        if on and not self.on:
            self.window._add_notice(
                "info",
                QCoreApplication.translate(
                    "StudioWindow",
                    "Rehearsal on: the room is unlisted and orders are test orders until you switch it off.",
                ),
            )
        elif not on and self.on:
            cancelled = result.get("orders_cancelled", 0) if isinstance(result, dict) else 0
            self.window._add_notice(
                "info",
                QCoreApplication.translate(
                    "StudioWindow", "Rehearsal off: %1 test orders cancelled and their stock put back."
                ).replace("%1", str(cancelled)),
            )
        self._show(on)
        self.enable()

    @Slot(str, str)
    def _on_failed(self, tag: str, message: str) -> None:
        if tag != self.TAG:
            return
        self._pending = False
        self._show(self.on)  # the switch goes back to what the room is
        self.enable()
        self.window._add_notice(
            "error", QCoreApplication.translate("StudioWindow", "Rehearsal not changed: %1").replace("%1", message)
        )
