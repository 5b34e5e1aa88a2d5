"""Live load: CPU % and RSS of a live broadcast (portrait, landscape) beside the ffmpeg CLI doing the same live job.

    .venv/bin/python benchmarks/live_load.py [--seconds 60] [--preset veryfast] [--canvas portrait|landscape]

For each canvas (default: portrait, then landscape; ``--canvas`` picks one; pipeline/canvas.py:
portrait 720x1280 with the ladder 720x1280 / 480x854 / 360x640, landscape 1280x720 with 1280x720 /
854x480 / 640x360, both at 2500k / 1000k / 600k) both sides run in real time for the same number of
seconds, one after the other, each sampled once a second from /proc (CPU time from
``/proc/<pid>/stat``, resident memory from ``/proc/<pid>/status``, summed over the process and any
child processes it has):

* ``ours``: ``python -m app broadcast --source test --mic tone --out TMP --preset P`` as a subprocess:
  the test pattern at the canvas size and a tone through the whole live pipeline (program render
  loop at 30 fps, the three-rung x264 ladder, AAC, CMAF/LL-HLS packaging, folder output). The canvas
  is chosen with ``--canvas NAME`` when ``broadcast --help`` lists that option, else (before the
  option existed) with ``--ladder WxH@Kk,...`` (the program takes the top rung's size), or nothing
  where that is the default ladder. It is run without ``--quiet`` so that it prints its counters
  every 5 s; the skipped-frame count is the one in the counters printed at ``--seconds``. The CLI
  checks its deadline before printing, so it is given one second more than ``--seconds`` and the
  measured window is from "Writing HLS to" (the session is about to go live) to that counters line.
  With a fixed preset it runs with ``--fixed-preset`` (the preset governor off), as the ffmpeg CLI
  stays on the one preset; any preset change that still shows up is printed.
* ``ffmpeg``: the Debian ffmpeg CLI with ``-re`` on ``lavfi`` ``testsrc2`` at the canvas size @30 and
  a 1 kHz ``sine``, one filter graph (``split=3``, ``scale=W:H:flags=area,format=yuv420p`` per rung),
  three libx264 encoders with the same preset and the same x264 options as ours
  (pipeline.encoders.x264_params: keyframes only where forced, closed GOP, and for veryfast /
  superfast / ultrafast the options that keep their headers identical; ``-tune zerolatency -bf 0``,
  ``-b:v``, ``-maxrate`` 1.2x, ``-bufsize`` 1x, an IDR forced every second, ``-thread_type slice``
  and ``-threads`` as many as ours give each rung, pipeline.encoders.x264_threads, or
  ``--cli-threads``: 0 for x264's automatic count), AAC 128k stereo,
  and the hls muxer writing fMP4 1 s segments of all four renditions (``-var_stream_map``, one
  audio group) into a temporary folder, for ``-t`` seconds. Its window is from its first
  ``-progress`` report to its last. lavfi is not a live source: when the CLI cannot keep up it falls
  behind (speed < 1x) instead of dropping frames, so its speed is printed beside its drop/dup counts.

Before each canvas's comparison (with a fixed preset) a one-second ``--preset auto`` run gives the
pre-flight line: what the adaptive preset would choose on this machine right now. With ``--preset
auto`` the measured run itself pre-flights and ffmpeg uses the preset it chose.

CPU % is CPU seconds / wall seconds over the window (100 % = one core); p95 is over the one-second
samples. RSS is in MiB (printed as MB). "other CPU" is what the rest of the machine used during the
window (from /proc/stat, of 100 % x cores): anything well above a few % means the numbers are from
a loaded machine.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import math
import os
import platform
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.canvas import LANDSCAPE, PORTRAIT, Canvas, default_ladder  # noqa: E402
from pipeline.encoders import DEFAULT_LADDER, X264_PRESETS, Rung, x264_params, x264_threads  # noqa: E402

FPS = 30
SEGMENT = 1.0
KEYINT = FPS * 10
"""x264's keyint in pipeline.encoders.VideoEncoder (keyframes are forced every segment)."""
CANVASES = {c.name: c for c in (PORTRAIT, LANDSCAPE)}
STATS_EVERY = 5
"""The broadcast command prints its counters every 5 s (app/cli.py _run_live)."""
CLK_TCK = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024

