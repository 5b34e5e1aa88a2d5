"""The numbers of a live show, as the live sidebar and the post-live report (复盘) use them.

Everything here is computed from the room's event log alone (app/analytics/metrics.py folds it), so
the live sidebar, the report and a recount from the raw log always agree. Each metric says whether
it counts **people** (distinct viewer ids) or **times** (events), as the metrics dictionary asks
(../shared/design/metrics-dictionary.md). Money is in cents (integers: sums are exact).

Times: ``wall`` is Unix seconds; a series' ``minute`` i covers ``[start + 60 i, start + 60 (i + 1))``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["people", "times", "ratio", "cents", "seconds", "cents_per_1000_views", "cents_per_viewer"]


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    """Stable id, e.g. ``viewers``, ``gmv`` (the dictionary's English name, snake_case)."""
    value: float
    unit: Unit
    label_en: str
    label_zh: str
    """The dictionary's Chinese name, e.g. 观看人数."""


@dataclass(frozen=True, slots=True)
class Marker:
    """A streamer action or a stream-health incident, drawn on the trend charts."""

    wall: float
    kind: Literal[
        "pin", "unpin", "flash_sale", "coupon", "poll", "group_buy", "draw", "cohost", "health", "stream", "cue"
    ]
    """``cue``: a segment of the run-of-show started (直播脚本, ``rundown.cue``) or the run ended."""
    label: str
    """Short text for the chart, e.g. "Pin: Cotton tee", "Flash sale ¥9.9 x 100", "Dropped frames 8 s",
    "Cue 3: Cotton tee"."""
    label_zh: str = ""
    """The same in Chinese, e.g. "讲解: 纯棉T恤"; empty: the report shows ``label`` in both languages."""


@dataclass(frozen=True, slots=True)
class Series:
    """Per-minute curves from the show's start; every list has the same length."""

    start: float
    """Wall time of minute 0 (the stream's start, or the first event)."""
    online: list[int]
    """Online-now at the end of each minute (people)."""
    online_peak: list[int]
    """Highest online-now within each minute (people)."""
    entries: list[int]
    exits: list[int]
    comments: list[int]
    likes: list[int]
    orders: list[int]
    """Paid orders in each minute (times)."""
    gmv_cents: list[int]


@dataclass(frozen=True, slots=True)
class Funnel:
    """exposure → click → add-to-cart → order → paid, in people (and the orders in times)."""

    sku: str | None
    """None for the whole room."""
    exposure_people: int
    click_people: int
    cart_people: int
    buyers: int
    """People with a paid order."""
    orders: int
    gmv_cents: int
    order_people: int | None = None
    """People who placed an order, paid or not (the funnel's "order" step between add-to-cart and
    paid); None when not counted: the report then goes from add-to-cart straight to paid."""


SEGMENT_KIND_NAMES: dict[str, tuple[str, str]] = {
    "opening": ("Opening", "开场"),
    "product": ("Product", "讲品"),
    "interaction": ("Interaction", "互动"),
    "promotion": ("Promotion", "福利"),
    "closing": ("Closing", "收尾"),
}
"""What each kind of run-of-show segment (app/rundown.py ``SEGMENT_KINDS``) is called, in English and
Chinese."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A 讲解段. In a show run from a run-of-show (直播脚本), each cue (``rundown.cue``) starts one that
    lasts until the next cue or the end of the run (pins inside it do not split it): ``cue`` is then
    set, with the script's ``kind``, ``title`` and planned duration. Otherwise (before the first cue,
    after the run, a show without a script) a segment runs from a product's pin to the next change
    of the product being explained (another pin, or unpinning it), or the end of the show. Segments
    tile the show: a stretch with nothing pinned is a segment with ``sku`` None. Their room-wide
    numbers (exposure_people … lift) count everything in the room during the segment, so Σ segment
    GMV = the show's GMV; ``product_*`` count the explained product alone (its options included)."""

    sku: str | None
    """The product explained (pinned, or the cue's), None for a stretch with nothing pinned (or a
    cue without a product)."""
    title: str
    """The cue's title (its product's when the cue has none, "" when it has neither: the report names it
    by its kind); else the product's title ("" with nothing pinned)."""
    start: float
    end: float
    online_start: int
    online_end: int
    exposure_people: int
    """People shown any product during the segment (or who clicked or bought: the funnel's rule)."""
    click_people: int
    orders: int
    """Paid orders (any product) paid during the segment."""
    gmv_cents: int
    conversion: float | None
    """Buyers during the segment ÷ click people during it (None when nobody clicked)."""
    orders_per_minute: float
    lift: float | None
    """Orders per minute against the previous segment's, as a ratio minus 1 (0.25 = +25 %);
    None for the first segment or after one with no orders."""
    buyers: int = 0
    """People with an order paid during the segment."""
    product_exposure_people: int = 0
    product_click_people: int = 0
    product_orders: int = 0
    """Paid orders of the explained product during the segment."""
    product_gmv_cents: int = 0
    cue: int | None = None
    """The cue's number in its run of the script (1-based), None for a segment not started by a cue."""
    kind: str | None = None
    """The script segment's kind (opening, product, interaction, promotion, closing), None without a cue."""
    planned_s: float | None = None
    """The duration the script planned for it, None without a cue (or a cue that did not say)."""
    segment_id: str | None = None
    """The id of the run-of-show segment the cue started."""

    @property
    def actual_s(self) -> float:
        """How long the segment ran (0 for a cue the host skipped straight past)."""
        return self.end - self.start

    @property
    def over_s(self) -> float | None:
        """Seconds over the planned duration (negative: under), None without a plan."""
        return None if self.planned_s is None else self.actual_s - self.planned_s


@dataclass(frozen=True, slots=True)
class FlashSaleResult:
    id: str
    sku: str
    price_cents: int
    stock: int
    sold: int
    buyers: int
    opened: float | None
    closed: float | None
    sold_out_after_s: float | None
    """Seconds from opening to selling out, None when it did not sell out."""
    title: str = ""
    per_user_limit: int = 0
    most_per_user: int = 0
    """The most units one viewer holds from this sale (never above ``per_user_limit``)."""
    gmv_cents: int = 0
    """Paid orders of the sale (before refunds)."""


@dataclass(frozen=True, slots=True)
class CouponResult:
    id: str
    amount_cents: int
    issued: int
    """How many were offered (the coupon's quantity)."""
    claimed: int
    used: int
    """Claimed coupons used in a paid order."""
    title: str = ""


@dataclass(frozen=True, slots=True)
class ProductRow:
    sku: str
    title: str
    orders: int
    units: int
    gmv_cents: int
    buyers: int
    click_people: int


@dataclass(frozen=True, slots=True)
class Topic:
    """A comment topic: a word or phrase, how many comments carry it, a few of them."""

    term: str
    count: int
    examples: list[str]
    negative: bool = False


INCIDENT_NAMES: dict[str, tuple[str, str]] = {
    "encoding.slow": ("slow encoding", "编码过慢"),
    "encoding.skipped": ("skipped frames", "编码丢帧"),
    "rendering.slow": ("slow rendering", "渲染过慢"),
    "rendering.missed": ("missed frames", "渲染丢帧"),
    "rendering.fps": ("a low frame rate", "帧率过低"),
    "network.failed": ("a failed output", "推流中断"),
    "network.retrying": ("output reconnecting", "推流重连"),
    "network.reconnecting": ("output reconnecting", "推流重连"),
    "network.dropped": ("dropped frames (network)", "网络丢帧"),
    "network.backlog": ("an upload backlog", "上传积压"),
    "relay.storage_full": ("the relay's disk full", "中继服务器磁盘已满"),
    "disk.failed": ("a recording stopped (disk)", "录制中断（磁盘）"),
    "input.microphone": ("the microphone lost", "麦克风中断"),
    "input.camera": ("a camera lost", "摄像头中断"),
    "cpu.busy": ("CPU overload", "CPU 过载"),
}
"""What each stream-health code (app/stream_health.py) is called, in English and Chinese."""


@dataclass(frozen=True, slots=True)
class HealthIncident:
    """A stream-health problem (from the studio's health tracker, logged as ``health.incident``),
    joined to the viewer curve."""

    start: float
    end: float
    level: Literal["warning", "error"]
    code: str
    """The tracker's code, e.g. ``network.dropped``."""
    message: str
    online_before: int
    """Online-now just before it started."""
    online_low: int
    """Lowest online-now during it (and the minute after)."""

    @property
    def online_change(self) -> float | None:
        return None if self.online_before == 0 else self.online_low / self.online_before - 1


@dataclass(frozen=True, slots=True)
class Report:
    room: str
    title: str
    start: float
    end: float
    metrics: dict[str, Metric]
    """Every metric of the dictionary, by key."""
    series: Series
    markers: list[Marker]
    peak_online: int
    peak_wall: float
    """When the peak happened (the first time it was reached)."""
    funnel: Funnel
    funnels: list[Funnel]
    """One per product that had any exposure, most GMV first."""
    segments: list[Segment]
    flash_sales: list[FlashSaleResult]
    coupons: list[CouponResult]
    products: list[ProductRow]
    """Most GMV first."""
    topics: list[Topic] = field(default_factory=list)
    negative_topics: list[Topic] = field(default_factory=list)
    incidents: list[HealthIncident] = field(default_factory=list)
    show: int = 0
    """Which broadcast of the room's log this is (1, 2, ...; 0 when the log holds none)."""
    live: bool = False
    """The show is still on (the report was made before it ended; ``end`` is then that moment)."""
    replay_orders: int = 0
    """Paid orders placed from the show's replay (``order.created`` with ``source: replay``), counted
    here and in none of the live numbers above."""
    replay_gmv: int = 0
    """Their amount, in cents."""
