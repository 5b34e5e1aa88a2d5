"""What every relay endpoint shares: settings, rooms, media and live state."""

from __future__ import annotations

import asyncio
import functools
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Request
from starlette.types import Scope

from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.payments import check_provider, open_provider
from app.commerce.token_hashes import hashed
from app.commerce.token_hashes import matches as token_matches
from app.relay.assistants import AssistantTokens
from app.relay.cohost import Cohost
from app.relay.commit_queue import DEFAULT_BATCH, SHARED_BATCH, CommitQueue
from app.relay.errors import ApiError
from app.relay.feed_bus import FeedBus, RedisBus, open_bus
from app.relay.formats import Format, StreamFormats
from app.relay.live_metrics import LiveMetrics
from app.relay.ll_hls import PART_RETENTION, LowLatencyWatch
from app.relay.media_store import LiveStates, MediaStore
from app.relay.poster import Posters
from app.relay.rate_limits import (
    CONNECTIONS_PER_ADDRESS,
    Connections,
    Limiter,
    LocalLimiter,
    Network,
    RedisLimiter,
    parse_networks,
    scope_address,
)
from app.relay.realtime import Realtime
from app.relay.rooms import Room, RoomNotFoundError, RoomRegistry, Rooms, StoreRoomRegistry, valid_room_name
from app.relay.sale_gate import LocalGate, RedisGate, SaleGate
from app.relay.timeline import Timeline
from app.relay.verification import SECRET_FILE as PHONE_SECRET_FILE
from app.relay.verification import PhoneVerifier, RedisCodes
from app.relay.viewer_sessions import KEY_FILE as SESSION_KEY_FILE
from app.relay.viewer_sessions import SessionKeys, bearer_session, cookie_session, session_from
from pipeline.ice import check_ice_host, hosts_from_env

DEFAULT_MAX_BODY = 32 * 1024 * 1024
DEFAULT_WHEP_SEATS = 20


