"""Viewer sessions over HTTP: minting and renewing one, ending it, rotating the signing keys.

The room's pages get their session with the page itself (a cookie set by ``/watch/{room}`` and the
replay pages); API clients (apps, load tools, tests) ``POST /api/v1/sessions`` and send the token
they get as ``Authorization: Bearer``. See app/relay/viewer_sessions.py.
"""

from __future__ import annotations

from typing import Annotated

import anyio.from_thread
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.commerce.errors import CommerceError
from app.relay.api_rooms import Admin
from app.relay.context import RelayContext, get_context
from app.relay.viewer_sessions import ViewerSession, bearer_session, cookie_header, token_from

router = APIRouter(prefix="/api/v1", tags=["viewer"])
Context = Annotated[RelayContext, Depends(get_context)]


class SessionOut(BaseModel):
    token: str
    """Send as ``Authorization: Bearer <token>``; the same token is set as the page's cookie."""
    viewer: str
    """The viewer's id, as the relay knows them (it never needs to be sent)."""
    expires_at: int


class PhoneStart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = Field(max_length=32, examples=["+8613800138000"])


class PhoneCheck(PhoneStart):
    code: str = Field(max_length=12, examples=["123456"])


class CodeSent(BaseModel):
    sent: bool
    expires_in: float
    provider: str
    test_code: str | None = None
    """Test mode only: the code, as the test-mode payment says "no charge"."""


class KeyRing(BaseModel):
    keys: int
    """Signing keys the relay now verifies with (the newest signs)."""


def secure_cookies(ctx: RelayContext, request: Request) -> bool:
    base = ctx.settings.public_url or str(request.base_url)
    return base.startswith("https:")


def current_or_new(ctx: RelayContext, request: Request) -> tuple[ViewerSession, bool]:
    """The request's session, renewed when due, or a new one; and whether it is to be sent back
    (new or renewed). A forged or expired one is replaced, never an error: the page just opens."""
    keys = ctx.viewer_sessions()
    token = token_from(request.headers)
    if token is not None:
        try:
            session = keys.read(token)
        except CommerceError as exc:
            if exc.status != 401:  # the store is away (503): not a reason to make this a new viewer
                raise
        else:
            if session.needs_renewal(keys.clock()):
                return keys.mint(session.viewer), True
            return session, False
    # A new viewer counts against the address's new sessions (this runs in a route's worker thread).
    anyio.from_thread.run(ctx.limit, "session", None, request.scope)
    return keys.mint(), True


def set_cookie(ctx: RelayContext, request: Request, response: Response, session: ViewerSession) -> None:
    response.headers.append("Set-Cookie", cookie_header(session, secure=secure_cookies(ctx, request)))


@router.post("/sessions", status_code=201, response_model=SessionOut)
async def start_session(request: Request, response: Response, ctx: Context) -> SessionOut:
    """A session for an API client: a new viewer (201), or the caller's own renewed (200) when it sends a
    valid one as its bearer. No cookie is read or set here (the pages get theirs with the page): a page
    on another site posting here changes no one's session, and no script can trade a cookie for a token."""
    keys = ctx.viewer_sessions()
    token = bearer_session(request.headers)
    session = None
    if token is not None:
        try:
            session = keys.mint(keys.read(token).viewer)
            response.status_code = 200
        except CommerceError as exc:
            if exc.status != 401:
                raise
    if session is None:
        await ctx.limit("session", None, request.scope)
        session = keys.mint()
    response.headers["Cache-Control"] = "no-store"
    return SessionOut(token=session.token, viewer=session.viewer, expires_at=session.expires_at)


@router.post("/sessions/verification", status_code=202, response_model=CodeSent, response_model_exclude_none=True)
async def send_code(body: PhoneStart, request: Request, ctx: Context) -> CodeSent:
    """Send a six-digit code to a phone number (at most one every 30 s per number, and a few per session
    and per address: each is a message someone pays for)."""
    viewer = ctx.viewer(request.headers)
    await ctx.limit("phone_code", viewer, request.scope)
    return CodeSent.model_validate(await ctx.phone_verifier().start(body.phone))


@router.post("/sessions/verification/check", response_model=SessionOut)
async def check_code(body: PhoneCheck, request: Request, response: Response, ctx: Context) -> SessionOut:
    """The right code: a session for the verified viewer this number is (the same for every session
    that proves it), as the page's cookie and the answer; a wrong one 422 ``code_wrong``. Only from a
    page of this relay (a page elsewhere must not put its own verified viewer in a visitor's cookie)."""
    if not ctx.origin_allowed(request.headers):
        raise CommerceError(403, "cross_site", "a page on another site cannot verify a viewer here")
    session = ctx.viewer_sessions().mint(await ctx.phone_verifier().check(body.phone, body.code))
    set_cookie(ctx, request, response, session)
    response.headers["Cache-Control"] = "no-store"
    return SessionOut(token=session.token, viewer=session.viewer, expires_at=session.expires_at)


@router.delete("/sessions/current", status_code=204)
def end_session(request: Request, ctx: Context) -> Response:
    """Forget the page's session cookie (the next page load starts a new viewer)."""
    return Response(status_code=204, headers={"Set-Cookie": cookie_header(None, secure=secure_cookies(ctx, request))})


@router.post("/admin/session-keys", dependencies=[Admin], response_model=KeyRing)
def rotate_session_keys(ctx: Context) -> KeyRing:
    """Rotate the viewer-session signing key: sessions signed under the previous key keep working,
    those under the one before it end (so two rotations end every session)."""
    return KeyRing(keys=ctx.viewer_sessions().rotate())
