"""Charging orders after their commit, without holding up the event loop.

An order is committed first (the commit queue's transaction: app/relay/order_lane.py); then its
provider is asked, outside any transaction — on the loop when the provider answers at once (test mode),
in a worker thread when it waits on the network (a real provider's HTTP call), so thousands of taps keep
flowing while one charge waits — and its answer is recorded in a second transaction, again through the
commit queue (app/commerce/orders.py ``settle``).

A charge that began goes on to its answer even if the buyer's request is dropped meanwhile. An order
whose relay died between the commit and the answer is charged again when a relay starts (:func:`recover`;
each minute the relay running the timers also picks up any charge older than a minute that never got
recorded): the order id is the provider's idempotency key, so the provider answers with the first
charge's result and nothing is taken twice.

A charge still waiting for its provider is never started again beside itself: a real provider answers a
second request with a key still in use by an error, which would read as declined and cancel an order
whose first charge succeeds. This relay's own charges in flight are skipped by :func:`recover` (and a
second :func:`charge` of one waits for the first); every :data:`LEASE_EVERY_S` the relay renews the lease
of those waiting (``charging_at``, app/commerce/orders.py), so the minute's sweep on another relay
sharing the store leaves them alone too.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from app.commerce.errors import CommerceError
from app.commerce.orders import SETTLE_REFUSALS, Pending
from app.commerce.payments import PaymentOutcome, take_charge
from app.relay.context import RelayContext

log = logging.getLogger(__name__)

STALE_S = 60.0
"""A charge with no answer recorded this long after its order's commit is taken again."""

LEASE_EVERY_S = STALE_S / 3
"""How often a relay renews the lease of its charges still waiting for the provider."""

_running: dict[str, asyncio.Task[Any]] = {}
"""Charges under way, by order id: kept referenced until they are recorded, whatever happens to the request."""


async def ask(pending: Pending) -> PaymentOutcome:
    """The provider's answer, without blocking the event loop on a provider that waits on the network."""
    if pending.provider.instant:
        return take_charge(pending.provider, pending.charge)
    return await asyncio.to_thread(take_charge, pending.provider, pending.charge)


async def _charge(ctx: RelayContext, pending: Pending) -> dict[str, Any]:
    outcome = await ask(pending)
    return await ctx.commits.run(ctx.engine.settle_charge, pending, outcome)


async def charge(ctx: RelayContext, pending: Pending) -> dict[str, Any]:
    """Charge a committed order and record the answer; the order (402 ``payment_declined`` raised if
    the payment was declined: the order is cancelled by then)."""
    order_id = pending.charge.order_id
    task = _running.get(order_id)
    if task is None:  # (else this order's charge is under way: its answer is this one's too)
        task = _running[order_id] = asyncio.ensure_future(_charge(ctx, pending))
        task.add_done_callback(lambda done: _finished(order_id, done))
    return await asyncio.shield(task)


def _finished(order_id: str, task: asyncio.Task[Any]) -> None:
    if _running.get(order_id) is task:
        del _running[order_id]
    if not task.cancelled():
        task.exception()  # retrieved here: the request that wanted the answer may have gone


def in_flight() -> list[str]:
    """The orders whose charge this relay is waiting for."""
    return list(_running)


async def renew(ctx: RelayContext) -> None:
    """Renew the lease of this relay's charges still waiting for the provider (every :data:`LEASE_EVERY_S`)."""
    waiting = in_flight()
    if waiting:
        await ctx.commits.run(ctx.engine.renew_charges, waiting)


async def recover(ctx: RelayContext, before: float) -> int:
    """Charge again the orders committed before ``before`` whose charge has no answer (and none under way
    here, nor leased by another relay); how many."""
    due = [p for p in await ctx.commits.run(ctx.engine.take_unsettled, before) if p.charge.order_id not in _running]
    for pending in due:
        try:
            await charge(ctx, pending)
        except CommerceError as exc:
            if exc.code not in SETTLE_REFUSALS:  # (declined, or its group or rehearsal gone: refunded)
                log.warning("recording the charge of order %s failed: %s", pending.charge.order_id, exc.message)
        except Exception:
            log.exception("charging order %s again failed", pending.charge.order_id)
    if due:
        log.info("charged %d order(s) whose charge had no answer (committed before the relay stopped)", len(due))
    return len(due)


class Recovery:
    """Runs :func:`recover` in the background, one run at a time (a slow provider never piles them up)."""

    def __init__(self, ctx: RelayContext) -> None:
        self.ctx = ctx
        self._task: asyncio.Task[int] | None = None

    def start(self, before: float) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(recover(self.ctx, before))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
