"""The room API's guarantees over HTTP: viewers cannot act as the host, bad input is a 4xx with a
message (never a 500), and the host's actions reach viewers."""

from __future__ import annotations

import hashlib
import json
import time

import httpx
import pytest

from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room

HOST_ACTIONS = [
    ("POST", "/products", {"sku": "x1", "title": "X", "price": 1, "stock": 1}),
    ("POST", "/catalog", [{"sku": "x2", "title": "X", "price": 1, "stock": 1}]),
    ("POST", "/pins", {"sku": "tee"}),
    ("DELETE", "/pins/tee", None),
    (
        "POST",
        "/flash-sales",
        {"sku": "tee", "price": 1, "stock": 1, "per_user_limit": 1, "countdown_s": 10, "duration_s": 60},
    ),
    ("POST", "/flash-sales/fs_x/end", None),
    ("POST", "/coupons", {"title": "c", "amount": 1, "quota": 1}),
    ("POST", "/coupons/cp_x/end", None),
    ("POST", "/group-buys", {"sku": "tee", "price": 1, "group_size": 2, "window_s": 60}),
    ("POST", "/group-buys/gb_x/end", None),
    ("POST", "/polls", {"question": "q", "options": ["a", "b"]}),
    ("POST", "/polls/pl_x/close", None),
    ("GET", "/questions", None),
    ("PATCH", "/questions/q_x", {"status": "answered"}),
    ("POST", "/draws", {"prize": "p", "duration_s": 30}),
    ("POST", "/draws/dr_x/close", None),
    ("DELETE", "/comments/1", None),
    ("POST", "/mutes", {"viewer_id": "viewer-abc", "minutes": 5}),
    ("DELETE", "/mutes/viewer-abc", None),
    ("GET", "/blocked-words", None),
    ("PUT", "/blocked-words", {"words": ["x"]}),
    ("GET", "/orders", None),
    ("POST", "/orders/o_x/refund", None),
    ("GET", "/console-state", None),
    ("GET", "/events", None),
    ("GET", "/rundown", None),
    ("GET", "/rundown/csv", None),
    ("PUT", "/rundown", {"segments": [{"sku": "tee", "duration_s": 5}]}),
    ("POST", "/rundown/next", None),
    ("POST", "/rundown/start", {"index": 0}),
    ("POST", "/rundown/launch", {"action": None}),
    ("POST", "/rundown/stop", None),
]


@pytest.fixture(scope="module")
def room(shared_relay: RelayProcess) -> Room:
    return open_room(shared_relay, "api")


@pytest.mark.parametrize(("method", "path", "body"), HOST_ACTIONS, ids=[f"{m} {p}" for m, p, _ in HOST_ACTIONS])
def test_viewers_cannot_call_host_actions(room: Room, method: str, path: str, body: object) -> None:
    with room.viewer("viewer-sneaky") as viewer:
        response = viewer.request(method, path, json=body)
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "forbidden"
    with room.viewer("viewer-sneaky") as viewer:
        wrong = viewer.request(method, path, json=body, headers={"Authorization": "Bearer not-the-owner"})
    assert wrong.status_code == 401


def test_another_rooms_owner_token_is_not_this_rooms(shared_relay: RelayProcess, room: Room) -> None:
    other = open_room(shared_relay, "api-other")
    response = httpx.post(
        f"{room.api}/pins", json={"sku": "tee"}, headers={"Authorization": f"Bearer {other.owner_token}"}
    )
    assert response.status_code == 401


