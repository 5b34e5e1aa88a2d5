"""Soak: a live show held for N minutes in a full room — does memory stay flat, every segment arrive, every order stay?

    .venv/bin/python benchmarks/soak.py [--minutes 30] [--viewers 500] [--players 10] [--orders-per-s 2]
                                        [--preset auto] [--warmup S] [--json out.json] [--keep DIR]

What runs, all on this machine (the issue's soak: docs/reliability.md):

* a real relay, ``python -m app relay`` (tests/helpers/relay.py), with ``--trusted-proxy 127.0.0.1``:
  each simulated viewer sends its own ``X-Forwarded-For`` address (10.77.x.y), as a room's phones reach
  a relay behind its proxy, so the per-address rate limits see 500 addresses, not one;
* a real broadcast, ``python -m app broadcast`` with the test pattern and a tone at the hardware seam
  (``--source test --mic tone``; no camera or sound card here): the studio's whole pipeline, portrait
  720x1280 at 30 fps (the 720p rung on top of 480p and 360p, AAC, LL-HLS parts of 1/3 s, 1 s segments),
  pushed to the relay, with the room's owner token so the run-of-show's cues switch its scenes;
* the run-of-show (app/rundown.py), played by that broadcast (``--rundown``: the relay auto-advances on
  time): a cycle of five 40 s segments repeated through the show — the tee pinned with a flash sale
  (30 units, 1 per viewer, launched with the cue), the mug with a coupon (满50减5), a poll, the cap with
  a lucky draw (keyword 来了), the shoes — and the host closing each poll after 25 s;
* ``--viewers`` viewers (default 500), each with a session the relay minted, on the live feed's
  WebSocket, joining over 30 s and sending what the viewer page sends (assets/web/room.js): five pings
  on open, ``exposure`` of the pinned products on open and at every pin change, ``hello`` (one in ten
  renames itself), comments (3/s across the room), ``like`` batches (15/s across the room, 1-10 taps
  each, as the page aggregates taps), ``click``/``cart_add``/``share`` (1/s), a question every 20 s;
  and what the page does in the room's campaigns, seen by polling ``live-state`` once a second: 60
  viewers rush each flash sale around its opening (some too early, some twice), 80 claim each coupon
  and most of them buy with it (some under its minimum spend), 150 vote in each poll (some twice, some
  after it closed), 100 enter each draw (half with the button, half by commenting the keyword). A
  viewer cut off reconnects as the page does (backing off 1 s, 2 s, ... 10 s);
* continuous orders, ``--orders-per-s`` (default 2) one-tap buys from random viewers, each with its
  own ``Idempotency-Key``, across the catalog (a scarf with 40 units sells out and is refused from then
  on); one in twenty is sent again with the same key, as an app retries, and must come back as the same
  order (``Idempotent-Replayed``); a 429/503 or a lost connection is retried with the same key;
* ``--players`` (default 10 of the viewers; not all 500: the box has 2 cores, and every player is a
  steady stream of requests) also play the stream as hls.js does in low-latency mode: the multivariant
  playlist, one video rung (720p, 480p and 360p in turn) and the audio rendition, each followed with
  blocking playlist reloads (``_HLS_msn``/``_HLS_part``) and every new part fetched.

The viewers, their orders and the players are benchmarks/_soak_room.py; they all run in this process (its
CPU is the "load generator" row), on uvloop when installed.

Measured: each process's resident memory (its process tree, from /proc) and CPU, sampled every 5 s
and printed once a minute; at the end, for each process, the RSS at the start (the median of the
samples in the 30 s before the warm-up mark, ``--warmup``: 120 s into the show, or half of a shorter
one, after every viewer has joined) and at the end (the median of the last 30 s on air) and the growth
between them; CPU % over that window (100 % = one core); every media sequence number of every rendition
asked of the relay after the show (present = 200 with bytes; any ``EXT-X-GAP`` in the final playlists
counts as dropped) against what the broadcast says it sent and what the show's length asks for; every
order the relay acknowledged (201) looked up in the relay's store (its SQLite file, read-only) with its
product and quantity; per product, units sold against the orders that stand and the stock accounted
for (start = in stock + sold + held by flash sales); each flash sale's units against its orders and
limits; p50/p95 of the order requests' latency as the load generator saw it (its own event-loop lag
is printed beside it: when that is high, so are the latencies); the feed frames the viewers received,
and whether the measuring viewers (``--measure``, default 20) received every comment the relay took.

Goals (issue 18): RSS growth < 10 % (relay and broadcast), zero dropped segments, zero lost orders
(and stock equals orders). The exit code is 1 when any is missed, 2 when the run could not be made.
Every process the soak starts is stopped however it ends (Ctrl-C, SIGTERM, a failure, the relay dying): the
broadcast first (SIGTERM: it ends its stream), then the relay (a Ctrl-C at a terminal reaches the relay too,
which then stops by itself). Only a SIGKILL of the soak itself, which no process can catch, leaves them: the
broadcast then ends at its ``--duration``, the relay stays.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402

from app.rundown import MAX_SEGMENTS, rundown_from_json  # noqa: E402
from benchmarks._machine import cpu_model  # noqa: E402
from benchmarks._soak_room import (  # noqa: E402
    CATALOG,
    INITIAL_STOCK,
    RAMP,
    ROOM,
    TASK_FAILURES,
    Crowd,
    Director,
    Feed,
    Orders,
    Playback,
    Player,
    Shop,
    Tally,
    Viewer,
    comment_delivery,
    mint_sessions,
    percentile,
    watch_loop,
)
from benchmarks.live_load import Sample, sample  # noqa: E402
from pipeline.encoders import X264_PRESETS  # noqa: E402
from tests.helpers.processes import stop_process  # noqa: E402
from tests.helpers.relay import RelayProcess  # noqa: E402
from tests.helpers.room import open_room  # noqa: E402

RENDITIONS = ("720p", "480p", "360p", "audio")
RSS_GROWTH_GOAL = 10.0
"""Per cent, relay and broadcast each."""
SAMPLE_EVERY = 5.0
PRINT_EVERY = 60.0
WINDOW = 30.0
"""Seconds of samples whose median is the RSS at the start (before the warm-up mark) and at the end."""
MB = 1024 * 1024

SEGMENT_PLAN_S = 40
RUNDOWN_MARGIN_S = 300
"""The run-of-show is planned this much longer than the show, so the broadcast's ``--duration`` ends it."""
CYCLE: list[dict[str, Any]] = [
    {"kind": "product", "title": "纯棉T恤 · 秒杀", "sku": "tee", "scene": "showcase", "points": ["精梳棉，亲肤透气"],
     "flash_sale": {"price": 39.9, "stock": 30, "per_user_limit": 1, "countdown_s": 5, "duration_s": 60,
                    "launch_with_cue": True}},
    {"kind": "product", "title": "保温杯 · 优惠券", "sku": "mug", "scene": "pip", "points": ["12小时保温"],
     "coupon": {"title": "满50减5", "amount": 5, "min_spend": 50, "quota": 100, "per_user_limit": 1, "valid_s": 600,
                "launch_with_cue": True}},
    {"kind": "interaction", "title": "投票", "scene": "full", "points": ["下一款讲哪个？"],
     "poll": {"question": "下一款讲哪个？", "options": ["帽子", "跑鞋", "围巾"], "launch_with_cue": True}},
    {"kind": "product", "title": "棒球帽 · 福袋", "sku": "cap", "scene": "showcase", "points": ["评论来了参与福袋"],
     "draw": {"prize": "福袋 Lucky bag", "winners": 3, "keyword": "来了", "duration_s": 30, "launch_with_cue": True}},
    {"kind": "product", "title": "跑鞋", "sku": "shoe", "scene": "showcase", "points": ["40、41码有货"]},
]  # fmt: skip


