"""Viewer sessions for tests: the relay says who a viewer is (app/relay/viewer_sessions.py), so a test's
viewer is a session minted by the relay under test, named by the test for its own bookkeeping."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Session:
    token: str
    viewer: str
    """The id the relay gave this viewer."""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def mint(base_url: str) -> Session:
    """A new viewer's session from the relay at ``base_url`` (no cookie sent: always a new viewer)."""
    response = httpx.post(f"{base_url.rstrip('/')}/api/v1/sessions", timeout=30)
    response.raise_for_status()
    body = response.json()
    return Session(body["token"], body["viewer"])


async def mint_async(client: httpx.AsyncClient, base_url: str) -> Session:
    response = await client.post(f"{base_url.rstrip('/')}/api/v1/sessions")
    client.cookies.clear()  # a shared client must not renew this viewer for the next
    response.raise_for_status()
    body = response.json()
    return Session(body["token"], body["viewer"])


class Viewers:
    """Named viewers on one relay: the same name is the same session (and so the same viewer)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._sessions: dict[str, Session] = {}

    def __call__(self, name: str) -> Session:
        if name not in self._sessions:
            self._sessions[name] = mint(self.base_url)
        return self._sessions[name]


async def mint_many_async(base_url: str, count: int, concurrency: int = 64) -> list[Session]:
    """``count`` new viewers' sessions (load tools: each simulated viewer is its own session)."""
    import aiohttp

    url = f"{base_url.rstrip('/')}/api/v1/sessions"
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:

        async def one() -> Session:
            async with gate, client.post(url) as response:
                response.raise_for_status()
                body = await response.json()
                return Session(body["token"], body["viewer"])

        return list(await asyncio.gather(*(one() for _ in range(count))))


def mint_many(base_url: str, count: int) -> list[Session]:
    return asyncio.run(mint_many_async(base_url, count))


def lua_tokens(sessions: list[Session]) -> str:
    """The sessions' tokens as a Lua table literal, for wrk scripts (``tokens[i]``, 1-based)."""
    return "{" + ",".join(f'"{s.token}"' for s in sessions) + "}"
