"""The run-of-show dock and the prompter, offscreen, on a real bundled relay (fakes only for devices).

The acceptance test of the run-of-show: a script of two product segments with different scenes and a
planned flash sale, saved from the dock; each Next (the button, then the hotkey) pins the segment's
product on the relay, puts its scene on air (the program's picture changes), arms its flash sale
(Launch creates it on the relay) and logs the cue; the report made from the log has one segment per
cue with its planned and actual duration.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.analytics.report import build_report, events_from_relay
from app.rundown import rundown_from_json
from app.session import StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from pipeline.frames import VideoFrame
from tests.helpers.fakes import FakeDevices
from tests.helpers.gui_thread import BLOCKING, record_threads
from tests.helpers.room import CATALOG
from tests.helpers.sessions import mint
from ui.panels.base import selected_key
from ui.prompter_dock import LEVEL_COLOURS, MIN_POINTS_PX, PrompterPanel
from ui.rundown_dock import RundownPanel
from ui.studio_window import StudioWindow

TIMEOUT = 15_000
ROOM = "runofshow"


@pytest.fixture
def studio(qtbot: QtBot, tmp_path: Path, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    config = SessionConfig(
        source="test", mic="none", relay=BundledRelayConfig(data_dir=tmp_path / "relay", room=ROOM, title="Show")
    )
    session = StudioSession(config, devices=no_devices)
    threads = record_threads(session)
    window = StudioWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.console.state.ready and window.editing.scenes is not None, timeout=30_000)
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG), encoding="utf-8")
    window.panels["products"].import_catalog(catalog)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(window.console.state.products()) == 5, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.rundown_dock.panel.loaded, timeout=TIMEOUT)
    yield window
    ran_here = [name for name in BLOCKING if "MainThread" in threads.get(name, set())]
    window.shutdown()
    assert not ran_here, f"{ran_here} ran on the GUI thread"


def host(window: StudioWindow) -> httpx.Client:
    room = window.session.room
    assert room is not None
    return httpx.Client(
        base_url=f"{window.session.relay_url}/api/v1/rooms/{ROOM}",
        headers={"Authorization": f"Bearer {room.owner_token}"},
        timeout=10,
    )


def relay_rundown(window: StudioWindow) -> dict[str, Any]:
    with host(window) as client:
        answer: dict[str, Any] = client.get("/rundown").json()
    return answer


def relay_pins(window: StudioWindow) -> list[str]:
    with host(window) as client:
        pins: list[str] = client.get("/console-state").json()["pins"]
    return pins


def program(window: StudioWindow) -> str:
    return window.session.scenes.collection.canvas("portrait").program


class ProgramFrames:
    """The program's latest picture (what the encoders get), from a preview sink."""

    def __init__(self, window: StudioWindow) -> None:
        self.window = window
        self.lock = threading.Lock()
        self.latest: np.ndarray | None = None
        self.count = 0
        window.session.add_preview_sink(self.sink)

    def sink(self, frame: VideoFrame) -> None:
        with self.lock:
            self.latest = frame.image.copy()
            self.count += 1

    def after(self, qtbot: QtBot, frames: int = 3) -> np.ndarray:
        """A picture made at least ``frames`` frames from now."""
        with self.lock:
            start = self.count
        qtbot.waitUntil(lambda: self.count >= start + frames, timeout=5000)
        with self.lock:
            assert self.latest is not None
            return self.latest

    def close(self) -> None:
        self.window.session.remove_preview_sink(self.sink)


