"""The realtime sample stream on the relay: the studio's encoded top rung and Opus sound, as they are
made, fanned out to WebRTC viewers (app/relay/whep.py).

``WS /api/v1/rooms/{room}/realtime-ingest`` with ``Authorization: Bearer <stream key>``: a hello, then
one binary message per access unit (format: pipeline/outputs/realtime_wire.py). Refusals answer the
handshake with the API's JSON errors: 404 ``room_not_found``, 401 ``unauthorized``. A second
connection for the same room replaces the first (a studio reconnecting before the relay noticed the
old connection die); the old one is closed with 4001. Replacing the room's stream key closes the
connection opened with the old one (4401, within :data:`KEY_CHECK_S`). A message that breaks the
format closes the connection with 1003 (text where media was expected) or 1007 (a bad media message),
the reason saying what was wrong.

Per room a :class:`RoomFeed` keeps the current GOP (from the newest keyframe) and hands each unit to
its viewers' :class:`Subscriber` queues. A viewer starts when its WebRTC sender first asks for media:
video with the cached GOP (so the first picture comes at once), sound from that moment. A viewer whose
queue overflows (the relay is too busy to send to it) loses its backlog and resumes at the next
keyframe. When the studio finishes the broadcast (close 1000) the viewers end; when the connection
is interrupted they wait (app/relay/whep.py gives up after a grace period).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI, WebSocket
from fastapi.responses import JSONResponse

from app.feed_protocol import CLOSE_CREDENTIAL_GONE
from app.relay.context import RelayContext
from app.relay.errors import ApiError, error_body
from pipeline.outputs.realtime_wire import AUDIO, VIDEO, Hello, WireError, unpack

log = logging.getLogger(__name__)

router = APIRouter(tags=["whep"])

HELLO_TIMEOUT = 5.0
MAX_GOP_UNITS = 600
MAX_GOP_BYTES = 32 * 1024 * 1024
"""A studio that stops sending keyframes must not grow the cache without end."""
REPLACED = 4001
KEY_CHECK_S = 1.0
"""How often a connection checks that the room's stream key is still the one it was opened with: a key
replaced (here or on another relay sharing the rooms) ends it within about this long, with 4401."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One access unit (video, Annex B) or Opus packet, as it arrived."""

    payload: bytes
    pts: int
    keyframe: bool
    arrived: float
    """time.monotonic() when it arrived."""


class Subscriber:
    """One WebRTC viewer's share of a room's feed: a video and an audio queue (None ends them)."""

    VIDEO_QUEUE = 150
    AUDIO_QUEUE = 250

    def __init__(self, feed: RoomFeed, video: bool, audio: bool) -> None:
        self.feed = feed
        self.wants_video = video
        self.wants_audio = audio
        self.video: asyncio.Queue[Unit | None] = asyncio.Queue(self.VIDEO_QUEUE)
        self.audio: asyncio.Queue[Unit | None] = asyncio.Queue(self.AUDIO_QUEUE)
        self.video_started = False
        self.audio_started = False
        self.need_key = True
        self.dropped = 0
        self.ended = False

    def start_video(self) -> list[Unit]:
        """Start taking video now; returns the GOP so far (newest last) for the sender to send first."""
        backlog = list(self.feed.gop)
        self.video_started = True
        self.need_key = not backlog
        return backlog

    def start_audio(self) -> None:
        self.audio_started = True

    def offer_video(self, unit: Unit) -> None:
        if not self.video_started or self.ended:
            return
        if self.need_key:
            if not unit.keyframe:
                return
            self.need_key = False
        try:
            self.video.put_nowait(unit)
        except asyncio.QueueFull:
            # This viewer's sender is far behind: drop its backlog, resume at the next keyframe.
            while not self.video.empty():
                self.video.get_nowait()
                self.dropped += 1
            self.need_key = not unit.keyframe
            if unit.keyframe:
                self.video.put_nowait(unit)

    def offer_audio(self, unit: Unit) -> None:
        if not self.audio_started or self.ended:
            return
        if self.audio.full():
            self.audio.get_nowait()
            self.dropped += 1
        self.audio.put_nowait(unit)

    def end(self) -> None:
        """No more media (the broadcast finished): the tracks end."""
        if self.ended:
            return
        self.ended = True
        for q in (self.video, self.audio):
            while not q.empty():
                q.get_nowait()
            q.put_nowait(None)


@dataclass(eq=False, slots=True)
class _Connection:
    websocket: WebSocket
    hello: Hello
    replaced: bool = False


@dataclass(eq=False)
class RoomFeed:
    room: str
    connection: _Connection | None = None
    hello: Hello | None = None
    gop: list[Unit] = field(default_factory=list)
    gop_bytes: int = 0
    subscribers: set[Subscriber] = field(default_factory=set)
    disconnected_at: float | None = None
    """time.monotonic() when the studio's connection went away (None while connected)."""
    finished: bool = False
    """The studio said the broadcast is over."""
    units_in: int = 0

    @property
    def connected(self) -> bool:
        return self.connection is not None

    def video(self, unit: Unit) -> None:
        self.units_in += 1
        if unit.keyframe:
            self.gop, self.gop_bytes = [unit], len(unit.payload)
        elif self.gop:
            self.gop.append(unit)
            self.gop_bytes += len(unit.payload)
            if len(self.gop) > MAX_GOP_UNITS or self.gop_bytes > MAX_GOP_BYTES:
                self.gop, self.gop_bytes = [], 0
        for subscriber in self.subscribers:
            subscriber.offer_video(unit)

    def audio(self, unit: Unit) -> None:
        self.units_in += 1
        for subscriber in self.subscribers:
            subscriber.offer_audio(unit)

    def subscribe(self, video: bool = True, audio: bool = True) -> Subscriber:
        subscriber = Subscriber(self, video, audio)
        self.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)


