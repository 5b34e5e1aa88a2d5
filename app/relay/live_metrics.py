"""Live metrics: one metrics fold per room, fed as the engine commits, pushed to the owner feed.

The engine hands every committed transaction's event-log rows to :meth:`LiveMetrics.on_events`
(right after its COMMIT, on the event loop's thread). That costs an order one list append per row:
the rows wait in the room's list, and every :data:`DRAIN_S` a task folds them :data:`CHUNK` at a
time, letting the event loop in between (a fold costs ~6 µs a row: under the orders benchmark's
~7,000 orders/s, folding two seconds' rows in one go held orders up by tens of milliseconds). What
is left is folded when somebody needs the numbers — the push, the owner's snapshot, ``GET …/metrics``.

A room's fold is made the first time it is needed, by folding the room's log from the store in pages
(yielding to the event loop between pages); rows committed meanwhile are in the store and come with
a later page, and the fold is registered for the commit rows right after the last page is read,
with no await in between, so no row is folded twice or missed. A fold nobody asked for in
:data:`IDLE_DROP` seconds (no owner on the feed either) is dropped; the next request makes it again.

While a room rehearses (彩排) its fold counts the rehearsal's events, which a real show's leave out
(app/analytics/metrics.py, *Rehearsals*): :meth:`LiveMetrics.set_rehearsal` switches the room's fold
and has it made again from the log, so the sidebar shows the rehearsal's numbers from its
``rehearsal.started`` on, and the last real show's again once it ends.

A relay that shares its store with others (``shared``: PostgreSQL, several relays) cannot see their
commits as they happen: it reads each fold's new rows from the store every :data:`DRAIN_S` instead
(the event log's ids grow in commit order there, every transaction holding the store's one write
lock), so the numbers count every relay's viewers and orders and carry on from whichever relay the
studio's feed is connected to.

Every :attr:`LiveMetrics.interval` seconds (1.5) each room with an owner connection gets a ``metrics``
message (see app/relay/realtime.py), whether or not anything changed: the watch time and the
average online move with the clock, and the studio shows how old its numbers are.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from app.analytics.metrics import Event, MetricsFold
from app.commerce.core import EventRow
from app.commerce.engine import RoomEngine
from app.relay.realtime import Realtime

log = logging.getLogger(__name__)

PUSH_INTERVAL = 1.5
"""Seconds between pushes: the studio gets fresh numbers at least every 2 s, with room for the event
loop's jitter."""
DRAIN_S = 0.1
CHUNK = 500
PAGE = 5000
IDLE_DROP = 600.0


def row_event(row: EventRow) -> Event:
    """A committed row as ``GET /events`` would return it (without its id)."""
    _room, wall, stream_time, kind, viewer, data = row
    return {"wall": wall, "stream_time": stream_time, "type": kind, "viewer_id": viewer, "data": json.loads(data)}


