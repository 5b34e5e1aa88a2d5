"""A camera, read on its own thread; the program takes the latest frame. It survives unplugging.

A USB camera that is pulled out (or whose driver hangs) stops delivering: its reads return nothing
or raise. The capture thread notices within half a second, sets the source's :attr:`problem` (the
renderer shows a placeholder saying the camera is reconnecting instead of a frozen picture), closes
the handle and, once a second, looks whether the device is listed again and reopens it; the problem
clears with the first new picture. A read that blocks instead of failing is caught too: ``read``
(on the render thread, a clock comparison) raises the problem once no picture came for the stall
time. None of this waits on the render thread.

``wait_for_device``: a camera that cannot be opened at start is a problem to wait out (scene
sources: the studio shows the placeholder until the camera is plugged in) rather than a
:class:`SourceError` from ``start`` (the command line's ``--source camera``, which falls back to the
test pattern).
"""

from __future__ import annotations

import logging
import threading
import time

from pipeline.frames import Image
from pipeline.sources.base import FrameTime, Problem, SourceError, VideoSource
from pipeline.sources.devices import CameraHandle, DeviceBackend, reopen_if_listed

log = logging.getLogger(__name__)

STALL_SECONDS = 0.5
"""No picture for this long (reads returning nothing) and the camera is taken for gone."""
FIRST_PICTURE_SECONDS = 3.0
"""A camera just opened may take this long for its first picture (exposure, format negotiation)."""
RETRY_SECONDS = 1.0
"""How often a gone camera is looked for again."""


class CameraSource(VideoSource):
    def __init__(
        self,
        devices: DeviceBackend,
        index: int,
        width: int,
        height: int,
        fps: float,
        *,
        wait_for_device: bool = False,
    ) -> None:
        self.devices = devices
        self.index = index
        self.width, self.height, self.fps = width, height, fps
        self.wait_for_device = wait_for_device
        self.description = f"camera {index}"
        self._handle: CameraHandle | None = None
        self._latest: Image | None = None
        self._fresh = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._opened_at = 0.0
        self._last_picture: float | None = None
        self.problem: Problem | None = None
        self.frames_captured = 0
        self.reconnects = 0
        """Times the camera was opened again after it stopped delivering."""

    def _not_sending(self) -> Problem:
        return Problem(
            f"Camera {self.index} is not sending pictures; reconnecting…",
            f"摄像头 {self.index} 没有画面，正在重新连接…",
        )

    def _not_found(self, why: str = "") -> Problem:
        return Problem(
            f"Camera {self.index} is not connected{f' ({why})' if why else ''}; waiting for it…",
            f"摄像头 {self.index} 未连接，等待接入…",
        )

    def start(self) -> None:
        if self._thread is not None:
            return
        if self.wait_for_device and not self._listed():
            self.problem = self._not_found()
        else:
            try:
                self._open()
            except SourceError as exc:
                if not self.wait_for_device:
                    raise
                self.problem = self._not_found(str(exc))
        self._stop.clear()
        self._thread = threading.Thread(target=self._capture, name=f"shopcast-camera-{self.index}", daemon=True)
        self._thread.start()

    def _open(self) -> None:
        self._handle = self.devices.open_camera(self.index, self.width, self.height, self.fps)
        with self._lock:
            self._opened_at = time.monotonic()
            self._last_picture = None

    def _close(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            try:
                handle.close()
            except Exception:  # a device that is gone may fail to close; it is gone either way
                log.debug("camera %d did not close cleanly", self.index, exc_info=True)

    def _capture(self) -> None:
        while not self._stop.is_set():
            if self._handle is None:
                self._reopen()
                continue
            try:
                image = self._handle.read()
                failed = False
            except Exception:
                log.debug("camera %d read failed", self.index, exc_info=True)
                image, failed = None, True
            if image is None:
                if failed or self._stalled(time.monotonic()):
                    if self.problem is None or self.problem != self._not_sending():
                        log.warning("camera %d stopped delivering pictures; reconnecting", self.index)
                    self.problem = self._not_sending()
                    self._close()
                    self._stop.wait(RETRY_SECONDS)
                elif self._stop.wait(0.02):
                    break
                continue
            with self._lock:
                self._latest = image
                self._fresh = True
                self._last_picture = time.monotonic()
                self.frames_captured += 1
            if self.problem is not None:
                log.info("camera %d is sending pictures again", self.index)
                self.problem = None

    def _listed(self) -> bool:
        try:
            return any(d.index == self.index for d in self.devices.cameras())
        except Exception:  # a backend that cannot list now may list later
            return False

    def _reopen(self) -> None:
        if reopen_if_listed(self._listed, self._open, self._stop, f"camera {self.index}", RETRY_SECONDS):
            self.reconnects += 1

    def _stalled(self, now: float) -> bool:
        with self._lock:
            if self._last_picture is None:
                return now - self._opened_at > FIRST_PICTURE_SECONDS
            return now - self._last_picture > STALL_SECONDS

    def read(self, at: FrameTime) -> Image | None:
        with self._lock:
            if self._fresh:
                self._fresh = False
                return self._latest
        watching = self._thread is not None and self.problem is None and self._handle is not None
        if watching and self._stalled(time.monotonic()):  # a read blocked on a gone device: say so now
            self.problem = self._not_sending()
        return None

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        self._close()
