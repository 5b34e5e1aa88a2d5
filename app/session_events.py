"""What a studio session tells its listeners: the events it passes them, from its own threads.

The session's parts (the relay link, the health watch, co-hosting) all emit these, and the studio's Qt
bridge and the headless CLI read them, so they live apart from every one of those.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.cohost import GuestLeft, GuestsChanged
from app.scenes import ScenesChanged
from app.stream_health import HealthReport, InputStatus
from pipeline.broadcast import BroadcastReport, BroadcastStats
from pipeline.program import ProgramStats


@dataclass(frozen=True, slots=True)
class Notice:
    level: str  # "info", "warning" or "error"
    message: str
    zh: str | None = None
    """The message in Simplified Chinese (technical details inside it may stay in English)."""


@dataclass(frozen=True, slots=True)
class RelayReady:
    relay_url: str
    room: str
    watch_url: str


@dataclass(frozen=True, slots=True)
class RelayFailed:
    message: str


@dataclass(frozen=True, slots=True)
class SourceChanged:
    description: str


@dataclass(frozen=True, slots=True)
class LiveStarted:
    stream_id: str
    watch_url: str | None


@dataclass(frozen=True, slots=True)
class LiveFailed:
    message: str


@dataclass(frozen=True, slots=True)
class LiveEnded:
    report: BroadcastReport


@dataclass(frozen=True, slots=True)
class RoomMessage:
    """A message from the room's live feed (``snapshot`` or ``batch``)."""

    message: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RoomActionDone:
    tag: str
    result: Any


@dataclass(frozen=True, slots=True)
class RoomActionFailed:
    tag: str
    message: str


@dataclass(frozen=True, slots=True)
class SessionStats:
    program: ProgramStats
    broadcast: BroadcastStats | None
    """The primary canvas's broadcast while live."""
    health: HealthReport | None = None
    """The stream-health verdict on these numbers (OBS's thresholds), set on the ones the session emits:
    the studio shows the same judgement the session logs as incidents."""
    formats: tuple[BroadcastStats, ...] = ()
    """Every canvas's broadcast while live, the primary first (two in dual format)."""
    inputs: tuple[InputStatus, ...] = ()
    """The microphone and the cameras: whether each delivers."""


SessionEvent = (
    Notice
    | RelayReady
    | RelayFailed
    | SourceChanged
    | LiveStarted
    | LiveFailed
    | LiveEnded
    | SessionStats
    | RoomMessage
    | RoomActionDone
    | RoomActionFailed
    | GuestsChanged
    | GuestLeft
    | ScenesChanged
)
Listener = Callable[[SessionEvent], None]
