"""An in-process relay for the co-host API tests: the real app over httpx's ASGI transport, and a
fake studio on the room's owner feed (a realtime connection whose socket is a list)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.relay.context import RelayContext, RelaySettings
from app.relay.realtime import Connection
from app.relay.server import create_app

ADMIN = "admin-token-for-cohost-tests-0123"
OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendonly\r\n"
ANSWER = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=recvonly\r\n"


class ShiftedClock:
    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


class FakeStudio:
    """An owner connection on the room's feed, as the studio's RoomFeed holds one."""

    def __init__(self, ctx: RelayContext, room: str) -> None:
        self.texts: list[str] = []
        self._closed = asyncio.Event()
        self._arrived = asyncio.Event()
        conn = Connection(self._send, self._receive, room, "host", "host", owner=True)  # type: ignore[arg-type]
        self.task = asyncio.ensure_future(ctx.realtime.serve(conn))

    @classmethod
    async def connect(cls, ctx: RelayContext, room: str) -> FakeStudio:
        """On the feed, its snapshot received (from then on it counts as the room's studio)."""
        studio = cls(ctx, room)
        while not studio.texts:
            await asyncio.sleep(0.001)
        return studio

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "websocket.send":
            self.texts.append(message["text"])
            self._arrived.set()

    async def _receive(self) -> dict[str, Any]:
        await self._closed.wait()
        return {"type": "websocket.disconnect"}

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        found = []
        for text in self.texts:
            message = json.loads(text)
            if message["type"] == "batch":
                found.extend(e for e in message["events"] if kind is None or e["type"] == kind)
        return found

    async def next_event(self, kind: str, timeout: float = 3.0) -> dict[str, Any]:
        seen = len(self.events(kind))
        deadline = time.monotonic() + timeout
        while len(self.events(kind)) <= seen:
            self._arrived.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind} event on the owner feed within {timeout} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)
        return self.events(kind)[seen]

    async def wait_for_event(self, kind: str, timeout: float = 3.0) -> dict[str, Any]:
        """The first event of ``kind`` (already arrived, or arriving within ``timeout``)."""
        if self.events(kind):
            return self.events(kind)[0]
        return await self.next_event(kind, timeout)

    async def close(self) -> None:
        self._closed.set()
        await self.task


@dataclass
class Relay:
    client: httpx.AsyncClient
    ctx: RelayContext
    clock: ShiftedClock
    owner: dict[str, str]
    """Authorization header of room ``show``'s host."""
    other_owner: dict[str, str]
    """…and of room ``other``."""

    def api(self, path: str, room: str = "show") -> str:
        return f"/api/v1/rooms/{room}{path}"

    async def invite(self, room: str = "show", **body: Any) -> dict[str, Any]:
        headers = self.owner if room == "show" else self.other_owner
        response = await self.client.post(self.api("/cohost/invites", room), json=body, headers=headers)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def join(self, token: str, name: str | None = "Mei", room: str = "show", sdp: str = OFFER) -> httpx.Response:
        """Join as the guest page does; ``name=None`` sends no name, as a standard WHIP client."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/sdp"}
        if name is not None:
            headers["X-Guest-Name"] = name
        return await self.client.post(self.api("/cohost/whip", room), content=sdp, headers=headers)

    async def check(self, token: str) -> httpx.Response:
        """Ask about an invite as the guest page does: its token as a bearer (never in a URL)."""
        return await self.client.get("/api/v1/cohost/invite", headers={"Authorization": f"Bearer {token}"})

    async def answer(self, session: str, **body: Any) -> httpx.Response:
        return await self.client.post(self.api(f"/cohost/sessions/{session}/answer"), json=body, headers=self.owner)

    async def events(self, room: str = "show") -> list[dict[str, Any]]:
        response = await self.client.get(self.api("/events", room), headers=self.owner)
        return [e for e in response.json() if e["type"].startswith("cohost.")]


@asynccontextmanager
async def relay(data_dir: Path, answer_timeout: float = 2.0) -> AsyncIterator[Relay]:
    settings = RelaySettings(data_dir=data_dir, admin_token=ADMIN, cohost_answer_timeout=answer_timeout)
    app = create_app(settings)
    ctx: RelayContext = app.state.relay
    clock = ShiftedClock()
    ctx.engine.core.clock = clock
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://relay.test", timeout=30) as client:
            admin = {"Authorization": f"Bearer {ADMIN}"}
            owners = []
            for name, title in (("show", "新品直播 New arrivals"), ("other", "Other room")):
                created = await client.post("/api/v1/rooms", json={"room": name, "title": title}, headers=admin)
                if created.status_code == 409:  # a relay started again on the same data
                    created = await client.post(f"/api/v1/rooms/{name}/owner-token", headers=admin)
                owners.append({"Authorization": f"Bearer {created.json()['owner_token']}"})
            yield Relay(client, ctx, clock, owners[0], owners[1])
    finally:
        ctx.engine.close()
