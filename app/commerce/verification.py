"""Verified viewers for scarce actions: which of a room's flash sales, lucky draws and coupons need a
viewer who proved a phone number, and the check.

Who is verified is in the viewer's id: the relay gives a viewer who proved a phone number the id
``p-<16 hex>`` (derived from the number under a relay secret, app/relay/verification.py), the same
from every session that proves that number, and an anonymous viewer ``v-<16 hex>``. Ids come only from
sessions the relay signed (app/relay/viewer_sessions.py), so the prefix can be trusted here: minting
new anonymous sessions never gets past a per-viewer limit of an action that needs verification.
"""

from __future__ import annotations

from typing import Any

from app.commerce.core import Tx
from app.commerce.errors import CommerceError

VERIFIED_PREFIX = "p-"
ACTIONS = ("flash_sales", "draws", "coupons")
"""The scarce actions a room may keep for verified viewers (each a column of ``room_policies``)."""

MESSAGES = {
    "flash_sales": "this flash sale is for verified viewers: verify your phone number to buy",
    "draws": "this lucky draw is for verified viewers: verify your phone number to enter",
    "coupons": "these coupons are for verified viewers: verify your phone number to claim",
}


def is_verified(viewer: str) -> bool:
    return viewer.startswith(VERIFIED_PREFIX)


def policy(tx: Tx, room: str) -> dict[str, bool]:
    row = tx.one("SELECT verify_flash_sales, verify_draws, verify_coupons FROM room_policies WHERE room = ?", (room,))
    return {action: bool(row and row[f"verify_{action}"]) for action in ACTIONS}


def set_policy(tx: Tx, room: str, wanted: dict[str, bool]) -> dict[str, bool]:
    values = {action: bool(wanted.get(action, False)) for action in ACTIONS}
    tx.execute(
        "INSERT INTO room_policies (room, verify_flash_sales, verify_draws, verify_coupons) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (room) DO UPDATE SET verify_flash_sales = excluded.verify_flash_sales,"
        " verify_draws = excluded.verify_draws, verify_coupons = excluded.verify_coupons",
        (room, *(int(values[a]) for a in ACTIONS)),
    )
    tx.log(room, "room.verification", **values)
    return values


def needed(tx: Tx, room: str, action: str, viewer: str) -> bool:
    """Whether ``viewer`` must verify before ``action`` in ``room``."""
    return policy(tx, room)[action] and not is_verified(viewer)


def require(tx: Tx, room: str, action: str, viewer: str) -> None:
    """403 ``verification_required`` when the room keeps ``action`` for verified viewers and this one
    is not."""
    if needed(tx, room, action, viewer):
        raise CommerceError(403, "verification_required", MESSAGES[action], action=action)


def view(values: dict[str, bool]) -> dict[str, Any]:
    return {"required": values}
