"""The live feed over real WebSockets."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
import websockets

from app.relay.server import WS_MAX_FRAME
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room


@pytest.fixture(scope="module")
def room(shared_relay: RelayProcess) -> Room:
    return open_room(shared_relay, "live")


def feed_url(room: Room, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return room.api.replace("http://", "ws://") + f"/live?{query}"


def feed(room: Room, viewer: str, **params: str) -> Any:
    """The live feed as the viewer the test calls ``viewer`` (their session, minted by the relay)."""
    return websockets.connect(feed_url(room, **params), additional_headers=room.session(viewer).headers)


def console_feed(room: Room) -> Any:
    """The live feed as the host's console: the owner token in the handshake's header, never the URL."""
    return websockets.connect(feed_url(room), additional_headers={"Authorization": f"Bearer {room.owner_token}"})


async def next_event(ws: Any, kind: str, timeout: float = 5.0, match: Any = None) -> dict[str, Any]:
    """The next event of ``kind`` (inside batches, or a top-level message)."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
        events = message["events"] if message["type"] == "batch" else [message]
        for event in events:
            if event["type"] == kind and (match is None or match(event)):
                return event


def test_a_pin_reaches_viewers_within_a_second(room: Room) -> None:
    async def scenario() -> float:
        async with feed(room, "viewer-pin", nickname="Pat") as ws:
            snapshot = json.loads(await ws.recv())
            assert snapshot["type"] == "snapshot" and [p["sku"] for p in snapshot["cart"]][:2] == ["tee", "mug"]
            assert (
                snapshot["payment"]["test_mode"] is True
                and snapshot["me"]["viewer_id"] == room.session("viewer-pin").viewer
            )
            started = time.monotonic()
            with room.host() as host:
                assert host.post("/pins", json={"sku": "tee"}).status_code == 201
            event = await next_event(ws, "pins")
            elapsed = time.monotonic() - started
            assert event["pins"] == ["tee"]
            with room.host() as host:
                host.delete("/pins/tee")
            return elapsed

    assert asyncio.run(scenario()) < 1.0


def test_comments_fan_out_and_refusals_go_back_to_the_sender(room: Room) -> None:
    async def scenario() -> None:
        async with (
            feed(room, "viewer-talk", nickname="Tal") as talker,
            feed(room, "viewer-read", nickname="Rea") as reader,
            console_feed(room) as console,
        ):
            for ws in (talker, reader, console):
                await ws.recv()  # snapshot
            await talker.send(json.dumps({"type": "comment", "text": "<b>好看!</b>"}))
            seen = await next_event(reader, "comment", match=lambda e: e["nickname"] == "Tal")
            assert seen["text"] == "<b>好看!</b>" and "viewer_id" not in seen, "viewers never see each other's ids"
            host_seen = await next_event(console, "comment", match=lambda e: e["nickname"] == "Tal")
            assert host_seen["viewer_id"] == room.session("viewer-talk").viewer, "the host sees who to moderate"
            for n in range(6):
                await talker.send(json.dumps({"type": "comment", "text": f"spam {n}", "id": n}))
            error = await next_event(talker, "error")
            assert error["code"] == "slow_down"
            for hostile in ("not json", "[" * 2000 + "]" * 2000, '{"type": "like", "count": NaN}'):
                await talker.send(hostile)
                await next_event(talker, "error", match=lambda e: e["code"] == "bad_message")
            await talker.send(json.dumps({"type": "teleport"}))
            unknown = await next_event(talker, "error", match=lambda e: "unknown message type" in e["message"])
            assert unknown["code"] == "bad_message"

    asyncio.run(scenario())


def test_orders_show_on_the_console_and_stock_on_every_page(room: Room) -> None:
    async def scenario() -> None:
        async with (
            feed(room, "viewer-watch") as watcher,
            console_feed(room) as console,
        ):
            await watcher.recv()
            await console.recv()
            before = next(p for p in room_state(room)["cart"] if p["sku"] == "mug")["stock"]
            order = room.order("viewer-buyer", "k-live", sku="mug", qty=2).json()
            stock = await next_event(watcher, "stock", match=lambda e: e["sku"] == "mug")
            assert stock["stock"] == before - 2
            seen = await next_event(console, "order")
            assert (
                seen["order"]["order_id"] == order["order_id"]
                and seen["order"]["viewer_id"] == room.session("viewer-buyer").viewer
            )

    asyncio.run(scenario())


