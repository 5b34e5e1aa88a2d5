"""The live feed's WebSocket endpoint ``/api/v1/rooms/{room}/live``, in raw ASGI.

A room's feed sends the same batch to every viewer ten times a second; with 2,000 viewers that is
20,000 sends a second. Through Starlette's WebSocket object and the framework's send wrappers each
send cost about twice what uvicorn's own send does (measured with py-spy under
benchmarks/comment_fanout.py), so the feed talks to uvicorn directly. (FastAPI does not document
WebSocket routes in OpenAPI, so nothing is lost there; the protocol is described in
:mod:`app.relay.realtime`.)

Viewers connect with ``?viewer_id=…&nickname=…``; the host's console with ``?token=<owner token>``.
"""

from __future__ import annotations

import hmac
import re
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from app.commerce.values import VIEWER_ID
from app.commerce.values import nickname as clean_nickname
from app.relay.context import RelayContext
from app.relay.errors import ApiError
from app.relay.realtime import Connection

LIVE_PATH = re.compile(r"/api/v1/rooms/([^/]+)/live")


class LiveFeedLane:
    def __init__(self, app: ASGIApp, context: RelayContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            match = LIVE_PATH.fullmatch(scope["path"])
            if match is not None:
                await self._serve(match.group(1), scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _serve(self, room: str, scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        query = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}
        ctx = self.context

        async def refuse(reason: str) -> None:
            # Closing before accepting answers the handshake with HTTP 403.
            await send({"type": "websocket.close", "code": 1008, "reason": reason})

        try:
            found = ctx.room(room)
        except ApiError:
            await refuse("there is no such room")
            return
        token = query.get("token")
        viewer = query.get("viewer_id")
        owner = False
        if token is not None:
            admin = hmac.compare_digest(token.encode(), ctx.settings.admin_token.encode())
            if not (found.owner_matches(token) or admin):
                await refuse("the owner token is wrong")
                return
            owner, viewer = True, "host"
        elif viewer is None or not VIEWER_ID.fullmatch(viewer):
            await refuse("viewer_id must be 6-64 letters, digits, '-' or '_'")
            return
        await send({"type": "websocket.accept"})
        conn = Connection(send, receive, room, viewer, clean_nickname(query.get("nickname"), viewer), owner)
        await ctx.realtime.serve(conn)
