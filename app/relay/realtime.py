"""The room's realtime feed: one WebSocket per viewer (and one for the host's console).

Engine notifications collect per room and go out once per tick (100 ms) as one batch, serialised
once and sent as the same text to every connection, so fan-out costs one socket write per viewer,
not a JSON encode per viewer. Messages with a key (a poll's results, a product's stock) replace each
other within a tick. The tick writes straight to every connection that is not busy (see
:meth:`Connection.offer`): with 2,000 viewers a task and a queue per connection were a third of the
relay's CPU and stretched each tick's burst of writes. A connection that cannot keep up (OUTBOX
batches waiting behind a blocked write) is closed rather than allowed to hold memory; the page
reconnects and gets a fresh snapshot.

Messages from the server: ``snapshot`` (on connect), ``batch`` {t, events[]}, ``pong``, ``error``;
each message and event type is declared in app/feed_protocol.py (schema: assets/web/feed-schema.json).
Messages from a viewer: ``hello`` {nickname}, ``comment`` {text}, ``like`` {count},
``exposure``/``click``/``cart_add`` {skus[], via?}, ``share`` {}, ``ping`` {id}.

Owner-feed co-host events (连麦, app/relay/api_cohost.py). They go only to the room's owner
connections, each at once in a batch of its own (``{"type": "batch", "t", "events": [event]}``, not
held for the next tick: a guest is waiting on the answer):

``{"type": "cohost.offer", "session": sid, "invite": invite_id, "name": guest_name, "sdp": offer}``
    A guest with a valid invite asks to join. Answer with ``POST …/cohost/sessions/{sid}/answer``
    {"sdp": answer} or {"error": sentence} within the relay's answer timeout (10 s); every owner
    connection receives the offer and the first answer wins.
``{"type": "cohost.left", "session": sid, "reason": "left" | "timeout" | "cancelled"}``
    The guest left (DELETE on the session), or the offer was given up: the studio did not answer in
    time (``timeout``) or the guest stopped waiting (``cancelled``). Close whatever the session holds.

Assistant (中控) connections (the ``shopcast.assistant`` subprotocol or ``Authorization: Bearer``:
app/relay/assistants.py) get the owner's feed without what only the owner may see: no orders (a
buyer's personal data), no live metrics, no co-host offers; the snapshot is the owner's without
``orders``, ``blocked_words`` and ``metrics``. They see the comments and questions with viewer ids
(to moderate), mutes and the run-of-show's state. An assistant is neither a viewer (not counted
online, never logged as entering) nor the owner (``owner_connected`` is the studio's). Revoking the
link, or its expiry, closes the connection with 4401 and the reason (app/feed_protocol.py
``CLOSE_CREDENTIAL_GONE``), and so does replacing the owner token for the host's connections opened
with the old one (:meth:`Realtime.close_replaced_owners`).

Owner-feed live metrics (app/relay/live_metrics.py, computed by app/analytics/metrics.py from the
room's event log; ``GET /api/v1/rooms/{room}/metrics`` answers the same message). Every 1.5 s (so
at least every 2 s), to each owner connection, as a batch of its own (``{"type": "batch", "t",
"events": [message]}``), and in the owner's ``snapshot`` under ``"metrics"``::

    {"type": "metrics",
     "t": 1764150000.0,              # the relay's wall clock: the numbers are as of this moment
     "events": 1234,                 # log rows counted: a recount of the first 1234 gives the same
     "show": {"number": 1, "start": 1764149000.0, "end": null, "live": true,
              "rehearsal": false} | null,   # true: a rehearsal's numbers (number 0), the room rehearses
     "metrics": {                    # every metric of the dictionary, by key
        "online": {"value": 321, "unit": "people", "label_en": "Online now", "label_zh": "实时在线",
                   "minutes": [12, 80, 300, 321],    # per-minute values, oldest first (≤ 60)
                   "last5": 310.0, "prev5": 150.0},  # last 5 complete minutes vs the 5 before
        "gmv": {"value": 1234500, "unit": "cents", ...},
        "views": {"value": 400, "unit": "times", "label_en": "Views (PV)", "label_zh": "观看人次"},
        ...},
     "pinned": {"sku": "tee", "title": "纯棉T恤",
                "funnel": {"exposure_people", "click_people", "cart_people", "buyers", "orders",
                           "gmv_cents"}} | null}

``unit`` is people, times, ratio (0-1), cents, seconds, cents_per_1000_views (GPM) or
cents_per_viewer (UV value). Only the sidebar's metrics (online, peak_online, viewers,
avg_watch_time, comments, likes, interaction_rate, product_click_people, orders, gmv,
viewer_conversion, gpm) carry ``minutes``, ``last5`` and ``prev5`` (null until a window has a
complete minute); how each is made is ``Trend`` in app/analytics/metrics.py: sums for counts,
means for online, maxima for the peak, the show-so-far value for rates and averages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import types
from collections import deque
from collections.abc import Callable, Coroutine, Generator
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import ValidationError
from starlette.types import Receive, Send

from app.commerce.core import Notification
from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.flash_sales import LATE_TAP_S
from app.commerce.strict_json import load_json
from app.commerce.values import nickname as clean_nickname
from app.feed_protocol import (
    CLOSE_CREDENTIAL_GONE,
    SENT_TYPES,
    TIMED_EVENTS,
    CommentSent,
    HelloSent,
    LikeSent,
    PingSent,
    parse_sent,
)
from app.relay.commit_queue import CommitQueue
from app.relay.feed_bus import FeedBus, LocalBus
from app.relay.rate_limits import Limiter, LocalLimiter

log = logging.getLogger(__name__)

OUTBOX = 256
"""Batches a connection may have waiting; past that it is too slow and is closed."""
WRITES_PER_TURN = 250
MAX_MESSAGE = 4096
MESSAGES_PER_SECOND = 20
ASSISTANT_MESSAGES = frozenset({"comment", "question", "muted", "rundown"})
"""Owner-only variants of messages an assistant gets too; of any other owner-only message (an
``order``) an assistant gets the public variant, if there is one."""
ASSISTANT_HIDDEN = ("orders", "blocked_words", "metrics")
"""What the owner's snapshot holds that an assistant's does not."""


def _dump(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


class ClientGoneError(Exception):
    pass


@types.coroutine
def _finish(coro: Coroutine[Any, Any, None], waiting: Any) -> Generator[Any, Any, None]:
    """Run the rest of ``coro``, which was started outside a task and suspended on ``waiting``.

    Used as ``await _finish(...)`` inside a task: the future goes up to that task as if the task had
    started ``coro`` itself (``yield from`` by hand), and a cancellation goes down into ``coro``.
    """
    try:
        while True:
            try:
                value = yield waiting
            except BaseException as exc:  # handed to the coroutine, which decides
                waiting = coro.throw(exc)
            else:
                waiting = coro.send(value)
    except StopIteration:
        return


@dataclass(eq=False)
class Connection:
    """One accepted WebSocket, spoken to in raw ASGI messages (see :mod:`app.relay.live_lane`)."""

    send: Send
    receive: Receive
    room: str
    viewer_id: str
    nickname: str
    owner: bool
    joined: float = field(default_factory=time.monotonic)
    assistant: str | None = None
    """An assistant link's id (中控): the owner's feed without the owner's secrets; not a viewer."""
    credential: str | None = None
    """The hash of the owner token the host's connection was opened with (None: the admin token's, a
    viewer's or an assistant's): replacing the room's owner token closes it."""
    address: str = ""
    """The client's address, as rate limits count it (app/relay/rate_limits.py)."""
    room_names: tuple[str, ...] = ()
    """The room's title and address name: no viewer may take them as a nickname."""
    backlog: deque[str] = field(default_factory=deque)
    """Texts waiting behind a write that blocked (the socket's buffer is full)."""
    busy: asyncio.Task[None] | None = None
    """The task finishing a blocked write and then the backlog; None while writes go straight out."""
    too_slow: bool = False
    gone: bool = False
    ready: bool = False
    """Its snapshot has been sent: batches go to it from then on, never before the snapshot."""

    async def send_text(self, text: str) -> None:
        await self.send({"type": "websocket.send", "text": text})

    async def close(self, code: int, reason: str) -> None:
        await self.send({"type": "websocket.close", "code": code, "reason": reason})

    async def receive_text(self) -> str:
        message = await self.receive()
        if message["type"] == "websocket.disconnect":
            raise ClientGoneError
        text = message.get("text")
        if text is None:
            data = message.get("bytes") or b""
            text = data.decode("utf-8", "replace")
        return str(text)

    def offer(self, text: str) -> None:
        """Send ``text`` now if the connection is idle, else queue it behind the blocked write.

        The server's ``send`` for a writable socket finishes without suspending (it frames the
        text and writes it), so an idle connection's send is driven right here, in the caller's
        task, with no task or queue per message. Only a send that does suspend (the socket's
        buffer is full) gets a task, which finishes it and then writes the backlog in order.
        """
        if self.too_slow or self.gone:
            return
        if self.busy is not None:
            if len(self.backlog) >= OUTBOX:
                self.too_slow = True  # the busy task closes the socket once its write returns
                self.backlog.clear()
            else:
                self.backlog.append(text)
            return
        coro = self.send_text(text)
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
        except Exception:  # the peer went away; the receive loop notices too
            self.gone = True
            return
        self.busy = asyncio.ensure_future(self._drain(coro, waiting))

    async def _drain(self, coro: Coroutine[Any, Any, None], waiting: Any) -> None:
        try:
            await _finish(coro, waiting)
            while self.backlog and not self.too_slow:
                await self.send_text(self.backlog.popleft())
            if self.too_slow:
                await self.close(1013, "too slow: reconnect for a fresh snapshot")
        except asyncio.CancelledError:
            raise
        except Exception:  # the peer went away; the receive loop notices too
            self.gone = True
        finally:
            coro.close()
            self.busy = None

    async def stop(self) -> None:
        """No more sends; cancel a write still waiting on the socket."""
        self.gone = True
        self.backlog.clear()
        task = self.busy
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@dataclass
class Channel:
    connections: set[Connection] = field(default_factory=set)
    viewers: dict[str, set[Connection]] = field(default_factory=dict)
    public: list[dict[str, Any]] = field(default_factory=list)
    timed: list[dict[str, Any]] = field(default_factory=list)
    """This tick's viewer events of TIMED_EVENTS: a batch of their own, stamped with ``timed_at``."""
    timed_at: float | None = None
    owner: list[dict[str, Any]] = field(default_factory=list)
    assistant: list[dict[str, Any]] = field(default_factory=list)
    keyed: dict[str, tuple[int | None, int | None, int | None]] = field(default_factory=dict)
    private: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    private_timed: dict[str, tuple[float, list[dict[str, Any]]]] = field(default_factory=dict)
    """A viewer's own events of TIMED_EVENTS (their draw win) this tick: (stamp, events)."""
    key_seqs: dict[str, int] = field(default_factory=dict)
    """The commit order of the newest note held or sent for each key: an older one arriving later
    (from another relay, through Redis) is stale and dropped."""
    online_sent: int = -1
    assistants: int = 0
    """Assistant connections (中控) in ``connections``: without any, the tick does not look for them."""

    @property
    def online(self) -> int:
        return len(self.viewers)

    def add(self, note: Notification, now: float) -> None:
        if note.to_viewer is not None:
            if note.public is not None and note.to_viewer in self.viewers:
                if note.public.get("type") in TIMED_EVENTS:
                    self.private_timed.setdefault(note.to_viewer, (now, []))[1].append(note.public)
                else:
                    self.private.setdefault(note.to_viewer, []).append(note.public)
            return
        if note.key is not None and note.seq is not None:
            newest = self.key_seqs.get(note.key)
            if newest is not None and note.seq < newest:
                return
            self.key_seqs[note.key] = note.seq
        owner_message = note.owner if note.owner is not None else note.public
        assistant_message = (
            note.owner if note.owner is not None and note.owner.get("type") in ASSISTANT_MESSAGES else note.public
        )
        timed = note.public is not None and note.public.get("type") in TIMED_EVENTS
        public = self.timed if timed else self.public  # a key's events are all of one type: one list
        if timed and self.timed_at is None:
            self.timed_at = now
        if note.key is not None and note.key in self.keyed:
            public_at, owner_at, assistant_at = self.keyed[note.key]
            if public_at is not None and note.public is not None:
                public[public_at] = note.public
            if owner_at is not None and owner_message is not None:
                self.owner[owner_at] = owner_message
            if assistant_at is not None and assistant_message is not None:
                self.assistant[assistant_at] = assistant_message
            return
        public_at = owner_at = assistant_at = None
        if note.public is not None:
            public_at = len(public)
            public.append(note.public)
        if owner_message is not None:
            owner_at = len(self.owner)
            self.owner.append(owner_message)
        if assistant_message is not None:
            assistant_at = len(self.assistant)
            self.assistant.append(assistant_message)
        if note.key is not None:
            self.keyed[note.key] = (public_at, owner_at, assistant_at)


