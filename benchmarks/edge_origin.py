"""Origin load with and without caching edges: N LL-HLS viewers on the relay directly, then through two nginx edges.

    .venv/bin/python benchmarks/edge_origin.py [--viewers 500] [--seconds 20] [--warmup 6] [--workers 2]
                                               [--setups direct,edges] [--relay-log]

One relay (the origin, ``python -m app relay``) gets a live broadcast started the way
tests/e2e/test_edges.py starts it: a studio session streaming the test pattern (portrait, 15 fps,
720p + 360p, ultrafast) with the default LL-HLS packaging (1 s segments, parts of 1/3 s). Two caching
edges run Debian's nginx on packaging/nginx/edge.conf (tests/helpers/nginx_edge.py). The same broadcast
serves both rows, one after the other:

* ``direct``: every viewer asks the relay itself (the peer: what the origin carries with no edges);
* ``edges``: the viewers are split over the two edges (half each); the edges ask the origin.

A viewer is an aiohttp client doing what hls.js does in low-latency mode on one rendition, the lowest
rung (audio, a separate rendition hls.js would also follow, is left out): it loads the multivariant
playlist, the media playlist, the init segment (EXT-X-MAP, once) and the last PART-HOLD-BACK of parts,
then loops on a blocking playlist request for the part after the last one listed
(``?_HLS_msn=M&_HLS_part=P``, hls.js's rule: the next part of the open segment, or part 0 of the next
segment when the last part listed closes a segment). Each new part it lists is fetched in order by a
second task, so, as in hls.js, the next playlist request does not wait for the parts. Preload hints
are not fetched (released hls.js does not: video-dev/hls.js#3988). Each viewer has its own connection
pool, as separate phones would. The viewers run in ``--workers`` processes; they join over 2 s and are
measured after ``--warmup`` seconds, for ``--seconds``.

Columns: "viewer requests/s" counts every /live/ request the viewers completed in the window (any
status); "origin requests/s" counts the requests that reached the relay in the same window: for
``direct`` the viewers' own, for ``edges`` the edges' access-log lines for /live/ whose cache status
is not HIT (a MISS, or an EXPIRED/STALE/UPDATING refresh, went to the origin). "ratio" is viewer
requests per origin request. "part p50/p95" is a part's end (its segment's PROGRAM-DATE-TIME plus the
parts before it and itself) to its last byte at the viewer: encoding and the push are in it, the same
for both rows; the difference between rows is delivery. "parts/s per viewer" is 3.0 when every viewer
keeps up with the stream. "origin CPU" is the relay process (it also ingests the push), "viewers' CPU"
the viewer processes together (100 % = one core). Everything runs on this machine: relay, edges,
encoder and the load share its cores. ``--relay-log`` turns on the relay's access log and adds a
cross-check line (the log costs the relay CPU, so it is off by default).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import os
import platform
import re
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402

from benchmarks._machine import cpu_model  # noqa: E402

ROOM = "edgebench"
SETUPS = ("direct", "edges")
RAMP = 2.0
"""Seconds over which the viewers join."""
REQUEST_TIMEOUT = 10.0
PART_URI = re.compile(r'URI="([^"]+)"')
PART_DURATION = re.compile(r"DURATION=([0-9.]+)")
LOCK_POLL = 0.4
"""An edge answer from the cache that took this long waited on proxy_cache_lock (nginx polls it every 500 ms)."""
PART_NAME = re.compile(r"seg_(\d+)\.(\d+)\.m4s$")


# --- the viewer (runs in the worker processes) ------------------------------------------------------


@dataclass
class Playlist:
    map_uri: str | None = None
    parts: list[tuple[str, float]] = field(default_factory=list)
    """(URI, wall-clock end of the part from PROGRAM-DATE-TIME) in playlist order."""
    last_msn: int = -1
    open_parts: int = 0
    part_hold_back: float = 1.0


def parse_date(text: str) -> float:
    return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).timestamp()


def parse_media_playlist(text: str) -> Playlist:
    """What a low-latency player needs from a media playlist (the format pipeline/hls_playlist.py writes)."""
    out = Playlist()
    sequence = 0
    segments = 0
    clock: float | None = None
    for line in text.splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-MAP:"):
            match = PART_URI.search(line)
            out.map_uri = match.group(1) if match else None
        elif line.startswith("#EXT-X-SERVER-CONTROL:"):
            hold = re.search(r"PART-HOLD-BACK=([0-9.]+)", line)
            if hold:
                out.part_hold_back = float(hold.group(1))
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            clock = parse_date(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-PART:"):
            uri, duration = PART_URI.search(line), PART_DURATION.search(line)
            if uri and duration:
                clock = (clock or 0.0) + float(duration.group(1))
                out.parts.append((uri.group(1), clock))
                out.open_parts += 1
        elif line.startswith("#EXTINF:"):
            segments += 1
            out.open_parts = 0
        elif line and not line.startswith("#"):
            out.open_parts = 0  # a segment URI closes its parts
            clock = None
    out.last_msn = sequence + segments - 1
    return out


def part_key(uri: str) -> tuple[int, int]:
    match = PART_NAME.search(uri)
    return (int(match.group(1)), int(match.group(2))) if match else (-1, -1)


@dataclass
class Tally:
    """What one worker saw in the measuring window [t0, t1]."""

    t0: float
    t1: float
    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def note(self, kind: str, status: int | str, done: float) -> None:
        if self.t0 <= done <= self.t1:
            self.requests[kind] += 1
            if status != 200:
                self.errors[f"{kind} {status}"] += 1


async def fetch(session: aiohttp.ClientSession, url: str, kind: str, tally: Tally) -> tuple[int, bytes]:
    try:
        async with session.get(url) as response:
            body = await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        tally.note(kind, type(exc).__name__, time.time())
        return 0, b""
    tally.note(kind, status, time.time())
    return status, body


async def viewer(base: str, start_at: float, stop_at: float, tally: Tally) -> None:
    await asyncio.sleep(max(0.0, start_at - time.time()))
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=6)  # a browser's connections per host
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        master_url = f"{base}/live/{ROOM}/master.m3u8"
        status, body = await fetch(session, master_url, "multivariant", tally)
        if status != 200:
            return
        variants: list[tuple[int, str]] = []
        lines = body.decode().splitlines()
        for line, uri in itertools.pairwise(lines):
            if line.startswith("#EXT-X-STREAM-INF:"):
                bandwidth = re.search(r"(?<!-)BANDWIDTH=(\d+)", line)
                variants.append((int(bandwidth.group(1)) if bandwidth else 0, uri.strip()))
        media_url = urljoin(master_url, min(variants)[1])

        queue: asyncio.Queue[tuple[str, float]] = asyncio.Queue()

        async def load_parts() -> None:
            while True:
                uri, end = await queue.get()
                status, _ = await fetch(session, urljoin(media_url, uri), "part", tally)
                done = time.time()
                if status == 200 and tally.t0 <= done <= tally.t1:
                    tally.latencies.append(done - end)

        loader = asyncio.create_task(load_parts())
        try:
            last: tuple[int, int] | None = None
            url = media_url
            while time.time() < stop_at:
                status, body = await fetch(session, url, "playlist", tally)
                if status != 200:  # 503: not in time; 400: too far ahead; 0: connection trouble
                    await asyncio.sleep(0.3)
                    url = media_url
                    continue
                playlist = parse_media_playlist(body.decode())
                if last is None:  # joining: the init segment, then PART-HOLD-BACK back from the live edge
                    if playlist.map_uri:
                        await fetch(session, urljoin(media_url, playlist.map_uri), "init", tally)
                    back = max(1, round(playlist.part_hold_back / 0.33334))
                    fresh = playlist.parts[-back:]
                else:
                    fresh = [p for p in playlist.parts if part_key(p[0]) > last]
                for part in fresh:
                    queue.put_nowait(part)
                if playlist.parts:
                    last = max(last or (-1, -1), part_key(playlist.parts[-1][0]))
                msn, part = playlist.last_msn + 1, playlist.open_parts
                url = f"{media_url}?_HLS_msn={msn}&_HLS_part={part}"
        finally:
            loader.cancel()
            await asyncio.gather(loader, return_exceptions=True)


def viewer_worker(bases: list[str], connection: Any) -> None:
    """A process of viewers: ``bases[i]`` is where viewer i watches. Waits for the schedule, reports its tally."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    connection.send("ready")
    start_at, t0, t1, offset, spacing = connection.recv()
    tally = Tally(t0, t1)

    async def main() -> None:
        starts = [start_at + offset + n * spacing for n in range(len(bases))]
        tasks = [asyncio.create_task(viewer(base, at, t1, tally)) for base, at in zip(bases, starts, strict=True)]
        done, pending = await asyncio.wait(tasks, timeout=max(0.0, t1 - time.time()) + REQUEST_TIMEOUT + 2)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            if task.exception() is not None:
                tally.errors[f"viewer {type(task.exception()).__name__}"] += 1

    asyncio.run(main())
    connection.send((dict(tally.requests), dict(tally.errors), tally.latencies))


