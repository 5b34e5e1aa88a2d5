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
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from app.commerce.errors import CommerceError
from app.commerce.orders import Pending
from app.commerce.payments import PaymentOutcome, take_charge
from app.relay.context import RelayContext

log = logging.getLogger(__name__)

STALE_S = 60.0
"""A charge with no answer recorded this long after its order's commit is taken again."""

_running: set[asyncio.Task[Any]] = set()
"""Charges under way: kept referenced until they are recorded, whatever happens to the request."""


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
    task = asyncio.ensure_future(_charge(ctx, pending))
    _running.add(task)
    task.add_done_callback(_finished)
    return await asyncio.shield(task)


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved here: the request that wanted the answer may have gone


async def recover(ctx: RelayContext, before: float) -> int:
    """Charge again the orders committed before ``before`` whose charge has no answer; how many."""
    due = ctx.engine.unsettled(before)
    for pending in due:
        try:
            await charge(ctx, pending)
        except CommerceError as exc:
            if exc.code != "payment_declined":
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
