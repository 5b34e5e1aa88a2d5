"""Stream-health incidents for the room's event log: when the stream was in trouble, and how.

The session runs a :class:`~app.stream_health.HealthTracker` on its own stats while live and hands
each report to :class:`IncidentLog`. An incident starts when the tracker names a bottleneck (the
verdict the Stream health dock shows, with OBS's thresholds) and ends once it has been clear for
``CLEAR_AFTER`` seconds in a row (a one-second gap does not split one bad minute into two). Its level
is the worst seen, its code and message those of the first report at that level. The session logs
each ended incident to the relay as ``health.incident``, and the one still open when the live ends,
so the post-live report can set viewer curves against them ("online -12 % during 8 s of dropped
frames at 20:41").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.stream_health import LEVEL_RANK, HealthReport, Level

CLEAR_AFTER = 2.0
"""Seconds without a bottleneck after which an incident is over."""


@dataclass(frozen=True, slots=True)
class Incident:
    code: str
    """The tracker's code, e.g. ``encoding.skipped`` or ``network.dropped``."""
    level: Level
    message: str
    """English (the tracker's verdict); ``code`` and ``args`` let a reader word it in Chinese."""
    args: tuple[str, ...]
    start: float
    end: float

    def event(self) -> dict[str, object]:
        """The ``health.incident`` event's data."""
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "args": list(self.args),
            "start": round(self.start, 3),
            "end": round(self.end, 3),
        }


class IncidentLog:
    """Folds health reports (about one a second) into incidents."""

    def __init__(self) -> None:
        self._open: Incident | None = None
        self._last_bad = 0.0

    @property
    def open(self) -> Incident | None:
        return self._open

    def update(self, report: HealthReport, wall: float) -> Incident | None:
        """Take the report at ``wall``; the incident that ended with it, if one did."""
        trouble = report.overloaded
        current = self._open
        if trouble is None or trouble.level == "ok":
            if current is not None and wall - self._last_bad >= CLEAR_AFTER:
                self._open = None
                return current
            return None
        self._last_bad = wall
        level: Level = "error" if trouble.level == "error" else "warning"
        if current is None:
            self._open = Incident(trouble.code, level, trouble.message, trouble.args, wall, wall)
        elif LEVEL_RANK[level] > LEVEL_RANK[current.level]:
            self._open = Incident(trouble.code, level, trouble.message, trouble.args, current.start, wall)
        else:
            self._open = replace(current, end=wall)
        return None

    def finish(self, wall: float) -> Incident | None:
        """End the open incident (the live is over); it, if there was one."""
        current, self._open = self._open, None
        if current is None:
            return None
        return Incident(
            current.code, current.level, current.message, current.args, current.start, max(current.end, wall)
        )
