"""Assistant (中控) links on a real relay: the owner makes, lists and revokes them; an assistant's token
runs the commerce side of the show (cues, launches, pins, comments, mutes, questions) and every action
is recorded as theirs; everything else stays the owner's (walked over the whole OpenAPI document); a
revoked or expired link is refused on REST and its feed is closed; bad input is a precise 4xx."""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import Close
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from app.relay.assistants import SUBPROTOCOL, AssistantTokens
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room

SHOW = {"segments": [
    {"id": "a", "sku": "tee", "duration_s": 60, "points": ["100% cotton", "三种颜色"],
     "flash_sale": {"price": 19.9, "stock": 5, "countdown_s": 0, "duration_s": 60}},
    {"id": "b", "sku": "mug", "duration_s": 30},
]}  # fmt: skip

ALLOWED = {
    ("get", "/rundown"),
    ("post", "/rundown/next"),
    ("post", "/rundown/start"),
    ("post", "/rundown/launch"),
    ("post", "/rundown/stop"),
    ("post", "/pins"),
    ("delete", "/pins/{sku}"),
    ("delete", "/comments/{comment_id}"),
    ("post", "/mutes"),
    ("delete", "/mutes/{viewer_id}"),
    ("get", "/questions"),
    ("patch", "/questions/{question_id}"),
    ("get", "/assistant"),
}
"""What an assistant's token may do, relative to /api/v1/rooms/{room}; everything else of the owner's is 403."""


@pytest.fixture
def room(shared_relay: RelayProcess, request: pytest.FixtureRequest) -> Room:
    return open_room(shared_relay, f"as-{zlib.crc32(request.node.name.encode()):08x}")


def make_link(room: Room, label: str = "小王", **extra: Any) -> dict[str, Any]:
    with room.host() as host:
        made = host.post("/assistants", json={"label": label, **extra})
    assert made.status_code == 201, made.text
    link: dict[str, Any] = made.json()
    return link


def token_of(link: dict[str, Any]) -> str:
    return str(link["url"]).split("#t=", 1)[1]


