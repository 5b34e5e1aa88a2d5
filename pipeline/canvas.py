"""Canvases: the size and orientation of a program picture, and the ladder that follows it.

Live commerce is watched on phones in portrait, so a show's canvas is portrait 720x1280 by default;
landscape 1280x720 serves desktops and TVs, and any even WxH is allowed. A show may run two canvases
at once (dual format, like Twitch Dual Format or Streamlabs dual output): each has its own scenes,
its own encoder ladder and its own multivariant playlist; the first is the primary one.

A ladder follows its canvas: the standard rungs (720p, 480p, 360p, …) name the picture's *short*
side, so on a portrait canvas "720p" is 720x1280, "480p" 480x854 and "360p" 360x640, and on a
square one "720p" is 720x720.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.encoders import STANDARD_RUNGS, Rung

PRIMARY_MULTIVARIANT = "master.m3u8"
"""The primary canvas's multivariant playlist; a second canvas's is ``master-<name>.m3u8``."""


@dataclass(frozen=True, slots=True)
class Canvas:
    """A program picture's name (``portrait``, ``landscape`` or ``WxH``) and size in pixels."""

    name: str
    width: int
    height: int

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", self.name):
            raise ValueError(f"canvas name {self.name!r} may only hold a-z, 0-9, '-' and '_'")
        if self.width % 2 or self.height % 2 or not (64 <= self.width <= 3840 and 64 <= self.height <= 3840):
            raise ValueError(f"canvas {self.width}x{self.height} must be even and 64..3840 on each side")

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def multivariant_name(self, primary: bool) -> str:
        """The multivariant playlist this canvas publishes: the primary's is the one players know."""
        return PRIMARY_MULTIVARIANT if primary else f"master-{self.name}.m3u8"


PORTRAIT = Canvas("portrait", 720, 1280)
LANDSCAPE = Canvas("landscape", 1280, 720)
NAMED = {c.name: c for c in (PORTRAIT, LANDSCAPE)}
_SIZE = re.compile(r"(\d{2,4})x(\d{2,4})")


def parse_canvas(spec: str) -> Canvas:
    """``portrait``, ``landscape`` or ``WxH`` (e.g. ``1080x1920``) → a :class:`Canvas`."""
    spec = spec.strip().lower()
    if spec in NAMED:
        return NAMED[spec]
    match = _SIZE.fullmatch(spec)
    if not match:
        raise ValueError(f"unknown canvas {spec!r}: use portrait, landscape or WIDTHxHEIGHT (e.g. 1080x1920)")
    width, height = int(match[1]), int(match[2])
    return Canvas(spec, width, height)


def parse_canvases(spec: str) -> tuple[Canvas, ...]:
    """One canvas, or two for dual format (``portrait,landscape``): the first is the primary one."""
    canvases = tuple(parse_canvas(part) for part in spec.split(",") if part.strip())
    if not canvases:
        raise ValueError("no canvas given: use portrait, landscape, WIDTHxHEIGHT or two of them with a comma")
    if len(canvases) > 2:
        raise ValueError(f"at most two canvases at once (dual format), got {len(canvases)}")
    if len({c.name for c in canvases}) != len(canvases):
        raise ValueError(f"the canvas {canvases[0].name} is named twice")
    return canvases


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def rung_for(canvas: Canvas, rung: Rung) -> Rung:
    """``rung`` shaped for ``canvas``: its short side kept, its long side following the canvas's aspect."""
    short = min(rung.width, rung.height)
    if canvas.width == canvas.height:
        width = height = short
    elif canvas.portrait:
        width, height = short, _even(short * canvas.height / canvas.width)
    else:
        width, height = _even(short * canvas.width / canvas.height), short
    return Rung(rung.name, width, height, rung.bitrate)


def ladder_for(canvas: Canvas, rungs: tuple[Rung, ...]) -> tuple[Rung, ...]:
    """A ladder shaped for ``canvas`` (see :func:`rung_for`); rungs taller than the canvas's short side
    are left out (upscaling wastes bits), keeping at least the top one."""
    shaped = tuple(rung_for(canvas, r) for r in rungs)
    short = min(canvas.width, canvas.height)
    kept = tuple(r for r in shaped if min(r.width, r.height) <= short)
    return kept or (Rung(shaped[0].name, canvas.width, canvas.height, shaped[0].bitrate),)


DEFAULT_RUNG_NAMES = ("720p", "480p", "360p")


def default_ladder(canvas: Canvas) -> tuple[Rung, ...]:
    return ladder_for(canvas, tuple(STANDARD_RUNGS[n] for n in DEFAULT_RUNG_NAMES))
