"""Where the room engine keeps its state: SQLite (the embedded default, one file) or PostgreSQL (shared
by several relays). The engine's SQL is written once, in SQLite's dialect with ``?`` parameters, and
kept to what both understand; ``PostgresStore`` translates the parameters and the schema's types.

Both run one writer at a time, as the engine assumes (readers — ``EngineCore.reading`` — take no
lock, so they do not wait for another relay's writes): SQLite's ``BEGIN IMMEDIATE`` takes the file's
write lock; on PostgreSQL every transaction first takes one transaction-level advisory lock, so the
transactions of all the relays sharing the database run one after another, exactly as they would in
one process (a flash sale cannot oversell across relays, an idempotency key is seen by all of them).

Migrations (``MIGRATIONS``) are numbered steps applied in order, each in its own transaction; the store
records the last applied step in ``meta.schema`` and a store from a newer ShopCast is refused.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.commerce.token_hashes import hashed

SCHEMA = Path(__file__).with_name("schema.sql")

Params = tuple[Any, ...] | dict[str, Any]


class Row(Protocol):
    """A result row: by column name (``row["sku"]``) or position, as ``sqlite3.Row``."""

    def __getitem__(self, key: Any, /) -> Any: ...
    def keys(self) -> list[str]: ...
    def __len__(self) -> int: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    what: str
    sql: str
    """In SQLite's dialect; ``PostgresStore`` translates it (``postgres_ddl``)."""
    then: Callable[[Store], None] | None = None
    """What the SQL cannot do, run after it in the same transaction (e.g. hashing values in place)."""


RELAY_ROOMS = """
-- The relay's rooms when several relays share the store (app/relay/rooms.py, StoreRoomRegistry); a
-- relay alone keeps them in its data folder's rooms.json and leaves this table empty.
CREATE TABLE IF NOT EXISTS relay_rooms (
    name TEXT PRIMARY KEY, folded TEXT NOT NULL UNIQUE, title TEXT NOT NULL, stream_key TEXT NOT NULL,
    owner_token TEXT NOT NULL, created_at REAL NOT NULL
);
"""

DRAW_TICKETS = """
-- A lucky draw's entries are published as tickets, sha256(salt + ':' + viewer_id), the salt told only
-- to the viewer (app/commerce/draws.py): no viewer id in a public payload.
ALTER TABLE draw_entries ADD COLUMN ticket TEXT;
ALTER TABLE draw_entries ADD COLUMN salt TEXT;
-- 2: the ticket rule; NULL: a draw opened before it (ranked by sha256(seed + ':' + viewer_id)).
ALTER TABLE draws ADD COLUMN rule INTEGER;
"""

ROOM_POLICIES = """
-- Which scarce actions a room keeps for viewers who verified a phone number (app/commerce/verification.py).
CREATE TABLE IF NOT EXISTS room_policies (
    room TEXT PRIMARY KEY, verify_flash_sales INTEGER NOT NULL DEFAULT 0,
    verify_draws INTEGER NOT NULL DEFAULT 0, verify_coupons INTEGER NOT NULL DEFAULT 0
);
"""

WEBHOOK_EVENTS = """
-- Payment webhooks applied, by the provider's event id: each is applied once (app/commerce/engine.py).
CREATE TABLE IF NOT EXISTS webhook_events (
    provider TEXT NOT NULL, event_id TEXT NOT NULL, received_at REAL NOT NULL, PRIMARY KEY (provider, event_id)
);
"""

PRODUCT_ALLOTMENT = """
-- A product's stock as its catalog last said (app/commerce/products.py): a re-import changes the stock by
-- the difference, never resetting what has been sold. NULL in older rows: stock + sold then.
ALTER TABLE products ADD COLUMN allotted INTEGER;
"""

ROOM_SECRETS_HASHED = """
-- A room's stream key and owner token are kept as SHA-256 hashes (app/commerce/token_hashes.py): the clear
-- values are shown once, when made. The rows an older ShopCast wrote are hashed in place (hash_room_secrets).
ALTER TABLE relay_rooms RENAME COLUMN stream_key TO stream_key_hash;
ALTER TABLE relay_rooms RENAME COLUMN owner_token TO owner_token_hash;
"""


def hash_room_secrets(store: Store) -> None:
    """Replace the clear stream keys and owner tokens of ``relay_rooms`` by their hashes."""
    rows = store.execute("SELECT name, stream_key_hash, owner_token_hash FROM relay_rooms").fetchall()
    for row in rows:
        store.execute(
            "UPDATE relay_rooms SET stream_key_hash = ?, owner_token_hash = ? WHERE name = ?",
            (hashed(row["stream_key_hash"]), hashed(row["owner_token_hash"]), row["name"]),
        )


