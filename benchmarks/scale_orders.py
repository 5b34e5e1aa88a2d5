"""Order attempts through one relay on SQLite, one relay on PostgreSQL + Redis, and two relays on
PostgreSQL + Redis behind nginx; and a one-second flash-sale burst on one SKU with the oversell check.

    .venv/bin/python benchmarks/scale_orders.py [--seconds 5] [--connections 50] [--units 1000]
                                                [--burst-connections 100] [--rows plain,burst]

Every row runs real relay processes (`python -m app relay`) and `wrk` (C) as the load generator on
loopback, as benchmarks/orders.py does. Answers: 201 created, 409 refused (sold out, limit reached);
anything else, and any socket error or timeout wrk sees, is counted as an error and printed.

Plain rows (POST /orders {"sku":"tee"}, a product with 10 M units: nothing is refused; 5,000 viewers):
  one relay, embedded SQLite (peer)   the default deployment (benchmarks/orders.py's wrk row)
  one relay, PostgreSQL + Redis       the same relay with --postgres --redis: every transaction takes
                                      PostgreSQL's one advisory lock (app/commerce/store.py)
  two relays + PG + Redis, nginx      two relay processes sharing PostgreSQL, Redis and the data folder
                                      behind packaging/nginx/relays.conf; wrk against nginx

Burst rows (a flash sale of --units units of "mug", per_user_limit 1, opened at once): for one second
wrk sends as many attempts as it can, each from a distinct viewer (viewer-%06d) with a distinct
Idempotency-Key, on the embedded relay and on two relays + PG + Redis behind nginx. Reported: attempts
sent in that second, attempts answered per second, units sold, p99, and the oversell check: the sale's
"sold" <= units, sold == min(units, 201s seen), the host's orders listing and the store's own rows
count exactly "sold" orders of the sale, and no viewer has two. wrk stops at the second's end with up
to --burst-connections attempts in flight: the relay may still make an order whose 201 wrk never
reads; such orders are counted apart ("cut off") and are not an oversell.

The relays, PostgreSQL, Redis, nginx and wrk all share the machine's cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from benchmarks._machine import cpu_model  # noqa: E402
from tests.helpers.nginx_relays import NginxRelays  # noqa: E402
from tests.helpers.relay import RelayProcess  # noqa: E402
from tests.helpers.room import Room, open_room  # noqa: E402
from tests.helpers.servers import PostgresServer, RedisServer  # noqa: E402
from tests.helpers.sessions import TRUST_LOOPBACK, lua_addresses, lua_tokens, mint_many  # noqa: E402

CATALOG = [
    {"sku": "tee", "title": "Tee", "price": 59.9, "stock": 10_000_000},
    {"sku": "mug", "title": "Mug", "price": 29.9, "stock": 100_000},
]

# One template for every row. setup() numbers wrk's threads so that viewer numbers and keys never
# repeat across threads; response() sorts the answers; done() sums the threads' counters.
WRK_SCRIPT = """
local threads = {}
local next_tid = 0
setup = function(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end
tokens = @TOKENS@
addresses = @ADDRESSES@
tid = 0
counter = 0
created = 0
refused = 0
other = 0
request = function()
  local n = counter * @THREADS@ + tid
  counter = counter + 1
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]
  headers["X-Forwarded-For"] = addresses[n % #tokens + 1]
  headers["Idempotency-Key"] = string.format("@RUN@-%d", n)
  return wrk.format("POST", "@PATH@", headers, '@BODY@')
end
response = function(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 409 then refused = refused + 1
  else other = other + 1 end
end
done = function(summary, latency, requests)
  local sent, c, r, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    sent = sent + t:get("counter")
    c = c + t:get("created")
    r = r + t:get("refused")
    o = o + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT sent=%d created=%d refused=%d other=%d answered=%d duration_us=%d p50_us=%d p99_us=%d " ..
    "connect=%d read=%d write=%d timeout=%d\\n",
    sent, c, r, o, summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout))
end
"""
THREADS = 2


@dataclass
class Load:
    sent: int
    created: int
    refused: int
    other: int
    answered: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.other + self.socket_errors

    @property
    def rate(self) -> float:
        return self.answered / self.seconds


def run_wrk(url: str, path: str, body: str, seconds: float, connections: int, viewers: int) -> Load:
    """wrk against ``url`` + ``path`` (POST ``body``) for ``seconds``; what it saw."""
    wrk = shutil.which("wrk")
    assert wrk is not None
    # each simulated viewer is a session the relay minted (app/relay/viewer_sessions.py), from an address
    # of its own (the relays trust loopback as their proxy: TRUST_LOOPBACK)
    sessions = mint_many(url, viewers, addresses=True)
    fill = {"@THREADS@": str(THREADS), "@TOKENS@": lua_tokens(sessions), "@ADDRESSES@": lua_addresses(sessions),
            "@RUN@": "w" + secrets.token_hex(4),
            "@PATH@": path, "@BODY@": body}  # fmt: skip
    script = WRK_SCRIPT
    for name, value in fill.items():
        script = script.replace(name, value)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        command = [wrk, f"-t{THREADS}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", lua.name, url]
        out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    finally:
        Path(lua.name).unlink()
    match = re.search(r"RESULT (.*)", out)
    assert match, out
    got = {k: int(v) for k, v in (field.split("=") for field in match.group(1).split())}
    return Load(
        sent=got["sent"], created=got["created"], refused=got["refused"], other=got["other"],
        answered=got["answered"], seconds=got["duration_us"] / 1e6, p50_ms=got["p50_us"] / 1000,
        p99_ms=got["p99_us"] / 1000,
        socket_errors=got["connect"] + got["read"] + got["write"] + got["timeout"],
    )  # fmt: skip


@dataclass
class Deployment:
    label: str
    url: str
    """Where wrk and the checks go (the relay, or nginx)."""
    room: Room
    count_rows: Callable[[str], int]
    """SQL text -> the store's answer (one integer), read beside the relays."""


