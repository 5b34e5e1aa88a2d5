"""Viewer sessions: the relay says who a viewer is; the client never does.

A viewer is anonymous, but every per-viewer rule of the room (a flash sale's limit per viewer, one
vote per poll, one draw entry, a coupon per viewer, mutes, comment rate limits) counts on the id, so
the id is the relay's to give. ``POST /api/v1/sessions`` (or opening a room's page) mints one: a new
random viewer id in a signed, expiring token, ::

    s1.<viewer id>.<a>.<expiry, Unix seconds>.<HMAC-SHA256 of the rest, base64url>

set as an HttpOnly, SameSite=Lax cookie (:data:`SESSION_COOKIE`) for the pages, and returned for API
clients to send as ``Authorization: Bearer <token>``. Every viewer call, REST and WebSocket, reads the
viewer from the token; ``X-Viewer-Id`` and ``?viewer_id=`` are not identities and are ignored.

The signing keys are a ring, newest first (:data:`KEYS_KEPT`): the newest signs, all verify, so
rotating (``POST /api/v1/admin/session-keys``) lets sessions signed under the previous key live out
their time, and a second rotation ends them. The ring is kept in ``<data>/viewer-session-keys``
(0600), or in the shared store when several relays serve one address (one ring for all of them; a
relay re-reads it when a token does not verify, and every :data:`SHARED_RELOAD_S`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import cookie_parser

from app.commerce.errors import CommerceError
from app.relay.media_store import write_private

SESSION_COOKIE = "shopcast_session"
SESSION_PREFIX = "s1."
"""What a session token starts with (and an owner's, an admin's or a link's token never does)."""
SESSION_TTL_S = 30 * 86400
"""How long a session lasts from its last renewal (a page load renews one older than a day)."""
RENEW_AFTER_S = 86400
KEYS_KEPT = 2
KEY_BYTES = 32
KEY_FILE = "viewer-session-keys"
log = logging.getLogger(__name__)

SHARED_RELOAD_S = 30.0

_TOKEN = re.compile(r"s1\.([A-Za-z0-9_-]{6,64})\.([a])\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})")

NO_SESSION = (
    "this needs a viewer session: the room's page makes one (a cookie); an API client gets one from "
    "POST /api/v1/sessions and sends it as Authorization: Bearer <token>"
)


@dataclass(frozen=True, slots=True)
class ViewerSession:
    viewer: str
    expires_at: int
    token: str

    def needs_renewal(self, now: float) -> bool:
        return self.expires_at - now < SESSION_TTL_S - RENEW_AFTER_S


def new_viewer_id() -> str:
    return "v-" + secrets.token_hex(8)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _parse_ring(data: bytes) -> list[bytes]:
    if not data or len(data) % KEY_BYTES:
        raise ValueError(f"a session key ring is whole {KEY_BYTES}-byte keys, got {len(data)} bytes")
    return [data[i : i + KEY_BYTES] for i in range(0, len(data), KEY_BYTES)]


class SessionKeys:
    """The signing ring and the tokens it makes and reads."""

    def __init__(
        self,
        ring: list[bytes],
        *,
        save: Callable[[bytes], None] | None = None,
        reload: Callable[[], bytes] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not ring or any(len(key) != KEY_BYTES for key in ring):
            raise ValueError(f"session keys are {KEY_BYTES} bytes each, and there is at least one")
        self._ring = ring[:KEYS_KEPT]
        self._save = save
        self._reload = reload
        self._reloaded = clock()
        self.clock = clock

    @classmethod
    def load(cls, data_dir: Path) -> SessionKeys:
        """The ring in the data folder, made (0600) the first time."""
        path = data_dir / KEY_FILE

        def save(data: bytes) -> None:
            lines = [data[i : i + KEY_BYTES].hex() + "\n" for i in range(0, len(data), KEY_BYTES)]
            write_private(path, "".join(lines).encode())

        if path.is_file():
            try:
                ring = [bytes.fromhex(line) for line in path.read_text(encoding="ascii").split()]
                ring = _parse_ring(b"".join(ring))
            except (ValueError, UnicodeDecodeError) as exc:
                damaged = f"{path} is damaged ({exc}); delete it to make a new one (every viewer gets a new session)"
                raise ValueError(damaged) from exc
            return cls(ring, save=save)
        ring = [secrets.token_bytes(KEY_BYTES)]
        data_dir.mkdir(parents=True, exist_ok=True)
        save(ring[0])
        return cls(ring, save=save)

    @classmethod
    def shared(cls, read: Callable[[], bytes], write: Callable[[bytes], None]) -> SessionKeys:
        """The ring several relays share through their store."""
        return cls(_parse_ring(read()), save=write, reload=read)

    @property
    def keys(self) -> int:
        return len(self._ring)

    def rotate(self) -> int:
        """A new signing key; the previous one still verifies, older ones are dropped. The ring's size."""
        if self._reload is not None:
            self._ring = _parse_ring(self._reload())[:KEYS_KEPT]
        self._ring = [secrets.token_bytes(KEY_BYTES), *self._ring][:KEYS_KEPT]
        if self._save is not None:
            self._save(b"".join(self._ring))
        return len(self._ring)

    def _signature(self, key: bytes, body: str) -> str:
        return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())

    def mint(self, viewer: str | None = None) -> ViewerSession:
        """A session for ``viewer`` (a renewal) or for a new anonymous viewer."""
        viewer = viewer or new_viewer_id()
        expires = int(self.clock()) + SESSION_TTL_S
        body = f"s1.{viewer}.a.{expires}"
        return ViewerSession(viewer, expires, f"{body}.{self._signature(self._ring[0], body)}")

    def read(self, token: str) -> ViewerSession:
        """The session ``token`` carries, or 401 ``session_invalid`` / ``session_expired``."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise CommerceError(401, "session_invalid", "this viewer session was not issued by this relay")
        viewer, _, expires, signature = match.groups()
        body = token[: match.start(4) - 1]
        if not self._verifies(body, signature) and not self._verifies_after_reload(body, signature):
            raise CommerceError(401, "session_invalid", "this viewer session was not issued by this relay")
        if int(expires) <= self.clock():
            raise CommerceError(401, "session_expired", "this viewer session has expired; open the room again")
        return ViewerSession(viewer, int(expires), token)

    def _verifies(self, body: str, signature: str) -> bool:
        return any(hmac.compare_digest(self._signature(key, body), signature) for key in self._ring)

    def _verifies_after_reload(self, body: str, signature: str) -> bool:
        """A shared ring another relay rotated: re-read, then try again."""
        return self._reload is not None and self._reload_now() and self._verifies(body, signature)

    async def refresh_forever(self, every: float = SHARED_RELOAD_S) -> None:
        """A shared ring, re-read every ``every`` seconds off the event loop (the relay runs this): a key
        that two rotations on another relay dropped stops verifying here too. (A token signed by a key
        this relay has not seen yet makes it re-read at once: :meth:`read`.)"""
        reload = self._reload
        if reload is None:
            return
        while True:
            await asyncio.sleep(every)
            try:
                ring = _parse_ring(await asyncio.to_thread(reload))[:KEYS_KEPT]
            except Exception:
                log.warning("re-reading the shared session keys failed; keeping the ring as it was", exc_info=True)
                continue
            self._ring, self._reloaded = ring, self.clock()

    def _reload_now(self) -> bool:
        """Re-read a shared ring (at most once a second); whether it changed."""
        assert self._reload is not None
        now = self.clock()
        if now - self._reloaded < 1.0:
            return False
        self._reloaded = now
        ring = _parse_ring(self._reload())[:KEYS_KEPT]
        changed = ring != self._ring
        self._ring = ring
        return changed


def token_from(headers: Mapping[str, str]) -> str | None:
    """The session token a request carries: a bearer that looks like one, else the cookie."""
    bearer = bearer_session(headers)
    return bearer if bearer is not None else cookie_session(headers)


def bearer_session(headers: Mapping[str, str]) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip().startswith(SESSION_PREFIX):
        return value.strip()
    return None


def cookie_session(headers: Mapping[str, str]) -> str | None:
    """The session cookie, parsed as browsers send cookies (leniently: another site's odd cookie on
    the same domain must not hide ours, as Python's SimpleCookie would)."""
    value = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
    return value or None


def session_from(keys: SessionKeys, headers: Mapping[str, str]) -> ViewerSession:
    """The caller's session, or 401 ``session_required`` / ``session_invalid`` / ``session_expired``."""
    token = token_from(headers)
    if token is None:
        raise CommerceError(401, "session_required", NO_SESSION)
    return keys.read(token)


def cookie_header(session: ViewerSession | None, *, secure: bool) -> str:
    """The Set-Cookie value carrying ``session`` to a page (HttpOnly: no script reads it); for None, the
    value that makes the browser forget it (the same attributes, or it would not match)."""
    value, age = (session.token, SESSION_TTL_S) if session is not None else ("", 0)
    parts = [f"{SESSION_COOKIE}={value}", "Path=/", f"Max-Age={age}", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
