"""Polls with live results: one vote per viewer."""

from __future__ import annotations

import json
from typing import Any

from app.commerce.core import Tx, new_id, not_found, refused
from app.commerce.values import invalid, text


def get(tx: Tx, room: str, poll_id: str) -> Any:
    row = tx.one("SELECT * FROM polls WHERE id = ? AND room = ?", (poll_id, room))
    if row is None:
        raise not_found(f"poll {poll_id!r}")
    return row


def view(tx: Tx, row: Any) -> dict[str, Any]:
    options = json.loads(row["options"])
    counts = {r["option"]: r["n"] for r in tx.all(
        "SELECT option, COUNT(*) AS n FROM poll_votes WHERE poll_id = ? GROUP BY option", (row["id"],))}  # fmt: skip
    return {
        "id": row["id"],
        "question": row["question"],
        "options": [{"text": o, "votes": counts.get(i, 0)} for i, o in enumerate(options)],
        "total": sum(counts.values()),
        "status": row["status"],
    }


def _announce(tx: Tx, row: Any) -> None:
    tx.notify(row["room"], {"type": "poll", "poll": view(tx, row)}, key=f"poll:{row['id']}")


def open_poll(tx: Tx, room: str, question: str, options: list[str]) -> dict[str, Any]:
    question = text(question, "question", 120)
    cleaned = [text(o, f"option {n}", 40) for n, o in enumerate(options, 1)]
    if not 2 <= len(cleaned) <= 6:
        raise invalid("a poll needs 2 to 6 options")
    if len(set(cleaned)) != len(cleaned):
        raise invalid("the poll's options must differ")
    if tx.one("SELECT 1 FROM polls WHERE room = ? AND status = 'open'", (room,)):
        raise refused("poll_open", "a poll is already open; close it first")
    poll_id = new_id("pl")
    tx.execute(
        "INSERT INTO polls (id, room, question, options, status, created_at) VALUES (?, ?, ?, ?, 'open', ?)",
        (poll_id, room, question, json.dumps(cleaned, ensure_ascii=False), tx.now),
    )
    tx.log(room, "poll.opened", id=poll_id, question=question, options=cleaned)
    row = get(tx, room, poll_id)
    _announce(tx, row)
    return view(tx, row)


def vote(tx: Tx, room: str, viewer: str, poll_id: str, option: int) -> dict[str, Any]:
    row = get(tx, room, poll_id)
    if row["status"] != "open":
        raise refused("poll_closed", "this poll has closed")
    if not 0 <= option < len(json.loads(row["options"])):
        raise invalid(f"option must be one of the poll's {len(json.loads(row['options']))} options (0-based)")
    if tx.one("SELECT 1 FROM poll_votes WHERE poll_id = ? AND viewer_id = ?", (poll_id, viewer)):
        raise refused("already_voted", "you have already voted in this poll")
    tx.execute(
        "INSERT INTO poll_votes (poll_id, viewer_id, option, voted_at) VALUES (?, ?, ?, ?)",
        (poll_id, viewer, option, tx.now),
    )
    tx.log(room, "poll.voted", viewer, poll_id=poll_id, option=option)
    _announce(tx, row)
    return view(tx, row)


def close(tx: Tx, room: str, poll_id: str) -> dict[str, Any]:
    row = get(tx, room, poll_id)
    if row["status"] != "open":
        raise refused("poll_closed", "this poll is already closed")
    tx.execute("UPDATE polls SET status = 'closed', closed_at = ? WHERE id = ?", (tx.now, poll_id))
    row = get(tx, room, poll_id)
    result = view(tx, row)
    tx.log(room, "poll.closed", id=poll_id, votes=[o["votes"] for o in result["options"]])
    _announce(tx, row)
    return result


def active(tx: Tx, room: str) -> list[dict[str, Any]]:
    rows = tx.all(
        "SELECT * FROM polls WHERE room = ? AND (status = 'open' OR closed_at > ?) ORDER BY created_at",
        (room, tx.now - 120),
    )
    return [view(tx, r) for r in rows]


def my_votes(tx: Tx, room: str, viewer: str) -> dict[str, int]:
    rows = tx.all(
        "SELECT v.poll_id, v.option FROM poll_votes v JOIN polls p ON p.id = v.poll_id"
        " WHERE p.room = ? AND v.viewer_id = ?",
        (room, viewer),
    )
    return {r["poll_id"]: r["option"] for r in rows}
