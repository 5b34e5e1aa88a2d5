"""The room's realtime feed: one WebSocket per viewer (and one for the host's console).

Engine notifications collect per room and go out once per tick (100 ms) as one batch, serialised
once and sent as the same text to every connection, so fan-out costs a queue put per viewer, not a
JSON encode per viewer. Messages with a key (a poll's results, a product's stock) replace each other
within a tick. A connection that cannot keep up (its outbox is full) is closed rather than allowed
to hold memory; the page reconnects and gets a fresh snapshot.

Messages from the server: ``snapshot`` (on connect), ``batch`` {t, events[]}, ``pong``, ``error``.
Messages from a viewer: ``hello`` {nickname}, ``comment`` {text}, ``like`` {count},
``exposure``/``click``/``cart_add`` {skus[], via?}, ``share`` {}, ``ping`` {id}.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Receive, Send

from app.commerce.core import CommerceError, Notification
from app.commerce.engine import RoomEngine
from app.commerce.strict_json import load_json
from app.commerce.values import nickname as clean_nickname
from app.relay.commit_queue import CommitQueue

log = logging.getLogger(__name__)

OUTBOX = 256
"""Batches a connection may have waiting; past that it is too slow and is closed."""
MAX_MESSAGE = 4096
MESSAGES_PER_SECOND = 20


def _dump(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


class ClientGoneError(Exception):
    pass


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
    outbox: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(OUTBOX))
    too_slow: bool = False

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
        if self.too_slow:
            return
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:
            self.too_slow = True
            self.outbox = asyncio.Queue(1)
            self.outbox.put_nowait("")  # wakes the sender, which closes the socket


@dataclass
class Channel:
    connections: set[Connection] = field(default_factory=set)
    viewers: dict[str, set[Connection]] = field(default_factory=dict)
    public: list[dict[str, Any]] = field(default_factory=list)
    owner: list[dict[str, Any]] = field(default_factory=list)
    keyed: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    private: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    online_sent: int = -1

    @property
    def online(self) -> int:
        return len(self.viewers)

    def add(self, note: Notification) -> None:
        if note.to_viewer is not None:
            if note.public is not None and note.to_viewer in self.viewers:
                self.private.setdefault(note.to_viewer, []).append(note.public)
            return
        owner_message = note.owner if note.owner is not None else note.public
        if note.key is not None and note.key in self.keyed:
            public_at, owner_at = self.keyed[note.key]
            if public_at is not None and note.public is not None:
                self.public[public_at] = note.public
            if owner_at is not None and owner_message is not None:
                self.owner[owner_at] = owner_message
            return
        public_at = owner_at = None
        if note.public is not None:
            public_at = len(self.public)
            self.public.append(note.public)
        if owner_message is not None:
            owner_at = len(self.owner)
            self.owner.append(owner_message)
        if note.key is not None:
            self.keyed[note.key] = (public_at, owner_at)


class Realtime:
    def __init__(self, engine: RoomEngine, commits: CommitQueue, tick: float = 0.1) -> None:
        self.engine = engine
        self.commits = commits
        self.tick = tick
        self.channels: dict[str, Channel] = {}
        self.sent_batches = 0
        engine.add_listener(self.on_notifications)

    def on_notifications(self, notes: list[Notification]) -> None:
        for note in notes:
            channel = self.channels.get(note.room)
            if channel is not None:  # nobody connected: nothing to send
                channel.add(note)

    def online(self, room: str) -> int:
        channel = self.channels.get(room)
        return channel.online if channel else 0

    # --- sending ---------------------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.tick)
            try:
                self.flush()
            except Exception:
                log.exception("realtime flush failed")

    def flush(self) -> None:
        now = self.engine.now
        for channel in list(self.channels.values()):
            if channel.online != channel.online_sent:
                channel.online_sent = channel.online
                online = {"type": "online", "count": channel.online}
                channel.public.append(online)
                channel.owner.append(online)
            if channel.public:
                text = _dump({"type": "batch", "t": now, "events": channel.public})
                for conn in channel.connections:
                    if not conn.owner:
                        conn.offer(text)
            if channel.owner:
                text = _dump({"type": "batch", "t": now, "events": channel.owner})
                for conn in channel.connections:
                    if conn.owner:
                        conn.offer(text)
            for viewer, messages in channel.private.items():
                text = _dump({"type": "batch", "t": now, "events": messages})
                for conn in channel.viewers.get(viewer, ()):
                    conn.offer(text)
            if channel.public or channel.owner:
                self.sent_batches += 1
            channel.public, channel.owner, channel.keyed, channel.private = [], [], {}, {}

    # --- one connection ----------------------------------------------------------------------------

    async def serve(self, conn: Connection) -> None:
        channel = self.channels.setdefault(conn.room, Channel())
        first = not conn.owner and conn.viewer_id not in channel.viewers
        channel.connections.add(conn)
        if not conn.owner:
            channel.viewers.setdefault(conn.viewer_id, set()).add(conn)
        sender = asyncio.create_task(self._send(conn))
        try:
            if first:
                await self.commits.run(self.engine.viewer_enter, conn.room, conn.viewer_id, conn.nickname)
            snapshot = self.engine.snapshot(conn.room, owner=conn.owner)
            snapshot["online"] = channel.online
            if not conn.owner:
                snapshot["me"] = self.engine.me(conn.room, conn.viewer_id)
            conn.offer(_dump({"type": "snapshot", **snapshot}))
            await self._receive(conn)
        except ClientGoneError:
            pass
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            channel.connections.discard(conn)
            mine = channel.viewers.get(conn.viewer_id)
            if mine is not None:
                mine.discard(conn)
                if not mine:
                    del channel.viewers[conn.viewer_id]
                    await self.commits.run(
                        self.engine.viewer_leave, conn.room, conn.viewer_id, time.monotonic() - conn.joined
                    )
            if not channel.connections and not channel.viewers:
                self.channels.pop(conn.room, None)

    async def _send(self, conn: Connection) -> None:
        while True:
            text = await conn.outbox.get()
            if conn.too_slow:
                with contextlib.suppress(Exception):
                    await conn.close(1013, "too slow: reconnect for a fresh snapshot")
                return
            try:
                await conn.send_text(text)
            except Exception:  # the peer went away; the receive loop notices too
                return

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

    async def _handle(self, conn: Connection, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "ping":
            conn.offer(_dump({"type": "pong", "id": message.get("id"), "t": self.engine.now}))
            return
        if conn.owner:
            self._error(conn, "bad_message", "the console's feed is receive-only; use the REST API", message.get("id"))
            return
        action: Callable[[], Awaitable[Any]] | None = None
        room, viewer = conn.room, conn.viewer_id
        if kind == "hello":
            conn.nickname = clean_nickname(str(message.get("nickname") or ""), viewer)
            return
        if kind == "comment":
            text = message.get("text")
            if not isinstance(text, str):
                self._error(conn, "bad_message", "a comment needs a 'text' string", message.get("id"))
                return
            action = lambda: self.commits.run(self.engine.comment, room, viewer, conn.nickname, text)  # noqa: E731
        elif kind == "like":
            count = message.get("count", 1)
            if not isinstance(count, int) or isinstance(count, bool):
                self._error(conn, "bad_message", "'count' must be a whole number", message.get("id"))
                return
            action = lambda: self.commits.run(self.engine.like, room, viewer, count)  # noqa: E731
        elif kind in ("exposure", "click", "cart_add", "share"):
            skus = message.get("skus", [])
            via = message.get("via")
            if (
                not isinstance(skus, list)
                or not all(isinstance(s, str) for s in skus)
                or not isinstance(via, str | None)
            ):
                self._error(conn, "bad_message", "'skus' must be a list of strings", message.get("id"))
                return
            action = lambda: self.commits.run(self.engine.interaction, room, viewer, kind, skus, via)  # noqa: E731
        else:
            self._error(conn, "bad_message", f"unknown message type {kind[:40]!r}", message.get("id"))
            return
        try:
            await action()
        except CommerceError as exc:
            self._error(conn, exc.code, exc.message, message.get("id"))
