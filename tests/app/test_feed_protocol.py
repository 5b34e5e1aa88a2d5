"""The live feed's declared protocol (app/feed_protocol.py) against what the relay really sends, the
viewer page's handling of it, and the event-log types (app/commerce/event_types.py) against their
writers and the metrics fold."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from pydantic import ValidationError

from app import feed_protocol
from app.analytics.metrics import _HANDLERS, FOLD_IGNORES, FOLD_SPECIAL
from app.commerce.event_types import EVENT_TYPES
from app.commerce.flash_sales import LATE_TAP_S
from app.commerce.questions import STATUSES
from app.console_state import IGNORED_EVENTS, SECTIONS, ConsoleState
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room

ROOT = Path(__file__).resolve().parents[2]
OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendonly\r\n"
ANSWER = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=recvonly\r\n"
RUNDOWN = {"segments": [{"id": "a", "sku": "tee", "duration_s": 60}, {"id": "b", "sku": "mug", "duration_s": 60}]}


class Feed:
    """One feed connection, every message it receives kept."""

    def __init__(self, ws: Any, owner: bool) -> None:
        self.ws = ws
        self.owner = owner
        self.messages: list[dict[str, Any]] = []
        self.viewer: str | None = None
        """The viewer's id, as the relay gave it (a viewer's feed)."""
        self.task = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self.messages.append(json.loads(raw))
        except websockets.ConnectionClosed:
            pass

    def events(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for message in self.messages:
            found.extend(message["events"] if message["type"] == "batch" else [message])
        return found

    async def wait(self, kind: str, match: Any = None, timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events():
                if event["type"] == kind and (match is None or match(event)):
                    return event
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {kind!r} on the {'owner' if self.owner else 'viewer'} feed")


def _ws_url(room: Room, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return room.api.replace("http://", "ws://") + f"/live?{query}"


def _ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


async def _session(room: Room, assistant_token: str) -> tuple[Feed, Feed, Feed, Feed]:
    """Make every message type happen; the feeds of viewer A, viewer B, the owner and an assistant (中控)."""
    owner_headers = {"Authorization": f"Bearer {room.owner_token}"}
    ann, bob = room.session("viewer-aaa").headers, room.session("viewer-bbb").headers
    async with (
        httpx.AsyncClient(base_url=room.api, headers=owner_headers, timeout=30) as host,
        httpx.AsyncClient(base_url=room.api, headers=ann, timeout=30) as a,
        httpx.AsyncClient(base_url=room.api, headers=bob, timeout=30) as b,
        websockets.connect(_ws_url(room), additional_headers=owner_headers) as owner_ws,
        websockets.connect(_ws_url(room, nickname="Ann"), additional_headers=ann) as a_ws,
        websockets.connect(_ws_url(room, nickname="Bob"), additional_headers=bob) as b_ws,
        websockets.connect(
            _ws_url(room), additional_headers={"Authorization": f"Bearer {assistant_token}"}
        ) as assistant_ws,
    ):
        owner, va, vb = Feed(owner_ws, True), Feed(a_ws, False), Feed(b_ws, False)
        va.viewer, vb.viewer = room.session("viewer-aaa").viewer, room.session("viewer-bbb").viewer
        helper = Feed(assistant_ws, True)
        await helper.wait("snapshot")
        await va.wait("snapshot")
        await vb.wait("snapshot")
        await owner.wait("online", lambda e: e["count"] == 2)

        _ok(await host.post("/products", json={"sku": "cap", "title": "Cap", "price": 9.9, "stock": 10}))
        _ok(await host.post("/pins", json={"sku": "tee"}))
        await va.wait("pins")
        _ok(await host.delete("/pins/tee"))

        sale = _ok(await host.post("/flash-sales", json={"sku": "mug", "price": 9.9, "stock": 5, "per_user_limit": 2,
                                                         "countdown_s": 0, "duration_s": 60}))  # fmt: skip
        await va.wait("flash_sale")
        order = _ok(await a.post("/orders", json={"sku": "mug", "flash_sale_id": sale["id"]},
                                 headers={"Idempotency-Key": "k-sale"}))  # fmt: skip
        _ok(await a.post("/orders", json={"sku": "tee"}, headers={"Idempotency-Key": "k-tee"}))
        await va.wait("stock")
        _ok(await host.post(f"/orders/{order['order_id']}/refund"))
        await va.wait("my_order")

        coupon = _ok(await host.post("/coupons", json={"title": "满10减2", "amount": 2, "min_spend": 10, "quota": 5}))
        _ok(await a.post(f"/coupons/{coupon['id']}/claims"))

        campaign = _ok(await host.post("/group-buys", json={"sku": "cap", "price": 5, "group_size": 2,
                                                           "window_s": 600}))  # fmt: skip
        started = _ok(await a.post("/orders", json={"sku": "cap", "group_buy_id": campaign["id"]},
                                   headers={"Idempotency-Key": "k-group"}))  # fmt: skip
        _ok(await b.post("/orders", json={"sku": "cap", "group_id": started["group_id"]},
                         headers={"Idempotency-Key": "k-join"}))  # fmt: skip
        await va.wait("group_buy")

        poll = _ok(await host.post("/polls", json={"question": "Colour?", "options": ["Red", "Blue"]}))
        _ok(await a.post(f"/polls/{poll['id']}/votes", json={"option": 1}))
        _ok(await host.post(f"/polls/{poll['id']}/close"))

        question = _ok(await a.post("/questions", json={"text": "Does it shrink?"}))
        await va.wait("question")
        _ok(await host.patch(f"/questions/{question['id']}", json={"answer": "No", "pinned": True}))

        draw = _ok(await host.post("/draws", json={"prize": "A mug", "winners": 1, "duration_s": 60}))
        _ok(await a.post(f"/draws/{draw['id']}/entries", json={}))
        await va.wait("draw_entered")
        _ok(await host.post(f"/draws/{draw['id']}/close"))
        await va.wait("draw_won")

        await a_ws.send(json.dumps({"type": "comment", "text": "好看!"}))
        comment = await owner.wait("comment")
        _ok(await host.delete(f"/comments/{comment['id']}"))
        await a_ws.send(json.dumps({"type": "like", "count": 3}))
        await a_ws.send(json.dumps({"type": "ping", "id": 1}))
        await a_ws.send(json.dumps({"type": "teleport"}))
        _ok(await host.post("/mutes", json={"viewer_id": room.session("viewer-bbb").viewer, "minutes": 5}))
        _ok(await host.delete(f"/mutes/{room.session('viewer-bbb').viewer}"))

        _ok(await host.put("/rundown", json=RUNDOWN))
        _ok(await host.post("/rundown/next"))
        _ok(await host.post("/rundown/stop"))
        _ok(await host.put("/rehearsal", json={"on": True}))
        await va.wait("rehearsal")
        _ok(await host.put("/rehearsal", json={"on": False}))

        invite = _ok(await host.post("/cohost/invites", json={}))
        guest = {"Authorization": f"Bearer {invite['token']}", "Content-Type": "application/sdp", "X-Guest-Name": "Mei"}
        joining = asyncio.ensure_future(host.post("/cohost/whip", content=OFFER, headers=guest))
        offer = await owner.wait("cohost.offer")
        _ok(await host.post(f"/cohost/sessions/{offer['session']}/answer", json={"sdp": ANSWER}))
        joined = await joining
        assert joined.status_code == 201, joined.text
        secret = joined.headers["x-cohost-secret"]
        left = await host.delete(joined.headers["location"].removeprefix(room.api.removeprefix(room.relay.url)),
                                 headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
        assert left.status_code == 204, left.text
        await owner.wait("cohost.left")

        await vb.wait("online", lambda e: e["count"] == 2)
        await owner.wait("metrics", timeout=5)
        for feed, last in ((va, "likes"), (vb, "comment_deleted"), (owner, "muted")):
            await feed.wait(last)
        await asyncio.sleep(0.3)  # the last tick
        for feed in (owner, va, vb, helper):
            feed.task.cancel()
        return va, vb, owner, helper


@pytest.fixture(scope="module")
def feeds(shared_relay: RelayProcess) -> tuple[Feed, Feed, Feed, Feed]:
    room = open_room(shared_relay, "protocol")
    with room.host() as host:
        link = _ok(host.post("/assistants", json={"label": "小王"}))
    return asyncio.run(_session(room, str(link["url"]).split("#t=", 1)[1]))


def _check(feed: Feed) -> set[str]:
    """Every message of ``feed`` validated; the event types seen."""
    registry = feed_protocol.OWNER_EVENTS if feed.owner else feed_protocol.VIEWER_EVENTS
    seen: set[str] = set()
    for message in feed.messages:
        assert message["type"] in feed_protocol.MESSAGE_TYPES, f"undeclared message {message['type']!r}"
        for event in message["events"] if message["type"] == "batch" else []:
            assert event["type"] in registry, f"undeclared {'owner' if feed.owner else 'viewer'} event: {event}"
            seen.add(event["type"])
        feed_protocol.parse(message, owner=feed.owner)
    return seen


def test_no_viewer_sees_another_viewers_id(feeds: tuple[Feed, Feed, Feed, Feed]) -> None:
    """Comments, draws (entrants, winners), group-buys, orders' stock: nothing public names a viewer,
    so no id can be harvested to act as them."""
    viewer_a, viewer_b, owner, _ = feeds
    assert viewer_a.viewer and viewer_b.viewer
    assert viewer_b.viewer not in json.dumps(viewer_a.messages)
    assert viewer_a.viewer not in json.dumps(viewer_b.messages)
    assert viewer_a.viewer in json.dumps(owner.messages), "the host sees ids, to moderate"


def test_every_message_the_relay_sends_is_declared_and_valid(feeds: tuple[Feed, Feed, Feed, Feed]) -> None:
    viewer_a, viewer_b, owner, assistant = feeds
    viewer_seen = _check(viewer_a) | _check(viewer_b)
    owner_seen = _check(owner)
    assistant_seen = _check(assistant)
    assert {"comment", "question", "muted", "rundown", "pins"} <= assistant_seen
    assert not assistant_seen & {"order", "metrics", "cohost.offer", "cohost.left"}, "only the owner's"
    snapshot = assistant.messages[0]
    assert snapshot["type"] == "snapshot" and not {"orders", "blocked_words", "metrics"} & set(snapshot)
    assert {m["type"] for m in viewer_a.messages} == set(feed_protocol.MESSAGE_TYPES)
    assert viewer_seen == set(feed_protocol.VIEWER_EVENTS), "the session makes every declared viewer type happen"
    assert owner_seen == set(feed_protocol.OWNER_EVENTS), "the session makes every declared owner type happen"


def test_timed_events_come_in_stamped_batches_of_their_own(feeds: tuple[Feed, Feed, Feed, Feed]) -> None:
    """A viewer's batch of TIMED_EVENTS carries ``at`` (the stream time the page waits for); any other
    batch carries none and holds none of them, so comments and the viewer's replies are never held."""
    assert set(feed_protocol.VIEWER_EVENTS) >= feed_protocol.TIMED_EVENTS
    viewer_a, _, owner, _ = feeds
    batches = [m for m in viewer_a.messages if m["type"] == "batch"]
    timed = [m for m in batches if "at" in m]
    assert timed and len(timed) < len(batches)
    for batch in batches:
        types = {e["type"] for e in batch["events"]}
        if "at" in batch:
            assert types <= feed_protocol.TIMED_EVENTS, types
            assert abs(batch["at"] - batch["t"]) < 1, "stamped when its first event happened, in this tick"
        else:
            assert not types & feed_protocol.TIMED_EVENTS, types
    assert not any("at" in m for m in owner.messages if m["type"] == "batch"), "the studio sees the picture live"
    assert viewer_a.messages[0]["hold_s"] == LATE_TAP_S


