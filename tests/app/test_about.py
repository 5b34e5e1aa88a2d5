"""The versions a bug report needs: app/about.py, and `shopcast --version` printing them."""

from __future__ import annotations

import re
import subprocess
import sys

import av
import pytest

import app
from app import about
from tests.helpers.relay import REPO

NAMES = ["ShopCast", "Python", "Qt", "PySide6", "FFmpeg", "x264", "aiortc", "PyAV", "OpenCV", "numpy"]
X264_BUILD = re.compile(r"core \d+( r\d+( [0-9a-f]+)?)?")


def test_the_components_in_the_order_a_bug_report_lists_them() -> None:
    versions = about.components(qt="6.9.9", pyside="6.9.8")
    assert [name for name, _ in versions] == NAMES
    found = dict(versions)
    assert found["ShopCast"] == app.__version__
    assert found["Python"] == ".".join(map(str, sys.version_info[:3]))
    assert (found["Qt"], found["PySide6"]) == ("6.9.9", "6.9.8"), "Qt's versions are the GUI's to give"
    assert found["PyAV"] == av.__version__
    assert found["FFmpeg"].startswith(f"{av.ffmpeg_version_info} (") and "libavcodec " in found["FFmpeg"]
    assert X264_BUILD.fullmatch(found["x264"]), found["x264"]
    assert about.UNAVAILABLE not in found.values()
    assert about.components()[2] == ("Qt", about.UNAVAILABLE), "without the GUI, Qt's version is not guessed"


def test_the_x264_build_is_read_from_the_encoder_once() -> None:
    about.x264_version.cache_clear()
    build = about.x264_version()
    assert X264_BUILD.fullmatch(build), build
    assert about.x264_version() == build
    assert about.x264_version.cache_info().hits == 1, "asked again, it is remembered (it takes an encode)"


def test_a_part_that_cannot_say_its_version_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("no libx264 here")

    monkeypatch.setattr(av.CodecContext, "create", broken)
    monkeypatch.setattr(av, "library_versions", None)
    about.x264_version.cache_clear()
    try:
        found = dict(about.components(qt="6", pyside="6"))
        assert found["x264"] == about.UNAVAILABLE
        assert found["FFmpeg"] == av.ffmpeg_version_info, "the release without its libraries"
        assert found["ShopCast"] == app.__version__ and found["numpy"] != about.UNAVAILABLE
        monkeypatch.delattr(av, "ffmpeg_version_info")
        assert dict(about.components())["FFmpeg"] == about.UNAVAILABLE
    finally:
        about.x264_version.cache_clear()  # the next test reads the real encoder


def test_version_prints_every_component() -> None:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    result = subprocess.run(
        [sys.executable, "-m", "app", "--version"], capture_output=True, text=True, timeout=60, cwd=REPO, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"shopcast {app.__version__}"
    assert [line.split(":")[0] for line in lines[1:]] == NAMES[1:], "one line per component, in order"
    found = dict(line.split(": ", 1) for line in lines[1:])
    assert found["Qt"] == qVersion() and found["PySide6"] == pyside_version
    assert X264_BUILD.fullmatch(found["x264"]), found["x264"]
    assert found["PyAV"] == av.__version__