MALFORMED = [
    ("POST", "/products", b"{not json"),
    ("POST", "/products", b'{"sku": "../x", "title": "t", "price": 1, "stock": 1}'),
    ("POST", "/products", b'{"sku": "ok", "title": "t", "price": 1.234, "stock": 1}'),
    ("POST", "/products", b'{"sku": "ok", "title": "t", "price": -1, "stock": 1}'),
    ("POST", "/products", b'{"sku": "ok", "title": "t", "price": 1, "stock": 1, "colour": "red"}'),
    ("POST", "/products", b"[]"),
    ("POST", "/catalog", b'[{"sku": "a", "title": "t", "price": "abc", "stock": 1}]'),
    ("POST", "/catalog", b'{"products": "nope"}'),
    ("POST", "/pins", b'{"sku": 5}'),
    (
        "POST",
        "/flash-sales",
        b'{"sku": "tee", "price": 1, "stock": 1, "per_user_limit": 1, "countdown_s": 301, "duration_s": 60}',
    ),
    (
        "POST",
        "/flash-sales",
        b'{"sku": "tee", "price": 1, "stock": 0, "per_user_limit": 1, "countdown_s": 10, "duration_s": 60}',
    ),
    ("POST", "/coupons", b'{"title": "", "amount": 0, "quota": 1}'),
    ("POST", "/group-buys", b'{"sku": "tee", "price": 1, "group_size": 1, "window_s": 60}'),
    ("POST", "/polls", b'{"question": "q", "options": ["only one"]}'),
    ("PATCH", "/questions/q_x", b'{"status": "eaten"}'),
    ("POST", "/draws", b'{"prize": "p", "duration_s": 99999}'),
    ("POST", "/mutes", b'{"viewer_id": "x", "minutes": 5}'),
    ("PUT", "/blocked-words", b'{"words": "fake"}'),
    ("GET", "/events?after=-1", None),
    ("GET", "/orders?limit=0", None),
]


