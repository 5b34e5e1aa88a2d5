"""Assistant (中控) links: the host lets someone run the commerce side of the show from a browser.

An assistant link names a row here (a revocable, expiring link: app/commerce/links.py); the relay
signs the token that carries it (app/relay/assistants.py). The row holds what must survive a restart:
who it is for (the label every action of theirs is recorded under, ``by: "assistant:<id>"``), when it
expires and whether the host revoked it (final).
A link is *active* until it expires or is revoked; unlike a co-host invite it is not used up: the
assistant works with it for the whole show.

Event log: ``assistant.invited`` {assistant, label, expires_at}, ``assistant.revoked`` {assistant, label}.
"""

from __future__ import annotations

from typing import Any

from app.commerce.core import Tx, refused
from app.commerce.errors import CommerceError
from app.commerce.links import LinkTable, expired
from app.commerce.values import in_range, text

LABEL_MAX = 32
TTL_DEFAULT = 12 * 3600
TTL_MIN = 5 * 60
TTL_MAX = 7 * 24 * 3600
ACTIVE_MAX = 20
"""Links a room may have active at once (revoke one to make another)."""
STATES = ("active", "expired", "revoked")
LINKS = LinkTable("assistants", "ast", "assistant link")


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
        return expired(401, "assistant_expired", "this assistant link", row)
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
    assistant_id, expires_at = LINKS.insert(tx, room, clean, ttl_s)
    tx.log(room, "assistant.invited", assistant=assistant_id, label=clean, expires_at=expires_at)
    return view(LINKS.get(tx, room, assistant_id), tx.now)


def find(tx: Tx, room: str, assistant_id: str) -> Any | None:
    return LINKS.find(tx, room, assistant_id)


def listing(tx: Tx, room: str, limit: int = 200) -> list[dict[str, Any]]:
    return [view(row, tx.now) for row in LINKS.rows(tx, room, limit)]


def revoke_all(tx: Tx, room: str) -> list[str]:
    """Revoke every link of the room still working (its owner token was replaced: a link made with a
    leaked token must not outlive it); the ids revoked."""
    live = [row["id"] for row in LINKS.rows(tx, room, 10_000) if state_of(row, tx.now) == "active"]
    for assistant_id in live:
        revoke(tx, room, assistant_id)
    return live


def revoke(tx: Tx, room: str, assistant_id: str) -> dict[str, Any]:
    """The link stops working at once (revoking one already revoked changes nothing)."""
    row = LINKS.get(tx, room, assistant_id)
    if LINKS.revoke(tx, row):
        tx.log(room, "assistant.revoked", assistant=assistant_id, label=row["label"])
    return view(LINKS.get(tx, room, assistant_id), tx.now)
