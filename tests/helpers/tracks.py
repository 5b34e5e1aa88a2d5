"""Synthetic tracks and samples for packaging tests (no encoder needed)."""

from __future__ import annotations

from pipeline.fmp4 import AudioTrack, VideoTrack
from pipeline.frames import EncodedSample

VIDEO = VideoTrack(1, 90000, 640, 360, (b"\x67\x42\xc0\x1e\x00",), (b"\x68\xce",))
AUDIO = AudioTrack(1, 48000, 2, b"\x11\x90", 128000)


def video_samples(seconds: float, fps: int = 30) -> list[EncodedSample]:
    """``seconds`` of 20-byte video samples at ``fps``, a keyframe on every whole second."""
    step = 90000 // fps
    return [
        EncodedSample(bytes([i % 256]) * 20, i * step, i * step, keyframe=(i * step) % 90000 == 0)
        for i in range(int(seconds * fps))
    ]
