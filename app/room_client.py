"""The host's side of a live room: REST calls with the owner token, and the console's live feed.

Qt-free: the studio's panels call it through the session (on a worker thread) and receive the feed's
messages as session events.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from app.feed_protocol import CLOSE_CREDENTIAL_GONE
from app.relay_client import RelayError

log = logging.getLogger(__name__)

FeedListener = Callable[[dict[str, Any]], None]


class RoomClient:
    """Host actions on one room. Every method returns the relay's answer or raises :class:`RelayError`
    with the relay's own sentence (e.g. "up to 3 products can be pinned at once; unpin one first")."""

    def __init__(self, base_url: str, room: str, owner_token: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.room = room
        self.owner_token = owner_token
        self._http = httpx.Client(
            base_url=f"{self.base_url}/api/v1/rooms/{room}",
            headers={"Authorization": f"Bearer {owner_token}"},
            timeout=timeout,
        )

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RelayError(f"cannot reach the relay: {exc}") from exc
        if response.status_code >= 400:
            try:
                message = response.json().get("message") or response.text
            except ValueError:
                message = response.text
            raise RelayError(str(message))
        return response.json() if response.content else None

    # products and pins
    def console_state(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/console-state")
        return result

    def import_catalog(self, path: Path) -> dict[str, Any]:
        kind = "text/csv" if path.suffix.lower() == ".csv" else "application/json"
        result: dict[str, Any] = self._call(
            "POST", "/catalog", content=path.read_bytes(), headers={"Content-Type": kind}
        )
        return result

    def add_product(self, sku: str, title: str, price: float, stock: int) -> Any:
        return self._call("POST", "/products", json={"sku": sku, "title": title, "price": price, "stock": stock})

    def pin(self, sku: str) -> Any:
        return self._call("POST", "/pins", json={"sku": sku})

    def unpin(self, sku: str) -> Any:
        return self._call("DELETE", f"/pins/{sku}")

    # campaigns
    def launch_flash_sale(
        self, sku: str, price: float, stock: int, per_user_limit: int, countdown_s: float, duration_s: float
    ) -> Any:
        body = {"sku": sku, "price": price, "stock": stock, "per_user_limit": per_user_limit,
                "countdown_s": countdown_s, "duration_s": duration_s}  # fmt: skip
        return self._call("POST", "/flash-sales", json=body)

    def end_flash_sale(self, sale_id: str) -> Any:
        return self._call("POST", f"/flash-sales/{sale_id}/end")

    def issue_coupon(
        self, title: str, amount: float, min_spend: float, quota: int, per_user_limit: int, valid_s: float
    ) -> Any:
        body = {"title": title, "amount": amount, "min_spend": min_spend, "quota": quota,
                "per_user_limit": per_user_limit, "valid_s": valid_s}  # fmt: skip
        return self._call("POST", "/coupons", json=body)

    def end_coupon(self, coupon_id: str) -> Any:
        return self._call("POST", f"/coupons/{coupon_id}/end")

    def start_group_buy(self, sku: str, price: float, group_size: int, window_s: float) -> Any:
        body = {"sku": sku, "price": price, "group_size": group_size, "window_s": window_s}
        return self._call("POST", "/group-buys", json=body)

    def end_group_buy(self, group_buy_id: str) -> Any:
        return self._call("POST", f"/group-buys/{group_buy_id}/end")

    def info(self) -> dict[str, Any]:
        """The room's public description: ``state`` (offline, live, ended), ``stream_started_at``, …"""
        result: dict[str, Any] = self._call("GET", f"{self.base_url}/api/v1/rooms/{self.room}")
        return result

    # the run-of-show (直播脚本: app/rundown.py, app/relay/api_rundown.py)
    def rundown(self) -> dict[str, Any]:
        """``{"rundown": the file's JSON or None, "state": where its run is}``."""
        result: dict[str, Any] = self._call("GET", "/rundown")
        return result

    def save_rundown(self, rundown: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._call("PUT", "/rundown", json=rundown)
        return result

    def next_segment(self, from_cue: int | None = None) -> dict[str, Any]:
        """End the current segment, start the next; the run's state. ``from_cue``: the cue on air as the
        caller saw it (refused if the run has moved on since, so a double press skips nothing)."""
        body = {"from_cue": from_cue} if from_cue is not None else None
        result: dict[str, Any] = self._call("POST", "/rundown/next", json=body)
        return result

    def start_segment(self, index: int) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "/rundown/start", json={"index": index})
        return result

    def launch_armed(self, action: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "/rundown/launch", json={"action": action})
        return result

    def stop_rundown(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "/rundown/stop")
        return result

    # interaction
    def open_poll(self, question: str, options: list[str]) -> Any:
        return self._call("POST", "/polls", json={"question": question, "options": options})

    def close_poll(self, poll_id: str) -> Any:
        return self._call("POST", f"/polls/{poll_id}/close")

    def update_question(
        self, question_id: str, *, status: str | None = None, pinned: bool | None = None, answer: str | None = None
    ) -> Any:
        body = {k: v for k, v in (("status", status), ("pinned", pinned), ("answer", answer)) if v is not None}
        return self._call("PATCH", f"/questions/{question_id}", json=body)

    def open_draw(self, prize: str, winners: int, keyword: str | None, duration_s: float) -> Any:
        body = {"prize": prize, "winners": winners, "keyword": keyword or None, "duration_s": duration_s}
        return self._call("POST", "/draws", json=body)

    def close_draw(self, draw_id: str) -> Any:
        return self._call("POST", f"/draws/{draw_id}/close")

    def delete_comment(self, comment_id: int) -> Any:
        return self._call("DELETE", f"/comments/{comment_id}")

    def mute(self, viewer_id: str, minutes: float) -> Any:
        return self._call("POST", "/mutes", json={"viewer_id": viewer_id, "minutes": minutes})

    def set_blocked_words(self, words: list[str]) -> Any:
        return self._call("PUT", "/blocked-words", json={"words": words})

    def refund(self, order_id: str) -> Any:
        return self._call("POST", f"/orders/{order_id}/refund")

    # rehearsal (彩排: app/relay/api_rehearsal.py)
    def rehearsal(self) -> dict[str, Any]:
        """``{"on", "id", "started_at", "by"}``: whether the room is rehearsing."""
        result: dict[str, Any] = self._call("GET", "/rehearsal")
        return result

    def set_rehearsal(self, on: bool) -> dict[str, Any]:
        """Start or end the room's rehearsal (unlisted, test orders; ending it cancels its orders and ends its
        campaigns). RelayError while the room is live: rehearsal is chosen before going live."""
        result: dict[str, Any] = self._call("PUT", "/rehearsal", json={"on": on})
        return result

    # the event log, live metrics and the report (app/analytics/)
    def log_event(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        """Log an event the studio observed itself (``health.incident`` {code, level, message, start,
        end, args?}); returns {type, wall, data} as logged. RelayError with the relay's sentence when
        a field is wrong."""
        result: dict[str, Any] = self._call("POST", "/events", json={"type": kind, "data": data})
        return result

    def events(self, after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        """The room's event log from id ``after`` (exclusive), oldest first."""
        result: list[dict[str, Any]] = self._call("GET", "/events", params={"after": after, "limit": limit})
        return result

    def metrics(self) -> dict[str, Any]:
        """The live metrics now: the owner feed's ``metrics`` message (app/relay/realtime.py)."""
        result: dict[str, Any] = self._call("GET", "/metrics")
        return result

    def report(self, show: int | None = None) -> dict[str, Any]:
        """The post-live report of the last show (or broadcast number ``show``) as JSON."""
        params = {} if show is None else {"show": show}
        result: dict[str, Any] = self._call("GET", "/report.json", params=params)
        return result

    # assistant (中控) links: someone runs the show's commerce side from a browser (app/relay/api_assistants.py)
    def create_assistant(self, label: str, ttl_s: int | None = None) -> dict[str, Any]:
        """A link for an assistant named ``label``: {id, label, url, expires_at, state, ...}; send ``url``."""
        body: dict[str, Any] = {"label": label}
        if ttl_s is not None:
            body["ttl_s"] = ttl_s
        result: dict[str, Any] = self._call("POST", "/assistants", json=body)
        return result

    def assistants(self) -> list[dict[str, Any]]:
        """Newest first, each active (with its ``url``), expired or revoked."""
        result: list[dict[str, Any]] = self._call("GET", "/assistants")
        return result

    def revoke_assistant(self, assistant_id: str) -> dict[str, Any]:
        """The link stops working at once (the assistant's page is told)."""
        result: dict[str, Any] = self._call("DELETE", f"/assistants/{assistant_id}")
        return result

    # co-hosts (连麦): invites, and the guests' sessions (the owner feed brings ``cohost.offer`` and
    # ``cohost.left``, see app/relay/realtime.py)
    def create_invite(self, label: str | None = None, ttl_s: int | None = None) -> dict[str, Any]:
        """A single-use invite: {id, token, url, expires_at, state, ...}; send ``url`` to the guest."""
        body: dict[str, Any] = {}
        if label is not None:
            body["label"] = label
        if ttl_s is not None:
            body["ttl_s"] = ttl_s
        result: dict[str, Any] = self._call("POST", "/cohost/invites", json=body)
        return result

    def list_invites(self) -> list[dict[str, Any]]:
        """Newest first, each open, used (with guest_name), expired or revoked."""
        result: list[dict[str, Any]] = self._call("GET", "/cohost/invites")
        return result

    def revoke_invite(self, invite_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("DELETE", f"/cohost/invites/{invite_id}")
        return result

    def cohost_sessions(self) -> list[dict[str, Any]]:
        """Guests joining, on, or ended in the last minutes: {session, name, state, reason, ...}."""
        result: list[dict[str, Any]] = self._call("GET", "/cohost/sessions")
        return result

    def answer_cohost(
        self, session: str, *, sdp: str | None = None, error: str | None = None, status: int | None = None
    ) -> dict[str, Any]:
        """Answer a ``cohost.offer``: the SDP answer, or ``error`` (a sentence the guest is shown, with
        HTTP ``status``, 409 by default). Raises RelayError when the guest is no longer waiting."""
        if (sdp is None) == (error is None):
            raise ValueError("answer with either sdp or error")
        body: dict[str, Any] = {"sdp": sdp} if sdp is not None else {"error": error}
        if status is not None:
            body["status"] = status
        result: dict[str, Any] = self._call("POST", f"/cohost/sessions/{session}/answer", json=body)
        return result

    def end_cohost(self, session: str, reason: str = "kicked") -> dict[str, Any]:
        """End a guest's session (``kicked``, ``disconnected``, or a sentence); their page is told."""
        result: dict[str, Any] = self._call("POST", f"/cohost/sessions/{session}/end", json={"reason": reason})
        return result


class RoomFeed:
    """The console's live feed on its own thread: the snapshot, then every batch, to ``listener``.
    Reconnects with backoff; each reconnection starts with a fresh snapshot. The owner token goes in the
    handshake's ``Authorization`` header, never in the URL (servers and proxies log URLs)."""

    def __init__(self, base_url: str, room: str, owner_token: str, listener: FeedListener) -> None:
        ws_base = base_url.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        self.url = f"{ws_base}/api/v1/rooms/{room}/live"
        self._headers = {"Authorization": f"Bearer {owner_token}"}
        self.listener = listener
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="shopcast-room-feed", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        delay = 0.5
        while not self._stop.is_set():
            try:
                with connect(self.url, additional_headers=self._headers, open_timeout=5, close_timeout=1) as ws:
                    self.connected.set()
                    delay = 0.5
                    while not self._stop.is_set():
                        try:
                            raw = ws.recv(timeout=0.5)
                        except TimeoutError:
                            continue
                        self.listener(json.loads(raw))
            except InvalidStatus as exc:
                log.error("the room's feed refused the console: %s", exc)
            except ConnectionClosed as exc:
                if exc.rcvd is not None and exc.rcvd.code == CLOSE_CREDENTIAL_GONE:
                    log.error("the room's feed closed the console: %s (enter the new owner token in the"
                              " studio's Settings → Stream)", exc.rcvd.reason)  # fmt: skip
                else:
                    log.info("room feed disconnected (%s); reconnecting", exc)
            except (OSError, TimeoutError) as exc:
                log.info("room feed disconnected (%s); reconnecting", exc)
            except Exception:
                log.exception("room feed failed")
            self.connected.clear()
            self._stop.wait(delay)
            delay = min(delay * 2, 10.0)
