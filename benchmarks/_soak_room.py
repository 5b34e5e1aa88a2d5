"""The soak's room (benchmarks/soak.py): its viewers on the live feed, what they send, their orders and their part
in the room's campaigns, the host's part, and the players following the LL-HLS stream.

Everything here is a client of the relay, over its real API and feed, as the viewer page (assets/web/room.js)
and hls.js are; what it saw is kept in a :class:`Tally` for the soak's table. The rates are for a full room:
while it fills, or when some are away, those not there send nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin

import aiohttp
from multidict import CIMultiDict

from benchmarks.edge_origin import parse_media_playlist as parse_ll_playlist
from benchmarks.edge_origin import part_key
from tests.helpers.sessions import Session

ROOM = "soak"
RAMP = 30.0
"""Seconds over which the viewers join."""
CATALOG: list[dict[str, Any]] = [
    {"sku": "tee", "title": "纯棉T恤 Cotton tee", "price": 59.9, "stock": 100_000},
    {"sku": "mug", "title": "保温杯 Travel mug", "price": 29.9, "stock": 100_000},
    {"sku": "cap", "title": "棒球帽 Cap", "price": 19.9, "stock": 100_000},
    {"sku": "shoe", "title": "跑鞋 Runner", "price": 399, "stock": 0,
     "variants": [{"sku": "shoe-40", "option": "40", "stock": 5_000},
                  {"sku": "shoe-41", "option": "41", "stock": 5_000}]},
    {"sku": "scarf", "title": "限量围巾 Limited scarf", "price": 39.9, "stock": 40},
]  # fmt: skip
INITIAL_STOCK = {p["sku"]: p["stock"] for p in CATALOG} | {
    v["sku"]: v["stock"] for p in CATALOG for v in p.get("variants", ())
}
SIZES = {p["sku"]: [v["sku"] for v in p["variants"]] for p in CATALOG if p.get("variants")}
"""A product with options is bought as one of them (the page asks which)."""
STEADY_MIX = [("tee", 30), ("mug", 20), ("cap", 15), ("shoe-40", 8), ("shoe-41", 7), ("scarf", 10), ("pinned", 10)]
"""What the steady stream of taps buys (weights); "pinned" is the product on air."""

POLL_OPEN_S = 25.0
"""The host closes each poll this long after it opened."""

COMMENTS_PER_S = 3.0
LIKES_PER_S = 15.0
FUNNEL_PER_S = 1.0
QUESTION_EVERY_S = 20.0
HELLO_SHARE = 0.1
RUSHERS, CLAIMERS, VOTERS, ENTRANTS = 60, 80, 150, 100
RETRY_SAME_KEY = 0.05
"""Share of steady orders sent a second time with the same Idempotency-Key."""
PHRASES = ["上链接", "多少钱", "主播好", "有黑色吗", "来了来了", "想要", "好看", "已下单", "质量不错", "支持主播"]


def percentile(values: Iterable[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else math.nan


TASK_FAILURES: Counter[str] = Counter()
"""Exceptions that ended a load task (a bug in the soak, or something it did not expect): in the table."""


def spawn(tasks: set[asyncio.Task[Any]], work: Awaitable[Any]) -> None:
    """Run ``work`` on its own, kept in ``tasks`` until done (so it can be waited for or cancelled)."""
    task = asyncio.ensure_future(work)
    tasks.add(task)
    task.add_done_callback(_finished)
    task.add_done_callback(tasks.discard)


def _finished(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        exc = task.exception()
        if not TASK_FAILURES:
            print(f"soak: a load task failed: {exc!r}", file=sys.stderr, flush=True)
        TASK_FAILURES[f"{type(exc).__name__}: {exc}"[:120]] += 1


def address_of(index: int) -> str:
    """Viewer ``index``'s own network address, sent as X-Forwarded-For through the trusted proxy."""
    return f"10.77.{index // 250}.{index % 250 + 1}"


async def poisson(rate: float, action: Callable[[], Awaitable[None]], stop: asyncio.Event) -> None:
    """Call ``action`` at random moments, ``rate`` a second on average, until ``stop``."""
    while not stop.is_set():
        await asyncio.sleep(random.expovariate(rate))
        if not stop.is_set():
            await action()