def room_state(room: Room) -> dict[str, Any]:
    state: dict[str, Any] = httpx.get(f"{room.api}/live-state").json()
    return state


def test_likes_are_totalled_and_presence_is_logged(room: Room) -> None:
    async def scenario() -> None:
        async with feed(room, "viewer-likes", nickname="Lee") as ws:
            snapshot = json.loads(await ws.recv())
            assert snapshot["online"] >= 1
            start = snapshot["likes"]
            await ws.send(json.dumps({"type": "like", "count": 7}))
            likes = await next_event(ws, "likes", match=lambda e: e["total"] >= start + 7)
            assert likes["total"] == start + 7
            await ws.send(json.dumps({"type": "ping", "id": 3}))
            pong = await next_event(ws, "pong")
            assert pong["id"] == 3 and abs(pong["t"] - time.time()) < 2

    asyncio.run(scenario())
    time.sleep(0.3)
    with room.host() as host:
        events = host.get("/events", params={"limit": 10000}).json()
    mine = [e for e in events if e["viewer_id"] == room.session("viewer-likes").viewer]
    assert [e["type"] for e in mine] == ["viewer.enter", "like", "viewer.leave"]
    assert mine[1]["data"]["count"] == 7 and mine[2]["data"]["watched_s"] >= 0


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("viewer_id=viewer-chosen", {}),  # an id the client chose is no identity
        ("", {}),
        ("token=wrong-token-123", {}),
        ("", {"Authorization": "Bearer s1.viewer-forged.a.9999999999." + "A" * 43}),
        ("", {"Cookie": "shopcast_session=s1.viewer-forged.a.9999999999." + "A" * 43}),
        ("", {"Origin": "https://evil.example"}),  # another site's page, even with a session (below)
    ],
)
def test_bad_connections_are_refused(room: Room, query: str, headers: dict[str, str]) -> None:
    if "Origin" in headers:
        headers = {**headers, **room.session("viewer-elsewhere").headers}

    async def scenario() -> None:
        url = room.api.replace("http://", "ws://") + f"/live?{query}"
        with pytest.raises(websockets.exceptions.InvalidStatus):
            async with websockets.connect(url, additional_headers=headers):
                pass

    asyncio.run(scenario())


def test_a_huge_frame_is_cut_off_at_the_framing_layer(room: Room) -> None:
    async def scenario() -> int | None:
        async with feed(room, "viewer-huge", nickname="H") as ws:
            await ws.recv()  # snapshot
            await ws.send(json.dumps({"type": "comment", "text": "x" * 5000}))  # over the feed's limit: an error
            error = await next_event(ws, "error")
            assert error["code"] == "too_large"
            try:  # past any socket's limit: the relay closes (1009) while it is still being sent
                await ws.send("x" * (WS_MAX_FRAME + 1))
                await asyncio.wait_for(ws.wait_closed(), 5)
            except (ConnectionError, websockets.exceptions.ConnectionClosed):
                pass
            return ws.close_code
        return None

    assert asyncio.run(scenario()) in (1009, 1006), "closed, by the relay (1009) or mid-send (reset)"

    async def still_serving() -> str:
        async with feed(room, "viewer-after", nickname="A") as ws:
            return str(json.loads(await ws.recv())["type"])

    assert asyncio.run(still_serving()) == "snapshot"


def test_the_first_message_is_always_the_snapshot_even_while_the_room_is_busy(room: Room) -> None:
    async def first_message(n: int) -> str:
        async with feed(room, f"viewer-burst-{n:03d}", nickname="B") as ws:
            return str(json.loads(await ws.recv())["type"])

    async def scenario() -> list[str]:
        # Viewers arrive while every arrival changes the online count (a batch each tick).
        kinds: list[str] = []
        for wave in range(4):
            kinds += await asyncio.gather(*(first_message(wave * 40 + n) for n in range(40)))
            await asyncio.sleep(0.05)
        return kinds

    kinds = asyncio.run(scenario())
    assert kinds == ["snapshot"] * 160
