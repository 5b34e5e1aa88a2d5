"""Co-host (连麦) endpoints: the host's invites and guest sessions, the guest's invite check, and the
WHIP signalling that carries a guest's offer to the host's studio and its answer back.

The media never passes through the relay: it goes between the guest's browser and the studio's own
WebRTC endpoint. The relay is where the guest can reach and where the invite is checked:

    guest page ── POST …/cohost/whip (SDP offer, invite token) ──► relay: checks the invite
    relay ── owner feed: {"type": "cohost.offer", ...} ──► studio
    studio ── POST …/cohost/sessions/{sid}/answer {sdp} ──► relay: uses the invite (once)
    relay ── 201 Created (SDP answer, Location, X-Cohost-Secret) ──► guest page
    guest ◄════ ICE + DTLS + media ════► studio

Ending: the guest's ``DELETE`` on the session → owner feed ``cohost.left`` {reason: "left"}; the
studio's ``POST …/end`` {reason} → the guest's page learns it from ``GET`` on the session (held
open with ``?wait=``). Every join and leave goes into the room's event log.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import Field, model_validator

from app.commerce import cohost as invites
from app.commerce.errors import CommerceError
from app.commerce.values import text
from app.relay.cohost import (
    INVITE_ID,
    NAME_MAX,
    Answer,
    Cohost,
    CohostSession,
    guest_name,
    refusal,
)
from app.relay.context import RelayContext, bearer_token, get_context
from app.relay.errors import ApiError
from app.relay.room_auth import require_owner
from app.relay.room_models import Body
from app.relay.rooms import Room
from app.relay.signed_tokens import Claims

router = APIRouter(tags=["co-host"])
Context = Annotated[RelayContext, Depends(get_context)]
ROOM = "/api/v1/rooms/{room}/cohost"
SECRET_HEADER = "X-Cohost-Secret"  # noqa: S105 - a header's name
SDP_MAX = 60_000
NO_TRICKLE = (
    "trickle ICE and ICE restarts are not supported here: wait for ICE gathering to complete and send"
    " the whole offer in the POST"
)
SessionId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
INVITE_INFO_PATH = "/api/v1/cohost/invite"
LINK_OUTDATED = (
    "this invite link is of an old form, which carried its secret in the address: ask the host for a new"
    " link (now /cohost/<room>#t=<token>, the secret after the #, which the browser never sends)"
)


def invite_url(base: str, room: str, token: str) -> str:
    """The guest's link: the page of the room, the invite's token in the fragment (never sent to a server,
    so in no access log and no Referer; the page reads it)."""
    return f"{base}/cohost/{room}#t={token}"


def _cohost(ctx: RelayContext) -> Cohost:
    assert ctx.cohost is not None, "RelayContext.open sets up co-hosting"
    return ctx.cohost


async def _owner(request: Request, ctx: Context, room: str) -> None:
    require_owner(request, ctx, room)


Owner = Depends(_owner)


# --- request bodies -------------------------------------------------------------------------------


class InviteCreate(Body):
    label: str | None = Field(
        default=None, max_length=invites.LABEL_MAX, description="the host's note (not shown to the guest)"
    )
    ttl_s: int = Field(
        default=invites.TTL_DEFAULT,
        ge=invites.TTL_MIN,
        le=invites.TTL_MAX,
        description="seconds the link stays usable (1 min to 24 h; default 30 min)",
    )


def _check_sdp(value: str, what: str) -> str:
    if not value.lstrip().startswith("v=0") or "\nm=" not in value:
        raise ValueError(f"{what} is not an SDP session description (it starts with v=0 and has m= lines)")
    return value


class SessionAnswer(Body):
    sdp: str | None = Field(default=None, min_length=1, max_length=SDP_MAX, description="the SDP answer")
    error: str | None = Field(
        default=None, min_length=1, max_length=300, description="why the studio will not take this guest"
    )
    status: int = Field(default=409, ge=400, le=599, description="the HTTP status the guest gets with `error`")

    @model_validator(mode="after")
    def _one_of(self) -> SessionAnswer:
        if (self.sdp is None) == (self.error is None):
            raise ValueError("send either 'sdp' (the answer) or 'error' (a refusal), not both or neither")
        if self.sdp is not None:
            _check_sdp(self.sdp, "sdp")
        return self


class SessionEnd(Body):
    reason: str = Field(
        min_length=1, max_length=200, examples=["kicked"], description="'kicked', 'disconnected' or a sentence"
    )


# --- checks ---------------------------------------------------------------------------------------


def check_invite(ctx: RelayContext, token: str, room: str | None = None) -> tuple[Room, Claims, dict[str, Any]]:
    """The room and invite a guest's token opens, or the refusal (401/403/404/410) saying why not."""
    claims = _cohost(ctx).tokens.read(token)
    if room is not None and claims.room != room:
        raise refusal(403, "invite_wrong_room", "this invite is for another room", state="wrong_room")
    try:
        found = ctx.room(claims.room)
    except ApiError:
        raise refusal(
            404, "room_not_found", "the room this invite is for no longer exists", state="unknown_room"
        ) from None
    invite = ctx.engine.cohost_invite(found.name, claims.link) if INVITE_ID.fullmatch(claims.link) else None
    if invite is None or int(invite["expires_at"]) != claims.expires_at:
        unknown = "this invite is not known here (the room may have been reset); ask the host for a new one"
        raise refusal(401, "invite_invalid", unknown, state="invalid")
    refused = invites.refusal(invite, ctx.engine.now)
    if refused is not None:
        refused.details.update(room=found.name, title=found.title)
        raise refused
    return found, claims, invite


