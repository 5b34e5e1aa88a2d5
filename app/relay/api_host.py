"""The host's console API: everything here needs the room's owner token (a viewer gets 403)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from app.analytics.report import build_report, report_json
from app.commerce.catalog import ProductInput, parse_catalog
from app.commerce.coupons import CouponInput
from app.commerce.flash_sales import FlashSaleInput
from app.commerce.group_buys import GroupBuyInput
from app.commerce.strict_json import load_json
from app.commerce.studio_events import STUDIO_EVENTS
from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError
from app.relay.ingest import read_limited_body
from app.relay.room_auth import acting, require_owner
from app.relay.room_models import (
    BlockedWords,
    CouponCreate,
    DrawCreate,
    FlashSaleCreate,
    GroupBuyCreate,
    MuteCreate,
    PinCreate,
    PollCreate,
    ProductCreate,
    QuestionUpdate,
    StockChange,
    VerificationPolicy,
    to_cents,
)

router = APIRouter(prefix="/api/v1/rooms/{room}", tags=["host"])
Context = Annotated[RelayContext, Depends(get_context)]
CATALOG_LIMIT = 4 * 1024 * 1024


async def _owner(request: Request, ctx: Context, room: str) -> None:
    require_owner(request, ctx, room)


Owner = Depends(_owner)


@router.post("/products", status_code=201, dependencies=[Owner])
async def add_product(room: str, body: ProductCreate, ctx: Context) -> dict[str, Any]:
    item = ProductInput(body.sku, body.title.strip(), to_cents(body.price), body.stock, body.image)
    return await ctx.commits.run(ctx.engine.add_product, room, item)


@router.post(
    "/catalog",
    dependencies=[Owner],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_catalog(room: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Add or update products from a JSON list or a CSV file (sku,title,price,stock[,image,parent_sku,option])."""
    data = await read_limited_body(request, CATALOG_LIMIT)
    items = parse_catalog(data, request.headers.get("content-type", ""))
    imported = await ctx.commits.run(ctx.engine.import_catalog, room, items)
    return {"imported": imported, "cart": ctx.engine.cart(room)}


# Who acts on the routes an assistant (中控) link may use too: "owner" or "assistant:<id>", recorded
# in the event log as ``by`` (app/relay/assistants.py).
PinsActor = Annotated[str, acting("pins")]
CommentsActor = Annotated[str, acting("comments")]
MutesActor = Annotated[str, acting("mutes")]
QuestionsActor = Annotated[str, acting("questions")]


@router.post("/pins", status_code=201)
async def pin(room: str, body: PinCreate, ctx: Context, who: PinsActor) -> dict[str, Any]:
    """Pin a product (讲解中; owner or assistant)."""
    return {"pins": await ctx.commits.run(ctx.engine.pin, room, body.sku, who)}


@router.delete("/pins/{sku}")
async def unpin(room: str, sku: str, ctx: Context, who: PinsActor) -> dict[str, Any]:
    """Take a pin down (owner or assistant)."""
    return {"pins": await ctx.commits.run(ctx.engine.unpin, room, sku, who)}


@router.post("/flash-sales", status_code=201, dependencies=[Owner])
async def create_flash_sale(room: str, body: FlashSaleCreate, ctx: Context) -> dict[str, Any]:
    sale = FlashSaleInput(
        body.sku, to_cents(body.price), body.stock, body.per_user_limit, body.countdown_s, body.duration_s
    )
    return await ctx.commits.run(ctx.engine.create_flash_sale, room, sale)


@router.post("/flash-sales/{sale_id}/end", dependencies=[Owner])
async def end_flash_sale(room: str, sale_id: str, ctx: Context) -> dict[str, Any]:
    return await ctx.commits.run(ctx.engine.end_flash_sale, room, sale_id)


@router.post("/coupons", status_code=201, dependencies=[Owner])
async def create_coupon(room: str, body: CouponCreate, ctx: Context) -> dict[str, Any]:
    coupon = CouponInput(body.title.strip(), to_cents(body.amount), to_cents(body.min_spend), body.quota,
                         body.per_user_limit, body.valid_s)  # fmt: skip
    return await ctx.commits.run(ctx.engine.create_coupon, room, coupon)


