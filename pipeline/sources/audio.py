"""Audio sources: a microphone, a test tone, silence."""

from __future__ import annotations

import logging
import threading
from collections import deque

import numpy as np

from pipeline.frames import Samples
from pipeline.sources.base import AudioSource
from pipeline.sources.devices import DeviceBackend, MicrophoneHandle

log = logging.getLogger(__name__)


class SilenceSource(AudioSource):
    description = "silence"

    def read(self, frames: int, position: int) -> Samples:
        return np.zeros((frames, self.channels), np.float32)


class ToneSource(AudioSource):
    """A quiet 440 Hz tone with an 880 Hz beep in the first 100 ms of every second.

    The beep lines up with the test pattern's flashing square, so audio/video sync can be checked.
    """

    description = "test tone"

    def __init__(self, sample_rate: int, channels: int, level_dbfs: float = -20.0) -> None:
        super().__init__(sample_rate, channels)
        self.amplitude = float(10 ** (level_dbfs / 20))

    def read(self, frames: int, position: int) -> Samples:
        n = np.arange(position, position + frames, dtype=np.float64)
        t = n / self.sample_rate
        beep = (t % 1.0) < 0.1
        freq = np.where(beep, 880.0, 440.0)
        wave = (self.amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)
        return np.repeat(wave[:, None], self.channels, axis=1)


class MicrophoneSource(AudioSource):
    """A microphone through the device backend, buffered so the program thread never waits.

    The buffer keeps at most ``max_latency`` seconds: if the program falls behind, the oldest sound
    is dropped rather than letting delay build up. An empty buffer yields silence (an underrun).
    """

    def __init__(
        self,
        devices: DeviceBackend,
        device: int | None,
        sample_rate: int,
        channels: int,
        max_latency: float = 0.25,
    ) -> None:
        super().__init__(sample_rate, channels)
        self.devices = devices
        self.device = device
        self.description = "microphone" if device is None else f"microphone {device}"
        self._blocks: deque[Samples] = deque()
        self._buffered = 0
        self._max = int(max_latency * sample_rate)
        self._lock = threading.Lock()
        self._handle: MicrophoneHandle | None = None
        self.underruns = 0
        self.overflows = 0

    def start(self) -> None:
        self._handle = self.devices.open_microphone(self.device, self.sample_rate, self.channels, self._on_samples)

    def _on_samples(self, block: Samples) -> None:
        if block.ndim == 1:
            block = block[:, None]
        if block.shape[1] != self.channels:
            block = np.repeat(block[:, :1], self.channels, axis=1)
        with self._lock:
            self._blocks.append(block)
            self._buffered += block.shape[0]
            while self._buffered > self._max and len(self._blocks) > 1:
                self._buffered -= self._blocks.popleft().shape[0]
                self.overflows += 1

    def read(self, frames: int, position: int) -> Samples:
        out = np.zeros((frames, self.channels), np.float32)
        filled = 0
        with self._lock:
            while filled < frames and self._blocks:
                block = self._blocks[0]
                take = min(frames - filled, block.shape[0])
                out[filled : filled + take] = block[:take]
                filled += take
                if take == block.shape[0]:
                    self._blocks.popleft()
                else:
                    self._blocks[0] = block[take:]
                self._buffered -= take
        if filled < frames:
            self.underruns += 1
        return out

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
