"""The studio's Settings window, hotkeys and dock layout, offscreen against a real session (test pattern,
fake devices, no relay): what is set survives closing the studio and opening it again."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QDockWidget, QLineEdit
from pytestqt.qtbot import QtBot

from app.session import StudioSession
from app.session_config import SessionConfig
from app.settings_store import (
    OutputSettings,
    Overrides,
    RtmpDestination,
    SettingsStore,
    StreamSettings,
    StudioSettings,
    WhipDestination,
)
from app.studio_show import MIC
from tests.helpers.fakes import FakeDevices
from ui.settings_dialog import SecretEdit, SettingsDialog
from ui.studio_window import StudioWindow

SECRET = "sk-live-7f3a9c1e5b2d"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_studio(qtbot: QtBot, devices: FakeDevices, store: SettingsStore) -> StudioWindow:
    session = StudioSession(SessionConfig(source="test", mic="tone"), devices=devices)
    window = StudioWindow(session, settings=store, overrides=Overrides())
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.editing.scenes is not None, timeout=15_000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window


def close_studio(window: StudioWindow) -> None:
    window.close()
    window.shutdown()


def mic_muted(window: StudioWindow) -> bool:
    return next(s for s in window.session.show.strips() if s.id == MIC).muted


def notices(window: StudioWindow) -> list[str]:
    return [window.notices.item(i).text() for i in range(window.notices.count())]


def ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_settings_hotkeys_and_the_layout_come_back_after_a_restart(
    qtbot: QtBot, no_devices: FakeDevices, tmp_path: Path
) -> None:
    path = tmp_path / "config" / "studio.json"
    store = SettingsStore(path)
    store.load()
    window = open_studio(qtbot, no_devices, store)
    try:
        assert window.hotkey_actions["mute_mic"].shortcut() == QKeySequence("Ctrl+Shift+M")
        assert window.settings_ui.settings_action in window.settings_ui.file_menu.actions()
        assert window.settings_ui.settings_action.shortcut() == QKeySequence("Ctrl+,")
        window.settings_ui.settings_action.trigger()
        dialog = window.settings_ui.dialog
        assert dialog is not None and dialog.isVisible()
        assert [dialog.sections.item(i).text() for i in range(dialog.sections.count())] == [
            "Stream", "Output", "Video", "Audio & devices", "Hotkeys", "Language",
        ]  # fmt: skip

        dialog.sections.setCurrentRow(1)
        dialog.rtmp.add_button.click()
        _, url, key = dialog.rtmp.rows[-1]
        qtbot.keyClicks(url, "rtmp://live.example.com/app")
        qtbot.keyClicks(key.edit, SECRET)
        dialog.sections.setCurrentRow(2)
        dialog.ladder.setEditText("480p,360p")
        assert "Applies at the next Go Live: the outputs, the ladder." in dialog.note.text()
        dialog.sections.setCurrentRow(4)
        edit = dialog.key_edits["mute_mic"]
        edit.setFocus()
        qtbot.keyClick(edit, Qt.Key.Key_U, CTRL_SHIFT)
        qtbot.waitUntil(lambda: edit.keySequence() == QKeySequence("Ctrl+Shift+U"), timeout=5000)
        assert "Hotkeys apply at once." in dialog.note.text()
        ok(dialog)
        assert not dialog.isVisible()

        assert window.hotkey_actions["mute_mic"].shortcut() == QKeySequence("Ctrl+Shift+U"), "at once"
        config = window.session.config
        assert config.rtmp_urls == (f"rtmp://live.example.com/app/{SECRET}",), "the next Go Live pushes there"
        assert [r.name for r in config.broadcast.rungs] == ["480p", "360p"]
        assert "Settings saved." in "\n".join(notices(window))

        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, window.mixer_dock)
        assert window.dockWidgetArea(window.mixer_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    finally:
        close_studio(window)

    saved = json.loads(path.read_text())
    assert saved["output"]["rtmp"] == [{"url": "rtmp://live.example.com/app", "key": SECRET}]
    assert saved["video"]["ladder"] == "480p,360p" and saved["hotkeys"]["mute_mic"] == "Ctrl+Shift+U"
    assert (path.parent / "layout.json").exists()

    store = SettingsStore(path)
    store.load()
    window = open_studio(qtbot, no_devices, store)
    try:
        assert window.hotkey_actions["mute_mic"].shortcut() == QKeySequence("Ctrl+Shift+U")
        assert window.dockWidgetArea(window.mixer_dock) == Qt.DockWidgetArea.LeftDockWidgetArea, "layout restored"
        dialog = window.settings_ui.open_settings()
        assert dialog.rtmp.values() == [("rtmp://live.example.com/app", SECRET)]
        assert dialog.ladder.currentText() == "480p,360p"
        assert dialog.key_edits["mute_mic"].keySequence() == QKeySequence("Ctrl+Shift+U")
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_ui.dialog is None, timeout=5000)

        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
        qtbot.waitUntil(lambda: any(s.id == MIC for s in window.session.show.strips()), timeout=10_000)
        assert not mic_muted(window)
        qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
        assert not mic_muted(window), "the old key does nothing now"
        qtbot.keyClick(window, Qt.Key.Key_U, CTRL_SHIFT)
        assert mic_muted(window), "the changed key mutes the microphone"
        qtbot.keyClick(window, Qt.Key.Key_U, CTRL_SHIFT)
        assert not mic_muted(window)

        window.settings_ui.reset_layout_action.trigger()
        assert window.dockWidgetArea(window.mixer_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
        assert window.settings_ui.reset_layout_action in window.settings_ui.view_menu.actions()
    finally:
        close_studio(window)


def test_the_hotkeys_run_the_show(qtbot: QtBot, no_devices: FakeDevices, tmp_path: Path) -> None:
    window = open_studio(qtbot, no_devices, SettingsStore(None))
    try:
        with qtbot.waitSignal(window.next_segment_requested, timeout=2000):
            qtbot.keyClick(window, Qt.Key.Key_PageDown)  # a presentation clicker's "next"
        with qtbot.waitSignal(window.launch_promotion_requested, timeout=2000):
            qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

        window.live_button.clicked.disconnect()  # going live itself is the window's tests' business
        with qtbot.waitSignal(window.live_button.clicked, timeout=2000):
            qtbot.keyClick(window, Qt.Key.Key_L, CTRL_SHIFT)

        scenes = window.session.scenes
        third = scenes.collection.canvas("portrait").scenes[2].id
        qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
        assert scenes.collection.canvas("portrait").program == third

        window.studio_mode_action.trigger()
        assert scenes.studio_mode
        first = scenes.collection.canvas("portrait").scenes[0].id
        scenes.preview("portrait", first)
        qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        assert scenes.collection.canvas("portrait").program == first, "the transition put the preview on air"
        window.studio_mode_action.trigger()

        beautify = window.session.video_filters
        assert not beautify.state("shopcast.beautify").enabled
        qtbot.keyClick(window, Qt.Key.Key_B, CTRL_SHIFT)
        assert beautify.state("shopcast.beautify").enabled
        qtbot.keyClick(window, Qt.Key.Key_B, CTRL_SHIFT)
        assert not beautify.state("shopcast.beautify").enabled
    finally:
        close_studio(window)


def test_keys_and_tokens_are_dots_until_shown(qtbot: QtBot) -> None:
    settings = StudioSettings(
        stream=StreamSettings(relay="https://relay.example.com", stream_key=SECRET, owner_token="owner-5e6f7a"),
        output=OutputSettings(
            rtmp=(RtmpDestination("rtmp://live.example.com/app", "rtmp-key-1a2b"),),
            whip=(WhipDestination("https://whip.example.com/live", "whip-token-3c4d"),),
        ),
    )
    dialog = SettingsDialog(settings, lambda _: None)
    qtbot.addWidget(dialog)
    dialog.show()
    secrets = dialog.findChildren(SecretEdit)
    assert len(secrets) == 4
    for secret in secrets:
        # displayText() is what is painted: what a screenshot or a shared screen would show
        assert secret.edit.echoMode() == QLineEdit.EchoMode.Password
        assert secret.text() not in secret.edit.displayText()
    key = dialog.stream_key
    qtbot.mouseClick(key.show_button, Qt.MouseButton.LeftButton)
    assert key.edit.displayText() == SECRET and key.show_button.text() == "Hide"
    qtbot.mouseClick(key.show_button, Qt.MouseButton.LeftButton)
    assert key.edit.echoMode() == QLineEdit.EchoMode.Password


def test_a_hotkey_already_taken_is_refused_with_a_message(qtbot: QtBot) -> None:
    applied: list[StudioSettings] = []
    dialog = SettingsDialog(StudioSettings(), applied.append)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sections.setCurrentRow(4)
    mute = dialog.key_edits["mute_mic"]
    mute.setFocus()
    qtbot.keyClick(mute, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert mute.keySequence() == QKeySequence("Ctrl+Shift+M"), "refused: the editor goes back"
    assert "already the hotkey of “Transition (studio mode)”" in dialog.hotkey_message.text()
    qtbot.keyClick(mute, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert mute.keySequence() == QKeySequence("Ctrl+Shift+M")
    assert "“Quit”" in dialog.hotkey_message.text()

    go = dialog.key_edits["go_live"]
    go.setFocus()
    qtbot.keyClick(go, Qt.Key.Key_F9)
    assert dialog.hotkey_message.text() == ""
    ok(dialog)
    assert applied[-1].hotkeys["go_live"] == "F9" and applied[-1].hotkeys["mute_mic"] == "Ctrl+Shift+M"


def test_a_value_that_cannot_be_used_is_named_and_not_saved(qtbot: QtBot, tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "studio.json")
    dialog = SettingsDialog(StudioSettings(), store.save)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ladder.setEditText("999p")
    dialog.sections.setCurrentRow(0)
    ok(dialog)
    assert dialog.isVisible()
    assert "video.ladder" in dialog.error.text() and "999p" in dialog.error.text()
    assert dialog.sections.currentRow() == 2, "its page is shown"
    assert not store.path.exists()  # type: ignore[union-attr]
    dialog.ladder.setEditText("720p")
    ok(dialog)
    assert not dialog.isVisible()
    assert store.path.exists()  # type: ignore[union-attr]


def test_the_dialog_says_when_a_change_takes_effect(qtbot: QtBot) -> None:
    dialog = SettingsDialog(StudioSettings(), lambda _: None, live=True, overridden=["--ladder"])
    qtbot.addWidget(dialog)
    assert "the command line's --ladder override" in dialog.note.text()
    dialog.preset.setCurrentIndex(dialog.preset.findData("veryfast"))
    assert "You are live: the preset apply at the next Go Live" in dialog.note.text()
    dialog.canvas.setEditText("landscape")
    assert "Applies the next time the studio starts: the canvas." in dialog.note.text()
    dialog.language.setCurrentIndex(dialog.language.findData("zh_CN"))
    assert "The language changes the next time the studio starts." in dialog.note.text()

    demo = SettingsDialog(StudioSettings(), lambda _: None, applies_to_session=False)
    qtbot.addWidget(demo)
    assert "This demo streams with its own options" in demo.note.text()


def test_a_bad_settings_file_is_set_aside_and_the_studio_says_which_field(
    qtbot: QtBot, no_devices: FakeDevices, tmp_path: Path
) -> None:
    path = tmp_path / "studio.json"
    path.write_text(json.dumps({"video": {"fps": "120"}}))
    store = SettingsStore(path)
    assert store.load() == StudioSettings()
    window = open_studio(qtbot, no_devices, store)
    try:
        said = "\n".join(notices(window))
        assert "video.fps" in said and "studio.json.unreadable" in said
        assert window.hotkey_actions["go_live"].shortcut() == QKeySequence("Ctrl+Shift+L"), "the defaults"
    finally:
        close_studio(window)
    assert (tmp_path / "studio.json.unreadable").exists()


def test_every_dock_has_a_stable_name(qtbot: QtBot, no_devices: FakeDevices) -> None:
    window = open_studio(qtbot, no_devices, SettingsStore(None))
    try:
        names = [d.objectName() for d in window.findChildren(QDockWidget)]
        assert all(names) and len(set(names)) == len(names), names
    finally:
        close_studio(window)


def test_page_down_runs_the_show_from_the_run_of_show_list_but_not_in_a_text_field(
    qtbot: QtBot, no_devices: FakeDevices
) -> None:
    window = open_studio(qtbot, no_devices, SettingsStore(None))
    try:
        fired: list[bool] = []
        window.next_segment_requested.connect(lambda: fired.append(True))
        listing = window.rundown_dock.panel.list
        listing.setFocus()
        qtbot.keyClick(listing, Qt.Key.Key_PageDown)  # the host clicked a segment, then the clicker
        assert fired == [True]
        field = window.findChildren(QLineEdit)[0]
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_PageDown)  # typing: the key is the field's
        assert fired == [True]
        assert not window.hotkey_actions["next_segment"].autoRepeat(), "a held key is one press"
    finally:
        close_studio(window)
