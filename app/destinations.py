"""Where a broadcast goes: its outputs, built afresh for each live from the session's configuration.

The relay (HTTP push of the ladder, plus the realtime sample stream its WebRTC viewers are served from),
an HLS folder, an MP4 recording, RTMP ingests and WHIP endpoints are each an ``Output`` the broadcast
feeds alike; which of them a live gets, and how each is named and addressed, is decided here, in one
place, rather than inside the session's go-live sequence.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from app.session_config import ExternalRelay, SessionConfig
from pipeline.canvas import Canvas, ladder_for
from pipeline.outputs import FolderOutput, HttpPushOutput, Output, RecordingOutput, RtmpOutput, WhipOutput
from pipeline.outputs.realtime_push import RealtimePush

STANDING_REFRESH_S = 5.0
"""How often the relay push sends the stream's init segments and multivariant playlists again."""

Warn = Callable[[str, str], None]
"""Tell the host something is off: the English message and its Chinese."""


def build_outputs(
    config: SessionConfig, target: ExternalRelay | None, canvas: Canvas | None = None, *, primary: bool = True
) -> list[Output]:
    """The outputs of one canvas's broadcast: the relay's HTTP push (when connected to ``target``), the
    HTTP origins', then the folder, and for the primary canvas only the recording, the RTMP and WHIP destinations the
    configuration names (they take one picture; a second canvas goes to the relay and the folder, its
    own multivariant playlist beside the primary's). Empty: nowhere to go."""
    outputs: list[Output] = []
    suffix = "" if primary or canvas is None else f" ({canvas.name})"
    if target is not None:
        base = f"{target.url.rstrip('/')}/ingest/{target.room}/"
        # the standing files again every few seconds: behind a load balancer the relay holding the
        # room's video can change (docs/deploy.md, "Several relays behind one address")
        outputs.append(HttpPushOutput(base, target.stream_key, name=f"relay{suffix}", refresh_s=STANDING_REFRESH_S))
    for n, origin in enumerate(config.http_origins, 1):
        outputs.append(HttpPushOutput(origin.url, origin.token, name=f"origin {n}{suffix}"))
    if config.record_dir is not None:
        outputs.append(FolderOutput(config.record_dir, name=f"folder{suffix}"))
    if not primary:
        return outputs
    if config.recording_dir is not None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = config.recording_dir / f"shopcast-{stamp}.mp4"
        n = 1
        while path.exists():
            n += 1
            path = config.recording_dir / f"shopcast-{stamp}-{n}.mp4"
        outputs.append(RecordingOutput(path, video=config.broadcast.rungs[0].name, audio="audio"))
    top = config.broadcast.rungs[0].name
    for url in config.rtmp_urls:
        outputs.append(RtmpOutput(url, video=top, audio="audio"))
    parts = config.broadcast.packaging.part_seconds is not None
    for whip in config.whip_targets:
        outputs.append(WhipOutput(whip.url, video=top, audio="audio", token=whip.token, parts=parts))
    return outputs


def build_realtime_output(
    config: SessionConfig, target: ExternalRelay | None, stream_id: str, warn: Warn
) -> RealtimePush | None:
    """The realtime sample stream to the relay, for its WebRTC (WHEP) viewers; None without a relay, when
    switched off, or (with a warning) when the program's sound is not at the 48 kHz Opus needs."""
    program = config.program
    if target is None or not config.realtime:
        return None
    if program.sample_rate != 48_000:
        warn(
            f"no WebRTC viewers: their Opus sound needs 48 kHz, the program runs at {program.sample_rate} Hz",
            f"无法提供超低延迟观看：Opus 声音需要 48 kHz，当前为 {program.sample_rate} Hz",
        )
        return None
    top = ladder_for(config.program.primary, config.broadcast.rungs)[0]
    ws = target.url.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    url = f"{ws}/api/v1/rooms/{target.room}/realtime-ingest"
    return RealtimePush(
        url, target.stream_key, stream_id, width=top.width, height=top.height, channels=program.channels
    )
