"""What several relays share through Redis so that any of them serves any viewer of a room
(docs/deploy.md, "Several relays behind one address"):

- **the room feed**: every relay publishes the notifications of the transactions it commits on one
  Redis pub/sub channel and delivers the other relays' to its own connections, at its next tick.
  Pub/sub, not a stream: a viewer who reconnects (to this relay or another) gets a fresh snapshot
  from the shared store, which is all the feed protocol promises (app/feed_protocol.py); nothing is
  replayed, so nothing needs keeping. When this relay's subscription breaks (Redis restarted, the
  network dropped), what it missed is unknown: once the subscription is back it closes every
  connection (1012), and each reconnects to a fresh snapshot (:attr:`FeedBus.on_gap`). Notes carry
  their transaction's place in commit order, so a note that arrives after a newer one of the same key
  (another relay's, later through Redis) does not undo it.
- **online counts**: each relay writes its viewers per room into the room's presence hash every
  second, and reads the others'; a relay silent for PRESENCE_STALE_S no longer counts. One silent
  for LOST_S is dead: the lease holder removes it and has ``relay.lost {lost, down_since}`` logged
  in each room where it had viewers, which ends their sessions in the metrics (:attr:`on_lost`).
- **WebRTC seats**: each relay writes its WHEP seats (taken, offered) every second too; every relay
  reads the sum (``GET …/whep`` says it beside its own).
- **the timer lease**: the room engine's timers (flash-sale phases, group-buy expiry, draws, the
  run-of-show's auto-advance) run on one relay at a time, the lease holder; the lease lasts LEASE_S and
  is renewed every second, so it moves to another relay within LEASE_S of the holder dying.

Without Redis, :class:`LocalBus` is the same seam for one relay: nothing is shared, this relay leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Protocol

from app.commerce.core import Notification

log = logging.getLogger(__name__)

FEED_CHANNEL = "shopcast:feed:v1"
PRESENCE_EVERY_S = 1.0
PRESENCE_STALE_S = 5.0
LOST_S = 10.0
PRESENCE_ROOMS = "shopcast:presence:rooms"
STREAMS = "shopcast:streams"
"""A hash: room → "started heard" — when its live stream started, written every second by the relay
the studio pushes it to, so events logged through any relay get their stream time."""
RELAYS = "shopcast:relays"
"""A hash: relay → when it last wrote (its heartbeat, every second). A relay silent for LOST_S is dead."""
PRESENCE_KEEP_S = 24 * 3600
"""A room's presence hash outlives every relay by a day, so one started after an outage still finds
the viewers the dead relays left open (and has them noted lost)."""
WHEP_SEATS = "shopcast:whep-seats"
"""A hash: relay → "taken offered time" of its WHEP seats."""
"""The rooms with a presence hash (the lease holder looks through all of them for dead relays)."""
LEASE_KEY = "shopcast:lease:timers"
LEASE_S = 3.0
REDIS_CONNECTIONS = 64
"""Connections to Redis per relay (the feed's subscription holds one; the rest are shared)."""
PUBLISH_QUEUE = 10_000
"""Notifications waiting to be published when Redis is slow or away; beyond it the oldest go (the
other relays' viewers then miss them until a snapshot), and this relay says so in its log."""

RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

Deliver = Callable[[list[Notification]], None]
Lost = Callable[[str, str, float], None]
"""(room, the dead relay's name, when it was last heard of)."""


def presence_key(room: str) -> str:
    return f"shopcast:presence:{{{room}}}"


def encode(origin: str, notes: list[Notification]) -> str:
    return json.dumps({"from": origin, "notes": [asdict(note) for note in notes]}, ensure_ascii=False)


def decode(raw: str | bytes) -> tuple[str, list[Notification]]:
    message = json.loads(raw)
    return str(message["from"]), [Notification(**note) for note in message["notes"]]


class FeedBus(Protocol):
    instance: str
    deliver: Deliver | None
    """Called with the notifications other relays committed (set by the realtime layer)."""
    on_gap: Callable[[], None] | None
    """Called when notifications may have been missed (the realtime layer re-sends snapshots)."""
    on_lost: Lost | None
    """Called on the lease holder when a relay that had viewers in a room died."""

    @property
    def shared_id(self) -> str | None:
        """This relay's name among several (None: alone)."""
        ...

    @property
    def leading(self) -> bool:
        """Whether this relay runs the room engine's timers now."""
        ...

    def publish(self, notes: list[Notification]) -> None: ...
    def online(self, room: str, here: int) -> int:
        """The room's viewers on every relay, given ``here`` (this relay's)."""
        ...

    def set_local(self, counts: dict[str, int]) -> None:
        """This relay's viewers per room (the realtime layer, every tick)."""
        ...

    async def run(self) -> None: ...
    async def close(self) -> None: ...


class LocalBus:
    """One relay alone: nothing to share; it leads."""

    def __init__(self) -> None:
        self.instance = "local"
        self.deliver: Deliver | None = None
        self.on_gap: Callable[[], None] | None = None
        self.on_lost: Lost | None = None

    @property
    def shared_id(self) -> str | None:
        return None

    @property
    def leading(self) -> bool:
        return True

    def publish(self, notes: list[Notification]) -> None:
        return None

    def online(self, room: str, here: int) -> int:
        return here

    def set_local(self, counts: dict[str, int]) -> None:
        return None

    async def run(self) -> None:
        await asyncio.Event().wait()

    async def close(self) -> None:
        return None


class RedisBus:
    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis  # only a relay sharing Redis needs it

        self.url = url
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.deliver: Deliver | None = None
        self.on_gap: Callable[[], None] | None = None
        self.on_lost: Lost | None = None
        self.whep_usage: Callable[[], tuple[int, int]] | None = None
        """This relay's WHEP seats (taken, offered), set by the WHEP service."""
        self.whep_all: tuple[int, int, int] | None = None
        """Every live relay's WHEP seats: (relays, taken, offered)."""
        self.live_here: Callable[[], dict[str, float]] | None = None
        """The rooms live on this relay and when their streams started (set by the relay's context)."""
        self.stream_starts: dict[str, float] = {}
        """Every live room's stream start, whichever relay has the stream."""
        # a bounded pool that waits for a free connection (a flash-sale burst would open one per tap)
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=REDIS_CONNECTIONS, timeout=5, socket_timeout=5, socket_connect_timeout=5,
            health_check_interval=10,
        )  # fmt: skip
        self.client = aioredis.Redis(connection_pool=pool)
        """The relay's Redis connections (the flash-sale gate uses them too: app/relay/sale_gate.py)."""
        self._queue: asyncio.Queue[list[Notification]] = asyncio.Queue(PUBLISH_QUEUE)
        self._local: dict[str, int] = {}
        self._written: set[str] = set()
        self._totals: dict[str, int] = {}
        self._lease_until = 0.0
        self.published = 0
        self.received = 0
        self.dropped = 0

    @property
    def shared_id(self) -> str | None:
        return self.instance

    @property
    def leading(self) -> bool:
        return time.monotonic() < self._lease_until

    def publish(self, notes: list[Notification]) -> None:
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
            if self.dropped % 1000 == 1:
                log.warning("Redis is not keeping up: %d feed batches dropped for the other relays", self.dropped)
        self._queue.put_nowait(notes)

    def online(self, room: str, here: int) -> int:
        total = self._totals.get(room)
        return here if total is None else max(total, here)

    def set_local(self, counts: dict[str, int]) -> None:
        self._local = counts

    async def run(self) -> None:
        await asyncio.gather(self._publishing(), self._subscribed(), self._presence_and_lease())

    async def _publishing(self) -> None:
        while True:
            notes = await self._queue.get()
            while not self._queue.empty() and len(notes) < 500:  # one message for what piled up
                notes = notes + self._queue.get_nowait()
            while True:
                try:
                    await self.client.publish(FEED_CHANNEL, encode(self.instance, notes))
                    self.published += 1
                    break
                except Exception as exc:  # Redis away: keep the batch, try again
                    log.warning("cannot publish the feed to Redis (%s); retrying", exc)
                    await asyncio.sleep(0.5)

    async def _subscribed(self) -> None:
        first = True
        while True:
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(FEED_CHANNEL)
                if not first and self.on_gap is not None:
                    self.on_gap()  # what was published while we were away is lost: snapshots
                first = False
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    try:
                        origin, notes = decode(message["data"])
                    except (ValueError, KeyError, TypeError) as exc:
                        log.warning("a feed message from Redis is not ours: %s", exc)
                        continue
                    if origin != self.instance and self.deliver is not None:
                        self.received += 1
                        self.deliver(notes)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("the Redis feed subscription broke (%s); subscribing again", exc)
                await asyncio.sleep(0.5)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def _presence_and_lease(self) -> None:
        while True:
            started = time.monotonic()
            try:
                await self._lease(started)
                await self._presence()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("Redis presence/lease failed (%s)", exc)
            await asyncio.sleep(max(0.0, PRESENCE_EVERY_S - (time.monotonic() - started)))

    async def _lease(self, now: float) -> None:
        ms = int(LEASE_S * 1000)
        held = await self.client.eval(RENEW, 1, LEASE_KEY, self.instance, ms)
        if not held:
            held = await self.client.set(LEASE_KEY, self.instance, nx=True, px=ms)
        # counted from before the calls: this relay stops leading before Redis lets the lease go
        self._lease_until = now + LEASE_S - 0.5 if held else 0.0

    async def _presence(self) -> None:
        now = time.time()
        leading = self.leading
        local = self._local  # (set_local swaps in a new dict every tick: read it once)
        left = self._written - set(local)  # rooms this relay no longer has viewers in
        known = set(local) | set(self._totals)
        if leading:  # the holder looks at every room's presence, for relays that died
            members: set[bytes] = await self.client.smembers(PRESENCE_ROOMS)  # type: ignore[assignment]
            known |= {member.decode() for member in members}
        rooms = sorted(known)
        pipe = self.client.pipeline(transaction=False)
        pipe.hset(RELAYS, self.instance, f"{now:.3f}")  # this relay's heartbeat
        pipe.hgetall(RELAYS)
        for room in left:
            pipe.hdel(presence_key(room), self.instance)
        for room in local:
            pipe.sadd(PRESENCE_ROOMS, room)
            pipe.hset(presence_key(room), self.instance, f"{local[room]} {now:.3f}")
            pipe.expire(presence_key(room), PRESENCE_KEEP_S)
        live = self.live_here() if self.live_here is not None else {}
        for room, began in live.items():
            pipe.hset(STREAMS, room, f"{began!r} {now:.3f}")  # exactly: pages compare it
        pipe.hgetall(STREAMS)
        for room in rooms:
            pipe.hgetall(presence_key(room))
        answers = await pipe.execute()
        streams: dict[bytes, bytes] = answers[len(answers) - len(rooms) - 1]
        starts: dict[str, float] = {}
        for field, value in streams.items():
            since, _, written = value.decode().partition(" ")
            if now - float(written) <= PRESENCE_STALE_S:
                starts[field.decode()] = float(since)
            elif leading and now - float(written) > LOST_S:
                await self.client.hdel(STREAMS, field)
        self.stream_starts = starts
        self._written = set(local)
        beats: dict[bytes, bytes] = answers[1]
        alive = {field.decode() for field, value in beats.items() if now - float(value) <= LOST_S}
        totals: dict[str, int] = {}
        lost: list[tuple[str, str, float, int]] = []
        stale: list[tuple[str, str]] = []
        for room, entries in zip(rooms, answers[len(answers) - len(rooms) :], strict=True):
            total = 0
            for field, value in entries.items():
                relay = field.decode()
                count, _, when = value.decode().partition(" ")
                if now - float(when) <= PRESENCE_STALE_S:
                    total += int(count)
                elif leading and relay not in alive:
                    lost.append((room, relay, float(when), int(count)))  # it died with viewers here
                elif leading and now - float(when) > LOST_S:
                    stale.append((room, relay))  # alive, but left without saying so
            if not entries and leading:
                await self.client.srem(PRESENCE_ROOMS, room)
            if total or room in local:
                totals[room] = total
        self._totals = totals
        for room, relay in stale:
            await self.client.hdel(presence_key(room), relay)
        for room, relay, heard, viewers in lost:
            if await self.client.hdel(presence_key(room), relay) and viewers and self.on_lost is not None:
                log.warning("relay %s went silent at %.0f with %d viewers in room %s", relay, heard, viewers, room)
                self.on_lost(room, relay, heard)
        if leading:
            for relay in {field.decode() for field in beats} - alive:
                await self.client.hdel(RELAYS, relay)
        if self.whep_usage is not None:
            await self._whep_seats(now)

    async def _whep_seats(self, now: float) -> None:
        assert self.whep_usage is not None
        taken, offered = self.whep_usage()
        pipe = self.client.pipeline(transaction=False)
        pipe.hset(WHEP_SEATS, self.instance, f"{taken} {offered} {now:.3f}")
        pipe.hgetall(WHEP_SEATS)
        entries: dict[bytes, bytes] = (await pipe.execute())[1]
        relays = all_taken = all_offered = 0
        for field, value in entries.items():
            parts = value.decode().split(" ")
            age = now - float(parts[2])
            if age <= PRESENCE_STALE_S:
                relays, all_taken, all_offered = relays + 1, all_taken + int(parts[0]), all_offered + int(parts[1])
            elif age > LOST_S and self.leading:
                await self.client.hdel(WHEP_SEATS, field)
        self.whep_all = (relays, all_taken, all_offered)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            pipe = self.client.pipeline(transaction=False)
            pipe.hdel(WHEP_SEATS, self.instance)
            for room in self._local:
                pipe.hdel(presence_key(room), self.instance)
            pipe.hdel(RELAYS, self.instance)
            pipe.eval(RELEASE, 1, LEASE_KEY, self.instance)
            await pipe.execute()
        with contextlib.suppress(Exception):
            await self.client.aclose()


def open_bus(url: str | None) -> FeedBus:
    return RedisBus(url) if url else LocalBus()
