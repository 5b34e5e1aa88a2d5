"""Pushes the stream to an HTTP origin by PUT (the DASH-IF live ingest pattern), never losing a segment
to a short outage.

Files queue in order; one worker thread sends them. A connection failure or a 5xx answer is retried
with exponential backoff, the file staying at the head of the queue, so order is kept and nothing is
skipped. While the origin is away, a newer playlist replaces an older one still waiting (only the
latest playlist matters) but every segment waits its turn; LL-HLS parts still waiting when their
complete segment is queued during an outage are skipped (the segment holds the same bytes). The queue is bounded in
bytes; if an outage outlasts it, parts and then the oldest segments are dropped and counted, so
memory stays bounded. A segment that had to go (dropped, or refused by the origin) is marked
``EXT-X-GAP`` (its parts ``GAP=YES``) in every media playlist sent after it, so players skip it
instead of asking for a file that will never be there; a part that had to go is ``GAP=YES`` until its
segment reaches the origin, which then serves the part from the segment (app/relay/ll_hls.py), as it
does the parts skipped after an outage.

A 401/403 means the stream key is wrong: retrying cannot help, so the output stops and says so. A
404 is retried for ``NOT_FOUND_GRACE_S`` first: a proxy restarted in front of the relay answers 404
until its upstream is back, and only a 404 that lasts says the room is really not there. A 502, 503
or 504 (a proxy whose upstream is down) is retried like a refused connection, for as long as it
lasts: the buffer bounds what waits. Other 4xx (409, 413, 422, ...) refuse that one file at once,
with the origin's message: it is dropped (and marked as a gap) and the stream goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from enum import Enum
from urllib.parse import quote

import httpx

from pipeline.cmaf_packager import FileKind, PublishedFile
from pipeline.hls_playlist import mark_gaps
from pipeline.outputs.base import OutputReport, OutputStats

log = logging.getLogger(__name__)

FATAL_STATUSES = frozenset({401, 403})
"""The stream key is wrong or not allowed: the output stops at once and says why."""
NOT_FOUND = 404
NOT_FOUND_GRACE_S = 60.0
"""Seconds a 404 is retried before the output gives up on it. A proxy (an ingress, a load balancer)
restarted in front of the relay answers 404 until its upstream is registered again, typically for
seconds; a room that does not exist answers 404 for good. A minute covers the first and still tells
the streamer about the second while the show is young (the buffer holds several minutes)."""
RETRY_STATUSES = frozenset({408, 425, 429})
"""4xx answers that mean "not now": retried for as long as they last, as every 5xx is."""


class _Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"
    REJECTED = "rejected"
    FATAL = "fatal"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    initial: float = 0.1
    maximum: float = 1.0
    """Cap on the wait between attempts: small, so the stream resumes soon after the origin returns."""
    factor: float = 2.0

    def delay(self, attempt: int) -> float:
        return min(self.maximum, self.initial * self.factor ** max(0, attempt - 1))


class HttpPushOutput:
    """PUT every file to ``{base_url}/{path}`` with ``Authorization: Bearer <key>`` (no such header
    without a key: a plain HTTP origin, e.g. a CDN's or nginx WebDAV's)."""

    def __init__(
        self,
        base_url: str,
        stream_key: str | None,
        *,
        name: str = "relay",
        retry: RetryPolicy | None = None,
        max_buffer_bytes: int = 256 * 1024 * 1024,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        refresh_s: float | None = None,
        not_found_grace: float = NOT_FOUND_GRACE_S,
    ) -> None:
        """``refresh_s``: send the stream's standing files (init segments, multivariant playlists) again
        this often, so an origin that lost them or a new one behind the same address (a load balancer
        that moved the stream to another server) can serve the stream from the next part on."""
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"push URL must start with http:// or https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/") + "/"
        self.name = name
        self._retry = retry or RetryPolicy()
        self._max_bytes = max_buffer_bytes
        self._client = httpx.Client(
            headers={"User-Agent": "ShopCast", **({"Authorization": f"Bearer {stream_key}"} if stream_key else {})},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            transport=transport,
        )
        self._queue: deque[PublishedFile] = deque()
        self._queued_bytes = 0
        self.skipped_parts = 0
        """Parts not sent because their complete segment was queued behind them."""
        self._cond = threading.Condition()
        self._closing = False
        self._abort = False
        self._state = "ok"
        self._sent_files = 0
        self._sent_bytes = 0
        self._retries = 0
        self._dropped = 0
        self._last_error: str | None = None
        self._retry_at: float | None = None
        self._last_status: int | None = None
        """The status of the origin's last answer when it refused (None after a success or no answer)."""
        self._not_found_grace = not_found_grace
        self._not_found_since: float | None = None
        """When the origin started answering 404 (None while it does not)."""
        self._gaps: dict[str, set[str]] = {}
        """Segments that will never reach the origin, by folder: their names, marked EXT-X-GAP in
        the media playlists of that folder sent from then on."""
        self._lost_parts: dict[str, set[str]] = {}
        """Parts that will never reach the origin and whose segment has not either, by folder: marked
        GAP=YES until their segment is sent (then the relay serves them from it) or given up."""
        self._refresh_s = refresh_s
        self._standing: dict[str, PublishedFile] = {}
        self._refresh_due = time.monotonic() + (refresh_s or 0.0)
        self.refreshed = 0
        """Standing files sent again (``refresh_s``)."""
        self._thread = threading.Thread(target=self._run, name=f"shopcast-push-{name}", daemon=True)
        self._thread.start()

    # --- producer side ---------------------------------------------------------------------------

    def publish(self, item: PublishedFile) -> None:
        with self._cond:
            if self._closing or self._state == "failed":
                self._dropped += 1
                return
            if item.kind in (FileKind.INIT, FileKind.MULTIVARIANT_PLAYLIST):
                self._standing[item.path] = item
            if item.kind.is_playlist:
                self._drop_queued(item.path)
            elif item.kind is FileKind.SEGMENT and self._state == "retrying":
                self._drop_stale_parts(item.path)
            self._queue.append(item)
            self._queued_bytes += len(item.data)
            self._trim()
            self._cond.notify()

    def _drop_queued(self, path: str) -> None:
        kept = deque(f for f in self._queue if f.path != path)
        self._queued_bytes -= sum(len(f.data) for f in self._queue if f.path == path)
        self._queue = kept

    def _drop_stale_parts(self, segment_path: str) -> None:
        """A segment is queued behind its own unsent parts while the origin is away: by the time
        they could go they would only repeat its bytes, late, so they go and the backlog clears
        twice as fast. (While the origin answers, every part is sent: players need each one.)"""
        prefix = segment_path.removesuffix(".m4s") + "."
        stale = [f for f in self._queue if f.kind is FileKind.PART and f.path.startswith(prefix)]
        if stale:
            self._queue = deque(f for f in self._queue if f not in stale)
            self._queued_bytes -= sum(len(f.data) for f in stale)
            self.skipped_parts += len(stale)

    def _trim(self) -> None:
        # Parts first, then media segments: without its init segment or playlists nothing is playable.
        while self._queued_bytes > self._max_bytes:
            victim = next((f for f in self._queue if f.kind is FileKind.PART), None) or next(
                (f for f in self._queue if f.kind is FileKind.SEGMENT), None
            )
            if victim is None:
                return
            self._queue.remove(victim)
            self._queued_bytes -= len(victim.data)
            self._dropped += 1
            self._note_gap(victim)
            self._last_error = f"push buffer full ({self._max_bytes // 2**20} MiB): dropped {victim.path}"
            log.error("%s: %s", self.name, self._last_error)

    def _note_gap(self, item: PublishedFile) -> None:
        """A file that will not reach the origin (holds the lock): a segment becomes a gap, a part is
        absent until its segment arrives (it holds the part's bytes, and the relay serves them)."""
        folder, _, name = item.path.rpartition("/")
        if item.kind is FileKind.SEGMENT:
            self._gaps.setdefault(folder, set()).add(name)
            self._settled(item)
        elif item.kind is FileKind.PART:
            self._lost_parts.setdefault(folder, set()).add(name)

    def _settled(self, segment: PublishedFile) -> None:
        """``segment`` was sent or given up (holds the lock): its lost parts no longer need a mark of their own."""
        folder, _, name = segment.path.rpartition("/")
        lost = self._lost_parts.get(folder)
        if lost:
            prefix = name.removesuffix(".m4s") + "."
            lost -= {part for part in lost if part.startswith(prefix)}

    # --- worker ----------------------------------------------------------------------------------

    def _run(self) -> None:
        attempt = 0
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    if self._refresh_s is None:
                        self._cond.wait()
                    elif not self._refresh_standing():
                        self._cond.wait(max(0.01, self._refresh_due - time.monotonic()))
                if self._abort or (self._closing and not self._queue):
                    return
                self._refresh_standing()
                item = self._queue[0]
            outcome, error = self._send(item)
            with self._cond:
                if outcome in (_Outcome.SENT, _Outcome.REJECTED):
                    if self._queue and self._queue[0] is item:
                        self._queue.popleft()
                        self._queued_bytes -= len(item.data)
                    if outcome is _Outcome.SENT:
                        self._sent_files += 1
                        self._sent_bytes += len(item.data)
                        if item.kind is FileKind.SEGMENT:
                            self._settled(item)
                    else:
                        # The origin refuses this file for good; keep the rest of the stream going.
                        self._dropped += 1
                        self._note_gap(item)
                        self._last_error = error
                        log.error("%s: rejected %s", self.name, error)
                    self._state, self._retry_at, attempt = "ok", None, 0
                    continue
                self._last_error = error
                if outcome is _Outcome.FATAL:
                    self._state = "failed"
                    log.error("%s: %s; pushing stopped", self.name, error)
                    return
                attempt += 1
                self._retries += 1
                self._state = "retrying"
                if attempt == 1:
                    log.warning("%s: %s; retrying", self.name, error)
                deadline = time.monotonic() + self._retry.delay(attempt)
                self._retry_at = deadline
                if not self._wait_until(deadline):
                    return

    def _refresh_standing(self) -> bool:
        """Queue the standing files again, first, if it is time (holds the lock); whether it did."""
        if self._refresh_s is None or time.monotonic() < self._refresh_due or self._state != "ok":
            return False
        self._refresh_due = time.monotonic() + self._refresh_s
        queued = {f.path for f in self._queue}
        again = [f for f in self._standing.values() if f.path not in queued]
        # init segments before the multivariant playlist that leads players to them
        again.sort(key=lambda f: f.kind is FileKind.MULTIVARIANT_PLAYLIST)
        for item in reversed(again):
            self._queue.appendleft(item)
            self._queued_bytes += len(item.data)
        self.refreshed += len(again)
        return bool(again)

    def _wait_until(self, deadline: float) -> bool:
        """Back off until ``deadline`` (new files do not cut it short); False if aborted. Holds the lock."""
        while not self._abort and (remaining := deadline - time.monotonic()) > 0:
            self._cond.wait(remaining)
        return not self._abort

    def _body(self, item: PublishedFile) -> bytes:
        """What to send: a media playlist with what this output could not deliver marked as gaps (in
        publication order every segment a playlist lists was sent or given up before it)."""
        if item.kind is not FileKind.MEDIA_PLAYLIST:
            return item.data
        folder = item.path.rpartition("/")[0]
        with self._cond:
            gaps = frozenset(self._gaps.get(folder, ()))
            lost = frozenset(self._lost_parts.get(folder, ()))
        if not gaps and not lost:
            return item.data
        return mark_gaps(item.data.decode("utf-8"), gaps, lost).encode("utf-8")

    def _send(self, item: PublishedFile) -> tuple[_Outcome, str | None]:
        url = self.base_url + quote(item.path)
        try:
            response = self._client.put(url, content=self._body(item), headers={"Content-Type": item.content_type})
        except httpx.HTTPError as exc:
            self._last_status = None
            return _Outcome.RETRY, f"cannot reach {self.base_url}: {type(exc).__name__}: {exc}"
        status = response.status_code
        self._last_status = None if 200 <= status < 300 else status
        if status != NOT_FOUND:
            self._not_found_since = None
        if 200 <= status < 300:
            return _Outcome.SENT, None
        message = f"{item.path}: HTTP {status} {_detail(response)}".strip()
        if status in FATAL_STATUSES:
            return _Outcome.FATAL, message
        if status == NOT_FOUND:
            now = time.monotonic()
            if self._not_found_since is None:
                self._not_found_since = now
            since = self._not_found_since
            if now - since >= self._not_found_grace:
                return _Outcome.FATAL, f"{message} (still after {now - since:.0f} s)"
            return _Outcome.RETRY, message
        if status >= 500 or status in RETRY_STATUSES:
            return _Outcome.RETRY, message
        return _Outcome.REJECTED, message

    # --- reporting and shutdown ------------------------------------------------------------------

    def stats(self) -> OutputStats:
        with self._cond:
            retry_in = max(0.0, self._retry_at - time.monotonic()) if self._retry_at is not None else None
            return OutputStats(
                name=self.name,
                state="closed" if self._closing and not self._thread.is_alive() else self._state,
                queued_files=len(self._queue),
                queued_bytes=self._queued_bytes,
                sent_files=self._sent_files,
                sent_bytes=self._sent_bytes,
                retries=self._retries,
                dropped_files=self._dropped,
                last_error=self._last_error,
                retry_in=retry_in,
                last_status=self._last_status if self._state == "retrying" else None,
            )

    def close(self, timeout: float) -> OutputReport:
        """Send what is queued, waiting at most ``timeout`` seconds, then stop.

        A request in flight when the time is up is allowed to finish or time out (at most the
        client timeout), so the worker has always ended when this returns.
        """
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(timeout)
        with self._cond:
            self._abort = True
            self._cond.notify_all()
        self._thread.join()
        self._client.close()
        with self._cond:
            unsent = len(self._queue)
        with self._cond:
            dropped = self._dropped
            state = self._state
            error = self._last_error
        complete = unsent == 0 and dropped == 0 and state != "failed"
        if complete:
            message = f"all {self._sent_files} files delivered"
        else:
            message = f"{unsent} files not delivered, {dropped} dropped" + (f" (last error: {error})" if error else "")
        return OutputReport(self.name, complete, unsent + dropped, message)


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("message") or body.get("detail") or body)[:200]
    return str(body)[:200]