# --- what the load saw --------------------------------------------------------------------------------


@dataclass
class Orders:
    attempts: int = 0
    acked: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Order id → (sku, qty) of every 201 the relay answered."""
    refused: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    retried: Counter[str] = field(default_factory=Counter)
    """Answers that the client retries with the same key (429, 503, a lost connection)."""
    replays: int = 0
    replay_mismatches: list[str] = field(default_factory=list)
    unanswered: int = 0
    latency_ok: list[float] = field(default_factory=list)
    latency_all: list[float] = field(default_factory=list)


@dataclass
class Feed:
    frames: int = 0
    frame_bytes: int = 0
    sent: Counter[str] = field(default_factory=Counter)
    send_failures: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    """Codes of the ``error`` messages the relay sent back (a refused comment, a rate limit)."""
    error_examples: dict[str, str] = field(default_factory=dict)
    """The first message of each code."""
    connects: int = 0
    connect_failures: Counter[str] = field(default_factory=Counter)
    disconnects: Counter[str] = field(default_factory=Counter)
    """Feeds that ended while the soak ran, by the WebSocket close code the relay gave (1013: too slow)."""
    comments_sent: int = 0


@dataclass
class Playback:
    players: int = 0
    parts: int = 0
    part_errors: Counter[str] = field(default_factory=Counter)
    playlist_errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    """A part's end (PROGRAM-DATE-TIME plus the parts up to it) to its last byte at the player."""


@dataclass
class Tally:
    orders: Orders = field(default_factory=Orders)
    feed: Feed = field(default_factory=Feed)
    playback: Playback = field(default_factory=Playback)
    actions: Counter[str] = field(default_factory=Counter)
    """Campaign actions by outcome: "vote 201", "claim 409 coupon_gone", ..."""
    campaigns: Counter[str] = field(default_factory=Counter)
    loop_lag: list[float] = field(default_factory=list)


# --- the viewers on the live feed ------------------------------------------------------------------------


class Viewer:
    def __init__(self, index: int, session: Session, measuring: bool) -> None:
        self.index = index
        self.address = address_of(index)
        self.headers = {**session.headers, "X-Forwarded-For": self.address}
        self.nickname = f"观众{index:03d}"
        self.measuring = measuring
        self.markers: set[int] = set()
        """Comment markers this viewer received (measuring viewers only)."""
        self.on_feed: list[list[float]] = []
        """[from, to] of each of its connections, from its snapshot (monotonic; to is inf while it lasts)."""
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.liked_at = -math.inf


