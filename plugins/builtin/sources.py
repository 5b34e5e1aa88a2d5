"""Factories of the built-in source plugins (plugins/builtin/source_records.py).

Each factory returns a :class:`PluginSource`: a :class:`~pipeline.sources.base.VideoSource` that
holds the pipeline source its settings describe and, on ``update(settings)`` (from the studio's
thread, while the render thread reads), builds the next one, starts it if the old one was started,
swaps the reference and stops the old one, so a read never sees half a change. The factories never
raise for a missing file or an absent device: whatever cannot be built becomes a
:class:`~pipeline.sources.placeholder.ProblemSource` whose problem says why (the renderer draws the
placeholder), and a later update or a recovered device clears it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

from pipeline.frames import Image, Samples
from pipeline.overlay import parse_colour
from pipeline.sources.base import AudioSource, FrameTime, Problem, VideoSource
from pipeline.sources.placeholder import ProblemSource
from plugins.api import Context
from plugins.builtin.source_records import (
    CameraSettings,
    CohostSettings,
    ColourSettings,
    ImageSettings,
    MediaFileSettings,
    ProductCardSettings,
    ProductPhotoSettings,
    ScreenSettings,
    SlateSettings,
    SlideshowSettings,
    TestPatternSettings,
    TextSettings,
)

log = logging.getLogger(__name__)

S = TypeVar("S")


class _Sound(AudioSource):
    """The sound of whichever source a :class:`PluginSource` holds now (silence while it has none),
    so the mixer keeps one object across settings changes."""

    def __init__(self, owner: PluginSource[Any], sample_rate: int, channels: int) -> None:
        super().__init__(sample_rate, channels)
        self._owner = owner
        self.description = "plugin source sound"

    def read(self, frames: int, position: int) -> Samples:
        inner = self._owner.inner.audio
        if inner is None:
            return np.zeros((frames, self.channels), np.float32)
        return inner.read(frames, position)


class PluginSource(VideoSource, Generic[S]):
    """A source plugin's running instance (module docstring)."""

    def __init__(self, build: Callable[[S], VideoSource], settings: S, context: Context, name: str) -> None:
        self._build = build
        self._settings = settings
        self._name = name
        self._lock = threading.Lock()
        self._started = False
        self._inner = self._make(settings)
        self._sound = _Sound(self, context.sample_rate, context.channels)

    @property
    def inner(self) -> VideoSource:
        """The pipeline source shown now."""
        return self._inner

    @property
    def settings(self) -> S:
        return self._settings

    def _make(self, settings: S) -> VideoSource:
        try:
            return self._build(settings)
        except Exception as exc:  # a source that cannot be built is a placeholder, never a crash
            log.warning("source %s: %s", self._name, exc)
            return ProblemSource(Problem(f"{self._name}: {exc}", f"{self._name}：{exc}"), self._name)

    def _start(self, source: VideoSource) -> VideoSource:
        try:
            source.start()
            return source
        except Exception as exc:
            log.warning("source %s could not start: %s", self._name, exc)
            source.stop()
            return ProblemSource(Problem(f"{self._name}: {exc}", f"{self._name}：{exc}"), self._name)

    # --- what the renderer sees: the held source's ------------------------------------------------

    @property
    def problem(self) -> Problem | None:
        return self._inner.problem

    @problem.setter
    def problem(self, value: Problem | None) -> None:
        self._inner.problem = value

    @property
    def present(self) -> bool:
        return self._inner.present

    @present.setter
    def present(self, value: bool) -> None:
        self._inner.present = value

    @property
    def audio(self) -> AudioSource | None:
        return self._sound if self._inner.audio is not None else None

    @audio.setter
    def audio(self, value: AudioSource | None) -> None:
        raise AttributeError("a plugin source's sound is its inner source's")

    @property
    def description(self) -> str:
        return self._inner.description

    @description.setter
    def description(self, value: str) -> None:
        self._inner.description = value

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            self._inner = self._start(self._inner)

    def read(self, at: FrameTime) -> Image | None:
        return self._inner.read(at)

    def update(self, settings: S) -> None:
        """New settings: the next source is built (and started) before it replaces the old one."""
        with self._lock:
            if settings == self._settings:
                return
            fresh = self._make(settings)
            if self._started:
                fresh = self._start(fresh)
            old, self._inner, self._settings = self._inner, fresh, settings
        old.stop()

    def stop(self) -> None:
        with self._lock:
            self._started = False
            self._inner.stop()


def _size(width: int, height: int, context: Context) -> tuple[int, int]:
    """A settings size where 0 means the canvas's."""
    return width or context.width, height or context.height


def _pick(context: Context, en: str, zh: str) -> str:
    return zh if context.services.language.lower().startswith("zh") else en


# --- the factories ------------------------------------------------------------------------------


def make_camera(settings: CameraSettings, context: Context) -> PluginSource[CameraSettings]:
    from pipeline.sources.camera import CameraSource
    from pipeline.sources.devices import SystemDevices

    devices = context.services.devices or SystemDevices()

    def build(s: CameraSettings) -> VideoSource:
        return CameraSource(devices, s.device, s.width, s.height, s.fps or context.fps, wait_for_device=True)

    return PluginSource(build, settings, context, "camera")


