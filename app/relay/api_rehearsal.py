"""Rehearsal (彩排): the host runs the whole show before it goes public (app/commerce/rehearsal.py).

``PUT /api/v1/rooms/{room}/rehearsal {"on": true|false}`` (owner token) switches it; ``GET`` reads it.
The mode is chosen before going live: switching while the room is live is refused (409 ``live``).
A change is published on the room's feed (``{"type": "rehearsal", "on": bool}``) so every page of the
room puts up or takes down its banner at once, and the live metrics are told.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.relay.context import RelayContext, bearer_token, get_context
from app.relay.errors import ApiError
from app.relay.room_auth import require_owner

router = APIRouter(prefix="/api/v1/rooms/{room}", tags=["host"])
Context = Annotated[RelayContext, Depends(get_context)]


class RehearsalSwitch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: StrictBool = Field(description="true: rehearse (unlisted, test orders); false: end the rehearsal")


class RehearsalState(BaseModel):
    on: bool = Field(description="whether the room is rehearsing")
    # Left out when not rehearsing (the routes drop None fields): not required, then.
    id: str | None = Field(default=None, description="the rehearsal in progress")
    started_at: float | None = Field(default=None, description="Unix time it started")
    by: str | None = Field(default=None, description="who started it: owner or admin")
    orders_cancelled: int | None = Field(default=None, description="ending: the rehearsal's orders cancelled")
    campaigns_ended: int | None = Field(default=None, description="ending: the rehearsal's campaigns ended")


def _by(request: Request, ctx: RelayContext) -> str:
    token = bearer_token(request) or ""
    return "admin" if ctx.settings.admin_matches(token) else "owner"


@router.get("/rehearsal", response_model=RehearsalState, response_model_exclude_none=True)
async def get_rehearsal(room: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Whether the room is rehearsing, since when and by whom."""
    require_owner(request, ctx, room)
    return ctx.engine.rehearsal(room)


@router.put("/rehearsal", response_model=RehearsalState, response_model_exclude_none=True)
async def set_rehearsal(room: str, body: RehearsalSwitch, request: Request, ctx: Context) -> dict[str, Any]:
    """Start (``on: true``) or end the room's rehearsal. While it rehearses the room is unlisted, every
    order is a test order and every event is marked; ending it cancels the rehearsal's orders (their
    stock goes back) and ends the campaigns it started. Refused (409 ``live``) while the room is live."""
    require_owner(request, ctx, room)
    if body.on != ctx.engine.rehearsing(room) and ctx.room_state(room) == "live":
        raise ApiError(
            409,
            "live",
            "the room is live: end the stream first, then "
            + ("start the rehearsal" if body.on else "end the rehearsal")
            + " (rehearsal is chosen before going live)",
        )
    changed = body.on != ctx.engine.rehearsing(room)
    result = await ctx.commits.run(ctx.engine.set_rehearsal, room, body.on, _by(request, ctx))
    if changed:
        _tell_metrics(ctx, room, body.on)
    return result


def _tell_metrics(ctx: RelayContext, room: str, on: bool) -> None:
    """The live metrics count a rehearsal apart from the real show (app/relay/live_metrics.py)."""
    if ctx.metrics is not None:
        ctx.metrics.set_rehearsal(room, on)