# --- the processes ------------------------------------------------------------------------------------------


class Children:
    """Every process the soak starts, stopped newest first however the soak ends (a second Ctrl-C waits)."""

    def __init__(self) -> None:
        self.stops: list[tuple[str, Callable[[], None]]] = []

    def add(self, name: str, stop: Callable[[], None]) -> None:
        self.stops.append((name, stop))

    def stop_all(self) -> None:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            while self.stops:
                name, stop = self.stops.pop()
                try:
                    stop()
                except Exception as exc:  # keep stopping the others
                    print(f"soak: could not stop the {name}: {exc}", file=sys.stderr)
        finally:
            signal.signal(signal.SIGINT, previous)


def write_secret(path: Path, value: str) -> Path:
    path.touch(mode=0o600)
    path.write_text(value + "\n")
    return path


def plan_rundown(live_seconds: float) -> dict[str, Any]:
    """The cycle of segments repeated past the end of the show (at most the file's MAX_SEGMENTS)."""
    total = live_seconds + RUNDOWN_MARGIN_S
    count = min(MAX_SEGMENTS, math.ceil(total / SEGMENT_PLAN_S))
    duration = max(SEGMENT_PLAN_S, math.ceil(total / count))
    segments = [{**CYCLE[n % len(CYCLE)], "id": f"s{n:03d}", "duration_s": duration} for n in range(count)]
    plan = {
        "format": "shopcast.rundown",
        "version": 1,
        "title": "Soak 压测",
        "segments": segments,
        "auto_advance": {"sold_out": False, "time_up": True},
    }
    rundown_from_json(json.dumps(plan).encode())  # refused here, with its place, rather than by the relay
    return plan


