"""The formats a room's stream is offered in: one multivariant playlist per canvas (dual format).

The primary canvas publishes ``master.m3u8`` (what players and the room's liveness know); a second
canvas of the same show publishes ``master-<canvas name>.m3u8`` beside it (``pipeline/canvas.py``),
each pointing into its own stream-id folder. :class:`StreamFormats` says which exist for the room's
current broadcast, named and sized, primary first:

- ``master.m3u8`` is named by its size: ``portrait``, ``landscape`` or ``square`` from the top
  variant's ``RESOLUTION`` (``main`` when the playlist gives none);
- ``master-<name>.m3u8`` is offered only while it belongs to the current broadcast: its top
  variant's media playlist must have been written at or after ``master.m3u8`` was. Each broadcast
  writes its multivariant playlist once, after its first segment, and its media playlists after every
  part until it ends, so a second canvas that is streaming now (or streamed to the end of this show)
  passes, while one left over from an earlier dual-format show stopped changing before this show's
  ``master.m3u8`` arrived. Comparing stream ids cannot tell this: the two canvases of one show are two
  broadcasts with two stream ids. Comparing the two multivariant playlists' times would need a
  tolerance (the canvases start independently) and would still drop a canvas added mid-show.
  While the room is live, a second canvas whose stream has ended is left out too (it stopped before
  the show did): its viewers go back to the primary.

Cheap on every poll: the room folder's listing is cached by the folder's mtime, each multivariant
playlist's parse by its (inode, mtime, size) — the relay replaces files by renaming, so a new version
is a new inode — and a second canvas's media playlist is only stat'ed (read only while live, and
then only when it changed, to see whether it ended).
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, Field

from app.relay.media_store import MediaPathError, MediaStore, parse_media_path
from pipeline.canvas import PRIMARY_MULTIVARIANT

_SECOND = re.compile(r"master-([a-z0-9][a-z0-9_-]{0,31})\.m3u8")
_RESOLUTION = re.compile(r"RESOLUTION=(\d{1,5})x(\d{1,5})")
_BANDWIDTH = re.compile(r"(?:^|[:,])BANDWIDTH=(\d+)")
_QUIET_S = 2.0
"""A room folder changed this recently is listed again: two renames within one tick of the file
system's clock leave it the same mtime (a file's key holds its inode, which a rename changes)."""

_Stat = tuple[int, int, int]


class StreamFormat(BaseModel):
    """One format (canvas) of the room's stream: a multivariant playlist of its own ladder."""

    name: str = Field(
        description="portrait, landscape or square for the primary (by its size); the canvas's name for another",
        examples=["portrait"],
    )
    url: str = Field(
        description="its multivariant playlist (master.m3u8 for the primary)",
        examples=["https://relay.example.com/live/demo/master.m3u8"],
    )
    width: int | None = Field(description="the top variant's width in pixels (null when not given)", examples=[720])
    height: int | None = Field(description="the top variant's height in pixels", examples=[1280])


@dataclass(frozen=True, slots=True)
class Format:
    """A format as found on disk: its multivariant playlist's file name (relative to the room)."""

    name: str
    file: str
    width: int | None
    height: int | None

    def model(self, base: str) -> StreamFormat:
        """The API's shape, ``base`` being the room's stream URL (``…/live/{room}``)."""
        return StreamFormat(name=self.name, url=f"{base}/{self.file}", width=self.width, height=self.height)


@dataclass(frozen=True, slots=True)
class _Multivariant:
    stat: _Stat
    width: int | None
    height: int | None
    media: PurePosixPath | None
    """The top variant's media playlist, relative to the room."""


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None


def _key(st: os.stat_result) -> _Stat:
    return st.st_ino, st.st_mtime_ns, st.st_size


def _settled(st: os.stat_result) -> bool:
    return time.time() - st.st_mtime > _QUIET_S


