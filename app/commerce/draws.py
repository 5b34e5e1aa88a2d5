"""Lucky draws (福袋) that anyone can verify.

When a draw opens, the hash of a fresh random seed is published. An entry is published as a ticket,
``sha256(salt + ":" + viewer_id)`` with a random salt told only to that viewer (the entry's answer,
``draw_entered``, and ``/me``): no viewer id appears in a public payload, and each viewer can find
their own ticket in the list. When the draw closes, the seed itself and every ticket (with its
nickname) are published, and the winners are fixed by a rule anyone can recompute: rank every ticket
by ``sha256(seed + ":" + ticket)`` (hex, ascending) and take the first ``winners``. The seed cannot be
chosen after the fact because its hash was public from the start. (What it does not prove: that the
relay added no entrants of its own, or did not pick salts knowing the seed; the room's host runs the
relay, as with any platform's draw.)

A draw opened before tickets existed (schema 3; ``rule`` NULL) keeps its rule: winners are the entrants
ranked by ``sha256(seed + ":" + viewer_id)``. Once it closes each entry is published as that value
(which names no one), the winners are the lowest ones, and each viewer's own is ``sha256(seed + ":" +
their id)``, its "salt" the seed (``RULES``, ``rule`` in the proof).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from app.commerce import verification as verified_viewers
from app.commerce.core import Tx, new_id, not_found, refused
from app.commerce.values import in_range, text

DURATION_S = (10, 3600)
ALGORITHM = (
    "ticket = sha256(salt + ':' + viewer_id), the salt told only to that viewer; "
    "winners = tickets sorted by sha256(seed + ':' + ticket) as hex, ascending; first N"
)
LEGACY_ALGORITHM = (
    "a draw from before tickets: ticket = sha256(seed + ':' + viewer_id), each viewer's salt the seed; "
    "winners = tickets sorted as hex, ascending; first N"
)
TICKETS = 2
"""The rule of every draw opened now (``draws.rule``); NULL is the rule before it."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def seed_hash(seed: str) -> str:
    return _sha256(seed)


def ticket(salt: str, viewer: str) -> str:
    return _sha256(f"{salt}:{viewer}")


def pick_winners(seed: str, tickets: list[str], count: int) -> list[str]:
    """The published rule (see the module docstring): the winning tickets."""
    ranked = sorted(tickets, key=lambda entry: (_sha256(f"{seed}:{entry}"), entry))
    return ranked[:count]


def get(tx: Tx, room: str, draw_id: str) -> Any:
    row = tx.one("SELECT * FROM draws WHERE id = ? AND room = ?", (draw_id, room))
    if row is None:
        raise not_found(f"lucky draw {draw_id!r}")
    return row


def _legacy(row: Any) -> bool:
    return row["rule"] is None


def _entrants(tx: Tx, row: Any) -> list[dict[str, str]]:
    """The draw's entries in order of entry: viewer, ticket, nickname."""
    entries = tx.all(
        "SELECT viewer_id, nickname, ticket FROM draw_entries WHERE draw_id = ? ORDER BY entered_at, viewer_id",
        (row["id"],),
    )
    return [
        {
            "viewer_id": e["viewer_id"],
            "ticket": ticket(row["seed"], e["viewer_id"]) if _legacy(row) else e["ticket"],
            "nickname": e["nickname"],
        }
        for e in entries
    ]


def _winning(row: Any, tickets: list[str]) -> list[str]:
    if _legacy(row):  # the rule it was opened with: its tickets are already the ranking
        return sorted(tickets)[: row["winners"]]
    return pick_winners(row["seed"], tickets, row["winners"])


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
        by_viewer = {e["viewer_id"]: e for e in _entrants(tx, row)}
        result["winner_list"] = [
            {"ticket": by_viewer[v]["ticket"], "nickname": by_viewer[v]["nickname"]}
            for v in json.loads(row["winner_ids"])
            if v in by_viewer
        ]
    return result


