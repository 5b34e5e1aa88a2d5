"""The session's stats ticker: its numbers once a second, judged, and what follows from the judgement.

Every ``interval`` seconds the watch takes the session's stats, runs the one ``HealthTracker`` on them
(OBS's thresholds) and emits them with the verdict, so the studio shows the same judgement the session
records. While live it folds each verdict into the ``IncidentLog`` and logs every ended incident to the
room (``health.incident``, on the room-actions thread) for the post-live report; it also tells the host
once when the live governor changes the x264 preset, once when an output fails for good (a recording
or folder whose disk fails is told as such: the live stream goes on), once when the relay starts
refusing the stream for a full disk (HTTP 507), and when the microphone goes silent and comes back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from app.incidents import Incident, IncidentLog
from app.relay_client import RelayError
from app.relay_link import RelayLink
from app.session_events import Listener, Notice, SessionStats
from app.stream_health import INSUFFICIENT_STORAGE, HealthTracker
from pipeline.clock import Clock
from pipeline.outputs.base import OutputStats

log = logging.getLogger(__name__)

DISK_OUTPUTS = {"recording": "录制", "folder": "HLS 文件夹"}
"""The outputs that write to this machine's disk, by name, in Chinese (their notices name them)."""


class HealthWatch:
    """The ``shopcast-stats`` thread: from :meth:`start` until :meth:`stop`."""

    def __init__(
        self,
        stats: Callable[[], SessionStats],
        emit: Listener,
        link: RelayLink,
        *,
        fps: float,
        clock: Clock,
        interval: float,
    ) -> None:
        self._stats = stats
        self._emit = emit
        self._link = link
        self._clock = clock
        self._interval = interval
        self._tracker = HealthTracker(fps, clock=clock.monotonic)
        # Stream-health incidents go to the room's event log for the post-live report.
        self.incidents = IncidentLog()
        self._recording = True
        """False once the session is closing: an incident can no longer reach the room."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._tick, name="shopcast-stats", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _tick(self) -> None:
        reported: set[tuple[str, str]] = set()
        refused: set[tuple[str, str]] = set()
        note: str | None = None
        mic_lost = False
        while not self._stop.wait(self._interval):
            stats = self._stats()
            health = self._tracker.update(stats.program, stats.broadcast, stats.formats[1:], stats.inputs)
            self._emit(replace(stats, health=health))
            if stats.broadcast is not None and self._recording:
                ended = self.incidents.update(health, self._clock.wall())
                if ended is not None:
                    self._link.run_in_order(self._log, ended)
            if stats.broadcast is not None and stats.broadcast.preset_note not in (None, note):
                note = stats.broadcast.preset_note
                self._emit(Notice("warning", note or "", f"编码预设调整：{note}"))
            for output in stats.broadcast.outputs if stats.broadcast else ():
                key = (stats.broadcast.stream_id if stats.broadcast else "", output.name)
                if output.state == "failed" and key not in reported:
                    reported.add(key)
                    self._emit(_failed(output))
                if output.last_status == INSUFFICIENT_STORAGE and key not in refused:
                    refused.add(key)
                    self._emit(_storage_full(output))
                elif output.last_status != INSUFFICIENT_STORAGE:
                    refused.discard(key)
            lost = any(i.kind == "microphone" and i.lost for i in stats.inputs)
            if lost != mic_lost:
                mic_lost = lost
                self._emit(_microphone(lost))

    # --- incidents -------------------------------------------------------------------------------

    def live_ended(self) -> None:
        """Close the incident still open, if any, and log it on the room-actions thread."""
        last = self.incidents.finish(self._clock.wall())
        if last is not None:
            self._link.run_in_order(self._log, last)

    def stop_incidents(self) -> None:
        """Record no more incidents: the session is closing and the room is about to go."""
        self._recording = False

    def log_open_incident(self) -> None:
        """Close the incident still open, if any, and log it right now (closing while live, the room still
        open; the room-actions thread may be shut already)."""
        last = self.incidents.finish(self._clock.wall())
        if last is not None:
            self._log(last)

    def _log(self, incident: Incident) -> None:
        room = self._link.room
        if room is None:
            return
        try:
            room.log_event("health.incident", incident.event())
        except (RelayError, RuntimeError) as exc:  # RuntimeError: the room client is already closed
            log.warning("could not log the stream-health incident %s: %s", incident.code, exc)


# --- notices ---------------------------------------------------------------------------------------


def _failed(output: OutputStats) -> Notice:
    """An output failed for good: a disk output (the recording) stops alone, a push stops sending."""
    name, error = output.name, output.last_error
    if output.medium == "disk":
        zh = DISK_OUTPUTS.get(name.partition(" (")[0], name)
        return Notice(
            "warning",
            f"The {name} stopped: {error}. Nothing more is written there; the live stream goes on.",
            f"{zh}已停止：{error}。不再写入，直播继续进行。",
        )
    return Notice("error", f"{name}: {error}; nothing more is sent there", f"{name} 推送失败，不再发送：{error}")


def _storage_full(output: OutputStats) -> Notice:
    return Notice(
        "error",
        f"{output.name}: the relay's disk is full and it refuses the stream ({output.last_error}). The stream"
        " waits here and is sent once the relay has room again.",
        f"{output.name}：中继服务器磁盘已满，拒收直播流（{output.last_error}）。直播流暂存在本机，待其腾出空间后补发。",
    )


def _microphone(lost: bool) -> Notice:
    if lost:
        return Notice(
            "warning",
            "The microphone sends no sound: the stream carries silence until it is back (reconnecting…)",
            "麦克风没有声音：直播中为静音，直到它恢复（正在重新连接…）",
        )
    return Notice("info", "The microphone sends sound again", "麦克风已恢复声音")