class Crowd:
    """The viewers' feed connections and what they send on them."""

    def __init__(self, url: str, viewers: list[Viewer], tally: Tally, stop: asyncio.Event) -> None:
        self.url = url
        self.viewers = viewers
        self.feed = tally.feed
        self.stop = stop
        self.pins: list[str] = []
        self.markers = itertools.count(1)
        self.sent_at: dict[int, float] = {}
        """When each comment marker was sent (monotonic)."""
        self.tasks: set[asyncio.Task[Any]] = set()
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=None, connect=30)
        )

    def connected(self) -> list[Viewer]:
        return [v for v in self.viewers if v.ws is not None and not v.ws.closed]

    async def join(self) -> None:
        spacing = RAMP / max(1, len(self.viewers))
        for viewer in self.viewers:
            spawn(self.tasks, self.stay(viewer))
            await asyncio.sleep(spacing)

    async def stay(self, viewer: Viewer) -> None:
        """Keep ``viewer`` on the feed, reconnecting as the page does, until the soak stops."""
        delay = 1.0
        while not self.stop.is_set():
            try:
                ws = await self.http.ws_connect(
                    self.url + f"?nickname={quote(viewer.nickname)}",
                    headers=viewer.headers,
                    heartbeat=None,
                    max_msg_size=0,
                    compress=0,
                )
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                status = getattr(exc, "status", None)
                self.feed.connect_failures[f"{type(exc).__name__}{f' {status}' if status else ''}"] += 1
            else:
                self.feed.connects += 1
                delay = 1.0
                await self.read(viewer, ws)
                if self.stop.is_set():
                    return
                self.feed.disconnects[str(ws.close_code)] += 1
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 10.0)

    async def read(self, viewer: Viewer, ws: aiohttp.ClientWebSocketResponse) -> None:
        first = True
        try:
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                self.feed.frames += 1
                self.feed.frame_bytes += len(message.data)
                if first:
                    first = False
                    viewer.ws = ws
                    viewer.on_feed.append([time.monotonic(), math.inf])
                    spawn(self.tasks, self.opened(viewer))
                elif viewer.measuring or '"type":"error"' in message.data:
                    self.note(viewer, json.loads(message.data))
        except (aiohttp.ClientError, OSError, TimeoutError):
            pass
        finally:
            viewer.ws = None
            if not first:
                viewer.on_feed[-1][1] = time.monotonic()
            await ws.close()

    def note(self, viewer: Viewer, message: dict[str, Any]) -> None:
        if message.get("type") == "error":
            self.feed.errors[str(message.get("code"))] += 1
            self.feed.error_examples.setdefault(str(message.get("code")), str(message.get("message")))
        for event in message.get("events", ()) if message.get("type") == "batch" else ():
            if event.get("type") == "comment" and "#" in str(event.get("text", "")):
                with contextlib.suppress(ValueError):
                    viewer.markers.add(int(str(event["text"]).rsplit("#", 1)[1]))

    async def send(self, viewer: Viewer, message: dict[str, Any]) -> bool:
        ws = viewer.ws
        if ws is None or ws.closed:
            return False
        try:
            await ws.send_str(json.dumps(message, ensure_ascii=False))
        except (aiohttp.ClientError, OSError, RuntimeError):
            self.feed.send_failures += 1
            return False
        self.feed.sent[message["type"]] += 1
        return True

    async def opened(self, viewer: Viewer) -> None:
        """What the page does once the snapshot is in: show the pins (an exposure), five pings for the clock."""
        if self.pins:
            await self.send(viewer, {"type": "exposure", "skus": self.pins, "via": "pin"})
        if random.random() < HELLO_SHARE:
            viewer.nickname = f"新名字{viewer.index:03d}"
            await self.send(viewer, {"type": "hello", "nickname": viewer.nickname})
        for n in range(5):
            await self.send(viewer, {"type": "ping", "id": random.randrange(10**9)})
            if n < 4:
                await asyncio.sleep(0.25)

    def anyone(self) -> Viewer:
        """A viewer of the whole room, at random: the room-wide rates are for a full room (while it fills or
        when some are away, those not there send nothing, so no one viewer sends more than a person would)."""
        return random.choice(self.viewers)

    async def comment(self, viewer: Viewer | None = None, text: str | None = None) -> None:
        viewer = viewer or self.anyone()
        marker = next(self.markers)
        if await self.send(viewer, {"type": "comment", "text": f"{text or random.choice(PHRASES)} #{marker}"}):
            self.feed.comments_sent += 1
            self.sent_at[marker] = time.monotonic()

    async def like(self) -> None:
        viewer = self.anyone()
        if time.monotonic() - viewer.liked_at >= 1.0:  # the page sends its taps at most once a second
            viewer.liked_at = time.monotonic()
            await self.send(viewer, {"type": "like", "count": random.randint(1, 10)})

    async def funnel(self) -> None:
        if self.pins:
            kind = random.choice(("click", "click", "cart_add", "share"))
            skus = [] if kind == "share" else [random.choice(self.pins)]
            await self.send(self.anyone(), {"type": kind, "skus": skus, "via": "room" if kind == "share" else "pin"})

    def pins_changed(self, pins: list[str]) -> None:
        self.pins = pins
        if pins:
            for viewer in self.connected():  # each page shows the new pin when its batch arrives: within 3 s
                spawn(
                    self.tasks,
                    self.later(
                        random.uniform(0, 3), self.send(viewer, {"type": "exposure", "skus": pins, "via": "pin"})
                    ),
                )

    async def later(self, delay: float, work: Awaitable[Any]) -> None:
        await asyncio.sleep(delay)
        await work

    async def chatter(self) -> None:
        await asyncio.gather(
            poisson(COMMENTS_PER_S, self.comment, self.stop),
            poisson(LIKES_PER_S, self.like, self.stop),
            poisson(FUNNEL_PER_S, self.funnel, self.stop),
        )

    async def close(self) -> None:
        open_sockets = [v.ws for v in self.viewers if v.ws is not None]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(ws.close() for ws in open_sockets), return_exceptions=True), 20)
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.http.close()


