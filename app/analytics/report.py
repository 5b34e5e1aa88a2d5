"""The post-live report (复盘): the metrics fold over a room's event log plus the comment topics, and
where the log comes from (a relay's API, or a relay's data folder when it is not running).

``shopcast report ROOM --out FILE.html`` (app/cli.py) runs :func:`load_events`, :func:`build_report`
and the renderer (app/analytics/report_html.py); ``GET /api/v1/rooms/{room}/report.json`` serves
:func:`report_json` of the relay's own fold.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx

from app.analytics.metrics import Event, MetricsFold, fold_show
from app.analytics.model import HealthIncident, Report, Segment, Topic
from app.analytics.topics import analyse_comments

log = logging.getLogger(__name__)

PAGE = 10_000
"""Events per ``GET /events`` request (the endpoint's largest page)."""


class ReportError(Exception):
    """A report cannot be made; the message says why in words for the person running it."""


def build_report(
    events: Iterable[Event], room: str, title: str, *, show: int | None = None, now: float | None = None
) -> Report:
    """The report of broadcast ``show`` of the log (1-based; None: the last), with comment topics.

    ``now`` is the moment a show still on the air is reported at (default: its last event)."""
    fold = fold_show(events, show, keep_comments=True)
    return report_of(fold, room, title, now=now)


def report_of(fold: MetricsFold, room: str, title: str, *, now: float | None = None) -> Report:
    """The report of the fold's show, with the comment topics."""
    report = fold.report(room, title, now)
    topics, negative = comment_topics(fold)
    return dataclasses.replace(report, topics=topics, negative_topics=negative)


def comment_topics(fold: MetricsFold) -> tuple[list[Topic], list[Topic]]:
    """(top topics, negative topics) of the fold's comments (it must keep them)."""
    comments = fold.comment_rows()
    return analyse_comments(
        [(wall, text) for wall, text, _ in comments],
        viewers=[viewer for _, _, viewer in comments],
        draw_keywords=fold.draw_keywords(),
    )


def write_report(base_url: str, room: str, owner_token: str, out: Path, lang: str = "zh_CN") -> Path:
    """Fetch the room's log from its relay, build the last show's report and write it to ``out``
    as one HTML file (written whole, then moved in place); ``out``. ReportError says what failed."""
    from app.analytics.report_html import render_html

    title, events = events_from_relay(base_url, room, owner_token)
    if not events:
        raise ReportError(f"room {room!r} has no events yet: there is nothing to report")
    try:
        page = render_html(build_report(events, room, title), lang)
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary = out.with_name(f".{out.name}.tmp")
        temporary.write_text(page, encoding="utf-8")
        temporary.replace(out)
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot write the report to {out}: {exc}") from exc
    return out


# --- JSON -----------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, HealthIncident):
        return {**{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)},
                "online_change": value.online_change}  # fmt: skip
    if isinstance(value, Segment):
        return {**{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)},
                "actual_s": value.actual_s, "over_s": value.over_s}  # fmt: skip
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def report_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready dicts and lists (field names as in app/analytics/model.py; each
    incident also carries ``online_change``, each segment ``actual_s`` and ``over_s``)."""
    result: dict[str, Any] = _plain(report)
    return result


# --- where the events come from ---------------------------------------------------------------------


def events_from_relay(base_url: str, room: str, owner_token: str, timeout: float = 30.0) -> tuple[str, list[Event]]:
    """(room title, every event) read through the relay's API with the room's owner token."""
    base = base_url.rstrip("/")
    headers = {"Authorization": f"Bearer {owner_token}"}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=timeout) as client:
            info = client.get(f"/api/v1/rooms/{room}")
            if info.status_code == 404:
                raise ReportError(f"the relay at {base} has no room named {room!r}")
            _check(info, base)
            title = str(info.json().get("title") or room)
            events: list[Event] = []
            after = 0
            while True:
                page = client.get(f"/api/v1/rooms/{room}/events", params={"after": after, "limit": PAGE})
                if page.status_code in (401, 403):
                    raise ReportError(f"the relay refused the owner token for room {room!r}: {_message(page)}")
                _check(page, base)
                rows = page.json()
                events.extend(rows)
                if len(rows) < PAGE:
                    return title, events
                after = int(rows[-1]["id"])
    except httpx.HTTPError as exc:
        raise ReportError(f"cannot reach the relay at {base}: {exc}") from exc


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message") or response.text)
    except ValueError:
        return response.text.strip()[:200]


def _check(response: httpx.Response, base: str) -> None:
    if response.status_code >= 400:
        raise ReportError(f"the relay at {base} answered {response.status_code}: {_message(response)}")


def events_from_data(data_dir: Path, room: str) -> tuple[str, list[Event]]:
    """(room title, every event) read straight from a relay's data folder (the relay need not run;
    the store is opened read-only, so a running relay is not disturbed either)."""
    store = data_dir / "commerce.sqlite3"
    if not store.is_file():
        raise ReportError(f"{data_dir} is not a relay's data folder (it has no commerce.sqlite3)")
    title = room
    rooms_file = data_dir / "rooms.json"
    if rooms_file.is_file():
        try:
            rooms = json.loads(rooms_file.read_text(encoding="utf-8")).get("rooms", [])
        except (OSError, ValueError) as exc:
            raise ReportError(f"cannot read {rooms_file}: {exc}") from exc
        found = [r for r in rooms if isinstance(r, dict) and r.get("name") == room]
        if not found:
            names = ", ".join(sorted(str(r.get("name")) for r in rooms if isinstance(r, dict))) or "none"
            raise ReportError(f"{data_dir} has no room named {room!r} (rooms: {names})")
        title = str(found[0].get("title") or room)
    try:
        db = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ReportError(f"cannot open {store}: {exc}") from exc
    try:
        return title, list(_rows(db, room))
    except sqlite3.Error as exc:
        raise ReportError(f"cannot read the event log in {store}: {exc}") from exc
    finally:
        db.close()


def _rows(db: sqlite3.Connection, room: str) -> Iterator[Event]:
    cursor = db.execute(
        "SELECT id, wall, stream_time, type, viewer_id, data FROM events WHERE room = ? ORDER BY id", (room,)
    )
    for event_id, wall, stream_time, kind, viewer, data in cursor:
        yield {"id": event_id, "wall": wall, "stream_time": stream_time, "type": kind, "viewer_id": viewer,
               "data": json.loads(data)}  # fmt: skip
