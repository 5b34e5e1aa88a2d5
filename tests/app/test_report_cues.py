"""A show run from a run-of-show (直播脚本) in the metrics fold and the post-live report: segments follow
the script's cues (planned against actual, GMV per cue, a skipped cue kept), cue and launch markers,
the report's tables in both languages; and rehearsals (彩排) left out of the real show's numbers, in
the report and in the relay's live metrics, which count them only while the room rehearses."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from datetime import timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from app.analytics.metrics import MetricsFold, fold_show, recount, show_numbers
from app.analytics.model import Report, Segment
from app.analytics.report import build_report, report_json
from app.analytics.report_html import render_html, tables_csv, write_tables_csv
from app.analytics.simulate import EngineDriver
from app.commerce.catalog import ProductInput
from app.commerce.engine import RoomEngine
from app.commerce.orders import OrderRequest
from app.relay.commit_queue import CommitQueue
from app.relay.live_metrics import LiveMetrics
from app.relay.realtime import Realtime
from app.rundown import rundown_from_json
from tests.commerce.conftest import ManualClock
from tests.helpers.relay import REPO

T0 = 1_800_000_000.0
SHANGHAI = timezone(timedelta(hours=8))
CATALOG = {"products": 4, "items": [
    {"sku": "tee", "title": "Tee", "price_cents": 5990, "stock": 100, "parent_sku": None},
    {"sku": "shoe", "title": "Shoe", "price_cents": 39900, "stock": 0, "parent_sku": None},
    {"sku": "shoe-40", "title": "Shoe · 40", "price_cents": 39900, "stock": 5, "parent_sku": "shoe"},
    {"sku": "mug", "title": "Mug", "price_cents": 1990, "stock": 50, "parent_sku": None},
]}  # fmt: skip


def ev(t: float, event_type: str, viewer: str | None = None, /, **data: Any) -> dict[str, Any]:
    return {"wall": T0 + t, "type": event_type, "viewer_id": viewer, "data": data}


def order(t: float, viewer: str, order_id: str, sku: str, total: int, **more: Any) -> list[dict[str, Any]]:
    return [
        ev(t, "order.created", viewer, order_id=order_id, sku=sku, qty=1, total_cents=total, flash_sale_id=None,
           group_id=None, coupon_id=None, **more),
        ev(t, "order.paid", viewer, order_id=order_id, total_cents=total, **more),
    ]  # fmt: skip


def cue(t: float, number: int, segment: str, kind: str, title: str, sku: str | None, planned_s: float,
        **more: Any) -> dict[str, Any]:  # fmt: skip
    """What app/commerce/rundown_runner.py logs (``title`` is the segment's own, "" when it has none:
    the report then names the product, else the kind)."""
    return ev(t, "rundown.cue", cue=number, index=number - 1, segment=segment, kind=kind, title=title, sku=sku,
              scene=None, planned_s=planned_s, by="owner", **more)  # fmt: skip


def scripted_show() -> list[dict[str, Any]]:
    """Mug pinned before the show; three cues (an opening, the tee with a shoe pinned for a while
    inside it, the shoe); the run ends and the pins take over again."""
    return [
        ev(-20, "catalog.imported", **CATALOG),
        ev(-10, "pin", sku="mug"),
        ev(0, "stream.started"),
        ev(1, "viewer.enter", "a"),
        ev(2, "viewer.enter", "b"),
        *order(5, "a", "o1", "mug", 1990),
        cue(10, 1, "s-open", "opening", "开场暖场", None, 60),
        ev(10, "draw.opened", id="d1", prize="福袋", winners=1, keyword="来了"),
        ev(10, "rundown.launched", action="draw", ref="d1", segment="s-open", cue=1, by="owner"),
        *order(30, "b", "o2", "tee", 5990),
        cue(70, 2, "s-tee", "product", "tee", "tee", 120),  # no title: the runner logs the SKU
        ev(70, "unpin", sku="mug"),
        ev(70, "pin", sku="tee"),
        ev(
            75,
            "flash_sale.created",
            id="fs1",
            sku="tee",
            price_cents=990,
            stock=10,
            per_user_limit=1,
            opens_at=T0 + 85,
            closes_at=T0 + 385,
        ),
        ev(75, "rundown.launched", action="flash_sale", ref="fs1", segment="s-tee", cue=2, by="assistant:x"),
        ev(80, "rundown.launched", action="cohost", ref="inv1", segment="s-tee", cue=2, by="owner"),
        ev(100, "pin", sku="shoe"),  # inside a cue: a marker, not a new segment
        *order(110, "a", "o3", "tee", 5990),
        *order(111, "b", "o4", "shoe-40", 39900),
        ev(130, "unpin", sku="shoe"),
        cue(230, 3, "s-shoe", "product", "Shoe — today's star", "shoe", 60),
        ev(230, "unpin", sku="tee"),
        ev(230, "pin", sku="shoe"),
        *order(240, "a", "o5", "shoe-40", 39900),
        ev(330, "rundown.ended", by="owner", reason="done", cue=3),
        ev(350, "pin", sku="tee"),
        *order(360, "b", "o6", "tee", 5990),
        ev(400, "stream.ended"),
    ]


def spans(segments: list[Segment]) -> list[tuple[int | None, str | None, str, float, float]]:
    return [(s.cue, s.sku, s.title, s.start - T0, s.end - T0) for s in segments]


# --- segments follow the script -----------------------------------------------------------------------


def test_each_cue_is_a_segment_of_its_own_with_its_plan_and_pins_inside_do_not_split_it() -> None:
    fold = recount(scripted_show())
    segments = fold.segments()
    assert spans(segments) == [
        (None, "mug", "Mug", 0, 10),  # before the first cue: the pins, as ever
        (1, None, "开场暖场", 10, 70),
        (2, "tee", "Tee", 70, 230),  # the pin of the shoe at 100 did not split it
        (3, "shoe", "Shoe — today's star", 230, 330),
        (None, "shoe", "Shoe", 330, 350),  # after the run: the pins again
        (None, "tee", "Tee", 350, 400),
    ]
    cued = [s for s in segments if s.cue is not None]
    assert [(s.kind, s.segment_id, s.planned_s, s.actual_s, s.over_s) for s in cued] == [
        ("opening", "s-open", 60, 60, 0),
        ("product", "s-tee", 120, 160, 40),
        ("product", "s-shoe", 60, 100, 40),
    ]
    assert [(s.orders, s.gmv_cents, s.product_orders, s.product_gmv_cents) for s in segments] == [
        (1, 1990, 1, 1990), (1, 5990, 0, 0), (2, 5990 + 39900, 1, 5990), (1, 39900, 1, 39900), (0, 0, 0, 0),
        (1, 5990, 1, 5990),
    ]  # fmt: skip
    gmv = fold.metrics()["gmv"].value
    assert sum(s.gmv_cents for s in segments) == gmv == 1990 + 2 * 5990 + 39900 * 2 + 5990
    assert segments[2].orders_per_minute == pytest.approx(2 / (160 / 60))
    assert segments[2].lift == pytest.approx((2 / (160 / 60)) / (1 / 1) - 1), "lift against the cue before"
    assert [s.planned_s for s in segments if s.cue is None] == [None, None, None]


def test_cue_and_launch_markers_in_both_languages() -> None:
    markers = [(m.wall - T0, m.kind, m.label, m.label_zh) for m in recount(scripted_show()).markers()]
    assert (10, "cue", "Cue 1: 开场暖场", "第 1 段：开场暖场") in markers
    assert (70, "cue", "Cue 2: Tee", "第 2 段：Tee") in markers
    assert (230, "cue", "Cue 3: Shoe — today's star", "第 3 段：Shoe — today's star") in markers
    assert (330, "cue", "Run-of-show ended", "脚本结束") in markers
    # a promotion launched from the script: its own marker names the cue
    assert (10, "draw", "Lucky draw: 福袋 (cue 1)", "福袋：福袋（第 1 段）") in markers
    assert (75, "flash_sale", "Flash sale: Tee ¥9.9 x 10 (cue 2)", "秒杀：Tee ¥9.9 × 10（第 2 段）") in markers
    assert (80, "cohost", "Cue 2 launched: co-host invite", "第 2 段发起：连麦邀请") in markers, "no marker of its own"
    assert [m for m in markers if m[1] == "flash_sale"] == [m for m in markers if m[0] == 75], "one marker, not two"
    assert (100, "pin", "Pin: Shoe", "讲解：Shoe") in markers, "a pin inside a cue is still a marker"


def test_a_skipped_cue_stays_as_a_segment_of_no_time() -> None:
    log = [
        ev(-5, "catalog.imported", **CATALOG),
        ev(0, "stream.started"),
        cue(0, 1, "s1", "product", "tee", "tee", 60),  # at the very start: no empty segment before it
        ev(0, "pin", sku="tee"),
        *order(30, "a", "o1", "tee", 5990),
        cue(60, 2, "s2", "product", "shoe", "shoe", 90),
        cue(60, 3, "s3", "product", "Mug deal", "mug", 30),  # Next pressed twice: cue 2 skipped
        ev(60, "unpin", sku="tee"),
        ev(60, "pin", sku="mug"),
        *order(90, "a", "o2", "mug", 1990),
        ev(120, "stream.ended"),
    ]
    segments = recount(log).segments()
    assert spans(segments) == [(1, "tee", "Tee", 0, 60), (2, "shoe", "Shoe", 60, 60), (3, "mug", "Mug deal", 60, 120)]
    skipped = segments[1]
    assert (skipped.planned_s, skipped.actual_s, skipped.over_s, skipped.orders) == (90, 0, -90, 0)
    assert skipped.lift is None and segments[2].lift == 0, "the skipped cue is no rate to lift from"


def test_a_cue_running_when_the_show_starts_opens_it_and_ends_with_it() -> None:
    log = [
        ev(-5, "catalog.imported", **CATALOG),
        cue(-3, 1, "s1", "opening", "opening", None, 60),  # the script started before going live
        ev(0, "stream.started"),
        ev(50, "stream.ended"),
        ev(100, "stream.started"),  # the next show: the script of the last one does not open it
        ev(150, "stream.ended"),
    ]
    first = fold_show(log, 1).segments()
    assert [(s.cue, s.kind, s.title, s.start - T0, s.end - T0) for s in first] == [(1, "opening", "", 0, 50)]
    assert [(s.cue, s.sku) for s in recount(log).segments()] == [(None, None)]


def test_the_report_json_carries_the_cues() -> None:
    report = report_json(build_report(scripted_show(), "r", "t"))
    segment = report["segments"][2]
    assert {k: segment[k] for k in ("cue", "kind", "segment_id", "planned_s", "actual_s", "over_s", "gmv_cents")} == {
        "cue": 2, "kind": "product", "segment_id": "s-tee", "planned_s": 120, "actual_s": 160, "over_s": 40,
        "gmv_cents": 45890,
    }  # fmt: skip
    assert report["segments"][0]["cue"] is None and report["segments"][0]["over_s"] is None
    json.dumps(report)


# --- the report's tables --------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Each ``table[data-table]`` of a page: header texts, and each row's cells as (text, class)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, tuple[list[str], list[list[tuple[str, str]]]]] = {}
        self._name: str | None = None
        self._cell: list[str] | None = None
        self._cls = ""
        self._row: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("data-table"):
            self._name = a["data-table"]
            self.tables[self._name or ""] = ([], [])
        elif self._name and tag in ("th", "td"):
            self._cell, self._cls = [], a.get("class") or ""
        elif self._name and tag == "tr":
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if self._name is None:
            return
        headers, rows = self.tables[self._name]
        if tag == "th" and self._cell is not None:
            headers.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "td" and self._cell is not None:
            self._row.append(("".join(self._cell).strip(), self._cls))
            self._cell = None
        elif tag == "tr" and self._row:
            rows.append(self._row)
        elif tag == "table":
            self._name = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(report: Report, lang: str) -> dict[str, tuple[list[str], list[list[tuple[str, str]]]]]:
    parser = _Tables()
    parser.feed(render_html(report, lang, tz=SHANGHAI))
    return parser.tables


@pytest.mark.parametrize(
    ("lang", "headers", "row", "skipped"),
    [
        ("en", ["#", "Cue", "Kind", "Segment", "Start", "Planned", "Actual", "Over / under", "Orders (times)"],
         ["3", "2", "Product", "Tee", "16:01:10", "2 min 00 s", "2 min 40 s", "+0:40", "2"], "0 s skipped"),
        ("zh_CN", ["序号", "脚本段", "段落类型", "段落", "开始", "计划时长", "实际时长", "超时/提前", "成交订单数"],
         ["3", "2", "讲品", "Tee", "16:01:10", "2分00秒", "2分40秒", "+0:40", "2"], "0秒 已跳过"),
    ],
)  # fmt: skip
def test_the_segment_table_shows_planned_actual_and_over_in_both_languages(
    lang: str, headers: list[str], row: list[str], skipped: str
) -> None:
    report = build_report(scripted_show(), "r", "t")
    head, rows = page_tables(report, lang)["segments"]
    assert head[: len(headers)] == headers
    assert [text for text, _ in rows[2][: len(row)]] == row
    over = rows[2][7]
    assert "over" in over[1].split(), "40 s over a 120 s plan is over by more than 10 %: red"
    assert [text for text, _ in rows[1][5:8]] == (
        ["1 min 00 s", "1 min 00 s", "0:00"] if lang == "en" else ["1分00秒", "1分00秒", "0:00"]
    )
    assert "over" not in rows[1][7][1].split()
    assert rows[0][1][0] == "—" and rows[0][7][0] == "—", "before the first cue: no cue, no plan"
    assert rows[1][3][0] == "开场暖场" and rows[5][3][0] == "Tee"
    # a skipped cue
    log = [ev(0, "stream.started"), cue(10, 1, "s1", "opening", "opening", None, 30),
           cue(10, 2, "s2", "closing", "Bye", None, 20), ev(50, "stream.ended")]  # fmt: skip
    _, rows = page_tables(build_report(log, "r", "t"), lang)["segments"]
    assert [r[3][0] for r in rows] == ["(nothing pinned)" if lang == "en" else "（未讲解商品）",
                                       "Opening" if lang == "en" else "开场", "Bye"]  # fmt: skip
    assert rows[1][6][0] == skipped and rows[1][7][0] == "−0:30"
    # the timeline has the cue markers, named in the page's language
    _, timeline = page_tables(report, lang)["timeline"]
    assert ["Run-of-show" if lang == "en" else "直播脚本", "Cue 2: Tee" if lang == "en" else "第 2 段：Tee"] in [
        [cell for cell, _ in r[1:]] for r in timeline
    ]


def test_the_segment_csv_has_the_plan_in_seconds(tmp_path: Path) -> None:
    report = build_report(scripted_show(), "r", "t")
    for lang, header in (("en", ["#", "Cue", "Kind", "Segment", "Start", "Planned (s)", "Actual (s)",
                                 "Over / under (s)"]),
                         ("zh_CN", ["序号", "脚本段", "段落类型", "段落", "开始", "计划时长（秒）", "实际时长（秒）",
                                    "超时/提前（秒）"])):  # fmt: skip
        rows = list(csv.reader(io.StringIO(tables_csv(report, lang, tz=SHANGHAI)["segments.csv"])))
        assert rows[0][:8] == header and rows[0][-3:][2] in ("Script segment id", "脚本段落编号")
        assert rows[3][:8] == ["3", "2", "product", "Tee", "2027-01-15 16:01:10", "120", "160", "40"]
        assert rows[1][1:3] == ["", ""] and rows[1][5:8] == ["", "10", ""]
        assert rows[3][-3:] == ["2027-01-15 16:03:50", "tee", "s-tee"]
    written = {p.name: p for p in write_tables_csv(report, tmp_path, "zh_CN", tz=SHANGHAI)}
    assert written["segments.csv"].read_bytes().startswith("\ufeff序号,脚本段".encode())


def test_a_show_without_a_script_keeps_its_table() -> None:
    log = [ev(-1, "catalog.imported", **CATALOG), ev(0, "stream.started"), ev(5, "pin", sku="tee"),
           ev(60, "stream.ended")]  # fmt: skip
    head, _ = page_tables(build_report(log, "r", "t"), "en")["segments"]
    assert head[:5] == ["#", "Product", "Start", "Duration", "Orders (times)"]
    assert not any("Planned" in h or "Cue" in h for h in head)


# --- rehearsals -----------------------------------------------------------------------------------------


def rehearsal_then_show() -> list[dict[str, Any]]:
    """A rehearsal (its events marked as the core marks them) with a viewer, comments, likes, an order
    it cancels, a pin and a cue; then the real show."""
    r = {"rehearsal": True}
    return [
        ev(-100, "catalog.imported", **CATALOG),
        ev(-90, "rehearsal.started", by="owner", **r),
        ev(-85, "stream.started", **r),
        ev(-80, "viewer.enter", "tester", returning=False, **r),
        ev(-75, "comment", "tester", id=1, text="能听到吗", **r),
        ev(-70, "like", "tester", count=5, **r),
        *order(-60, "tester", "ro1", "tee", 5990, **r),
        cue(-55, 1, "s1", "product", "tee", "tee", 60, **r),
        ev(-55, "pin", sku="shoe", **r),
        ev(
            -50,
            "health.incident",
            code="network.dropped",
            level="warning",
            message="m",
            start=T0 - 52,
            end=T0 - 51,
            **r,
        ),
        ev(-30, "stream.ended", **r),
        ev(-25, "viewer.leave", "tester", watched_s=55, **r),
        ev(-20, "order.cancelled", "tester", order_id="ro1", **r),
        ev(-10, "rehearsal.ended", by="owner", orders_cancelled=1, campaigns_ended=0, **r),
        ev(0, "stream.started"),
        ev(1, "viewer.enter", "a", returning=False),
        ev(5, "comment", "a", id=2, text="来了"),
        *order(10, "a", "o1", "shoe-40", 39900),
        ev(60, "stream.ended"),
    ]


def test_a_rehearsal_is_no_part_of_the_real_show() -> None:
    log = rehearsal_then_show()
    assert show_numbers(log) == [1], "a rehearsal is not a show"
    report = build_report(log, "r", "t", show=1)
    m = {k: v.value for k, v in report.metrics.items()}
    assert (m["viewers"], m["views"], m["comments"], m["likes"], m["orders"], m["gmv"], m["refunds"]) == (
        1, 1, 1, 0, 1, 39900, 0
    )  # fmt: skip
    assert (report.show, report.start, report.end) == (1, T0, T0 + 60) and report.incidents == []
    assert [(m.kind, m.label) for m in report.markers] == [("stream", "Live started"), ("stream", "Live ended")]
    # the room the rehearsal left: the shoe is pinned, titles from the catalog
    assert [(s.cue, s.sku, s.title, s.orders) for s in report.segments] == [(None, "shoe", "Shoe", 1)]
    assert report == build_report(log, "r", "t"), "the last show is the real one"
    assert recount(log).live_message(T0 + 60)["show"] == {
        "number": 1, "start": T0, "end": T0 + 60, "live": False, "rehearsal": False
    }  # fmt: skip
    with pytest.raises(ValueError, match="no show 2"):
        fold_show(log, 2)


def test_show_1_is_the_first_real_show_around_a_rehearsal() -> None:
    first_show = [
        ev(-1100, "catalog.imported", **CATALOG),
        ev(-1000, "stream.started"),
        ev(-999, "viewer.enter", "a"),
        ev(-995, "comment", "a", id=10, text="第一场"),
        *order(-990, "a", "f1", "tee", 5990),
        ev(-940, "stream.ended"),
        ev(-930, "viewer.leave", "a", watched_s=69),
    ]
    shifted = [{**e, "wall": e["wall"] + 1000} for e in rehearsal_then_show()]
    log = [*first_show, *shifted]  # show 1, a rehearsal, show 2
    assert show_numbers(log) == [1, 2]
    first, second = fold_show(log, 1), fold_show(log, 2)
    assert (first.report("r", "t").start, first.report("r", "t").end) == (T0 - 1000, T0 - 940)
    assert second.report("r", "t").start == T0 + 1000
    for fold, gmv in ((first, 5990), (second, 39900)):
        m = {k: v.value for k, v in fold.metrics().items()}
        assert (m["viewers"], m["comments"], m["likes"], m["orders"], m["gmv"]) == (1, 1, 0, 1, gmv)


def test_including_rehearsals_counts_the_rehearsal_from_its_start() -> None:
    log = rehearsal_then_show()
    during = [e for e in log if e["wall"] <= T0 - 50]
    fold = recount(during, include_rehearsal=True)
    message = fold.live_message(T0 - 50)
    assert message["show"] == {"number": 0, "start": T0 - 85, "end": None, "live": True, "rehearsal": True}
    m = message["metrics"]
    assert (m["viewers"]["value"], m["comments"]["value"], m["likes"]["value"], m["orders"]["value"]) == (1, 1, 5, 1)
    assert [(s.cue, s.sku) for s in fold.segments()] == [(None, None), (1, "tee")]
    # before its stream: counted from the rehearsal's start
    early = recount([e for e in log if e["wall"] <= T0 - 87], include_rehearsal=True).live_message(T0 - 87)
    assert early["show"] == {"number": 0, "start": T0 - 90, "end": None, "live": False, "rehearsal": True}
    # a fold that leaves rehearsals out: nothing happened since the catalog came
    left_out = recount(during).live_message(T0 - 50)
    assert left_out["show"] == {"number": 0, "start": T0 - 100, "end": None, "live": False, "rehearsal": False}
    assert all(left_out["metrics"][k]["value"] == 0 for k in ("viewers", "comments", "likes", "orders", "online"))


# --- through the engine: the real runner, the real rehearsal marks --------------------------------------


def place(engine: RoomEngine, room: str, viewer: str, sku: str, key: str) -> None:
    engine.place_order(room, viewer, viewer, OrderRequest(sku), key)


RUNDOWN = {"title": "Cue show", "segments": [
    {"kind": "opening", "title": "Hello", "duration_s": 60},
    {"kind": "product", "sku": "tee", "duration_s": 120,
     "flash_sale": {"price": 9.9, "stock": 5, "launch_with_cue": True}},
    {"kind": "product", "sku": "shoe", "duration_s": 60},
    {"kind": "closing", "title": "Bye", "duration_s": 30},
]}  # fmt: skip


@pytest.fixture
def engine_show(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A relay data folder: a rehearsal of the run-of-show, then the real show run from it (cue 3
    skipped), both through the room engine on a simulated clock."""
    driver = EngineDriver(tmp_path / "data", room="cues", title="Cue show", base_wall=T0)
    driver.register_room()
    e, room = driver.engine, "cues"

    def at(t: float) -> None:
        driver.clock.wall = T0 + t

    try:
        at(-300)
        e.import_catalog(room, [ProductInput("tee", "Cotton tee", 5990, 100), ProductInput("shoe", "Shoe", 39900, 50)])
        e.save_rundown(room, rundown_from_json(RUNDOWN))
        at(-250)
        e.set_rehearsal(room, True, "owner")
        e.log(room, "stream.started")
        e.viewer_enter(room, "tester", "Tester")
        e.cue(room)
        at(-240)
        place(e, room, "tester", "tee", "k0")
        e.comment(room, "tester", "Tester", "测试一下")
        at(-200)
        e.stop_rundown(room)
        e.log(room, "stream.ended")
        e.viewer_leave(room, "tester", 50)
        at(-190)
        e.set_rehearsal(room, False, "owner")
        at(0)
        e.log(room, "stream.started")
        e.viewer_enter(room, "a", "A")
        e.viewer_enter(room, "b", "B")
        at(10)
        e.cue(room)  # 1: opening
        at(20)
        place(e, room, "a", "tee", "k1")
        at(70)
        e.cue(room)  # 2: the tee, pinned, its flash sale launched with the cue
        at(90)
        e.pin(room, "shoe")
        at(100)
        place(e, room, "b", "tee", "k2")
        at(230)
        e.cue(room)  # 3: the shoe ...
        e.cue(room)  # 4: ... skipped straight to the closing
        at(240)
        place(e, room, "a", "shoe", "k3")
        at(260)
        e.cue(room)  # past the last: the run is done
        at(300)
        e.log(room, "stream.ended")
        events = e.events(room, 0, 10_000)
    finally:
        driver.close()
    return tmp_path / "data", events


