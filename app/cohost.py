"""The studio's side of co-hosting (连麦): guests' offers from the relay, their WebRTC connections,
the layout, mute and kick.

A guest opens an invite link and joins with WHIP *at the relay*; the relay checks the invite and
forwards the offer on the host's owner feed (``cohost.offer``). The studio answers it here with its
own WebRTC endpoint (pipeline/cohost_endpoint.py) and posts the answer back, so the media goes
between the guest's browser and the studio, one hop, and the studio has every voice to make each
guest's mix-minus. Guests leaving (``cohost.left`` from the relay), dropping (the endpoint notices)
and being kicked (the host) all end the same way: the connection is closed and the relay is told,
which records it in the room's event log.

The endpoint (and aiortc) starts with the first guest, not with the studio.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from app.relay_client import RelayError
from app.room_client import RoomClient
from pipeline.cohost_endpoint import CohostEndpoint, CohostError, GuestInfo
from pipeline.compositor import Compositor, GuestPicture, Layout
from pipeline.filters.meter import MeterLevels
from pipeline.frames import Image, Samples

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GuestsChanged:
    """The co-hosts on the program changed (joined, got their first picture, muted, left)."""

    guests: tuple[GuestInfo, ...]


@dataclass(frozen=True, slots=True)
class GuestLeft:
    guest_id: str
    name: str
    reason: str


class Cohosting:
    """Co-hosts for one studio session. ``on_feed`` is called with each owner-feed message;
    ``kick``/``set_muted``/``set_layout`` from the studio's threads."""

    def __init__(
        self,
        *,
        room: Callable[[], RoomClient | None],
        emit: Callable[[object], None],
        background: Executor,
        sample_rate: int,
        channels: int,
        ice_servers: Sequence[str] = (),
        ice_hosts: Sequence[str] = (),
        drop_after: float = 3.0,
    ) -> None:
        self._room = room
        self._emit = emit
        self._background = background
        self._sample_rate = sample_rate
        self._channels = channels
        self._ice_servers = tuple(ice_servers)
        self._ice_hosts = tuple(ice_hosts)
        self._drop_after = drop_after
        self._endpoint: CohostEndpoint | None = None
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()
        self._closed = False
        self.compositor = Compositor()

    # --- wiring --------------------------------------------------------------------------------

    def compose(self, host: Image) -> Image:
        """``host`` (a canvas's scene picture) with the guests over it in the layout, for a scene that
        does not place them itself; ``host`` itself with no guests. Never raises."""
        endpoint = self._endpoint
        if endpoint is None:
            return host
        try:
            return self.compositor.compose(host, endpoint.pictures())
        except Exception:  # never lose the program over a guest's picture
            log.exception("composing the co-hosts failed")
            return host

    def guest(self, slot: int) -> GuestPicture | None:
        """The ``slot``-th guest's picture (1-based, in the order they joined), for the co-host tiles."""
        endpoint = self._endpoint
        if endpoint is None or slot < 1:
            return None
        pictures = endpoint.pictures()
        return pictures[slot - 1] if slot <= len(pictures) else None

    def mix(self, host: Samples) -> Samples:
        """The program sound with the guests mixed in (each guest is sent its mix-minus). Never raises."""
        return self._mix(host)

    def _mix(self, host: Samples) -> Samples:
        endpoint = self._endpoint
        if endpoint is None:
            return host
        try:
            return endpoint.mix(host)
        except Exception:
            log.exception("mixing the co-hosts failed")
            return host

    def _endpoint_now(self) -> CohostEndpoint:
        with self._lock:
            if self._closed:
                raise CohostError("the studio is closing")
            if self._endpoint is None:
                self._endpoint = CohostEndpoint(
                    sample_rate=self._sample_rate,
                    channels=self._channels,
                    ice_servers=self._ice_servers,
                    ice_hosts=self._ice_hosts,
                    drop_after=self._drop_after,
                    on_change=self._changed,
                    on_gone=self._gone,
                )
            return self._endpoint

    # --- the relay's messages ------------------------------------------------------------------

    def on_feed(self, message: dict[str, Any]) -> None:
        """Take the co-host events out of an owner-feed message (alone or inside a batch)."""
        events = message.get("events", []) if message.get("type") == "batch" else [message]
        for event in events:
            if not isinstance(event, dict):
                continue
            kind = event.get("type")
            if kind == "cohost.offer":
                self._background.submit(self._answer, event)
            elif kind == "cohost.left":
                session = str(event.get("session", ""))
                self._background.submit(self._left, session, str(event.get("reason") or "left"))

    def _answer(self, event: dict[str, Any]) -> None:
        session, name, sdp = str(event.get("session", "")), str(event.get("name", "")), event.get("sdp")
        room = self._room()
        if room is None or not session:
            return
        try:
            if not isinstance(sdp, str):
                raise CohostError("the offer carries no SDP")
            answer = self._endpoint_now().accept(session, name, sdp)
        except (CohostError, ValueError) as exc:
            log.warning("co-host %s could not join: %s", name, exc)
            refusal = str(exc)
            self._call(lambda: room.answer_cohost(session, error=refusal))
            return
        self._names[session] = name
        if not self._call(lambda: room.answer_cohost(session, sdp=answer)):
            self._endpoint_now().remove(session, "the relay did not take the answer")

    def _left(self, session: str, reason: str) -> None:
        endpoint = self._endpoint
        if endpoint is not None and endpoint.remove(session, reason):
            self._emit(GuestLeft(session, self._names.get(session, ""), reason))

    def _gone(self, session: str, reason: str) -> None:
        """The endpoint lost a guest (connection failed, or no media): tell the relay."""
        self._emit(GuestLeft(session, self._names.get(session, ""), reason))
        room = self._room()
        if room is not None:
            self._background.submit(self._call, lambda: room.end_cohost(session, reason))

    def _changed(self) -> None:
        endpoint = self._endpoint
        self._emit(GuestsChanged(tuple(endpoint.guests()) if endpoint else ()))

    @staticmethod
    def _call(action: Callable[[], object]) -> bool:
        try:
            action()
        except RelayError as exc:
            log.warning("the relay refused a co-host call: %s", exc)
            return False
        return True

    # --- the host's actions --------------------------------------------------------------------

    def guests(self) -> list[GuestInfo]:
        endpoint = self._endpoint
        return endpoint.guests() if endpoint else []

    def kick(self, session: str) -> None:
        endpoint = self._endpoint
        if endpoint is None or not endpoint.remove(session, "kicked by the host"):
            raise KeyError(f"no co-host {session!r}")
        self._emit(GuestLeft(session, self._names.get(session, ""), "kicked"))
        room = self._room()
        if room is not None:
            self._call(lambda: room.end_cohost(session, "kicked"))

    def set_muted(self, session: str, muted: bool) -> None:
        endpoint = self._endpoint
        if endpoint is None:
            raise KeyError(f"no co-host {session!r}")
        endpoint.set_muted(session, muted)

    def set_gain(self, session: str, db: float) -> None:
        endpoint = self._endpoint
        if endpoint is None:
            raise KeyError(f"no co-host {session!r}")
        endpoint.set_gain(session, db)

    def levels(self) -> dict[str, MeterLevels]:
        """Each guest's level in the program, by session id."""
        endpoint = self._endpoint
        return endpoint.levels() if endpoint else {}

    def set_layout(self, layout: Layout | str) -> None:
        self.compositor.set_layout(Layout(layout) if isinstance(layout, str) else layout)
        self._changed()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            endpoint, self._endpoint = self._endpoint, None
        if endpoint is not None:
            endpoint.close()