@router.post("/coupons/{coupon_id}/end", dependencies=[Owner])
async def end_coupon(room: str, coupon_id: str, ctx: Context) -> dict[str, Any]:
    return await ctx.commits.run(ctx.engine.end_coupon, room, coupon_id)


@router.post("/group-buys", status_code=201, dependencies=[Owner])
async def create_group_buy(room: str, body: GroupBuyCreate, ctx: Context) -> dict[str, Any]:
    campaign = GroupBuyInput(body.sku, to_cents(body.price), body.group_size, body.window_s)
    return await ctx.commits.run(ctx.engine.create_group_buy, room, campaign)


@router.post("/group-buys/{group_buy_id}/end", dependencies=[Owner])
async def end_group_buy(room: str, group_buy_id: str, ctx: Context) -> dict[str, Any]:
    return await ctx.commits.run(ctx.engine.end_group_buy, room, group_buy_id)


@router.post("/polls", status_code=201, dependencies=[Owner])
async def open_poll(room: str, body: PollCreate, ctx: Context) -> dict[str, Any]:
    return await ctx.commits.run(ctx.engine.open_poll, room, body.question, body.options)


@router.post("/polls/{poll_id}/close", dependencies=[Owner])
async def close_poll(room: str, poll_id: str, ctx: Context) -> dict[str, Any]:
    return await ctx.commits.run(ctx.engine.close_poll, room, poll_id)


@router.get("/questions")
async def question_queue(room: str, ctx: Context, who: QuestionsActor) -> list[dict[str, Any]]:
    """The Q&A queue, open questions first (owner or assistant)."""
    return ctx.engine.questions(room)


@router.patch("/questions/{question_id}")
async def update_question(
    room: str, question_id: str, body: QuestionUpdate, ctx: Context, who: QuestionsActor
) -> dict[str, Any]:
    """Answer, pin or dismiss a question (owner or assistant)."""

    def update() -> dict[str, Any]:
        return ctx.engine.update_question(
            room, question_id, status=body.status, pinned=body.pinned, answer=body.answer, by=who
        )

    return await ctx.commits.run(update)


@router.post("/draws", status_code=201, dependencies=[Owner])
async def open_draw(room: str, body: DrawCreate, ctx: Context) -> dict[str, Any]:
    return await ctx.commits.run(ctx.engine.open_draw, room, body.prize, body.winners, body.keyword, body.duration_s)


@router.post("/draws/{draw_id}/close", dependencies=[Owner])
async def close_draw(room: str, draw_id: str, ctx: Context) -> dict[str, Any]:
    return await ctx.commits.run(ctx.engine.close_draw, room, draw_id)


@router.delete("/comments/{comment_id}", status_code=204)
async def delete_comment(
    room: str, comment_id: Annotated[int, Path(ge=1, le=2**63 - 1)], ctx: Context, who: CommentsActor
) -> Response:
    """Delete a comment for everyone (owner or assistant)."""
    await ctx.commits.run(ctx.engine.delete_comment, room, comment_id, who)
    return Response(status_code=204)


@router.post("/mutes", status_code=201)
async def mute(room: str, body: MuteCreate, ctx: Context, who: MutesActor) -> dict[str, Any]:
    """Stop a viewer commenting for some minutes (owner or assistant)."""
    return await ctx.commits.run(ctx.engine.mute, room, body.viewer_id, body.minutes, who)


@router.delete("/mutes/{viewer_id}", status_code=204)
async def unmute(room: str, viewer_id: str, ctx: Context, who: MutesActor) -> Response:
    """Let a muted viewer comment again (owner or assistant)."""
    await ctx.commits.run(ctx.engine.unmute, room, viewer_id, who)
    return Response(status_code=204)


@router.get("/blocked-words", dependencies=[Owner])
async def blocked_words(room: str, ctx: Context) -> dict[str, Any]:
    return {"words": ctx.engine.blocked_words(room)}


@router.put("/blocked-words", dependencies=[Owner])
async def set_blocked_words(room: str, body: BlockedWords, ctx: Context) -> dict[str, Any]:
    return {"words": await ctx.commits.run(ctx.engine.set_blocked_words, room, body.words)}


@router.post("/products/{sku}/stock", dependencies=[Owner])
async def change_stock(room: str, sku: str, body: StockChange, ctx: Context) -> dict[str, Any]:
    """Move a product's stock by a delta with its reason (a re-import of the catalog moves it by what the
    catalog's figure moved): never set outright, so units sold meanwhile are never handed out again."""
    return await ctx.commits.run(ctx.engine.change_stock, room, sku, body.delta, body.reason)


