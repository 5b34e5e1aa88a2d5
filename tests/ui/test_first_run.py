"""The first run of `shopcast studio`: with no saved settings the setup comes first (language, canvas,
relay); finished, the settings are saved and the studio opens on them, not live; cancelled, nothing is
saved. And the startup report the packaging test and the launch benchmark read.

The setup and the studio run in `shopcast studio`'s own event loops (``cli.main``, as a user starts it):
a :class:`Script` acts in them step by step, like a user would, and the test checks what it saw after
the command returned.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget, QWizard
from pytestqt.qtbot import QtBot

import app
from app import cli
from app.session_config import SessionConfig
from app.settings_store import DeviceSettings, SettingsStore, StreamSettings, StudioSettings
from tests.helpers.processes import stop_process
from tests.helpers.relay import REPO
from tests.helpers.waiting import wait_until
from ui.first_run import FirstRunSetup
from ui.startup_report import _FirstPaint, watch
from ui.studio_window import StudioWindow

COMPONENTS = ("Python", "Qt", "PySide6", "FFmpeg", "x264", "aiortc", "PyAV", "OpenCV", "numpy")
REPORT_KEYS = {"window", "shown_at", "language", "translated", "version", "about"}


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh config folder (a first run), and the process left as it was: logging (cli.main sets its
    own) and the application's translators (the studio installs the chosen language's)."""
    folder = tmp_path / "config"
    monkeypatch.setenv("SHOPCAST_CONFIG_DIR", str(folder))
    monkeypatch.delenv("SHOPCAST_STREAM_KEY", raising=False)
    monkeypatch.delenv("SHOPCAST_OWNER_TOKEN", raising=False)
    monkeypatch.delenv("SHOPCAST_STARTUP_REPORT", raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield folder
    root.handlers[:] = handlers
    root.setLevel(level)
    application = QCoreApplication.instance()
    assert application is not None
    for translator in application.findChildren(QTranslator):
        application.removeTranslator(translator)


def visible(kind: type[QWidget]) -> Any:
    """The visible top-level window of this kind, or None."""
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)


Step = tuple[str, Callable[[], Any], Callable[[Any], None]]
"""What the step waits for (its name), the condition (its truthy value is handed on), the action."""


class Script(QObject):
    """Runs ``steps`` in whatever event loop is running (the setup's, then the studio's); each waits
    for its condition, then acts. Past ``timeout`` it closes every window so the command returns, and
    :attr:`stuck` names the step it waited for."""

    def __init__(self, steps: list[Step], timeout: float = 90) -> None:
        super().__init__()
        self.steps = list(steps)
        self.stuck: str | None = None
        self.deadline = time.monotonic() + timeout
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(50)

    def _tick(self) -> None:
        if not self.steps:
            return
        name, condition, action = self.steps[0]
        if time.monotonic() > self.deadline:
            self.stuck = name
            self.steps.clear()
            setup = visible(FirstRunSetup)
            if setup is not None:
                setup.reject()
            window = visible(StudioWindow)
            if window is not None:
                window.close_without_asking()
            return
        value = condition()
        if value:
            self.steps.pop(0)
            action(value)

    def stop(self) -> None:
        self.timer.stop()
        assert self.stuck is None, f"timed out waiting for {self.stuck}"
        assert not self.steps, f"not done: {[name for name, _, _ in self.steps]}"


def studio(tmp_path: Path, *flags: str) -> int:
    """`shopcast studio` as a user starts it, on a test pattern and a tone, its relay on a free port."""
    argv = ["studio", "--data", str(tmp_path / "data"), "--port", "0", "--source", "test", "--mic", "tone", *flags]
    return cli.main(argv)