def test_the_viewer_variants_carry_no_viewer_ids(feeds: tuple[Feed, Feed, Feed, Feed]) -> None:
    viewer_a, _, owner, _ = feeds
    comments = [e for e in viewer_a.events() if e["type"] == "comment"]
    assert comments and all("viewer_id" not in c for c in comments)
    assert all("viewer_id" in e for e in owner.events() if e["type"] == "comment")


def test_the_committed_schema_is_current() -> None:
    committed = feed_protocol.SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == feed_protocol.schema_text(), "run `python -m app.feed_protocol` to rewrite it"
    schema = json.loads(committed)
    assert set(schema["x-event-types"]["viewer"]) == set(feed_protocol.VIEWER_EVENTS)


def _function_body(source: str, name: str) -> str:
    start = source.index(f"function {name}(")
    depth, at = 0, source.index("{", start)
    for index in range(at, len(source)):
        depth += {"{": 1, "}": -1}.get(source[index], 0)
        if depth == 0:
            return source[at : index + 1]
    raise AssertionError(f"{name} has no end")


def test_the_page_handles_every_declared_viewer_type() -> None:
    source = (ROOT / "assets" / "web" / "room.js").read_text(encoding="utf-8")
    cases = set(re.findall(r'case\s+"([^"]+)"\s*:', _function_body(source, "apply")))
    missing = set(feed_protocol.VIEWER_EVENTS) - feed_protocol.IGNORED_BY_PAGE - cases
    assert not missing, f"room.js apply() does not handle {sorted(missing)} (or list them in IGNORED_BY_PAGE)"
    assert not feed_protocol.IGNORED_BY_PAGE & cases, "a type both handled and listed as ignored"
    handled = set(re.findall(r'message\.type\s*===\s*"([^"]+)"', _function_body(source, "handle")))
    assert handled == set(feed_protocol.MESSAGE_TYPES)


