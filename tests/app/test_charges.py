"""A charge still waiting for its provider is never started again beside itself (app/relay/charges.py):
the minute's sweep skips it, on this relay (its task is under way) and on another sharing the store (its
lease is renewed). A real provider answers a second request with a key still in use by an error, which
would read as declined and cancel an order whose first charge succeeds."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from app.commerce.catalog import ProductInput
from app.commerce.engine import RoomEngine
from app.commerce.orders import OrderRequest
from app.commerce.payments import Charge, PaymentOutcome, TestModePayment
from app.relay import charges
from app.relay.commit_queue import CommitQueue
from app.relay.context import RelayContext
from tests.commerce.conftest import ManualClock


class SlowProvider(TestModePayment):
    """Test mode behind a network call that takes as long as the test says; like a real provider, it
    refuses a charge whose idempotency key another request is still using."""

    __test__ = False
    instant = False

    def __init__(self) -> None:
        super().__init__()
        self.answer = threading.Event()
        self.started = threading.Event()
        self.calls = 0
        self._busy: set[str] = set()
        self._lock = threading.Lock()

    def charge(self, charge: Charge) -> PaymentOutcome:
        with self._lock:
            self.calls += 1
            if charge.idempotency_key in self._busy:
                raise RuntimeError("409: a request with this idempotency key is in progress")
            self._busy.add(charge.idempotency_key)
        self.started.set()
        try:
            if not self.answer.wait(10):
                raise TimeoutError("the test never let the provider answer")
            return super().charge(charge)
        finally:
            with self._lock:
                self._busy.discard(charge.idempotency_key)


def relay_on(engine: RoomEngine) -> RelayContext:
    """What the charges need of a relay: its engine and its commit queue."""
    return cast(RelayContext, SimpleNamespace(engine=engine, commits=CommitQueue(engine)))


def test_the_sweep_leaves_a_charge_under_way_alone_here_and_on_another_relay(tmp_path: Path) -> None:
    clock = ManualClock()
    provider = SlowProvider()
    store = tmp_path / "commerce.sqlite3"
    engine = RoomEngine(store, clock=clock, payment=provider)
    other = RoomEngine(store, clock=clock, payment=provider)  # another relay sharing the store
    engine.import_catalog("r", [ProductInput("tee", "Cotton tee", 5900, 10)])
    ctx, other_ctx = relay_on(engine), relay_on(other)

    async def scenario() -> tuple[dict[str, Any], int, int]:
        placed = engine.open_order("r", "viewer-a", "A", OrderRequest("tee", 1), "k1")
        assert placed.pending is not None
        tap = asyncio.create_task(charges.charge(ctx, placed.pending))
        assert await asyncio.to_thread(provider.started.wait, 10), "the provider was never asked"
        assert charges.in_flight() == [placed.order["order_id"]]
        clock.advance(charges.LEASE_EVERY_S)
        await charges.renew(ctx)  # the relay's tick, while the provider takes its time
        clock.advance(charges.STALE_S + 1 - charges.LEASE_EVERY_S)  # over a minute since the commit
        here = await charges.recover(ctx, engine.now - charges.STALE_S)
        there = await charges.recover(other_ctx, other.now - charges.STALE_S)
        provider.answer.set()
        return await tap, here, there

    try:
        order, here, there = asyncio.run(scenario())
        assert (here, there) == (0, 0), "neither sweep charged the order again"
        assert provider.calls == 1
        assert order["status"] == "paid"
        assert next(o for o in engine.orders("r") if o["order_id"] == order["order_id"])["status"] == "paid"
        assert charges.in_flight() == []
    finally:
        provider.answer.set()
        engine.close()
        other.close()