def test_the_first_run_asks_then_opens_the_studio_in_the_chosen_language_not_live(
    qtbot: QtBot, config_dir: Path, tmp_path: Path
) -> None:
    seen: dict[str, Any] = {}

    def choose(setup: FirstRunSetup) -> None:
        seen["title"] = setup.windowTitle()
        seen["first_page"] = setup.currentPage() is setup.choices
        setup.choices.language_buttons["zh_CN"].click()
        seen["title_zh"] = setup.windowTitle()
        seen["next_zh"] = setup.buttonText(QWizard.WizardButton.NextButton)
        setup.choices.canvas_buttons["landscape"].click()
        setup.next()
        seen["bundled_by_default"] = setup.relay.bundled.isChecked()
        setup.button(QWizard.WizardButton.FinishButton).click()

    def opened(window: StudioWindow) -> None:
        seen["studio_title"] = window.windowTitle()
        seen["live_button"] = window.live_button.text()
        seen["canvas"] = [c.name for c in window.session.config.program.canvases]

    def relay_ready(window: StudioWindow) -> None:
        seen["state_when_ready"] = window.live_state
        window.close_without_asking()

    script = Script([
        ("the setup", lambda: visible(FirstRunSetup), choose),
        ("the studio window", lambda: visible(StudioWindow), opened),
        ("the relay", lambda: (w := visible(StudioWindow)) is not None and w.viewer_url.text() and w, relay_ready),
    ])  # fmt: skip
    try:
        code = studio(tmp_path, "--go-live")
    finally:
        script.stop()
    assert code == 0
    assert seen["title"] == "Set up ShopCast" and seen["first_page"]
    assert seen["title_zh"] == "设置 ShopCast" and seen["next_zh"] == "下一步 >", "the setup switched language at once"
    assert seen["bundled_by_default"]
    saved = json.loads((config_dir / "studio.json").read_text())
    assert saved["language"] == "zh_CN"
    assert saved["video"]["canvas"] == "landscape"
    assert saved["stream"]["relay"] == "bundled"
    assert seen["studio_title"] == "ShopCast 直播工作台" and seen["live_button"] == "开始直播"
    assert seen["canvas"] == ["landscape"]
    assert seen["state_when_ready"] == "idle", "not live on the first run, even with --go-live"


