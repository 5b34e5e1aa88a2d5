"""HLS egress: the room's stream files, with the content types and cache rules players and CDNs need.

Playlists change every segment and must never be cached; segments and init segments never change
once written (each broadcast has its own stream id in their path), so they are immutable.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from starlette.concurrency import run_in_threadpool

from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError
from app.relay.media_store import MediaPathError, media_type, parse_media_path

router = APIRouter(tags=["hls"])
Context = Annotated[RelayContext, Depends(get_context)]

PLAYLIST_CACHE = "no-cache, no-store, must-revalidate"
SEGMENT_CACHE = "public, max-age=31536000, immutable"


@router.get("/live/{room}/{path:path}", operation_id="get_stream_file")
@router.head("/live/{room}/{path:path}", operation_id="head_stream_file")
async def get_stream_file(room: str, path: str, ctx: Context) -> Response:
    ctx.room(room)
    try:
        rel = parse_media_path(path)
    except MediaPathError as exc:
        raise ApiError(400, "bad_path", str(exc)) from None
    # Read whole files: playlists are replaced every second, and a stat-then-stream response could
    # pair one version's length with another version's bytes.
    data = await run_in_threadpool(ctx.media.read, room, rel)
    if data is None:
        raise ApiError(404, "not_found", f"{rel} is not in room {room!r}'s stream (yet)")
    cache = PLAYLIST_CACHE if rel.suffix == ".m3u8" else SEGMENT_CACHE
    headers = {"Cache-Control": cache, "Access-Control-Allow-Origin": "*"}
    return Response(data, media_type=media_type(rel), headers=headers)
