"""Pushes the top rung and the sound to an RTMP ingest (a platform, nginx-rtmp, SRS), each destination
in a process of its own.

The parent side is an ordinary output: it takes the packager's init segments and media segments of
two renditions, joins them into one fragmented-MP4 byte stream (as the recording does) and writes it
to a child process (pipeline/outputs/rtmp_child.py), which remuxes it with PyAV (libavformat) into
FLV over RTMP without re-encoding. A process per destination because a network call inside
libavformat can block for seconds while holding the GIL, and because a destination that hangs or
crashes must not disturb the encoders, the relay push or the other destinations: here it only ends
its own child. The parent then restarts it with backoff (a reconnect countdown in its stats); the new
child starts again with the init segment and the next whole segment, so it always starts on a
keyframe. While a child is away, segments queue up to ``max_queue_seconds`` and the oldest go first.

Segments, not LL-HLS parts, are sent: every segment starts with a keyframe, which is what a restart
needs, and RTMP players are seconds behind anyway.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pipeline.cmaf_packager import PublishedFile
from pipeline.fmp4 import Fmp4Error
from pipeline.outputs.base import OutputReport, OutputStats
from pipeline.outputs.http_push import RetryPolicy
from pipeline.outputs.joined import TrackJoiner

log = logging.getLogger(__name__)

CHILD = Path(__file__).with_name("rtmp_child.py")
"""Run by path, so the child imports PyAV and nothing of ours."""


def redact(url: str) -> str:
    """The URL without its stream key (the last path segment) or credentials, for logs and the UI."""
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/…" if parts.path.count("/") >= 2 else parts.path
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, path, "", ""))


class RtmpOutput:
    """One RTMP destination."""

    def __init__(
        self,
        url: str,
        video: str,
        audio: str | None,
        *,
        name: str | None = None,
        retry: RetryPolicy | None = None,
        max_queue_seconds: int = 30,
        python: str = sys.executable,
    ) -> None:
        if not url.startswith(("rtmp://", "rtmps://")):
            raise ValueError(f"an RTMP destination must start with rtmp:// or rtmps://, got {redact(url)!r}")
        self.url = url
        self.name = name or f"rtmp {redact(url)}"
        self._joiner = TrackJoiner([video] + ([audio] if audio else []))
        self._retry = retry or RetryPolicy(initial=1.0, maximum=10.0)
        self._max_segments = max_queue_seconds * len(self._joiner.renditions)
        self._python = python
        self._cond = threading.Condition()
        self._init: bytes | None = None
        self._queue: deque[bytes] = deque()
        self._state = "connecting"
        self._closing = False
        self._sent_files = 0
        self._sent_bytes = 0
        self._dropped = 0
        self._restarts = 0
        self._last_error: str | None = None
        self._retry_at: float | None = None
        self._child: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._run, name=f"shopcast-rtmp-{redact(url)}", daemon=True)
        self._thread.start()

    # --- producer side (media threads) -----------------------------------------------------------

    def publish(self, item: PublishedFile) -> None:
        with self._cond:
            if self._closing:
                return
            try:
                taken = self._joiner.take(item)
            except Fmp4Error as exc:
                self._last_error = f"cannot repackage {item.path}: {exc}"
                self._dropped += 1
                return
            if taken is None:
                return
            kind, data = taken
            if kind == "init":
                self._init = data
            else:
                self._queue.append(data)
                while len(self._queue) > self._max_segments:
                    self._queue.popleft()
                    self._dropped += 1
            self._cond.notify_all()

    # --- worker ----------------------------------------------------------------------------------

    def _run(self) -> None:
        attempt = 0
        while True:
            with self._cond:
                while self._init is None and not self._closing:
                    self._cond.wait()
                init = self._init
            if init is None:
                return  # closed before the stream had both init segments
            started = time.monotonic()
            error = self._serve_child(init)
            if not self._backoff(error, attempt := 1 if time.monotonic() - started > 30 else attempt + 1):
                return

    def _backoff(self, error: str, attempt: int) -> bool:
        """Wait before the next child; False when the output is closing instead."""
        with self._cond:
            if self._closing:
                return False
            self._restarts += 1
            self._last_error = error
            self._state = "retrying"
            delay = self._retry.delay(attempt)
            self._retry_at = time.monotonic() + delay
            log.warning("%s: %s; reconnecting in %.0f s", self.name, error, delay)
            closing = self._cond.wait_for(lambda: self._closing, timeout=delay)
            self._retry_at = None
            return not closing

    def _serve_child(self, init: bytes) -> str:
        """Run one child until it fails or the output closes; return why it ended ("" when closed)."""
        command = [self._python, str(CHILD), self.url]
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stderr_tail: deque[str] = deque(maxlen=5)
        reader = threading.Thread(target=_drain, args=(child, stderr_tail), daemon=True)
        reader.start()
        watcher = threading.Thread(target=self._watch_connected, args=(child,), daemon=True)
        watcher.start()
        with self._cond:
            self._child = child
            self._state = "connecting"
        assert child.stdin is not None
        try:
            child.stdin.write(init)
            child.stdin.flush()
            while True:
                with self._cond:
                    while not self._queue and not self._closing and child.poll() is None:
                        self._cond.wait(0.5)
                    if child.poll() is not None:
                        break
                    if not self._queue and self._closing:
                        child.stdin.close()
                        child.wait(10)
                        return ""
                    data = self._queue[0]
                child.stdin.write(data)  # blocks only this thread if the destination is slow
                child.stdin.flush()
                with self._cond:
                    if self._queue and self._queue[0] is data:
                        self._queue.popleft()
                    self._sent_files += 1
                    self._sent_bytes += len(data)
        except (BrokenPipeError, OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                child.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(5)
            if child.poll() is None:
                child.kill()
                child.wait(5)
            reader.join(5)
            watcher.join(5)
            with self._cond:
                self._child = None
        reason = " ".join(stderr_tail).strip() or f"the RTMP pusher exited with code {child.returncode}"
        return redact_text(reason, self.url)

    def _watch_connected(self, child: subprocess.Popen[bytes]) -> None:
        """The child prints ``connected`` once the ingest accepted the stream."""
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip() == b"connected":
                with self._cond:
                    if self._child is child:
                        self._state = "ok"

    # --- reporting -------------------------------------------------------------------------------

    def stats(self) -> OutputStats:
        with self._cond:
            retry_in = None if self._retry_at is None else max(0.0, self._retry_at - time.monotonic())
            return OutputStats(
                self.name,
                "closed" if self._closing and self._child is None else self._state,
                queued_files=len(self._queue),
                queued_bytes=sum(len(d) for d in self._queue),
                sent_files=self._sent_files,
                sent_bytes=self._sent_bytes,
                retries=self._restarts,
                dropped_files=self._dropped,
                last_error=self._last_error,
                retry_in=retry_in,
            )

    def close(self, timeout: float) -> OutputReport:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)
        with self._cond:
            child = self._child
        if child is not None and child.poll() is None:  # still writing after the timeout: stop it
            child.kill()
        self._thread.join(5)
        with self._cond:
            unsent = len(self._queue)
            complete = unsent == 0 and self._dropped == 0
            if complete:
                message = f"{self._sent_files} segments pushed to {redact(self.url)}"
            else:
                message = f"{unsent} segments not pushed, {self._dropped} dropped: {self._last_error or 'closed'}"
            return OutputReport(self.name, complete, unsent + self._dropped, message)


def redact_text(text: str, url: str) -> str:
    return text.replace(url, redact(url))


def _drain(child: subprocess.Popen[bytes], tail: deque[str]) -> None:
    assert child.stderr is not None
    for raw in child.stderr:
        line = raw.decode("utf-8", "replace").strip()
        if line:
            tail.append(line)
