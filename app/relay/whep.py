"""WHEP: sub-second WebRTC viewers of the top rung (the WHEP draft, on RFC 9725's WHIP pattern).

``POST /api/v1/rooms/{room}/whep`` with ``Content-Type: application/sdp`` (an offer to receive video
and/or audio, all ICE candidates gathered) → ``201 Created``, the SDP answer and ``Location:
/api/v1/rooms/{room}/whep/{id}``; ``DELETE`` that location ends the session. No trickle ICE (PATCH is
405). ``GET /api/v1/rooms/{room}/whep`` says whether the room's realtime stream is up (with a keyframe
to start from) and how many seats are taken.

Media come from the studio's realtime sample stream (app/relay/realtime_media.py) and go out as they
are: H.264 access units packetised by aiortc without decoding or re-encoding, Opus packets as
encoded once in the studio. A new viewer starts at the newest keyframe: the cached GOP goes out at
once with its timestamps squeezed into the instant before the newest picture, so the viewer's decoder
runs through it and shows the live picture without a jitter buffer holding the backlog.

Seats: ``shopcast relay --whep-seats N`` (default 20) WebRTC viewers at a time on this relay (every
room together: they share its CPU); one more is refused with 503 ``seats_full`` and ``Retry-After``,
and the page plays LL-HLS instead. :meth:`SeatPool.admit` with ``priority=True`` (the co-host return
feed) is never refused; it counts toward the seats, so ordinary viewers make room for it. A seat is
freed when the viewer DELETEs, when ICE/DTLS fails or closes, when nothing is heard from the viewer
(RTCP receiver reports, sent about every second) for 4 s, when it is not connected 15 s after its
offer, and when the studio finishes the broadcast or stays away longer than 15 s.

The picture's clock: an offer may carry one data channel (``m=application … webrtc-datachannel``);
when the viewer opens one labelled ``shopcast-clock`` the relay sends ``{"t": seconds}`` on it about
every 0.1 s while video goes out: the relay's wall clock when the picture being sent reached it. The
viewer page holds the room's timed events (app/feed_protocol.py ``TIMED_EVENTS``, stamped on the
relay's clock) until its picture reaches them, as LL-HLS viewers do with the playlists'
EXT-X-PROGRAM-DATE-TIME.

ICE: host candidates only (no STUN/TURN: the relay must be reachable at an address it has).
``--ice-host ADDR`` (repeatable; default ``$SHOPCAST_ICE_HOSTS``, comma-separated) offers only those
addresses; tests use 127.0.0.1, which aioice otherwise skips.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from typing import Annotated, Any

import av
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCDataChannel,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc import sdp as aiortc_sdp
from aiortc.mediastreams import MediaStreamError
from fastapi import APIRouter, Depends, FastAPI, Request, Response

from app.relay import realtime_media
from app.relay.context import DEFAULT_WHEP_SEATS, RelayContext, RelaySettings, bearer_token, get_context
from app.relay.errors import ApiError
from app.relay.feed_bus import RedisBus
from app.relay.realtime_media import RealtimeHub, RoomFeed, Subscriber, Unit, hub_of
from pipeline.ice import check_ice_host, restrict_ice_hosts
from pipeline.outputs.realtime_wire import AUDIO_CLOCK, VIDEO_CLOCK

log = logging.getLogger(__name__)

SEATS_RETRY_AFTER = 15
"""Seconds a refused viewer is told to wait before asking again (it plays LL-HLS meanwhile)."""
REALTIME_RETRY_AFTER = 5
CONNECT_TIMEOUT = 15.0
SILENCE_TIMEOUT = 4.0
"""Seconds without an RTCP report from a connected viewer before it counts as gone."""
INTERRUPTION_GRACE = 15.0
"""Seconds viewers wait for a studio whose realtime connection broke (not finished) to come back."""
WATCH_INTERVAL = 0.5
SQUEEZE_TICKS = 90
"""Spacing (1 ms at 90 kHz) of the cached GOP's pictures when they go out at once to a new viewer."""
CLOCK_CHANNEL = "shopcast-clock"
"""The data channel a viewer opens for the picture's clock."""
CLOCK_EVERY = 0.1
"""Seconds between two clock ticks (of the pictures' arrival)."""
DISCONTINUITY = 5
"""A jump of more than this many seconds in a track's pts (or a step back) is a new timeline."""


