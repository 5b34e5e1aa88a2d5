"""Flash-sale units and per-viewer limits in Redis, shared by several relays (docs/deploy.md, "Several
relays behind one address"; the gate in front of the store: app/relay/sale_gate.py).

Each purchase is one Lua script (Redis runs a script atomically: no other command interleaves), over
keys of the sale, all hash-tagged ``{fs:<sale id>}`` so they live in one Redis Cluster slot:

``{fs:ID}:left``          units not sold yet (a counter, put there once, from the store);
``{fs:ID}:buyers``        a hash, viewer → units bought;
``{fs:ID}:key:<viewer>:<idempotency key>``  the order an idempotency key made, or the refusal it got
                                             (kept IDEMPOTENCY_S).

and, outside any sale, ``idem:<room>:<viewer>:<idempotency key>``: the request a key was refused for in
Redis (kept IDEMPOTENCY_S), so the key sent again with another body — for another sale, or for no sale
at all, which never asks the sale's keys — is 422 ``idempotency_mismatch`` as the store would answer,
never placed (:meth:`RedisStock.note_refusal`, :meth:`RedisStock.refused_request`).

``take`` answers what the engine's ``flash_sales.check_purchase`` answers, in its codes: ``sold_out``,
``not_enough_stock``, ``limit_reached`` (``unknown_sale`` until the sale is put in Redis with
:meth:`RedisStock.load`), or ``known``: the viewer's idempotency key was seen already (its order is
made or being made: the store answers it), or ``replayed``: the key got a refusal here, kept with it
as the store keeps the refusals it gives (app/commerce/idempotency.py), with the request it was for. A
tap that takes units marks its key ``pending`` in the same script, so a retry racing the first try
never takes a second unit nor gets refused for the first one's. ``give_back`` returns units (a refused
or returned order's), forgetting the key if given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.commerce.idempotency import KEEP_S

IDEMPOTENCY_S = KEEP_S
"""How long an idempotency key's order or refusal is remembered in Redis: as long as the store keeps it."""
PENDING_S = 600
"""How long a tap's key stays ``pending`` if its relay never says how it ended (it died)."""
KEEP_S = 7 * 24 * 3600
"""How long a sale's counters stay in Redis after they were put there."""

TAKE = """
local seen = redis.call('GET', KEYS[3])
if seen then
  local code, left, had, print = string.match(seen, '^refused (%S+) (%-?%d+) (%-?%d+) ?(%S*)$')
  if code then return {'replayed', tonumber(left), tonumber(had), code, print} end
  return {'known', 0, 0}
end
local left = tonumber(redis.call('GET', KEYS[1]))
if left == nil then return {'unknown_sale', 0, 0} end
local qty, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
local had = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local refusal = nil
if left <= 0 then refusal = 'sold_out'
elseif qty > left then refusal = 'not_enough_stock'
elseif had + qty > limit then refusal = 'limit_reached' end
if refusal then
  redis.call('SET', KEYS[3], 'refused ' .. refusal .. ' ' .. left .. ' ' .. had .. ' ' .. ARGV[6], 'EX', ARGV[5])
  return {refusal, left, had}
end
left = redis.call('DECRBY', KEYS[1], qty)
had = redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
redis.call('SET', KEYS[3], 'pending', 'EX', ARGV[4])
return {'ok', left, had}
"""

GIVE_BACK = """
if #KEYS > 2 then redis.call('DEL', KEYS[3]) end
local had = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local qty = math.min(tonumber(ARGV[2]), had)
if qty <= 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[1], -qty)
redis.call('INCRBY', KEYS[1], qty)
return qty
"""

LOAD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
"""


@dataclass(frozen=True, slots=True)
class Taken:
    code: str
    """``ok``, or why not: ``sold_out``, ``not_enough_stock``, ``limit_reached``, ``unknown_sale``, ``known``
    (the key's order: the store answers), ``replayed`` (the key's refusal, kept)."""
    left: int
    """Units left after this call (``replayed``: when the key was refused)."""
    bought: int
    """This viewer's units of the sale after this call (``replayed``: when the key was refused)."""
    refusal: str = ""
    """``replayed``: the code the key was refused with."""
    fingerprint: str = ""
    """``replayed``: the request the key was refused for."""

    @property
    def ok(self) -> bool:
        return self.code == "ok"


