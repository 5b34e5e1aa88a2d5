"""The media clock: the one source of time for everything that stamps or paces media.

Stages never call ``time`` directly; they receive a :class:`Clock`, so tests can run the pipeline
faster than real time or freeze it.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a monotonic scale (the origin is arbitrary)."""
        ...

    def wall(self) -> float:
        """Unix time in seconds, for timestamps a human or another machine reads."""
        ...

    def sleep_until(self, deadline: float, stop: threading.Event) -> bool:
        """Wait until ``monotonic() >= deadline``; return False if ``stop`` was set first."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep_until(self, deadline: float, stop: threading.Event) -> bool:
        remaining = deadline - time.monotonic()
        if remaining > 0:
            return not stop.wait(remaining)
        return not stop.is_set()
