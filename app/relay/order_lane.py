"""Placing an order, shared by the documented route and the fast lane in front of the framework.

In a flash sale the order endpoint is the load: thousands of taps in seconds. Profiling the relay
under wrk showed half its CPU in framework layers (routing, dependency plumbing, exception and
body-limit middleware) and a quarter in the order itself. :class:`OrderFastLane` answers
``POST /api/v1/rooms/{room}/orders`` directly, ahead of those layers, with the same function and the
same error mapping as the FastAPI route, which stays for the OpenAPI document and for apps built
without the lane.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.commerce.errors import CommerceError
from app.commerce.orders import OrderRequest
from app.commerce.values import nickname
from app.relay import charges
from app.relay.body_limit import API_BODY_LIMIT
from app.relay.context import RelayContext
from app.relay.errors import ApiError, error_response
from app.relay.room_models import OrderCreate

log = logging.getLogger(__name__)

ORDER_PATH = re.compile(r"/api/v1/rooms/([^/]+)/orders")


async def place_order(ctx: RelayContext, room: str, scope: Scope, body: bytes) -> tuple[dict[str, Any], bool]:
    """Validate and place one order; return (order, created now rather than replayed)."""
    ctx.room(room)
    headers = Headers(scope=scope)
    viewer = ctx.viewer(headers)
    key = headers.get("idempotency-key")
    if not key or len(key) > 100 or not key.isprintable():
        raise ApiError(400, "missing_idempotency_key", "send an Idempotency-Key header (1-100 printable characters)")
    try:
        await ctx.limit("order", viewer, scope)
    except CommerceError as exc:
        # A retry of a tap already decided (its answer was lost) gets that answer, limit or not: else a
        # buyer held up here would tap again with a new key and could buy twice.
        if exc.status != 429 or not ctx.engine.knows_key(room, viewer, key):
            raise
    try:
        parsed = OrderCreate.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    request = OrderRequest(
        parsed.sku,
        parsed.qty,
        parsed.flash_sale_id,
        parsed.coupon_id,
        parsed.group_buy_id,
        parsed.group_id,
        parsed.source,
        parsed.seen_at,
    )
    name = nickname(parsed.nickname, viewer, ctx.room_names(room))
    if request.flash_sale_id is None:
        await ctx.sale_gate.recall(room, viewer, key, request.fingerprint())  # refused by the gate for another request?
        placed = await ctx.commits.run(ctx.engine.open_order, room, viewer, name, request, key, bounded=True)
    else:
        sale, fingerprint = request.flash_sale_id, request.fingerprint()
        admitted = await ctx.sale_gate.admit(room, sale, viewer, request.qty, key, fingerprint)
        try:
            placed = await ctx.commits.run(ctx.engine.open_order, room, viewer, name, request, key, bounded=True)
        except BaseException:
            await admitted.failed()
            raise
        await admitted.placed(placed.order, placed.created)
    if placed.pending is None:  # the key's order, given again: nothing to charge
        return placed.order, placed.created
    # Committed: now the provider is charged, outside the transaction and off the loop (app/relay/charges.py).
    return await charges.charge(ctx, placed.pending), True


class OrderFastLane:
    def __init__(self, app: ASGIApp, context: RelayContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            match = ORDER_PATH.fullmatch(scope["path"])
            if match is not None:
                await self._order(match.group(1), scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _order(self, room: str, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        status, extra = 201, {}
        try:
            body = await self._body(headers, receive)
            order, created = await place_order(self.context, room, scope, body)
            payload: dict[str, Any] = order
            if not created:
                extra["idempotent-replayed"] = "true"
        except Exception as exc:
            mapped = error_response(exc)
            if mapped is None:
                log.exception("placing an order failed")
                mapped = 500, {"error": "internal_error", "message": "the relay failed to place the order"}, None
            status, payload, more = mapped
            extra.update(more or {})
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        response_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
        response_headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": data})

    @staticmethod
    async def _body(headers: Mapping[str, str], receive: Receive) -> bytes:
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > API_BODY_LIMIT):
            raise ApiError(413, "too_large", f"request bodies here are limited to {API_BODY_LIMIT} bytes")
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ApiError(400, "bad_request", "the client went away while sending the body")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > API_BODY_LIMIT:
                raise ApiError(413, "too_large", f"request bodies here are limited to {API_BODY_LIMIT} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