@dataclass(frozen=True, slots=True)
class RelaySettings:
    data_dir: Path
    admin_token: str
    """The management API's token, or its hash as the data folder keeps it (``sha256:<64 hex>``,
    app/commerce/token_hashes.py): compare with :meth:`admin_matches`."""
    max_body_bytes: int = DEFAULT_MAX_BODY
    """Largest file a broadcaster may PUT (a 2 s 1080p segment is ~1-2 MB)."""
    public_url: str | None = None
    """Base URL viewers use, when the relay sits behind a proxy; else taken from each request."""
    live_timeout: float = 15.0
    """Seconds without ingest after which a stream counts as offline (a studio that crashed)."""
    part_retention: float = PART_RETENTION
    """Seconds LL-HLS parts are kept after their segment is complete."""
    cohost_answer_timeout: float = 10.0
    """Seconds a co-host guest's offer waits for the studio's answer (app/relay/api_cohost.py)."""
    whep_seats: int = DEFAULT_WHEP_SEATS
    """WebRTC (WHEP) viewers at a time on this relay; 0 refuses every ordinary viewer."""
    keep_days: float = 30.0
    """Days a finished broadcast's media is kept for its replay (app/relay/replay.py); never a live one."""
    min_free_mb: int = 0
    """Ingest answers 507 while the disk has less free space than this, so the order database keeps room."""
    ice_hosts: tuple[str, ...] = field(default_factory=hosts_from_env)
    """Offer only these local addresses as ICE candidates (default: $SHOPCAST_ICE_HOSTS, else every
    interface but loopback)."""
    postgres: str | None = None
    """The room engine's store as a PostgreSQL DSN shared by several relays; None: the data folder's
    SQLite file (docs/deploy.md, "Several relays behind one address")."""
    redis: str | None = None
    """A Redis URL: the room feed, online counts and the timer lease shared between relays
    (app/relay/feed_bus.py); None: in-process, this relay alone."""
    allowed_origins: tuple[str, ...] = ()
    """Other sites (``https://host[:port]``) whose pages may open the rooms' live feeds; the relay's own
    address and its public URL always may."""
    connections_per_address: int = CONNECTIONS_PER_ADDRESS
    """Live-feed connections one client address may hold open on this relay."""
    rate_limit_scale: float = 1.0
    """Every rate limit's count times this (app/relay/rate_limits.py): for a show simulated faster than real
    time (``shopcast simulate --speed``) and for load tools; 1 in production."""
    trusted_proxies: tuple[str, ...] = ()
    """Proxies (addresses or CIDR blocks) whose ``X-Forwarded-For`` names the client: the address that rate
    limits count (app/relay/rate_limits.py). Empty: the TCP peer is the client."""
    payment_provider: str = "test"
    """Who charges orders (app/commerce/payments.py): ``test`` (pays at once), ``test-async`` (paid by its
    webhook), or a real provider, which needs :attr:`payment_webhook_secret`."""
    payment_webhook_secret: str | None = field(default=None, repr=False)
    """The secret the provider's webhooks are signed with (from the environment or a file, never argv)."""

    def __post_init__(self) -> None:
        for origin in self.allowed_origins:
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
                raise ValueError(f"--allow-origin {origin!r} is not an origin like https://shop.example.com")
        if len(self.admin_token) < 16:
            raise ValueError("the admin token must be at least 16 characters")
        if not 1024 <= self.max_body_bytes <= 1024**3:
            raise ValueError("max_body_bytes must be between 1 KiB and 1 GiB")
        if not 1 <= self.live_timeout <= 600:
            raise ValueError("live_timeout must be between 1 and 600 seconds")
        if not 1 <= self.part_retention <= 86400:
            raise ValueError("part retention must be between 1 second and 1 day")
        if not 0.1 <= self.cohost_answer_timeout <= 60:
            raise ValueError("the co-host answer timeout must be between 0.1 and 60 seconds")
        if not 0 <= self.whep_seats <= 10_000:
            raise ValueError(f"--whep-seats must be 0 to 10000, got {self.whep_seats}")
        if not 0 < self.keep_days <= 36500:
            raise ValueError(f"--keep-days must be above 0 and at most 36500, got {self.keep_days}")
        if not 0 <= self.min_free_mb <= 10**9:
            raise ValueError(f"--min-free-mb must be 0 or more, got {self.min_free_mb}")
        for host in self.ice_hosts:
            check_ice_host(host)
        if self.postgres is not None and not self.postgres.startswith(("postgresql://", "postgres://")):
            raise ValueError("--postgres takes a postgresql:// URL (postgresql://user:password@host:5432/db)")
        if self.redis is not None and not self.redis.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("--redis takes a redis:// (or rediss://, unix://) URL")
        parse_networks(self.trusted_proxies)
        if not 1 <= self.rate_limit_scale <= 10_000:
            raise ValueError(f"--rate-limit-scale must be 1 to 10000, got {self.rate_limit_scale}")
        if not 1 <= self.connections_per_address <= 1_000_000:
            raise ValueError(f"--max-connections-per-address must be 1 to 1000000, got {self.connections_per_address}")
        if (self.postgres is None) != (self.redis is None):
            raise ValueError("several relays share both PostgreSQL and Redis: give --postgres and --redis together")
        check_provider(self.payment_provider, self.payment_webhook_secret)

    @property
    def shared(self) -> bool:
        """Whether this relay is one of several sharing PostgreSQL and Redis."""
        return self.postgres is not None

    def admin_matches(self, presented: str) -> bool:
        """Whether ``presented`` is the admin token (in constant time)."""
        return token_matches(hashed(self.admin_token), presented)


