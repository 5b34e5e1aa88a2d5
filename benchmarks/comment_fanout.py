"""Comment fan-out: N WebSocket viewers, comments at a steady rate, delivery latency on every viewer.

    .venv/bin/python benchmarks/comment_fanout.py [--viewers 500,2000] [--rate 50] [--seconds 20]
                                                  [--servers relay,peer]

Each comment carries its send time; every viewer's connection receives the room's batches. A sample of
viewers (``--measure``) decodes every batch and records send→receive latency for each comment. The
other viewers connect from a separate process and only read their sockets: real viewers are separate
phones, and one process draining 2,000 sockets would add its own queueing to the latency it measures.
Posters are viewers too, each within the relay's comment rate limit. Latency includes the server's
batching tick (100 ms), by design. Everything runs on this machine, so the server shares its cores
with both load processes.

Each room size is measured against two servers, one after the other, with the same clients and load:

* ``relay``: our relay (``python -m app relay``), a real room, every comment through the engine and
  the database, with its rate limits and slow-viewer cut-off.
* ``peer``: benchmarks/_peer_feed.py, a bare broadcast server on the ``websockets`` library that speaks
  just enough of the feed protocol (snapshot on connect, ``comment`` in, one batch per 100 ms tick,
  serialised once, per-message-deflate off) and does nothing else: no database, no limits, no auth.
  It is what the library alone does with the same batching: its ``broadcast()`` writes each tick's
  batch to every socket in one go and it sleeps a tick after each flush, where the relay keeps a
  fixed tick rate and lets incoming comments in between groups of writes.

The table has one row per (server, room size); "server CPU" and "server RSS" are that server's
process. The verdict on the floor (2,000 viewers, p99 <= 200 ms at 50 comments/s) is the relay's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import resource
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402

from tests.helpers.processes import stop_process  # noqa: E402
from tests.helpers.relay import RelayProcess  # noqa: E402
from tests.helpers.room import open_room  # noqa: E402
from tests.helpers.sessions import TRUST_LOOPBACK, mint_many_async  # noqa: E402

POST_INTERVAL = 2.5
"""Seconds between one poster's comments: 4 per 10 s, inside the relay's limit of 5."""
SERVERS = ("relay", "peer")
ROOM = "fanout"


class PeerProcess:
    """benchmarks/_peer_feed.py on a free loopback port."""

    def __init__(self) -> None:
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 20.0) -> PeerProcess:
        command = [sys.executable, str(Path(__file__).with_name("_peer_feed.py")), "--port", "0"]
        self._process = process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
        assert process.stdout is not None
        readable, _, _ = select.select([process.stdout], [], [], timeout)
        line = process.stdout.readline() if readable else ""  # the peer's only output
        if not line.startswith("peer ready at "):
            process.kill()
            process.wait(10)
            raise RuntimeError(f"peer did not start: {line!r}")
        self.url = line.split()[-1]
        return self

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def stop(self) -> None:
        stop_process(self._process)


def measure_server(server: str, viewers: int, args: argparse.Namespace) -> dict[str, Any]:
    """One run against a fresh server process; the row for the table."""
    with tempfile.TemporaryDirectory() as data:
        relay = RelayProcess(Path(data), *TRUST_LOOPBACK)  # each viewer at an address of its own
        process = relay.start() if server == "relay" else PeerProcess().start()
        try:
            if isinstance(process, RelayProcess):
                url = open_room(process, ROOM).api.replace("http://", "ws://") + "/live"
            else:
                url = f"{process.url}/api/v1/rooms/{ROOM}/live"
            row = asyncio.run(run(url, viewers, args.rate, args.seconds, args.measure, process.pid))
        finally:
            process.stop()
    return {"server": server, **row}


def raise_file_limit() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


async def viewer_sessions(url: str, count: int) -> list[dict[str, str]]:
    """A session per viewer from the relay (who a viewer is, it says: app/relay/viewer_sessions.py); the
    peer server has no sessions and takes the ``viewer_id`` in the query instead."""
    base = url.split("/api/v1/", maxsplit=1)[0].replace("ws://", "http://", 1)
    try:
        return [s.headers for s in await mint_many_async(base, count, addresses=True)]
    except aiohttp.ClientResponseError:
        return [{} for _ in range(count)]


async def connect_all(
    session: aiohttp.ClientSession, url: str, first: int, count: int
) -> list[aiohttp.ClientWebSocketResponse]:
    sockets: list[aiohttp.ClientWebSocketResponse] = []
    headers = await viewer_sessions(url, count)
    for start in range(first, first + count, 200):  # connect in waves, as a room fills
        batch = [
            session.ws_connect(
                f"{url}?viewer_id=bench-{n:05d}&nickname=v{n}",
                max_msg_size=0,
                heartbeat=None,
                headers=headers[n - first],
            )
            for n in range(start, min(first + count, start + 200))
        ]
        sockets += await asyncio.gather(*batch)
        await asyncio.sleep(0.05)
    return sockets


def background_viewers(url: str, first: int, count: int, ready: Any, done: Any) -> None:
    """A separate process of viewers that only read (drain) their sockets."""
    raise_file_limit()

    async def main() -> None:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            sockets = await connect_all(session, url, first, count)

            async def drain(ws: aiohttp.ClientWebSocketResponse) -> None:
                async for _ in ws:
                    pass

            readers = [asyncio.create_task(drain(ws)) for ws in sockets]
            ready.set()
            while not done.is_set():
                await asyncio.sleep(0.2)
            for ws in sockets:
                await ws.close()
            await asyncio.gather(*readers, return_exceptions=True)

    asyncio.run(main())


async def run(url: str, viewers: int, rate: float, seconds: float, measure: int, server_pid: int) -> dict[str, float]:
    latencies: list[float] = []
    received = 0
    closed_early = 0
    stop = asyncio.Event()
    posters_needed = int(rate * POST_INTERVAL) + 1
    own_count = measure + posters_needed
    context = multiprocessing.get_context("spawn")
    ready, done = context.Event(), context.Event()
    background = context.Process(
        target=background_viewers, args=(url, own_count, max(0, viewers - own_count), ready, done)
    )
    background.start()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        sockets = await connect_all(session, url, 0, own_count)
        while not ready.is_set():
            await asyncio.sleep(0.1)

        async def read(ws: aiohttp.ClientWebSocketResponse, measured: bool) -> None:
            nonlocal received, closed_early
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                if not measured:
                    continue
                now = time.time()
                data = json.loads(message.data)
                for event in data.get("events", ()):
                    if event.get("type") == "comment" and event["text"].startswith("t="):
                        latencies.append(now - float(event["text"][2:]))
                        received += 1
            if not stop.is_set():
                closed_early += 1

        readers = [asyncio.create_task(read(ws, n < measure)) for n, ws in enumerate(sockets)]
        await asyncio.sleep(1.0)  # snapshots delivered
        posters = sockets[measure:own_count]
        sent = 0
        cpu_before, wall_before = cpu_seconds(server_pid), time.monotonic()
        own_before = cpu_seconds(os.getpid()) + cpu_seconds(background.pid)  # type: ignore[arg-type]

        async def post(ws: aiohttp.ClientWebSocketResponse, offset: float) -> None:
            nonlocal sent
            await asyncio.sleep(offset)
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                await ws.send_str(json.dumps({"type": "comment", "text": f"t={time.time():.6f}"}))
                sent += 1
                await asyncio.sleep(POST_INTERVAL)

        spacing = POST_INTERVAL / max(1, len(posters))
        await asyncio.gather(*(post(ws, n * spacing) for n, ws in enumerate(posters)))
        await asyncio.sleep(1.0)  # the last batches
        elapsed = time.monotonic() - wall_before
        cpu = (cpu_seconds(server_pid) - cpu_before) / elapsed
        own = (cpu_seconds(os.getpid()) + cpu_seconds(background.pid) - own_before) / elapsed  # type: ignore[arg-type]
        memory = rss_mb(server_pid)
        stop.set()
        for ws in sockets:
            await ws.close()
        await asyncio.gather(*readers, return_exceptions=True)
    done.set()
    background.join(30)
    expected = sent * measure
    return {
        "viewers": viewers,
        "rate": sent / seconds,
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "max": max(latencies) * 1000 if latencies else float("nan"),
        "delivered": received / expected * 100 if expected else float("nan"),
        "dropped": closed_early,
        "cpu": cpu * 100,
        "own": own * 100,
        "rss": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", default="500,2000", help="comma-separated room sizes")
    parser.add_argument("--rate", type=float, default=50.0, help="comments per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--measure", type=int, default=100, help="viewers that time every comment")
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated: relay, peer (both)")
    args = parser.parse_args()
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    unknown = sorted(set(servers) - set(SERVERS))
    if unknown or not servers:
        parser.error(f"--servers takes {', '.join(SERVERS)}; got {args.servers!r}")
    raise_file_limit()
    rows = []
    for viewers in (int(v) for v in args.viewers.split(",")):
        for server in servers:  # interleaved, so both servers see much the same machine
            rows.append(measure_server(server, viewers, args))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.rate:g} comments/s for {args.seconds:g} s; latency measured on {args.measure} viewers")  # fmt: skip
    headers = ["server", "viewers", "comments/s", "p50 ms", "p99 ms", "max ms", "delivered", "dropped",
               "server CPU", "server RSS", "load CPU"]  # fmt: skip
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("-" * (len(h) + 2) for h in headers) + "|")
    for r in rows:
        values = [r["server"], f"{r['viewers']:.0f}", f"{r['rate']:.1f}", f"{r['p50']:.1f}", f"{r['p99']:.1f}",
                  f"{r['max']:.1f}", f"{r['delivered']:.1f}%", f"{r['dropped']:.0f}", f"{r['cpu']:.0f}%",
                  f"{r['rss']:.0f} MB", f"{r['own']:.0f}%"]  # fmt: skip
        cells = [v.rjust(len(h)) for v, h in zip(values, headers, strict=True)]
        print("| " + " | ".join(cells) + " |")
    big = [r for r in rows if r["server"] == "relay" and r["viewers"] >= 2000]
    if big:
        ok = big[0]["p99"] <= 200 and big[0]["delivered"] >= 99.9
        print(f"floor 2000 viewers, p99 <= 200 ms at 50 comments/s: {'meets' if ok else 'BELOW'}")


if __name__ == "__main__":
    main()
