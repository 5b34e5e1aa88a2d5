"""Ladder throughput: our encoder ladder against the ffmpeg CLI encoding the same ladder, as fast as possible.

    .venv/bin/python benchmarks/ladder.py [--presets ultrafast,veryfast] [--frames 600] [--repeat 1]

Both sides encode the same N raw 1280x720 BGR frames (our test pattern, rendered once into a .bgr24
file in a temporary folder; 600 frames = 20 s of 720p30) into the default ladder (pipeline.encoders
DEFAULT_LADDER: 720p 2500k, 480p 1000k, 360p 600k) with the same x264 preset, not paced to real time:

* ``ours``: a real ``Broadcast`` (pipeline/broadcast.py) with a ``FolderOutput`` in the temp folder,
  fed every frame straight from a memory map of the file (no program loop, no clock pacing, no
  audio). As live, ``push_video`` converts each picture to I420 once (cv2.cvtColor) and each rung
  thread scales the planes to its size (swscale, area) + x264 through PyAV (preset, tune
  zerolatency, maxrate 1.2x, bufsize 1x, an IDR forced at every 1 s segment start) + Annex B→AVCC
  + CMAF/LL-HLS packaging + atomic file writes. The rung queues
  are as deep as the run (as in tests/pipeline/test_broadcast_ladder.py), so no frame is skipped and
  the rungs run decoupled. Timed from ``Broadcast.start`` (encoders open) to ``stop`` returning
  (encoders flushed, playlists ended).
* ``ffmpeg``: the Debian ffmpeg CLI reading the same file (``-f rawvideo -pix_fmt bgr24``), one
  filter graph ``split=3`` → ``scale=W:H:flags=area,format=yuv420p`` per rung (swscale: scaling and
  BGR→YUV 4:2:0), three libx264 encoders with the same preset and rate control (``-b:v``,
  ``-maxrate`` 1.2x, ``-bufsize`` 1x, ``-tune zerolatency -bf 0``, keyint 300, scenecut off, closed
  GOP, forced IDR, and for veryfast / superfast / ultrafast the options that keep their headers
  identical: pipeline.encoders.x264_params) and an IDR forced every second (``-force_key_frames``:
  the same IDR positions as our 1 s segments), written to three mp4 files in the temp folder.
  ``-thread_type slice`` and ``-threads`` as ours (pipeline.encoders.x264_threads: the cores shared
  out among the rungs, 1 on 2 cores; ``--cli-threads 0`` gives the CLI x264's automatic count
  instead, which the option comparison then shows); the CLI's default thread type (frame+slice)
  would override zerolatency's sliced threads to frame threads. ffmpeg 5.1 runs its three encoders
  one after the other on one thread, so with one x264 thread each it uses one core. Timed from
  process start to exit.

fps = frames / wall seconds. CPU % = user+system CPU time / wall time (100 % = one core): for ours
the whole benchmark process during the run (getrusage RUSAGE_SELF: rung threads, feeder, packager,
writes), for ffmpeg the child process (RUSAGE_CHILDREN). The two x264 builds differ (PyAV's bundled
one vs Debian's); both versions are printed, and the x264 option strings of the two top rungs (read
from the SEI x264 writes into each stream) are compared: any option that differs is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import av  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402

from pipeline.broadcast import Broadcast, BroadcastSettings  # noqa: E402
from pipeline.clock import SystemClock  # noqa: E402
from pipeline.encoders import DEFAULT_LADDER, X264_PRESETS, x264_params, x264_threads  # noqa: E402
from pipeline.frames import VideoFrame  # noqa: E402
from pipeline.outputs import FolderOutput  # noqa: E402
from pipeline.sources import FrameTime, TestPattern  # noqa: E402

WIDTH, HEIGHT, FPS = 1280, 720, 30
KEYINT = FPS * 10
"""x264's keyint in pipeline.encoders.VideoEncoder (a safety net: keyframes are forced every second)."""
GOAL = 1.0
"""ours/ffmpeg fps ratio the project asks for."""
_X264_SEI = re.compile(rb"x264 - core (\d+)[^\x00]*? - H\.264/MPEG-4 AVC codec - [^\x00]*?options: ([^\x00]+)")


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def render_source(path: Path, frames: int) -> None:
    """Write ``frames`` test-pattern pictures as raw bgr24, one after the other."""
    pattern = TestPattern(WIDTH, HEIGHT)
    with path.open("wb") as out:
        for n in range(frames):
            out.write(pattern.read(FrameTime(n, n / FPS, 1_700_000_000 + n / FPS)).tobytes())


