"""The program: the pictures and sound that go on air, rendered at a fixed rate.

Like OBS's render loop, the program ticks at the output frame rate on the media clock and asks its
video producer for every canvas's picture at that moment (the scenes, :mod:`pipeline.show`); sources
deliver at their own pace. Video frames and audio
chunks go to sinks (the preview, the broadcast), which must return quickly. If rendering falls
behind, ticks are skipped and counted ("frames missed due to rendering lag"); audio never skips,
it catches up, so the sound track has no holes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

import numpy as np

from pipeline.canvas import PORTRAIT, Canvas
from pipeline.clock import Clock
from pipeline.frames import AudioChunk, Image, Samples, VideoFrame
from pipeline.sources.base import AudioSource, FrameTime

log = logging.getLogger(__name__)

VideoSink = Callable[[VideoFrame], None]
AudioSink = Callable[[AudioChunk], None]
AudioMixer = Callable[[Samples], Samples]
"""The program sound without the co-hosts in, with them out (each guest's mix-minus made on the way)."""


class VideoProducer(Protocol):
    """Makes the pictures of one program frame: one per canvas (the scenes, transitions, co-hosts and
    overlays are its business, :mod:`pipeline.show`), plus, when asked for, extra named pictures (the
    studio mode's preview). Called on the program's video thread; must not raise."""

    def render(self, at: FrameTime) -> Mapping[str, Image]: ...


@dataclass(frozen=True, slots=True)
class ProgramSettings:
    canvases: tuple[Canvas, ...] = (PORTRAIT,)
    """The program's canvases: one, or two for dual format; the first is the primary one."""
    fps: Fraction = Fraction(30)
    sample_rate: int = 48_000
    channels: int = 2
    audio_block: int = 1024
    """Samples per audio chunk: one AAC frame."""

    def __post_init__(self) -> None:
        if not 1 <= len(self.canvases) <= 2:
            raise ValueError("a program has one canvas, or two for dual format")
        if len({c.name for c in self.canvases}) != len(self.canvases):
            raise ValueError("the two canvases must have different names")
        if not 1 <= self.fps <= 120:
            raise ValueError(f"frame rate {self.fps} is outside 1..120")

    @property
    def primary(self) -> Canvas:
        return self.canvases[0]

    @property
    def width(self) -> int:
        return self.primary.width

    @property
    def height(self) -> int:
        return self.primary.height


@dataclass(frozen=True, slots=True)
class ProgramStats:
    frames_rendered: int
    frames_lagged: int
    """Ticks skipped because rendering fell behind."""
    render_ms: float
    """Mean time to render one frame over the last second, in milliseconds."""
    fps: float
    """Frames rendered over the last second."""
    audio_chunks: int


class Program:
    """Renders the program's pictures (every canvas) and sound on two threads.

    Signals (callbacks, called from the program's threads):
        video sinks: one :class:`VideoFrame` per tick, for the canvas (or named picture) they asked for.
        audio sinks: one :class:`AudioChunk` per ``audio_block`` samples.
    """

    def __init__(self, settings: ProgramSettings, clock: Clock, video: VideoProducer, audio: AudioSource) -> None:
        self.settings = settings
        self.clock = clock
        self._video = video
        self._audio = audio
        self._mixer: AudioMixer | None = None
        self._video_sinks: dict[str, tuple[VideoSink, ...]] = {}
        self._audio_sinks: tuple[AudioSink, ...] = ()
        self._sink_lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._origin = 0.0
        self._period = float(1 / settings.fps)
        self._time_base = 1 / settings.fps
        self._last: dict[str, Image] = {}
        for canvas in settings.canvases:
            black = np.zeros((canvas.height, canvas.width, 3), np.uint8)
            black.flags.writeable = False
            self._last[canvas.name] = black
        self._frames = 0
        self._lagged = 0
        self._audio_chunks = 0
        self._window: deque[tuple[float, float]] = deque(maxlen=256)  # (monotonic time, render seconds)
        self._stats_lock = threading.Lock()

    # --- sources and sinks -------------------------------------------------------------------

    @property
    def picture(self) -> Image:
        """The primary canvas's last rendered picture (black before the first)."""
        return self._last[self.settings.primary.name]

    def picture_of(self, canvas: str) -> Image:
        return self._last[canvas]

    def set_mixer(self, mixer: AudioMixer | None) -> None:
        """Mix every audio block from the source with ``mixer`` (the co-hosts) before the sinks."""
        self._mixer = mixer

    def add_video_sink(self, sink: VideoSink, canvas: str | None = None) -> None:
        """Receive every picture of ``canvas`` (default: the primary one) or of a named extra picture."""
        name = canvas or self.settings.primary.name
        with self._sink_lock:
            self._video_sinks = {**self._video_sinks, name: (*self._video_sinks.get(name, ()), sink)}

    def remove_video_sink(self, sink: VideoSink, canvas: str | None = None) -> None:
        name = canvas or self.settings.primary.name
        with self._sink_lock:
            self._video_sinks = {
                **self._video_sinks,
                name: tuple(s for s in self._video_sinks.get(name, ()) if s != sink),
            }

    def add_audio_sink(self, sink: AudioSink) -> None:
        with self._sink_lock:
            self._audio_sinks = (*self._audio_sinks, sink)

    def remove_audio_sink(self, sink: AudioSink) -> None:
        with self._sink_lock:
            self._audio_sinks = tuple(s for s in self._audio_sinks if s != sink)

    # --- running -----------------------------------------------------------------------------

    def start(self) -> None:
        if self._threads:
            raise RuntimeError("program already running")
        self._stop.clear()
        self._origin = self.clock.monotonic()
        self._threads = [
            threading.Thread(target=self._run_video, name="shopcast-program-video", daemon=True),
            threading.Thread(target=self._run_audio, name="shopcast-program-audio", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop rendering and wait for both threads. Sources are left to their owner."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5.0)
            if thread.is_alive():
                log.error("program thread %s did not stop", thread.name)
        self._threads = []

    @property
    def running(self) -> bool:
        return bool(self._threads)

    def _run_video(self) -> None:
        period = float(1 / self.settings.fps)  # floats in the loop: Fraction arithmetic costs a frame ~20 µs
        index = 0
        while True:
            deadline = self._origin + index * period
            if not self.clock.sleep_until(deadline, self._stop):
                return
            late = self.clock.monotonic() - deadline
            if late > period:
                skipped = int(late / period)
                index += skipped
                with self._stats_lock:
                    self._lagged += skipped
            started = time.perf_counter()
            try:
                self._render(index)
            except Exception:
                log.exception("rendering frame %d failed", index)
            spent = time.perf_counter() - started
            with self._stats_lock:
                self._frames += 1
                self._window.append((self.clock.monotonic(), spent))
            index += 1

    def _render(self, index: int) -> None:
        at = FrameTime(index, index * self._period, self.clock.wall())
        pictures = self._video.render(at)
        sinks = self._video_sinks
        for name, image in pictures.items():
            if image.flags.writeable:
                image.flags.writeable = False  # shared by every sink: read-only
            if name in self._last:
                self._last[name] = image
            frame = VideoFrame(image, index, self._time_base, at.wall, name)
            for sink in sinks.get(name, ()):
                sink(frame)

    def _run_audio(self) -> None:
        s = self.settings
        position = 0
        while True:
            deadline = self._origin + position / s.sample_rate
            if not self.clock.sleep_until(deadline, self._stop):
                return
            try:
                samples = self._audio.read(s.audio_block, position)
                if self._mixer is not None:
                    samples = self._mixer(samples)
                chunk = AudioChunk(samples, position, s.sample_rate)
                for sink in self._audio_sinks:
                    sink(chunk)
            except Exception:
                log.exception("audio chunk at sample %d failed", position)
            position += s.audio_block
            with self._stats_lock:
                self._audio_chunks += 1

    def stats(self) -> ProgramStats:
        now = self.clock.monotonic()
        with self._stats_lock:
            spent = [d for t, d in self._window if now - t <= 1.0]
            return ProgramStats(
                frames_rendered=self._frames,
                frames_lagged=self._lagged,
                render_ms=1000 * sum(spent) / len(spent) if spent else 0.0,
                fps=float(len(spent)),
                audio_chunks=self._audio_chunks,
            )
