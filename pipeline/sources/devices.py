"""Hardware seam: cameras and microphones behind one small interface.

Everything that touches a real device goes through :class:`DeviceBackend`, so tests hand the
pipeline a fake backend (as httpx tests hand a client a fake transport) and the rest of the code is
the same code that runs on a streamer's machine.
"""

from __future__ import annotations

import logging
import platform
import re
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pipeline.frames import Image, Samples
from pipeline.sources.base import SourceError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    index: int
    name: str


class CameraHandle(Protocol):
    def read(self) -> Image | None:
        """Block until the next frame; None when the device stopped delivering."""
        ...

    def close(self) -> None: ...


class MicrophoneHandle(Protocol):
    def close(self) -> None: ...


class SpeakerHandle(Protocol):
    def write(self, samples: Samples) -> None:
        """Queue an (N, channels) float32 block to play; never blocks (a full queue drops the oldest)."""
        ...

    def close(self) -> None: ...


class DeviceBackend(Protocol):
    def cameras(self) -> list[DeviceInfo]: ...

    def open_camera(self, index: int, width: int, height: int, fps: float) -> CameraHandle: ...

    def microphones(self) -> list[DeviceInfo]: ...

    def open_microphone(
        self,
        device: int | None,
        sample_rate: int,
        channels: int,
        on_samples: Callable[[Samples], None],
    ) -> MicrophoneHandle: ...

    def open_speaker(self, device: int | None, sample_rate: int, channels: int) -> SpeakerHandle:
        """The sound output (monitoring); SourceError when there is none."""
        ...


class _OpenCvCamera:
    def __init__(self, capture: Any) -> None:
        self._capture = capture

    def read(self) -> Image | None:
        ok, image = self._capture.read()
        if not ok or image is None:
            return None
        return np.ascontiguousarray(image, dtype=np.uint8)

    def close(self) -> None:
        self._capture.release()


class _SoundDeviceMicrophone:
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()


class SystemDevices:
    """The machine's cameras (OpenCV) and microphones (sounddevice / PortAudio)."""

    def cameras(self) -> list[DeviceInfo]:
        if platform.system() == "Linux":
            found = []
            for path in sorted(Path("/dev").glob("video*")):
                match = re.fullmatch(r"video(\d+)", path.name)
                if match:
                    found.append(DeviceInfo(int(match.group(1)), str(path)))
            return found
        # Elsewhere there is no cheap listing; probe the first few indices.
        return [DeviceInfo(i, f"camera {i}") for i in range(3) if self._can_open(i)]

    @staticmethod
    def _can_open(index: int) -> bool:
        cv2 = _quiet_cv2()
        capture = cv2.VideoCapture(index)
        try:
            return bool(capture.isOpened())
        finally:
            capture.release()

    def open_camera(self, index: int, width: int, height: int, fps: float) -> CameraHandle:
        cv2 = _quiet_cv2()
        backend = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY
        capture = cv2.VideoCapture(index, backend)
        if not capture.isOpened():
            capture.release()
            raise SourceError(f"camera {index} could not be opened (busy or not a capture device)")
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        capture.set(cv2.CAP_PROP_FPS, fps)
        return _OpenCvCamera(capture)

    def microphones(self) -> list[DeviceInfo]:
        sd = _sounddevice()
        try:
            devices = sd.query_devices()
        except Exception as exc:  # PortAudio raises its own error types
            raise SourceError(f"cannot list microphones: {exc}") from exc
        return [DeviceInfo(i, str(d["name"])) for i, d in enumerate(devices) if d["max_input_channels"] > 0]

    def open_microphone(
        self,
        device: int | None,
        sample_rate: int,
        channels: int,
        on_samples: Callable[[Samples], None],
    ) -> MicrophoneHandle:
        sd = _sounddevice()

        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            on_samples(np.array(indata, dtype=np.float32, copy=True))

        try:
            stream = sd.InputStream(
                device=device, samplerate=sample_rate, channels=channels, dtype="float32", callback=callback
            )
            stream.start()
        except Exception as exc:
            raise SourceError(f"microphone could not be opened: {exc}") from exc
        return _SoundDeviceMicrophone(stream)

    def open_speaker(self, device: int | None, sample_rate: int, channels: int) -> SpeakerHandle:
        sd = _sounddevice()
        try:
            return _SoundDeviceSpeaker(sd, device, sample_rate, channels)
        except Exception as exc:  # PortAudio raises its own error types (no output device here)
            raise SourceError(f"no sound output: {exc}") from exc


class _SoundDeviceSpeaker:
    """Plays blocks written from the program's audio thread: a queue of at most ``MAX_QUEUED`` seconds
    (older sound is dropped: monitoring must stay near live), drained by PortAudio's callback."""

    MAX_QUEUED = 0.25

    def __init__(self, sd: Any, device: int | None, sample_rate: int, channels: int) -> None:
        self._lock = threading.Lock()
        self._blocks: deque[Samples] = deque()
        self._held = 0
        self._limit = round(sample_rate * self.MAX_QUEUED)
        self._channels = channels
        self._stream = sd.OutputStream(
            device=device, samplerate=sample_rate, channels=channels, dtype="float32", callback=self._fill
        )
        self._stream.start()

    def write(self, samples: Samples) -> None:
        with self._lock:
            self._blocks.append(samples)
            self._held += samples.shape[0]
            while self._held > self._limit and len(self._blocks) > 1:
                self._held -= self._blocks.popleft().shape[0]

    def _fill(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        filled = 0
        with self._lock:
            while filled < frames and self._blocks:
                block = self._blocks[0]
                take = min(frames - filled, block.shape[0])
                outdata[filled : filled + take] = block[:take]
                filled += take
                self._held -= take
                if take == block.shape[0]:
                    self._blocks.popleft()
                else:
                    self._blocks[0] = block[take:]
        outdata[filled:] = 0

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()


def _quiet_cv2() -> Any:
    import cv2

    # OpenCV logs a warning per failed probe; the pipeline reports failures itself, once.
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    return cv2


def _sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # raised when the PortAudio library (libportaudio2) is missing
        raise SourceError(f"sound input is unavailable: {exc}") from exc
    return sounddevice


def reopen_if_listed(
    listed: Callable[[], bool], reopen: Callable[[], None], stop: threading.Event, what: str, retry_s: float
) -> bool:
    """One attempt to bring back a lost device (camera or microphone): reopen it if the backend lists it;
    whether it is back. If not, wait ``retry_s`` (or until ``stop``) before the caller tries again."""
    if listed():
        try:
            reopen()
            return True
        except Exception as exc:
            log.debug("%s could not be reopened: %s", what, exc)
    stop.wait(retry_s)
    return False