def test_a_show_run_by_the_engine_reports_its_cues_without_its_rehearsal(
    engine_show: tuple[Path, list[dict[str, Any]]],
) -> None:
    _, events = engine_show
    assert any(e["data"].get("rehearsal") for e in events) and show_numbers(events) == [1]
    report = build_report(events, "cues", "Cue show", show=1)
    assert [(s.cue, s.kind, s.sku, s.title, s.start - T0, s.end - T0, s.planned_s) for s in report.segments] == [
        (None, None, None, "", 0, 10, None),
        (1, "opening", None, "Hello", 10, 70, 60),
        (2, "product", "tee", "Cotton tee", 70, 230, 120),
        (3, "product", "shoe", "Shoe", 230, 230, 60),  # skipped: kept, no time
        (4, "closing", None, "Bye", 230, 260, 30),
        (None, None, "shoe", "Shoe", 260, 300, None),  # the run is over: what is pinned
    ]
    assert [s.gmv_cents for s in report.segments] == [0, 5990, 5990, 0, 39900, 0]
    m = {k: v.value for k, v in report.metrics.items()}
    assert (m["viewers"], m["comments"], m["orders"], m["gmv"]) == (2, 0, 3, 5990 * 2 + 39900), "no rehearsal"
    labels = [m.label for m in report.markers]
    assert "Cue 2: Cotton tee" in labels and "Run-of-show ended" in labels
    assert any(label.startswith("Flash sale: Cotton tee") and label.endswith("(cue 2)") for label in labels)
    assert "Pin: Shoe" in labels


