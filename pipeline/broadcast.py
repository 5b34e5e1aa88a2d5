"""A broadcast: the program's frames and sound → encoder ladder → CMAF/HLS packager → outputs.

Attach :meth:`Broadcast.push_video` and :meth:`Broadcast.push_audio` to a program's sinks. A picture
the rungs take is converted to I420 once, on the program's thread (``cv2.cvtColor``, ~0.3 ms at 720p);
each rung encodes on its own thread, scaling the planes to its size (swscale, area) and running x264
with the cores shared out among the rungs (swscale and x264 release the GIL, so rungs run in
parallel). A frame is handed to every rung or to none: if any rung's queue is full the frame is
skipped on all of them ("skipped frames due to encoding lag" in OBS's words), which keeps the rungs'
frames, and so their keyframes and segment boundaries, identical.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

from pipeline.adaptive import PresetGovernor
from pipeline.clock import Clock
from pipeline.cmaf_packager import (
    AudioRendition,
    HlsPackager,
    PackagerSettings,
    PublishedFile,
    TrackPackager,
    VideoRendition,
)
from pipeline.encoders import (
    ADAPTIVE_PRESETS,
    DEFAULT_LADDER,
    VIDEO_TIMESCALE,
    AudioEncoder,
    Rung,
    VideoEncoder,
    Yuv420,
    x264_threads,
)
from pipeline.fmp4 import VideoTrack
from pipeline.frames import AudioChunk, EncodedSample, Samples, VideoFrame
from pipeline.outputs.base import Output, OutputReport, OutputStats

log = logging.getLogger(__name__)

KEYFRAME_WAIT = 1.0
"""Seconds the program may wait for a full rung before a segment's first frame is skipped."""


class SampleTap(Protocol):
    """Sees the top rung's encoded samples and the program sound as they are made, before any
    packaging (a realtime output: pipeline/outputs/realtime_push.py). Called on the top rung's
    encoder thread and the program's audio thread: must only queue and return, never block."""

    def video_sample(self, track: VideoTrack, sample: EncodedSample) -> None: ...

    def audio_chunk(self, samples: Samples, position: int, sample_rate: int) -> None:
        """``position`` counts samples from the broadcast's start, like the video's pts."""
        ...


def new_stream_id(clock: Clock) -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime(clock.wall())) + "-" + secrets.token_hex(3)


@dataclass(frozen=True, slots=True)
class BroadcastSettings:
    rungs: tuple[Rung, ...] = DEFAULT_LADDER
    fps: Fraction = Fraction(30)
    preset: str = "veryfast"
    packaging: PackagerSettings = field(default_factory=PackagerSettings)
    sample_rate: int = 48_000
    channels: int = 2
    audio_bitrate: int = 128_000
    queue_frames: int = 3
    """Frames a rung may hold before new frames are skipped."""
    adaptive: bool = True
    """Step to a faster x264 preset when encoding falls behind, and back (pipeline/adaptive.py)."""
    canvas: str = ""
    """The canvas this ladder encodes (dual format runs one broadcast per canvas)."""

    def __post_init__(self) -> None:
        if not self.rungs:
            raise ValueError("a broadcast needs at least one rung")
        if not 32_000 <= self.audio_bitrate <= 320_000:
            raise ValueError(f"audio bitrate {self.audio_bitrate} b/s is outside 32..320 kb/s")
        if self.queue_frames < 1:
            raise ValueError("queue_frames must be at least 1")


@dataclass(frozen=True, slots=True)
class RungStats:
    name: str
    width: int
    height: int
    frames: int
    kbps: float
    """Encoded bitrate over the last two seconds."""
    encode_ms: float
    """Mean encode time of one frame over the last second."""
    queued: int


@dataclass(frozen=True, slots=True)
class BroadcastStats:
    stream_id: str
    live_seconds: float
    frames_in: int
    frames_skipped: int
    rungs: tuple[RungStats, ...]
    audio_kbps: float
    segments: int
    outputs: tuple[OutputStats, ...]
    preset: str = ""
    """The x264 preset the rungs encode with now."""
    preset_note: str | None = None
    """Why the preset last changed (the stage that was overloaded), if it did."""
    canvas: str = ""
    """The canvas this broadcast encodes (pipeline/canvas.py)."""


@dataclass(frozen=True, slots=True)
class BroadcastReport:
    stream_id: str
    segments: int
    outputs: tuple[OutputReport, ...]

    @property
    def complete(self) -> bool:
        return all(r.complete for r in self.outputs)


