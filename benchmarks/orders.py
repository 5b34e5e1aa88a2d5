"""Order attempts per second and latency on the embedded store (SQLite), layer by layer.

    .venv/bin/python benchmarks/orders.py [--seconds 8]

Rows:
  sqlite3 alone (peer)           the store's own ceiling: take stock + insert an order row, one
                                 transaction each, no engine (what any design on SQLite pays)
  engine, one commit per order   RoomEngine.open_order in a loop, each its own transaction, then its
                                 test-mode charge and the transaction recording the answer
  engine, group commit           the same calls, 32 per transaction (what the relay's CommitQueue does)
  relay over HTTP (wrk)          POST /orders on a real relay process; wrk (C) as the load generator
  relay over HTTP (aiohttp)      the same with a Python asyncio client (the load tests' client)
  relay GET /healthz, wrk (peer) the same server answering a request that does no work, through
                                 the ordinary FastAPI stack (orders take a fast lane around it)

The load generators run on the same machine as the relay, so the HTTP rows share its cores with them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402

from app.commerce.catalog import ProductInput  # noqa: E402
from app.commerce.engine import RoomEngine  # noqa: E402
from app.commerce.orders import OrderRequest  # noqa: E402
from tests.helpers.relay import RelayProcess  # noqa: E402
from tests.helpers.room import open_room  # noqa: E402
from tests.helpers.sessions import TRUST_LOOPBACK, Session, lua_addresses, lua_tokens, mint_many  # noqa: E402

WRK_SCRIPT = """
counter = 0
tokens = @TOKENS@
addresses = @ADDRESSES@
request = function()
  counter = counter + 1
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. tokens[counter % #tokens + 1]
  headers["X-Forwarded-For"] = addresses[counter % #tokens + 1]
  headers["Idempotency-Key"] = string.format("w-%d-%d", math.random(1, 1000000000), counter)
  return wrk.format("POST", nil, headers, '{"sku":"tee"}')
end
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def sqlite_row(seconds: float) -> tuple[str, float, float, float]:
    with tempfile.TemporaryDirectory() as data:
        db = sqlite3.connect(Path(data) / "peer.sqlite3", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE products (sku TEXT PRIMARY KEY, stock INTEGER, sold INTEGER)")
        db.execute("CREATE TABLE orders (id TEXT PRIMARY KEY, viewer TEXT, key TEXT, sku TEXT, qty INTEGER)")
        db.execute("CREATE UNIQUE INDEX orders_key ON orders (viewer, key)")
        db.execute("INSERT INTO products VALUES ('tee', 100000000, 0)")
        latencies: list[float] = []
        n = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            t0 = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE products SET stock = stock - 1, sold = sold + 1 WHERE sku = 'tee' AND stock >= 1")
            db.execute("INSERT INTO orders VALUES (?, ?, ?, 'tee', 1)", (f"o{n}", f"viewer-{n % 500:04d}", f"k{n}"))
            db.execute("COMMIT")
            latencies.append(time.perf_counter() - t0)
            n += 1
        elapsed = time.perf_counter() - started
        db.close()
    return ("sqlite3 alone, one commit per order (peer)", n / elapsed, percentile(latencies, 0.5) * 1000,
            percentile(latencies, 0.99) * 1000)  # fmt: skip


def engine_rows(seconds: float) -> list[tuple[str, float, float, float]]:
    rows = [sqlite_row(seconds)]
    for label, batch in (("engine, one commit per order", 1), ("engine, group commit (32)", 32)):
        with tempfile.TemporaryDirectory() as data:
            engine = RoomEngine(Path(data) / "commerce.sqlite3")
            engine.import_catalog("r", [ProductInput("tee", "Tee", 100, 100_000_000)])
            latencies: list[float] = []
            n = 0
            started = time.perf_counter()
            while time.perf_counter() - started < seconds:
                t0 = time.perf_counter()
                # as the relay does: the orders committed, then charged (test mode), then the answers recorded
                with engine.core.transaction():
                    placed = []
                    for _ in range(batch):
                        placed.append(
                            engine.open_order("r", f"viewer-{n % 500:04d}", "V", OrderRequest("tee"), f"k{n}")
                        )
                        n += 1
                answers = [(p.pending, engine.charge(p.pending)) for p in placed if p.pending is not None]
                with engine.core.transaction():
                    for pending, outcome in answers:
                        engine.settle_charge(pending, outcome)
                # every order in a batch waits for the batch's commit
                latencies.extend([time.perf_counter() - t0] * batch)
            elapsed = time.perf_counter() - started
            engine.close()
        rows.append((label, n / elapsed, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000))
    return rows


def wrk_row(
    url: str, seconds: float, connections: int, label: str, script: str = ""
) -> tuple[str, float, float, float]:
    wrk = shutil.which("wrk")
    assert wrk is not None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        out = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--latency", "-s", lua.name, url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        Path(lua.name).unlink()

    def ms(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise RuntimeError("wrk saw failed requests:\n" + out)
    return (label, rate, ms("50"), ms("99"))


async def aiohttp_row(
    api: str, seconds: float, concurrency: int, sessions: list[Session]
) -> tuple[str, float, float, float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    counter = 0

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker(w: int) -> None:
            nonlocal counter
            while time.perf_counter() < deadline:
                counter += 1
                headers = {**sessions[counter % len(sessions)].headers, "Idempotency-Key": f"a{w}-{counter}"}
                t0 = time.perf_counter()
                async with session.post(f"{api}/orders", json={"sku": "tee"}, headers=headers) as response:
                    await response.read()
                    if response.status != 201:
                        raise RuntimeError(f"order failed: HTTP {response.status}")
                latencies.append(time.perf_counter() - t0)

        started = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.perf_counter() - started
    label = f"relay POST /orders, aiohttp, {concurrency} concurrent"
    return (label, len(latencies) / elapsed, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("benchmarks/orders.py needs wrk (the C load generator): apt-get install wrk, or ./test.sh as root")
    rows = engine_rows(args.seconds)
    with tempfile.TemporaryDirectory() as data:
        relay = RelayProcess(Path(data), *TRUST_LOOPBACK).start()
        try:
            room = open_room(relay, "bench", [{"sku": "tee", "title": "Tee", "price": 1, "stock": 10_000_000}])
            # 5,000 viewers, each with the session the relay gave them and an address of their own (the rate
            # limits hold one person to a human pace: app/relay/rate_limits.py)
            sessions = mint_many(relay.url, 5000, addresses=True)
            script = WRK_SCRIPT.replace("@TOKENS@", lua_tokens(sessions))
            script = script.replace("@ADDRESSES@", lua_addresses(sessions))
            rows.append(wrk_row(f"{room.api}/orders", args.seconds, 50, "relay POST /orders, wrk, 50 connections",
                                script))  # fmt: skip
            rows.append(asyncio.run(aiohttp_row(room.api, args.seconds, 50, sessions)))
            rows.append(wrk_row(f"{relay.url}/healthz", args.seconds, 50, "relay GET /healthz, wrk, 50 conn. (peer)"))
        finally:
            relay.stop()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}")  # fmt: skip
    print(f"| {'layer':<44} | {'orders/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} |")
    print(f"|{'-' * 46}|{'-' * 11}|{'-' * 9}|{'-' * 9}|")
    for label, rate, p50, p99 in rows:
        print(f"| {label:<44} | {rate:>9.0f} | {p50:>7.2f} | {p99:>7.2f} |")
    floor = 2000
    http = next(r for r in rows if r[0].startswith("relay POST /orders, wrk"))
    print(f"floor {floor}/s through the relay (wrk row): {'meets' if http[1] >= floor else 'BELOW'}")


if __name__ == "__main__":
    main()
