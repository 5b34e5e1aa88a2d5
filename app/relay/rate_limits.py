"""Rate limits on what viewers do, per session and per network address, and live-feed connections per address.

A session is cheap to mint, so a per-viewer rule alone is a rule per made-up viewer: every action a
viewer can repeat is also counted per client address. Addresses are shared by many real viewers
(a campus, a carrier's NAT), so the address limits are set for about a hundred busy viewers behind one
address, and the session limits for one person tapping fast. The table below is the one place the
figures live; a refusal is 429 ``slow_down`` with ``Retry-After``.

Counting is a sliding window, estimated from two fixed windows (the previous window's count weighted by
how much of it still overlaps, plus the current one's): what Cloudflare and nginx-like limiters do, two
numbers per key. With ``--redis`` the counters live in Redis, so a viewer or an address is counted the
same whichever relay behind the balancer answers (one round trip, one atomic script, per action);
without it they live in this relay's memory.

The client's address is the TCP peer's, unless that peer is a trusted proxy (``--trusted-proxy``):
then it is the right-most address in ``X-Forwarded-For`` that is not itself a trusted proxy (what nginx's
realip module does with ``real_ip_recursive on``). A header from an untrusted peer is ignored, so a
client cannot choose its own address.

Comments, likes and questions are already limited per viewer by the room engine (app/commerce/engine.py,
the room's own rules, whichever way they arrive); for those this module adds the address limits, and for
the rest both.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.datastructures import Headers
from starlette.types import Scope

from app.commerce.errors import CommerceError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    window: float
    """At most ``count`` in any ``window`` seconds (estimated over a sliding window)."""


@dataclass(frozen=True, slots=True)
class ActionLimits:
    session: Limit | None
    """Per viewer session (None: the room engine limits it per viewer, or it has no session yet)."""
    address: Limit
    """Per client address."""


LIMITS: dict[str, ActionLimits] = {
    # a new viewer session (POST /api/v1/sessions, or a page load without one)
    "session": ActionLimits(None, Limit(300, 60)),
    # a phone verification code sent (each is an SMS someone pays for)
    "phone_code": ActionLimits(Limit(3, 600), Limit(30, 600)),
    "order": ActionLimits(Limit(30, 60), Limit(1200, 60)),
    "claim": ActionLimits(Limit(30, 60), Limit(600, 60)),
    "vote": ActionLimits(Limit(30, 60), Limit(600, 60)),
    "draw_entry": ActionLimits(Limit(30, 60), Limit(600, 60)),
    "question": ActionLimits(None, Limit(120, 60)),
    "comment": ActionLimits(None, Limit(300, 60)),
    "like": ActionLimits(None, Limit(1000, 10)),
    # any declared message a viewer sends on the live feed but ping (analytics, hello, comments, likes)
    "feed_message": ActionLimits(Limit(300, 10), Limit(6000, 10)),
}
"""What a viewer may do how often. The session figures are for one fast person; the address figures for
about a hundred busy viewers sharing one address."""

CONNECTIONS_PER_ADDRESS = 1000
"""Live-feed WebSockets open at once from one client address, on one relay (the 1,001st handshake is
answered 429). A phone opens one; a household or an office a few; a carrier's NAT, hundreds."""


def parse_networks(values: Sequence[str]) -> tuple[Network, ...]:
    """``--trusted-proxy`` values (an address or a CIDR block); ValueError naming a bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"--trusted-proxy {value!r} is not an address or network like 10.0.0.0/8") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _who(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """What is counted: an IPv4 address, or an IPv6 address's /64 (one subscriber's line gets a /64 and can
    pick any address in it, as nginx's and Cloudflare's limiters assume)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address.ipv4_mapped or address) if isinstance(address, ipaddress.IPv6Address) else str(address)


def client_address(peer: str | None, forwarded: str, trusted: Sequence[Network]) -> str:
    """Who is asking, as counted (see :func:`_who`): the TCP peer, or, behind trusted proxies, the nearest
    address they vouch for in ``forwarded`` (every ``X-Forwarded-For`` line, joined with commas in order)."""
    found = _address(peer) if peer else None
    if found is None:
        return peer or "unknown"

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    if not trusted or not is_trusted(found):
        return _who(found)
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            break  # garbage in the chain: the last proxy's peer is as far as we can believe
        found = address
        if not is_trusted(address):
            break
    return _who(found)


def scope_address(scope: Scope, trusted: Sequence[Network]) -> str:
    """The client of an ASGI request. Every ``X-Forwarded-For`` line counts: a proxy that adds its own line
    rather than extending the client's (HAProxy, some balancers) puts the client's forged one first."""
    client = scope.get("client")
    forwarded = ",".join(Headers(scope=scope).getlist("x-forwarded-for")) if trusted else ""
    return client_address(str(client[0]) if client else None, forwarded, trusted)


def _refusal(action: str, key: str, retry: float) -> CommerceError:
    whom = "this viewer" if key.startswith("s:") else "this network address"
    retry = max(1.0, math.ceil(retry))
    return CommerceError(429, "slow_down", f"too many {action.replace('_', ' ')}s from {whom}: wait {retry:.0f} s",
                         retry_after=retry)  # fmt: skip


def _estimate(previous: int, current: int, elapsed: float, window: float) -> float:
    return previous * (window - elapsed) / window + current


