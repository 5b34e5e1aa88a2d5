"""Writes the stream to a local folder, each file atomically (a reader never sees half a file).

About 30 files a second while live (LL-HLS parts and the playlists that list them), so a write is
the few system calls it needs: a folder is made once, the file written through ``os`` to a temporary
name and renamed over the target.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path, PurePosixPath

from pipeline.cmaf_packager import PublishedFile
from pipeline.outputs.base import OutputReport, OutputStats


def safe_relative(path: str) -> PurePosixPath:
    rel = PurePosixPath(path)
    if rel.is_absolute() or not rel.parts or any(p in ("", ".", "..") for p in rel.parts):
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    return rel


class FolderOutput:
    def __init__(self, root: Path, name: str = "folder") -> None:
        self.root = root
        self.name = name
        self._lock = threading.Lock()
        self._files = 0
        self._bytes = 0
        self._dropped = 0
        self._error: str | None = None
        self._folders: set[Path] = set()
        """Folders made (or found) already: each once."""
        root.mkdir(parents=True, exist_ok=True)

    def publish(self, item: PublishedFile) -> None:
        rel = safe_relative(item.path)
        target = self.root.joinpath(*rel.parts)
        try:
            try:
                self._write(target, item.data)
            except FileNotFoundError:  # its folder was removed meanwhile: make it again
                self._folders.discard(target.parent)
                self._write(target, item.data)
        except OSError as exc:
            # One failing output must not stop the others: record it, report it, carry on.
            with self._lock:
                self._error = f"cannot write {target}: {exc.strerror or exc}"
                self._dropped += 1
            return
        with self._lock:
            self._files += 1
            self._bytes += len(item.data)

    def _write(self, target: Path, data: bytes) -> None:
        folder = target.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        tmp = folder / f".{target.name}.{threading.get_ident()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        tmp.replace(target)

    def stats(self) -> OutputStats:
        with self._lock:
            return OutputStats(
                self.name,
                "failed" if self._error else "ok",
                sent_files=self._files,
                sent_bytes=self._bytes,
                dropped_files=self._dropped,
                last_error=self._error,
                medium="disk",
            )

    def close(self, timeout: float) -> OutputReport:
        with self._lock:
            ok = self._error is None
            message = f"{self._files} files in {self.root}" if ok else str(self._error)
            return OutputReport(self.name, ok, self._dropped, message)
