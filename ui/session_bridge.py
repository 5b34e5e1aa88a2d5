"""Turns the session's events (from its threads) into Qt signals delivered on the GUI thread.

Widgets never call into the pipeline to pull data; they connect to these signals. Preview frames
are scaled down and converted to QImage on the program thread, at most ``preview_fps`` a second,
and a new one is sent only once the GUI has taken the previous one, so a busy GUI never queues up
frames.
"""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QImage

from app.cohost import GuestLeft, GuestsChanged
from app.session import StudioSession
from app.session_events import (
    LiveEnded,
    LiveFailed,
    LiveStarted,
    Notice,
    RelayFailed,
    RelayReady,
    RoomActionDone,
    RoomActionFailed,
    RoomMessage,
    SessionEvent,
    SessionStats,
    SourceChanged,
)
from pipeline.frames import VideoFrame
from ui.i18n import current_language


class QtSessionBridge(QObject):
    """Signals:
    preview_frame(QImage): a scaled program picture.
    stats(object): a SessionStats, about once a second.
    notice(str, str): level ("info", "warning", "error") and message.
    relay_ready(str, str): relay URL and viewer URL.
    relay_failed(str): why the relay could not be used.
    source_changed(str): description of the active video source.
    live_started(str): the stream id.
    live_failed(str): why going live failed.
    live_ended(object): the BroadcastReport.
    room_message(object): a message from the room's live feed (snapshot or batch).
    room_action_done(str, object): a host action's tag and the relay's answer.
    room_action_failed(str, str): a host action's tag and why it failed.
    guests_changed(object): the co-hosts now (a tuple of GuestInfo).
    guest_left(str, str, str): a co-host's session id, name and why they left.
    """

    preview_frame = Signal(QImage)
    stats = Signal(object)
    notice = Signal(str, str)
    relay_ready = Signal(str, str)
    relay_failed = Signal(str)
    source_changed = Signal(str)
    live_started = Signal(str)
    live_failed = Signal(str)
    live_ended = Signal(object)
    room_message = Signal(object)
    room_action_done = Signal(str, object)
    room_action_failed = Signal(str, str)
    guests_changed = Signal(object)
    guest_left = Signal(str, str, str)

    def __init__(self, session: StudioSession, preview_width: int = 960, preview_fps: float = 15.0) -> None:
        super().__init__()
        self.session = session
        self.preview_width = preview_width
        self._interval = 1.0 / preview_fps
        self._last_sent = 0.0
        self._in_flight = threading.Event()
        self.frames_delivered = 0
        session.add_listener(self._on_event)
        session.add_preview_sink(self._on_frame)

    def _on_frame(self, frame: VideoFrame) -> None:
        now = time.monotonic()
        if self._in_flight.is_set() or now - self._last_sent < self._interval:
            return
        self._last_sent = now
        image = frame.image
        h, w = image.shape[:2]
        if w > self.preview_width:
            size = (self.preview_width, round(h * self.preview_width / w))
            image = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)
        h, w = image.shape[:2]
        qimage = QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888).copy()
        self._in_flight.set()
        self.preview_frame.emit(qimage)

    @Slot()
    def frame_taken(self) -> None:
        """Called by the preview once it has the frame, so the next one may be sent."""
        self.frames_delivered += 1
        self._in_flight.clear()

    def _on_event(self, event: SessionEvent) -> None:
        if isinstance(event, SessionStats):
            self.stats.emit(event)
        elif isinstance(event, Notice):
            chinese = current_language().startswith("zh") and event.zh
            self.notice.emit(event.level, event.zh if chinese else event.message)
        elif isinstance(event, RelayReady):
            self.relay_ready.emit(event.relay_url, event.watch_url)
        elif isinstance(event, RelayFailed):
            self.relay_failed.emit(event.message)
        elif isinstance(event, SourceChanged):
            self.source_changed.emit(event.description)
        elif isinstance(event, LiveStarted):
            self.live_started.emit(event.stream_id)
        elif isinstance(event, LiveFailed):
            self.live_failed.emit(event.message)
        elif isinstance(event, LiveEnded):
            self.live_ended.emit(event.report)
        elif isinstance(event, RoomMessage):
            self.room_message.emit(event.message)
        elif isinstance(event, RoomActionDone):
            self.room_action_done.emit(event.tag, event.result)
        elif isinstance(event, RoomActionFailed):
            self.room_action_failed.emit(event.tag, event.message)
        elif isinstance(event, GuestsChanged):
            self.guests_changed.emit(event.guests)
        elif isinstance(event, GuestLeft):
            self.guest_left.emit(event.guest_id, event.name, event.reason)
