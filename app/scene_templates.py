"""The commerce scenes a new show starts with, for each canvas, and the phone apps' safe zone.

Five scenes, the ones hosts use (docs: the live-commerce format): host full screen; host with a
product close-up in a picture-in-picture box; the product showcase (the product large, the host
small, the price card); the co-host split (连麦); and a "be right back" slate. Their sources are
shared by every scene and both canvases: the host camera (from ``--source``), the close-up (a second
camera when the machine has one — 双机位 — otherwise the pinned product's photo), the live product
card, the first co-host's tile, a backdrop colour and the slate.

On a portrait canvas the phone apps draw their own buttons and comments over the picture: a top bar,
a strip on the right and a bottom band; so does ShopCast's own viewer page (assets/web/watch.css,
which takes its bands from :data:`SAFE_TOP` and :data:`SAFE_BOTTOM` through the page the relay
fills in). :func:`safe_zone` is the band left for faces, text and prices; the studio draws it as a
guide on the preview, and these templates keep the product card, the close-up and every person's
tile (the host small, the co-host split) inside it; a host filling the canvas frames their face
inside the guide.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.canvas import Canvas
from pipeline.scene import (
    Box,
    CanvasScenes,
    Fit,
    Layer,
    Scene,
    SceneCollection,
    SourceSpec,
    Transition,
)
from pipeline.sources import parse_video_spec

SAFE_TOP, SAFE_BOTTOM, SAFE_RIGHT = 0.12, 0.40, 0.15
"""Shares of a portrait picture the viewers' screens cover: the top bar, the bottom (comments, the
pinned card, the flash sale, activities, input bar) and the right strip (like, share, cart). No
platform publishes exact numbers; the guide's defaults (../shared/design/live-commerce-format.md)
are top 12 %, bottom 25 %, right 15 %. ShopCast's watch page needs a bottom 40 % on a 390x844 phone
for its room (a pinned card, a flash-sale banner, a row of activity cards, comments and the dock
at once), as the apps do in practice, so the bottom share here is 40 %: the watch page's room layer
is sized from this number (``--safe-bottom``), never from a literal of its own, and a face kept
above it is covered neither there nor in the apps."""
SAFE_LEFT = 0.09
"""A 9:16 picture filling a taller phone (9:19.5, as the viewer page and the apps do) loses about 9 %
off each side: nothing that must be read goes there."""
TITLE_SAFE = 0.05
"""A landscape picture's margin on every side (broadcast title-safe)."""

HOST, CLOSEUP, CARD, GUEST, BACKDROP, SLATE = "host", "closeup", "card", "guest1", "backdrop", "slate"

CARD_ASPECT = 0.32
"""The product card's height over its width."""
CARD_WIDTH, CARD_HEIGHT = 500, 160
"""The card's drawing size: the portrait templates' card box, so it is drawn 1:1 there."""

_WORDS = {
    "en": {
        "host": "Host camera",
        "closeup_camera": "Close-up camera",
        "closeup_photo": "Product photo",
        "card": "Product card",
        "guest": "Co-host 1",
        "backdrop": "Backdrop",
        "slate": "Be right back slate",
        "full": "Host full screen",
        "pip": "Host + close-up",
        "showcase": "Product showcase",
        "cohost": "Co-host",
        "brb": "Be right back",
        "collection": "ShopCast show",
    },
    "zh": {
        "host": "主播摄像头",
        "closeup_camera": "特写摄像头",
        "closeup_photo": "商品图",
        "card": "商品卡片",
        "guest": "连麦嘉宾 1",
        "backdrop": "背景色",
        "slate": "稍后回来",
        "full": "主播全屏",
        "pip": "主播 + 特写",
        "showcase": "商品展示",
        "cohost": "连麦",
        "brb": "稍后回来",
        "collection": "ShopCast 直播",
    },
}


def words(language: str) -> dict[str, str]:
    return _WORDS["zh" if language.lower().startswith("zh") else "en"]