# --- settings --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WhepSettings:
    seats: int = DEFAULT_WHEP_SEATS
    """WebRTC viewers at a time on this relay; 0 refuses every ordinary viewer."""
    ice_hosts: tuple[str, ...] = ()
    """Offer only these local addresses as ICE candidates (default: every interface but loopback)."""

    def __post_init__(self) -> None:
        if not 0 <= self.seats <= 10_000:
            raise ValueError(f"--whep-seats must be 0 to 10000, got {self.seats}")
        for host in self.ice_hosts:
            check_ice_host(host)

    @staticmethod
    def of(relay: RelaySettings) -> WhepSettings:
        return WhepSettings(relay.whep_seats, relay.ice_hosts)


# --- seats -----------------------------------------------------------------------------------------


class SeatsFullError(Exception):
    def __init__(self, seats: int) -> None:
        super().__init__(f"all {seats} ultra-low-latency seats are taken")
        self.seats = seats


@dataclass(eq=False, slots=True)
class Seat:
    room: str
    priority: bool
    pool: SeatPool
    released: bool = False

    def release(self) -> None:
        """Give the seat back (once; later calls do nothing)."""
        if not self.released:
            self.released = True
            self.pool.taken.discard(self)


@dataclass(slots=True)
class SeatPool:
    limit: int
    taken: set[Seat] = field(default_factory=set)

    def admit(self, room: str, priority: bool = False) -> Seat:
        """A seat for one WebRTC viewer of ``room``, or :class:`SeatsFullError`.

        ``priority`` callers (the co-host return feed) are admitted even when every seat is taken;
        their seats count like any other, so ordinary viewers wait until the total is under the limit.
        """
        if not priority and len(self.taken) >= self.limit:
            raise SeatsFullError(self.limit)
        seat = Seat(room, priority, self)
        self.taken.add(seat)
        return seat

    @property
    def in_use(self) -> int:
        return len(self.taken)

    def in_room(self, room: str) -> int:
        return sum(1 for seat in self.taken if seat.room == room)


# --- tracks ----------------------------------------------------------------------------------------


class FeedTrack(MediaStreamTrack):
    """One viewer's video or audio: encoded units from its :class:`Subscriber` as ``av.Packet`` (aiortc
    packetises those as they are). Timestamps follow the studio's pts, continued smoothly across a
    new broadcast or a studio reconnect (the receiver must see one increasing timeline)."""

    def __init__(self, kind: str, subscriber: Subscriber) -> None:
        super().__init__()
        self.kind = kind
        self._subscriber = subscriber
        self._clock = VIDEO_CLOCK if kind == "video" else AUDIO_CLOCK
        self._time_base = Fraction(1, self._clock)
        self._backlog: list[Unit] = []
        self._squeezed: list[int] = []
        self._started = False
        self._offset = 0
        self._last: tuple[int, int, float] | None = None
        """(source pts, outgoing pts, arrival) of the last unit."""
        self.clock: RTCDataChannel | None = None
        """The viewer's clock channel (video only): see CLOCK_CHANNEL."""
        self._ticked = float("-inf")

    def _start(self) -> None:
        self._started = True
        if self.kind == "audio":
            self._subscriber.start_audio()
            return
        self._backlog = self._subscriber.start_video()
        if self._backlog:
            newest = self._backlog[-1].pts
            count = len(self._backlog)
            self._squeezed = [newest - (count - 1 - i) * SQUEEZE_TICKS for i in range(count)]

    async def recv(self) -> av.Packet[Any]:
        if not self._started:
            self._start()
        if self._backlog:
            unit, out = self._backlog.pop(0), self._squeezed.pop(0)
        else:
            queue = self._subscriber.video if self.kind == "video" else self._subscriber.audio
            item = await queue.get()
            if item is None:
                self.stop()
                raise MediaStreamError
            unit, out = item, self._map(item)
        self._last = (unit.pts, out, unit.arrived)
        self._tick(unit)
        packet = av.Packet(unit.payload)
        packet.pts = packet.dts = out
        packet.time_base = self._time_base
        return packet

    def _tick(self, unit: Unit) -> None:
        """Tell the viewer's clock channel when this picture reached the relay (its wall clock)."""
        channel = self.clock
        if channel is None or channel.readyState != "open" or unit.arrived - self._ticked < CLOCK_EVERY:
            return
        self._ticked = unit.arrived
        arrived = time.time() - (time.monotonic() - unit.arrived)
        try:
            channel.send(f'{{"t":{arrived:.3f}}}')
        except Exception:  # the channel broke (the viewer went): the picture goes on without its clock
            log.debug("clock channel closed", exc_info=True)
            self.clock = None

    def _map(self, unit: Unit) -> int:
        last = self._last
        if last is not None:
            last_src, last_out, last_arrived = last
            if unit.pts <= last_src or unit.pts - last_src > DISCONTINUITY * self._clock:
                gap = max(1, round((unit.arrived - last_arrived) * self._clock))
                self._offset = last_out + gap - unit.pts
        return unit.pts + self._offset


