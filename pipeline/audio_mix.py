"""Mixing co-hosts' sound into the program, and each co-host's mix-minus.

A guest's sound arrives in 20 ms packets on the network's schedule; the program takes 1024-sample
blocks on its own clock. :class:`GuestAudio` sits between them: a jitter buffer that starts playing
once ``PREBUFFER`` is held, plays silence (and starts again) when it runs dry, and drops the oldest
sound when it holds more than ``MAX_BUFFER`` (a burst after a stall, or the two clocks drifting),
so a guest's delay stays near the prebuffer instead of growing.

:func:`mix` adds every guest (at its gain; a muted guest at 0) to the host's block. Each guest also
needs the show without their own voice (mix-minus): hearing yourself come back a fraction of a
second late makes talking impossible. So mix-minus for guest *i* is the host plus every other guest.
A sum above full scale is soft-limited (a knee from -0.5 dBFS), not clipped.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

import numpy as np

from pipeline.frames import Samples

PREBUFFER = 1920
"""Samples (40 ms at 48 kHz) held before a guest is heard, and again after running dry."""
MAX_BUFFER = 9600
"""Samples (200 ms) beyond which the oldest are dropped."""
KNEE = 0.944
"""-0.5 dBFS: above it the sum is bent toward full scale instead of clipping."""


class GuestAudio:
    """One guest's jitter buffer (module docstring). ``write`` from the network thread, ``read``
    from the program's audio thread. Also the buffer behind a media file's sound
    (pipeline/sources/media_file.py), with its own ``prebuffer`` and ``max_buffer`` (samples)."""

    def __init__(self, channels: int = 2, *, prebuffer: int = PREBUFFER, max_buffer: int = MAX_BUFFER) -> None:
        if not 0 <= prebuffer <= max_buffer:
            raise ValueError(f"prebuffer {prebuffer} must be within 0..max_buffer ({max_buffer})")
        self.channels = channels
        self.prebuffer, self.max_buffer = prebuffer, max_buffer
        self._chunks: deque[Samples] = deque()
        self._held = 0
        self._playing = False
        self._lock = threading.Lock()
        self.underruns = 0
        """Times the buffer ran dry while playing."""
        self.dropped = 0
        """Samples dropped because the buffer held too much."""

    @property
    def held(self) -> int:
        return self._held

    def write(self, samples: Samples) -> None:
        """Append an (N, channels) float32 block (mono is spread to every channel)."""
        if samples.ndim != 2 or samples.shape[1] not in (1, self.channels):
            raise ValueError(f"expected an (N, {self.channels}) block, got {samples.shape}")
        if samples.shape[1] != self.channels:
            samples = np.repeat(samples, self.channels, axis=1)
        with self._lock:
            self._chunks.append(np.ascontiguousarray(samples, np.float32))
            self._held += samples.shape[0]
            while self._held > self.max_buffer and self._chunks:
                extra = self._held - self.prebuffer
                first = self._chunks[0]
                if first.shape[0] <= extra:
                    self._chunks.popleft()
                    self._held -= first.shape[0]
                    self.dropped += first.shape[0]
                else:
                    self._chunks[0] = first[extra:]
                    self._held -= extra
                    self.dropped += extra

    def read(self, frames: int) -> Samples:
        """``frames`` samples: the guest's sound, or silence where there is none yet."""
        out = np.zeros((frames, self.channels), np.float32)
        with self._lock:
            if not self._playing:
                if self._held < self.prebuffer or not self._held:
                    return out
                self._playing = True
            filled = 0
            while filled < frames and self._chunks:
                first = self._chunks[0]
                take = min(frames - filled, first.shape[0])
                out[filled : filled + take] = first[:take]
                filled += take
                if take == first.shape[0]:
                    self._chunks.popleft()
                else:
                    self._chunks[0] = first[take:]
            self._held -= filled
            if filled < frames:
                self._playing = False
                self.underruns += 1
        return out


@dataclass(frozen=True, slots=True)
class Mixed:
    program: Samples
    """The host and every guest."""
    minus: tuple[Samples, ...]
    """For each guest, in order: the program without that guest."""


def soft_limit(block: Samples) -> Samples:
    """``block`` with samples beyond KNEE bent smoothly toward (never past) full scale."""
    peak = float(np.abs(block).max(initial=0.0))
    if peak <= KNEE:
        return block
    magnitude = np.abs(block)
    over = magnitude > KNEE
    bent = KNEE + (1 - KNEE) * np.tanh((magnitude - KNEE) / (1 - KNEE))
    return np.where(over, np.sign(block) * bent, block).astype(np.float32)


def mix(host: Samples, guests: list[tuple[Samples, float]]) -> Mixed:
    """The program block and each guest's mix-minus, from the host's block and each guest's
    (block, gain)."""
    scaled = [block * np.float32(gain) for block, gain in guests]
    total = host.astype(np.float32, copy=True)
    for block in scaled:
        total += block
    minus = tuple(soft_limit(total - block) for block in scaled)
    return Mixed(soft_limit(total), minus)