def safe_zone(canvas: Canvas) -> Box:
    """The part of ``canvas`` no phone app covers (portrait) or the title-safe area (landscape)."""
    w, h = canvas.width, canvas.height
    if canvas.portrait:
        top, bottom = round(h * SAFE_TOP), h - round(h * SAFE_BOTTOM)
        left = round(w * SAFE_LEFT)
        return Box(left, top, w - round(w * SAFE_RIGHT) - left, bottom - top)
    mx, my = round(w * TITLE_SAFE), round(h * TITLE_SAFE)
    return Box(mx, my, w - 2 * mx, h - 2 * my)


def inside(box: Box, zone: Box) -> bool:
    return box.x >= zone.x and box.y >= zone.y and box.x + box.w <= zone.x + zone.w and box.y + box.h <= zone.y + zone.h


def host_source(spec: str, name: str) -> SourceSpec:
    """The host camera's source from a ``--source`` spec (``test``, ``camera[:N]``, ``file:PATH``)."""
    kind, arg = parse_video_spec(spec)
    if kind == "camera":
        assert isinstance(arg, int)
        return SourceSpec(HOST, name, "shopcast.camera", {"device": arg}, filters=True)
    if kind == "file":
        assert isinstance(arg, Path)
        return SourceSpec(HOST, name, "shopcast.media_file", {"file": str(arg)}, filters=True)
    return SourceSpec(HOST, name, "shopcast.test_pattern", {}, filters=True)


def _even(value: float) -> int:
    return round(value / 2) * 2


@dataclass(frozen=True, slots=True)
class _Boxes:
    """Where a canvas's template scenes put things (the scenes themselves are the same on every canvas)."""

    full: Box
    closeup: Box
    card: Box
    photo: Box
    host_small: Box
    showcase_card: Box
    host_half: Box
    guest_half: Box


def _portrait_boxes(canvas: Canvas) -> _Boxes:
    width, height = canvas.size
    zone = safe_zone(canvas)
    margin = _even(width * 0.033)
    card_w = _even(zone.w - 2 * margin)
    card_h = _even(card_w * CARD_ASPECT)
    card = Box(zone.x + margin, zone.y + zone.h - margin - card_h, card_w, card_h)
    pip_w = _even(width * 0.42)
    photo_side = _even(min(zone.w - 2 * margin, card.y - zone.y - 2 * margin))
    photo = Box(zone.x + margin, zone.y + margin, card_w, photo_side)
    host_w, host_h = _even(width * 0.24), _even(width * 0.24 * 4 / 3)
    # the co-host split (连麦): two 3:4 tiles side by side at the top of the safe band, as the apps show it
    tile_w = _even((zone.w - margin) / 2)
    tile_h = min(_even(tile_w * 4 / 3), zone.h - 2 * margin)
    tile_y = zone.y + margin
    return _Boxes(
        full=Box(0, 0, width, height),
        closeup=Box(zone.x + margin, zone.y + margin, pip_w, _even(pip_w * 4 / 3)),
        card=card,
        photo=photo,
        host_small=Box(photo.x + photo.w - host_w, photo.y + photo.h - host_h, host_w, host_h),
        showcase_card=card,
        host_half=Box(zone.x, tile_y, tile_w, tile_h),
        guest_half=Box(zone.x + zone.w - tile_w, tile_y, tile_w, tile_h),
    )


def _landscape_boxes(canvas: Canvas) -> _Boxes:
    width, height = canvas.size
    zone = safe_zone(canvas)
    card_w = _even(width * 0.36)
    card_h = _even(card_w * CARD_ASPECT)
    pip_w, pip_h = _even(width * 0.3), _even(width * 0.3 * 9 / 16)
    photo = Box(zone.x, zone.y, _even(zone.w * 0.5), _even(zone.h))
    right_x = photo.x + photo.w + _even(width * 0.02)
    right_w = zone.x + zone.w - right_x
    right_card_h = _even(right_w * CARD_ASPECT)
    half = _even(width / 2)
    return _Boxes(
        full=Box(0, 0, width, height),
        closeup=Box(zone.x + zone.w - pip_w, zone.y + zone.h - pip_h, pip_w, pip_h),
        card=Box(zone.x, zone.y + zone.h - card_h, card_w, card_h),
        photo=photo,
        host_small=Box(right_x, zone.y, right_w, _even(right_w * 9 / 16)),
        showcase_card=Box(right_x, zone.y + zone.h - right_card_h, right_w, right_card_h),
        host_half=Box(0, 0, half, height),
        guest_half=Box(half, 0, width - half, height),
    )


