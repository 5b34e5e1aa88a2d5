"""A still image as a scene source (a product photo, a price poster, a logo), kept up to date with
its file.

Decoding a photo takes tens of milliseconds, too long for the render thread, so the file is read on
the source's own thread: once at start, then again whenever its modification time or size changes
(checked once a second: a designer re-exporting the poster sees it on air a second later). Between
changes a read costs nothing (pipeline/sources/static.py). The file is read as bytes and decoded
from memory, so any path works; transparency is kept, premultiplied (pipeline/sources/pictures.py).
A missing or unreadable file is the source's :attr:`problem` (the renderer shows a placeholder saying
so), never an exception; it clears by itself once the file is back.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from pipeline.frames import Image
from pipeline.sources.base import Problem
from pipeline.sources.pictures import ImageFileError, fit_within, read_image
from pipeline.sources.static import StaticSource

log = logging.getLogger(__name__)

MAX_SIDE = 4096
"""Larger pictures are scaled down to this on their longer side when read (a 50-megapixel photo
would otherwise cost the renderer 200 MB and a slow first scaling)."""


def image_problem(path: Path, error: ImageFileError | None = None) -> Problem:
    """Why the image at ``path`` cannot be shown, in both languages."""
    if error is None or error.missing:
        return Problem(f"Image file not found: {path}", f"找不到图片文件：{path}")
    return Problem(str(error), f"无法读取图片 {path.name}（不是可识别的图片：PNG、JPEG、WebP、BMP）")


class ImageSource(StaticSource):
    def __init__(self, path: Path | str, *, max_side: int = MAX_SIDE, check_every: float = 1.0) -> None:
        super().__init__()
        self.path = Path(path) if str(path) else Path()
        self.description = f"image {self.path.name}" if str(path) else "image"
        self.max_side, self.check_every = max_side, check_every
        self._empty = not str(path)
        self.problem = Problem("No image file chosen", "未选择图片文件") if self._empty else None
        self._seen: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._looked = threading.Event()
        self._thread: threading.Thread | None = None
        self.loads = 0
        """How many times the file was decoded (tests)."""

    def start(self) -> None:
        super().start()
        if self._empty or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="shopcast-image", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while True:
            self.check()
            if self._stop.wait(self.check_every):
                return

    def check(self) -> None:
        """Read the file if it changed since the last look (the watcher thread calls this)."""
        try:
            self._check()
        finally:
            self._looked.set()

    def _check(self) -> None:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            self.problem = image_problem(self.path)
            self._seen = None
            return
        if stamp == self._seen:
            return
        self._seen = stamp
        try:
            picture = read_image(self.path)
        except ImageFileError as exc:
            log.info("image source: %s", exc)
            self.problem = image_problem(self.path, exc)
            return
        self.loads += 1
        self.show(fit_within(picture, self.max_side, self.max_side))
        self.problem = None

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    def wait_loaded(self, timeout: float = 5.0) -> Image | None:
        """Wait until the file was looked at once (tests, tools); the picture, if it could be read."""
        self._looked.wait(timeout)
        return self.picture