def top_variant(text: str) -> tuple[int | None, int | None, PurePosixPath | None]:
    """The largest variant's size and media playlist (the first one on a tie)."""
    best: tuple[int, int, int, int] | None = None  # area, bandwidth, width, height
    best_uri: PurePosixPath | None = None
    lines = [line.strip() for line in text.splitlines()]
    for index, line in enumerate(lines):
        if not line.startswith("#EXT-X-STREAM-INF:"):
            continue
        uri = next((u for u in lines[index + 1 :] if u and not u.startswith("#")), None)
        size = _RESOLUTION.search(line)
        bandwidth = _BANDWIDTH.search(line)
        width, height = (int(size[1]), int(size[2])) if size else (0, 0)
        rank = (width * height, int(bandwidth[1]) if bandwidth else 0, width, height)
        if best is None or rank[:2] > best[:2]:
            best = rank
            try:
                best_uri = parse_media_path(uri) if uri else None
            except MediaPathError:
                best_uri = None
    if best is None or best[0] == 0:
        return None, None, best_uri
    return best[2], best[3], best_uri


def primary_name(width: int | None, height: int | None) -> str:
    if not width or not height:
        return "main"
    if height > width:
        return "portrait"
    return "landscape" if width > height else "square"


class StreamFormats:
    """Which formats each room's current broadcast is offered in (see the module's notes)."""

    def __init__(self, media: MediaStore) -> None:
        self._media = media
        self._lock = threading.Lock()
        self._listings: dict[str, tuple[_Stat, tuple[str, ...]]] = {}
        self._parsed: dict[tuple[str, str], _Multivariant] = {}
        self._ended: dict[tuple[str, PurePosixPath], tuple[_Stat, bool]] = {}

    def formats(self, room: str, *, live: bool) -> list[Format]:
        """The room's formats, primary first; empty when it has no ``master.m3u8``."""
        folder = self._media.root / room
        primary_stat = _stat(folder / PRIMARY_MULTIVARIANT)
        if primary_stat is None:
            return []
        first = self._multivariant(room, PRIMARY_MULTIVARIANT, primary_stat)
        found = [Format(primary_name(first.width, first.height), PRIMARY_MULTIVARIANT, first.width, first.height)]
        for file in self._listing(room, folder):
            name = _SECOND.fullmatch(file)
            if name is None:
                continue
            st = _stat(folder / file)
            if st is None:
                continue
            second = self._multivariant(room, file, st)
            if second.media is None:
                continue
            media_stat = _stat(folder.joinpath(*second.media.parts))
            if media_stat is None or media_stat.st_mtime_ns < primary_stat.st_mtime_ns:
                continue  # left over from an earlier show (or not streaming yet)
            if live and self._has_ended(room, second.media, media_stat):
                continue
            found.append(Format(name[1], file, second.width, second.height))
        return found

    def forget(self, room: str) -> None:
        with self._lock:
            self._listings.pop(room, None)
            for key in [k for k in self._parsed if k[0] == room]:
                del self._parsed[key]
            for media in [k for k in self._ended if k[0] == room]:
                del self._ended[media]

    def _listing(self, room: str, folder: Path) -> tuple[str, ...]:
        """The room folder's multivariant playlists (its other entries are stream-id folders)."""
        st = _stat(folder)
        if st is None:
            return ()
        with self._lock:
            cached = self._listings.get(room)
        if cached is not None and cached[0] == _key(st) and _settled(st):
            return cached[1]
        try:
            with os.scandir(folder) as entries:
                names = tuple(sorted(e.name for e in entries if _SECOND.fullmatch(e.name)))
        except (FileNotFoundError, NotADirectoryError):
            names = ()
        with self._lock:
            self._listings[room] = (_key(st), names)
            for key in [k for k in self._parsed if k[0] == room and k[1] != PRIMARY_MULTIVARIANT and k[1] not in names]:
                del self._parsed[key]
        return names

    def _multivariant(self, room: str, file: str, st: os.stat_result) -> _Multivariant:
        with self._lock:
            cached = self._parsed.get((room, file))
        if cached is not None and cached.stat == _key(st):
            return cached
        data = self._media.read(room, PurePosixPath(file)) or b""
        width, height, media = top_variant(data.decode("utf-8", "replace"))
        parsed = _Multivariant(_key(st), width, height, media)
        with self._lock:
            self._parsed[(room, file)] = parsed
        return parsed

    def _has_ended(self, room: str, media: PurePosixPath, st: os.stat_result) -> bool:
        with self._lock:
            cached = self._ended.get((room, media))
        if cached is not None and cached[0] == _key(st):
            return cached[1]
        data = self._media.read(room, media) or b""
        ended = b"#EXT-X-ENDLIST" in data
        with self._lock:
            self._ended[(room, media)] = (_key(st), ended)
        return ended
