"""A scripted live show with a known truth: for demos, and for the tests of the metrics and the report.

:func:`scripted_show` is a 10-minute show (times scale with ``minutes``): 40 viewers arriving,
leaving and coming back, a pre-show and a tail after the end (neither counts), comments with planted
complaints in Chinese (发货慢 6, 假货 4, 尺码 3, 退款 3, 贵 5, 卡顿 4) among ordinary and happy ones,
likes, shares, questions, product exposures, clicks and add-to-carts, pins in a known sequence
(tee → nothing → mug → nothing → shoe → cap → shoe), a flash sale on the mug that sells out (and
refuses a viewer over the limit and one too late), a coupon used on shoes (and refused under its
minimum spend), a poll, a co-host joining and leaving, a refund and two stream-health incidents.

Two drivers run it through the code under test, never around it:

* :class:`EngineDriver` — the room engine in-process on an injected clock (the engine takes its
  time from ``RoomEngine(clock=…)``, the relay passes the system clock): every step is the engine
  method the relay's handler for it calls, at an exact, reproducible time. A 10-minute show runs in
  about a second. Optionally into a relay data folder (``rooms.json`` + the store) that ``shopcast
  report --data`` and ``shopcast relay --data`` read.
* :class:`RelayDriver` — against a running relay, in real time or sped up: viewers over the live
  feed's WebSocket (entering, leaving, exposures, clicks, add-to-carts, comments, likes, shares, as
  the viewer page sends them), orders, claims, votes and questions over the viewer API, the host's
  actions over the owner API, incidents through ``POST …/events``, the stream's start and end
  through ingest (with ``--stream-key``; leave it out when a studio is streaming). The co-host step
  needs a studio to answer the guest and is left out. Flash-sale orders wait for the sale to open
  (its countdown is real time at any speed).

Each executed step is recorded with the engine's time (engine driver), and :func:`truth` computes
from these records — directly, not with the metrics fold — every number the report should show.
Against a relay the times are the relay's own and only approximately the script's, so the truth
then holds the numbers that do not depend on timing (``"timing": "approximate"``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MINUTE = 60.0
BASE_WALL = 1_764_000_000.0
"""The engine driver's clock at the script's time 0 (a fixed day, so runs are reproducible)."""
ROOM = "sim"
TITLE = "模拟直播 · Simulated show"
INCIDENT_AFTER_S = 60.0

CATALOG: list[dict[str, Any]] = [
    {"sku": "tee", "title": "纯棉T恤 Cotton tee", "price": 59.9, "stock": 500},
    {"sku": "mug", "title": "保温杯 Travel mug", "price": 29.9, "stock": 200},
    {
        "sku": "shoe",
        "title": "跑鞋 Runner",
        "price": 399,
        "stock": 0,
        "variants": [{"sku": "shoe-40", "option": "40", "stock": 20}, {"sku": "shoe-41", "option": "41", "stock": 20}],
    },
    {"sku": "cap", "title": "棒球帽 Cap", "price": 19.9, "stock": 100},
]
PRICES = {"tee": 5990, "mug": 2990, "shoe-40": 39900, "shoe-41": 39900, "cap": 1990}
PARENT = {"shoe-40": "shoe", "shoe-41": "shoe"}
TITLES = {"tee": "纯棉T恤 Cotton tee", "mug": "保温杯 Travel mug", "shoe": "跑鞋 Runner", "cap": "棒球帽 Cap"}

COMPLAINTS: dict[str, list[str]] = {
    "发货慢": ["发货太慢了吧", "物流好慢啊", "快递一直不动", "上次买的还没发货", "发货能不能快点", "等了一周都没到"],
    "假货": ["这是假货吧", "感觉是高仿", "不是正品吧", "看着像假的"],
    "尺码": ["尺码偏小", "码数不准", "鞋子穿不上"],
    "退款": ["我要退款", "申请退货", "怎么退款"],
    "贵": ["太贵了", "好贵啊", "不划算", "比别家贵", "价格太高了"],
    "卡顿": ["好卡", "直播卡顿", "画面卡了", "一直转圈"],
}
"""The planted complaints: each text names exactly its topic (checked against app/analytics/topics.py)."""
ORDINARY = ["上链接", "多少钱", "主播好", "有黑色吗", "来了来了", "主播晚上好", "想要", "有优惠券吗", "谢谢主播"]
POSITIVE = ["好看", "喜欢", "质量不错", "已下单", "主播好美", "这个颜色好看", "支持主播", "适合送人"]


def viewer_name(i: int) -> str:
    return f"sim-v{i:02d}"


@dataclass(frozen=True, slots=True)
class Step:
    t: float
    """Seconds from the show's start (its ``stream.started``); negative before it."""
    kind: str
    viewer: str | None = None
    args: dict[str, Any] = field(default_factory=dict)


ARRIVALS = {**{i: -55.0 + 5 * i for i in range(1, 6)}, **{i: 3.5 + 8 * (i - 6) for i in range(6, 41)}}
"""When each viewer first opens the room (seconds from the start; 1-5 wait before it)."""
AWAY = {
    5: [(-20.0, 30.5)],  # leaves before the start, back during the show
    **{i: [(200.5 + i, 262.75 + i)] for i in range(6, 11)},  # away a minute, during the first incident
    **{i: [(446.5 + (i - 11), math.inf)] for i in range(11, 19)},  # gone for good, in the second
    2: [(590.5, math.inf)],
    1: [(610.0, math.inf)],  # after the end
}


def present(i: int, t: float) -> bool:
    """Whether viewer ``i`` is in the room at script time ``t``."""
    return ARRIVALS[i] <= t and not any(left <= t < back for left, back in AWAY.get(i, []))


