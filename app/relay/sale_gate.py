"""The flash-sale gate in front of the store (docs/deploy.md, "Several relays behind one address").

In a flash sale nearly every tap is refused: 80,000 taps for 100 units. With several relays the store
(PostgreSQL) takes one transaction at a time; letting every refused tap wait its turn there would make
the burst as slow as the store. With Redis (``--redis``), :class:`RedisGate` takes the tap's units in
Redis first (one atomic Lua script: app/commerce/redis_stock.py) and answers a tap that finds the sale
sold out, or the viewer at their limit, at once, with the same refusal the store would give; only
taps that got units go on to the store, which checks again and remains the authority (Redis cannot
make it oversell). Units go back to Redis when the store refuses the tap, and when an order gives its
units back to the running sale in the store (a refund, a cancelled payment: ``flash_sale.returned``).
A retry of a tap (the same idempotency key) is never refused for the first try's units: the first
try marks its key in Redis and a retry goes to the store, which answers with the first try's order.
A tap refused here keeps its refusal with its key, as the store keeps the refusals it gives
(app/commerce/idempotency.py): its retry gets the same answer for 24 hours, even once units came back,
and the key sent with another request is 422 ``idempotency_mismatch`` — for the same sale, another one,
or an order of no sale (the order lane asks :meth:`SaleGate.recall` before the store, which never heard
of the refusal).

What it costs: if a relay dies between taking units in Redis and committing the order, those units
stay taken in Redis (the sale may undersell by the orders that were in flight on it; never oversell).

Without Redis, :class:`LocalGate` lets every tap through to the store, which decides alone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Protocol

from app.commerce import idempotency
from app.commerce.core import EventRow
from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.flash_sales import purchase_refusal
from app.commerce.redis_stock import RedisStock

log = logging.getLogger(__name__)


class Admission(Protocol):
    async def placed(self, order: dict[str, Any], created: bool) -> None:
        """The store answered with ``order`` (``created``: not a replay)."""
        ...

    async def failed(self) -> None:
        """The store refused the order or failed."""
        ...


class SaleGate(Protocol):
    async def admit(self, room: str, sale_id: str, viewer: str, qty: int, key: str, fingerprint: str) -> Admission:
        """Let the tap go on to the store (or raise the refusal); report the store's answer to the result."""
        ...

    async def recall(self, room: str, viewer: str, key: str, fingerprint: str) -> None:
        """Before an order of no flash sale goes to the store: 422 if the gate refused the key for another
        request (the store keeps only its own answers)."""
        ...


class _Through:
    async def placed(self, order: dict[str, Any], created: bool) -> None:
        return None

    async def failed(self) -> None:
        return None


THROUGH = _Through()


class LocalGate:
    async def admit(self, room: str, sale_id: str, viewer: str, qty: int, key: str, fingerprint: str) -> Admission:
        return THROUGH

    async def recall(self, room: str, viewer: str, key: str, fingerprint: str) -> None:
        return None


class _Taken:
    def __init__(self, stock: RedisStock, sale_id: str, viewer: str, qty: int, key: str, at: float) -> None:
        self.stock, self.sale_id, self.viewer, self.qty, self.key = stock, sale_id, viewer, qty, key
        self.at = at
        """When the units were taken (the store's clock)."""

    async def placed(self, order: dict[str, Any], created: bool) -> None:
        try:
            # The key's order made before these units were taken (Redis had forgotten the key) holds units
            # Redis counted already: these go back. One made since (a retry of this tap overtook it on
            # its way to the store) holds these very units.
            if not created and float(order["created_at"]) < self.at:
                await self.stock.give_back(self.sale_id, self.viewer, self.qty)
            await self.stock.remember(self.sale_id, self.viewer, self.key, str(order["order_id"]))
        except Exception as exc:
            log.warning("Redis: could not settle a flash-sale tap (%s)", exc)

    async def failed(self) -> None:
        try:  # the store refused it (or failed): the units go back and the key may be tried again
            await self.stock.give_back(self.sale_id, self.viewer, self.qty, self.key)
        except Exception as exc:
            log.warning("Redis: could not give back a refused tap's units (%s)", exc)


