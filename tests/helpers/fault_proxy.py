"""A TCP proxy on 127.0.0.1 that makes network trouble on command, for tests of what survives it.

``FaultProxy(upstream_port).start()`` listens on a free loopback port (:attr:`url`) and forwards every
connection to the upstream, byte for byte. While it runs, a test changes the link from its own thread:

* :meth:`set_latency` — each chunk is held ``latency`` seconds (plus up to ``jitter`` more, at random)
  in each direction before it goes on, in order (TCP never reorders), so a request and its answer
  take at least twice that; a new connection waits one round trip before it reaches the upstream;
* :meth:`set_cap` — a bandwidth cap in bytes per second per direction (``up``: client to upstream,
  ``down``: upstream to client), shared by every connection as one link is;
* :meth:`reset_all` — every open connection is reset (RST on both sides), as a NAT or a Wi-Fi
  roam drops them;
* :meth:`down` — ``refuse``: nothing listens (connection refused) and open connections are reset;
  ``reset``: connections are accepted and reset at once; ``blackhole``: connections are accepted
  and nothing moves in either direction (open ones stall) until :meth:`up`.

Between the proxy's two sides it holds at most ``buffer_bytes`` per direction per connection (a
router's queue): beyond that it stops reading, so a capped link pushes back on the sender as TCP
would, instead of swallowing the stream into memory. The proxy runs its own asyncio loop on a
thread; :attr:`stats` counts what went through.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

Direction = Literal["up", "down", "both"]
DownMode = Literal["refuse", "reset", "blackhole"]
_T = TypeVar("_T")

CHUNK = 64 * 1024
"""Bytes read from a side at a time."""
SLICES_PER_SECOND = 50
"""A capped direction writes in slices of rate/50 bytes (20 ms each), so its pace is smooth."""


@dataclass(frozen=True, slots=True)
class ProxyStats:
    connections: int
    """Connections accepted (and forwarded or faulted)."""
    open: int
    resets: int
    """Connections this proxy reset (by :meth:`FaultProxy.reset_all`, ``down`` or a reset mode)."""
    bytes_up: int
    """Bytes handed to the upstream's socket."""
    bytes_down: int
    """Bytes handed to the clients' sockets."""


class _Pacer:
    """A bandwidth cap shared by every connection in one direction: each slice reserves the next
    free slot on the link and is written when its slot starts."""

    def __init__(self) -> None:
        self.rate: float | None = None
        self._next = 0.0

    def slice_size(self) -> int:
        rate = self.rate
        return CHUNK if not rate else max(512, int(rate / SLICES_PER_SECOND))

    async def pace(self, size: int) -> None:
        rate = self.rate
        if not rate:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next)
        self._next = start + size / rate
        if start > now:
            await asyncio.sleep(start - now)


