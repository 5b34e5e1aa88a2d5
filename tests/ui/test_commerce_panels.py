"""Each commerce panel performs its action against a real bundled relay and shows the result."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.session import StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from tests.helpers.fakes import FakeDevices
from tests.helpers.room import CATALOG
from tests.helpers.sessions import Viewers
from ui.panels.base import select_key
from ui.studio_window import StudioWindow

TIMEOUT = 15_000


@pytest.fixture
def studio(qtbot: QtBot, tmp_path: Path, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    config = SessionConfig(
        source="test", mic="none", relay=BundledRelayConfig(data_dir=tmp_path / "relay", room="panels")
    )
    window = StudioWindow(StudioSession(config, devices=no_devices))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.console.state.ready, timeout=30_000)
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG), encoding="utf-8")
    window.panels["products"].import_catalog(catalog)
    qtbot.waitUntil(lambda: len(window.console.state.products()) == 5, timeout=TIMEOUT)
    yield window
    window.shutdown()


def api(window: StudioWindow) -> str:
    return f"{window.session.relay_url}/api/v1/rooms/panels"


_VIEWERS: dict[str, Viewers] = {}


def viewer(window: StudioWindow, name: str) -> httpx.Client:
    """The viewer the test calls ``name``: the same session each time (minted by the studio's relay)."""
    relay = window.session.relay_url
    session = _VIEWERS.setdefault(relay, Viewers(relay))(name)
    return httpx.Client(base_url=api(window), headers=session.headers, timeout=10)


def first_id(qtbot: QtBot, table: dict[str, object]) -> str:
    """The id of the first item the feed delivered into a console table (it may trail the REST answer)."""
    qtbot.waitUntil(lambda: bool(table), timeout=TIMEOUT)
    return next(iter(table))


def wait_status(qtbot: QtBot, panel: object, startswith: str) -> str:
    qtbot.waitUntil(lambda: panel.status.text().startswith(startswith), timeout=TIMEOUT)  # type: ignore[attr-defined]
    return str(panel.status.text())  # type: ignore[attr-defined]


def test_products_panel_imports_pins_and_reports_the_relays_refusal(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["products"]
    assert panel.status.text() == "✓ Imported 5 products"  # 3 products and 2 options
    assert panel.table.rowCount() == 5
    for sku in ("tee", "mug", "shoe"):
        assert select_key(panel.table, sku)
        panel.pin_button.click()
        wait_status(qtbot, panel, f"✓ Pinned {sku}")
    qtbot.waitUntil(lambda: studio.console.state.pins == ["tee", "mug", "shoe"], timeout=TIMEOUT)
    assert httpx.get(f"{api(studio)}/live-state").json()["pins"] == ["tee", "mug", "shoe"]
    assert select_key(panel.table, "shoe-40")
    panel.pin_button.click()
    assert "not one of its options" in wait_status(qtbot, panel, "✗")
    assert panel.status.property("ok") is False
    assert select_key(panel.table, "mug")
    panel.unpin_button.click()
    wait_status(qtbot, panel, "✓ Unpinned mug")
    panel.search.setText("run")
    assert sorted(panel.table.item(r, 0).text() for r in range(panel.table.rowCount())) == [
        "shoe",
        "shoe-40",
        "shoe-41",
    ]


def test_flash_sale_panel_launches_shows_live_sales_and_ends(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["flash_sale"]
    panel.product.setCurrentIndex(panel.product.findData("mug"))
    panel.price.setValue(9.9)
    panel.stock.setValue(5)
    panel.countdown.setValue(10)
    panel.launch_button.click()
    wait_status(qtbot, panel, "✓ Flash sale launched: opens in 10 s")
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=TIMEOUT)
    assert panel.table.item(0, 4).text().startswith("opens in")
    sale_id = first_id(qtbot, studio.console.state.flash_sales)
    assert httpx.get(f"{api(studio)}/flash-sales/{sale_id}").json()["stock"] == 5
    panel.stock.setValue(1000)
    panel.launch_button.click()
    assert "in stock" in wait_status(qtbot, panel, "✗")
    assert select_key(panel.table, sale_id)
    panel.end_button.click()
    wait_status(qtbot, panel, "✓ Flash sale ended")
    qtbot.waitUntil(lambda: panel.table.item(0, 4).text() == "ended", timeout=TIMEOUT)


def test_coupon_panel_issues_and_counts_claims_live(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["coupons"]
    panel.title.setText("满100减20")
    panel.issue_button.click()
    wait_status(qtbot, panel, "✓ Coupon issued: 满100减20")
    coupon_id = first_id(qtbot, studio.console.state.coupons)
    with viewer(studio, "viewer-coupon") as client:
        assert client.post(f"/coupons/{coupon_id}/claims").status_code == 201
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1 and panel.table.item(0, 3).text() == "1/100", timeout=TIMEOUT)


def test_group_buy_panel_starts_and_shows_open_groups(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["group_buy"]
    panel.product.setCurrentIndex(panel.product.findData("tee"))
    panel.group_size.setValue(2)
    panel.start_button.click()
    wait_status(qtbot, panel, "✓ Group-buy started: groups of 2")
    campaign = first_id(qtbot, studio.console.state.group_buys)
    with viewer(studio, "viewer-leader") as client:
        body = {"sku": "tee", "group_buy_id": campaign}
        assert client.post("/orders", json=body, headers={"Idempotency-Key": "g1"}).status_code == 201
    qtbot.waitUntil(lambda: panel.table.item(0, 3).text() == "1", timeout=TIMEOUT)


def test_polls_panel_opens_shows_live_votes_and_closes(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["polls"]
    panel.question.setText("Which colour?")
    panel.options.setPlainText("Red\nBlue\n")
    panel.open_button.click()
    wait_status(qtbot, panel, "✓ Poll opened")
    poll_id = first_id(qtbot, studio.console.state.polls)
    with viewer(studio, "viewer-voter") as client:
        assert client.post(f"/polls/{poll_id}/votes", json={"option": 1}).status_code == 201
    qtbot.waitUntil(lambda: len(panel.bars) == 2 and panel.bars[1].value() == 1, timeout=TIMEOUT)
    panel.close_button.click()
    wait_status(qtbot, panel, "✓ Poll closed")
    qtbot.waitUntil(lambda: "closed" in panel.current.text(), timeout=TIMEOUT)
    panel.options.setPlainText("only one")
    panel.open_button.click()
    assert "options: List should have at least 2 items" in wait_status(qtbot, panel, "✗")


def test_questions_panel_pins_an_answer_for_everyone(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["questions"]
    with viewer(studio, "viewer-asker") as client:
        asked = client.post("/questions", json={"text": "Does it shrink?", "nickname": "Ann"}).json()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=TIMEOUT)
    assert panel.table.item(0, 1).text() == "Does it shrink?" and panel.table.item(0, 2).text() == "waiting"
    assert select_key(panel.table, asked["id"])
    panel.answer.setText("No, it is pre-shrunk")
    panel.pin_button.click()
    wait_status(qtbot, panel, "✓ Question updated")
    public = httpx.get(f"{api(studio)}/live-state").json()["questions"]
    assert [(q["text"], q["answer"], q["pinned"]) for q in public] == [
        ("Does it shrink?", "No, it is pre-shrunk", True)
    ]


def test_draw_panel_opens_and_draws_a_verifiable_winner(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["draw"]
    panel.prize.setText("Free mug")
    panel.open_button.click()
    wait_status(qtbot, panel, "✓ Lucky draw opened")
    draw_id = first_id(qtbot, studio.console.state.draws)
    with viewer(studio, "viewer-lucky") as client:
        assert client.post(f"/draws/{draw_id}/entries", json={"nickname": "Lucky"}).status_code == 201
    qtbot.waitUntil(lambda: "1 entered" in panel.current.text(), timeout=TIMEOUT)
    panel.close_button.click()
    wait_status(qtbot, panel, "✓ Drawn: 1 winner(s)")
    qtbot.waitUntil(lambda: "Winners: Lucky" in panel.current.text(), timeout=TIMEOUT)
    proof = httpx.get(f"{api(studio)}/draws/{draw_id}").json()
    assert f"Seed: {proof['seed']}" in panel.current.text()


def test_comments_panel_mutes_deletes_and_blocks_words(qtbot: QtBot, studio: StudioWindow) -> None:
    panel = studio.panels["comments"]
    with viewer(studio, "viewer-troll") as client:
        client.post("/comments", json={"text": "buy my stuff", "nickname": "Troll"})
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=TIMEOUT)
    panel.list.item(0).setSelected(True)
    panel.mute_button.click()
    wait_status(qtbot, panel, "✓ Troll is muted for 10 min")
    with viewer(studio, "viewer-troll") as client:
        assert client.post("/comments", json={"text": "again"}).json()["error"] == "muted"
    panel.list.item(0).setSelected(True)
    panel.delete_button.click()
    wait_status(qtbot, panel, "✓ Comment deleted")
    qtbot.waitUntil(lambda: panel.list.count() == 0, timeout=TIMEOUT)
    panel.words.setText("fake, 假货")
    qtbot.mouseClick(panel.save_words, Qt.MouseButton.LeftButton)
    wait_status(qtbot, panel, "✓ 2 blocked words saved")
    with viewer(studio, "viewer-other") as client:
        assert client.post("/comments", json={"text": "is this 假货?"}).json()["error"] == "blocked_word"
