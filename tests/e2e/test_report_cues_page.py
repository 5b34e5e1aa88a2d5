"""The post-live report of a show run from a run-of-show, in headless Chromium: the segment table
with each cue's kind, planned and actual time and how far over (red past 10 %), a skipped cue, the
cue markers on the charts, in English and Chinese, and the table's CSV download."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from app.analytics.report import build_report
from app.analytics.report_html import render_html, tables_csv
from tests.app.test_report_cues import SHANGHAI, T0, cue, ev, scripted_show

pytestmark = pytest.mark.browser

RED = "rgb(185, 28, 28)"
"""The page's --bad colour."""


@pytest.mark.parametrize(
    ("lang", "headers", "cells", "skipped", "marker"),
    [
        ("en", ["#", "Cue", "Kind", "Segment", "Start", "Planned", "Actual", "Over / under"],
         ["3", "2", "Product", "Tee", "16:01:10", "2 min 00 s", "2 min 40 s", "+0:40"], "0 s skipped",
         "16:01:10 · Run-of-show: Cue 2: Tee"),
        ("zh_CN", ["序号", "脚本段", "段落类型", "段落", "开始", "计划时长", "实际时长", "超时/提前"],
         ["3", "2", "讲品", "Tee", "16:01:10", "2分00秒", "2分40秒", "+0:40"], "0秒 已跳过",
         "16:01:10 · 直播脚本: 第 2 段：Tee"),
    ],
)  # fmt: skip
def test_planned_against_actual_in_the_segment_table(
    browser: Browser, tmp_path: Path, lang: str, headers: list[str], cells: list[str], skipped: str, marker: str
) -> None:
    log = [
        *scripted_show()[:-1],
        cue(400, 4, "s-bye", "closing", "closing", None, 45),
        cue(400, 5, "s-end", "closing", "Thanks", None, 20),  # cue 4 skipped
        ev(420, "stream.ended"),
    ]
    report = build_report(log, "demo", "Cue show")
    path = tmp_path / f"cues-{lang}.html"
    path.write_text(render_html(report, lang, tz=SHANGHAI), encoding="utf-8")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.screenshot(path=str(tmp_path / f"cues-{lang}.png"), full_page=True)
        table = page.locator('table[data-table="segments"]')
        assert table.locator("thead th").all_inner_texts()[: len(headers)] == headers
        rows = table.locator("tbody tr")
        assert rows.count() == 8
        tee = rows.nth(2).locator("td")
        assert tee.all_inner_texts()[: len(cells)] == cells
        assert tee.nth(7).evaluate("td => getComputedStyle(td).color") == RED, "40 s over 2 min: more than 10 %"
        opening = rows.nth(1).locator("td")
        assert opening.nth(7).inner_text() == "0:00"
        assert opening.nth(7).evaluate("td => getComputedStyle(td).color") != RED
        skipped_row = rows.nth(6).locator("td")
        assert skipped_row.nth(6).inner_text() == skipped and skipped_row.nth(7).inner_text() == "−0:45"
        assert rows.nth(0).locator("td").nth(1).inner_text() == "—", "before the first cue: no cue"
        # the cues are markers on the charts
        titles = page.locator('svg[data-chart="orders"] g.marker[data-kind="cue"] > title').all_text_contents()
        assert marker in titles
        # the table's CSV: the plan in seconds
        with page.expect_download(timeout=10_000) as info:
            page.locator('button[data-csv="segments"]').click()
        text = Path(info.value.path()).read_bytes()[3:].decode("utf-8")
        assert text == tables_csv(report, lang, tz=SHANGHAI)["segments.csv"]
        assert ",120,160,40," in text
        assert errors == []
    finally:
        context.close()
    assert report.start == T0