# --- sessions --------------------------------------------------------------------------------------


@dataclass(eq=False)
class WhepSession:
    id: str
    room: str
    pc: RTCPeerConnection
    seat: Seat
    subscriber: Subscriber
    created: float = field(default_factory=time.monotonic)
    connected_at: float | None = None
    ended: str | None = None
    """Why the session ended (None while it runs)."""
    task: asyncio.Task[None] | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    sdp: str
    video: bool
    audio: bool
    data: bool = False
    """It carries a data channel (for the picture's clock)."""


def parse_offer(body: bytes) -> Offer:
    """The offer if it is one this endpoint can answer, else ApiError (400) saying what is wrong."""
    if not body.strip():
        raise ApiError(400, "bad_sdp", "the body is empty: send an SDP offer")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "bad_sdp", "the SDP offer is not UTF-8 text") from None
    if not text.lstrip().startswith("v=0"):
        raise ApiError(400, "bad_sdp", "the body is not an SDP offer (it must start with v=0)")
    try:
        parsed = aiortc_sdp.SessionDescription.parse(text)
    except Exception as exc:  # the parser raises whatever it trips over
        raise ApiError(400, "bad_sdp", f"the SDP offer cannot be parsed ({type(exc).__name__}: {exc})") from None
    kinds = [m.kind for m in parsed.media]
    if "audio" not in kinds and "video" not in kinds:
        raise ApiError(400, "bad_sdp", "the offer has no audio or video section: offer to receive video and/or audio")
    for media in parsed.media:
        if media.kind not in ("audio", "video", "application"):
            raise ApiError(400, "bad_sdp", f"the offer has an m={media.kind} section: only audio and video are served")
        if kinds.count(media.kind) > 1:
            raise ApiError(
                400, "bad_sdp", f"the offer has {kinds.count(media.kind)} {media.kind} sections: one at most"
            )
        if media.kind == "application":
            if "webrtc-datachannel" not in media.fmt or "SCTP" not in media.profile:
                raise ApiError(
                    400, "bad_sdp", "the offer's m=application section is not a data channel (webrtc-datachannel)"
                )
            continue
        direction = media.direction or "sendrecv"
        if direction not in ("recvonly", "sendrecv"):
            raise ApiError(
                400, "bad_sdp", f"the offer's {media.kind} is {direction}: a WHEP viewer offers to receive (recvonly)"
            )
        if media.kind == "video" and not any(
            c.mimeType.lower() == "video/h264" and str(c.parameters.get("packetization-mode", "0")) == "1"
            for c in media.rtp.codecs
        ):
            raise ApiError(
                400,
                "unsupported_codec",
                "the offer's video has no H.264 with packetization-mode=1: this stream is H.264 and is"
                " passed through, not re-encoded",
            )
        if media.kind == "audio" and not any(c.mimeType.lower() == "audio/opus" for c in media.rtp.codecs):
            raise ApiError(400, "unsupported_codec", "the offer's audio has no Opus: this stream's sound is Opus")
    return Offer(text, "video" in kinds, "audio" in kinds, "application" in kinds)