IDEMPOTENCY_KEYS = """
-- Idempotency keys keep their first result, refusals included, for 24 hours (app/commerce/idempotency.py):
-- the order a key made, or the refusal it got (JSON). The keys of the orders made so far are carried over.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    room TEXT NOT NULL, viewer_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL,
    created_at REAL NOT NULL, order_id TEXT, refusal TEXT, PRIMARY KEY (room, viewer_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON idempotency_keys (created_at);
INSERT INTO idempotency_keys (room, viewer_id, idempotency_key, request_hash, created_at, order_id)
    SELECT room, viewer_id, idempotency_key, request_hash, created_at, id FROM orders;
-- Orders lose UNIQUE (room, viewer_id, idempotency_key): a key forgotten after 24 hours may name a new order.
CREATE TABLE orders_v7 (
    id TEXT PRIMARY KEY, room TEXT NOT NULL, viewer_id TEXT NOT NULL, nickname TEXT NOT NULL,
    sku TEXT NOT NULL, qty INTEGER NOT NULL, unit_cents INTEGER NOT NULL,
    discount_cents INTEGER NOT NULL, total_cents INTEGER NOT NULL,
    flash_sale_id TEXT, coupon_claim_id TEXT, group_id TEXT,
    status TEXT NOT NULL, payment_ref TEXT, refund_ref TEXT,
    idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL, rehearsal TEXT
);
INSERT INTO orders_v7 (id, room, viewer_id, nickname, sku, qty, unit_cents, discount_cents, total_cents,
        flash_sale_id, coupon_claim_id, group_id, status, payment_ref, refund_ref, idempotency_key, request_hash,
        created_at, updated_at, rehearsal)
    SELECT id, room, viewer_id, nickname, sku, qty, unit_cents, discount_cents, total_cents, flash_sale_id,
        coupon_claim_id, group_id, status, payment_ref, refund_ref, idempotency_key, request_hash, created_at,
        updated_at, rehearsal FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v7 RENAME TO orders;
CREATE INDEX IF NOT EXISTS orders_by_room ON orders (room, created_at);
CREATE INDEX IF NOT EXISTS orders_by_group ON orders (group_id);
-- Orders committed whose charge has no answer yet: a relay that starts charges them again (engine.unsettled).
CREATE INDEX IF NOT EXISTS orders_unsettled ON orders (created_at) WHERE status = 'created' AND payment_ref IS NULL;
"""

ORDER_CAPTURES = """
-- When the provider said an order's payment was captured (its charge answered paid, or its webhook said so;
-- app/commerce/orders.py): a group's orders stay 'created' until every member's is, and "processing" is
-- not captured. Orders paid or refunded before this step were captured; a group's order still waiting is
-- taken as not captured yet (a group fills on confirmed payments only).
ALTER TABLE orders ADD COLUMN captured_at REAL;
UPDATE orders SET captured_at = updated_at WHERE status IN ('paid', 'refunded');
-- A relay charging an order renews this lease while the provider has not answered (app/relay/charges.py):
-- the sweep that charges again the orders whose charge has no answer leaves a live charge alone.
ALTER TABLE orders ADD COLUMN charging_at REAL;
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the schema as first released", SCHEMA.read_text(encoding="utf-8")),
    Migration(2, "rooms in the store, for relays sharing it", RELAY_ROOMS),
    Migration(3, "lucky-draw entries as salted tickets", DRAW_TICKETS),
    Migration(4, "scarce actions kept for verified viewers", ROOM_POLICIES),
    Migration(5, "payment webhooks applied once per event id", WEBHOOK_EVENTS),
    Migration(6, "stock changed by deltas: the catalog's allotment kept", PRODUCT_ALLOTMENT),
    Migration(7, "idempotency keys keep their first result, refusals included, for 24 hours", IDEMPOTENCY_KEYS),
    Migration(8, "rooms' stream keys and owner tokens kept as hashes", ROOM_SECRETS_HASHED, hash_room_secrets),
    Migration(9, "orders know when their payment was captured, and who is charging them", ORDER_CAPTURES),
)
"""Append a step for every change to the schema; never edit a released one."""

LEGACY_COLUMNS = (("orders", "rehearsal", "TEXT"),)
"""Columns added to schema 1 in place before migrations were numbered: (table, column, type). A SQLite
store made before a column existed gets it on open (NULL in old rows)."""


from app.commerce.errors import StoreUnavailableError  # noqa: E402


class StoreError(RuntimeError):
    """The store cannot be used (a newer schema, an unreachable database)."""


class Store(Protocol):
    dialect: str
    """``sqlite`` or ``postgres``."""

    def execute(self, sql: str, params: Params = ()) -> Cursor: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
    def execute_script(self, sql: str) -> None:
        """Statements without parameters (a migration's), in SQLite's dialect."""
        ...

    def begin(self, then: str | None = None) -> list[Any]:
        """Start the outermost transaction, holding the store's one write lock; run ``then`` (a query
        without parameters) in it and return its rows (one round trip on PostgreSQL)."""
        ...

    commit_seq: int
    """The transaction begun last, numbered in the order transactions take the write lock: on
    PostgreSQL its transaction id (given out under the lock, so in commit order across relays), on
    SQLite a count. The realtime layer keeps the newest state when notes arrive out of order."""

    def begin_read(self, then: str | None = None) -> list[Any]:
        """Start a read-only transaction: a consistent view, without the write lock."""
        ...

    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...


def open_store(where: Path | str) -> Store:
    """``postgresql://…`` (or ``postgres://…``) opens PostgreSQL; anything else is a SQLite file."""
    text = str(where)
    postgres = text.startswith(("postgresql://", "postgres://"))
    store: Store = PostgresStore(text) if postgres else SqliteStore(where)
    migrate(store)
    return store


