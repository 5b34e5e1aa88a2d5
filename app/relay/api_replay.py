"""Shoppable replay (直播回放) and per-product clips over HTTP, and each room's disk use.

``/watch/{room}/replay/{show}`` and ``/watch/{room}/clip/{show}/{sku}`` are the pages;
``/replay/{room}/{show}/master.m3u8`` (and ``…/clip/{sku}/master.m3u8``) the on-demand HLS;
``/api/v1/rooms/{room}/replays/{show}`` the chapters; ``/api/v1/rooms/{room}/explanations`` the
current show's finished explanations (the live page's "watch the explanation" / 看讲解 links);
``/api/v1/rooms/{room}/storage`` the disk use (owner). The media itself is app/relay/replay.py's.

A clip is served while its show is still live once its explanation is over and its segments are on
disk; the whole replay only once the show has ended.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from app.analytics.metrics import fold_show, show_numbers
from app.commerce.errors import CommerceError
from app.relay import replay
from app.relay.context import RelayContext, get_context
from app.relay.errors import ApiError
from app.relay.media_store import MULTIVARIANT, stream_folders
from app.relay.poster import POSTER_NAME, open_graph_tags, poster_url
from app.relay.room_auth import require_owner
from app.relay.viewer import _page, busy_page, pick_language, strings, viewer_session

router = APIRouter(tags=["replay"])
Context = Annotated[RelayContext, Depends(get_context)]
Show = Annotated[int, Path(ge=1, le=1_000_000, description="which broadcast (1-based, as in the report)")]
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
_PLAYLIST = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]*)/index\.m3u8")


async def _events(ctx: RelayContext, room: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:  # read on the loop (the engine is single-threaded)
        rows = ctx.engine.events(room, after, 10_000)
        events.extend(rows)
        if len(rows) < 10_000:
            return events
        after = int(rows[-1]["id"])
        await asyncio.sleep(0)


def _show_replay(
    ctx: RelayContext, room: str, show: int | None, events: list[dict[str, Any]], now: float
) -> dict[str, Any]:
    """The show's broadcast, chapters and span (worker thread); ``show`` None: the room's last one.
    A show still on (``live``) has the chapters whose explanation is over and whose media is kept:
    not the product explained now, nor one whose end the relay has no segment of yet."""
    try:
        fold = fold_show(events, show)
    except ValueError as exc:
        raise ApiError(404, "show_not_found", str(exc)) from None
    current = fold.show
    if current is None:
        raise ApiError(404, "show_not_found", f"room {room!r} has had no show yet")
    live = current.end is None
    found = replay.broadcast_for(ctx.media.root / room, current.start, now if current.end is None else current.end)
    if found is None:
        raise ApiError(404, "replay_not_kept", f"the relay keeps no media of show {show} (expired or never pushed)")
    folder = ctx.media.root / room / found.stream_id
    uris = replay.video_playlists(found.multivariant)
    top = replay.read_playlist(folder, uris[0]) if uris else None
    if top is None:
        raise ApiError(404, "replay_not_kept", f"the relay keeps no media of show {show}")
    open_since = current.segments[-1].start if live and current.segments and current.segments[-1].end is None else None
    origin = top.wall_origin()
    chapters = []
    for seg in fold.segments(now if live else None):
        if seg.sku is None or (live and seg.start == open_since):
            continue  # (live) the product explained now: its explanation is not over
        if live and (origin is None or seg.end > origin + top.duration):
            continue  # (live) the relay has not kept the segment its explanation ends in yet
        start, end = top.media_time(seg.start), top.media_time(seg.end)
        if start is None or end is None or end <= start:
            continue
        chapters.append({"sku": seg.sku, "title": seg.title, "start": round(start, 3), "end": round(end, 3),
                         "wall_start": seg.start, "wall_end": seg.end})  # fmt: skip
    sales = [
        {"id": key, "sku": sale.sku, "ended": True}
        for key, sale in fold.sales.items()
        if not live or sale.closed is not None or sale.closes_at <= now
    ]
    return {
        "room": room,
        "show": current.number,
        "live": live,
        "stream_id": found.stream_id,
        "started_at": current.start,
        "ended_at": current.end,
        "duration": round(top.duration, 3),
        "hls_url": f"/replay/{room}/{current.number}/master.m3u8",
        "chapters": chapters,
        "segment_starts": [round(s.start, 3) for s in top.segments],
        # (live) a sale still open is left out: the clip's page shows the ended ones as ended
        "flash_sales": sales,
    }


CACHE_S = 30.0
"""A finished show's replay (its fold of the whole log) is reused this long: each viewer's player asks
for the multivariant and every rendition's playlist."""
LIVE_CACHE_S = 5.0
"""A live show's (its chapters grow as the host moves on; each fold reads the room's whole event log,
so every viewer's cart opening must not cost one)."""
_cache: dict[tuple[int, str, int | None], tuple[float, dict[str, Any]]] = {}


