"""Order attempts per second and latency on the embedded store (SQLite), layer by layer.

    .venv/bin/python benchmarks/orders.py [--seconds 8]

Rows:
  engine, one commit per order   RoomEngine.place_order in a loop, each its own transaction
  engine, group commit           the same calls, 32 per transaction (what the relay's CommitQueue does)
  relay over HTTP (wrk)          POST /orders on a real relay process; wrk (C) as the load generator
  relay over HTTP (aiohttp)      the same with a Python asyncio client (the load tests' client)

The load generators run on the same machine as the relay, so the HTTP rows share its cores with them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
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

WRK_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["X-Viewer-Id"] = string.format("viewer-%04d", counter % 500)
  headers["Idempotency-Key"] = string.format("w-%d-%d", math.random(1, 1000000000), counter)
  return wrk.format("POST", nil, headers, '{"sku":"tee"}')
end
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def engine_rows(seconds: float) -> list[tuple[str, float, float, float]]:
    rows = []
    for label, batch in (("engine, one commit per order", 1), ("engine, group commit (32)", 32)):
        with tempfile.TemporaryDirectory() as data:
            engine = RoomEngine(Path(data) / "commerce.sqlite3")
            engine.import_catalog("r", [ProductInput("tee", "Tee", 100, 100_000_000)])
            latencies: list[float] = []
            n = 0
            started = time.perf_counter()
            while time.perf_counter() - started < seconds:
                t0 = time.perf_counter()
                with engine.core.transaction():
                    for _ in range(batch):
                        engine.place_order("r", f"viewer-{n % 500:04d}", "V", OrderRequest("tee"), f"k{n}")
                        n += 1
                # every order in a batch waits for the batch's commit
                latencies.extend([time.perf_counter() - t0] * batch)
            elapsed = time.perf_counter() - started
            engine.close()
        rows.append((label, n / elapsed, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000))
    return rows


def wrk_row(api: str, seconds: float, connections: int) -> tuple[str, float, float, float] | None:
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--latency", "-s", script.name, f"{api}/orders"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        Path(script.name).unlink()

    def ms(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise RuntimeError("wrk saw failed orders:\n" + out)
    return (f"relay over HTTP, wrk, {connections} connections", rate, ms("50"), ms("99"))


async def aiohttp_row(api: str, seconds: float, concurrency: int) -> tuple[str, float, float, float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    counter = 0

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker(w: int) -> None:
            nonlocal counter
            while time.perf_counter() < deadline:
                counter += 1
                headers = {"X-Viewer-Id": f"viewer-{counter % 500:04d}", "Idempotency-Key": f"a{w}-{counter}"}
                t0 = time.perf_counter()
                async with session.post(f"{api}/orders", json={"sku": "tee"}, headers=headers) as response:
                    await response.read()
                    if response.status != 201:
                        raise RuntimeError(f"order failed: HTTP {response.status}")
                latencies.append(time.perf_counter() - t0)

        started = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.perf_counter() - started
    label = f"relay over HTTP, aiohttp, {concurrency} concurrent"
    return (label, len(latencies) / elapsed, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    rows = engine_rows(args.seconds)
    with tempfile.TemporaryDirectory() as data:
        relay = RelayProcess(Path(data)).start()
        try:
            room = open_room(relay, "bench", [{"sku": "tee", "title": "Tee", "price": 1, "stock": 10_000_000}])
            wrk = wrk_row(room.api, args.seconds, 50)
            if wrk:
                rows.append(wrk)
            rows.append(asyncio.run(aiohttp_row(room.api, args.seconds, 50)))
        finally:
            relay.stop()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {__import__('sqlite3').sqlite_version}")  # fmt: skip
    print(f"| {'layer':<44} | {'orders/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} |")
    print(f"|{'-' * 46}|{'-' * 11}|{'-' * 9}|{'-' * 9}|")
    for label, rate, p50, p99 in rows:
        print(f"| {label:<44} | {rate:>9.0f} | {p50:>7.2f} | {p99:>7.2f} |")
    floor = 2000
    http = [r for r in rows if r[0].startswith("relay over HTTP, wrk")]
    if http:
        verdict = "meets" if http[0][1] >= floor else "BELOW"
        print(f"floor {floor}/s through the relay (wrk row): {verdict}")


if __name__ == "__main__":
    main()
