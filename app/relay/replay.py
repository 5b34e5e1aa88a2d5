"""Shoppable replay (直播回放), per-product clips and retention, from the media the relay kept.

Every broadcast lives in its own stream-id folder under ``<data>/media/<room>/`` (rungs and audio,
each with ``init.mp4``, ``index.m3u8`` and ``seg_NNNNNN.m4s``). A replay is that folder played as
on-demand HLS: its media playlists are rewritten as ``EXT-X-PLAYLIST-TYPE:VOD`` with ``EXT-X-ENDLIST``
and without LL-HLS parts, the segments' URIs pointing at the relay's egress (``/live/{room}/…``,
cached as immutable). A clip is the same playlist cut to the segments that overlap a product's
explanation; segments start with a keyframe (one GOP each), so a clip starts on one.

Wall time (the event log's) is mapped to media time through the playlists' ``EXT-X-PROGRAM-DATE-TIME``.
Pure functions over bytes and folders: the HTTP side is app/relay/api_replay.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.hls_playlist import date_time, parse_date_time, parse_seconds

MULTIVARIANT_NAME = re.compile(r"master(-[A-Za-z0-9_-]+)?\.m3u8")
_URI_ATTRIBUTE = re.compile(r'URI="([^"]*)"')
_MAP = re.compile(r'#EXT-X-MAP:URI="([^"]*)"')


@dataclass(frozen=True, slots=True)
class MediaSegment:
    uri: str
    duration: float
    sequence: int
    start: float
    """Media time of its first sample, seconds from the broadcast's first segment."""
    wall: float | None
    """Its EXT-X-PROGRAM-DATE-TIME (Unix seconds), when the playlist gave one."""
    gap: bool = False
    """Marked EXT-X-GAP: the broadcaster could not deliver it, so it is not on disk (players skip it)."""


@dataclass(slots=True)
class MediaPlaylist:
    map_uri: str | None = None
    target: int = 1
    segments: list[MediaSegment] = field(default_factory=list)
    ended: bool = False

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.segments)

    def wall_origin(self) -> float | None:
        """Wall time of media time 0 (from the first segment that carries a date)."""
        for seg in self.segments:
            if seg.wall is not None:
                return seg.wall - seg.start
        return None

    def media_time(self, wall: float) -> float | None:
        """Where a wall-clock instant falls in the media (clamped to the broadcast), None without dates."""
        origin = self.wall_origin()
        if origin is None:
            return None
        return min(max(0.0, wall - origin), self.duration)


def parse_media_playlist(text: str) -> MediaPlaylist:
    """The whole segments of a (live or ended) media playlist: parts and hints are left out."""
    playlist = MediaPlaylist()
    wall: float | None = None
    duration: float | None = None
    gap = False
    t = 0.0
    sequence = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            playlist.target = max(1, int(parse_seconds(line.split(":", 1)[1])))
        elif line.startswith("#EXT-X-MAP:"):
            match = _MAP.match(line)
            playlist.map_uri = match.group(1) if match else None
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            wall = parse_date_time(line.split(":", 1)[1])
        elif line.startswith("#EXTINF:"):
            duration = parse_seconds(line.split(":", 1)[1].split(",", 1)[0])
        elif line == "#EXT-X-ENDLIST":
            playlist.ended = True
        elif line == "#EXT-X-GAP":
            gap = True
        elif not line.startswith("#") and duration is not None:
            playlist.segments.append(MediaSegment(line, duration, sequence, t, wall, gap))
            t += duration
            sequence += 1
            wall, duration, gap = None, None, False
    return playlist


def vod_media_playlist(playlist: MediaPlaylist, base: str, window: tuple[float, float] | None = None) -> str:
    """An on-demand media playlist of ``playlist``'s segments (URIs under ``base``), all of them or
    those overlapping the media-time ``window`` (start, end), whole segments from a keyframe."""
    segments = playlist.segments
    if window is not None:
        start, end = window
        segments = [s for s in segments if s.start + s.duration > start and s.start < max(end, start + 0.001)]
    target = max([playlist.target, *(int(s.duration + 0.999) for s in segments)])
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", f"#EXT-X-TARGETDURATION:{target}", "#EXT-X-PLAYLIST-TYPE:VOD"]
    lines.append(f"#EXT-X-MEDIA-SEQUENCE:{segments[0].sequence if segments else 0}")
    lines.append("#EXT-X-INDEPENDENT-SEGMENTS")
    if playlist.map_uri:
        lines.append(f'#EXT-X-MAP:URI="{base}/{playlist.map_uri}"')
    for seg in segments:
        if seg.wall is not None:
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{date_time(seg.wall)}")
        if seg.gap:
            lines.append("#EXT-X-GAP")
        lines.append(f"#EXTINF:{seg.duration:.5f},")
        lines.append(f"{base}/{seg.uri}")
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