def test_a_bad_relay_url_is_named_and_cancel_saves_nothing(qtbot: QtBot, config_dir: Path, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def external(setup: FirstRunSetup) -> None:
        setup.next()
        relay = setup.relay
        relay.external.click()
        relay.relay_url.setText("relay.example.com")  # no http:// or https://
        relay.room.setText("spring")
        relay.stream_key.setText("sk-123")
        setup.button(QWizard.WizardButton.FinishButton).click()
        seen["error"] = relay.error.text() if relay.error.isVisible() else ""
        seen["still_open"] = setup.isVisible() and setup.currentPage() is relay
        seen["marked"] = [e.objectName() for e in relay.fields().values() if e.styleSheet()]
        relay.relay_url.setText("https://relay.example.com")
        relay.room.setText("not a room!")
        setup.button(QWizard.WizardButton.FinishButton).click()
        seen["room_error"] = relay.error.text()
        setup.button(QWizard.WizardButton.CancelButton).click()

    script = Script([("the setup", lambda: visible(FirstRunSetup), external)])
    try:
        code = studio(tmp_path)
    finally:
        script.stop()
    assert code == 0, "cancelling the setup is not an error"
    assert seen["error"].startswith("Relay URL: ") and "http:// or https://" in seen["error"]
    assert seen["still_open"], "the setup stays open on the relay page"
    assert seen["marked"] == ["relay-url"], "the field is marked"
    assert seen["room_error"].startswith("Room: ")
    assert not (config_dir / "studio.json").exists(), "nothing saved"
    assert not config_dir.exists() or not any(config_dir.iterdir())

    asked: list[bool] = []

    def close(setup: FirstRunSetup) -> None:
        asked.append(True)
        setup.close()

    script = Script([("the setup again", lambda: visible(FirstRunSetup), close)])
    try:
        assert studio(tmp_path) == 0
    finally:
        script.stop()
    assert asked == [True], "the next start asks again"
    assert not (config_dir / "studio.json").exists()


def test_an_external_relay_is_saved_with_its_room_key_and_token(qtbot: QtBot, tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "studio.json")
    setup = FirstRunSetup(store, language="en")
    qtbot.addWidget(setup)
    setup.show()
    setup.next()
    relay = setup.relay
    assert not relay.external_box.isEnabled(), "the URL, room and keys are for an external relay"
    relay.external.click()
    assert relay.external_box.isEnabled()
    relay.relay_url.setText("https://relay.example.com/")
    relay.room.setText("spring")
    relay.stream_key.setText("sk-123")
    relay.owner_token.setText("own-9")
    with qtbot.waitSignal(setup.accepted):
        setup.button(QWizard.WizardButton.FinishButton).click()
    saved = SettingsStore(tmp_path / "studio.json").load()
    assert saved.stream == StreamSettings("https://relay.example.com", "spring", "sk-123", "own-9")
    assert saved.video.canvas == "portrait" and saved.language == "en"
    assert (tmp_path / "studio.json").stat().st_mode & 0o777 == 0o600
    setup.remove_translators()


def test_in_chinese_the_setup_says_in_chinese_why_a_relay_cannot_be_used(qtbot: QtBot, tmp_path: Path) -> None:
    setup = FirstRunSetup(SettingsStore(tmp_path / "studio.json"), language="zh_CN")
    qtbot.addWidget(setup)
    setup.show()
    setup.next()
    relay = setup.relay
    relay.external.click()
    relay.relay_url.setText("relay.example.com")
    relay.room.setText("spring")
    relay.stream_key.setText("sk-123")
    setup.button(QWizard.WizardButton.FinishButton).click()
    assert relay.error.text() == "中继服务器地址：中继服务器填 bundled（内置），或 http:// 、https:// 开头的地址"
    relay.relay_url.setText("https://relay.example.com")
    relay.stream_key.setText("sk 123")
    setup.button(QWizard.WizardButton.FinishButton).click()
    assert relay.error.text() == "推流密钥：推流密钥里有空格或换行（粘贴时带进来的？）"
    assert not (tmp_path / "studio.json").exists()
    setup.remove_translators()


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> tuple[list[object], list[dict[str, Any]]]:
    """The setups asked for and the studio windows opened (with their options), neither shown."""
    asked: list[object] = []
    opened: list[dict[str, Any]] = []

    def first_run_setup(*args: object, **kwargs: object) -> bool:
        asked.append(args)
        return True

    def run_studio(config: SessionConfig, **kwargs: Any) -> int:
        opened.append(kwargs)
        return 0

    monkeypatch.setattr("app.gui.first_run_setup", first_run_setup)
    monkeypatch.setattr("app.gui.run_studio", run_studio)
    return asked, opened


def test_with_saved_settings_there_is_no_setup(
    config_dir: Path, tmp_path: Path, windows: tuple[list[object], list[dict[str, Any]]]
) -> None:
    SettingsStore.default().save(StudioSettings(language="en"))
    asked, opened = windows
    assert studio(tmp_path, "--go-live") == 0
    assert not asked
    assert opened and opened[0]["go_live"] is True, "--go-live holds once the studio has been set up"


@pytest.mark.parametrize("finished", [False, True])
def test_an_older_scene_collection_moves_beside_the_settings_only_once_the_setup_is_finished(
    config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, finished: bool
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    data = tmp_path / "xdg" / "shopcast" / "studio"  # the studio's default data folder
    data.mkdir(parents=True)
    (data / "scenes.json").write_text("{}", encoding="utf-8")

    def first_run_setup(store: SettingsStore, **kwargs: object) -> bool:
        if finished:
            store.save(StudioSettings())
        return finished

    monkeypatch.setattr("app.gui.first_run_setup", first_run_setup)
    monkeypatch.setattr("app.gui.run_studio", lambda config, **kwargs: 0)
    assert cli.main(["studio", "--port", "0", "--source", "test", "--mic", "tone"]) == 0
    assert (config_dir / "scenes.json").exists() is finished
    assert (data / "scenes.json").exists() is not finished, "cancelled, nothing moves"


def test_the_demo_never_shows_the_setup(
    config_dir: Path, tmp_path: Path, windows: tuple[list[object], list[dict[str, Any]]]
) -> None:
    asked, opened = windows
    assert cli.main(["demo", "--data", str(tmp_path / "data"), "--port", "0"]) == 0
    assert not asked and opened
    assert not (config_dir / "studio.json").exists()


# --- the startup report -----------------------------------------------------------------------------------


def start_studio(tmp_path: Path, config: Path, report: Path, language: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SHOPCAST_CONFIG_DIR": str(config),
        "SHOPCAST_STARTUP_REPORT": str(report),
        "SHOPCAST_LANG": language,
    }
    command = [sys.executable, "-m", "app", "studio", "--data", str(tmp_path / "data"), "--port", "0",
               "--source", "test", "--mic", "tone"]  # fmt: skip
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def read_report(process: subprocess.Popen[str], report: Path) -> dict[str, Any]:
    def written() -> bool:
        assert process.poll() is None, f"the studio exited: {process.stderr.read() if process.stderr else ''}"
        return report.exists()

    wait_until(written, 60, "the startup report")
    data: dict[str, Any] = json.loads(report.read_text())
    assert set(data) == REPORT_KEYS
    assert isinstance(data["shown_at"], float)
    assert data["version"] == app.__version__
    assert [p.name for p in report.parent.iterdir() if p.name.startswith(f".{report.name}")] == [], "atomic"
    return data


def test_the_startup_report_of_the_first_run_setup(tmp_path: Path) -> None:
    config, report = tmp_path / "config", tmp_path / "report.json"
    started = time.time()
    process = start_studio(tmp_path, config, report, "zh_CN")
    try:
        data = read_report(process, report)
    finally:
        stop_process(process)
    assert data["window"] == "setup"
    assert started < data["shown_at"] < time.time()
    assert data["language"] == "zh_CN" and data["translated"] is True
    assert data["about"].startswith(f"关于 ShopCast\nShopCast 直播工作台\n版本 {app.__version__}\n")
    for name in COMPONENTS:
        assert f"\n{name}: " in data["about"], name
    assert process.returncode == 0, "SIGTERM cancels the setup: a clean exit"
    assert not (config / "studio.json").exists()


def test_the_startup_report_of_the_studio_window(tmp_path: Path) -> None:
    config, report = tmp_path / "config", tmp_path / "report.json"
    SettingsStore(config / "studio.json").save(
        StudioSettings(devices=DeviceSettings(mic="tone", camera="test"), language="en")
    )
    started = time.time()
    process = start_studio(tmp_path, config, report, "zh_CN")
    try:
        data = read_report(process, report)
    finally:
        stop_process(process, timeout=30)
    assert data["window"] == "studio"
    assert started < data["shown_at"] < time.time()
    assert data["language"] == "en", "the saved language wins over the system's"
    assert data["translated"] is False
    assert data["about"].startswith(f"About ShopCast\nShopCast Studio\nVersion {app.__version__}\n")
    assert "\nx264: core " in data["about"]
    assert process.returncode == 0, "SIGTERM closes the studio cleanly"


def test_the_report_is_written_once_by_the_first_window_painted(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report.json"
    monkeypatch.setenv("SHOPCAST_STARTUP_REPORT", str(report))
    monkeypatch.setattr(_FirstPaint, "written", False)
    first, second = QWidget(), QWidget()
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    watch(first, "setup")
    assert not report.exists(), "nothing before the window is painted"
    first.show()
    qtbot.waitUntil(report.exists)
    assert json.loads(report.read_text())["window"] == "setup"
    report.unlink()
    watch(second, "studio")
    second.show()
    qtbot.waitExposed(second)
    first.update()
    qtbot.waitUntil(lambda: not second.visibleRegion().isEmpty())
    QCoreApplication.processEvents()
    assert not report.exists(), "written once"
    assert not second.findChildren(_FirstPaint), "the second window is not watched"


def test_without_the_variable_nothing_is_watched(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPCAST_STARTUP_REPORT", raising=False)
    monkeypatch.setattr(_FirstPaint, "written", False)
    widget = QWidget()
    qtbot.addWidget(widget)
    watch(widget, "studio")
    assert not widget.findChildren(_FirstPaint)
