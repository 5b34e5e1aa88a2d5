"""The relay application and how to run it."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath

import uvicorn
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app import __version__
from app.commerce.token_hashes import is_hash, token_hash
from app.paths import hls_js_path
from app.relay import (
    api_assistants,
    api_cohost,
    api_host,
    api_live,
    api_rehearsal,
    api_replay,
    api_rooms,
    api_rundown,
    api_sessions,
    api_viewer,
    charges,
    egress,
    ingest,
    ingest_check,
    replay,
    viewer,
    whep,
)
from app.relay.body_limit import BodyLimitMiddleware
from app.relay.context import RelayContext, RelaySettings
from app.relay.errors import ERROR_RESPONSES, install_error_handlers
from app.relay.live_lane import LiveFeedLane
from app.relay.media_store import MULTIVARIANT, MediaConflictError, stream_folders, write_private
from app.relay.order_lane import OrderFastLane
from app.relay.rooms import new_secret
from app.relay.security_headers import SecurityHeaders
from pipeline.outputs.realtime_wire import HEADER, MAX_PAYLOAD

log = logging.getLogger(__name__)


TICK_S = 0.2
"""How often timers run: flash sales opening and closing, draws closing, group windows ending."""
ALIVE_EVERY = 25
"""Ticks between the notes that the relay is up (5 s): after a crash, the viewers' connections are
taken to have ended at the last note (app/analytics/metrics.py, ``relay.started``)."""
WS_MAX_FRAME = HEADER.size + MAX_PAYLOAD
"""The largest WebSocket message any socket may send: one encoded picture of the studio's realtime
upload (pipeline/outputs/realtime_wire.py); uvicorn's limit is per server, not per route. The room
feed's own, much smaller limit (MAX_MESSAGE) is checked on each message it reads."""
WS_PING_INTERVAL = 5.0
WS_PING_TIMEOUT = 10.0
"""Every WebSocket is pinged every 5 s and dropped when a ping goes 10 s unanswered: a viewer whose
phone died leaves the live feed (and online-now) within 15 s, the metric dictionary's heartbeat rule."""


async def _tick(context: RelayContext) -> None:
    recovery = charges.Recovery(context)
    recovery.start(before=context.engine.now)  # orders whose charge the previous process never recorded
    try:
        await _ticks(context, recovery)
    finally:
        await recovery.close()


async def _ticks(context: RelayContext, recovery: charges.Recovery) -> None:
    ticks = 0
    while True:
        await asyncio.sleep(TICK_S)
        try:
            if context.realtime.bus.leading:  # one relay of several runs the timers (app/relay/feed_bus.py)
                await context.commits.run(context.engine.tick)
            ticks += 1
            if ticks % ALIVE_EVERY == 0:
                await context.commits.run(context.engine.mark_alive)
        except Exception:
            log.exception("the room engine's timer tick failed")
        if ticks % CREDENTIALS_EVERY == 0:
            try:  # an owner token replaced by another relay sharing the rooms ends the feeds opened with it here
                context.end_replaced_owner_feeds()
            except Exception:
                log.exception("checking the owner feeds' tokens failed")
        expired = context.low_latency.expired_parts()
        if expired:
            await run_in_threadpool(_delete_parts, context, expired)
        if ticks % LEASE_EVERY == 0:
            try:  # this relay's charges still waiting for the provider: the sweep (any relay's) leaves them be
                await charges.renew(context)
            except Exception:
                log.exception("renewing the lease of the charges under way failed")
        if ticks % RETENTION_EVERY == 1:
            try:
                await run_in_threadpool(sweep_expired, context)
            except Exception:
                log.exception("the retention sweep failed")
            if context.realtime.bus.leading:  # a charge whose answer was never recorded (the store was away)
                recovery.start(before=context.engine.now - charges.STALE_S)