class RealtimeHub:
    """Every room's feed, on the relay's event loop."""

    def __init__(self) -> None:
        self.feeds: dict[str, RoomFeed] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def feed(self, room: str) -> RoomFeed | None:
        return self.feeds.get(room)

    def attach(self, room: str, websocket: WebSocket, hello: Hello) -> tuple[RoomFeed, _Connection]:
        feed = self.feeds.setdefault(room, RoomFeed(room))
        old = feed.connection
        if old is not None:
            old.replaced = True
            log.warning("room %s: a new realtime connection replaces the previous one", room)
            task = asyncio.ensure_future(_close_quietly(old.websocket, REPLACED, "replaced by a newer connection"))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
        if feed.hello is None or feed.hello.stream_id != hello.stream_id:
            feed.gop, feed.gop_bytes = [], 0  # a new broadcast: the old pictures cannot start a decoder
        connection = _Connection(websocket, hello)
        feed.connection, feed.hello = connection, hello
        feed.disconnected_at, feed.finished = None, False
        return feed, connection

    def detach(self, feed: RoomFeed, connection: _Connection, finished: bool) -> None:
        if feed.connection is not connection:
            return  # already replaced by a newer connection
        feed.connection = None
        feed.disconnected_at = time.monotonic()
        feed.gop, feed.gop_bytes = [], 0
        if finished:
            feed.finished = True
            for subscriber in list(feed.subscribers):
                subscriber.end()


async def _close_quietly(websocket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.close(code, reason)


def hub_of(app: FastAPI) -> RealtimeHub:
    hub: RealtimeHub | None = getattr(app.state, "realtime_hub", None)
    if hub is None:
        hub = RealtimeHub()
        app.state.realtime_hub = hub
    return hub


def _check_key(ctx: RelayContext, room: str, authorization: str) -> str:
    """The room's stream key hash the handshake's key matches, or the refusal (404, 401)."""
    found = ctx.room(room)
    scheme, _, key = authorization.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(
            401,
            "unauthorized",
            "the realtime stream needs the room's stream key: Authorization: Bearer <stream key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not found.key_matches(key.strip()):
        raise ApiError(
            401, "unauthorized", f"the stream key for room {room!r} is wrong", headers={"WWW-Authenticate": "Bearer"}
        )
    return found.stream_key_hash


def _key_replaced(ctx: RelayContext, room: str, key_hash: str) -> bool:
    """Whether the room's stream key is no longer the one the connection was opened with (or the room
    is gone): the ingest that used the old key stops."""
    try:
        return ctx.room(room).stream_key_hash != key_hash
    except ApiError:
        return True


@router.websocket("/api/v1/rooms/{room}/realtime-ingest")
async def realtime_ingest(websocket: WebSocket, room: str) -> None:
    """The studio's realtime sample stream (see the module's description)."""
    ctx: RelayContext = websocket.app.state.relay
    try:
        key_hash = _check_key(ctx, room, websocket.headers.get("authorization", ""))
    except ApiError as exc:
        response = JSONResponse(error_body(exc.code, exc.message), status_code=exc.status, headers=exc.headers)
        await websocket.send_denial_response(response)
        return
    await websocket.accept()
    try:
        first = await asyncio.wait_for(websocket.receive(), HELLO_TIMEOUT)
    except TimeoutError:
        await _close_quietly(websocket, 1008, f"no hello within {HELLO_TIMEOUT:.0f} s")
        return
    if first["type"] == "websocket.disconnect":
        return
    try:
        if first.get("text") is None:
            raise WireError("the first message must be the hello, as text (JSON)")
        hello = Hello.parse(first["text"])
    except WireError as exc:
        await _close_quietly(websocket, 1003, str(exc)[:120])
        return
    hub = hub_of(websocket.app)
    feed, connection = hub.attach(ctx.room(room).name, websocket, hello)
    log.info("room %s: realtime stream %s connected", room, hello.stream_id)
    finished = False
    checked = time.monotonic()
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                finished = message.get("code") == 1000 and not connection.replaced
                break
            if time.monotonic() - checked >= KEY_CHECK_S:
                checked = time.monotonic()
                if _key_replaced(ctx, room, key_hash):
                    await _close_quietly(websocket, CLOSE_CREDENTIAL_GONE, "the room's stream key was replaced")
                    break
            data = message.get("bytes")
            if data is None:
                await _close_quietly(websocket, 1003, "after the hello only binary media messages are sent")
                break
            try:
                media = unpack(data)
            except WireError as exc:
                await _close_quietly(websocket, 1007, str(exc)[:120])
                break
            unit = Unit(media.payload, media.pts, media.keyframe, time.monotonic())
            if media.kind == VIDEO:
                feed.video(unit)
            elif media.kind == AUDIO:
                feed.audio(unit)
    finally:
        hub.detach(feed, connection, finished)
        log.info("room %s: realtime stream %s %s", room, hello.stream_id, "ended" if finished else "interrupted")
