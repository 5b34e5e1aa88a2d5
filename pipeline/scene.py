"""Scenes in OBS's vocabulary: a scene collection holds sources and, per canvas, scenes of layers.

* A **source** (:class:`SourceSpec`) is something that makes a picture (a camera, a media file,
  product photos, the live product card, a co-host's tile …): a plugin id and its settings. Sources
  belong to the collection, not to a scene, so one camera shown in five scenes and on two canvases is
  opened once.
* A **layer** (:class:`Layer`) shows one source in a box on the canvas, cropped, fitted (cover,
  contain or stretch) and at an opacity. A **scene** is an ordered list of layers, back to front.
* Each canvas (:mod:`pipeline.canvas`; two in dual format) has its own scenes, the one on air
  (``program``) and the one being prepared (``preview``, studio mode).

Everything here is immutable: an edit returns a new collection, which the studio hands to the
renderer in one assignment, so the render thread never sees half an edit and a switch takes effect
on the next frame. :func:`to_dict` / :func:`from_dict` are the scene-collection file's format;
``from_dict`` names the field of every problem (``canvases[0].scenes[1].layers[2].box.w: …``).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from pipeline.canvas import Canvas

FORMAT_VERSION = 1
"""The scene-collection file's version; a newer file is refused with a message, not misread."""
MAX_SCENES = 64
MAX_LAYERS = 32
MAX_SOURCES = 128
MAX_NAME = 64
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class SceneError(ValueError):
    """A collection, or an edit of one, that breaks a rule; the message names the field."""


class Fit(Enum):
    """How a source's (cropped) picture fills its layer's box."""

    COVER = "cover"
    """Scaled to cover the box, the overflow cut off (a face fills its tile)."""
    CONTAIN = "contain"
    """Scaled to fit inside the box, whole, centred (a product photo, a logo)."""
    STRETCH = "stretch"
    """Scaled to the box exactly, aspect ignored."""


@dataclass(frozen=True, slots=True)
class Box:
    """A layer's rectangle on the canvas, in canvas pixels (it may reach past the canvas's edges)."""

    x: int
    y: int
    w: int
    h: int

    def __post_init__(self) -> None:
        if self.w < 2 or self.h < 2 or self.w > 16384 or self.h > 16384:
            raise SceneError(f"box size {self.w}x{self.h} must be 2..16384 on each side")
        if abs(self.x) > 16384 or abs(self.y) > 16384:
            raise SceneError(f"box position {self.x},{self.y} is more than 16384 pixels off the canvas")


