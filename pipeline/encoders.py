"""x264 and AAC encoders (PyAV), producing CMAF-ready samples.

The video path avoids swscale: OpenCV converts BGR to I420 (``cv2.cvtColor``), which measured ~1.7x
faster for a 3-rung ladder on the project machines (see the environment notes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import cv2
import numpy as np
from av.codec.context import Flags
from av.video.frame import PictureType

from pipeline.fmp4 import AudioTrack, VideoTrack, annexb_to_avcc
from pipeline.frames import EncodedSample, Image, Samples

VIDEO_TIMESCALE = 90_000

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


ADAPTIVE_PRESETS = ("veryfast", "superfast", "ultrafast")
"""Presets the live governor moves between, best picture first. With CABAC, 8x8 transforms and
weighted prediction pinned (``_SAME_HEADERS``) the three write byte-identical SPS/PPS, so an encoder
can be swapped for another at a keyframe with no new init segment (tests/pipeline/test_adaptive.py)."""
_SAME_HEADERS = "cabac=1:8x8dct=1:weightp=0"


class VideoEncoder:
    """One x264 encoder for one rung. Keyframes happen only where the caller forces them."""

    def __init__(self, rung: Rung, fps: Fraction, preset: str, track_id: int = 1) -> None:
        if preset not in X264_PRESETS:
            raise ValueError(f"unknown x264 preset {preset!r}: use one of {', '.join(X264_PRESETS)}")
        self.rung = rung
        self.fps = fps
        self.preset = preset
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
        ctx.time_base = Fraction(1, VIDEO_TIMESCALE)
        ctx.framerate = fps
        ctx.bit_rate = rung.bitrate
        ctx.flags |= Flags.global_header
        keyint = int(fps * 10)  # a safety net only; the ladder forces keyframes at segment starts
        ctx.options = {
            "preset": preset,
            "tune": "zerolatency",
            "maxrate": str(int(rung.bitrate * 1.2)),
            "bufsize": str(rung.bitrate),
            "x264-params": f"scenecut=0:keyint={keyint}:min-keyint={keyint}:open-gop=0:forced-idr=1"
            + (f":{_SAME_HEADERS}" if preset in ADAPTIVE_PRESETS else ""),
        }
        ctx.open()
        return ctx

    def encode(self, image: Image, pts: int, keyframe: bool) -> list[EncodedSample]:
        """Encode one BGR picture (any size; scaled to the rung) at ``pts`` (1/90000 s)."""
        r = self.rung
        if image.shape[1] != r.width or image.shape[0] != r.height:
            image = np.asarray(cv2.resize(image, (r.width, r.height), interpolation=cv2.INTER_AREA), dtype=np.uint8)
        yuv = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420), dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = pts
        frame.time_base = Fraction(1, VIDEO_TIMESCALE)
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
        frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout=self._ctx.layout.name)
        frame.sample_rate = self.sample_rate
        frame.pts = pts
        frame.time_base = Fraction(1, self.sample_rate)
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
