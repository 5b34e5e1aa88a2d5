"""The run-of-show (直播脚本) API: the room's script and its run (app/commerce/rundown_runner.py).

Owner token; the cues (next, start, launch, stop) are also open to an assistant's (中控) token and
record who gave them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from pydantic import Field

from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError
from app.relay.ingest import read_limited_body
from app.relay.room_auth import require_assistant_or_owner, require_owner
from app.relay.room_models import Body
from app.rundown import ACTION_KINDS, MAX_FILE_BYTES, MAX_SEGMENTS, RundownError, rundown_from_csv, rundown_from_json
from app.rundown import rundown_to_csv as to_csv

router = APIRouter(prefix="/api/v1/rooms/{room}/rundown", tags=["run-of-show"])
Context = Annotated[RelayContext, Depends(get_context)]


async def _owner(request: Request, ctx: Context, room: str) -> str:
    """Who gives the command: ``owner`` (saving the script stays the owner's; the cues below take an
    assistant's link too: :func:`_cue_giver`)."""
    require_owner(request, ctx, room)
    return "owner"


async def _cue_giver(request: Request, ctx: Context, room: str) -> str:
    """Who gives the cue: ``owner``, or ``assistant:<id>`` for an assistant link (app/relay/assistants.py)."""
    return require_assistant_or_owner(request, ctx, room, "rundown")


Owner = Annotated[str, Depends(_owner)]
CueGiver = Annotated[str, Depends(_cue_giver)]


class NextFrom(Body):
    from_cue: int | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="the cue on air when Next was pressed (0: none): refused with 409 if the run has moved on",
    )


class CueAt(Body):
    index: int = Field(ge=0, le=MAX_SEGMENTS - 1, description="the segment to start (0-based)")


class Launch(Body):
    action: str | None = Field(
        default=None,
        pattern=f"^({'|'.join(ACTION_KINDS)})$",
        description=f"one of {', '.join(ACTION_KINDS)}; none: the first armed one",
    )


@router.get("")
async def get_rundown(room: str, ctx: Context, who: CueGiver) -> dict[str, Any]:
    """The room's run-of-show (null before one is saved) and where its run is."""
    return ctx.engine.rundown(room)


@router.get("/csv", response_class=PlainTextResponse)
async def get_rundown_csv(room: str, ctx: Context, who: Owner) -> PlainTextResponse:
    """The run-of-show as a spreadsheet (one row per segment)."""
    found = ctx.engine.rundown(room)["rundown"]
    if found is None:
        raise ApiError(404, "not_found", "this room has no run-of-show yet")
    return PlainTextResponse(
        to_csv(rundown_from_json(found)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{room}-rundown.csv"'},
    )


@router.put(
    "",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def put_rundown(room: str, request: Request, ctx: Context, who: Owner) -> dict[str, Any]:
    """Replace the run-of-show with a JSON file (docs/rundown.md) or a CSV one. A problem answers 422
    naming the field (or the CSV row and column); nothing is half saved."""
    data = await read_limited_body(request, MAX_FILE_BYTES)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        rundown = rundown_from_csv(data) if kind == "text/csv" else rundown_from_json(data)
    except RundownError as exc:
        raise ApiError(422, "invalid_rundown", str(exc)) from None
    return await ctx.commits.run(ctx.engine.save_rundown, room, rundown, who)


@router.post("/next")
async def next_segment(room: str, ctx: Context, who: CueGiver, body: NextFrom | None = None) -> dict[str, Any]:
    """End the current segment and start the next (past the last: the run ends); the run's state.
    With ``from_cue``, a Next pressed twice (or by two people at once) moves the show on once."""
    return await ctx.commits.run(ctx.engine.cue, room, None, who, body.from_cue if body else None)


@router.post("/start")
async def start_segment(room: str, body: CueAt, ctx: Context, who: CueGiver) -> dict[str, Any]:
    """Start the segment at ``index`` (to begin, or to jump)."""
    return await ctx.commits.run(ctx.engine.cue, room, body.index, who)


@router.post("/launch")
async def launch(room: str, body: Launch, ctx: Context, who: CueGiver) -> dict[str, Any]:
    """Launch an armed action of the current segment (the flash sale first)."""
    return await ctx.commits.run(ctx.engine.launch_armed, room, body.action, who)


@router.post("/stop")
async def stop(room: str, ctx: Context, who: CueGiver) -> dict[str, Any]:
    return await ctx.commits.run(ctx.engine.stop_rundown, room, who)
