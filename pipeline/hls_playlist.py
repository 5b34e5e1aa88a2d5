"""HLS playlist text (RFC 8216 / draft-pantos-hls-rfc8216bis): media and multivariant playlists."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

HLS_VERSION = 7


@dataclass(frozen=True, slots=True)
class SegmentEntry:
    sequence: int
    uri: str
    duration: float
    program_date_time: float | None = None
    """Unix time of the segment's first sample."""


@dataclass(frozen=True, slots=True)
class VariantEntry:
    uri: str
    bandwidth: int
    average_bandwidth: int
    width: int
    height: int
    frame_rate: float
    codecs: str
    audio_group: str | None = None


@dataclass(frozen=True, slots=True)
class AudioEntry:
    uri: str
    group_id: str
    name: str
    channels: int
    default: bool = True


def _date_time(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def target_duration(segment_seconds: float) -> int:
    return max(1, math.ceil(segment_seconds))


def media_playlist(
    *,
    target: int,
    segments: Sequence[SegmentEntry],
    map_uri: str,
    ended: bool,
) -> str:
    """A live (sliding window) or ended media playlist for fMP4 segments."""
    first = segments[0].sequence if segments else 0
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{HLS_VERSION}",
        f"#EXT-X-TARGETDURATION:{target}",
        f"#EXT-X-MEDIA-SEQUENCE:{first}",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        f'#EXT-X-MAP:URI="{map_uri}"',
    ]
    for seg in segments:
        if seg.program_date_time is not None:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{_date_time(seg.program_date_time)}")
        lines.append(f"#EXTINF:{seg.duration:.5f},")
        lines.append(seg.uri)
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def multivariant_playlist(variants: Sequence[VariantEntry], audio: Sequence[AudioEntry] = ()) -> str:
    lines = ["#EXTM3U", f"#EXT-X-VERSION:{HLS_VERSION}", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for a in audio:
        default = "YES" if a.default else "NO"
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{a.group_id}",NAME="{a.name}",DEFAULT={default},'
            f'AUTOSELECT=YES,CHANNELS="{a.channels}",URI="{a.uri}"'
        )
    for v in variants:
        attrs = [
            f"BANDWIDTH={v.bandwidth}",
            f"AVERAGE-BANDWIDTH={v.average_bandwidth}",
            f"RESOLUTION={v.width}x{v.height}",
            f"FRAME-RATE={v.frame_rate:.3f}",
            f'CODECS="{v.codecs}"',
        ]
        if v.audio_group:
            attrs.append(f'AUDIO="{v.audio_group}"')
        lines.append("#EXT-X-STREAM-INF:" + ",".join(attrs))
        lines.append(v.uri)
    return "\n".join(lines) + "\n"
