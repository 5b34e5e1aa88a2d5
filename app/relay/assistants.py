"""Assistant (中控) links on the relay: signed tokens, what an assistant may do, and the check.

The host (owner token) makes a link for a named assistant (app/relay/api_assistants.py); its token
is ``<payload>.<signature>``, both unpadded base64url, as a co-host invite's (app/relay/cohost.py):
the payload is the JSON ``{"v": 1, "room": ..., "ast": ..., "exp": ...}`` (room, the link's id, its
expiry in whole Unix seconds) and the signature its HMAC-SHA256 under this relay's own secret for
assistant links, ``<data>/assistant-secret`` (made on first start, 0600; deleting it voids every
link). A token proves the relay issued it for that room and link; whether the link still works (not
revoked, not expired) is the row in the room engine's store (app/commerce/assistants.py), read on
every request, so revoking takes effect on the assistant's next request.

What an assistant may do is a fixed set of scopes (:data:`SCOPES`): the run-of-show's cues, pins,
deleting comments, mutes, the question queue, and the room's feed (the owner's, without orders:
app/relay/realtime.py). Everything else the owner token allows stays the owner's: the catalog,
campaigns outside the run-of-show, refunds, rehearsal, co-host invites, assistant links, the report,
the stream key and the stream itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.commerce.core import CommerceError
from app.relay.media_store import write_private

SECRET_FILE = "assistant-secret"  # noqa: S105 - the file's name
TOKEN_MAX = 400
ASSISTANT_ID = re.compile(r"ast_[0-9a-f]{12}")
SCOPES = frozenset({"rundown", "pins", "comments", "mutes", "questions", "feed"})
"""What an assistant link may do (require_assistant_or_owner's ``scope``)."""
ACTOR_PREFIX = "assistant:"
SUBPROTOCOL = "shopcast.assistant"
"""The feed's WebSocket subprotocol that carries an assistant token (``new WebSocket(url, [SUBPROTOCOL,
token])``), so the token is in no URL; ``?token=`` works too, as for the owner's console."""

INVALID_MESSAGE = "this is not a valid assistant link: it may be incomplete or changed; ask the host for it again"
NOT_ALLOWED = (
    "an assistant link can run the show (cues, launches, pins, comments, mutes, questions) but not this:"
    " only the room's owner can"
)


def actor(assistant_id: str) -> str:
    """Who acted, as the event log records it: ``assistant:<id>``."""
    return ACTOR_PREFIX + assistant_id


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def looks_like_token(token: str) -> bool:
    """Whether ``token`` has an assistant token's shape (cheap: no signature check)."""
    return 0 < len(token) <= TOKEN_MAX and token.count(".") == 1


@dataclass(frozen=True, slots=True)
class Claims:
    room: str
    assistant: str
    expires_at: int


class AssistantTokens:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the assistant-link secret must be at least 32 bytes")
        self._secret = secret

    @classmethod
    def load(cls, data_dir: Path) -> AssistantTokens:
        """The relay's secret from the data folder, made (0600) the first time."""
        path = data_dir / SECRET_FILE
        if path.is_file():
            try:
                secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
            except (ValueError, UnicodeDecodeError) as exc:
                raise ValueError(
                    f"{path} is damaged ({exc}); delete it to make a new one (assistant links stop working)"
                ) from exc
            return cls(secret)
        secret = secrets.token_bytes(32)
        data_dir.mkdir(parents=True, exist_ok=True)
        write_private(path, (secret.hex() + "\n").encode())
        return cls(secret)

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode("ascii"), hashlib.sha256).digest())

    def sign(self, room: str, assistant: str, expires_at: float) -> str:
        claims = {"v": 1, "room": room, "ast": assistant, "exp": int(expires_at)}
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{payload}.{self._sign(payload)}"

    def read(self, token: str) -> Claims:
        """The token's claims if this relay signed it; else 401 ``assistant_invalid``."""
        bad = CommerceError(401, "assistant_invalid", INVALID_MESSAGE, state="invalid")
        if not looks_like_token(token):
            raise bad
        payload, signature = token.split(".")
        if not payload or not hmac.compare_digest(self._sign(payload).encode(), signature.encode()):
            raise bad
        try:
            claims = json.loads(_unb64(payload))
            room, assistant, expires = claims["room"], claims["ast"], claims["exp"]
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise bad from None
        if (
            claims.get("v") != 1
            or not isinstance(room, str)
            or not isinstance(assistant, str)
            or type(expires) is not int
        ):
            raise bad
        return Claims(room, assistant, expires)


def page_url(base: str, room: str, token: str) -> str:
    """The assistant's page: the token rides in the fragment, which browsers never send to a server
    (so it is in no access log and no Referer)."""
    return f"{base}/assist/{room}#t={token}"


def link_view(base: str, room: str, tokens: AssistantTokens, link: dict[str, Any]) -> dict[str, Any]:
    """A link as the owner's API shows it: with its ``url`` while it is active."""
    url = None
    if link["state"] == "active":
        url = page_url(base, room, tokens.sign(room, link["id"], link["expires_at"]))
    return {**link, "url": url}
