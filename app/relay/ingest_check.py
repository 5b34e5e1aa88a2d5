"""The studio's pre-flight against its relay (app/preflight/network.py): is the stream key right, and how fast
can the studio upload? Both are authenticated by the room's stream key exactly as ingest is
(app/relay/ingest.py): the room exists (404), then the key is right (401).

- ``GET /api/v1/rooms/{room}/ingest/check`` → 204: ingest would take this key.
- ``POST /api/v1/rooms/{room}/ingest/bandwidth`` (any body, at most :data:`PROBE_LIMIT` bytes) →
  ``{"bytes": n, "seconds": s}``: the body is read and thrown away as it arrives, nothing is stored;
  ``seconds`` is the time from its first byte to its last. Above the limit: 413, before anything is
  read when Content-Length says so.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError, error_doc
from app.relay.ingest import require_stream_key

router = APIRouter(prefix="/api/v1/rooms/{room}/ingest", tags=["ingest"])
Context = Annotated[RelayContext, Depends(get_context)]

PROBE_PATH_SUFFIX = "/ingest/bandwidth"
"""The request-body cap (app/relay/body_limit.py) leaves this path to the limit below."""
PROBE_LIMIT = 8 * 1024 * 1024
"""The largest upload probe the relay reads (bytes)."""
_DRAIN_LIMIT = 2 * PROBE_LIMIT
"""A probe over the limit is still read (and dropped) up to here, so the client gets the 413."""

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: error_doc("no stream key, or the wrong one"),
    404: error_doc("no such room"),
}


class BandwidthProbe(BaseModel):
    bytes: int = Field(description="bytes of the body received (and discarded)")
    seconds: float = Field(description="from the body's first byte to its last, on the relay")


@router.get("/check", status_code=204, responses=_ERRORS)
async def check_stream_key(room: str, request: Request, ctx: Context) -> Response:
    """Would ingest take this stream key? 204 when it would, without touching the room."""
    require_stream_key(request, ctx, room)
    return Response(status_code=204)


@router.post("/bandwidth", responses={**_ERRORS, 413: error_doc(f"more than {PROBE_LIMIT} bytes")})
async def bandwidth_probe(room: str, request: Request, ctx: Context) -> BandwidthProbe:
    """Read an upload probe of up to 8 MiB and answer how much arrived and in how long."""
    require_stream_key(request, ctx, room)
    too_large = ApiError(413, "too_large", f"an upload probe may be at most {PROBE_LIMIT} bytes")
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "bad_request", "Content-Length must be a whole number")
        if int(declared) > PROBE_LIMIT:
            raise too_large
    size = 0
    first: float | None = None
    async for chunk in request.stream():
        if chunk and first is None:
            first = time.perf_counter()
        size += len(chunk)
        if size > _DRAIN_LIMIT:
            break
    if size > PROBE_LIMIT:
        raise too_large
    seconds = time.perf_counter() - first if first is not None else 0.0
    return BandwidthProbe(bytes=size, seconds=round(seconds, 6))
