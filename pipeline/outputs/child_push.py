"""A destination served by a process of its own that reads the stream as fragmented MP4 on stdin (RTMP, WHIP).

The parent side is an ordinary output: it takes the packager's init segments and media segments (or
LL-HLS parts, for a low-latency destination) of two renditions, joins them into one fragmented-MP4
byte stream (as the recording does) and writes it to the child process, which remuxes or
repacketises it without re-encoding. A process per destination because a network call inside
libavformat or a WebRTC stack can block for seconds or hold the GIL, and because a destination that
hangs or crashes must not disturb the encoders, the relay push or the other destinations: here it
only ends its own child. The parent then restarts it with backoff (a reconnect countdown in its
stats); the new child starts again with the init segment and the next fragment that begins a
segment, so it always starts on a keyframe. While a child is away, fragments queue up to
``max_queue_seconds`` and the oldest go first; a real-time destination (``live_edge``: WHIP, whose
child sends at the media pace and so would stay as far behind as the backlog) starts again at the
newest keyframe instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.cmaf_packager import FileKind, PublishedFile
from pipeline.fmp4 import Fmp4Error
from pipeline.outputs.base import OutputReport, OutputStats
from pipeline.outputs.http_push import RetryPolicy
from pipeline.outputs.joined import TrackJoiner

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Item:
    data: bytes
    keyframe: bool
    """Where a child may start: a fragment that begins a segment (segments begin with an IDR)."""


class ChildPushOutput:
    """One destination served by a pusher process of its own (see the module docstring)."""

    def __init__(
        self,
        url: str,
        shown: str,
        command: Sequence[str],
        video: str,
        audio: str | None,
        *,
        name: str,
        parts: bool = False,
        live_edge: bool = False,
        env: Mapping[str, str] | None = None,
        secrets: Sequence[str] = (),
        retry: RetryPolicy | None = None,
        max_queue_seconds: int = 30,
    ) -> None:
        self.url = url
        self.shown = shown
        """The URL as logs and the UI may show it (no stream key or token)."""
        self._secrets = tuple(s for s in secrets if s)
        """Stream keys and tokens: whatever the child says is cleared of them before it is logged or shown."""
        self.name = name
        self._command = list(command)
        self._env = None if env is None else {**os.environ, **env}
        self._live_edge = live_edge
        self._joiner = TrackJoiner([video] + ([audio] if audio else []), parts=parts)
        self._retry = retry or RetryPolicy(initial=1.0, maximum=10.0)
        self._max_items = max_queue_seconds * len(self._joiner.renditions) * (4 if parts else 1)
        self._cond = threading.Condition()
        self._init: bytes | None = None
        self._queue: deque[_Item] = deque()
        self._state = "connecting"
        self._closing = False
        self._sent_files = 0
        self._sent_bytes = 0
        self._dropped = 0
        self._restarts = 0
        self._last_error: str | None = None
        self._retry_at: float | None = None
        self._child: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._run, name=f"shopcast-push-{shown}", daemon=True)
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
                self._queue.append(_Item(data, self._starts_stream(item)))
                while len(self._queue) > self._max_items:
                    self._queue.popleft()
                    self._dropped += 1
            self._cond.notify_all()

    def _starts_stream(self, item: PublishedFile) -> bool:
        """Every segment starts on a keyframe; of a segment's parts (``seg_NNNNNN.K.m4s``) only the
        video's part 0 does (the sound's parts are dropped until the picture starts)."""
        if item.kind is FileKind.SEGMENT:
            return True
        return item.path.split("/")[-2] == self._joiner.renditions[0] and item.path.endswith(".0.m4s")

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
        child = subprocess.Popen(
            self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self._env
        )
        stderr_tail: deque[str] = deque(maxlen=5)
        reader = threading.Thread(target=_drain, args=(child, stderr_tail), daemon=True)
        reader.start()
        watcher = threading.Thread(target=self._watch_connected, args=(child,), daemon=True)
        watcher.start()
        with self._cond:
            self._child = child
            self._state = "connecting"
        assert child.stdin is not None
        with self._cond:  # a new child starts on a keyframe: the first queued one or, at the live edge, the newest
            starts = [i for i, item in enumerate(self._queue) if item.keyframe]
            skip = len(self._queue) if not starts else starts[-1] if self._live_edge else starts[0]
            for _ in range(skip):
                self._queue.popleft()
            self._dropped += skip
            waiting = not starts  # and what arrives before the next keyframe is dropped too
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
                    head = self._queue[0]
                    if waiting and not head.keyframe:
                        self._queue.popleft()
                        self._dropped += self._restarts > 0  # at the very start nothing was lost yet
                        continue
                    waiting = False
                    data = head.data
                child.stdin.write(data)  # blocks only this thread if the destination is slow
                child.stdin.flush()
                with self._cond:
                    if self._queue and self._queue[0] is head:
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
        reason = " ".join(stderr_tail).strip() or f"the pusher exited with code {child.returncode}"
        return self.redacted(reason)

    def redacted(self, text: str) -> str:
        """``text`` without the URL's secrets: the URL as shown, any stream key or token as "…"."""
        text = text.replace(self.url, self.shown)
        for secret in self._secrets:
            text = text.replace(secret, "…")
        return text

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
                queued_bytes=sum(len(i.data) for i in self._queue),
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
                message = f"{self._sent_files} fragments pushed to {self.shown}"
            else:
                message = f"{unsent} fragments not pushed, {self._dropped} dropped: {self._last_error or 'closed'}"
            return OutputReport(self.name, complete, unsent + self._dropped, message)


def _drain(child: subprocess.Popen[bytes], tail: deque[str]) -> None:
    assert child.stderr is not None
    for raw in child.stderr:
        line = raw.decode("utf-8", "replace").strip()
        if line:
            tail.append(line)
