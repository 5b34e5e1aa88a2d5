"""HLS playlist text (RFC 8216 / draft-pantos-hls-rfc8216bis): media and multivariant playlists."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

HLS_VERSION = 7


@dataclass(frozen=True, slots=True)
class PartEntry:
    """A partial segment (LL-HLS): a run of samples published before its segment is complete."""

    uri: str
    duration: float
    independent: bool


@dataclass(frozen=True, slots=True)
class SegmentEntry:
    sequence: int
    uri: str
    duration: float
    program_date_time: float | None = None
    """Unix time of the segment's first sample."""
    parts: tuple[PartEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class LowLatency:
    """What a low-latency media playlist says beyond the segments (RFC 8216bis section 4.4.3.7-8)."""

    part_target: float
    part_hold_back: float
    hold_back: float
    open_parts: tuple[PartEntry, ...]
    """Parts of the segment still being built, after the last complete segment."""
    open_program_date_time: float | None
    preload_hint: str | None
    """URI of the next part, which the origin answers as soon as it exists."""
    rendition_reports: tuple[tuple[str, int, int], ...] = ()
    """(uri, last media sequence number, last part index) of the other renditions."""
    part_segments: int = 3
    """Complete segments at the end of the playlist that keep their parts listed."""


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


def date_time(unix: float) -> str:
    """Unix seconds as a playlist date (EXT-X-PROGRAM-DATE-TIME, EXT-X-DATERANGE): UTC, milliseconds, Z."""
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_date_time(text: str) -> float | None:
    """A playlist date back to Unix seconds; None when it is not one."""
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def parse_seconds(text: str) -> float:
    """A duration a playlist states (EXTINF, DURATION, TARGETDURATION, PART-TARGET, …) as seconds: a
    finite number, not below zero; ValueError for anything else ("inf", "nan", "1e999", "-1", "")."""
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{text[:40]!r} is not a duration")
    return value


def target_duration(segment_seconds: float) -> int:
    return max(1, math.ceil(segment_seconds))


def _part_line(part: PartEntry) -> str:
    independent = ",INDEPENDENT=YES" if part.independent else ""
    return f'#EXT-X-PART:DURATION={part.duration:.5f},URI="{part.uri}"{independent}'


def _up(value: float) -> str:
    """A duration rounded up to 5 decimals: a stated maximum must not round below what it bounds."""
    return f"{math.ceil(value * 100000 - 1e-6) / 100000:.5f}"


def media_playlist(
    *,
    target: int,
    segments: Sequence[SegmentEntry],
    map_uri: str,
    ended: bool,
    low_latency: LowLatency | None = None,
) -> str:
    """A live (sliding window) or ended media playlist for fMP4 segments, low-latency when asked."""
    first = segments[0].sequence if segments else 0
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{HLS_VERSION}",
        f"#EXT-X-TARGETDURATION:{target}",
    ]
    ll = low_latency
    if ll is not None:
        lines.append(
            f"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK={ll.part_hold_back:.5f},"
            f"HOLD-BACK={ll.hold_back:.5f}"
        )
        lines.append(f"#EXT-X-PART-INF:PART-TARGET={_up(ll.part_target)}")
    lines += [
        f"#EXT-X-MEDIA-SEQUENCE:{first}",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        f'#EXT-X-MAP:URI="{map_uri}"',
    ]
    with_parts = len(segments) - ll.part_segments if ll is not None else len(segments)
    for index, seg in enumerate(segments):
        if seg.program_date_time is not None:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{date_time(seg.program_date_time)}")
        if index >= with_parts:
            lines += [_part_line(part) for part in seg.parts]
        lines.append(f"#EXTINF:{seg.duration:.5f},")
        lines.append(seg.uri)
    if ll is not None and not ended:
        if ll.open_parts and ll.open_program_date_time is not None:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{date_time(ll.open_program_date_time)}")
        lines += [_part_line(part) for part in ll.open_parts]
        if ll.preload_hint is not None:
            lines.append(f'#EXT-X-PRELOAD-HINT:TYPE=PART,URI="{ll.preload_hint}"')
    if ended:
        lines.append("#EXT-X-ENDLIST")
    if ll is not None and not ended:
        lines += [
            f'#EXT-X-RENDITION-REPORT:URI="{uri}",LAST-MSN={msn},LAST-PART={part}'
            for uri, msn, part in ll.rendition_reports
        ]
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


GAP_TAG = "#EXT-X-GAP"


def mark_gaps(text: str, segments: Collection[str], parts: Collection[str] = ()) -> str:
    """``text``, a media playlist, with the media that will never be there marked as absent.

    RFC 8216bis section 6.2.1: absent media is signalled by segments carrying ``EXT-X-GAP`` (4.4.4.7:
    its URI holds no media and must not be loaded) whose parts say ``GAP=YES`` (4.4.4.9); players skip
    them (hls.js leaves a hole in its buffer and its gap controller jumps it). ``segments``: the URIs
    of such segments (every part listed for them is marked too); ``parts``: the URIs of single parts
    that are absent. The tag goes just before the segment's ``EXTINF``. Nothing else changes: media
    sequence numbers, the other parts, the preload hint and the rendition reports (which count
    segments and parts, gaps included) stay as they were. Marking twice changes nothing.
    """
    if not segments and not parts:
        return text
    out: list[str] = []
    start = 0
    """Where the lines of the segment being read begin in ``out`` (after the previous segment's URI)."""
    for line in text.splitlines():
        if line.startswith("#EXT-X-PART:") and parts and _uri(line) in parts:
            out.append(_gap_part(line))
            continue
        if line and not line.startswith("#") and line in segments and GAP_TAG not in out[start:]:
            for i in range(start, len(out)):
                if out[i].startswith("#EXT-X-PART:"):
                    out[i] = _gap_part(out[i])
            extinf = next((i for i in range(len(out) - 1, start - 1, -1) if out[i].startswith("#EXTINF:")), None)
            out.insert(len(out) if extinf is None else extinf, GAP_TAG)
        out.append(line)
        if line and not line.startswith("#"):
            start = len(out)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _uri(tag: str) -> str:
    """The URI attribute of a tag line ("" without one)."""
    _, found, rest = tag.partition('URI="')
    return rest.partition('"')[0] if found else ""


def _gap_part(line: str) -> str:
    return line if ",GAP=" in line else line + ",GAP=YES"