def make_media_file(settings: MediaFileSettings, context: Context) -> PluginSource[MediaFileSettings]:
    from pipeline.sources.media_file import MediaFileSource, file_problem

    def build(s: MediaFileSettings) -> VideoSource:
        path = Path(s.file).expanduser()
        problem = file_problem(path)
        if problem is not None:
            return ProblemSource(problem, f"file {path.name}")
        return MediaFileSource(
            path, context.width, context.height, s.loop, sample_rate=context.sample_rate, channels=context.channels
        )

    return PluginSource(build, settings, context, "video file")


def make_image(settings: ImageSettings, context: Context) -> PluginSource[ImageSettings]:
    from pipeline.sources.image import ImageSource

    def build(s: ImageSettings) -> VideoSource:
        return ImageSource(Path(s.file).expanduser() if s.file else "")

    return PluginSource(build, settings, context, "image")


def slideshow_files(text: str) -> Path | list[Path]:
    """The slideshow's "folder or files" setting: one folder, or files separated by ``;``."""
    parts = [Path(p.strip()).expanduser() for p in text.split(";") if p.strip()]
    if len(parts) == 1 and not parts[0].is_file():
        return parts[0]  # a folder (or a missing path: the source says "folder not found")
    return parts


def make_slideshow(settings: SlideshowSettings, context: Context) -> PluginSource[SlideshowSettings]:
    from pipeline.sources.slideshow import SlideshowSource

    def build(s: SlideshowSettings) -> VideoSource:
        return SlideshowSource(
            slideshow_files(s.files),
            context.width,
            context.height,
            interval=s.interval,
            crossfade=s.crossfade,
            loop=s.loop,
        )

    return PluginSource(build, settings, context, "slideshow")


def make_screen(settings: ScreenSettings, context: Context) -> PluginSource[ScreenSettings]:
    from pipeline.sources.screen import ScreenSource

    def build(s: ScreenSettings) -> VideoSource:
        return ScreenSource(s.display, s.x, s.y, s.width, s.height, s.fps, cursor=s.cursor)

    return PluginSource(build, settings, context, "screen")


def make_text(settings: TextSettings, context: Context) -> PluginSource[TextSettings]:
    from pipeline.sources.text_source import TextSource

    def build(s: TextSettings) -> VideoSource:
        return TextSource(
            s.text.replace("\\n", "\n"),
            size=s.size,
            rgb=parse_colour(s.colour),
            background=s.background,
            opacity=s.opacity,
        )

    return PluginSource(build, settings, context, "text")


def make_colour(settings: ColourSettings, context: Context) -> PluginSource[ColourSettings]:
    from pipeline.sources.colour import ColourSource

    def build(s: ColourSettings) -> VideoSource:
        return ColourSource(*_size(s.width, s.height, context), parse_colour(s.colour), s.opacity)

    return PluginSource(build, settings, context, "colour")


def make_product_card(settings: ProductCardSettings, context: Context) -> PluginSource[ProductCardSettings]:
    from pipeline.sources.product_card import ProductCard, ProductCardSource

    products = context.services.products

    def feed() -> ProductCard | None:
        return products.card() if products is not None else None

    def build(s: ProductCardSettings) -> VideoSource:
        return ProductCardSource(feed, s.width, s.height, context.services.language)

    return PluginSource(build, settings, context, "product card")


def make_product_photo(settings: ProductPhotoSettings, context: Context) -> PluginSource[ProductPhotoSettings]:
    from pipeline.sources.product_card import ProductCard
    from pipeline.sources.product_photo import ProductPhotoSource

    products = context.services.products

    def feed() -> ProductCard | None:
        return products.card() if products is not None else None

    return PluginSource(lambda _: ProductPhotoSource(feed), settings, context, "product photo")


def make_cohost(settings: CohostSettings, context: Context) -> PluginSource[CohostSettings]:
    from pipeline.compositor import GuestPicture
    from pipeline.sources.guest_tile import GuestTileSource

    guests = context.services.guests

    def feed(slot: int) -> GuestPicture | None:
        return guests.guest(slot) if guests is not None else None

    def build(s: CohostSettings) -> VideoSource:
        return GuestTileSource(feed, s.slot, language=context.services.language)

    return PluginSource(build, settings, context, "co-host")


def make_test_pattern(settings: TestPatternSettings, context: Context) -> PluginSource[TestPatternSettings]:
    from pipeline.sources.test_pattern import TestPattern

    def build(s: TestPatternSettings) -> VideoSource:
        return TestPattern(*_size(s.width, s.height, context), label=s.label)

    return PluginSource(build, settings, context, "test pattern")


def make_slate(settings: SlateSettings, context: Context) -> PluginSource[SlateSettings]:
    from pipeline.sources.slate import SlateSource

    def build(s: SlateSettings) -> VideoSource:
        title = s.title or _pick(context, "Be right back", "马上回来")
        message = s.message or _pick(context, "We'll be back in a moment", "稍后继续，别走开")
        return SlateSource(*_size(s.width, s.height, context), title, message)

    return PluginSource(build, settings, context, "slate")
