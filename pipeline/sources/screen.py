"""Screen capture of an X display, the whole screen or a rectangle of it (a window's place: a
browser showing the shop page, a spreadsheet of prices), through FFmpeg's ``x11grab`` in PyAV.

Grabbing blocks until the next frame is due, so it runs on the source's own thread and the render
thread takes the latest picture (as from a camera, pipeline/sources/camera.py). A display that
cannot be opened (no X server, a wrong ``:N``, a rectangle off the screen) is the source's
:attr:`problem`, and the thread tries again every two seconds; a display that goes away mid-show
does the same. Wayland sessions need a portal/PipeWire capture instead (not done here); XWayland
shows only X windows.
"""

from __future__ import annotations

import logging
import os
import threading

import av
import numpy as np

from pipeline.frames import Image
from pipeline.sources.base import FrameTime, Problem, VideoSource

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0


class ScreenSource(VideoSource):
    """``display`` (``:0``, ``:0.0``; empty: ``$DISPLAY``), the rectangle at (x, y) of width x height
    (0 x 0: the whole screen), ``fps`` frames a second."""

    def __init__(
        self,
        display: str = "",
        x: int = 0,
        y: int = 0,
        width: int = 0,
        height: int = 0,
        fps: float = 15.0,
        *,
        cursor: bool = True,
    ) -> None:
        self.display = display.strip() or os.environ.get("DISPLAY", "")
        self.x, self.y, self.width, self.height, self.fps, self.cursor = x, y, width, height, fps, cursor
        self.description = f"screen {self.display or '(no display)'}"
        self._lock = threading.Lock()
        self._latest: Image | None = None
        self._fresh = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames_captured = 0
        self.problem: Problem | None = None
        if not self.display:
            self.problem = Problem(
                "No X display to capture (DISPLAY is not set)", "没有可采集的 X 显示（未设置 DISPLAY）"
            )

    def _cannot_open(self) -> Problem:
        return Problem(
            f"Cannot capture the screen {self.display} (is the X display running, and the area on it?); trying again",
            f"无法采集屏幕 {self.display}（X 显示是否在运行、区域是否在屏幕内？）；正在重试",
        )

    def _url(self) -> str:
        display = self.display if "." in self.display.rpartition(":")[2] else f"{self.display}.0"
        return f"{display}+{self.x},{self.y}"

    def _options(self) -> dict[str, str]:
        options = {"framerate": f"{self.fps:g}", "draw_mouse": "1" if self.cursor else "0"}
        if self.width > 0 and self.height > 0:
            options["video_size"] = f"{self.width // 2 * 2}x{self.height // 2 * 2}"
        return options

    def start(self) -> None:
        if self._thread is not None or not self.display:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._capture, name="shopcast-screen", daemon=True)
        self._thread.start()

    def _capture(self) -> None:
        while not self._stop.is_set():
            try:
                with av.open(self._url(), format="x11grab", options=self._options(), timeout=2.0) as container:
                    stream = container.streams.video[0]
                    for frame in container.decode(stream):
                        image = np.ascontiguousarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8)
                        with self._lock:
                            self._latest, self._fresh = image, True
                            self.frames_captured += 1
                        self.problem = None
                        if self._stop.is_set():
                            return
            except (av.FFmpegError, OSError) as exc:
                log.info("screen capture of %s: %s", self.display, exc)
                self.problem = self._cannot_open()
            if self._stop.wait(RETRY_SECONDS):
                return

    def read(self, at: FrameTime) -> Image | None:
        with self._lock:
            if not self._fresh:
                return None
            self._fresh = False
            return self._latest

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3.0)
            self._thread = None