# --- orders and the room's campaigns ----------------------------------------------------------------------


class Shop:
    """The viewers' REST calls: one-tap orders, claims, votes, draw entries, questions."""

    def __init__(self, api: str, viewers: list[Viewer], tally: Tally, stop: asyncio.Event) -> None:
        self.api = api
        self.viewers = viewers
        self.tally = tally
        self.orders = tally.orders
        self.stop = stop
        self.pinned = "tee"
        self.tasks: set[asyncio.Task[Any]] = set()
        self.gate = asyncio.Semaphore(64)
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=100), timeout=aiohttp.ClientTimeout(total=30)
        )

    async def call(
        self, method: str, path: str, viewer: Viewer, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any], CIMultiDict[str]]:
        async with (
            self.gate,
            self.http.request(
                method, self.api + path, json=body, headers={**viewer.headers, **(headers or {})}
            ) as response,
        ):
            text = await response.text()
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {"error": f"not JSON: {text[:40]!r}"}
        return response.status, data if isinstance(data, dict) else {}, CIMultiDict(response.headers)

    async def order(
        self, viewer: Viewer, body: dict[str, Any], key: str | None = None, *, tap: bool = True
    ) -> tuple[int, dict[str, Any]]:
        """One tap (``tap``: else the app sending a tap's key again): POST /orders with its Idempotency-Key,
        retried with the same key on 429/503 or a lost connection (safe: the key's first result is kept).
        (status, body); (0, {}) when never answered."""
        key = key or uuid.uuid4().hex
        self.orders.attempts += tap
        for attempt in range(4):
            started = time.perf_counter()
            try:
                status, data, headers = await self.call("POST", "/orders", viewer, body, {"Idempotency-Key": key})
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                self.orders.retried[type(exc).__name__] += 1
                await asyncio.sleep(1.0 + attempt)
                continue
            latency = time.perf_counter() - started
            self.orders.latency_all.append(latency)
            code = str(data.get("error", ""))
            if status in (429, 503):
                self.orders.retried[f"{status} {code}"] += 1
                await asyncio.sleep(min(5.0, float(headers.get("Retry-After", "1"))))
                continue
            if status == 201:
                self.acknowledged(data, headers, body, latency)
            elif status == 409:
                self.orders.refused[code] += 1
            else:
                self.orders.errors[f"{status} {code}"] += 1
            return status, data
        self.orders.unanswered += 1
        return 0, {}

    def acknowledged(
        self, data: dict[str, Any], headers: CIMultiDict[str], body: dict[str, Any], latency: float
    ) -> None:
        order_id = str(data["order_id"])
        if headers.get("Idempotent-Replayed") == "true":
            self.orders.replays += 1
            if order_id not in self.orders.acked:  # the first answer was lost: this one acknowledges it
                self.orders.acked[order_id] = (body["sku"], int(body.get("qty", 1)))
            return
        if order_id in self.orders.acked:
            self.orders.replay_mismatches.append(f"{order_id} created twice")
        self.orders.acked[order_id] = (body["sku"], int(body.get("qty", 1)))
        self.orders.latency_ok.append(latency)

    async def steady(self, rate: float) -> None:
        skus, weights = zip(*STEADY_MIX, strict=True)

        async def tap() -> None:
            sku = random.choices(skus, weights)[0]
            sku = self.pinned if sku == "pinned" else sku
            body = {"sku": random.choice(SIZES.get(sku, [sku])), "qty": random.choices((1, 2, 3), (80, 15, 5))[0]}
            spawn(self.tasks, self.tap(random.choice(self.viewers), body))

        await poisson(rate, tap, self.stop)

    async def tap(self, viewer: Viewer, body: dict[str, Any]) -> None:
        key = uuid.uuid4().hex
        status, first = await self.order(viewer, body, key)
        if status == 201 and random.random() < RETRY_SAME_KEY:
            again, second = await self.order(viewer, body, key, tap=False)
            if again != 201 or second.get("order_id") != first["order_id"]:
                self.orders.replay_mismatches.append(f"key {key}: {first['order_id']} then {again} {second}")

    async def act(self, what: str, method: str, path: str, viewer: Viewer, body: Any = None) -> int:
        try:
            status, data, _ = await self.call(method, path, viewer, body)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self.tally.actions[f"{what} {type(exc).__name__}"] += 1
            return 0
        self.tally.actions[f"{what} {status} {data.get('error', '')}".rstrip()] += 1
        return status

    def pick(self, count: int) -> list[Viewer]:
        return random.sample(self.viewers, min(count, len(self.viewers)))

    async def rush(self, sale: dict[str, Any]) -> None:
        """Viewers tap Buy around the sale's opening: some before it opens (refused, they tap again), some twice."""
        self.tally.campaigns["flash sales"] += 1
        opens = float(sale["opens_at"])
        body = {"sku": sale["sku"], "qty": 1, "flash_sale_id": sale["id"]}

        async def one(viewer: Viewer) -> None:
            await asyncio.sleep(max(0.0, opens + random.uniform(-1.5, 3.0) - time.time()))
            status, data = await self.order(viewer, body)
            if status == 409 and data.get("error") == "not_open_yet":
                await asyncio.sleep(max(0.0, opens + random.uniform(0.2, 1.5) - time.time()))
                status, data = await self.order(viewer, body)
            if status == 201 and random.random() < 0.15:
                await self.order(viewer, body)  # over the limit of 1

        await asyncio.gather(*(one(v) for v in self.pick(RUSHERS)))

    async def claims(self, coupon: dict[str, Any]) -> None:
        """Viewers claim the coupon and most of them buy mugs with it (one mug is under its minimum spend)."""
        self.tally.campaigns["coupons"] += 1

        async def one(viewer: Viewer) -> None:
            await asyncio.sleep(random.uniform(0, 20))
            if (
                await self.act("claim", "POST", f"/coupons/{coupon['id']}/claims", viewer) == 201
                and random.random() < 0.7
            ):
                await self.order(viewer, {"sku": "mug", "qty": random.choice((1, 2, 2)), "coupon_id": coupon["id"]})

        await asyncio.gather(*(one(v) for v in self.pick(CLAIMERS)))

    async def votes(self, poll: dict[str, Any]) -> None:
        self.tally.campaigns["polls"] += 1
        options = len(poll.get("options", ())) or 2

        async def one(viewer: Viewer) -> None:
            await asyncio.sleep(random.uniform(0, POLL_OPEN_S + 5))  # the last ones after the host closed it
            for _ in range(2 if random.random() < 0.05 else 1):
                await self.act(
                    "vote", "POST", f"/polls/{poll['id']}/votes", viewer, {"option": random.randrange(options)}
                )

        await asyncio.gather(*(one(v) for v in self.pick(VOTERS)))

    async def entries(self, draw: dict[str, Any], crowd: Crowd) -> None:
        self.tally.campaigns["lucky draws"] += 1

        async def one(n: int, viewer: Viewer) -> None:
            await asyncio.sleep(random.uniform(0, 20))
            if n % 2 and draw.get("keyword"):
                await crowd.comment(viewer, f"{draw['keyword']}{draw['keyword']}")
            else:
                await self.act(
                    "draw entry", "POST", f"/draws/{draw['id']}/entries", viewer, {"nickname": viewer.nickname}
                )

        await asyncio.gather(*(one(n, v) for n, v in enumerate(self.pick(ENTRANTS))))

    async def questions(self) -> None:
        async def ask() -> None:
            await self.act("question", "POST", "/questions", random.choice(self.viewers), {"text": "有没有大码？"})

        await poisson(1 / QUESTION_EVERY_S, ask, self.stop)

    async def close(self, timeout: float) -> None:
        """Wait for the orders and calls in flight (up to ``timeout``), then let go of the rest."""
        if self.tasks:
            _, pending = await asyncio.wait(list(self.tasks), timeout=timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self.http.close()


class Director:
    """Watches the room as a page does (``live-state`` once a second) and sets the viewers off on each new
    pin, flash sale, coupon, poll and draw; as the host, closes each poll after POLL_OPEN_S."""

    def __init__(self, api: str, owner_token: str, crowd: Crowd, shop: Shop, stop: asyncio.Event) -> None:
        self.api = api
        self.owner = {"Authorization": f"Bearer {owner_token}"}
        self.crowd = crowd
        self.shop = shop
        self.stop = stop
        self.seen: set[str] = set()
        self.problems: Counter[str] = Counter()

    async def run(self) -> None:
        while not self.stop.is_set():
            try:
                async with self.shop.http.get(f"{self.api}/live-state") as response:
                    state = await response.json()
                self.react(state)
            except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
                self.problems[f"live-state {type(exc).__name__}"] += 1
            await asyncio.sleep(1.0)

    def fresh(self, item: dict[str, Any]) -> bool:
        new = str(item["id"]) not in self.seen
        self.seen.add(str(item["id"]))
        return new

    def react(self, state: dict[str, Any]) -> None:
        pins = list(state.get("pins", []))
        if pins != self.crowd.pins:
            self.crowd.pins_changed(pins)
            self.shop.pinned = pins[0] if pins else "tee"
        tasks = self.shop.tasks
        for sale in state.get("flash_sales", []):
            if self.fresh(sale) and sale.get("phase") in ("scheduled", "open"):
                spawn(tasks, self.shop.rush(sale))
        for coupon in state.get("coupons", []):
            if self.fresh(coupon) and not coupon.get("ended"):
                spawn(tasks, self.shop.claims(coupon))
        for poll in state.get("polls", []):
            if self.fresh(poll) and poll.get("status") == "open":
                spawn(tasks, self.shop.votes(poll))
                spawn(tasks, self.close_poll(str(poll["id"])))
        for draw in state.get("draws", []):
            if self.fresh(draw) and draw.get("status") == "open":
                spawn(tasks, self.shop.entries(draw, self.crowd))

    async def close_poll(self, poll_id: str) -> None:
        await asyncio.sleep(POLL_OPEN_S)
        try:
            async with self.shop.http.post(f"{self.api}/polls/{poll_id}/close", headers=self.owner) as response:
                self.shop.tally.actions[f"host closes poll {response.status}"] += 1
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self.problems[f"close poll {type(exc).__name__}"] += 1


# --- players ------------------------------------------------------------------------------------------------


class Player:
    """One viewer's LL-HLS playback as hls.js does it (benchmarks/edge_origin.py's loop), video and audio."""

    def __init__(self, base: str, viewer: Viewer, rung: int, playback: Playback, stop: asyncio.Event) -> None:
        self.master = f"{base}/live/{ROOM}/master.m3u8"
        self.viewer = viewer
        self.rung = rung
        self.playback = playback
        self.stop = stop

    async def run(self) -> None:
        connector = aiohttp.TCPConnector(limit=6)  # a browser's connections per host
        headers = {"X-Forwarded-For": self.viewer.address}
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=10), headers=headers
        ) as http:
            variants: list[str] = []
            while not variants:  # the multivariant playlist is there once every rendition has a segment
                status, body = await self.fetch(http, self.master)
                text = body.decode() if status == 200 else ""
                variants = [
                    u for line, u in itertools.pairwise(text.splitlines()) if line.startswith("#EXT-X-STREAM-INF")
                ]
                if not variants:
                    self.playback.playlist_errors[f"multivariant {status}"] += 1
                    await asyncio.sleep(1.0)
            audio = [
                line.split('URI="', 1)[1].split('"', 1)[0]
                for line in text.splitlines()
                if line.startswith("#EXT-X-MEDIA:TYPE=AUDIO") and 'URI="' in line
            ]
            self.playback.players += 1
            follow = [self.follow(http, urljoin(self.master, variants[self.rung % len(variants)].strip()))]
            follow += [self.follow(http, urljoin(self.master, audio[0]))] if audio else []
            await asyncio.gather(*follow)

    async def fetch(self, http: aiohttp.ClientSession, url: str) -> tuple[int | str, bytes]:
        try:
            async with http.get(url) as response:
                return response.status, await response.read()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            return type(exc).__name__, b""

    async def follow(self, http: aiohttp.ClientSession, media: str) -> None:
        parts: asyncio.Queue[tuple[str, float]] = asyncio.Queue()
        loader = asyncio.create_task(self.load_parts(http, media, parts))
        try:
            url, last = media, None
            while not self.stop.is_set():
                status, body = await self.fetch(http, url)
                if status != 200:  # 503: not in time; 0: trouble. Start again from the playlist
                    self.playback.playlist_errors[str(status)] += 1
                    await asyncio.sleep(0.3)
                    url = media
                    continue
                text = body.decode()
                playlist = parse_ll_playlist(text)
                if last is None:  # joining: the init segment, then PART-HOLD-BACK back from the live edge
                    if playlist.map_uri:
                        await self.fetch(http, urljoin(media, playlist.map_uri))
                    fresh = playlist.parts[-max(1, round(playlist.part_hold_back / 0.33334)) :]
                else:
                    fresh = [p for p in playlist.parts if part_key(p[0]) > last]
                for part in fresh:
                    parts.put_nowait(part)
                if playlist.parts:
                    last = max(last or (-1, -1), part_key(playlist.parts[-1][0]))
                if "#EXT-X-ENDLIST" in text:
                    return
                url = f"{media}?_HLS_msn={playlist.last_msn + 1}&_HLS_part={playlist.open_parts}"
        finally:
            loader.cancel()
            await asyncio.gather(loader, return_exceptions=True)

    async def load_parts(
        self, http: aiohttp.ClientSession, media: str, parts: asyncio.Queue[tuple[str, float]]
    ) -> None:
        while True:
            uri, end = await parts.get()
            status, body = await self.fetch(http, urljoin(media, uri))
            if status == 200 and body:
                self.playback.parts += 1
                self.playback.latencies.append(time.time() - end)
            else:
                self.playback.part_errors[str(status)] += 1