def _scenes(b: _Boxes, w: dict[str, str]) -> tuple[Scene, ...]:
    card = Layer("card", CARD, b.card, fit=Fit.CONTAIN)
    tiled = b.host_half.w * b.host_half.h + b.guest_half.w * b.guest_half.h
    # the split's tiles leave room around them (portrait): the backdrop shows there
    split_backdrop = () if tiled >= b.full.w * b.full.h else (Layer("backdrop", BACKDROP, b.full),)
    return (
        Scene("full", w["full"], (Layer("host", HOST, b.full),)),
        Scene("pip", w["pip"], (Layer("host", HOST, b.full), Layer("closeup", CLOSEUP, b.closeup), card)),
        Scene(
            "showcase",
            w["showcase"],
            (
                Layer("backdrop", BACKDROP, b.full),
                Layer("photo", CLOSEUP, b.photo, fit=Fit.CONTAIN),
                Layer("host", HOST, b.host_small),
                Layer("card", CARD, b.showcase_card, fit=Fit.CONTAIN),
            ),
        ),
        Scene(
            "cohost",
            w["cohost"],
            (*split_backdrop, Layer("host", HOST, b.host_half), Layer("guest", GUEST, b.guest_half)),
        ),
        Scene("brb", w["brb"], (Layer("slate", SLATE, b.full),)),
    )


def template_scenes(canvas: Canvas, language: str = "en") -> CanvasScenes:
    """The five commerce scenes laid out for ``canvas``, "Host full screen" on air."""
    boxes = _portrait_boxes(canvas) if canvas.portrait else _landscape_boxes(canvas)
    return CanvasScenes(canvas, _scenes(boxes, words(language)), "full", "showcase")


def template_sources(host: SourceSpec, *, second_camera: bool, language: str = "en") -> tuple[SourceSpec, ...]:
    w = words(language)
    closeup = (
        SourceSpec(CLOSEUP, w["closeup_camera"], "shopcast.camera", {"device": 1})
        if second_camera
        else SourceSpec(CLOSEUP, w["closeup_photo"], "shopcast.product_photo", {})
    )
    return (
        host,
        closeup,
        SourceSpec(CARD, w["card"], "shopcast.product_card", {"width": CARD_WIDTH, "height": CARD_HEIGHT}),
        SourceSpec(GUEST, w["guest"], "shopcast.cohost", {"slot": 1}),
        SourceSpec(BACKDROP, w["backdrop"], "shopcast.colour", {"colour": "#1d1b26"}),
        SourceSpec(SLATE, w["slate"], "shopcast.slate", {}),
    )


def template_collection(
    canvases: tuple[Canvas, ...], host: SourceSpec, *, second_camera: bool = False, language: str = "en"
) -> SceneCollection:
    """A new show's scene collection: the template scenes on every canvas, sharing one set of sources."""
    return SceneCollection(
        words(language)["collection"],
        template_sources(host, second_camera=second_camera, language=language),
        tuple(template_scenes(c, language) for c in canvases),
        Transition(),
    )


def fit_canvases(collection: SceneCollection, canvases: tuple[Canvas, ...], language: str = "en") -> SceneCollection:
    """``collection`` on these canvases: a canvas it has keeps its scenes, a new one gets the templates
    (whose sources are added when missing), one no longer asked for is left out."""
    kept = {c.canvas.name: c for c in collection.canvases}
    chosen = tuple(
        kept[c.name] if c.name in kept and kept[c.name].canvas == c else template_scenes(c, language) for c in canvases
    )
    sources = list(collection.sources)
    have = {s.id for s in sources}
    host = next((s for s in sources if s.id == HOST), None) or host_source("test", words(language)["host"])
    for spec in template_sources(host, second_camera=False, language=language):
        if spec.id not in have:
            sources.append(spec)
    return replace(collection, sources=tuple(sources), canvases=chosen)
