"""Drawing a scene: each layer's source picture cropped, fitted to its box and blended, back to front.

The cost is whole-array work in OpenCV, never per-pixel Python: per layer one ``cv2.resize`` into
the box and one copy (opaque) or one multiply-add (transparent, premultiplied) over the box's
rectangle only. A layer whose source did not change since the last frame (an image, a text, the
product card between two changes) keeps its scaled picture and blend factors, so a static layer costs
only its blend. A first layer that is opaque and covers the whole canvas (the host camera, full
screen) is the canvas: nothing is cleared or copied beneath it.

Sources are read through :class:`SourceFrames`, which reads each source at most once per frame (a
camera shown on two canvases, or in both scenes of a fade, is read once). A source with a problem
(an unplugged camera, a missing file) is drawn as a placeholder carrying the message, at each layer's
box size so its words are never cropped away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.compositor import FACE_BIAS
from pipeline.frames import Image
from pipeline.scene import Box, Crop, Fit, Layer, Scene
from pipeline.sources.base import FrameTime
from pipeline.sources.placeholder import draw_placeholder


@dataclass(frozen=True, slots=True)
class SourcePicture:
    image: Image
    """BGR, or BGRA with premultiplied alpha."""
    serial: int
    """Changes whenever the picture does (a layer keeps its scaled copy while it stays the same)."""
    problem: str | None = None
    """Set while the source cannot deliver: each layer shows a placeholder with this message, drawn at
    its box's size (``image`` is then ignored)."""
    title: str = ""
    """The source's name, for the placeholder."""


class SourceFrames(Protocol):
    def picture(self, source_id: str, at: FrameTime) -> SourcePicture | None:
        """The source's picture at ``at`` (read once per frame), or None when it has nothing to show."""
        ...


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a layer's picture lands: the source rectangle taken and the canvas rectangle it fills."""

    src: tuple[int, int, int, int]
    """x, y, w, h in source pixels."""
    dst: tuple[int, int, int, int]
    """x, y, w, h in canvas pixels (may reach past the canvas)."""


