"""The post-live report page (app/analytics/report_html.py) in headless Chromium: charts with their
lines, points and markers, the peak called out, tables with their rows, CSV downloads, user text shown
as text, empty shows, English and Chinese. Screenshots are left in each test's tmp_path."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from app.analytics.model import Funnel, Report
from app.analytics.report_html import incident_sentence, render_html, tables_csv, write_tables_csv
from tests.helpers.report_fixture import (
    INCIDENTS,
    MARKERS,
    MINUTES,
    NEGATIVE_TOPICS,
    PEAK_MINUTE,
    PEAK_ONLINE,
    SEGMENTS,
    SHANGHAI,
    TOPICS,
    XSS_COMMENT,
    XSS_TITLE,
    empty_report,
    full_report,
)

pytestmark = pytest.mark.browser

CHARTS = {"online": 2, "flow": 2, "comments": 1, "likes": 1, "orders": 1, "gmv": 1}
"""Each chart and how many lines it draws."""
SOLID = {"online": 1, "flow": 2, "comments": 1, "likes": 1, "orders": 1, "gmv": 1}
"""Lines with a hoverable point per minute (the online chart's minute-end line is dashed, no points)."""


class Opened:
    def __init__(self, page: Page, errors: list[str], requests: list[str]) -> None:
        self.page, self.errors, self.requests = page, errors, requests

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def rows(self, table: str) -> int:
        return self.count(f'table[data-table="{table}"] tbody tr')


Opener = Callable[[Report, str, str], Opened]


@pytest.fixture
def open_report(browser: Browser, tmp_path: Path) -> Iterator[Opener]:
    contexts = []

    def opener(report: Report, lang: str, name: str) -> Opened:
        path = tmp_path / f"{name}.html"
        path.write_text(render_html(report, lang, tz=SHANGHAI), encoding="utf-8")
        context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if r.url != path.as_uri() else None)
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        return Opened(page, errors, requests)

    yield opener
    for context in contexts:
        context.close()


def test_full_report_charts_markers_peak_and_tables(open_report: Opener, tmp_path: Path) -> None:
    report = full_report()
    opened = open_report(report, "en", "report-en")
    page = opened.page
    assert opened.errors == []
    assert opened.requests == [], "the page must need nothing from outside"
    assert (tmp_path / "report-en.png").stat().st_size > 50_000

    for chart, lines in CHARTS.items():
        svg = f'svg[data-chart="{chart}"]'
        assert opened.count(f"{svg} path.series") == lines, chart
        for d in page.locator(f"{svg} path.series").evaluate_all("ps => ps.map(p => p.getAttribute('d'))"):
            assert d.count("M") == 1
            assert d.count("L") == MINUTES - 1, chart
        assert opened.count(f"{svg} circle.point") == SOLID[chart] * MINUTES, chart
        assert opened.count(f"{svg} g.marker") == len(MARKERS), chart
        assert opened.count(f"{svg} rect.incident") == len(INCIDENTS), chart
        assert opened.count(f"{svg} .empty-note") == 0, chart
    # markers say what they are when hovered (their <title>), user text as it was typed
    titles = page.locator('svg[data-chart="orders"] g.marker > title').all_text_contents()
    assert titles[1] == "20:05:00 · Pin: Pin: Cotton tee"
    assert "20:40:00 · Co-host: Co-host joined: Lily <3" in titles
    legend = set(page.locator(".legend .key[data-kind]").evaluate_all("ks => ks.map(k => k.dataset.kind)"))
    assert legend == {m.kind for m in MARKERS}
    # markers sit at their time: the pin at 20:05 is 5/90 of the way along the axis
    axis = page.locator('svg[data-chart="orders"] line.axis')
    x0, x1 = float(axis.get_attribute("x1") or 0), float(axis.get_attribute("x2") or 0)
    pin_x = float(page.locator('svg[data-chart="orders"] g.marker').nth(1).locator("line").get_attribute("x1") or 0)
    assert pin_x == pytest.approx(x0 + (x1 - x0) * 5 / MINUTES, abs=0.1)

    # the peak: labelled on the online chart at the highest point, and called out
    peak = page.locator('svg[data-chart="online"] g.peak')
    assert peak.locator("text").text_content() == f"Peak {PEAK_ONLINE:,} · 20:41"
    highest = page.locator('svg[data-chart="online"] circle.point').nth(PEAK_MINUTE)
    assert peak.locator("circle").get_attribute("cx") == highest.get_attribute("cx")
    assert peak.locator("circle").get_attribute("cy") == highest.get_attribute("cy")
    callout = page.locator("#peak .callout").inner_text()
    assert "Peak online 1,234 people at 20:41:23" in callout
    assert f"21 min 23 s into the segment “{XSS_TITLE}”" in callout

    # key numbers say people or times
    assert page.locator('.tile[data-metric="viewers"] .unit').inner_text() == "people"
    assert page.locator('.tile[data-metric="views"] .unit').inner_text() == "times"
    assert page.locator('.tile[data-metric="gmv"] .value').inner_text() == "¥87,654.00"

    # tables, a row each
    assert opened.rows("funnel") == 5  # exposure → click → cart → order → paid
    assert opened.rows("funnel_by_product") == 3
    assert opened.rows("segments") == len(SEGMENTS)
    assert opened.rows("flash_sales") == 2
    assert opened.rows("coupons") == 2
    assert opened.rows("products") == 3
    assert opened.rows("topics") == len(TOPICS)
    assert opened.rows("negative_topics") == len(NEGATIVE_TOPICS)
    assert opened.rows("incidents") == len(INCIDENTS)
    assert opened.rows("timeline") == len(MARKERS)
    assert opened.rows("metrics") == len(report.metrics)
    assert opened.rows("minutes") == MINUTES
    funnel = page.locator('table[data-table="funnel"] tbody tr').nth(4).locator("td").all_inner_texts()
    assert funnel == ["Paid (buyers)", "410", "87.2%", "10.0%"]
    lift = page.locator('table[data-table="segments"] tbody tr').nth(2).locator("td").nth(7)
    assert lift.inner_text() == "+18.2%"
    assert "up" in (lift.get_attribute("class") or "")
    negative = page.locator('table[data-table="negative_topics"] tbody tr').first.locator("td").all_inner_texts()
    assert negative[:3] == ["发货慢", "slow shipping", "48"]
    assert page.locator("#comments .chip.neg").first.inner_text() == "slow shipping (发货慢) 48"
    # incidents joined to the viewer curve
    assert page.locator("ul.incidents li").first.inner_text() == (
        "online −12% during 8 s of dropped frames (network) at 20:55 (1,000 → 880 people)"
    )

    # printable: the buttons go, the charts stay
    page.emulate_media(media="print")
    assert not page.locator("button.csv").first.is_visible()
    assert page.locator('svg[data-chart="gmv"]').is_visible()