_STATS = re.compile(r"^live (\d+):(\d\d):(\d\d) · .*· skipped (\d+) ·")
_PRESET_CHANGE = re.compile(r"x264 preset (\S+) → (\S+)")
_PREFLIGHT = re.compile(r"pre-flight: .*")


@dataclass(frozen=True, slots=True)
class Sample:
    at: float
    cpu: float
    """CPU seconds of the process tree so far (user + system, including reaped children)."""
    rss: int
    """Resident bytes of the process tree now."""
    machine_busy: float
    """Busy CPU seconds of the whole machine so far (all cores), less this benchmark process's own."""


@dataclass(frozen=True, slots=True)
class Line:
    stream: str
    text: str
    sample: Sample


@dataclass(slots=True)
class Run:
    samples: list[Sample] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    returncode: int = 0
    wall: float = 0.0


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    canvas: str
    mean_cpu: float
    p95_cpu: float
    mean_rss: float
    peak_rss: float
    frames: str
    window: float
    other_cpu: float


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, ...


def _tree(root: int) -> list[int]:
    """``root`` and its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0  # gone, or a zombie


def _machine_busy() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    busy = (sum(values[:8]) - idle) / CLK_TCK  # user nice system idle iowait irq softirq steal
    return busy - time.process_time()  # less this benchmark's own sampling


def sample(root: int) -> Sample:
    cpu, rss = 0.0, 0
    for pid in _tree(root):
        fields = _stat_fields(pid)
        if fields is not None:
            cpu += sum(int(v) for v in fields[11:15]) / CLK_TCK  # utime stime cutime cstime
            rss += _rss(pid)
    return Sample(time.monotonic(), cpu, rss, _machine_busy())


def run_sampled(command: list[str], cwd: Path, timeout: float) -> Run:
    """Run ``command``, sampling its process tree every second and at every line it prints."""
    run = Run()
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")  # fmt: skip
    lines: queue.Queue[Line] = queue.Queue()

    def read(stream: IO[str], name: str) -> None:
        for text in stream:
            lines.put(Line(name, text.rstrip("\n"), sample(proc.pid)))

    assert proc.stdout is not None
    assert proc.stderr is not None
    readers = [threading.Thread(target=read, args=(s, n), daemon=True)
               for s, n in ((proc.stdout, "out"), (proc.stderr, "err"))]  # fmt: skip
    for reader in readers:
        reader.start()
    try:
        next_at = time.monotonic()
        while proc.poll() is None:
            run.samples.append(sample(proc.pid))
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"{command[0]} still running after {timeout:.0f} s: {' '.join(command)}")
            next_at += 1.0
            time.sleep(max(0.0, next_at - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    for reader in readers:
        reader.join(10)
    run.returncode = proc.returncode
    run.wall = time.monotonic() - started
    while not lines.empty():
        run.lines.append(lines.get())
    return run


def summarise(name: str, canvas: str, run: Run, start: Sample, end: Sample, frames: str) -> Result:
    """CPU and RSS over the window from ``start`` to ``end`` (samples taken at lines the process printed)."""
    inside = [start, *(s for s in run.samples if start.at < s.at < end.at), end]
    per_second = [100 * (b.cpu - a.cpu) / (b.at - a.at) for a, b in itertools.pairwise(inside)
                  if b.at - a.at >= 0.5]  # fmt: skip
    per_second.sort()
    p95 = per_second[max(0, math.ceil(0.95 * len(per_second)) - 1)] if per_second else float("nan")
    window = end.at - start.at
    tree_cpu = end.cpu - start.cpu
    rss = [s.rss for s in inside if s.rss]
    return Result(
        name=name,
        canvas=canvas,
        mean_cpu=100 * tree_cpu / window,
        p95_cpu=p95,
        mean_rss=sum(rss) / len(rss) / MIB if rss else float("nan"),
        peak_rss=max(rss) / MIB if rss else float("nan"),
        frames=frames,
        window=window,
        other_cpu=max(0.0, 100 * (end.machine_busy - start.machine_busy - tree_cpu) / window),
    )


def canvas_option_exists() -> bool:
    """Whether ``shopcast broadcast`` takes ``--canvas`` (added after this benchmark was written)."""
    done = subprocess.run([sys.executable, "-m", "app", "broadcast", "--help"], cwd=REPO, capture_output=True,
                          text=True, check=False)  # fmt: skip
    return "--canvas" in done.stdout


def canvas_args(canvas: Canvas, has_option: bool) -> list[str]:
    """How to ask ``shopcast broadcast`` for ``canvas``: ``--canvas`` where it exists, else the ladder (the
    program takes its top rung's size), else nothing for the default ladder."""
    if has_option:
        return ["--canvas", canvas.name]
    rungs = default_ladder(canvas)
    if [(r.width, r.height) for r in rungs] == [(r.width, r.height) for r in DEFAULT_LADDER]:
        return []
    return ["--ladder", ",".join(f"{r.width}x{r.height}@{r.bitrate // 1000}k" for r in rungs)]


def ours_command(preset: str, out: Path, seconds: float, canvas: list[str], *, quiet: bool = False) -> list[str]:
    command = [sys.executable, "-m", "app", "broadcast", "--source", "test", "--mic", "tone", "--out", str(out),
               "--duration", f"{seconds:g}", "--preset", preset, *canvas]  # fmt: skip
    if preset != "auto":
        command.append("--fixed-preset")  # the same preset as the peer for the whole run
    return [*command, "--quiet"] if quiet else command


def preflight_line(run: Run) -> str | None:
    for line in run.lines:
        match = _PREFLIGHT.search(line.text)
        if match:
            return match.group(0)
    return None


def run_ours(
    preset: str, seconds: int, tmp: Path, canvas: Canvas, canvas_arguments: list[str]
) -> tuple[Result, str | None, list[str]]:
    """(result, pre-flight line if auto, preset changes the governor made) for one live broadcast."""
    out = tmp / f"ours-{canvas.name}-{preset}"
    run = run_sampled(ours_command(preset, out, seconds + 1, canvas_arguments), REPO, timeout=seconds + 120)
    if run.returncode != 0:
        tail = "\n".join(line.text for line in run.lines[-15:])
        raise RuntimeError(f"the broadcast command failed ({run.returncode}):\n{tail}")
    begin = "pre-flight:" if preset == "auto" else "Writing HLS to"  # auto goes live after its measurement
    start = next(line.sample for line in run.lines if begin in line.text)
    end, skipped, live = None, "?", 0
    for line in run.lines:
        match = _STATS.match(line.text)
        if match:
            h, m, s, count = (int(g) for g in match.groups())
            live, skipped = h * 3600 + m * 60 + s, str(count)
            if live >= seconds - 1:
                end = line.sample
                break
    if end is None:  # no counters line at --seconds: fall back to the end of the stream
        end = next(line.sample for line in run.lines if line.text.startswith("Stream "))
        skipped = f"{skipped} (at {live} s)"
    changes: dict[str, str] = {}  # each change is logged twice; keep the first, with its time into the window
    for line in run.lines:
        if (change := _PRESET_CHANGE.search(line.text)) and change.group(0) not in changes:
            changes[change.group(0)] = f"{change.group(0)} at {line.sample.at - start.at:.0f} s"
    shutil.rmtree(out, ignore_errors=True)
    return summarise("ours", canvas.name, run, start, end, skipped), preflight_line(run), list(changes.values())


def ffmpeg_command(ffmpeg: str, preset: str, out: Path, seconds: int, canvas: Canvas, threads: int) -> list[str]:
    rungs: tuple[Rung, ...] = default_ladder(canvas)
    n = len(rungs)
    graph = f"[0:v]split={n}" + "".join(f"[s{i}]" for i in range(n))
    for i, rung in enumerate(rungs):
        graph += f";[s{i}]scale={rung.width}:{rung.height}:flags=area,format=yuv420p[v{i}]"
    command = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1",
               "-re", "-f", "lavfi", "-i", f"testsrc2=size={canvas.width}x{canvas.height}:rate={FPS}",
               "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
               "-filter_complex", graph]  # fmt: skip
    for i in range(n):
        command += ["-map", f"[v{i}]"]
    command += ["-map", "1:a",
                "-c:v", "libx264", "-preset", preset, "-tune", "zerolatency", "-bf", "0", "-g", str(KEYINT),
                "-thread_type", "slice", "-threads", str(threads),
                "-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT:g})",
                "-x264-params", x264_params(preset, FPS)]  # fmt: skip
    for i, rung in enumerate(rungs):
        command += [f"-b:v:{i}", str(rung.bitrate), f"-maxrate:v:{i}", str(int(rung.bitrate * 1.2)),
                    f"-bufsize:v:{i}", str(rung.bitrate)]  # fmt: skip
    stream_map = " ".join([f"v:{i},agroup:aud" for i in range(n)] + ["a:0,agroup:aud"])
    command += ["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-t", str(seconds),
                "-f", "hls", "-hls_time", f"{SEGMENT:g}", "-hls_segment_type", "fmp4", "-hls_list_size", "0",
                "-master_pl_name", "master.m3u8", "-var_stream_map", stream_map,
                "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", str(out / "%v" / "seg_%06d.m4s"),
                str(out / "%v" / "index.m3u8")]  # fmt: skip
    return command


