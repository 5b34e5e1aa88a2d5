"""LL-HLS on the relay: blocking playlist reload and blocking part requests (RFC 8216bis section 6.2.5.2).

A player asks ``index.m3u8?_HLS_msn=M&_HLS_part=P`` for the playlist that holds part P of segment M
(or segment M complete, without ``_HLS_part``); the relay holds the request until the broadcaster
has pushed such a playlist, and answers 503 if that has not happened within three target durations.
A request for a part or segment that does not exist yet (the playlist's ``EXT-X-PRELOAD-HINT``) is
held the same way until the file arrives. Parts are deleted PART_RETENTION seconds after their
segment is complete (:meth:`LowLatencyWatch.expired_parts`, swept by the relay's timer). Everything
here runs on the event loop; ingest calls :meth:`LowLatencyWatch.stored` after each file is on disk.

A part the broadcaster never sent (its push skips the parts of segments completed during an outage,
or dropped them when its buffer was full) is cut from its segment, which holds the same fragments
(:func:`fragment`): the playlists sent after an outage still list those parts, and a player asking
for one gets it rather than a 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from app.relay.errors import ApiError

_SEQUENCE = re.compile(rb"#EXT-X-MEDIA-SEQUENCE:(\d+)")
_TARGET = re.compile(rb"#EXT-X-TARGETDURATION:(\d+)")
FILE_WAIT = 3.0
"""Seconds a request for a file that is not there yet is held (a preload hint's part)."""
PART_RETENTION = 60.0
"""Seconds the parts of a complete segment are kept. Playlists list parts for the last three
segments only, and the segment holds the same bytes, so after this they are only disk space (as
much again as the segments: a 3-hour show would keep ~6 GB of copies)."""
_PART = re.compile(r"(seg_\d{6})\.(\d+)\.m4s")
_SEGMENT = re.compile(r"seg_\d{6}\.m4s")


def part_of(rel: PurePosixPath) -> tuple[PurePosixPath, int] | None:
    """A part's segment and its index in it (``seg_000012.2.m4s`` → ``seg_000012.m4s``, 2); None for
    any other file."""
    match = _PART.fullmatch(rel.name)
    if match is None:
        return None
    return rel.with_name(f"{match.group(1)}.m4s"), int(match.group(2))


def fragment(segment: bytes, index: int) -> bytes | None:
    """The ``index``-th fragment of a CMAF segment: its ``index``-th ``moof`` box and what follows up to
    the next ``moof`` (an LL-HLS part is one fragment, and a segment is its parts one after the other).
    None when the segment has no such fragment or its boxes do not add up."""
    starts: list[int] = []
    at = 0
    while at + 8 <= len(segment):
        size = int.from_bytes(segment[at : at + 4], "big")
        kind = segment[at + 4 : at + 8]
        if size == 1 and at + 16 <= len(segment):
            size = int.from_bytes(segment[at + 8 : at + 16], "big")
        elif size == 0:
            size = len(segment) - at
        if size < 8 or at + size > len(segment):
            return None
        if kind == b"moof":
            starts.append(at)
        at += size
    if at != len(segment) or index >= len(starts):
        return None
    end = starts[index + 1] if index + 1 < len(starts) else len(segment)
    return segment[starts[index] : end]


@dataclass(frozen=True, slots=True)
class PlaylistPosition:
    """How far a media playlist has got: its last complete segment and the parts after it."""

    last_msn: int
    """Media sequence number of the last complete segment; -1 when none is complete."""
    open_parts: int
    """Parts of segment ``last_msn + 1`` listed after it."""
    ended: bool
    target: float

    def holds(self, msn: int, part: int | None) -> bool:
        if self.ended or msn <= self.last_msn:
            return True
        return part is not None and msn == self.last_msn + 1 and part < self.open_parts


def playlist_position(data: bytes) -> PlaylistPosition | None:
    """Read a media playlist's position; None for a multivariant playlist or an unreadable one."""
    sequence = _SEQUENCE.search(data)
    if sequence is None:
        return None
    target = _TARGET.search(data)
    segments = 0
    open_parts = 0
    for line in data.splitlines():
        if line.startswith(b"#EXTINF:"):
            segments += 1
            open_parts = 0
        elif line.startswith(b"#EXT-X-PART:"):
            open_parts += 1
        elif line and not line.startswith(b"#"):
            open_parts = 0  # the parts before a segment's URI belong to it
    return PlaylistPosition(
        last_msn=int(sequence.group(1)) + segments - 1,
        open_parts=open_parts,
        ended=b"#EXT-X-ENDLIST" in data,
        target=float(target.group(1)) if target else 1.0,
    )


def delivery_directives(query: dict[str, str]) -> tuple[int, int | None] | None:
    """``_HLS_msn`` and ``_HLS_part`` from a playlist request; None when it is not a blocking one."""
    msn_text = query.get("_HLS_msn")
    part_text = query.get("_HLS_part")
    if msn_text is None:
        if part_text is not None:
            raise ApiError(400, "bad_request", "_HLS_part needs _HLS_msn")
        return None
    if not msn_text.isdigit() or len(msn_text) > 12:
        raise ApiError(400, "bad_request", "_HLS_msn must be a whole number")
    if part_text is not None and (not part_text.isdigit() or len(part_text) > 6):
        raise ApiError(400, "bad_request", "_HLS_part must be a whole number")
    return int(msn_text), None if part_text is None else int(part_text)


class LowLatencyWatch:
    """Playlist positions and waiters, per room and file."""

    def __init__(self, retention: float = PART_RETENTION) -> None:
        self._positions: dict[tuple[str, PurePosixPath], PlaylistPosition] = {}
        self._waiters: dict[tuple[str, PurePosixPath], list[asyncio.Future[None]]] = {}
        self._retention = retention
        self._parts: dict[tuple[str, PurePosixPath], list[PurePosixPath]] = {}
        """Parts stored per (room, segment path) whose segment has not arrived yet."""
        self._expiring: deque[tuple[float, str, list[PurePosixPath]]] = deque()

    def stored(self, room: str, rel: PurePosixPath, data: bytes) -> None:
        """A file arrived: note a playlist's position and wake whoever waits for this file."""
        key = (room, rel)
        part = _PART.fullmatch(rel.name)
        if part is not None:
            self._parts.setdefault((room, rel.with_name(f"{part.group(1)}.m4s")), []).append(rel)
        elif _SEGMENT.fullmatch(rel.name):
            parts = self._parts.pop(key, None)
            if parts:
                self._expiring.append((time.monotonic() + self._retention, room, parts))
        if rel.suffix == ".m3u8":
            position = playlist_position(data)
            if position is not None:
                self._positions[key] = position
        for future in self._waiters.pop(key, ()):
            if not future.done():
                future.set_result(None)

    def expired_parts(self, now: float | None = None) -> list[tuple[str, PurePosixPath]]:
        """Parts whose segment has been complete for the retention time: the caller deletes them."""
        now = time.monotonic() if now is None else now
        out: list[tuple[str, PurePosixPath]] = []
        while self._expiring and self._expiring[0][0] <= now:
            _, room, parts = self._expiring.popleft()
            out += [(room, part) for part in parts]
        return out

    def position(self, room: str, rel: PurePosixPath) -> PlaylistPosition | None:
        return self._positions.get((room, rel))

    def forget_room(self, room: str) -> None:
        """A deleted room: drop its playlist positions and the parts waiting for their segment."""
        for key in [k for k in self._positions if k[0] == room]:
            del self._positions[key]
        for key in [k for k in self._parts if k[0] == room]:
            del self._parts[key]

    def _register(self, room: str, rel: PurePosixPath) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault((room, rel), []).append(future)
        return future

    def _unregister(self, room: str, rel: PurePosixPath, future: asyncio.Future[None]) -> None:
        waiters = self._waiters.get((room, rel))
        if waiters is not None:
            with contextlib.suppress(ValueError):
                waiters.remove(future)
            if not waiters:
                del self._waiters[(room, rel)]

    async def wait_for_playlist(self, room: str, rel: PurePosixPath, msn: int, part: int | None) -> None:
        """Return once the stored playlist holds (msn, part); raise ApiError 400/503 otherwise."""
        loop = asyncio.get_running_loop()
        position = self.position(room, rel)
        target = position.target if position else 1.0
        deadline = loop.time() + 3 * target
        while True:
            position = self.position(room, rel)
            if position is not None:
                if position.holds(msn, part):
                    return
                if msn > position.last_msn + 2:
                    raise ApiError(
                        400,
                        "bad_request",
                        f"_HLS_msn={msn} is more than two segments past the playlist's last ({position.last_msn})",
                    )
            left = deadline - loop.time()
            if left <= 0:
                raise ApiError(
                    503, "not_yet", f"the playlist did not reach segment {msn} in time", {"Retry-After": "1"}
                )
            future = self._register(room, rel)  # positions change only on this loop: no lost wake-up
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(future, left)
            finally:
                self._unregister(room, rel, future)

    async def read_when_stored(
        self,
        room: str,
        rel: PurePosixPath,
        read: Callable[[], Awaitable[bytes | None]],
        timeout: float = FILE_WAIT,
        *,
        also: PurePosixPath | None = None,
    ) -> bytes | None:
        """``read()``, waiting up to ``timeout`` for the file (or ``also``, a part's segment, which
        holds it too) to be stored if it is not there yet."""
        keys = [rel] if also is None else [rel, also]
        # Registered before reading, so a file stored meanwhile still wakes us.
        futures = [self._register(room, key) for key in keys]
        try:
            data = await read()
            if data is None:
                await asyncio.wait(futures, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                data = await read()
            return data
        finally:
            for key, future in zip(keys, futures, strict=True):
                self._unregister(room, key, future)
