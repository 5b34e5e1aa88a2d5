"""Two relays behind nginx, sharing PostgreSQL and Redis, each with its own data folder (docs/deploy.md,
"Several relays behind one address"): any relay serves any viewer of a room."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
import websockets
from playwright.sync_api import Browser

from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.canvas import PORTRAIT
from pipeline.encoders import STANDARD_RUNGS
from pipeline.program import ProgramSettings
from tests.helpers.browser import PHONE
from tests.helpers.fakes import FakeDevices
from tests.helpers.nginx_relays import NginxRelays
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room
from tests.helpers.servers import RedisServer

pytestmark = pytest.mark.slow

PLAYING = "window.shopcast.state === 'live' && document.getElementById('video').currentTime > 3"

CATALOG = [
    {"sku": "tee", "title": "Cotton tee", "price": 59.9, "stock": 100_000},
    {"sku": "mug", "title": "Mug", "price": 29.9, "stock": 1000},
]


@dataclass
class Deployment:
    a: RelayProcess
    b: RelayProcess
    lb: NginxRelays

    def relay(self, url: str) -> RelayProcess:
        return self.a if url == self.a.url else self.b


@pytest.fixture
def deployment(tmp_path: Path, postgres_dsn: str, redis_server: RedisServer) -> Iterator[Deployment]:
    redis_server.command("FLUSHALL")
    shared = ("--postgres", postgres_dsn, "--redis", redis_server.url)
    # each relay its own data folder, as on machines of their own: rooms and link secrets are in the store
    a = RelayProcess(tmp_path / "data-a", *shared).start()
    b = RelayProcess(tmp_path / "data-b", *shared)
    b.admin_token = a.admin_token
    b.start()
    lb = NginxRelays(tmp_path / "nginx", [f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"]).start()
    try:
        yield Deployment(a, b, lb)
    finally:
        lb.stop()
        a.stop()
        b.stop()


def on(room: Room, url: str) -> Room:
    """The same room, reached through another address (the other relay, or nginx)."""
    other = Room(_at(room.relay, url), room.name, room.owner_token, room.stream_key)
    other.viewers = room.viewers  # the same viewers: a session works on every relay sharing the store
    return other


def _at(relay: RelayProcess, url: str) -> RelayProcess:
    other = RelayProcess(relay.data_dir)
    other.url = url
    other.admin_token = relay.admin_token
    return other


def feed_url(base: str, room: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{base.replace('http://', 'ws://')}/api/v1/rooms/{room}/live?{query}"


async def next_event(ws: Any, kind: str, timeout: float = 5.0, match: Any = None) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic())))
        events = message["events"] if message["type"] == "batch" else [message]
        for event in events:
            if event["type"] == kind and (match is None or match(event)):
                return event


def test_a_comment_and_a_pin_made_on_one_relay_reach_the_viewers_of_the_other(
    deployment: Deployment, redis_server: RedisServer
) -> None:
    room = open_room(deployment.a, "duo", CATALOG)
    health_a = httpx.get(f"{deployment.a.url}/healthz").json()
    assert health_a["store"] == "postgres"

    def viewer(name: str) -> dict[str, str]:  # a session minted on relay a is good on relay b
        return room.session(f"viewer-{name}").headers

    async def scenario() -> tuple[float, float]:
        async with (
            websockets.connect(
                feed_url(deployment.a.url, "duo", nickname="Ann"), additional_headers=viewer("a")
            ) as on_a,
            websockets.connect(
                feed_url(deployment.b.url, "duo", nickname="Bo"), additional_headers=viewer("b")
            ) as on_b,
        ):
            snapshot = json.loads(await on_b.recv())
            assert snapshot["type"] == "snapshot" and [p["sku"] for p in snapshot["cart"]] == ["tee", "mug"]
            await on_a.recv()
            # presence: each relay counts the other's viewer within a couple of seconds
            seen = await next_event(on_b, "online", timeout=5, match=lambda e: e["count"] == 2)
            assert seen["count"] == 2

            started = time.monotonic()
            await on_a.send(json.dumps({"type": "comment", "text": "hello from A"}))
            comment = await next_event(on_b, "comment", match=lambda e: e["text"] == "hello from A")
            comment_s = time.monotonic() - started
            assert comment["nickname"] == "Ann"

            started = time.monotonic()
            with on(room, deployment.a.url).host() as host:
                assert host.post("/pins", json={"sku": "tee"}).status_code == 201
            pins = await next_event(on_b, "pins")
            pin_s = time.monotonic() - started
            assert pins["pins"] == ["tee"]
            return comment_s, pin_s

    comment_s, pin_s = asyncio.run(scenario())
    assert comment_s < 1.0 and pin_s < 1.0, (comment_s, pin_s)

    # Redis drops the relays' subscriptions (a restart, a failover): what they missed is unknown, so
    # each closes its feeds with 1012 once subscribed again, and the pages reconnect to a fresh snapshot
    async def dropped() -> int | None:
        async with websockets.connect(feed_url(deployment.a.url, "duo"), additional_headers=viewer("c")) as ws:
            await ws.recv()
            redis_server.command("CLIENT", "KILL", "TYPE", "pubsub")
            await asyncio.wait_for(ws.wait_closed(), 10)
            return ws.close_code

    assert asyncio.run(dropped()) == 1012

    # a room made on one relay is at once on the other, with the same keys; a co-host invite signed by
    # one opens on the other
    made_on_b = open_room(deployment.b, "solo", CATALOG)
    listed = {r["room"] for r in deployment.a.admin().get("/api/v1/rooms").json()}
    assert {"duo", "solo"} <= listed
    with on(made_on_b, deployment.a.url).host() as host:
        invite = host.post("/cohost/invites", json={"label": "Guest"}).json()
    token = invite["url"].rsplit("#t=", 1)[1]
    check = f"{deployment.b.url}/api/v1/cohost/invite"
    assert httpx.get(check, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert httpx.get(check, headers={"Authorization": f"Bearer {token[:-2]}xx"}).status_code == 401

    # WebRTC seats: each relay offers its own (20 by default) and says what all of them offer
    deadline = time.monotonic() + 5
    while True:
        status = httpx.get(f"{deployment.b.url}/api/v1/rooms/duo/whep").json()
        if status.get("all_relays", {}).get("relays") == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status["seats"] == 20 and status["all_relays"] == {"relays": 2, "seats": 40, "seats_in_use": 0}


def test_one_flash_sale_hammered_through_both_relays_sells_exactly_its_units(
    deployment: Deployment, redis_server: RedisServer
) -> None:
    room = open_room(deployment.a, "sale", CATALOG)
    with on(room, deployment.b.url).host() as host:
        sale = host.post("/flash-sales", json={"sku": "mug", "price": 9.9, "stock": 100, "per_user_limit": 2,
                                               "countdown_s": 0, "duration_s": 120}).json()  # fmt: skip
    bases = [deployment.a.url, deployment.b.url, deployment.lb.url]

    async def attempt(client: httpx.AsyncClient, viewer: str, key: str) -> tuple[str, int, str | None]:
        answer = await client.post(
            "/api/v1/rooms/sale/orders",
            json={"sku": "mug", "flash_sale_id": sale["id"]},
            headers={**room.session(viewer).headers, "Idempotency-Key": key},
        )
        return viewer, answer.status_code, answer.json().get("order_id") if answer.status_code == 201 else None

    async def hammer() -> list[tuple[str, int, str | None]]:
        clients = [httpx.AsyncClient(base_url=base, timeout=30) for base in bases]
        try:
            tries = [
                attempt(clients[(n + k) % 3], f"viewer-{n}", f"k{n}-{k}") for n in range(120) for k in range(3)
            ]  # 360 attempts by 120 viewers, 3 each, limit 2: more than 100 would sell without the limit too
            return list(await asyncio.gather(*tries))
        finally:
            for client in clients:
                await client.aclose()

    for n in range(120):
        room.session(f"viewer-{n}")  # minted before the storm, as each page got its own
    results = asyncio.run(hammer())
    sold = [r for r in results if r[1] == 201]
    assert {code for _, code, _ in results} <= {201, 409}, Counter(code for _, code, _ in results)
    assert len(sold) == 100
    assert max(Counter(viewer for viewer, _, _ in sold).values()) <= 2
    with on(room, deployment.b.url).host() as host:
        listed = host.get("/orders", params={"limit": 1000}).json()
        orders = listed["orders"] if isinstance(listed, dict) else listed
        state = host.get(f"/flash-sales/{sale['id']}").json()
    assert len([o for o in orders if o.get("flash_sale_id") == sale["id"]]) == 100
    assert state["sold"] == 100 and state["remaining"] == 0
    # the taps went through the Redis gate (app/relay/sale_gate.py), which agrees with the store
    counters = redis.Redis.from_url(redis_server.url)
    assert counters.get("{fs:" + sale["id"] + "}:left") == b"0"
    buyers = Counter(o["viewer_id"] for o in orders if o.get("flash_sale_id") == sale["id"])
    in_redis = counters.hgetall("{fs:" + sale["id"] + "}:buyers")
    assert {k.decode(): int(v) for k, v in in_redis.items() if int(v)} == dict(buyers)
    # a refund gives the unit back to the sale, in the store and in Redis: someone else can buy it
    first = next(o for o in orders if o.get("flash_sale_id") == sale["id"])
    with on(room, deployment.b.url).host() as host:
        assert host.post(f"/orders/{first['order_id']}/refund").status_code == 200
    deadline = time.monotonic() + 3  # (given back to Redis just after the refund's commit)
    while counters.get("{fs:" + sale["id"] + "}:left") != b"1" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counters.get("{fs:" + sale["id"] + "}:left") == b"1"
    # a tap refused in the storm keeps its refusal with its key (24 h), though a unit is back now
    i = next(i for i, result in enumerate(results) if result[1] == 409)
    retried = on(room, deployment.b.url).order(f"viewer-{i // 3}", f"k{i // 3}-{i % 3}", sku="mug",
                                               flash_sale_id=sale["id"])  # fmt: skip
    assert (retried.status_code, retried.headers.get("idempotent-replayed")) == (409, "true"), retried.text
    assert counters.get("{fs:" + sale["id"] + "}:left") == b"1", "the replay took nothing"
    late = on(room, deployment.a.url).order("viewer-after-refund", "k-after", sku="mug", flash_sale_id=sale["id"])
    assert late.status_code == 201, late.text
    assert counters.get("{fs:" + sale["id"] + "}:left") == b"0"
    # one tap sent five times at once (a client retrying) through both relays, at a sale with a limit
    # of 1: one order, and every answer is that order — never "limit reached" for its own first try
    with on(room, deployment.a.url).host() as host:
        second = host.post("/flash-sales", json={"sku": "mug", "price": 9.9, "stock": 10, "per_user_limit": 1,
                                                 "countdown_s": 0, "duration_s": 120}).json()  # fmt: skip

    async def retries() -> list[tuple[int, str | None]]:
        async with httpx.AsyncClient(timeout=30) as client:
            answers = await asyncio.gather(*(
                client.post(f"{bases[n % 2]}/api/v1/rooms/sale/orders",
                            json={"sku": "mug", "flash_sale_id": second["id"]},
                            headers={**room.session("viewer-retry").headers, "Idempotency-Key": "same-tap"})
                for n in range(5)
            ))  # fmt: skip
        return [(a.status_code, a.json().get("order_id")) for a in answers]

    answers = asyncio.run(retries())
    assert {code for code, _ in answers} == {201} and len({order for _, order in answers}) == 1, answers
    with on(room, deployment.b.url).host() as host:
        assert host.get(f"/flash-sales/{second['id']}").json()["sold"] == 1
    assert counters.get("{fs:" + second["id"] + "}:left") == b"9"

    # a retried idempotency key gives the first answer on either relay, never a second order
    retried = on(room, deployment.a.url).order("viewer-late", "same-key", sku="tee")
    again = on(room, deployment.b.url).order("viewer-late", "same-key", sku="tee")
    assert retried.status_code == 201 and again.status_code in (200, 201)
    assert again.json()["order_id"] == retried.json()["order_id"]
    with on(room, deployment.a.url).host() as host:
        listed = host.get("/orders", params={"limit": 1000}).json()
        orders = listed["orders"] if isinstance(listed, dict) else listed
    assert len([o for o in orders if o["viewer_id"] == room.session("viewer-late").viewer]) == 1


def _leader(deployment: Deployment, timeout: float = 10.0) -> tuple[RelayProcess, RelayProcess]:
    """(the relay holding the timer lease, the other one), once one holds it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for relay, other in ((deployment.a, deployment.b), (deployment.b, deployment.a)):
            if httpx.get(f"{relay.url}/healthz").json()["timers"]:
                return relay, other
        time.sleep(0.2)
    raise AssertionError("no relay took the timer lease")


