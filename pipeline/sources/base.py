"""The two source contracts: a video source answers "what picture at this time", an audio source
fills the next block of samples."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from pipeline.frames import Image, Samples


@dataclass(frozen=True, slots=True)
class FrameTime:
    """When a program frame is rendered: its index, media time and wall time."""

    index: int
    media: float
    wall: float


class VideoSource(ABC):
    """A picture producer. ``read`` is called from the program thread once per output frame."""

    description: str = "video source"

    def start(self) -> None:  # noqa: B027 - optional hook
        """Acquire the device or file; may raise :class:`SourceError`."""

    @abstractmethod
    def read(self, at: FrameTime) -> Image | None:
        """The picture to show at ``at``, or None to repeat the previous one."""

    def stop(self) -> None:  # noqa: B027 - optional hook
        """Release everything ``start`` acquired. Safe to call twice."""


class AudioSource(ABC):
    """A sound producer. ``read`` is called from the program's audio thread."""

    description: str = "audio source"

    def __init__(self, sample_rate: int, channels: int) -> None:
        self.sample_rate = sample_rate
        self.channels = channels

    def start(self) -> None:  # noqa: B027 - optional hook
        """Acquire the device; may raise :class:`SourceError`."""

    @abstractmethod
    def read(self, frames: int, position: int) -> Samples:
        """``frames`` samples starting at sample ``position`` of the program, shape (frames, channels)."""

    def stop(self) -> None:  # noqa: B027 - optional hook
        """Release the device. Safe to call twice."""


class SourceError(RuntimeError):
    """A source could not be opened; the message says why in words a streamer understands."""
