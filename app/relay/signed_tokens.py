"""Signed link tokens: what co-host invites (app/relay/cohost.py) and assistant links
(app/relay/assistants.py) carry.

A token is ``<payload>.<signature>``, both unpadded base64url: the payload is the JSON
``{"v": 1, "room": ..., "<claim>": ..., "exp": ...}`` (room, the link's id under the kind's claim key —
``inv`` for an invite, ``ast`` for an assistant link —, its expiry in whole Unix seconds) and the
signature its HMAC-SHA256 under this relay's secret for that kind of link, kept in
``<data>/<secret file>`` (made on first start, 0600; deleting it voids every link of that kind). A
token proves the relay issued it for that room and link; whether the link still works is the row in
the room engine's store, read on every request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Self

from app.commerce.errors import CommerceError
from app.relay.media_store import write_private

TOKEN_MAX = 400


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def looks_like_token(token: str) -> bool:
    """Whether ``token`` has a signed token's shape: two base64url parts (cheap: no signature check;
    anything else, a byte outside ASCII included, is simply not one)."""
    return 0 < len(token) <= TOKEN_MAX and _SHAPE.fullmatch(token) is not None


@dataclass(frozen=True, slots=True)
class TokenKind:
    """What tells one kind of link's tokens from another's."""

    secret_file: str
    """The secret's file in the relay's data folder."""
    described_as: str
    """The secret in an error message: ``the <described_as> must be at least 32 bytes``."""
    voids: str
    """What deleting a damaged secret file costs, in its error message."""
    claim: str
    """The payload's key for the link's id."""
    invalid_code: str
    invalid_message: str
    """The 401 for a token this relay did not sign (or that was changed)."""


@dataclass(frozen=True, slots=True)
class Claims:
    room: str
    link: str
    """The invite's or assistant link's id."""
    expires_at: int


def secret_file(path: Path, voids: str) -> bytes:
    """A 32-byte secret kept in the data folder as hex (0600), made the first time; ``voids`` says what a
    new one would end, for the error when the file is damaged."""
    if path.is_file():
        try:
            return bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path} is damaged ({exc}); delete it to make a new one ({voids})") from exc
    secret = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, (secret.hex() + "\n").encode())
    return secret


class SignedTokens:
    """Signs and reads one kind of link's tokens; a subclass names its :class:`TokenKind`."""

    kind: ClassVar[TokenKind]

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError(f"the {self.kind.described_as} must be at least 32 bytes")
        self._secret = secret

    @classmethod
    def load(cls, data_dir: Path) -> Self:
        """The relay's secret from the data folder, made (0600) the first time."""
        return cls(secret_file(data_dir / cls.kind.secret_file, cls.kind.voids))

    @classmethod
    def shared(cls, secrets_from: Callable[[str], bytes]) -> Self:
        """The secret several relays share, from their store (made by the first that asks)."""
        return cls(secrets_from(cls.kind.secret_file))

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode("ascii"), hashlib.sha256).digest())

    def sign(self, room: str, link: str, expires_at: float) -> str:
        claims = {"v": 1, "room": room, self.kind.claim: link, "exp": int(expires_at)}
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{payload}.{self._sign(payload)}"

    def read(self, token: str) -> Claims:
        """The token's claims if this relay signed it; else 401 with the kind's ``invalid_code``."""
        kind = self.kind
        bad = CommerceError(401, kind.invalid_code, kind.invalid_message, state="invalid")
        if not looks_like_token(token):
            raise bad
        payload, signature = token.split(".")
        if not payload or not hmac.compare_digest(self._sign(payload).encode(), signature.encode()):
            raise bad
        try:
            claims = json.loads(_unb64(payload))
            room, link, expires = claims["room"], claims[kind.claim], claims["exp"]
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise bad from None
        if claims.get("v") != 1 or not isinstance(room, str) or not isinstance(link, str) or type(expires) is not int:
            raise bad
        return Claims(room, link, expires)
