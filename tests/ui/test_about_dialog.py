"""Help → About ShopCast: the version and what the studio runs on, copied for a bug report, in both
languages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

import app
from app.session import StudioSession
from app.session_config import SessionConfig
from tests.helpers.fakes import FakeDevices
from ui.about_dialog import AboutDialog, about_text
from ui.i18n import install_translators
from ui.studio_window import StudioWindow

COMPONENTS = ("Python", "Qt", "PySide6", "FFmpeg", "x264", "aiortc", "PyAV", "OpenCV", "numpy")


@pytest.fixture
def window(qtbot: QtBot, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    studio = StudioWindow(StudioSession(SessionConfig(source="test", mic="none"), devices=no_devices))
    qtbot.addWidget(studio)
    yield studio
    studio.shutdown()


@pytest.fixture
def chinese() -> Iterator[None]:
    application = QCoreApplication.instance()
    assert application is not None
    translators = install_translators(application, "zh_CN")
    assert translators, "the compiled translation is there (the setup builds it)"
    yield
    for translator in translators:
        application.removeTranslator(translator)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # asked again, the box is raised (offscreen: no-op)
def test_help_about_shows_the_versions_and_copy_puts_them_on_the_clipboard(qtbot: QtBot, window: StudioWindow) -> None:
    ui = window.settings_ui
    assert ui.help_menu in [action.menu() for action in window.menuBar().actions()]
    assert ui.help_menu.title() == "&Help" and ui.about_action in ui.help_menu.actions()
    assert ui.about_action.text() == "About ShopCast"
    ui.about_action.trigger()
    dialog = ui.about_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "About ShopCast"
    assert dialog.name_label.text() == "ShopCast Studio"
    assert dialog.version_label.text() == f"Version {app.__version__}"
    assert list(dialog.component_labels) == list(COMPONENTS)
    shown = {name: label.text() for name, label in dialog.component_labels.items()}
    assert shown["Qt"] == qVersion() and shown["PySide6"] == pyside_version
    assert shown["x264"].startswith("core ")

    QGuiApplication.clipboard().clear()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied == dialog.text() == about_text(dialog.versions)
    assert f"Version {app.__version__}" in copied
    for name in COMPONENTS:
        assert f"\n{name}: {shown[name]}" in copied, name

    assert ui.open_about() is dialog, "one About box at a time"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()
    qtbot.waitUntil(lambda: ui.about_dialog is None)


def test_the_about_box_in_chinese(qtbot: QtBot, chinese: None, window: StudioWindow) -> None:
    ui = window.settings_ui
    assert ui.help_menu.title() == "帮助(&H)"
    assert ui.about_action.text() == "关于 ShopCast"
    dialog = ui.open_about()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "关于 ShopCast"
    assert dialog.name_label.text() == "ShopCast 直播工作台"
    assert dialog.version_label.text() == f"版本 {app.__version__}"
    assert dialog.copy_button.text() == "复制"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Close).text() == "关闭"
    text = dialog.text()
    assert text.startswith(f"ShopCast 直播工作台\n版本 {app.__version__}\n")
    assert "\nx264: core " in text, "the components keep their own names"
    dialog.close()


def test_the_about_box_without_a_studio(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.icon_label.pixmap() is not None and not dialog.icon_label.pixmap().isNull(), "the app's icon"