def run_ffmpeg(ffmpeg: str, preset: str, seconds: int, tmp: Path, canvas: Canvas, threads: int) -> tuple[Result, str]:
    """(result, a note on its pace) for the ffmpeg CLI doing the live ladder."""
    out = tmp / f"ffmpeg-{canvas.name}-{preset}"
    out.mkdir()
    command = ffmpeg_command(ffmpeg, preset, out, seconds, canvas, threads)
    run = run_sampled(command, tmp, timeout=seconds * 3 + 60)
    if run.returncode != 0:
        errors = "\n".join(line.text for line in run.lines if line.stream == "err")
        raise RuntimeError(f"ffmpeg failed ({run.returncode}): {errors}\n{' '.join(command)}")
    reports = [line for line in run.lines if line.stream == "out" and line.text.startswith("progress=")]
    last: dict[str, str] = {}
    for line in run.lines:
        if line.stream == "out" and "=" in line.text:
            key, value = line.text.split("=", 1)
            last[key] = value
    frames = f"{last.get('drop_frames', '?')} dropped, {last.get('dup_frames', '?')} dup"
    note = (f"{canvas.name} ffmpeg CLI: {last.get('frame', '?')} frames of {seconds * FPS} encoded, "
            f"speed {last.get('speed', '?').strip()}, process wall {run.wall:.1f} s for -t {seconds}")  # fmt: skip
    shutil.rmtree(out, ignore_errors=True)
    return summarise("ffmpeg CLI", canvas.name, run, reports[0].sample, reports[-1].sample, frames), note