class LiveMetrics:
    def __init__(
        self, engine: RoomEngine, realtime: Realtime, interval: float = PUSH_INTERVAL, *, shared: bool = False
    ) -> None:
        self.engine = engine
        self.shared = shared
        self._after: dict[str, int] = {}
        """Shared: the id of the last event-log row each fold has."""
        self.realtime = realtime
        self.interval = interval
        self._folds: dict[str, MetricsFold] = {}
        self._pending: dict[str, list[EventRow]] = {}
        self._building: dict[str, asyncio.Task[MetricsFold]] = {}
        self._used: dict[str, float] = {}
        self._rehearsing: set[str] = set()
        self.pushed = 0
        if not shared:
            engine.add_event_listener(self.on_events)
        realtime.metrics = self

    def on_events(self, rows: list[EventRow]) -> None:
        """Rows of a transaction that just committed (kept for the rooms that have a fold)."""
        pending = self._pending
        for row in rows:
            waiting = pending.get(row[0])
            if waiting is not None:
                waiting.append(row)

    def current(self, room: str) -> MetricsFold | None:
        """The room's fold brought up to the last commit, or None when it has not been made."""
        fold = self._folds.get(room)
        if fold is None:
            return None
        rows = self._pending[room]
        if rows:
            self._pending[room] = []
            for row in rows:
                fold.apply(row_event(row))
        self._used[room] = time.monotonic()
        return fold

    async def fold(self, room: str) -> MetricsFold:
        """The room's fold, up to the last commit (made from the store the first time)."""
        while True:  # (made again if the room switched into or out of rehearsal meanwhile)
            fold = self.current(room)
            if fold is not None:
                return fold
            task = self._building.get(room)
            if task is None or task.done():
                task = self._building[room] = asyncio.ensure_future(self._build(room))
                task.add_done_callback(lambda done: self._built(room, done))
            await asyncio.shield(task)

    def _built(self, room: str, task: asyncio.Task[MetricsFold]) -> None:
        if self._building.get(room) is task:
            del self._building[room]

    async def _build(self, room: str) -> MetricsFold:
        while True:  # from the start again if the room goes into or out of rehearsal meanwhile
            rehearsing = room in self._rehearsing
            fold = MetricsFold(include_rehearsal=rehearsing)
            after = 0
            while rehearsing == (room in self._rehearsing):
                rows = self.engine.events(room, after, PAGE)
                for event in rows:
                    fold.apply(event)
                if rows:
                    after = int(rows[-1]["id"])
                if len(rows) < PAGE:  # no await since this read: the commit rows from now on are the fold's
                    self._folds[room] = fold
                    self._pending[room] = []
                    self._after[room] = after
                    self._used[room] = time.monotonic()
                    return fold
                await asyncio.sleep(0)

    def set_rehearsal(self, room: str, on: bool) -> None:
        """The room starts (``on``) or stops rehearsing. Its fold is dropped and made again from the
        log the next time it is needed (the next push, if an owner is on the feed), counting the
        rehearsal's events (``include_rehearsal``) while ``on``: the fold then counts from the last
        ``rehearsal.started`` (logged before or after this call, alike). Nothing changes if the room
        already is in that state."""
        if (room in self._rehearsing) == on:
            return
        if on:
            self._rehearsing.add(room)
        else:
            self._rehearsing.discard(room)
        self._folds.pop(room, None)
        self._pending.pop(room, None)

    def rehearsing(self, room: str) -> bool:
        """Whether the room's fold counts a rehearsal (:meth:`set_rehearsal`)."""
        return room in self._rehearsing

    async def message(self, room: str) -> dict[str, Any]:
        """The owner feed's ``metrics`` message for the room, now."""
        fold = await self.fold(room)
        return fold.live_message(self.engine.now)

    def forget(self, room: str) -> None:
        """The room was deleted."""
        self._drop(room)
        self._rehearsing.discard(room)

    def _drop(self, room: str) -> None:
        self._after.pop(room, None)
        self._folds.pop(room, None)
        self._pending.pop(room, None)
        self._used.pop(room, None)

    async def drain(self) -> None:
        """Fold the rows waiting, CHUNK at a time, letting the event loop in between."""
        if self.shared:
            await self._read_shared()
            return
        for room in list(self._pending):
            while True:
                rows = self._pending.get(room)
                fold = self._folds.get(room)
                if not rows or fold is None:
                    break
                chunk, self._pending[room] = rows[:CHUNK], rows[CHUNK:]
                for row in chunk:
                    fold.apply(row_event(row))
                await asyncio.sleep(0)

    async def _read_shared(self) -> None:
        """Fold each fold's rows committed since the last read, by any relay, from the store. A rehearsal
        started or ended through another relay is seen in the store (the engine reads the rooms in
        rehearsal at each transaction there)."""
        for room in list(self._folds):
            self.set_rehearsal(room, self.engine.rehearsing(room))
        for room in list(self._folds):
            while True:
                fold = self._folds.get(room)
                if fold is None:
                    break
                rows = self.engine.events(room, self._after.get(room, 0), CHUNK)
                if self._folds.get(room) is not fold:  # dropped meanwhile (rehearsal switched)
                    break
                for event in rows:
                    fold.apply(event)
                if rows:
                    self._after[room] = int(rows[-1]["id"])
                if len(rows) < CHUNK:
                    break
                await asyncio.sleep(0)

    async def run(self) -> None:
        """Fold what waits every DRAIN_S; push every ``interval`` seconds to the rooms with an owner on
        the feed (fixed rate: a push starts ``interval`` after the previous one started)."""
        loop = asyncio.get_running_loop()
        due = loop.time() + self.interval
        while True:
            await asyncio.sleep(max(0.0, min(DRAIN_S, due - loop.time())))
            try:
                await self.drain()
                now = loop.time()
                if now >= due:
                    due += self.interval
                    if due < now:
                        due = now + self.interval
                    await self.push()
            except Exception:
                log.exception("the live metrics failed")

    async def push(self) -> None:
        for room in self.realtime.owner_rooms():
            message = await self.message(room)
            if self.realtime.push_owner(room, message):
                self.pushed += 1
        idle = time.monotonic() - IDLE_DROP
        owners = set(self.realtime.owner_rooms())
        for room in list(self._folds):
            if room in owners:
                continue
            if self._used.get(room, 0.0) < idle:
                self._drop(room)
