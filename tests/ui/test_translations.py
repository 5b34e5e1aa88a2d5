"""Chinese interface: the translation file is complete, current, compiled, and used."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QGroupBox
from pytestqt.qtbot import QtBot

from app.paths import REPO_ROOT
from app.session import StudioSession
from app.session_config import SessionConfig
from plugins.api import Text
from tests.helpers.fakes import FakeDevices
from ui.i18n import choose_language, install_translators
from ui.studio_window import StudioWindow

TS = REPO_ROOT / "assets" / "translations" / "shopcast_zh_CN.ts"
QM = TS.with_suffix(".qm")
LUPDATE = shutil.which("pyside6-lupdate", path=str(Path(__import__("sys").executable).parent)) or "pyside6-lupdate"


def sources(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {
        (context.findtext("name", ""), message.findtext("source", "")): message
        for context in root.iter("context")
        for message in context.iter("message")
        if message.find("translation") is None or message.find("translation").get("type") != "vanished"  # type: ignore[union-attr]
    }


def test_every_string_in_the_ui_is_in_the_translation_file(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [LUPDATE, *map(str, sorted((REPO_ROOT / "ui").rglob("*.py"))), "-ts", str(fresh)],
        check=True,
        capture_output=True,
    )
    missing = set(sources(fresh)) - set(sources(TS))
    assert not missing, f"run scripts/update-translations and translate: {sorted(missing)}"


def test_every_string_is_translated() -> None:
    unfinished = [
        key
        for key, message in sources(TS).items()
        if not (message.findtext("translation") or "").strip()
        or message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert not unfinished


def test_compiled_translation_is_current_and_translates() -> None:
    assert QM.is_file(), "the setup compiles assets/translations/*.ts with pyside6-lrelease"
    assert QM.stat().st_mtime >= TS.stat().st_mtime, "the .qm is older than the .ts: run the setup again"
    translator = QTranslator()
    assert translator.load(str(QM))
    assert translator.translate("StudioWindow", "Go Live") == "开始直播"


def test_language_choice() -> None:
    assert choose_language("zh_CN") == "zh_CN"
    assert choose_language("zh_TW") == "zh_CN"
    assert choose_language("en_GB") == "en"


def test_window_in_chinese(qtbot: QtBot, no_devices: FakeDevices) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    translators = install_translators(app, "zh_CN")
    try:
        window = StudioWindow(StudioSession(SessionConfig(source="test", mic="none"), devices=no_devices))
        qtbot.addWidget(window)
        assert window.windowTitle() == "ShopCast 直播工作台"
        assert window.live_button.text() == "开始直播"
        # Plugin forms come from the declarations' Chinese labels; notices from the session in Chinese.
        boxes = {box.title() for box in window.findChildren(QGroupBox)}
        assert {"美颜", "降噪"} <= boxes, boxes
        window.session.video_filters.enable("shopcast.beautify", True)
        window.session.video_filters._fail(
            window.session.video_filters._slot("shopcast.beautify"), Text("could not start: boom", "无法启动：boom")
        )
        qtbot.waitUntil(lambda: window.notices.count() > 0 and "「美颜」无法启动：boom" in window.notices.item(
            window.notices.count() - 1).text(), timeout=5000)  # fmt: skip
        window.session.close()
    finally:
        for translator in translators:
            app.removeTranslator(translator)
        install_translators(app, "en")
