"""A pre-flight check's rows (:class:`PreflightRow`) and the check itself (:class:`Check`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from plugins.api import Text

Level = Literal["ok", "warning", "error"]
LEVELS: tuple[Level, ...] = ("ok", "warning", "error")
NO_HINT = Text("", "")


@dataclass(frozen=True, slots=True)
class PreflightRow:
    id: str
    level: Level
    title: Text
    detail: Text
    hint: Text = NO_HINT
    """What to do about it (empty when all is well)."""


@dataclass(frozen=True, slots=True)
class Check:
    """One check: ``run`` gives its rows (on a worker thread); past ``timeout`` seconds it is an error."""

    id: str
    title: Text
    run: Callable[[], list[PreflightRow]]
    timeout: float = 4.0


def worst(rows: Sequence[PreflightRow]) -> Level:
    return max((r.level for r in rows), key=LEVELS.index, default="ok")


def mbps(bps: float) -> str:
    return f"{bps / 1e6:.1f} Mb/s" if bps >= 1e6 else f"{bps / 1e3:.0f} kb/s"
