"""The running sources of a scene collection, made by their plugins and read once per frame.

:class:`SourcePool` is what the scene renderer reads pictures through
(:class:`pipeline.scene_render.SourceFrames`). It keeps one running source per :class:`SourceSpec`
of the collection: :meth:`SourcePool.sync` starts the new ones, passes new settings to the changed
ones and stops the removed ones — on the caller's thread (the studio's control thread), because
opening a camera or a file takes time the render thread does not have. :meth:`picture` reads a
source at most once per program frame, however many layers, scenes or canvases show it, and runs
the Filters dock's video filters (beautify) on new pictures of the sources marked for them (the host
camera, not the product card).

Nothing a source does stops the show: a plugin that is not installed, settings that no longer fit
its declaration, a factory or ``start`` that raises, a ``read`` that raises — each becomes the
source's problem, drawn as a placeholder with the reason, and a notice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.frames import Image
from pipeline.scene import SourceSpec
from pipeline.scene_render import SourcePicture
from pipeline.sources.base import AudioSource, FrameTime, Problem, VideoSource
from plugins.api import Context, Kind, Plugin, SettingsError, Text, validate
from plugins.registry import Registry

log = logging.getLogger(__name__)

VideoFilter = Callable[[Image], Image]
Notify = Callable[[str, Text], None]
"""(level, message): a problem a streamer should see."""


class _Broken(VideoSource):
    """Stands in for a source that could not be made at all: only its problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    def read(self, at: FrameTime) -> Image | None:
        return None


@dataclass(slots=True)
class _Running:
    spec: SourceSpec
    source: VideoSource
    plugin: Plugin | None
    tick: int = -1
    serial: int = 0
    picture: SourcePicture | None = None
    image: Image | None = None
    failures: int = 0
    reported: Problem | None = None
    """The problem last told (a notice when one appears, changes or clears, never every frame)."""


_BLANK = np.zeros((2, 2, 3), np.uint8)


class SourcePool:
    """Holds and reads the collection's sources (module docstring)."""

    def __init__(
        self,
        registry: Registry,
        context: Context,
        *,
        video_filter: VideoFilter | None = None,
        notify: Notify | None = None,
    ) -> None:
        self._registry = registry
        self._context = context
        self._filter = video_filter
        self._notify = notify or (lambda level, text: log.warning("%s", text.en))
        self._running: dict[str, _Running] = {}
        self._sync_lock = threading.Lock()
        self._language = context.services.language

    # --- the set of sources (control thread) ---------------------------------------------------

    def sync(self, specs: tuple[SourceSpec, ...]) -> None:
        """Make the running sources those of ``specs``: start, update or stop as needed."""
        with self._sync_lock:
            running = dict(self._running)
            wanted = {s.id: s for s in specs}
            gone = [running.pop(i) for i in list(running) if i not in wanted]
            for spec in specs:
                current = running.get(spec.id)
                if current is None or current.spec.plugin != spec.plugin or not self._updated(current, spec):
                    if current is not None:
                        gone.append(current)
                    running[spec.id] = self._start(spec)
            self._running = running  # one assignment: the render thread sees the old or the new set
            for old in gone:  # under the lock: a second sync returns only once the old ones are released
                self._stop(old)

    def _updated(self, current: _Running, spec: SourceSpec) -> bool:
        """Pass changed settings to a running source; False when it must be made anew."""
        if current.spec.settings == spec.settings:
            current.spec = spec
            return True
        if current.plugin is None or isinstance(current.source, _Broken):
            return False
        try:
            settings = validate(current.plugin.settings, dict(spec.settings))
            update = getattr(current.source, "update", None)
            if update is None:
                return False
            update(settings)
        except Exception as exc:
            log.warning("source %s refused new settings: %s", spec.id, exc)
            return False
        current.spec = spec
        return True

    def _start(self, spec: SourceSpec) -> _Running:
        plugin: Plugin | None = None
        source: VideoSource
        try:
            plugin = self._registry.get(spec.plugin)
            if plugin.kind is not Kind.SOURCE:
                raise SettingsError(f"{spec.plugin} is a {plugin.kind.value} plugin, not a source")
            settings = validate(plugin.settings, dict(spec.settings))
            made: object = plugin.load_factory()(settings, self._context)
            if not isinstance(made, VideoSource):
                raise TypeError(f"{plugin.factory} made a {type(made).__name__}, not a VideoSource")
            source = made
            source.start()
        except KeyError:
            source = _Broken(
                Problem(f"the source plugin {spec.plugin} is not installed", f"未安装输入源插件 {spec.plugin}")
            )
        except Exception as exc:
            log.exception("source %s (%s) could not start", spec.id, spec.plugin)
            source = _Broken(Problem(f"could not start: {exc}", f"无法启动：{exc}"))
        running = _Running(spec, source, plugin)
        if source.problem is not None:  # told now, not only once a scene on air shows it
            self._tell(running, source.problem)
        return running

    @staticmethod
    def _stop(running: _Running) -> None:
        try:
            running.source.stop()
        except Exception:
            log.exception("stopping source %s failed", running.spec.id)

    def close(self) -> None:
        with self._sync_lock:
            running, self._running = self._running, {}
        for item in running.values():
            self._stop(item)

    # --- reading (render thread) -----------------------------------------------------------------

    def picture(self, source_id: str, at: FrameTime) -> SourcePicture | None:
        running = self._running.get(source_id)
        if running is None:
            return None
        if running.tick != at.index:
            running.tick = at.index
            running.picture = self._read(running, at)
        return running.picture

    def _read(self, running: _Running, at: FrameTime) -> SourcePicture | None:
        source = running.source
        problem = source.problem
        if problem != running.reported:
            self._tell(running, problem)
        if problem is not None:
            return SourcePicture(_BLANK, running.serial, problem.zh if self._zh else problem.en, running.spec.name)
        try:
            image = source.read(at)
        except Exception as exc:
            running.failures += 1
            if running.failures == 1:
                log.exception("source %s failed to read a picture", running.spec.id)
                self._notify(
                    "warning",
                    Text(f"Source {running.spec.name} failed: {exc}", f"输入源 {running.spec.name} 出错：{exc}"),
                )
            image = None
        if not source.present:  # read first: a source may learn in ``read`` that it has nothing
            return None
        if image is not None:
            if running.spec.filters and self._filter is not None and image.ndim == 3 and image.shape[2] == 3:
                image = self._filter(image)
            running.image = image
            running.serial += 1
        if running.image is None:
            return None
        return SourcePicture(running.image, running.serial, title=running.spec.name)

    def _tell(self, running: _Running, problem: Problem | None) -> None:
        before, running.reported = running.reported, problem
        name = running.spec.name
        if problem is not None:
            self._notify("warning", Text(f"Source {name}: {problem.en}", f"输入源 {name}：{problem.zh}"))
        elif before is not None:
            self._notify("info", Text(f"Source {name} is back", f"输入源 {name} 已恢复"))

    @property
    def _zh(self) -> bool:
        return self._language.lower().startswith("zh")

    # --- what else the studio asks ------------------------------------------------------------------

    def source(self, source_id: str) -> VideoSource | None:
        running = self._running.get(source_id)
        return running.source if running else None

    def audio(self) -> dict[str, AudioSource]:
        """The sources that make sound (media files), by source id."""
        return {i: r.source.audio for i, r in self._running.items() if r.source.audio is not None}

    def problems(self) -> dict[str, Problem]:
        return {i: r.source.problem for i, r in self._running.items() if r.source.problem is not None}
