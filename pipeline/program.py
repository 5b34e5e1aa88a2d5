"""The program: the picture and sound that go on air, rendered at a fixed rate.

Like OBS's render loop, the program ticks at the output frame rate on the media clock and takes
whatever its source has at that moment; sources deliver at their own pace. Video frames and audio
chunks go to sinks (the preview, the broadcast), which must return quickly. If rendering falls
behind, ticks are skipped and counted ("frames missed due to rendering lag"); audio never skips,
it catches up, so the sound track has no holes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import cv2
import numpy as np

from pipeline.clock import Clock
from pipeline.frames import AudioChunk, Image, Samples, VideoFrame
from pipeline.sources.base import AudioSource, FrameTime, VideoSource

log = logging.getLogger(__name__)

VideoSink = Callable[[VideoFrame], None]
AudioSink = Callable[[AudioChunk], None]
VideoFilter = Callable[[Image], Image]
"""Picture in, picture out (same shape); must not raise (the plugin chain guarantees it)."""
AudioFilter = Callable[[Samples], Samples]
Compositor = Callable[[Image], Image]
"""The filtered host picture in, the program picture out (co-host tiles added); must not raise."""
AudioMixer = Callable[[Samples], Samples]
"""The filtered host sound in, the program sound out (co-hosts mixed in); must not raise."""


@dataclass(frozen=True, slots=True)
class ProgramSettings:
    width: int = 1280
    height: int = 720
    fps: Fraction = Fraction(30)
    sample_rate: int = 48_000
    channels: int = 2
    audio_block: int = 1024
    """Samples per audio chunk: one AAC frame."""

    def __post_init__(self) -> None:
        if self.width % 2 or self.height % 2 or self.width < 64 or self.height < 64:
            raise ValueError(f"program size {self.width}x{self.height} must be even and at least 64x64")
        if not 1 <= self.fps <= 120:
            raise ValueError(f"frame rate {self.fps} is outside 1..120")


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


def fit_to(image: Image, width: int, height: int) -> Image:
    """Scale ``image`` to fit (width, height) keeping its aspect, letterboxed in black."""
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    scale = min(width / w, height / h)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    resized = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    if (new_w, new_h) == (width, height):
        return np.ascontiguousarray(resized)
    canvas = np.zeros((height, width, 3), np.uint8)
    x0, y0 = (width - new_w) // 2, (height - new_h) // 2
    canvas[y0 : y0 + new_h, x0 : x0 + new_w] = resized
    return canvas


class Program:
    """Renders the program from one video and one audio source on two threads.

    Signals (callbacks, called from the program's threads):
        video sinks: one :class:`VideoFrame` per tick.
        audio sinks: one :class:`AudioChunk` per ``audio_block`` samples.
    """

    def __init__(self, settings: ProgramSettings, clock: Clock, video: VideoSource, audio: AudioSource) -> None:
        self.settings = settings
        self.clock = clock
        self._video = video
        self._audio = audio
        self._video_filter: VideoFilter | None = None
        self._audio_filter: AudioFilter | None = None
        self._compositor: Compositor | None = None
        self._overlay: VideoFilter | None = None
        self._mixer: AudioMixer | None = None
        self._video_sinks: tuple[VideoSink, ...] = ()
        self._audio_sinks: tuple[AudioSink, ...] = ()
        self._sink_lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._origin = 0.0
        self._black = np.zeros((settings.height, settings.width, 3), np.uint8)
        self._black.flags.writeable = False
        self._last: Image = self._black
        self._host: Image = self._black
        self._frames = 0
        self._lagged = 0
        self._audio_chunks = 0
        self._window: deque[tuple[float, float]] = deque(maxlen=256)  # (monotonic time, render seconds)
        self._stats_lock = threading.Lock()

    # --- sources and sinks -------------------------------------------------------------------

    @property
    def video_source(self) -> VideoSource:
        return self._video

    @property
    def audio_source(self) -> AudioSource:
        return self._audio

    def set_video_source(self, source: VideoSource) -> VideoSource:
        """Switch the picture to an already started ``source``; return the previous one (not stopped)."""
        old, self._video = self._video, source
        return old

    def set_audio_source(self, source: AudioSource) -> AudioSource:
        old, self._audio = self._audio, source
        return old

    @property
    def picture(self) -> Image:
        """The last rendered picture (black before the first)."""
        return self._last

    def set_filters(self, video: VideoFilter | None, audio: AudioFilter | None) -> None:
        """Run every picture through ``video`` and every audio block through ``audio`` before the sinks."""
        self._video_filter, self._audio_filter = video, audio

    def set_mixing(self, compositor: Compositor | None, mixer: AudioMixer | None) -> None:
        """After the filters, compose every picture with ``compositor`` and mix every audio block
        with ``mixer`` (co-hosts); the host's filters never see the guests."""
        self._compositor, self._mixer = compositor, mixer

    def set_overlay(self, overlay: VideoFilter | None) -> None:
        """Draw ``overlay`` over every composed picture (over the guests too), before the sinks."""
        self._overlay = overlay

    def add_video_sink(self, sink: VideoSink) -> None:
        with self._sink_lock:
            self._video_sinks = (*self._video_sinks, sink)

    def remove_video_sink(self, sink: VideoSink) -> None:
        with self._sink_lock:
            self._video_sinks = tuple(s for s in self._video_sinks if s != sink)

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
        fps = self.settings.fps
        period = float(1 / fps)
        index = 0
        while True:
            deadline = self._origin + float(index / fps)
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
        s = self.settings
        at = FrameTime(index, float(index / s.fps), self.clock.wall())
        image = self._video.read(at)
        if image is not None:
            image = fit_to(image, s.width, s.height)
            if self._video_filter is not None:
                image = self._video_filter(image)
            if image.flags.writeable:
                image.flags.writeable = False  # shared with the compositor and the overlays: read-only
            self._host = image
        if self._compositor is not None:
            # Every tick, even without a new host picture: a guest's picture moves on its own.
            image = self._compositor(self._host)
        elif image is None and self._overlay is not None:
            image = self._host  # the source has nothing new; the overlay may have changed
        if image is not None:
            if self._overlay is not None:
                image = self._overlay(image)
            if image.flags.writeable:
                image.flags.writeable = False
            self._last = image
        frame = VideoFrame(self._last, index, 1 / s.fps, at.wall)
        for sink in self._video_sinks:
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
                if self._audio_filter is not None:
                    samples = self._audio_filter(samples)
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