def scripted_show() -> list[Step]:
    """The scripted show (module docstring). Every step has its own time, and every viewer acts only
    while connected (both are checked here)."""
    steps: list[Step] = []

    def at(t: float, kind: str, viewer: int | None = None, **args: Any) -> None:
        if viewer is not None and kind not in ("enter", "leave") and not present(viewer, t):
            raise AssertionError(f"the script has viewer {viewer} {kind} at {t} while not in the room")
        steps.append(Step(t, kind, viewer_name(viewer) if viewer is not None else None, args))

    def someone(t: float, n: int, among: range = range(1, 41)) -> int:
        """The n-th viewer (cycling) of those in the room at ``t``."""
        here = [i for i in among if present(i, t)]
        return here[n % len(here)]

    pinned_at: list[tuple[float, list[str]]] = [
        (-59, ["tee"]),
        (140.5, []),
        (150.5, ["mug"]),
        (270.5, []),
        (300.5, ["shoe"]),
        (420.5, ["shoe", "cap"]),
        (480.5, ["shoe"]),
    ]

    def pins(t: float) -> list[str]:
        return next(p for when, p in reversed(pinned_at) if when <= t)

    # before the show (none of it counts): the catalog, the first pin, five viewers waiting, one leaves
    at(-60, "catalog")
    at(-59, "pin", sku="tee")
    at(0, "stream_start")
    for i, t in ARRIVALS.items():
        at(t, "enter", i)
        if pins(t):
            at(t + 0.25, "expose", i, skus=pins(t), via="pin")
    for i, spells in AWAY.items():
        for left, back in spells:
            at(left, "leave", i)
            if back != math.inf:
                at(back, "enter", i)
    at(-25, "comment", 1, text="来了来了")
    # host: pins (the sequence above), a flash sale, a coupon, a poll, a co-host, a refund, incidents
    at(140.5, "unpin", sku="tee")
    at(150.5, "pin", sku="mug")
    for i in (1, 2, 3, 4, 6, 7, 8):
        at(151.1 + i, "expose", i, skus=["mug"], via="pin")
    at(160.5, "flash_sale", name="mug-deal", sku="mug", price=19.9, stock=10, limit=2, countdown=10, duration=60)
    at(170.5, "tick")  # the sale opens (countdown 10 s)
    at(225.5, "flash_sale_end", name="mug-deal")
    at(270.5, "unpin", sku="mug")
    at(290.5, "coupon", name="save20", title="满200减20", amount=20, min_spend=200, quota=20, limit=1, valid=600)
    at(300.5, "pin", sku="shoe")
    at(330.5, "poll_open", name="colour", question="选哪个颜色? Which colour?", options=["黑色 Black", "白色 White"])
    at(350.5, "cohost_join", name="guest", guest="嘉宾小美")
    at(390.5, "poll_close", name="colour")
    at(410.5, "cohost_leave", name="guest", guest="嘉宾小美")
    at(420.5, "pin", sku="cap")
    at(480.5, "unpin", sku="cap")
    at(520.5, "refund", order="tee-7")
    at(
        213.5,
        "incident",
        code="network.dropped",
        level="warning",
        message="Network: 8 % of frames dropped",
        start=200.0,
        end=212.0,
        args=["8 %", "10"],
    )
    at(
        453.9,
        "incident",
        code="encoding.skipped",
        level="error",
        message="Encoding is overloaded",
        start=445.0,
        end=452.0,
        args=["6 %", "10"],
    )
    # the funnel: the cart opened (every product shown), clicks, add-to-carts
    for i in (3, 7, 9, 12, 20, 24, 31):
        at(max(ARRIVALS[i], 0) + 1.3 + 0.01 * i, "expose", i, skus=["tee", "mug", "shoe", "cap"], via="cart")
    for i, t in ((1, 20.6), (3, 25.6), (4, 41.6), (7, 52.6), (9, 68.6), (11, 86.6), (12, 95.6), (13, 118.6)):
        at(t, "click", i, sku="tee", via="pin")
    for i, t in ((3, 26.6), (11, 87.6), (13, 119.6), (20, 250.6)):
        at(t, "cart", i, sku="tee")
    # orders (test-mode payments: paid at once)
    at(27.6, "order", 3, sku="tee", qty=1, key="tee-3")
    at(53.6, "order", 7, sku="tee", qty=2, key="tee-7")
    at(69.6, "order", 9, sku="tee", qty=1, key="tee-9")
    at(96.6, "order", 12, sku="tee", qty=1, key="tee-12")
    for n, (i, qty) in enumerate(((13, 2), (14, 2), (15, 2), (16, 2), (17, 1), (19, 1))):
        at(171.6 + 3 * n, "click", i, sku="mug", via="flash_sale")
        at(172.6 + 3 * n, "order", i, sku="mug", qty=qty, flash="mug-deal", key=f"deal-{i}")
    at(176.9, "order", 13, sku="mug", qty=1, flash="mug-deal", key="deal-13b", refused="limit_reached")
    at(192.6, "order", 20, sku="mug", qty=1, flash="mug-deal", key="deal-20", refused="sold_out")
    at(199.6, "order", 21, sku="mug", qty=1, key="mug-21")
    for n, i in enumerate(range(22, 30)):
        at(292.6 + n, "claim", i, coupon="save20")
    for i, sku, qty, coupon in (
        (22, "shoe-40", 1, True),
        (23, "shoe-40", 1, True),
        (24, "shoe-41", 1, True),
        (30, "shoe-41", 1, False),
        (29, "shoe-40", 2, True),
    ):
        at(305.6 + 2 * (i - 22), "click", i, sku=sku, via="pin")
        at(306.6 + 2 * (i - 22), "order", i, sku=sku, qty=qty, coupon="save20" if coupon else None, key=f"shoe-{i}")
    at(327.6, "order", 25, sku="cap", qty=1, coupon="save20", key="cap-25", refused="min_spend_not_met")
    for i, qty, t in ((32, 3, 430.6), (33, 1, 436.6)):
        at(t - 1, "click", i, sku="cap", via="pin")
        at(t, "order", i, sku="cap", qty=qty, key=f"cap-{i}")
    at(499.6, "click", 34, sku="shoe-41", via="pin")
    at(500.6, "order", 34, sku="shoe-41", qty=1, key="shoe-34")
    for n, i in enumerate(range(6, 18)):
        at(335.7 + 2 * n, "vote", i, poll="colour", option=n % 3 % 2)
    # interaction: complaints, ordinary and happy comments, likes, shares, questions
    complaints = [text for group in COMPLAINTS.values() for text in group]
    for n, text in enumerate(complaints):
        t = 40.8 + 21 * n
        at(t, "comment", someone(t, 7 * n), text=text)
    for n, text in enumerate(ORDINARY + POSITIVE):
        t = 33.9 + 31 * n
        at(t, "comment", someone(t, 3 * n + 1), text=text)
    for n, count in enumerate((3, 5, 10, 2, 7, 4, 1, 12, 6, 3, 9, 2, 5, 8, 4)):
        t = 44.3 + 37 * n
        at(t, "like", someone(t, 5 * n + 2), count=count)
    for n in range(4):
        t = 111.4 + 101 * n
        at(t, "share", someone(t, 11 * n + 3))
    for n, (t, text) in enumerate(((100.3, "有黑色吗?"), (258.3, "鞋子偏大还是偏小?"), (404.3, "什么时候发货?"))):
        at(t, "ask", someone(t, 13 * n + 5), text=text)
    at(600, "stream_end")
    at(605, "comment", 3, text="拜拜")  # after the end: not counted
    steps.sort(key=lambda s: s.t)
    times = [s.t for s in steps]
    if len(set(times)) != len(times):
        raise AssertionError(f"two steps share a time: {sorted(t for t in times if times.count(t) > 1)}")
    return steps


