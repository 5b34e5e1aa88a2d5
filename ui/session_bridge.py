"""Turns the session's events (from its threads) into Qt signals delivered on the GUI thread.

Widgets never call into the pipeline to pull data; they connect to these signals. Pictures — any
canvas's program, or studio mode's preview of a canvas (``preview:<canvas>``) — come through a
:class:`QtPictureFeed` per picture, asked for with :meth:`QtSessionBridge.watch` while a view shows
it: each frame is scaled down and converted to QImage on the program thread, at most ``preview_fps``
a second, and a new one is sent only once the GUI has taken the previous one, so a busy GUI never
queues up frames. Scene changes come as ``scenes_changed``, always queued (an edit made on the GUI
thread is seen on the next turn of its event loop, never inside the edit) and coalesced: a drag that
edits a layer many times between two turns redraws the docks once, with the latest collection.
"""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage

from app.cohost import GuestLeft, GuestsChanged
from app.scenes import ScenesChanged
from app.session import SessionError, StudioSession
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
from pipeline.scene import SceneCollection
from ui.i18n import current_language


class QtPictureFeed(QObject):
    """One picture of the program (a canvas, or a canvas's studio-mode preview) for the views showing it.

    Signals:
        frame(QImage): the picture, scaled so its longer side is at most ``max_side``.
    """

    frame = Signal(QImage)

    def __init__(self, name: str, max_side: int, fps: float) -> None:
        super().__init__()
        self.name = name
        self.max_side = max_side
        self._interval = 1.0 / fps
        self._last_sent = 0.0
        self._in_flight = threading.Event()
        self.frames_delivered = 0

    def on_frame(self, frame: VideoFrame) -> None:
        """A video sink (the program thread): convert and send, unless too soon or the GUI is busy."""
        now = time.monotonic()
        if self._in_flight.is_set() or now - self._last_sent < self._interval:
            return
        self._last_sent = now
        image = frame.image
        h, w = image.shape[:2]
        if max(w, h) > self.max_side:
            scale = self.max_side / max(w, h)
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            image = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
        h, w = image.shape[:2]
        qimage = QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888).copy()
        self._in_flight.set()
        self.frame.emit(qimage)

    @Slot()
    def taken(self) -> None:
        """Called by the view once it has the frame, so the next one may be sent."""
        self.frames_delivered += 1
        self._in_flight.clear()

    def reset(self) -> None:
        """Send the next frame even if the last one was never taken (no view was showing it)."""
        self._in_flight.clear()


class QtSessionBridge(QObject):
    """Signals:
    scenes_changed(object): the scene collection after a change (or once the show has started), or
        after studio mode was switched; queued and coalesced (module docstring).
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

    scenes_changed = Signal(object)
    _scenes_posted = Signal()
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

    def __init__(self, session: StudioSession, max_side: int = 960, preview_fps: float = 15.0) -> None:
        super().__init__()
        self.session = session
        self.max_side = max_side
        self.preview_fps = preview_fps
        self._feeds: dict[str, QtPictureFeed] = {}
        self._watched: set[str] = set()
        self._scenes_lock = threading.Lock()
        self._latest: SceneCollection | None = None
        self._scenes_pending = False
        self._scenes_posted.connect(self._deliver_scenes, Qt.ConnectionType.QueuedConnection)
        session.add_listener(self._on_event)
        self._post_show()  # a session started before the window was made

    # --- pictures ------------------------------------------------------------------------------

    def feed(self, name: str) -> QtPictureFeed:
        """The feed of a picture: a canvas's name, or ``pipeline.show.preview_name(canvas)``."""
        if name not in self._feeds:
            self._feeds[name] = QtPictureFeed(name, self.max_side, self.preview_fps)
        return self._feeds[name]

    def watch(self, name: str) -> QtPictureFeed:
        """Start converting a picture for the views (until :meth:`unwatch`)."""
        feed = self.feed(name)
        if name not in self._watched:
            self._watched.add(name)
            feed.reset()
            self.session.add_preview_sink(feed.on_frame, name)
        return feed

    def unwatch(self, name: str) -> None:
        if name in self._watched:
            self._watched.discard(name)
            self.session.remove_preview_sink(self._feeds[name].on_frame, name)

    @property
    def watched(self) -> frozenset[str]:
        return frozenset(self._watched)

    # --- scenes --------------------------------------------------------------------------------

    def _post_scenes(self, collection: SceneCollection) -> None:
        with self._scenes_lock:
            self._latest = collection
            pending, self._scenes_pending = self._scenes_pending, True
        if not pending:
            self._scenes_posted.emit()

    def _post_show(self) -> None:
        try:
            collection = self.session.scenes.collection
        except SessionError:  # not started yet: the show's first picture announces it
            return
        self._post_scenes(collection)

    @Slot()
    def _deliver_scenes(self) -> None:
        with self._scenes_lock:
            collection, self._scenes_pending = self._latest, False
        if collection is not None:
            self.scenes_changed.emit(collection)

    def _on_event(self, event: SessionEvent) -> None:
        if isinstance(event, ScenesChanged):
            self._post_scenes(event.collection)
        elif isinstance(event, SessionStats):
            self.stats.emit(event)
        elif isinstance(event, Notice):
            chinese = current_language().startswith("zh") and event.zh
            self.notice.emit(event.level, event.zh if chinese else event.message)
        elif isinstance(event, RelayReady):
            self.relay_ready.emit(event.relay_url, event.watch_url)
        elif isinstance(event, RelayFailed):
            self.relay_failed.emit(event.message)
        elif isinstance(event, SourceChanged):
            self._post_show()  # the session says so once it has started, and the show with it
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
