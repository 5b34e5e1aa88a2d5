"""Audio sources: a microphone (which survives unplugging), a test tone, silence."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

import numpy as np

from pipeline.frames import Samples
from pipeline.sources.base import AudioSource, Problem
from pipeline.sources.devices import DeviceBackend, MicrophoneHandle, reopen_if_listed

log = logging.getLogger(__name__)

STALL_SECONDS = 0.5
"""No sound for this long from an open microphone (devices deliver every 5-20 ms) and it is taken for gone."""
FIRST_SOUND_SECONDS = 2.0
"""A microphone just opened may take this long for its first sound."""
RETRY_SECONDS = 1.0
"""How often a gone microphone is looked for again."""


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

    It survives unplugging, as the camera does (pipeline/sources/camera.py): a microphone pulled out
    (or whose driver stops) delivers nothing. A watch thread notices within ``STALL_SECONDS``, sets
    :attr:`problem` (the stream carries silence meanwhile; the studio's stream health says so),
    closes the handle and, once a second, reopens the device while the backend lists it; the problem
    clears with the first sound that comes again.
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
        self._opened_at = 0.0
        self._last_sound: float | None = None
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None
        self.problem: Problem | None = None
        self.underruns = 0
        self.overflows = 0
        self.reconnects = 0
        """Times the microphone was opened again after it stopped delivering."""

    def _not_sending(self) -> Problem:
        which = "" if self.device is None else f" {self.device}"
        return Problem(
            f"Microphone{which} is not sending sound; reconnecting…", f"麦克风{which}没有声音，正在重新连接…"
        )

    def start(self) -> None:
        """Open the device (SourceError if it cannot be) and watch it."""
        if self._watch is not None:
            return
        self._open()
        self._stop.clear()
        self._watch = threading.Thread(target=self._watch_device, name="shopcast-microphone", daemon=True)
        self._watch.start()

    def _open(self) -> None:
        with self._lock:
            self._opened_at = time.monotonic()
            self._last_sound = None
        self._handle = self.devices.open_microphone(self.device, self.sample_rate, self.channels, self._on_samples)

    def _close(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            try:
                handle.close()
            except Exception:  # a device that is gone may fail to close; it is gone either way
                log.debug("%s did not close cleanly", self.description, exc_info=True)
        with self._lock:
            self._blocks.clear()
            self._buffered = 0

    def _watch_device(self) -> None:
        while not self._stop.wait(STALL_SECONDS / 5):
            if self._handle is None:
                self._reopen()
            elif self._stalled(time.monotonic()):
                if self.problem is None:
                    log.warning("%s stopped delivering sound; reconnecting", self.description)
                self._close()
                self.problem = self._not_sending()
                self._stop.wait(RETRY_SECONDS)

    def _stalled(self, now: float) -> bool:
        with self._lock:
            if self._last_sound is None:
                return now - self._opened_at > FIRST_SOUND_SECONDS
            return now - self._last_sound > STALL_SECONDS

    def _listed(self) -> bool:
        try:
            found = {d.index for d in self.devices.microphones()}
        except Exception:  # a backend that cannot list now may list later
            return False
        return bool(found) if self.device is None else self.device in found

    def _reopen(self) -> None:
        if reopen_if_listed(self._listed, self._open, self._stop, self.description, RETRY_SECONDS):
            self.reconnects += 1

    def _on_samples(self, block: Samples) -> None:
        if block.ndim == 1:
            block = block[:, None]
        if block.shape[1] != self.channels:
            block = np.repeat(block[:, :1], self.channels, axis=1)
        with self._lock:
            self._last_sound = time.monotonic()
            self._blocks.append(block)
            self._buffered += block.shape[0]
            while self._buffered > self._max and len(self._blocks) > 1:
                self._buffered -= self._blocks.popleft().shape[0]
                self.overflows += 1
        if self.problem is not None and self._handle is not None:
            log.info("%s is sending sound again", self.description)
            self.problem = None

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
        self._stop.set()
        if self._watch is not None:
            self._watch.join(timeout=2.0)
            self._watch = None
        self._close()
