"""The show's scenes while the studio runs: edits, switches, studio mode, and the collection's file.

:class:`Scenes` owns the current :class:`~pipeline.scene.SceneCollection`. Every change — a scene
switched, a layer dragged, a source added — makes a new collection, which goes on air at once
(:meth:`pipeline.show.ShowVideo.show`: the next frame draws it) and is saved to the collection's file
shortly after (edits are coalesced: a drag does not write the file sixty times a second). Starting,
updating and stopping the sources themselves (``sync_sources``: plugins/source_pool.py) can take
seconds (opening a camera), so that runs on the session's control thread, after the layers that
show a new source are already on air (they appear the frame after the source has started).

Switching, in OBS's words: outside studio mode a click puts a scene on air with the current
transition; in studio mode a click puts it in the preview and :meth:`Scenes.transition` (Cut, Fade
or the default) takes the preview on air, the previous program scene coming back into the preview.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.scene import (
    Box,
    Layer,
    Scene,
    SceneCollection,
    SceneError,
    SourceSpec,
    Transition,
    TransitionKind,
    from_dict,
    to_dict,
)
from pipeline.show import ShowVideo

log = logging.getLogger(__name__)

SAVE_DELAY = 0.3
"""Seconds an edit waits for the next before the file is written (a drag is many edits)."""
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ScenesChanged:
    """The collection after a change (the docks redraw from it)."""

    collection: SceneCollection


class ScenesFileError(ValueError):
    """A scene-collection file that cannot be read; the message names the file and the problem."""


def load_collection(path: Path) -> SceneCollection:
    """Read a scene-collection file (:func:`pipeline.scene.from_dict`'s format)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenesFileError(f"{path}: {size} bytes is more than a scene collection holds")
        data = json.loads(path.read_bytes().decode("utf-8"))
        return from_dict(data)
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenesFileError(f"{path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ScenesFileError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    except SceneError as exc:
        raise ScenesFileError(f"{path}: {exc}") from exc


def save_collection(collection: SceneCollection, path: Path) -> None:
    """Write the file atomically (a crash leaves the old file or the new one, never half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_dict(collection), ensure_ascii=False, indent=1)
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


class Scenes:
    """The collection on air and its edits (module docstring). Thread-safe; edits return at once.

    Signals (callbacks): ``emit(ScenesChanged)`` after every change.
    """

    def __init__(
        self,
        collection: SceneCollection,
        show: ShowVideo,
        *,
        path: Path | None,
        sync_sources: Callable[[tuple[SourceSpec, ...]], None],
        background: Callable[[Callable[[], None]], object],
        emit: Callable[[ScenesChanged], None],
    ) -> None:
        self._collection = collection
        self._show = show
        self._sync_sources = sync_sources
        self.path = path
        self._background = background
        self._emit = emit
        self._lock = threading.RLock()
        self._studio_mode = False
        self._save_wanted = threading.Event()
        self._closing = threading.Event()
        self._saver: threading.Thread | None = None
        if path is not None:
            self._saver = threading.Thread(target=self._save_loop, name="shopcast-scenes-save", daemon=True)
            self._saver.start()
            self._save_wanted.set()

    # --- state ---------------------------------------------------------------------------------

    @property
    def collection(self) -> SceneCollection:
        return self._collection

    @property
    def studio_mode(self) -> bool:
        return self._studio_mode

    # --- applying a change -------------------------------------------------------------------------

    def _apply(self, collection: SceneCollection, transitions: Mapping[str, Transition] | None = None) -> None:
        """Put ``collection`` on air, start/stop sources if they changed, save, tell the listeners."""
        with self._lock:
            before = self._collection
            self._collection = collection
            self._show.show(collection, transitions)
        if collection.sources != before.sources:
            sources = collection.sources
            self._background(lambda: self._sync_sources(sources))
        self._save_wanted.set()
        self._emit(ScenesChanged(collection))

    def edit(self, change: Callable[[SceneCollection], SceneCollection]) -> SceneCollection:
        """Apply ``change`` to the current collection (SceneError if it breaks a rule: nothing changes)."""
        with self._lock:
            updated = change(self._collection)
            self._apply(updated)
            return updated

    # --- switching ---------------------------------------------------------------------------------

    def switch(self, canvas: str, scene_id: str, transition: Transition | None = None) -> None:
        """Put a scene on air now, with ``transition`` (default: the collection's)."""
        with self._lock:
            current = self._collection
            if current.canvas(canvas).program == scene_id:
                current.canvas(canvas).scene(scene_id)
                return
            updated = current.on_air(canvas, scene_id)
            self._apply(updated, {canvas: transition or current.transition})

    def preview(self, canvas: str, scene_id: str) -> None:
        self.edit(lambda c: c.in_preview(canvas, scene_id))

    def select(self, canvas: str, scene_id: str) -> None:
        """A click on a scene: in studio mode it goes to the preview, otherwise on air."""
        if self._studio_mode:
            self.preview(canvas, scene_id)
        else:
            self.switch(canvas, scene_id)

    def transition(self, canvas: str, kind: TransitionKind | None = None) -> None:
        """Studio mode's Transition (or Cut / Fade): the preview goes on air, the program into the preview."""
        with self._lock:
            current = self._collection
            scenes = current.canvas(canvas)
            chosen = current.transition if kind is None else replace(current.transition, kind=kind)
            if scenes.preview == scenes.program:
                return
            swapped = current.with_canvas(replace(scenes, program=scenes.preview, preview=scenes.program))
            self._apply(swapped, {canvas: chosen})

    def set_transition(self, kind: TransitionKind, duration_ms: int) -> None:
        self.edit(lambda c: replace(c, transition=Transition(kind, duration_ms)))

    def set_studio_mode(self, on: bool) -> None:
        with self._lock:
            self._studio_mode = on
            names = frozenset(c.canvas.name for c in self._collection.canvases) if on else frozenset()
            self._show.set_studio_mode(names)
        self._emit(ScenesChanged(self._collection))

    # --- scenes ------------------------------------------------------------------------------------

    def add_scene(self, canvas: str, name: str, layers: Iterable[Layer] = ()) -> str:
        with self._lock:
            scene_id = self._collection.new_id("scene")
            self.edit(lambda c: c.with_scene(canvas, Scene(scene_id, name, tuple(layers))))
            return scene_id

    def duplicate_scene(self, canvas: str, scene_id: str, name: str) -> str:
        with self._lock:
            scene = self._collection.canvas(canvas).scene(scene_id)
            new_id = self._collection.new_id("scene")
            scenes = self._collection.canvas(canvas).scenes
            index = next(i for i, s in enumerate(scenes) if s.id == scene_id) + 1
            order = [s.id for s in scenes]
            order.insert(index, new_id)
            self.edit(lambda c: c.with_scene(canvas, Scene(new_id, name, scene.layers)).with_scene_order(canvas, order))
            return new_id

    def remove_scene(self, canvas: str, scene_id: str) -> None:
        self.edit(lambda c: c.without_scene(canvas, scene_id))

    def rename_scene(self, canvas: str, scene_id: str, name: str) -> None:
        self.edit(lambda c: c.with_scene(canvas, replace(c.canvas(canvas).scene(scene_id), name=name)))

    def reorder_scenes(self, canvas: str, scene_ids: list[str]) -> None:
        self.edit(lambda c: c.with_scene_order(canvas, scene_ids))

    # --- layers ------------------------------------------------------------------------------------

    def add_layer(self, canvas: str, scene_id: str, source_id: str, box: Box | None = None) -> str:
        """Show a source in a scene, on top (by default filling the canvas)."""
        with self._lock:
            current = self._collection
            target = current.canvas(canvas)
            layer_id = current.new_id("layer")
            box = box or Box(0, 0, target.canvas.width, target.canvas.height)
            self.edit(lambda c: c.with_layer(canvas, scene_id, Layer(layer_id, source_id, box)))
            return layer_id

    def edit_layer(self, canvas: str, scene_id: str, layer_id: str, **changes: Any) -> None:
        self.edit(lambda c: c.edit_layer(canvas, scene_id, layer_id, **changes))

    def remove_layer(self, canvas: str, scene_id: str, layer_id: str) -> None:
        self.edit(lambda c: c.without_layer(canvas, scene_id, layer_id))

    def move_layer(self, canvas: str, scene_id: str, layer_id: str, index: int) -> None:
        """Put a layer at ``index`` in the scene's back-to-front order."""

        def change(c: SceneCollection) -> SceneCollection:
            layer = c.canvas(canvas).scene(scene_id).layer(layer_id)
            return c.with_layer(canvas, scene_id, layer, index=index)

        self.edit(change)

    # --- sources -----------------------------------------------------------------------------------

    def add_source(self, plugin: str, name: str, settings: Mapping[str, Any] | None = None) -> str:
        with self._lock:
            source_id = self._collection.new_id("source")
            self.edit(lambda c: c.with_source(SourceSpec(source_id, name, plugin, dict(settings or {}))))
            return source_id

    def edit_source(self, source_id: str, **changes: Any) -> None:
        """Rename a source, give it new settings (``settings=``), or mark it for the video filters."""

        def change(c: SceneCollection) -> SceneCollection:
            try:
                return c.with_source(replace(c.source(source_id), **changes))
            except TypeError as exc:
                raise SceneError(str(exc)) from None

        self.edit(change)

    def remove_source(self, source_id: str) -> None:
        self.edit(lambda c: c.without_source(source_id))

    # --- the file ----------------------------------------------------------------------------------

    def _save_loop(self) -> None:
        while True:
            self._save_wanted.wait()
            if self._closing.wait(SAVE_DELAY):
                break
            self._save_wanted.clear()
            self._save()
        if self._save_wanted.is_set():
            self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        try:
            save_collection(self._collection, self.path)
        except OSError as exc:
            log.warning("could not save the scene collection to %s: %s", self.path, exc)

    def close(self) -> None:
        """Write any edit not yet saved and stop the saver."""
        self._closing.set()
        self._save_wanted.set()
        if self._saver is not None:
            self._saver.join(timeout=5.0)
