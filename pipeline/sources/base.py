"""The two source contracts: a video source answers "what picture at this time", an audio source
fills the next block of samples.

A video source's picture is BGR (H x W x 3) or, for a source with transparent parts (an image with
alpha, text, a product card), BGRA (H x W x 4) with *premultiplied* alpha, as pipeline/overlay.py
makes them (scaling a premultiplied picture leaves no dark fringe): the scene renderer blends it over
the layers below. A source that cannot deliver (a camera unplugged, a missing file) says so in
:attr:`VideoSource.problem` and is drawn as a placeholder carrying that message, never as an error
that stops the show; it clears the problem when it recovers. An audio source says so the same way
(:attr:`AudioSource.problem`) and reads as silence meanwhile.
"""

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


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a source shows its placeholder, in English and Simplified Chinese."""

    en: str
    zh: str


class VideoSource(ABC):
    """A picture producer. ``read`` is called from the program thread once per output frame."""

    description: str = "video source"
    problem: Problem | None = None
    """Set while the source cannot deliver (drawn as a placeholder with this message)."""
    audio: AudioSource | None = None
    """The sound this source makes (a media file's), mixed while the source is on air."""
    present: bool = True
    """False while the source has nothing to draw by design (a co-host slot with no guest): its layers
    are skipped, not drawn as a placeholder."""

    def start(self) -> None:  # noqa: B027 - optional hook
        """Acquire the device or file; may raise :class:`SourceError`."""

    @abstractmethod
    def read(self, at: FrameTime) -> Image | None:
        """The picture to show at ``at`` (BGR or BGRA), or None to repeat the previous one."""

    def stop(self) -> None:  # noqa: B027 - optional hook
        """Release everything ``start`` acquired. Safe to call twice."""


class AudioSource(ABC):
    """A sound producer. ``read`` is called from the program's audio thread."""

    description: str = "audio source"
    problem: Problem | None = None
    """Set while the source cannot deliver (a microphone pulled out): it reads as silence meanwhile."""

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
