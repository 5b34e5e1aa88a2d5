"""HLS egress: the room's stream files, with the content types and cache rules players and CDNs need.

Playlists change every part and must never be cached; segments, parts and init segments never change
once written (each broadcast has its own stream id in their path), so they are immutable. LL-HLS
blocking requests (``_HLS_msn``/``_HLS_part``, and parts named by a preload hint before they exist)
are held by :mod:`app.relay.ll_hls`.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError
from app.relay.ll_hls import delivery_directives, fragment, part_of
from app.relay.media_store import MediaPathError, media_type, parse_media_path

router = APIRouter(tags=["hls"])
Context = Annotated[RelayContext, Depends(get_context)]

PLAYLIST_CACHE = "no-cache, no-store, must-revalidate"
BLOCKING_PLAYLIST_CACHE = "public, max-age=3"
"""An answer to a blocking playlist request (``_HLS_msn``/``_HLS_part``) holds that part whenever it is
asked again: a caching edge (packaging/nginx/edge.conf) serves it to every viewer asking for the same
part, one origin request per edge; 3 s (the HOLD-BACK) is longer than any player asks for it."""
SEGMENT_CACHE = "public, max-age=31536000, immutable"


@router.get("/live/{room}/{path:path}", operation_id="get_stream_file")
@router.head("/live/{room}/{path:path}", operation_id="head_stream_file")
async def get_stream_file(room: str, path: str, request: Request, ctx: Context) -> Response:
    ctx.room(room)
    try:
        rel = parse_media_path(path)
    except MediaPathError as exc:
        raise ApiError(400, "bad_path", str(exc)) from None
    watch = ctx.low_latency
    directives = None
    if rel.suffix == ".m3u8":
        directives = delivery_directives(dict(request.query_params))
        if directives is not None:
            if watch.position(room, rel) is None:  # e.g. after a relay restart: read what is stored
                stored = await run_in_threadpool(ctx.media.read, room, rel)
                if stored is not None:
                    watch.stored(room, rel, stored)
            await watch.wait_for_playlist(room, rel, *directives)

    # Read whole files: playlists are replaced several times a second, and a stat-then-stream
    # response could pair one version's length with another version's bytes.
    part = part_of(rel)

    async def read() -> bytes | None:
        data = await run_in_threadpool(ctx.media.read, room, rel)
        if data is None and part is not None:  # a part the broadcaster skipped: cut from its segment
            segment = await run_in_threadpool(ctx.media.read, room, part[0])
            data = None if segment is None else fragment(segment, part[1])
        return data

    if rel.suffix == ".m4s" and ctx.live.state(room) == "live":
        # Perhaps a part the playlist hinted at (EXT-X-PRELOAD-HINT): answered as soon as it (or its
        # segment) arrives.
        data = await watch.read_when_stored(room, rel, read, also=None if part is None else part[0])
    else:
        data = await read()
    if data is None:
        raise ApiError(404, "not_found", f"{rel} is not in room {room!r}'s stream (yet)")
    if rel.suffix == ".m3u8" and rel.parent != PurePosixPath("."):  # a media playlist (not master*.m3u8)
        data = ctx.timeline.annotate(room, data)
    if rel.suffix != ".m3u8":
        cache = SEGMENT_CACHE
    else:
        cache = PLAYLIST_CACHE if directives is None else BLOCKING_PLAYLIST_CACHE
    headers = {"Cache-Control": cache, "Access-Control-Allow-Origin": "*"}
    return Response(data, media_type=media_type(rel), headers=headers)