class _Connection:
    def __init__(self, client: asyncio.StreamWriter) -> None:
        self.client = client
        self.upstream: asyncio.StreamWriter | None = None
        self.tasks: list[asyncio.Task[None]] = []

    def reset(self) -> None:
        for writer in (self.client, self.upstream):
            if writer is not None:
                _reset(writer)
        for task in self.tasks:
            task.cancel()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST, not FIN: linger on, zero seconds, then abort."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """See the module docstring. Use as a context manager or call :meth:`start` and :meth:`stop`."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1", *, buffer_bytes: int = 256 * 1024) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.buffer_bytes = buffer_bytes
        self.port = 0
        self._latency = 0.0
        self._jitter = 0.0
        self._pacers = {"up": _Pacer(), "down": _Pacer()}
        self._mode: DownMode | None = None
        self._flowing: asyncio.Event | None = None
        """Set while traffic flows (cleared while blackholed)."""
        self._random = random.Random(18)
        self._connections: set[_Connection] = set()
        self._accepted = 0
        self._resets = 0
        self._bytes = {"up": 0, "down": 0}
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-fault-proxy", daemon=True)

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread.start()
        self._call(self._setup())
        return self

    async def _setup(self) -> None:
        self._flowing = asyncio.Event()
        self._flowing.set()
        await self._listen()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for connection in list(self._connections):
            connection.reset()
        self._connections.clear()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _call(self, work: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- controls (from any thread) --------------------------------------------------------------

    def set_latency(self, latency: float, jitter: float = 0.0) -> None:
        """Hold each chunk ``latency`` + uniform(0, ``jitter``) seconds, in each direction."""
        if latency < 0 or jitter < 0:
            raise ValueError("latency and jitter are 0 or more seconds")
        self._latency, self._jitter = latency, jitter

    def set_cap(self, bytes_per_second: float | None, direction: Direction = "both") -> None:
        """Cap ``direction`` at ``bytes_per_second`` (None lifts the cap)."""
        if bytes_per_second is not None and bytes_per_second <= 0:
            raise ValueError("a cap is a positive number of bytes per second (None lifts it)")
        for name in ("up", "down") if direction == "both" else (direction,):
            self._pacers[name].rate = bytes_per_second

    def reset_all(self) -> int:
        """Reset every open connection; how many there were."""
        return self._call(self._reset_all())

    async def _reset_all(self) -> int:
        connections = list(self._connections)
        for connection in connections:
            connection.reset()
        self._resets += len(connections)
        self._connections.clear()
        return len(connections)

    def down(self, mode: DownMode = "refuse") -> None:
        self._call(self._down(mode))

    async def _down(self, mode: DownMode) -> None:
        self._mode = mode
        assert self._flowing is not None
        if mode == "blackhole":
            self._flowing.clear()
            return
        self._flowing.set()
        if mode == "refuse" and self._server is not None:
            self._server.close()
            self._server = None
        await self._reset_all()

    def up(self) -> None:
        """Back to normal: listening, and traffic (a blackhole's stalled connections too) flowing."""
        self._call(self._up())

    async def _up(self) -> None:
        self._mode = None
        assert self._flowing is not None
        self._flowing.set()
        if self._server is None:
            await self._listen()

    @property
    def stats(self) -> ProxyStats:
        return ProxyStats(self._accepted, len(self._connections), self._resets, self._bytes["up"], self._bytes["down"])

    # --- forwarding ------------------------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._accepted += 1
        if self._mode == "reset":
            self._resets += 1
            _reset(writer)
            return
        connection = _Connection(writer)
        self._connections.add(connection)
        try:
            await self._wait_flowing()
            rtt = 2 * self._latency + self._random.uniform(0, self._jitter)
            if rtt:
                await asyncio.sleep(rtt)  # the upstream's handshake
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            except OSError:
                _reset(writer)
                return
            connection.upstream = up_writer
            if connection not in self._connections:  # reset meanwhile
                _reset(up_writer)
                return
            connection.tasks = [
                asyncio.ensure_future(self._pipe(reader, up_writer, "up", connection)),
                asyncio.ensure_future(self._pipe(up_reader, writer, "down", connection)),
            ]
            await asyncio.gather(*connection.tasks, return_exceptions=True)
        finally:
            self._connections.discard(connection)
            for side in (writer, connection.upstream):
                if side is not None and not side.transport.is_closing():
                    side.close()

    async def _wait_flowing(self) -> None:
        assert self._flowing is not None
        await self._flowing.wait()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, direction: str, connection: _Connection
    ) -> None:
        """Read ``reader`` into a bounded queue stamped with each chunk's due time; deliver from it. A
        side that fails (reset by its peer) resets the other: the proxy passes a reset through."""
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        room = asyncio.Condition()
        held = [0]
        loop = asyncio.get_running_loop()

        async def receive() -> None:
            last_due = 0.0
            try:
                while True:
                    await self._wait_flowing()
                    data = await reader.read(CHUNK)
                    if not data:
                        break
                    due = max(last_due, loop.time() + self._latency + self._random.uniform(0, self._jitter))
                    last_due = due
                    async with room:
                        await room.wait_for(lambda: held[0] < self.buffer_bytes)
                        held[0] += len(data)
                    queue.put_nowait((due, data))
            except (ConnectionError, OSError):
                connection.reset()
            finally:
                queue.put_nowait(None)

        receiving = asyncio.ensure_future(receive())
        pacer = self._pacers[direction]
        try:
            while (item := await queue.get()) is not None:
                due, data = item
                if (wait := due - loop.time()) > 0:
                    await asyncio.sleep(wait)
                view = memoryview(data)
                while view:
                    await self._wait_flowing()
                    piece = view[: pacer.slice_size()]
                    await pacer.pace(len(piece))
                    # counted before the write, so a reader on another thread never sees bytes the stats lack
                    self._bytes[direction] += len(piece)
                    writer.write(piece)
                    await writer.drain()
                    view = view[len(piece) :]
                async with room:
                    held[0] -= len(data)
                    room.notify_all()
            if writer.can_write_eof():
                writer.write_eof()  # a half-close passes through
        except (ConnectionError, OSError):
            connection.reset()
        finally:
            receiving.cancel()