def keys(sale_id: str) -> tuple[str, str]:
    tag = "{fs:" + sale_id + "}"
    return f"{tag}:left", f"{tag}:buyers"


def key_record(sale_id: str, viewer: str, idempotency_key: str) -> str:
    return "{fs:" + sale_id + "}:key:" + viewer + ":" + idempotency_key


def refused_key(room: str, viewer: str, idempotency_key: str) -> str:
    """Where the request an idempotency key was refused for in Redis is kept (any sale, or none)."""
    return f"idem:{room}:{viewer}:{idempotency_key}"


class RedisStock:
    """A flash sale's units and per-viewer counts in Redis (``client``: a ``redis.asyncio`` client)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._take: Any = client.register_script(TAKE)
        self._give_back: Any = client.register_script(GIVE_BACK)
        self._load: Any = client.register_script(LOAD)

    async def load(self, sale_id: str, left: int, buyers: Mapping[str, int], *, keep_s: int = KEEP_S) -> bool:
        """Put the sale's units and buyers in Redis as the store has them, unless they are there already
        (a second call, from this relay or another, changes nothing)."""
        args: list[Any] = [left, keep_s]
        for viewer, qty in buyers.items():
            args += [viewer, qty]
        return bool(await self._load(keys=list(keys(sale_id)), args=args))

    async def take(
        self, sale_id: str, viewer: str, qty: int, limit: int, idempotency_key: str, fingerprint: str = ""
    ) -> Taken:
        """Take ``qty`` units for the tap named ``idempotency_key`` (``fingerprint``: its request's, kept with
        a refusal so a retry of another request under the key can be told)."""
        if qty < 1 or limit < 1:
            raise ValueError("qty and limit are at least 1")
        names = [*keys(sale_id), key_record(sale_id, viewer, idempotency_key)]
        answer = await self._take(keys=names, args=[viewer, qty, limit, PENDING_S, IDEMPOTENCY_S, fingerprint])
        code, left, bought, *kept = (x.decode() if isinstance(x, bytes) else x for x in answer)
        return Taken(str(code), int(left), int(bought), *(str(x) for x in kept))

    async def give_back(self, sale_id: str, viewer: str, qty: int, idempotency_key: str | None = None) -> int:
        """Return up to ``qty`` of ``viewer``'s units to the sale (and forget ``idempotency_key``, the tap
        that took them, if given); how many went back."""
        names = list(keys(sale_id))
        if idempotency_key is not None:
            names.append(key_record(sale_id, viewer, idempotency_key))
        return int(await self._give_back(keys=names, args=[viewer, qty]))

    async def left(self, sale_id: str) -> int | None:
        value = await self._client.get(keys(sale_id)[0])
        return None if value is None else int(value)

    async def order_of(self, sale_id: str, viewer: str, idempotency_key: str) -> str | None:
        """The order this viewer's idempotency key made in the sale, if Redis remembers one."""
        value = await self._client.get(key_record(sale_id, viewer, idempotency_key))
        return None if value is None else value.decode() if isinstance(value, bytes) else str(value)

    async def note_refusal(self, room: str, viewer: str, idempotency_key: str, fingerprint: str) -> str | None:
        """Keep ``fingerprint`` as the request the key was refused for (the first one stays); return the
        request it was refused for before, if it was (one round trip: ``SET NX GET``)."""
        earlier = await self._client.set(
            refused_key(room, viewer, idempotency_key), fingerprint, ex=IDEMPOTENCY_S, nx=True, get=True
        )
        return None if earlier is None else earlier.decode() if isinstance(earlier, bytes) else str(earlier)

    async def refused_request(self, room: str, viewer: str, idempotency_key: str) -> str | None:
        """The request the key was refused for in Redis, if it was (in the last IDEMPOTENCY_S)."""
        value = await self._client.get(refused_key(room, viewer, idempotency_key))
        return None if value is None else value.decode() if isinstance(value, bytes) else str(value)

    async def forget(self, sale_id: str, viewer: str, idempotency_key: str) -> None:
        """Forget what the key got in the sale."""
        await self._client.delete(key_record(sale_id, viewer, idempotency_key))

    async def remember(self, sale_id: str, viewer: str, idempotency_key: str, order_id: str) -> None:
        await self._client.set(key_record(sale_id, viewer, idempotency_key), order_id, ex=IDEMPOTENCY_S)
