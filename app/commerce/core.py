"""The engine's foundation: the store (app/commerce/store.py: SQLite, or PostgreSQL shared by several
relays), transactions that append to the event log, and notifications released to the realtime layer
only after a transaction commits."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.commerce.errors import CommerceError
from app.commerce.payments import PaymentProvider, TestModePayment
from app.commerce.store import Cursor, Params, Row, Store, open_store


def not_found(what: str) -> CommerceError:
    return CommerceError(404, "not_found", f"{what} does not exist in this room")


def refused(code: str, message: str, **details: Any) -> CommerceError:
    return CommerceError(409, code, message, **details)


class Clock(Protocol):
    def time(self) -> float:
        """Unix time in seconds."""
        ...


class SystemClock:
    def time(self) -> float:
        return time.time()


@dataclass(frozen=True, slots=True)
class Notification:
    """A realtime message for a room: ``public`` for everyone, ``owner`` (if given) for the streamer's
    console instead (with the details only the owner may see, such as viewer ids)."""

    room: str
    public: dict[str, Any] | None
    owner: dict[str, Any] | None = None
    to_viewer: str | None = None
    """Deliver only to this viewer's connections (e.g. the result of their own draw entry)."""
    key: str | None = None
    """Messages with the same key replace each other within one realtime tick (e.g. a poll's
    latest results), so a burst of votes sends one update."""
    wall: float | None = None
    """When it happened: its transaction's clock, the ``wall`` of the event-log rows it wrote with it."""
    seq: int | None = None
    """Its transaction's place in commit order (``Store.commit_seq``): of two notes with one ``key``
    from different relays, the later-committed one is the room's state."""


REHEARSING = "SELECT room FROM rehearsals WHERE ended_at IS NULL"
"""The rooms in rehearsal, read at each transaction's start when other relays share the store."""

Listener = Callable[[list[Notification]], None]
StreamTime = Callable[[str], float | None]
EventRow = tuple[str, float, float | None, str, str | None, str]
"""An event-log row as written: (room, wall, stream_time, type, viewer_id, data as JSON text)."""
EventListener = Callable[[list[EventRow]], None]


@dataclass(slots=True)
class Tx:
    """One transaction: the SQL cursor plus what to log and announce if it commits."""

    db: Store
    now: float
    stream_time: StreamTime
    notifications: list[Notification] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    """Event-log rows, written in one executemany just before the commit."""
    written: list[EventRow] = field(default_factory=list)
    """The rows written so far (handed to the event listeners once the transaction commits)."""
    rehearsing: set[str] = field(default_factory=set)
    """The rooms in rehearsal (the core's own set): every event logged in one says so."""
    undo: list[Callable[[], None]] = field(default_factory=list)
    """What to do to the core's memory if the transaction (or the savepoint) rolls back."""

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        return self.db.execute(sql, params)

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
        row: Row | None = self.db.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
        return list(self.db.execute(sql, params).fetchall())

    def log(self, room: str, kind: str, viewer_id: str | None = None, /, **data: Any) -> None:
        """Append to the event log (written with this transaction's commit, in order). An event in a
        room that is rehearsing carries ``rehearsal: true`` (app/commerce/rehearsal.py)."""
        if room in self.rehearsing:
            data["rehearsal"] = True
        self.events.append(
            (room, self.now, self.stream_time(room), kind, viewer_id, json.dumps(data, ensure_ascii=False))
        )

    def write_events(self) -> None:
        if self.events:
            self.db.executemany(
                "INSERT INTO events (room, wall, stream_time, type, viewer_id, data) VALUES (?, ?, ?, ?, ?, ?)",
                self.events,
            )
            self.written.extend(self.events)
            self.events.clear()

    def notify(
        self,
        room: str,
        public: dict[str, Any] | None,
        owner: dict[str, Any] | None = None,
        to_viewer: str | None = None,
        key: str | None = None,
    ) -> None:
        self.notifications.append(Notification(room, public, owner, to_viewer, key, self.now, self.db.commit_seq))


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(6)}"


def _run_undo(undo: list[Callable[[], None]], mark: int) -> None:
    """Undo, newest first, what was done to memory after ``mark`` (the store rolled back already)."""
    while len(undo) > mark:
        undo.pop()()