# --- a room's broadcasts on disk --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Broadcast:
    stream_id: str
    multivariant: str
    """Its multivariant playlist, URIs relative to the stream folder."""
    primary: bool
    """Pushed as the room's ``master.m3u8`` (not a dual-format show's second canvas)."""
    start: float
    end: float
    ended: bool


def keep_multivariant(room_dir: Path, name: str, data: bytes) -> None:
    """Keep a copy of a broadcast's multivariant playlist in its stream folder (``master.m3u8`` is
    replaced by the next broadcast), its URIs made relative to that folder."""
    text = data.decode("utf-8", "replace")
    folders = {uri.split("/", 1)[0] for uri in _uris(text) if "/" in uri}
    if len(folders) != 1:
        return
    (folder,) = folders
    target = room_dir / folder
    if not target.is_dir() or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", folder):
        return
    relative = text.replace(f"{folder}/", "")
    tmp = target / f".{name}.tmp"
    tmp.write_text(relative, encoding="utf-8")
    tmp.replace(target / name)


def _uris(text: str) -> list[str]:
    found: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            found += _URI_ATTRIBUTE.findall(line)
        elif line:
            found.append(line)
    return found


def _synthesized(folder: Path) -> str:
    """A multivariant playlist for a stream folder kept without one (before copies were kept)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    audio = (folder / "audio" / "index.m3u8").is_file()
    if audio:
        lines.append(
            '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="audio/index.m3u8"'
        )
    rungs = sorted((p.name for p in folder.iterdir() if p.name != "audio" and (p / "index.m3u8").is_file()),
                   key=lambda name: -int(re.sub(r"\D", "", name) or 0))  # fmt: skip
    for rung in rungs:
        height = int(re.sub(r"\D", "", rung) or 360)
        attrs = f"BANDWIDTH={height * 4000}" + (',AUDIO="aud"' if audio else "")
        lines += [f"#EXT-X-STREAM-INF:{attrs}", f"{rung}/index.m3u8"]
    return "\n".join(lines) + "\n"


def video_playlists(multivariant: str) -> list[str]:
    """The variant (video) playlists' URIs, in the multivariant's order (the top rung first)."""
    lines = [line.strip() for line in multivariant.splitlines()]
    return [lines[i + 1] for i, line in enumerate(lines[:-1]) if line.startswith("#EXT-X-STREAM-INF")]


SEGMENT_LOG = ".segments"
"""In each rendition's folder: every segment its live playlists listed, one a line
(``sequence duration wall|- uri``, then `` gap`` for a segment marked EXT-X-GAP). The live
playlists are a sliding window (10 segments); the replay needs them all, so ingest appends each
playlist's new segments here (:func:`note_playlist`)."""
_logged: dict[Path, int] = {}
_log_lock = threading.Lock()


def note_playlist(room_dir: Path, parts: tuple[str, ...], data: bytes) -> None:
    """Append the new segments of a stored media playlist (``<stream>/<rendition>/index.m3u8``) to
    its rendition's segment log."""
    if len(parts) != 3 or not parts[2].endswith(".m3u8"):
        return
    folder = room_dir.joinpath(*parts[:2])
    try:
        playlist = parse_media_playlist(data.decode("utf-8", "replace"))
    except ValueError:
        return
    log = folder / SEGMENT_LOG
    with _log_lock:
        last = _logged.get(log)
        if last is None:
            last = max((s.sequence for s in _read_log(log)), default=-1)
        lines = [
            f"{s.sequence} {s.duration:.5f} {'-' if s.wall is None else f'{s.wall:.3f}'} {s.uri}"
            + (" gap\n" if s.gap else "\n")
            for s in playlist.segments
            if s.sequence > last
        ]
        if lines:
            with log.open("a", encoding="utf-8") as handle:
                handle.write("".join(lines))
            _logged[log] = playlist.segments[-1].sequence
            if len(_logged) > 4096:  # folders of long-gone broadcasts: re-read from the file when needed
                _logged.clear()


def _read_log(log: Path) -> list[MediaSegment]:
    found: list[MediaSegment] = []
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return found
    t = 0.0
    for line in text.splitlines():
        fields = line.split(" ")
        if len(fields) not in (4, 5):
            continue
        try:
            sequence, duration = int(fields[0]), float(fields[1])
            wall = None if fields[2] == "-" else float(fields[2])
        except ValueError:
            continue
        if found and sequence <= found[-1].sequence:
            continue
        found.append(MediaSegment(fields[3], duration, sequence, t, wall, fields[4:] == ["gap"]))
        t += duration
    return found


