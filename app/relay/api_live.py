"""The room's live feed (WebSocket) and the payment provider's webhook."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, WebSocket

from app.commerce.payments import WebhookError
from app.commerce.values import VIEWER_ID
from app.commerce.values import nickname as clean_nickname
from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError
from app.relay.realtime import Connection

router = APIRouter(tags=["live"])
Context = Annotated[RelayContext, Depends(get_context)]


@router.websocket("/api/v1/rooms/{room}/live")
async def live(
    websocket: WebSocket,
    room: str,
    viewer_id: str | None = None,
    nickname: str | None = None,
    token: str | None = None,
) -> None:
    """Viewers connect with ``?viewer_id=…&nickname=…``; the host's console with ``?token=<owner token>``.
    Message types are described in :mod:`app.relay.realtime`."""
    ctx: RelayContext = websocket.app.state.relay
    try:
        found = ctx.room(room)
    except ApiError:
        await websocket.close(code=1008, reason="there is no such room")
        return
    owner = False
    if token is not None:
        admin = hmac.compare_digest(token.encode(), ctx.settings.admin_token.encode())
        if not (found.owner_matches(token) or admin):
            await websocket.close(code=1008, reason="the owner token is wrong")
            return
        owner = True
        viewer_id = "host"
    elif viewer_id is None or not VIEWER_ID.fullmatch(viewer_id):
        await websocket.close(code=1008, reason="viewer_id must be 6-64 letters, digits, '-' or '_'")
        return
    await websocket.accept()
    conn = Connection(websocket, room, viewer_id, clean_nickname(nickname, viewer_id), owner)
    await ctx.realtime.serve(conn)


@router.post("/api/v1/payments/{provider}/webhook", tags=["payments"])
async def payment_webhook(provider: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Where a payment provider confirms or refunds orders (signed; see app.commerce.payments)."""
    if provider != ctx.engine.payment.name:
        raise ApiError(404, "not_found", f"this relay does not use the payment provider {provider!r}")
    body = await request.body()
    try:
        updates = ctx.engine.payment.parse_webhook({k.lower(): v for k, v in request.headers.items()}, body)
    except WebhookError as exc:
        raise ApiError(400, "bad_webhook", str(exc)) from None
    await ctx.commits.run(ctx.engine.apply_payment_updates, updates)
    return {"applied": len(updates)}
