"""The installed studio: package size, and launch → window shown, beside the studio run from source.

    .venv/bin/python benchmarks/startup.py [--deb build/package/shopcast_X_amd64.deb] [--runs 7]

Without ``--deb`` the package is built first (packaging/build.py). It is unpacked into a temporary
root as dpkg lays it out, and ``/opt/shopcast/shopcast studio`` is started ``--runs`` times, each with a
fresh HOME holding finished first-run settings (so the studio window opens, not the setup), a test
camera and tone (no devices here), on a display of Xvfb's (Qt's xcb plugin with the package's
declared X libraries), and once more per run offscreen. The peers in the same run: the same studio
from this checkout (``.venv/bin/python -m app studio``), and OBS Studio when ``obs`` is installed
(Debian's obs-studio; on the X display only, with a fresh HOME too). The times run from just before
the process is started to ``mapped``: its main window is visible on the X display (``xdotool search
--onlyvisible`` every 20 ms, the same for every program), and for ShopCast also to ``painted``: the studio
window's first paint, which the studio itself stamps (``SHOPCAST_STARTUP_REPORT``,
docs/architecture.md). The first run of each kind is reported apart: it reads the files from disk,
the others mostly from the page cache.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from app.settings_store import FILE_NAME, SettingsStore, StudioSettings  # noqa: E402
from benchmarks._machine import cpu_model  # noqa: E402
from tests.helpers.processes import free_port, stop_process  # noqa: E402


def build_package(out: Path) -> Path:
    subprocess.run([sys.executable, str(REPO / "packaging" / "build.py"), "--out", str(out)], check=True)
    (deb,) = out.glob("shopcast_*.deb")
    return deb


def folder_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def launch(program: list[str], env: dict[str, str], scratch: Path, *, shopcast: bool = True) -> dict[str, float]:
    """Seconds from starting the program to its main window: ``mapped`` (on the X display, seen by
    xdotool, the same for every program) and, for ShopCast, ``painted`` (its first paint, stamped by
    the studio). A fresh HOME each time; ShopCast's holds finished first-run settings."""
    home = Path(tempfile.mkdtemp(dir=scratch))
    report = home / "report.json"
    if shopcast:
        SettingsStore(home / ".config" / "shopcast" / FILE_NAME).save(StudioSettings(language="zh_CN"))
        command = [*program, "studio", "--source", "test", "--mic", "tone", "--port", str(free_port())]
        title = "ShopCast"
    else:  # OBS: no updater, no "did it crash last time" question
        command, title = [*program, "--disable-updater", "--disable-shutdown-check"], "^OBS "
    run_env = {**env, "HOME": str(home), "SHOPCAST_STARTUP_REPORT": str(report)}
    started = time.time()
    log = home / "output.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=run_env, stdout=output, stderr=subprocess.STDOUT, cwd=home)
    try:
        return _measure(process, env, title, report, started, shopcast=shopcast)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}; {command[0]} said:\n{log.read_text(errors='replace')[-3000:]}") from None
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            stop_process(process)
        shutil.rmtree(home, ignore_errors=True)


def _measure(
    process: subprocess.Popen[bytes], env: dict[str, str], title: str, report: Path, started: float, *, shopcast: bool
) -> dict[str, float]:
    found: dict[str, float] = {}
    if "DISPLAY" in env:
        found["mapped"] = visible(title, env, process) - started
    if shopcast:
        deadline = time.monotonic() + 120
        while not report.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"no window was painted (exit {process.returncode})")
            time.sleep(0.01)
        shown = json.loads(report.read_text(encoding="utf-8"))
        if shown["window"] != "studio":
            raise RuntimeError(f"expected the studio window, got {shown['window']}")
        found["painted"] = float(shown["shown_at"]) - started
    return found


