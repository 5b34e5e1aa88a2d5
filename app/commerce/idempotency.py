"""Idempotency keys keep their first result for 24 hours, refusals included (Stripe's rule).

An order attempt is named by its ``Idempotency-Key`` per viewer. The key's first result is kept in the
table ``idempotency_keys`` (schema step 7): the order it made, or the refusal the engine gave (sold out,
limit reached, verification required, not valid, payment declined, …). A retry with the key and the
same request gets that result again — the order as it stands now, or the same refusal, even if the
room has changed since (stock came back) — and a retry with another request is 422
``idempotency_mismatch``. After :data:`KEEP_S` a key is forgotten: it names a new attempt, and the
engine's tick deletes it. Kept: what the engine answered; not kept: a request refused before it
reached the engine (a body that is not an order, no session), a busy relay's 503 or a 429 (nothing was
decided), which a retry may get past.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.commerce.core import Tx
from app.commerce.errors import CommerceError

KEEP_S = 24 * 3600
"""How long a key keeps its first result (Stripe keeps keys 24 hours)."""


@dataclass(frozen=True, slots=True)
class Kept:
    """A key's first result: the order it made, or the refusal it got (then ``order_id`` names the
    order a declined payment cancelled, if any)."""

    order_id: str | None
    refusal: CommerceError | None


def kept_refusal(error: CommerceError) -> bool:
    """Whether the engine's refusal is the key's result (not a 503 or a 429: nothing was decided)."""
    return 400 <= error.status < 500 and error.status != 429


def _kept_row(tx: Tx, room: str, viewer: str, key: str) -> Any:
    """The key's row if it is younger than :data:`KEEP_S`."""
    return tx.one(
        "SELECT request_hash, order_id, refusal FROM idempotency_keys"
        " WHERE room = ? AND viewer_id = ? AND idempotency_key = ? AND created_at > ?",
        (room, viewer, key, tx.now - KEEP_S),
    )


def known(tx: Tx, room: str, viewer: str, key: str) -> bool:
    """Whether ``key`` already names one of the viewer's order attempts (its first result is kept)."""
    return _kept_row(tx, room, viewer, key) is not None


def recall(tx: Tx, room: str, viewer: str, key: str, fingerprint: str) -> Kept | None:
    """The key's first result if it is younger than :data:`KEEP_S`; 422 if it was used for another
    request."""
    row = _kept_row(tx, room, viewer, key)
    if row is None:
        return None
    if row["request_hash"] != fingerprint:
        raise mismatch()
    return Kept(row["order_id"], None if row["refusal"] is None else _error(row["refusal"]))


def mismatch() -> CommerceError:
    """A key sent again with another request."""
    return CommerceError(422, "idempotency_mismatch", "this Idempotency-Key was already used for a different order")


def keep(
    tx: Tx,
    room: str,
    viewer: str,
    key: str,
    fingerprint: str,
    *,
    order_id: str | None = None,
    refusal: CommerceError | None = None,
) -> None:
    """Record the key's first result (replacing a forgotten one's)."""
    tx.execute(
        "INSERT INTO idempotency_keys (room, viewer_id, idempotency_key, request_hash, created_at, order_id, refusal)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (room, viewer_id, idempotency_key) DO UPDATE SET"
        " request_hash = excluded.request_hash, created_at = excluded.created_at, order_id = excluded.order_id,"
        " refusal = excluded.refusal",
        (room, viewer, key, fingerprint, tx.now, order_id, None if refusal is None else _text(refusal)),
    )


def refuse_order(tx: Tx, order: Any, refusal: CommerceError) -> None:
    """The order the key made was refused after all (its payment was declined): a retry gets ``refusal``."""
    tx.execute(
        "UPDATE idempotency_keys SET refusal = ? WHERE room = ? AND viewer_id = ? AND idempotency_key = ?"
        " AND order_id = ?",
        (_text(refusal), order["room"], order["viewer_id"], order["idempotency_key"], order["id"]),
    )


def refusal_of(tx: Tx, order: Any) -> CommerceError | None:
    """The refusal the order's key holds, if the order was refused after all (declined, or cancelled while
    its charge was in flight): the answer for the tap whose charge answers after that."""
    row = tx.one(
        "SELECT refusal FROM idempotency_keys WHERE room = ? AND viewer_id = ? AND idempotency_key = ?"
        " AND order_id = ?",
        (order["room"], order["viewer_id"], order["idempotency_key"], order["id"]),
    )
    if row is None or row["refusal"] is None:
        return None
    error = _error(row["refusal"])
    error.replayed = False  # the tap's own answer, not a retry's
    return error


def prune(tx: Tx) -> int:
    """Forget keys older than :data:`KEEP_S`; how many."""
    return tx.execute("DELETE FROM idempotency_keys WHERE created_at <= ?", (tx.now - KEEP_S,)).rowcount


def _text(error: CommerceError) -> str:
    return json.dumps(
        {"status": error.status, "error": error.code, "message": error.message, "details": error.details},
        ensure_ascii=False,
    )


def _error(text: str) -> CommerceError:
    data = json.loads(text)
    error = CommerceError(int(data["status"]), str(data["error"]), str(data["message"]), **data["details"])
    error.replayed = True
    return error