def start_broadcast(
    relay: RelayProcess, work: Path, room: dict[str, str], args: argparse.Namespace, live_seconds: float
) -> tuple[subprocess.Popen[bytes], Path]:
    key = write_secret(work / "stream-key", room["stream_key"])
    owner = write_secret(work / "owner-token", room["owner_token"])
    rundown = work / "rundown.json"
    rundown.write_text(json.dumps(plan_rundown(live_seconds), ensure_ascii=False))
    log = work / "broadcast.log"
    options = {"--relay": relay.url, "--room": ROOM, "--key-file": str(key), "--owner-token-file": str(owner),
               "--source": "test", "--mic": "tone", "--canvas": "portrait", "--preset": args.preset,
               "--rundown": str(rundown), "--duration": f"{live_seconds:g}"}  # fmt: skip
    command = [sys.executable, "-m", "app", "broadcast", *(part for pair in options.items() for part in pair)]
    with log.open("wb") as out:  # its own session: a Ctrl-C reaches the soak, which ends the broadcast cleanly
        process = subprocess.Popen(
            command,
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
    return process, log


async def wait_live(relay: RelayProcess, broadcast: subprocess.Popen[bytes], log: Path, timeout: float) -> float:
    """The monotonic time the relay first says the room is live."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        while time.monotonic() < deadline:
            if broadcast.poll() is not None:
                raise RuntimeError(f"the broadcast exited ({broadcast.returncode}) before going live:\n{tail(log)}")
            with contextlib.suppress(aiohttp.ClientError, OSError, TimeoutError):
                async with http.get(f"{relay.url}/api/v1/rooms/{ROOM}") as response:
                    if (await response.json()).get("state") == "live":
                        return time.monotonic()
            await asyncio.sleep(0.25)
    raise RuntimeError(f"the room was not live after {timeout:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


# --- sampling -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    t: float
    """Seconds since the room went live."""
    relay: Sample
    broadcast: Sample | None
    load_cpu: float
    load_rss: int


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def own_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Sampler:
    def __init__(
        self, relay_pid: int, broadcast: subprocess.Popen[bytes], live_at: float, log: Path, progress: Callable[[], str]
    ) -> None:
        self.relay_pid = relay_pid
        self.broadcast = broadcast
        self.live_at = live_at
        self.log = log
        self.progress = progress
        self.points: list[Point] = []

    def take(self) -> Point:
        on_air = self.broadcast.poll() is None
        point = Point(
            time.monotonic() - self.live_at,
            sample(self.relay_pid),
            sample(self.broadcast.pid) if on_air else None,
            own_cpu(),
            own_rss(),
        )
        self.points.append(point)
        return point

    async def run(self, stop: asyncio.Event) -> None:
        next_print = PRINT_EVERY
        last = self.take()
        while not stop.is_set():
            await asyncio.sleep(SAMPLE_EVERY - (time.monotonic() - self.live_at) % SAMPLE_EVERY)
            point = self.take()
            if point.t >= next_print - 0.5:
                print(self.line(last, point), flush=True)
                last, next_print = point, next_print + PRINT_EVERY

    def line(self, a: Point, b: Point) -> str:
        span = max(1e-6, b.relay.at - a.relay.at)
        cast = (
            f"broadcast {b.broadcast.rss / MB:.0f} MB {100 * (b.broadcast.cpu - a.broadcast.cpu) / span:.0f}%"
            if b.broadcast and a.broadcast
            else "broadcast ended"
        )
        other = (
            b.relay.machine_busy
            - a.relay.machine_busy
            - (b.relay.cpu - a.relay.cpu)
            - ((b.broadcast.cpu - a.broadcast.cpu) if b.broadcast and a.broadcast else 0)
        )
        stats = last_stats(self.log)
        return (
            f"[{int(b.t) // 60:3d}:{int(b.t) % 60:02d}] relay {b.relay.rss / MB:.0f} MB "
            f"{100 * (b.relay.cpu - a.relay.cpu) / span:.0f}% · {cast} · load "
            f"{100 * (b.load_cpu - a.load_cpu) / span:.0f}% · other {100 * max(0.0, other) / span:.0f}% · "
            + self.progress()
            + (f" · {stats}" if stats else "")
        )


def last_stats(log: Path) -> str:
    """The broadcast's last counters line, shortened to its live time, skipped frames and outputs."""
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("live ")]
    except OSError:
        return ""
    if not lines:
        return ""
    fields = lines[-1].split(" · ")
    return " · ".join(f for f in fields if f.startswith(("skipped", "relay")))


def median_rss(points: list[Point], who: str, start: float, end: float) -> float:
    values = [s.rss for s in samples_of(points, who, start, end)]
    return float(statistics.median(values)) / MB if values else math.nan


