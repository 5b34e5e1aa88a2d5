"""What a bug report needs to know: this ShopCast's version and the versions of the parts it runs on.

The About box (``ui/about_dialog.py``), ``shopcast --version`` and the startup report read the same list
(:func:`components`): ShopCast, Python, Qt, PySide6, FFmpeg (its libav* libraries), x264, aiortc, PyAV,
OpenCV, numpy. Qt is not imported here (only ``ui`` imports it): its runtime version and PySide6's come
in as arguments. x264 is the build PyAV's ``libx264`` encoder links: the encoder writes it into the SEI
of its first picture (``x264 - core 165 r3222 b35605a``), so one tiny frame is encoded once (about 10 ms)
and the answer kept. A part that cannot say its version is ``unavailable``, never an error.
"""

from __future__ import annotations

import functools
import importlib
import platform
import re
from collections.abc import Callable
from fractions import Fraction

from app import __version__

UNAVAILABLE = "unavailable"
NAME = "ShopCast"

_X264_SEI = re.compile(rb"x264 - core (\d+)(?: (r\d+(?: [0-9a-f]+)?))?")


def _or_unavailable(find: Callable[[], str]) -> str:
    try:
        return find() or UNAVAILABLE
    except Exception:  # a missing library, an odd build: the list still shows
        return UNAVAILABLE


def _module_version(name: str) -> str:
    return str(importlib.import_module(name).__version__)


def ffmpeg_version() -> str:
    """FFmpeg's release as PyAV was built with it, and its libraries: ``8.1.2 (libavcodec 62.28.102, …)``."""
    import av

    release = str(getattr(av, "ffmpeg_version_info", "") or "")
    libraries = _or_unavailable(
        lambda: ", ".join(f"{name} {'.'.join(map(str, version))}" for name, version in av.library_versions.items())
    )
    if libraries == UNAVAILABLE:
        return release
    if release:
        return f"{release} ({libraries})"
    return release or libraries


@functools.cache
def x264_version() -> str:
    """The x264 build of PyAV's libx264 encoder (``core 165``, with ``r3222 b35605a`` when the build
    says), read from the SEI of one encoded 64x64 frame; ``unavailable`` when it cannot be encoded."""
    try:
        import av

        codec = av.CodecContext.create("libx264", "w")
        assert isinstance(codec, av.VideoCodecContext)
        codec.width = codec.height = 64
        codec.pix_fmt = "yuv420p"
        codec.time_base = Fraction(1, 25)
        codec.options = {"preset": "ultrafast", "tune": "zerolatency", "threads": "1"}
        frame = av.VideoFrame(64, 64, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        data = b"".join(bytes(packet) for packet in [*codec.encode(frame), *codec.encode(None)])
    except Exception:
        return UNAVAILABLE
    found = _X264_SEI.search(data)
    if found is None:
        return UNAVAILABLE
    build = found[2].decode("ascii") if found[2] else ""
    return f"core {found[1].decode('ascii')}" + (f" {build}" if build else "")


def components(*, qt: str = UNAVAILABLE, pyside: str = UNAVAILABLE) -> list[tuple[str, str]]:
    """(name, version) of ShopCast and what it runs on, in the order a bug report lists them. ``qt``: the
    Qt library in use (``qVersion()``), ``pyside``: PySide6's version; the GUI passes them."""
    return [
        (NAME, __version__),
        ("Python", platform.python_version()),
        ("Qt", qt or UNAVAILABLE),
        ("PySide6", pyside or UNAVAILABLE),
        ("FFmpeg", _or_unavailable(ffmpeg_version)),
        ("x264", x264_version()),
        ("aiortc", _or_unavailable(lambda: _module_version("aiortc"))),
        ("PyAV", _or_unavailable(lambda: _module_version("av"))),
        ("OpenCV", _or_unavailable(lambda: _module_version("cv2"))),
        ("numpy", _or_unavailable(lambda: _module_version("numpy"))),
    ]


def version_text(versions: list[tuple[str, str]]) -> str:
    """``shopcast --version``: ``shopcast X.Y.Z``, then a line per component (``Python: 3.11.2``)."""
    lines = [f"shopcast {__version__}"]
    lines += [f"{name}: {version}" for name, version in versions if name != NAME]
    return "\n".join(lines)
