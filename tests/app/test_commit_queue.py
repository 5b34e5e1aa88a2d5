"""The commit queue is bounded: past it a call is refused at once (503 with a wait), never queued
without end; what it took is all answered (app/relay/commit_queue.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from pathlib import Path

from app.commerce.catalog import ProductInput
from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.orders import OrderRequest, Placed
from app.relay.commit_queue import CommitQueue
from app.relay.errors import error_response


def test_a_full_queue_refuses_with_a_retry_after_and_answers_everything_it_took(tmp_path: Path) -> None:
    engine = RoomEngine(tmp_path / "commerce.sqlite3")
    engine.import_catalog("r", [ProductInput("mug", "Mug", 990, 100)])
    queue = CommitQueue(engine, max_batch=2, max_pending=3)

    async def burst() -> list[object]:
        calls: list[Awaitable[object]] = [
            queue.run(engine.open_order, "r", f"viewer-{n:03d}", "V", OrderRequest("mug"), f"k{n}", bounded=True)
            for n in range(5)
        ]
        calls.append(queue.run(engine.log, "r", "stream.started"))  # the relay's own write: never refused
        return await asyncio.gather(*calls, return_exceptions=True)

    try:
        answers = asyncio.run(burst())
    finally:
        engine.close()
    assert answers[-1] is None, "the relay's own write went through a full queue"
    answers = answers[:-1]
    placed = [a for a in answers if isinstance(a, Placed)]
    refused = [a for a in answers if isinstance(a, CommerceError)]
    assert len(placed) == 3 and len(refused) == 2 and queue.refused == 2
    status, body, headers = error_response(refused[0]) or (0, {}, None)
    assert (status, body["error"], headers) == (503, "overloaded", {"Retry-After": "1"})
    assert queue.operations == 4, "every call the queue took was committed"
