"""Records one video rendition and the audio into a single fragmented MP4 that survives a crash.

The file is the combined init segment (``ftyp`` + ``moov`` with both tracks) followed by the
packager's media segments, appended as they are published, each with one ``write`` call. Nothing is
ever rewritten and no index is needed at the end, so if the process dies (even by SIGKILL) the file
holds every segment written so far and plays; at most the segment being made is lost (≤ 1 s). The
file is fsync'ed every ``sync_every`` segments and at close.

A write that fails (a full disk) stops the recording and nothing else: it says why in its stats
(state ``failed``, a full disk named as such), counts what it could not write as dropped, and the
broadcast's other outputs go on.

Video and audio segments arrive from different threads; they are appended in arrival order (each
fragment carries its own decode time, so players do not need them interleaved in time). Segments
that arrive before both init segments are held back, then written.
"""

from __future__ import annotations

import errno
import logging
import os
import threading
from pathlib import Path

from pipeline.cmaf_packager import FileKind, PublishedFile
from pipeline.fmp4 import Fmp4Error
from pipeline.outputs.base import OutputReport, OutputStats
from pipeline.outputs.joined import TrackJoiner

log = logging.getLogger(__name__)


class RecordingOutput:
    """Append ``<video>`` and ``<audio>`` renditions' segments to ``path`` (a new file)."""

    def __init__(
        self, path: Path, video: str, audio: str | None, *, name: str = "recording", sync_every: int = 5
    ) -> None:
        self.path = path
        self.name = name
        self._joiner = TrackJoiner([video] + ([audio] if audio else []))
        self._sync_every = max(1, sync_every)
        self._lock = threading.Lock()
        self._held: list[bytes] = []
        self._fd: int | None = None
        self._segments = 0
        self._bytes = 0
        self._dropped = 0
        self._error: str | None = None
        self._closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            raise FileExistsError(f"{path} exists; a recording never overwrites a file")

    def publish(self, item: PublishedFile) -> None:
        with self._lock:
            if self._closed or self._error is not None:
                self._dropped += self._joiner.carries(item) and item.kind is FileKind.SEGMENT
                return
            try:
                taken = self._joiner.take(item)
                if taken is None:
                    return
                kind, data = taken
                if kind == "init":
                    if self._fd is None:
                        self._open(data)
                elif self._fd is None:
                    self._held.append(data)
                else:
                    self._append(data)
            except (OSError, Fmp4Error) as exc:
                self._error = f"recording to {self.path} failed: {_why(exc)}"
                self._dropped += 1
                log.error("%s", self._error)

    def _open(self, init: bytes) -> None:
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        self._write(init)
        os.fsync(self._fd)
        held, self._held = self._held, []
        for data in held:
            self._append(data)

    def _write(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        while view:  # one call in practice; a short write (a full disk) continues or raises
            written = os.write(self._fd, view)
            view = view[written:]

    def _append(self, data: bytes) -> None:
        self._write(data)
        self._segments += 1
        self._bytes += len(data)
        if self._segments % self._sync_every == 0:
            assert self._fd is not None
            os.fsync(self._fd)

    def stats(self) -> OutputStats:
        with self._lock:
            state = "failed" if self._error else ("closed" if self._closed else "ok")
            return OutputStats(
                self.name,
                state,
                queued_files=len(self._held),
                sent_files=self._segments,
                sent_bytes=self._bytes,
                dropped_files=self._dropped,
                last_error=self._error,
                medium="disk",
            )

    def close(self, timeout: float) -> OutputReport:
        with self._lock:
            self._closed = True
            if self._fd is not None:
                try:
                    os.fsync(self._fd)
                except OSError as exc:  # a full disk can refuse the last flush too: say so, end cleanly
                    self._error = self._error or f"recording to {self.path} failed: {_why(exc)}"
                finally:
                    os.close(self._fd)
                    self._fd = None
            unsent = len(self._held) + self._dropped
            if self._error is not None:
                return OutputReport(self.name, False, unsent, self._error)
            if self._segments == 0:
                return OutputReport(self.name, unsent == 0, unsent, f"nothing was recorded to {self.path}")
            message = f"{self._segments} segments ({self._bytes / 2**20:.1f} MiB) recorded to {self.path}"
            return OutputReport(self.name, unsent == 0, unsent, message)


def _why(exc: Exception) -> str:
    """Why a write failed, in words: a full disk is named as such (the OS says "No space left on device")."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full ({exc.strerror})"
    return str(getattr(exc, "strerror", None) or exc)