def run_ours(source: Path, frames: int, preset: str, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) for one Broadcast encoding every frame of ``source``."""
    images = np.memmap(source, dtype=np.uint8, mode="r", shape=(frames, HEIGHT, WIDTH, 3))
    settings = BroadcastSettings(rungs=DEFAULT_LADDER, fps=Fraction(FPS), preset=preset, queue_frames=frames + 1)
    cpu0, t0 = cpu_seconds(resource.RUSAGE_SELF), time.perf_counter()
    broadcast = Broadcast(settings, [FolderOutput(out)], SystemClock(), stream_id="bench")
    broadcast.start()
    for n in range(frames):
        broadcast.push_video(VideoFrame(images[n], n, Fraction(1, FPS), 1_700_000_000 + n / FPS))
    report = broadcast.stop()
    wall, cpu = time.perf_counter() - t0, cpu_seconds(resource.RUSAGE_SELF) - cpu0
    stats = broadcast.stats()
    encoded = {r.name: r.frames for r in stats.rungs}
    if not report.complete or stats.frames_skipped or set(encoded.values()) != {frames}:
        raise RuntimeError(f"our ladder did not encode every frame: {encoded}, skipped {stats.frames_skipped}")
    return wall, cpu


def ffmpeg_command(ffmpeg: str, source: Path, preset: str, out: Path, threads: int) -> list[str]:
    graph = f"[0:v]split={len(DEFAULT_LADDER)}" + "".join(f"[s{i}]" for i in range(len(DEFAULT_LADDER)))
    for i, rung in enumerate(DEFAULT_LADDER):
        graph += f";[s{i}]scale={rung.width}:{rung.height}:flags=area,format=yuv420p[v{i}]"
    command = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS), "-i", str(source),
               "-filter_complex", graph]  # fmt: skip
    for i, rung in enumerate(DEFAULT_LADDER):
        command += ["-map", f"[v{i}]", "-c:v", "libx264", "-preset", preset, "-tune", "zerolatency",
                    "-b:v", str(rung.bitrate), "-maxrate", str(int(rung.bitrate * 1.2)), "-bufsize", str(rung.bitrate),
                    "-bf", "0", "-g", str(KEYINT), "-force_key_frames", "expr:gte(t,n_forced)", "-thread_type", "slice",
                    "-threads", str(threads), "-x264-params", x264_params(preset, FPS),
                    "-f", "mp4", str(out / f"{rung.name}.mp4")]  # fmt: skip
    return command


def run_ffmpeg(ffmpeg: str, source: Path, preset: str, out: Path, threads: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) for one ffmpeg CLI process encoding ``source`` into the ladder."""
    out.mkdir(parents=True, exist_ok=True)
    command = ffmpeg_command(ffmpeg, source, preset, out, threads)
    cpu0, t0 = cpu_seconds(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - t0, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu0
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({done.returncode}): {done.stderr.strip()}\n{' '.join(command)}")
    return wall, cpu


def x264_info(path: Path) -> tuple[str, dict[str, str]]:
    """x264's core version and options, from the SEI it writes into its first keyframe."""
    match = _X264_SEI.search(path.read_bytes())
    if not match:
        return "?", {}
    options = dict(item.split("=", 1) for item in match.group(2).decode(errors="replace").split() if "=" in item)
    return match.group(1).decode(), options


def option_differences(ours: dict[str, str], theirs: dict[str, str]) -> str:
    keys = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
    return ", ".join(f"{k} {ours.get(k, '-')}/{theirs.get(k, '-')}" for k in keys) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presets", default="ultrafast,veryfast", help="comma-separated x264 presets")
    parser.add_argument("--frames", type=int, default=600, help="frames to encode (default 600 = 20 s of 720p30)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side and preset; the fastest is kept")
    parser.add_argument("--cli-threads", type=int, default=x264_threads(len(DEFAULT_LADDER)),
                        help="x264 threads per CLI encoder (default: as ours; 0: x264's automatic count)")  # fmt: skip
    args = parser.parse_args()
    presets = [p.strip() for p in args.presets.split(",") if p.strip()]
    unknown = [p for p in presets if p not in X264_PRESETS]
    if unknown or not presets:
        parser.error(f"unknown x264 preset(s) {unknown}: use some of {', '.join(X264_PRESETS)}")
    if args.frames < FPS or args.repeat < 1:
        parser.error(f"--frames must be at least {FPS} and --repeat at least 1")
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        sys.exit("benchmarks/ladder.py needs the ffmpeg CLI with libx264: apt-get install ffmpeg, or ./test.sh as root")
    cli_version = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True, check=True).stdout
    cli_version = cli_version.splitlines()[0].split(" Copyright")[0]

    rows = []
    versions: tuple[str, str] = ("?", "?")
    differences = ""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="shopcast-ladder-") as tmp:
        source = Path(tmp) / "source.bgr24"
        render_source(source, args.frames)
        for preset in presets:
            ours: list[tuple[float, float]] = []
            theirs: list[tuple[float, float]] = []
            for attempt in range(args.repeat):
                ours_dir, ffmpeg_dir = Path(tmp) / f"ours-{preset}-{attempt}", Path(tmp) / f"ffmpeg-{preset}-{attempt}"
                ours.append(run_ours(source, args.frames, preset, ours_dir))
                theirs.append(run_ffmpeg(ffmpeg, source, preset, ffmpeg_dir, args.cli_threads))
                top = DEFAULT_LADDER[0].name
                ours_x264 = x264_info(ours_dir / "bench" / top / "seg_000000.m4s")
                ffmpeg_x264 = x264_info(ffmpeg_dir / f"{top}.mp4")
                versions = (ours_x264[0], ffmpeg_x264[0])
                differences = option_differences(ours_x264[1], ffmpeg_x264[1])
                shutil.rmtree(ours_dir)
                shutil.rmtree(ffmpeg_dir)
            ours_wall, ours_cpu = min(ours)
            ffmpeg_wall, ffmpeg_cpu = min(theirs)
            rows.append((preset, args.frames / ours_wall, args.frames / ffmpeg_wall,
                         100 * ours_cpu / ours_wall, 100 * ffmpeg_cpu / ffmpeg_wall))  # fmt: skip
    elapsed = time.perf_counter() - started

    ladder = " / ".join(f"{r.name} {r.bitrate // 1000}k" for r in DEFAULT_LADDER)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"PyAV {av.__version__} (FFmpeg {av.ffmpeg_version_info}, x264 core {versions[0]}), "
          f"OpenCV {cv2.__version__}; CLI: {cli_version} (x264 core {versions[1]})")  # fmt: skip
    print(f"ladder {ladder} from {WIDTH}x{HEIGHT} bgr24, {args.frames} frames, best of {args.repeat}, "
          f"{elapsed:.0f} s in all")  # fmt: skip
    print(f"x264 options that differ (top rung, ours/ffmpeg): {differences}")
    print("| preset    | ours fps | ffmpeg CLI fps | ratio | ours CPU % | ffmpeg CPU % |")
    print("|-----------|---------:|---------------:|------:|-----------:|-------------:|")
    for preset, ours_fps, ffmpeg_fps, ours_pct, ffmpeg_pct in rows:
        print(f"| {preset:<9} | {ours_fps:>8.1f} | {ffmpeg_fps:>14.1f} | {ours_fps / ffmpeg_fps:>5.2f} "
              f"| {ours_pct:>10.0f} | {ffmpeg_pct:>12.0f} |")  # fmt: skip
    worst = min(ours_fps / ffmpeg_fps for _, ours_fps, ffmpeg_fps, _, _ in rows)
    print(f"goal ours/ffmpeg >= {GOAL:.1f}: {'meets' if worst >= GOAL else 'BELOW'} (lowest ratio {worst:.2f})")


if __name__ == "__main__":
    main()