RETENTION_EVERY = 300
"""Ticks between retention sweeps (a minute)."""
LEASE_EVERY = round(charges.LEASE_EVERY_S / TICK_S)
"""Ticks between renewals of the lease of the charges under way (app/relay/charges.py)."""
CREDENTIALS_EVERY = 5
"""Ticks between checks that each owner feed's token is still its room's (a second)."""


def sweep_expired(context: RelayContext, now: float | None = None) -> list[str]:
    """Delete the media of shows older than ``--keep-days`` (never the live broadcast's); return
    ``room/stream_id`` of each folder deleted."""
    keep = context.settings.keep_days * 86400
    deleted: list[str] = []
    for room in context.rooms.list():
        protected: frozenset[str] = frozenset()
        if context.room_state(room.name) != "ended":  # live, or offline but maybe coming back
            master = context.media.read(room.name, MULTIVARIANT)
            protected = stream_folders(master) if master is not None else frozenset()
        for folder in replay.expired_folders(context.media.root / room.name, keep, protected, now):
            replay.delete_folder(folder)
            deleted.append(f"{room.name}/{folder.name}")
            log.info("retention: deleted %s of room %s (older than %g days)", folder.name, room.name,
                     context.settings.keep_days)  # fmt: skip
    return deleted


def _delete_parts(context: RelayContext, parts: list[tuple[str, PurePosixPath]]) -> None:
    for room, rel in parts:
        try:
            context.media.delete(room, rel)
        except (OSError, MediaConflictError) as exc:
            log.warning("could not delete the old part %s of room %s: %s", rel, room, exc)


def _log_restart(context: RelayContext) -> None:
    """Log ``relay.started {down_since}`` in every room with a log: connections the log shows open
    died with the previous process (at ``down_since``, its last note that it was up, if known)."""
    engine = context.engine
    down_since = engine.last_alive()
    with engine.core.transaction() as tx:
        for room in context.rooms.list():
            if tx.one("SELECT 1 FROM events WHERE room = ? LIMIT 1", (room.name,)) is not None:
                tx.log(room.name, "relay.started", down_since=down_since)
    engine.mark_alive()


