"""The "Stream health" dock: rows coloured by level, a verdict, and live updates in the studio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QTabBar
from pytestqt.qtbot import QtBot

from app.session import StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from app.stream_health import HealthReport, HealthRow, HealthTracker, Overload
from pipeline.broadcast import BroadcastSettings, BroadcastStats, RungStats
from pipeline.outputs.base import OutputStats
from pipeline.program import ProgramStats
from tests.helpers.fakes import FakeDevices
from ui.health_dock import LEVEL_COLOURS, HealthDock
from ui.i18n import install_translators
from ui.studio_window import StudioWindow

GREEN, AMBER, RED = LEVEL_COLOURS["ok"], LEVEL_COLOURS["warning"], LEVEL_COLOURS["error"]


def busy_report() -> HealthReport:
    """Two seconds of a stream with a slow 720p rung and a relay that is reconnecting."""
    now = [0.0]
    tracker = HealthTracker(30, clock=lambda: now[0], cpu_seconds=lambda: now[0] * 0.4, cpu_count=4)
    report = None
    for second in (1, 2):
        now[0] = float(second)
        program = ProgramStats(30 * second, 0, 6.0, 28.0, 0)
        rungs = (RungStats("720p", 1280, 720, 30, 2480.0, 41.0, 2), RungStats("360p", 640, 360, 30, 690.0, 9.0, 0))
        relay = OutputStats("relay", "retrying", queued_files=7, queued_bytes=350_000, retry_in=2.4)
        broadcast = BroadcastStats("s", second, 30 * second, 0, rungs, 128.0, 1, (relay,))
        report = tracker.update(program, broadcast)
    assert report is not None
    return report


def test_rows_are_coloured_by_level_under_a_verdict(qtbot: QtBot) -> None:
    dock = HealthDock()
    qtbot.addWidget(dock)
    assert dock.windowTitle() == "Stream health"
    assert dock.verdict.text().startswith("Waiting")
    dock.update_report(busy_report())

    assert dock.row_ids()[:4] == ["fps", "render_time", "frames_missed", "frames_skipped"]
    assert dock.cells("fps") == ("Frame rate", "28.0 / 30 fps", AMBER)  # below 95 % of 30
    assert dock.cells("render_time") == ("Average time to render a frame", "6.0 ms", GREEN)
    assert dock.cells("encode_time:720p") == ("Encode time, 720p", "41.0 ms", RED)
    assert dock.cells("encode_time:360p") == ("Encode time, 360p", "9.0 ms", GREEN)
    assert dock.cells("bitrate:720p") == ("Bitrate, 720p", "2480 kb/s", GREEN)
    assert dock.cells("output:relay") == ("Output relay", "Reconnecting in 3 s", AMBER)
    assert dock.cells("output_queue:relay") == ("Output relay: queue", "7 files (350 kB)", GREEN)
    assert dock.cells("cpu") == ("CPU usage (all cores)", "10 %", GREEN)
    assert dock.verdict.text() == "Encoding is overloaded: the 720p rung takes 41.0 ms a frame (budget 33.3 ms)"
    assert dock.verdict.property("level") == "error" and RED in dock.verdict.styleSheet()
    assert dock.windowTitle() == "Stream health ⚠", "a tabbed dock says there is something to see"
    items = [dock.table.item(r, 1) for r in range(dock.table.rowCount())]
    assert {i.data(Qt.ItemDataRole.UserRole + 1) for i in items if i is not None} == {"ok", "warning", "error"}

    calm = HealthReport((HealthRow("fps", "30.0 / 30 fps"), HealthRow("cpu", "3 %")), None, live=False)
    dock.update_report(calm)
    assert dock.row_ids() == ["fps", "cpu"]
    assert dock.verdict.text() == "All good" and GREEN in dock.verdict.styleSheet()
    assert dock.windowTitle() == "Stream health"


def test_the_dock_speaks_chinese(qtbot: QtBot) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    translators = install_translators(app, "zh_CN")
    try:
        dock = HealthDock()
        qtbot.addWidget(dock)
        dock.update_report(busy_report())
        assert dock.windowTitle() == "推流状态 ⚠"
        label, value, _ = dock.cells("output:relay")
        assert (label, value) == ("中继输出", "3 秒后重连")
        assert dock.cells("encode_time:720p")[0] == "编码耗时（720p）"
        assert dock.verdict.text() == "编码过载：720p 档每帧耗时 41.0 ms（预算 33.3 ms）"
        warning = Overload("network", "failed", "error", ("relay", "HTTP 401"), "relay")
        assert dock.verdict_text(warning) == "网络故障：中继已停止：HTTP 401"
        full = Overload("relay", "storage_full", "error", ("relay",), "relay")
        assert dock.verdict_text(full) == "中继服务器拒收直播流：中继磁盘已满，拒收直播流；直播流暂存在本机并会重试"
        disk = Overload("disk", "failed", "error", ("recording", "the disk is full"), "recording")
        assert dock.verdict_text(disk) == "写入本机磁盘失败：录制已停止：the disk is full；直播继续进行"
        mic = Overload("input", "microphone", "warning", ("microphone",), "microphone")
        assert dock.verdict_text(mic) == "输入源中断：麦克风没有声音：恢复前直播中为静音"
        row = HealthRow("input", "No sound: sending silence", "warning", "microphone", "input.no_sound")
        assert (dock.label_text(row), dock.value_text(row)) == ("输入源 麦克风", "没有声音：正在发送静音")
    finally:
        for translator in translators:
            app.removeTranslator(translator)


@pytest.fixture
def studio(qtbot: QtBot, tmp_path: Path, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    config = SessionConfig(
        source="test",
        mic="none",
        broadcast=BroadcastSettings(preset="ultrafast"),
        relay=BundledRelayConfig(data_dir=tmp_path / "relay", room="health"),
    )
    window = StudioWindow(StudioSession(config, devices=no_devices, stats_interval=0.3))
    qtbot.addWidget(window)
    window.preflight_before_live = False  # the pre-flight: tests/ui/test_preflight_dialog.py
    window.show()
    window.start()
    yield window
    window.shutdown()


def test_the_studio_dock_follows_the_session_live(qtbot: QtBot, studio: StudioWindow) -> None:
    window = studio
    dock = window.health_dock
    assert window.docks["health"] is dock
    assert dock.objectName() == "health-dock"
    assert window.tabifiedDockWidgets(dock), "tabbed with the stream dock"
    window.resize(1280, 760)
    qtbot.wait(50)
    bars = [b for b in window.findChildren(QTabBar) if "Stream health" in [b.tabText(i) for i in range(b.count())]]
    assert len(bars) == 1, "no stale copy of the tab bar"

    def report() -> HealthReport:
        assert dock.report is not None
        return dock.report

    qtbot.waitUntil(lambda: dock.report is not None, timeout=15_000)
    assert not report().live
    assert dock.row_ids() == ["fps", "render_time", "frames_missed", "cpu"], "program rows only before going live"

    qtbot.waitUntil(lambda: window.viewer_url.text() != "", timeout=30_000)
    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live_state == "live", timeout=20_000)
    qtbot.waitUntil(
        lambda: (
            report().live and report().row("bitrate", "720p").value != "0 kb/s" and "output:relay" in dock.row_ids()
        ),
        timeout=15_000,
    )
    ids = dock.row_ids()
    for key in ("frames_skipped", "encode_time:720p", "encode_time:480p", "encode_time:360p", "audio_bitrate"):
        assert key in ids
    label, value, colour = dock.cells("output:relay")
    assert (label, value) == ("Output relay", "OK") and colour == GREEN
    assert dock.cells("bitrate:720p")[1].endswith(" kb/s")
    assert dock.cells("encode_time:720p")[1].endswith(" ms")
    assert dock.cells("cpu")[1].endswith(" %")
    assert dock.verdict.text() == report().verdict or dock.verdict.text() == "All good"

    window.confirm_end_live = lambda: True  # type: ignore[method-assign]
    qtbot.mouseClick(window.live_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.live_state == "idle", timeout=30_000)
    qtbot.waitUntil(lambda: not report().live, timeout=5_000)
    assert "output:relay" not in dock.row_ids()
