"""The realtime sample stream to the relay: the top rung's access units as the encoder makes them and
the program sound as Opus, over one authenticated WebSocket (wire format: realtime_wire.py).

LL-HLS parts are a third of a second; WebRTC viewers (the relay's WHEP endpoint) need each picture
as soon as it exists. This output is also a :class:`pipeline.broadcast.SampleTap`: the top rung's
encoder thread hands it every encoded sample, the program's audio thread every chunk of sound. Both
only append to a bounded queue and return; one worker thread encodes the sound to Opus (20 ms
frames, libopus through PyAV, once for every viewer), turns AVCC samples into Annex B with SPS/PPS
before each IDR, and sends.

Never in the encoders' way, and real time rather than complete:

- the queue holds at most ``max_lag`` seconds: when its oldest item is older (the link or the relay
  is slow), everything queued is dropped and video resumes at the next keyframe (counted as
  dropped; the sound resumes at once);
- while disconnected nothing queues; after a reconnect (backoff 0.5 s doubling to 10 s) the stream
  starts again at a keyframe;
- a send blocked longer than ``stall_timeout`` seconds cuts the connection (then it reconnects);
- 401/403 (wrong key, a relay without this endpoint) stop it, saying why; so does a 404 (no such
  room) that lasts ``NOT_FOUND_GRACE_S``, as for the HTTP push: until then it may be a proxy
  restarted in front of the relay, and it is retried.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import struct
import threading
import time
from collections import deque
from fractions import Fraction
from typing import Any

import av
import numpy as np
from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from pipeline.cmaf_packager import PublishedFile
from pipeline.fmp4 import VideoTrack
from pipeline.frames import EncodedSample, Samples
from pipeline.outputs.base import OutputReport, OutputStats
from pipeline.outputs.http_push import FATAL_STATUSES, NOT_FOUND, NOT_FOUND_GRACE_S, RetryPolicy
from pipeline.outputs.realtime_wire import AUDIO, AUDIO_CLOCK, VIDEO, Hello, pack

log = logging.getLogger(__name__)

OPUS_FRAME = 960
"""Samples in one Opus frame: 20 ms at 48 kHz."""


def annexb(sample: EncodedSample, track: VideoTrack) -> bytes:
    """An AVCC access unit (4-byte lengths) as Annex B, with the track's SPS and PPS before an IDR."""
    out = bytearray()
    if sample.keyframe:
        for nal in (*track.sps, *track.pps):
            out += b"\x00\x00\x00\x01" + nal
    data, at = sample.data, 0
    while at + 4 <= len(data):
        (size,) = struct.unpack_from(">I", data, at)
        at += 4
        out += b"\x00\x00\x00\x01" + data[at : at + size]
        at += size
    return bytes(out)


class OpusEncoder:
    """48 kHz sound in blocks of any length → 20 ms Opus packets with their pts (48 kHz).

    A block that does not follow the previous one (chunks were dropped) starts a new run: the
    samples left over from before are discarded rather than joined across the hole."""

    def __init__(self, channels: int, bitrate: int = 96_000) -> None:
        if channels not in (1, 2):
            raise ValueError(f"Opus takes mono or stereo sound, got {channels} channels")
        ctx = av.CodecContext.create("libopus", "w")
        ctx.sample_rate = AUDIO_CLOCK
        ctx.layout = "stereo" if channels == 2 else "mono"
        ctx.format = "flt"
        ctx.bit_rate = bitrate
        ctx.time_base = Fraction(1, AUDIO_CLOCK)
        ctx.options = {"frame_duration": "20"}
        ctx.open()
        self._ctx = ctx
        self.channels = channels
        self._pending = np.zeros((0, channels), np.float32)
        self._start: int | None = None
        """The position (in samples) of the first pending sample."""

    def encode(self, samples: Samples, position: int) -> list[tuple[int, bytes]]:
        if samples.ndim != 2 or samples.shape[1] != self.channels:
            raise ValueError(f"expected blocks of shape (n, {self.channels}), got {samples.shape}")
        if self._start is None or position != self._start + len(self._pending):
            self._pending = np.zeros((0, self.channels), np.float32)
            self._start = position
        self._pending = np.concatenate([self._pending, np.clip(samples, -1.0, 1.0).astype(np.float32)])
        out: list[tuple[int, bytes]] = []
        while len(self._pending) >= OPUS_FRAME:
            block, self._pending = self._pending[:OPUS_FRAME], self._pending[OPUS_FRAME:]
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(block).reshape(1, -1), format="flt", layout=self._ctx.layout.name
            )
            frame.sample_rate = AUDIO_CLOCK
            frame.pts = pts = self._start
            frame.time_base = Fraction(1, AUDIO_CLOCK)
            self._start += OPUS_FRAME
            # libopus answers each frame with its packet at once; the packet's own pts would be the
            # encoder's delay line's (312 samples earlier, and blind to a hole), so the frame's is used.
            out.extend((pts, bytes(p)) for p in self._ctx.encode(frame))
        return out