def _invite_info(found: Room, invite: dict[str, Any]) -> dict[str, Any]:
    return {
        "state": "open",
        "room": found.name,
        "title": found.title,
        "message": f"you are invited to join “{found.title}” as a co-host",
        "expires_at": invite["expires_at"],
        "name_max": NAME_MAX,
        "whip_url": f"/api/v1/rooms/{found.name}/cohost/whip",
    }


def _guest_session(request: Request, ctx: RelayContext, room: str, session_id: str) -> CohostSession:
    """The session, for its guest (the secret from the join, or the invite token) or the room's host."""
    found = ctx.room(room)
    token = bearer_token(request)
    if token is None:
        raise ApiError(
            403, "forbidden", f"this needs the session's secret (the join's {SECRET_HEADER}) as Authorization: Bearer"
        )
    session = _cohost(ctx).sessions.get(room, session_id)
    if session.secret_matches(token) or found.owner_matches(token):
        return session
    if ctx.settings.admin_matches(token):
        return session
    with contextlib.suppress(CommerceError):
        if _cohost(ctx).tokens.read(token).link == session.invite:
            return session
    raise ApiError(401, "unauthorized", "the session secret is wrong", headers={"WWW-Authenticate": "Bearer"})


def _guest_message(session: CohostSession) -> str | None:
    if session.state != "ended":
        return None
    if session.ended_by == "studio":
        if session.reason in ("kicked", "ended", None):
            return "the host ended the co-host session"
        return f"the host ended the co-host session ({session.reason})"
    if session.ended_by == "guest":
        return "you left the co-host session"
    return f"the co-host session ended ({session.reason})"


def _session_view(session: CohostSession) -> dict[str, Any]:
    return {**session.view(), "message": _guest_message(session)}


async def _record_left(ctx: RelayContext, session: CohostSession) -> None:
    """The event-log row for a guest who had joined (the invite was used) and is now gone."""
    if session.started_at is None:
        return
    duration = (session.ended_at or time.time()) - session.started_at
    await ctx.commits.run(
        ctx.engine.cohost_left, session.room, session.invite, session.id, session.name,
        session.ended_by or "relay", session.reason or "", duration,
    )  # fmt: skip


# --- the host's invites and sessions --------------------------------------------------------------


