"""Who is calling: the room's host (owner token, or the relay's admin token), an assistant (中控: an
assistant link's token, app/relay/assistants.py) or a viewer (a session the relay issued,
app/relay/viewer_sessions.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from app.commerce import assistants as links
from app.commerce.errors import CommerceError
from app.relay.assistants import ASSISTANT_ID, NOT_ALLOWED, SCOPES, actor
from app.relay.context import RelayContext, bearer_token, get_context
from app.relay.errors import ApiError
from app.relay.rooms import Room
from app.relay.signed_tokens import looks_like_token
from app.relay.viewer_sessions import SESSION_PREFIX


def _owner_bearer(request: Request) -> str | None:
    """The bearer that could be the owner's or an assistant's: a viewer's session is neither (it is a
    viewer's request, like one with no token at all)."""
    token = bearer_token(request)
    return None if token is None or token.startswith(SESSION_PREFIX) else token


def require_owner(request: Request, ctx: RelayContext, room: str) -> Room:
    """The host's actions. A request without a token is a viewer's: 403. A wrong token: 401."""
    found = ctx.room(room)
    token = _owner_bearer(request)
    if token is None:
        raise ApiError(403, "forbidden", "only the room's host can do this (it needs the room's owner token)")
    if found.owner_matches(token) or ctx.settings.admin_matches(token):
        return found
    if looks_like_token(token):  # an assistant's link: 403 when it is valid (it is not the owner's), else why not
        check_assistant(ctx, token, found.name)
        raise ApiError(403, "assistant_not_allowed", NOT_ALLOWED)
    raise ApiError(401, "unauthorized", "the owner token is wrong", headers={"WWW-Authenticate": "Bearer"})


def check_assistant(ctx: RelayContext, token: str, room: str) -> dict[str, Any]:
    """The assistant link ``token`` opens in ``room`` (its engine view), or the refusal: 401
    ``assistant_invalid`` / ``assistant_revoked`` / ``assistant_expired``, 403 ``assistant_wrong_room``."""
    claims = ctx.assistant_tokens().read(token)
    if claims.room != room:
        raise CommerceError(403, "assistant_wrong_room", "this assistant link is for another room", state="wrong_room")
    link = ctx.engine.assistant(room, claims.link) if ASSISTANT_ID.fullmatch(claims.link) else None
    if link is None or int(link["expires_at"]) != claims.expires_at:
        unknown = "this assistant link is not known here (the room may have been reset); ask the host for a new one"
        raise CommerceError(401, "assistant_invalid", unknown, state="invalid")
    refused = links.refusal(link, ctx.engine.now)
    if refused is not None:
        raise refused
    return link


def require_assistant_or_owner(request: Request, ctx: RelayContext, room: str, scope: str) -> str:
    """Who acts: ``"owner"`` (the owner or admin token) or ``"assistant:<id>"`` (a working assistant link,
    for a ``scope`` in app.relay.assistants.SCOPES). No token: 403; a wrong, revoked or expired one: 401."""
    if scope not in SCOPES:
        raise ValueError(f"{scope!r} is not an assistant scope")
    found = ctx.room(room)
    token = _owner_bearer(request)
    if token is None:
        raise ApiError(
            403,
            "forbidden",
            "only the room's host or an assistant can do this (it needs the owner token or an assistant link)",
        )
    if found.owner_matches(token) or ctx.settings.admin_matches(token):
        return "owner"
    if looks_like_token(token):
        return actor(str(check_assistant(ctx, token, found.name)["id"]))
    raise ApiError(401, "unauthorized", "the owner token is wrong", headers={"WWW-Authenticate": "Bearer"})


def acting(scope: str) -> Any:
    """A route dependency answering who acts (``owner`` or ``assistant:<id>``) for ``scope``, as in
    ``who: Annotated[str, acting("pins")]``."""
    if scope not in SCOPES:
        raise ValueError(f"{scope!r} is not an assistant scope")

    async def who_acts(request: Request, ctx: Annotated[RelayContext, Depends(get_context)], room: str) -> str:
        return require_assistant_or_owner(request, ctx, room, scope)

    return Depends(who_acts)


def require_viewer(request: Request, ctx: RelayContext, room: str) -> str:
    """The viewer the request's session names; 401 without a valid session (never a client's word)."""
    ctx.room(room)
    return ctx.viewer(request.headers)