def create_app(settings: RelaySettings, *, order_fast_lane: bool = True) -> FastAPI:
    context = RelayContext.open(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not settings.shared:  # one of several: the others' viewers are still there
            _log_restart(context)
        tasks = [
            asyncio.create_task(context.realtime.bus.run()),
            asyncio.create_task(context.realtime.run()),
            asyncio.create_task(_tick(context)),
            asyncio.create_task(context.live_metrics().run()),
            asyncio.create_task(context.viewer_sessions().refresh_forever()),  # a shared ring: rotated elsewhere
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await context.realtime.bus.close()
            context.engine.close()
            context.rooms.close()

    app = FastAPI(
        title="ShopCast relay",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
        responses=ERROR_RESPONSES,  # every operation's errors: one shape (app/relay/errors.py)
    )
    app.state.relay = context
    app.add_middleware(BodyLimitMiddleware)
    if order_fast_lane:
        app.add_middleware(OrderFastLane, context=context)
    app.add_middleware(LiveFeedLane, context=context)
    app.add_middleware(SecurityHeaders)  # added last: runs first, so every answer has its headers
    install_error_handlers(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, object]:
        context: RelayContext = app.state.relay
        bus = context.realtime.bus
        return {
            "status": "ok",
            "version": __version__,
            "rooms": len(context.rooms.list()),
            "player": hls_js_path().is_file(),
            "store": context.engine.core.db.dialect,
            # several relays sharing Redis: which one this is, and whether it runs the timers now
            "instance": bus.instance,
            "timers": bus.leading,
        }

    app.include_router(api_viewer.router)  # first: the viewers' routes carry the load
    app.include_router(api_sessions.router)  # viewer sessions: who a viewer is, said by the relay
    app.include_router(api_rooms.router)
    app.include_router(api_host.router)
    app.include_router(api_live.router)
    app.include_router(api_cohost.router)
    app.include_router(api_rehearsal.router)  # rehearsal (彩排): the show before it goes public
    app.include_router(api_rundown.router)
    app.include_router(api_assistants.router)  # assistant (中控) links and the assistant's page
    app.include_router(ingest.router)
    app.include_router(ingest_check.router)  # the studio's pre-flight: stream key, upload speed
    app.include_router(egress.router)
    app.include_router(viewer.router)
    app.include_router(api_replay.router)  # shoppable replay, product clips, disk use
    app.include_router(whep.router)  # WebRTC viewers and the studio's realtime stream
    # /static/... is served by app/relay/viewer.py from memory, gzipped (app/relay/web_assets.py).
    if not hls_js_path().is_file():
        log.error("hls.js is missing at %s: viewers cannot play until the setup runs `npm ci`", hls_js_path())
    return app


ADMIN_TOKEN_FILE = "admin-token"  # noqa: S105 - a file name
"""In the data folder: the hash of the admin token the relay generated (app/commerce/token_hashes.py)."""


def load_admin_token(data_dir: Path, given: str | None) -> tuple[str, str]:
    """The admin token: ``given`` (clear, or its ``sha256:`` hash), else the hash saved in the data
    folder, else a new one, of which only the hash is saved.

    Returns (the token or its hash, how it came): ``given``; ``saved`` (a hash: the token was shown when it
    was made); ``generated`` (clear: show it, this once); ``hashed`` (clear: an older ShopCast saved it so,
    and the file now holds its hash: show it one last time). A token an older ShopCast saved in clear is
    hashed in place whether it is used or not (a token given by the environment or a file leaves it
    unused, but a copy of the data folder must not hold it).
    """
    saved = data_dir / ADMIN_TOKEN_FILE
    token = saved.read_text(encoding="utf-8").strip() if saved.is_file() else ""
    if token and not is_hash(token):
        write_private(saved, (token_hash(token) + "\n").encode())
        log.info("the admin token saved in clear in %s is now kept as its hash", saved)
        if not given and len(token) >= 16:
            return token, "hashed"
    if given:
        return given, "given"
    if is_hash(token):
        return token, "saved"
    token = new_secret() + new_secret()
    data_dir.mkdir(parents=True, exist_ok=True)
    write_private(saved, (token_hash(token) + "\n").encode())
    return token, "generated"


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind before serving, so port 0 can pick a free port and the caller learns it race-free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def tune_garbage_collector() -> None:
    """A relay holds thousands of long-lived connection objects. With Python's default thresholds a
    full collection ran several times every 5 s under the fan-out benchmark and each paused the event
    loop for 200-400 ms (every viewer's feed with it). Objects that exist once the app is built are
    moved out of the collector's sight, and collections run less often; reference counting still
    frees everything that is not in a cycle at once."""
    gc.freeze()
    gc.set_threshold(50_000, 100, 1000)


def serve(
    settings: RelaySettings,
    sock: socket.socket,
    *,
    access_log: bool = False,
    on_started: Callable[[], None] | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM."""
    config = uvicorn.Config(
        create_app(settings),
        log_level="info" if access_log else "warning",
        access_log=access_log,
        proxy_headers=False,  # behind a proxy, --public-url sets the viewers' base URL
        # The live feed sends the same small batch to thousands of sockets; compressing it once per
        # socket (and inflating it on every phone) cost more CPU than it saved bytes.
        ws_per_message_deflate=False,
        # Its send to a writable socket completes without suspending, which the feed relies on to
        # write a tick's batch without a task per connection (app/relay/realtime.py).
        ws="websockets-sansio",
        # A message past this is refused by the framing layer (close 1009) before it is buffered.
        ws_max_size=WS_MAX_FRAME,
        ws_ping_interval=WS_PING_INTERVAL,
        ws_ping_timeout=WS_PING_TIMEOUT,
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    tune_garbage_collector()
    if on_started is not None:
        original = server.startup

        async def startup(sockets: list[socket.socket] | None = None) -> None:
            await original(sockets)
            if server.started:
                on_started()

        server.startup = startup  # type: ignore[method-assign]
    server.run(sockets=[sock])