class _Meter:
    """Bytes and timings over a sliding window, for live stats."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._bytes: deque[tuple[float, int]] = deque(maxlen=1024)
        self._times: deque[tuple[float, float]] = deque(maxlen=256)
        self._lock = threading.Lock()
        self.count = 0

    def add_bytes(self, n: int) -> None:
        with self._lock:
            self._bytes.append((self._clock.monotonic(), n))

    def add_time(self, seconds: float) -> None:
        with self._lock:
            self._times.append((self._clock.monotonic(), seconds))
            self.count += 1

    def kbps(self, window: float = 2.0) -> float:
        now = self._clock.monotonic()
        with self._lock:
            total = sum(n for t, n in self._bytes if now - t <= window)
        return total * 8 / window / 1000

    def mean_ms(self, window: float = 1.0) -> float:
        now = self._clock.monotonic()
        with self._lock:
            spent = [d for t, d in self._times if now - t <= window]
        return 1000 * sum(spent) / len(spent) if spent else 0.0


class _RungWorker:
    def __init__(
        self, broadcast: Broadcast, encoder: VideoEncoder, depth: int, taps: tuple[SampleTap, ...] = ()
    ) -> None:
        self.broadcast = broadcast
        self.encoder = encoder
        self.taps = taps
        self.rung = encoder.rung
        self.queue: queue.Queue[tuple[Yuv420, int, bool] | None] = queue.Queue(maxsize=depth)
        self.meter = _Meter(broadcast.clock)
        self.packager: TrackPackager | None = None
        self.thread = threading.Thread(target=self._run, name=f"shopcast-encode-{self.rung.name}", daemon=True)

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                break
            picture, pts, keyframe = item
            started = time.perf_counter()
            wanted = self.broadcast.preset
            if keyframe and wanted != self.encoder.preset:
                try:
                    if not self.encoder.switch_preset(wanted):
                        log.warning("%s: preset %s would change the codec headers; kept", self.rung.name, wanted)
                except Exception:
                    log.exception("%s: switching to preset %s failed", self.rung.name, wanted)
            try:
                samples = self.encoder.encode(picture, pts, keyframe)
            except Exception:
                log.exception("%s: encoding the frame at pts %d failed", self.rung.name, pts)
                continue
            self.meter.add_time(time.perf_counter() - started)
            for tap in self.taps:
                try:
                    for sample in samples:
                        tap.video_sample(self.encoder.track, sample)
                except Exception:
                    log.exception("%s: a sample tap failed at pts %d", self.rung.name, pts)
            try:
                self._package(samples)
            except Exception:  # the thread must live on: a dead rung would stall every rung
                log.exception("%s: packaging the frame at pts %d failed", self.rung.name, pts)
        try:
            self._package(self.encoder.flush())
        except Exception:
            log.exception("%s: flushing the encoder failed", self.rung.name)

    def _package(self, samples: list[EncodedSample]) -> None:
        if not samples:
            return  # e.g. a broadcast stopped before its first frame
        packager = self.packager
        assert packager is not None, "the packager opens with the first frame, before any is queued"
        for sample in samples:
            packager.add(sample)
            self.meter.add_bytes(len(sample.data))


class Broadcast:
    """One live session of the ladder. ``start`` once, feed frames and chunks, ``stop`` once."""

    def __init__(
        self,
        settings: BroadcastSettings,
        outputs: Sequence[Output],
        clock: Clock,
        stream_id: str | None = None,
        taps: Sequence[SampleTap] = (),
    ) -> None:
        if not outputs:
            raise ValueError("a broadcast needs at least one output")
        self.settings = settings
        self.outputs = tuple(outputs)
        self._taps = tuple(taps)
        """Given the top rung's samples and the sound as they are made (besides the packaged files)."""
        self.clock = clock
        self.stream_id = stream_id or new_stream_id(clock)
        self._workers: list[_RungWorker] = []
        self._audio: AudioEncoder | None = None
        self._audio_meter = _Meter(clock)
        self._audio_lock = threading.Lock()
        self._packager: HlsPackager | None = None
        self._accepting = False
        self._origin_pts: int | None = None
        self._origin_seconds = 0.0
        self._next_key = 0
        self._segment_ticks = round(settings.packaging.segment_seconds * VIDEO_TIMESCALE)
        self.preset = settings.preset
        """The preset rung workers switch to at their next keyframe."""
        self.preset_note: str | None = None
        self._governor = (
            PresetGovernor(settings.preset, float(settings.fps))
            if settings.adaptive and settings.preset in ADAPTIVE_PRESETS
            else None
        )
        self._governor_lock = threading.Lock()
        self._started_at: float | None = None
        self._frames_in = 0
        self._skipped = 0
        self._stopped = False

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the encoders (raising on a bad setting) and start the rung threads."""
        s = self.settings
        threads = x264_threads(len(s.rungs))
        self._workers = [
            _RungWorker(
                self,
                VideoEncoder(rung, s.fps, s.preset, track_id=1, threads=threads),
                s.queue_frames,
                self._taps if i == 0 else (),
            )
            for i, rung in enumerate(s.rungs)
        ]
        self._audio = AudioEncoder(s.sample_rate, s.channels, s.audio_bitrate, track_id=1)
        for worker in self._workers:
            worker.thread.start()
        self._accepting = True

    def _publish(self, item: PublishedFile) -> None:
        for output in self.outputs:
            try:
                output.publish(item)
            except Exception:
                log.exception("output %s failed to take %s", output.name, item.path)

    def _open_packager(self, wall_origin: float) -> HlsPackager:
        s = self.settings
        assert self._audio is not None
        packager = HlsPackager(
            self.stream_id,
            [VideoRendition(w.rung.name, w.encoder.track, w.rung.bitrate, float(s.fps)) for w in self._workers],
            AudioRendition("audio", self._audio.track),
            s.packaging,
            self._publish,
            wall_origin=wall_origin,
        )
        for worker, track in zip(self._workers, packager.video_tracks, strict=True):
            worker.packager = track
        return packager

    def stop(self, drain_timeout: float = 30.0) -> BroadcastReport:
        """Finish the stream (``EXT-X-ENDLIST``), deliver what is queued and release everything."""
        if self._stopped:
            raise RuntimeError("broadcast already stopped")
        self._stopped = True
        with self._audio_lock:
            self._accepting = False
        for worker in self._workers:
            worker.queue.put(None)
        for worker in self._workers:
            worker.thread.join()
        if self._packager is not None:
            with self._audio_lock:
                audio_track = self._packager.audio_track
                if self._audio is not None and audio_track is not None:
                    for sample in self._audio.flush():
                        audio_track.add(sample)
            self._packager.finish()
        deadline = time.monotonic() + drain_timeout
        reports = tuple(o.close(max(0.0, deadline - time.monotonic())) for o in self.outputs)
        segments = self._packager.video_tracks[0].segments if self._packager else 0
        return BroadcastReport(self.stream_id, segments, reports)

    # --- media in --------------------------------------------------------------------------------

    def push_video(self, frame: VideoFrame) -> None:
        if not self._accepting:
            return
        if self._origin_pts is None:
            self._origin_pts = frame.pts
            self._origin_seconds = frame.seconds
            self._started_at = self.clock.monotonic()
            self._packager = self._open_packager(frame.wall)
        self._frames_in += 1
        base = frame.time_base  # integer arithmetic: exact, and far cheaper than Fractions every frame
        ticks = (frame.pts - self._origin_pts) * base.numerator * VIDEO_TIMESCALE
        pts = (2 * ticks + base.denominator) // (2 * base.denominator)  # rounded half up
        keyframe = pts >= self._next_key
        if keyframe:
            # A segment's first frame is never skipped: that would stretch the segment past the
            # playlist's target duration. Wait (bounded) for the slowest rung instead.
            if not self._wait_for_room(KEYFRAME_WAIT):
                self._skipped += 1
                return
        elif any(w.queue.full() for w in self._workers):
            self._skipped += 1
            return
        try:
            picture = Yuv420.from_bgr(frame.image)  # once for every rung; each scales the planes to its size
        except Exception:  # a picture the program should never make; the next one may be a keyframe instead
            log.exception("converting the frame at pts %d to I420 failed", pts)
            self._skipped += 1
            return
        if keyframe:
            self._next_key = (pts // self._segment_ticks + 1) * self._segment_ticks
        for worker in self._workers:
            try:
                worker.queue.put_nowait((picture, pts, keyframe))
            except queue.Full:  # only while stop() is queueing its end markers
                return

    def _wait_for_room(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while any(w.queue.full() for w in self._workers):
            if time.monotonic() >= deadline or not self._accepting:
                return False
            time.sleep(0.002)
        return True

    def push_audio(self, chunk: AudioChunk) -> None:
        with self._audio_lock:
            if not self._accepting or self._packager is None or self._audio is None:
                return
            track = self._packager.audio_track
            assert track is not None
            position = chunk.pts - round(self._origin_seconds * chunk.sample_rate)
            if position < 0:
                return
            for sample in self._audio.encode(chunk.samples, position):
                track.add(sample)
                self._audio_meter.add_bytes(len(sample.data))
            for tap in self._taps:
                try:
                    tap.audio_chunk(chunk.samples, position, chunk.sample_rate)
                except Exception:
                    log.exception("a sample tap failed on the sound at sample %d", position)

    # --- reporting -------------------------------------------------------------------------------

    def _govern(self) -> None:
        governor = self._governor
        if governor is None or self._started_at is None:
            return
        with self._governor_lock:
            encode_ms = {w.rung.name: w.meter.mean_ms() for w in self._workers}
            change = governor.observe(self.clock.monotonic(), self._frames_in, self._skipped, encode_ms)
            if change is not None:
                self.preset, self.preset_note = change.preset, change.reason
                log.debug("%s", change.reason)  # the session turns it into a notice

    def stats(self) -> BroadcastStats:
        """Counters now; also lets the preset governor look at them (the session asks once a second)."""
        self._govern()
        live = self.clock.monotonic() - self._started_at if self._started_at is not None else 0.0
        return BroadcastStats(
            stream_id=self.stream_id,
            live_seconds=live,
            frames_in=self._frames_in,
            frames_skipped=self._skipped,
            rungs=tuple(
                RungStats(
                    w.rung.name,
                    w.rung.width,
                    w.rung.height,
                    w.meter.count,
                    w.meter.kbps(),
                    w.meter.mean_ms(),
                    w.queue.qsize(),
                )
                for w in self._workers
            ),
            audio_kbps=self._audio_meter.kbps(),
            segments=self._packager.video_tracks[0].segments if self._packager else 0,
            outputs=tuple(o.stats() for o in self.outputs),
            preset=self.preset,
            preset_note=self.preset_note,
            canvas=self.settings.canvas,
        )
