"""Co-host (连麦) invites: made by the host, used once by a guest, or revoked, or left to expire.

An invite is a revocable, expiring link (app/commerce/links.py) that one guest uses up. The relay signs
the token a guest receives and keeps the live sessions (app/relay/cohost.py); here is what must survive
a restart and go into the room's event log: each invite's state, and the co-host events
``cohost.invited`` {invite, label, expires_at}, ``cohost.revoked`` {invite}, ``cohost.joined``
{invite, session, name} and ``cohost.left`` {invite, session, name, by, reason, duration_s}, from
which the post-live report marks when guests were on.

An invite is *open* until it expires; *used* and *revoked* are final. Using one is a single
conditional UPDATE, so two guests racing with the same link cannot both get in.
"""

from __future__ import annotations

from typing import Any

from app.commerce.core import Tx, refused
from app.commerce.errors import CommerceError
from app.commerce.links import LinkTable, expired
from app.commerce.values import in_range, text

LABEL_MAX = 40
TTL_DEFAULT = 30 * 60
TTL_MIN = 60
TTL_MAX = 24 * 60 * 60
STATES = ("open", "used", "expired", "revoked")
INVITES = LinkTable("cohost_invites", "inv", "invite")


def state_of(row: Any, now: float) -> str:
    if row["revoked_at"] is not None:
        return "revoked"
    if row["used_at"] is not None:
        return "used"
    if now >= row["expires_at"]:
        return "expired"
    return "open"


def view(row: Any, now: float) -> dict[str, Any]:
    return {
        "id": row["id"],
        "label": row["label"],
        "state": state_of(row, now),
        "created_at": row["created_at"],
        "expires_at": row["expires_at"],
        "used_at": row["used_at"],
        "guest_name": row["guest_name"],
        "session": row["session_id"],
        "revoked_at": row["revoked_at"],
    }


def refusal(row: Any, now: float) -> CommerceError | None:
    """Why a guest cannot use this invite now (None: they can). 410: the link is spent for good."""
    state = state_of(row, now)
    if state == "revoked":
        return CommerceError(
            410, "invite_revoked", "the host cancelled this invite; ask them for a new link", state=state
        )
    if state == "used":
        return CommerceError(
            410,
            "invite_used",
            "this invite has already been used: each link lets one guest join once; ask the host for a new one",
            state=state,
        )
    if state == "expired":
        return expired(410, "invite_expired", "this invite", row)
    return None


def create(tx: Tx, room: str, label: str | None, ttl_s: float) -> dict[str, Any]:
    clean = text(label, "label", LABEL_MAX).replace("\n", " ") if label and label.strip() else None
    in_range(ttl_s, TTL_MIN, TTL_MAX, "ttl_s")
    invite_id, expires_at = INVITES.insert(tx, room, clean, ttl_s)
    tx.log(room, "cohost.invited", invite=invite_id, label=clean, expires_at=expires_at)
    return view(INVITES.get(tx, room, invite_id), tx.now)


def find(tx: Tx, room: str, invite_id: str) -> Any | None:
    return INVITES.find(tx, room, invite_id)


def listing(tx: Tx, room: str, limit: int = 200) -> list[dict[str, Any]]:
    return [view(row, tx.now) for row in INVITES.rows(tx, room, limit)]


def revoke(tx: Tx, room: str, invite_id: str) -> dict[str, Any]:
    row = INVITES.get(tx, room, invite_id)
    if row["used_at"] is not None:
        raise refused(
            "invite_used",
            f"this invite was already used by {row['guest_name']}; end their co-host session instead",
        )
    if INVITES.revoke(tx, row):
        tx.log(room, "cohost.revoked", invite=invite_id)
    return view(INVITES.get(tx, room, invite_id), tx.now)


def use(tx: Tx, room: str, invite_id: str, session: str, name: str) -> dict[str, Any]:
    """Spend the invite on this guest's session: exactly once, however many try at the same time."""
    updated = tx.one(
        "UPDATE cohost_invites SET used_at = ?, guest_name = ?, session_id = ?"
        " WHERE room = ? AND id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?"
        " RETURNING *",
        (tx.now, name, session, room, invite_id, tx.now),
    )
    if updated is None:
        row = INVITES.get(tx, room, invite_id)
        raise refusal(row, tx.now) or CommerceError(401, "invite_invalid", "this invite cannot be used")
    tx.log(room, "cohost.joined", invite=invite_id, session=session, name=name)
    return view(updated, tx.now)


def left(tx: Tx, room: str, invite_id: str, session: str, name: str, by: str, reason: str, duration_s: float) -> None:
    tx.log(
        room, "cohost.left", invite=invite_id, session=session, name=name, by=by, reason=reason,
        duration_s=round(duration_s, 3),
    )  # fmt: skip
