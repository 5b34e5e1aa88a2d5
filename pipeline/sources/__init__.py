"""Opening sources from a user's spec string, with the fallbacks a streamer expects.

Video specs: ``test``, ``camera`` / ``camera:N``, ``file:PATH``.
Audio specs: ``none`` (a silent track), ``tone``, ``default`` (the system microphone) or a device
index.  A missing camera falls back to the test pattern and a missing microphone to silence, each
with one warning; a file that cannot be read is an error, because the user named it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pipeline.sources.audio import MicrophoneSource, SilenceSource, ToneSource
from pipeline.sources.base import AudioSource, FrameTime, SourceError, VideoSource
from pipeline.sources.camera import CameraSource
from pipeline.sources.devices import DeviceBackend, DeviceInfo, SystemDevices
from pipeline.sources.media_file import MediaFileSource
from pipeline.sources.test_pattern import TestPattern

__all__ = [
    "AudioSource",
    "DeviceBackend",
    "DeviceInfo",
    "FrameTime",
    "SourceError",
    "SystemDevices",
    "TestPattern",
    "VideoSource",
    "open_audio_source",
    "open_video_source",
    "parse_audio_spec",
    "parse_video_spec",
]

log = logging.getLogger(__name__)

Warn = Callable[[str], None]


def _log_warning(message: str) -> None:
    log.warning("%s", message)


def parse_video_spec(spec: str) -> tuple[str, int | Path | None]:
    """Split a video spec into (kind, argument); raise ValueError with the accepted forms."""
    spec = spec.strip()
    if spec == "test":
        return "test", None
    if spec == "camera":
        return "camera", 0
    if spec.startswith("camera:"):
        index = spec.removeprefix("camera:")
        if not index.isdigit():
            raise ValueError(f"camera index must be a number, got {index!r} (e.g. camera:0)")
        return "camera", int(index)
    if spec.startswith("file:"):
        path = spec.removeprefix("file:")
        if not path:
            raise ValueError("file: needs a path, e.g. file:/videos/product.mp4")
        return "file", Path(path).expanduser()
    raise ValueError(f"unknown video source {spec!r}: use test, camera[:N] or file:PATH")


def parse_audio_spec(spec: str) -> tuple[str, int | None]:
    spec = spec.strip()
    if spec in ("none", "tone"):
        return spec, None
    if spec == "default":
        return "microphone", None
    if spec.isdigit():
        return "microphone", int(spec)
    raise ValueError(f"unknown microphone {spec!r}: use none, tone, default or a device number")


def open_video_source(
    spec: str,
    *,
    width: int,
    height: int,
    fps: float,
    devices: DeviceBackend | None = None,
    warn: Warn = _log_warning,
) -> VideoSource:
    """Open and start the source ``spec`` describes."""
    kind, arg = parse_video_spec(spec)
    source: VideoSource
    if kind == "file":
        assert isinstance(arg, Path)
        source = MediaFileSource(arg, width, height)
    elif kind == "camera":
        assert isinstance(arg, int)
        devices = devices or SystemDevices()
        available = {d.index for d in devices.cameras()}
        if arg not in available:
            what = "no camera found" if not available else f"camera {arg} not found (have {sorted(available)})"
            warn(f"{what}; using the test pattern instead")
            source = TestPattern(width, height)
        else:
            source = CameraSource(devices, arg, width, height, fps)
            try:
                source.start()
                return source
            except SourceError as exc:
                warn(f"{exc}; using the test pattern instead")
                source = TestPattern(width, height)
    else:
        source = TestPattern(width, height)
    source.start()
    return source


def open_audio_source(
    spec: str,
    *,
    sample_rate: int,
    channels: int,
    devices: DeviceBackend | None = None,
    warn: Warn = _log_warning,
) -> AudioSource:
    kind, index = parse_audio_spec(spec)
    source: AudioSource
    if kind == "none":
        source = SilenceSource(sample_rate, channels)
    elif kind == "tone":
        source = ToneSource(sample_rate, channels)
    else:
        devices = devices or SystemDevices()
        try:
            found = devices.microphones()
            if not found:
                raise SourceError("no microphone found")
            if index is not None and index not in {d.index for d in found}:
                raise SourceError(f"microphone {index} not found")
            source = MicrophoneSource(devices, index, sample_rate, channels)
            source.start()
            return source
        except SourceError as exc:
            warn(f"{exc}; sending silence instead")
            source = SilenceSource(sample_rate, channels)
    source.start()
    return source
