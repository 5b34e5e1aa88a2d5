"""Assistant (中控) links: the host's API to make, list and revoke them, the assistant's "who am I", and
the assistant's page ``/assist/{room}#t=<token>`` (assets/web/assist.html, assist.js, assist.css).

    POST   /api/v1/rooms/{room}/assistants {"label": "小王", "ttl_s": 43200}   owner → 201 {id, label, url, ...}
    GET    /api/v1/rooms/{room}/assistants                                    owner → every link, newest first
    DELETE /api/v1/rooms/{room}/assistants/{id}                               owner → revoked: its next request
                                                                              is 401, its feed closes (4401)
    GET    /api/v1/rooms/{room}/assistant                                     the assistant (or owner): who am I

What an assistant link may do, and how it is checked, is in app/relay/assistants.py and
app/relay/room_auth.py (``require_assistant_or_owner``).
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import Field

from app.commerce import assistants as links
from app.relay.assistants import SCOPES, SUBPROTOCOL, link_view
from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError
from app.relay.room_auth import require_assistant_or_owner, require_owner
from app.relay.room_models import Body
from app.relay.viewer import _page, pick_language, strings

router = APIRouter(tags=["assistant"])
Context = Annotated[RelayContext, Depends(get_context)]
ROOM = "/api/v1/rooms/{room}"
AssistantId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


async def _owner(request: Request, ctx: Context, room: str) -> None:
    require_owner(request, ctx, room)


Owner = Depends(_owner)


class AssistantCreate(Body):
    label: str = Field(
        min_length=1,
        max_length=links.LABEL_MAX,
        examples=["小王"],
        description="who the link is for: their actions are recorded under it",
    )
    ttl_s: int = Field(
        default=links.TTL_DEFAULT,
        ge=links.TTL_MIN,
        le=links.TTL_MAX,
        description="seconds the link works (5 min to 7 days; default 12 h)",
    )


@router.post(f"{ROOM}/assistants", status_code=201, dependencies=[Owner])
async def create_assistant(room: str, body: AssistantCreate, request: Request, ctx: Context) -> dict[str, Any]:
    """A link for an assistant (中控) to run the show from a browser: cues, launches, pins, comments,
    mutes, questions; not the stream, the catalog, refunds, rehearsal or links. Send its `url`."""
    made = await ctx.commits.run(ctx.engine.create_assistant, room, body.label, body.ttl_s)
    return link_view(ctx.base_url(request), room, ctx.assistant_tokens(), made)


@router.get(f"{ROOM}/assistants", dependencies=[Owner])
async def list_assistants(room: str, request: Request, ctx: Context) -> list[dict[str, Any]]:
    """Newest first: active (with its `url`), expired or revoked."""
    base, tokens = ctx.base_url(request), ctx.assistant_tokens()
    return [link_view(base, room, tokens, link) for link in ctx.engine.assistant_links(room)]


@router.delete(f"{ROOM}/assistants/{{assistant_id}}", dependencies=[Owner])
async def revoke_assistant(room: str, assistant_id: AssistantId, ctx: Context) -> dict[str, Any]:
    """The link stops working: its next request is refused (401 ``assistant_revoked``) and its page's
    feed is closed."""
    revoked = await ctx.commits.run(ctx.engine.revoke_assistant, room, assistant_id)
    ctx.realtime.close_assistant(room, assistant_id, "the host revoked this assistant link")
    return {**revoked, "url": None}


@router.get(f"{ROOM}/assistant")
async def who_am_i(room: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Who the bearer is in this room: an assistant link (its id, label, expiry and what it may do) or
    the owner. 401 says why a link no longer works (``assistant_revoked``, ``assistant_expired``)."""
    who = require_assistant_or_owner(request, ctx, room, "feed")
    found = ctx.room(room)
    info: dict[str, Any] = {"room": found.name, "title": found.title, "actor": who, "scopes": sorted(SCOPES)}
    if who == "owner":
        return {**info, "id": None, "label": None, "expires_at": None}
    link = ctx.engine.assistant(found.name, who.partition(":")[2])
    assert link is not None  # checked just now
    return {**info, "id": link["id"], "label": link["label"], "expires_at": link["expires_at"]}


@router.get("/assist/{room}", response_class=HTMLResponse)
async def assistant_page(room: str, request: Request, ctx: Context, lang: str | None = None) -> HTMLResponse:
    """The assistant's page (中控台). The link's token is in the URL's fragment (``#t=...``), which the
    browser keeps to itself; the page sends it as ``Authorization: Bearer`` and on the feed."""
    language = pick_language(lang, request.headers.get("accept-language"))
    headers = {
        "Cache-Control": "no-store",
        "Content-Language": language,
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex, nofollow",
    }
    try:
        found = ctx.room(room)
    except ApiError:
        text = strings(language)
        body = (
            f'<!doctype html><html lang="{language}"><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="stylesheet" href="/static/assist.css"><title>{escape(text["not_found"])}</title>'
            f'<main class="assist-refused"><h1>{escape(text["not_found"])}</h1>'
            f"<p>{escape(text['assist_err_room_not_found'])}</p></main></html>"
        )
        return HTMLResponse(body, status_code=404, headers=headers)
    rehearsal = ctx.engine.rehearsing(found.name)
    config = {
        "room": found.name,
        "lang": language,
        "room_api": f"/api/v1/rooms/{found.name}",
        "feed_url": f"/api/v1/rooms/{found.name}/live",
        "subprotocol": SUBPROTOCOL,
        "rehearsal": rehearsal,
    }
    title = found.title or strings(language)["assist_heading"]
    return HTMLResponse(_page(language, title, config, "assist.html", rehearsal=rehearsal), headers=headers)