def assistant(room: Room, token: str) -> httpx.Client:
    return httpx.Client(base_url=room.api, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def feed(room: Room, token: str) -> ClientConnection:
    url = room.api.replace("http://", "ws://", 1) + "/live"
    return connect(url, subprotocols=[Subprotocol(SUBPROTOCOL), Subprotocol(token)], open_timeout=10)


def receive_until(ws: ClientConnection, wanted: str, timeout: float = 10) -> dict[str, Any]:
    """The first event of type ``wanted`` in the feed's batches."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        for event in message.get("events", []):
            if event["type"] == wanted:
                found: dict[str, Any] = event
                return found


def events_by(room: Room, who: str) -> list[tuple[str, dict[str, Any]]]:
    with room.host() as host:
        rows = host.get("/events", params={"limit": 10_000}).json()
    return [(row["type"], row["data"]) for row in rows if row["data"].get("by") == who]


def test_the_owner_makes_lists_and_revokes_links_and_the_log_says_so(room: Room) -> None:
    link = make_link(room, "小王", ttl_s=3600)
    assert link["label"] == "小王" and link["state"] == "active" and link["id"].startswith("ast_")
    assert link["url"].startswith(f"{room.relay.url}/assist/{room.name}#t=")
    assert abs(link["expires_at"] - (time.time() + 3600)) < 5
    second = make_link(room, "Mei")
    with room.host() as host:
        listed = host.get("/assistants").json()
        assert [(x["label"], x["state"]) for x in listed] == [("Mei", "active"), ("小王", "active")]
        assert listed[1]["url"] == link["url"], "an active link's URL can be copied again"
        revoked = host.delete(f"/assistants/{link['id']}")
        assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
        assert host.delete(f"/assistants/{link['id']}").json()["state"] == "revoked", "revoking twice is harmless"
        listed = host.get("/assistants").json()
        assert [(x["label"], x["state"], x["url"] is None) for x in listed] == [
            ("Mei", "active", False),
            ("小王", "revoked", True),
        ]
        logged = [(e["type"], e["data"]) for e in host.get("/events").json() if e["type"].startswith("assistant.")]
    assert logged == [
        ("assistant.invited", {"assistant": link["id"], "label": "小王", "expires_at": link["expires_at"]}),
        ("assistant.invited", {"assistant": second["id"], "label": "Mei", "expires_at": second["expires_at"]}),
        ("assistant.revoked", {"assistant": link["id"], "label": "小王"}),
    ]
    page = httpx.get(f"{room.relay.url}/assist/{room.name}", timeout=10)
    assert page.status_code == 200 and "assist.js" in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"


def test_an_assistant_runs_the_show_and_every_action_is_recorded_as_theirs(room: Room) -> None:
    link = make_link(room)
    who = f"assistant:{link['id']}"
    with room.host() as host:
        host.put("/rundown", json=SHOW).raise_for_status()
    with room.viewer("viewer-aaa1") as viewer:
        said = viewer.post("/comments", json={"text": "太贵了 spam"}).json()
        asked = viewer.post("/questions", json={"text": "有M码吗?"}).json()
    with assistant(room, token_of(link)) as helper:
        me = helper.get("/assistant").json()
        assert (me["actor"], me["label"], me["id"]) == (who, "小王", link["id"])
        assert helper.get("/rundown").json()["state"]["running"] is False
        state = helper.post("/rundown/next").json()
        assert (state["segment"]["id"], state["armed"], state["by"]) == ("a", ["flash_sale"], who)
        state = helper.post("/rundown/launch", json={"action": "flash_sale"}).json()
        assert state["launched"]["flash_sale"].startswith("fs_") and state["armed"] == []
        assert helper.post("/pins", json={"sku": "mug"}).json() == {"pins": ["tee", "mug"]}
        assert helper.delete("/pins/mug").json() == {"pins": ["tee"]}
        assert helper.delete(f"/comments/{said['id']}").status_code == 204
        troll = room.session("viewer-aaa1").viewer
        assert helper.post("/mutes", json={"viewer_id": troll, "minutes": 10}).status_code == 201
        assert helper.delete(f"/mutes/{troll}").status_code == 204
        assert [q["id"] for q in helper.get("/questions").json()] == [asked["id"]]
        answered = helper.patch(f"/questions/{asked['id']}", json={"answer": "有的", "pinned": True}).json()
        assert (answered["status"], answered["pinned"], answered["answer"]) == ("answered", True, "有的")
        state = helper.post("/rundown/start", json={"index": 1}).json()
        assert state["segment"]["id"] == "b"
        assert helper.post("/rundown/stop").json()["running"] is False
    with room.host() as host:
        assert host.get("/console-state").json()["pins"] == ["mug"], "the cue pinned the segment's product"
    done = events_by(room, who)
    kinds = [kind for kind, _ in done]
    assert kinds == [
        "rundown.cue", "pin", "rundown.launched", "pin", "unpin", "comment.deleted", "viewer.muted",
        "viewer.unmuted", "question.answered", "rundown.cue", "unpin", "pin", "rundown.ended",
    ]  # fmt: skip
    data = dict(done)
    assert data["comment.deleted"]["id"] == said["id"]
    assert data["question.answered"] == {"id": asked["id"], "pinned": True, "by": who}
    assert data["rundown.ended"]["reason"] == "stopped"
    # The owner's own moderation says so too.
    with room.host() as host:
        host.post("/pins", json={"sku": "tee"}).raise_for_status()
    assert events_by(room, "owner")[-1] == ("pin", {"sku": "tee", "by": "owner"})


def test_the_assistant_cannot_do_what_only_the_owner_may(room: Room) -> None:
    token = token_of(make_link(room))
    with room.host() as host:
        host.put("/rundown", json=SHOW).raise_for_status()
    refusals: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/catalog", {"json": [{"sku": "x1", "title": "X", "price": 1, "stock": 1}]}),
        ("POST", "/products", {"json": {"sku": "x2", "title": "X", "price": 1, "stock": 1}}),
        ("POST", "/orders/ord_000000000000/refund", {}),
        ("GET", "/orders", {}),
        ("POST", "/assistants", {"json": {"label": "me too"}}),
        ("GET", "/assistants", {}),
        ("DELETE", "/assistants/ast_000000000000", {}),
        ("PUT", "/rehearsal", {"json": {"on": True}}),
        ("GET", "/rehearsal", {}),
        ("POST", "/cohost/invites", {"json": {}}),
        ("PUT", "/rundown", {"json": SHOW}),
        ("POST", "/flash-sales", {"json": {"sku": "tee", "price": 1, "stock": 1, "per_user_limit": 1,
                                           "countdown_s": 0, "duration_s": 60}}),
        ("PUT", "/blocked-words", {"json": {"words": ["x"]}}),
        ("GET", "/events", {}),
        ("GET", "/report.json", {}),
        ("GET", "/metrics", {}),
        ("GET", "/console-state", {}),
    ]  # fmt: skip
    with assistant(room, token) as helper:
        for method, path, kwargs in refusals:
            response = helper.request(method, path, **kwargs)
            assert response.status_code == 403, (method, path, response.text)
            body = response.json()
            assert body["error"] == "assistant_not_allowed", (method, path, body)
            assert "only the room's owner can" in body["message"]
    # The stream: ingest takes only the stream key, so an assistant cannot start, feed or end it.
    headers = {"Authorization": f"Bearer {token}"}
    base = room.relay.url
    put = httpx.put(f"{base}/ingest/{room.name}/master.m3u8", content=b"#EXTM3U\n", headers=headers, timeout=10)
    assert put.status_code == 401, put.text
    delete = httpx.delete(f"{base}/ingest/{room.name}/master.m3u8", headers=headers, timeout=10)
    assert delete.status_code == 401, delete.text
    check = httpx.get(f"{room.api}/ingest/check", headers=headers, timeout=10)
    assert check.status_code == 401, check.text
    # Nor the relay's admin routes (the stream key, the owner token, the room itself).
    for method, path in (("POST", "/stream-key"), ("POST", "/owner-token"), ("DELETE", "")):
        response = httpx.request(method, f"{room.api}{path}", headers=headers, timeout=10)
        assert response.status_code == 401, (method, path, response.text)
    with room.host() as host:
        assert host.get("/rehearsal").json()["on"] is False
        assert [p["sku"] for p in host.get("/console-state").json()["cart"]] == ["tee", "mug", "shoe"]


def _resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _sample(schema: dict[str, Any], doc: dict[str, Any]) -> Any:
    """A well-formed value for ``schema`` (so the refusal under test is about who asks, not what)."""
    schema = _resolve(schema, doc)
    if "examples" in schema:
        return schema["examples"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "anyOf" in schema:
        return _sample(schema["anyOf"][0], doc)
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", list(schema.get("properties", {})))
        return {name: _sample(sub, doc) for name, sub in schema.get("properties", {}).items() if name in required}
    if kind == "array":
        return [_sample(schema.get("items", {}), doc)]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    return {"boolean": True}.get(kind or "", "tee")


PATH_VALUES = {"sku": "tee", "comment_id": "1", "viewer_id": "viewer-zzz9", "index": "0"}


def test_every_owner_route_of_the_openapi_document_refuses_an_assistant_but_the_show_s(room: Room) -> None:
    """Each operation under /api/v1/rooms/{room} that needs the owner token (asked without a token it
    answers 403 naming the owner token) is tried with an assistant's token: the show's routes work,
    every other answers 403 ``assistant_not_allowed``. A new owner route is covered the day it is added."""
    token = token_of(make_link(room))
    with room.host() as host:
        host.put("/rundown", json=SHOW).raise_for_status()
    doc = httpx.get(f"{room.relay.url}/api/openapi.json", timeout=10).json()
    prefix = "/api/v1/rooms/{room}"
    owner_routes: set[tuple[str, str]] = set()
    for path, operations in doc["paths"].items():
        if not path.startswith(prefix + "/"):
            continue
        relative = path.removeprefix(prefix)
        for method, operation in operations.items():
            url = room.api + relative
            for name, value in PATH_VALUES.items():
                url = url.replace("{" + name + "}", value)
            url = url.replace("{", "").replace("}", "")  # other ids: a well-formed unknown one
            kwargs: dict[str, Any] = {}
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                kwargs["json"] = _sample(content["application/json"]["schema"], doc)
            anonymous = httpx.request(method, url, timeout=10, **kwargs)
            if anonymous.status_code != 403 or "owner token" not in anonymous.json().get("message", ""):
                continue  # a viewer's, a guest's, the stream key's or the admin's route
            owner_routes.add((method, relative))
            response = httpx.request(method, url, headers={"Authorization": f"Bearer {token}"}, timeout=10, **kwargs)
            if (method, relative) in ALLOWED:
                assert response.status_code not in (401, 403), (method, relative, response.text)
            else:
                assert response.status_code == 403, (method, relative, response.text)
                assert response.json()["error"] == "assistant_not_allowed", (method, relative, response.text)
    assert owner_routes >= ALLOWED, f"the show's routes were not all found: {sorted(ALLOWED - owner_routes)}"
    expected_owner_only = {
        ("post", "/catalog"), ("post", "/orders/{order_id}/refund"), ("put", "/rehearsal"), ("post", "/assistants"),
        ("get", "/assistants"), ("delete", "/assistants/{assistant_id}"), ("post", "/cohost/invites"),
        ("put", "/rundown"), ("get", "/report.json"), ("post", "/events"),
    }  # fmt: skip
    assert owner_routes >= expected_owner_only, sorted(expected_owner_only - owner_routes)
    assert len(owner_routes - ALLOWED) >= 30, "most owner routes stay the owner's"


def test_the_assistant_feed_has_the_show_and_moderation_but_no_orders(room: Room) -> None:
    token = token_of(make_link(room))
    with room.host() as host:
        host.put("/rundown", json=SHOW).raise_for_status()
    with room.viewer("viewer-bbb2") as viewer:
        viewer.post("/comments", json={"text": "first!"}).raise_for_status()
    plain = room.api.replace("http://", "ws://", 1) + "/live"
    bearer = {"Authorization": f"Bearer {token}"}
    with connect(plain, open_timeout=10, additional_headers=bearer) as by_header:  # as the owner's console does it
        assert json.loads(by_header.recv(timeout=10))["type"] == "snapshot"
    with feed(room, token) as ws:
        snapshot = json.loads(ws.recv(timeout=10))
        assert snapshot["type"] == "snapshot"
        assert snapshot["comments"][-1]["viewer_id"] == room.session("viewer-bbb2").viewer, "viewer ids, to moderate"
        assert "question_queue" in snapshot and snapshot["rundown"]["running"] is False
        for secret in ("orders", "metrics", "blocked_words"):
            assert secret not in snapshot
        assert snapshot["online"] == 0, "an assistant is not a viewer"
        with assistant(room, token) as helper:
            helper.post("/rundown/next").raise_for_status()
        assert receive_until(ws, "rundown")["state"]["segment"]["id"] == "a"
        assert room.order("viewer-bbb2", "k-1", sku="mug").status_code == 201
        with room.viewer("viewer-bbb2") as viewer:
            viewer.post("/comments", json={"text": "bought one"}).raise_for_status()
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 5
        while not any(e["type"] == "comment" and e["text"] == "bought one" for e in seen):
            seen += json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic()))).get("events", [])
        assert not [e for e in seen if e["type"] == "order"], "a buyer's order is not the assistant's to see"
        assert [e["sold"] for e in seen if e["type"] == "stock" and e["sku"] == "mug"] == [1], "stock is"
        assert next(e for e in seen if e["type"] == "comment")["viewer_id"] == room.session("viewer-bbb2").viewer
        ws.send(json.dumps({"type": "comment", "text": "hi"}))
        assert receive_error(ws)["code"] == "bad_message", "the assistant's feed is receive-only"
    with room.host() as host:
        entered = [e for e in host.get("/events").json() if e["type"] == "viewer.enter"]
    assert [e["viewer_id"] for e in entered] == [], "the assistant's connection is no viewer entering"


def close_of(ws: ClientConnection, timeout: float) -> Close:
    """The close frame the relay ends the feed with (within ``timeout`` seconds)."""
    with pytest.raises(ConnectionClosed) as closed:
        receive_all(ws, timeout)
    assert closed.value.rcvd is not None, f"closed without a close frame: {closed.value}"
    return closed.value.rcvd


def receive_all(ws: ClientConnection, timeout: float) -> None:
    """Read the feed until it closes (ConnectionClosed) or ``timeout`` passes (TimeoutError)."""
    deadline = time.monotonic() + timeout
    while True:
        ws.recv(timeout=max(0.1, deadline - time.monotonic()))


def receive_error(ws: ClientConnection) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(ws.recv(timeout=5))
        if message["type"] == "error":
            return message


def test_a_revoked_link_is_refused_and_its_feed_closed(room: Room) -> None:
    link = make_link(room)
    token = token_of(link)
    with assistant(room, token) as helper, feed(room, token) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        assert helper.post("/pins", json={"sku": "tee"}).status_code == 201
        with room.host() as host:
            host.delete(f"/assistants/{link['id']}").raise_for_status()
        closed = close_of(ws, 5)
        assert (closed.code, closed.reason) == (4401, "the host revoked this assistant link")
        for method, path in (("POST", "/rundown/next"), ("DELETE", "/pins/tee"), ("GET", "/assistant")):
            refused = helper.request(method, path)
            assert refused.status_code == 401, (path, refused.text)
            assert refused.json()["error"] == "assistant_revoked"
        assert helper.post("/catalog", json=[]).json()["error"] == "assistant_revoked", "the real reason first"
    with pytest.raises(InvalidStatus), feed(room, token):
        pass


def test_an_expired_link_is_refused_and_its_feed_closed(room: Room) -> None:
    link = make_link(room)
    # Make it expire in 3 s: the row and a token for the new expiry, signed with the relay's secret.
    expires = int(time.time()) + 3
    with sqlite3.connect(room.relay.data_dir / "commerce.sqlite3", timeout=10) as db:
        db.execute("UPDATE assistants SET expires_at = ? WHERE id = ?", (expires, link["id"]))
    token = AssistantTokens.load(room.relay.data_dir).sign(room.name, link["id"], expires)
    with assistant(room, token) as helper, feed(room, token) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        assert helper.get("/assistant").status_code == 200
        closed = close_of(ws, 10)
        assert (closed.code, closed.reason) == (4401, "this assistant link has expired")
        assert time.time() >= expires - 0.5
        refused = helper.post("/rundown/next")
        assert refused.status_code == 401 and refused.json()["error"] == "assistant_expired"
        assert refused.json()["expired_at"] == expires
    with room.host() as host:
        assert host.get("/assistants").json()[0]["state"] == "expired"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "label"),
        ({"label": ""}, "label"),
        ({"label": "x" * 33}, "label"),
        ({"label": "小王", "ttl_s": 10}, "ttl_s"),
        ({"label": "小王", "ttl_s": 8 * 24 * 3600}, "ttl_s"),
        ({"label": "小王", "ttl_s": "long"}, "ttl_s"),
        ({"label": "小王", "role": "admin"}, "role"),
    ],
)
def test_bad_link_requests_are_precise(room: Room, body: dict[str, Any], field: str) -> None:
    with room.host() as host:
        refused = host.post("/assistants", json=body)
    assert refused.status_code == 422, refused.text
    assert field in refused.json()["message"]


def test_bad_tokens_and_ids_are_precise(room: Room, shared_relay: RelayProcess) -> None:
    link = make_link(room)
    token = token_of(link)
    with room.host() as host:
        assert host.delete("/assistants/ast_000000000000").status_code == 404
        assert host.delete("/assistants/bad%20id").status_code == 422
        invite = host.post("/cohost/invites", json={}).json()["token"]
    other = open_room(shared_relay, room.name + "-b")
    cases = [
        (token[:-3] + "abc", 401, "assistant_invalid"),
        ("garbage.token", 401, "assistant_invalid"),
        (invite, 401, "assistant_invalid"),  # a co-host invite is no assistant link
        ("not-the-owner-token", 401, "unauthorized"),
    ]
    for presented, status, code in cases:
        with assistant(room, presented) as helper:
            response = helper.post("/rundown/next")
        assert (response.status_code, response.json()["error"]) == (status, code), presented
    with assistant(other, token) as helper:
        wrong = helper.post("/pins", json={"sku": "tee"})
    assert (wrong.status_code, wrong.json()["error"]) == (403, "assistant_wrong_room")
    with room.viewer("viewer-ccc3") as viewer:
        assert viewer.post("/rundown/next").json()["error"] == "forbidden", "a viewer is no assistant"
    missing = httpx.get(f"{room.relay.url}/assist/no-such-room", timeout=10)
    assert missing.status_code == 404


def test_replacing_the_owner_token_revokes_the_links_made_with_it(room: Room) -> None:
    link = make_link(room)
    token = token_of(link)
    with assistant(room, token) as helper, feed(room, token) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        with room.relay.admin() as admin:
            admin.post(f"/api/v1/rooms/{room.name}/owner-token").raise_for_status()
        closed = close_of(ws, 5)
        assert (closed.code, closed.reason) == (4401, "the room's owner token was replaced")
        refused = helper.post("/rundown/next")
        assert refused.status_code == 401 and refused.json()["error"] == "assistant_revoked"


@pytest.mark.parametrize("token", ["é.abc", "a.b.c", "abc", "x" * 5000 + ".y"])
def test_a_malformed_bearer_is_a_401_not_a_failure(room: Room, token: str) -> None:
    raw = token.encode("utf-8")
    with httpx.Client(base_url=room.api, timeout=10) as client:
        response = client.get("/rundown", headers=[(b"Authorization", b"Bearer " + raw)])
    assert response.status_code in (400, 401), response.text
