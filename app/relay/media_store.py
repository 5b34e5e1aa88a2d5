"""The relay's media on disk: every file a broadcaster PUTs, under ``<data>/media/<room>/``.

Nothing is deleted when it leaves a live playlist: the relay keeps the whole broadcast (a recording
and the material for replays). Names are validated before any file system call, and files are
written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MEDIA_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".mp4": "video/mp4",
    ".m4s": "video/iso.segment",
    ".m4v": "video/mp4",
    ".m4a": "audio/mp4",
    ".ts": "video/mp2t",
    ".aac": "audio/aac",
    ".vtt": "text/vtt",
}
_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
MAX_DEPTH = 4
LIVE_TIMEOUT = 15.0
"""Seconds without ingest after which a stream counts as offline (a studio that crashed)."""


class MediaPathError(ValueError):
    pass


def parse_media_path(path: str) -> PurePosixPath:
    """Validate a file name below a room; raise :class:`MediaPathError` saying what is wrong."""
    if not path:
        raise MediaPathError("a file name is required")
    if len(path) > 512:
        raise MediaPathError("the file name is longer than 512 characters")
    if path.startswith("/") or "\\" in path:
        raise MediaPathError("the file name must be relative and use '/' as separator")
    parts = path.split("/")
    if len(parts) > MAX_DEPTH:
        raise MediaPathError(f"the file name is nested deeper than {MAX_DEPTH} levels")
    for part in parts:
        if part in ("", ".", "..") or ".." in part:
            raise MediaPathError("the file name may not contain empty, '.' or '..' segments")
        if not _PART.fullmatch(part):
            raise MediaPathError(f"{part!r}: each segment of the name may hold only letters, digits, '.', '-' and '_'")
    rel = PurePosixPath(path)
    if rel.suffix not in MEDIA_TYPES:
        raise MediaPathError(f"{rel.suffix or 'no extension'}: accepted file types are {', '.join(MEDIA_TYPES)}")
    return rel


def media_type(rel: PurePosixPath) -> str:
    return MEDIA_TYPES[rel.suffix]


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _file(self, room: str, rel: PurePosixPath) -> Path:
        return self.root.joinpath(room, *rel.parts)

    def write(self, room: str, rel: PurePosixPath, data: bytes) -> bool:
        """Store ``data``; return True if the file is new."""
        target = self._file(room, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        created = not target.exists()
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            tmp.write_bytes(data)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return created

    def read(self, room: str, rel: PurePosixPath) -> bytes | None:
        try:
            return self._file(room, rel).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def exists(self, room: str, rel: PurePosixPath) -> bool:
        return self._file(room, rel).is_file()

    def delete(self, room: str, rel: PurePosixPath) -> bool:
        try:
            self._file(room, rel).unlink()
            return True
        except FileNotFoundError:
            return False


@dataclass(slots=True)
class _StreamState:
    last_ingest: float = 0.0
    ended: bool = False


class LiveStates:
    """Whether each room is live, from what its broadcaster sends.

    A room is live when its multivariant playlist exists, its playlists do not carry
    ``EXT-X-ENDLIST``, and something arrived in the last :data:`LIVE_TIMEOUT` seconds.
    """

    def __init__(self) -> None:
        self._states: dict[str, _StreamState] = {}
        self._lock = threading.Lock()

    def note_ingest(self, room: str, rel: PurePosixPath, data: bytes) -> None:
        with self._lock:
            state = self._states.setdefault(room, _StreamState())
            state.last_ingest = time.monotonic()
            if rel.as_posix() == "master.m3u8":
                state.ended = False
            elif rel.suffix == ".m3u8" and b"#EXT-X-ENDLIST" in data:
                state.ended = True

    def state(self, room: str, has_multivariant: bool) -> str:
        with self._lock:
            state = self._states.get(room)
            if state is None or not has_multivariant:
                return "offline"
            if state.ended:
                return "ended"
            return "live" if time.monotonic() - state.last_ingest <= LIVE_TIMEOUT else "offline"

    def forget(self, room: str) -> None:
        with self._lock:
            self._states.pop(room, None)
