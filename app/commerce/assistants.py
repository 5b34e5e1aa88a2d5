"""Assistant (中控) links: the host lets someone run the commerce side of the show from a browser.

An assistant link names a row here; the relay signs the token that carries it (app/relay/assistants.py).
The row holds what must survive a restart: who it is for (the label every action of theirs is
recorded under, ``by: "assistant:<id>"``), when it expires and whether the host revoked it (final).
A link is *active* until it expires or is revoked; unlike a co-host invite it is not used up: the
assistant works with it for the whole show.

Event log: ``assistant.invited`` {assistant, label, expires_at}, ``assistant.revoked`` {assistant, label}.
"""

from __future__ import annotations

import time
from typing import Any

from app.commerce.core import CommerceError, Tx, new_id, not_found, refused
from app.commerce.values import in_range, text

LABEL_MAX = 32
TTL_DEFAULT = 12 * 3600
TTL_MIN = 5 * 60
TTL_MAX = 7 * 24 * 3600
ACTIVE_MAX = 20
"""Links a room may have active at once (revoke one to make another)."""
STATES = ("active", "expired", "revoked")


def when(unix: float) -> str:
    """A moment as people read it in a message: ``2025-06-01 12:30 UTC``."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(unix))


def state_of(row: Any, now: float) -> str:
    if row["revoked_at"] is not None:
        return "revoked"
    if now >= row["expires_at"]:
        return "expired"
    return "active"


def view(row: Any, now: float) -> dict[str, Any]:
    return {
        "id": row["id"],
        "label": row["label"],
        "state": state_of(row, now),
        "created_at": row["created_at"],
        "expires_at": row["expires_at"],
        "revoked_at": row["revoked_at"],
    }


def refusal(row: Any, now: float) -> CommerceError | None:
    """Why this link cannot act now (None: it can). 401: the holder must get a new link from the host."""
    state = state_of(row, now)
    if state == "revoked":
        return CommerceError(
            401, "assistant_revoked", "the host revoked this assistant link; ask them for a new one", state=state
        )
    if state == "expired":
        return CommerceError(
            401,
            "assistant_expired",
            f"this assistant link expired at {when(row['expires_at'])}; ask the host for a new one",
            state=state,
            expired_at=row["expires_at"],
        )
    return None


def create(tx: Tx, room: str, label: str, ttl_s: float) -> dict[str, Any]:
    clean = text(label, "label", LABEL_MAX).replace("\n", " ")
    in_range(ttl_s, TTL_MIN, TTL_MAX, "ttl_s")
    active = tx.one(
        "SELECT COUNT(*) AS n FROM assistants WHERE room = ? AND revoked_at IS NULL AND expires_at > ?",
        (room, tx.now),
    )
    if active is not None and active["n"] >= ACTIVE_MAX:
        raise refused(
            "too_many_assistants", f"this room already has {ACTIVE_MAX} active assistant links; revoke one first"
        )
    assistant_id = new_id("ast")
    # Whole seconds: the token carries the expiry, and both must agree exactly.
    expires_at = float(int(tx.now + ttl_s))
    tx.execute(
        "INSERT INTO assistants (id, room, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (assistant_id, room, clean, tx.now, expires_at),
    )
    tx.log(room, "assistant.invited", assistant=assistant_id, label=clean, expires_at=expires_at)
    return view(get(tx, room, assistant_id), tx.now)


def find(tx: Tx, room: str, assistant_id: str) -> Any | None:
    return tx.one("SELECT * FROM assistants WHERE room = ? AND id = ?", (room, assistant_id))


def get(tx: Tx, room: str, assistant_id: str) -> Any:
    row = find(tx, room, assistant_id)
    if row is None:
        raise not_found(f"assistant link {assistant_id[:70]!r}")
    return row


def listing(tx: Tx, room: str, limit: int = 200) -> list[dict[str, Any]]:
    rows = tx.all("SELECT * FROM assistants WHERE room = ? ORDER BY created_at DESC, id LIMIT ?", (room, limit))
    return [view(row, tx.now) for row in rows]


def revoke(tx: Tx, room: str, assistant_id: str) -> dict[str, Any]:
    """The link stops working at once (revoking one already revoked changes nothing)."""
    row = get(tx, room, assistant_id)
    if row["revoked_at"] is None:
        tx.execute("UPDATE assistants SET revoked_at = ? WHERE id = ?", (tx.now, assistant_id))
        tx.log(room, "assistant.revoked", assistant=assistant_id, label=row["label"])
    return view(get(tx, room, assistant_id), tx.now)
