"""The post-live report (复盘) as one self-contained HTML file, and its tables as CSV.

``render_html(report, lang)`` writes a page that needs nothing else: inline CSS, charts as inline SVG
drawn here, one small inline script (CSV downloads, opening collapsed parts before printing) allowed
by the page's Content-Security-Policy through its hash, so neither an outside request nor a script
smuggled in through user text can run. Chinese or English labels by ``lang``. Everything that comes
from users (titles, product names, comments, co-host names) is escaped.

Every table is also a CSV file: ``tables_csv(report, lang)`` (file name → text, for the CLI's
``--csv DIR``; ``write_tables_csv`` writes them with the UTF-8 BOM Excel needs for Chinese), and each
table in the page has a button that downloads the same text (with the BOM) from data embedded in the
page. CSV numbers are plain: money in yuan with two decimals, rates in percent, times local.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from app.analytics.model import (
    INCIDENT_NAMES,
    SEGMENT_KIND_NAMES,
    Funnel,
    HealthIncident,
    Marker,
    Metric,
    Report,
    Segment,
    Topic,
)
from app.analytics.topics import topic_label

# --- words ----------------------------------------------------------------------------------------

_WORDS: dict[str, tuple[str, str]] = {
    "report": ("Post-live report", "直播复盘"),
    "room": ("Room", "直播间"),
    "show": ("Show", "场次"),
    "replay_sales": ("Sold from the replay", "回放成交"),
    "date": ("Date", "日期"),
    "duration": ("Duration", "时长"),
    "still_live": ("still live when this report was made", "生成报告时仍在直播"),
    "overview": ("Key numbers", "核心数据"),
    "people": ("people", "人数"),
    "times": ("times", "次数"),
    "peak": ("Peak moment", "峰值时刻"),
    "peak_short": ("Peak", "峰值"),
    "no_viewers": ("Nobody watched this show.", "本场无人观看。"),
    "trends": ("Per-minute trends", "分钟级趋势"),
    "markers": ("Markers", "标记"),
    "incident_band": ("stream-health incident", "推流异常时段"),
    "chart_online": ("Online", "在线人数"),
    "online_high": ("highest in the minute", "分钟内最高"),
    "online_end": ("at the minute's end", "分钟末"),
    "chart_flow": ("Entries and exits", "进入与离开"),
    "entries": ("entries", "进入"),
    "exits": ("exits", "离开"),
    "chart_comments": ("Comments", "评论数"),
    "chart_likes": ("Likes", "点赞数"),
    "chart_orders": ("Orders (paid)", "成交订单数"),
    "chart_gmv": ("GMV (¥)", "成交金额 (¥)"),
    "no_minutes": ("The show has no per-minute data.", "本场没有分钟级数据。"),
    "none_comments": ("No comments", "无评论"),
    "none_likes": ("No likes", "无点赞"),
    "none_orders": ("No orders", "无成交"),
    "none_flow": ("Nobody came or left", "无人进出"),
    "none_online": ("Nobody online", "无人在线"),
    "funnel": ("Conversion funnel", "转化漏斗"),
    "stage": ("Step", "环节"),
    "stage_exposure": ("Product exposure", "商品曝光"),
    "stage_click": ("Product click", "商品点击"),
    "stage_cart": ("Add to cart", "加购"),
    "stage_order": ("Order placed", "下单"),
    "stage_paid": ("Paid (buyers)", "成交（付款）"),
    "from_previous": ("Rate from the step before (%)", "较上一环节 (%)"),
    "from_exposure": ("Rate from exposure (%)", "较曝光 (%)"),
    "none_funnel": ("No product was shown.", "本场没有商品曝光。"),
    "funnels": ("Funnel by product", "分商品漏斗"),
    "segments": ("Segments (讲解段)", "讲解段"),
    "none_segments": ("No product was pinned.", "本场没有讲解商品。"),
    "nothing_pinned": ("(nothing pinned)", "（未讲解商品）"),
    "cue_n": ("Cue {n}", "第 {n} 段"),
    "skipped": ("skipped", "已跳过"),
    "campaigns": ("Flash sales and coupons", "秒杀与优惠券"),
    "flash_sales": ("Flash sales", "秒杀"),
    "none_flash_sales": ("No flash sale.", "本场没有秒杀。"),
    "coupons": ("Coupons", "优惠券"),
    "none_coupons": ("No coupon.", "本场没有优惠券。"),
    "products": ("Top products", "商品排行"),
    "none_products": ("Nothing was sold.", "本场没有成交商品。"),
    "comments": ("Comments", "评论"),
    "topics": ("Top topics", "热门话题"),
    "negative_topics": ("Negative topics", "负面话题"),
    "none_topics": ("No comment topics.", "没有评论话题。"),
    "none_negative": ("No complaints found in the comments.", "评论中没有发现负面话题。"),
    "topic": ("Topic", "话题"),
    "complaint": ("Complaint", "负面话题"),
    "meaning": ("Meaning", "含义"),
    "comments_n": ("Comments", "评论条数"),
    "mostly_negative": ("Mostly negative", "多为负面"),
    "examples": ("Examples", "示例"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "health": ("Stream health", "推流健康"),
    "none_incidents": ("No stream-health incident: the stream stayed healthy.", "无推流异常，直播全程稳定。"),
    "timeline": ("Timeline of actions", "操作时间线"),
    "none_timeline": ("No streamer action was logged.", "没有记录到主播操作。"),
    "all_metrics": ("All metrics", "全部指标"),
    "minutes": ("Per-minute data", "分钟数据"),
    "csv": ("CSV", "导出 CSV"),
    "csv_title": ("Download this table as CSV (opens in Excel)", "下载此表为 CSV（Excel 可直接打开）"),
    "generated": ("Made by ShopCast from the room's event log", "由 ShopCast 根据直播间事件日志生成"),
    # columns
    "metric": ("Metric", "指标"),
    "key": ("Key", "键"),
    "value": ("Value", "数值"),
    "unit": ("Unit", "单位"),
    "sku": ("SKU", "商品编码"),
    "product": ("Product", "商品"),
    "exposure_people": ("Exposure (people)", "曝光人数"),
    "click_people": ("Clicks (people)", "点击人数"),
    "cart_people": ("Add-to-cart (people)", "加购人数"),
    "order_people": ("Ordered (people)", "下单人数"),
    "buyers": ("Buyers (people)", "成交人数"),
    "orders": ("Orders (times)", "成交订单数"),
    "units": ("Units", "件数"),
    "gmv": ("GMV (¥)", "成交金额 (¥)"),
    "ctr": ("Click-through rate (%)", "商品点击率 (%)"),
    "cto": ("Click-to-order rate (%)", "点击-成交转化率 (%)"),
    "conversion": ("Conversion (%)", "转化率 (%)"),
    "number": ("#", "序号"),
    "start": ("Start", "开始"),
    "end": ("End", "结束"),
    "duration_s": ("Duration (s)", "时长（秒）"),
    "online_start": ("Online at start (people)", "开始在线"),
    "online_end_col": ("Online at end (people)", "结束在线"),
    "orders_per_min": ("Orders / min", "每分钟订单"),
    "lift": ("Lift vs previous (%)", "较上一段 (%)"),
    "product_orders": ("Orders of the product", "讲解商品订单"),
    "product_gmv": ("GMV of the product (¥)", "讲解商品成交额 (¥)"),
    "cue": ("Cue", "脚本段"),
    "segment_kind": ("Kind", "段落类型"),
    "segment_title": ("Segment", "段落"),
    "planned": ("Planned", "计划时长"),
    "planned_s": ("Planned (s)", "计划时长（秒）"),
    "actual": ("Actual", "实际时长"),
    "actual_s": ("Actual (s)", "实际时长（秒）"),
    "over": ("Over / under", "超时/提前"),
    "over_s": ("Over / under (s)", "超时/提前（秒）"),
    "script_segment": ("Script segment id", "脚本段落编号"),
    "price": ("Price (¥)", "价格 (¥)"),
    "stock": ("Stock", "库存"),
    "sold": ("Sold", "售出"),
    "sell_through": ("Sold / stock (%)", "售罄率 (%)"),
    "opened": ("Opened", "开始"),
    "closed": ("Closed", "结束"),
    "sold_out_after": ("Sold out after (s)", "售罄用时（秒）"),
    "sold_out_after_page": ("Sold out after", "售罄用时"),
    "people_col": ("People", "人数"),
    "paid_orders": ("Paid orders", "成交订单"),
    "gmv_word": ("GMV", "成交金额"),
    "limit": ("Per-viewer limit", "限购"),
    "coupon": ("Coupon", "优惠券"),
    "amount": ("Amount (¥)", "面额 (¥)"),
    "issued": ("Issued", "发放"),
    "claimed": ("Claimed", "领取"),
    "used": ("Used", "使用"),
    "claim_rate": ("Claimed / issued (%)", "领取率 (%)"),
    "use_rate": ("Used / claimed (%)", "核销率 (%)"),
    "rank": ("Rank", "排名"),
    "time": ("Time", "时间"),
    "kind": ("Kind", "类型"),
    "label": ("What", "内容"),
    "level": ("Level", "级别"),
    "what": ("What", "问题"),
    "online_before": ("Online before (people)", "异常前在线"),
    "online_low": ("Lowest online (people)", "异常中最低在线"),
    "online_change": ("Online change (%)", "在线变化 (%)"),
    "effect": ("Effect on viewers", "对观众的影响"),
    "message": ("Detail", "详情"),
    "minute": ("Minute", "分钟"),
    "online_col": ("Online at end (people)", "分钟末在线"),
    "online_peak_col": ("Highest online (people)", "分钟内最高在线"),
    "entries_col": ("Entries (times)", "进入次数"),
    "exits_col": ("Exits (times)", "离开次数"),
    "comments_col": ("Comments (times)", "评论数"),
    "likes_col": ("Likes (times)", "点赞数"),
    "warning": ("warning", "警告"),
    "error": ("error", "错误"),
}

_KINDS: dict[str, tuple[str, str, str]] = {
    # kind: English, Chinese, colour
    "pin": ("Pin", "讲解", "#2563eb"),
    "unpin": ("Unpin", "取消讲解", "#93a3b8"),
    "flash_sale": ("Flash sale", "秒杀", "#dc2626"),
    "coupon": ("Coupon", "优惠券", "#d97706"),
    "poll": ("Poll", "投票", "#7c3aed"),
    "group_buy": ("Group-buy", "拼团", "#059669"),
    "draw": ("Lucky draw", "福袋", "#db2777"),
    "cohost": ("Co-host", "连麦", "#0891b2"),
    "health": ("Stream health", "推流异常", "#111827"),
    "stream": ("Stream", "直播", "#64748b"),
    "cue": ("Run-of-show", "直播脚本", "#0f766e"),
}
_GLYPHS: dict[str, str] = {
    # a shape per kind, drawn around (0, 0) and at most 5 units out
    "pin": "M-5,-4 L5,-4 L0,4 Z",
    "unpin": "M-4,-4 L4,-4 L4,4 L-4,4 Z",
    "flash_sale": "M0,-5 L5,0 L0,5 L-5,0 Z",
    "coupon": "M-5,-3 L5,-3 L5,3 L-5,3 Z",
    "poll": "M-4,0 A4,4 0 1,0 4,0 A4,4 0 1,0 -4,0 Z",
    "group_buy": "M0,-5 L5,4 L-5,4 Z",
    "draw": "M0,-5 L1.5,-1.5 L5,-1.5 L2,1 L3,5 L0,2.5 L-3,5 L-2,1 L-5,-1.5 L-1.5,-1.5 Z",
    "cohost": "M-5,-2 L-2,-2 L-2,-5 L2,-5 L2,-2 L5,-2 L5,2 L2,2 L2,5 L-2,5 L-2,2 L-5,2 Z",
    "health": "M0,-5 L5,5 L-5,5 Z M-0.8,-1.5 L0.8,-1.5 L0.5,2 L-0.5,2 Z",
    "stream": "M-3,-5 L5,0 L-3,5 Z",
    "cue": "M-4,-5 L5,-2 L-2.5,1 L-2.5,5 L-4,5 Z",
}
_UNIT_WORDS: dict[str, tuple[str, str]] = {
    "people": ("people", "人数"),
    "times": ("times", "次数"),
    "ratio": ("ratio", "比率"),
    "cents": ("¥", "元"),
    "seconds": ("time", "时长"),
    "cents_per_1000_views": ("¥ per 1,000 views", "元/千次观看"),
    "cents_per_viewer": ("¥ per viewer", "元/人"),
}
KEY_METRICS = (
    "viewers", "views", "peak_online", "avg_online", "avg_watch_time", "gmv", "orders", "buyers",
    "viewer_conversion", "gpm", "uv_value", "aov", "comments", "likes", "interaction_rate",
)  # fmt: skip
"""The metrics shown as tiles at the top, in this order (those the report has)."""
POINTS_UP_TO = 360
"""Charts mark each minute with a hoverable point up to this many minutes (beyond, only the line)."""
OVER_TOLERANCE = 0.10
"""A segment of the run-of-show that ran longer than planned by more than this share of its plan is
shown in red."""


class _Lang:
    def __init__(self, lang: str, tz: tzinfo | None) -> None:
        self.zh = lang.lower().startswith("zh")
        self.tz = tz

    def __call__(self, key: str) -> str:
        en, zh = _WORDS[key]
        return zh if self.zh else en

    def pick(self, en: str, zh: str) -> str:
        return zh if self.zh and zh else en

    def local(self, wall: float) -> datetime:
        return datetime.fromtimestamp(wall, self.tz) if self.tz is not None else datetime.fromtimestamp(wall)

    def clock(self, wall: float, *, seconds: bool = False) -> str:
        return self.local(wall).strftime("%H:%M:%S" if seconds else "%H:%M")

    def stamp(self, wall: float | None) -> str:
        return "" if wall is None else self.local(wall).strftime("%Y-%m-%d %H:%M:%S")

    def span(self, seconds: float) -> str:
        s = max(0, round(seconds))
        h, rest = divmod(s, 3600)
        m, sec = divmod(rest, 60)
        if self.zh:
            if h:
                return f"{h}小时{m:02d}分"
            return f"{m}分{sec:02d}秒" if m else f"{sec}秒"
        if h:
            return f"{h} h {m:02d} min"
        return f"{m} min {sec:02d} s" if m else f"{sec} s"

    def kind(self, kind: str) -> str:
        en, zh, _ = _KINDS.get(kind, (kind, kind, "#64748b"))
        return zh if self.zh else en

    def segment_kind(self, kind: str | None) -> str:
        en, zh = SEGMENT_KIND_NAMES.get(kind or "", (kind or "", kind or ""))
        return zh if self.zh else en

    def marker(self, marker: Marker) -> str:
        return self.pick(marker.label, marker.label_zh)

    def count(self, n: float) -> str:
        return f"{round(n):,}"

    def compact(self, n: float) -> str:
        if abs(n) >= 10_000:
            return f"{n / 10_000:.1f}万" if self.zh else f"{n / 1000:.1f}k"
        return f"{n:,.0f}" if n == round(n) else f"{n:,.1f}"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _yuan(cents: float) -> str:
    return f"¥{cents / 100:,.2f}"


def _percent(ratio: float | None, *, signed: bool = False) -> str:
    if ratio is None or math.isnan(ratio):
        return "—"
    text = f"{100 * ratio:+.1f}%" if signed else f"{100 * ratio:.1f}%"
    return text.replace("-", "−")


def _rate(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _signed_clock(seconds: float) -> str:
    """``+0:45``, ``+1:02:03``; under time with a true minus sign (U+2212); ``0:00`` for none."""
    s = round(seconds)
    sign = "+" if s > 0 else "−" if s < 0 else ""
    h, rest = divmod(abs(s), 3600)
    m, sec = divmod(rest, 60)
    return f"{sign}{h}:{m:02d}:{sec:02d}" if h else f"{sign}{m}:{sec:02d}"


# --- tables ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cell:
    html: str
    """Already escaped."""
    csv: str
    num: bool = False
    cls: str = ""


def _text(value: str) -> _Cell:
    """User text: escaped in the page; in CSV, a leading = + - @ is defused (Excel would run it)."""
    return _Cell(_e(value), "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value)


def _int(n: int) -> _Cell:
    return _Cell(f"{n:,}", str(n), num=True)


def _money(cents: int) -> _Cell:
    return _Cell(_e(_yuan(cents)), f"{cents / 100:.2f}", num=True)


def _pct(ratio: float | None, *, signed: bool = False) -> _Cell:
    if ratio is None:
        return _Cell("—", "", num=True)
    cls = "" if not signed else "up" if ratio > 0 else "down" if ratio < 0 else ""
    return _Cell(_e(_percent(ratio, signed=signed)), f"{100 * ratio:.2f}", num=True, cls=cls)


def _time(t: _Lang, wall: float | None) -> _Cell:
    if wall is None:
        return _Cell("—", "")
    return _Cell(_e(t.clock(wall, seconds=True)), t.stamp(wall))


def _seconds(t: _Lang, seconds: float | None) -> _Cell:
    if seconds is None:
        return _Cell("—", "", num=True)
    return _Cell(_e(t.span(seconds)), f"{seconds:.0f}", num=True)


@dataclass(slots=True)
class _Table:
    name: str
    """The CSV file's stem."""
    headers: list[str]
    rows: list[list[_Cell]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)
    """Column headers in the page where they differ from the CSV's (durations: "Duration (s)" in
    the CSV holds seconds, the page shows "1 min 35 s")."""
    hidden: frozenset[int] = frozenset()
    """Columns only the CSV has (the page is narrower)."""

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.headers)
        writer.writerows([c.csv for c in row] for row in self.rows)
        return out.getvalue()

    def html(self, t: _Lang, *, empty: str = "") -> str:
        if not self.rows:
            return f'<p class="none" data-none="{_e(self.name)}">{_e(empty)}</p>' if empty else ""
        shown = [n for n in range(len(self.headers)) if n not in self.hidden]
        head = "".join(f"<th>{_e(self.labels.get(n, self.headers[n]))}</th>" for n in shown)
        body = "".join(
            "<tr>" + "".join(f'<td class="{_classes(row[n])}">{row[n].html}</td>' for n in shown) + "</tr>"
            for row in self.rows
        )
        return (
            f'<div class="table-tools"><button type="button" class="csv" data-csv="{_e(self.name)}" '
            f'title="{_e(t("csv_title"))}">⬇ {_e(t("csv"))}</button></div>'
            f'<div class="scroll"><table data-table="{_e(self.name)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )


def _classes(cell: _Cell) -> str:
    return " ".join(c for c in ("num" if cell.num else "", cell.cls) if c)


def _metric_value(t: _Lang, metric: Metric) -> _Cell:
    v = metric.value
    match metric.unit:
        case "people" | "times":
            return _Cell(t.count(v), f"{v:.0f}", num=True)
        case "ratio":
            return _Cell(_e(_percent(v)), f"{100 * v:.2f}", num=True)
        case "cents" | "cents_per_1000_views" | "cents_per_viewer":
            return _Cell(_e(_yuan(v)), f"{v / 100:.2f}", num=True)
        case "seconds":
            return _Cell(_e(t.span(v)), f"{v:.0f}", num=True)


def _unit_word(t: _Lang, unit: str) -> str:
    en, zh = _UNIT_WORDS.get(unit, (unit, unit))
    return zh if t.zh else en


def _tables(report: Report, t: _Lang) -> dict[str, _Table]:
    titles = {s.sku: s.title for s in report.segments if s.sku is not None and s.cue is not None}  # a cue's, at worst
    titles.update({p.sku: p.title for p in report.products})
    titles.update({s.sku: s.title for s in report.segments if s.sku is not None and s.cue is None})
    titles.update({f.sku: f.title for f in report.flash_sales if f.title})
    tables: dict[str, _Table] = {}

    metrics = _Table("metrics", [t("key"), t("metric"), t("value"), t("unit")])
    for metric in report.metrics.values():
        metrics.rows.append([_text(metric.key), _text(t.pick(metric.label_en, metric.label_zh)),
                             _metric_value(t, metric), _Cell(_e(_unit_word(t, metric.unit)), metric.unit)])  # fmt: skip
    tables["metrics"] = metrics

    funnel = _Table("funnel", [t("stage"), t("people_col"), t("from_previous"), t("from_exposure")])
    steps = _funnel_steps(report.funnel, t)
    for n, (label, people) in enumerate(steps):
        previous = steps[n - 1][1] if n else None
        funnel.rows.append([
            _Cell(_e(label), label), _int(people),
            _pct(None if previous is None else _rate(people, previous)),
            _pct(_rate(people, steps[0][1]) if n else None),
        ])  # fmt: skip
    if report.funnel.exposure_people == 0:
        funnel.rows.clear()
    tables["funnel"] = funnel

    cols = [t("sku"), t("product"), t("exposure_people"), t("click_people"), t("cart_people")]
    with_ordered = any(f.order_people is not None for f in report.funnels)
    cols += [t("order_people")] if with_ordered else []
    cols += [t("buyers"), t("orders"), t("gmv"), t("ctr"), t("cto")]
    funnels = _Table("funnel_by_product", cols)
    for product in report.funnels:
        sku = product.sku or ""
        row = [_text(sku), _text(titles.get(sku, "")), _int(product.exposure_people), _int(product.click_people),
               _int(product.cart_people)]  # fmt: skip
        if with_ordered:
            row.append(_int(product.order_people) if product.order_people is not None else _Cell("—", ""))
        row += [_int(product.buyers), _int(product.orders), _money(product.gmv_cents),
                _pct(_rate(product.click_people, product.exposure_people)),
                _pct(_rate(product.buyers, product.click_people))]  # fmt: skip
        funnels.rows.append(row)
    tables["funnel_by_product"] = funnels

    tables["segments"] = _segment_table(report, t)

    sales = _Table("flash_sales", [
        t("product"), t("sku"), t("price"), t("stock"), t("sold"), t("sell_through"), t("buyers"), t("limit"),
        t("opened"), t("closed"), t("sold_out_after"), t("gmv"),
    ])  # fmt: skip
    for sale in report.flash_sales:
        sales.rows.append([
            _text(sale.title or titles.get(sale.sku, sale.sku)), _text(sale.sku), _money(sale.price_cents),
            _int(sale.stock), _int(sale.sold), _pct(_rate(sale.sold, sale.stock)), _int(sale.buyers),
            _int(sale.per_user_limit), _time(t, sale.opened), _time(t, sale.closed),
            _seconds(t, sale.sold_out_after_s), _money(sale.gmv_cents),
        ])  # fmt: skip
    sales.labels = {10: t("sold_out_after_page")}
    tables["flash_sales"] = sales

    coupons = _Table("coupons", [t("coupon"), t("amount"), t("issued"), t("claimed"), t("used"), t("claim_rate"),
                                 t("use_rate")])  # fmt: skip
    for c in report.coupons:
        coupons.rows.append([
            _text(c.title or c.id), _money(c.amount_cents), _int(c.issued), _int(c.claimed), _int(c.used),
            _pct(_rate(c.claimed, c.issued)), _pct(_rate(c.used, c.claimed)),
        ])  # fmt: skip
    tables["coupons"] = coupons

    products = _Table("products", [t("rank"), t("sku"), t("product"), t("orders"), t("units"), t("buyers"),
                                   t("gmv"), t("click_people"), t("cto")])  # fmt: skip
    for n, p in enumerate(report.products, 1):
        products.rows.append([
            _int(n), _text(p.sku), _text(p.title), _int(p.orders), _int(p.units), _int(p.buyers),
            _money(p.gmv_cents), _int(p.click_people), _pct(_rate(p.buyers, p.click_people)),
        ])  # fmt: skip
    tables["products"] = products

    tables["topics"] = _topic_table("topics", report.topics, t, negative=False)
    tables["negative_topics"] = _topic_table("negative_topics", report.negative_topics, t, negative=True)

    incidents = _Table("incidents", [t("start"), t("duration_s"), t("level"), t("what"), t("online_before"),
                                     t("online_low"), t("online_change"), t("effect"), t("message")])  # fmt: skip
    for incident in report.incidents:
        incidents.rows.append([
            _time(t, incident.start), _seconds(t, incident.end - incident.start),
            _Cell(_e(t(incident.level)), incident.level), _text(_incident_name(incident, t)),
            _int(incident.online_before), _int(incident.online_low), _pct(incident.online_change, signed=True),
            _text(_incident_sentence(incident, t)), _text(incident.message),
        ])  # fmt: skip
    incidents.labels = {1: t("duration")}
    tables["incidents"] = incidents

    timeline = _Table("timeline", [t("time"), t("kind"), t("label")])
    for marker in report.markers:
        timeline.rows.append([_time(t, marker.wall), _Cell(_e(t.kind(marker.kind)), marker.kind),
                              _text(t.marker(marker))])  # fmt: skip
    tables["timeline"] = timeline

    series = report.series
    minutes = _Table("minutes", [
        t("minute"), t("time"), t("online_col"), t("online_peak_col"), t("entries_col"), t("exits_col"),
        t("comments_col"), t("likes_col"), t("orders"), t("gmv"),
    ])  # fmt: skip
    for i in range(_minutes(report)):
        minutes.rows.append([
            _int(i), _time(t, series.start + 60 * i), _int(series.online[i]), _int(series.online_peak[i]),
            _int(series.entries[i]), _int(series.exits[i]), _int(series.comments[i]), _int(series.likes[i]),
            _int(series.orders[i]), _money(series.gmv_cents[i]),
        ])  # fmt: skip
    tables["minutes"] = minutes
    return tables


def _segment_table(report: Report, t: _Lang) -> _Table:
    """The segments; a show run from a run-of-show also gets each one's cue, kind, planned duration
    and how far over or under the plan it ran (the actual duration is the duration column)."""
    scripted = any(seg.cue is not None for seg in report.segments)
    columns: list[tuple[str, str, Callable[[int, Segment], _Cell]]] = [  # (CSV header, page header, cell)
        (t("number"), "", lambda n, seg: _int(n)),
    ]
    if scripted:
        columns += [
            (t("cue"), "", lambda n, seg: _int(seg.cue) if seg.cue is not None else _Cell("—", "")),
            (t("segment_kind"), "", lambda n, seg: _Cell(_e(t.segment_kind(seg.kind)), seg.kind or "")),
        ]
    columns += [
        (t("segment_title") if scripted else t("product"), "", lambda n, seg: _text(_segment_title(seg, t))),
        (t("start"), "", lambda n, seg: _time(t, seg.start)),
    ]
    if scripted:
        columns += [
            (t("planned_s"), t("planned"), lambda n, seg: _seconds(t, seg.planned_s)),
            (t("actual_s"), t("actual"), lambda n, seg: _actual(seg, t)),
            (t("over_s"), t("over"), lambda n, seg: _over(seg)),
        ]
    else:
        columns.append((t("duration_s"), t("duration"), lambda n, seg: _seconds(t, seg.actual_s)))
    columns += [
        (t("orders"), "", lambda n, seg: _int(seg.orders)),
        (t("gmv"), "", lambda n, seg: _money(seg.gmv_cents)),
        (t("orders_per_min"), "", lambda n, seg: _Cell(f"{seg.orders_per_minute:.2f}", f"{seg.orders_per_minute:.2f}",
                                                      num=True)),
        (t("lift"), "", lambda n, seg: _pct(seg.lift, signed=True)),
        (t("conversion"), "", lambda n, seg: _pct(seg.conversion)),
        (t("online_start"), "", lambda n, seg: _int(seg.online_start)),
        (t("online_end_col"), "", lambda n, seg: _int(seg.online_end)),
        (t("exposure_people"), "", lambda n, seg: _int(seg.exposure_people)),
        (t("click_people"), "", lambda n, seg: _int(seg.click_people)),
        (t("buyers"), "", lambda n, seg: _int(seg.buyers)),
        (t("product_orders"), "", lambda n, seg: _int(seg.product_orders)),
        (t("product_gmv"), "", lambda n, seg: _money(seg.product_gmv_cents)),
    ]  # fmt: skip
    hidden = [
        (t("end"), "", lambda n, seg: _time(t, seg.end)),
        (t("sku"), "", lambda n, seg: _text(seg.sku or "")),
    ]
    if scripted:
        hidden.append((t("script_segment"), "", lambda n, seg: _text(seg.segment_id or "")))
    everything = columns + hidden
    table = _Table("segments", [header for header, _, _ in everything])
    table.labels = {i: label for i, (_, label, _) in enumerate(everything) if label}
    table.hidden = frozenset(range(len(columns), len(everything)))
    for n, seg in enumerate(report.segments, 1):
        table.rows.append([cell(n, seg) for _, _, cell in everything])
    return table


def _actual(seg: Segment, t: _Lang) -> _Cell:
    cell = _seconds(t, seg.actual_s)
    if seg.cue is not None and seg.actual_s <= 0:  # the host went straight past this cue
        return _Cell(f'{cell.html} <span class="note">{_e(t("skipped"))}</span>', cell.csv, num=True)
    return cell


def _over(seg: Segment) -> _Cell:
    over = seg.over_s
    if over is None or seg.planned_s is None:
        return _Cell("—", "", num=True)
    late = over > 0 and over > OVER_TOLERANCE * seg.planned_s
    return _Cell(_e(_signed_clock(over)), str(round(over)), num=True, cls="over" if late else "")


def _topic_table(name: str, topics: list[Topic], t: _Lang, *, negative: bool) -> _Table:
    if negative:
        table = _Table(name, [t("complaint"), t("meaning"), t("comments_n"), t("examples")])
    else:
        table = _Table(name, [t("topic"), t("comments_n"), t("mostly_negative"), t("examples")])
    for topic in topics:
        examples = _Cell(
            '<ul class="examples">' + "".join(f"<li>{_e(x)}</li>" for x in topic.examples) + "</ul>",
            _text(" | ".join(topic.examples)).csv,
        )
        if negative:
            meaning = topic_label(topic.term, "en")
            meaning = meaning[: -len(topic.term) - 3] if meaning != topic.term else ""
            table.rows.append([_text(topic.term), _text(meaning), _int(topic.count), examples])
        else:
            flag = t("yes") if topic.negative else ""
            table.rows.append([_text(topic.term), _int(topic.count), _Cell(_e(flag), flag), examples])
    return table


def _funnel_steps(f: Funnel, t: _Lang) -> list[tuple[str, int]]:
    steps = [(t("stage_exposure"), f.exposure_people), (t("stage_click"), f.click_people),
             (t("stage_cart"), f.cart_people)]  # fmt: skip
    if f.order_people is not None:
        steps.append((t("stage_order"), f.order_people))
    steps.append((t("stage_paid"), f.buyers))
    return steps


def _segment_title(s: Segment, t: _Lang) -> str:
    if s.cue is not None:  # the cue's title (or its product's), else its kind, else its number
        return s.title or s.sku or t.segment_kind(s.kind) or t("cue_n").format(n=s.cue)
    if s.sku is None:
        return t("nothing_pinned")
    return s.title or s.sku


def _incident_name(i: HealthIncident, t: _Lang) -> str:
    en, zh = INCIDENT_NAMES.get(i.code, (i.message or i.code, i.message or i.code))
    return zh if t.zh else en


def incident_sentence(incident: HealthIncident, lang: str = "zh_CN", *, tz: tzinfo | None = None) -> str:
    """The incident joined to the viewer curve, as in "online -12% during 8 s of dropped frames at 20:41"
    (with a true minus sign)."""
    return _incident_sentence(incident, _Lang(lang, tz))


def _incident_sentence(i: HealthIncident, t: _Lang) -> str:
    name, at, span = _incident_name(i, t), t.clock(i.start), t.span(i.end - i.start)
    change = i.online_change
    if change is None:
        return f"{at} {name} {span}：当时无人在线" if t.zh else f"nobody online during {span} of {name} at {at}"
    people = f"{i.online_before:,} → {i.online_low:,}"
    pct = f"{100 * change:+.0f}%" if abs(change) >= 0.095 else f"{100 * change:+.1f}%"
    pct = pct.replace("-", "−")
    if t.zh:
        return f"{at} {name} {span}，在线 {pct}（{people} 人）"
    return f"online {pct} during {span} of {name} at {at} ({people} people)"


def _minutes(report: Report) -> int:
    s = report.series
    return min(len(s.online), len(s.online_peak), len(s.entries), len(s.exits), len(s.comments), len(s.likes),
               len(s.orders), len(s.gmv_cents))  # fmt: skip


# --- charts ---------------------------------------------------------------------------------------

_W, _H = 640, 210
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 12, 24, 26


@dataclass(frozen=True, slots=True)
class _Line:
    name: str
    values: Sequence[float]
    colour: str
    dashed: bool = False
    format: Callable[[float], str] = str


def _ticks(value: float, *, money: bool) -> list[float]:
    """Round y-axis steps from 0 to at least ``value``, about four of them ([0] when all is zero)."""
    if value <= 0:
        return [0.0]
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = 10 * power
    for m in (1, 2, 2.5, 5) if money else (1, 2, 5):
        if m * power >= raw:
            step = m * power
            break
    step = max(step, 100.0 if money else 1.0)  # whole yuan, whole people
    return [step * k for k in range(math.ceil(value / step - 1e-9) + 1)]


def _x_step(minutes: int) -> int:
    for step in (1, 2, 5, 10, 15, 20, 30, 60, 120, 240):
        if minutes / step <= 8:
            return step
    return 480


def _chart(report: Report, t: _Lang, key: str, title: str, lines: list[_Line], empty: str, *,
           peak: bool = False, money: bool = False) -> str:  # fmt: skip
    n = _minutes(report)
    start = report.series.start
    x0, x1, y0, y1 = _LEFT, _W - _RIGHT, _TOP, _H - _BOTTOM
    ticks = _ticks(max((max(line.values[:n], default=0) for line in lines), default=0), money=money)
    top = ticks[-1] or 1.0

    def x(minute: float) -> float:
        return x0 + (x1 - x0) * min(max(minute, 0.0), float(n)) / n

    def y(value: float) -> float:
        return y1 - (y1 - y0) * value / top

    parts = [
        f'<svg class="chart" data-chart="{key}" viewBox="0 0 {_W} {_H}" role="img" aria-label="{_e(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for value in ticks:  # grid and y labels
        yy = y(value)
        parts.append(f'<line class="grid" x1="{x0}" x2="{x1}" y1="{yy:.1f}" y2="{yy:.1f}"/>')
        parts.append(f'<text class="ylab" x="{x0 - 6}" y="{yy + 3.5:.1f}">{_e(lines[0].format(value))}</text>')
    step = _x_step(n)
    for m in range(0, n + 1, step):  # x labels: the clock
        xx = x(m)
        parts.append(f'<line class="tick" x1="{xx:.1f}" x2="{xx:.1f}" y1="{y1}" y2="{y1 + 4}"/>')
        cls = "xlab end" if m == n and m else "xlab"
        parts.append(f'<text class="{cls}" x="{xx:.1f}" y="{_H - 8}">{_e(t.clock(start + 60 * m))}</text>')
    for incident in report.incidents:  # health incidents as bands
        a, b = x((incident.start - start) / 60), x((incident.end - start) / 60)
        tip = _incident_sentence(incident, t)
        parts.append(
            f'<rect class="incident" x="{a:.1f}" y="{y0}" width="{max(b - a, 2):.1f}" height="{y1 - y0}">'
            f"<title>{_e(tip)}</title></rect>"
        )
    for line in lines:
        pts = [(x(i + 0.5), y(v)) for i, v in enumerate(line.values[:n])]
        d = " ".join(f"{'M' if k == 0 else 'L'}{px:.1f},{py:.1f}" for k, (px, py) in enumerate(pts))
        dash = ' stroke-dasharray="5 4"' if line.dashed else ""
        parts.append(
            f'<path class="series" data-series="{_e(line.name)}" d="{d}" stroke="{line.colour}"{dash}>'
            f"<title>{_e(line.name)}</title></path>"
        )
        if n <= POINTS_UP_TO and not line.dashed:
            for i, ((px, py), v) in enumerate(zip(pts, line.values, strict=False)):
                tip = f"{t.clock(start + 60 * i)} · {line.name}: {line.format(v)}"
                parts.append(
                    f'<circle class="point" cx="{px:.1f}" cy="{py:.1f}" r="2.6" fill="{line.colour}">'
                    f"<title>{_e(tip)}</title></circle>"
                )
    if all(not any(line.values[:n]) for line in lines):
        parts.append(f'<text class="empty-note" x="{(x0 + x1) / 2:.1f}" y="{(y0 + y1) / 2:.1f}">{_e(empty)}</text>')
    for marker in report.markers:  # streamer actions and incidents
        xx = x((marker.wall - start) / 60)
        colour = _KINDS.get(marker.kind, ("", "", "#64748b"))[2]
        glyph = _GLYPHS.get(marker.kind, _GLYPHS["stream"])
        tip = f"{t.clock(marker.wall, seconds=True)} · {t.kind(marker.kind)}: {t.marker(marker)}"
        parts.append(
            f'<g class="marker" data-kind="{_e(marker.kind)}"><title>{_e(tip)}</title>'
            f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{y0 - 6}" y2="{y1}" stroke="{colour}"/>'
            f'<path d="{glyph}" transform="translate({xx:.1f},{y0 - 12})" fill="{colour}"/></g>'
        )
    if peak and report.peak_online > 0 and n:
        minute = min(n - 1, max(0, int((report.peak_wall - start) // 60)))
        px, py = x(minute + 0.5), y(report.peak_online)
        label = f"{t('peak_short')} {report.peak_online:,} · {t.clock(report.peak_wall)}"
        anchor = "end" if px > x0 + 0.75 * (x1 - x0) else "start" if px < x0 + 0.25 * (x1 - x0) else "middle"
        parts.append(
            f'<g class="peak"><title>{_e(label)}</title><circle cx="{px:.1f}" cy="{py:.1f}" r="5.5"/>'
            f'<text x="{px:.1f}" y="{max(py - 10, y0 + 10):.1f}" text-anchor="{anchor}">{_e(label)}</text></g>'
        )
    parts.append(f'<line class="axis" x1="{x0}" x2="{x1}" y1="{y1}" y2="{y1}"/></svg>')
    legend = "".join(
        f'<span class="key"><i style="background:{line.colour}"{" class=dashed" if line.dashed else ""}></i>'
        f"{_e(line.name)}</span>"
        for line in lines
    )
    return f'<figure class="chart-box"><figcaption>{_e(title)} {legend}</figcaption>{"".join(parts)}</figure>'


def _charts(report: Report, t: _Lang) -> str:
    s = report.series
    if _minutes(report) == 0:
        return f'<p class="none" data-none="charts">{_e(t("no_minutes"))}</p>'
    count = t.compact

    def money(cents: float) -> str:
        return "¥" + t.compact(cents / 100)

    charts = [
        _chart(report, t, "online", t("chart_online"), [
            _Line(t("online_high"), s.online_peak, "#2563eb", format=count),
            _Line(t("online_end"), s.online, "#60a5fa", dashed=True, format=count),
        ], t("none_online"), peak=True),
        _chart(report, t, "flow", t("chart_flow"), [
            _Line(t("entries"), s.entries, "#059669", format=count),
            _Line(t("exits"), s.exits, "#dc2626", format=count),
        ], t("none_flow")),
        _chart(report, t, "comments", t("chart_comments"), [_Line(t("chart_comments"), s.comments, "#7c3aed",
                                                                  format=count)], t("none_comments")),
        _chart(report, t, "likes", t("chart_likes"), [_Line(t("chart_likes"), s.likes, "#db2777", format=count)],
               t("none_likes")),
        _chart(report, t, "orders", t("chart_orders"), [_Line(t("chart_orders"), s.orders, "#d97706",
                                                              format=count)], t("none_orders")),
        _chart(report, t, "gmv", t("chart_gmv"), [_Line(t("chart_gmv"), s.gmv_cents, "#b45309", format=money)],
               t("none_orders"), money=True),
    ]  # fmt: skip
    kinds = list(dict.fromkeys(m.kind for m in report.markers))
    legend = "".join(
        f'<span class="key" data-kind="{_e(k)}"><svg viewBox="-6 -6 12 12" width="12" height="12">'
        f'<path d="{_GLYPHS.get(k, _GLYPHS["stream"])}" fill="{_KINDS.get(k, ("", "", "#64748b"))[2]}"/></svg>'
        f"{_e(t.kind(k))}</span>"
        for k in kinds
    )
    if report.incidents:
        legend += f'<span class="key"><i class="band"></i>{_e(t("incident_band"))}</span>'
    legend_html = f'<p class="legend"><b>{_e(t("markers"))}:</b> {legend}</p>' if legend else ""
    return legend_html + '<div class="charts">' + "".join(charts) + "</div>"


# --- sections -------------------------------------------------------------------------------------


def _section(key: str, title: str, body: str) -> str:
    return f'<section id="{key}"><h2>{_e(title)}</h2>{body}</section>'


def _tiles(report: Report, t: _Lang) -> str:
    keys = [k for k in KEY_METRICS if k in report.metrics] or list(report.metrics)[:12]
    tiles = []
    for key in keys:
        m = report.metrics[key]
        value = _metric_value(t, m).html
        tag = ""
        if m.unit in ("people", "times"):
            tag = f'<span class="unit unit-{m.unit}">{_e(t(m.unit))}</span>'
        note = ""
        if key == "peak_online" and report.peak_online > 0:
            note = f'<span class="note">{_e(t.clock(report.peak_wall))}</span>'
        elif m.unit in ("cents_per_1000_views", "cents_per_viewer"):
            note = f'<span class="note">{_e(_unit_word(t, m.unit))}</span>'
        tiles.append(
            f'<div class="tile" data-metric="{_e(key)}"><span class="label">{_e(t.pick(m.label_en, m.label_zh))}'
            f'{tag}</span><span class="value">{value}</span>{note}</div>'
        )
    if report.replay_orders:  # orders from the shoppable replay: none of the live numbers above
        tiles.append(
            f'<div class="tile" data-metric="replay"><span class="label">{_e(t("replay_sales"))}</span>'
            f'<span class="value">{_e(_yuan(report.replay_gmv))}</span>'
            f'<span class="note">{report.replay_orders:,} × {_e(t("paid_orders"))}</span></div>'
        )
    return f'<div class="tiles">{"".join(tiles)}</div>'


def _peak(report: Report, t: _Lang) -> str:
    if report.peak_online <= 0:
        return f'<p class="none" data-none="peak">{_e(t("no_viewers"))}</p>'
    at = t.clock(report.peak_wall, seconds=True)
    facts = []
    segment = next((s for s in report.segments if s.start <= report.peak_wall < s.end), None)
    if segment is not None:
        what = _segment_title(segment, t)
        since = t.span(report.peak_wall - segment.start)
        facts.append(f"讲解「{_e(what)}」开始后 {_e(since)}" if t.zh else f"{_e(since)} into the segment “{_e(what)}”")
    before = [m for m in report.markers if m.wall <= report.peak_wall and report.peak_wall - m.wall <= 600]
    if before:
        m = before[-1]
        since = t.span(report.peak_wall - m.wall)
        label = t.marker(m)
        facts.append(f"「{_e(label)}」之后 {_e(since)}" if t.zh else f"{_e(since)} after “{_e(label)}”")
    headline = (
        f"最高在线 <b>{report.peak_online:,}</b> 人，出现在 <b>{_e(at)}</b>"
        if t.zh
        else f"Peak online <b>{report.peak_online:,}</b> people at <b>{_e(at)}</b>"
    )
    detail = f'<span class="facts">{"；".join(facts) if t.zh else "; ".join(facts)}</span>' if facts else ""
    return f'<div class="callout" data-peak="{report.peak_online}">{headline}{"，" if t.zh and facts else " — " if facts else ""}{detail}</div>'  # noqa: E501


def _funnel(report: Report, t: _Lang, tables: dict[str, _Table]) -> str:
    f = report.funnel
    if f.exposure_people == 0:
        return f'<p class="none" data-none="funnel">{_e(t("none_funnel"))}</p>'
    steps = _funnel_steps(f, t)
    bars = []
    for n, (label, people) in enumerate(steps):
        width = 100 * people / steps[0][1]
        # Each step's rate is of the step before, except after add-to-cart: one-tap buying skips the
        # cart, so ordering is measured against clicks (against the cart it could pass 100 %).
        base = steps[1][1] if n == 3 else steps[n - 1][1] if n else 0
        rate = "" if n == 0 else _percent(_rate(people, base))
        bars.append(
            f'<div class="step"><span class="name">{_e(label)}</span><span class="bar"><i style="width:{width:.1f}%">'
            f'</i></span><span class="people">{people:,}</span><span class="rate">{_e(rate)}</span></div>'
        )
    money = f'<p class="sub">{_e(t("paid_orders"))}: {f.orders:,} · {_e(t("gmv_word"))}: {_e(_yuan(f.gmv_cents))}</p>'
    by_product = tables["funnel_by_product"]
    extra = f"<h3>{_e(t('funnels'))}</h3>{by_product.html(t)}" if by_product.rows else ""
    return f'<div class="funnel">{"".join(bars)}</div>{money}{tables["funnel"].html(t)}{extra}'


def _topics(report: Report, t: _Lang, tables: dict[str, _Table]) -> str:
    def chips(topics: list[Topic], negative: bool) -> str:
        top = max((x.count for x in topics), default=1)
        return '<p class="chips">' + "".join(
            f'<span class="chip{" neg" if negative or x.negative else ""}" '
            f'style="font-size:{12 + 8 * x.count / top:.0f}px">'
            f'{_e(topic_label(x.term, "zh_CN" if t.zh else "en"))} <b>{x.count:,}</b></span>'
            for x in topics
        ) + "</p>"  # fmt: skip

    neg = tables["negative_topics"]
    top = tables["topics"]
    negative_part = (chips(report.negative_topics, True) if report.negative_topics else "") + neg.html(
        t, empty=t("none_negative")
    )
    top_part = (chips(report.topics, False) if report.topics else "") + top.html(t, empty=t("none_topics"))
    return (
        f'<div class="two"><div><h3>{_e(t("negative_topics"))}</h3>{negative_part}</div>'
        f"<div><h3>{_e(t('topics'))}</h3>{top_part}</div></div>"
    )


def _health(report: Report, t: _Lang, tables: dict[str, _Table]) -> str:
    if not report.incidents:
        return f'<p class="none ok" data-none="incidents">{_e(t("none_incidents"))}</p>'
    items = "".join(f'<li class="{_e(i.level)}">{_e(_incident_sentence(i, t))}</li>' for i in report.incidents)
    return f'<ul class="incidents">{items}</ul>{tables["incidents"].html(t)}'


_CSS = """
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--accent:#2563eb;--bad:#b91c1c;--good:#047857}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei",
"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;color:var(--ink);background:var(--bg)}
header{background:#0f172a;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header .meta{color:#cbd5e1;display:flex;flex-wrap:wrap;gap:4px 18px}
header .live{background:#dc2626;color:#fff;border-radius:4px;padding:0 6px}
main{max-width:1280px;margin:0 auto;padding:8px 24px 32px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:14px 0}
h2{font-size:17px;margin:0 0 10px}
h3{font-size:14px;margin:14px 0 6px;color:#334155}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.tile{border:1px solid var(--line);border-radius:6px;padding:8px 10px;display:flex;flex-direction:column}
.tile .label{color:var(--muted);font-size:12px}
.tile .value{font-size:21px;font-weight:600;font-variant-numeric:tabular-nums}
.tile .note{color:var(--muted);font-size:12px}
.unit{margin-left:6px;font-size:10px;border-radius:3px;padding:0 4px;vertical-align:1px}
.unit-people{background:#dbeafe;color:#1e40af}.unit-times{background:#fef3c7;color:#92400e}
.callout{border-left:4px solid var(--accent);background:#eff6ff;padding:10px 14px;border-radius:4px;font-size:15px}
.callout .facts{color:#334155}
.legend{margin:0 0 8px;color:#334155}
.key{display:inline-flex;align-items:center;gap:4px;margin-right:12px;font-size:12px;font-weight:normal;color:#334155}
.key i{display:inline-block;width:14px;height:3px}
.key i.dashed{background:repeating-linear-gradient(90deg,#60a5fa 0 4px,transparent 4px 7px)!important}
.key i.band{height:10px;background:rgba(220,38,38,.16);border:1px solid rgba(220,38,38,.4)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:10px 18px}
figure{margin:0}
figcaption{font-weight:600;font-size:13px}
svg.chart{width:100%;height:auto;display:block;font-size:11px}
svg .grid{stroke:#eef2f7}svg .axis{stroke:#94a3b8}svg .tick{stroke:#94a3b8}
svg .ylab{text-anchor:end;fill:var(--muted)}svg .xlab{text-anchor:middle;fill:var(--muted)}
svg .xlab.end{text-anchor:end}
svg .series{fill:none;stroke-width:2;stroke-linejoin:round}
svg .marker line{stroke-width:1;stroke-dasharray:3 3;opacity:.75}
svg .marker:hover line{stroke-width:2;opacity:1}
svg .incident{fill:rgba(220,38,38,.14);stroke:rgba(220,38,38,.45)}
svg .peak circle{fill:none;stroke:#1d4ed8;stroke-width:2}svg .peak text{font-weight:700;fill:#1d4ed8}
svg .empty-note{text-anchor:middle;fill:var(--muted);font-size:13px}
.funnel .step{display:grid;grid-template-columns:150px 1fr 80px 70px;align-items:center;gap:8px;margin:3px 0}
.funnel .bar{background:#f1f5f9;height:18px;border-radius:3px;overflow:hidden}
.funnel .bar i{display:block;height:100%;background:var(--accent)}
.funnel .people{text-align:right;font-variant-numeric:tabular-nums}.funnel .rate{color:var(--muted)}
.sub{color:var(--muted)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f1f5f9;font-weight:600;font-size:12px;vertical-align:bottom;min-width:3.5em}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.up{color:var(--good)}td.down{color:var(--bad)}td.over{color:var(--bad);font-weight:600}
td .note{color:var(--muted);font-size:12px}
ul.examples{margin:0;padding-left:16px;color:#334155}
.table-tools{display:flex;justify-content:flex-end;margin:4px 0}
button.csv{font:inherit;font-size:12px;border:1px solid #cbd5e1;background:#fff;border-radius:4px;padding:2px 10px;
cursor:pointer}
button.csv:hover{background:#eff6ff}
.none{color:var(--muted);font-style:italic}.none.ok{color:var(--good)}
.two{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:18px}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 8px}
.chip{background:#e2e8f0;border-radius:12px;padding:1px 10px}.chip.neg{background:#fee2e2;color:#991b1b}
ul.incidents li.error{color:var(--bad)}
footer{color:var(--muted);text-align:center;font-size:12px;padding:0 0 24px}
@media print{
body{background:#fff;font-size:11px}header{background:#fff;color:#000;border-bottom:2px solid #000;padding:8px 0}
header .meta{color:#333}main{padding:0;max-width:none}section{border:none;padding:6px 0;break-inside:avoid}
.table-tools{display:none}.scroll{overflow:visible}table{font-size:10px}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.charts{grid-template-columns:1fr 1fr}
}
"""

_JS = """
(function () {
  var data = JSON.parse(document.getElementById('report-csv').textContent);
  document.querySelectorAll('button[data-csv]').forEach(function (button) {
    button.addEventListener('click', function () {
      var table = data[button.getAttribute('data-csv')];
      var blob = new Blob(['\\ufeff' + table.text], {type: 'text/csv;charset=utf-8'});
      var link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = table.file;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 5000);
    });
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  });
})();
"""


def _json_for_script(value: object) -> str:
    """JSON safe inside <script>: no "<", ">" or "&" (so no "</script>" or "<!--")."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _file_stem(report: Report, t: _Lang) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in report.room)[:40] or "room"
    return f"{safe}-{t.local(report.start).strftime('%Y%m%d-%H%M')}"


def render_html(report: Report, lang: str = "zh_CN", *, tz: tzinfo | None = None) -> str:
    """The report as one self-contained HTML page (Chinese labels for ``zh*``, English otherwise).
    Times are shown in ``tz`` (default: this machine's local time)."""
    t = _Lang(lang, tz)
    tables = _tables(report, t)
    stem = _file_stem(report, t)
    csv_data = {name: {"file": f"{stem}-{name}.csv", "text": table.csv_text()} for name, table in tables.items()}

    start, end = t.local(report.start), t.local(report.end)
    date = start.strftime("%Y-%m-%d")
    span = f"{start:%H:%M} – {end:%H:%M}" + ("" if start.date() == end.date() else f" ({end:%Y-%m-%d})")
    live = f' <span class="live">{_e(t("still_live"))}</span>' if report.live else ""
    show = f"<span>{_e(t('show'))} {report.show}</span>" if report.show else ""
    header = (
        f"<header><h1>{_e(t('report'))} · {_e(report.title or report.room)}</h1>"
        f'<div class="meta"><span>{_e(t("room"))}: <b class="room">{_e(report.room)}</b></span>{show}'
        f"<span>{_e(t('date'))}: {_e(date)} {_e(span)}</span>"
        f"<span>{_e(t('duration'))}: {_e(t.span(report.end - report.start))}</span>{live}</div></header>"
    )
    sections = [
        _section("overview", t("overview"), _tiles(report, t)),
        _section("peak", t("peak"), _peak(report, t)),
        _section("trends", t("trends"), _charts(report, t)),
        _section("funnel", t("funnel"), _funnel(report, t, tables)),
        _section("segments", t("segments"), tables["segments"].html(t, empty=t("none_segments"))),
        _section(
            "campaigns",
            t("campaigns"),
            f"<h3>{_e(t('flash_sales'))}</h3>{tables['flash_sales'].html(t, empty=t('none_flash_sales'))}"
            f"<h3>{_e(t('coupons'))}</h3>{tables['coupons'].html(t, empty=t('none_coupons'))}",
        ),
        _section("products", t("products"), tables["products"].html(t, empty=t("none_products"))),
        _section("comments", t("comments"), _topics(report, t, tables)),
        _section("health", t("health"), _health(report, t, tables)),
        _section("timeline", t("timeline"), tables["timeline"].html(t, empty=t("none_timeline"))),
        _section("all-metrics", t("all_metrics"), tables["metrics"].html(t)),
        _section(
            "minutes",
            t("minutes"),
            f"<details><summary>{_e(t('minutes'))} ({_minutes(report)})</summary>"
            f"{tables['minutes'].html(t, empty=t('no_minutes'))}</details>",
        ),
    ]
    script_hash = base64.b64encode(hashlib.sha256(_JS.encode()).digest()).decode()
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'"
    )
    title = f"{t('report')} · {report.title or report.room} · {date}"
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if t.zh else "en"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(policy)}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{header}<main>{''.join(sections)}</main>"
        f"<footer>{_e(t('generated'))} · {_e(t.stamp(report.end))}</footer>"
        f'<script type="application/json" id="report-csv">{_json_for_script(csv_data)}</script>'
        f"<script>{_JS}</script></body></html>\n"
    )


def tables_csv(report: Report, lang: str = "zh_CN", *, tz: tzinfo | None = None) -> dict[str, str]:
    """Every table of the report as CSV (file name → text, without a BOM; headers in ``lang``): the
    same text the page's CSV buttons download. Empty tables are there with their header row."""
    t = _Lang(lang, tz)
    return {f"{name}.csv": table.csv_text() for name, table in _tables(report, t).items()}


def write_tables_csv(report: Report, directory: Path, lang: str = "zh_CN", *, tz: tzinfo | None = None) -> list[Path]:
    """Write ``tables_csv`` into ``directory`` (made if missing) as UTF-8 with a BOM, so Excel opens
    the Chinese correctly; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in tables_csv(report, lang, tz=tz).items():
        path = directory / name
        path.write_text(text, encoding="utf-8-sig", newline="")
        written.append(path)
    return written
