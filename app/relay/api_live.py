"""The payment provider's webhook. (The room's live feed is in :mod:`app.relay.live_lane`.)"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from app.commerce.payments import WebhookError
from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError

router = APIRouter(tags=["live"])
Context = Annotated[RelayContext, Depends(get_context)]


@router.post("/api/v1/payments/{provider}/webhook", tags=["payments"])
async def payment_webhook(provider: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Where a payment provider confirms or refunds orders (signed; see app.commerce.payments)."""
    if provider != ctx.engine.payment.name:
        raise ApiError(404, "not_found", f"this relay does not use the payment provider {provider!r}")
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        event = ctx.engine.payment.parse_webhook(headers, body, ctx.engine.now)
    except WebhookError as exc:
        raise ApiError(400, "bad_webhook", str(exc)) from None
    if not await ctx.commits.run(ctx.engine.apply_payment_updates, event.updates, event.id):
        return {"applied": 0, "duplicate": True}  # 2xx: the provider stops retrying; nothing changed
    return {"applied": len(event.updates)}