def _give_clock(pc: RTCPeerConnection, video: FeedTrack) -> None:
    """The viewer's ``shopcast-clock`` data channel, when it opens one, gets ``video``'s ticks."""

    @pc.on("datachannel")
    def on_datachannel(channel: RTCDataChannel) -> None:
        # Only the clock, sent one way: whatever the viewer sends on it is not read; another channel
        # (or a second clock) is closed.
        if channel.label == CLOCK_CHANNEL and video.clock is None:
            video.clock = channel
        else:
            channel.close()


def _preferences(kind: str) -> list[Any]:
    codecs = RTCRtpSender.getCapabilities(kind).codecs
    wanted = ("video/h264", "video/rtx") if kind == "video" else ("audio/opus",)
    return [c for c in codecs if c.mimeType.lower() in wanted]


class WhepService:
    def __init__(self, hub: RealtimeHub, settings: WhepSettings) -> None:
        self.hub = hub
        self.settings = settings
        self.seats = SeatPool(settings.seats)
        self.sessions: dict[str, WhepSession] = {}
        self.all_relays: Callable[[], tuple[int, int, int] | None] = lambda: None
        """Several relays sharing Redis (app/relay/feed_bus.py): (relays, seats taken, seats offered)."""

    def status(self, room: str) -> dict[str, Any]:
        feed = self.hub.feed(room)
        return {
            "room": room,
            # Connected, with a keyframe to start a viewer from.
            "realtime": bool(feed and feed.connected and feed.gop),
            "seats": self.seats.limit,
            "seats_in_use": self.seats.in_use,
            "room_viewers": self.seats.in_room(room),
            **self._all_relays(),
        }

    def _all_relays(self) -> dict[str, Any]:
        shared = self.all_relays()
        if shared is None:
            return {}
        relays, taken, offered = shared
        return {"all_relays": {"relays": relays, "seats": offered, "seats_in_use": taken}}

    def _feed_for(self, room: str, state: str) -> RoomFeed:
        feed = self.hub.feed(room)
        if feed is not None and feed.connected:
            return feed
        if state != "live":
            raise ApiError(409, "not_live", f"room {room!r} is not live (it is {state}): there is nothing to watch yet")
        raise ApiError(
            503,
            "realtime_unavailable",
            "this broadcast sends no realtime stream right now (an older studio, or it is reconnecting):"
            " watch the standard live stream (LL-HLS)",
            headers={"Retry-After": str(REALTIME_RETRY_AFTER)},
        )

    async def open(self, room: str, state: str, offer: Offer, *, priority: bool = False) -> tuple[WhepSession, str]:
        """Answer ``offer`` for a viewer of ``room`` (whose HLS ``state`` is given); ApiError if refused."""
        feed = self._feed_for(room, state)
        try:
            seat = self.seats.admit(room, priority)
        except SeatsFullError as exc:
            taken = (
                f"all {exc.seats} ultra-low-latency seats are taken"
                if exc.seats
                else "this relay has no ultra-low-latency seats (--whep-seats 0)"
            )
            raise ApiError(
                503,
                "seats_full",
                f"{taken}: watch the standard live stream (LL-HLS) or try again in {SEATS_RETRY_AFTER} s",
                headers={"Retry-After": str(SEATS_RETRY_AFTER)},
            ) from None
        subscriber = feed.subscribe(offer.video, offer.audio)
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        session = WhepSession(secrets.token_urlsafe(18), room, pc, seat, subscriber)
        try:
            answer = await self._negotiate(pc, offer, subscriber)
        except BaseException:
            await self._close(session, "the offer could not be answered")
            raise
        self.sessions[session.id] = session
        session.task = asyncio.create_task(self._supervise(session))
        seats = f"{self.seats.in_use}/{self.seats.limit} seats"
        log.info("room %s: WebRTC viewer %s joined (%s)", room, session.id[:6], seats)
        return session, answer

    async def _negotiate(self, pc: RTCPeerConnection, offer: Offer, subscriber: Subscriber) -> str:
        senders = []
        for kind, wanted in (("video", offer.video), ("audio", offer.audio)):
            if wanted:
                track = FeedTrack(kind, subscriber)
                if kind == "video":
                    _give_clock(pc, track)
                transceiver = pc.addTransceiver(track, direction="sendonly")
                transceiver.setCodecPreferences(_preferences(kind))
                senders.append(transceiver.sender)
        if len(senders) == 2:  # one MediaStream: the receiver keeps the picture and the sound in sync
            senders[1]._stream_id = senders[0]._stream_id
        try:
            await pc.setRemoteDescription(RTCSessionDescription(offer.sdp, "offer"))
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:  # aiortc's refusal of the offer, in its words
            code = "unsupported_codec" if "parameters" in str(exc) else "bad_sdp"
            raise ApiError(400, code, f"the offer cannot be answered: {exc or type(exc).__name__}") from None
        return str(pc.localDescription.sdp)

    async def _supervise(self, session: WhepSession) -> None:
        pc = session.pc
        reason = "closed"
        try:
            while True:
                await asyncio.sleep(WATCH_INTERVAL)
                now = time.monotonic()
                state = pc.connectionState
                feed = session.subscriber.feed
                if state in ("failed", "closed"):
                    reason = f"the WebRTC connection {state}"
                    break
                if session.subscriber.ended:
                    reason = "the broadcast ended"
                    break
                away = feed.disconnected_at
                if not feed.connected and away is not None and now - away > INTERRUPTION_GRACE:
                    reason = f"the studio's realtime stream was away for {INTERRUPTION_GRACE:.0f} s"
                    break
                if state != "connected":
                    if now - session.created > CONNECT_TIMEOUT:
                        reason = f"not connected {CONNECT_TIMEOUT:.0f} s after the offer"
                        break
                    continue
                if session.connected_at is None:
                    session.connected_at = now
                silent = await self._silence(session, now)
                if silent > SILENCE_TIMEOUT:
                    reason = f"nothing heard from the viewer for {silent:.1f} s"
                    break
        except asyncio.CancelledError:
            reason = "the relay is stopping"
        except Exception:  # whatever went wrong, the seat must not stay taken
            log.exception("room %s: watching WebRTC viewer %s failed", session.room, session.id[:6])
            reason = "watching the connection failed"
        await self._close(session, reason)

    @staticmethod
    async def _silence(session: WhepSession, now: float) -> float:
        """Seconds since the viewer's last RTCP receiver report (or since it connected)."""
        assert session.connected_at is not None
        heard = now - session.connected_at
        wall = datetime.now(UTC)
        for transceiver in session.pc.getTransceivers():
            report = await transceiver.sender.getStats()
            for stats in report.values():
                if stats.type == "remote-inbound-rtp":
                    heard = min(heard, (wall - stats.timestamp).total_seconds())
        return heard

    async def _close(self, session: WhepSession, reason: str) -> None:
        if session.ended is not None:
            return
        session.ended = reason
        self.sessions.pop(session.id, None)
        session.seat.release()
        session.subscriber.feed.unsubscribe(session.subscriber)
        session.subscriber.end()
        with contextlib.suppress(Exception):
            await session.pc.close()
        seats = f"{self.seats.in_use}/{self.seats.limit} seats"
        log.info("room %s: WebRTC viewer %s left: %s (%s)", session.room, session.id[:6], reason, seats)

    async def end(self, room: str, session_id: str) -> None:
        session = self.sessions.get(session_id)
        if session is None or session.room != room:
            raise ApiError(404, "session_not_found", "there is no such WHEP session (it ended or never existed)")
        task = session.task
        await self._close(session, "the viewer ended it")
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def close(self) -> None:
        tasks = [s.task for s in self.sessions.values() if s.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def service_of(app: FastAPI) -> WhepService:
    service: WhepService | None = getattr(app.state, "whep", None)
    if service is None:
        context: RelayContext = app.state.relay
        service = WhepService(hub_of(app), WhepSettings.of(context.settings))
        bus = context.realtime.bus
        if isinstance(bus, RedisBus):  # several relays: every relay's seats, summed through Redis
            seats = service.seats
            bus.whep_usage = lambda: (seats.in_use, seats.limit)
            service.all_relays = lambda: bus.whep_all
        app.state.whep = service
    return service


# --- routes ----------------------------------------------------------------------------------------


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    service = service_of(app)
    restrict_ice_hosts(service.settings.ice_hosts)
    try:
        yield
    finally:
        await service.close()


router = APIRouter(tags=["whep"], lifespan=_lifespan)
router.include_router(realtime_media.router)
Context = Annotated[RelayContext, Depends(get_context)]

ENDPOINT = "/api/v1/rooms/{room}/whep"
RESOURCE = "/api/v1/rooms/{room}/whep/{session_id}"
_SDP_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/sdp": {"schema": {"type": "string", "examples": ["v=0\r\n..."]}}},
    },
    "responses": {"201": {"description": "the SDP answer", "content": {"application/sdp": {}}}},
}


