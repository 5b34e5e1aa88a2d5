"""Revocable, expiring links the host hands out: co-host invites (app/commerce/cohost.py) and assistant
links (app/commerce/assistants.py).

Each kind is a table with at least ``id, room, label, created_at, expires_at, revoked_at``. The relay
signs the token that carries a link (app/relay/signed_tokens.py) with its expiry, so the row's expiry is
kept in whole seconds: both must agree exactly. Revoking is final. What a link's states are, what it
may do and what its events say are its kind's own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from app.commerce.core import Tx, new_id, not_found
from app.commerce.errors import CommerceError


def when(unix: float) -> str:
    """A moment as people read it in a message: ``2025-06-01 12:30 UTC``."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(unix))


def expired(status: int, code: str, what: str, row: Any) -> CommerceError:
    """The refusal of a link past its expiry: ``<what> expired at <when>; ask the host for a new one``."""
    return CommerceError(
        status,
        code,
        f"{what} expired at {when(row['expires_at'])}; ask the host for a new one",
        state="expired",
        expired_at=row["expires_at"],
    )


@dataclass(frozen=True, slots=True)
class LinkTable:
    """One kind of link's rows."""

    table: str
    id_prefix: str
    noun: str
    """The link in a 404: ``<noun> '<id>' does not exist in this room``."""

    def insert(self, tx: Tx, room: str, label: str | None, ttl_s: float) -> tuple[str, float]:
        """A new link row; its id and its expiry (whole seconds from now)."""
        link_id = new_id(self.id_prefix)
        # Whole seconds: the token carries the expiry, and both must agree exactly.
        expires_at = float(int(tx.now + ttl_s))
        tx.execute(
            f"INSERT INTO {self.table} (id, room, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",  # noqa: S608 - fixed table names
            (link_id, room, label, tx.now, expires_at),
        )
        return link_id, expires_at

    def find(self, tx: Tx, room: str, link_id: str) -> Any | None:
        return tx.one(f"SELECT * FROM {self.table} WHERE room = ? AND id = ?", (room, link_id))  # noqa: S608

    def get(self, tx: Tx, room: str, link_id: str) -> Any:
        row = self.find(tx, room, link_id)
        if row is None:
            raise not_found(f"{self.noun} {link_id[:70]!r}")
        return row

    def rows(self, tx: Tx, room: str, limit: int) -> list[Any]:
        """The room's links, newest first."""
        query = f"SELECT * FROM {self.table} WHERE room = ? ORDER BY created_at DESC, id LIMIT ?"  # noqa: S608
        return tx.all(query, (room, limit))

    def revoke(self, tx: Tx, row: Any) -> bool:
        """Revoke the link of ``row`` now; False when it already was (nothing changes)."""
        if row["revoked_at"] is not None:
            return False
        tx.execute(f"UPDATE {self.table} SET revoked_at = ? WHERE id = ?", (tx.now, row["id"]))  # noqa: S608
        return True
