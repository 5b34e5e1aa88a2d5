"""Rehearsal (彩排) on a real relay: the whole show before it goes public, then the real stock back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from tests.helpers.relay import REPO, RelayProcess
from tests.helpers.room import Room, open_room


@pytest.fixture
def room(relay: RelayProcess) -> Room:
    return open_room(relay, "rehearse")


def put_stream(room: Room, path: str, body: bytes) -> None:
    response = httpx.put(
        f"{room.relay.url}/ingest/{room.name}/{path}",
        content=body,
        headers={"Authorization": f"Bearer {room.stream_key}"},
        timeout=10,
    )
    assert response.status_code in (201, 204), response.text


def go_live(room: Room) -> None:
    put_stream(room, "s1/720p/index.m3u8", b"#EXTM3U\n")
    put_stream(room, "master.m3u8", b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\ns1/720p/index.m3u8\n")


def end_live(room: Room) -> None:
    put_stream(room, "s1/720p/index.m3u8", b"#EXTM3U\n#EXT-X-ENDLIST\n")


def info(room: Room) -> dict[str, Any]:
    data: dict[str, Any] = httpx.get(room.api, timeout=10).json()
    return data


def switch(room: Room, on: bool) -> httpx.Response:
    with room.host() as host:
        return host.put("/rehearsal", json={"on": on})


def events(room: Room) -> list[dict[str, Any]]:
    with room.host() as host:
        rows: list[dict[str, Any]] = host.get("/events", params={"limit": 10_000}).json()
        return rows


def stock(room: Room, sku: str) -> tuple[int, int]:
    with room.host() as host:
        product = next(p for p in host.get("/console-state").json()["cart"] if p["sku"] == sku)
        return product["stock"], product["sold"]


def test_a_rehearsal_marks_everything_and_leaves_the_real_show_as_it_was(room: Room) -> None:
    real = room.order("shopper", "real-1", sku="tee").json()
    assert real["test_mode"] is True and real["rehearsal"] is False
    before = {sku: stock(room, sku) for sku in ("tee", "mug")}
    assert info(room)["rehearsal"] is False

    with room.host() as host:
        assert host.get("/rehearsal").json() == {"on": False}
    started = switch(room, True)
    assert started.status_code == 200, started.text
    assert started.json()["on"] is True and started.json()["by"] == "owner"
    assert switch(room, True).json()["id"] == started.json()["id"], "switching on again changes nothing"
    assert info(room)["rehearsal"] is True

    # What the team does in the rehearsal: orders, a flash sale, a coupon, a poll, a draw, a group-buy.
    with room.host() as host:
        sale = host.post("/flash-sales", json={"sku": "mug", "price": 9.9, "stock": 10, "per_user_limit": 2,
                                               "countdown_s": 10, "duration_s": 60}).json()  # fmt: skip
        coupon = host.post("/coupons", json={"title": "5 off", "amount": 5, "min_spend": 0, "quota": 10,
                                             "per_user_limit": 1, "valid_s": 600}).json()  # fmt: skip
        poll = host.post("/polls", json={"question": "Colour?", "options": ["red", "blue"]}).json()
        draw = host.post("/draws", json={"prize": "mug", "winners": 1, "duration_s": 60}).json()
        group_buy = host.post("/group-buys", json={"sku": "tee", "price": 49.9, "group_size": 3,
                                                   "window_s": 600}).json()  # fmt: skip
    with room.viewer("tester-1") as tester:
        assert tester.post(f"/coupons/{coupon['id']}/claims").status_code in (200, 201)
    order = room.order("tester-1", "rh-1", sku="tee", qty=2, coupon_id=coupon["id"])
    assert order.status_code in (200, 201), order.text
    assert order.json()["test_mode"] is True and order.json()["rehearsal"] is True
    group_order = room.order("tester-2", "rh-2", sku="tee", group_buy_id=group_buy["id"]).json()
    assert group_order["rehearsal"] is True and group_order["status"] == "created"
    assert stock(room, "tee") == (before["tee"][0] - 3, before["tee"][1] + 3)
    assert stock(room, "mug")[0] == before["mug"][0] - 10, "the flash sale reserved its units"
    with room.host() as host:
        state = host.get("/console-state").json()
    assert state["rehearsal"] is True and state["payment"]["test_mode"] is True
    rows = [o for o in state["orders"] if o["order_id"] in (order.json()["order_id"], group_order["order_id"])]
    assert len(rows) == 2 and all(o["rehearsal"] and o["test_mode"] for o in rows)

    # Unlisted: the listing for a public directory leaves it out; its page still opens, marked unlisted.
    with room.relay.admin() as admin:
        assert room.name in [r["room"] for r in admin.get("/api/v1/rooms").json()], "the admin sees every room"
        assert room.name not in [r["room"] for r in admin.get("/api/v1/rooms", params={"listed": True}).json()]
    page = httpx.get(f"{room.relay.url}/watch/{room.name}", timeout=10)
    assert page.status_code == 200 and page.headers["x-robots-tag"] == "noindex, nofollow"

    # Going live in rehearsal: stream.started says so; switching now is refused, both ways.
    go_live(room)
    assert info(room)["state"] == "live"
    refused = switch(room, False)
    assert refused.status_code == 409 and refused.json()["error"] == "live"
    assert "end the stream first" in refused.json()["message"]
    assert switch(room, True).status_code == 200, "asking for the mode it is already in is not a switch"
    end_live(room)
    assert info(room)["state"] == "ended"

    ended = switch(room, False)
    assert ended.status_code == 200, ended.text
    assert ended.json()["on"] is False
    assert ended.json()["orders_cancelled"] == 2 and ended.json()["campaigns_ended"] == 5
    assert info(room)["rehearsal"] is False
    with room.relay.admin() as admin:
        assert room.name in [r["room"] for r in admin.get("/api/v1/rooms", params={"listed": True}).json()]
    assert "x-robots-tag" not in httpx.get(f"{room.relay.url}/watch/{room.name}", timeout=10).headers

    # The real show starts with the real stock: the rehearsal's units, and the flash sale's, are back.
    assert {sku: stock(room, sku) for sku in ("tee", "mug")} == before
    with room.host() as host:
        orders = {o["order_id"]: o for o in host.get("/orders").json()}
        assert orders[real["order_id"]]["status"] == "paid", "the order before the rehearsal stands"
        assert orders[order.json()["order_id"]]["status"] == "cancelled"
        assert orders[group_order["order_id"]]["status"] == "cancelled"
        state = host.get("/console-state").json()
    with room.viewer("tester-1") as tester:
        assert tester.get(f"/flash-sales/{sale['id']}").json()["phase"] == "closed"
    assert state["rehearsal"] is False and state["coupons"] == [] and state["group_buys"] == []
    assert all(p["status"] == "closed" for p in state["polls"] if p["id"] == poll["id"])
    assert all(d["status"] == "closed" for d in state["draws"] if d["id"] == draw["id"])
    with room.viewer("tester-1") as tester:
        refused_claim = tester.post(f"/coupons/{coupon['id']}/claims")
    assert refused_claim.status_code == 409, "the rehearsal's coupon is over"

    # The log: every event from rehearsal.started to rehearsal.ended is marked, nothing else is.
    log = events(room)
    kinds = [e["type"] for e in log]
    first, last = kinds.index("rehearsal.started"), kinds.index("rehearsal.ended")
    assert all(e["data"].get("rehearsal") is True for e in log[first : last + 1])
    assert not any(e["data"].get("rehearsal") for e in log[:first] + log[last + 1 :])
    assert log[first]["data"]["by"] == "owner" and log[last]["data"]["by"] == "owner"
    started_row = next(e for e in log if e["type"] == "stream.started")
    assert started_row["data"] == {"rehearsal": True}
    cancelled = [e for e in log if e["type"] == "order.cancelled"]
    assert {e["data"]["order_id"] for e in cancelled} == {order.json()["order_id"], group_order["order_id"]}
    assert {"flash_sale.closed", "coupon.ended", "poll.closed", "draw.closed", "group_buy.ended"} <= set(
        kinds[first:last]
    )

    # After it, a new order is a real one again.
    after = room.order("shopper", "real-2", sku="tee").json()
    assert after["rehearsal"] is False
    assert "rehearsal" not in events(room)[-1]["data"]


def test_the_feed_tells_every_page_when_the_mode_changes(room: Room) -> None:
    ws = room.relay.url.replace("http://", "ws://")
    viewer = room.session("viewer-feed").headers
    with connect(f"{ws}/api/v1/rooms/{room.name}/live?nickname=v", open_timeout=10, additional_headers=viewer) as feed:
        snapshot = json.loads(feed.recv(timeout=10))
        assert snapshot["type"] == "snapshot" and snapshot["rehearsal"] is False
        assert switch(room, True).status_code == 200
        assert wait_for_rehearsal(feed) == {"type": "rehearsal", "on": True, "test_mode": True}
        assert switch(room, False).status_code == 200
        assert wait_for_rehearsal(feed) == {"type": "rehearsal", "on": False, "test_mode": True}
    assert switch(room, True).status_code == 200
    owner = {"Authorization": f"Bearer {room.owner_token}"}
    with connect(f"{ws}/api/v1/rooms/{room.name}/live", open_timeout=10, additional_headers=owner) as console:
        snapshot = json.loads(console.recv(timeout=10))
        assert snapshot["rehearsal"] is True and snapshot["payment"]["test_mode"] is True


def wait_for_rehearsal(feed: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        message = json.loads(feed.recv(timeout=5))
        for event in message.get("events", []):
            if event["type"] == "rehearsal":
                result: dict[str, Any] = event
                return result
    raise AssertionError("no rehearsal message on the feed")


def test_only_the_host_switches_it_and_the_body_is_checked(room: Room) -> None:
    url = f"{room.api}/rehearsal"
    assert httpx.put(url, json={"on": True}, timeout=10).status_code == 403
    wrong = httpx.put(url, json={"on": True}, headers={"Authorization": "Bearer nope-nope-nope"}, timeout=10)
    assert wrong.status_code == 401
    with room.host() as host:
        bodies: list[object] = [{}, {"on": "yes"}, {"on": 1}, {"on": True, "extra": 1}, []]
        for body in bodies:
            answer = host.put("/rehearsal", json=body)
            assert answer.status_code == 422, (body, answer.text)
    with room.relay.admin() as admin:
        by_admin = admin.put(f"/api/v1/rooms/{room.name}/rehearsal", json={"on": True})
        assert by_admin.status_code == 200 and by_admin.json()["by"] == "admin"
        assert admin.put("/api/v1/rooms/nosuchroom/rehearsal", json={"on": True}).status_code == 404
    assert info(room)["rehearsal"] is True


def test_starting_a_rehearsal_while_live_is_refused(room: Room) -> None:
    go_live(room)
    refused = switch(room, True)
    assert refused.status_code == 409
    assert refused.json()["message"].startswith("the room is live: end the stream first")
    assert info(room)["rehearsal"] is False
    assert "rehearsal.started" not in [e["type"] for e in events(room)]


def test_the_rehearsal_survives_a_relay_restart(room: Room) -> None:
    assert switch(room, True).status_code == 200
    order = room.order("tester", "rh-restart", sku="mug").json()
    before_restart = stock(room, "mug")
    room.relay.stop()
    room.relay.restart()
    assert info(room)["rehearsal"] is True
    with room.relay.admin() as admin:
        assert room.name not in [r["room"] for r in admin.get("/api/v1/rooms", params={"listed": True}).json()]
    again = room.order("tester", "rh-restart-2", sku="mug").json()
    assert again["rehearsal"] is True and again["test_mode"] is True
    assert events(room)[-1]["data"]["rehearsal"] is True, "events after the restart are still marked"
    ended = switch(room, False).json()
    assert ended["orders_cancelled"] == 2
    assert stock(room, "mug") == (before_restart[0] + 1, before_restart[1] - 1), "both orders' units are back"
    with room.host() as host:
        statuses = {o["order_id"]: o["status"] for o in host.get("/orders").json()}
    assert statuses[order["order_id"]] == statuses[again["order_id"]] == "cancelled"


def shopcast(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``shopcast ARGS`` with ``env`` added (the secrets go there, never in the arguments)."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
        env={**os.environ, "SHOPCAST_OWNER_TOKEN": "", **(env or {})},
    )  # fmt: skip


@pytest.mark.slow
def test_a_headless_broadcast_rehearses_with_the_owner_token(room: Room) -> None:
    target = ("--relay", room.relay.url, "--room", room.name)
    media = ("--source", "test", "--mic", "none", "--ladder", "360p", "--preset", "ultrafast", "--quiet")
    key = {"SHOPCAST_STREAM_KEY": room.stream_key}
    without = shopcast("broadcast", *target, "--rehearsal", *media, "--duration", "1", env=key)
    assert without.returncode == 2 and "--rehearsal needs" in without.stderr and "--owner-token" in without.stderr

    secrets = {**key, "SHOPCAST_OWNER_TOKEN": room.owner_token}
    result = shopcast("broadcast", *target, "--rehearsal", *media, "--duration", "3", env=secrets)
    assert result.returncode == 0, result.stderr
    assert "Rehearsal: the room is unlisted and its orders are test orders." in result.stdout
    assert "Rehearsal ended: 0 test orders cancelled" in result.stdout
    kinds = [(e["type"], e["data"].get("rehearsal")) for e in events(room)]
    assert kinds.index(("rehearsal.started", True)) < kinds.index(("stream.started", True))
    assert kinds.index(("stream.ended", True)) < kinds.index(("rehearsal.ended", True))
    assert info(room)["rehearsal"] is False, "the room is back to normal for the real show"
