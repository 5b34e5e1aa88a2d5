"""Headers every relay answer carries, and the pages' Content-Security-Policy.

Every response: ``X-Content-Type-Options: nosniff`` (a file is what its type says) and
``Referrer-Policy: same-origin`` (a room's address, or an invite's, never leaves for another site).
Every HTML page: a Content-Security-Policy that runs only the relay's own scripts — the watch page's
one inline script (its player start, a fixed text: its data comes from a JSON block) by its SHA-256 —
and ``frame-ancestors 'none'`` (with ``X-Frame-Options: DENY`` for old browsers): no page, the one-tap
buy included, can be framed by another site to trick a tap. The API's own documentation page
(``/api/docs``, Swagger UI from its CDN) gets only the framing rule.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.paths import assets_dir

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@cache
def inline_script_hashes() -> tuple[str, ...]:
    """The CSP source of each inline script in the pages' templates (only watch.html has one)."""
    found: list[str] = []
    for template in sorted((assets_dir() / "web").glob("*.html")):
        for body in _INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")):
            if "$" in body:
                raise ValueError(f"{template.name}: an inline script must be fixed text (no $fields) to be hashed")
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            found.append(f"'sha256-{digest}'")
    return tuple(found)


@cache
def page_policy() -> str:
    scripts = " ".join(("'self'", *inline_script_hashes()))
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",  # style attributes (the safe-area numbers), never script
            "img-src 'self' data: blob: https: http:",  # product images may live on the merchant's CDN
            # MediaSource (hls.js) and WebRTC streams; data: for the empty WebVTT track hls.js gives the
            # stream's timed metadata (the room's EXT-X-DATERANGE marks)
            "media-src 'self' blob: data:",
            "worker-src 'self' blob:",
            "connect-src 'self'",  # the API, the room's WebSocket, WHEP: this relay only
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"))
DOCS_PREFIX = "/api/docs"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.policy = page_policy().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope.get("path", "")).startswith(DOCS_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in ALWAYS if name not in present]
                kind = next((value for name, value in headers if name.lower() == b"content-type"), b"")
                if kind.startswith(b"text/html"):
                    headers.append((b"x-frame-options", b"DENY"))
                    policy = b"frame-ancestors 'none'" if docs else self.policy
                    headers.append((b"content-security-policy", policy))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