def cpu_percent(points: list[Point], who: str, start: float, end: float) -> float:
    inside = samples_of(points, who, start, end)
    if len(inside) < 2:
        return math.nan
    a, b = inside[0], inside[-1]
    return 100 * (b.cpu - a.cpu) / max(1e-6, b.at - a.at)


def by_minute(points: list[Point], who: str, end: float) -> list[float]:
    """RSS in MB at each whole minute on air up to ``end`` (the sample nearest to it): a leak climbs all the
    way, a cache filling up levels off."""
    out = []
    for minute in range(1, int(end // 60) + 1):
        near = samples_of(points, who, minute * 60 - SAMPLE_EVERY, minute * 60 + SAMPLE_EVERY)
        out.append(round(near[len(near) // 2].rss / MB, 1) if near else math.nan)
    return out


def samples_of(points: list[Point], who: str, start: float, end: float) -> list[Sample]:
    """The relay's or the broadcast's samples taken from ``start`` to ``end`` (seconds on air)."""
    found = [p.relay if who == "relay" else p.broadcast for p in points if start <= p.t <= end]
    return [s for s in found if s is not None]


# --- the checks after the show ------------------------------------------------------------------------------


async def check_segments(base: str, stream_id: str) -> dict[str, dict[str, Any]]:
    """Per rendition: the final playlist's last sequence number, gaps marked in it, and every sequence
    number from 0 asked of the relay (present: 200 with bytes)."""
    out: dict[str, dict[str, Any]] = {}
    gate = asyncio.Semaphore(8)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:

        async def present(url: str) -> bool:
            async with gate, http.get(url) as response:
                return response.status == 200 and len(await response.read()) > 0

        for name in RENDITIONS:
            folder = f"{base}/live/{ROOM}/{stream_id}/{name}"
            async with http.get(f"{folder}/index.m3u8") as response:
                text = await response.text() if response.status == 200 else ""
            names = [line for line in text.splitlines() if line.startswith("seg_")]
            last = int(names[-1][4:10]) if names else -1
            found = await asyncio.gather(*(present(f"{folder}/seg_{n:06d}.m4s") for n in range(last + 1)))
            out[name] = {
                "last": last,
                "ended": "#EXT-X-ENDLIST" in text,
                "gaps": text.count("#EXT-X-GAP"),
                "present": sum(found),
                "missing": [n for n, ok in enumerate(found) if not ok][:20],
            }
    return out


def check_store(data: Path, acked: dict[str, tuple[str, int]]) -> dict[str, Any]:
    """What the relay's store holds against what it acknowledged, read from its SQLite file (read-only)."""
    db = sqlite3.connect(f"file:{data / 'commerce.sqlite3'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        orders = {r["id"]: r for r in db.execute("SELECT * FROM orders WHERE room = ?", (ROOM,))}
        products = {r["sku"]: r for r in db.execute("SELECT sku, stock, sold FROM products WHERE room = ?", (ROOM,))}
        sales = list(db.execute("SELECT * FROM flash_sales WHERE room = ?", (ROOM,)))
        buyers = list(
            db.execute(
                "SELECT b.* FROM flash_sale_buyers b JOIN flash_sales s ON s.id = b.flash_sale_id WHERE s.room = ?",
                (ROOM,),
            )
        )
        events = dict(db.execute("SELECT type, COUNT(*) FROM events WHERE room = ? GROUP BY type", (ROOM,)).fetchall())
        texts = [r["text"] for r in db.execute("SELECT text FROM comments WHERE room = ?", (ROOM,))]
    finally:
        db.close()
    standing = [o for o in orders.values() if o["status"] in ("created", "paid")]
    lost = sorted(set(acked) - set(orders))
    wrong = sorted(
        i for i, (sku, qty) in acked.items() if i in orders and (orders[i]["sku"], orders[i]["qty"]) != (sku, qty)
    )
    stock_problems = []
    for sku, row in products.items():
        sold = sum(o["qty"] for o in standing if o["sku"] == sku)
        held = sum(s["stock"] - s["sold"] for s in sales if s["sku"] == sku and s["phase"] != "closed")
        if row["sold"] != sold:
            stock_problems.append(f"{sku}: sold {row['sold']} but the standing orders hold {sold}")
        if row["stock"] + row["sold"] + held != INITIAL_STOCK.get(sku, -1):
            stock_problems.append(
                f"{sku}: in stock {row['stock']} + sold {row['sold']} + held by flash sales {held}"
                f" != {INITIAL_STOCK.get(sku)} at the start"
            )
    for sale in sales:
        sold = sum(o["qty"] for o in standing if o["flash_sale_id"] == sale["id"])
        over = [
            b["viewer_id"] for b in buyers if b["flash_sale_id"] == sale["id"] and b["qty"] > sale["per_user_limit"]
        ]
        if sale["sold"] != sold or sale["sold"] > sale["stock"] or over:
            stock_problems.append(
                f"flash sale {sale['id']}: sold {sale['sold']} of {sale['stock']}, orders {sold},"
                f" over the limit {len(over)}"
            )
    return {
        "orders_in_store": len(orders),
        "standing": len(standing),
        "statuses": dict(Counter(o["status"] for o in orders.values())),
        "not_acknowledged": len(set(orders) - set(acked)),
        "lost": lost,
        "wrong": wrong,
        "stock_problems": stock_problems,
        "flash_sales": len(sales),
        "flash_units_sold": sum(s["sold"] for s in sales),
        "events": {
            k: events.get(k, 0)
            for k in (
                "rundown.cue",
                "rundown.launched",
                "flash_sale.created",
                "coupon.issued",
                "coupon.claimed",
                "poll.opened",
                "poll.closed",
                "draw.opened",
                "draw.entered",
                "draw.closed",
                "comment",
                "order.created",
            )
        },
        "event_rows": sum(events.values()),
        "comment_markers": {int(t.rsplit("#", 1)[1]) for t in texts if t.rsplit("#", 1)[-1].isdigit()},
    }


# --- the run ------------------------------------------------------------------------------------------------


def broadcast_summary(log: Path) -> dict[str, Any]:
    lines = log.read_text(errors="replace").splitlines()
    ended = next((line for line in lines if line.startswith("Stream ") and " ended after " in line), "")
    words = ended.split()
    return {
        "stream_id": words[1] if ended else None,
        "segments": int(words[4]) if ended else None,
        "lines": [line.strip() for line in lines[lines.index(ended) + 1 :]] if ended else lines[-10:],
    }


@dataclass
class Show:
    """The relay, the broadcast on air and the viewers' sessions."""

    relay: RelayProcess
    owner_token: str
    viewers: list[Viewer]
    broadcast: subprocess.Popen[bytes]
    log: Path
    live_at: float
    """Monotonic time the relay first said the room was live."""


async def start_show(args: argparse.Namespace, children: Children, work: Path) -> Show:
    relay = RelayProcess(work / "relay", "--trusted-proxy", "127.0.0.1").start(timeout=60)

    def stop_relay() -> None:
        relay.stop()
        (work / "relay.log").write_text("\n".join(relay.output) + "\n")

    children.add("relay", stop_relay)
    room = open_room(relay, ROOM, CATALOG)
    sessions = await mint_sessions(relay.url, args.viewers)
    viewers = [Viewer(n, s, n < args.measure) for n, s in enumerate(sessions)]
    created = {"stream_key": room.stream_key, "owner_token": room.owner_token}
    broadcast, log = start_broadcast(relay, work, created, args, args.minutes * 60)
    children.add("broadcast", lambda: stop_process(broadcast, 60))
    live_at = await wait_live(relay, broadcast, log, timeout=180)
    return Show(relay, room.owner_token, viewers, broadcast, log, live_at)


@dataclass
class Load:
    tally: Tally
    crowd: Crowd
    director: Director
    sampler: Sampler
    on_air: float = math.nan
    """Seconds from going live to the broadcast's exit."""


async def hold(show: Show, args: argparse.Namespace) -> Load:
    """The room's load, from going live until the broadcast has ended (or a load task failed)."""
    tally, stop = Tally(), asyncio.Event()
    api = f"{show.relay.url}/api/v1/rooms/{ROOM}"
    crowd = Crowd(api.replace("http://", "ws://", 1) + "/live", show.viewers, tally, stop)
    shop = Shop(api, show.viewers, tally, stop)
    director = Director(api, show.owner_token, crowd, shop, stop)
    load = Load(tally, crowd, director, Sampler(show.relay.pid, show.broadcast, show.live_at, show.log,
                                                lambda: progress(tally, crowd)))  # fmt: skip
    players = [Player(show.relay.url, v, n, tally.playback, stop) for n, v in enumerate(show.viewers[: args.players])]
    loops = [crowd.join(), crowd.chatter(), shop.steady(args.orders_per_s), shop.questions(), director.run(),
             load.sampler.run(stop), watch_loop(tally.loop_lag, stop), *(p.run() for p in players)]  # fmt: skip
    running = [asyncio.ensure_future(loop) for loop in loops]
    try:
        deadline = show.live_at + args.minutes * 60 + 180
        while show.broadcast.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            failed = [t for t in running if t.done() and t.exception() is not None]
            if failed:
                raise RuntimeError(f"a load task failed: {failed[0].exception()!r}")
            if not alive(show.relay.pid):
                last = "\n".join(show.relay.output[-20:])
                raise RuntimeError(f"the relay exited during the show; its last lines:\n{last}")
        if show.broadcast.poll() is None:
            raise RuntimeError("the broadcast was still running 180 s after the end of the show")
        load.on_air = time.monotonic() - show.live_at
    finally:
        stop.set()
        await shop.close(timeout=30)
        await crowd.close()
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
    load.sampler.take()
    return load


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a child that exited and was not waited for yet is a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def progress(tally: Tally, crowd: Crowd) -> str:
    o = tally.orders
    return (
        f"feed {len(crowd.connected())} open, {tally.feed.disconnects.total()} dropped, "
        f"{tally.feed.frames / 1000:.1f}k msgs · orders {len(o.acked)} ok, {sum(o.refused.values())} refused, p95 "
        f"{1000 * percentile(o.latency_ok[-500:], 0.95):.0f} ms · parts {tally.playback.parts}"
    )


async def soak(args: argparse.Namespace, children: Children, work: Path) -> dict[str, Any]:
    """Run the show, then check what the relay holds; every figure of the table."""
    live_seconds = args.minutes * 60
    warmup = args.warmup if args.warmup is not None else min(120.0, live_seconds / 2)
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    show = await start_show(args, children, work)
    print(f"soak: live; {args.viewers} viewers joining over {RAMP:.0f} s, {args.players} of them playing, for "
          f"{args.minutes:g} min (RSS baseline at {warmup:.0f} s)", flush=True)  # fmt: skip
    load = await hold(show, args)
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    summary = broadcast_summary(show.log)
    segments = await check_segments(show.relay.url, summary["stream_id"]) if summary["stream_id"] else {}
    store = check_store(show.relay.data_dir, load.tally.orders.acked)
    end = min(load.on_air, live_seconds) - 5
    machine = {"cpu": cpu_model(), "cores": os.cpu_count(), "arch": platform.machine(),
               "python": platform.python_version(), "load_before": load_before, "load_after": load_after}  # fmt: skip
    return {
        "args": vars(args)
        | {"json": str(args.json) if args.json else None, "keep": str(args.keep) if args.keep else None},
        "machine": machine,
        "live_seconds": live_seconds,
        "on_air_s": load.on_air,
        "warmup_s": warmup,
        "end_s": end,
        "broadcast": {"returncode": show.broadcast.returncode, **summary},
        "processes": processes(load.sampler.points, warmup, end),
        "rss_by_minute": {who: by_minute(load.sampler.points, who, end) for who in ("relay", "broadcast")},
        "segments": segments,
        "store": store,
        "tally": load.tally,
        "comments": comment_delivery(show.viewers, store.pop("comment_markers"), load.crowd.sent_at),
        "director_problems": dict(load.director.problems),
    }


def processes(points: list[Point], warmup: float, end: float) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    for who in ("relay", "broadcast"):
        start_mb = median_rss(points, who, warmup - WINDOW, warmup)
        end_mb = median_rss(points, who, end - WINDOW, end)
        rows[who] = {
            "rss_start_mb": start_mb,
            "rss_end_mb": end_mb,
            "growth_pct": 100 * (end_mb - start_mb) / start_mb,
            "cpu_pct": cpu_percent(points, who, warmup, end),
        }
    inside = [p for p in points if warmup <= p.t <= end and p.broadcast is not None]
    if len(inside) >= 2:
        a, b = inside[0], inside[-1]
        assert a.broadcast is not None
        assert b.broadcast is not None
        span = b.relay.at - a.relay.at
        load = 100 * (b.load_cpu - a.load_cpu) / span
        busy = b.relay.machine_busy - a.relay.machine_busy
        other = (busy - (b.relay.cpu - a.relay.cpu) - (b.broadcast.cpu - a.broadcast.cpu)) / span
        rows["load generator"] = {
            "rss_start_mb": a.load_rss / MB,
            "rss_end_mb": b.load_rss / MB,
            "growth_pct": 100 * (b.load_rss - a.load_rss) / a.load_rss,
            "cpu_pct": load,
        }
        rows["rest of the machine"] = {"cpu_pct": 100 * max(0.0, other)}
    return rows


# --- the report ---------------------------------------------------------------------------------------------


def verdicts(r: dict[str, Any]) -> dict[str, bool]:
    procs, segs, store, o = r["processes"], r["segments"], r["store"], r["tally"].orders
    expected = math.floor(r["live_seconds"])
    return {
        "relay RSS growth < 10 %": procs["relay"]["growth_pct"] < RSS_GROWTH_GOAL,
        "broadcast RSS growth < 10 %": procs["broadcast"]["growth_pct"] < RSS_GROWTH_GOAL,
        # every segment the broadcast made is on the relay, none marked missing, and it made one a second
        "zero dropped segments": bool(segs)
        and r["broadcast"]["returncode"] == 0
        and all(
            s["ended"]
            and not s["gaps"]
            and s["present"] == s["last"] + 1 == r["broadcast"]["segments"]
            and s["present"] >= expected - 1
            for s in segs.values()
        ),
        "zero lost orders": not store["lost"] and not store["wrong"] and not o.replay_mismatches,
        "stock equals orders": not store["stock_problems"],
    }


def counted(counter: Counter[str], limit: int = 6) -> str:
    return ", ".join(f"{k or '?'} {v}" for k, v in counter.most_common(limit)) or "none"


def table(r: dict[str, Any]) -> list[str]:
    t: Tally = r["tally"]
    o, f, pb, store, procs = t.orders, t.feed, t.playback, r["store"], r["processes"]
    m = r["machine"]
    rows: list[tuple[str, str]] = []
    for who in ("relay", "broadcast", "load generator"):
        p = procs.get(who)
        if p:
            rows.append(
                (
                    f"{who} RSS start → end (growth)",
                    f"{p['rss_start_mb']:.0f} MB → {p['rss_end_mb']:.0f} MB ({p['growth_pct']:+.1f} %)",
                )
            )
    for who, series in r["rss_by_minute"].items():
        rows.append((f"{who} RSS at each minute (MB)", ", ".join(f"{v:.0f}" for v in series) or "-"))
    rows.append(("CPU (mean, 100 % = one core)", " · ".join(f"{who} {p['cpu_pct']:.0f} %" for who, p in procs.items())))
    expected = math.floor(r["live_seconds"])
    for name, s in r["segments"].items():
        rows.append(
            (
                f"segments {name}: expected (one a second) / present",
                f"≥ {expected} / {s['present']} (last seq {s['last']}, gaps {s['gaps']}, missing "
                f"{s['missing'] or 'none'}, ended {'yes' if s['ended'] else 'NO'})",
            )
        )
    b = r["broadcast"]
    rows.append(
        ("broadcast's own account", f"{b['segments']} segments, exit {b['returncode']}; " + "; ".join(b["lines"][:4]))
    )
    rows.append(
        (
            "orders: taps / acknowledged (201)",
            f"{o.attempts} / {len(o.acked)}; replays "
            f"{o.replays} (mismatched {len(o.replay_mismatches)}); unanswered {o.unanswered}",
        )
    )
    rows.append(("orders refused (409)", counted(o.refused)))
    rows.append(("orders retried / errors", f"{counted(o.retried)} / {counted(o.errors)}"))
    rows.append(
        (
            "orders in the store / lost / wrong",
            f"{store['orders_in_store']} ({counted(Counter(store['statuses']))}; {store['not_acknowledged']} never"
            f" acknowledged) / {len(store['lost'])} / {len(store['wrong'])}",
        )
    )
    rows.append(
        ("stock equals orders", "yes" if not store["stock_problems"] else "; ".join(store["stock_problems"][:3]))
    )
    rows.append(
        (
            "order latency p50 / p95 (201s)",
            f"{1000 * percentile(o.latency_ok, 0.5):.0f} / {1000 * percentile(o.latency_ok, 0.95):.0f} ms; all answers"
            f" p95 {1000 * percentile(o.latency_all, 0.95):.0f} ms; load loop lag p95 "
            f"{1000 * percentile(t.loop_lag, 0.95):.0f} ms",
        )
    )
    per_s = f.frames / max(1.0, r["on_air_s"])
    rows.append(
        (
            "feed messages delivered",
            f"{f.frames} frames, {f.frame_bytes / MB:.0f} MB ({per_s:.0f}/s to the room,"
            f" {per_s / r['args']['viewers']:.1f}/s per viewer); connects {f.connects}, dropped {f.disconnects.total()}"
            f" (close codes: {counted(f.disconnects)}),"
            f" failed handshakes {counted(f.connect_failures)}",
        )
    )
    rows.append(("feed messages sent by viewers", f"{counted(f.sent, 10)}; send failures {f.send_failures}"))
    c = r["comments"]
    rows.append(
        (
            "comments sent / taken / received by the measuring viewers",
            f"{c['sent']} / {c['taken']} / {c['received']} of {c['due']} due on {c['viewers']} viewers (lowest "
            f"{c['lowest_pct']:.2f} %); refusals on the feed: {counted(f.errors)}"
            + "".join(f"; {k}: {v!r}" for k, v in list(f.error_examples.items())[:3]),
        )
    )
    rows.append(
        (
            "campaigns (run-of-show)",
            f"{counted(t.campaigns)}; cues {store['events']['rundown.cue']}, "
            f"launched {store['events']['rundown.launched']}, flash units sold {store['flash_units_sold']}",
        )
    )
    rows.append(("viewer actions", counted(t.actions, 14)))
    rows.append(("load tasks that failed", counted(TASK_FAILURES, 3)))
    rows.append(
        (
            "players (LL-HLS)",
            f"{pb.players}: {pb.parts} parts, part p50 / p95 {1000 * percentile(pb.latencies, 0.5):.0f}"
            f" / {1000 * percentile(pb.latencies, 0.95):.0f} ms after its end; part errors "
            f"{counted(pb.part_errors)}; playlist errors {counted(pb.playlist_errors)}",
        )
    )
    lines = [
        f"machine: {m['arch']}, {m['cores']} cores ({m['cpu']}), Python {m['python']}; load average "
        f"{' '.join(m['load_before'])} before, {' '.join(m['load_after'])} after",
        f"soak: {r['args']['minutes']:g} min of portrait 720x1280@30 (720p/480p/360p + AAC, preset "
        f"{r['args']['preset']}), {r['args']['viewers']} viewers, {r['args']['players']} players, "
        f"{r['args']['orders_per_s']:g} orders/s; on air {r['on_air_s']:.0f} s; RSS start at "
        f"{r['warmup_s']:.0f} s, end at {r['end_s']:.0f} s (medians of {WINDOW:.0f} s)",
        "| measure | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in rows]
    lines += ["", "| goal | result |", "|---|---|"]
    lines += [f"| {goal} | {'met' if ok else 'MISSED'} |" for goal, ok in verdicts(r).items()]
    return lines


def as_json(value: Any) -> Any:
    if isinstance(value, Tally | Orders | Feed | Playback):
        out = {
            k: as_json(v)
            for k, v in vars(value).items()
            if k not in ("latency_ok", "latency_all", "latencies", "loop_lag", "acked")
        }
        if isinstance(value, Orders):
            out |= {
                "acknowledged": len(value.acked),
                "p50_ms": 1000 * percentile(value.latency_ok, 0.5),
                "p95_ms": 1000 * percentile(value.latency_ok, 0.95),
            }
        if isinstance(value, Playback):
            out |= {
                "part_p50_ms": 1000 * percentile(value.latencies, 0.5),
                "part_p95_ms": 1000 * percentile(value.latencies, 0.95),
            }
        if isinstance(value, Tally):
            out["loop_lag_p95_ms"] = 1000 * percentile(value.loop_lag, 0.95)
        return out
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="minutes on air (default 30)")
    parser.add_argument("--viewers", type=int, default=500, help="viewers on the live feed (default 500)")
    parser.add_argument("--players", type=int, default=10, help="of them, how many also play LL-HLS (default 10)")
    parser.add_argument("--measure", type=int, default=20, help="of them, how many check every comment (default 20)")
    parser.add_argument("--orders-per-s", type=float, default=2.0, help="steady one-tap orders a second (default 2)")
    parser.add_argument(
        "--preset",
        default="auto",
        choices=("auto", *X264_PRESETS),
        help="the broadcast's x264 preset (default auto: measured, then adapted, as a show)",
    )
    parser.add_argument("--warmup", type=float, help="seconds on air before the RSS baseline (default 120, or half)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--keep", type=Path, help="keep the relay's data and the logs in this folder")
    args = parser.parse_args()
    if args.minutes * 60 < 2 * WINDOW + RAMP or args.viewers < 1 or args.players < 0 or args.orders_per_s <= 0:
        parser.error(
            f"--minutes must give at least {(2 * WINDOW + RAMP) / 60:g} min; --viewers >= 1, --orders-per-s > 0"
        )
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    def terminate(signum: int, frame: object) -> None:  # SIGTERM: as Ctrl-C (asyncio's runner turns that into a stop)
        os.kill(os.getpid(), signal.SIGINT)

    signal.signal(signal.SIGTERM, terminate)
    children = Children()
    with contextlib.ExitStack() as stack:
        work = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="shopcast-soak-")))
        work.mkdir(parents=True, exist_ok=True)
        try:
            result = run_loop(soak(args, children, work))
        except KeyboardInterrupt:
            print("soak: interrupted; stopping what it started", file=sys.stderr)
            return 130
        except Exception as exc:
            traceback.print_exc()
            print(f"soak: the run could not be made: {exc}", file=sys.stderr)
            return 2
        finally:
            children.stop_all()
    for line in table(result):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(as_json(result | {"verdicts": verdicts(result)}), ensure_ascii=False, indent=1))
    return 0 if all(verdicts(result).values()) else 1


def run_loop(work: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """``work`` on uvloop when installed (as the relay runs), else asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)  # type: ignore[arg-type]
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(work)  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
