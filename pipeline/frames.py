"""Frame, chunk and packet types. Each carries its own timing (pts + time base)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
"""An H x W x 3 BGR picture, C-contiguous."""

Samples = npt.NDArray[np.float32]
"""An N x channels block of audio samples in [-1, 1]."""


@dataclass(frozen=True, slots=True)
class VideoFrame:
    """One program picture. ``image`` is read-only: sinks share it and must copy to modify."""

    image: Image
    pts: int
    time_base: Fraction
    wall: float
    """Unix time at which the frame was rendered (for latency measurements)."""
    canvas: str = ""
    """The canvas (or named extra picture, e.g. the studio mode's preview) this picture belongs to."""

    @property
    def seconds(self) -> float:
        return float(self.pts * self.time_base)

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A block of program sound; ``pts`` counts samples since the program started."""

    samples: Samples
    pts: int
    sample_rate: int

    @property
    def time_base(self) -> Fraction:
        return Fraction(1, self.sample_rate)

    @property
    def seconds(self) -> float:
        return self.pts / self.sample_rate

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])


@dataclass(frozen=True, slots=True)
class EncodedSample:
    """One encoded access unit in its track's timescale, laid out as fMP4 stores it
    (length-prefixed NAL units for H.264, raw frames for AAC)."""

    data: bytes
    pts: int
    dts: int
    keyframe: bool
