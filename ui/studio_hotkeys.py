"""The names of the studio's hotkey actions (app/settings_store.py's ids), in the interface's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def hotkey_label(action: str) -> str:
    """What the hotkey ``action`` does, as the Hotkeys page and the Show menu name it."""
    if action.startswith("scene_"):
        text = QCoreApplication.translate("StudioHotkeys", "Scene %1 on air")
        return text.replace("%1", action.removeprefix("scene_"))
    labels = {
        "go_live": QCoreApplication.translate("StudioHotkeys", "Go Live / End Live"),
        "next_segment": QCoreApplication.translate("StudioHotkeys", "Next segment"),
        "launch_promotion": QCoreApplication.translate("StudioHotkeys", "Launch the segment's promotion"),
        "studio_transition": QCoreApplication.translate("StudioHotkeys", "Transition (studio mode)"),
        "mute_mic": QCoreApplication.translate("StudioHotkeys", "Mute / unmute the microphone"),
        "beautify_toggle": QCoreApplication.translate("StudioHotkeys", "Beautify on / off"),
    }
    return labels.get(action, action)


def menu_command_label(command: str) -> str:
    """A menu command whose shortcut no hotkey may take (``RESERVED_KEYS``' values)."""
    labels = {
        "quit": QCoreApplication.translate("StudioHotkeys", "Quit"),
        "settings": QCoreApplication.translate("StudioHotkeys", "Settings…"),
    }
    return labels.get(command, command)
