"""The viewer page ``/watch/{room}`` and its static files, in the viewer's language."""

from __future__ import annotations

import json
import logging
import re
from functools import cache
from html import escape
from pathlib import Path
from string import Template
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from app.commerce.errors import CommerceError
from app.paths import assets_dir, hls_js_path
from app.relay import web_assets
from app.relay.api_cohost import INVITE_INFO_PATH, LINK_OUTDATED
from app.relay.api_sessions import current_or_new, secure_cookies
from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError, error_doc
from app.relay.player_boot import player_boot
from app.relay.poster import open_graph_tags, poster_url
from app.relay.signed_tokens import looks_like_token
from app.relay.viewer_sessions import cookie_header
from app.scene_templates import SAFE_BOTTOM, SAFE_TOP

log = logging.getLogger(__name__)
router = APIRouter(tags=["viewer"])
Context = Annotated[RelayContext, Depends(get_context)]

LANGUAGES = ("en", "zh-CN")


def web_dir() -> Path:
    return assets_dir() / "web"


@cache
def strings(language: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((web_dir() / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
    return data


@cache
def _template(name: str = "watch.html") -> Template:
    return Template((web_dir() / name).read_text(encoding="utf-8"))


def pick_language(explicit: str | None, accept_language: str | None) -> str:
    """``?lang=`` wins; else the first supported language in Accept-Language; else English."""
    if explicit:
        if explicit.lower().startswith("zh"):
            return "zh-CN"
        if explicit.lower().startswith("en"):
            return "en"
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        match = re.search(r"q=([0-9.]+)", params)
        try:
            weight = float(match.group(1)) if match else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return "en"


_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _script_json(value: Any) -> str:
    """JSON inside <script> (as Django's json_script): no <, > or & that could close the tag or open
    a comment (``<!--<script``) in it, whatever the text (titles, the studio's playlists)."""
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


OTHER_PAGES = ("assist_", "cohost_", "replay_", "verify_")
"""Prefixes of strings only the assistant, co-host, replay and verify pages show: the watch page, the
one whose weight counts (its first paint), is not sent them (about 150 of the 270, 2 KiB gzipped)."""


def page_strings(text: dict[str, str], template: str) -> dict[str, str]:
    """The strings ``template``'s scripts get (all of them but on the watch page)."""
    if template != "watch.html":
        return text
    return {key: value for key, value in text.items() if not key.startswith(OTHER_PAGES)}


def _page(
    language: str,
    title: str,
    config: dict[str, Any],
    template: str = "watch.html",
    *,
    rehearsal: bool = False,
    boot: dict[str, Any] | None = None,
) -> str:
    text = strings(language)
    fields = {f"t_{key}": escape(value) for key, value in text.items()}
    return _template(template).substitute(
        lang=language,
        title=escape(title),
        config_json=_script_json(config),
        # The watch page's player start in <head> (watch.html): what it can start before watch.js runs.
        boot_json=_script_json(boot or {}),
        strings_json=_script_json(page_strings(text, template)),
        # The rehearsal banner (彩排) is in every page of a room; shown from the first paint while the
        # room rehearses, then kept current by rehearsal.js.
        rehearsal_hidden="" if rehearsal else "hidden",
        # The bands a portrait phone's room keeps to (watch.css): the scene templates' (they keep faces
        # out of them), one number for both.
        safe_area=f"--safe-top: {SAFE_TOP}; --safe-bottom: {SAFE_BOTTOM}",
        **fields,
    )


def _player_boot(ctx: RelayContext, room: str) -> dict[str, Any] | None:
    """The page's LL-HLS start, or None (the page asks for the playlists itself) when the stored
    playlists cannot give one: a malformed playlist the studio pushed never costs the page."""
    try:
        return player_boot(ctx.media, room)
    except (ValueError, KeyError, IndexError, OSError):
        log.warning("room %s: no player start from its playlists", room, exc_info=True)
        return None


def notice_page(language: str, key: str, status: int, headers: dict[str, str]) -> HTMLResponse:
    """A page that only says something (``key`` and ``<key>_hint`` in the pages' strings), in the room's look."""
    text = strings(language)
    body = (
        f'<!doctype html><html lang="{language}"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="stylesheet" href="/static/watch.css"><title>{escape(text[key])}</title>'
        f'<main class="overlay"><p class="overlay-title">{escape(text[key])}</p>'
        f'<p class="overlay-hint">{escape(text[key + "_hint"])}</p></main></html>'
    )
    return HTMLResponse(body, status_code=status, headers=headers)


def busy_page(language: str, refusal: CommerceError) -> HTMLResponse:
    """A new visitor's page when their address has opened too many new sessions (app/relay/rate_limits.py)."""
    retry = str(int(refusal.details.get("retry_after", 60)))
    return notice_page(language, "busy", 429, {"Retry-After": retry, "Cache-Control": "no-store"})


def viewer_session(ctx: RelayContext, request: Request, config: dict[str, Any], headers: dict[str, str]) -> None:
    """The page's viewer: their session (a new one, or renewed when due, as the page's cookie) and
    their id in the page's config. The page differs per viewer, so no shared cache keeps it."""
    session, send = current_or_new(ctx, request)
    config["viewer"] = session.viewer
    if send:
        headers["Set-Cookie"] = cookie_header(session, secure=secure_cookies(ctx, request))
    headers["Cache-Control"] = "private, " + headers.get("Cache-Control", "no-cache")


def _room_headers(headers: dict[str, str], rehearsal: bool) -> dict[str, str]:
    """A rehearsing room is unlisted: its pages ask search engines not to index them."""
    return {**headers, "X-Robots-Tag": "noindex, nofollow"} if rehearsal else headers


@router.get(
    "/watch/{room}",
    response_class=HTMLResponse,
    responses={404: error_doc("no such room: a page saying so", page=True)},
)
def watch(room: str, request: Request, ctx: Context, lang: str | None = None) -> HTMLResponse:
    language = pick_language(lang, request.headers.get("accept-language"))
    headers = {"Cache-Control": "no-cache", "Content-Language": language}
    try:
        found = ctx.room(room)
    except ApiError:
        return notice_page(language, "not_found", 404, headers)
    state = ctx.room_state(found.name)
    rehearsal = ctx.engine.rehearsing(found.name)  # unlisted, test orders: the page says so (rehearsal.js)
    config: dict[str, Any] = {
        "room": found.name,
        "hls_url": f"/live/{found.name}/master.m3u8",
        "room_api": f"/api/v1/rooms/{found.name}",
        "lang": language,
        # The room's state as the page is made: a live room starts its player at once instead of
        # after a first poll of the room API (one round trip less to the first frame).
        "state": state,
        "stream_started_at": ctx.stream_started_at(found.name),
        # The stream's formats (canvases), the same shape as the room API's (api_rooms.RoomInfo):
        # the page picks the one matching the screen's orientation.
        "formats": [f.model(f"/live/{found.name}").model_dump() for f in ctx.formats(found.name, state)],
        "rehearsal": rehearsal,
    }
    # A live room's page starts its player before its scripts have loaded (watch.html's <head>), and
    # carries the playlists and start position hls.js would otherwise ask for (app/relay/player_boot.py).
    hls_start = _player_boot(ctx, found.name) if state == "live" else None
    config["hls_start"] = hls_start and {"playlists": hls_start["playlists"], "start": hls_start["start"]}
    if hls_start:  # its playlists are of this moment: a page from the cache must not start on them
        headers["Cache-Control"] = "no-store"
    try:
        viewer_session(ctx, request, config, headers)
    except CommerceError as exc:
        if exc.status != 429:
            raise
        return busy_page(language, exc)
    boot: dict[str, Any] = {"live": False}
    if state == "live":
        boot = {
            "live": True,
            "hls_js": "/static/vendor/hls.min.js",
            "whep": f"/api/v1/rooms/{quote(found.name)}/whep",
            "prefetch": hls_start["prefetch"] if hls_start else [],
        }
    page = _page(language, found.title, config, rehearsal=rehearsal, boot=boot)
    # Link previews (app/relay/poster.py): the room's title and a frame of its stream.
    base = ctx.base_url(request)
    image = poster_url(ctx.media.root, base, found.name)
    og = open_graph_tags(found.title, found.title, f"{base}/watch/{quote(found.name)}", image)
    page = page.replace("</title>", "</title>\n" + og, 1)
    return HTMLResponse(page, headers=_room_headers(headers, rehearsal))


@router.get("/verify/{room}/{draw_id}", response_class=HTMLResponse)
def verify_draw(room: str, draw_id: str, request: Request, ctx: Context, lang: str | None = None) -> HTMLResponse:
    """A page that recomputes a lucky draw's winners in the viewer's own browser."""
    language = pick_language(lang, request.headers.get("accept-language"))
    found = ctx.room(room)
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", draw_id):
        raise ApiError(404, "not_found", "there is no such draw")
    rehearsal = ctx.engine.rehearsing(found.name)
    config = {"room": found.name, "draw": draw_id, "lang": language, "rehearsal": rehearsal, "rehearsal_poll": True}
    page = _page(language, strings(language)["verify_title"], config, "verify.html", rehearsal=rehearsal)
    headers = {"Cache-Control": "no-cache", "Content-Language": language}
    return HTMLResponse(page, headers=_room_headers(headers, rehearsal))


@router.get(
    "/cohost/{room}",
    response_class=HTMLResponse,
    responses={"4XX": error_doc("no such room, or an invite link of the old form (its token in the path)", page=True)},
)
async def cohost_guest(
    room: str, request: Request, ctx: Context, lang: str | None = None, test: str | None = None
) -> HTMLResponse:
    """The co-host (连麦) guest page, ``/cohost/{room}#t=<invite token>``: camera and microphone check, a
    name, join (app/relay/api_cohost.py). The token is in the URL's fragment, which the browser never
    sends (no access log, no Referer keeps it): the page reads it and asks ``GET /api/v1/cohost/invite``
    with it as a bearer. ``?test=clock`` sends a drawn picture carrying the clock code instead of the camera."""
    language = pick_language(lang, request.headers.get("accept-language"))
    status, check, found = 200, None, None
    if looks_like_token(room):  # /cohost/<token>: the old form, whose secret went to every log on the way
        status, check = 400, {"state": "invalid", "code": "link_outdated", "message": LINK_OUTDATED}
    else:
        try:
            found = ctx.room(room)
        except ApiError as exc:
            status, check = exc.status, {"state": "invalid", "code": exc.code, "message": exc.message}
    name = found.name if found is not None else None
    rehearsal = name is not None and ctx.engine.rehearsing(name)
    config: dict[str, Any] = {
        "lang": language,
        "check": check,
        "invite_url": INVITE_INFO_PATH,
        "test": "clock" if test == "clock" else None,
        "whep_url": f"/api/v1/rooms/{name}/whep" if name else None,
        "ice_servers": [],
        "room": name,
        "rehearsal": rehearsal,
        "rehearsal_poll": bool(name),
    }
    title = found.title if found is not None else strings(language)["cohost_heading"]
    headers = {"Cache-Control": "no-store", "Content-Language": language, "Referrer-Policy": "no-referrer"}
    page = _page(language, title, config, "cohost.html", rehearsal=rehearsal)
    return HTMLResponse(page, status_code=status, headers=_room_headers(headers, rehearsal))


@router.api_route("/static/vendor/hls.min.js", methods=["GET", "HEAD"], include_in_schema=False)
async def hls_js(request: Request) -> Response:
    response = await web_assets.serve(hls_js_path(), request, "public, max-age=3600")  # gzipped: 609 -> 186 KiB
    if response is None:
        raise ApiError(503, "player_missing", "hls.js is not installed on this relay: run the setup (npm ci) first")
    return response


@router.api_route("/static/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def static_file(path: str, request: Request) -> Response:
    """The pages' CSS, scripts, strings and pictures (app/relay/web_assets.py)."""
    root = web_dir().resolve()
    try:
        target = (root / path).resolve()
    except (OSError, ValueError):  # a NUL byte, a name the file system refuses
        target = root / "missing"
    response = await web_assets.serve(target, request) if target.is_relative_to(root) else None
    if response is None:
        raise ApiError(404, "not_found", "there is no such file")
    return response