def read_playlist(folder: Path, uri: str) -> MediaPlaylist | None:
    """A rendition's whole broadcast: its segment log, else (kept before there were logs) its last
    playlist with the segments before its window taken from the folder, at the window's mean duration."""
    path = folder / uri
    try:
        playlist = parse_media_playlist(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError):
        return None
    logged = _read_log(path.parent / SEGMENT_LOG)
    if logged:
        known = {s.sequence for s in logged}
        extra = [s for s in playlist.segments if s.sequence not in known and s.sequence > logged[-1].sequence]
        segments = logged + extra
    else:
        segments = _extrapolated(path.parent, playlist.segments)
    t = 0.0
    rebased: list[MediaSegment] = []
    for s in segments:
        rebased.append(MediaSegment(s.uri, s.duration, s.sequence, t, s.wall, s.gap))
        t += s.duration
    playlist.segments = rebased
    return playlist


def _extrapolated(folder: Path, window: list[MediaSegment]) -> list[MediaSegment]:
    if not window:
        return window
    first = window[0]
    mean = sum(s.duration for s in window) / len(window)
    match = re.fullmatch(r"(.*?)(\d+)(\.[A-Za-z0-9]+)", first.uri)
    if match is None:
        return window
    prefix, digits, suffix = match.groups()
    before: list[MediaSegment] = []
    for sequence in range(max(0, first.sequence - int(digits)), first.sequence):
        number = int(digits) - (first.sequence - sequence)
        name = f"{prefix}{number:0{len(digits)}d}{suffix}"
        if (folder / name).is_file():
            offset = (first.sequence - sequence) * mean
            wall = None if first.wall is None else first.wall - offset
            before.append(MediaSegment(name, mean, sequence, 0.0, wall))
    return before + window


def broadcasts(room_dir: Path) -> list[Broadcast]:
    """The room's kept broadcasts, oldest first (stream ids begin with their UTC start time)."""
    found: list[Broadcast] = []
    try:
        folders = sorted(p for p in room_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []
    for folder in folders:
        copies = sorted(p.name for p in folder.glob("master*.m3u8") if MULTIVARIANT_NAME.fullmatch(p.name))
        if copies:
            multivariant = (folder / copies[0]).read_text(encoding="utf-8", errors="replace")
        else:
            multivariant = _synthesized(folder)
        uris = video_playlists(multivariant)
        top = read_playlist(folder, uris[0]) if uris else None
        if top is None or not top.segments:
            continue
        origin = top.wall_origin()
        if origin is None:
            origin = folder.stat().st_mtime - top.duration
        primary = "master.m3u8" in copies or not copies
        found.append(Broadcast(folder.name, multivariant, primary, origin, origin + top.duration, top.ended))
    return found


def broadcast_for(room_dir: Path, start: float, end: float) -> Broadcast | None:
    """The primary broadcast overlapping the show's wall-clock span the most."""
    best: tuple[float, Broadcast] | None = None
    for b in broadcasts(room_dir):
        overlap = min(end, b.end) - max(start, b.start)
        if overlap <= 0:
            continue
        score = overlap + (1e9 if b.primary else 0)
        if best is None or score > best[0]:
            best = (score, b)
    return best[1] if best else None


# --- retention -----------------------------------------------------------------------------------------


def room_usage(room_dir: Path) -> dict[str, int]:
    """Bytes per stream folder (and ``"."`` for the room's top files)."""
    usage: dict[str, int] = {}
    for dirpath, _, files in os.walk(room_dir):
        rel = Path(dirpath).relative_to(room_dir)
        key = rel.parts[0] if rel.parts else "."
        for name in files:
            with contextlib.suppress(OSError):
                usage[key] = usage.get(key, 0) + (Path(dirpath) / name).stat().st_size
    return usage


def last_write(folder: Path) -> float:
    newest = folder.stat().st_mtime
    for dirpath, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                newest = max(newest, (Path(dirpath) / name).stat().st_mtime)
    return newest


def expired_folders(
    room_dir: Path, keep_seconds: float, protected: frozenset[str], now: float | None = None
) -> list[Path]:
    """Stream folders written to last more than ``keep_seconds`` ago, except ``protected`` (the live
    broadcast's folders: never deleted, however old)."""
    now = time.time() if now is None else now
    try:
        folders = [p for p in room_dir.iterdir() if p.is_dir() and p.name not in protected]
    except OSError:
        return []
    return [p for p in sorted(folders) if now - last_write(p) > keep_seconds]


def delete_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free