@router.post(f"{ROOM}/invites", status_code=201, dependencies=[Owner])
async def create_invite(room: str, body: InviteCreate, request: Request, ctx: Context) -> dict[str, Any]:
    """A single-use link for one guest; send its `url` to them."""
    invite = await ctx.commits.run(ctx.engine.create_cohost_invite, room, body.label, body.ttl_s)
    token = _cohost(ctx).tokens.sign(room, invite["id"], invite["expires_at"])
    return {**invite, "token": token, "url": invite_url(ctx.base_url(request), room, token)}


@router.get(f"{ROOM}/invites", dependencies=[Owner])
async def list_invites(room: str, request: Request, ctx: Context) -> list[dict[str, Any]]:
    """Newest first: open, used (with the guest's name and session), expired or revoked."""
    base, tokens = ctx.base_url(request), _cohost(ctx).tokens
    result = []
    for invite in ctx.engine.cohost_invites(room):
        url = None
        if invite["state"] == "open":
            url = invite_url(base, room, tokens.sign(room, invite["id"], invite["expires_at"]))
        result.append({**invite, "url": url})
    return result


@router.delete(f"{ROOM}/invites/{{invite_id}}", dependencies=[Owner])
async def revoke_invite(
    room: str, invite_id: Annotated[str, Path(min_length=1, max_length=64)], ctx: Context
) -> dict[str, Any]:
    """The link stops working (a guest already on stays on: end their session for that)."""
    return await ctx.commits.run(ctx.engine.revoke_cohost_invite, room, invite_id)


@router.get(f"{ROOM}/sessions", dependencies=[Owner])
async def list_sessions(room: str, ctx: Context) -> list[dict[str, Any]]:
    """Guests joining, on, and recently ended (10 min), newest first."""
    return [s.view() for s in _cohost(ctx).sessions.of_room(room)]


@router.post(f"{ROOM}/sessions/{{session_id}}/answer", dependencies=[Owner])
async def answer_session(room: str, session_id: SessionId, body: SessionAnswer, ctx: Context) -> dict[str, Any]:
    """The studio's answer to a ``cohost.offer`` (or its refusal, passed on to the guest)."""
    session = _cohost(ctx).sessions.get(room, session_id)
    if session.state in ("answering", "live"):
        raise refusal(409, "already_answered", "this session has already been answered")
    if session.state == "ended":
        if session.started_at is not None:
            raise refusal(410, "session_gone", f"this session has already ended ({session.reason})")
        raise refusal(410, "session_gone", f"the guest is no longer waiting ({session.reason})")
    if body.error is not None:
        session.end("studio", "refused")
        session.answer.set_result(Answer(error=f"the host's studio refused: {body.error}", status=body.status))
        return session.view()
    session.state = "answering"
    try:
        await ctx.commits.run(ctx.engine.use_cohost_invite, room, session.invite, session.id, session.name)
    except CommerceError as exc:  # revoked or expired while the studio was answering
        session.end("relay", exc.code)
        if not session.answer.done():
            session.answer.set_result(Answer(error=exc.message, status=exc.status, code=exc.code))
        raise
    session.started_at = time.time()
    if session.state == "ended":  # the guest went away while the invite was being used
        await _record_left(ctx, session)
        raise refusal(410, "session_gone", f"the guest is no longer waiting ({session.reason})")
    session.state = "live"
    session.answer.set_result(Answer(sdp=body.sdp))
    return session.view()


@router.post(f"{ROOM}/sessions/{{session_id}}/end", dependencies=[Owner])
async def end_session(room: str, session_id: SessionId, body: SessionEnd, ctx: Context) -> dict[str, Any]:
    """The studio ended the guest's session (kicked, or their connection dropped): their page is told."""
    session = _cohost(ctx).sessions.get(room, session_id)
    reason = text(body.reason, "reason", 200).replace("\n", " ")
    was = session.state
    if session.end("studio", reason):
        if was == "offered" and not session.answer.done():
            message = f"the host's studio refused: {reason}"
            session.answer.set_result(Answer(error=message, status=409))
        elif was == "live":
            await _record_left(ctx, session)
    return session.view()