class Feed:
    """A feed connection through nginx that reconnects (to whichever relay nginx picks) when it drops,
    as the room page and the studio do, and remembers what it saw."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.headers = headers or {}
        self.events: list[dict[str, Any]] = []
        self.snapshots = 0
        self.reconnects = 0

    async def run(self) -> None:
        while True:
            try:
                async with websockets.connect(self.url, open_timeout=5, additional_headers=self.headers) as ws:
                    async for raw in ws:
                        message = json.loads(raw)
                        if message["type"] == "snapshot":
                            self.snapshots += 1
                        self.events.extend(message["events"] if message["type"] == "batch" else [message])
            except (TimeoutError, OSError, websockets.exceptions.WebSocketException):
                pass
            self.reconnects += 1
            await asyncio.sleep(0.2)

    def sale_phases(self, sale_id: str) -> list[str]:
        return [e["sale"]["phase"] for e in self.events if e["type"] == "flash_sale" and e["sale"]["id"] == sale_id]


def test_killing_a_relay_mid_show_moves_its_viewers_timers_and_metrics_and_loses_no_order(
    deployment: Deployment,
) -> None:
    room = open_room(deployment.a, "show", CATALOG)
    leader, survivor = _leader(deployment)
    lb = on(room, deployment.lb.url)
    sale: dict[str, Any] = {}
    acknowledged: dict[str, str] = {}  # idempotency key -> order id, for every 201 a viewer got
    refused: Counter[str] = Counter()

    # Each buyer is a stream of people: one person buys 20 times at most (the per-viewer rate limit is a
    # person's pace, app/relay/rate_limits.py).
    per_person = 20

    async def buyer(client: httpx.AsyncClient, viewer: str, stop: asyncio.Event) -> None:
        n = 0
        while not stop.is_set() and n < 200:  # 4 buyers: at most 800 orders, under the listing's 1,000
            key = f"{viewer}-{n}"
            person = room.session(f"{viewer}-{n // per_person}")
            while True:  # a client retries the same key until it gets an answer
                try:
                    answer = await client.post(
                        "/api/v1/rooms/show/orders", json={"sku": "tee"},
                        headers={**person.headers, "Idempotency-Key": key},
                    )  # fmt: skip
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
                    continue
                if answer.status_code in (502, 503, 504):
                    await asyncio.sleep(0.1)
                    continue
                break
            if answer.status_code == 201:
                acknowledged[key] = answer.json()["order_id"]
            else:
                refused[f"{answer.status_code} {answer.json().get('error')}"] += 1
            n += 1
            await asyncio.sleep(0.1)

    async def scenario() -> tuple[list[Feed], int, int]:
        base = deployment.lb.url
        viewers = [Feed(feed_url(base, "show"), room.session(f"viewer-{n}").headers) for n in range(6)]
        owner = Feed(feed_url(base, "show"), {"Authorization": f"Bearer {room.owner_token}"})
        tasks = [asyncio.create_task(feed.run()) for feed in [*viewers, owner]]
        stop = asyncio.Event()
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            buyers = [asyncio.create_task(buyer(client, f"buyer-{n}", stop)) for n in range(4)]
            try:
                return await show(viewers, owner, stop, buyers)
            finally:
                stop.set()
                await asyncio.gather(*buyers, return_exceptions=True)
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def show(
        viewers: list[Feed], owner: Feed, stop: asyncio.Event, buyers: list[asyncio.Task[None]]
    ) -> tuple[list[Feed], int, int]:
        # and one viewer on the doomed relay itself, who will not come back
        stray = await websockets.connect(feed_url(leader.url, "show"), additional_headers=room.session("stray").headers)
        await asyncio.sleep(1.5)
        assert all(feed.snapshots == 1 for feed in viewers)
        assert await wait_online(owner, 7), "the owner's metrics count the viewers on both relays"
        before_kill = len(acknowledged)
        with lb.host() as host:  # a sale whose countdown ends after the kill: only the survivor can open it
            sale.update(host.post("/flash-sales", json={"sku": "mug", "price": 9.9, "stock": 50, "per_user_limit": 5,
                                                        "countdown_s": 2, "duration_s": 60}).json())  # fmt: skip
        assert "id" in sale, sale
        leader.kill()  # SIGKILL: no goodbye to Redis, PostgreSQL or the viewers
        await stray.close()
        # the sale opens (countdown 4 s) on the survivor's timers, and its units go back to the product
        # 5 s after the host ends it (the late-tap hold), on a timer too
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all("open" in feed.sale_phases(sale["id"]) for feed in viewers):
            await asyncio.sleep(0.2)
        with lb.host() as host:
            assert host.post(f"/flash-sales/{sale['id']}/end").status_code == 200
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                mug = next(p for p in host.get("/products").json() if p["sku"] == "mug")
                if mug["stock"] == 1000:
                    break
                await asyncio.sleep(0.2)
            assert mug["stock"] == 1000, mug
        stop.set()
        await asyncio.gather(*buyers)
        assert len(acknowledged) > before_kill, "orders went on being taken after the kill"
        # the owner's live metrics, from the survivor, count the whole log (every relay's orders)
        with on(room, survivor.url).host() as host:
            logged = len(host.get("/events", params={"limit": 10_000}).json())
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            metrics = [e for e in owner.events if e["type"] == "metrics"]
            if metrics and metrics[-1]["events"] >= logged:
                break
            await asyncio.sleep(0.2)
        metrics = [e for e in owner.events if e["type"] == "metrics"]
        # the survivor notices the dead relay (silent 10 s) and ends its viewers' sessions; those who
        # came back are counted again, the stray viewer no more
        assert await wait_online(owner, 6, timeout=25), [m["metrics"]["online"]["value"] for m in metrics[-3:]]
        return viewers, logged, metrics[-1]["events"] if metrics else -1

    async def wait_online(owner: Feed, count: int, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            metrics = [e for e in owner.events if e["type"] == "metrics"]
            if metrics and metrics[-1]["metrics"]["online"]["value"] == count:
                return True
            await asyncio.sleep(0.2)
        return False

    people = [f"buyer-{n}-{k}" for n in range(4) for k in range(200 // per_person)]
    for name in [*people, *(f"viewer-{n}" for n in range(6)), "stray"]:
        room.session(name)  # every page has its session before the relay with them dies
    viewers, logged_then, folded = asyncio.run(scenario())
    assert all("open" in feed.sale_phases(sale["id"]) for feed in viewers)
    moved = [feed for feed in viewers if feed.snapshots > 1]
    assert moved, "nginx spread the viewers over both relays: those on the killed one reconnected"
    assert not refused, refused
    assert folded >= logged_then, "the owner's metrics, now from the survivor, count every relay's events"
    with on(room, survivor.url).host() as host:
        orders = host.get("/orders", params={"limit": 1000}).json()
        tee = next(p for p in host.get("/products").json() if p["sku"] == "tee")
    assert {o["order_id"] for o in orders} >= set(acknowledged.values()), "an acknowledged order was lost"
    assert len(orders) == len(set(acknowledged.values()))
    assert tee["stock"] == 100_000 - sum(o["qty"] for o in orders)


def test_a_broadcast_through_nginx_lands_on_one_relay_and_every_relay_knows_it_is_live(
    deployment: Deployment,
) -> None:
    room = open_room(deployment.a, "tv", CATALOG)
    session = StudioSession(
        SessionConfig(
            source="test",
            mic="tone",
            program=ProgramSettings(canvases=(PORTRAIT,), fps=Fraction(15)),
            broadcast=BroadcastSettings(rungs=(STANDARD_RUNGS["360p"],), fps=Fraction(15), preset="ultrafast"),
            relay=ExternalRelay(deployment.lb.url, "tv", room.stream_key),  # the studio pushes to nginx
            realtime=False,
        ),
        devices=FakeDevices(),
    )
    try:
        session.start()
        session.go_live_now()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            states = [
                httpx.get(f"{relay.url}/api/v1/rooms/tv").json()["state"] for relay in (deployment.a, deployment.b)
            ]
            if states == ["live", "live"]:
                break
            time.sleep(0.3)
        assert states == ["live", "live"], "the relay that does not get the stream knows it from the other"
        pushed_to = set(deployment.lb.upstreams("/ingest/tv/"))
        assert len(pushed_to) == 1, "every push of one room goes to one relay"
        assert httpx.get(f"{deployment.lb.url}/live/tv/master.m3u8").status_code == 200
        elsewhere = deployment.b if pushed_to == {f"127.0.0.1:{deployment.a.port}"} else deployment.a
        with on(room, elsewhere.url).host() as host:  # the host acts through the relay without the stream
            assert host.post("/pins", json={"sku": "tee"}).status_code == 201
            pinned = [e for e in host.get("/events").json() if e["type"] == "pin"]
        assert pinned and pinned[-1]["stream_time"] is not None and 0 < pinned[-1]["stream_time"] < 60
    finally:
        session.close()


@pytest.mark.browser
def test_the_video_moves_to_another_relay_when_the_one_with_the_stream_dies(
    deployment: Deployment, browser: Browser
) -> None:
    """The studio pushes through nginx, a phone watches through nginx; the relay with the stream is
    killed: nginx sends the pushes to the other, the push's standing files (multivariant playlist,
    init segments, sent again every few seconds) make it a stream there, and the page — which sees a
    new stream start — plays again. A page opened afterwards plays too."""
    room = open_room(deployment.a, "tv", CATALOG)
    session = StudioSession(
        SessionConfig(
            source="test",
            mic="tone",
            program=ProgramSettings(canvases=(PORTRAIT,), fps=Fraction(15)),
            broadcast=BroadcastSettings(rungs=(STANDARD_RUNGS["360p"],), fps=Fraction(15), preset="ultrafast"),
            relay=ExternalRelay(deployment.lb.url, "tv", room.stream_key),
            realtime=False,
        ),
        devices=FakeDevices(),
    )
    context = browser.new_context(bypass_csp=True, locale="en", **PHONE)  # type: ignore[arg-type]
    try:
        session.start()
        session.go_live_now()
        page = context.new_page()
        page.goto(f"{deployment.lb.url}/watch/tv")
        page.wait_for_function(PLAYING, timeout=30_000)
        first_start = page.evaluate("window.shopcast.streamStartedAt")
        pushed_to = deployment.lb.upstreams("/ingest/tv/")[-1]
        doomed = deployment.a if pushed_to == f"127.0.0.1:{deployment.a.port}" else deployment.b
        doomed.kill()
        assert isinstance(first_start, float), first_start
        page.wait_for_function(f"window.shopcast.streamStartedAt !== {first_start!r} && ({PLAYING})", timeout=40_000)
        assert deployment.lb.upstreams("/ingest/tv/")[-1] != pushed_to, "the pushes went to the other relay"
        later = context.new_page()
        later.goto(f"{deployment.lb.url}/watch/tv")
        later.wait_for_function(PLAYING, timeout=30_000)
    finally:
        context.close()
        session.close()
