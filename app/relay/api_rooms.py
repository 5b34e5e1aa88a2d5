"""Room management (admin token) and public room information."""

from __future__ import annotations

import shutil
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError, field_validator

from app.relay.context import RelayContext, bearer_token, get_context, unauthorized
from app.relay.errors import ApiError
from app.relay.formats import StreamFormat
from app.relay.rooms import ROOM_NAME, ROOM_NAME_RULE, Room, RoomExistsError

router = APIRouter(prefix="/api/v1", tags=["rooms"])
Context = Annotated[RelayContext, Depends(get_context)]


async def require_admin(request: Request, ctx: Context) -> None:
    token = bearer_token(request)
    if token is None:
        raise unauthorized("this needs the relay's admin token: Authorization: Bearer <token>")
    if not ctx.settings.admin_matches(token):
        raise unauthorized("the admin token is wrong")


Admin = Depends(require_admin)


class RoomCreate(BaseModel):
    room: str = Field(description=ROOM_NAME_RULE, examples=["demo"])
    title: str = Field(default="", max_length=200, examples=["新品直播 · New arrivals"])

    @field_validator("room")
    @classmethod
    def _room_name(cls, value: str) -> str:
        if not ROOM_NAME.fullmatch(value):
            raise ValueError(f"room name must be {ROOM_NAME_RULE}")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        value = value.strip()
        if any(ord(c) < 32 for c in value):
            raise ValueError("the title may not contain control characters")
        return value


class RoomCreated(BaseModel):
    room: str
    title: str
    stream_key: str = Field(description="shown this once: the relay keeps only its hash (rotate it to get a new one)")
    owner_token: str = Field(description="shown this once: the relay keeps only its hash (rotate it to get a new one)")
    watch_url: str
    hls_url: str
    ingest_url: str


class RoomInfo(BaseModel):
    room: str
    title: str
    state: str = Field(description="offline, live or ended")
    stream_started_at: float | None = Field(
        description="Unix time the current (or last) stream began; changes with every new broadcast"
    )
    watch_url: str
    hls_url: str
    formats: list[StreamFormat] = Field(
        description="The formats (canvases) the current (or last) broadcast is offered in, primary first: "
        "master.m3u8 (named portrait, landscape or square by its size), then any second canvas of a "
        "dual-format show (master-<canvas>.m3u8) that belongs to this broadcast. Empty before the first."
    )
    rehearsal: bool = Field(
        description="The room is rehearsing (彩排): unlisted (left out of listings), its orders are test orders; "
        "its pages say so. The host switches it with PUT /api/v1/rooms/{room}/rehearsal."
    )


class StreamKey(BaseModel):
    room: str
    stream_key: str = Field(description="the new stream key, shown this once: the relay keeps only its hash")


class OwnerToken(BaseModel):
    room: str
    owner_token: str = Field(description="the new owner token, shown this once: the relay keeps only its hash")


def _urls(ctx: RelayContext, request: Request, room: Room) -> dict[str, str]:
    base = ctx.base_url(request)
    return {
        "watch_url": f"{base}/watch/{room.name}",
        "hls_url": f"{base}/live/{room.name}/master.m3u8",
    }


def _info(ctx: RelayContext, request: Request, room: Room) -> RoomInfo:
    state = ctx.room_state(room.name)
    stream = f"{ctx.base_url(request)}/live/{room.name}"
    return RoomInfo(
        room=room.name,
        title=room.title,
        state=state,
        stream_started_at=ctx.stream_started_at(room.name),
        formats=[f.model(stream) for f in ctx.formats(room.name, state)],
        rehearsal=ctx.engine.rehearsing(room.name),
        **_urls(ctx, request, room),
    )


@router.post(
    "/rooms",
    status_code=201,
    response_model=RoomCreated,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": RoomCreate.model_json_schema()}}}
    },
)
async def create_room(request: Request, ctx: Context) -> RoomCreated:
    # The body is parsed by hand, after the token check: FastAPI would read it before any dependency.
    await require_admin(request, ctx)
    try:
        body = RoomCreate.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None
    try:
        made = ctx.rooms.create(body.room, body.title or body.room)
    except RoomExistsError:
        raise ApiError(409, "room_exists", f"a room named {body.room!r} already exists") from None
    room = made.room
    return RoomCreated(
        room=room.name,
        title=room.title,
        stream_key=made.stream_key,
        owner_token=made.owner_token,
        ingest_url=f"{ctx.base_url(request)}/ingest/{room.name}/",
        **_urls(ctx, request, room),
    )


@router.get("/rooms", dependencies=[Admin], response_model=list[RoomInfo])
def list_rooms(
    request: Request,
    ctx: Context,
    listed: Annotated[
        bool,
        Query(
            description="only the rooms that may be listed publicly (a room rehearsing is unlisted): what a "
            "directory of the relay's shows should offer"
        ),
    ] = False,
) -> list[RoomInfo]:
    rooms = ctx.rooms.list()
    if listed:
        rooms = [r for r in rooms if not ctx.engine.rehearsing(r.name)]
    return [_info(ctx, request, r) for r in rooms]


@router.get("/rooms/{room}", response_model=RoomInfo)
def room_info(room: str, request: Request, ctx: Context) -> RoomInfo:
    return _info(ctx, request, ctx.room(room))


@router.post("/rooms/{room}/stream-key", dependencies=[Admin], response_model=StreamKey)
def rotate_stream_key(room: str, ctx: Context) -> StreamKey:
    """A new stream key, shown this once (the relay keeps only its hash). Ingest with the old one is
    refused from now on, and the realtime stream opened with it is closed (4401)."""
    ctx.room(room)
    rotated, key = ctx.rooms.rotate_key(room)
    return StreamKey(room=rotated.name, stream_key=key)


@router.post("/rooms/{room}/owner-token", dependencies=[Admin], response_model=OwnerToken)
async def rotate_owner_token(room: str, ctx: Context) -> OwnerToken:
    """A new owner token, shown this once (the relay keeps only its hash). The host's feeds opened with
    the old one are closed (4401), and the assistant links made with it are revoked (their pages' feeds
    closed too): a session or a link made with a leaked token must not outlive it."""
    ctx.room(room)
    rotated, token = ctx.rooms.rotate_owner_token(room)
    ctx.end_replaced_owner_feeds()
    for assistant_id in await ctx.commits.run(ctx.engine.revoke_assistants, room):
        ctx.realtime.close_assistant(room, assistant_id, "the room's owner token was replaced")
    return OwnerToken(room=rotated.name, owner_token=token)


@router.delete("/rooms/{room}", status_code=204, dependencies=[Admin])
async def delete_room(room: str, ctx: Context) -> Response:
    ctx.room(room)
    ctx.rooms.delete(room)
    ctx.live.forget(room)
    ctx.low_latency.forget_room(room)
    if ctx.stream_formats is not None:
        ctx.stream_formats.forget(room)
    await ctx.commits.run(ctx.engine.delete_room, room)
    ctx.live_metrics().forget(room)
    ctx.timeline.forget(room)
    shutil.rmtree(ctx.media.root / room, ignore_errors=True)
    return Response(status_code=204)
