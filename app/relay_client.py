"""A small client for the relay's management API (used by the studio and the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


class RelayError(RuntimeError):
    """The relay refused or could not be reached; the message is the relay's own sentence."""


@dataclass(frozen=True, slots=True)
class RoomAccess:
    room: str
    title: str
    stream_key: str
    owner_token: str
    watch_url: str
    hls_url: str


class RelayClient:
    def __init__(self, base_url: str, admin_token: str | None = None, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RelayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RelayError(f"cannot reach the relay at {self.base_url}: {exc}") from exc

    @staticmethod
    def _fail(response: httpx.Response) -> RelayError:
        try:
            message = response.json().get("message", response.text)
        except ValueError:
            message = response.text
        return RelayError(f"relay answered {response.status_code}: {message}")

    def health(self) -> dict[str, Any]:
        response = self._call("GET", "/healthz")
        if response.status_code != 200:
            raise self._fail(response)
        data: dict[str, Any] = response.json()
        return data

    def room_info(self, room: str) -> dict[str, Any]:
        response = self._call("GET", f"/api/v1/rooms/{room}")
        if response.status_code != 200:
            raise self._fail(response)
        data: dict[str, Any] = response.json()
        return data

    def open_room(self, room: str, title: str) -> RoomAccess:
        """Create the room, or take over an existing one by rotating its stream key and owner token (the
        relay keeps only their hashes: new ones are the only way to know them again; the old ones stop
        working, and what they opened is closed)."""
        response = self._call("POST", "/api/v1/rooms", json={"room": room, "title": title})
        if response.status_code == 201:
            data = response.json()
            return RoomAccess(
                data["room"], data["title"], data["stream_key"], data["owner_token"], data["watch_url"], data["hls_url"]
            )
        if response.status_code != 409:
            raise self._fail(response)
        keys = {}
        for what in ("stream-key", "owner-token"):
            rotated = self._call("POST", f"/api/v1/rooms/{room}/{what}")
            if rotated.status_code != 200:
                raise self._fail(rotated)
            keys.update(rotated.json())
        info = self.room_info(room)
        return RoomAccess(
            room, info["title"], keys["stream_key"], keys["owner_token"], info["watch_url"], info["hls_url"]
        )
