"""Writes the stream to a local folder, each file atomically (a reader never sees half a file)."""

from __future__ import annotations

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
        root.mkdir(parents=True, exist_ok=True)

    def publish(self, item: PublishedFile) -> None:
        target = self.root.joinpath(*safe_relative(item.path).parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{threading.get_ident()}.tmp")
            tmp.write_bytes(item.data)
            tmp.replace(target)
        except OSError as exc:
            # One failing output must not stop the others: record it, report it, carry on.
            with self._lock:
                self._error = f"cannot write {target}: {exc.strerror or exc}"
                self._dropped += 1
            return
        with self._lock:
            self._files += 1
            self._bytes += len(item.data)

    def stats(self) -> OutputStats:
        with self._lock:
            return OutputStats(
                self.name,
                "failed" if self._error else "ok",
                sent_files=self._files,
                sent_bytes=self._bytes,
                dropped_files=self._dropped,
                last_error=self._error,
            )

    def close(self, timeout: float) -> OutputReport:
        with self._lock:
            ok = self._error is None
            message = f"{self._files} files in {self.root}" if ok else str(self._error)
            return OutputReport(self.name, ok, self._dropped, message)