_LOG_CALL = re.compile(r'\b(?:tx|engine|e)\.log\b\s*[(,]\s*[^,()]+,\s*(f?)"([^"]*)"')


def test_every_logged_event_type_is_declared() -> None:
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        for is_f, kind in _LOG_CALL.findall(path.read_text(encoding="utf-8")):
            if is_f:
                prefixes.add(kind.split("{", 1)[0])
            else:
                literal.add(kind)
    assert len(literal) > 40, "the scan finds the writers"
    assert not literal - EVENT_TYPES, f"logged but not declared in app/commerce/event_types.py: {literal - EVENT_TYPES}"
    assert prefixes == {"order.", "question.", "stream."}, "a new computed type: declare what it can be"
    assert {f"question.{s}" for s in STATUSES} <= EVENT_TYPES
    assert {"order.paid", "order.cancelled", "order.refunded", "stream.started", "stream.ended"} <= EVENT_TYPES


def test_the_fold_handles_or_ignores_every_declared_type() -> None:
    handled = set(_HANDLERS) | set(FOLD_SPECIAL)
    ignored = set(FOLD_IGNORES)
    assert not handled & ignored, f"both handled and ignored: {handled & ignored}"
    assert handled | ignored == EVENT_TYPES, (
        f"not handled nor ignored: {EVENT_TYPES - handled - ignored}; not declared: {(handled | ignored) - EVENT_TYPES}"
    )


