"""Feed fan-out at scale: one relay (embedded) vs the same viewers spread over two relays sharing
PostgreSQL and Redis; comment send → arrival latency at 2,000 and 5,000 viewers.

    .venv/bin/python benchmarks/scale_fanout.py [--viewers 2000,5000] [--rate 50] [--seconds 20]
                                                [--measure 100] [--relays 1,2]

The load is benchmarks/comment_fanout.py's (its functions imported): N WebSocket viewers of one room,
``--rate`` comments/s posted by viewers within the relay's comment rate limit (one comment every 2.5 s
each), every comment carrying its send time, ``--measure`` viewers decoding every batch and recording
send→receive latency for every comment, the other viewers in one separate process that only drains its
sockets. Latency includes the relay's 100 ms batching tick, by design.

Rows, one per (relays, viewers):

* ``1``: one relay as ``python -m app relay`` starts with no flags: SQLite, the in-process feed.
* ``2``: two relays (``--postgres DSN --redis URL``, same data folder and admin token, as
  tests/e2e/test_shared_relays.py starts them) on a throwaway PostgreSQL and redis-server. The viewers
  connect straight to each relay's port (no nginx), half each, ids disjoint; the posters and the
  measuring viewers are half on each too, so every measuring viewer sees comments posted on its own
  relay and comments that crossed Redis pub/sub from the other (app/relay/feed_bus.py).
  "p99 cross" is the p99 of the crossing comments alone.

"relay CPU" is each relay process's CPU over the posting window (100 % = one core), "Redis+PG CPU"
is redis-server's (its INFO) plus PostgreSQL's postmaster and backends; "relay RSS MB" is each relay's
resident memory at the end; "load CPU" is the benchmark's own two client processes. Everything runs
on this machine's cores: the relays, Redis, PostgreSQL and the load generator share them, so the two-relay
rows show the cost of the extra hops on the same hardware, not the gain of a second machine.

The file-descriptor limit is raised to its hard limit (resource.setrlimit) before anything starts, so
the relays (which inherit it) and the client processes can hold 5,000 sockets each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402

from benchmarks._machine import cpu_model  # noqa: E402
from benchmarks.comment_fanout import (  # noqa: E402
    POST_INTERVAL,
    ROOM,
    connect_all,
    cpu_seconds,
    percentile,
    raise_file_limit,
    rss_mb,
)
from tests.helpers.relay import RelayProcess  # noqa: E402
from tests.helpers.room import open_room  # noqa: E402
from tests.helpers.servers import PostgresServer, RedisServer  # noqa: E402
from tests.helpers.sessions import TRUST_LOOPBACK  # noqa: E402

RELAYS = (1, 2)


class Support:
    """CPU seconds of the shared services of a two-relay run (none for one relay)."""

    def __init__(self, redis: RedisServer | None = None, postgres: PostgresServer | None = None) -> None:
        self.redis = redis
        self.postgres = postgres

    def cpu(self) -> float:
        total = 0.0
        if self.redis is not None:
            info = self.redis.command("INFO", "cpu").decode(errors="replace")
            for line in info.splitlines():
                if line.startswith(("used_cpu_sys:", "used_cpu_user:")):
                    total += float(line.split(":", 1)[1])
        if self.postgres is not None:
            total += tree_cpu_seconds(self.postgres.pid)
        return total


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and its live children (PostgreSQL's backends are the postmaster's)."""
    total = cpu_seconds(pid)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                total += cpu_seconds(int(stat.parent.name))
    return total


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` as even as integers allow, the first ones taking the remainder."""
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


def background_feeds(targets: list[tuple[str, int, int]], ready: Any, done: Any) -> None:
    """comment_fanout.background_viewers for several relays in one process: (url, first id, count) each.

    Copied rather than imported because that one takes a single url; one process for all the relays
    keeps the load generator the same shape (two processes) in both setups. The relays are connected
    at the same time and each one's sockets drained as soon as they are open: the relay pings every
    5 s and closes a socket that has not answered within 10 s (app/relay/server.py), and aiohttp only
    answers pings on a socket being read.
    """
    raise_file_limit()

    async def main() -> None:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            sockets: list[aiohttp.ClientWebSocketResponse] = []
            readers: list[asyncio.Task[None]] = []

            async def drain(ws: aiohttp.ClientWebSocketResponse) -> None:
                async for _ in ws:
                    pass

            async def connect(url: str, first: int, count: int) -> None:
                opened = await connect_all(session, url, first, count)
                sockets.extend(opened)
                readers.extend(asyncio.create_task(drain(ws)) for ws in opened)

            await asyncio.gather(*(connect(*target) for target in targets))
            ready.set()
            while not done.is_set():
                await asyncio.sleep(0.2)
            for ws in sockets:
                await ws.close()
            await asyncio.gather(*readers, return_exceptions=True)

    asyncio.run(main())


async def run(
    urls: list[str], viewers: int, rate: float, seconds: float, measure: int, pids: list[int], support: Support
) -> dict[str, Any]:
    """comment_fanout.run over several relays (copied: that one takes one url and one server pid).

    Changes: this process's sockets read from the moment they are open (not once the background ones
    are: at 5,000 viewers over two relays that took longer than the relay's 10 s ping timeout, and it
    closed them); viewers, measuring viewers and posters split evenly over ``urls`` with disjoint ids; the
    posters interleaved across relays; each comment's text says which relay it was posted on
    (``t=<send time> r=<relay>``) so crossing comments get their own p99; CPU per relay and of the
    shared services.
    """
    latencies: list[float] = []
    crossed: list[float] = []
    received = 0
    closed_early = 0
    reasons: Counter[str] = Counter()
    posters_lost = 0
    stop = asyncio.Event()
    posters_needed = int(rate * POST_INTERVAL) + 1
    relays = len(urls)
    counts, measures, posts = split(viewers, relays), split(measure, relays), split(posters_needed, relays)
    firsts = [sum(counts[:n]) for n in range(relays)]
    owns = [m + p for m, p in zip(measures, posts, strict=True)]
    targets = [(url, first + own, max(0, count - own))
               for url, first, own, count in zip(urls, firsts, owns, counts, strict=True)]  # fmt: skip
    context = multiprocessing.get_context("spawn")
    ready, done = context.Event(), context.Event()
    background = context.Process(target=background_feeds, args=(targets, ready, done))
    background.start()
    try:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            own_sockets = [await connect_all(session, url, first, own)
                           for url, first, own in zip(urls, firsts, owns, strict=True)]  # fmt: skip

            async def read(ws: aiohttp.ClientWebSocketResponse, relay: int, measured: bool) -> None:
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
                            sent_at, origin = event["text"][2:].split(" r=")
                            latency = now - float(sent_at)
                            latencies.append(latency)
                            if int(origin) != relay:
                                crossed.append(latency)
                            received += 1
                if not stop.is_set():
                    closed_early += 1
                    reasons[f"relay {relay}: close {ws.close_code} {ws.exception() or ''}".strip()] += 1

            readers = [asyncio.create_task(read(ws, relay, n < measures[relay]))
                       for relay, sockets in enumerate(own_sockets) for n, ws in enumerate(sockets)]  # fmt: skip
            # read from the start (the relay closes sockets that leave its pings unanswered for 10 s)
            while not ready.is_set():
                if not background.is_alive():
                    raise RuntimeError("the background viewers' process failed (see its traceback above)")
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.5)  # snapshots delivered, the relays' presence exchanged
            by_relay = [[(ws, relay) for ws in sockets[measures[relay] :]] for relay, sockets in enumerate(own_sockets)]
            posters = [p for round_ in zip(*by_relay, strict=False) for p in round_]  # A, B, A, B, ...
            posters += [p for group in by_relay for p in group[len(posters) // relays :]]  # any odd one out
            sent = 0
            cpu_before, wall_before = [cpu_seconds(pid) for pid in pids], time.monotonic()
            support_before = support.cpu()
            own_before = cpu_seconds(os.getpid()) + cpu_seconds(background.pid)  # type: ignore[arg-type]

            async def post(ws: aiohttp.ClientWebSocketResponse, relay: int, offset: float) -> None:
                nonlocal sent, posters_lost
                await asyncio.sleep(offset)
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    try:
                        await ws.send_str(json.dumps({"type": "comment", "text": f"t={time.time():.6f} r={relay}"}))
                    except (aiohttp.ClientError, ConnectionError):  # closed by the relay: counted in "dropped"
                        posters_lost += 1
                        return
                    sent += 1
                    await asyncio.sleep(POST_INTERVAL)

            spacing = POST_INTERVAL / max(1, len(posters))
            await asyncio.gather(*(post(ws, relay, n * spacing) for n, (ws, relay) in enumerate(posters)))
            await asyncio.sleep(1.0)  # the last batches
            elapsed = time.monotonic() - wall_before
            cpu = [(cpu_seconds(pid) - before) / elapsed for pid, before in zip(pids, cpu_before, strict=True)]
            support_cpu = (support.cpu() - support_before) / elapsed
            own = (cpu_seconds(os.getpid()) + cpu_seconds(background.pid) - own_before) / elapsed  # type: ignore[arg-type]
            memory = [rss_mb(pid) for pid in pids]
            stop.set()
            for sockets in own_sockets:
                for ws in sockets:
                    await ws.close()
            await asyncio.gather(*readers, return_exceptions=True)
    finally:  # the drainers stop, whatever happened here
        done.set()
        background.join(30)
        if background.is_alive():
            background.terminate()
    expected = sent * measure
    return {
        "viewers": viewers,
        "rate": sent / seconds,
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "max": max(latencies) * 1000 if latencies else float("nan"),
        "p99cross": percentile(crossed, 0.99) * 1000 if crossed else None,
        "delivered": received / expected * 100 if expected else float("nan"),
        "dropped": closed_early,
        "reasons": dict(reasons),
        "posters_lost": posters_lost,
        "cpu": [c * 100 for c in cpu],
        "support": support_cpu * 100 if support.redis is not None else None,
        "rss": memory,
        "own": own * 100,
    }


def measure_setup(relays: int, viewers: int, args: argparse.Namespace) -> dict[str, Any]:
    """One run on fresh relays (and fresh PostgreSQL and Redis for two); the row for the table."""
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        data = Path(folder) / "data"
        support = Support()
        shared: tuple[str, ...] = ()
        if relays > 1:
            redis, postgres = RedisServer(), PostgresServer()
            stack.callback(redis.stop)
            stack.callback(postgres.stop)
            redis.start()
            postgres.start()
            support = Support(redis, postgres)
            shared = ("--postgres", postgres.dsn, "--redis", redis.url)
        processes: list[RelayProcess] = []
        for _ in range(relays):
            process = RelayProcess(data, *shared, *TRUST_LOOPBACK)  # each viewer at an address of its own
            if processes:
                process.admin_token = processes[0].admin_token
            stack.callback(process.stop)
            processes.append(process.start())
        open_room(processes[0], ROOM)  # rooms.json is in the shared data folder: every relay serves it
        urls = [f"{p.url.replace('http://', 'ws://')}/api/v1/rooms/{ROOM}/live" for p in processes]
        pids = [p.pid for p in processes]
        row = asyncio.run(run(urls, viewers, args.rate, args.seconds, args.measure, pids, support))
    return {"relays": relays, **row}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", default="2000,5000", help="comma-separated room sizes")
    parser.add_argument("--rate", type=float, default=50.0, help="comments per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--measure", type=int, default=100, help="viewers that time every comment")
    parser.add_argument("--relays", default="1,2", help="comma-separated: 1 (embedded), 2 (PostgreSQL + Redis)")
    args = parser.parse_args()
    try:
        setups = [int(r) for r in args.relays.split(",") if r.strip()]
    except ValueError:
        setups = []
    if not setups or set(setups) - set(RELAYS):
        parser.error(f"--relays takes {', '.join(map(str, RELAYS))}; got {args.relays!r}")
    raise_file_limit()  # inherited by the relays this process starts
    rows = []
    for viewers in (int(v) for v in args.viewers.split(",")):
        for relays in setups:  # interleaved, so both setups see much the same machine
            rows.append(measure_setup(relays, viewers, args))
            done = f"done: {relays} relay(s), {viewers} viewers, p99 {rows[-1]['p99']:.1f} ms"
            print(done, file=sys.stderr, flush=True)
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores (relays, Redis, PostgreSQL and the load generator "
          f"all on them), Python {platform.python_version()}; {args.rate:g} comments/s for {args.seconds:g} s; "
          f"latency measured on {args.measure} viewers")  # fmt: skip
    headers = ["relays", "viewers", "comments/s", "p50 ms", "p99 ms", "max ms", "p99 cross", "delivered",
               "dropped", "relay CPU", "Redis+PG CPU", "relay RSS MB", "load CPU"]  # fmt: skip
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("-" * (len(h) + 2) for h in headers) + "|")
    for r in rows:
        values = [f"{r['relays']}", f"{r['viewers']:.0f}", f"{r['rate']:.1f}", f"{r['p50']:.1f}", f"{r['p99']:.1f}",
                  f"{r['max']:.1f}", "—" if r["p99cross"] is None else f"{r['p99cross']:.1f}",
                  f"{r['delivered']:.1f}%", f"{r['dropped']:.0f}", " + ".join(f"{c:.0f}%" for c in r["cpu"]),
                  "—" if r["support"] is None else f"{r['support']:.0f}%",
                  " + ".join(f"{m:.0f}" for m in r["rss"]), f"{r['own']:.0f}%"]  # fmt: skip
        cells = [v.rjust(len(h)) for v, h in zip(values, headers, strict=True)]
        print("| " + " | ".join(cells) + " |")
    for r in rows:
        if r["reasons"] or r["posters_lost"]:
            print(f"{r['relays']} relay(s), {r['viewers']} viewers: closed early {r['reasons']}, "
                  f"posters cut off {r['posters_lost']}")  # fmt: skip
    for r in rows:
        if r["viewers"] == 5000:
            ok = r["p99"] <= 200 and r["delivered"] >= 99.9
            print(f"goal 5000 viewers, p99 <= 200 ms, {r['relays']} relay(s): {'meets' if ok else 'BELOW'}")


if __name__ == "__main__":
    main()