# --- running it --------------------------------------------------------------------------------------


class SimClock:
    """The engine driver's clock: it moves only when the driver moves it."""

    def __init__(self, wall: float) -> None:
        self.wall = wall

    def time(self) -> float:
        return self.wall


@dataclass(slots=True)
class Record:
    """An executed step: when (the engine's wall time; the relay's is not known: None) and what it did."""

    t: float | None
    kind: str
    viewer: str | None
    args: dict[str, Any]
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Outcome:
    records: list[Record]
    start: float | None
    end: float | None
    timing: str
    """``exact`` (the engine driver: every time is the script's) or ``approximate`` (a relay)."""


class EngineDriver:
    """Runs the script through the room engine's own methods on a simulated clock (module docstring)."""

    def __init__(self, data_dir: Path, room: str = ROOM, title: str = TITLE, base_wall: float = BASE_WALL) -> None:
        from app.commerce.engine import RoomEngine

        self.data_dir = data_dir
        self.room = room
        self.title = title
        self.base = base_wall
        self.clock = SimClock(base_wall)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.live_since: float | None = None
        self.engine = RoomEngine(data_dir / "commerce.sqlite3", clock=self.clock, stream_time=self._stream_time)
        self.names: dict[str, str] = {}
        self.orders: dict[str, str] = {}
        self.invites: dict[str, tuple[str, str, float]] = {}

    def _stream_time(self, room: str) -> float | None:
        return None if self.live_since is None else self.clock.wall - self.live_since

    def register_room(self) -> dict[str, str] | None:
        """Write the room into ``rooms.json`` (as a relay would) so the folder is a relay data folder; its
        new stream key and owner token. A room that is there already keeps its own (None): its studio
        and its host go on with the ones they have (only their hashes are kept here, so they cannot be
        told, and replacing them would lock the studio out)."""
        from app.relay.rooms import RoomExistsError, RoomRegistry

        registry = RoomRegistry(self.data_dir / "rooms.json")
        try:
            made = registry.create(self.room, self.title)
        except RoomExistsError:
            return None
        return {"stream_key": made.stream_key, "owner_token": made.owner_token}

    def close(self) -> None:
        self.engine.close()

    def run(self, steps: Iterable[Step]) -> Outcome:
        records = []
        start = end = None
        for step in steps:
            self.clock.wall = self.base + step.t
            result = self._do(step)
            if result is None:
                continue
            records.append(Record(self.clock.wall, step.kind, step.viewer, dict(step.args), result))
            if step.kind == "stream_start":
                start = self.clock.wall
            elif step.kind == "stream_end":
                end = self.clock.wall
        return Outcome(records, start, end, "exact")

    def _do(self, step: Step) -> dict[str, Any] | None:
        from app.commerce.catalog import parse_catalog
        from app.commerce.coupons import CouponInput
        from app.commerce.errors import CommerceError
        from app.commerce.flash_sales import FlashSaleInput
        from app.commerce.orders import OrderRequest

        e, room, a, v = self.engine, self.room, step.args, step.viewer or ""
        nick = "观众" + v[-2:]
        kind = step.kind
        if kind == "catalog":
            e.import_catalog(room, parse_catalog(json.dumps(CATALOG).encode(), "application/json"))
        elif kind == "stream_start":
            self.live_since = self.clock.wall
            e.log(room, "stream.started")
        elif kind == "stream_end":
            e.log(room, "stream.ended")
            self.live_since = None
        elif kind == "tick":
            e.tick()
        elif kind == "pin":
            e.pin(room, a["sku"])
        elif kind == "unpin":
            e.unpin(room, a["sku"])
        elif kind == "enter":
            e.viewer_enter(room, v, nick)
        elif kind == "leave":
            e.viewer_leave(room, v, 0.0)
        elif kind in ("expose", "click", "cart", "share"):
            skus = a.get("skus") or ([a["sku"]] if "sku" in a else [])
            interaction = {"expose": "exposure", "cart": "cart_add"}.get(kind, kind)
            e.interaction(room, v, interaction, skus, a.get("via", "room" if kind == "share" else "cart"))
        elif kind == "comment":
            e.comment(room, v, nick, a["text"])
        elif kind == "like":
            e.like(room, v, a["count"])
        elif kind == "ask":
            e.ask(room, v, nick, a["text"])
        elif kind == "vote":
            e.vote(room, v, self.names[a["poll"]], a["option"])
        elif kind == "claim":
            e.claim_coupon(room, v, self.names[a["coupon"]])
        elif kind == "order":
            request = OrderRequest(
                a["sku"],
                a["qty"],
                flash_sale_id=self.names.get(a.get("flash") or ""),
                coupon_id=self.names.get(a.get("coupon") or ""),
            )
            try:
                order, _ = e.place_order(room, v, nick, request, a["key"])
            except CommerceError as exc:
                if exc.code != a.get("refused"):
                    raise
                return {"refused": exc.code}
            if a.get("refused"):
                raise AssertionError(f"order {a['key']} should have been refused ({a['refused']})")
            self.orders[a["key"]] = order["order_id"]
            return {
                "order_id": order["order_id"],
                "total_cents": round(order["total"] * 100),
                "status": order["status"],
            }
        elif kind == "refund":
            e.refund_order(room, self.orders[a["order"]])
        elif kind == "flash_sale":
            sale = e.create_flash_sale(
                room,
                FlashSaleInput(
                    a["sku"], round(a["price"] * 100), a["stock"], a["limit"], a["countdown"], a["duration"]
                ),
            )
            self.names[a["name"]] = sale["id"]
        elif kind == "flash_sale_end":
            e.end_flash_sale(room, self.names[a["name"]])
        elif kind == "coupon":
            coupon = e.create_coupon(
                room,
                CouponInput(
                    a["title"],
                    round(a["amount"] * 100),
                    round(a["min_spend"] * 100),
                    a["quota"],
                    a["limit"],
                    a["valid"],
                ),
            )
            self.names[a["name"]] = coupon["id"]
        elif kind == "poll_open":
            self.names[a["name"]] = e.open_poll(room, a["question"], a["options"])["id"]
        elif kind == "poll_close":
            e.close_poll(room, self.names[a["name"]])
        elif kind == "cohost_join":
            invite = e.create_cohost_invite(room, a["guest"], 1800)
            session = "sim-" + secrets.token_hex(4)
            e.use_cohost_invite(room, invite["id"], session, a["guest"])
            self.invites[a["name"]] = (invite["id"], session, self.clock.wall)
        elif kind == "cohost_leave":
            invite_id, session, joined = self.invites[a["name"]]
            e.cohost_left(room, invite_id, session, a.get("guest", "guest"), "guest", "left", self.clock.wall - joined)
        elif kind == "incident":
            data = {
                "code": a["code"],
                "level": a["level"],
                "message": a["message"],
                "start": self.base + a["start"],
                "end": self.base + a["end"],
                "args": a["args"],
            }
            e.log_studio_event(room, "health.incident", data)
        else:
            raise ValueError(f"unknown step {kind!r}")
        return {}


