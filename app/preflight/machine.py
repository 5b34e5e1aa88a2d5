"""This machine's part of the pre-flight: the camera, the microphone and its level, the disk."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.preflight.rows import PreflightRow, mbps
from pipeline.mixer import Channel
from pipeline.sources import DeviceBackend, VideoSource
from plugins.api import Text

log = logging.getLogger(__name__)

SILENT_DBFS = -60.0
"""A microphone whose loudest moment over the listening second stays below this is silent."""
LISTEN_S = 1.0
RECORDING_HOURS = 4.0
"""A recording folder should hold this long a show; less is a warning."""
RECORDING_MIN_S = 600.0
"""Less than this (ten minutes) is an error."""


# --- camera and microphone -------------------------------------------------------------------------

CAMERA_TITLE = Text("Camera", "摄像头")
MIC_TITLE = Text("Microphone", "麦克风")
_CAMERA_HINT = Text(
    "Plug in the camera, or choose it in Settings → Audio/Video (or the toolbar's Host camera)",
    "请接上摄像头，或在 设置 → 音视频（或工具栏的“主播摄像头”）中选择它",
)
_MIC_HINT = Text(
    "Plug in a microphone, or choose it in Settings → Audio/Video", "请接上麦克风，或在 设置 → 音视频 中选择它"
)


def _list(listing: Callable[[], list[Any]]) -> list[Any]:
    try:
        return listing()
    except Exception as exc:  # a device listing that fails is reported as none found
        log.warning("listing devices failed: %s", exc)
        return []


def check_camera(devices: DeviceBackend, host: VideoSource | None) -> list[PreflightRow]:
    """Is there a camera, and is the host camera source showing it?"""
    cameras = _list(devices.cameras)
    description = host.description if host is not None else "none"
    problem = host.problem if host is not None else None
    warning: Text | None = None
    if not cameras:
        warning = Text(
            "No camera found: the show will use the test pattern (or the camera's placeholder)",
            "未找到摄像头：直播将显示测试画面（或摄像头的占位画面）",
        )
    elif problem is not None:
        warning = Text(
            f"The host camera ({description}) shows its placeholder: {problem.en}",
            f"主播摄像头（{description}）显示占位画面：{problem.zh}",
        )
    elif description == "test pattern":
        warning = Text(
            f"The host camera shows the test pattern ({len(cameras)} camera(s) found)",
            f"主播摄像头显示的是测试画面（找到 {len(cameras)} 个摄像头）",
        )
    if warning is not None:
        return [PreflightRow("camera", "warning", CAMERA_TITLE, warning, _CAMERA_HINT)]
    names = ", ".join(str(c.name) for c in cameras)
    return [
        PreflightRow(
            "camera",
            "ok",
            CAMERA_TITLE,
            Text(
                f"The host camera shows {description} (found: {names})", f"主播摄像头：{description}（找到：{names}）"
            ),
        )
    ]


def check_microphone(
    devices: DeviceBackend, channel: Channel | None, *, listen_s: float = LISTEN_S
) -> list[PreflightRow]:
    """Is there a microphone, and does any sound come from it (its mixer channel's meter, after its
    filters, fader and mute) over ``listen_s`` seconds?"""
    mics = _list(devices.microphones)
    if channel is None:
        raise RuntimeError("the studio has no microphone channel (it has not started)")
    if not mics or not channel.name.startswith("microphone"):
        if not mics:
            detail = Text("No microphone found: the show has no sound from you", "未找到麦克风：观众听不到你的声音")
        else:
            stand_in = {"test tone": "测试音", "silence": "静音"}.get(channel.name, channel.name)
            detail = Text(
                f"The microphone channel plays {channel.name}, not a microphone",
                f"麦克风通道播放的是{stand_in}，不是麦克风",
            )
        return [PreflightRow("mic", "warning", MIC_TITLE, detail, _MIC_HINT)]
    if channel.muted:
        return [
            PreflightRow(
                "mic",
                "warning",
                MIC_TITLE,
                Text(f"{channel.name} is muted in the Audio mixer", f"{channel.name} 在混音器中被静音"),
                Text("Unmute it in the Audio mixer dock", "请在“音频混音器”面板中取消静音"),
            )
        ]
    loudest = _loudest(channel, listen_s)
    if loudest < SILENT_DBFS:
        return [
            PreflightRow(
                "mic",
                "warning",
                MIC_TITLE,
                Text(
                    f"No sound from {channel.name} in {listen_s:g} s (loudest {_db(loudest)})",
                    f"{listen_s:g} 秒内 {channel.name} 没有声音（最大 {_db(loudest)}）",
                ),
                Text(
                    "Check the mic is not muted (its switch, the system's input volume) and say something",
                    "请检查麦克风没有被静音（麦克风开关、系统输入音量），并试着说几句话",
                ),
            )
        ]
    return [
        PreflightRow(
            "mic",
            "ok",
            MIC_TITLE,
            Text(
                f"{channel.name}: loudest {_db(loudest)} over {listen_s:g} s",
                f"{channel.name}：{listen_s:g} 秒内最大 {_db(loudest)}",
            ),
        )
    ]


def _db(value: float) -> str:
    return "silence" if value == float("-inf") else f"{value:.0f} dBFS"


def _loudest(channel: Channel, listen_s: float) -> float:
    """The loudest peak on ``channel``'s meter over ``listen_s`` seconds (sampled every 50 ms)."""
    loudest = float("-inf")
    deadline = time.monotonic() + listen_s
    while True:
        levels = channel.meter.levels()
        if levels.peak_db:
            loudest = max(loudest, *levels.peak_db)
        if time.monotonic() >= deadline:
            return loudest
        time.sleep(0.05)


# --- the disk ---------------------------------------------------------------------------------------

_DISK_HINT = Text(
    "Free some space, or choose another recording folder in Settings", "请清理磁盘空间，或在设置中选择其他录制文件夹"
)


def check_disk(row_id: str, folder: Path, bps: int, what: Text) -> list[PreflightRow]:
    """Room in ``folder`` (or its nearest existing parent) for a show writing ``bps`` bits a second."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    seconds = free / max(bps / 8, 1)
    hours = seconds / 3600
    title = Text(f"Disk: {what.en}", f"磁盘：{what.zh}")
    room = Text(
        f"{free / 1e9:.1f} GB free in {folder}: room for {hours:.1f} h at {mbps(bps)}",
        f"{folder} 剩余 {free / 1e9:.1f} GB：按 {mbps(bps)} 可录 {hours:.1f} 小时",
    )
    if seconds < RECORDING_MIN_S:
        return [
            PreflightRow(
                row_id, "error", title, Text(room.en + ": not even 10 minutes", room.zh + "：不足 10 分钟"), _DISK_HINT
            )
        ]
    if hours < RECORDING_HOURS:
        return [
            PreflightRow(
                row_id,
                "warning",
                title,
                Text(room.en + f": less than {RECORDING_HOURS:g} h", room.zh + f"：不足 {RECORDING_HOURS:g} 小时"),
                _DISK_HINT,
            )
        ]
    return [PreflightRow(row_id, "ok", title, room)]