def differs(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the pixels that changed noticeably."""
    return float((np.abs(a.astype(int) - b.astype(int)).max(axis=2) > 40).mean())


def add_product_segment(
    qtbot: QtBot, dock: RundownPanel, sku: str, scene: str, title: str, seconds: int, points: str
) -> None:
    before = len(dock.rundown.segments)
    next(a for a in dock.add_menu.actions() if a.text() == "Product").trigger()
    assert len(dock.rundown.segments) == before + 1 and dock.selected_index() == before
    form = dock.editor
    form.title.setText(title)
    form.product.setCurrentIndex(form.product.findData(sku))
    form.scene.setCurrentIndex(form.scene.findData(scene))
    form.duration.setTime(form.duration.time().fromMSecsSinceStartOfDay(seconds * 1000))
    form.points.setPlainText(points)


def test_next_pins_switches_the_scene_arms_the_sale_and_the_report_follows_the_cues(
    qtbot: QtBot, studio: StudioWindow
) -> None:
    window = studio
    dock = window.rundown_dock.panel
    assert window.rundown_dock.objectName() == "rundown" and window.prompter_dock.objectName() == "prompter"

    # The script, made in the dock: two products, two scenes, a flash sale planned on the first.
    add_product_segment(qtbot, dock, "tee", "showcase", "Cotton tee", 420, "100 % cotton\nThree colours")
    form = dock.editor
    form.sale.setChecked(True)
    form.sale_price.setValue(39)
    form.sale_stock.setValue(20)
    add_product_segment(qtbot, dock, "mug", "pip", "The mug", 300, "Holds 350 ml")
    assert [s.sku for s in dock.rundown.segments] == ["tee", "mug"]
    assert dock.list.topLevelItem(0).text(4) == "Product showcase" and dock.list.topLevelItem(1).text(4) == (
        "Host + close-up"
    )
    assert "flash sale ¥39" in dock.list.topLevelItem(0).text(6)

    def saved() -> bool:
        found = relay_rundown(window)["rundown"]
        return found is not None and [s["sku"] for s in found["segments"]] == ["tee", "mug"]

    qtbot.waitUntil(saved, timeout=TIMEOUT)
    stored = rundown_from_json(relay_rundown(window)["rundown"])
    assert stored.segments == dock.rundown.segments, "what the relay has is what the dock shows"
    assert stored.segments[0].flash_sale is not None and stored.segments[0].flash_sale.price_cents == 3900

    assert program(window) == "full" and relay_pins(window) == []
    assert not dock.launch_button.isEnabled() and dock.next_button.text() == "Start ▶"
    assert "PgDown" in dock.next_button.toolTip() or "Page Down" in dock.next_button.toolTip()
    frames = ProgramFrames(window)
    try:
        before = frames.after(qtbot)

        # Next (the button): the first segment.
        qtbot.mouseClick(dock.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: relay_pins(window) == ["tee"], timeout=TIMEOUT)
        qtbot.waitUntil(lambda: program(window) == "showcase", timeout=TIMEOUT)
        showcase = frames.after(qtbot)
        assert differs(before, showcase) > 0.2, "the program shows the product showcase"
        qtbot.waitUntil(dock.launch_button.isEnabled, timeout=TIMEOUT)
        assert dock.launch_button.text() == "Launch flash sale ¥39"
        assert dock.list.topLevelItem(0).text(0) == "▶ 1" and dock.list.topLevelItem(0).font(2).bold()
        assert dock.next_button.text() == "Next ▶"

        # Launch: the armed flash sale is created on the relay.
        qtbot.mouseClick(dock.launch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(window.console.state.flash_sales), timeout=TIMEOUT)
        with host(window) as client:
            sales = client.get("/console-state").json()["flash_sales"]
        assert [(s["sku"], s["price"], s["stock"]) for s in sales] == [("tee", 39.0, 20)]
        qtbot.waitUntil(lambda: not dock.launch_button.isEnabled(), timeout=TIMEOUT)

        # Next (the hotkey): the second segment.
        qtbot.wait(300)
        window.hotkey_actions["next_segment"].trigger()
        qtbot.waitUntil(lambda: relay_pins(window) == ["mug"], timeout=TIMEOUT)
        qtbot.waitUntil(lambda: program(window) == "pip", timeout=TIMEOUT)
        pip = frames.after(qtbot)
        assert differs(showcase, pip) > 0.2, "the program shows the host with the close-up"
        qtbot.waitUntil(lambda: dock.list.topLevelItem(1).text(0) == "▶ 2", timeout=TIMEOUT)
        assert dock.list.topLevelItem(0).foreground(2).color().name() == "#8a8a8a", "the done one is dimmed"
    finally:
        frames.close()

    # The cues are in the event log, and past the last segment the run ends.
    qtbot.wait(300)
    qtbot.mouseClick(dock.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not (window.console.state.rundown or {}).get("running", True), timeout=TIMEOUT)
    room = window.session.room
    assert room is not None
    title, events = events_from_relay(room.base_url, ROOM, room.owner_token)
    cues = [e["data"] for e in events if e["type"] == "rundown.cue"]
    ids = [s.id for s in dock.rundown.segments]
    assert [(c["cue"], c["segment"], c["sku"], c["scene"]) for c in cues] == [
        (1, ids[0], "tee", "showcase"),
        (2, ids[1], "mug", "pip"),
    ]
    assert [e["data"]["action"] for e in events if e["type"] == "rundown.launched"] == ["flash_sale"]
    assert [e["data"]["reason"] for e in events if e["type"] == "rundown.ended"] == ["done"]

    report = build_report(events, ROOM, title)
    cued = [s for s in report.segments if s.cue is not None]
    assert [(s.cue, s.sku, s.title, s.planned_s) for s in cued] == [
        (1, "tee", "Cotton tee", 420.0),
        (2, "mug", "The mug", 300.0),
    ]
    assert all(0 < s.actual_s < 60 for s in cued), [s.actual_s for s in cued]


def test_a_bad_csv_row_is_named_and_changes_nothing(qtbot: QtBot, studio: StudioWindow, tmp_path: Path) -> None:
    dock = studio.rundown_dock.panel
    good = tmp_path / "show.csv"
    good.write_text("kind,title,sku,scene,duration_s,points\nproduct,Tee,tee,showcase,300,Soft|Cheap\n"
                    "closing,Bye,,full,60,\n", encoding="utf-8")  # fmt: skip
    assert dock.import_file(good)
    assert dock.status.text() == "Imported 2 segments from show.csv"
    qtbot.waitUntil(lambda: len((relay_rundown(studio)["rundown"] or {}).get("segments", [])) == 2, timeout=TIMEOUT)
    before = dock.rundown

    bad = tmp_path / "bad.csv"
    bad.write_text("kind,title,sku,duration_s,flash_sale_price,flash_sale_stock\nproduct,Tee,tee,300,,\n"
                   "product,Mug,mug,200,9.999,10\n", encoding="utf-8")  # fmt: skip
    assert not dock.import_file(bad)
    assert dock.status.property("ok") is False
    assert "row 3, column flash_sale_price" in dock.status.text(), dock.status.text()
    assert "at most two decimals" in dock.status.text()
    assert dock.rundown == before and dock.list.topLevelItemCount() == 2
    qtbot.wait(SAVE_WAIT)
    assert rundown_from_json(relay_rundown(studio)["rundown"]).segments == before.segments

    exported = tmp_path / "out.csv"
    assert dock.export_file(exported)
    assert dock.import_file(exported) and dock.rundown.segments == before.segments, "export, import: the same"
    as_json = tmp_path / "out.json"
    assert dock.export_file(as_json)
    assert json.loads(as_json.read_text(encoding="utf-8"))["format"] == "shopcast.rundown"


SAVE_WAIT = 900


def test_dragging_a_segment_saves_the_new_order(qtbot: QtBot, studio: StudioWindow) -> None:
    dock = studio.rundown_dock.panel
    dock.confirm_replace = lambda: True  # type: ignore[method-assign]
    dock.template_button.click()
    skus = [s.sku for s in dock.rundown.segments]
    assert [s.kind for s in dock.rundown.segments] == ["opening", "product", "product", "product",
                                                       "interaction", "closing"]  # fmt: skip
    assert skus[1:4] == ["tee", "mug", "shoe"]
    qtbot.waitUntil(lambda: len((relay_rundown(studio)["rundown"] or {}).get("segments", [])) == 6, timeout=TIMEOUT)

    # A drop (what QTreeWidget's internal move does to the rows), the mug's row above the tee's.
    tree = dock.list
    moving = tree.takeTopLevelItem(2)
    assert moving is not None
    tree.insertTopLevelItem(1, moving)
    tree.dropped.emit()
    qtbot.waitUntil(lambda: [s.sku for s in dock.rundown.segments][1:4] == ["mug", "tee", "shoe"], timeout=5000)
    assert tree.topLevelItemCount() == 6, "a drop lands between rows, never inside one"
    order = [s.id for s in dock.rundown.segments]
    assert tree.ids() == order

    def relay_order() -> list[str]:
        return [s["id"] for s in (relay_rundown(studio)["rundown"] or {}).get("segments", [])]

    qtbot.waitUntil(lambda: relay_order() == order, timeout=TIMEOUT)

    # A double-click starts that segment.
    studio.rundown_dock.raise_()  # its tab in front
    qtbot.waitUntil(lambda: tree.isVisible() and tree.viewport().height() > 100, timeout=5000)
    third = tree.topLevelItem(2)
    assert third is not None
    tree.scrollToItem(third)
    where = tree.visualItemRect(third).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=where)  # QTest's double-click alone
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=where)  # has no press before it
    qtbot.waitUntil(lambda: relay_rundown(studio)["state"]["running"], timeout=TIMEOUT)
    state = relay_rundown(studio)["state"]
    assert (state["index"], state["segment"]["sku"]) == (2, "tee")
    qtbot.waitUntil(lambda: tree.topLevelItem(2).text(0) == "▶ 3", timeout=TIMEOUT)

    # Duplicate and delete save too (the run follows its segment by id).
    dock.select(0)
    dock.duplicate_button.click()
    dock.delete_button.click()
    qtbot.waitUntil(lambda: relay_order() == order, timeout=TIMEOUT)
    dock.select(5)
    dock.delete_button.click()
    qtbot.waitUntil(lambda: relay_order() == order[:5], timeout=TIMEOUT)
    dock.select(0)
    dock.delete_button.click()
    qtbot.waitUntil(lambda: relay_order() == order[1:5], timeout=TIMEOUT)
    qtbot.waitUntil(lambda: relay_rundown(studio)["state"]["index"] == 1, timeout=TIMEOUT)
    assert relay_rundown(studio)["state"]["segment"]["sku"] == "tee"

    # The auto-advance switches are part of the script.
    dock.auto_sold_out.setChecked(True)
    qtbot.waitUntil(lambda: relay_rundown(studio)["rundown"]["auto_advance"]["sold_out"], timeout=TIMEOUT)
    assert not relay_rundown(studio)["rundown"]["auto_advance"]["time_up"]


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # floating a dock raises it (offscreen: no-op)
def test_the_prompter_shows_the_points_the_countdown_and_a_sold_out_prompt(qtbot: QtBot, studio: StudioWindow) -> None:
    window = studio
    prompter: PrompterPanel = window.prompter_dock.panel
    with host(window) as client:
        body = {"segments": [
            {"kind": "product", "title": "Mug deal", "sku": "mug", "duration_s": 100,
             "points": ["Holds 350 ml", "Dishwasher safe"],
             "flash_sale": {"price": 9.9, "stock": 2, "countdown_s": 0, "launch_with_cue": True}},
            {"kind": "closing", "title": "Thank you", "duration_s": 60},
        ]}  # fmt: skip
        assert client.put("/rundown", json=body).status_code == 200
        assert client.post("/rundown/next").status_code == 200
    qtbot.waitUntil(lambda: prompter.view is not None and prompter.view.running, timeout=TIMEOUT)
    assert prompter.title.text() == "Mug deal"
    assert "Holds 350 ml" in prompter.points.text() and "Dishwasher safe" in prompter.points.text()
    assert prompter.points_px() >= MIN_POINTS_PX
    assert prompter.next_label.text() == "Next: Thank you · 1:00"
    assert prompter.countdown.property("level") == "ok"
    assert LEVEL_COLOURS["ok"] in prompter.countdown.styleSheet()

    # The clock: the run's started_at moved back as if the segment had run longer.
    state = window.console.state
    assert state.rundown is not None
    started = float(state.rundown["started_at"])
    state.rundown = {**state.rundown, "started_at": started - 75}  # 25 s left of 100: amber
    qtbot.waitUntil(lambda: prompter.countdown.property("level") == "amber", timeout=2000)
    assert LEVEL_COLOURS["amber"] in prompter.countdown.styleSheet()
    state.rundown = {**state.rundown, "started_at": started - 130}  # over time: red
    qtbot.waitUntil(lambda: prompter.countdown.property("level") == "red", timeout=2000)
    assert prompter.countdown.text().startswith("-0:")

    # The sale sells out: the prompt, with its Next.
    sale_id = state.rundown["launched"]["flash_sale"]
    for n in range(2):
        with httpx.Client(base_url=f"{window.session.relay_url}/api/v1/rooms/{ROOM}",
                          headers=mint(window.session.relay_url).headers, timeout=10) as viewer:  # fmt: skip
            answer = viewer.post("/orders", json={"sku": "mug", "flash_sale_id": sale_id},
                                 headers={"Idempotency-Key": f"k{n}"})  # fmt: skip
            assert answer.status_code == 201, answer.text
    qtbot.waitUntil(lambda: any(r.prompt.kind == "sold_out" for r in prompter.rows), timeout=TIMEOUT)
    row = next(r for r in prompter.rows if r.prompt.kind == "sold_out")
    assert "Flash sale sold out" in row.label.text() and "Thank you" in row.label.text()
    (button,) = row.buttons
    assert button.text() == "Next ▶"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prompter.title.text() == "Thank you", timeout=TIMEOUT)
    assert not any(r.prompt.kind == "sold_out" for r in prompter.rows)
    assert prompter.next_label.text() == "Last segment"

    # A question three viewers ask: Answer… opens the Q&A panel on it, Answered ✓ marks them all.
    asked = []
    for n, text in enumerate(("Is it microwave safe?", "is it microwave safe", "Is it microwave-safe？")):
        with httpx.Client(base_url=f"{window.session.relay_url}/api/v1/rooms/{ROOM}",
                          headers=mint(window.session.relay_url).headers, timeout=10) as viewer:  # fmt: skip
            asked.append(viewer.post("/questions", json={"text": text, "nickname": f"A{n}"}).json()["id"])
    qtbot.waitUntil(lambda: any(r.prompt.kind == "question" for r in prompter.rows), timeout=TIMEOUT)
    row = next(r for r in prompter.rows if r.prompt.kind == "question")
    assert row.label.text() == "3 viewers ask: “Is it microwave safe?”"
    answer, answered = row.buttons
    qtbot.mouseClick(answer, Qt.MouseButton.LeftButton)
    questions = window.panels["questions"]
    qtbot.waitUntil(questions.isVisible, timeout=5000)
    assert selected_key(questions.table) == asked[0]  # type: ignore[attr-defined]
    qtbot.mouseClick(answered, Qt.MouseButton.LeftButton)
    with host(window) as client:

        def statuses() -> list[str]:
            queue = client.get("/console-state").json()["question_queue"]
            return [q["status"] for q in queue if q["id"] in asked]

        qtbot.waitUntil(lambda: statuses() == ["answered"] * 3, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not any(r.prompt.kind == "question" for r in prompter.rows), timeout=TIMEOUT)

    # Pop out: floating, over a whole screen; and back.
    window.prompter_dock.toggle_pop_out()
    assert window.prompter_dock.isFloating()
    assert prompter.pop_button.text() == "Dock it back"
    window.prompter_dock.toggle_pop_out()
    assert not window.prompter_dock.isFloating()