class RelayDriver:
    """Runs the script against a running relay over its real API and live feed (module docstring)."""

    def __init__(
        self,
        base_url: str,
        room: str,
        owner_token: str,
        *,
        speed: float = 1.0,
        stream_key: str | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.room = room
        self.owner = owner_token
        self.speed = speed
        self.stream_key = stream_key
        self.log = log or (lambda line: None)
        self.names: dict[str, str] = {}
        self.orders: dict[str, str] = {}
        self.sockets: dict[str, Any] = {}
        self.readers: dict[str, asyncio.Task[None]] = {}
        self.sessions: dict[str, str] = {}
        """Each scripted viewer's session token: the relay, not the script, says who a viewer is."""

    def run(self, steps: list[Step]) -> Outcome:
        return asyncio.run(self._run(steps))

    async def _run(self, steps: list[Step]) -> Outcome:
        import httpx

        api = f"{self.base}/api/v1/rooms/{self.room}"
        records: list[Record] = []
        first = steps[0].t if steps else 0.0
        began = time.monotonic()
        async with (
            httpx.AsyncClient(base_url=api, headers={"Authorization": f"Bearer {self.owner}"}, timeout=30) as host,
            httpx.AsyncClient(base_url=api, timeout=30) as viewers,
            httpx.AsyncClient(base_url=self.base, timeout=30) as ingest,
        ):
            self.host, self.viewers, self.ingest = host, viewers, ingest
            try:
                for step in steps:
                    wait = (step.t - first) / self.speed - (time.monotonic() - began)
                    if wait > 0:
                        await asyncio.sleep(wait)
                    result = await self._do(step)
                    if result is not None:
                        records.append(Record(None, step.kind, step.viewer, dict(step.args), result))
            finally:
                for viewer in list(self.sockets):  # the viewers still there leave when the simulation ends
                    await self._close(viewer)
                    records.append(Record(None, "leave", viewer, {}))
        return Outcome(records, None, None, "approximate")

    async def _check(self, response: Any, what: str) -> dict[str, Any]:
        if response.status_code >= 400:
            raise RuntimeError(f"{what}: the relay answered {response.status_code} {response.text[:300]}")
        return response.json() if response.content else {}

    async def _send(self, viewer: str, message: dict[str, Any]) -> None:
        await self.sockets[viewer].send(json.dumps(message, ensure_ascii=False))

    async def _close(self, viewer: str) -> None:
        ws = self.sockets.pop(viewer, None)
        reader = self.readers.pop(viewer, None)
        if ws is not None:
            await ws.close()
        if reader is not None:
            reader.cancel()

    async def _read(self, viewer: str, ws: Any) -> None:
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "error":
                    self.log(f"{viewer}: the feed refused a message: {message.get('message')}")
        except Exception:  # closing or closed: nothing more to read
            return

    async def _session(self, viewer: str) -> dict[str, str]:
        """The scripted viewer's session (one minted by the relay the first time they act)."""
        if viewer not in self.sessions:
            minted = await self._check(await self.viewers.post(f"{self.base}/api/v1/sessions"), "session")
            self.viewers.cookies.clear()  # one client for every viewer: the next one must not renew this one
            self.sessions[viewer] = str(minted["token"])
        return {"Authorization": f"Bearer {self.sessions[viewer]}"}

    async def _do(self, step: Step) -> dict[str, Any] | None:
        from websockets.asyncio.client import connect

        a, v = step.args, step.viewer or ""
        host, viewers = self.host, self.viewers
        viewer_headers = await self._session(v) if v else {}
        kind = step.kind
        if kind == "catalog":
            await self._check(await host.post("/catalog", json=CATALOG), "catalog")
        elif kind in ("stream_start", "stream_end"):
            if self.stream_key is None:
                return None
            playlist = b"#EXTM3U\n#EXT-X-VERSION:7\n" + (b"#EXT-X-ENDLIST\n" if kind == "stream_end" else b"")
            path = "master.m3u8" if kind == "stream_start" else "sim/audio/index.m3u8"
            headers = {"Authorization": f"Bearer {self.stream_key}"}
            stored = await self.ingest.put(f"/ingest/{self.room}/{path}", content=playlist, headers=headers)
            await self._check(stored, kind)
        elif kind == "tick":
            return {}
        elif kind == "pin":
            await self._check(await host.post("/pins", json={"sku": a["sku"]}), "pin")
        elif kind == "unpin":
            await self._check(await host.delete(f"/pins/{a['sku']}"), "unpin")
        elif kind == "enter":
            ws_base = self.base.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
            ws = await connect(
                f"{ws_base}/api/v1/rooms/{self.room}/live?nickname=sim{v[-2:]}", additional_headers=viewer_headers
            )
            await ws.recv()  # the snapshot: the relay logged the entry before sending it
            self.sockets[v] = ws
            self.readers[v] = asyncio.create_task(self._read(v, ws))
        elif kind == "leave":
            await self._close(v)
        elif kind in ("expose", "click", "cart", "share"):
            skus = a.get("skus") or ([a["sku"]] if "sku" in a else [])
            message_type = {"expose": "exposure", "cart": "cart_add"}.get(kind, kind)
            await self._send(v, {"type": message_type, "skus": skus, "via": a.get("via", "room")})
        elif kind == "comment":
            if v not in self.sockets:
                return None  # a comment from someone not in the room (the tail's): the page cannot send it
            await self._send(v, {"type": "comment", "text": a["text"]})
        elif kind == "like":
            await self._send(v, {"type": "like", "count": a["count"]})
        elif kind == "ask":
            await self._check(await viewers.post("/questions", json={"text": a["text"]}, headers=viewer_headers), "ask")
        elif kind == "vote":
            path = f"/polls/{self.names[a['poll']]}/votes"
            await self._check(await viewers.post(path, json={"option": a["option"]}, headers=viewer_headers), "vote")
        elif kind == "claim":
            path = f"/coupons/{self.names[a['coupon']]}/claims"
            await self._check(await viewers.post(path, headers=viewer_headers), "claim")
        elif kind == "order":
            return await self._order(step)
        elif kind == "refund":
            await self._check(await host.post(f"/orders/{self.orders[a['order']]}/refund"), "refund")
        elif kind == "flash_sale":
            body = {
                "sku": a["sku"],
                "price": a["price"],
                "stock": a["stock"],
                "per_user_limit": a["limit"],
                "countdown_s": a["countdown"],
                "duration_s": a["duration"],
            }
            self.names[a["name"]] = (await self._check(await host.post("/flash-sales", json=body), "flash sale"))["id"]
        elif kind == "flash_sale_end":
            await self._check(await host.post(f"/flash-sales/{self.names[a['name']]}/end"), "end flash sale")
        elif kind == "coupon":
            body = {
                "title": a["title"],
                "amount": a["amount"],
                "min_spend": a["min_spend"],
                "quota": a["quota"],
                "per_user_limit": a["limit"],
                "valid_s": a["valid"],
            }
            self.names[a["name"]] = (await self._check(await host.post("/coupons", json=body), "coupon"))["id"]
        elif kind == "poll_open":
            body = {"question": a["question"], "options": a["options"]}
            self.names[a["name"]] = (await self._check(await host.post("/polls", json=body), "poll"))["id"]
        elif kind == "poll_close":
            await self._check(await host.post(f"/polls/{self.names[a['name']]}/close"), "close poll")
        elif kind in ("cohost_join", "cohost_leave"):
            return None  # needs a studio to answer the guest
        elif kind == "incident":
            now = time.time()
            length = a["end"] - a["start"]
            data = {
                "code": a["code"],
                "level": a["level"],
                "message": a["message"],
                "start": now - length / self.speed,
                "end": now,
                "args": a["args"],
            }
            await self._check(await host.post("/events", json={"type": "health.incident", "data": data}), "incident")
        else:
            raise ValueError(f"unknown step {kind!r}")
        return {}

    async def _order(self, step: Step) -> dict[str, Any]:
        a, v = step.args, step.viewer or ""
        body: dict[str, Any] = {"sku": a["sku"], "qty": a["qty"]}
        if a.get("flash"):
            body["flash_sale_id"] = self.names[a["flash"]]
        if a.get("coupon"):
            body["coupon_id"] = self.names[a["coupon"]]
        session = await self._session(v)
        for tap in itertools.count():
            # A tap is a request with a key of its own: a refusal is kept under its key (24 h), so trying
            # again after "not open yet" is a new tap, as the page's is.
            key = a["key"] if tap == 0 else f"{a['key']}-tap{tap}"
            response = await self.viewers.post("/orders", json=body, headers={**session, "Idempotency-Key": key})
            if response.status_code == 409 and response.json().get("error") == "not_open_yet":
                # the flash sale's countdown is real time at any speed: wait for it as a page does (it
                # knows when the sale opens), not by tapping (taps count against the viewer's rate limit)
                opens_in = float(response.json().get("opens_at") or 0) - time.time()
                await asyncio.sleep(min(5.0, max(0.0, opens_in)) + 0.1)
                continue
            break
        if a.get("refused"):
            code = response.json().get("error") if response.status_code >= 400 else None
            if code != a["refused"]:
                raise RuntimeError(f"order {a['key']} should be refused with {a['refused']}: {response.text[:200]}")
            return {"refused": code}
        order = await self._check(response, f"order {a['key']}")
        self.orders[a["key"]] = order["order_id"]
        return {"order_id": order["order_id"], "total_cents": round(order["total"] * 100), "status": order["status"]}


# --- the truth -------------------------------------------------------------------------------------


def _root(sku: str) -> str:
    return PARENT.get(sku, sku)


FUNNEL_STEPS = ("expose", "click", "cart", "share")
ONCE_A_MINUTE = ("product_exposures", "product_clicks", "cart_adds", "shares")
"""Counts of funnel steps the relay logs once per viewer, product, kind and minute of its own clock
(RoomEngine.interaction): the truth has them only when it knows that clock (the engine driver)."""


def _logged_once_a_minute(records: list[Record]) -> dict[int, list[str]]:
    """For each funnel step (by ``id`` of its record), the products the relay logged for it: those not
    already logged for that viewer and kind in the same minute ("" for a share of the room)."""
    marks: set[tuple[str | None, str, str, int]] = set()
    logged: dict[int, list[str]] = {}
    for r in records:
        if r.kind not in FUNNEL_STEPS or r.t is None:
            continue
        skus = list(r.args.get("skus") or ([r.args["sku"]] if "sku" in r.args else [])) or [""]
        minute = int(r.t // 60)
        fresh = [sku for sku in dict.fromkeys(skus) if (r.viewer, r.kind, sku, minute) not in marks]
        marks.update((r.viewer, r.kind, sku, minute) for sku in fresh)
        logged[id(r)] = fresh
    return logged


def truth(outcome: Outcome) -> dict[str, Any]:
    """Every number the report of the simulated show should show, computed straight from what the
    driver did (not with the metrics fold). Keys follow app/analytics/model.py's Report."""
    records = outcome.records
    exact = outcome.timing == "exact"
    start = outcome.start
    end = outcome.end
    in_show: list[Record]
    if exact:
        assert start is not None
        assert end is not None
        in_show = [r for r in records if r.t is not None and start <= r.t <= end]
    else:  # no times: the show is what came between the start and the end steps (without a stream: all)
        kinds = [r.kind for r in records]
        first = kinds.index("stream_start") if "stream_start" in kinds else 0
        last = kinds.index("stream_end") + 1 if "stream_end" in kinds else len(records)
        in_show = records[first:last]
    result: dict[str, Any] = {"timing": outcome.timing, "room": ROOM}
    logged = _logged_once_a_minute(records)

    # --- viewers: who was in the room at the start, who came; new or seen before (at that entry)
    first_index = records.index(in_show[0]) if in_show else len(records)
    seen: set[str | None] = set()
    returning_entry: dict[int, bool] = {}
    for n, r in enumerate(records):
        if r.kind == "enter":
            returning_entry[n] = r.viewer in seen
            seen.add(r.viewer)
    online_at_start: dict[str, bool] = {}
    for n, r in enumerate(records[:first_index]):
        if r.kind == "enter" and r.viewer:
            online_at_start[r.viewer] = returning_entry[n]
        elif r.kind == "leave" and r.viewer:
            online_at_start.pop(r.viewer, None)
    brought: dict[str, bool] = dict(online_at_start)
    for n in range(first_index, first_index + len(in_show)):
        r = records[n]
        if r.kind == "enter" and r.viewer and r.viewer not in brought:
            brought[r.viewer] = returning_entry[n]
    entries = [r for r in in_show if r.kind == "enter"]
    leaves = [r for r in in_show if r.kind == "leave"]
    viewers = set(brought)
    views = len(online_at_start) + len(entries)
    metrics: dict[str, float] = {
        "viewers": len(viewers),
        "views": views,
        "entries": views,
        "exits": len(leaves),
        "new_viewers": sum(1 for returning in brought.values() if not returning),
        "returning_viewers": sum(1 for returning in brought.values() if returning),
    }
    # --- interaction
    comments = [r for r in in_show if r.kind == "comment"]
    likes = [r for r in in_show if r.kind == "like"]
    interacting = {r.viewer for r in in_show if r.kind in ("comment", "like", "share", "vote", "ask")}
    metrics.update(
        comments=len(comments),
        commenters=len({r.viewer for r in comments}),
        likes=sum(r.args["count"] for r in likes),
        likers=len({r.viewer for r in likes}),
        shares=sum(1 for r in in_show if r.kind == "share" and logged.get(id(r))),
        votes=sum(1 for r in in_show if r.kind == "vote"),
        questions=sum(1 for r in in_show if r.kind == "ask"),
        interaction_people=len(interacting),
        interaction_rate=len(interacting) / len(viewers),
        like_interaction_rate=len({r.viewer for r in likes}) / len(viewers),
    )
    # --- the funnel (monotone: a buyer clicked, a clicker was exposed)
    paid = [r for r in in_show if r.kind == "order" and "order_id" in r.result]
    refunded_keys = {r.args["order"] for r in records if r.kind == "refund"}
    products: dict[str, dict[str, Any]] = {}

    def product(root: str) -> dict[str, Any]:
        return products.setdefault(
            root,
            {"exposed": set(), "clicked": set(), "carted": set(), "buyers": set(), "orders": 0, "units": 0, "gmv": 0},
        )

    exposures = clicks = carts = 0
    for r in in_show:
        if r.kind == "expose":
            exposures += len(logged.get(id(r), ()))
            for sku in r.args["skus"]:
                product(_root(sku))["exposed"].add(r.viewer)
        elif r.kind == "click":
            clicks += 1 if logged.get(id(r)) else 0
            p = product(_root(r.args["sku"]))
            p["clicked"].add(r.viewer)
            p["exposed"].add(r.viewer)
        elif r.kind == "cart":
            carts += 1 if logged.get(id(r)) else 0
            product(_root(r.args["sku"]))["carted"].add(r.viewer)
    for r in paid:
        p = product(_root(r.args["sku"]))
        p["buyers"].add(r.viewer)
        p["clicked"].add(r.viewer)
        p["exposed"].add(r.viewer)
        p["orders"] += 1
        p["units"] += r.args["qty"]
        p["gmv"] += r.result["total_cents"]

    def union(key: str) -> set[str]:
        return set().union(*(p[key] for p in products.values())) if products else set()

    exposed, clicked, carted, buyers = union("exposed"), union("clicked"), union("carted"), union("buyers")
    gmv = sum(r.result["total_cents"] for r in paid)
    metrics.update(
        product_exposures=exposures,
        product_exposure_people=len(exposed),
        product_clicks=clicks,
        product_click_people=len(clicked),
        cart_adds=carts,
        cart_people=len(carted),
        order_people=len(buyers),
        orders_placed=len(paid),
        buyers=len(buyers),
        orders=len(paid),
        units=sum(r.args["qty"] for r in paid),
        gmv=gmv,
        refunds=sum(1 for r in paid if r.args["key"] in refunded_keys),
        refund_cents=sum(r.result["total_cents"] for r in paid if r.args["key"] in refunded_keys),
        click_through_rate=len(clicked) / len(exposed),
        click_to_order_rate=len(buyers) / len(clicked),
        viewer_conversion=len(buyers) / len(viewers),
        gpm=gmv * 1000 / views,
        uv_value=gmv / len(viewers),
        aov=gmv / len(buyers),
    )
    if not exact:  # counted on the relay's clock's minutes, which the script's timing does not give
        for key in ONCE_A_MINUTE:
            metrics.pop(key, None)
    result["funnel"] = {
        "sku": None,
        "exposure_people": len(exposed),
        "click_people": len(clicked),
        "cart_people": len(carted),
        "buyers": len(buyers),
        "orders": len(paid),
        "gmv_cents": gmv,
        "order_people": len(buyers),  # every order placed was paid
    }
    result["funnels"] = sorted(
        (
            {
                "sku": sku,
                "exposure_people": len(p["exposed"]),
                "click_people": len(p["clicked"]),
                "cart_people": len(p["carted"]),
                "buyers": len(p["buyers"]),
                "orders": p["orders"],
                "gmv_cents": p["gmv"],
                "order_people": len(p["buyers"]),
            }
            for sku, p in products.items()
            if p["exposed"]
        ),
        key=lambda f: (-f["gmv_cents"], -f["exposure_people"], f["sku"]),
    )
    result["products"] = sorted(
        (
            {
                "sku": sku,
                "title": TITLES[sku],
                "orders": p["orders"],
                "units": p["units"],
                "gmv_cents": p["gmv"],
                "buyers": len(p["buyers"]),
                "click_people": len(p["clicked"]),
            }
            for sku, p in products.items()
            if p["orders"]
        ),
        key=lambda row: (-row["gmv_cents"], -row["orders"], row["sku"]),
    )
    # --- campaigns
    deal = [r for r in records if r.kind == "order" and r.args.get("flash") and "order_id" in r.result]
    sale = next(r for r in records if r.kind == "flash_sale")
    per_user: dict[str, int] = {}
    for r in deal:
        per_user[r.viewer or ""] = per_user.get(r.viewer or "", 0) + r.args["qty"]
    sold_out = None
    running = 0
    for r in deal:
        running += r.args["qty"]
        if running >= sale.args["stock"] and sold_out is None:
            sold_out = r.t
    opened = next(
        (r.t for r in records if r.kind == "tick" and r.t is not None and sale.t is not None and r.t >= sale.t), None
    )
    closed = next((r.t for r in records if r.kind == "flash_sale_end"), None)
    result["flash_sales"] = [
        {
            "sku": sale.args["sku"],
            "price_cents": round(sale.args["price"] * 100),
            "stock": sale.args["stock"],
            "sold": sum(per_user.values()),
            "buyers": len(per_user),
            "per_user_limit": sale.args["limit"],
            "most_per_user": max(per_user.values()),
            "gmv_cents": sum(r.result["total_cents"] for r in deal),
            "title": TITLES[sale.args["sku"]],
            **(
                {
                    "opened": opened,
                    "closed": closed,
                    "sold_out_after_s": None if sold_out is None or opened is None else sold_out - opened,
                }
                if exact
                else {}
            ),
        }
    ]
    coupon = next(r for r in records if r.kind == "coupon")
    result["coupons"] = [
        {
            "amount_cents": round(coupon.args["amount"] * 100),
            "issued": coupon.args["quota"],
            "title": coupon.args["title"],
            "claimed": sum(1 for r in records if r.kind == "claim"),
            "used": sum(1 for r in paid if r.args.get("coupon")),
        }
    ]
    result["negative_topics"] = {topic: len(texts) for topic, texts in COMPLAINTS.items()}
    result["markers"] = _marker_counts(in_show, exact)
    result["metrics"] = metrics
    if exact:
        assert start is not None
        assert end is not None
        _timed_truth(result, records, in_show, start, end, set(online_at_start))
    return result


def _marker_counts(in_show: list[Record], exact: bool) -> dict[str, int]:
    counts = {
        "pin": sum(1 for r in in_show if r.kind == "pin"),
        "unpin": sum(1 for r in in_show if r.kind == "unpin"),
        "flash_sale": sum(1 for r in in_show if r.kind in ("flash_sale", "flash_sale_end")) + 1,  # + it opening
        "coupon": sum(1 for r in in_show if r.kind == "coupon"),
        "poll": sum(1 for r in in_show if r.kind in ("poll_open", "poll_close")),
        "health": sum(1 for r in in_show if r.kind == "incident"),
    }
    if exact:
        counts["cohost"] = sum(1 for r in in_show if r.kind in ("cohost_join", "cohost_leave"))
        counts["stream"] = 2
    return counts


def _timed_truth(
    result: dict[str, Any], records: list[Record], in_show: list[Record], start: float, end: float, carried: set[str]
) -> None:
    """The numbers that depend on when things happened (exact only on the simulated clock)."""
    # each viewer's connections as [enter, leave) within the show
    intervals: list[tuple[float, float]] = [(start, _leave_after(records, v, start, end)) for v in carried]
    for r in in_show:
        if r.kind == "enter" and r.t is not None:
            intervals.append((r.t, _leave_after(records, r.viewer, r.t, end)))

    def online(t: float) -> int:  # after everything at t
        return sum(1 for a, b in intervals if a <= t < b or (a <= t and b == end and t == end))

    def online_before(t: float) -> int:
        return sum(1 for a, b in intervals if a < t <= b)

    changes = sorted({start, *(a for a, _ in intervals), *(b for _, b in intervals if b < end)})
    watch = sum(b - a for a, b in intervals)
    duration = end - start
    metrics = result["metrics"]
    peak = max(online(t) for t in changes)
    peak_wall = next(t for t in changes if online(t) == peak)
    metrics.update(
        online=online(end),
        peak_online=peak,
        avg_online=watch / duration,
        avg_watch_time=watch / metrics["viewers"],
        total_watch_time=watch,
        duration=duration,
    )
    result["peak_online"], result["peak_wall"] = peak, peak_wall
    result["start"], result["end"] = start, end
    length = max(1, math.ceil(duration / MINUTE))

    def minute(t: float) -> int:
        return min(length - 1, int((t - start) // MINUTE))

    def per_minute(rows: Iterable[tuple[float, int]]) -> list[int]:
        values = [0] * length
        for t, amount in rows:
            values[minute(t)] += amount
        return values

    ends = [online_before(start + MINUTE * (i + 1)) for i in range(length - 1)] + [online(end)]
    peaks = []
    for i in range(length):
        lo, hi = start + MINUTE * i, min(end, start + MINUTE * (i + 1))
        inside = [t for t in changes if lo <= t < hi or (i == length - 1 and t == end)]
        peaks.append(max([online_before(lo) if i else online(start)] + [online(t) for t in inside]))
    paid = [r for r in in_show if r.kind == "order" and "order_id" in r.result]
    result["series"] = {
        "start": start,
        "online": ends,
        "online_peak": peaks,
        "entries": per_minute([(start, len(carried))] + [(r.t, 1) for r in in_show if r.kind == "enter" and r.t]),
        "exits": per_minute((r.t, 1) for r in in_show if r.kind == "leave" and r.t is not None),
        "comments": per_minute((r.t, 1) for r in in_show if r.kind == "comment" and r.t is not None),
        "likes": per_minute((r.t, r.args["count"]) for r in in_show if r.kind == "like" and r.t is not None),
        "orders": per_minute((r.t, 1) for r in paid if r.t is not None),
        "gmv_cents": per_minute((r.t, r.result["total_cents"]) for r in paid if r.t is not None),
    }
    result["segments"] = _segments(records, in_show, start, end, online, online_before)
    incidents = []
    for r in in_show:
        if r.kind != "incident":
            continue
        a = r.args
        s, e = BASE_WALL + a["start"], BASE_WALL + a["end"]
        window_end = min(e + INCIDENT_AFTER_S, end)
        low = min([online(s)] + [online(t) for t in changes if s < t <= window_end])
        incidents.append(
            {
                "start": s,
                "end": e,
                "level": a["level"],
                "code": a["code"],
                "message": a["message"],
                "online_before": online_before(s),
                "online_low": low,
            }
        )
    result["incidents"] = incidents


def _leave_after(records: list[Record], viewer: str | None, t: float, end: float) -> float:
    """When ``viewer``'s connection open at ``t`` closed (the show's end if later or never)."""
    for r in records:
        if r.kind == "leave" and r.viewer == viewer and r.t is not None and r.t > t:
            return min(r.t, end)
    return end


def _segments(
    records: list[Record],
    in_show: list[Record],
    start: float,
    end: float,
    online: Callable[[float], int],
    online_before: Callable[[float], int],
) -> list[dict[str, Any]]:
    pins: list[str] = []
    for r in records:
        if r.t is not None and r.t >= start:
            break
        if r.kind == "pin":
            pins.append(r.args["sku"])
        elif r.kind == "unpin":
            pins.remove(r.args["sku"])
    bounds: list[tuple[float, str | None]] = [(start, pins[-1] if pins else None)]
    for r in in_show:
        if r.kind in ("pin", "unpin") and r.t is not None:
            if r.kind == "pin":
                pins.append(r.args["sku"])
            else:
                pins.remove(r.args["sku"])
            explained = pins[-1] if pins else None
            if explained != bounds[-1][1]:
                bounds.append((r.t, explained))
    segments = []
    previous_rate: float | None = None
    for n, (s, sku) in enumerate(bounds):
        e = bounds[n + 1][0] if n + 1 < len(bounds) else end
        rows = [r for r in in_show if r.t is not None and (s <= r.t < e or (r.t == end and e == end))]
        exposed: set[str | None] = set()
        clicked: set[str | None] = set()
        buyers: set[str | None] = set()
        p_exposed: set[str | None] = set()
        p_clicked: set[str | None] = set()
        orders = gmv = p_orders = p_gmv = 0
        for r in rows:
            if r.kind == "expose":
                exposed.add(r.viewer)
                if sku in [_root(x) for x in r.args["skus"]]:
                    p_exposed.add(r.viewer)
            elif r.kind == "click":
                exposed.add(r.viewer)
                clicked.add(r.viewer)
                if _root(r.args["sku"]) == sku:
                    p_exposed.add(r.viewer)
                    p_clicked.add(r.viewer)
            elif r.kind == "order" and "order_id" in r.result:
                exposed.add(r.viewer)
                clicked.add(r.viewer)
                buyers.add(r.viewer)
                orders += 1
                gmv += r.result["total_cents"]
                if _root(r.args["sku"]) == sku:
                    p_exposed.add(r.viewer)
                    p_clicked.add(r.viewer)
                    p_orders += 1
                    p_gmv += r.result["total_cents"]
        rate = orders * MINUTE / (e - s)
        segments.append(
            {
                "sku": sku,
                "title": TITLES[sku] if sku else "",
                "start": s,
                "end": e,
                "online_start": online(s),
                "online_end": online(e) if e == end else online_before(e),
                "exposure_people": len(exposed),
                "click_people": len(clicked),
                "orders": orders,
                "gmv_cents": gmv,
                "conversion": len(buyers) / len(clicked) if clicked else None,
                "orders_per_minute": rate,
                "lift": rate / previous_rate - 1 if previous_rate else None,
                "buyers": len(buyers),
                "product_exposure_people": len(p_exposed),
                "product_click_people": len(p_clicked),
                "product_orders": p_orders,
                "product_gmv_cents": p_gmv,
            }
        )
        previous_rate = rate
    return segments


def write_truth(path: Path, value: dict[str, Any]) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