def _wait(previous: int, current: int, elapsed: float, limit: Limit) -> float:
    """Seconds until one more would be allowed, if none are added meanwhile."""
    window, count = limit.window, limit.count
    if current >= count:  # even once the previous window no longer counts: until current's weight drops
        return (window - elapsed) + window * (1 - (count - 1) / current)
    # previous * (window - elapsed - t) / window + current + 1 <= count
    return max(0.0, (window - elapsed) - window * (count - current - 1) / previous) if previous else 0.0


class Limiter(Protocol):
    async def check(self, action: str, session: str | None, address: str) -> None:
        """Count one ``action``; raise 429 ``slow_down`` (counting nothing) if a limit is reached."""
        ...


def _keys(action: str, session: str | None, address: str, scale: float) -> list[tuple[str, Limit]]:
    """The counters one ``action`` takes: the session's (when it has a limit), then the address's, their
    counts times ``scale``."""
    limits = LIMITS[action]
    keys = [(f"a:{action}:{address}", limits.address)]
    if limits.session is not None and session is not None:
        keys.insert(0, (f"s:{action}:{session}", limits.session))
    return [(key, Limit(max(1, round(limit.count * scale)), limit.window)) for key, limit in keys]


class LocalLimiter:
    """This relay's counters, in memory (bounded: keys whose windows have passed are dropped)."""

    MAX_KEYS = 200_000

    def __init__(self, clock: Callable[[], float] = time.time, scale: float = 1.0) -> None:
        self.clock = clock
        self.scale = scale
        self._counts: dict[str, tuple[int, int, int, float]] = {}
        """key → (window index, previous window's count, current window's count, window)"""

    def _read(self, key: str, index: int) -> tuple[int, int]:
        stored = self._counts.get(key)
        if stored is None:
            return 0, 0
        at, previous, current, _ = stored
        if at == index:
            return previous, current
        return (current, 0) if at == index - 1 else (0, 0)

    async def check(self, action: str, session: str | None, address: str) -> None:
        self.take(action, session, address)

    def take(self, action: str, session: str | None, address: str) -> None:
        now = self.clock()
        counted = []
        for key, limit in _keys(action, session, address, self.scale):
            index, elapsed = divmod(now, limit.window)
            previous, current = self._read(key, int(index))
            if _estimate(previous, current, elapsed, limit.window) + 1 > limit.count:
                raise _refusal(action, key, _wait(previous, current, elapsed, limit))
            counted.append((key, int(index), previous, current, limit.window))
        for key, index, previous, current, window in counted:
            self._counts[key] = (index, previous, current + 1, window)
        if len(self._counts) > self.MAX_KEYS:
            self._forget(now)

    def _forget(self, now: float) -> None:
        """Past :attr:`MAX_KEYS`: drop the keys whose windows have passed, then, if a flood of new keys still
        fills it, keep the half that did most (a client held at its limit is never the one forgotten)."""
        self._counts = {k: v for k, v in self._counts.items() if now // v[3] <= v[0] + 1}
        if len(self._counts) > self.MAX_KEYS // 2:
            busiest = sorted(self._counts.items(), key=lambda item: item[1][1] + item[1][2], reverse=True)
            self._counts = dict(busiest[: self.MAX_KEYS // 2])


# KEYS: the current window's key, the previous one's. ARGV: the count, the window (ms), the elapsed part of
# the current window (ms). Answers {0} when counted, else {1, previous, current}.
_SCRIPT = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local window = tonumber(ARGV[2])
if previous * (window - tonumber(ARGV[3])) / window + current + 1 > tonumber(ARGV[1]) then
  return {1, previous, current}
end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], 2 * window)
return {0}
"""


class RedisLimiter:
    """Counters shared by every relay on one Redis (``--redis``). One script call per counter (the
    session's, then the address's), each counter's two windows under one hash tag, so a Redis Cluster
    works too; a session refused by its address limit has had that one action counted."""

    PREFIX = "shopcast:rl:"

    def __init__(self, client: Any, clock: Callable[[], float] = time.time, scale: float = 1.0) -> None:
        self.client = client
        self.clock = clock
        self.scale = scale
        self._script = client.register_script(_SCRIPT)

    async def check(self, action: str, session: str | None, address: str) -> None:
        now = self.clock()
        for key, limit in _keys(action, session, address, self.scale):
            index, elapsed = divmod(now, limit.window)
            keys = [f"{self.PREFIX}{{{key}}}:{int(index)}", f"{self.PREFIX}{{{key}}}:{int(index) - 1}"]
            args = [limit.count, int(limit.window * 1000), int(elapsed * 1000)]
            try:
                answer = await self._script(keys=keys, args=args)
            except Exception as exc:  # Redis away: the limits must not take the room down with them
                raise CommerceError(503, "store_unavailable", "the relay's shared state is not answering: try again",
                                    retry_after=2) from exc  # fmt: skip
            if int(answer[0]):
                raise _refusal(action, key, _wait(int(answer[1]), int(answer[2]), elapsed, limit))


class Connections:
    """Live-feed connections open per client address on this relay."""

    def __init__(self, limit: int = CONNECTIONS_PER_ADDRESS) -> None:
        self.limit = limit
        self._open: dict[str, int] = {}

    def open(self, address: str) -> bool:
        """Count one more from ``address``; False (nothing counted) when it already has ``limit``."""
        count = self._open.get(address, 0)
        if count >= self.limit:
            return False
        self._open[address] = count + 1
        return True

    def close(self, address: str) -> None:
        count = self._open.get(address, 0) - 1
        if count > 0:
            self._open[address] = count
        else:
            self._open.pop(address, None)

    def count(self, address: str) -> int:
        return self._open.get(address, 0)
