"""The version the Windows and macOS builds stamp on themselves (the .exe's version resource, the
.app's Info.plist), taken from ``app.__version__``, the one place it is written."""

from __future__ import annotations

import re

from app import __version__


def release_numbers(version: str = __version__, count: int = 3) -> tuple[int, ...]:
    """The leading numbers of a PEP 440 version, padded with zeros or cut to ``count``: "0.1.0" →
    (0, 1, 0); "1.2rc1" → (1, 2, 0). Windows' version resource holds four numbers; macOS's
    CFBundleVersion and CFBundleShortVersionString hold integers separated by periods, nothing else."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    if match is None:
        raise ValueError(f"{version!r} does not start with a release number")
    numbers = [int(part) for part in match.group().split(".")][:count]
    return (*numbers, *[0] * (count - len(numbers)))


def release_string(version: str = __version__) -> str:
    """The version as macOS's Info.plist takes it: "0.1.0"."""
    return ".".join(str(number) for number in release_numbers(version))
