"""A feed connection whose socket stops draining: later batches wait in order, and past the limit it
is closed with 1013 instead of holding memory. Driven through the ASGI ``send`` seam that uvicorn
gives the relay (a send that blocks is exactly what a full socket buffer looks like from here)."""

from __future__ import annotations

import asyncio
from typing import Any

from app.relay.realtime import OUTBOX, Connection


class BlockingSocket:
    """An ASGI send that returns at once until ``block()``, then waits until ``release()``."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.gate = asyncio.Event()
        self.gate.set()

    async def send(self, message: dict[str, Any]) -> None:
        await self.gate.wait()
        self.sent.append(message)

    async def receive(self) -> dict[str, Any]:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    def texts(self) -> list[str]:
        return [m["text"] for m in self.sent if m["type"] == "websocket.send"]


def connection(socket: BlockingSocket) -> Connection:
    return Connection(socket.send, socket.receive, "room", "viewer-1", "Pat", owner=False)  # type: ignore[arg-type]


def test_an_idle_connection_is_written_at_once_without_a_task() -> None:
    async def scenario() -> None:
        socket = BlockingSocket()
        conn = connection(socket)
        conn.offer("one")
        conn.offer("two")
        assert socket.texts() == ["one", "two"]  # written inside offer(), before any await
        assert conn.busy is None

    asyncio.run(scenario())


def test_a_blocked_write_keeps_later_batches_in_order() -> None:
    async def scenario() -> None:
        socket = BlockingSocket()
        conn = connection(socket)
        socket.gate.clear()
        for n in range(10):
            conn.offer(f"batch {n}")
        assert conn.busy is not None and socket.texts() == []
        socket.gate.set()
        await asyncio.wait_for(conn.busy, 5)
        assert socket.texts() == [f"batch {n}" for n in range(10)]
        assert conn.busy is None and not conn.too_slow
        conn.offer("after")  # straight out again
        assert socket.texts()[-1] == "after"

    asyncio.run(scenario())


def test_a_connection_that_stays_blocked_is_closed_as_too_slow() -> None:
    async def scenario() -> None:
        socket = BlockingSocket()
        conn = connection(socket)
        socket.gate.clear()
        for n in range(OUTBOX + 50):
            conn.offer(f"batch {n}")
        assert conn.too_slow and len(conn.backlog) == 0  # the backlog's memory is let go at once
        busy = conn.busy
        assert busy is not None
        socket.gate.set()
        await asyncio.wait_for(busy, 5)
        assert socket.texts() == ["batch 0"]  # only the write that was already under way
        assert socket.sent[-1] == {"type": "websocket.close", "code": 1013,
                                   "reason": "too slow: reconnect for a fresh snapshot"}  # fmt: skip
        conn.offer("ignored")
        assert socket.texts() == ["batch 0"]

    asyncio.run(scenario())


def test_stopping_cancels_a_write_that_is_still_waiting() -> None:
    async def scenario() -> None:
        socket = BlockingSocket()
        conn = connection(socket)
        socket.gate.clear()
        conn.offer("stuck")
        conn.offer("behind")
        await asyncio.wait_for(conn.stop(), 5)
        assert conn.busy is None and conn.gone and not conn.backlog
        socket.gate.set()
        await asyncio.sleep(0.01)
        assert socket.texts() == []
        conn.offer("late")
        assert socket.texts() == []

    asyncio.run(scenario())


def test_a_peer_that_went_away_marks_the_connection_gone() -> None:
    async def scenario() -> None:
        async def broken(message: dict[str, Any]) -> None:
            raise OSError("connection reset")

        conn = Connection(broken, BlockingSocket().receive, "room", "viewer-1", "Pat", owner=False)  # type: ignore[arg-type]
        conn.offer("one")
        assert conn.gone and conn.busy is None

    asyncio.run(scenario())
