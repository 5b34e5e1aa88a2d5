"""What the watch page needs to start LL-HLS without asking for it first (秒开, benchmarks/first_frame.py).

A viewer's player normally makes four round trips before the first media byte: the multivariant
playlist, the media playlist, the init segment, then the part. The relay has all of it on disk when
it renders the page, so the page carries:

- the multivariant playlist, the lowest rung's media playlist and the audio playlist as they are now
  (``playlists``, by URL path; the media playlists with their last four segments only): hls.js takes
  them from the page instead of the network (once, and only while they are fresh: a page whose player
  starts later than a second after navigation asks for them);
- where to start (``start``, seconds on that media playlist's timeline): the newest independent part
  (a keyframe) at least ``PART-HOLD-BACK - PART-TARGET`` behind the live edge, so the first frame needs
  one part and not the two or three hls.js would fetch one after another to reach ``PART-HOLD-BACK``;
- the files the start needs (``prefetch``): the two init segments and the video and audio parts from
  the start to the end of its segment (hls.js loads a segment's parts one after the other and starts
  playing once it has them all). They never change once written (immutable), so the page asks for
  them all at once and hls.js's own requests are answered from the browser's cache.

The lowest rung first (a small first part), then hls.js's ABR steps up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from app.relay.media_store import MULTIVARIANT, MediaPathError, MediaStore, parse_media_path
from pipeline.hls_playlist import parse_date_time, parse_seconds

_BANDWIDTH = re.compile(r"(?:^|[:,])BANDWIDTH=(\d+)")
_ATTR = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')
MAX_PLAYLIST = 64 * 1024
"""A media playlist longer than this is not put in the page (the page weight is budgeted)."""
KEEP_SEGMENTS = 4
"""A media playlist goes in the page with its last few segments only: the start is among them."""
_SEGMENT_LINE = ("#EXTINF:", "#EXT-X-PROGRAM-DATE-TIME:", "#EXT-X-PART:", "#EXT-X-DISCONTINUITY", "#EXT-X-GAP",
                 "#EXT-X-BITRATE:")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Part:
    uri: str
    start: float
    """Seconds from the playlist's first segment."""
    duration: float
    independent: bool
    pdt: float | None
    """Its program date-time (Unix seconds), when the playlist gives one."""
    segment: int
    """Which segment it belongs to (its position in the playlist)."""
    gap: bool = False
    """GAP=YES: the broadcaster could not deliver it (a player skips it; the page neither starts on it
    nor asks for it)."""


@dataclass(frozen=True, slots=True)
class MediaPlaylist:
    init: str | None
    parts: list[Part]
    edge: float
    """End of the last segment or part, seconds from the first segment."""
    part_target: float
    part_hold_back: float
    ended: bool

    def rest_of_segment(self, first: Part) -> list[str]:
        """The URIs of ``first`` and the parts after it in its segment: hls.js loads a segment's parts
        one after the other and starts playing once it has them all."""
        return [p.uri for p in self.parts if p.segment == first.segment and p.start >= first.start and not p.gap]

    def part_at(self, date: float) -> Part | None:
        """The part playing at a program date-time."""
        return next((p for p in self.parts if p.pdt is not None and p.pdt <= date < p.pdt + p.duration), None)


def _attrs(line: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in _ATTR.findall(line.split(":", 1)[1] if ":" in line else "")}