def verification(tx: Tx, room: str, draw_id: str) -> dict[str, Any]:
    """Everything needed to check the draw independently."""
    row = get(tx, room, draw_id)
    result = view(tx, row)
    result["algorithm"] = LEGACY_ALGORITHM if _legacy(row) else ALGORITHM
    result["rule"] = 1 if _legacy(row) else TICKETS
    result["entrant_list"] = (
        [{"ticket": e["ticket"], "nickname": e["nickname"]} for e in _entrants(tx, row)]
        if row["status"] == "closed"
        else None
    )
    return result


def my_tickets(tx: Tx, room: str, viewer: str) -> dict[str, dict[str, str]]:
    """The viewer's own entries: draw id -> its ticket and salt (to find and check it in the list). An
    entry in a draw from before tickets has one once the draw has closed (its salt: the seed)."""
    rows = tx.all(
        "SELECT e.draw_id, e.ticket, e.salt, d.rule, d.status, d.seed FROM draw_entries e"
        " JOIN draws d ON d.id = e.draw_id WHERE d.room = ? AND e.viewer_id = ?",
        (room, viewer),
    )
    mine: dict[str, dict[str, str]] = {}
    for r in rows:
        if r["rule"] is not None:
            mine[r["draw_id"]] = {"ticket": r["ticket"], "salt": r["salt"]}
        elif r["status"] == "closed":
            mine[r["draw_id"]] = {"ticket": ticket(r["seed"], viewer), "salt": r["seed"]}
    return mine


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
        """INSERT INTO draws (id, room, prize, winners, keyword, seed_hash, seed, status, opens_at, closes_at, rule)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)""",
        (draw_id, room, prize, winners, word, seed_hash(seed), seed, tx.now, tx.now + duration_s, TICKETS),
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
    salt = secrets.token_hex(16)
    entry = ticket(salt, viewer)
    tx.execute(
        "INSERT INTO draw_entries (draw_id, viewer_id, nickname, entered_at, via, ticket, salt)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (draw_id, viewer, nickname, tx.now, via, entry, salt),
    )
    tx.log(room, "draw.entered", viewer, draw_id=draw_id, via=via)
    _announce(tx, row)
    # (in a draw from before tickets, the viewer's ticket is known once it closes: /me then)
    mine = {"ticket": entry, "salt": salt} if not _legacy(row) else {"ticket": "", "salt": ""}
    tx.notify(room, {"type": "draw_entered", "draw_id": draw_id, **mine}, to_viewer=viewer)
    return {**view(tx, row), "mine": mine}


def enter_by_comment(tx: Tx, room: str, viewer: str, nickname: str, comment: str) -> None:
    if verified_viewers.needed(tx, room, "draws", viewer):
        return  # the comment stands; the draw is for verified viewers (the button says why)
    for row in tx.all("SELECT * FROM draws WHERE room = ? AND status = 'open' AND keyword IS NOT NULL", (room,)):
        entered = tx.one("SELECT 1 FROM draw_entries WHERE draw_id = ? AND viewer_id = ?", (row["id"], viewer))
        if _is_open(tx, row) and row["keyword"] in comment and not entered:
            enter(tx, room, viewer, nickname, row["id"], via="comment")


def close(tx: Tx, room: str, draw_id: str, reason: str = "ended by the host") -> dict[str, Any]:
    row = get(tx, room, draw_id)
    if row["status"] == "closed":
        raise refused("draw_closed", "this lucky draw has already closed")
    viewer_of = {e["ticket"]: e["viewer_id"] for e in _entrants(tx, row)}
    won = [viewer_of[t] for t in _winning(row, list(viewer_of))]
    tx.execute(
        "UPDATE draws SET status = 'closed', closed_at = ?, winner_ids = ? WHERE id = ?",
        (tx.now, json.dumps(won), draw_id),
    )
    tx.log(room, "draw.closed", id=draw_id, seed=row["seed"], entrants=len(viewer_of), winners=won, reason=reason)
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
