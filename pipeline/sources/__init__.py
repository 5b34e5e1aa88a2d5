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
from pipeline.sources.base import AudioSource, FrameTime, Problem, SourceError, VideoSource
from pipeline.sources.camera import CameraSource
from pipeline.sources.devices import DeviceBackend, DeviceInfo, SystemDevices
from pipeline.sources.media_file import MediaFileSource, probe_video_file
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
    "checked_video_spec",
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


def checked_video_spec(spec: str, devices: DeviceBackend | None = None) -> tuple[str, Problem | None]:
    """``spec`` as it can be opened here, and why it was changed: a camera this machine lacks becomes
    the test pattern; a file must exist and be readable (SourceError says why: the user named it)."""
    kind, arg = parse_video_spec(spec)
    if kind == "file":
        assert isinstance(arg, Path)
        probe_video_file(arg)
    elif kind == "camera":
        available = sorted(d.index for d in (devices or SystemDevices()).cameras())
        if arg not in available:
            if available:
                what, zh = f"camera {arg} not found (have {available})", f"未找到摄像头 {arg}（现有 {available}）"
            else:
                what, zh = "no camera found", "未找到摄像头"
            return "test", Problem(f"{what}; using the test pattern instead", f"{zh}；改用测试画面")
    return spec, None


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
    devices = devices or SystemDevices()
    checked, fallback = checked_video_spec(spec, devices)
    if fallback is not None:
        warn(fallback.en)
    kind, arg = parse_video_spec(checked)
    source: VideoSource
    if kind == "file":
        assert isinstance(arg, Path)
        source = MediaFileSource(arg, width, height)
    elif kind == "camera":
        assert isinstance(arg, int)
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