class RedisGate:
    def __init__(self, engine: RoomEngine, client: Any) -> None:
        self.engine = engine
        self.stock = RedisStock(client)
        self.refused = 0
        """Taps refused by Redis without going to the store (for the benchmarks and the log)."""
        self._sales: dict[tuple[str, str], tuple[int, float]] = {}
        self._returning: set[asyncio.Future[None]] = set()
        engine.add_event_listener(self.on_events)

    async def admit(self, room: str, sale_id: str, viewer: str, qty: int, key: str, fingerprint: str) -> Admission:
        started = self.engine.now
        try:
            limit, opens_at = self._sale(room, sale_id)
            if started < opens_at:  # the store says when it opens (units taken now would look sold out)
                await self.recall(room, viewer, key, fingerprint)
                return THROUGH
            taken = await self.stock.take(sale_id, viewer, qty, limit, key, fingerprint)
            if taken.code == "unknown_sale":  # first tap on this sale since Redis last had it
                left, _, buyers = self.engine.flash_sale_counts(room, sale_id)
                await self.stock.load(sale_id, left, buyers)
                taken = await self.stock.take(sale_id, viewer, qty, limit, key, fingerprint)
        except CommerceError:
            raise  # no such sale: the store's 404; the key refused for another request: 422
        except Exception as exc:  # Redis away: the store alone decides (correct, slower)
            log.warning("Redis: the flash-sale gate is open (%s)", exc)
            return THROUGH
        if taken.ok:  # (few taps get units: only they pay for this look-up)
            admission = _Taken(self.stock, sale_id, viewer, qty, key, started)
            try:
                await self.recall(room, viewer, key, fingerprint)
            except CommerceError:  # refused here before for another sale's request
                await admission.failed()
                raise
            return admission
        if taken.code == "known":
            return THROUGH  # a retry: the store answers with the key's order (or makes it, after the first)
        if taken.code == "replayed" and taken.fingerprint != fingerprint:
            raise idempotency.mismatch()
        refusal = purchase_refusal(taken.left, qty, taken.bought, limit)
        if refusal is None:  # Redis and the store disagree on the limit: let the store decide
            return THROUGH
        refusal.replayed = taken.code == "replayed"
        if not refusal.replayed:
            await self._keep_refusal(room, sale_id, viewer, key, fingerprint)
        self.refused += 1
        raise refusal

    async def recall(self, room: str, viewer: str, key: str, fingerprint: str) -> None:
        try:
            kept = await self.stock.refused_request(room, viewer, key)
        except Exception as exc:  # Redis away: the store alone decides
            log.warning("Redis: could not look up an idempotency key's refusal (%s)", exc)
            return
        if kept is not None and kept != fingerprint:
            raise idempotency.mismatch()

    async def _keep_refusal(self, room: str, sale_id: str, viewer: str, key: str, fingerprint: str) -> None:
        """Keep the request the key was refused for beyond this sale; if the key was refused before for
        another request (another sale's), this tap is 422 instead, and this sale forgets the key."""
        try:
            earlier = await self.stock.note_refusal(room, viewer, key, fingerprint)
            if earlier is None or earlier == fingerprint:
                return
            await self.stock.forget(sale_id, viewer, key)
        except Exception as exc:
            log.warning("Redis: could not keep an idempotency key's refusal (%s)", exc)
            return
        raise idempotency.mismatch()

    def _sale(self, room: str, sale_id: str) -> tuple[int, float]:
        """The sale's per-viewer limit and opening time, fixed when it is made (a missing sale: the
        store's 404)."""
        cached = self._sales.get((room, sale_id))
        if cached is None:
            sale = self.engine.flash_sale(room, sale_id)
            cached = self._sales[(room, sale_id)] = (int(sale["per_user_limit"]), float(sale["opens_at"]))
        return cached

    def on_events(self, rows: list[EventRow]) -> None:
        """Units a cancelled or refunded order gave back to its running sale in the store (a host's
        refund, the payment provider's cancellation, …) go back to its counters in Redis."""
        for _room, _wall, _stream_time, kind, viewer, data in rows:
            if kind == "flash_sale.returned" and viewer is not None:
                fields = json.loads(data)
                task = asyncio.ensure_future(self._give_back(str(fields["id"]), viewer, int(fields["qty"])))
                self._returning.add(task)
                task.add_done_callback(self._returning.discard)

    async def _give_back(self, sale_id: str, viewer: str, qty: int) -> None:
        try:
            await self.stock.give_back(sale_id, viewer, qty)
        except Exception as exc:
            log.warning("Redis: could not give back a returned order's units (%s)", exc)