def parse_media(text: str) -> MediaPlaylist:
    """The parts of a live media playlist on one timeline (segments without parts are skipped over).
    A duration that is not one (negative, infinite) is a ValueError: the page starts without it."""
    init: str | None = None
    parts: list[Part] = []
    time = 0.0
    part_time = 0.0
    pdt: float | None = None
    part_target = 0.0
    hold_back = 0.0
    extinf = 0.0
    segment = 0
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXT-X-MAP:"):
            init = _attrs(line).get("URI")
        elif line.startswith("#EXT-X-PART-INF:"):
            part_target = parse_seconds(_attrs(line).get("PART-TARGET") or "0")
        elif line.startswith("#EXT-X-SERVER-CONTROL:"):
            hold_back = parse_seconds(_attrs(line).get("PART-HOLD-BACK") or "0")
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pdt = parse_date_time(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-PART:"):
            a = _attrs(line)
            duration = parse_seconds(a.get("DURATION") or "0")
            offset = part_time - time
            parts.append(Part(a.get("URI", ""), part_time, duration, a.get("INDEPENDENT") == "YES",
                              None if pdt is None else pdt + offset, segment, a.get("GAP") == "YES"))  # fmt: skip
            part_time += duration
        elif line.startswith("#EXTINF:"):
            extinf = parse_seconds(line.split(":", 1)[1].split(",", 1)[0] or "0")
        elif line and not line.startswith("#"):  # a segment's URI: the next one starts after it
            segment += 1
            time += extinf
            part_time = time
            if pdt is not None:
                pdt += extinf
    edge = max(time, part_time)
    return MediaPlaylist(init, parts, edge, part_target, hold_back, "#EXT-X-ENDLIST" in text)


def pick_start(media: MediaPlaylist) -> Part | None:
    """The newest independent part that starts at least PART-HOLD-BACK - PART-TARGET behind the edge."""
    if media.ended or not media.parts or media.part_target <= 0:
        return None
    latest = media.edge - max(media.part_hold_back - media.part_target, media.part_target)
    found = [p for p in media.parts if p.independent and not p.gap and p.start <= latest]
    return found[-1] if found else None


def _variants(text: str) -> tuple[str | None, str | None]:
    """The lowest-bandwidth variant's URI and the default audio rendition's URI."""
    lines = [line.strip() for line in text.splitlines()]
    lowest: tuple[int, str] | None = None
    for index, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            uri = next((u for u in lines[index + 1 :] if u and not u.startswith("#")), None)
            bandwidth = _BANDWIDTH.search(line.split(":", 1)[1])
            if uri and bandwidth and (lowest is None or int(bandwidth[1]) < lowest[0]):
                lowest = (int(bandwidth[1]), uri)
    audio = next((a.get("URI") for a in map(_attrs, (x for x in lines if x.startswith("#EXT-X-MEDIA:")))
                  if a.get("TYPE") == "AUDIO" and a.get("URI")), None)  # fmt: skip
    return (lowest[1] if lowest else None), audio


def trim(text: str, keep: int = KEEP_SEGMENTS) -> str:
    """A live media playlist with only its last ``keep`` segments (and the parts after them), its
    media sequence number moved on to match; as it was when anything else could depend on the rest."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith(_SEGMENT_LINE)), None)
    if first is None or "#EXT-X-DISCONTINUITY" in text or "#EXT-X-KEY" in text or "#EXT-X-ENDLIST" in text:
        return text
    ends = [i for i in range(first, len(lines)) if lines[i] and not lines[i].startswith("#")]
    drop = len(ends) - keep
    sequence = next((i for i, line in enumerate(lines[:first]) if line.startswith("#EXT-X-MEDIA-SEQUENCE:")), None)
    if drop <= 0 or sequence is None:
        return text
    header = list(lines[:first])
    header[sequence] = f"#EXT-X-MEDIA-SEQUENCE:{int(header[sequence].split(':', 1)[1]) + drop}"
    return "\n".join(header + lines[ends[drop - 1] + 1 :]) + "\n"


def _read(media: MediaStore, room: str, rel: PurePosixPath) -> str | None:
    data = media.read(room, rel)
    if data is None or len(data) > MAX_PLAYLIST:
        return None
    return data.decode("utf-8", "replace")


def _rel(base: PurePosixPath, uri: str) -> PurePosixPath | None:
    if "://" in uri or uri.startswith("/") or "?" in uri:
        return None
    try:
        return parse_media_path(str(base / uri))
    except MediaPathError:
        return None


def player_boot(media: MediaStore, room: str) -> dict[str, Any] | None:
    """The page's LL-HLS start for the room's primary format (see the module's notes); None when the
    room has no live LL-HLS stream to start on."""
    url = f"/live/{quote(room)}/"
    master = _read(media, room, MULTIVARIANT)
    if master is None:
        return None
    video_uri, audio_uri = _variants(master)
    video_rel = _rel(PurePosixPath("."), video_uri) if video_uri else None
    if video_rel is None:
        return None
    video_text = _read(media, room, video_rel)
    if video_text is None:
        return None
    video_text = trim(video_text)
    video = parse_media(video_text)
    start = pick_start(video)
    if start is None:
        return None
    playlists = {url + str(MULTIVARIANT): master, url + str(video_rel): video_text}
    prefetch: list[str] = []
    for uri in [video.init, *video.rest_of_segment(start)]:
        rel = _rel(video_rel.parent, uri) if uri else None
        if rel is not None:
            prefetch.append(url + str(rel))
    audio_rel = _rel(PurePosixPath("."), audio_uri) if audio_uri else None
    audio_text = _read(media, room, audio_rel) if audio_rel is not None else None
    audio_text = trim(audio_text) if audio_text is not None else None
    if audio_rel is not None and audio_text is not None:
        playlists[url + str(audio_rel)] = audio_text
        audio = parse_media(audio_text)
        # The audio from the start's date to the end of its segment, in parts as hls.js asks for it.
        wanted = [audio.init] if audio.init else []
        at = audio.part_at(start.pdt + 0.05) if start.pdt is not None else None
        if at is not None:
            wanted += audio.rest_of_segment(at)
        for uri in wanted:
            rel = _rel(audio_rel.parent, uri)
            if rel is not None:
                prefetch.append(url + str(rel))
    # A little into the part, so hls.js's lookup lands in it and not at the end of the one before.
    return {"playlists": playlists, "start": round(start.start + 0.05, 3), "prefetch": prefetch}
