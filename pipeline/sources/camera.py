"""A camera, read on its own thread; the program takes the latest frame."""

from __future__ import annotations

import logging
import threading

from pipeline.frames import Image
from pipeline.sources.base import FrameTime, VideoSource
from pipeline.sources.devices import CameraHandle, DeviceBackend

log = logging.getLogger(__name__)


class CameraSource(VideoSource):
    def __init__(self, devices: DeviceBackend, index: int, width: int, height: int, fps: float) -> None:
        self.devices = devices
        self.index = index
        self.width, self.height, self.fps = width, height, fps
        self.description = f"camera {index}"
        self._handle: CameraHandle | None = None
        self._latest: Image | None = None
        self._fresh = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames_captured = 0

    def start(self) -> None:
        self._handle = self.devices.open_camera(self.index, self.width, self.height, self.fps)
        self._stop.clear()
        self._thread = threading.Thread(target=self._capture, name=f"shopcast-camera-{self.index}", daemon=True)
        self._thread.start()

    def _capture(self) -> None:
        handle = self._handle
        assert handle is not None
        failures = 0
        while not self._stop.is_set():
            image = handle.read()
            if image is None:
                failures += 1
                if failures == 30:
                    log.warning("camera %d stopped delivering frames", self.index)
                if self._stop.wait(0.02):
                    break
                continue
            failures = 0
            with self._lock:
                self._latest = image
                self._fresh = True
                self.frames_captured += 1

    def read(self, at: FrameTime) -> Image | None:
        with self._lock:
            if not self._fresh:
                return None
            self._fresh = False
            return self._latest

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None