def private_folder(path: Path) -> None:
    """The relay's data folder, readable by its owner only (0700): it holds the order database, the
    rooms' tokens and the signing secrets. A folder someone else owns is left as it is."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
        path.chmod(0o700)


@dataclass(slots=True)
class RelayContext:
    settings: RelaySettings
    rooms: Rooms
    media: MediaStore
    live: LiveStates
    engine: RoomEngine
    commits: CommitQueue
    realtime: Realtime
    low_latency: LowLatencyWatch = field(default_factory=LowLatencyWatch)
    cohost: Cohost | None = None
    """Co-host invites' signer and guest sessions (set by :meth:`open`)."""
    metrics: LiveMetrics | None = None
    """The rooms' live metrics folds and their push to the owner feed (set by :meth:`open`)."""
    stream_formats: StreamFormats | None = None
    """Which canvases (multivariant playlists) each room's stream is offered in (set by :meth:`open`)."""
    assistants: AssistantTokens | None = None
    """Assistant (中控) links' signer (app/relay/assistants.py; set by :meth:`open`)."""
    posters: Posters = field(default_factory=Posters)
    """Each room's poster frame for link previews (app/relay/poster.py)."""
    timeline: Timeline = field(default_factory=Timeline)
    """The host's actions as EXT-X-DATERANGE in the live media playlists (app/relay/timeline.py)."""
    _notes: set[asyncio.Future[None]] = field(default_factory=set)
    sale_gate: SaleGate = field(default_factory=LocalGate)
    """Flash-sale taps answered in Redis before the store (app/relay/sale_gate.py), with ``--redis``."""
    sessions: SessionKeys | None = None
    """Viewer sessions' signing keys (app/relay/viewer_sessions.py; set by :meth:`open`)."""
    phones: PhoneVerifier | None = None
    """Proving a phone number for verified-only actions (app/relay/verification.py; set by :meth:`open`)."""
    limits: Limiter = field(default_factory=LocalLimiter)
    """Viewers' actions counted per session and per address (app/relay/rate_limits.py); in Redis with ``--redis``."""
    connections: Connections = field(default_factory=Connections)
    """Live-feed connections open per client address on this relay."""
    trusted: tuple[Network, ...] = ()
    """:attr:`RelaySettings.trusted_proxies`, parsed."""

    @classmethod
    def open(cls, settings: RelaySettings) -> RelayContext:
        private_folder(settings.data_dir)
        media = MediaStore(settings.data_dir / "media")
        live = LiveStates(media, settings.live_timeout)
        store = settings.postgres or settings.data_dir / "commerce.sqlite3"
        bus = open_bus(settings.redis)
        payment = open_provider(settings.payment_provider, settings.payment_webhook_secret)
        engine = RoomEngine(store, stream_time=_stream_time(live, bus), payment=payment)
        rooms: Rooms
        secrets_from: Callable[[str], bytes] | None = None
        if settings.postgres is not None:  # rooms and link secrets in the shared store: no folder is shared
            shared_rooms = StoreRoomRegistry(settings.postgres, import_from=settings.data_dir / "rooms.json")
            rooms, secrets_from = shared_rooms, shared_rooms.secret
            sessions = SessionKeys.shared(
                functools.partial(shared_rooms.secret, SESSION_KEY_FILE),
                functools.partial(shared_rooms.set_secret, SESSION_KEY_FILE),
            )
        else:
            rooms = RoomRegistry(settings.data_dir / "rooms.json")
            sessions = SessionKeys.load(settings.data_dir)
        # Sharing PostgreSQL, a batch holds the one write lock every relay waits for (synchronously,
        # on its event loop): smaller batches bound that wait (~1.3 ms an order there).
        commits = CommitQueue(engine, max_batch=SHARED_BATCH if settings.shared else DEFAULT_BATCH)
        realtime = Realtime(engine, commits, bus=bus)
        cohost = Cohost.open(settings.data_dir, settings.cohost_answer_timeout, secrets_from)
        low_latency = LowLatencyWatch(settings.part_retention)
        metrics = LiveMetrics(engine, realtime, shared=settings.shared)
        for rehearsing in engine.rehearsing_rooms():  # a rehearsal survives a restart, and so its count
            metrics.set_rehearsal(rehearsing, True)
        formats = StreamFormats(media)
        context = cls(settings, rooms, media, live, engine, commits, realtime, low_latency, cohost, metrics, formats)
        context.assistants = (
            AssistantTokens.shared(secrets_from)
            if secrets_from is not None
            else AssistantTokens.load(settings.data_dir)
        )
        if isinstance(bus, RedisBus):
            bus.live_here = live.live_starts
            context.sale_gate = RedisGate(engine, bus.client)
            context.limits = RedisLimiter(bus.client, scale=settings.rate_limit_scale)
            realtime.bus.on_lost = context.relay_lost
        else:
            context.limits = LocalLimiter(scale=settings.rate_limit_scale)
        context.sessions = sessions
        context.trusted = parse_networks(settings.trusted_proxies)
        context.connections = Connections(settings.connections_per_address)
        realtime.limits = context.limits
        context.phones = (
            PhoneVerifier(secrets_from(PHONE_SECRET_FILE))
            if secrets_from is not None
            else PhoneVerifier.load(settings.data_dir)
        )
        if isinstance(bus, RedisBus):  # a code sent by one relay is checked by whichever answers next
            context.phones.codes = RedisCodes(bus.client)
        engine.add_event_listener(context.timeline.on_events)
        return context

    def relay_lost(self, room: str, relay: str, last_heard: float) -> None:
        """Another relay sharing the room died with viewers on it: note it in the room's log, so its
        sessions end there (app/analytics/metrics.py, ``relay.lost``)."""
        note = functools.partial(self.engine.log, room, "relay.lost", lost=relay, down_since=last_heard)
        task = asyncio.ensure_future(self.commits.run(note))
        self._notes.add(task)
        task.add_done_callback(self._notes.discard)

    def end_replaced_owner_feeds(self) -> int:
        """Close (4401) the host's feeds opened with an owner token that has since been replaced, here or
        on another relay sharing the rooms; how many. Run on a rotation and every second."""

        def current(room: str) -> str | None:
            try:
                return self.rooms.get(room).owner_token_hash
            except RoomNotFoundError:
                return None

        return self.realtime.close_replaced_owners(current, "the room's owner token was replaced")

    def viewer_sessions(self) -> SessionKeys:
        if self.sessions is None:
            self.sessions = SessionKeys.load(self.settings.data_dir)
        return self.sessions

    def origin_allowed(self, headers: Mapping[str, str]) -> bool:
        """Whether a WebSocket handshake's page may open a feed: no Origin (not a browser), the relay's
        own host, its public URL's origin, or an allowed one."""
        origin = headers.get("origin")
        if origin is None:
            return True
        origin = origin.strip().rstrip("/").lower()
        host = headers.get("host", "").lower()
        if host and origin in (f"http://{host}", f"https://{host}"):
            return True
        if self.settings.public_url:
            public = urlsplit(self.settings.public_url)
            if origin == f"{public.scheme}://{public.netloc}".lower():
                return True
        return origin in (o.lower() for o in self.settings.allowed_origins)

    def phone_verifier(self) -> PhoneVerifier:
        if self.phones is None:
            self.phones = PhoneVerifier.load(self.settings.data_dir)
        return self.phones

    def viewer(self, headers: Mapping[str, str]) -> str:
        """The viewer a request's session names (401 without a valid one; app/relay/viewer_sessions.py).
        A session from the cookie must come from a page of this relay (or an allowed origin): a page
        elsewhere that makes the browser post here with the viewer's cookie is refused (403)."""
        if bearer_session(headers) is None and cookie_session(headers) is not None and not self.origin_allowed(headers):
            raise CommerceError(403, "cross_site", "a page on another site cannot act as this room's viewer")
        return session_from(self.viewer_sessions(), headers).viewer

    def client(self, scope: Scope) -> str:
        """The client's address as rate limits count it (behind ``--trusted-proxy``, the forwarded one)."""
        return scope_address(scope, self.trusted)

    async def limit(self, action: str, viewer: str | None, scope: Scope) -> None:
        """Count a viewer's ``action`` (app/relay/rate_limits.py); 429 ``slow_down`` past a limit."""
        await self.limits.check(action, viewer, self.client(scope))

    def assistant_tokens(self) -> AssistantTokens:
        if self.assistants is None:
            self.assistants = AssistantTokens.load(self.settings.data_dir)
        return self.assistants

    def live_metrics(self) -> LiveMetrics:
        assert self.metrics is not None
        return self.metrics

    def formats(self, room: str, state: str | None = None) -> list[Format]:
        """The room's stream formats, primary first (app/relay/formats.py); ``state`` if known."""
        if self.stream_formats is None:
            self.stream_formats = StreamFormats(self.media)
        return self.stream_formats.formats(room, live=(state or self.room_state(room)) == "live")

    def base_url(self, request: Request) -> str:
        return (self.settings.public_url or str(request.base_url)).rstrip("/")

    def room(self, name: str) -> Room:
        if not valid_room_name(name):
            raise ApiError(404, "room_not_found", f"there is no room named {name[:64]!r}")
        try:
            return self.rooms.get(name)
        except RoomNotFoundError:
            raise ApiError(404, "room_not_found", f"there is no room named {name!r}") from None

    def room_names(self, name: str) -> tuple[str, ...]:
        """The room's title and address name, which viewers may not take as nicknames (404 if no room)."""
        found = self.room(name)
        return found.title, found.name

    def stream_started_at(self, name: str) -> float | None:
        """When the room's current stream began: here, or on the relay the studio pushes it to (the
        same number from every relay: the page restarts its player when it changes)."""
        here = self.live.stream_started_at(name)
        bus = self.realtime.bus
        if here is None and isinstance(bus, RedisBus):
            return bus.stream_starts.get(name)
        return here

    def room_state(self, name: str) -> str:
        state = self.live.state(name)
        bus = self.realtime.bus
        if state != "live" and isinstance(bus, RedisBus) and name in bus.stream_starts:
            return "live"  # pushed to another relay sharing the room (app/relay/feed_bus.py)
        return state


def _stream_time(live: LiveStates, bus: FeedBus) -> Callable[[str], float | None]:
    """Seconds into the room's live stream: this relay's own if the studio pushes to it, else (several
    relays) the start the pushed-to relay shares through Redis."""
    if not isinstance(bus, RedisBus):
        return live.stream_time

    def stream_time(room: str) -> float | None:
        here = live.stream_time(room)
        if here is not None:
            return here
        started = bus.stream_starts.get(room)
        return None if started is None else max(0.0, time.time() - started)

    return stream_time


async def get_context(request: Request) -> RelayContext:
    # async: FastAPI runs a plain ``def`` dependency in its thread pool, a hop on every request.
    context: RelayContext = request.app.state.relay
    return context


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})
