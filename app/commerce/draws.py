"""Lucky draws (福袋) that anyone can verify.

When a draw opens, the hash of a fresh random seed is published. When it closes, the seed itself
and the full entrant list are published, and the winners are fixed by a rule anyone can recompute:
rank every entrant by ``sha256(seed + ":" + viewer_id)`` (hex, ascending) and take the first
``winners``. The seed cannot be chosen after the fact because its hash was public from the start.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from app.commerce.core import Tx, new_id, not_found, refused
from app.commerce.values import in_range, text

DURATION_S = (10, 3600)
ALGORITHM = "winners = entrants sorted by sha256(seed + ':' + viewer_id) as hex, ascending; first N"


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def pick_winners(seed: str, entrants: list[str], count: int) -> list[str]:
    """The published rule (see the module docstring)."""
    ranked = sorted(entrants, key=lambda viewer: (hashlib.sha256(f"{seed}:{viewer}".encode()).hexdigest(), viewer))
    return ranked[:count]


def get(tx: Tx, room: str, draw_id: str) -> Any:
    row = tx.one("SELECT * FROM draws WHERE id = ? AND room = ?", (draw_id, room))
    if row is None:
        raise not_found(f"lucky draw {draw_id!r}")
    return row


def _entrants(tx: Tx, draw_id: str) -> list[Any]:
    return tx.all(
        "SELECT viewer_id, nickname FROM draw_entries WHERE draw_id = ? ORDER BY entered_at, viewer_id", (draw_id,)
    )


def view(tx: Tx, row: Any) -> dict[str, Any]:
    closed = row["status"] == "closed"
    count = tx.one("SELECT COUNT(*) AS n FROM draw_entries WHERE draw_id = ?", (row["id"],))
    result: dict[str, Any] = {
        "id": row["id"],
        "prize": row["prize"],
        "winners": row["winners"],
        "keyword": row["keyword"],
        "seed_hash": row["seed_hash"],
        "status": row["status"],
        "opens_at": row["opens_at"],
        "closes_at": row["closes_at"],
        "entrants": count["n"] if count else 0,
        "seed": row["seed"] if closed else None,
        "winner_list": None,
    }
    if closed:
        names = {e["viewer_id"]: e["nickname"] for e in _entrants(tx, row["id"])}
        result["winner_list"] = [{"viewer_id": v, "nickname": names.get(v, v)} for v in json.loads(row["winner_ids"])]
    return result


def verification(tx: Tx, room: str, draw_id: str) -> dict[str, Any]:
    """Everything needed to check the draw independently."""
    row = get(tx, room, draw_id)
    result = view(tx, row)
    result["algorithm"] = ALGORITHM
    result["entrant_list"] = (
        [{"viewer_id": e["viewer_id"], "nickname": e["nickname"]} for e in _entrants(tx, draw_id)]
        if row["status"] == "closed"
        else None
    )
    return result


def _announce(tx: Tx, row: Any) -> None:
    tx.notify(row["room"], {"type": "draw", "draw": view(tx, row)}, key=f"draw:{row['id']}")


def open_draw(tx: Tx, room: str, prize: str, winners: int, keyword: str | None, duration_s: float) -> dict[str, Any]:
    prize = text(prize, "prize", 60)
    in_range(winners, 1, 100, "winners")
    in_range(duration_s, *DURATION_S, "duration_s")
    word = text(keyword, "keyword", 20) if keyword else None
    seed = secrets.token_hex(32)
    draw_id = new_id("dr")
    tx.execute(
        """INSERT INTO draws (id, room, prize, winners, keyword, seed_hash, seed, status, opens_at, closes_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)""",
        (draw_id, room, prize, winners, word, seed_hash(seed), seed, tx.now, tx.now + duration_s),
    )
    tx.log(room, "draw.opened", id=draw_id, prize=prize, winners=winners, keyword=word, seed_hash=seed_hash(seed))
    row = get(tx, room, draw_id)
    _announce(tx, row)
    return view(tx, row)


def _is_open(tx: Tx, row: Any) -> bool:
    return bool(row["status"] == "open" and tx.now < row["closes_at"])


def enter(tx: Tx, room: str, viewer: str, nickname: str, draw_id: str, via: str = "button") -> dict[str, Any]:
    row = get(tx, room, draw_id)
    if not _is_open(tx, row):
        raise refused("draw_closed", "this lucky draw has closed")
    if tx.one("SELECT 1 FROM draw_entries WHERE draw_id = ? AND viewer_id = ?", (draw_id, viewer)):
        raise refused("already_entered", "you are already in this draw")
    tx.execute(
        "INSERT INTO draw_entries (draw_id, viewer_id, nickname, entered_at, via) VALUES (?, ?, ?, ?, ?)",
        (draw_id, viewer, nickname, tx.now, via),
    )
    tx.log(room, "draw.entered", viewer, draw_id=draw_id, via=via)
    _announce(tx, row)
    tx.notify(room, {"type": "draw_entered", "draw_id": draw_id}, to_viewer=viewer)
    return view(tx, row)


def enter_by_comment(tx: Tx, room: str, viewer: str, nickname: str, comment: str) -> None:
    for row in tx.all("SELECT * FROM draws WHERE room = ? AND status = 'open' AND keyword IS NOT NULL", (room,)):
        entered = tx.one("SELECT 1 FROM draw_entries WHERE draw_id = ? AND viewer_id = ?", (row["id"], viewer))
        if _is_open(tx, row) and row["keyword"] in comment and not entered:
            enter(tx, room, viewer, nickname, row["id"], via="comment")


def close(tx: Tx, room: str, draw_id: str, reason: str = "ended by the host") -> dict[str, Any]:
    row = get(tx, room, draw_id)
    if row["status"] == "closed":
        raise refused("draw_closed", "this lucky draw has already closed")
    entrants = [e["viewer_id"] for e in _entrants(tx, draw_id)]
    won = pick_winners(row["seed"], entrants, row["winners"])
    tx.execute(
        "UPDATE draws SET status = 'closed', closed_at = ?, winner_ids = ? WHERE id = ?",
        (tx.now, json.dumps(won), draw_id),
    )
    tx.log(room, "draw.closed", id=draw_id, seed=row["seed"], entrants=len(entrants), winners=won, reason=reason)
    row = get(tx, room, draw_id)
    _announce(tx, row)
    for viewer in won:
        tx.notify(room, {"type": "draw_won", "draw_id": draw_id, "prize": row["prize"]}, to_viewer=viewer)
    return view(tx, row)


def active(tx: Tx, room: str) -> list[dict[str, Any]]:
    rows = tx.all(
        "SELECT * FROM draws WHERE room = ? AND (status = 'open' OR closed_at > ?) ORDER BY opens_at",
        (room, tx.now - 300),
    )
    return [view(tx, r) for r in rows]


def tick(tx: Tx) -> None:
    for row in tx.all("SELECT * FROM draws WHERE status = 'open' AND closes_at <= ?", (tx.now,)):
        close(tx, row["room"], row["id"], reason="time")
