"""The live feed's WebSocket endpoint ``/api/v1/rooms/{room}/live``, in raw ASGI.

A room's feed sends the same batch to every viewer ten times a second; with 2,000 viewers that is
20,000 sends a second. Through Starlette's WebSocket object and the framework's send wrappers each
send cost about twice what uvicorn's own send does (measured with py-spy under
benchmarks/comment_fanout.py), so the feed talks to uvicorn directly. (FastAPI does not document
WebSocket routes in OpenAPI, so nothing is lost there; the protocol is described in
:mod:`app.relay.realtime`.)

Viewers connect with their session (app/relay/viewer_sessions.py: the page's cookie, or
``Authorization: Bearer``) and ``?nickname=…``; the host's console with ``Authorization: Bearer
<owner token>`` (closed with 4401 when the token is replaced); an assistant's page (中控) with its
link's token, as the ``shopcast.assistant`` subprotocol's partner (``new WebSocket(url,
["shopcast.assistant", token])``) or as a bearer; its connection is closed (4401) when the link is
revoked or expires (app/relay/assistants.py). No token goes in the URL: ``?token=`` (the old form) is
refused with 400 ``token_in_url`` saying where it goes instead.

A browser's handshake from another site's page is refused (its ``Origin`` must be this relay's own,
its public URL's, or one of ``--allow-origin``): a page elsewhere must not act in the room with the
viewer's cookie.
"""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.commerce.errors import CommerceError
from app.commerce.values import nickname as clean_nickname
from app.relay.assistants import SUBPROTOCOL, actor
from app.relay.context import RelayContext
from app.relay.errors import ApiError, error_body
from app.relay.realtime import Connection
from app.relay.room_auth import check_assistant
from app.relay.signed_tokens import looks_like_token
from app.relay.viewer_sessions import SESSION_PREFIX

LIVE_PATH = re.compile(r"/api/v1/rooms/([^/]+)/live")
OLD_URL_FORM = (
    "a token no longer goes in the feed's URL (servers and proxies log URLs): send the owner token as the"
    " header Authorization: Bearer <token>, an assistant link's as the shopcast.assistant subprotocol's partner"
)


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
        if "token" in query or "owner_token" in query:
            await deny(scope, send, 400, "token_in_url", OLD_URL_FORM)
            return
        token: str | None = None
        offered = [str(p) for p in scope.get("subprotocols") or ()]
        subprotocol = None
        if SUBPROTOCOL in offered:  # an assistant's page: the token is the other protocol offered
            others = [p for p in offered if p != SUBPROTOCOL]
            if len(others) != 1:
                await refuse(f"{SUBPROTOCOL} needs the assistant link's token as the other subprotocol")
                return
            token, subprotocol = others[0], SUBPROTOCOL
        headers = Headers(scope=scope)
        if not ctx.origin_allowed(headers):
            await refuse("this page's origin may not open the room's feed")
            return
        if token is None:
            token = host_bearer(headers)
        viewer: str | None = None
        owner = False
        assistant: dict[str, object] | None = None
        credential: str | None = None
        if token is not None:
            if found.owner_matches(token):
                owner, viewer, credential = True, "host", found.owner_token_hash
            elif ctx.settings.admin_matches(token):
                owner, viewer = True, "host"
            elif looks_like_token(token):
                try:
                    assistant = check_assistant(ctx, token, found.name)
                except CommerceError as exc:
                    await refuse(f"the assistant link cannot be used: {exc.code}")
                    return
                viewer = actor(str(assistant["id"]))
            else:
                await deny(scope, send, 401, "unauthorized", "the owner token is wrong (or was replaced)")
                return
        else:
            try:
                viewer = ctx.viewer(headers)
            except CommerceError as exc:
                await refuse(exc.code)
                return
        address = ctx.client(scope)
        counted = not owner and assistant is None
        if counted and not ctx.connections.open(address):
            limit = ctx.connections.limit
            await deny(
                scope, send, 429, "slow_down", f"too many live connections from this address (at most {limit})", 10
            )
            return
        accept: dict[str, object] = {"type": "websocket.accept"}
        if subprotocol is not None:
            accept["subprotocol"] = subprotocol  # the browser closes a connection that does not pick one
        try:
            await send(accept)
        except BaseException:
            if counted:
                ctx.connections.close(address)
            raise
        names = (found.title, found.name)
        conn = Connection(send, receive, room, viewer, clean_nickname(query.get("nickname"), viewer, names), owner)
        conn.address, conn.room_names = address, names
        conn.credential = credential
        expiry: asyncio.TimerHandle | None = None
        if assistant is not None:
            conn.assistant = str(assistant["id"])
            conn.nickname = str(assistant["label"])
            left = max(0.0, float(str(assistant["expires_at"])) - ctx.engine.now)
            expiry = asyncio.get_running_loop().call_later(
                left, ctx.realtime.close_assistant, room, conn.assistant, "this assistant link has expired"
            )
        try:
            await ctx.realtime.serve(conn)
        finally:
            if counted:
                ctx.connections.close(address)
            if expiry is not None:
                expiry.cancel()


def host_bearer(headers: Headers) -> str | None:
    """The ``Authorization: Bearer`` token of a handshake when it could be the owner's, the admin's or an
    assistant's (a viewer's session is none of them)."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or token.startswith(SESSION_PREFIX):
        return None
    return token


async def deny(scope: Scope, send: Send, status: int, code: str, message: str, retry_after: int | None = None) -> None:
    """Refuse a handshake with the API's JSON error (``status``; ``Retry-After`` when waiting helps) where
    the server can answer it with HTTP, else with a close before accepting (HTTP 403)."""
    if "websocket.http.response" in (scope.get("extensions") or {}):
        body = json.dumps(error_body(code, message)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if retry_after is not None:
            headers.append((b"retry-after", str(retry_after).encode()))
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