_pending: dict[tuple[int, str, int | None], asyncio.Future[dict[str, Any]]] = {}


async def _fold(ctx: RelayContext, room: str, show: int | None) -> dict[str, Any]:
    events = await _events(ctx, room)
    result: dict[str, Any] = await run_in_threadpool(_show_replay, ctx, room, show, events, time.time())
    return result


async def show_replay(ctx: RelayContext, room: str, show: int | None, *, live: bool = False) -> dict[str, Any]:
    """Show ``show``'s replay (None: the room's last show). A show still on answers 409 ``show_live``
    unless ``live`` (its finished chapters and their clips are wanted, not the whole replay)."""
    found = ctx.room(room)
    key = (id(ctx), found.name, show)
    cached = _cache.get(key)
    now = time.monotonic()
    if cached is None or now - cached[0] >= (LIVE_CACHE_S if cached[1]["live"] or show is None else CACHE_S):
        pending = _pending.get(key)
        if pending is None:  # one fold at a time per show: viewers asking meanwhile share its result
            pending = _pending[key] = asyncio.ensure_future(_fold(ctx, found.name, show))
            pending.add_done_callback(lambda _: _pending.pop(key, None))
        info = await asyncio.shield(pending)
        if len(_cache) > 1000:
            _cache.clear()
        _cache[key] = cached = (now, info)
    info = cached[1]
    if info["live"] and not live:
        raise ApiError(409, "show_live", f"show {info['show']} is still on: its replay starts when it ends")
    return info


@router.get("/api/v1/rooms/{room}/replays/{show}")
async def replay_info(room: str, show: Show, ctx: Context, live: bool = False) -> dict[str, Any]:
    """A finished show's replay: its on-demand HLS, duration and product chapters (media seconds).
    ``?live=1``: a show still on answers too (``"live": true``), with the chapters whose explanation
    is over (their clips play; the whole replay waits for the end)."""
    return await show_replay(ctx, room, show, live=live)


@router.get("/api/v1/rooms/{room}/explanations")
async def explanations(room: str, ctx: Context) -> dict[str, Any]:
    """The room's current (else last) show's finished explanations, a clip page each: the live page's
    "watch the explanation" (看讲解) links in its cart. Empty before the first show or when its media
    is not kept."""
    try:
        info = await show_replay(ctx, room, None, live=True)
    except ApiError as exc:
        if exc.code in ("show_not_found", "replay_not_kept"):
            return {"show": None, "live": False, "chapters": []}
        raise
    base = f"/watch/{quote(info['room'])}/clip/{info['show']}/"
    chapters: list[dict[str, Any]] = []
    for chapter in info["chapters"]:
        if any(c["sku"] == chapter["sku"] for c in chapters):
            continue  # a clip is a product's first explanation
        chapters.append({**chapter, "clip_url": base + quote(chapter["sku"])})
    return {"show": info["show"], "live": info["live"], "chapters": chapters}


def _clip_window(info: dict[str, Any], sku: str) -> tuple[float, float]:
    chapters = [c for c in info["chapters"] if c["sku"] == sku]
    if not chapters:
        raise ApiError(404, "clip_not_found", f"product {sku!r} was not explained in show {info['show']}")
    first = chapters[0]
    return float(first["start"]), float(first["end"])


@router.get("/replay/{room}/{show}/{path:path}")
async def replay_playlist(room: str, show: Show, path: str, ctx: Context) -> Response:
    """The replay's (or a clip's: ``clip/{sku}/…``, also while the show is live) multivariant and
    on-demand media playlists."""
    clip = path.startswith("clip/")
    info = await show_replay(ctx, room, show, live=clip)
    window: tuple[float, float] | None = None
    if clip:
        _, sku, path = ([*path.split("/", 2), "", ""])[:3]
        if not _SKU.fullmatch(sku):
            raise ApiError(404, "clip_not_found", "there is no such clip")
        window = _clip_window(info, sku)
    headers = {"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"}
    media_type = "application/vnd.apple.mpegurl"
    folder = ctx.media.root / room / info["stream_id"]
    if path == "master.m3u8":
        text = next(
            b.multivariant for b in replay.broadcasts(ctx.media.root / room) if b.stream_id == info["stream_id"]
        )
        return Response(text, media_type=media_type, headers=headers)
    match = _PLAYLIST.fullmatch(path)
    if match is None:
        raise ApiError(404, "not_found", "a replay serves only its playlists")
    playlist = await run_in_threadpool(replay.read_playlist, folder, path)
    if playlist is None:
        raise ApiError(404, "not_found", f"{path} is not part of this replay")
    # every rendition shares the broadcast's media timeline (same segment boundaries): one window fits all
    base = f"/live/{quote(room)}/{info['stream_id']}/{match.group(1)}"
    return Response(replay.vod_media_playlist(playlist, base, window), media_type=media_type, headers=headers)