@dataclass(slots=True)
class CanvasRun:
    canvas: Canvas
    ours: Result
    theirs: Result
    ffmpeg_preset: str
    ffmpeg_note: str
    changes: list[str]
    preflight: str | None


def run_canvas(
    ffmpeg: str, preset: str, seconds: int, tmp: Path, canvas: Canvas, canvas_arguments: list[str], cli_threads: int
) -> CanvasRun:
    if preset == "auto":
        preflight = None
    else:  # a short auto run, only for its pre-flight line
        probe_out = tmp / f"probe-{canvas.name}"
        probe = run_sampled(ours_command("auto", probe_out, 1, canvas_arguments, quiet=True), REPO, timeout=120)
        preflight = preflight_line(probe)
        shutil.rmtree(probe_out, ignore_errors=True)
    ours, ours_preflight, changes = run_ours(preset, seconds, tmp, canvas, canvas_arguments)
    ffmpeg_preset = preset
    if preset == "auto":
        preflight = ours_preflight
        chosen = re.search(r"going live with (\S+)", preflight or "")
        ffmpeg_preset = chosen.group(1) if chosen else "veryfast"
    theirs, ffmpeg_note = run_ffmpeg(ffmpeg, ffmpeg_preset, seconds, tmp, canvas, cli_threads)
    return CanvasRun(canvas, ours, theirs, ffmpeg_preset, ffmpeg_note, changes, preflight)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="live seconds per side (default 60, a multiple of 5)")
    parser.add_argument("--preset", default="veryfast", choices=("auto", *X264_PRESETS),
                        help="x264 preset for both sides; auto: ours pre-flights, ffmpeg uses its choice")  # fmt: skip
    parser.add_argument("--canvas", choices=tuple(CANVASES),
                        help="only this canvas (default: portrait, then landscape)")  # fmt: skip
    parser.add_argument("--cli-threads", type=int, default=x264_threads(len(DEFAULT_LADDER)),
                        help="x264 threads per CLI encoder (default: as ours; 0: x264's automatic count)")  # fmt: skip
    args = parser.parse_args()
    if args.seconds < STATS_EVERY or args.seconds % STATS_EVERY:
        parser.error(f"--seconds must be a multiple of {STATS_EVERY} (the broadcast command prints its counters "
                     f"every {STATS_EVERY} s)")  # fmt: skip
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        sys.exit("benchmarks/live_load.py needs the ffmpeg CLI with libx264: apt-get install ffmpeg")
    cli_version = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True, check=True).stdout
    cli_version = cli_version.splitlines()[0].split(" Copyright")[0]
    canvases = [CANVASES[args.canvas]] if args.canvas else list(CANVASES.values())
    has_option = canvas_option_exists()
    load_before = Path("/proc/loadavg").read_text().split()[:3]

    started = time.perf_counter()
    runs: list[CanvasRun] = []
    with tempfile.TemporaryDirectory(prefix="shopcast-live-load-") as name:
        for canvas in canvases:
            arguments = canvas_args(canvas, has_option)
            runs.append(run_canvas(ffmpeg, args.preset, args.seconds, Path(name), canvas, arguments, args.cli_threads))
    elapsed = time.perf_counter() - started
    load_after = Path("/proc/loadavg").read_text().split()[:3]

    versions = ", ".join(f"{p} {importlib.metadata.version(p)}" for p in ("av", "opencv-python-headless"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {versions}; "
          f"CLI: {cli_version}")  # fmt: skip
    presets = ", ".join(sorted({r.ffmpeg_preset for r in runs}))
    print(f"live test pattern + tone at {FPS} fps, AAC 128k, {args.seconds} s per side, preset {args.preset} "
          f"(ffmpeg {presets}), x264 threads per rung: ours {x264_threads(len(DEFAULT_LADDER))}, "
          f"CLI {args.cli_threads or 'automatic'}; "
          f"canvas chosen with {'--canvas' if has_option else '--ladder (no --canvas option yet)'}; "
          f"{elapsed:.0f} s in all; load average {' '.join(load_before)} before, "
          f"{' '.join(load_after)} after")  # fmt: skip
    for run in runs:
        ladder = " / ".join(f"{r.width}x{r.height} {r.bitrate // 1000}k" for r in default_ladder(run.canvas))
        print(f"{run.canvas.name} {run.canvas.width}x{run.canvas.height}: ladder {ladder}")
    print("| canvas    | process    | mean CPU % | p95 CPU % | mean RSS MB | peak RSS MB | frames skipped/dropped "
          "| other CPU % |")  # fmt: skip
    print("|-----------|------------|-----------:|----------:|------------:|------------:|------------------------"
          "|------------:|")  # fmt: skip
    for run in runs:
        for r in (run.ours, run.theirs):
            print(f"| {r.canvas:<9} | {r.name:<10} | {r.mean_cpu:>10.0f} | {r.p95_cpu:>9.0f} | {r.mean_rss:>11.0f} "
                  f"| {r.peak_rss:>11.0f} | {r.frames:<22} | {r.other_cpu:>11.0f} |")  # fmt: skip
    for run in runs:
        print(f"{run.canvas.name}: ours / CLI CPU {run.ours.mean_cpu / run.theirs.mean_cpu:.2f}x, RSS "
              f"{run.ours.mean_rss / run.theirs.mean_rss:.2f}x; windows {run.ours.window:.1f} s / "
              f"{run.theirs.window:.1f} s")  # fmt: skip
        print(f"  {run.ffmpeg_note}")
        print(f"  preset changes by our governor: {'; '.join(run.changes) if run.changes else 'none'}")
        print(f"  what --preset auto chooses here now: {run.preflight or 'no pre-flight line printed'}")
    print(f"(other CPU: the rest of the machine during each window, of {100 * (os.cpu_count() or 1)} %)")


if __name__ == "__main__":
    main()
