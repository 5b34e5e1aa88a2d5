"""Every metric of the dictionary, folded from a room's event log one event at a time.

:class:`MetricsFold` takes the events in log order (:meth:`MetricsFold.apply`, O(1) amortised per
event: counters and sets, nothing is re-scanned) and can say at any moment what the live sidebar and
the post-live report show. The relay keeps one per room, fed as transactions commit
(app/relay/live_metrics.py); :func:`recount` is a fresh fold over the raw log. Both run this same
code over the same rows, so a recount equals what was pushed live — by construction, not by care.

The definitions (../shared/design/metrics-dictionary.md), made precise:

**The show.** A room's log can hold many broadcasts. A show runs from a ``stream.started`` to its
``stream.ended``; another ``stream.started`` before the end (a studio reconnecting) continues it.
The numbers count what happened inside that window. Before and after it the fold still follows the
room (the catalog, pins, open connections, campaigns, orders) so that the next show starts right:
viewers already in the room when a show starts count as its viewers and as one view each (an entry
at its start), the product pinned then opens its first segment. A log without any broadcast is one
show from its first event. Refunds of a show's orders count for that show whenever they happen.

**Times.** Events are taken in log order; a wall time earlier than one already seen (the clock
stepped back) counts as the later one. Per-minute series start at the show's start: minute i is
``[start + 60 i, start + 60 (i + 1))``; the last minute ends at the show's end (or now, live) and
holds anything at that very instant.

**Online now** is the number of viewers with an open live-feed connection: ``viewer.enter`` (logged
when a viewer's first connection opens) to ``viewer.leave`` (when the last one closes). The relay
pings every connection every 5 s and drops one that has not answered for 10 s, so a viewer whose
phone died is gone within 15 s — the dictionary's heartbeat rule. A relay that crashed wrote no
leaves: when it starts again it logs ``relay.started {down_since}`` in every room (down_since: the
last time it noted itself alive, every 5 s), and every connection still open in the log is closed
then (at ``down_since``, or at the room's last event if that is later). An ``enter`` for a viewer
whose connection is still open closes the earlier one at that moment (a leave the log missed).
Online-now is a step function known exactly at every event, so **peak online** is its true maximum
(what sampling it continuously would give: at least every 5 s), **average online** its mean over
the show, and **watch time** its integral: the seconds each viewer was connected inside the show
(``viewer.leave``'s ``watched_s`` is the connection's own length, outside the show too).

**People vs times.** Each metric's ``unit`` says which: ``people`` counts distinct viewer ids,
``times`` counts events (likes count the taps: a ``like`` event carries the taps of up to a second).
Viewers (UV) are the ids that entered during the show or were in the room when it started; views
(PV) those entries, so views ≥ viewers. New vs returning: the ``returning`` flag of the entry that
brought the viewer in (seen on this relay before it). Interaction people: commented, liked, shared,
voted or asked.

**The funnel** (exposure → click → add-to-cart → order → paid), per product and for the room.
Ordering goes through the buy button and a click goes through a shown card, so a viewer who ordered
counts as a clicker and one who clicked as exposed even if the page's exposure or click message was
lost or arrived after the order: buyers ≤ order people ≤ click people ≤ exposure people, always.
Add-to-cart is counted as it is (one-tap buying skips the cart). A product's options (variants) count under the product.
Orders, GMV, buyers, units: paid orders, at the time they were paid (GMV before refunds; refunds
are reported beside it). GPM is GMV per 1,000 views, UV value GMV per viewer, AOV GMV per buyer.

**Segments (讲解段)** tile the show: a new one starts whenever the product being explained changes —
a pin makes its product the explained one; unpinning the explained product hands over to the most
recently pinned product still pinned, or to a stretch with nothing pinned (``sku`` None). Each
counts the room's activity in it (so Σ segment GMV = room GMV) and, apart, its product's own.
A show run from a run-of-show (直播脚本) follows the script instead: each ``rundown.cue`` ends the
segment running and starts one of its own (its number, script segment id, kind, title, product and
planned duration), which pins inside it do not split (they stay markers); ``rundown.ended`` (or the
end of the show) ends it, and the segments after it follow the pins again. A cue running when a show
starts (the script was started before going live) opens its first segment. A cued segment is kept
even when it lasted no time at all: that is a cue the host skipped, planned against 0 s.

**Rehearsals (彩排).** While a room rehearses, every event logged in it carries ``rehearsal: true``
(app/commerce/rehearsal.py). A real show's numbers leave those out (``MetricsFold(include_rehearsal=
False)``, the default; the report and its ``--show N`` count real shows only): a marked event counts
for nothing and a marked ``stream.started`` starts no show, but the room's state still follows what
the rehearsal left behind — the catalog, what is pinned, the open connections (a tester still
watching when the real show starts is one of its viewers) and refunds of real orders. With
``include_rehearsal=True`` (the relay's live fold while the room rehearses) they count like any
others, a marked ``stream.started`` starts a show that is numbered 0 and flagged ``rehearsal``, and a
``rehearsal.started`` outside a broadcast starts counting afresh from that moment, so the numbers are
those of the rehearsal in progress.

**Flash sales and coupons** are followed as the engine keeps them: a flash sale's ``sold`` is units
taken by its orders less those given back while it ran (what its ``flash_sale.closed`` says).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from app.analytics.model import (
    INCIDENT_NAMES,
    SEGMENT_KIND_NAMES,
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
    Unit,
)

Event = Mapping[str, Any]
"""One row of the event log as ``GET /events`` returns it: ``wall``, ``type``, ``viewer_id``,
``data`` (``id`` and ``stream_time`` are not needed)."""

MINUTE = 60.0
SPARKLINE_MINUTES = 60
"""Per-minute values sent with each live metric (the newest last)."""
WINDOW = 5
"""Minutes in each half of the "last 5 min vs the 5 before" comparison."""
INCIDENT_AFTER_S = 60.0
"""A health incident's lowest online is looked for during it and this long after it."""
BLIP_S = 1.0
"""A stretch without a cue shorter than this, with nothing in it (no order, nobody shown a product),
is not a segment of the report: the moment between going live and the first cue, or between two pins."""

Trend = Literal["flow", "level", "peak", "running"]
"""How a metric's per-minute values and its last-5-minutes comparison are made:
``flow`` — the amount in each minute; the windows are sums (scaled to 5 minutes while the show is
shorter than 10). ``level`` — the value at each minute's end; the windows are means. ``peak`` — the
highest value in each minute; the windows are maxima. ``running`` — the show-so-far value at each
minute's end; "last 5" is the value at the end of the last complete minute, "prev 5" five minutes
before that."""


@dataclass(frozen=True, slots=True)
class MetricDef:
    key: str
    unit: Unit
    label_en: str
    label_zh: str
    trend: Trend | None = None
    """Set for the metrics the live sidebar draws with a sparkline (see :data:`Trend`)."""


