"""Fakes for the hardware seams (cameras, microphones). Nothing else is faked."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import cv2
import numpy as np

from pipeline.frames import Image, Samples
from pipeline.sources import DeviceInfo, SourceError


class FakeCamera:
    """Delivers a picture with its frame number written on it, at about ``fps``; nothing (None)
    once closed or while ``unplugged()`` says its device is pulled out."""

    def __init__(self, width: int, height: int, fps: float, unplugged: Callable[[], bool] = lambda: False) -> None:
        self.width, self.height, self.interval = width, height, 1.0 / fps
        self.unplugged = unplugged
        self.frames = 0
        self.closed = False

    def read(self) -> Image | None:
        if self.closed:
            return None
        if self.unplugged():
            time.sleep(min(self.interval, 0.01))  # a real device's read fails fast, not instantly
            return None
        time.sleep(self.interval)
        image = np.full((self.height, self.width, 3), (40, 120, 200), np.uint8)
        cv2.putText(
            image, f"fake {self.frames}", (20, self.height // 2), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3
        )
        self.frames += 1
        return image

    def close(self) -> None:
        self.closed = True


class FakeMicrophone:
    """A 300 Hz tone in 10 ms blocks; nothing while ``unplugged()`` says its device is pulled out."""

    def __init__(
        self,
        sample_rate: int,
        channels: int,
        on_samples: Callable[[Samples], None],
        unplugged: Callable[[], bool] = lambda: False,
    ) -> None:
        self.unplugged = unplugged
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(sample_rate, channels, on_samples), daemon=True)
        self._thread.start()

    def _run(self, sample_rate: int, channels: int, on_samples: Callable[[Samples], None]) -> None:
        block = sample_rate // 100
        phase = 0
        while not self._stop.wait(0.01):
            if self.unplugged():
                continue
            t = (np.arange(block) + phase) / sample_rate
            phase += block
            wave = (0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
            on_samples(np.repeat(wave[:, None], channels, axis=1))

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


class FakeDevices:
    """A device backend with the given cameras and microphones (none by default).

    ``unplug(index)`` pulls a camera out: it is not listed, cannot be opened, and the handles already
    open on it deliver nothing (None) until ``replug(index)``. ``unplug_microphone(index)`` and
    ``replug_microphone(index)`` do the same to a microphone (its open handles deliver no sound)."""

    def __init__(self, cameras: int = 0, microphones: int = 0, camera_fails: bool = False) -> None:
        self._cameras = cameras
        self._microphones = microphones
        self.camera_fails = camera_fails
        self.opened_cameras: list[FakeCamera] = []
        self._unplugged: set[int] = set()
        self._microphones_unplugged: set[int] = set()

    def unplug_microphone(self, index: int = 0) -> None:
        self._microphones_unplugged.add(index)

    def replug_microphone(self, index: int = 0) -> None:
        self._microphones_unplugged.discard(index)

    def unplug(self, index: int) -> None:
        self._unplugged.add(index)

    def replug(self, index: int) -> None:
        self._unplugged.discard(index)

    def cameras(self) -> list[DeviceInfo]:
        return [DeviceInfo(i, f"fake camera {i}") for i in range(self._cameras) if i not in self._unplugged]

    def open_camera(self, index: int, width: int, height: int, fps: float) -> FakeCamera:
        if self.camera_fails:
            raise SourceError(f"camera {index} could not be opened (busy)")
        if index in self._unplugged:
            raise SourceError(f"camera {index} could not be opened (no such device)")
        camera = FakeCamera(640, 480, fps, lambda: index in self._unplugged)
        self.opened_cameras.append(camera)
        return camera

    def microphones(self) -> list[DeviceInfo]:
        gone = self._microphones_unplugged
        return [DeviceInfo(i, f"fake mic {i}") for i in range(self._microphones) if i not in gone]

    def open_microphone(
        self, device: int | None, sample_rate: int, channels: int, on_samples: Callable[[Samples], None]
    ) -> FakeMicrophone:
        index = 0 if device is None else device  # the default microphone is the first
        if index in self._microphones_unplugged:
            raise SourceError(f"microphone {index} could not be opened (no such device)")
        return FakeMicrophone(sample_rate, channels, on_samples, lambda: index in self._microphones_unplugged)

    def open_speaker(self, device: int | None, sample_rate: int, channels: int) -> object:
        """No sound output, like these machines (tests that monitor give their own speaker)."""
        raise SourceError("no sound output device")