def place(source_size: tuple[int, int], box: Box, crop: Crop, fit: Fit) -> Placement:
    """Map a ``source_size`` (w, h) picture into ``box`` after ``crop``, the way ``fit`` says."""
    sw, sh = source_size
    cx, cy = round(sw * crop.left), round(sh * crop.top)
    cw = max(1, sw - cx - round(sw * crop.right))
    ch = max(1, sh - cy - round(sh * crop.bottom))
    if fit is Fit.STRETCH:
        return Placement((cx, cy, cw, ch), (box.x, box.y, box.w, box.h))
    if fit is Fit.CONTAIN:
        scale = min(box.w / cw, box.h / ch)
        w, h = max(1, round(cw * scale)), max(1, round(ch * scale))
        return Placement((cx, cy, cw, ch), (box.x + (box.w - w) // 2, box.y + (box.h - h) // 2, w, h))
    # Cover: take the part of the crop with the box's aspect, centred across and a little high
    # down (faces sit in the upper part of a picture), as the co-host tiles do.
    scale = max(box.w / cw, box.h / ch)
    tw, th = min(cw, max(1, round(box.w / scale))), min(ch, max(1, round(box.h / scale)))
    return Placement((cx + (cw - tw) // 2, cy + round((ch - th) * FACE_BIAS), tw, th), (box.x, box.y, box.w, box.h))


@dataclass(slots=True)
class _Scaled:
    """A layer's picture scaled to its box, with what blending it needs, kept while nothing changes."""

    key: tuple[object, ...]
    x: int
    y: int
    """Where the picture's top-left corner lands on the canvas."""
    colour: Image
    """BGR in the destination rectangle; premultiplied (and times the opacity) when ``keep`` is set."""
    keep: npt.NDArray[np.uint8] | None
    """How much of what lies beneath shows through, 0..255 per pixel and channel (None: opaque)."""


class SceneRenderer:
    """Renders scenes onto one canvas size. ``render`` runs on the program thread only."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._cache: dict[str, _Scaled] = {}

    def render(self, scene: Scene, frames: SourceFrames, at: FrameTime) -> Image:
        """The scene's picture at ``at`` (a new array, or a cached one never written again)."""
        drawn: list[tuple[Layer, _Scaled]] = []
        for layer in scene.layers:
            if not layer.visible or layer.opacity <= 0.0:
                continue
            picture = frames.picture(layer.source, at)
            if picture is None:
                continue
            scaled = self._scaled(scene.id, layer, picture)
            if scaled is not None:
                drawn.append((layer, scaled))
        # Layers under the last one that covers the whole canvas opaquely are not seen: skip them.
        start = 0
        for i, (_, scaled) in enumerate(drawn):
            if scaled.keep is None and self._covers(scaled):
                start = i
        drawn = drawn[start:]
        self._forget(scene, drawn)
        if not drawn:
            return np.zeros((self.height, self.width, 3), np.uint8)
        first = drawn[0][1]
        if first.keep is None and self._covers(first) and self._is_canvas(first):
            if len(drawn) == 1:
                return first.colour  # read-only from here on: the cache holds it, sinks share it
            out = first.colour.copy()
            drawn = drawn[1:]
        else:
            out = np.zeros((self.height, self.width, 3), np.uint8)
        for _, scaled in drawn:
            self._blend(out, scaled)
        return out

    def retain(self, scene_ids: set[str]) -> None:
        """Forget the scaled layers of every scene but these (scenes no longer drawn)."""
        if any(key.split("/", 1)[0] not in scene_ids for key in self._cache):
            self._cache = {k: v for k, v in self._cache.items() if k.split("/", 1)[0] in scene_ids}

    def _forget(self, scene: Scene, drawn: list[tuple[Layer, _Scaled]]) -> None:
        """Drop cached layers of this scene that were not drawn (removed, hidden, gone)."""
        keep = {f"{scene.id}/{layer.id}" for layer, _ in drawn}
        prefix = f"{scene.id}/"
        for key in [k for k in self._cache if k.startswith(prefix) and k not in keep]:
            del self._cache[key]

    def _covers(self, scaled: _Scaled) -> bool:
        h, w = scaled.colour.shape[:2]
        return scaled.x <= 0 and scaled.y <= 0 and scaled.x + w >= self.width and scaled.y + h >= self.height

    def _is_canvas(self, scaled: _Scaled) -> bool:
        return (scaled.x, scaled.y) == (0, 0) and scaled.colour.shape[:2] == (self.height, self.width)

    def _scaled(self, scene_id: str, layer: Layer, picture: SourcePicture) -> _Scaled | None:
        if picture.problem is not None:
            box = layer.box
            image = draw_placeholder(box.w, box.h, picture.title, picture.problem)
            placement = Placement((0, 0, box.w, box.h), (box.x, box.y, box.w, box.h))
        else:
            image = picture.image
            placement = place((image.shape[1], image.shape[0]), layer.box, layer.crop, layer.fit)
        key = (picture.serial, picture.problem, image.shape, layer.opacity, placement.src, placement.dst)
        cache_key = f"{scene_id}/{layer.id}"
        cached = self._cache.get(cache_key)
        if cached is not None and cached.key == key:
            return cached
        sx, sy, sw, sh = placement.src
        dx, dy, dw, dh = placement.dst
        region: Image = image[sy : sy + sh, sx : sx + sw]
        if (sw, sh) != (dw, dh):
            interpolation = cv2.INTER_AREA if dw * dh < sw * sh else cv2.INTER_LINEAR
            region = _u8(cv2.resize(region, (dw, dh), interpolation=interpolation))
        opacity = layer.opacity
        if region.shape[2] == 4:
            alpha = region[:, :, 3]
            colour = np.ascontiguousarray(region[:, :, :3])
            if opacity < 1.0:
                colour = _u8(cv2.convertScaleAbs(colour, alpha=opacity))
                alpha = _u8(cv2.convertScaleAbs(alpha, alpha=opacity))
            keep = _u8(cv2.cvtColor(cv2.bitwise_not(alpha), cv2.COLOR_GRAY2BGR))
            scaled = _Scaled(key, dx, dy, colour, keep)
        elif opacity < 1.0:
            colour = _u8(cv2.convertScaleAbs(region, alpha=opacity))
            keep = np.full(colour.shape, round(255 * (1.0 - opacity)), np.uint8)
            scaled = _Scaled(key, dx, dy, colour, keep)
        else:
            scaled = _Scaled(key, dx, dy, np.ascontiguousarray(region), None)
        scaled.colour.flags.writeable = False
        self._cache[cache_key] = scaled
        return scaled

    def _blend(self, out: Image, scaled: _Scaled) -> None:
        x, y = scaled.x, scaled.y
        h, w = scaled.colour.shape[:2]
        x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, self.width), min(y + h, self.height)
        if x0 >= x1 or y0 >= y1:
            return
        target = out[y0:y1, x0:x1]
        colour = scaled.colour[y0 - y : y1 - y, x0 - x : x1 - x]
        if scaled.keep is None:
            target[...] = colour
            return
        keep = scaled.keep[y0 - y : y1 - y, x0 - x : x1 - x]
        # out = colour (premultiplied) + out x keep / 255, saturating, in OpenCV's vector code.
        beneath = cv2.multiply(target, keep, scale=1 / 255)
        cv2.add(beneath, colour, dst=target)


def _u8(array: npt.NDArray[np.generic]) -> Image:
    """OpenCV's result, typed as the uint8 picture it is."""
    return np.asarray(array, dtype=np.uint8)