# --- the run (main process) --------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


@dataclass
class Measured:
    t0: float
    t1: float
    requests: Counter[str]
    errors: Counter[str]
    latencies: list[float]
    relay_cpu: float
    load_cpu: float
    """The viewer processes together (1.0 = one core)."""
    relay_lines: list[str]
    """What the relay printed during the window (its access log, with --relay-log)."""


def run_viewers(bases: list[str], workers: int, warmup: float, seconds: float, relay: Any) -> Measured:
    """Run ``len(bases)`` viewers and measure the window after the warm-up."""
    context = multiprocessing.get_context("spawn")
    count = max(1, min(workers, len(bases)))
    shares = [bases[w::count] for w in range(count)]
    pipes, processes = [], []
    for share in shares:
        parent, child = context.Pipe()
        process = context.Process(target=viewer_worker, args=(share, child), daemon=True)
        process.start()
        pipes.append(parent)
        processes.append(process)
    requests: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    latencies: list[float] = []
    try:
        for pipe in pipes:
            if not pipe.poll(60) or pipe.recv() != "ready":
                raise RuntimeError("a viewer process did not start")
        start_at = time.time() + 0.5
        t0 = start_at + RAMP + warmup
        t1 = t0 + seconds
        spacing = RAMP / len(bases)
        for w, pipe in enumerate(pipes):  # interleaved: viewer n of worker w joins at (n * count + w) * spacing
            pipe.send((start_at, t0, t1, w * spacing, spacing * count))
        time.sleep(max(0.0, t0 - time.time()))
        pids = [process.pid for process in processes if process.pid is not None]
        cpu_before, first_line = cpu_seconds(relay.pid), len(relay.output)
        load_before = sum(cpu_seconds(pid) for pid in pids)
        time.sleep(max(0.0, t1 - time.time()))
        relay_cpu = (cpu_seconds(relay.pid) - cpu_before) / seconds
        load_cpu = (sum(cpu_seconds(pid) for pid in pids) - load_before) / seconds
        time.sleep(0.2)  # the relay's output reader catches up
        relay_lines = relay.output[first_line:]
        for pipe in pipes:
            if not pipe.poll(REQUEST_TIMEOUT + 30):
                raise RuntimeError("a viewer process did not report")
            kinds, errs, lat = pipe.recv()
            requests.update(kinds)
            errors.update(errs)
            latencies += lat
    finally:
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join(5)
    return Measured(t0, t1, requests, errors, latencies, relay_cpu, load_cpu, relay_lines)