def relay_at(relay: RelayProcess, url: str) -> RelayProcess:
    """The same relay (its data folder, its admin token), reached at another address (nginx)."""
    other = RelayProcess(relay.data_dir)
    other.url = url
    other.admin_token = relay.admin_token
    return other


@contextmanager
def embedded(work: Path) -> Iterator[Deployment]:
    relay = RelayProcess(work / "data-sqlite", *TRUST_LOOPBACK).start()
    try:
        room = open_room(relay, "bench", CATALOG)

        def count(sql: str) -> int:
            with sqlite3.connect(f"file:{relay.data_dir / 'commerce.sqlite3'}?mode=ro", uri=True) as db:
                return int(db.execute(sql).fetchone()[0])

        yield Deployment("one relay, embedded SQLite", relay.url, room, count)
    finally:
        relay.stop()


@contextmanager
def shared(work: Path, pg: PostgresServer, redis: RedisServer, relays: int) -> Iterator[Deployment]:
    """``relays`` relays on a fresh PostgreSQL schema and an empty Redis (behind nginx when 2+)."""
    schema = f"bench_{relays}_{secrets.token_hex(4)}"
    pg.psql(f"CREATE SCHEMA {schema}")
    redis.command("FLUSHALL")
    flags = ("--postgres", f"{pg.dsn}?options=-csearch_path%3D{schema}", "--redis", redis.url, *TRUST_LOOPBACK)
    data = work / f"data-{schema}"
    started: list[RelayProcess] = []
    lb: NginxRelays | None = None
    try:
        for _ in range(relays):
            relay = RelayProcess(data, *flags)
            if started:
                relay.admin_token = started[0].admin_token
            started.append(relay.start())
        first = started[0]
        if relays > 1:
            lb = NginxRelays(work / f"nginx-{schema}", [f"127.0.0.1:{r.port}" for r in started]).start()
            front = relay_at(first, lb.url)
            label = f"{relays} relays + PG + Redis, nginx"
        else:
            front = first
            label = "one relay, PostgreSQL + Redis"
        room = open_room(front, "bench", CATALOG)

        def count(sql: str) -> int:
            return int(pg.psql(f"SET search_path TO {schema}; {sql}").splitlines()[-1])

        yield Deployment(label, front.url, room, count)
    finally:
        if lb is not None:
            lb.stop()
        for relay in started:
            relay.stop()
        pg.psql(f"DROP SCHEMA {schema} CASCADE")


def plain_row(deployment: Deployment, seconds: float, connections: int) -> Load:
    path = f"/api/v1/rooms/{deployment.room.name}/orders"
    return run_wrk(deployment.url, path, '{"sku":"tee"}', seconds, connections, viewers=5000)


@dataclass
class Burst:
    load: Load
    units: int
    sold: int
    listed: int
    rows: int
    doubled: int

    @property
    def oversold(self) -> int:
        return max(0, self.sold - self.units, self.listed - self.units, self.rows - self.units)

    @property
    def cut_off(self) -> int:
        """Orders the relay made whose 201 wrk did not read before it stopped."""
        return self.sold - self.load.created

    def verdict(self) -> str:
        problems = []
        if self.oversold or self.doubled:
            problems.append(f"OVERSOLD by {self.oversold}, {self.doubled} viewers with 2+ orders")
        if not (self.sold == self.listed == self.rows):
            problems.append(f"counts disagree: sale {self.sold}, listing {self.listed}, store rows {self.rows}")
        expected = min(self.units, self.load.created)
        if self.sold != expected and not (0 < self.cut_off <= self.load.sent - self.load.answered):
            problems.append(f"sold {self.sold} != min(units, 201s) = {expected}")
        if problems:
            return "; ".join(problems)
        cut = f" ({self.cut_off} answers cut off by wrk's stop)" if self.sold != expected else ""
        return f"0 oversell{cut}"


