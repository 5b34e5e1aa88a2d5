"""What relays sharing one store keep in it besides the rooms' commerce (docs/deploy.md, "Several
relays behind one address"): the relay's rooms (name, title, the hashes of the stream key and the owner
token: app/commerce/token_hashes.py) and the secrets that sign invite and assistant links, so that any
relay accepts what another made.

Each function is one statement (atomic on its own), run on a connection of its own
(app/relay/rooms.StoreRoomRegistry), never inside the engine's transactions: a room is looked up by
request handlers on any thread."""

from __future__ import annotations

import secrets
from typing import Any

from app.commerce.store import Store
from app.commerce.token_hashes import is_hash

ROOM_COLUMNS = "name, title, stream_key_hash, owner_token_hash, created_at"


def secret(db: Store, name: str) -> bytes:
    """The shared secret called ``name``, made (32 random bytes) by the first relay that asks."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
        (f"secret:{name}", secrets.token_bytes(32).hex()),
    )
    row = db.execute("SELECT value FROM meta WHERE key = ?", (f"secret:{name}",)).fetchone()
    assert row is not None
    return bytes.fromhex(row["value"])


def set_secret(db: Store, name: str, value: bytes) -> None:
    """Replace the shared secret called ``name`` (a rotated key ring)."""
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (f"secret:{name}", value.hex()),
    )


def rooms(db: Store) -> list[Any]:
    return db.execute(f"SELECT {ROOM_COLUMNS} FROM relay_rooms ORDER BY created_at").fetchall()  # noqa: S608


def room(db: Store, name: str) -> Any:
    return db.execute(f"SELECT {ROOM_COLUMNS} FROM relay_rooms WHERE name = ?", (name,)).fetchone()  # noqa: S608


def add_room(db: Store, name: str, title: str, key_hash: str, owner_hash: str, created_at: float) -> bool:
    """Add a room unless one of the same name (case-insensitively) exists; whether it was added. The stream
    key and owner token come as their hashes (never in clear)."""
    if not (is_hash(key_hash) and is_hash(owner_hash)):
        raise ValueError("a room's stream key and owner token are stored as hashes")
    added = db.execute(
        "INSERT INTO relay_rooms (name, folded, title, stream_key_hash, owner_token_hash, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (name, name.lower(), title, key_hash, owner_hash, created_at),
    ).rowcount
    return added == 1


def delete_room(db: Store, name: str) -> bool:
    return db.execute("DELETE FROM relay_rooms WHERE name = ?", (name,)).rowcount == 1


def set_room(db: Store, name: str, column: str, value: str) -> Any:
    """Set the room's stream key or owner token hash; the room afterwards (None: no such room)."""
    if column not in ("stream_key_hash", "owner_token_hash") or not is_hash(value):
        raise ValueError(column)
    sql = f"UPDATE relay_rooms SET {column} = ? WHERE name = ? RETURNING {ROOM_COLUMNS}"  # noqa: S608
    return db.execute(sql, (value, name)).fetchone()
