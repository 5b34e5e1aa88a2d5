"""The output contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from pipeline.cmaf_packager import PublishedFile


@dataclass(frozen=True, slots=True)
class OutputStats:
    name: str
    state: str
    """``ok``, ``retrying``, ``failed`` or ``closed``."""
    queued_files: int = 0
    queued_bytes: int = 0
    sent_files: int = 0
    sent_bytes: int = 0
    retries: int = 0
    dropped_files: int = 0
    last_error: str | None = None
    retry_in: float | None = None
    """Seconds until the next attempt while retrying (a reconnect countdown)."""
    last_status: int | None = None
    """The HTTP status of the destination's last refusal while it still refuses (e.g. 507: its disk is
    full); None while it accepts, or when no answer came at all."""
    medium: Literal["network", "disk"] = "network"
    """Where the output writes: across the network, or to this machine's disk (a folder, a recording),
    whose failures are the disk's, not the network's."""


@dataclass(frozen=True, slots=True)
class OutputReport:
    """What an output says when it is closed."""

    name: str
    complete: bool
    unsent_files: int
    message: str


class Output(Protocol):
    name: str

    def publish(self, item: PublishedFile) -> None:
        """Accept a file of the stream. Must not block on I/O for long; called from media threads."""
        ...

    def stats(self) -> OutputStats: ...

    def close(self, timeout: float) -> OutputReport:
        """Deliver what is queued (waiting at most ``timeout`` seconds), then release resources."""
        ...
