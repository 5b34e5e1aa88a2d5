"""x264 and AAC encoders (PyAV), producing CMAF-ready samples.

The video path converts each program picture once: OpenCV turns BGR into I420 at the picture's own
size (``cv2.cvtColor``, ~1.7x faster than swscale's BGR input on the project machines), the rung of
that size encodes it as it is (no copy: the frame points into the array), and every other rung
scales the three planes with swscale's area filter (what ``ffmpeg -vf scale=W:H:flags=area`` does;
0.3 ms for 1280x720 → 854x480, where OpenCV's INTER_AREA on the BGR picture took 3.5 ms for that
non-integer ratio), or, at exactly half the size, with OpenCV's 2x2 means (the same pixels, cheaper).
Each encoder gets its share of the cores (:func:`x264_threads`). See docs/benchmarks.md, "A live
broadcast's CPU and memory".
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import cv2
import numpy as np
import numpy.typing as npt
from av.codec.context import Flags
from av.video.frame import PictureType
from av.video.reformatter import Interpolation, VideoReformatter

from pipeline.fmp4 import AudioTrack, VideoTrack, annexb_to_avcc
from pipeline.frames import EncodedSample, Image, Samples

VIDEO_TIMESCALE = 90_000
_VIDEO_TIME_BASE = Fraction(1, VIDEO_TIMESCALE)

X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)


@dataclass(frozen=True, slots=True)
class Rung:
    """One rendition of the ladder."""

    name: str
    width: int
    height: int
    bitrate: int
    """Target video bitrate in bits per second."""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", self.name):
            raise ValueError(f"rung name {self.name!r} may only hold letters, digits, '-' and '_'")
        if self.width % 2 or self.height % 2 or not (16 <= self.width <= 7680 and 16 <= self.height <= 4320):
            raise ValueError(f"rung {self.name}: size {self.width}x{self.height} must be even, 16..7680 x 16..4320")
        if not 50_000 <= self.bitrate <= 50_000_000:
            raise ValueError(f"rung {self.name}: bitrate {self.bitrate} b/s is outside 50 kb/s..50 Mb/s")


STANDARD_RUNGS = {
    "1080p": Rung("1080p", 1920, 1080, 4_500_000),
    "720p": Rung("720p", 1280, 720, 2_500_000),
    "540p": Rung("540p", 960, 540, 1_600_000),
    "480p": Rung("480p", 854, 480, 1_000_000),
    "360p": Rung("360p", 640, 360, 600_000),
    "240p": Rung("240p", 426, 240, 300_000),
}
DEFAULT_LADDER = (STANDARD_RUNGS["720p"], STANDARD_RUNGS["480p"], STANDARD_RUNGS["360p"])

_CUSTOM_RUNG = re.compile(r"(?P<w>\d+)x(?P<h>\d+)@(?P<kbps>\d+)k")


def parse_ladder(spec: str) -> tuple[Rung, ...]:
    """Parse ``720p,480p,360p`` or custom rungs like ``1280x720@2500k``, highest first."""
    rungs: list[Rung] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part in STANDARD_RUNGS:
            rungs.append(STANDARD_RUNGS[part])
            continue
        match = _CUSTOM_RUNG.fullmatch(part)
        if not match:
            names = ", ".join(STANDARD_RUNGS)
            raise ValueError(f"unknown rung {part!r}: use one of {names} or WIDTHxHEIGHT@KBPSk")
        w, h = int(match["w"]), int(match["h"])
        rungs.append(Rung(f"{h}p-{match['kbps']}k", w, h, int(match["kbps"]) * 1000))
    if not rungs:
        raise ValueError("the ladder needs at least one rung")
    if len({r.name for r in rungs}) != len(rungs):
        raise ValueError(f"the ladder {spec!r} names a rung twice")
    return tuple(sorted(rungs, key=lambda r: r.bitrate, reverse=True))


@dataclass(frozen=True, slots=True)
class Yuv420:
    """A picture in I420 (planar YUV 4:2:0 as ``cv2.COLOR_BGR2YUV_I420`` writes it): the Y plane's rows,
    then U's and V's, in one C-contiguous ``(height * 3 / 2, width)`` uint8 array. Read-only: rung
    threads share it."""

    data: npt.NDArray[np.uint8]
    width: int
    height: int

    @classmethod
    def from_bgr(cls, image: Image) -> Yuv420:
        """``image`` (BGR) converted at its own size (a side of odd length is first stretched by one
        pixel: 4:2:0 needs even ones)."""
        h, w = image.shape[:2]
        if w % 2 or h % 2:
            w, h = w + w % 2, h + h % 2
            image = np.asarray(cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA), dtype=np.uint8)
        data = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420), dtype=np.uint8)
        data.flags.writeable = False
        return cls(data, w, h)

    def planes(self) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
        """Views of the Y, U and V planes."""
        flat, n = self.data.reshape(-1), self.width * self.height
        return (
            flat[:n].reshape(self.height, self.width),
            flat[n : n + n // 4].reshape(self.height // 2, self.width // 2),
            flat[n + n // 4 :].reshape(self.height // 2, self.width // 2),
        )

    def frame(self) -> av.VideoFrame:
        """An ``av.VideoFrame`` of this picture; it points into :attr:`data` (no copy) where PyAV can
        describe the layout (heights that are a multiple of 4), else holds a copy."""
        if self.height % 4 == 0:
            return av.VideoFrame.from_numpy_buffer(self.data, format="yuv420p")
        return av.VideoFrame.from_ndarray(self.data, format="yuv420p")


_SERIAL_PIXELS = (1 << 16) - 1
"""OpenCV splits a resize among its threads from 2^16 target pixels on (parallel_for_'s stripes)."""


def x264_threads(encoders: int) -> int:
    """x264 threads for each of ``encoders`` encoders that run side by side, each on its own thread:
    the cores shared out, at least one. More threads than cores only add hand-offs between them (on
    2 cores, x264's automatic 2 slice threads + 2 lookahead threads per rung cost ~10 % more CPU for
    the same pictures)."""
    return max(1, (os.cpu_count() or 1) // max(1, encoders))


ADAPTIVE_PRESETS = ("veryfast", "superfast", "ultrafast")
"""Presets the live governor moves between, best picture first. With CABAC, 8x8 transforms and
weighted prediction pinned (``_SAME_HEADERS``) the three write byte-identical SPS/PPS, so an encoder
can be swapped for another at a keyframe with no new init segment (tests/pipeline/test_adaptive.py)."""
_SAME_HEADERS = "cabac=1:8x8dct=1:weightp=0"


def x264_params(preset: str, fps: Fraction | float) -> str:
    """The ``x264-params`` of a rung's encoder (benchmarks/ give the ffmpeg CLI the same): keyframes
    only where the ladder forces them (keyint 10 s is a safety net), closed GOPs, and for the adaptive
    presets the options that keep their codec headers identical."""
    keyint = int(fps * 10)
    params = f"scenecut=0:keyint={keyint}:min-keyint={keyint}:open-gop=0:forced-idr=1"
    return params + (f":{_SAME_HEADERS}" if preset in ADAPTIVE_PRESETS else "")


class VideoEncoder:
    """One x264 encoder for one rung. Keyframes happen only where the caller forces them.

    ``threads``: x264's threads (default: the cores shared out among a default ladder's rungs,
    :func:`x264_threads`); with more than one, x264 cuts each picture into that many slices.
    """

    def __init__(self, rung: Rung, fps: Fraction, preset: str, track_id: int = 1, threads: int | None = None) -> None:
        if preset not in X264_PRESETS:
            raise ValueError(f"unknown x264 preset {preset!r}: use one of {', '.join(X264_PRESETS)}")
        self.rung = rung
        self.fps = fps
        self.preset = preset
        self.threads = threads if threads is not None else x264_threads(len(DEFAULT_LADDER))
        if self.threads < 1:
            raise ValueError(f"x264 needs at least one thread, got {self.threads}")
        self._scaler = VideoReformatter()
        self._half_buffer: npt.NDArray[np.uint8] | None = None
        self._ctx = self._open(preset)
        extradata = self._ctx.extradata
        if not extradata:
            raise RuntimeError("x264 returned no codec headers")
        self._extradata = bytes(extradata)
        self.track = VideoTrack.from_annexb_extradata(
            self._extradata, track_id=track_id, timescale=VIDEO_TIMESCALE, width=rung.width, height=rung.height
        )

    def switch_preset(self, preset: str) -> bool:
        """Continue with ``preset`` from the next frame (call it just before a keyframe).

        Returns False, keeping the current encoder, when the new one would write other codec
        headers (a preset outside :data:`ADAPTIVE_PRESETS`): players would need a new init segment.
        """
        if preset == self.preset:
            return True
        ctx = self._open(preset)
        if bytes(ctx.extradata or b"") != self._extradata:
            return False
        leftover = self._ctx.encode(None)  # zerolatency, no B-frames: nothing is held back
        if leftover:
            raise RuntimeError(f"{self.rung.name}: the old encoder still held {len(leftover)} packets")
        self._ctx, self.preset = ctx, preset
        return True

    def _open(self, preset: str) -> av.video.codeccontext.VideoCodecContext:
        rung, fps = self.rung, self.fps
        ctx = av.CodecContext.create("libx264", "w")
        ctx.width = rung.width
        ctx.height = rung.height
        ctx.pix_fmt = "yuv420p"
        ctx.time_base = _VIDEO_TIME_BASE
        ctx.framerate = fps
        ctx.bit_rate = rung.bitrate
        ctx.flags |= Flags.global_header
        ctx.thread_type = "SLICE"  # what zerolatency asks for: no frame threads, no frames held back
        ctx.thread_count = self.threads
        ctx.options = {
            "preset": preset,
            "tune": "zerolatency",
            "maxrate": str(int(rung.bitrate * 1.2)),
            "bufsize": str(rung.bitrate),
            "x264-params": x264_params(preset, fps),
        }
        ctx.open()
        return ctx

    def scaled(self, picture: Image | Yuv420) -> av.VideoFrame:
        """``picture`` (BGR or I420, any size) as x264 takes it: I420 at the rung's size, each plane
        scaled with an area filter where the sizes differ (swscale's; OpenCV's where the picture is
        twice the rung, which gives the same pixels for less). A scaled frame may point into a buffer
        the next call reuses: encode it (x264 copies it) before asking for another."""
        r = self.rung
        yuv = picture if isinstance(picture, Yuv420) else Yuv420.from_bgr(picture)
        if (yuv.width, yuv.height) == (r.width, r.height):
            return yuv.frame()
        if (yuv.width, yuv.height) == (2 * r.width, 2 * r.height) and r.height % 4 == 0:
            return self._halved(yuv)
        return self._scaler.reformat(
            yuv.frame(), r.width, r.height, "yuv420p", interpolation=Interpolation.AREA, threads=1
        )

    def _halved(self, yuv: Yuv420) -> av.VideoFrame:
        """``yuv`` at half its size: the mean of each 2x2 block (cv2.INTER_AREA's fast path; 0.2 ms
        less than swscale at 1280x720, the same pixels; for 3x and more OpenCV is the slower), into a
        buffer of this encoder's that x264 has copied from before the next picture. In bands small
        enough that OpenCV does each on this thread: this rung's thread is already one of a
        ladder's, and OpenCV's pool would only add hand-offs."""
        r = self.rung
        if self._half_buffer is None:
            self._half_buffer = np.empty((r.height * 3 // 2, r.width), np.uint8)
        for source, target in zip(yuv.planes(), Yuv420(self._half_buffer, r.width, r.height).planes(), strict=True):
            size, band = target.shape[1], max(1, _SERIAL_PIXELS // target.shape[1])
            for row in range(0, target.shape[0], band):
                end = min(target.shape[0], row + band)
                cv2.resize(
                    source[2 * row : 2 * end],
                    (size, end - row),
                    dst=target[row:end],
                    interpolation=cv2.INTER_AREA,
                )
        return av.VideoFrame.from_numpy_buffer(self._half_buffer, format="yuv420p")

    def encode(self, picture: Image | Yuv420, pts: int, keyframe: bool) -> list[EncodedSample]:
        """Encode one picture at ``pts`` (1/90000 s): BGR or I420, any size (:meth:`scaled`).

        A ladder converts each picture to I420 once (:meth:`Yuv420.from_bgr`) and hands the same
        :class:`Yuv420` to every rung."""
        frame = self.scaled(picture)
        frame.pts = pts
        frame.time_base = _VIDEO_TIME_BASE
        if keyframe:
            frame.pict_type = PictureType.I
        return self._samples(self._ctx.encode(frame))

    def flush(self) -> list[EncodedSample]:
        return self._samples(self._ctx.encode(None))

    @staticmethod
    def _samples(packets: list[av.Packet[Any]]) -> list[EncodedSample]:
        out = []
        for p in packets:
            if p.pts is None or p.dts is None:
                continue
            out.append(EncodedSample(annexb_to_avcc(bytes(p)), int(p.pts), int(p.dts), bool(p.is_keyframe)))
        return out


class AudioEncoder:
    """AAC-LC. Input pts count samples; the encoder's priming packet (pts before the first input)
    is dropped so the track starts exactly where the first chunk does."""

    def __init__(self, sample_rate: int, channels: int, bitrate: int, track_id: int = 1) -> None:
        if channels not in (1, 2):
            raise ValueError(f"audio must be mono or stereo, got {channels} channels")
        ctx = av.CodecContext.create("aac", "w")
        ctx.sample_rate = sample_rate
        ctx.layout = "stereo" if channels == 2 else "mono"
        ctx.format = "fltp"
        ctx.bit_rate = bitrate
        ctx.time_base = Fraction(1, sample_rate)
        ctx.open()
        self._ctx = ctx
        self._layout = ctx.layout.name
        self._time_base = Fraction(1, sample_rate)
        self.sample_rate = sample_rate
        self.channels = channels
        self.frame_size = int(ctx.frame_size)
        self._first_pts: int | None = None
        extradata = ctx.extradata
        if not extradata:
            raise RuntimeError("the AAC encoder returned no AudioSpecificConfig")
        self.track = AudioTrack(track_id, sample_rate, channels, bytes(extradata), bitrate)

    def encode(self, samples: Samples, pts: int) -> list[EncodedSample]:
        """Encode exactly ``frame_size`` samples (shape (n, channels)) starting at sample ``pts``."""
        if samples.shape != (self.frame_size, self.channels):
            raise ValueError(f"AAC needs blocks of shape {(self.frame_size, self.channels)}, got {samples.shape}")
        if self._first_pts is None:
            self._first_pts = pts
        planar = np.ascontiguousarray(np.clip(samples, -1.0, 1.0).T, dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout=self._layout)
        frame.sample_rate = self.sample_rate
        frame.pts = pts
        frame.time_base = self._time_base
        return self._samples(self._ctx.encode(frame))

    def flush(self) -> list[EncodedSample]:
        return self._samples(self._ctx.encode(None))

    def _samples(self, packets: list[av.Packet[Any]]) -> list[EncodedSample]:
        first = self._first_pts or 0
        return [
            EncodedSample(bytes(p), int(p.pts), int(p.dts), True)
            for p in packets
            if p.pts is not None and p.dts is not None and p.pts >= first
        ]