def visible(title: str, env: dict[str, str], process: subprocess.Popen[bytes]) -> float:
    """When a window whose name matches ``title`` became visible on ``env``'s display (polled every
    20 ms: ``xdotool search --sync`` polls every half second)."""
    deadline = time.monotonic() + 120
    while True:
        seen = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], env=env,
                              capture_output=True, check=False)  # fmt: skip
        if seen.returncode == 0 and seen.stdout.strip():
            return time.time()
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no window {title!r} appeared (exit {process.returncode})")
        time.sleep(0.02)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on a display it picks itself (``-displayfd``: it writes the number once it accepts clients).
    ``-noreset``: an X server resets when its last client leaves, and a program started during the reset
    cannot connect (one in a few dozen launches failed that way, OBS's and ours alike)."""
    read, write = os.pipe()
    command = ["Xvfb", "-displayfd", str(write), "-noreset", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"]
    xvfb = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write,))
    os.close(write)
    with os.fdopen(read) as numbers:
        number = numbers.readline().strip()
    if not number:
        raise RuntimeError("Xvfb did not start")
    return xvfb, f":{number}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deb", type=Path, help="the package to measure (default: build it)")
    parser.add_argument("--runs", type=int, default=7, help="launches per kind and platform (default %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shopcast-startup-") as scratch_name:
        scratch = Path(scratch_name)
        deb = args.deb or build_package(scratch / "package")
        root = scratch / "root"
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        installed = root / "opt" / "shopcast"
        base = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        kinds: dict[str, tuple[list[str], bool]] = {
            "package (/opt/shopcast/shopcast)": ([str(installed / "shopcast")], True),
            "source (peer: python -m app)": ([str(REPO / ".venv" / "bin" / "python"), "-m", "app"], True),
        }
        obs = shutil.which("obs")
        if obs:
            kinds["OBS Studio (peer)"] = ([obs], False)
        xvfb, display = start_xvfb()
        results: dict[tuple[str, str, str], list[float]] = {}
        try:
            platforms = {
                "xcb (Xvfb)": {"QT_QPA_PLATFORM": "xcb", "DISPLAY": display},
                "offscreen": {"QT_QPA_PLATFORM": "offscreen"},
            }
            for _ in range(args.runs):  # interleaved, so a busy moment costs every kind alike
                for platform_name, platform_env in platforms.items():
                    for kind, (program, shopcast) in kinds.items():
                        if not shopcast and "DISPLAY" not in platform_env:
                            continue  # OBS needs a display (OpenGL)
                        env = {**base, **platform_env}
                        if kind.startswith("source"):
                            env["PYTHONPATH"] = str(REPO)
                        for measure, seconds in launch(program, env, scratch, shopcast=shopcast).items():
                            results.setdefault((kind, platform_name, measure), []).append(seconds)
        finally:
            stop_process(xvfb)
        print(f"Machine: {os.cpu_count()} cores, {cpu_model()}, {platform.system()} {platform.release()}")
        deb_mib = deb.stat().st_size / 2**20
        print(f"\nPackage: {deb.name}  {deb_mib:.0f} MiB (.deb), {folder_mib(installed):.0f} MiB installed")
        top = sorted(((folder_mib(p) if p.is_dir() else p.stat().st_size / 2**20, p.name)
                      for p in (installed / "_internal").iterdir()), reverse=True)[:8]  # fmt: skip
        print("Largest parts: " + ", ".join(f"{name} {mib:.0f} MiB" for mib, name in top))
        print(
            f"\n| launch → main window ({args.runs} runs) | platform | window | first run | median of the rest | max |"
        )
        print("|---|---|---|---:|---:|---:|")
        for (kind, platform_name, measure), times in sorted(results.items(), key=lambda r: (r[0][1], r[0][2])):
            rest = times[1:] or times
            median, slowest = statistics.median(rest), max(rest)
            print(f"| {kind} | {platform_name} | {measure} | {times[0]:.2f} s | {median:.2f} s | {slowest:.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