@router.put("/verification", dependencies=[Owner])
async def set_verification(room: str, body: VerificationPolicy, ctx: Context) -> dict[str, Any]:
    """Keep flash sales, lucky draws or coupons for verified viewers (a proved phone number): one
    person, one limit, however many sessions they start."""
    return {"required": await ctx.commits.run(ctx.engine.set_verification_policy, room, body.model_dump())}


@router.get("/orders", dependencies=[Owner])
async def orders(room: str, ctx: Context, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
    return ctx.engine.orders(room, limit)


@router.post("/orders/{order_id}/refund", dependencies=[Owner])
async def refund(room: str, order_id: str, ctx: Context) -> dict[str, Any]:
    return await ctx.commits.run(ctx.engine.refund_order, room, order_id)


@router.get("/console-state", dependencies=[Owner])
async def console_state(room: str, ctx: Context) -> dict[str, Any]:
    """Everything the host's console shows, at once (the feed then keeps it current)."""
    state = ctx.engine.snapshot(room, owner=True)
    state["online"] = ctx.realtime.online(room)
    return state


@router.get("/events", dependencies=[Owner])
async def events(
    room: str,
    ctx: Context,
    after: Annotated[int, Query(ge=0, le=2**63 - 1, description="return events with a larger id")] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    """The room's event log, oldest first: every viewer and host action with wall and stream time."""
    return ctx.engine.events(room, after, limit)


# --- the studio's own events, live metrics and the report (app/analytics/) -------------------------------

_STUDIO_EVENT_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["type", "data"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"type": "string", "enum": list(STUDIO_EVENTS)},
                        "data": {
                            "type": "object",
                            "description": "health.incident: {code, level (warning|error), message, start, end"
                            " (Unix seconds), args? (strings)}; see app/commerce/studio_events.py",
                        },
                    },
                }
            }
        },
    }
}


@router.post("/events", status_code=201, dependencies=[Owner], openapi_extra=_STUDIO_EVENT_DOC)
async def log_event(room: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Log an event the studio observed itself (only ``health.incident``), checked field by field."""
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, "unsupported_media_type", f"send the event as application/json, not {kind[:60]!r}")
    raw = await request.body()
    try:
        body = load_json(raw)
    except ValueError as exc:
        raise ApiError(400, "bad_json", f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_request", 'the body must be a JSON object {"type": ..., "data": {...}}')
    unknown = sorted(set(body) - {"type", "data"})
    if unknown:
        raise ApiError(422, "invalid_request", f"unknown field {unknown[0][:40]!r}: the body has only type and data")
    for name in ("type", "data"):
        if name not in body:
            raise ApiError(422, "invalid_request", f'{name} is missing: the body is {{"type": ..., "data": {{...}}}}')
    return await ctx.commits.run(ctx.engine.log_studio_event, room, body["type"], body["data"])


@router.get("/metrics", dependencies=[Owner])
async def metrics(room: str, ctx: Context) -> dict[str, Any]:
    """The live metrics, as the owner feed's ``metrics`` message (see app/relay/realtime.py)."""
    return await ctx.live_metrics().message(room)


@router.get("/report.json", dependencies=[Owner])
async def report(
    room: str,
    ctx: Context,
    show: Annotated[int | None, Query(ge=1, le=1_000_000, description="which broadcast (default: the last)")] = None,
) -> dict[str, Any]:
    """The post-live report of a show (app/analytics/model.py Report), computed from the event log."""
    title = ctx.room(room).title
    events: list[dict[str, Any]] = []
    after = 0
    while True:  # read on the loop (the engine is single-threaded), fold in a worker thread
        rows = ctx.engine.events(room, after, 10_000)
        events.extend(rows)
        if len(rows) < 10_000:
            break
        after = int(rows[-1]["id"])
        await asyncio.sleep(0)
    if not events:
        raise ApiError(404, "no_events", f"room {room!r} has no events yet: nothing to report")
    now = ctx.engine.now
    try:
        made = await run_in_threadpool(lambda: build_report(events, room, title, show=show, now=now))
    except ValueError as exc:
        raise ApiError(404, "show_not_found", str(exc)) from None
    return report_json(made)
