"""Synthetic post-live reports for the report page tests: a realistic 90-minute show (pins, flash
sales, coupons, a poll, a co-host, two stream-health incidents, comments with complaints, and user
text that tries to inject HTML), and empty shows (nobody bought, nothing pinned, no incident)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from app.analytics.model import (
    CouponResult,
    FlashSaleResult,
    Funnel,
    HealthIncident,
    Marker,
    Metric,
    ProductRow,
    Report,
    Segment,
    Series,
    Topic,
    Unit,
)

SHANGHAI = timezone(timedelta(hours=8))
START = datetime(2025, 11, 20, 20, 0, 0, tzinfo=SHANGHAI).timestamp()
"""20:00 Beijing time."""
MINUTES = 90
PEAK_MINUTE = 41
PEAK_ONLINE = 1234
XSS_TITLE = "<script>window.__xss = 1</script>羊毛大衣"
XSS_COMMENT = '<img src=x onerror="window.__xss = 2">假货吧'
FORMULA_TITLE = '=HYPERLINK("http://evil")'

# The metrics of app/analytics/metrics.py's dictionary that the page shows as tiles, and a few more.
_METRICS: list[tuple[str, Unit, str, str, float]] = [
    ("viewers", "people", "Viewers (UV)", "观看人数", 5321),
    ("views", "times", "Views (PV)", "观看人次", 7410),
    ("peak_online", "people", "Peak online (PCU)", "最高在线", PEAK_ONLINE),
    ("avg_online", "people", "Average online (ACU)", "平均在线", 702),
    ("avg_watch_time", "seconds", "Average watch time", "人均观看时长", 388),
    ("comments", "times", "Comments", "评论数", 4120),
    ("commenters", "people", "Commenters", "评论人数", 1310),
    ("likes", "times", "Likes", "点赞数", 28800),
    ("interaction_rate", "ratio", "Interaction rate", "互动率", 0.318),
    ("product_exposure_people", "people", "Product exposure viewers", "商品曝光人数", 4100),
    ("product_click_people", "people", "Product click viewers", "商品点击人数", 1500),
    ("cart_people", "people", "Add-to-cart viewers", "加购人数", 620),
    ("buyers", "people", "Buyers", "成交人数", 410),
    ("orders", "times", "Orders (paid)", "成交订单数", 452),
    ("gmv", "cents", "GMV", "成交金额", 8_765_400),
    ("viewer_conversion", "ratio", "Viewer conversion", "看播成交转化率", 410 / 5321),
    ("gpm", "cents_per_1000_views", "GPM (GMV per 1,000 views)", "千次观看成交金额 (GPM)", 8_765_400 / 7410 * 1000),
    ("uv_value", "cents_per_viewer", "UV value (GMV per viewer)", "UV价值", 8_765_400 / 5321),
    ("aov", "cents", "Average order value (GMV per buyer)", "客单价", 8_765_400 / 410),
]


def _at(minute: float) -> float:
    return START + 60 * minute


def _series() -> Series:
    online, peak, entries, exits, comments, likes, orders, gmv = [], [], [], [], [], [], [], []
    for m in range(MINUTES):
        # a rise to the peak at minute 41, a dip during the incident at 55, a slow fade
        level = 200 + 1000 * math.exp(-(((m - PEAK_MINUTE) / 22) ** 2))
        if 55 <= m <= 56:
            level *= 0.85
        value = round(level)
        high = PEAK_ONLINE if m == PEAK_MINUTE else min(PEAK_ONLINE - 1, value + 15)
        online.append(value)
        peak.append(high)
        entries.append(round(60 + 40 * math.sin(m / 7) ** 2))
        exits.append(round(50 + 30 * math.cos(m / 9) ** 2))
        comments.append(round(25 + 40 * math.exp(-(((m - 45) / 20) ** 2))))
        likes.append(round(200 + 250 * math.exp(-(((m - 40) / 25) ** 2))))
        sold = 0 if m < 5 else round(3 + 9 * math.exp(-(((m - 35) / 12) ** 2)))
        orders.append(sold)
        gmv.append(sold * 19_900)
    return Series(START, online, peak, entries, exits, comments, likes, orders, gmv)


MARKERS = [
    Marker(_at(0.1), "stream", "Live started", "开播"),
    Marker(_at(5), "pin", "Pin: Cotton tee", "讲解：纯棉T恤"),
    Marker(_at(12), "coupon", "Coupon ¥20 x 300", "优惠券 ¥20 × 300"),
    Marker(_at(20), "pin", f"Pin: {XSS_TITLE}", f"讲解：{XSS_TITLE}"),
    Marker(_at(30), "flash_sale", "Flash sale opens: Cotton tee ¥9.9 x 100", "秒杀开始：纯棉T恤 ¥9.9 × 100"),
    Marker(_at(33.5), "flash_sale", "Flash sale sold out", "秒杀售罄"),
    Marker(_at(38), "poll", "Poll: which colour next?", "投票：下一个讲什么颜色？"),
    Marker(_at(40), "cohost", "Co-host joined: Lily <3", "连麦加入：Lily <3"),
    Marker(_at(48), "cohost", "Co-host left: Lily <3", "连麦离开：Lily <3"),
    Marker(_at(50), "pin", "Pin: Down jacket", "讲解：羽绒服"),
    Marker(_at(55.2), "health", "HTTP push dropped 12 % of its files in the last 10 s (8 s)"),
    Marker(_at(70), "unpin", "Unpin: Down jacket", "取消讲解：羽绒服"),
    Marker(_at(75), "health", "3.1 % of frames skipped in the last 10 s (95 s)"),
]
INCIDENTS = [
    HealthIncident(_at(55.2), _at(55.2) + 8, "error", "network.dropped",
                   "HTTP push dropped 12 % of its files in the last 10 s", 1000, 880),
    HealthIncident(_at(75), _at(75) + 95, "warning", "encoding.skipped",
                   "3.1 % of frames skipped in the last 10 s", 480, 470),
]  # fmt: skip

SEGMENTS = [
    Segment(None, "", _at(0), _at(5), 200, 260, 40, 5, 0, 0, None, 0.0, None),
    Segment("tee", "Cotton tee", _at(5), _at(20), 260, 700, 1800, 600, 110, 110 * 19_900, 0.15, 110 / 15, None,
            buyers=90, product_exposure_people=1700, product_click_people=580, product_orders=104,
            product_gmv_cents=104 * 19_900),
    Segment("coat", XSS_TITLE, _at(20), _at(50), 700, 1100, 2600, 900, 260, 260 * 19_900, 0.22, 260 / 30,
            (260 / 30) / (110 / 15) - 1, buyers=230, product_exposure_people=2400, product_click_people=850,
            product_orders=240, product_gmv_cents=240 * 19_900),
    Segment("down", "Down jacket", _at(50), _at(70), 1100, 520, 1500, 400, 60, 60 * 19_900, 0.12, 3.0,
            3.0 / (260 / 30) - 1, buyers=55, product_exposure_people=1400, product_click_people=380,
            product_orders=58, product_gmv_cents=58 * 19_900),
    Segment(None, "", _at(70), _at(90), 520, 300, 200, 30, 22, 22 * 19_900, 0.5, 1.1, 1.1 / 3.0 - 1),
]  # fmt: skip

FLASH_SALES = [
    FlashSaleResult("fs1", "tee", 990, 100, 100, 96, _at(30), _at(33.5), 210.0, title="Cotton tee",
                    per_user_limit=2, most_per_user=2, gmv_cents=100 * 990),
    FlashSaleResult("fs2", "down", 29_900, 50, 31, 31, _at(60), _at(62), None, title="Down jacket",
                    per_user_limit=1, most_per_user=1, gmv_cents=31 * 29_900),
]  # fmt: skip
COUPONS = [
    CouponResult("c1", 2000, 300, 240, 150, title="满199减20"),
    CouponResult("c2", 500, 1000, 95, 12, title=FORMULA_TITLE),
]
PRODUCTS = [
    ProductRow("coat", XSS_TITLE, orders=250, units=262, gmv_cents=250 * 19_900, buyers=231, click_people=860),
    ProductRow("tee", "Cotton tee", orders=170, units=190, gmv_cents=170 * 19_900, buyers=150, click_people=600),
    ProductRow("down", "Down jacket", orders=32, units=32, gmv_cents=32 * 29_900, buyers=31, click_people=390),
]
FUNNEL = Funnel(None, 4100, 1500, 620, 410, 452, 8_765_400, order_people=470)
FUNNELS = [
    Funnel("coat", 2400, 860, 330, 231, 250, 250 * 19_900, order_people=260),
    Funnel("tee", 1800, 600, 240, 150, 170, 170 * 19_900, order_people=170),
    Funnel("down", 1400, 390, 90, 31, 32, 32 * 29_900, order_people=40),
]
TOPICS = [
    Topic("好看", 320, ["好看好看", "这件好看", "颜色好看"]),
    Topic("发货", 140, ["什么时候发货", "发货太慢了", "发货快吗"], negative=True),
    Topic("链接", 120, ["上链接", "3号链接", "链接在哪"]),
    Topic("尺码", 90, ["尺码怎么选", "尺码偏小", "165穿什么码"]),
    Topic("面料", 60, ["讲一下面料", "面料是什么", "面料舒服吗"]),
]
NEGATIVE_TOPICS = [
    Topic("发货慢", 48, ["发货太慢了", "物流慢死了", "还没发货"], negative=True),
    Topic("假货", 21, [XSS_COMMENT, "是假货吧", "this looks fake"], negative=True),
    Topic("尺码", 17, ["尺码偏小", "码数不准", "runs small"], negative=True),
    Topic("卡顿", 12, ["卡了卡了", "画面卡住了", "=1+1 卡"], negative=True),
]


def full_report() -> Report:
    return Report(
        room="demo",
        title="秋冬新品 <b>专场</b> & friends",
        start=START,
        end=_at(MINUTES),
        metrics={key: Metric(key, value, unit, en, zh) for key, unit, en, zh, value in _METRICS},
        series=_series(),
        markers=MARKERS,
        peak_online=PEAK_ONLINE,
        peak_wall=_at(PEAK_MINUTE) + 23,
        funnel=FUNNEL,
        funnels=FUNNELS,
        segments=SEGMENTS,
        flash_sales=FLASH_SALES,
        coupons=COUPONS,
        products=PRODUCTS,
        topics=TOPICS,
        negative_topics=NEGATIVE_TOPICS,
        incidents=INCIDENTS,
        show=3,
    )


def empty_report(minutes: int = 12) -> Report:
    """A show people watched, where nobody bought, nothing was pinned and the stream stayed healthy
    (``minutes=0``: a show with no per-minute data at all)."""
    zeros = [0] * minutes
    online = [3 + (m % 4) for m in range(minutes)]
    series = Series(START, online, [o + 1 for o in online], [1] * minutes, [1] * minutes, zeros, zeros, zeros, zeros)
    metrics = {
        key: Metric(key, 7 if minutes and key in ("viewers", "views", "peak_online") else 0, unit, en, zh)
        for key, unit, en, zh, _ in _METRICS
    }
    return Report(
        room="quiet",
        title="",
        start=START,
        end=_at(minutes),
        metrics=metrics,
        series=series,
        markers=[],
        peak_online=7 if minutes else 0,
        peak_wall=_at(3) + 10,
        funnel=Funnel(None, 0, 0, 0, 0, 0, 0),
        funnels=[],
        segments=[],
        flash_sales=[],
        coupons=[],
        products=[],
    )
