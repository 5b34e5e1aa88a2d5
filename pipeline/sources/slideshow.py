"""Product photos in turn: a folder (by name) or a list of image files, each shown ``interval``
seconds, cross-faded, round and round.

The host's "product showcase" scene (../shared/design/live-commerce-format.md) wants the product's
photos large while it is explained. Photos are big (a 12-megapixel JPEG takes ~100 ms to decode), so
the source's own thread reads them, only the one shown and the next (a folder of hundreds costs two
decoded pictures), each fitted once inside the source's width x height on a transparent canvas
(premultiplied BGRA: a PNG cut-out keeps its edges). The render thread only picks: the slide whose
time has come, if it is ready (else the current one stays a little longer), and during a cross-fade
one ``cv2.addWeighted`` of two ready canvases a frame; between changes a read is free.

Time is the program's media time (``FrameTime.media``), so slides keep their pace whatever the
render thread's jitter and tests step time as they like. Files that cannot be read are skipped; the
source has a :attr:`problem` only when none can.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from pipeline.frames import Image
from pipeline.sources.base import FrameTime, Problem, VideoSource
from pipeline.sources.pictures import IMAGE_SUFFIXES, ImageFileError, contain, read_image

log = logging.getLogger(__name__)


def list_pictures(folder: Path) -> list[Path]:
    """The image files in ``folder``, sorted by name (not its subfolders)."""
    return sorted(
        (p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()),
        key=lambda p: p.name.lower(),
    )


class SlideshowSource(VideoSource):
    def __init__(
        self,
        files: Path | Sequence[Path],
        width: int,
        height: int,
        *,
        interval: float = 5.0,
        crossfade: float = 0.5,
        loop: bool = True,
    ) -> None:
        if width < 1 or height < 1:
            raise ValueError(f"slideshow size {width}x{height} must be at least 1x1")
        if interval <= 0:
            raise ValueError(f"interval {interval} must be above 0 s")
        self.files = files
        self.width, self.height = width, height
        self.interval, self.crossfade, self.loop = interval, max(0.0, min(crossfade, interval)), loop
        self.description = f"slideshow {files.name}" if isinstance(files, Path) else "slideshow"
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._paths: list[Path] = []
        self._bad: set[int] = set()
        self._cache: dict[int, Image] = {}
        self._index: int | None = None
        self._shown: Image | None = None
        self._previous: Image | None = None
        self._slot_start = 0.0
        self._listed = threading.Event()
        self.problem: Problem | None = None

    @property
    def index(self) -> int | None:
        """Which of the files is shown (None before the first)."""
        return self._index

    @property
    def paths(self) -> list[Path]:
        return list(self._paths)

    # --- the loader thread ------------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            self._index, self._shown, self._previous = None, None, None
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._load, name="shopcast-slideshow", daemon=True)
        self._thread.start()

    def _list(self) -> list[Path]:
        if isinstance(self.files, Path):
            folder = self.files
            try:
                found = list_pictures(folder)
            except OSError:
                self.problem = Problem(f"Folder not found: {folder}", f"找不到文件夹：{folder}")
                return []
            if not found:
                self.problem = Problem(f"No pictures in {folder}", f"文件夹 {folder} 中没有图片")
            return found
        if not self.files:
            self.problem = Problem("No pictures chosen", "未选择图片")
        return list(self.files)

    def _load(self) -> None:
        paths = self._list()
        with self._lock:
            self._paths = paths
        self._listed.set()
        while not self._stop.is_set():
            with self._lock:
                todo = [i for i in self._wanted() if i not in self._cache and i not in self._bad]
            if not todo:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            index = todo[0]
            try:
                picture = contain(read_image(paths[index]), self.width, self.height)
            except ImageFileError as exc:
                log.info("slideshow: skipping %s", exc)
                with self._lock:
                    self._bad.add(index)
                    if len(self._bad) == len(paths):
                        self.problem = Problem(
                            f"None of the {len(paths)} pictures can be read", f"{len(paths)} 张图片都无法读取"
                        )
                continue
            picture.flags.writeable = False
            with self._lock:
                self._cache[index] = picture
                wanted = set(self._wanted())
                for old in [i for i in self._cache if i not in wanted]:
                    del self._cache[old]

    def _next(self, index: int) -> int | None:
        """The readable file after ``index`` (-1: the first), or None."""
        count = len(self._paths)
        for step in range(1, count + 1):
            candidate = index + step
            if candidate >= count:
                if not self.loop and index >= 0:
                    return None
                candidate %= count
            if candidate not in self._bad:
                return candidate
        return None

    def _wanted(self) -> list[int]:
        """The files to hold decoded: the one shown and the next (under the lock)."""
        if self._index is None:
            first = self._next(-1)
            return [] if first is None else [first]
        following = self._next(self._index)
        return [self._index] if following is None or following == self._index else [self._index, following]

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    # --- the render thread ------------------------------------------------------------------------

    def read(self, at: FrameTime) -> Image | None:
        t = at.media
        with self._lock:
            if self._index is None:
                first = self._next(-1) if self._paths else None
                if first is None or first not in self._cache:
                    return None
                self._index, self._shown, self._previous, self._slot_start = first, self._cache[first], None, t
                self._wake.set()
                return self._shown
            changed = False
            if t - self._slot_start >= self.interval:
                following = self._next(self._index)
                if following is not None and following != self._index and following in self._cache:
                    self._previous, self._shown = self._shown, self._cache[following]
                    self._index = following
                    late = t - self._slot_start >= 2 * self.interval
                    self._slot_start = t if late else self._slot_start + self.interval
                    changed = True
                    self._wake.set()
                else:
                    self._slot_start = t if following is None or following == self._index else self._slot_start
            if self._previous is not None:
                fade = (t - self._slot_start) / self.crossfade if self.crossfade > 0 else 1.0
                if fade < 1:
                    previous, shown = self._previous, self._shown
                else:
                    self._previous = None
                    return self._shown
            elif changed:
                return self._shown
            else:
                return None
        assert shown is not None
        return np.asarray(cv2.addWeighted(previous, 1.0 - fade, shown, fade, 0.0), np.uint8)

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """Wait until the first slide is decoded (tests, tools); whether it is."""
        self._listed.wait(timeout)
        stop = threading.Event()
        for _ in range(max(1, int(timeout / 0.01))):
            with self._lock:
                first = self._next(-1) if self._paths else None
                if first is not None and first in self._cache:
                    return True
                if first is None:
                    return False
            stop.wait(0.01)
        return False
