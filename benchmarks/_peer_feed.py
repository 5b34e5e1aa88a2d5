"""The peer for benchmarks/comment_fanout.py: a bare broadcast server on the ``websockets`` library.

    .venv/bin/python benchmarks/_peer_feed.py [--port 0]

It speaks just enough of the relay's live-feed protocol (app/relay/realtime.py) for the benchmark's
clients: a ``snapshot`` on connect, ``comment`` {text} from viewers, and every 100 ms one
``{"type":"batch","t":…,"events":[…]}`` with the comments (and the ``online`` count when it changed)
that arrived in that tick, serialised once and handed to every connection with
``websockets.asyncio.server.broadcast``. Any path is accepted; ``viewer_id`` and ``nickname`` come from
the query string. No database, no rate limits, no auth, no slow-consumer cut-off: the bare library
with the same batching, written the way its documentation shows broadcasting. To keep the
comparison about the server code, it runs on the same event loop (uvloop when installed, as
uvicorn picks it) with the same garbage-collector tuning as the relay, and with per-message-deflate
off, as the relay has it.

Prints ``peer ready at ws://127.0.0.1:PORT`` once listening; exits on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import json
import resource
import signal
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, broadcast, serve

TICK = 0.1
"""Seconds between batches, as the relay's realtime tick."""


def _dump(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


class Feed:
    def __init__(self) -> None:
        self.connections: set[ServerConnection] = set()
        self.pending: list[dict[str, Any]] = []
        self.ids = itertools.count(1)
        self.online_sent = -1

    async def handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = parse_qs(urlsplit(ws.request.path).query)
        viewer = query.get("viewer_id", ["anonymous"])[0]
        nickname = query.get("nickname", [viewer])[0]
        snapshot = {"type": "snapshot", "online": len(self.connections) + 1, "comments": [],
                    "me": {"viewer_id": viewer, "nickname": nickname}}  # fmt: skip
        await ws.send(_dump(snapshot))
        self.connections.add(ws)
        try:
            async for raw in ws:
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue
                if isinstance(message, dict) and message.get("type") == "comment":
                    text = message.get("text")
                    if isinstance(text, str):
                        event = {"type": "comment", "id": next(self.ids), "nickname": nickname, "text": text}
                        self.pending.append({**event, "t": time.time()})
        finally:
            self.connections.discard(ws)

    def flush(self) -> None:
        if len(self.connections) != self.online_sent:
            self.online_sent = len(self.connections)
            self.pending.append({"type": "online", "count": self.online_sent})
        if self.pending:
            text = _dump({"type": "batch", "t": time.time(), "events": self.pending})
            self.pending = []
            broadcast(self.connections, text)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            self.flush()


async def main(port: int) -> None:
    feed = Feed()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with serve(feed.handle, "127.0.0.1", port, compression=None) as server:
        # The relay freezes what exists once it is built and collects less often (app/relay/server.py).
        gc.freeze()
        gc.set_threshold(50_000, 100, 1000)
        ticker = asyncio.create_task(feed.run())
        bound = server.sockets[0].getsockname()[1]
        print(f"peer ready at ws://127.0.0.1:{bound}", flush=True)
        await stop.wait()
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop
    except ImportError:
        asyncio.run(main(args.port))
    else:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(main(args.port))