@router.get("/poster/{room}.jpg", include_in_schema=False)
def poster(room: str, ctx: Context) -> Response:
    """The room's poster frame (a JPEG from its stream), for link previews."""
    found = ctx.room(room)
    try:
        data = (ctx.media.root / found.name / POSTER_NAME).read_bytes()
    except OSError:
        raise ApiError(404, "not_found", f"room {room!r} has no poster frame yet") from None
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=30"})


def _replay_page(request: Request, ctx: RelayContext, room: str, show: int, sku: str | None,
                 lang: str | None) -> HTMLResponse:  # fmt: skip
    language = pick_language(lang, request.headers.get("accept-language"))
    found = ctx.room(room)
    base = ctx.base_url(request)
    heading = strings(language)["replay_title"]
    config = {
        "room": found.name,
        "show": show,
        "clip": sku,
        "lang": language,
        # a clip plays while its show is still live (once its explanation is over)
        "replay_api": f"/api/v1/rooms/{found.name}/replays/{show}" + ("?live=1" if sku else ""),
        "room_api": f"/api/v1/rooms/{found.name}",
        "hls_url": f"/replay/{found.name}/{show}/" + (f"clip/{sku}/" if sku else "") + "master.m3u8",
    }
    image = poster_url(ctx.media.root, base, found.name)
    url = f"{base}{request.url.path}"
    og = open_graph_tags(f"{found.title} · {heading}", found.title, url, image)
    headers = {"Cache-Control": "no-cache", "Content-Language": language}
    try:
        viewer_session(ctx, request, config, headers)  # an order from the replay is this viewer's
    except CommerceError as exc:
        if exc.status != 429:
            raise
        return busy_page(language, exc)
    page = _page(language, f"{found.title} · {heading}", config, "replay.html").replace("<!--og-->", og)
    return HTMLResponse(page, headers=headers)


@router.get("/watch/{room}/replay", response_class=RedirectResponse, status_code=307)
async def last_replay(room: str, ctx: Context) -> RedirectResponse:
    """The live page's link once the show is over: the room's last show's replay."""
    found = ctx.room(room)
    events = await _events(ctx, found.name)
    numbers = await run_in_threadpool(show_numbers, events)
    if not numbers or numbers[-1] < 1:
        raise ApiError(404, "show_not_found", f"room {room!r} has had no show yet")
    return RedirectResponse(f"/watch/{quote(found.name)}/replay/{numbers[-1]}", status_code=307)


@router.get("/watch/{room}/replay/{show}", response_class=HTMLResponse)
def replay_page(room: str, show: Show, request: Request, ctx: Context, lang: str | None = None) -> HTMLResponse:
    """The replay page: the show on demand, its chapter list, the products to buy."""
    return _replay_page(request, ctx, room, show, None, lang)


@router.get("/watch/{room}/clip/{show}/{sku}", response_class=HTMLResponse)
def clip_page(room: str, show: Show, sku: str, request: Request, ctx: Context, lang: str | None = None) -> HTMLResponse:
    """One product's explanation (商品讲解片段), shareable."""
    if not _SKU.fullmatch(sku):
        raise ApiError(404, "clip_not_found", "there is no such clip")
    return _replay_page(request, ctx, room, show, sku, lang)


@router.get("/api/v1/rooms/{room}/storage")
async def storage(room: str, request: Request, ctx: Context) -> dict[str, Any]:
    """The room's disk use (owner): bytes per broadcast, the total, the disk's free space."""
    require_owner(request, ctx, room)
    room_dir = ctx.media.root / room
    usage = await run_in_threadpool(replay.room_usage, room_dir)
    master = ctx.media.read(room, MULTIVARIANT)
    live = stream_folders(master) if master is not None and ctx.room_state(room) == "live" else frozenset()
    return {
        "room": room,
        "bytes": sum(usage.values()),
        "broadcasts": [{"stream_id": k, "bytes": v, "live": k in live} for k, v in sorted(usage.items()) if k != "."],
        "keep_days": ctx.settings.keep_days,
        "free_bytes": await run_in_threadpool(replay.free_bytes, ctx.media.root),
        "min_free_bytes": ctx.settings.min_free_mb * 1024 * 1024,
    }
