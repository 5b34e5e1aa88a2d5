"""Orders over HTTP on a real relay: no oversell under 5,000 concurrent attempts, idempotency, refusals."""

from __future__ import annotations

import asyncio
import collections
import time
from typing import Any

import aiohttp
import httpx
import pytest

from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room


@pytest.fixture(scope="module")
def room(shared_relay: RelayProcess) -> Room:
    return open_room(shared_relay, "orders")


@pytest.mark.slow
def test_five_thousand_concurrent_attempts_never_oversell(room: Room) -> None:
    with room.host() as host:
        created = host.post(
            "/flash-sales",
            json={"sku": "tee", "price": 9.9, "stock": 100, "per_user_limit": 2, "countdown_s": 10, "duration_s": 120},
        )
    assert created.status_code == 201, created.text
    sale = created.json()
    assert {"id", "opens_at", "closes_at"} <= sale.keys()
    time.sleep(max(0.0, sale["opens_at"] - time.time()) + 0.3)

    viewers = [f"viewer-{n:04d}" for n in range(250)]
    sessions = {v: room.session(v).headers for v in viewers}
    # 20 attempts per viewer over 10 keys: every key is sent twice (a retry), interleaved with others.
    attempts = [(v, f"key-{k}") for v in viewers for k in range(10)] * 2
    results: dict[tuple[str, str], list[tuple[int, dict]]] = collections.defaultdict(list)

    async def storm() -> None:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as session:
            gate = asyncio.Semaphore(200)

            async def attempt(viewer: str, key: str) -> None:
                async with gate:
                    for _ in range(5):  # a dropped connection is retried with the same key, as a client should
                        try:
                            async with session.post(
                                f"{room.api}/orders",
                                json={"sku": "tee", "qty": 1, "flash_sale_id": sale["id"]},
                                headers={**sessions[viewer], "Idempotency-Key": key},
                            ) as response:
                                results[(viewer, key)].append((response.status, await response.json()))
                                return
                        except aiohttp.ClientConnectionError:
                            await asyncio.sleep(0.1)
                    raise AssertionError(f"{viewer}/{key}: no answer after 5 tries")

            await asyncio.gather(*(attempt(v, k) for v, k in attempts))

    asyncio.run(storm())
    assert sum(len(r) for r in results.values()) == 5000
    statuses = collections.Counter(status for r in results.values() for status, _ in r)
    assert set(statuses) <= {201, 409}, statuses
    refusals = collections.Counter(body["error"] for r in results.values() for status, body in r if status == 409)
    assert set(refusals) <= {"sold_out", "limit_reached"}, refusals

    order_ids_per_viewer: dict[str, set[str]] = collections.defaultdict(set)
    for (viewer, _key), responses in results.items():
        made = {body["order_id"] for status, body in responses if status == 201}
        assert len(made) <= 1, "a retried Idempotency-Key made a second order"
        order_ids_per_viewer[viewer] |= made
    assert sum(len(ids) for ids in order_ids_per_viewer.values()) == 100
    assert max(len(ids) for ids in order_ids_per_viewer.values()) <= 2

    with room.host() as host:
        orders = host.get("/orders", params={"limit": 1000}).json()
    flash_orders = [o for o in orders if o["flash_sale_id"] == sale["id"]]
    assert len(flash_orders) == 100 and all(o["status"] == "paid" and o["qty"] == 1 for o in flash_orders)
    per_viewer = collections.Counter(o["viewer_id"] for o in flash_orders)
    assert max(per_viewer.values()) <= 2
    final = httpx.get(f"{room.api}/flash-sales/{sale['id']}").json()
    assert (final["sold"], final["stock"], final["remaining"]) == (100, 100, 0)


def test_retrying_a_key_replays_the_order_and_a_changed_body_is_422(room: Room) -> None:
    first = room.order("viewer-retry", "same-key", sku="mug", qty=1)
    again = room.order("viewer-retry", "same-key", sku="mug", qty=1)
    assert first.status_code == again.status_code == 201
    assert again.json()["order_id"] == first.json()["order_id"]
    assert again.headers["idempotent-replayed"] == "true"
    changed = room.order("viewer-retry", "same-key", sku="mug", qty=2)
    assert changed.status_code == 422
    assert changed.json() == {
        "error": "idempotency_mismatch",
        "message": "this Idempotency-Key was already used for a different order",
    }


def test_orders_say_test_mode(room: Room) -> None:
    order = room.order("viewer-tm", "k1", sku="mug").json()
    assert order["test_mode"] is True and order["status"] == "paid"
    state = httpx.get(f"{room.api}/live-state").json()
    assert state["payment"] == {"provider": "test", "test_mode": True}


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "session_required"),
        ({"X-Viewer-Id": "viewer-ok"}, 401, "session_required"),  # a name the client chose is no identity
        ({"Authorization": "Bearer s1.viewer-ok.a.9999999999." + "A" * 43}, 401, "session_invalid"),
        ({"session": True}, 400, "missing_idempotency_key"),
    ],
)
def test_orders_need_a_viewer_and_a_key(room: Room, headers: dict[str, Any], status: int, code: str) -> None:
    if headers.pop("session", False):
        headers = room.session("viewer-ok").headers
    response = httpx.post(f"{room.api}/orders", json={"sku": "mug"}, headers=headers)
    assert response.status_code == status and response.json()["error"] == code and response.json()["message"]


def test_buying_before_the_flash_sale_opens_is_refused_with_the_wait(room: Room) -> None:
    with room.host() as host:
        sale = host.post(
            "/flash-sales",
            json={"sku": "mug", "price": 9.9, "stock": 5, "per_user_limit": 1, "countdown_s": 60, "duration_s": 60},
        ).json()
    early = room.order("viewer-early", "k1", sku="mug", flash_sale_id=sale["id"])
    assert early.status_code == 409
    assert early.json()["error"] == "not_open_yet" and "opens in" in early.json()["message"]
    with room.host() as host:
        ended = host.post(f"/flash-sales/{sale['id']}/end").json()
    assert ended["phase"] == "closed"
    late = room.order("viewer-early", "k2", sku="mug", flash_sale_id=sale["id"])
    assert late.json()["error"] == "flash_sale_closed"
