"""What a viewer's page calls: the room's state, buying, claiming, voting, asking, entering draws.

A viewer is an anonymous id the relay issues in a signed session (app/relay/viewer_sessions.py: the
page's cookie, or ``Authorization: Bearer`` from ``POST /api/v1/sessions``). Refusals are 409 with
``{"error": code, "message": sentence}``; the page shows its own translation of the code.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from app.commerce.values import nickname
from app.feed_protocol import Order
from app.relay import order_lane
from app.relay.context import RelayContext, get_context
from app.relay.errors import error_doc
from app.relay.room_auth import require_viewer
from app.relay.room_models import CommentCreate, DrawEntry, OrderCreate, QuestionCreate, VoteCreate

router = APIRouter(prefix="/api/v1/rooms/{room}", tags=["viewer"])
Context = Annotated[RelayContext, Depends(get_context)]


async def _viewer(request: Request, ctx: Context, room: str) -> str:
    return require_viewer(request, ctx, room)


Viewer = Annotated[str, Depends(_viewer)]


@router.get("/live-state")
async def live_state(room: str, ctx: Context) -> dict[str, Any]:
    """The room as a newly arrived viewer sees it (the live feed sends the same on connect)."""
    ctx.room(room)
    state = ctx.engine.snapshot(room)
    state["online"] = ctx.realtime.online(room)
    return state


@router.get("/me")
async def me(room: str, viewer: Viewer, ctx: Context) -> dict[str, Any]:
    return ctx.engine.me(room, viewer)


@router.get("/verification")
async def verification(room: str, ctx: Context) -> dict[str, Any]:
    """Which actions need a verified viewer here (the page asks before it offers them)."""
    ctx.room(room)
    return {"required": ctx.engine.verification_policy(room)}


@router.get("/products")
async def products(room: str, ctx: Context) -> list[dict[str, Any]]:
    ctx.room(room)
    return ctx.engine.cart(room)


_ORDER_DOC: dict[str, Any] = {
    "parameters": [
        {"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string", "maxLength": 100}},
    ],
    "requestBody": {"required": True, "content": {"application/json": {"schema": OrderCreate.model_json_schema()}}},
    "responses": {
        "201": {
            "description": "The order: ``paid``, or ``created`` while the payment provider has not confirmed it"
            " (its webhook will) or its group has not filled",
            "headers": {
                "Idempotent-Replayed": {"description": "the key's order, given again", "schema": {"type": "string"}}
            },
            "content": {"application/json": {"schema": Order.model_json_schema()}},
        },
        "402": error_doc("payment_declined: the order was cancelled, its units and coupon given back (order_id)"),
        "409": error_doc("Refused: sold out, limit reached, not open yet, … (the code says which)"),
        "422": error_doc("Not a valid order, or idempotency_mismatch: the key was used for another request"),
    },
}


@router.post("/orders", status_code=201, openapi_extra=_ORDER_DOC)
async def place_order(room: str, request: Request) -> Response:
    """Buy with one tap: the order is committed, then charged (app/commerce/payments.py). The
    Idempotency-Key's first answer, refusals included, is given again to a retry with the same request
    for 24 hours (``Idempotent-Replayed: true``); the key with another request is 422
    ``idempotency_mismatch``. Refusals (sold out, limit reached, not open yet, ...) are 409 with a reason,
    a declined payment 402.

    The relay normally answers this path in its fast lane (:mod:`app.relay.order_lane`), with the
    same function as here."""
    ctx: RelayContext = request.app.state.relay
    order, created = await order_lane.place_order(ctx, room, request.scope, await request.body())
    return JSONResponse(order, status_code=201, headers=None if created else {"Idempotent-Replayed": "true"})


@router.get("/flash-sales/{sale_id}")
async def flash_sale(room: str, sale_id: str, ctx: Context) -> dict[str, Any]:
    ctx.room(room)
    return ctx.engine.flash_sale(room, sale_id)


@router.post("/coupons/{coupon_id}/claims", status_code=201)
async def claim_coupon(room: str, coupon_id: str, viewer: Viewer, ctx: Context, request: Request) -> dict[str, Any]:
    await ctx.limit("claim", viewer, request.scope)
    return await ctx.commits.run(ctx.engine.claim_coupon, room, viewer, coupon_id, bounded=True)


@router.get("/group-buys/{group_buy_id}")
async def group_buy(room: str, group_buy_id: str, ctx: Context) -> dict[str, Any]:
    ctx.room(room)
    return ctx.engine.group_buy(room, group_buy_id)


@router.get("/groups/{group_id}")
async def group(room: str, group_id: str, ctx: Context) -> dict[str, Any]:
    ctx.room(room)
    return ctx.engine.group(room, group_id)


@router.post("/polls/{poll_id}/votes", status_code=201)
async def vote(
    room: str, poll_id: str, body: VoteCreate, viewer: Viewer, ctx: Context, request: Request
) -> dict[str, Any]:
    await ctx.limit("vote", viewer, request.scope)
    return await ctx.commits.run(ctx.engine.vote, room, viewer, poll_id, body.option, bounded=True)


@router.post("/questions", status_code=201)
async def ask(room: str, body: QuestionCreate, viewer: Viewer, ctx: Context, request: Request) -> dict[str, Any]:
    await ctx.limit("question", viewer, request.scope)
    return await ctx.commits.run(
        ctx.engine.ask, room, viewer, nickname(body.nickname, viewer, ctx.room_names(room)), body.text, bounded=True
    )


@router.post("/draws/{draw_id}/entries", status_code=201)
async def enter_draw(
    room: str, draw_id: str, body: DrawEntry, viewer: Viewer, ctx: Context, request: Request
) -> dict[str, Any]:
    await ctx.limit("draw_entry", viewer, request.scope)
    name = nickname(body.nickname, viewer, ctx.room_names(room))
    return await ctx.commits.run(ctx.engine.enter_draw, room, viewer, name, draw_id, bounded=True)


@router.get("/draws/{draw_id}")
async def draw(room: str, draw_id: str, ctx: Context) -> dict[str, Any]:
    """The draw and, once closed, everything needed to verify it: seed, entrants, winners, the rule."""
    ctx.room(room)
    return ctx.engine.draw_verification(room, draw_id)


@router.post("/comments", status_code=201)
async def comment(room: str, body: CommentCreate, viewer: Viewer, ctx: Context, request: Request) -> dict[str, Any]:
    """The same as the live feed's ``comment`` message, for clients without a WebSocket."""
    await ctx.limit("comment", viewer, request.scope)
    name = nickname(body.nickname, viewer, ctx.room_names(room))
    return await ctx.commits.run(ctx.engine.comment, room, viewer, name, body.text, bounded=True)