@pytest.mark.parametrize(("method", "path", "body"), MALFORMED, ids=[f"{m} {p} {b!r:.40}" for m, p, b in MALFORMED])
def test_malformed_host_requests_are_4xx_with_a_message(room: Room, method: str, path: str, body: bytes | None) -> None:
    with room.host() as host:
        response = host.request(method, path, content=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    payload = response.json()
    assert payload["error"] and payload["message"] and len(payload["message"]) > 10


VIEWER_MALFORMED = [
    ("/orders", b'{"sku": "tee", "qty": 0}'),
    ("/orders", b'{"sku": "tee", "qty": "two"}'),
    ("/orders", b'{"qty": 1}'),
    ("/orders", b'{"sku": "tee", "flash_sale_id": "fs 1"}'),
    ("/orders", b"\xff\xfe"),
    ("/polls/pl_x/votes", b'{"option": -1}'),
    ("/questions", b'{"text": ""}'),
    ("/comments", b'{"text": "' + b"x" * 300 + b'"}'),
    ("/draws/dr_x/entries", b'{"nickname": 1}'),
]


@pytest.mark.parametrize(("path", "body"), VIEWER_MALFORMED, ids=[f"{p} {b!r:.30}" for p, b in VIEWER_MALFORMED])
def test_malformed_viewer_requests_are_4xx_with_a_message(room: Room, path: str, body: bytes) -> None:
    with room.viewer("viewer-clumsy") as viewer:
        response = viewer.post(path, content=body, headers={"Content-Type": "application/json", "Idempotency-Key": "k"})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["message"]


def test_catalog_imports_csv_with_variants_and_reports_the_bad_row(room: Room) -> None:
    csv = "sku,title,price,stock,parent_sku,option\nhat,Sun hat,39.9,0,,\nhat-s,,39.9,5,hat,S\nhat-l,,42,4,hat,L\n"
    with room.host() as host:
        ok = host.post("/catalog", content=csv.encode(), headers={"Content-Type": "text/csv"})
        bad = host.post(
            "/catalog", content=b"sku,title,price,stock\nx,X,free,1\n", headers={"Content-Type": "text/csv"}
        )
    assert ok.status_code == 200, ok.text
    hat = next(p for p in ok.json()["cart"] if p["sku"] == "hat")
    assert [(o["option"], o["price"], o["stock"]) for o in hat["options"]] == [("S", 39.9, 5), ("L", 42.0, 4)]
    assert bad.status_code == 422 and bad.json()["message"].startswith("row 2: price must be a number")


def test_a_group_buy_over_http_fills_and_pays(room: Room) -> None:
    with room.host() as host:
        campaign = host.post("/group-buys", json={"sku": "mug", "price": 19.9, "group_size": 2, "window_s": 600}).json()
    first = room.order("viewer-g1", "g", sku="mug", group_buy_id=campaign["id"]).json()
    assert first["status"] == "created"
    group = httpx.get(f"{room.api}/groups/{first['group_id']}").json()
    assert group["needed"] == 1
    second = room.order("viewer-g2", "g", sku="mug", group_id=first["group_id"]).json()
    assert second["status"] == "paid"
    with room.viewer("viewer-g1") as viewer:
        mine = viewer.get("/me").json()["orders"]
    assert [o["status"] for o in mine] == ["paid"]


@pytest.mark.slow
def test_a_group_that_does_not_fill_is_refunded_by_the_relay_at_the_windows_end(room: Room) -> None:
    with room.host() as host:
        campaign = host.post("/group-buys", json={"sku": "mug", "price": 19.9, "group_size": 3, "window_s": 10}).json()
    first = room.order("viewer-lonely", "g", sku="mug", group_buy_id=campaign["id"]).json()
    deadline = time.time() + 20
    while time.time() < deadline:
        with room.viewer("viewer-lonely") as viewer:
            order = viewer.get("/me").json()["orders"][-1]
        if order["status"] != "created":
            break
        time.sleep(0.5)
    assert order["order_id"] == first["order_id"]
    assert (order["status"], order["refunded"]) == ("cancelled", True)
    assert httpx.get(f"{room.api}/groups/{first['group_id']}").json()["status"] == "failed"


def test_a_closed_draw_can_be_verified_by_anyone(room: Room) -> None:
    with room.host() as host:
        draw = host.post("/draws", json={"prize": "Free mug", "winners": 2, "duration_s": 60}).json()
    for n in range(5):
        with room.viewer(f"viewer-draw{n}") as viewer:
            assert viewer.post(f"/draws/{draw['id']}/entries", json={}).status_code == 201
    with room.host() as host:
        host.post(f"/draws/{draw['id']}/close")
    proof = httpx.get(f"{room.api}/draws/{draw['id']}").json()
    assert hashlib.sha256(proof["seed"].encode()).hexdigest() == draw["seed_hash"]
    tickets = [e["ticket"] for e in proof["entrant_list"]]
    ranked = sorted(tickets, key=lambda v: hashlib.sha256(f"{proof['seed']}:{v}".encode()).hexdigest())
    assert [w["ticket"] for w in proof["winner_list"]] == ranked[:2]
    for n in range(5):  # no entrant's id is published; each finds their own ticket from their salt
        session = room.session(f"viewer-draw{n}")
        assert session.viewer not in json.dumps(proof)
        with room.viewer(f"viewer-draw{n}") as viewer:
            entry = viewer.get("/me").json()["draw_tickets"][draw["id"]]
        assert hashlib.sha256(f"{entry['salt']}:{session.viewer}".encode()).hexdigest() == entry["ticket"] in tickets


def test_the_event_log_records_actions_with_wall_and_stream_time(room: Room) -> None:
    with room.host() as host:
        before = host.get("/events", params={"limit": 10000}).json()
        host.post("/pins", json={"sku": "mug"})
        host.delete("/pins/mug")
        after = host.get("/events", params={"after": before[-1]["id"]}).json()
    assert [e["type"] for e in after] == ["pin", "unpin"]
    assert all(abs(e["wall"] - time.time()) < 10 for e in after)
    assert all(e["stream_time"] is None for e in after), "the room is not live, so there is no stream time"