def test_report_cli_show_1_is_the_first_real_show(
    engine_show: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    data, _ = engine_show
    out = tmp_path / "show1.json"
    run = [sys.executable, "-m", "app", "report", "cues", "--data", str(data)]
    result = subprocess.run([*run, "--show", "1", "--out", str(out)], capture_output=True, text=True, cwd=REPO,
                            timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["show"] == 1 and report["metrics"]["viewers"]["value"] == 2
    assert [s["cue"] for s in report["segments"]] == [None, 1, 2, 3, 4, None]
    wrong = subprocess.run([*run, "--show", "2", "--out", str(tmp_path / "x.json")], capture_output=True, text=True,
                           cwd=REPO, timeout=120, check=False)  # fmt: skip
    assert wrong.returncode != 0 and "no show 2" in wrong.stderr


# --- the relay's live metrics while a room rehearses -----------------------------------------------------


def test_live_metrics_count_the_rehearsal_only_while_the_room_rehearses(tmp_path: Path) -> None:
    clock = EngineDriver(tmp_path / "unused").clock  # a clock that moves only when told
    clock.wall = T0
    engine = RoomEngine(tmp_path / "commerce.sqlite3", clock=clock)
    live = LiveMetrics(engine, Realtime(engine, CommitQueue(engine)))
    room = "rh"

    def at(t: float) -> None:
        clock.wall = T0 + t

    async def scenario() -> None:
        engine.import_catalog(room, [ProductInput("tee", "Cotton tee", 5990, 100)])
        engine.log(room, "stream.started")
        engine.viewer_enter(room, "a", "A")
        at(10)
        place(engine, room, "a", "tee", "k1")
        at(60)
        engine.log(room, "stream.ended")
        engine.viewer_leave(room, "a", 60)
        real = (await live.message(room))["metrics"]
        assert (real["orders"]["value"], real["viewers"]["value"]) == (1, 1)

        at(100)  # told first, before the rehearsal is logged: it counts from its start all the same
        live.set_rehearsal(room, True)
        assert live.rehearsing(room)
        before = await live.message(room)
        assert before["show"]["number"] == 1 and before["metrics"]["orders"]["value"] == 1
        engine.set_rehearsal(room, True, "owner")
        at(105)
        engine.log(room, "stream.started")
        engine.viewer_enter(room, "t1", "T1")
        engine.viewer_enter(room, "t2", "T2")
        at(110)
        place(engine, room, "t1", "tee", "k2")
        place(engine, room, "t2", "tee", "k3")
        message = await live.message(room)
        assert message["show"] == {"number": 0, "start": T0 + 105, "end": None, "live": True, "rehearsal": True}
        m = message["metrics"]
        assert (m["orders"]["value"], m["viewers"]["value"], m["online"]["value"]) == (2, 2, 2)
        everything = engine.events(room, 0, 10_000)
        assert message == recount(everything, include_rehearsal=True).live_message(engine.now), "a recount agrees"

        live.set_rehearsal(room, True)  # again: nothing changes
        assert await live.message(room) == message
        # made again from the log (a relay that restarts, or was told late), it says the same
        live.set_rehearsal(room, False)
        live.set_rehearsal(room, True)
        assert await live.message(room) == message

        at(150)
        engine.log(room, "stream.ended")
        engine.set_rehearsal(room, False, "owner")
        live.set_rehearsal(room, False)
        assert not live.rehearsing(room)
        after = await live.message(room)
        assert after["show"] == {"number": 1, "start": T0, "end": T0 + 60, "live": False, "rehearsal": False}
        assert (after["metrics"]["orders"]["value"], after["metrics"]["viewers"]["value"]) == (1, 1)
        assert after == recount(engine.events(room, 0, 10_000)).live_message(engine.now)

    try:
        asyncio.run(scenario())
    finally:
        engine.close()


def test_live_metrics_switched_while_their_fold_is_being_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A switch between two pages of the log: the fold is made again in the new mode."""
    monkeypatch.setattr("app.relay.live_metrics.PAGE", 2)
    engine = RoomEngine(tmp_path / "commerce.sqlite3")
    live = LiveMetrics(engine, Realtime(engine, CommitQueue(engine)))
    room = "rh"

    async def scenario() -> None:
        engine.set_rehearsal(room, True, "owner")
        engine.log(room, "stream.started")
        for n in range(6):
            engine.viewer_enter(room, f"v{n}", "V")
        building = asyncio.ensure_future(live.message(room))
        await asyncio.sleep(0)  # the first page is folded (without rehearsals)
        live.set_rehearsal(room, True)
        message = await building
        assert message["show"]["rehearsal"] is True and message["metrics"]["viewers"]["value"] == 6

    try:
        asyncio.run(scenario())
    finally:
        engine.close()


def test_a_fold_including_rehearsals_is_what_a_report_leaves_out() -> None:
    """The same rows, two folds: each rehearsal's stream is a show only for the one that includes them."""
    log = rehearsal_then_show()
    with_rehearsals = MetricsFold(include_rehearsal=True)
    for event in log:
        with_rehearsals.apply(event)
    assert with_rehearsals.shows == 1 and with_rehearsals.report("r", "t") == recount(log).report("r", "t")


def test_the_moment_before_the_first_cue_and_after_the_last_is_not_a_segment() -> None:
    log = [
        ev(0, "catalog.imported", **CATALOG),
        ev(1, "stream.started"),
        cue(1.3, 1, "a", "product", "Tee", "tee", 60),
        ev(1.3, "pin", sku="tee"),
        ev(61.3, "rundown.ended", by="auto", reason="done", cue=1),
        ev(61.5, "stream.ended"),
    ]
    segments = fold_show(log).segments()
    assert [(s.cue, s.sku, round(s.end - s.start, 1)) for s in segments] == [(1, "tee", 60.0)]


def test_a_cue_from_before_a_rehearsal_does_not_take_over_the_real_show(tmp_path: Path) -> None:
    clock = ManualClock(T0)
    engine = RoomEngine(tmp_path / "store.sqlite3", clock=clock)
    try:
        engine.import_catalog("r", [ProductInput("tee", "Tee", 5990, 100), ProductInput("mug", "Mug", 1990, 50)])
        engine.save_rundown("r", rundown_from_json({"segments": [{"id": "a", "sku": "tee", "duration_s": 60}]}))
        engine.cue("r")
        engine.set_rehearsal("r", True, "owner")
        engine.set_rehearsal("r", False, "owner")  # resets the run: its rundown.ended is a rehearsal's
        engine.log("r", "stream.started")
        clock.advance(30)
        engine.pin("r", "mug")
        clock.advance(30)
        engine.log("r", "stream.ended")
        segments = fold_show(engine.events("r")).segments()
    finally:
        engine.close()
    assert all(s.cue is None for s in segments), [(s.cue, s.sku) for s in segments]
    assert [s.sku for s in segments][-1] == "mug", "the pins split the real show again"
