"""Dual format on this machine: which x264 presets and how many rungs let a portrait and a landscape
ladder run together at 30 fps with no skipped frames.

    .venv/bin/python benchmarks/dual_format.py [--seconds 20]

Each row is one ``shopcast broadcast --canvas portrait,landscape`` run (the test pattern and a tone,
the template "Host full screen" scene on both canvases, a folder output) for ``--seconds``, with a
fixed preset (``--fixed-preset``: the live governor off, so the row shows what the preset itself
sustains) and the same ladder on both canvases: 720p/480p/360p (portrait 720x1280, 480x854, 360x640;
landscape 1280x720, 854x480, 640x360), then two rungs, then one. Reported per row, from the command's
own summary: frames skipped due to encoding lag on each canvas, frames the program missed due to
rendering lag, and the process's CPU (user + system seconds over wall seconds, from
``getrusage(RUSAGE_CHILDREN)``; 100 % = one core). "holds" means no frame skipped or missed.

A last row runs ``--preset auto``: the dual-format pre-flight's choice (it measures both ladders
encoding at once and picks the preset, then drops rungs from the second canvas, then the first, until
they fit with 25 % headroom), then the live governor as in a real show; its notice is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks._machine import cpu_model  # noqa: E402

PRESETS = ("veryfast", "superfast", "ultrafast")
LADDERS = ("720p,480p,360p", "720p,480p", "720p")
_FRAMES = re.compile(r"frames \((\w+), (\d) rungs?\): (\d+) rendered, (\d+) skipped .*preset at the end: (\S+)")
_MISSED = re.compile(r"program: (\d+) frames missed")
_PREFLIGHT = re.compile(r"pre-flight, dual format: .*")


@dataclass(frozen=True)
class Row:
    preset: str
    rungs: dict[str, int]
    skipped: dict[str, int]
    frames: dict[str, int]
    missed: int
    cpu: float
    end_preset: str
    note: str = ""

    @property
    def holds(self) -> bool:
        return self.missed == 0 and not any(self.skipped.values())


def run(preset: str, ladder: str, seconds: float) -> Row:
    with tempfile.TemporaryDirectory() as out:
        command = [
            sys.executable, "-m", "app", "broadcast", "--source", "test", "--mic", "tone", "--out", out,
            "--canvas", "portrait,landscape", "--ladder", ladder, "--preset", preset, "--duration", str(seconds),
            "--quiet",
        ]  # fmt: skip
        if preset != "auto":
            command.append("--fixed-preset")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False, timeout=seconds + 120)
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / wall
    skipped: dict[str, int] = {}
    frames: dict[str, int] = {}
    rungs: dict[str, int] = {}
    end = ""
    for canvas, count, rendered, lost, last in _FRAMES.findall(result.stdout):
        rungs[canvas], frames[canvas], skipped[canvas], end = int(count), int(rendered), int(lost), last
    missed = _MISSED.search(result.stdout)
    note = _PREFLIGHT.search(result.stderr)
    return Row(
        preset, rungs, skipped, frames, int(missed.group(1)) if missed else -1, cpu, end, note.group(0) if note else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(f"CPU: {cpu_model()} · {os.cpu_count()} cores · {args.seconds:g} s a row")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = [run(preset, ladder, args.seconds) for ladder in LADDERS for preset in PRESETS]
    rows.append(run("auto", LADDERS[0], args.seconds))
    print()
    print("| preset | rungs portrait + landscape | skipped portrait | skipped landscape | missed | CPU % | holds |")
    print("|---|---|--:|--:|--:|--:|---|")
    for row in rows:
        preset = row.preset if row.preset != "auto" else f"auto → {row.end_preset}"
        print(
            f"| {preset} | {row.rungs.get('portrait', '?')} + {row.rungs.get('landscape', '?')} |"
            f" {row.skipped.get('portrait', '?')} / {row.frames.get('portrait', '?')} |"
            f" {row.skipped.get('landscape', '?')} / {row.frames.get('landscape', '?')} |"
            f" {row.missed} | {100 * row.cpu:.0f} | {'yes' if row.holds else 'no'} |"
        )
    if rows[-1].note:
        print()
        print(f"auto: {rows[-1].note}")
    print()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
