"""The studio during and after a show: viewers on the live feed, a comment and an order show in the live
metrics sidebar with the numbers a recount of the relay's event log gives; End Live, then the
post-live report button writes the report (复盘) page with those numbers, and the stream-health
incidents the session logged are in the log."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from pytestqt.qtbot import QtBot

from app.analytics.metrics import fold_show
from app.incidents import Incident
from app.session import StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from tests.helpers.fakes import FakeDevices
from tests.helpers.room import CATALOG
from tests.helpers.sessions import mint_async
from tests.helpers.waiting import wait_until
from ui.studio_window import StudioWindow

pytestmark = pytest.mark.slow
TIMEOUT = 30_000


@pytest.fixture
def studio(
    qtbot: QtBot, tmp_path: Path, no_devices: FakeDevices, monkeypatch: pytest.MonkeyPatch
) -> Iterator[StudioWindow]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))  # reports are saved under it
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG), encoding="utf-8")
    config = SessionConfig(
        source="test", mic="tone", catalog=catalog, relay=BundledRelayConfig(data_dir=tmp_path / "relay", room="show")
    )
    window = StudioWindow(StudioSession(config, devices=no_devices), go_live=True)
    window.open_reports = False
    monkeypatch.setattr(window, "confirm_end_live", lambda: True)  # closing while live asks otherwise
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.live_state == "live", timeout=60_000)
    yield window
    window.shutdown()


async def viewers_shop(base: str) -> None:
    """Two viewers on the live feed; one comments and buys the pinned tee, then both stay a moment."""
    ws_base = base.replace("http://", "ws://")
    async with httpx.AsyncClient(timeout=10) as minting:
        sessions = [await mint_async(minting, base) for _ in (1, 2)]
    live = f"{ws_base}/api/v1/rooms/show/live"
    feeds = [await websockets.connect(live, additional_headers=session.headers) for session in sessions]
    try:
        for feed in feeds:
            await feed.recv()  # the snapshot
        await feeds[0].send(json.dumps({"type": "click", "skus": ["tee"]}))
        await feeds[0].send(json.dumps({"type": "comment", "text": "发货太慢了，上次等了一周"}))
        async with httpx.AsyncClient(base_url=f"{base}/api/v1/rooms/show", timeout=10) as client:
            order = await client.post(
                "/orders",
                json={"sku": "tee", "qty": 2},
                headers={**sessions[0].headers, "Idempotency-Key": "buy-1"},
            )
            assert order.status_code == 201, order.text
        await asyncio.sleep(3)
    finally:
        for feed in feeds:
            await feed.close()


def test_the_sidebar_counts_what_the_log_says_and_the_report_button_writes_the_show(
    qtbot: QtBot, studio: StudioWindow
) -> None:
    session = studio.session
    room = session.room
    assert room is not None and session.relay_url is not None
    dock = studio.metrics_dock
    # The show starts when the relay has the stream (before that, the room's activity is not the show's).
    qtbot.waitUntil(lambda: bool(dock.last and (dock.last.get("show") or {}).get("live")), timeout=TIMEOUT)
    asyncio.run(viewers_shop(session.relay_url))

    def shown(key: str) -> str:
        return dock.tiles[key].value.text()

    qtbot.waitUntil(lambda: shown("orders") == "1" and shown("viewers") == "2", timeout=TIMEOUT)
    assert shown("comments") == "1" and shown("gmv") == "¥119.80"  # 2 x ¥59.90
    # The sidebar's numbers are a recount of the relay's log up to the same event.
    last = dock.last
    assert last is not None
    events = room.events()[: last["events"]]
    recount = fold_show(events).sidebar()
    for key in ("viewers", "comments", "orders", "gmv", "product_click_people"):
        assert last["metrics"][key]["value"] == recount[key]["value"], key

    studio.session.end_live_now()
    qtbot.waitUntil(studio.report_button.isEnabled, timeout=TIMEOUT)
    studio.report_button.click()
    qtbot.waitUntil(lambda: studio.last_report is not None, timeout=TIMEOUT)
    page = studio.last_report
    assert page is not None and page.parent.name == "reports" and page.suffix == ".html"
    html = page.read_text(encoding="utf-8")
    assert "<script src=" not in html and "http://" not in re.sub(r'xmlns="http://[^"]+"', "", html)
    assert "发货" in html, "the complaint's topic is in the report"
    assert "119.80" in html
    notices = [studio.notices.item(i).text() for i in range(studio.notices.count())]
    assert any(f"Post-live report saved: {page}" in n for n in notices)


def test_a_health_incident_the_session_saw_is_logged_for_the_report(studio: StudioWindow) -> None:
    session = studio.session
    room = session.room
    assert room is not None
    began = time.time() - 8
    incident = Incident("network.dropped", "error", "Network: 3 % dropped", ("relay", "3 %", "10"), began, began + 5)
    session._health_watch.incidents._open = incident  # the tracker saw trouble that is still on when the live ends
    session.end_live_now()

    def logged() -> list[dict[str, Any]]:
        return [e for e in room.events() if e["type"] == "health.incident"]

    wait_until(lambda: bool(logged()), 10, "the incident in the room's event log")
    (event,) = logged()
    assert event["data"]["code"] == "network.dropped" and event["data"]["level"] == "error"
    assert event["data"]["start"] == round(began, 3) and event["data"]["end"] >= began + 5
