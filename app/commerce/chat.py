"""Comments, likes, presence and what viewers do with products, plus the host's moderation."""

from __future__ import annotations

import re
from typing import Any

from app.commerce import draws
from app.commerce.core import Tx, not_found, refused
from app.commerce.values import in_range, invalid, matching, sku, text

COMMENT_MAX = 200
VIA = re.compile(r"[A-Za-z0-9_.-]{1,32}")
INTERACTIONS = {"exposure": "product.exposure", "click": "product.click", "cart_add": "cart.add", "share": "share"}


def _by(by: str | None) -> dict[str, str]:
    """Who moderated (``owner``, ``assistant:<id>``), for the log row; nothing when not said."""
    return {"by": by} if by else {}


def _comment_view(row: Any, *, with_viewer: bool = False) -> dict[str, Any]:
    result = {"id": row["id"], "nickname": row["nickname"], "text": row["text"], "t": row["created_at"]}
    if with_viewer:
        result["viewer_id"] = row["viewer_id"]
    return result


def muted_for(tx: Tx, room: str, viewer: str) -> float:
    row = tx.one("SELECT until FROM mutes WHERE room = ? AND viewer_id = ? AND until > ?", (room, viewer, tx.now))
    return float(row["until"] - tx.now) if row else 0.0


def comment(tx: Tx, room: str, viewer: str, nickname: str, message: str) -> dict[str, Any]:
    remaining = muted_for(tx, room, viewer)
    if remaining:
        raise refused("muted", f"you cannot comment here for another {remaining / 60:.0f} min")
    message = text(message, "comment", COMMENT_MAX).replace("\n", " ")
    compared = matching(message)  # full-width, zero-width-split and plain alike
    for blocked in tx.all("SELECT word FROM blocked_words WHERE room = ?", (room,)):
        if matching(blocked["word"]) in compared:
            raise refused("blocked_word", "your comment contains a word this room does not allow")
    row = tx.one(
        "INSERT INTO comments (room, viewer_id, nickname, text, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
        (room, viewer, nickname, message, tx.now),
    )
    assert row is not None
    tx.log(room, "comment", viewer, id=row["id"], text=message)
    tx.notify(
        room,
        {"type": "comment", **_comment_view(row)},
        owner={"type": "comment", **_comment_view(row, with_viewer=True)},
    )
    draws.enter_by_comment(tx, room, viewer, nickname, message)
    return _comment_view(row)


def delete_comment(tx: Tx, room: str, comment_id: int, by: str | None = None) -> None:
    if (
        tx.execute(
            "UPDATE comments SET deleted = 1 WHERE room = ? AND id = ? AND deleted = 0", (room, comment_id)
        ).rowcount
        == 0
    ):
        raise not_found(f"comment {comment_id}")
    tx.log(room, "comment.deleted", id=comment_id, **_by(by))
    tx.notify(room, {"type": "comment_deleted", "id": comment_id})


def mute(tx: Tx, room: str, viewer: str, minutes: float, by: str | None = None) -> dict[str, Any]:
    in_range(minutes, 1, 24 * 60, "minutes")
    until = tx.now + minutes * 60
    tx.execute(
        """INSERT INTO mutes (room, viewer_id, until) VALUES (?, ?, ?)
           ON CONFLICT (room, viewer_id) DO UPDATE SET until = excluded.until""",
        (room, viewer, until),
    )
    tx.log(room, "viewer.muted", viewer, minutes=minutes, **_by(by))
    tx.notify(room, None, owner={"type": "muted", "viewer_id": viewer, "until": until})
    return {"viewer_id": viewer, "until": until}


def unmute(tx: Tx, room: str, viewer: str, by: str | None = None) -> None:
    if tx.execute("DELETE FROM mutes WHERE room = ? AND viewer_id = ?", (room, viewer)).rowcount == 0:
        raise not_found(f"a mute of viewer {viewer!r}")
    tx.log(room, "viewer.unmuted", viewer, **_by(by))
    tx.notify(room, None, owner={"type": "muted", "viewer_id": viewer, "until": None})


def blocked_words(tx: Tx, room: str) -> list[str]:
    return [r["word"] for r in tx.all("SELECT word FROM blocked_words WHERE room = ? ORDER BY word", (room,))]