def kind_of(uri: str) -> str:
    if "_HLS_msn=" in uri:
        return "blocking playlist"
    if PART_NAME.search(uri.split("?", 1)[0]):
        return "part"
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--viewers", type=int, default=500, help="viewers per setup (split evenly over the edges)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measuring window per setup")
    parser.add_argument("--warmup", type=float, default=6.0, help="seconds after the last viewer joins")
    parser.add_argument("--workers", type=int, default=2, help="viewer processes")
    parser.add_argument("--setups", default="direct,edges", help="comma-separated: direct, edges")
    parser.add_argument("--relay-log", action="store_true", help="count the relay's access log too (cross-check)")
    args = parser.parse_args()
    setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    if not setups or set(setups) - set(SETUPS):
        parser.error(f"--setups takes direct and/or edges; got {args.setups!r}")
    if not 1 <= args.viewers <= 5000 or not 1 <= args.seconds <= 300 or not 0 <= args.warmup <= 60:
        parser.error("bounds: 1-5000 viewers, 1-300 seconds, 0-60 s warm-up")

    from app.session import StudioSession
    from app.session_config import ExternalRelay, SessionConfig
    from pipeline.broadcast import BroadcastSettings
    from pipeline.canvas import PORTRAIT
    from pipeline.encoders import STANDARD_RUNGS
    from pipeline.program import ProgramSettings
    from tests.helpers.nginx_edge import NginxEdge
    from tests.helpers.relay import RelayProcess

    rows: list[dict[str, str]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="shopcast-edge-bench-") as tmp:
        relay = RelayProcess(Path(tmp) / "relay", *(["--access-log"] if args.relay_log else [])).start()
        edges: list[NginxEdge] = []
        session: StudioSession | None = None
        try:
            room = relay.create_room(ROOM, "edge benchmark")
            session = StudioSession(
                SessionConfig(
                    source="test",
                    mic="tone",
                    program=ProgramSettings(canvases=(PORTRAIT,), fps=Fraction(15)),
                    broadcast=BroadcastSettings(
                        rungs=(STANDARD_RUNGS["720p"], STANDARD_RUNGS["360p"]), fps=Fraction(15), preset="ultrafast"
                    ),
                    relay=ExternalRelay(relay.url, ROOM, room["stream_key"]),
                    realtime=False,
                )
            )
            session.start()
            session.go_live_now()
            origin = urlsplit(relay.url).netloc
            for name in ("edge-a", "edge-b"):
                edges.append(NginxEdge(Path(tmp) / name, origin).start())
            if relay.wait_for(f"/live/{ROOM}/master.m3u8").status_code != 200:
                raise RuntimeError("the broadcast did not reach the relay")
            time.sleep(3)  # a few segments in, as for anyone joining a show
            for setup in setups:
                if setup == "direct":
                    bases = [relay.url] * args.viewers
                else:
                    bases = [edges[n % len(edges)].url for n in range(args.viewers)]
                measured = run_viewers(bases, args.workers, args.warmup, args.seconds, relay)
                requests, errors, latencies = measured.requests, measured.errors, measured.latencies
                viewer_requests = sum(requests.values())
                if setup == "direct":
                    origin_requests = viewer_requests
                else:
                    asked: Counter[str] = Counter()
                    hits: Counter[str] = Counter()
                    held: Counter[str] = Counter()
                    edge_total = 0
                    for edge in edges:
                        lines = [line for line in edge.log_lines() if measured.t0 <= line[0] <= measured.t1]
                        lines = [line for line in lines if line[1].startswith("/live/")]
                        edge_total += len(lines)
                        for _, uri, cache, _, rest in lines:
                            if cache != "HIT":
                                asked[kind_of(uri)] += 1
                                continue
                            hits[kind_of(uri)] += 1
                            if float(rest.rsplit(" ", 2)[-2]) >= LOCK_POLL:
                                held[kind_of(uri)] += 1
                    origin_requests = sum(asked.values())
                    notes.append(
                        f"edges, {args.viewers} viewers: the edges' logs hold {edge_total} /live/ requests in the"
                        f" window (the viewers counted {viewer_requests}); origin requests by kind: {dict(asked)};"
                        " cache hits that waited >= 0.4 s at the edge (proxy_cache_lock's 500 ms poll): "
                        + ", ".join(f"{kind} {held[kind]} of {n}" for kind, n in sorted(hits.items()))
                    )
                if args.relay_log:
                    logged = sum(1 for line in measured.relay_lines if '"GET /live/' in line)
                    notes.append(f"{setup}: the relay's access log holds {logged} /live/ requests in the window")
                if errors:
                    notes.append(f"{setup}: non-200 answers or failures in the window: {dict(errors)}")
                rows.append(
                    {
                        "setup": setup if setup == "direct" else f"{len(edges)} edges",
                        "viewers": str(args.viewers),
                        "viewer req/s": f"{viewer_requests / args.seconds:.0f}",
                        "origin req/s": f"{origin_requests / args.seconds:.1f}",
                        "ratio": f"{viewer_requests / origin_requests:.1f}" if origin_requests else "-",
                        "parts/s per viewer": f"{requests['part'] / args.seconds / args.viewers:.2f}",
                        "part p50 ms": f"{percentile(latencies, 0.5) * 1000:.0f}",
                        "part p95 ms": f"{percentile(latencies, 0.95) * 1000:.0f}",
                        "errors": str(sum(errors.values())),
                        "origin CPU": f"{measured.relay_cpu * 100:.0f}%",
                        "viewers' CPU": f"{measured.load_cpu * 100:.0f}%",
                    }
                )
                time.sleep(2)
            stats = session.stats()
            skipped = stats.broadcast.frames_skipped if stats.broadcast else 0
        finally:
            if session is not None:
                session.close()
            for edge in edges:
                edge.stop()
            relay.stop()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}")
    print(f"window {args.seconds:.0f} s per setup after {RAMP:.0f} s join + {args.warmup:.0f} s warm-up;"
          f" {args.workers} viewer processes; frames skipped by the encoder over the run: {skipped}")  # fmt: skip
    names = list(rows[0])
    widths = [max(len(name), *(len(row[name]) for row in rows)) for name in names]
    print("| " + " | ".join(name.rjust(w) for name, w in zip(names, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(row[name].rjust(w) for name, w in zip(names, widths, strict=True)) + " |")
    for note in notes:
        print(note)
    behind = [row["setup"] for row in rows if float(row["parts/s per viewer"]) < 2.7]
    if behind:
        print("viewers fell behind the stream (< 2.7 of its 3 parts/s each) in: " + ", ".join(behind))


if __name__ == "__main__":
    main()