def burst_row(deployment: Deployment, units: int, connections: int) -> Burst:
    room = deployment.room
    with room.host() as host:
        created = host.post("/flash-sales", json={"sku": "mug", "price": 9.9, "stock": units, "per_user_limit": 1,
                                                  "countdown_s": 0, "duration_s": 60})  # fmt: skip
        created.raise_for_status()
        sale = created.json()
    body = '{"sku":"mug","flash_sale_id":"%s"}' % sale["id"]  # noqa: UP031 (the Lua template's quotes)
    # a viewer per tap (more sessions than a 1 s burst sends): no tap is refused for the per-viewer limit
    load = run_wrk(deployment.url, f"/api/v1/rooms/{room.name}/orders", body, 1, connections, viewers=15_000)
    time.sleep(0.5)  # orders whose answers wrk dropped at its stop finish committing
    with room.host() as host:
        state = httpx.get(f"{room.api}/flash-sales/{sale['id']}", timeout=30).json()
        listing = host.get("/orders", params={"limit": 1000}).json()
    listed = len([o for o in listing if o.get("flash_sale_id") == sale["id"]])
    rows = deployment.count_rows(f"SELECT count(*) FROM orders WHERE flash_sale_id = '{sale['id']}'")
    doubled = deployment.count_rows(
        "SELECT count(*) FROM (SELECT viewer_id FROM orders WHERE flash_sale_id = "
        f"'{sale['id']}' GROUP BY viewer_id HAVING count(*) > 1) AS d"
    )
    return Burst(load, units, int(state["sold"]), listed, rows, doubled)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each plain row")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections, plain rows")
    parser.add_argument("--units", type=int, default=1000, help="flash-sale units in the burst")
    parser.add_argument("--burst-connections", type=int, default=100, help="wrk connections, burst rows")
    parser.add_argument("--rows", default="plain,burst", help="plain, burst or both")
    args = parser.parse_args()
    if args.units > 1000:
        sys.exit("--units: at most 1000 (the host's orders listing, one of the checks, returns up to 1000)")
    for tool in ("wrk", "nginx", "redis-server"):
        if shutil.which(tool) is None:
            sys.exit(f"benchmarks/scale_orders.py needs {tool}: scripts/setup.sh test, or ./test.sh as root")
    wanted = set(args.rows.split(","))
    plain: list[tuple[str, Load]] = []
    bursts: list[tuple[str, Burst]] = []
    pg, redis = PostgresServer(), RedisServer()
    with tempfile.TemporaryDirectory(prefix="shopcast-scale-") as tmp:
        work = Path(tmp)
        try:
            pg.start()
            redis.start()
            with embedded(work) as one:
                if "plain" in wanted:
                    plain.append((one.label + " (peer)", plain_row(one, args.seconds, args.connections)))
                if "burst" in wanted:
                    bursts.append((one.label, burst_row(one, args.units, args.burst_connections)))
            if "plain" in wanted:
                with shared(work, pg, redis, 1) as single:
                    plain.append((single.label, plain_row(single, args.seconds, args.connections)))
            with shared(work, pg, redis, 2) as pair:
                if "plain" in wanted:
                    plain.append((pair.label, plain_row(pair, args.seconds, args.connections)))
                if "burst" in wanted:
                    bursts.append((pair.label, burst_row(pair, args.units, args.burst_connections)))
        finally:
            redis.stop()
            pg.stop()
    print(f"machine: {platform.machine()}, {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if plain:
        print(f"\nPOST /orders, a product with plenty of stock: wrk, {THREADS} threads, {args.connections} "
              f"connections, {args.seconds:g} s a row\n")  # fmt: skip
        print(f"| {'deployment':<40} | {'attempts/s':>10} | {'p50 ms':>7} | {'p99 ms':>7} | {'201':>7} | "
              f"{'409':>5} | {'errors':>6} |")  # fmt: skip
        print(f"|{'-' * 42}|{'-' * 12}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 7}|{'-' * 8}|")
        for label, load in plain:
            print(f"| {label:<40} | {load.rate:>10.0f} | {load.p50_ms:>7.2f} | {load.p99_ms:>7.2f} | "
                  f"{load.created:>7} | {load.refused:>5} | {load.errors:>6} |")  # fmt: skip
    if bursts:
        print(f"\nFlash sale of {args.units} units, per_user_limit 1, one second of attempts from distinct "
              f"viewers: wrk, {THREADS} threads, {args.burst_connections} connections\n")  # fmt: skip
        print(f"| {'deployment':<34} | {'sent in 1 s':>11} | {'answered/s':>10} | {'sold':>5} | {'201':>5} | "
              f"{'409':>6} | {'errors':>6} | {'p99 ms':>7} | oversell check |")  # fmt: skip
        print(f"|{'-' * 36}|{'-' * 13}|{'-' * 12}|{'-' * 7}|{'-' * 7}|{'-' * 8}|{'-' * 8}|{'-' * 9}|{'-' * 16}|")
        for label, burst in bursts:
            load = burst.load
            print(f"| {label:<34} | {load.sent:>11} | {load.rate:>10.0f} | {burst.sold:>5} | {load.created:>5} | "
                  f"{load.refused:>6} | {load.errors:>6} | {load.p99_ms:>7.2f} | {burst.verdict()} |")  # fmt: skip
    failed = [label for label, load in plain if load.errors] + [
        label for label, burst in bursts if burst.load.errors or not burst.verdict().startswith("0 oversell")
    ]
    if failed:
        print(f"\nerrors or a failed check in: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