# --- the guest ------------------------------------------------------------------------------------


@router.get(INVITE_INFO_PATH)
async def invite_info(request: Request, ctx: Context) -> dict[str, Any]:
    """What the guest page shows, for the invite in ``Authorization: Bearer <invite token>``: the room, and
    whether the invite can be used (else 401/404/410 saying why)."""
    token = bearer_token(request)
    if token is None:
        raise refusal(
            401, "invite_missing", "this needs the invite: Authorization: Bearer <invite token>", state="invalid"
        )
    found, _, invite = check_invite(ctx, token)
    return _invite_info(found, invite)


@router.get("/api/v1/cohost/{token}", status_code=400, include_in_schema=False)
async def invite_info_in_url(token: Annotated[str, Path(max_length=1000)]) -> dict[str, Any]:
    """The old form, the invite's token in the path (and so in every log on the way): refused."""
    raise ApiError(400, "token_in_url", f"{LINK_OUTDATED} (an API client: GET {INVITE_INFO_PATH} with"
                   " Authorization: Bearer <invite token>)")  # fmt: skip


_NAME_DOC = f"the guest's name, percent-encoded UTF-8, 1-{NAME_MAX} characters"
_WHIP_DOC: dict[str, Any] = {
    "parameters": [
        {
            "name": "Authorization",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
            "description": "Bearer <invite token>",
        },
        {
            "name": "X-Guest-Name",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": _NAME_DOC + " (without it, as from a standard WHIP client: the invite's label, or Guest)",
        },
    ],
    "requestBody": {"required": True, "content": {"application/sdp": {"schema": {"type": "string"}}}},
    "responses": {
        "201": {
            "description": "the studio's SDP answer",
            "content": {"application/sdp": {"schema": {"type": "string"}}},
            "headers": {
                "Location": {"schema": {"type": "string"}, "description": "the session (GET, DELETE)"},
                SECRET_HEADER: {"schema": {"type": "string"}, "description": "bearer token for the session"},
            },
        }
    },
}


def _sdp_offer(request: Request, body: bytes) -> str:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/sdp":
        raise refusal(415, "unsupported_media_type", "send the SDP offer with Content-Type: application/sdp")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise refusal(400, "bad_sdp", "the offer is not UTF-8 text") from None
    try:
        return _check_sdp(decoded, "the offer")
    except ValueError as exc:
        raise refusal(400, "bad_sdp", str(exc)) from None


async def _client_gone(request: Request) -> bool:
    """Completes when the guest's HTTP connection closes (True), which the server reports as a
    ``http.disconnect`` once the body has been read."""
    message = await request.receive()
    return message.get("type") == "http.disconnect"


async def _wait_for_answer(request: Request, session: CohostSession, timeout: float) -> Answer | str:
    """The studio's answer; or ``"timeout"``, or ``"cancelled"`` when the guest stopped waiting."""
    gone = asyncio.ensure_future(_client_gone(request))
    try:
        waiting: set[asyncio.Future[Any]] = {session.answer, gone}
        await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if not session.answer.done() and session.state == "answering":
            # The studio's answer is being recorded right now (a single commit): let it finish.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(session.answer), 5)
        if session.answer.done():
            return session.answer.result()
        if gone.done() and not gone.cancelled() and gone.exception() is None and gone.result():
            return "cancelled"
        return "timeout"
    finally:
        gone.cancel()


@router.post(f"{ROOM}/whip", status_code=201, response_class=Response, openapi_extra=_WHIP_DOC)
async def whip_join(room: str, request: Request, ctx: Context) -> Response:
    """WHIP (RFC 9725) join: the guest's SDP offer goes to the host's studio, whose answer comes back.

    The invite is used up only when the studio accepts. Errors: 401 ``invite_missing`` /
    ``invite_invalid``, 403 ``invite_wrong_room``, 410 ``invite_expired`` / ``invite_used`` /
    ``invite_revoked``, 415, 400 ``bad_guest_name`` / ``bad_sdp``, 409 ``invite_busy``, 503
    ``studio_not_connected``, 504 ``studio_timeout``, and the studio's own refusal.
    """
    ctx.room(room)
    co = _cohost(ctx)
    token = bearer_token(request)
    if token is None:
        raise refusal(401, "invite_missing", "joining needs the invite: Authorization: Bearer <invite token>")
    _, claims, invite = check_invite(ctx, token, room)
    body = await request.body()
    offer = _sdp_offer(request, body)
    # A standard WHIP client (OBS, FFmpeg) sends no name: the invite's label, else "Guest", stands in.
    given = request.headers.get("x-guest-name")
    name = guest_name(given) if given is not None else (str(invite.get("label") or "") or "Guest")[:NAME_MAX]
    not_connected = refusal(
        503, "studio_not_connected", "the host's studio is not connected, so nobody can answer; try again in a moment",
        retry_after=5,
    )  # fmt: skip
    if not ctx.realtime.owner_connected(room):
        raise not_connected
    session = co.sessions.create(room, claims.link, name)
    event = {"type": "cohost.offer", "session": session.id, "invite": claims.link, "name": name, "sdp": offer}
    if not ctx.realtime.push_owner(room, event):
        session.end("relay", "no_studio")
        raise not_connected
    try:
        outcome = await _wait_for_answer(request, session, co.answer_timeout)
    except asyncio.CancelledError:  # the relay is stopping
        if session.end("relay", "cancelled"):
            ctx.realtime.push_owner(room, {"type": "cohost.left", "session": session.id, "reason": "cancelled"})
        raise
    if isinstance(outcome, str):
        if session.end("guest" if outcome == "cancelled" else "relay", outcome):
            ctx.realtime.push_owner(room, {"type": "cohost.left", "session": session.id, "reason": outcome})
        if outcome == "cancelled":
            raise refusal(400, "cancelled", "the guest stopped waiting")
        raise refusal(
            504, "studio_timeout", f"the host's studio did not answer within {co.answer_timeout:g} s; try again"
        )
    if outcome.sdp is None:
        raise refusal(outcome.status, outcome.code, outcome.error or "the host's studio refused")
    location = f"/api/v1/rooms/{room}/cohost/sessions/{session.id}"
    headers = {"Location": location, SECRET_HEADER: session.secret, "Cache-Control": "no-store"}
    return Response(outcome.sdp, status_code=201, media_type="application/sdp", headers=headers)


@router.patch(f"{ROOM}/whip", include_in_schema=False)
async def whip_patch(room: str) -> Response:
    raise ApiError(405, "method_not_allowed", NO_TRICKLE, headers={"Allow": "POST"})


@router.get(f"{ROOM}/sessions/{{session_id}}")
async def guest_session(
    room: str,
    session_id: SessionId,
    request: Request,
    ctx: Context,
    wait: Annotated[
        float, Query(ge=0, le=30, description="hold the answer up to this long for the session to end")
    ] = 0,
) -> dict[str, Any]:
    """The session's state for its guest (bearer: the join's secret). ``ended`` carries who ended it,
    why, and a sentence for the page."""
    session = _guest_session(request, ctx, room, session_id)
    if wait and session.state != "ended":
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(session.ended.wait(), wait)
    return _session_view(session)


@router.delete(f"{ROOM}/sessions/{{session_id}}", status_code=204)
async def leave_session(room: str, session_id: SessionId, request: Request, ctx: Context) -> Response:
    """The guest leaves (WHIP's DELETE): the studio is told on the owner feed (``cohost.left``)."""
    session = _guest_session(request, ctx, room, session_id)
    if session.end("guest", "left"):
        ctx.realtime.push_owner(room, {"type": "cohost.left", "session": session.id, "reason": "left"})
        await _record_left(ctx, session)
    return Response(status_code=204)


@router.patch(f"{ROOM}/sessions/{{session_id}}", include_in_schema=False)
async def session_patch(room: str, session_id: str) -> Response:
    raise ApiError(405, "method_not_allowed", NO_TRICKLE, headers={"Allow": "GET, DELETE"})
