"""Co-host (连麦) on the relay: signed invite tokens, and the table of guest sessions.

An invite token is ``<payload>.<signature>``, both unpadded base64url: the payload is the JSON
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
import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from app.commerce.core import CommerceError
from app.relay.media_store import write_private

SECRET_FILE = "cohost-secret"  # noqa: S105 - the file's name
TOKEN_MAX = 400
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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class Claims:
    room: str
    invite: str
    expires_at: int


class InviteTokens:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the co-host secret must be at least 32 bytes")
        self._secret = secret

    @classmethod
    def load(cls, data_dir: Path) -> InviteTokens:
        """The relay's secret from the data folder, made (0600) the first time."""
        path = data_dir / SECRET_FILE
        if path.is_file():
            try:
                secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
            except (ValueError, UnicodeDecodeError) as exc:
                raise ValueError(
                    f"{path} is damaged ({exc}); delete it to make a new one (old invites stop working)"
                ) from exc
            return cls(secret)
        secret = secrets.token_bytes(32)
        data_dir.mkdir(parents=True, exist_ok=True)
        write_private(path, (secret.hex() + "\n").encode())
        return cls(secret)

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode("ascii"), hashlib.sha256).digest())

    def sign(self, room: str, invite: str, expires_at: float) -> str:
        claims = {"v": 1, "room": room, "inv": invite, "exp": int(expires_at)}
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{payload}.{self._sign(payload)}"

    def read(self, token: str) -> Claims:
        """The token's claims if this relay signed it; else 401 ``invite_invalid``."""
        bad = refusal(401, "invite_invalid", INVALID_MESSAGE, state="invalid")
        if len(token) > TOKEN_MAX or token.count(".") != 1:
            raise bad
        payload, signature = token.split(".")
        if not payload or not hmac.compare_digest(self._sign(payload).encode(), signature.encode()):
            raise bad
        try:
            claims = json.loads(_unb64(payload))
            room, invite, expires = claims["room"], claims["inv"], claims["exp"]
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise bad from None
        if claims.get("v") != 1 or not isinstance(room, str) or not isinstance(invite, str) or type(expires) is not int:
            raise bad
        return Claims(room, invite, expires)


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
    def open(cls, data_dir: Path, answer_timeout: float) -> Cohost:
        return cls(InviteTokens.load(data_dir), CohostSessions(), answer_timeout)
