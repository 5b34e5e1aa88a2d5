"""A cap on request bodies everywhere except ingest (which enforces its own, larger limit).

FastAPI reads and parses a JSON body before any dependency runs, so without this an unauthenticated
client could make the relay buffer an arbitrarily large body. Pure ASGI, so nothing is read first.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_BODY_LIMIT = 64 * 1024


class _TooLargeError(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        limit: int = API_BODY_LIMIT,
        exempt: tuple[str, ...] = ("/ingest/",),
        exempt_suffixes: tuple[str, ...] = ("/ingest/bandwidth", "/rundown", "/catalog"),
    ) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self.exempt_suffixes = exempt_suffixes
        """Paths ending so enforce their own, larger limit after checking who asks (the pre-flight's upload
        probe, app/relay/ingest_check.py; a run-of-show file, app/relay/api_rundown.py; a catalog)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(self.exempt) or path.endswith(self.exempt_suffixes):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.limit:
                await self._refuse(send)
            else:  # the server reads exactly Content-Length bytes: nothing more to watch
                await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLargeError:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {"error": "too_large", "message": f"request bodies here are limited to {self.limit} bytes"}
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