class MetricsSource(Protocol):
    """The live metrics (app/relay/live_metrics.py) as the feed needs them for an owner's snapshot."""

    async def message(self, room: str) -> dict[str, Any]: ...


class Realtime:
    def __init__(self, engine: RoomEngine, commits: CommitQueue, tick: float = 0.1, bus: FeedBus | None = None) -> None:
        self.engine = engine
        self.commits = commits
        self.tick = tick
        self.channels: dict[str, Channel] = {}
        self.sent_batches = 0
        self.metrics: MetricsSource | None = None
        """Set by the live metrics: their message goes into every owner's snapshot."""
        self._closing: set[asyncio.Future[None]] = set()
        self.bus: FeedBus = bus or LocalBus()
        """Other relays of the room (app/relay/feed_bus.py): their commits' notifications come in
        through it, ours go out; with none (LocalBus) this relay is the room's only one."""
        self.bus.deliver = self.deliver_notes
        self.bus.on_gap = self.resend_snapshots
        self.limits: Limiter = LocalLimiter()
        """Viewers' messages counted per session and address (the relay's, set by its context)."""
        engine.add_listener(self.on_notifications)

    def on_notifications(self, notes: list[Notification]) -> None:
        """Notifications of a transaction this relay committed: to its connections, and to the others'."""
        self.deliver_notes(notes)
        self.bus.publish(notes)

    def deliver_notes(self, notes: list[Notification]) -> None:
        # A note's wall (its transaction's clock) is the stream time of the picture the host saw then
        # (the studio's and the relay's clocks being one, or NTP's; docs/architecture.md, "Commerce in
        # step with the picture"), as in the event log and the playlists' EXT-X-DATERANGE.
        now = self.engine.now
        for note in notes:
            channel = self.channels.get(note.room)
            if channel is not None:  # nobody connected: nothing to send
                channel.add(note, now if note.wall is None else note.wall)

    def online(self, room: str) -> int:
        """The room's viewers now, on every relay sharing it."""
        channel = self.channels.get(room)
        return self.bus.online(room, channel.online if channel else 0)

    def owner_connected(self, room: str) -> bool:
        """Whether the host's studio (or another owner console) is on the room's feed."""
        channel = self.channels.get(room)
        return channel is not None and any(conn.owner and conn.ready for conn in channel.connections)

    def owner_rooms(self) -> list[str]:
        """The rooms with an owner console on the feed."""
        return [room for room, channel in self.channels.items()
                if any(conn.owner and conn.ready for conn in channel.connections)]  # fmt: skip

    def push_owner(self, room: str, event: dict[str, Any]) -> int:
        """Send one event to the room's owner connections now, as a batch of its own (not at the next
        tick: a co-host guest waits on the studio's answer). Returns how many connections it went to."""
        channel = self.channels.get(room)
        if channel is None:
            return 0
        owners = [conn for conn in channel.connections if conn.owner and conn.ready and not conn.gone]
        if owners:
            text = _dump({"type": "batch", "t": self.engine.now, "events": [event]})
            for conn in owners:
                conn.offer(text)
        return len(owners)

    def close_assistant(self, room: str, assistant_id: str, reason: str) -> int:
        """Close the feed connections of an assistant link (revoked or expired) with 4401 and ``reason``;
        how many there were."""
        channel = self.channels.get(room)
        if channel is None:
            return 0
        found = [conn for conn in channel.connections if conn.assistant == assistant_id]
        for conn in found:
            self._close_soon(conn, CLOSE_CREDENTIAL_GONE, reason)
        return len(found)

    def close_replaced_owners(self, current: Callable[[str], str | None], reason: str) -> int:
        """Close (4401, ``reason``) the owner connections opened with an owner token that is no longer
        their room's: ``current(room)`` is the room's owner token hash now (None: the room is gone).
        Called when this relay replaces a token, and every second for a replacement made by another
        relay sharing the rooms. How many were closed."""
        closed = 0
        for room, channel in list(self.channels.items()):
            held = [conn for conn in channel.connections if conn.credential is not None and not conn.gone]
            if not held:
                continue
            now = current(room)
            for conn in held:
                if conn.credential != now:
                    conn.credential = None  # closed once
                    self._close_soon(conn, CLOSE_CREDENTIAL_GONE, reason)
                    closed += 1
        return closed

    def _close_soon(self, conn: Connection, code: int, reason: str) -> None:
        task = asyncio.ensure_future(self._close(conn, code, reason))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close(self, conn: Connection, code: int, reason: str) -> None:
        """Stop sending to ``conn`` and close it; its receive loop then ends the connection as usual."""
        await conn.stop()
        with contextlib.suppress(Exception):  # already gone
            await conn.close(code, reason)

    # --- sending ---------------------------------------------------------------------------------

    async def run(self) -> None:
        """Flush at a fixed rate: ticks start ``tick`` apart however long the writes of each take.

        (Sleeping ``tick`` after each flush made the period tick + burst, ~155 ms with 2,000
        viewers, and comments that arrived during a burst waited almost all of it.) A tick that
        overruns is not made up: the next one starts a whole tick later.
        """
        loop = asyncio.get_running_loop()
        due = loop.time()
        while True:
            due += self.tick
            now = loop.time()
            if due < now:
                due = now + self.tick
            await asyncio.sleep(due - now)
            try:
                await self.deliver(self.flush())
            except Exception:
                log.exception("realtime flush failed")

    def flush(self) -> list[tuple[Connection, str]]:
        """Close this tick's batches: each serialised once, paired with the connections it goes to."""
        now = self.engine.now
        out: list[tuple[Connection, str]] = []
        self.bus.set_local({room: channel.online for room, channel in self.channels.items()})
        for room, channel in list(self.channels.items()):
            count = self.bus.online(room, channel.online)
            if count != channel.online_sent:
                channel.online_sent = count
                online = {"type": "online", "count": count}
                channel.public.append(online)
                channel.owner.append(online)
                channel.assistant.append(online)
            if channel.owner:
                text = _dump({"type": "batch", "t": now, "events": channel.owner})
                out.extend((conn, text) for conn in channel.connections if conn.owner and conn.ready)
            if channel.assistant and channel.assistants:
                assistants = [conn for conn in channel.connections if conn.assistant is not None and conn.ready]
                if assistants:
                    text = _dump({"type": "batch", "t": now, "events": channel.assistant})
                    out.extend((conn, text) for conn in assistants)
            for events, at in ((channel.public, None), (channel.timed, channel.timed_at)):
                if events:
                    batch = {"type": "batch", "t": now, "events": events}
                    if at is not None:
                        batch["at"] = at
                    text = _dump(batch)
                    out.extend(
                        (conn, text)
                        for conn in channel.connections
                        if not conn.owner and conn.assistant is None and conn.ready
                    )
            for viewer, messages in channel.private.items():
                text = _dump({"type": "batch", "t": now, "events": messages})
                out.extend((conn, text) for conn in channel.viewers.get(viewer, ()) if conn.ready)
            for viewer, (at, messages) in channel.private_timed.items():
                text = _dump({"type": "batch", "t": now, "at": at, "events": messages})
                out.extend((conn, text) for conn in channel.viewers.get(viewer, ()) if conn.ready)
            if channel.public or channel.timed or channel.owner:
                self.sent_batches += 1
            channel.public, channel.owner, channel.keyed, channel.private = [], [], {}, {}
            channel.timed, channel.timed_at, channel.private_timed = [], None, {}
            channel.assistant = []
        return out

    async def deliver(self, deliveries: list[tuple[Connection, str]]) -> None:
        """Write a tick's batches, letting the event loop in every WRITES_PER_TURN writes.

        Each write is a socket send (~25 us on loopback here); 2,000 of them in one go would hold
        up orders and incoming comments for ~50 ms.
        """
        for start in range(0, len(deliveries), WRITES_PER_TURN):
            if start:
                await asyncio.sleep(0)
            for conn, text in deliveries[start : start + WRITES_PER_TURN]:
                conn.offer(text)

    # --- one connection ----------------------------------------------------------------------------

    async def serve(self, conn: Connection) -> None:
        channel = self.channels.setdefault(conn.room, Channel())
        viewer = not conn.owner and conn.assistant is None
        first = viewer and conn.viewer_id not in channel.viewers
        channel.connections.add(conn)
        if viewer:
            channel.viewers.setdefault(conn.viewer_id, set()).add(conn)
        elif conn.assistant is not None:
            channel.assistants += 1
        try:
            if first:
                relay = self.bus.shared_id  # several relays: this one's name, for a relay.lost note
                await self.commits.run(self.engine.viewer_enter, conn.room, conn.viewer_id, conn.nickname, relay)
            metrics = await self.metrics.message(conn.room) if conn.owner and self.metrics is not None else None
            conn.offer(self._snapshot(conn, metrics))
            conn.ready = True  # no await since the snapshot was taken: no batch can slip in before it
            await self._receive(conn)
        except ClientGoneError:
            pass
        finally:
            channel.connections.discard(conn)
            if conn.assistant is not None:
                channel.assistants -= 1
            await conn.stop()
            mine = channel.viewers.get(conn.viewer_id) if viewer else None
            if mine is not None:
                mine.discard(conn)
                if not mine:
                    del channel.viewers[conn.viewer_id]
                    await self.commits.run(
                        self.engine.viewer_leave, conn.room, conn.viewer_id, time.monotonic() - conn.joined
                    )
            if not channel.connections and not channel.viewers:
                self.channels.pop(conn.room, None)

    def _snapshot(self, conn: Connection, metrics: dict[str, Any] | None) -> str:
        viewer = not conn.owner and conn.assistant is None
        snapshot = self.engine.snapshot(conn.room, owner=not viewer)
        snapshot["online"] = self.online(conn.room)
        if metrics is not None:
            snapshot["metrics"] = metrics
        if conn.assistant is not None:
            for hidden in ASSISTANT_HIDDEN:
                snapshot.pop(hidden, None)
        elif viewer:
            snapshot["me"] = self.engine.me(conn.room, conn.viewer_id)
            snapshot["hold_s"] = LATE_TAP_S
        return _dump({"type": "snapshot", **snapshot})

    def resend_snapshots(self) -> None:
        """Notifications from the other relays may have been missed (the bus was away): every
        connection is closed with 1012 (service restart) and reconnects — the page and the studio after
        a spread-out delay — to a fresh snapshot. (Building thousands of snapshots here at once would
        hold the event loop for seconds.)"""
        for channel in self.channels.values():
            for conn in list(channel.connections):
                if not conn.gone:
                    task = asyncio.ensure_future(self._close(conn, 1012, "messages were missed: reconnect"))
                    self._closing.add(task)
                    task.add_done_callback(self._closing.discard)

    async def _receive(self, conn: Connection) -> None:
        window_start, count = time.monotonic(), 0
        while True:
            raw = await conn.receive_text()
            now = time.monotonic()
            if now - window_start >= 1.0:
                window_start, count = now, 0
            count += 1
            if count > MESSAGES_PER_SECOND:
                await conn.close(1008, "too many messages")
                return
            if len(raw) > MAX_MESSAGE:
                self._error(conn, "too_large", f"messages are limited to {MAX_MESSAGE} bytes")
                continue
            try:
                message = load_json(raw)
                if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                    raise ValueError("a message is a JSON object with a 'type'")
            except ValueError as exc:
                self._error(conn, "bad_message", str(exc))
                continue
            await self._handle(conn, message)

    def _error(self, conn: Connection, code: str, message: str, ref: Any = None) -> None:
        conn.offer(_dump({"type": "error", "code": code, "message": message, "ref": ref}))

    async def _handle(self, conn: Connection, raw: dict[str, Any]) -> None:
        try:
            message = parse_sent(raw)
        except ValidationError as exc:
            self._error(conn, "bad_message", _problem(exc, raw), raw.get("id"))
            return
        if isinstance(message, PingSent):
            conn.offer(_dump({"type": "pong", "id": message.id, "t": self.engine.now}))
            return
        if conn.owner or conn.assistant is not None:
            self._error(conn, "bad_message", "the console's feed is receive-only; use the REST API", message.id)
            return
        room, viewer = conn.room, conn.viewer_id
        try:
            await self.limits.check("feed_message", viewer, conn.address)
            if isinstance(message, CommentSent | LikeSent):
                await self.limits.check(message.type, viewer, conn.address)
            if isinstance(message, HelloSent):
                conn.nickname = clean_nickname(message.nickname, viewer, conn.room_names)
            elif isinstance(message, CommentSent):
                await self.commits.run(self.engine.comment, room, viewer, conn.nickname, message.text, bounded=True)
            elif isinstance(message, LikeSent):
                await self.commits.run(self.engine.like, room, viewer, message.count, bounded=True)
            else:
                kind, skus, via = message.type, message.skus, message.via
                await self.commits.run(self.engine.interaction, room, viewer, kind, skus, via, bounded=True)
        except CommerceError as exc:
            self._error(conn, exc.code, exc.message, message.id)


def _problem(exc: ValidationError, raw: dict[str, Any]) -> str:
    """A refused message's first problem, as a sentence naming the field (the declaration: app/feed_protocol.py)."""
    if raw.get("type") not in SENT_TYPES:
        return f"unknown message type {str(raw.get('type'))[:40]!r} (a viewer sends {', '.join(SENT_TYPES)})"
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"][1:]) or "the message"
    return f"{raw['type']}: {where}: {error['msg']}"