DEFINITIONS: dict[str, MetricDef] = {
    d.key: d
    for d in (
        # traffic (流量)
        MetricDef("viewers", "people", "Viewers (UV)", "观看人数", "flow"),
        MetricDef("views", "times", "Views (PV)", "观看人次"),
        MetricDef("online", "people", "Online now", "实时在线", "level"),
        MetricDef("peak_online", "people", "Peak online (PCU)", "最高在线", "peak"),
        MetricDef("avg_online", "people", "Average online (ACU)", "平均在线"),
        MetricDef("avg_watch_time", "seconds", "Average watch time", "人均观看时长", "running"),
        MetricDef("total_watch_time", "seconds", "Total watch time", "总观看时长"),
        MetricDef("new_viewers", "people", "New viewers", "新用户"),
        MetricDef("returning_viewers", "people", "Returning viewers", "老用户"),
        MetricDef("entries", "times", "Entries", "进入次数"),
        MetricDef("exits", "times", "Exits", "离开次数"),
        MetricDef("duration", "seconds", "Live duration", "直播时长"),
        # interaction (互动)
        MetricDef("comments", "times", "Comments", "评论数", "flow"),
        MetricDef("commenters", "people", "Commenters", "评论人数"),
        MetricDef("likes", "times", "Likes", "点赞数", "flow"),
        MetricDef("likers", "people", "Likers", "点赞人数"),
        MetricDef("shares", "times", "Shares", "分享数"),
        MetricDef("votes", "times", "Poll votes", "投票数"),
        MetricDef("questions", "times", "Questions", "提问数"),
        MetricDef("interaction_people", "people", "Interacting viewers", "互动人数"),
        MetricDef("interaction_rate", "ratio", "Interaction rate", "互动率", "running"),
        MetricDef("like_interaction_rate", "ratio", "Like interaction rate", "点赞互动率"),
        # conversion (转化)
        MetricDef("product_exposures", "times", "Product exposures", "商品曝光次数"),
        MetricDef("product_exposure_people", "people", "Product exposure viewers", "商品曝光人数"),
        MetricDef("product_clicks", "times", "Product clicks", "商品点击次数"),
        MetricDef("product_click_people", "people", "Product click viewers", "商品点击人数", "flow"),
        MetricDef("cart_adds", "times", "Add-to-carts", "加购次数"),
        MetricDef("cart_people", "people", "Add-to-cart viewers", "加购人数"),
        MetricDef("order_people", "people", "Ordering viewers", "下单人数"),
        MetricDef("orders_placed", "times", "Orders placed", "下单数"),
        MetricDef("buyers", "people", "Buyers", "成交人数"),
        MetricDef("orders", "times", "Orders (paid)", "成交订单数", "flow"),
        MetricDef("units", "times", "Units sold", "成交件数"),
        MetricDef("gmv", "cents", "GMV", "成交金额", "flow"),
        MetricDef("refunds", "times", "Refunded orders", "退款订单数"),
        MetricDef("refund_cents", "cents", "Refunded amount", "退款金额"),
        MetricDef("click_through_rate", "ratio", "Click-through rate", "商品点击率"),
        MetricDef("click_to_order_rate", "ratio", "Click-to-order rate", "点击-成交转化率"),
        MetricDef("viewer_conversion", "ratio", "Viewer conversion", "看播成交转化率", "running"),
        MetricDef("gpm", "cents_per_1000_views", "GPM (GMV per 1,000 views)", "千次观看成交金额 (GPM)", "running"),
        MetricDef("uv_value", "cents_per_viewer", "UV value (GMV per viewer)", "UV价值"),
        MetricDef("aov", "cents", "Average order value (GMV per buyer)", "客单价"),
    )
}
SIDEBAR = tuple(key for key, d in DEFINITIONS.items() if d.trend is not None)
"""The metrics the live sidebar shows with a sparkline and a trend arrow."""


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


# --- room state (followed across shows) -----------------------------------------------------------


@dataclass(slots=True)
class _Product:
    sku: str
    title: str
    price_cents: int
    parent: str | None


@dataclass(slots=True)
class _Order:
    viewer: str | None
    sku: str | None
    root: str | None
    """The product the order counts under (its parent for an option)."""
    qty: int
    total: int
    flash_sale: str | None
    coupon: str | None
    paid_in: _Show | None = None
    refunded: bool = False
    replay: bool = False
    """Placed from a replay (``source: replay``): counted in the show's replay figures only."""


@dataclass(slots=True)
class _Sale:
    id: str
    sku: str
    price_cents: int
    stock: int
    per_user_limit: int
    opens_at: float
    closes_at: float
    opened: float | None = None
    closed: float | None = None
    sold: int = 0
    per_user: dict[str, int] = field(default_factory=dict)
    most_per_user: int = 0
    buyers: set[str] = field(default_factory=set)
    gmv: int = 0
    sold_out_at: float | None = None

    def running(self, wall: float) -> bool:
        return self.closed is None and wall < self.closes_at


@dataclass(slots=True)
class _Coupon:
    id: str
    title: str
    amount_cents: int
    quota: int
    claimed: int = 0
    used: int = 0
    ended: float | None = None


# --- one show's numbers -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Sets:
    """People and times of the funnel's steps (for the room, a product or a segment)."""

    exposures: int = 0
    clicks: int = 0
    cart_adds: int = 0
    exposed: set[str] = field(default_factory=set)
    clicked: set[str] = field(default_factory=set)
    carted: set[str] = field(default_factory=set)
    ordered: set[str] = field(default_factory=set)
    buyers: set[str] = field(default_factory=set)
    orders: int = 0
    units: int = 0
    gmv: int = 0

    def exposure(self, viewer: str | None) -> None:
        self.exposures += 1
        if viewer:
            self.exposed.add(viewer)

    def click(self, viewer: str | None) -> None:
        self.clicks += 1
        if viewer:
            self.clicked.add(viewer)
            self.exposed.add(viewer)

    def cart(self, viewer: str | None) -> None:
        self.cart_adds += 1
        if viewer:
            self.carted.add(viewer)

    def placed(self, viewer: str | None) -> None:
        if viewer:
            self.ordered.add(viewer)
            self.clicked.add(viewer)
            self.exposed.add(viewer)

    def paid(self, viewer: str | None, qty: int, total: int) -> None:
        self.orders += 1
        self.units += qty
        self.gmv += total
        if viewer:
            self.buyers.add(viewer)
            self.ordered.add(viewer)
            self.clicked.add(viewer)
            self.exposed.add(viewer)

    def funnel(self, sku: str | None) -> Funnel:
        return Funnel(sku, len(self.exposed), len(self.clicked), len(self.carted), len(self.buyers), self.orders,
                      self.gmv, order_people=len(self.ordered))  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Cue:
    """A segment of the run-of-show on air (from its ``rundown.cue``)."""

    number: int
    segment: str | None
    kind: str | None
    title: str
    """The cue's own title ("" when it has none)."""
    sku: str | None
    planned_s: float | None

    def label(self, fold: MetricsFold, zh: bool) -> str:
        """The cue's title, else its product's, else the name of its kind."""
        if self.title:
            return self.title
        if self.sku is not None:
            return fold._title(self.sku)
        en, chinese = SEGMENT_KIND_NAMES.get(self.kind or "", (self.kind or "", self.kind or ""))
        return chinese if zh else en


@dataclass(slots=True)
class _Segment:
    sku: str | None
    title: str
    start: float
    online_start: int
    end: float | None = None
    online_end: int = 0
    room: _Sets = field(default_factory=_Sets)
    product: _Sets = field(default_factory=_Sets)
    cue: _Cue | None = None


_FLOWS = ("entries", "exits", "comments", "likes", "orders", "gmv", "viewers", "product_click_people")


@dataclass(slots=True)
class _Running:
    """Show-so-far totals at a minute's end (for the sidebar's running metrics)."""

    viewers: int
    views: int
    area: float
    interacting: int
    buyers: int
    gmv: int


@dataclass(eq=False, slots=True)
class _Show:
    number: int
    """1 for the log's first broadcast, 2 for the next, ...; 0 for a log without any broadcast (and
    for a rehearsal)."""
    start: float
    broadcast: bool
    end: float | None = None
    rehearsal: bool = False
    """A rehearsal's numbers (only a fold that includes rehearsals has one)."""
    t: float = 0.0
    online: int = 0
    peak: int = 0
    peak_wall: float = 0.0
    area: float = 0.0
    area_t: float = 0.0
    minute: int = 0
    minute_peak: int = 0
    online_end: list[int] = field(default_factory=list)
    online_peak: list[int] = field(default_factory=list)
    running: list[_Running] = field(default_factory=list)
    flows: dict[str, list[int]] = field(default_factory=lambda: {name: [] for name in _FLOWS})
    history_t: list[float] = field(default_factory=list)
    history_n: list[int] = field(default_factory=list)
    viewers: set[str] = field(default_factory=set)
    views: int = 0
    new_viewers: int = 0
    returning_viewers: int = 0
    entries: int = 0
    exits: int = 0
    comments: int = 0
    commenters: set[str] = field(default_factory=set)
    likes: int = 0
    likers: set[str] = field(default_factory=set)
    shares: int = 0
    votes: int = 0
    questions: int = 0
    interacting: set[str] = field(default_factory=set)
    funnel: _Sets = field(default_factory=_Sets)
    products: dict[str, _Sets] = field(default_factory=dict)
    orders_placed: int = 0
    refunds: int = 0
    refund_cents: int = 0
    segments: list[_Segment] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    sales: list[str] = field(default_factory=list)
    coupons: list[str] = field(default_factory=list)
    comment_texts: dict[int, tuple[float, str, str | None]] = field(default_factory=dict)
    deleted_comments: int = 0
    draw_keywords: list[str] = field(default_factory=list)
    campaign_markers: dict[str, int] = field(default_factory=dict)
    replay_orders: int = 0
    """Paid orders placed from this show's replay, and their amount (cents): outside every live number."""
    replay_gmv: int = 0
    """Flash sale, coupon, poll and draw id → the index of the marker its start added (a launch from
    the run-of-show names its cue there)."""

    @property
    def active(self) -> bool:
        return self.end is None

    def bump(self, flow: str, amount: int = 1) -> None:
        values = self.flows[flow]
        while len(values) <= self.minute:
            values.append(0)
        values[self.minute] += amount

    def product(self, root: str) -> _Sets:
        found = self.products.get(root)
        if found is None:
            found = self.products[root] = _Sets()
        return found