@router.post(ENDPOINT, status_code=201, response_class=Response, openapi_extra=_SDP_BODY)
async def whep_offer(room: str, request: Request, ctx: Context) -> Response:
    """Watch the room over WebRTC: an SDP offer in (receive video and/or audio), the answer out."""
    found = ctx.room(room)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/sdp":
        shown = content_type or "none"
        raise ApiError(415, "unsupported_media_type", f"send the offer as Content-Type: application/sdp (got {shown})")
    offer = parse_offer(await request.body())
    service = service_of(request.app)
    # A co-host's return feed (their page sends its session secret) is never refused for seats.
    secret = bearer_token(request)
    cohost = ctx.cohost
    priority = bool(secret and cohost is not None and cohost.sessions.live_guest(found.name, secret))
    session, answer = await service.open(found.name, ctx.room_state(found.name), offer, priority=priority)
    location = RESOURCE.format(room=found.name, session_id=session.id)
    return Response(answer, status_code=201, media_type="application/sdp", headers={"Location": location})


@router.get(ENDPOINT)
async def whep_status(room: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Whether WebRTC viewing is available in the room now, and the relay's seats."""
    found = ctx.room(room)
    return service_of(request.app).status(found.name)


@router.options(ENDPOINT, include_in_schema=False)
async def whep_options(room: str) -> Response:
    raise ApiError(
        405,
        "method_not_allowed",
        "the WHEP endpoint takes POST with an SDP offer (Content-Type: application/sdp), or GET for its status",
        headers={"Allow": "GET, POST"},
    )


@router.delete(RESOURCE, status_code=200, response_class=Response)
async def whep_end(room: str, session_id: str, request: Request, ctx: Context) -> Response:
    """End a WHEP session (the viewer leaves): its seat is free at once."""
    found = ctx.room(room)
    await service_of(request.app).end(found.name, session_id)
    return Response(status_code=200)


@router.api_route(RESOURCE, methods=["PATCH", "OPTIONS", "GET"], include_in_schema=False)
async def whep_resource_other(room: str, session_id: str, request: Request) -> Response:
    if request.method == "PATCH":
        message = "this endpoint takes no trickle ICE: gather every candidate before sending the offer"
    else:
        message = "a WHEP session takes DELETE only (to end it)"
    raise ApiError(405, "method_not_allowed", message, headers={"Allow": "DELETE"})