def test_the_console_state_keeps_every_declared_owner_type(feeds: tuple[Feed, Feed, Feed, Feed]) -> None:
    """app/console_state.py reads the owner feed in its declared shapes: a real session's feed goes
    through it, and every event it does not list as ignored changes a section."""
    _, _, owner, _ = feeds
    state = ConsoleState()
    unchanged: set[str] = set()
    for message in owner.messages:
        if message["type"] == "snapshot":
            assert state.apply(message) == set(SECTIONS)
        for event in message["events"] if message["type"] == "batch" else []:
            if not state.apply({"type": "batch", "t": message["t"], "events": [event]}):
                unchanged.add(event["type"])
    assert unchanged == set(IGNORED_EVENTS)
    assert set(feed_protocol.OWNER_EVENTS) >= IGNORED_EVENTS
    assert state.orders and state.rundown is not None and state.likes == 3


def test_the_metrics_dock_reads_declared_fields() -> None:
    """ui/metrics_dock.py (read as text: no Qt here) asks the metrics message only for declared fields."""
    source = (ROOT / "ui" / "metrics_dock.py").read_text(encoding="utf-8")
    declared = {"type", "events"}
    for model in (feed_protocol.MetricsEvent, feed_protocol.Metric, feed_protocol.PinnedFunnel, feed_protocol.Funnel):
        declared |= set(model.model_fields)
    read = set(re.findall(r'\.get\("([a-z_0-9]+)"', source))
    assert read and read <= declared, f"undeclared: {read - declared}"
    rows = set(re.findall(r'\("([a-z_]+)", self\.tr\(', source))
    assert rows and rows <= set(feed_protocol.Funnel.model_fields)


def test_what_a_viewer_sends_is_declared_and_checked_strictly() -> None:
    parse_sent = feed_protocol.parse_sent
    assert parse_sent({"type": "like"}) == feed_protocol.LikeSent(type="like", count=1)
    assert isinstance(
        parse_sent({"type": "comment", "text": "好看", "from_a_newer_page": 1}), feed_protocol.CommentSent
    )
    for refused in (
        {"type": "like", "count": "3"},
        {"type": "like", "count": True},
        {"type": "comment"},
        {"type": "exposure", "skus": "tee"},
        {"type": "hello", "nickname": 7},
        {"type": "order", "sku": "tee"},
    ):
        with pytest.raises(ValidationError):
            parse_sent(refused)
