"""Q&A: viewers ask, the host works through the queue (answer, pin an answer, dismiss)."""

from __future__ import annotations

from typing import Any

from app.commerce.core import Tx, new_id, not_found, refused
from app.commerce.values import text

STATUSES = ("open", "answered", "dismissed")


def get(tx: Tx, room: str, question_id: str) -> Any:
    row = tx.one("SELECT * FROM questions WHERE id = ? AND room = ?", (question_id, room))
    if row is None:
        raise not_found(f"question {question_id!r}")
    return row


def view(row: Any, *, with_viewer: bool = False) -> dict[str, Any]:
    result = {
        "id": row["id"],
        "nickname": row["nickname"],
        "text": row["text"],
        "status": row["status"],
        "pinned": bool(row["pinned"]),
        "answer": row["answer"],
        "created_at": row["created_at"],
    }
    if with_viewer:
        result["viewer_id"] = row["viewer_id"]
    return result


def _announce(tx: Tx, row: Any) -> None:
    public = {"type": "question", "question": view(row)} if row["pinned"] or row["status"] == "answered" else None
    tx.notify(row["room"], public, owner={"type": "question", "question": view(row, with_viewer=True)},
              key=f"question:{row['id']}")  # fmt: skip
    if public is None:
        tx.notify(row["room"], {"type": "question", "question": view(row)}, to_viewer=row["viewer_id"])


def ask(tx: Tx, room: str, viewer: str, nickname: str, question: str) -> dict[str, Any]:
    question = text(question, "question", 200)
    waiting = tx.one(
        "SELECT COUNT(*) AS n FROM questions WHERE room = ? AND viewer_id = ? AND status = 'open'", (room, viewer)
    )
    if waiting is not None and waiting["n"] >= 3:
        raise refused("too_many_questions", "you have 3 questions waiting; the host will get to them")
    question_id = new_id("q")
    tx.execute(
        """INSERT INTO questions (id, room, viewer_id, nickname, text, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'open', ?, ?)""",
        (question_id, room, viewer, nickname, question, tx.now, tx.now),
    )
    tx.log(room, "question.asked", viewer, id=question_id)
    row = get(tx, room, question_id)
    _announce(tx, row)
    return view(row)


def update(
    tx: Tx,
    room: str,
    question_id: str,
    *,
    status: str | None,
    pinned: bool | None,
    answer: str | None,
    by: str | None = None,
) -> dict[str, Any]:
    """Answer, pin or dismiss a question; ``by`` (``owner``, ``assistant:<id>``) goes into the log row."""
    row = get(tx, room, question_id)
    if status is not None and status not in STATUSES:
        raise refused("bad_status", f"status must be one of {', '.join(STATUSES)}")
    new_answer = text(answer, "answer", 300) if answer is not None else row["answer"]
    new_status = status or ("answered" if answer is not None else row["status"])
    new_pinned = row["pinned"] if pinned is None else int(pinned)
    if new_pinned and not row["pinned"]:  # one pinned question at a time
        previous = [r["id"] for r in tx.all("SELECT id FROM questions WHERE room = ? AND pinned = 1", (room,))]
        tx.execute("UPDATE questions SET pinned = 0 WHERE room = ? AND pinned = 1", (room,))
        for other in previous:
            _announce(tx, get(tx, room, other))
    tx.execute(
        "UPDATE questions SET status = ?, pinned = ?, answer = ?, updated_at = ? WHERE id = ?",
        (new_status, new_pinned, new_answer, tx.now, question_id),
    )
    who = {"by": by} if by else {}
    tx.log(room, f"question.{new_status}", row["viewer_id"], id=question_id, pinned=bool(new_pinned), **who)
    row = get(tx, room, question_id)
    _announce(tx, row)
    return view(row, with_viewer=True)


def queue(tx: Tx, room: str) -> list[dict[str, Any]]:
    rows = tx.all("SELECT * FROM questions WHERE room = ? ORDER BY status != 'open', created_at LIMIT 200", (room,))
    return [view(r, with_viewer=True) for r in rows]


def public(tx: Tx, room: str) -> list[dict[str, Any]]:
    rows = tx.all(
        "SELECT * FROM questions WHERE room = ? AND (pinned = 1 OR status = 'answered')"
        " ORDER BY pinned DESC, updated_at DESC LIMIT 20",
        (room,),
    )
    return [view(r) for r in rows]