def set_blocked_words(tx: Tx, room: str, words: list[str]) -> list[str]:
    if len(words) > 200:
        raise invalid("at most 200 blocked words")
    cleaned = sorted({text(w, "blocked word", 20).casefold() for w in words})
    tx.execute("DELETE FROM blocked_words WHERE room = ?", (room,))
    for word in cleaned:
        tx.execute("INSERT INTO blocked_words (room, word) VALUES (?, ?)", (room, word))
    tx.log(room, "moderation.words", count=len(cleaned))
    return cleaned


def recent_comments(tx: Tx, room: str, limit: int = 50, *, with_viewer: bool = False) -> list[dict[str, Any]]:
    rows = tx.all("SELECT * FROM comments WHERE room = ? AND deleted = 0 ORDER BY id DESC LIMIT ?", (room, limit))
    return [_comment_view(r, with_viewer=with_viewer) for r in reversed(rows)]


def likes_total(tx: Tx, room: str) -> int:
    row = tx.one("SELECT likes FROM room_totals WHERE room = ?", (room,))
    return int(row["likes"]) if row else 0


def like(tx: Tx, room: str, viewer: str, count: int) -> int:
    """One viewer's taps, aggregated by the page (at most one message a second)."""
    in_range(count, 1, 100, "count")
    tx.execute(
        """INSERT INTO room_totals (room, likes) VALUES (?, ?)
           ON CONFLICT (room) DO UPDATE SET likes = room_totals.likes + excluded.likes""",
        (room, count),
    )
    tx.log(room, "like", viewer, count=count)
    total = likes_total(tx, room)
    tx.notify(room, {"type": "likes", "total": total}, key="likes")
    return total


def viewer_enter(tx: Tx, room: str, viewer: str, nickname: str, relay: str | None = None) -> None:
    """A viewer's connection opened. ``returning`` says whether this viewer was seen in any room before;
    ``relay``: which of several relays sharing the room it is on (none when the relay is alone)."""
    seen = tx.one("SELECT 1 FROM viewers WHERE viewer_id = ? LIMIT 1", (viewer,))
    tx.execute(
        """INSERT INTO viewers (room, viewer_id, nickname, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (room, viewer_id) DO UPDATE SET nickname = excluded.nickname, last_seen = excluded.last_seen""",
        (room, viewer, nickname, tx.now, tx.now),
    )
    if relay is None:
        tx.log(room, "viewer.enter", viewer, nickname=nickname, returning=seen is not None)
    else:
        tx.log(room, "viewer.enter", viewer, nickname=nickname, returning=seen is not None, relay=relay)


def viewer_leave(tx: Tx, room: str, viewer: str, watched_s: float) -> None:
    tx.execute("UPDATE viewers SET last_seen = ? WHERE room = ? AND viewer_id = ?", (tx.now, room, viewer))
    tx.log(room, "viewer.leave", viewer, watched_s=round(watched_s, 1))


def interaction(tx: Tx, room: str, viewer: str, kind: str, skus: list[str], via: str | None) -> None:
    """Exposure (a card was shown), click, add-to-cart or share: logged for the funnel."""
    event = INTERACTIONS.get(kind)
    if event is None:
        raise invalid(f"unknown interaction {kind!r}: use {', '.join(INTERACTIONS)}")
    if len(skus) > 50:
        raise invalid("at most 50 products per message")
    if via is not None and not VIA.fullmatch(via):
        raise invalid("'via' is where it happened: 1-32 letters, digits, '_', '-' or '.'")
    checked = [sku(s) for s in skus]
    if kind != "share" and not checked:
        raise invalid(f"{kind} needs at least one sku")
    if checked:  # a product shared too must be one of the room's: no made-up skus in the log
        placeholders = ",".join("?" * len(checked))
        query = f"SELECT sku FROM products WHERE room = ? AND sku IN ({placeholders})"  # noqa: S608 - placeholders only
        found = {r["sku"] for r in tx.all(query, (room, *checked))}
        unknown = [s for s in checked if s not in found]
        if unknown:
            raise not_found(f"product {unknown[0]!r}")
    if not checked:  # a share of the room itself
        tx.log(room, event, viewer, sku=None, via=via)
    for code in checked:
        tx.log(room, event, viewer, sku=code, via=via)
