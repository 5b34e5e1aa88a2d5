"""A source whose picture changes only now and then (a colour, a text, a slate, a still image).

It hands its picture out once and answers "unchanged" (None) after that, so the scene renderer keeps
its scaled copy and the layer costs only its blend; a new picture (a settings change, a re-read
file) is handed out once in turn. ``start`` hands the current picture out again, for a renderer that
dropped its copy while the source was stopped. The swap is one reference under a lock, so a new
picture may be made on any thread while the render thread reads.
"""

from __future__ import annotations

import threading

from pipeline.frames import Image
from pipeline.sources.base import FrameTime, VideoSource


class StaticSource(VideoSource):
    def __init__(self, picture: Image | None = None) -> None:
        self._lock = threading.Lock()
        self._picture = picture
        self._pending = picture is not None

    @property
    def picture(self) -> Image | None:
        """The picture shown now (None before the first)."""
        return self._picture

    def show(self, picture: Image | None) -> None:
        """Make ``picture`` (read-only from now on) the one handed out at the next read."""
        if picture is not None:
            picture.flags.writeable = False
        with self._lock:
            self._picture = picture
            self._pending = picture is not None

    def start(self) -> None:
        with self._lock:
            self._pending = self._picture is not None

    def read(self, at: FrameTime) -> Image | None:
        with self._lock:
            if not self._pending:
                return None
            self._pending = False
            return self._picture