class RealtimePush:
    """An output (for the broadcast's lifecycle and stats) and a sample tap (for the media)."""

    def __init__(
        self,
        url: str,
        stream_key: str,
        stream_id: str,
        *,
        width: int,
        height: int,
        channels: int = 2,
        sample_rate: int = AUDIO_CLOCK,
        name: str = "realtime",
        max_lag: float = 0.5,
        max_items: int = 512,
        stall_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        audio_bitrate: int = 96_000,
        retry: RetryPolicy | None = None,
        not_found_grace: float = NOT_FOUND_GRACE_S,
    ) -> None:
        if not url.startswith(("ws://", "wss://")):
            raise ValueError(f"the realtime stream goes to a ws:// or wss:// URL, got {url!r}")
        if sample_rate != AUDIO_CLOCK:
            raise ValueError(f"the realtime stream's Opus sound needs 48 kHz program sound, not {sample_rate} Hz")
        if not 0.05 <= max_lag <= 10:
            raise ValueError("max_lag must be 0.05 to 10 seconds")
        self.url = url
        self.name = name
        self._key = stream_key
        self._hello = Hello(stream_id, width, height, channels)
        self._opus = OpusEncoder(channels, audio_bitrate)
        self._max_lag = max_lag
        self._max_items = max_items
        self._stall_timeout = stall_timeout
        self._connect_timeout = connect_timeout
        self._retry = retry or RetryPolicy(initial=0.5, maximum=10.0)
        self._not_found_grace = not_found_grace
        self._cond = threading.Condition()
        self._queue: deque[tuple[float, Any]] = deque()
        self._queued_bytes = 0
        self._need_key = True
        self._connected = False
        self._closing = False
        self._state = "ok"
        self._last_error: str | None = None
        self._retry_at: float | None = None
        self._conn: ClientConnection | None = None
        self._sending_since: float | None = None
        self.connections = 0
        """Times the link to the relay was (re)established."""
        self.sent_video = self.sent_audio = self.sent_bytes = 0
        self.dropped_video = self.dropped_audio = 0
        self._retries = 0
        self._thread = threading.Thread(target=self._run, name=f"shopcast-push-{name}", daemon=True)
        self._thread.start()

    # --- producer side (encoder and audio threads): append and return ----------------------------

    def publish(self, item: PublishedFile) -> None:
        """Files are not for this output: it takes samples as they are encoded (a SampleTap)."""

    def video_sample(self, track: VideoTrack, sample: EncodedSample) -> None:
        now = time.monotonic()
        with self._cond:
            if not self._accepting(now):
                self.dropped_video += 1
                self._need_key = True
                return
            if self._need_key and not sample.keyframe:
                self.dropped_video += 1
                return
            self._need_key = False
            self._queue.append((now, (track, sample)))
            self._queued_bytes += len(sample.data)
            self._cond.notify()

    def audio_chunk(self, samples: Samples, position: int, sample_rate: int) -> None:
        now = time.monotonic()
        with self._cond:
            if not self._accepting(now):
                self.dropped_audio += 1
                return
            self._queue.append((now, (np.array(samples, np.float32), position)))
            self._cond.notify()

    def _accepting(self, now: float) -> bool:
        """Whether an item may queue now; drops the backlog when the link has fallen behind. (Lock held.)"""
        if self._closing or not self._connected:
            return False
        if self._sending_since is not None and now - self._sending_since > self._stall_timeout:
            self._cut(f"a send to the relay was stuck for more than {self._stall_timeout:.0f} s")
            return False
        if self._queue and (now - self._queue[0][0] > self._max_lag or len(self._queue) >= self._max_items):
            self._drop_queue()
            self._need_key = True
        return True

    def _drop_queue(self) -> None:
        for _, item in self._queue:
            if isinstance(item[1], EncodedSample):
                self.dropped_video += 1
            else:
                self.dropped_audio += 1
        self._queue.clear()
        self._queued_bytes = 0

    def _cut(self, reason: str) -> None:
        """Break the connection from outside the worker (it then reconnects). (Lock held.)"""
        conn = self._conn
        self._connected = False
        self._last_error = reason
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.socket.shutdown(socket.SHUT_RDWR)

    # --- worker ----------------------------------------------------------------------------------

    def _run(self) -> None:
        attempt = 0
        not_found_since: float | None = None
        """When the relay started answering 404 (None while it does not)."""
        while True:
            with self._cond:
                if self._closing:
                    return
            error: str | None
            try:
                error = self._session()
            except InvalidStatus as exc:
                status = exc.response.status_code
                error = f"the relay refused the realtime stream: HTTP {status}{_said(bytes(exc.response.body))}"
                given_up = status in FATAL_STATUSES
                if status != NOT_FOUND:
                    not_found_since = None
                else:  # perhaps a proxy restarted in front of the relay: retried for a while
                    now = time.monotonic()
                    not_found_since = now if not_found_since is None else not_found_since
                    given_up = now - not_found_since >= self._not_found_grace
                    if given_up:
                        error = f"{error} (still after {now - not_found_since:.0f} s)"
                if given_up:
                    with self._cond:
                        self._state, self._last_error, self._retry_at = "failed", error, None
                    log.error("%s: %s", self.name, error)
                    return
            except (OSError, TimeoutError, WebSocketException) as exc:
                error = f"cannot reach the relay: {exc or type(exc).__name__}"
            if error is None:
                return
            with self._cond:
                if self._state == "ok":  # it was connected: start the backoff again
                    attempt = 0
                    not_found_since = None
            attempt += 1
            delay = self._retry.delay(attempt)
            log.info("%s: %s; reconnecting in %.1f s", self.name, error, delay)
            with self._cond:
                self._state, self._last_error = "retrying", error
                self._retry_at = time.monotonic() + delay
                self._retries += 1
                self._cond.wait_for(lambda: self._closing, timeout=delay)

    def _session(self) -> str | None:
        """One connection: the hello, then media until closing (None) or the link breaks (why)."""
        with connect(
            self.url,
            additional_headers={"Authorization": f"Bearer {self._key}"},
            user_agent_header="ShopCast",
            open_timeout=self._connect_timeout,
            close_timeout=1,
            compression=None,  # encoded media does not compress
            max_size=64 * 1024,  # the relay sends nothing but control frames
            ping_interval=5,
            ping_timeout=10,
        ) as conn:
            conn.send(self._hello.to_json())
            with self._cond:
                self._conn = conn
                self._connected = True
                self._need_key = True
                self._state, self._last_error, self._retry_at = "ok", None, None
                self.connections += 1
            return self._stream(conn)

    def _stream(self, conn: ClientConnection) -> str | None:
        """Send until closing (None) or the link breaks (the reason)."""
        try:
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._queue or self._closing or not self._connected)
                    if self._closing:
                        break
                    if not self._connected:
                        return self._last_error or "the link to the relay was cut"
                    _, item = self._queue.popleft()
                    if isinstance(item[1], EncodedSample):
                        self._queued_bytes -= len(item[1].data)
                for message, is_video in self._encode(item):
                    with self._cond:
                        self._sending_since = time.monotonic()
                    conn.send(message)
                    with self._cond:
                        self._sending_since = None
                        self.sent_bytes += len(message)
                        if is_video:
                            self.sent_video += 1
                        else:
                            self.sent_audio += 1
            conn.close(1000, "end of broadcast")
            return None
        except (OSError, WebSocketException) as exc:
            return f"the link to the relay broke: {exc or type(exc).__name__}"
        finally:
            conn.close()
            with self._cond:
                self._conn = None
                self._connected = False
                self._sending_since = None
                self._drop_queue()

    def _encode(self, item: Any) -> list[tuple[bytes, bool]]:
        first, second = item
        if isinstance(second, EncodedSample):
            return [(pack(VIDEO, second.pts, second.keyframe, annexb(second, first)), True)]
        try:
            packets = self._opus.encode(first, second)
        except (ValueError, av.FFmpegError):
            log.exception("%s: encoding the sound at sample %d failed", self.name, second)
            return []
        return [(pack(AUDIO, pts, True, data), False) for pts, data in packets]

    # --- output contract -------------------------------------------------------------------------

    def stats(self) -> OutputStats:
        with self._cond:
            retry_in = max(0.0, self._retry_at - time.monotonic()) if self._retry_at is not None else None
            return OutputStats(
                name=self.name,
                state=self._state,
                queued_files=len(self._queue),
                queued_bytes=self._queued_bytes,
                sent_files=self.sent_video + self.sent_audio,
                sent_bytes=self.sent_bytes,
                retries=self._retries,
                dropped_files=self.dropped_video + self.dropped_audio,
                last_error=self._last_error,
                retry_in=retry_in,
            )

    def close(self, timeout: float) -> OutputReport:
        """Ends the stream (close code 1000: the broadcast is over). Real time: nothing is drained."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join(max(0.1, min(timeout, 3.0)))
        if self._thread.is_alive():
            with self._cond:
                self._cut("closing")
            self._thread.join(2.0)
        with self._cond:
            failed = self._state == "failed"
            self._state = "failed" if failed else "closed"
            message = (
                f"sent {self.sent_video} pictures and {self.sent_audio} sound packets as they were made;"
                f" dropped {self.dropped_video} pictures and {self.dropped_audio} sound blocks"
            )
            if failed:
                message = f"{self._last_error}; {message}"
            # Real time, not a delivery: what was dropped is counted above, and the stream's record
            # (the relay's HLS, a recording) does not depend on it.
            return OutputReport(self.name, complete=True, unsent_files=0, message=message)


def _said(body: bytes | None) -> str:
    """The relay's error message from a refused handshake's JSON body, if there is one."""
    try:
        message = json.loads(body or b"").get("message")
    except (ValueError, AttributeError):
        return ""
    return f" ({message})" if isinstance(message, str) else ""
