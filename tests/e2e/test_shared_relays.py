"""Two relays behind nginx, sharing PostgreSQL, Redis and a data folder (docs/deploy.md, "Several
relays behind one address"): any relay serves any viewer of a room."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.helpers.nginx_relays import NginxRelays
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room
from tests.helpers.servers import RedisServer

pytestmark = pytest.mark.slow

CATALOG = [
    {"sku": "tee", "title": "Cotton tee", "price": 59.9, "stock": 1000},
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
    a = RelayProcess(tmp_path / "data", *shared).start()
    b = RelayProcess(tmp_path / "data", *shared)
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
    return Room(_at(room.relay, url), room.name, room.owner_token, room.stream_key)


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


def test_a_comment_and_a_pin_made_on_one_relay_reach_the_viewers_of_the_other(deployment: Deployment) -> None:
    room = open_room(deployment.a, "duo", CATALOG)
    health_a = httpx.get(f"{deployment.a.url}/healthz").json()
    assert health_a["store"] == "postgres"

    async def scenario() -> tuple[float, float]:
        async with (
            websockets.connect(feed_url(deployment.a.url, "duo", viewer_id="viewer-a", nickname="Ann")) as on_a,
            websockets.connect(feed_url(deployment.b.url, "duo", viewer_id="viewer-b", nickname="Bo")) as on_b,
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


def test_one_flash_sale_hammered_through_both_relays_sells_exactly_its_units(deployment: Deployment) -> None:
    room = open_room(deployment.a, "sale", CATALOG)
    with on(room, deployment.b.url).host() as host:
        sale = host.post("/flash-sales", json={"sku": "mug", "price": 9.9, "stock": 100, "per_user_limit": 2,
                                               "countdown_s": 0, "duration_s": 120}).json()  # fmt: skip
    bases = [deployment.a.url, deployment.b.url, deployment.lb.url]

    async def attempt(client: httpx.AsyncClient, viewer: str, key: str) -> tuple[str, int, str | None]:
        answer = await client.post(
            "/api/v1/rooms/sale/orders",
            json={"sku": "mug", "flash_sale_id": sale["id"]},
            headers={"X-Viewer-Id": viewer, "Idempotency-Key": key},
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

    # a retried idempotency key gives the first answer on either relay, never a second order
    retried = on(room, deployment.a.url).order("viewer-late", "same-key", sku="tee")
    again = on(room, deployment.b.url).order("viewer-late", "same-key", sku="tee")
    assert retried.status_code == 201 and again.status_code in (200, 201)
    assert again.json()["order_id"] == retried.json()["order_id"]
    with on(room, deployment.a.url).host() as host:
        listed = host.get("/orders", params={"limit": 1000}).json()
        orders = listed["orders"] if isinstance(listed, dict) else listed
    assert len([o for o in orders if o["viewer_id"] == "viewer-late"]) == 1
