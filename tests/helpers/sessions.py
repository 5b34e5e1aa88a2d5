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
    address: str | None = None
    """The network address this simulated viewer comes from (load tools: see :func:`simulated_address`)."""

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.address is not None:
            headers["X-Forwarded-For"] = self.address
        return headers


TRUST_LOOPBACK = ("--trusted-proxy", "127.0.0.1")
"""Relay flags for a load tool on loopback that stands in for many viewers on many addresses: the relay
believes loopback's ``X-Forwarded-For`` (as it would a proxy's), so each simulated viewer is counted at
its own address by the per-address rate limits (app/relay/rate_limits.py), as real viewers would be."""


def simulated_address(n: int) -> str:
    """The ``n``-th simulated viewer's address, in 198.18.0.0/15 (RFC 2544's range for benchmarks)."""
    return f"198.{18 + n // 65536 % 2}.{n // 256 % 256}.{n % 256}"


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


async def mint_many_async(
    base_url: str, count: int, concurrency: int = 64, *, addresses: bool = False
) -> list[Session]:
    """``count`` new viewers' sessions (load tools: each simulated viewer is its own session). With
    ``addresses``, each also comes from its own address (:func:`simulated_address`; the relay must be
    started with :data:`TRUST_LOOPBACK`), so a crowd is not one address over its limits."""
    import aiohttp

    url = f"{base_url.rstrip('/')}/api/v1/sessions"
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as client:

        async def one(n: int) -> Session:
            address = simulated_address(n) if addresses else None
            headers = {"X-Forwarded-For": address} if address else {}
            async with gate, client.post(url, headers=headers) as response:
                response.raise_for_status()
                body = await response.json()
                return Session(body["token"], body["viewer"], address)

        return list(await asyncio.gather(*(one(n) for n in range(count))))


def mint_many(base_url: str, count: int, *, addresses: bool = False) -> list[Session]:
    return asyncio.run(mint_many_async(base_url, count, addresses=addresses))


def lua_tokens(sessions: list[Session]) -> str:
    """The sessions' tokens as a Lua table literal, for wrk scripts (``tokens[i]``, 1-based)."""
    return "{" + ",".join(f'"{s.token}"' for s in sessions) + "}"


def lua_addresses(sessions: list[Session]) -> str:
    """The sessions' addresses as a Lua table literal, in the same order as :func:`lua_tokens`'s."""
    return "{" + ",".join(f'"{s.address or "127.0.0.1"}"' for s in sessions) + "}"