@dataclass(frozen=True, slots=True)
class Crop:
    """What is cut off each edge of the source's picture before fitting, as shares of its size."""

    left: float = 0.0
    top: float = 0.0
    right: float = 0.0
    bottom: float = 0.0

    def __post_init__(self) -> None:
        for name in ("left", "top", "right", "bottom"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0 or not math.isfinite(value):
                raise SceneError(f"crop {name} {value!r} must be a share in 0..1")
        if self.left + self.right >= 0.98 or self.top + self.bottom >= 0.98:
            raise SceneError("the crop leaves less than 2 % of the picture")


@dataclass(frozen=True, slots=True)
class Layer:
    id: str
    source: str
    """The id of a :class:`SourceSpec` in the collection."""
    box: Box
    crop: Crop = Crop()
    fit: Fit = Fit.COVER
    opacity: float = 1.0
    visible: bool = True
    locked: bool = False
    """Locked layers cannot be dragged on the preview (a background)."""
    name: str = ""
    """Shown in the Sources dock; empty: the source's name."""

    def __post_init__(self) -> None:
        _check_id(self.id, "layer id")
        _check_id(self.source, "layer source")
        if not 0.0 <= self.opacity <= 1.0 or not math.isfinite(self.opacity):
            raise SceneError(f"opacity {self.opacity!r} must be within 0..1")
        _check_name(self.name, allow_empty=True)


@dataclass(frozen=True, slots=True)
class Scene:
    id: str
    name: str
    layers: tuple[Layer, ...] = ()
    """Back to front: the last one is drawn on top."""

    def __post_init__(self) -> None:
        _check_id(self.id, "scene id")
        _check_name(self.name)
        if len(self.layers) > MAX_LAYERS:
            raise SceneError(f"a scene holds at most {MAX_LAYERS} layers")
        _check_unique((layer.id for layer in self.layers), "layer id")

    def layer(self, layer_id: str) -> Layer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise SceneError(f"scene {self.name!r} has no layer {layer_id!r}")

    def index(self, layer_id: str) -> int:
        return self.layers.index(self.layer(layer_id))


@dataclass(frozen=True, slots=True)
class SourceSpec:
    id: str
    name: str
    plugin: str
    """The source plugin's id (``shopcast.camera``, ``shopcast.product_card``, a third party's …)."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """The settings that differ from the plugin's defaults (JSON values: str, int, float, bool)."""
    filters: bool = False
    """The Filters dock's video filters (beautify …) run on this source's pictures (the host camera)."""

    def __post_init__(self) -> None:
        _check_id(self.id, "source id")
        _check_name(self.name)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+", self.plugin):
            raise SceneError(f"source plugin {self.plugin!r} must look like package.name")
        for key, value in self.settings.items():
            if not isinstance(key, str) or not isinstance(value, str | int | float | bool):
                raise SceneError(f"setting {key!r} of source {self.id!r} must be text, a number or true/false")
        object.__setattr__(self, "settings", dict(self.settings))

    def __hash__(self) -> int:
        return hash((self.id, self.name, self.plugin, tuple(sorted(self.settings.items())), self.filters))


@dataclass(frozen=True, slots=True)
class CanvasScenes:
    """One canvas's scenes, the scene on air and the scene in preview (studio mode)."""

    canvas: Canvas
    scenes: tuple[Scene, ...]
    program: str
    preview: str

    def __post_init__(self) -> None:
        if not self.scenes:
            raise SceneError(f"canvas {self.canvas.name} needs at least one scene")
        if len(self.scenes) > MAX_SCENES:
            raise SceneError(f"a canvas holds at most {MAX_SCENES} scenes")
        _check_unique((s.id for s in self.scenes), "scene id")
        ids = {s.id for s in self.scenes}
        for what, scene_id in (("program", self.program), ("preview", self.preview)):
            if scene_id not in ids:
                raise SceneError(f"the {what} scene {scene_id!r} is not one of canvas {self.canvas.name}'s scenes")

    def scene(self, scene_id: str) -> Scene:
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise SceneError(f"canvas {self.canvas.name} has no scene {scene_id!r}")

    @property
    def program_scene(self) -> Scene:
        return self.scene(self.program)

    @property
    def preview_scene(self) -> Scene:
        return self.scene(self.preview)


class TransitionKind(Enum):
    CUT = "cut"
    FADE = "fade"


MAX_TRANSITION_MS = 5000


@dataclass(frozen=True, slots=True)
class Transition:
    kind: TransitionKind = TransitionKind.FADE
    duration_ms: int = 300

    def __post_init__(self) -> None:
        if not 0 <= self.duration_ms <= MAX_TRANSITION_MS:
            raise SceneError(f"transition duration {self.duration_ms} ms is outside 0..{MAX_TRANSITION_MS}")


@dataclass(frozen=True, slots=True)
class SceneCollection:
    name: str
    sources: tuple[SourceSpec, ...]
    canvases: tuple[CanvasScenes, ...]
    """The first is the primary canvas."""
    transition: Transition = Transition()

    def __post_init__(self) -> None:
        _check_name(self.name)
        if not self.canvases or len(self.canvases) > 2:
            raise SceneError("a collection has one canvas, or two for dual format")
        if len({c.canvas.name for c in self.canvases}) != len(self.canvases):
            raise SceneError("the two canvases must have different names")
        if len(self.sources) > MAX_SOURCES:
            raise SceneError(f"a collection holds at most {MAX_SOURCES} sources")
        _check_unique((s.id for s in self.sources), "source id")
        known = {s.id for s in self.sources}
        for canvas in self.canvases:
            for scene in canvas.scenes:
                for layer in scene.layers:
                    if layer.source not in known:
                        raise SceneError(
                            f"layer {layer.id!r} of scene {scene.name!r} shows source {layer.source!r},"
                            " which the collection does not define"
                        )

    # --- lookups -------------------------------------------------------------------------------

    def canvas(self, name: str) -> CanvasScenes:
        for canvas in self.canvases:
            if canvas.canvas.name == name:
                return canvas
        raise SceneError(f"the collection has no canvas {name!r}")

    @property
    def primary(self) -> CanvasScenes:
        return self.canvases[0]

    def source(self, source_id: str) -> SourceSpec:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise SceneError(f"the collection has no source {source_id!r}")

    def sources_on(self, canvas: str, scene_id: str) -> tuple[str, ...]:
        """The ids of the sources a scene shows, back to front."""
        return tuple(layer.source for layer in self.canvas(canvas).scene(scene_id).layers)

    # --- edits (each returns a new collection) ---------------------------------------------------

    def with_canvas(self, updated: CanvasScenes) -> SceneCollection:
        name = updated.canvas.name
        self.canvas(name)  # raises for an unknown canvas
        canvases = tuple(updated if c.canvas.name == name else c for c in self.canvases)
        return replace(self, canvases=canvases)

    def with_scene(self, canvas: str, scene: Scene) -> SceneCollection:
        """Replace the scene with ``scene.id`` (or add it at the end when it is new)."""
        current = self.canvas(canvas)
        if any(s.id == scene.id for s in current.scenes):
            scenes = tuple(scene if s.id == scene.id else s for s in current.scenes)
        else:
            scenes = (*current.scenes, scene)
        return self.with_canvas(replace(current, scenes=scenes))

    def without_scene(self, canvas: str, scene_id: str) -> SceneCollection:
        current = self.canvas(canvas)
        current.scene(scene_id)
        scenes = tuple(s for s in current.scenes if s.id != scene_id)
        if not scenes:
            raise SceneError("the last scene of a canvas cannot be removed")
        first = scenes[0].id
        program = first if current.program == scene_id else current.program
        preview = first if current.preview == scene_id else current.preview
        return self.with_canvas(CanvasScenes(current.canvas, scenes, program, preview))

    def with_scene_order(self, canvas: str, scene_ids: Iterable[str]) -> SceneCollection:
        current = self.canvas(canvas)
        order = list(scene_ids)
        if sorted(order) != sorted(s.id for s in current.scenes):
            raise SceneError("a new scene order must name every scene of the canvas once")
        return self.with_canvas(replace(current, scenes=tuple(current.scene(i) for i in order)))

    def on_air(self, canvas: str, scene_id: str) -> SceneCollection:
        current = self.canvas(canvas)
        current.scene(scene_id)
        return self.with_canvas(replace(current, program=scene_id))

    def in_preview(self, canvas: str, scene_id: str) -> SceneCollection:
        current = self.canvas(canvas)
        current.scene(scene_id)
        return self.with_canvas(replace(current, preview=scene_id))

    def with_layer(self, canvas: str, scene_id: str, layer: Layer, index: int | None = None) -> SceneCollection:
        """Replace the layer with ``layer.id`` in place, or add it (on top, or at ``index``)."""
        scene = self.canvas(canvas).scene(scene_id)
        self.source(layer.source)
        layers = list(scene.layers)
        existing = next((i for i, old in enumerate(layers) if old.id == layer.id), None)
        if existing is not None and index is None:
            layers[existing] = layer
        else:
            if existing is not None:
                del layers[existing]
            layers.insert(len(layers) if index is None else max(0, min(index, len(layers))), layer)
        return self.with_scene(canvas, replace(scene, layers=tuple(layers)))

    def edit_layer(self, canvas: str, scene_id: str, layer_id: str, **changes: Any) -> SceneCollection:
        layer = self.canvas(canvas).scene(scene_id).layer(layer_id)
        try:
            return self.with_layer(canvas, scene_id, replace(layer, **changes))
        except TypeError as exc:
            raise SceneError(str(exc)) from None

    def without_layer(self, canvas: str, scene_id: str, layer_id: str) -> SceneCollection:
        scene = self.canvas(canvas).scene(scene_id)
        scene.layer(layer_id)
        return self.with_scene(canvas, replace(scene, layers=tuple(la for la in scene.layers if la.id != layer_id)))

    def with_source(self, source: SourceSpec) -> SceneCollection:
        """Replace the source with ``source.id`` (or add it)."""
        if any(s.id == source.id for s in self.sources):
            sources = tuple(source if s.id == source.id else s for s in self.sources)
        else:
            sources = (*self.sources, source)
        return replace(self, sources=sources)

    def without_source(self, source_id: str) -> SceneCollection:
        """Remove a source and every layer that shows it."""
        self.source(source_id)
        canvases = tuple(
            replace(
                c,
                scenes=tuple(
                    replace(s, layers=tuple(la for la in s.layers if la.source != source_id)) for s in c.scenes
                ),
            )
            for c in self.canvases
        )
        return replace(self, sources=tuple(s for s in self.sources if s.id != source_id), canvases=canvases)

    def new_id(self, prefix: str, taken: Iterable[str] | None = None) -> str:
        """An id starting with ``prefix`` used nowhere in the collection (or in ``taken``)."""
        used = set(taken) if taken is not None else self._ids()
        n = 1
        while f"{prefix}{n}" in used:
            n += 1
        return f"{prefix}{n}"

    def _ids(self) -> set[str]:
        ids = {s.id for s in self.sources}
        for canvas in self.canvases:
            for scene in canvas.scenes:
                ids.add(scene.id)
                ids.update(layer.id for layer in scene.layers)
        return ids


# --- checks ----------------------------------------------------------------------------------------


def _check_id(value: object, what: str) -> None:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise SceneError(f"{what} {value!r} must be 1-64 letters, digits, '-' or '_'")


def _check_name(value: object, *, allow_empty: bool = False) -> None:
    if not isinstance(value, str) or len(value) > MAX_NAME or (not value.strip() and not allow_empty):
        raise SceneError(f"name {value!r} must be 1-{MAX_NAME} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise SceneError(f"name {value!r} holds control characters")


def _check_unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise SceneError(f"{what} {value!r} is used twice")
        seen.add(value)


# --- the file format -------------------------------------------------------------------------------


def to_dict(collection: SceneCollection) -> dict[str, Any]:
    """The collection as JSON-ready data (the scene-collection file)."""

    def layer(la: Layer) -> dict[str, Any]:
        return {
            "id": la.id,
            "source": la.source,
            "name": la.name,
            "box": dataclasses.asdict(la.box),
            "crop": dataclasses.asdict(la.crop),
            "fit": la.fit.value,
            "opacity": la.opacity,
            "visible": la.visible,
            "locked": la.locked,
        }

    return {
        "format": "shopcast.scenes",
        "version": FORMAT_VERSION,
        "name": collection.name,
        "transition": {"kind": collection.transition.kind.value, "duration_ms": collection.transition.duration_ms},
        "sources": [
            {"id": s.id, "name": s.name, "plugin": s.plugin, "settings": dict(s.settings), "filters": s.filters}
            for s in collection.sources
        ],
        "canvases": [
            {
                "canvas": {"name": c.canvas.name, "width": c.canvas.width, "height": c.canvas.height},
                "program": c.program,
                "preview": c.preview,
                "scenes": [{"id": s.id, "name": s.name, "layers": [layer(la) for la in s.layers]} for s in c.scenes],
            }
            for c in collection.canvases
        ],
    }


class _Reader:
    """Reads one JSON object, naming the path of anything wrong."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, dict):
            raise SceneError(f"{path or 'the file'}: expected an object, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.path = path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise SceneError(f"{self.where(key)}: missing")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise SceneError(f"{self.where(key)}: expected {names}, got {type(value).__name__}")
        return value

    def number(self, key: str, default: float | None = None) -> float:
        value = self.get(key, (int, float), ... if default is None else default)
        if not math.isfinite(value):
            raise SceneError(f"{self.where(key)}: must be a finite number")
        return float(value)

    def child(self, key: str) -> _Reader:
        return _Reader(self.get(key, dict), self.where(key))

    def items(self, key: str, limit: int) -> list[_Reader]:
        values = self.get(key, list)
        if len(values) > limit:
            raise SceneError(f"{self.where(key)}: at most {limit} entries")
        return [_Reader(v, f"{self.where(key)}[{i}]") for i, v in enumerate(values)]


@contextmanager
def _at(path: str) -> Iterator[None]:
    """Prefix any problem raised inside with ``path`` (unless it already names a deeper field)."""
    try:
        yield
    except SceneError as exc:
        message = str(exc)
        raise SceneError(message if message.startswith(path) else f"{path}: {message}") from None
    except (ValueError, TypeError) as exc:
        raise SceneError(f"{path}: {exc}") from None


def _layer(r: _Reader) -> Layer:
    with _at(r.path):
        b = r.child("box")
        with _at(b.path):
            box = Box(*(b.get(k, int) for k in ("x", "y", "w", "h")))
        crop = Crop()
        if "crop" in r.data:
            c = r.child("crop")
            with _at(c.path):
                crop = Crop(*(c.number(k, 0.0) for k in ("left", "top", "right", "bottom")))
        with _at(r.where("fit")):
            fit = Fit(r.get("fit", str, "cover"))
        return Layer(
            id=r.get("id", str),
            source=r.get("source", str),
            name=r.get("name", str, ""),
            box=box,
            crop=crop,
            fit=fit,
            opacity=r.number("opacity", 1.0),
            visible=r.get("visible", bool, True),
            locked=r.get("locked", bool, False),
        )


def _scene(r: _Reader) -> Scene:
    with _at(r.path):
        return Scene(r.get("id", str), r.get("name", str), tuple(_layer(la) for la in r.items("layers", MAX_LAYERS)))


def _canvas(r: _Reader) -> CanvasScenes:
    with _at(r.path):
        c = r.child("canvas")
        with _at(c.path):
            canvas = Canvas(c.get("name", str), c.get("width", int), c.get("height", int))
        scenes = tuple(_scene(s) for s in r.items("scenes", MAX_SCENES))
        return CanvasScenes(canvas, scenes, r.get("program", str), r.get("preview", str))


def _source(r: _Reader) -> SourceSpec:
    with _at(r.path):
        return SourceSpec(
            r.get("id", str), r.get("name", str), r.get("plugin", str), r.get("settings", dict, {}),
            r.get("filters", bool, False),
        )  # fmt: skip


def _transition(r: _Reader) -> Transition:
    with _at(r.path):
        with _at(r.where("kind")):
            kind = TransitionKind(r.get("kind", str))
        return Transition(kind, r.get("duration_ms", int))


def from_dict(data: object) -> SceneCollection:
    """Read a scene-collection file's data; :class:`SceneError` names the first problem's field."""
    r = _Reader(data, "")
    if r.get("format", str, "shopcast.scenes") != "shopcast.scenes":
        raise SceneError("format: this is not a ShopCast scene collection")
    version = r.get("version", int)
    if version > FORMAT_VERSION:
        raise SceneError(f"version: the file is version {version}, newer than this studio reads ({FORMAT_VERSION})")
    transition = _transition(r.child("transition")) if "transition" in r.data else Transition()
    sources = tuple(_source(s) for s in r.items("sources", MAX_SOURCES))
    canvases = tuple(_canvas(c) for c in r.items("canvases", 2))
    with _at("collection"):
        return SceneCollection(r.get("name", str), sources, canvases, transition)
