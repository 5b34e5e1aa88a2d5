"""Co-host (连麦) on the relay: signed invite tokens, and the table of guest sessions.

An invite token is a signed link token (app/relay/signed_tokens.py): the payload is the JSON
``{"v": 1, "room": ..., "inv": ..., "exp": ...}`` (room, invite id, expiry in whole Unix seconds)
and the signature is its HMAC-SHA256 under this relay's secret, kept in ``<data>/cohost-secret``
(made on first start, 0600, like the admin token). A token proves the relay issued it for that room
and invite; whether the invite is still open (not used, revoked or expired) is in the room engine's
store (app/commerce/cohost.py). Losing the secret file voids every invite given out.

A session is one guest's join: made when their WHIP offer arrives, ``offered`` until the studio
answers, ``live`` once the answer went back to the guest, ``ended`` with who ended it (``guest``,
``studio``, ``relay``) and why. Sessions live in memory only (the media does not go through the relay,
so a relay restart does not cut a guest off, but the guest's page can no longer learn the session's
end from it); ended ones are kept a while so a guest's page can read how its session ended.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from app.commerce.errors import CommerceError
from app.relay.signed_tokens import SignedTokens, TokenKind

SECRET_FILE = "cohost-secret"  # noqa: S105 - the file's name
NAME_MAX = 32
INVITE_ID = re.compile(r"inv_[0-9a-f]{12}")
SESSION_ID = re.compile(r"cs_[0-9a-f]{16}")
KEEP_ENDED_S = 600.0
"""How long an ended session stays readable (its guest's page learns how it ended)."""
KEEP_ENDED_PER_ROOM = 100

INVALID_MESSAGE = "this is not a valid co-host invite: the link may be incomplete or changed; ask the host for it again"


def refusal(status: int, code: str, message: str, **details: Any) -> CommerceError:
    """An error with details (``state``, ``expired_at``, ...) in the body next to code and message."""
    return CommerceError(status, code, message, **details)


class InviteTokens(SignedTokens):
    """Co-host invites' tokens (app/relay/signed_tokens.py): the invite's id under ``inv``."""

    kind = TokenKind(
        secret_file=SECRET_FILE,
        described_as="co-host secret",
        voids="old invites stop working",
        claim="inv",
        invalid_code="invite_invalid",
        invalid_message=INVALID_MESSAGE,
    )


def guest_name(header: str | None) -> str:
    """The guest's name from ``X-Guest-Name`` (percent-encoded UTF-8, as ``encodeURIComponent`` makes it)."""
    if header is None or not header.strip():
        raise refusal(400, "bad_guest_name", "say who is joining: X-Guest-Name: <name, percent-encoded UTF-8>")
    if not header.isascii():
        raise refusal(400, "bad_guest_name", "X-Guest-Name must be percent-encoded UTF-8 (encodeURIComponent)")
    try:
        name = unquote(header, errors="strict")
    except UnicodeDecodeError:
        raise refusal(400, "bad_guest_name", "X-Guest-Name is not percent-encoded UTF-8") from None
    name = unicodedata.normalize("NFC", name).strip()
    # Formatting characters (bidi overrides, zero-width spaces) could disguise a name; the joiners
    # emoji sequences and some scripts need stay.
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and c not in "\u200c\u200d" for c in name):
        raise refusal(400, "bad_guest_name", "the name may not contain control or formatting characters")
    if not name:
        raise refusal(400, "bad_guest_name", "the name is empty")
    if len(name) > NAME_MAX:
        raise refusal(400, "bad_guest_name", f"the name is longer than {NAME_MAX} characters")
    return name


@dataclass(frozen=True, slots=True)
class Answer:
    """The studio's reply to an offer: an SDP answer, or a refusal to pass on to the guest."""

    sdp: str | None = None
    error: str | None = None
    status: int = 409
    code: str = "studio_refused"


@dataclass(eq=False)
class CohostSession:
    room: str
    id: str
    invite: str
    name: str
    secret: str
    created_at: float
    answer: asyncio.Future[Answer]
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    state: str = "offered"
    """offered → (answering →) live → ended; or offered → ended (refused, timed out, cancelled)."""
    started_at: float | None = None
    ended_at: float | None = None
    ended_by: str | None = None
    reason: str | None = None

    def secret_matches(self, presented: str) -> bool:
        return hmac.compare_digest(self.secret.encode(), presented.encode())

    def end(self, by: str, reason: str) -> bool:
        """End it now; False if it had already ended."""
        if self.state == "ended":
            return False
        self.state, self.ended_at, self.ended_by, self.reason = "ended", time.time(), by, reason
        self.ended.set()
        return True

    def view(self) -> dict[str, Any]:
        return {
            "session": self.id,
            "room": self.room,
            "invite": self.invite,
            "name": self.name,
            "state": "offered" if self.state == "answering" else self.state,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "ended_by": self.ended_by,
            "reason": self.reason,
        }


class CohostSessions:
    """Every room's guest sessions, on the relay's event loop (not thread-safe, like the engine)."""

    def __init__(self) -> None:
        self._sessions: dict[str, CohostSession] = {}

    def create(self, room: str, invite: str, name: str) -> CohostSession:
        self._prune()
        for other in self._sessions.values():
            if other.room == room and other.invite == invite and other.state in ("offered", "answering"):
                raise refusal(
                    409, "invite_busy", "someone is joining with this invite right now; try again in a moment"
                )
        session = CohostSession(
            room=room,
            id=f"cs_{secrets.token_hex(8)}",
            invite=invite,
            name=name,
            secret=secrets.token_urlsafe(24),
            created_at=time.time(),
            answer=asyncio.get_running_loop().create_future(),
        )
        self._sessions[session.id] = session
        return session

    def get(self, room: str, session_id: str) -> CohostSession:
        session = self._sessions.get(session_id)
        if session is None or session.room != room:
            raise refusal(404, "session_not_found", f"there is no co-host session {session_id[:40]!r} in this room")
        return session

    def live_guest(self, room: str, secret: str) -> CohostSession | None:
        """The live session whose guest holds ``secret`` (the guest page sends it with its WHEP request
        for the program picture, so the WHEP side can tell a co-host from a viewer)."""
        for session in self._sessions.values():
            if session.room == room and session.state == "live" and session.secret_matches(secret):
                return session
        return None

    def of_room(self, room: str) -> list[CohostSession]:
        self._prune()
        found = [s for s in self._sessions.values() if s.room == room]
        return sorted(found, key=lambda s: s.created_at, reverse=True)

    def _prune(self) -> None:
        now = time.time()
        ended: dict[str, list[CohostSession]] = {}
        for session in list(self._sessions.values()):
            if session.ended_at is None:
                continue
            if now - session.ended_at > KEEP_ENDED_S:
                del self._sessions[session.id]
            else:
                ended.setdefault(session.room, []).append(session)
        for sessions in ended.values():
            sessions.sort(key=lambda s: s.ended_at or 0.0)
            for old in sessions[:-KEEP_ENDED_PER_ROOM]:
                del self._sessions[old.id]


@dataclass
class Cohost:
    """What the co-host endpoints share: the token signer, the sessions and the answer timeout."""

    tokens: InviteTokens
    sessions: CohostSessions
    answer_timeout: float

    @classmethod
    def open(cls, data_dir: Path, answer_timeout: float, secrets_from: Callable[[str], bytes] | None = None) -> Cohost:
        """``secrets_from``: several relays share the invite secret in their store (else the data folder's)."""
        tokens = InviteTokens.shared(secrets_from) if secrets_from is not None else InviteTokens.load(data_dir)
        return cls(tokens, CohostSessions(), answer_timeout)
