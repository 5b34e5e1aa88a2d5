"""The studio's pre-flight: every check for a :class:`~app.session.StudioSession` as it is configured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.preflight.encoder import ENCODER_TITLE, check_encoder
from app.preflight.machine import CAMERA_TITLE, MIC_TITLE, check_camera, check_disk, check_microphone
from app.preflight.network import RELAY_TITLE, UploadNeed, check_relay, upload_need
from app.preflight.rows import Check, PreflightRow
from app.preflight.rundown_check import RUNDOWN_TITLE, check_rundown
from pipeline.mixer import Channel
from pipeline.sources import SystemDevices, VideoSource
from plugins.api import Text

if TYPE_CHECKING:
    from app.session import StudioSession


def session_checks(session: StudioSession) -> list[Check]:
    """Every check for the studio ``session`` as it is configured now (call on any thread: the checks
    themselves do the waiting, on their own threads)."""
    from app.studio_show import MIC

    config = session.config
    devices = session.devices or SystemDevices()
    plans = session.broadcast_plans()
    checks = [
        Check("camera", CAMERA_TITLE, lambda: check_camera(devices, _host(session)), timeout=3.0),
        Check("mic", MIC_TITLE, lambda: check_microphone(devices, _channel(session, MIC)), timeout=3.0),
        Check("relay", RELAY_TITLE, lambda: _relay_rows(session, upload_need(config, plans)), timeout=5.5),
        Check(
            "encoder",
            ENCODER_TITLE,
            lambda: check_encoder(
                plans, [session.program.picture_of(c.name) for c in config.program.canvases], config.program.canvases
            ),
            timeout=8.0,
        ),
    ]
    primary = plans[0]
    if config.recording_dir is not None:
        bps = primary.rungs[0].bitrate + primary.audio_bitrate
        folder = config.recording_dir
        what = Text("recording", "录制")
        checks.append(Check("disk", Text("Disk", "磁盘"), lambda: check_disk("disk", folder, bps, what), timeout=3.0))
    if config.record_dir is not None:
        hls = sum(sum(r.bitrate for r in p.rungs) + p.audio_bitrate for p in plans)
        hls_folder = config.record_dir
        hls_what = Text("stream files", "直播文件")
        checks.append(
            Check(
                "disk-hls", Text("Disk", "磁盘"), lambda: check_disk("disk-hls", hls_folder, hls, hls_what), timeout=3.0
            )
        )
    room = session.room
    if room is not None:
        checks.append(Check("rundown", RUNDOWN_TITLE, lambda: check_rundown(room), timeout=4.0))
    return checks


def _host(session: StudioSession) -> VideoSource | None:
    from app.scene_templates import HOST

    return session.show.pool.source(HOST)


def _channel(session: StudioSession, channel_id: str) -> Channel | None:
    try:
        return session.show.mixer.channel(channel_id)
    except KeyError:
        return None


def _relay_rows(session: StudioSession, need: UploadNeed) -> list[PreflightRow]:
    config = session.config
    if config.relay is None:
        local = config.record_dir or config.recording_dir or config.rtmp_urls or config.whip_targets
        if local:
            return [
                PreflightRow(
                    "relay",
                    "warning",
                    RELAY_TITLE,
                    Text("No relay: viewers cannot watch in the room", "未配置中继服务器：观众无法在直播间观看"),
                    Text("Set the relay in Settings → Stream", "请在 设置 → 推流 中设置中继服务器"),
                )
            ]
        return [
            PreflightRow(
                "relay",
                "error",
                RELAY_TITLE,
                Text(
                    "Nowhere to send the stream: no relay and no output folder",
                    "没有推流目的地：未配置中继服务器，也没有输出文件夹",
                ),
                Text("Set the relay in Settings → Stream", "请在 设置 → 推流 中设置中继服务器"),
            )
        ]
    target = session.relay_target
    if target is None:
        return [
            PreflightRow(
                "relay",
                "error",
                RELAY_TITLE,
                Text("The relay is not connected yet", "尚未连接中继服务器"),
                Text(
                    "Wait for “Relay: ready” in the Stream dock, or check the relay in Settings → Stream",
                    "请等待“推流”面板显示中继服务器就绪，或在 设置 → 推流 中检查中继服务器",
                ),
            )
        ]
    return check_relay(target, need)
