"""The relay's media on disk: every file a broadcaster PUTs, under ``<data>/media/<room>/``.

Nothing is deleted when it leaves a live playlist: the relay keeps the whole broadcast (a recording
and the material for replays). Names are validated before any file system call, and files are
written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
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
MULTIVARIANT = PurePosixPath("master.m3u8")


class MediaPathError(ValueError):
    pass


class MediaConflictError(Exception):
    """A name collides with what is stored (a file where a folder is needed, or the reverse)."""


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable only by its owner from the moment it exists (it holds secrets)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a file that was there before keeps its mode through O_CREAT: not this one
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


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
        """Store ``data``; return True if the file is new (the same bytes again leave it untouched,
        its modification time too: a stream's start is its multivariant playlist's). Raises
        :class:`MediaConflictError` when the name collides with a stored file or folder,
        :class:`OSError` when the disk fails."""
        target = self._file(room, rel)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                raise MediaConflictError(f"{rel} is a folder of this room's stream, not a file")
            created = not target.exists()
            if not created and target.stat().st_size == len(data) and target.read_bytes() == data:
                return False  # the same file again (a retry, the pusher's refresh): its time stays
            tmp.write_bytes(data)
            tmp.replace(target)
        except (FileExistsError, NotADirectoryError):
            raise MediaConflictError(f"{rel} cannot be stored: part of its path is a file") from None
        finally:
            with contextlib.suppress(OSError):
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
        target = self._file(room, rel)
        if target.is_dir():
            raise MediaConflictError(f"{rel} is a folder; only files can be deleted")
        try:
            target.unlink()
            return True
        except (FileNotFoundError, NotADirectoryError):
            return False

    def mtime(self, room: str, rel: PurePosixPath) -> float | None:
        try:
            return self._file(room, rel).stat().st_mtime
        except (FileNotFoundError, NotADirectoryError):
            return None


@dataclass(slots=True)
class _StreamState:
    last_ingest: float
    ended: bool = False
    started_at: float | None = None
    """Wall time the current stream's multivariant playlist arrived."""
    folders: frozenset[str] | None = None
    """The stream-id folders ``master.m3u8`` points into (None: not read yet)."""


_URI_ATTRIBUTE = re.compile(r'URI="([^"]*)"')


def stream_folders(multivariant: bytes) -> frozenset[str]:
    """The top folders a multivariant playlist's renditions live in (its broadcast's stream id)."""
    folders: set[str] = set()
    for raw in multivariant.decode("utf-8", "replace").splitlines():
        line = raw.strip()
        uris = _URI_ATTRIBUTE.findall(line) if line.startswith("#") else [line] if line else []
        folders.update(uri.split("/", 1)[0] for uri in uris if "/" in uri)
    return frozenset(folders)


def stream_ended_on_disk(media: MediaStore, room: str) -> bool:
    """Whether the room's last stream finished (its first media playlist carries ``EXT-X-ENDLIST``)."""
    master = media.read(room, MULTIVARIANT)
    if master is None:
        return False
    for line in master.decode("utf-8", "replace").splitlines():
        uri = line.strip()
        if uri and not uri.startswith("#"):
            try:
                playlist = media.read(room, parse_media_path(uri))
            except MediaPathError:
                return False
            return playlist is not None and b"#EXT-X-ENDLIST" in playlist
    return False


class LiveStates:
    """Whether each room is live, from what its broadcaster sends.

    A room is live when its multivariant playlist exists, its playlists do not carry
    ``EXT-X-ENDLIST``, and something arrived in the last ``timeout`` seconds. After a relay restart
    a room's state is read back from its stored playlists (``ended`` survives; ``live`` needs ingest).
    """

    def __init__(self, media: MediaStore, timeout: float = LIVE_TIMEOUT) -> None:
        self._media = media
        self._timeout = timeout
        self._states: dict[str, _StreamState] = {}
        self._lock = threading.Lock()

    def note_ingest(self, room: str, rel: PurePosixPath, data: bytes) -> str | None:
        """Record a file received; return ``"started"`` or ``"ended"`` when the stream did that.

        Only the primary canvas's playlists (those ``master.m3u8`` points to) end the room's stream:
        in a dual-format show the second canvas (``master-<name>.m3u8``) may stop first."""
        with self._lock:
            state = self._states.setdefault(room, _StreamState(time.monotonic()))
            state.last_ingest = time.monotonic()
            if rel == MULTIVARIANT:
                pointed = stream_folders(data)
                if state.started_at is not None and not state.ended and pointed == state.folders:
                    return None  # the same stream's multivariant playlist again (the pusher refreshes it)
                state.ended = False
                state.started_at = time.time()
                state.folders = pointed
                return "started"
            if rel.suffix != ".m3u8" or b"#EXT-X-ENDLIST" not in data or state.ended:
                return None
            folders = state.folders
        if folders is None:  # e.g. after a relay restart: ask the stored master.m3u8 (once)
            master = self._media.read(room, MULTIVARIANT)
            folders = stream_folders(master) if master is not None else frozenset()
        with self._lock:
            state.folders = folders
            if state.ended or (folders and rel.parts[0] not in folders):
                return None  # ended meanwhile, or a second canvas's playlist
            state.ended = True
            return "ended"

    def live_starts(self) -> dict[str, float]:
        """When each room live on this relay started its stream (Unix time)."""
        with self._lock:
            rooms = list(self._states)
        starts: dict[str, float] = {}
        for room in rooms:
            if self.state(room) == "live":
                started = self.stream_started_at(room)  # what this relay's room info says
                if started is not None:
                    starts[room] = started
        return starts

    def stream_time(self, room: str) -> float | None:
        """Seconds into the current stream, or None when the room is not live."""
        if self.state(room) != "live":
            return None
        with self._lock:
            state = self._states.get(room)
            started = state.started_at if state else None
        if started is None:
            started = self.stream_started_at(room)
        return None if started is None else max(0.0, time.time() - started)

    def state(self, room: str) -> str:
        if not self._media.exists(room, MULTIVARIANT):
            return "offline"
        with self._lock:
            state = self._states.get(room)
        if state is None:
            ended = stream_ended_on_disk(self._media, room)
            with self._lock:
                state = self._states.setdefault(room, _StreamState(last_ingest=-self._timeout, ended=ended))
        if state.ended:
            return "ended"
        return "live" if time.monotonic() - state.last_ingest <= self._timeout else "offline"

    def stream_started_at(self, room: str) -> float | None:
        """When the room's current stream began (its multivariant playlist was written)."""
        return self._media.mtime(room, MULTIVARIANT)

    def forget(self, room: str) -> None:
        with self._lock:
            self._states.pop(room, None)
