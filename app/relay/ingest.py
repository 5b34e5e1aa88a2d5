"""Authenticated ingest: the broadcaster PUTs and DELETEs stream files under its room.

Checks run before anything touches the disk, in this order: the room exists (404), the stream key
is right (401), the file name stays inside the room (400), the body fits the limit (413).
"""

from __future__ import annotations

import logging
from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from app.relay import replay
from app.relay.context import RelayContext, bearer_token, get_context, unauthorized
from app.relay.errors import ApiError
from app.relay.media_store import MediaConflictError, MediaPathError, parse_media_path
from app.relay.rooms import Room

log = logging.getLogger(__name__)
router = APIRouter(tags=["ingest"])
Context = Annotated[RelayContext, Depends(get_context)]

_DRAIN_FACTOR = 8
"""An oversized body up to this many times the limit is read and discarded, so the client gets
the 413 answer instead of a reset connection; anything larger is cut off."""


def require_stream_key(request: Request, ctx: RelayContext, room: str) -> Room:
    """The broadcaster's credential: the room exists (404), then its stream key is right (401)."""
    found = ctx.room(room)
    key = bearer_token(request)
    if key is None:
        raise unauthorized("ingest needs the room's stream key: Authorization: Bearer <stream key>")
    if not found.key_matches(key):
        raise unauthorized(f"the stream key for room {room!r} is wrong")
    return found


def _authorize(request: Request, ctx: RelayContext, room: str, path: str) -> PurePosixPath:
    require_stream_key(request, ctx, room)
    try:
        return parse_media_path(path)
    except MediaPathError as exc:
        raise ApiError(400, "bad_path", str(exc)) from None


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"the body is larger than the relay's limit of {limit} bytes")


async def read_limited_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "bad_request", "Content-Length must be a whole number")
        if int(declared) > limit * _DRAIN_FACTOR:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit * _DRAIN_FACTOR:
            break
        if size <= limit:
            chunks.append(chunk)
    if size > limit:
        raise _too_large(limit)
    return b"".join(chunks)


@router.put("/ingest/{room}/{path:path}", status_code=201)
async def put_file(room: str, path: str, request: Request, ctx: Context) -> Response:
    rel = _authorize(request, ctx, room, path)
    body = await read_limited_body(request, ctx.settings.max_body_bytes)
    floor = ctx.settings.min_free_mb * 1024 * 1024
    if floor and await run_in_threadpool(replay.free_bytes, ctx.media.root) < floor + len(body):
        # The free-space floor keeps room for the order database: 507 is retryable for the broadcaster.
        raise ApiError(507, "disk_full", f"the relay's disk is below its free-space floor ({floor} bytes)")
    try:
        created = await run_in_threadpool(ctx.media.write, room, rel, body)
    except MediaConflictError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    except OSError as exc:
        # A full or failing disk: 507 is retryable, so the broadcaster keeps the file and tries again.
        raise ApiError(507, "storage_failed", f"the relay could not store {rel}: {exc.strerror or exc}") from None
    ctx.low_latency.stored(room, rel, body)
    ctx.posters.segment_stored(ctx.media, room, rel)  # now and then, a poster frame (og:image)
    if rel.suffix == ".m3u8":  # the replay keeps every multivariant playlist and every segment listed
        try:
            if len(rel.parts) == 1 and replay.MULTIVARIANT_NAME.fullmatch(rel.name):
                await run_in_threadpool(replay.keep_multivariant, ctx.media.root / room, rel.name, body)
            elif len(rel.parts) == 3:
                await run_in_threadpool(replay.note_playlist, ctx.media.root / room, rel.parts, body)
        except OSError as exc:  # the live stream goes on; only its replay misses this playlist
            log.warning("room %s: could not keep %s for the replay: %s", room, rel, exc)
    change = ctx.live.note_ingest(room, rel, body)
    if change is not None:
        await ctx.commits.run(ctx.engine.log, room, f"stream.{change}")
        if change == "ended":  # a run-of-show does not go on (nor auto-advance) after the broadcast
            await ctx.commits.run(ctx.engine.stop_rundown, room, "auto", "stream_ended")
    return Response(status_code=201 if created else 204)


@router.delete("/ingest/{room}/{path:path}", status_code=204)
async def delete_file(room: str, path: str, request: Request, ctx: Context) -> Response:
    rel = _authorize(request, ctx, room, path)
    try:
        deleted = await run_in_threadpool(ctx.media.delete, room, rel)
    except MediaConflictError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    if not deleted:
        raise ApiError(404, "not_found", f"{rel} does not exist in room {room!r}")
    return Response(status_code=204)
