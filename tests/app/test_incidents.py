"""Stream-health incidents for the event log (app/incidents.py): one per spell of trouble, at its worst
level, split only by a real recovery."""

from __future__ import annotations

from app.incidents import CLEAR_AFTER, IncidentLog
from app.stream_health import HealthReport, Overload

FINE = HealthReport((), None, True)


def trouble(reason: str, level: str) -> HealthReport:
    return HealthReport((), Overload("encoding", reason, level, ("3 %", "10")), True)  # type: ignore[arg-type]


def test_a_spell_of_trouble_is_one_incident_at_its_worst_level() -> None:
    log = IncidentLog()
    assert log.update(FINE, 100.0) is None and log.open is None
    assert log.update(trouble("skipped", "warning"), 101.0) is None
    assert log.update(trouble("skipped", "error"), 102.0) is None
    assert log.update(FINE, 103.0) is None, "one good second is not a recovery"
    assert log.update(trouble("skipped", "warning"), 104.0) is None
    assert log.update(FINE, 105.0) is None
    ended = log.update(FINE, 104.0 + CLEAR_AFTER)
    assert ended is not None and log.open is None
    assert (ended.start, ended.end, ended.level, ended.code) == (101.0, 104.0, "error", "encoding.skipped")
    assert ended.message == trouble("skipped", "error").overloaded.message  # type: ignore[union-attr]
    assert "3 % of frames skipped in the last 10 s" in ended.message
    assert ended.event() == {
        "code": "encoding.skipped",
        "level": "error",
        "message": ended.message,
        "args": ["3 %", "10"],
        "start": 101.0,
        "end": 104.0,
    }


def test_the_incident_open_when_the_live_ends_is_finished_then() -> None:
    log = IncidentLog()
    log.update(trouble("slow", "warning"), 10.0)
    log.update(trouble("slow", "warning"), 11.0)
    ended = log.finish(12.5)
    assert ended is not None and (ended.start, ended.end) == (10.0, 12.5)
    assert log.finish(13.0) is None