def migrate(store: Store) -> None:
    """Bring the store to the newest schema, in one transaction under the write lock (two relays
    starting at once on one database migrate it once). Step 1 runs on every open: it is all
    ``IF NOT EXISTS``, and schema 1 grew in place (new tables) before steps were numbered."""
    store.begin()
    try:
        store.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        found = store.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        current = int(found["value"]) if found is not None else 0
        newest = MIGRATIONS[-1].number
        if current > newest:
            raise StoreError(f"the store holds schema {current}; this ShopCast knows schemas up to {newest}")
        for step in MIGRATIONS:
            if step.number > current or step.number == 1:
                store.execute_script(step.sql)
                if step.then is not None and step.number > current:
                    step.then(store)
            if step.number == 1 and isinstance(store, SqliteStore):
                store.add_legacy_columns()  # schema 1's own, before a later step reads them
        store.execute(
            "INSERT INTO meta (key, value) VALUES ('schema', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(newest),),
        )
    except BaseException:
        store.rollback()
        raise
    store.commit()


class SqliteStore:
    """One SQLite file. WAL with synchronous=NORMAL: a committed transaction survives a crash of the
    relay process (it is in the OS's file cache); only a power cut could lose the last moments."""

    dialect = "sqlite"
    commit_seq = 0

    def __init__(self, path: Path | str) -> None:
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=5000")

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        return self.db.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.db.executemany(sql, rows)

    def execute_script(self, sql: str) -> None:
        # executescript would COMMIT first; run the statements one by one inside the transaction
        for statement in _statements(sql):
            self.db.execute(statement)

    def begin(self, then: str | None = None) -> list[Any]:
        self.db.execute("BEGIN IMMEDIATE")
        self.commit_seq += 1
        return [] if then is None else list(self.db.execute(then).fetchall())

    def begin_read(self, then: str | None = None) -> list[Any]:
        self.db.execute("BEGIN")  # deferred: a reader in WAL mode never waits for the writer
        return [] if then is None else list(self.db.execute(then).fetchall())

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        self.db.execute("ROLLBACK")

    def add_legacy_columns(self) -> None:
        for table, column, kind in LEGACY_COLUMNS:
            present = {row["name"] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def close(self) -> None:
        self.db.close()


def _statements(sql: str) -> list[str]:
    without_comments = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [statement.strip() for statement in without_comments.split(";") if statement.strip()]


def postgres_ddl(sql: str) -> str:
    """The schema's SQLite types as PostgreSQL's: REAL is 4 bytes there (times need 8), an
    ``id INTEGER PRIMARY KEY`` is SQLite's rowid (an identity column there), integers are 64-bit."""
    sql = re.sub(r"\bid INTEGER PRIMARY KEY\b", "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)
    return re.sub(r"\bINTEGER\b", "BIGINT", sql)


def postgres_sql(sql: str) -> str:
    """``?`` parameters as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


WRITE_LOCK = 0x53484F50  # "SHOP": the advisory lock every writing transaction holds


class _PgRow:
    """A psycopg row that reads like ``sqlite3.Row``: by name or position, ``keys()``."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)


class _PgCursor:
    """psycopg's cursor as the engine reads sqlite3's: no rows (not an error) after a plain write."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description is not None else None

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall()) if self._cursor.description is not None else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


SESSION = (
    "SET idle_in_transaction_session_timeout = '10s'; SET lock_timeout = '10s';"
    " SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3"
)
"""Each connection's settings: a relay that dies (or stalls) inside a transaction loses it, and the write
lock, within 10 s (the server drops a session idle in a transaction, and notices a dead peer by TCP
keepalives); waiting for the lock gives up after 10 s (503, try again) instead of holding the relay."""


class PostgresStore:
    """A PostgreSQL database shared by every relay of a deployment (psycopg 3, synchronous: the engine
    runs on the relay's event loop and each statement is a loopback or LAN round trip). A broken
    connection (PostgreSQL restarted, the network dropped) is opened again at the next transaction;
    what failed meanwhile is a :class:`StoreUnavailableError` (503)."""

    dialect = "postgres"
    commit_seq = 0

    def __init__(self, dsn: str) -> None:
        import psycopg  # only a scale-out relay needs it

        self._psycopg = psycopg
        self._dsn = dsn
        self.db: Any = None
        self._connect()

    def _connect(self) -> None:
        psycopg = self._psycopg
        from psycopg.adapt import Loader

        class _NumberLoader(Loader):
            """SUM() of integers is NUMERIC in PostgreSQL: read it back as int (or float), as SQLite's."""

            def load(self, data: Any) -> int | float:
                text = bytes(data).decode()
                return int(text) if text.lstrip("-").isdigit() else float(text)

        def rows(cursor: Any) -> Any:
            description = cursor.description
            if description is None:
                return lambda values: values
            index = {column.name: position for position, column in enumerate(description)}
            return lambda values: _PgRow(index, values)

        try:
            self.db = psycopg.connect(
                self._dsn, autocommit=True, row_factory=rows, connect_timeout=10,
                keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3,
            )  # fmt: skip
            self.db.execute(SESSION)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot reach PostgreSQL: {exc}".strip()) from exc
        self.db.adapters.register_loader("numeric", _NumberLoader)

    def _usable(self) -> None:
        """Before a transaction (or a statement outside one): open the connection again if it broke."""
        if self.db.broken or self.db.closed:
            try:
                self._connect()
            except StoreError as exc:
                raise StoreUnavailableError(str(exc)) from exc

    def _run(self, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except self._psycopg.OperationalError as exc:  # the connection, a timeout, the server going away
            raise StoreUnavailableError(str(exc)) from exc

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        if self.db.info.transaction_status == self._psycopg.pq.TransactionStatus.IDLE:
            self._usable()  # a statement of its own (app/relay/rooms.StoreRoomRegistry)
        return _PgCursor(self._run(self.db.execute, postgres_sql(sql), params or None))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.db.cursor() as cursor:
            self._run(cursor.executemany, postgres_sql(sql), rows)

    def execute_script(self, sql: str) -> None:
        for statement in _statements(postgres_ddl(sql)):
            self._run(self.db.execute, statement)  # our own DDL, no parameters

    def begin(self, then: str | None = None) -> list[Any]:
        self._usable()
        with self.db.cursor() as cursor:  # one round trip: the statements as one simple query
            lock = f"SELECT pg_advisory_xact_lock({WRITE_LOCK}), pg_current_xact_id()::text"
            self._run(cursor.execute, f"BEGIN; {lock}{'; ' + then if then else ''}")
            cursor.nextset()
            self.commit_seq = int(cursor.fetchone()[1])
            if then is None:
                return []
            cursor.nextset()
            return list(cursor.fetchall())

    def begin_read(self, then: str | None = None) -> list[Any]:
        self._usable()
        with self.db.cursor() as cursor:
            self._run(cursor.execute, f"BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY{'; ' + then if then else ''}")
            if then is None:
                return []
            cursor.nextset()
            return list(cursor.fetchall())

    def commit(self) -> None:
        self._run(self.db.execute, "COMMIT")

    def rollback(self) -> None:
        if self.db.broken or self.db.closed:
            return  # nothing to roll back: the server ended the transaction with the connection
        try:
            self.db.execute("ROLLBACK")
        except self._psycopg.OperationalError:
            return

    def close(self) -> None:
        self.db.close()