# --- the fold ---------------------------------------------------------------------------------------


class MetricsFold:
    """The metrics of a room's current (or last) show, folded from its event log (module docstring).

    ``keep_comments`` keeps the show's comment texts for the report's topics (the relay's live fold
    does not need them). ``include_rehearsal`` counts the events of rehearsals (the module docstring's
    *Rehearsals*): the relay's live fold of a room that is rehearsing; a report leaves them out.
    """

    def __init__(self, *, keep_comments: bool = False, include_rehearsal: bool = False) -> None:
        self.keep_comments = keep_comments
        self.include_rehearsal = include_rehearsal
        self.events = 0
        """Events applied: a recount of the log's first ``events`` rows gives the same numbers."""
        self.shows = 0
        """Broadcasts seen so far."""
        self.show: _Show | None = None
        self.last_wall: float | None = None
        self.products: dict[str, _Product] = {}
        self.pins: list[str] = []
        self.sessions: dict[str, bool] = {}
        self.session_relays: dict[str, str] = {}
        """The relay each open session entered through, when several share the room."""
        """Open connections: viewer id → the ``returning`` flag of the entry that opened it."""
        self.orders: dict[str, _Order] = {}
        self.sales: dict[str, _Sale] = {}
        self.coupons: dict[str, _Coupon] = {}
        self.polls: dict[str, str] = {}
        self.cue: _Cue | None = None
        """The run-of-show's segment on air (from its cue to the next, the run's end or the show's)."""

    # --- feeding -----------------------------------------------------------------------------------

    def apply(self, event: Event) -> None:
        """Take the next event of the log."""
        self.events += 1
        wall = float(event["wall"])
        if self.last_wall is not None and wall < self.last_wall:
            wall = self.last_wall  # the clock stepped back: keep the log's order
        self.last_wall = wall
        kind = str(event["type"])
        viewer = event.get("viewer_id")
        data = event.get("data") or {}
        if not isinstance(data, Mapping):
            data = {}
        rehearsal = data.get("rehearsal") is True
        if rehearsal and not self.include_rehearsal:
            room_fact = _ROOM_FACTS.get(kind)
            if kind in ("relay.started", "relay.lost"):
                self._relay_started(None, wall, data)
            elif room_fact is not None:  # what the rehearsal leaves the room with, counted nowhere
                room_fact(self, None, wall, viewer, data)
            return
        show = self.show
        if kind == "rehearsal.started" and self.include_rehearsal:
            if show is None or not (show.broadcast and show.active):
                self._new_show(wall, broadcast=False, rehearsal=True)  # count the rehearsal from here
            return
        if kind == "stream.started":
            if show is None or not show.broadcast or not show.active:
                self._new_show(wall, broadcast=True, rehearsal=rehearsal)
            elif show.active:
                self._advance(show, wall)
                show.markers.append(Marker(wall, "stream", "Stream reconnected", "推流已恢复"))
            return
        if show is None:
            show = self._new_show(wall, broadcast=False)
        live = show if show.active else None
        if kind in ("relay.started", "relay.lost"):
            self._relay_started(live, wall, data)
            return
        if live is not None:
            self._advance(live, wall)
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, live, wall, viewer, data)
        elif kind == "health.incident":
            self._incident(show, data)

    def apply_late(self, event: Event) -> None:
        """Take an event from after this show's log (a later show's): only refunds of this show's
        orders count (a report of an earlier show counts every refund of its orders)."""
        if event.get("type") in ("order.refunded", "order.cancelled"):
            data = event.get("data") or {}
            order = self.orders.get(str(data.get("order_id")))
            if order is not None:
                self._refund(order, float(event["wall"]))

    # --- time and online --------------------------------------------------------------------------

    def _new_show(self, wall: float, *, broadcast: bool, rehearsal: bool = False) -> _Show:
        real = broadcast and not rehearsal
        if real:
            self.shows += 1
        show = _Show(self.shows if real else 0, wall, broadcast, rehearsal=rehearsal, t=wall, area_t=wall,
                     peak_wall=wall)  # fmt: skip
        self.show = show
        for viewer, returning in self.sessions.items():
            self._count_viewer(show, viewer, returning)
        show.online = show.peak = show.minute_peak = len(self.sessions)
        show.history_t.append(wall)
        show.history_n.append(show.online)
        if self.cue is not None:  # the script was started before the show: its cue opens the show
            show.segments.append(self._cue_segment(self.cue, wall, show.online))
        else:
            pinned = self.pins[-1] if self.pins else None
            show.segments.append(_Segment(pinned, self._title(pinned), wall, show.online))
        show.sales = [s.id for s in self.sales.values() if s.running(wall)]
        show.coupons = [c.id for c in self.coupons.values() if c.ended is None]
        if broadcast:
            label = ("Rehearsal started", "彩排开始") if rehearsal else ("Live started", "开播")
            show.markers.append(Marker(wall, "stream", *label))
        return show

    def _advance(self, show: _Show, t: float) -> None:
        """Move the show's clock to ``t`` (≥ its last time), closing the minutes passed."""
        if t <= show.t:
            return
        target = int((t - show.start) // MINUTE)
        while show.minute < target:
            boundary = show.start + MINUTE * (show.minute + 1)
            show.area += show.online * (boundary - show.area_t)
            show.area_t = boundary
            show.online_end.append(show.online)
            show.online_peak.append(show.minute_peak)
            show.running.append(self._running(show))
            show.minute += 1
            show.minute_peak = show.online
        show.area += show.online * (t - show.area_t)
        show.area_t = show.t = t

    def _running(self, show: _Show) -> _Running:
        return _Running(len(show.viewers), show.views, show.area, len(show.interacting), len(show.funnel.buyers),
                        show.funnel.gmv)  # fmt: skip

    def _set_online(self, show: _Show, t: float) -> None:
        show.online = len(self.sessions)
        show.minute_peak = max(show.minute_peak, show.online)
        if show.online > show.peak:
            show.peak, show.peak_wall = show.online, t
        show.history_t.append(t)
        show.history_n.append(show.online)

    def _count_viewer(self, show: _Show, viewer: str, returning: bool) -> None:
        show.views += 1
        show.entries += 1
        show.bump("entries")
        if viewer not in show.viewers:
            show.viewers.add(viewer)
            show.bump("viewers")
            if returning:
                show.returning_viewers += 1
            else:
                show.new_viewers += 1

    def _enter(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        if not viewer:
            return
        if viewer in self.sessions:  # the leave of the earlier connection is missing: it ended now
            del self.sessions[viewer]
            if show is not None:
                show.exits += 1
                show.bump("exits")
        returning = bool(data.get("returning"))
        self.sessions[viewer] = returning
        relay = data.get("relay")  # which of several relays the connection is on (docs/deploy.md)
        if isinstance(relay, str):
            self.session_relays[viewer] = relay
        else:
            self.session_relays.pop(viewer, None)
        if show is not None:
            self._count_viewer(show, viewer, returning)
            self._set_online(show, wall)

    def _leave(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        if not viewer or self.sessions.pop(viewer, None) is None:
            return
        self.session_relays.pop(viewer, None)
        if show is not None:
            show.exits += 1
            show.bump("exits")
            self._set_online(show, wall)

    def _relay_started(self, show: _Show | None, wall: float, data: Mapping[str, Any]) -> None:
        """The relay restarted (``relay.started``): the connections open in the log died with the old
        process, at ``down_since`` (when it last noted itself alive) or at the show's last event if
        later. ``relay.lost {lost, down_since}``: one of several relays sharing the room died (another
        noticed, docs/deploy.md): only the connections that entered through it died."""
        lost = data.get("lost")
        if isinstance(lost, str):
            closing = [viewer for viewer, relay in self.session_relays.items() if relay == lost]
        else:
            closing = list(self.sessions)
        closed_at = wall
        if show is not None and closing:
            closed_at = show.t
            down = data.get("down_since")
            if isinstance(down, int | float) and not isinstance(down, bool) and math.isfinite(down):
                closed_at = max(closed_at, min(float(down), wall))
            self._advance(show, closed_at)
            show.exits += len(closing)
            show.bump("exits", len(closing))
        for viewer in closing:
            self.sessions.pop(viewer, None)
            self.session_relays.pop(viewer, None)
        if show is not None and closing:
            self._set_online(show, closed_at)
            self._advance(show, wall)

    # --- interaction --------------------------------------------------------------------------------

    def _comment(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        if show is None:
            return
        show.comments += 1
        show.bump("comments")
        if viewer:
            show.commenters.add(viewer)
            show.interacting.add(viewer)
        if self.keep_comments and isinstance(data.get("id"), int) and isinstance(data.get("text"), str):
            show.comment_texts[data["id"]] = (wall, data["text"], viewer)

    def _comment_deleted(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        current, comment_id = self.show, data.get("id")
        if current is not None and isinstance(comment_id, int) and comment_id in current.comment_texts:
            del current.comment_texts[comment_id]
            current.deleted_comments += 1

    def _like(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        if show is None:
            return
        count = data.get("count", 1)
        taps = count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else 1
        show.likes += taps
        show.bump("likes", taps)
        if viewer:
            show.likers.add(viewer)
            show.interacting.add(viewer)

    def _share(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        if show is None:
            return
        show.shares += 1
        if viewer:
            show.interacting.add(viewer)

    def _vote(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        if show is None:
            return
        show.votes += 1
        if viewer:
            show.interacting.add(viewer)

    def _question(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        if show is None:
            return
        show.questions += 1
        if viewer:
            show.interacting.add(viewer)

    # --- products and the funnel -----------------------------------------------------------------------

    def _root(self, sku: Any) -> str | None:
        if not isinstance(sku, str):
            return None
        product = self.products.get(sku)
        return product.parent if product is not None and product.parent else sku

    def _title(self, sku: str | None) -> str:
        if sku is None:
            return ""
        product = self.products.get(sku)
        return product.title if product is not None else sku

    def _product(self, data: Mapping[str, Any]) -> None:
        sku = data.get("sku")
        if isinstance(sku, str):
            title = data.get("title")
            price = data.get("price_cents")
            parent = data.get("parent_sku")
            self.products[sku] = _Product(
                sku,
                title if isinstance(title, str) else sku,
                price if isinstance(price, int) else 0,
                parent if isinstance(parent, str) and parent else None,
            )

    def _added(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        self._product(data)

    def _catalog(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        items = data.get("items")
        if isinstance(items, list):
            for item in items:
                if isinstance(item, Mapping):
                    self._product(item)

    def _exposure(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        root = self._root(data.get("sku"))
        if show is None or root is None:
            return
        show.funnel.exposure(viewer)
        show.product(root).exposure(viewer)
        segment = show.segments[-1]
        segment.room.exposure(viewer)
        if segment.sku == root:
            segment.product.exposure(viewer)

    def _click(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        root = self._root(data.get("sku"))
        if show is None or root is None:
            return
        first = viewer is not None and viewer not in show.funnel.clicked
        show.funnel.click(viewer)
        if first:
            show.bump("product_click_people")
        show.product(root).click(viewer)
        segment = show.segments[-1]
        segment.room.click(viewer)
        if segment.sku == root:
            segment.product.click(viewer)

    def _cart(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        root = self._root(data.get("sku"))
        if show is None or root is None:
            return
        show.funnel.cart(viewer)
        show.product(root).cart(viewer)
        segment = show.segments[-1]
        segment.room.cart(viewer)
        if segment.sku == root:
            segment.product.cart(viewer)

    # --- pins and segments ---------------------------------------------------------------------------

    def _explain(self, show: _Show | None, wall: float, sku: str | None) -> None:
        if show is None:
            return
        current = show.segments[-1]
        if current.sku == sku or current.cue is not None:  # a cue's segment runs until the next cue
            return
        current.end, current.online_end = wall, show.online
        show.segments.append(_Segment(sku, self._title(sku), wall, show.online))

    def _pin(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        sku = data.get("sku")
        if not isinstance(sku, str):
            return
        if sku in self.pins:
            self.pins.remove(sku)
        self.pins.append(sku)
        self._explain(show, wall, sku)
        if show is not None:
            show.markers.append(Marker(wall, "pin", f"Pin: {self._title(sku)}", f"讲解：{self._title(sku)}"))

    def _unpin(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        sku = data.get("sku")
        if not isinstance(sku, str) or sku not in self.pins:
            return
        self.pins.remove(sku)
        if show is not None:
            if show.segments[-1].sku == sku:
                self._explain(show, wall, self.pins[-1] if self.pins else None)
            show.markers.append(Marker(wall, "unpin", f"Unpin: {self._title(sku)}", f"取消讲解：{self._title(sku)}"))

    # --- the run-of-show (直播脚本: app/commerce/rundown_runner.py) ---------------------------------------

    def _cue_segment(self, cue: _Cue, wall: float, online: int) -> _Segment:
        return _Segment(cue.sku, cue.title or (self._title(cue.sku) if cue.sku else ""), wall, online, cue=cue)

    def _cue(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        number = _int(data.get("cue"))
        if number < 1:
            number = self.cue.number + 1 if self.cue is not None else 1
        planned = _float(data.get("planned_s"), -1.0)
        sku, kind, title = _str(data.get("sku")), _str(data.get("kind")), _str(data.get("title"))
        if title is not None and title in (sku, kind):
            title = None  # the runner's stand-in for a segment without a title: name it by its product or kind
        cue = _Cue(number, _str(data.get("segment")), kind, title or "", sku,
                   planned if math.isfinite(planned) and planned >= 0 else None)  # fmt: skip
        self.cue = cue
        if show is None:
            return
        current = show.segments[-1]
        current.end, current.online_end = wall, show.online
        show.segments.append(self._cue_segment(cue, wall, show.online))
        en, zh = cue.label(self, False), cue.label(self, True)
        show.markers.append(Marker(wall, "cue", f"Cue {number}: {en}", f"第 {number} 段：{zh}"))

    def _rundown_ended(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        self.cue = None
        if show is None:
            return
        current = show.segments[-1]
        if current.cue is not None:  # back to following the pins
            current.end, current.online_end = wall, show.online
            pinned = self.pins[-1] if self.pins else None
            show.segments.append(_Segment(pinned, self._title(pinned), wall, show.online))
        stopped = data.get("reason") == "stopped"
        label = ("Run-of-show stopped", "脚本已停止") if stopped else ("Run-of-show ended", "脚本结束")
        show.markers.append(Marker(wall, "cue", *label))

    def _launched(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        """A promotion launched from the run-of-show: its own marker names the cue (a launch whose
        promotion left no marker, a co-host invite, gets one of its own)."""
        if show is None:
            return
        cue: int | None = _int(data.get("cue")) or (self.cue.number if self.cue is not None else None)
        action, ref = str(data.get("action") or ""), data.get("ref")
        index = show.campaign_markers.get(ref) if isinstance(ref, str) else None
        if index is not None:
            m = show.markers[index]
            en, zh = (f" (cue {cue})", f"（第 {cue} 段）") if cue is not None else (" (run-of-show)", "（脚本）")
            show.markers[index] = Marker(m.wall, m.kind, m.label + en, (m.label_zh or m.label) + zh)
            return
        what_en, what_zh = _LAUNCHES.get(action, (action, action))
        kind = action if action in _LAUNCHES else "cue"
        en = f"Cue {cue} launched: {what_en}" if cue is not None else f"Run-of-show launched: {what_en}"
        zh = f"第 {cue} 段发起：{what_zh}" if cue is not None else f"脚本发起：{what_zh}"
        show.markers.append(Marker(wall, kind, en, zh))  # type: ignore[arg-type]

    # --- orders ----------------------------------------------------------------------------------------

    def _order_created(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        order_id = data.get("order_id")
        if not isinstance(order_id, str):
            return
        sku = data.get("sku")
        qty = data.get("qty")
        total = data.get("total_cents")
        sale_id, coupon_id = data.get("flash_sale_id"), data.get("coupon_id")
        order = _Order(
            viewer,
            sku if isinstance(sku, str) else None,
            self._root(sku),
            qty if isinstance(qty, int) else 1,
            total if isinstance(total, int) else 0,
            sale_id if isinstance(sale_id, str) else None,
            coupon_id if isinstance(coupon_id, str) else None,
        )
        self.orders[order_id] = order
        if data.get("source") == "replay":
            order.replay = True
            return  # counted when paid, in the replay figures of the show it replays
        sale = self.sales.get(order.flash_sale) if order.flash_sale else None
        if sale is not None:
            sale.sold += order.qty
            if viewer:
                bought = sale.per_user.get(viewer, 0) + order.qty
                sale.per_user[viewer] = bought
                sale.most_per_user = max(sale.most_per_user, bought)
            if sale.sold >= sale.stock and sale.sold_out_at is None:
                sale.sold_out_at = wall
        if show is not None:
            show.orders_placed += 1
            show.funnel.placed(viewer)
            if order.root is not None:
                show.product(order.root).placed(viewer)

    def _order_paid(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        order_id = data.get("order_id")
        order = self.orders.get(order_id) if isinstance(order_id, str) else None
        if order is None:
            total = data.get("total_cents")
            order = _Order(viewer, None, None, 1, total if isinstance(total, int) else 0, None, None)
            if isinstance(order_id, str):
                self.orders[order_id] = order
        if order.paid_in is not None or order.refunded:
            return  # a repeated confirmation
        if order.replay:
            total = data.get("total_cents")
            if isinstance(total, int):
                order.total = total
            order.paid_in = _NOWHERE
            if self.show is not None:
                self.show.replay_orders += 1
                self.show.replay_gmv += order.total
            return
        total = data.get("total_cents")
        if isinstance(total, int):
            order.total = total
        sale = self.sales.get(order.flash_sale) if order.flash_sale else None
        if sale is not None:
            sale.gmv += order.total
            if order.viewer:
                sale.buyers.add(order.viewer)
        coupon = self.coupons.get(order.coupon) if order.coupon else None
        if coupon is not None:
            coupon.used += 1
        if show is None:
            order.paid_in = _NOWHERE
            return
        order.paid_in = show
        who = order.viewer
        show.funnel.paid(who, order.qty, order.total)
        show.bump("orders")
        show.bump("gmv", order.total)
        if order.root is not None:
            show.product(order.root).paid(who, order.qty, order.total)
        segment = show.segments[-1]
        segment.room.paid(who, order.qty, order.total)
        if order.root is not None and segment.sku == order.root:
            segment.product.paid(who, order.qty, order.total)

    def _order_undone(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        order_id = data.get("order_id")
        order = self.orders.get(order_id) if isinstance(order_id, str) else None
        if order is not None:
            self._refund(order, wall)

    def _refund(self, order: _Order, wall: float) -> None:
        if order.refunded:
            return
        order.refunded = True
        sale = self.sales.get(order.flash_sale) if order.flash_sale else None
        if sale is not None and sale.running(wall):  # the units go back to the sale while it runs
            sale.sold -= order.qty
            if order.viewer and order.viewer in sale.per_user:
                sale.per_user[order.viewer] -= order.qty
        if order.paid_in is not None and order.paid_in is not _NOWHERE:
            order.paid_in.refunds += 1
            order.paid_in.refund_cents += order.total

    # --- campaigns and other markers -----------------------------------------------------------------

    def _sale_created(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        sale_id, sku = data.get("id"), data.get("sku")
        if not isinstance(sale_id, str) or not isinstance(sku, str):
            return
        sale = _Sale(
            sale_id, sku, _int(data.get("price_cents")), _int(data.get("stock")), _int(data.get("per_user_limit")),
            _float(data.get("opens_at"), wall), _float(data.get("closes_at"), wall),
        )  # fmt: skip
        self.sales[sale_id] = sale
        if show is not None:
            show.sales.append(sale_id)
            price, title = f"¥{sale.price_cents / 100:g}", self._title(sku)
            label = f"Flash sale: {title} {price} x {sale.stock}"
            show.campaign_markers[sale_id] = len(show.markers)
            show.markers.append(Marker(wall, "flash_sale", label, f"秒杀：{title} {price} × {sale.stock}"))

    def _sale_opened(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        sale = self.sales.get(str(data.get("id")))
        if sale is not None:
            sale.opened = wall
            if show is not None:
                title = self._title(sale.sku)
                show.markers.append(Marker(wall, "flash_sale", f"Flash sale opens: {title}", f"秒杀开抢：{title}"))

    def _sale_closed(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        sale = self.sales.get(str(data.get("id")))
        if sale is not None:
            sale.closed = wall
            if show is not None:
                title, sold = self._title(sale.sku), f"{sale.sold}/{sale.stock}"
                label = f"Flash sale ends: {title} {sold} sold"
                show.markers.append(Marker(wall, "flash_sale", label, f"秒杀结束：{title} 售出 {sold}"))

    def _coupon_issued(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        coupon_id = data.get("id")
        if not isinstance(coupon_id, str):
            return
        title = data.get("title")
        coupon = _Coupon(coupon_id, title if isinstance(title, str) else coupon_id, _int(data.get("amount_cents")),
                         _int(data.get("quota")))  # fmt: skip
        self.coupons[coupon_id] = coupon
        if show is not None:
            show.coupons.append(coupon_id)
            off = f"¥{coupon.amount_cents / 100:g}"
            label = f"Coupon: {off} off x {coupon.quota}"
            show.campaign_markers[coupon_id] = len(show.markers)
            show.markers.append(Marker(wall, "coupon", label, f"优惠券：减 {off} × {coupon.quota}"))

    def _coupon_claimed(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        coupon = self.coupons.get(str(data.get("coupon_id")))
        if coupon is not None:
            coupon.claimed += 1

    def _coupon_ended(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        coupon = self.coupons.get(str(data.get("id")))
        if coupon is not None:
            coupon.ended = wall
            if show is not None:
                claimed = coupon.claimed
                show.markers.append(
                    Marker(wall, "coupon", f"Coupon ends: {claimed} claimed", f"优惠券结束：领取 {claimed}")
                )

    def _poll_opened(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        question = str(data.get("question") or "")
        self.polls[str(data.get("id"))] = question
        if show is not None:
            show.campaign_markers[str(data.get("id"))] = len(show.markers)
            show.markers.append(Marker(wall, "poll", f"Poll: {question}", f"投票：{question}"))

    def _poll_closed(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        if show is not None:
            votes = data.get("votes")
            total = sum(v for v in votes if isinstance(v, int)) if isinstance(votes, list) else 0
            show.markers.append(Marker(wall, "poll", f"Poll closed: {total} votes", f"投票结束：{total} 票"))

    def _stream_ended(self, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]) -> None:
        if show is None:
            return
        segment = show.segments[-1]
        segment.end, segment.online_end = wall, show.online
        label = ("Rehearsal ended", "彩排结束") if show.rehearsal else ("Live ended", "下播")
        show.markers.append(Marker(wall, "stream", *label))
        show.end = wall
        self.cue = None  # a run-of-show left running does not open the next show

    def _incident(self, show: _Show, data: Mapping[str, Any]) -> None:
        start, end = data.get("start"), data.get("end")
        if not isinstance(start, int | float) or not isinstance(end, int | float) or end < start:
            return
        if show.end is not None and start > show.end:
            return  # after the show (the next one will not start before its stream does)
        show.incidents.append(dict(data))

    # --- reading --------------------------------------------------------------------------------------

    def now(self, now: float | None = None) -> float:
        """The moment the numbers are for: ``now`` (default: the last event) within the show."""
        show = self.show
        if show is None:
            return now if now is not None else 0.0
        t = show.t if now is None else max(now, show.t)
        return min(t, show.end) if show.end is not None else t

    def metrics(self, now: float | None = None) -> dict[str, Metric]:
        """Every metric of the dictionary for the current (or last) show at ``now``."""
        return {key: Metric(key, value, d.unit, d.label_en, d.label_zh) for key, value, d in self._values(now)}

    def _values(self, now: float | None) -> list[tuple[str, float, MetricDef]]:
        show = self.show or _Show(0, 0.0, False)
        t = self.now(now)
        duration = max(0.0, t - show.start)
        area = show.area + show.online * (t - show.area_t)
        viewers, views = len(show.viewers), show.views
        f = show.funnel
        gmv, buyers = f.gmv, len(f.buyers)
        values: dict[str, float] = {
            "viewers": viewers,
            "views": views,
            "online": show.online,
            "peak_online": show.peak,
            "avg_online": _ratio(area, duration),
            "avg_watch_time": _ratio(area, viewers),
            "total_watch_time": area,
            "new_viewers": show.new_viewers,
            "returning_viewers": show.returning_viewers,
            "entries": show.entries,
            "exits": show.exits,
            "duration": duration,
            "comments": show.comments,
            "commenters": len(show.commenters),
            "likes": show.likes,
            "likers": len(show.likers),
            "shares": show.shares,
            "votes": show.votes,
            "questions": show.questions,
            "interaction_people": len(show.interacting),
            "interaction_rate": _ratio(len(show.interacting), viewers),
            "like_interaction_rate": _ratio(len(show.likers), viewers),
            "product_exposures": f.exposures,
            "product_exposure_people": len(f.exposed),
            "product_clicks": f.clicks,
            "product_click_people": len(f.clicked),
            "cart_adds": f.cart_adds,
            "cart_people": len(f.carted),
            "order_people": len(f.ordered),
            "orders_placed": show.orders_placed,
            "buyers": buyers,
            "orders": f.orders,
            "units": f.units,
            "gmv": gmv,
            "refunds": show.refunds,
            "refund_cents": show.refund_cents,
            "click_through_rate": _ratio(len(f.clicked), len(f.exposed)),
            "click_to_order_rate": _ratio(buyers, len(f.clicked)),
            "viewer_conversion": _ratio(buyers, viewers),
            "gpm": _ratio(gmv * 1000, views),
            "uv_value": _ratio(gmv, viewers),
            "aov": _ratio(gmv, buyers),
        }
        return [(key, values[key], d) for key, d in DEFINITIONS.items()]

    # per-minute views -------------------------------------------------------------------------------

    def _minutes(self, t: float) -> int:
        show = self.show
        return 1 if show is None else max(1, math.ceil((t - show.start) / MINUTE))

    def _flow(self, name: str, length: int) -> list[int]:
        assert self.show is not None
        values = list(self.show.flows[name][:length]) + [0] * max(0, length - len(self.show.flows[name]))
        for extra in self.show.flows[name][length:]:  # anything at the very end goes in the last minute
            values[-1] += extra
        return values

    def _online_lists(self, t: float, length: int) -> tuple[list[int], list[int]]:
        show = self.show
        assert show is not None
        ends, peaks = list(show.online_end), list(show.online_peak)
        ends.append(show.online)
        peaks.append(show.minute_peak)
        while len(ends) < length:
            ends.append(show.online)
            peaks.append(show.online)
        if len(ends) > length:  # the show ends on a minute boundary: its last instant is in the last minute
            peaks[length - 1] = max(peaks[length - 1 :])
            del ends[length:], peaks[length:]
            ends[-1] = show.online
        return ends, peaks

    def _running_list(self, t: float, length: int) -> list[_Running]:
        show = self.show
        assert show is not None
        rows = list(show.running[: length - 1])
        while len(rows) < length - 1:  # minutes without events: only the watch time grew
            boundary = show.start + MINUTE * (len(rows) + 1)
            area = show.area + show.online * (boundary - show.area_t)
            rows.append(_Running(len(show.viewers), show.views, area, len(show.interacting),
                                 len(show.funnel.buyers), show.funnel.gmv))  # fmt: skip
        area = show.area + show.online * (t - show.area_t)
        rows.append(_Running(len(show.viewers), show.views, area, len(show.interacting), len(show.funnel.buyers),
                             show.funnel.gmv))  # fmt: skip
        return rows

    def series(self, now: float | None = None) -> Series:
        """Per-minute curves of the show up to ``now`` (or its end)."""
        show = self.show
        if show is None:
            return Series(0.0, [0], [0], [0], [0], [0], [0], [0], [0])
        t = self.now(now)
        length = self._minutes(t)
        online, peaks = self._online_lists(t, length)
        return Series(
            show.start, online, peaks, self._flow("entries", length), self._flow("exits", length),
            self._flow("comments", length), self._flow("likes", length), self._flow("orders", length),
            self._flow("gmv", length),
        )  # fmt: skip

    def sidebar(self, now: float | None = None) -> dict[str, dict[str, Any]]:
        """The live sidebar's metrics: each with its value, unit, labels, its last
        :data:`SPARKLINE_MINUTES` per-minute values and ``last5``/``prev5`` (see :data:`Trend`)."""
        t = self.now(now)
        result: dict[str, dict[str, Any]] = {}
        show = self.show
        length = self._minutes(t)
        if show is not None:
            online, peaks = self._online_lists(t, length)
            running = self._running_list(t, length)
        else:
            online = peaks = [0]
            running = [_Running(0, 0, 0.0, 0, 0, 0)]
        complete = int((t - show.start) // MINUTE) if show is not None else 0
        complete = min(complete, length)  # minutes fully past: the windows use only these
        for key, value, d in self._values(now):
            entry: dict[str, Any] = {"value": value, "unit": d.unit, "label_en": d.label_en, "label_zh": d.label_zh}
            if d.trend is not None:
                minutes = self._trend_minutes(key, length, online, peaks, running)
                entry["minutes"] = minutes[-SPARKLINE_MINUTES:]
                entry["last5"], entry["prev5"] = _windows(d.trend, minutes, complete)
            result[key] = entry
        return result

    def _trend_minutes(
        self, key: str, length: int, online: list[int], peaks: list[int], running: list[_Running]
    ) -> list[float]:
        if key == "online":
            return [float(v) for v in online]
        if key == "peak_online":
            return [float(v) for v in peaks]
        if key in ("viewers", "comments", "likes", "orders", "gmv", "product_click_people"):
            if self.show is None:
                return [0.0]
            return [float(v) for v in self._flow(key, length)]
        rates = {
            "avg_watch_time": lambda r: _ratio(r.area, r.viewers),
            "interaction_rate": lambda r: _ratio(r.interacting, r.viewers),
            "viewer_conversion": lambda r: _ratio(r.buyers, r.viewers),
            "gpm": lambda r: _ratio(r.gmv * 1000, r.views),
        }
        return [rates[key](r) for r in running]

    def pinned(self) -> dict[str, Any] | None:
        """The explained (most recently pinned) product with its funnel in this show, or None."""
        if not self.pins:
            return None
        sku = self.pins[-1]
        show = self.show
        sets = show.products.get(sku) if show is not None else None
        funnel = (sets or _Sets()).funnel(sku)
        return {
            "sku": sku,
            "title": self._title(sku),
            "funnel": {
                "exposure_people": funnel.exposure_people,
                "click_people": funnel.click_people,
                "cart_people": funnel.cart_people,
                "order_people": funnel.order_people,
                "buyers": funnel.buyers,
                "orders": funnel.orders,
                "gmv_cents": funnel.gmv_cents,
            },
        }

    def live_message(self, now: float) -> dict[str, Any]:
        """The owner feed's ``metrics`` message (documented in app/relay/realtime.py)."""
        show = self.show
        return {
            "type": "metrics",
            "t": now,
            "events": self.events,
            "show": None
            if show is None
            else {
                "number": show.number,
                "start": show.start,
                "end": show.end,
                "live": show.active and show.broadcast,
                "rehearsal": show.rehearsal,
            },
            "metrics": self.sidebar(now),
            "pinned": self.pinned(),
        }

    # the report's parts -------------------------------------------------------------------------------

    def segments(self, now: float | None = None) -> list[Segment]:
        show = self.show
        if show is None:
            return []
        t = self.now(now)
        result: list[Segment] = []
        previous_rate: float | None = None
        for seg in show.segments:
            end = seg.end if seg.end is not None else t
            online_end = seg.online_end if seg.end is not None else show.online
            duration = max(0.0, end - seg.start)
            cue = seg.cue
            if duration < BLIP_S and seg.room.orders == 0 and not seg.room.exposed and cue is None:
                # an instant between two pins, or between going live and the first cue, with nothing
                # in it (a skipped cue stays)
                continue
            rate = seg.room.orders * MINUTE / duration if duration > 0 else 0.0
            lift = rate / previous_rate - 1 if previous_rate and duration > 0 else None
            result.append(
                Segment(
                    sku=seg.sku,
                    title=seg.title,
                    start=seg.start,
                    end=end,
                    online_start=seg.online_start,
                    online_end=online_end,
                    exposure_people=len(seg.room.exposed),
                    click_people=len(seg.room.clicked),
                    orders=seg.room.orders,
                    gmv_cents=seg.room.gmv,
                    conversion=_ratio(len(seg.room.buyers), len(seg.room.clicked)) if seg.room.clicked else None,
                    orders_per_minute=rate,
                    lift=lift,
                    buyers=len(seg.room.buyers),
                    product_exposure_people=len(seg.product.exposed),
                    product_click_people=len(seg.product.clicked),
                    product_orders=seg.product.orders,
                    product_gmv_cents=seg.product.gmv,
                    cue=cue.number if cue is not None else None,
                    kind=cue.kind if cue is not None else None,
                    planned_s=cue.planned_s if cue is not None else None,
                    segment_id=cue.segment if cue is not None else None,
                )
            )
            if duration > 0:  # an instant (a skipped cue) is no rate to lift from
                previous_rate = rate
        return result

    def funnels(self) -> list[Funnel]:
        show = self.show
        if show is None:
            return []
        rows = [sets.funnel(sku) for sku, sets in show.products.items() if sets.exposed]
        rows.sort(key=lambda f: (-f.gmv_cents, -f.exposure_people, f.sku or ""))
        return rows

    def top_products(self) -> list[ProductRow]:
        show = self.show
        if show is None:
            return []
        rows = [
            ProductRow(sku, self._title(sku), sets.orders, sets.units, sets.gmv, len(sets.buyers), len(sets.clicked))
            for sku, sets in show.products.items()
            if sets.orders
        ]
        rows.sort(key=lambda r: (-r.gmv_cents, -r.orders, r.sku))
        return rows

    def flash_sales(self) -> list[FlashSaleResult]:
        show = self.show
        if show is None:
            return []
        result = []
        for sale_id in show.sales:
            s = self.sales[sale_id]
            opened = s.opened if s.opened is not None else (s.opens_at if s.sold else None)
            after = None if s.sold_out_at is None or opened is None else max(0.0, s.sold_out_at - opened)
            result.append(
                FlashSaleResult(
                    s.id, s.sku, s.price_cents, s.stock, s.sold, len(s.buyers), opened, s.closed, after,
                    title=self._title(s.sku), per_user_limit=s.per_user_limit, most_per_user=s.most_per_user,
                    gmv_cents=s.gmv,
                )
            )  # fmt: skip
        return result

    def coupon_results(self) -> list[CouponResult]:
        show = self.show
        if show is None:
            return []
        return [
            CouponResult(c.id, c.amount_cents, c.quota, c.claimed, c.used, title=c.title)
            for c in (self.coupons[i] for i in show.coupons)
        ]

    def online_at(self, wall: float) -> int:
        """Online-now just before ``wall`` (within the show)."""
        show = self.show
        if show is None or not show.history_t:
            return 0
        i = bisect_left(show.history_t, wall)
        return show.history_n[max(0, i - 1)]

    def lowest_online(self, start: float, end: float) -> int:
        """The lowest online-now between ``start`` and ``end`` (within the show)."""
        show = self.show
        if show is None or not show.history_t:
            return 0
        first = bisect_right(show.history_t, start)
        last = bisect_right(show.history_t, end)
        values = [show.history_n[max(0, first - 1)], *show.history_n[first:last]]
        return min(values)

    def incidents(self, now: float | None = None) -> list[HealthIncident]:
        show = self.show
        if show is None:
            return []
        t = self.now(now)
        result = []
        for raw in show.incidents:
            start, end = float(raw["start"]), float(raw["end"])
            level: Literal["warning", "error"] = "error" if raw.get("level") == "error" else "warning"
            lo_start = max(start, show.start)
            lo_end = max(lo_start, min(end + INCIDENT_AFTER_S, t))
            result.append(
                HealthIncident(
                    start, end, level, str(raw.get("code") or ""), str(raw.get("message") or ""),
                    self.online_at(max(start, show.start)), self.lowest_online(lo_start, lo_end),
                )
            )  # fmt: skip
        result.sort(key=lambda i: i.start)
        return result

    def markers(self, now: float | None = None) -> list[Marker]:
        show = self.show
        if show is None:
            return []
        health = []
        for i in self.incidents(now):
            en, zh = INCIDENT_NAMES.get(i.code, (i.message, i.message))
            seconds = f"{i.end - i.start:.0f}"
            health.append(Marker(i.start, "health", f"{en.capitalize()} ({seconds} s)", f"{zh}（{seconds} 秒）"))
        return sorted([*show.markers, *health], key=lambda m: m.wall)

    def comment_rows(self) -> list[tuple[float, str, str | None]]:
        """The show's comments (wall, text, viewer id) in order, without deleted ones (the fold must
        keep them: ``keep_comments``)."""
        show = self.show
        return [] if show is None else list(show.comment_texts.values())

    def draw_keywords(self) -> list[str]:
        """The words the show's lucky draws asked viewers to comment (口令): entries, not opinions."""
        show = self.show
        return [] if show is None else list(show.draw_keywords)

    def report(self, room: str, title: str, now: float | None = None) -> Report:
        """Everything of the report but the comment topics (app/analytics/report.py adds them)."""
        show = self.show
        t = self.now(now)
        return Report(
            room=room,
            title=title,
            start=show.start if show is not None else t,
            end=t,
            metrics=self.metrics(now),
            series=self.series(now),
            markers=self.markers(now),
            peak_online=show.peak if show is not None else 0,
            peak_wall=show.peak_wall if show is not None else t,
            funnel=(show.funnel if show is not None else _Sets()).funnel(None),
            funnels=self.funnels(),
            segments=self.segments(now),
            flash_sales=self.flash_sales(),
            coupons=self.coupon_results(),
            products=self.top_products(),
            incidents=self.incidents(now),
            show=show.number if show is not None else 0,
            live=show is not None and show.active and show.broadcast,
            replay_orders=show.replay_orders if show is not None else 0,
            replay_gmv=show.replay_gmv if show is not None else 0,
        )


def _windows(trend: Trend, minutes: list[float], complete: int) -> tuple[float | None, float | None]:
    """(last 5 complete minutes, the 5 before), as :data:`Trend` says; None where there are none.

    While the show is shorter than 10 minutes the earlier window is shorter than 5: a flow's sum is
    scaled to 5 minutes so that the two compare (the later window is whole whenever the earlier
    one exists)."""
    if complete <= 0:
        return None, None
    last = minutes[max(0, complete - WINDOW) : complete]
    before = minutes[max(0, complete - 2 * WINDOW) : max(0, complete - WINDOW)]

    def window(values: list[float]) -> float | None:
        if not values:
            return None
        if trend == "flow":
            return sum(values) * WINDOW / len(values) if values is before else sum(values)
        if trend == "level":
            return sum(values) / len(values)
        if trend == "peak":
            return max(values)
        return values[-1]

    return window(last), window(before)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _float(value: Any, default: float) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _rehearsal(event: Event) -> bool:
    data = event.get("data")
    return isinstance(data, Mapping) and data.get("rehearsal") is True


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


_NOWHERE = _Show(-1, 0.0, False)
"""Where an order paid outside any show's window is counted: nowhere."""

_Handler = Any
_HANDLERS: dict[str, _Handler] = {
    "viewer.enter": MetricsFold._enter,
    "viewer.leave": MetricsFold._leave,
    "relay.started": MetricsFold._relay_started,
    "relay.lost": MetricsFold._relay_started,
    "comment": MetricsFold._comment,
    "comment.deleted": MetricsFold._comment_deleted,
    "like": MetricsFold._like,
    "share": MetricsFold._share,
    "poll.voted": MetricsFold._vote,
    "question.asked": MetricsFold._question,
    "product.added": MetricsFold._added,
    "catalog.imported": MetricsFold._catalog,
    "product.exposure": MetricsFold._exposure,
    "product.click": MetricsFold._click,
    "cart.add": MetricsFold._cart,
    "pin": MetricsFold._pin,
    "unpin": MetricsFold._unpin,
    "order.created": MetricsFold._order_created,
    "order.paid": MetricsFold._order_paid,
    "order.refunded": MetricsFold._order_undone,
    "order.cancelled": MetricsFold._order_undone,
    "flash_sale.created": MetricsFold._sale_created,
    "flash_sale.opened": MetricsFold._sale_opened,
    "flash_sale.closed": MetricsFold._sale_closed,
    "coupon.issued": MetricsFold._coupon_issued,
    "coupon.claimed": MetricsFold._coupon_claimed,
    "coupon.ended": MetricsFold._coupon_ended,
    "poll.opened": MetricsFold._poll_opened,
    "poll.closed": MetricsFold._poll_closed,
    "stream.ended": MetricsFold._stream_ended,
    "rundown.cue": MetricsFold._cue,
    "rundown.launched": MetricsFold._launched,
    "rundown.ended": MetricsFold._rundown_ended,
}
_ROOM_FACTS: dict[str, _Handler] = {
    kind: _HANDLERS[kind]
    for kind in ("product.added", "catalog.imported", "pin", "unpin", "viewer.enter", "viewer.leave", "order.refunded",
                 "order.cancelled", "rundown.ended")
}  # fmt: skip
"""What a rehearsal's events still do in a fold that leaves rehearsals out: the room they leave (the
catalog, the pins, who is connected; a relay restart ends the connections too; a run-of-show's run
ended, so its cue does not carry into the real show) and refunds (a real order's counts; a
rehearsal's orders are unknown to the fold) — always with no show to count in."""
_LAUNCHES: dict[str, tuple[str, str]] = {
    "flash_sale": ("flash sale", "秒杀"),
    "coupon": ("coupon", "优惠券"),
    "poll": ("poll", "投票"),
    "draw": ("lucky draw", "福袋"),
    "cohost": ("co-host invite", "连麦邀请"),
}
"""What the run-of-show can launch (``rundown.launched``'s ``action``), in English and Chinese."""


def _marker(kind: str, label: str, label_zh: str) -> _Handler:
    def handler(
        fold: MetricsFold, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]
    ) -> None:
        if show is not None:
            en, zh = label.format_map(_Blank(data)), label_zh.format_map(_Blank(data))
            show.markers.append(Marker(wall, kind, en, zh))  # type: ignore[arg-type]

    return handler


_draw_marker = _marker("draw", "Lucky draw: {prize}", "福袋：{prize}")


def _draw_opened(
    fold: MetricsFold, show: _Show | None, wall: float, viewer: str | None, data: Mapping[str, Any]
) -> None:
    if show is not None and isinstance(data.get("id"), str):
        show.campaign_markers[data["id"]] = len(show.markers)
    _draw_marker(fold, show, wall, viewer, data)
    keyword = data.get("keyword")
    if show is not None and isinstance(keyword, str) and keyword and keyword not in show.draw_keywords:
        show.draw_keywords.append(keyword)


_HANDLERS.update(
    {
        "group_buy.created": _marker("group_buy", "Group-buy: {group_size} people", "拼团：{group_size} 人团"),
        "group_buy.ended": _marker("group_buy", "Group-buy ends", "拼团结束"),
        "draw.opened": _draw_opened,
        "draw.closed": _marker("draw", "Lucky draw closed: {entrants} entrants", "福袋开奖：{entrants} 人参与"),
        "cohost.joined": _marker("cohost", "Co-host joined: {name}", "连麦：{name} 加入"),
        "cohost.left": _marker("cohost", "Co-host left: {name}", "连麦：{name} 离开"),
    }
)

FOLD_SPECIAL = ("stream.started", "rehearsal.started", "health.incident")
"""Event types :meth:`MetricsFold.apply` handles itself (a show starts; the show's incidents)."""
FOLD_IGNORES = (
    "viewer.muted", "viewer.unmuted", "moderation.words", "draw.entered", "rehearsal.ended", "rundown.saved",
    "group.opened", "group.joined", "group.filled", "group.failed",
    "question.open", "question.answered", "question.dismissed",
    "cohost.invited", "cohost.revoked", "assistant.invited", "assistant.revoked", "flash_sale.returned",
    "room.verification", "stock.changed",
)  # fmt: skip
"""Declared event types (app/commerce/event_types.py) that change no metric: moderation, a draw's entries
(the draw's close carries the count), a group's members (their orders count), questions being
answered, invitations and links, a rehearsal's end (the next stream or rehearsal starts a show), a
cancelled order's units going back to its flash sale (the order's own event counts), the room's
verification rule, a stock correction (sales are counted from orders)."""


def recount(events: Iterable[Event], *, keep_comments: bool = False, include_rehearsal: bool = False) -> MetricsFold:
    """A fresh fold over the raw log (its numbers are those of the log's last show)."""
    fold = MetricsFold(keep_comments=keep_comments, include_rehearsal=include_rehearsal)
    for event in events:
        fold.apply(event)
    return fold


def show_numbers(events: Iterable[Event]) -> list[int]:
    """The broadcasts a log holds (1, 2, ...; rehearsals are none of them), or [0] when it holds none
    (but has events other than a rehearsal's)."""
    fold = MetricsFold()
    for event in events:
        fold.apply(event)
    if fold.shows:
        return list(range(1, fold.shows + 1))
    return [0] if fold.show is not None else []


def fold_show(events: Iterable[Event], show: int | None = None, *, keep_comments: bool = False) -> MetricsFold:
    """The fold of broadcast number ``show`` (1-based; None: the last one), counting the refunds of its
    orders that come later in the log. ValueError when the log has no such show."""
    fold = MetricsFold(keep_comments=keep_comments)
    done = False
    for event in events:
        if done:
            fold.apply_late(event)
            continue
        if (
            show is not None
            and event.get("type") == "stream.started"
            and not _rehearsal(event)
            and fold.show is not None
            and fold.show.number == show
            and not fold.show.active
        ):
            done = True  # the next broadcast begins: this one is complete
            fold.apply_late(event)
            continue
        fold.apply(event)
    if show is not None and (fold.show is None or fold.show.number != show):
        have = fold.shows
        raise ValueError(f"there is no show {show} in this log (it holds {have} broadcast{'s' * (have != 1)})")
    return fold
