"""Events the studio logs into its room's event log itself (``POST /api/v1/rooms/{room}/events``).

Only the kinds listed in :data:`STUDIO_EVENTS` are accepted, each checked field by field so that the
log — from which every metric and the post-live report are computed — holds nothing malformed:

``health.incident`` {code, level, message, start, end, args?}
    A spell of stream-health trouble (app/incidents.py): ``code`` like ``network.dropped``, ``level``
    ``warning`` or ``error``, ``message`` the tracker's English verdict (≤ 300 characters), ``start``
    and ``end`` wall-clock seconds (start ≤ end, at most a day apart, not more than 5 minutes ahead of
    the relay's clock nor older than 2 days), ``args`` up to 10 strings that let a reader word the
    message in another language. Logged when the incident ends (or when the live ends).
"""

from __future__ import annotations

import math
import re
from typing import Any

from app.commerce.errors import CommerceError
from app.commerce.event_types import STUDIO
from app.commerce.values import invalid, text

STUDIO_EVENTS = STUDIO
CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+){0,3}")
MESSAGE_MAX = 300
ARGS_MAX = 10
ARG_MAX = 200
MAX_DURATION_S = 24 * 3600
FUTURE_SLACK_S = 300
OLDEST_S = 2 * 24 * 3600
_INCIDENT_FIELDS = {"code", "level", "message", "start", "end", "args"}
_INCIDENT_REQUIRED = ("code", "level", "message", "start", "end")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(f"{where} must be a number of seconds (Unix time), got {type(value).__name__}")
    if not math.isfinite(value):
        raise invalid(f"{where} must be a finite number")
    return float(value)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise invalid(f"{where} must be a string, got {type(value).__name__}")
    return value


def _incident(data: dict[str, Any], now: float) -> dict[str, Any]:
    unknown = sorted(set(data) - _INCIDENT_FIELDS)
    if unknown:
        allowed = ", ".join(sorted(_INCIDENT_FIELDS))
        raise invalid(f"data has an unknown field {unknown[0]!r} (a health.incident has {allowed})")
    missing = [name for name in _INCIDENT_REQUIRED if name not in data]
    if missing:
        raise invalid(f"data.{missing[0]} is missing (a health.incident needs {', '.join(_INCIDENT_REQUIRED)})")
    code = _string(data["code"], "data.code")
    if not CODE.fullmatch(code) or len(code) > 64:
        raise invalid(f"data.code {code[:70]!r} must be 1-64 lower-case letters, digits and '_' in dotted parts")
    level = _string(data["level"], "data.level")
    if level not in ("warning", "error"):
        raise invalid(f"data.level must be 'warning' or 'error', got {level[:20]!r}")
    message = text(_string(data["message"], "data.message"), "data.message", MESSAGE_MAX).replace("\n", " ")
    start, end = _number(data["start"], "data.start"), _number(data["end"], "data.end")
    if end < start:
        raise invalid(f"data.end ({end:.3f}) is before data.start ({start:.3f})")
    if end - start > MAX_DURATION_S:
        raise invalid(f"an incident lasts at most {MAX_DURATION_S} s; this one lasts {end - start:.0f} s")
    if end > now + FUTURE_SLACK_S:
        raise invalid(f"data.end is {end - now:.0f} s ahead of the relay's clock (check the studio's clock)")
    if start < now - OLDEST_S:
        raise invalid(f"data.start is {(now - start) / 3600:.0f} hours ago: only incidents of the last 2 days")
    args: list[str] = []
    if "args" in data:
        raw = data["args"]
        if not isinstance(raw, list):
            raise invalid(f"data.args must be a list of strings, got {type(raw).__name__}")
        if len(raw) > ARGS_MAX:
            raise invalid(f"data.args has {len(raw)} items; at most {ARGS_MAX}")
        for i, arg in enumerate(raw):
            value = _string(arg, f"data.args[{i}]")
            if len(value) > ARG_MAX:
                raise invalid(f"data.args[{i}] is longer than {ARG_MAX} characters")
            args.append(value)
    return {"code": code, "level": level, "message": message, "start": start, "end": end, "args": args}


def check_studio_event(kind: Any, data: Any, now: float) -> tuple[str, dict[str, Any]]:
    """The event as it will be logged, or CommerceError (422) naming the first problem."""
    if not isinstance(kind, str):
        raise invalid(f"type must be a string naming the event, one of: {', '.join(STUDIO_EVENTS)}")
    if kind not in STUDIO_EVENTS:
        raise CommerceError(
            422, "unknown_event_type", f"the studio may log only {', '.join(STUDIO_EVENTS)}, not {kind[:60]!r}"
        )
    if not isinstance(data, dict):
        raise invalid(f"data must be a JSON object, got {type(data).__name__}")
    return kind, _incident(data, now)