def test_chinese_report(open_report: Opener, tmp_path: Path) -> None:
    opened = open_report(full_report(), "zh_CN", "report-zh")
    page = opened.page
    assert opened.errors == []
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("header h1").inner_text().startswith("直播复盘 · ")
    assert page.locator('.tile[data-metric="viewers"] .label').inner_text() == "观看人数人数"
    assert page.locator('.tile[data-metric="avg_watch_time"] .value').inner_text() == "6分28秒"
    assert page.locator('svg[data-chart="online"] g.peak text').text_content() == "峰值 1,234 · 20:41"
    assert "最高在线 1,234 人，出现在 20:41:23" in page.locator("#peak .callout").inner_text()
    titles = page.locator('svg[data-chart="likes"] g.marker > title').all_text_contents()
    assert "20:30:00 · 秒杀: 秒杀开始：纯棉T恤 ¥9.9 × 100" in titles
    assert page.locator("ul.incidents li").first.inner_text() == "20:55 网络丢帧 8秒，在线 −12%（1,000 → 880 人）"
    assert page.locator("#comments .chip.neg").first.inner_text() == "发货慢 48"
    headers = page.locator('table[data-table="segments"] thead th').all_inner_texts()
    assert headers[:4] == ["序号", "商品", "开始", "时长"]
    assert page.locator('table[data-table="segments"] tbody tr').first.locator("td").nth(1).inner_text() == (
        "（未讲解商品）"
    )
    assert (tmp_path / "report-zh.png").stat().st_size > 50_000


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_csv_buttons_download_their_tables(open_report: Opener, lang: str) -> None:
    report = full_report()
    page = open_report(report, lang, f"csv-{lang}").page
    expected = tables_csv(report, lang, tz=SHANGHAI)
    buttons = page.locator("button.csv")
    names = buttons.evaluate_all("bs => bs.map(b => b.dataset.csv)")
    assert sorted(names) == sorted(name.removesuffix(".csv") for name in expected)
    page.locator("#minutes summary").click()  # the per-minute table is folded away at first
    for n, name in enumerate(names):
        if lang != "en" and name not in ("segments", "negative_topics"):
            continue  # every button once (English) is enough
        with page.expect_download(timeout=10_000) as info:
            buttons.nth(n).click()
        download = info.value
        assert download.suggested_filename == f"demo-20251120-2000-{name}.csv"
        data = Path(download.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read Chinese"
        assert data[3:].decode("utf-8") == expected[f"{name}.csv"], name
        # Chromium drops an 11th download started within a moment of ten others (not a person's pace)
        page.wait_for_timeout(400)
    segments = list(csv.reader(io.StringIO(expected["segments.csv"])))
    assert len(segments) == 1 + len(SEGMENTS)
    if lang == "zh_CN":
        assert segments[0][:4] == ["序号", "商品", "开始", "时长（秒）"]
        assert segments[3][1] == XSS_TITLE  # the CSV holds the text as it was typed
        assert segments[3][7] == "18.18"  # lift, percent
    incidents = list(csv.reader(io.StringIO(expected["incidents.csv"])))
    assert incidents[1][0] == "2025-11-20 20:55:12"
    assert incidents[1][1] == "8"


def test_user_text_shows_as_text(open_report: Opener) -> None:
    report = full_report()
    raw = render_html(report, "en", tz=SHANGHAI)
    assert "<script>window" not in raw
    assert "<img" not in raw
    page = open_report(report, "en", "escaped").page
    page.locator('svg[data-chart="online"] g.marker').nth(3).hover()
    assert page.evaluate("window.__xss") is None
    assert page.locator("script").count() == 2  # ours: the CSV data and the code
    assert page.locator("img").count() == 0
    assert page.locator("header h1").inner_text() == "Post-live report · 秋冬新品 <b>专场</b> & friends"
    product = page.locator('table[data-table="products"] tbody tr').first.locator("td").nth(2)
    assert product.inner_text() == XSS_TITLE
    example = page.locator('table[data-table="negative_topics"] tbody tr').nth(1).locator("li").first
    assert example.inner_text() == XSS_COMMENT
    coupons = list(csv.reader(io.StringIO(tables_csv(report, "en")["coupons.csv"])))
    assert coupons[2][0] == '\'=HYPERLINK("http://evil")', "a formula from a user must not run in Excel"


def test_a_show_without_sales_pins_or_incidents(open_report: Opener) -> None:
    opened = open_report(empty_report(), "en", "empty")
    page = opened.page
    assert opened.errors == []
    for chart, lines in CHARTS.items():
        assert opened.count(f'svg[data-chart="{chart}"] path.series') == lines
        assert opened.count(f'svg[data-chart="{chart}"] g.marker') == 0
    for chart in ("comments", "likes", "orders", "gmv"):
        assert opened.count(f'svg[data-chart="{chart}"] .empty-note') == 1, chart
    assert page.locator('svg[data-chart="gmv"] text.ylab').all_text_contents() == ["¥0"]
    assert opened.count('svg[data-chart="online"] .empty-note') == 0
    nones = set(page.locator("[data-none]").evaluate_all("ns => ns.map(n => n.dataset.none)"))
    assert nones == {"funnel", "segments", "flash_sales", "coupons", "products", "topics", "negative_topics",
                     "incidents", "timeline"}  # fmt: skip
    assert page.locator('[data-none="incidents"]').inner_text() == (
        "No stream-health incident: the stream stayed healthy."
    )
    assert page.locator("button.csv").evaluate_all("bs => bs.map(b => b.dataset.csv)") == ["metrics", "minutes"]


def test_a_show_with_no_minutes(open_report: Opener) -> None:
    opened = open_report(empty_report(minutes=0), "zh_CN", "no-minutes")
    page = opened.page
    assert opened.errors == []
    assert opened.count("svg.chart") == 0
    assert page.locator('[data-none="charts"]').inner_text() == "本场没有分钟级数据。"
    assert page.locator('[data-none="peak"]').inner_text() == "本场无人观看。"


def test_csv_files_for_the_command_line(tmp_path: Path) -> None:
    report = full_report()
    files = tables_csv(report, "en", tz=SHANGHAI)
    assert set(files) == {"metrics.csv", "funnel.csv", "funnel_by_product.csv", "segments.csv", "flash_sales.csv",
                          "coupons.csv", "products.csv", "topics.csv", "negative_topics.csv", "incidents.csv",
                          "timeline.csv", "minutes.csv"}  # fmt: skip
    written = write_tables_csv(report, tmp_path / "csv", "zh_CN", tz=SHANGHAI)
    assert len(written) == len(files)
    data = (tmp_path / "csv" / "products.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["排名", "商品编码", "商品", "成交订单数", "件数", "成交人数", "成交金额 (¥)", "点击人数",
                       "点击-成交转化率 (%)"]  # fmt: skip
    assert rows[1] == ["1", "coat", XSS_TITLE, "250", "262", "231", "49750.00", "860", "26.86"]
    empty = tables_csv(empty_report(), "en")
    assert empty["segments.csv"].count("\r\n") == 1  # the header alone


def test_the_funnel_without_an_order_step_goes_from_cart_to_paid() -> None:
    report = replace(full_report(), funnel=Funnel(None, 100, 40, 10, 5, 6, 1000))
    rows = list(csv.reader(io.StringIO(tables_csv(report, "en")["funnel.csv"])))
    assert [r[0] for r in rows[1:]] == ["Product exposure", "Product click", "Add to cart", "Paid (buyers)"]
    assert rows[4][2] == "50.00"


def test_incident_sentences() -> None:
    nobody = replace(INCIDENTS[0], online_before=0, online_low=0)
    assert (
        incident_sentence(nobody, "en", tz=SHANGHAI) == "nobody online during 8 s of dropped frames (network) at 20:55"
    )
    assert incident_sentence(INCIDENTS[0], "zh_CN", tz=SHANGHAI) == "20:55 网络丢帧 8秒，在线 −12%（1,000 → 880 人）"
    small = INCIDENTS[1]
    assert incident_sentence(small, "en", tz=SHANGHAI) == (
        "online −2.1% during 1 min 35 s of skipped frames at 21:15 (480 → 470 people)"
    )