class EngineCore:
    """Holds the connection and runs transactions. Not thread-safe by design: one thread drives it.

    Transactions nest: one opened inside another is a SAVEPOINT, so a caller can run many
    operations in one commit (group commit) while each still succeeds or fails on its own.
    Notifications are released once, after the outermost transaction commits.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Clock | None = None,
        stream_time: StreamTime | None = None,
        payment: PaymentProvider | None = None,
    ) -> None:
        self.db = open_store(path)
        """The store: a SQLite file's path, or a ``postgresql://`` DSN (app/commerce/store.py)."""
        self.clock = clock or SystemClock()
        self.stream_time: StreamTime = stream_time or (lambda room: None)
        self.payment = payment or TestModePayment()
        self._listeners: list[Listener] = []
        self._event_listeners: list[EventListener] = []
        self._outer: Tx | None = None
        self._depth = 0
        self.rehearsing: set[str] = {
            row["room"] for row in self.db.execute("SELECT room FROM rehearsals WHERE ended_at IS NULL")
        }
        """Rooms in rehearsal, read from the store once; app/commerce/rehearsal.py keeps it current."""

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open (a payment provider is never called inside one)."""
        return self._outer is not None

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def add_event_listener(self, listener: EventListener) -> None:
        """Call ``listener`` with the event-log rows of every transaction that commits, in log order,
        right after the commit (the relay's live metrics fold them: app/relay/live_metrics.py)."""
        self._event_listeners.append(listener)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        if self._outer is not None:
            yield from self._savepoint(self._outer)
            return
        tx = Tx(self.db, self.clock.time(), self.stream_time, rehearsing=self.rehearsing)
        try:
            if self.db.dialect == "sqlite":
                self.db.begin()
            else:  # shared with other relays: one may have started or ended a rehearsal
                self._refresh_rehearsing(self.db.begin(REHEARSING))
        except BaseException:
            self.db.rollback()  # a begin that failed half-way (the lock timed out) leaves nothing open
            raise
        self._outer = tx
        try:
            yield tx
            tx.write_events()
        except BaseException:
            self.db.rollback()
            _run_undo(tx.undo, 0)
            raise
        finally:
            self._outer = None
        self.db.commit()
        if tx.written:
            for event_listener in self._event_listeners:
                event_listener(tx.written)
        if tx.notifications:
            for listener in self._listeners:
                listener(tx.notifications)

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """A transaction that only reads: a consistent view of the store without its write lock, so
        a relay sharing PostgreSQL answers snapshots and listings while another holds the lock (on
        PostgreSQL a write in it fails: the transaction is READ ONLY). Inside a transaction, that one."""
        if self._outer is not None:
            yield self._outer
            return
        tx = Tx(self.db, self.clock.time(), self.stream_time, rehearsing=self.rehearsing)
        try:
            if self.db.dialect == "sqlite":
                self.db.begin_read()
            else:
                self._refresh_rehearsing(self.db.begin_read(REHEARSING))
        except BaseException:
            self.db.rollback()
            raise
        self._outer = tx
        try:
            yield tx
            if tx.events or tx.notifications:
                raise RuntimeError("a reading transaction logged or announced something: use transaction()")
        except BaseException:
            self.db.rollback()
            raise
        finally:
            self._outer = None
        self.db.commit()

    def _refresh_rehearsing(self, rows: list[Any]) -> None:
        started = {row["room"] for row in rows}
        if started != self.rehearsing:
            self.rehearsing.clear()
            self.rehearsing.update(started)

    def _savepoint(self, tx: Tx) -> Iterator[Tx]:
        self._depth += 1
        name = f"op{self._depth}"
        mark, events_mark, undo_mark = len(tx.notifications), len(tx.events), len(tx.undo)
        tx.now = self.clock.time()
        self.db.execute(f"SAVEPOINT {name}")
        try:
            yield tx
        except BaseException:
            self.db.execute(f"ROLLBACK TO {name}")
            self.db.execute(f"RELEASE {name}")
            del tx.notifications[mark:]
            del tx.events[events_mark:]
            _run_undo(tx.undo, undo_mark)
            raise
        finally:
            self._depth -= 1
        self.db.execute(f"RELEASE {name}")

    def close(self) -> None:
        self.db.close()
