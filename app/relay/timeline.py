"""The room's commerce events in the stream's own timeline: ``EXT-X-DATERANGE`` in the live media playlists.

The viewer page gets the room's events from the feed, stamped with the stream time they happened (see
docs/architecture.md, *Commerce in step with the picture*). Any other HLS player — behind a CDN or a
caching edge, a recorder, a clipping tool — sees only the stream: so the relay also writes the host's
actions into the media playlists it serves, as date ranges on the playlists' PROGRAM-DATE-TIME timeline
(RFC 8216bis 4.4.5.1)::

    #EXT-X-DATERANGE:ID="shopcast-3fa2c1-12",CLASS="com.shopcast.room",START-DATE="2026-12-07T02:30:00.123Z",
        X-SHOPCAST-TYPE="pin",X-SHOPCAST-SKU="tee"

(one line). hls.js exposes them as ``levelDetails.dateRanges`` (and as metadata cues), a native player as
``EXT-X-DATERANGE`` cues. The marks are the event log's rows of :data:`MARKED` (the host's actions, never
a viewer's), kept in memory for :data:`KEEP_S`, so a playlist lists those within its own window; the
stored playlists are not changed (a replay has its chapters from the event log).
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
from collections import deque
from dataclasses import dataclass

from app.commerce.core import EventRow
from pipeline.hls_playlist import date_time, parse_date_time

MARKED = frozenset({
    "pin", "unpin", "flash_sale.created", "flash_sale.opened", "flash_sale.closed", "coupon.issued",
    "coupon.ended", "group_buy.created", "group_buy.ended", "poll.opened", "poll.closed", "draw.opened",
    "draw.closed",
})  # fmt: skip
"""Event-log types written into the playlists (app/commerce/event_types.py)."""
KEEP_S = 120.0
"""How long a mark is kept: longer than any live playlist's window."""
MAX_MARKS = 200
"""Marks kept per room at most (a host does not pin 200 times in two minutes)."""
CLASS = "com.shopcast.room"
_QUOTABLE = re.compile(r'[^"\r\n\x00-\x1f]{1,100}')
_PDT = re.compile(rb"^#EXT-X-PROGRAM-DATE-TIME:(\S+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Mark:
    id: str
    wall: float
    line: bytes


def _attribute(name: str, value: object) -> str:
    text = str(value)
    return f',X-SHOPCAST-{name}="{text}"' if _QUOTABLE.fullmatch(text) else ""


class Timeline:
    """Feed it the event log (``engine.add_event_listener(timeline.on_events)``); it annotates playlists."""

    def __init__(self) -> None:
        self._marks: dict[str, deque[Mark]] = {}
        self._ids = itertools.count(1)
        # IDs differ from a restarted relay's: an id must never name another date (RFC 8216bis 4.4.5.1).
        self._prefix = f"shopcast-{secrets.token_hex(3)}-"

    def on_events(self, rows: list[EventRow]) -> None:
        for room, wall, _stream, kind, _viewer, data in rows:
            if kind not in MARKED:
                continue
            try:
                fields = json.loads(data)
            except ValueError:
                fields = {}
            mark_id = f"{self._prefix}{next(self._ids)}"
            text = f'#EXT-X-DATERANGE:ID="{mark_id}",CLASS="{CLASS}",START-DATE="{date_time(wall)}"'
            text += _attribute("TYPE", kind)
            if isinstance(fields, dict):
                for key in ("sku", "id"):
                    if isinstance(fields.get(key), str):
                        text += _attribute(key.upper(), fields[key])
            marks = self._marks.setdefault(room, deque(maxlen=MAX_MARKS))
            marks.append(Mark(mark_id, wall, text.encode() + b"\n"))
            while marks and marks[0].wall < wall - KEEP_S:
                marks.popleft()

    def forget(self, room: str) -> None:
        self._marks.pop(room, None)

    def annotate(self, room: str, playlist: bytes) -> bytes:
        """``playlist`` (a media playlist) with the room's marks from its first PROGRAM-DATE-TIME on."""
        marks = self._marks.get(room)
        if not marks:
            return playlist
        found = _PDT.search(playlist)
        if found is None:
            return playlist  # DATERANGE needs the date timeline
        start = parse_date_time(found.group(1).decode())
        if start is None:
            return playlist
        lines = b"".join(mark.line for mark in marks if mark.wall >= start)
        if not lines:
            return playlist
        return playlist.rstrip(b"\n") + b"\n" + lines
