"""What relays sharing one store keep in it besides the rooms' commerce (docs/deploy.md, "Several
relays behind one address"): the relay's rooms (name, title, stream key, owner token) and the
secrets that sign invite and assistant links, so that any relay accepts what another made."""

from __future__ import annotations

import secrets
from typing import Any

from app.commerce.core import Tx

ROOM_COLUMNS = "name, title, stream_key, owner_token, created_at"


def secret(tx: Tx, name: str) -> bytes:
    """The shared secret called ``name``, made (32 random bytes) by the first relay that asks."""
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
        (f"secret:{name}", secrets.token_bytes(32).hex()),
    )
    row = tx.one("SELECT value FROM meta WHERE key = ?", (f"secret:{name}",))
    assert row is not None
    return bytes.fromhex(row["value"])


def rooms(tx: Tx) -> list[Any]:
    return tx.all(f"SELECT {ROOM_COLUMNS} FROM relay_rooms ORDER BY created_at")  # noqa: S608


def room(tx: Tx, name: str) -> Any:
    return tx.one(f"SELECT {ROOM_COLUMNS} FROM relay_rooms WHERE name = ?", (name,))  # noqa: S608


def add_room(tx: Tx, name: str, title: str, stream_key: str, owner_token: str, created_at: float) -> bool:
    """Add a room unless one of the same name (case-insensitively) exists; whether it was added."""
    added = tx.execute(
        "INSERT INTO relay_rooms (name, folded, title, stream_key, owner_token, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (name, name.lower(), title, stream_key, owner_token, created_at),
    ).rowcount
    return added == 1


def delete_room(tx: Tx, name: str) -> bool:
    return tx.execute("DELETE FROM relay_rooms WHERE name = ?", (name,)).rowcount == 1


def set_room(tx: Tx, name: str, column: str, value: str) -> bool:
    if column not in ("stream_key", "owner_token"):
        raise ValueError(column)
    return tx.execute(f"UPDATE relay_rooms SET {column} = ? WHERE name = ?", (value, name)).rowcount == 1  # noqa: S608
