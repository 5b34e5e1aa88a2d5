"""``shopcast broadcast --rundown FILE``: a run-of-show played unattended on the room's relay.

The file (JSON or CSV, app/rundown.py) is saved as the room's run-of-show with auto-advance on time
switched on (and on sell-out if the file asks), the first segment is cued when the stream is live,
and the relay advances from there (app/commerce/rundown_runner.py); the broadcast ends when the run
has played its last segment. For rehearsals without a crew, tests and load tests.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import Any

from app.relay_client import RelayError
from app.room_client import RoomClient
from app.rundown import Rundown, RundownError, rundown_from_csv, rundown_from_json, rundown_to_json

log = logging.getLogger(__name__)


def read_rundown_file(path: Path) -> Rundown:
    """The run-of-show in ``path`` (CSV by its suffix, else JSON); RundownError names the problem's place."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RundownError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    if path.suffix.lower() == ".csv":
        return rundown_from_csv(data)
    return rundown_from_json(data)


class RundownPlayer:
    """Plays ``rundown`` in a room through its owner API (a RoomClient)."""

    def __init__(self, client: RoomClient, rundown: Rundown) -> None:
        self.client = client
        timed = dataclasses.replace(rundown.auto_advance, time_up=True)
        self.rundown = dataclasses.replace(rundown, auto_advance=timed)
        self.state: dict[str, Any] = {}

    def upload(self) -> None:
        """Save the run-of-show in the room (RelayError with the relay's reason)."""
        self.state = self.client.save_rundown(rundown_to_json(self.rundown))["state"]

    def start(self, live_since: float, timeout: float = 20.0) -> None:
        """Cue the first segment once the relay has the stream (begun at or after ``live_since``, Unix
        time), so the first cue belongs to this broadcast's show in the report."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.client.info()
            started = info.get("stream_started_at")
            if info.get("state") == "live" and isinstance(started, int | float) and started >= live_since - 1:
                break
            time.sleep(0.2)
        else:
            log.warning("the relay has not reported the stream as live after %.0f s; starting the show anyway", timeout)
        self.state = self.client.start_segment(0)
        print(f"Run-of-show: segment 1/{len(self.rundown.segments)} {_name(self.state)}".rstrip(), flush=True)

    def finished(self) -> bool:
        """Whether the run has played its last segment (a relay that cannot be reached: not yet)."""
        try:
            state = self.client.rundown()["state"]
        except RelayError as exc:
            log.warning("cannot read the run-of-show's state: %s", exc)
            return False
        if state.get("cue") != self.state.get("cue") and state.get("running"):
            print(f"Run-of-show: segment {state['index'] + 1}/{len(self.rundown.segments)} {_name(state)}".rstrip(),
                  flush=True)  # fmt: skip
        self.state = state
        return not state.get("running")

    def close(self) -> None:
        self.client.close()


def _name(state: dict[str, Any]) -> str:
    """What the segment on air is called: its title, else its product, else its kind."""
    segment = state.get("segment") or {}
    return str(segment.get("title") or segment.get("sku") or segment.get("kind") or "")
