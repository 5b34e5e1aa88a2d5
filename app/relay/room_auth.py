"""Who is calling: the room's host (owner token, or the relay's admin token) or a viewer (X-Viewer-Id)."""

from __future__ import annotations

import hmac

from fastapi import Request

from app.commerce.values import viewer_id
from app.relay.context import RelayContext, bearer_token
from app.relay.errors import ApiError
from app.relay.rooms import Room


def require_owner(request: Request, ctx: RelayContext, room: str) -> Room:
    """The host's actions. A request without a token is a viewer's: 403. A wrong token: 401."""
    found = ctx.room(room)
    token = bearer_token(request)
    if token is None:
        raise ApiError(403, "forbidden", "only the room's host can do this (it needs the room's owner token)")
    if found.owner_matches(token) or hmac.compare_digest(token.encode(), ctx.settings.admin_token.encode()):
        return found
    raise ApiError(401, "unauthorized", "the owner token is wrong", headers={"WWW-Authenticate": "Bearer"})


def require_viewer(request: Request, ctx: RelayContext, room: str) -> str:
    ctx.room(room)
    return viewer_id(request.headers.get("x-viewer-id"))
