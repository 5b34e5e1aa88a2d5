"""The live metrics sidebar draws what the relay's ``metrics`` message says: each number formatted by
its unit and labelled people or times, the trend against the 5 minutes before, a sparkline, and the
pinned product's funnel. (That the numbers equal a recount of the event log is the metrics tests'.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.session import StudioSession
from app.session_config import SessionConfig
from app.session_events import RoomMessage
from tests.helpers.fakes import FakeDevices
from ui.metrics_dock import SHOWN, format_value
from ui.studio_window import StudioWindow


@pytest.fixture
def window(qtbot: QtBot, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    window = StudioWindow(StudioSession(SessionConfig(source="test", mic="none"), devices=no_devices))
    qtbot.addWidget(window)
    yield window
    window.session.close()


def metric(value: float, unit: str, en: str, zh: str, minutes: list[float], last5: float, prev5: float) -> Any:
    return {"value": value, "unit": unit, "label_en": en, "label_zh": zh, "minutes": minutes,
            "last5": last5, "prev5": prev5}  # fmt: skip


MESSAGE = {
    "type": "metrics",
    "t": 1_764_150_000.0,
    "metrics": {
        "online": metric(1234, "people", "Online now", "实时在线", [10, 50, 400, 1234], 900, 600),
        "gmv": metric(1_234_567, "cents", "GMV", "成交金额", [0, 100, 500], 5000, 10000),
        "viewer_conversion": metric(0.0456, "ratio", "Viewer conversion", "看播成交转化率", [0.01, 0.04], 0.05, 0.05),
        "avg_watch_time": metric(125, "seconds", "Average watch time", "人均观看时长", [], 0, 0),
        "comments": metric(88, "times", "Comments", "评论数", [1, 2, 3], 30, 0),
    },
    "pinned": {
        "sku": "tee",
        "title": "纯棉T恤",
        "funnel": {
            "exposure_people": 400,
            "click_people": 100,
            "cart_people": 50,
            "buyers": 20,
            "orders": 22,
            "gmv_cents": 100,
        },
    },
}


def test_the_sidebar_shows_each_number_by_its_unit_with_its_trend_and_sparkline(
    qtbot: QtBot, window: StudioWindow
) -> None:
    dock = window.metrics_dock
    assert set(SHOWN) >= set(MESSAGE["metrics"])  # type: ignore[arg-type]
    window.session._emit(RoomMessage({"type": "batch", "t": 1.0, "events": [MESSAGE]}))
    qtbot.waitUntil(lambda: dock.last is not None, timeout=5000)
    tiles = dock.tiles
    assert tiles["online"].value.text() == "1,234"
    assert tiles["online"].label.text() == "Online now · people"
    assert tiles["online"].trend.text() == "▲ 50% last 5 min vs the 5 before"
    assert tiles["online"].sparkline.values == [10, 50, 400, 1234]
    assert tiles["gmv"].value.text() == "¥12,345.67"
    assert tiles["gmv"].trend.text().startswith("▼ 50%")
    assert tiles["viewer_conversion"].value.text() == "4.6%"
    assert tiles["viewer_conversion"].trend.text().startswith("—")
    assert tiles["avg_watch_time"].value.text() == "2:05"
    assert tiles["comments"].label.text() == "Comments · times"
    assert tiles["comments"].trend.text().startswith("▲"), "from nothing to something is up"
    assert tiles["likes"].value.text() == "—", "a metric the message lacks stays blank"
    assert dock.funnel_title.text() == "Pinned product: 纯棉T恤"
    _, bar, rate = dock.funnel_rows["click_people"]
    assert bar.value() == 100 and bar.maximum() == 400 and rate.text() == "25%"
    assert dock.funnel_rows["buyers"][2].text() == "40%"
    assert dock.updated.text().startswith("Updated 0 s ago")
    window.session._emit(RoomMessage({**MESSAGE, "pinned": None}))
    qtbot.waitUntil(lambda: dock.funnel_title.text() == "Pinned product: none", timeout=5000)


def test_values_are_formatted_as_a_streamer_reads_them() -> None:
    assert format_value(0, "people") == "0"
    assert format_value(99_999, "times") == "99,999"
    assert format_value(990, "cents") == "¥9.90"
    assert format_value(0.5, "ratio") == "50.0%"
    assert format_value(3725, "seconds") == "62:05"
    assert format_value(123_456, "cents_per_1000_views") == "¥1,234.56"
