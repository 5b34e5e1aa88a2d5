"""Flash-sale stock and per-viewer limits in Redis (issue 17's counters seam, first piece): several relay
instances sell one sale's units without overselling and without a viewer going over the limit.

Each purchase is one Lua script (Redis runs a script atomically: no other command interleaves), over two
keys of the sale, both hash-tagged ``{fs:<sale id>}`` so they live in one Redis Cluster slot:

``{fs:ID}:left``     units not sold yet (a string counter, set once when the sale is opened);
``{fs:ID}:buyers``   a hash, viewer → units bought.

``take`` answers what the SQLite engine's ``check_purchase`` answers (``flash_sale.check_purchase``), in
its words' codes: ``sold_out``, ``not_enough_stock``, ``limit_reached``; ``give_back`` returns a refunded
order's units. The relay's SQLite engine stays the default; this module is what the Redis-backed relay
will call (the wiring into the engine is the next step of issue 17).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis

TAKE = """
local left = tonumber(redis.call('GET', KEYS[1]))
if left == nil then return {'unknown_sale', 0, 0} end
local qty, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
local had = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if left <= 0 then return {'sold_out', left, had} end
if qty > left then return {'not_enough_stock', left, had} end
if had + qty > limit then return {'limit_reached', left, had} end
left = redis.call('DECRBY', KEYS[1], qty)
had = redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
return {'ok', left, had}
"""

GIVE_BACK = """
local had = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local qty = math.min(tonumber(ARGV[2]), had)
if qty <= 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[1], -qty)
redis.call('INCRBY', KEYS[1], qty)
return qty
"""


@dataclass(frozen=True, slots=True)
class Taken:
    code: str
    """``ok``, or why not: ``sold_out``, ``not_enough_stock``, ``limit_reached``, ``unknown_sale``."""
    left: int
    """Units left after this call."""
    bought: int
    """This viewer's units of the sale after this call."""

    @property
    def ok(self) -> bool:
        return self.code == "ok"


def keys(sale_id: str) -> tuple[str, str]:
    tag = "{fs:" + sale_id + "}"
    return f"{tag}:left", f"{tag}:buyers"


class RedisStock:
    """A flash sale's units and per-viewer counts in Redis, shared by every relay instance."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._take: Any = client.register_script(TAKE)
        self._give_back: Any = client.register_script(GIVE_BACK)

    def open(self, sale_id: str, units: int, *, keep_s: int = 86_400) -> bool:
        """Put the sale's units in Redis (once: a second call from another instance changes nothing).
        The keys expire ``keep_s`` after opening."""
        left, buyers = keys(sale_id)
        created = bool(self._client.set(left, units, nx=True, ex=keep_s))
        if created:
            self._client.delete(buyers)
        return created

    def take(self, sale_id: str, viewer: str, qty: int, limit: int) -> Taken:
        if qty < 1 or limit < 1:
            raise ValueError("qty and limit are at least 1")
        code, left, bought = self._take(keys=list(keys(sale_id)), args=[viewer, qty, limit])
        return Taken(code.decode() if isinstance(code, bytes) else str(code), int(left), int(bought))

    def give_back(self, sale_id: str, viewer: str, qty: int) -> int:
        """Return up to ``qty`` of ``viewer``'s units to the sale; how many went back."""
        return int(self._give_back(keys=list(keys(sale_id)), args=[viewer, qty]))

    def left(self, sale_id: str) -> int | None:
        value = self._client.get(keys(sale_id)[0])
        return None if value is None else int(value)