# --- sessions and measures -----------------------------------------------------------------------------------


async def mint_sessions(base: str, count: int) -> list[Session]:
    """A session per viewer, each minted from the viewer's own address (tests/helpers/sessions.py's
    mint_many_async mints all from one, which the relay's per-address limit of new sessions stops at 300)."""
    gate = asyncio.Semaphore(32)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def one(n: int) -> Session:
            async with (
                gate,
                http.post(f"{base}/api/v1/sessions", headers={"X-Forwarded-For": address_of(n)}) as response,
            ):
                response.raise_for_status()
                body = await response.json()
                return Session(body["token"], body["viewer"])

        return list(await asyncio.gather(*(one(n) for n in range(count))))


def comment_delivery(viewers: list[Viewer], taken: set[int], sent_at: dict[int, float]) -> dict[str, Any]:
    """Of the comments the relay took (they are in its store), those each measuring viewer was on the feed
    for (sent 1 s after its snapshot up to 2 s before its connection ended), and how many it received."""
    rows = []
    for viewer in (v for v in viewers if v.measuring):
        due = {m for m in taken if m in sent_at and any(a + 1 <= sent_at[m] <= b - 2 for a, b in viewer.on_feed)}
        rows.append((len(viewer.markers & due), len(due)))
    return {
        "sent": len(sent_at),
        "taken": len(taken),
        "viewers": len(rows),
        "due": sum(d for _, d in rows),
        "received": sum(g for g, _ in rows),
        "lowest_pct": min((100 * g / d for g, d in rows if d), default=math.nan),
    }


async def watch_loop(lags: list[float], stop: asyncio.Event) -> None:
    """How late the load generator's event loop wakes up (its latencies include this)."""
    while not stop.is_set():
        asked = time.perf_counter()
        await asyncio.sleep(0.5)
        lags.append(time.perf_counter() - asked - 0.5)
