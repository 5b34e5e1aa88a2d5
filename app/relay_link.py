"""The studio's link to its relay: where the stream goes and the room it runs from there.

A session either starts a relay itself (a supervised child process, on which it opens the room by creating
it or rotating its key) or pushes to one someone else runs. Either way this ends with a target (URL, room,
stream key) for the broadcast's outputs and, given the room's owner token, the host's console on the room:
a ``RoomClient`` for actions, a ``RoomFeed`` for the owner feed, the catalog seeded into an empty room.
Host actions run on their own thread, in order, apart from the session's media commands, so pinning a
product never waits behind going live and the other way round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from app.bundled_relay import BundledRelay
from app.relay_client import RelayClient, RelayError
from app.room_client import FeedListener, RoomClient, RoomFeed
from app.rundown import RundownError, rundown_to_json
from app.rundown_player import read_rundown_file
from app.session_config import BundledRelayConfig, ExternalRelay
from app.session_events import Listener, Notice, RelayFailed, RelayReady, RoomActionDone, RoomActionFailed

log = logging.getLogger(__name__)


class RelayLink:
    """The relay (bundled or external), the room's client and owner feed, and the room-actions thread.

    ``emit`` receives the link's events (RelayReady, RelayFailed, notices, room actions' outcomes);
    ``on_message`` every message of the owner feed, on the feed's thread.
    """

    def __init__(self, emit: Listener, on_message: FeedListener) -> None:
        self._emit = emit
        self._on_message = on_message
        # Host actions (pin, launch a flash sale, ...) run apart from the media commands, in order.
        self._actions = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shopcast-room-actions")
        self._bundled: BundledRelay | None = None
        self._target: ExternalRelay | None = None
        self._watch_url: str | None = None
        self._room: RoomClient | None = None
        self._feed: RoomFeed | None = None

    @property
    def target(self) -> ExternalRelay | None:
        """Where the broadcast pushes (for a bundled relay: its URL and the room's key); None until connected."""
        return self._target

    @property
    def watch_url(self) -> str | None:
        return self._watch_url

    @property
    def bundled(self) -> BundledRelay | None:
        return self._bundled

    @property
    def room(self) -> RoomClient | None:
        return self._room

    # --- connecting ------------------------------------------------------------------------------

    def connect(
        self, relay: ExternalRelay | BundledRelayConfig, catalog: Path | None, rundown: Path | None = None
    ) -> RelayReady:
        """Reach the relay (starting the bundled one the first time), open the room's console when there is
        an owner token, seed ``catalog`` into an empty room and ``rundown`` into a room without a
        run-of-show, and emit :class:`RelayReady`."""
        if isinstance(relay, ExternalRelay):
            self._target = relay
            self._watch_url = f"{relay.url.rstrip('/')}/watch/{relay.room}"
            owner_token = relay.owner_token
        else:
            if self._bundled is None:
                bundled = BundledRelay(
                    relay.data_dir,
                    relay.host,
                    relay.port,
                    on_restart=lambda m: self._emit(Notice("warning", m, f"中继服务器已重启：{m}")),
                    on_failed=lambda m: self._emit(RelayFailed(m)),
                    extra_args=(
                        "--whep-seats",
                        str(relay.whep_seats),
                        *(arg for host in relay.ice_hosts for arg in ("--ice-host", host)),
                    ),
                )
                bundled.start()
                self._bundled = bundled
            assert self._bundled.url is not None
            with RelayClient(self._bundled.url, self._bundled.admin_token) as client:
                access = client.open_room(relay.room, relay.title)
            self._target = ExternalRelay(self._bundled.url, access.room, access.stream_key, access.owner_token)
            self._watch_url = access.watch_url
            owner_token = access.owner_token
        if owner_token and self._room is None:
            self._open_room(self._target.url, self._target.room, owner_token)
            if catalog is not None:
                self._seed_catalog(catalog)
            if rundown is not None:
                self._seed_rundown(rundown)
        ready = RelayReady(self._target.url, self._target.room, self._watch_url)
        self._emit(ready)
        return ready

    def _open_room(self, url: str, room: str, owner_token: str) -> None:
        self._room = RoomClient(url, room, owner_token)
        self._feed = RoomFeed(url, room, owner_token, self._on_message)
        self._feed.start()

    def _seed_catalog(self, path: Path) -> None:
        room = self._room
        assert room is not None
        try:
            if room.console_state()["cart"]:
                return  # the room has products already: leave the host's catalog alone
            result = room.import_catalog(path)
            room.pin(result["cart"][0]["sku"])
        except (RelayError, OSError, KeyError, IndexError) as exc:
            self._emit(
                Notice("warning", f"could not import the catalog {path}: {exc}", f"无法导入商品目录 {path}：{exc}")
            )
            return
        count = result["imported"]
        self._emit(
            Notice("info", f"imported {count} products from {path.name}", f"已从 {path.name} 导入 {count} 件商品")
        )

    def _seed_rundown(self, path: Path) -> None:
        room = self._room
        assert room is not None
        try:
            if room.rundown()["rundown"] is not None:
                return  # the room has its run-of-show already: the host's edits stay
            rundown = read_rundown_file(path)
            room.save_rundown(rundown_to_json(rundown))
        except (RelayError, RundownError) as exc:
            self._emit(Notice("warning", f"could not load the run-of-show {path}: {exc}",
                              f"无法载入直播脚本 {path}：{exc}"))  # fmt: skip
            return
        self._emit(Notice("info", f"run-of-show: {len(rundown.segments)} segments from {path.name}",
                          f"直播脚本：已从 {path.name} 载入 {len(rundown.segments)} 段"))  # fmt: skip

    # --- room actions ----------------------------------------------------------------------------

    def room_action(self, tag: str, action: Callable[[RoomClient], Any]) -> Future[Any]:
        """Run a host action against the room on the room-actions thread; the outcome arrives as
        :class:`RoomActionDone` or :class:`RoomActionFailed` carrying ``tag``. After :meth:`close_actions`
        nothing runs and the future is done with None."""

        def run() -> Any:
            room = self._room
            if room is None:
                self._emit(RoomActionFailed(tag, "the room's console is not connected (no owner token yet)"))
                return None
            try:
                result = action(room)
            except (RelayError, OSError, ValueError) as exc:
                self._emit(RoomActionFailed(tag, str(exc)))
                return None
            except Exception as exc:
                log.exception("room action %s failed", tag)
                self._emit(RoomActionFailed(tag, str(exc)))
                return None
            self._emit(RoomActionDone(tag, result))
            return result

        try:
            return self._actions.submit(run)
        except RuntimeError:  # closed: a panel's timer may still tick once while the window goes away
            closed: Future[Any] = Future()
            closed.set_result(None)
            return closed

    def run_in_order(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn`` on the room-actions thread, after the actions queued before it, or here when that
        thread is already shut (closing)."""
        try:
            self._actions.submit(fn, *args)
        except RuntimeError:
            fn(*args)

    # --- closing (the session calls these one at a time, in its own order) -----------------------

    def close_actions(self) -> None:
        """Finish the room actions already queued, drop the rest and refuse new ones."""
        self._actions.shutdown(wait=True, cancel_futures=True)

    def stop_feed(self) -> None:
        if self._feed is not None:
            self._feed.stop()

    def close_room(self) -> None:
        if self._room is not None:
            self._room.close()

    def stop_bundled_relay(self) -> None:
        if self._bundled is not None:
            self._bundled.stop()
