"""RoomEngine: every room operation as one transaction, plus rate limits, timers and snapshots."""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

from app.commerce import (
    assistants,
    chat,
    cohost,
    coupons,
    draws,
    flash_sales,
    group_buys,
    idempotency,
    orders,
    polls,
    products,
    questions,
    rehearsal,
    rundown_runner,
    verification,
)
from app.commerce.catalog import ProductInput
from app.commerce.core import Clock, EngineCore, EventListener, Listener, StreamTime
from app.commerce.coupons import CouponInput
from app.commerce.errors import CommerceError
from app.commerce.flash_sales import FlashSaleInput
from app.commerce.group_buys import GroupBuyInput
from app.commerce.orders import OrderRequest, Pending, Placed
from app.commerce.payments import PaymentOutcome, PaymentProvider, PaymentUpdate, take_charge
from app.commerce.studio_events import check_studio_event
from app.rundown import Rundown

PRUNE_EVERY_S = 60.0
"""How often the tick forgets idempotency keys past their 24 hours."""


class RateLimiter:
    """At most ``count`` actions per ``window`` seconds per key."""

    def __init__(self, count: int, window: float) -> None:
        self.count = count
        self.window = window
        self._times: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def check(self, key: tuple[str, str], now: float) -> None:
        times = self._times[key]
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.count:
            wait = self.window - (now - times[0])
            raise CommerceError(429, "slow_down", f"too fast: wait {wait:.0f} s", retry_after=wait)
        times.append(now)
        if len(self._times) > 100_000:  # forget idle keys so memory stays bounded
            for stale in [k for k, v in self._times.items() if not v or now - v[-1] >= self.window]:
                del self._times[stale]


class MinuteOnce:
    """Whether a key was seen this minute: the funnel's analytics (a card shown, clicked, put in the cart,
    a share) count once per viewer, product, kind and minute, however often a page says so. Two minutes
    are kept: memory is bounded by what viewers can send in that time."""

    def __init__(self) -> None:
        self._minutes: dict[int, set[tuple[str, ...]]] = {}

    def fresh(self, key: tuple[str, ...], now: float) -> bool:
        minute = int(now // 60)
        if minute not in self._minutes:
            self._minutes = {m: seen for m, seen in self._minutes.items() if m >= minute - 1}
            self._minutes[minute] = set()
        return key not in self._minutes[minute]

    def mark(self, key: tuple[str, ...], now: float) -> None:
        self._minutes.setdefault(int(now // 60), set()).add(key)


class RoomEngine:
    """Not thread-safe by design: one thread (the relay's event loop) calls it."""

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Clock | None = None,
        stream_time: StreamTime | None = None,
        payment: PaymentProvider | None = None,
    ) -> None:
        self.core = EngineCore(path, clock=clock, stream_time=stream_time, payment=payment)
        self.comment_limit = RateLimiter(5, 10.0)
        self.like_limit = RateLimiter(3, 1.0)
        self.question_limit = RateLimiter(3, 60.0)
        self.interactions_seen = MinuteOnce()
        self._keys_pruned_at = float("-inf")

    @property
    def payment(self) -> PaymentProvider:
        return self.core.payment

    @property
    def now(self) -> float:
        return self.core.clock.time()

    def add_listener(self, listener: Listener) -> None:
        self.core.add_listener(listener)

    def add_event_listener(self, listener: EventListener) -> None:
        """``listener`` gets the event-log rows of every committed transaction (see EngineCore)."""
        self.core.add_event_listener(listener)

    def close(self) -> None:
        self.core.close()

    # --- products and pins ---------------------------------------------------------------------------

    def add_product(self, room: str, item: ProductInput) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return products.add(tx, room, item)

    def import_catalog(self, room: str, items: list[ProductInput]) -> int:
        with self.core.transaction() as tx:
            return products.import_catalog(tx, room, items)

    def cart(self, room: str) -> list[dict[str, Any]]:
        with self.core.reading() as tx:
            return products.cart(tx, room)

    def product(self, room: str, sku: str) -> dict[str, Any]:
        with self.core.reading() as tx:
            return products.view(products.get(tx, room, sku))

    def pin(self, room: str, sku: str, by: str | None = None) -> list[str]:
        """``by``: who (``owner``, ``assistant:<id>``), recorded in the log row."""
        with self.core.transaction() as tx:
            return products.pin(tx, room, sku, by)

    def unpin(self, room: str, sku: str, by: str | None = None) -> list[str]:
        with self.core.transaction() as tx:
            return products.unpin(tx, room, sku, by)

    # --- orders --------------------------------------------------------------------------------------

    def open_order(self, room: str, viewer: str, nickname: str, request: OrderRequest, idempotency_key: str) -> Placed:
        """Payment's first step: commit the order ``created``, nothing charged yet (then :meth:`charge`
        outside any transaction and :meth:`settle_charge`). Under an Idempotency-Key used in the last 24 h,
        its first result: the order as it stands, or the same refusal (app/commerce/idempotency.py)."""
        fingerprint = request.fingerprint()
        refusal: CommerceError | None = None
        with self.core.transaction() as tx:
            kept = idempotency.recall(tx, room, viewer, idempotency_key, fingerprint)
            if kept is not None:
                return orders.replay(tx, self.payment, room, kept)
            try:
                with self.core.transaction() as attempt:  # a savepoint: a refusal undoes only the attempt
                    if request.flash_sale_id is not None:
                        verification.require(attempt, room, "flash_sales", viewer)
                    placed = orders.place(attempt, self.payment, room, viewer, nickname, request, idempotency_key)
            except CommerceError as exc:
                if not idempotency.kept_refusal(exc):
                    raise
                refusal = exc  # kept with the key, and answered after the commit
            key = (room, viewer, idempotency_key, fingerprint)
            if refusal is None:
                idempotency.keep(tx, *key, order_id=placed.order["order_id"])
                return placed
            idempotency.keep(tx, *key, refusal=refusal)
        raise refusal

    def charge(self, pending: Pending) -> PaymentOutcome:
        """Payment's second step: ask the provider, outside any transaction (the relay does this off its
        event loop when the provider is not instant: app/relay/charges.py)."""
        if self.core.in_transaction:
            raise RuntimeError("a charge is taken outside the database transaction: commit the order first")
        return take_charge(pending.provider, pending.charge)

    def settle_charge(self, pending: Pending, outcome: PaymentOutcome) -> dict[str, Any]:
        """Payment's third step: record the provider's answer; the order. A declined payment is raised
        (402 ``payment_declined``) after the transaction that cancelled the order commits."""
        with self.core.transaction() as tx:
            order, declined = orders.settle(tx, self.payment, pending.room, pending.charge.order_id, outcome)
        if declined is not None:
            raise declined
        return order

    def place_order(
        self, room: str, viewer: str, nickname: str, request: OrderRequest, idempotency_key: str
    ) -> tuple[dict[str, Any], bool]:
        """The three steps in a row, for callers off the relay's event loop (tools, tests): (order, made
        now rather than replayed)."""
        placed = self.open_order(room, viewer, nickname, request, idempotency_key)
        if placed.pending is None:
            return placed.order, placed.created
        return self.settle_charge(placed.pending, self.charge(placed.pending)), True

    def unsettled(self, before: float) -> list[Pending]:
        """Orders committed before ``before`` whose charge has no answer (their relay died in between)."""
        with self.core.reading() as tx:
            return orders.unsettled(tx, self.payment, before)

    def take_unsettled(self, before: float) -> list[Pending]:
        """:meth:`unsettled`, each taken for charging by the caller now: its lease is renewed, so another
        sweep (this relay's or another's sharing the store) leaves it alone while this one charges it."""
        with self.core.transaction() as tx:
            return orders.take_unsettled(tx, self.payment, before)

    def renew_charges(self, order_ids: list[str]) -> None:
        """These orders' charges are still waiting for the provider here: renew their lease."""
        with self.core.transaction() as tx:
            orders.renew_charges(tx, order_ids)

    def recover_charges(self, before: float | None = None) -> int:
        """Charge again, and settle, the orders :meth:`unsettled` before ``before`` (default: now); how
        many (the relay does this on start without blocking its loop: app/relay/charges.py)."""
        due = self.take_unsettled(self.now if before is None else before)
        for pending in due:
            with contextlib.suppress(CommerceError):  # declined: the order is cancelled
                self.settle_charge(pending, self.charge(pending))
        return len(due)

    def refund_order(self, room: str, order_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return orders.refund(tx, self.payment, room, order_id)

    def orders(self, room: str, limit: int = 100) -> list[dict[str, Any]]:
        with self.core.reading() as tx:
            return orders.recent(tx, room, self.payment.test_mode, limit)

    def apply_payment_updates(self, updates: list[PaymentUpdate], event_id: str | None = None) -> bool:
        """Apply a webhook's updates, once per event id (a provider's retry, or a replay, changes
        nothing: False)."""
        with self.core.transaction() as tx:
            if event_id is not None:
                fresh = tx.execute(
                    "INSERT INTO webhook_events (provider, event_id, received_at) VALUES (?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (self.payment.name, event_id, tx.now),
                ).rowcount
                if fresh != 1:
                    return False
            for update in updates:
                orders.apply_payment_update(tx, self.payment, update)
            return True

    # --- campaigns -----------------------------------------------------------------------------------

    def create_flash_sale(self, room: str, sale: FlashSaleInput) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return flash_sales.create(tx, room, sale)

    def flash_sale(self, room: str, sale_id: str) -> dict[str, Any]:
        with self.core.reading() as tx:
            return flash_sales.view(tx, flash_sales.get(tx, room, sale_id))

    def flash_sale_counts(self, room: str, sale_id: str) -> tuple[int, int, dict[str, int]]:
        """(units left, the per-viewer limit, units per buyer) of a sale, as the store has them."""
        with self.core.reading() as tx:
            row = flash_sales.get(tx, room, sale_id)
            buyers = tx.all("SELECT viewer_id, qty FROM flash_sale_buyers WHERE flash_sale_id = ?", (sale_id,))
            return row["stock"] - row["sold"], row["per_user_limit"], {b["viewer_id"]: b["qty"] for b in buyers}

    def end_flash_sale(self, room: str, sale_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return flash_sales.end(tx, room, sale_id)

    def create_coupon(self, room: str, coupon: CouponInput) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return coupons.create(tx, room, coupon)

    def verification_policy(self, room: str) -> dict[str, bool]:
        with self.core.reading() as tx:
            return verification.policy(tx, room)

    def set_verification_policy(self, room: str, wanted: dict[str, bool]) -> dict[str, bool]:
        with self.core.transaction() as tx:
            return verification.set_policy(tx, room, wanted)

    def change_stock(self, room: str, sku: str, delta: int, reason: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return products.change_stock(tx, room, sku, delta, reason)

    def claim_coupon(self, room: str, viewer: str, coupon_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            verification.require(tx, room, "coupons", viewer)
            return coupons.claim(tx, room, viewer, coupon_id)

    def end_coupon(self, room: str, coupon_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return coupons.end(tx, room, coupon_id)

    def create_group_buy(self, room: str, campaign: GroupBuyInput) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return group_buys.create(tx, room, campaign)

    def group_buy(self, room: str, group_buy_id: str) -> dict[str, Any]:
        with self.core.reading() as tx:
            return group_buys.view(tx, group_buys.get(tx, room, group_buy_id))

    def group(self, room: str, group_id: str) -> dict[str, Any]:
        with self.core.reading() as tx:
            return group_buys.group_view(tx, group_buys.get_group(tx, room, group_id))

    def end_group_buy(self, room: str, group_buy_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return group_buys.end(tx, room, group_buy_id)

    # --- interaction ---------------------------------------------------------------------------------

    def open_poll(self, room: str, question: str, options: list[str]) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return polls.open_poll(tx, room, question, options)

    def vote(self, room: str, viewer: str, poll_id: str, option: int) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return polls.vote(tx, room, viewer, poll_id, option)

    def close_poll(self, room: str, poll_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return polls.close(tx, room, poll_id)

    def ask(self, room: str, viewer: str, nickname: str, question: str) -> dict[str, Any]:
        self.question_limit.check((room, viewer), self.now)
        with self.core.transaction() as tx:
            return questions.ask(tx, room, viewer, nickname, question)

    def update_question(
        self,
        room: str,
        question_id: str,
        *,
        status: str | None,
        pinned: bool | None,
        answer: str | None,
        by: str | None = None,
    ) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return questions.update(tx, room, question_id, status=status, pinned=pinned, answer=answer, by=by)

    def questions(self, room: str) -> list[dict[str, Any]]:
        with self.core.reading() as tx:
            return questions.queue(tx, room)

    def open_draw(self, room: str, prize: str, winners: int, keyword: str | None, duration_s: float) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return draws.open_draw(tx, room, prize, winners, keyword, duration_s)

    def enter_draw(self, room: str, viewer: str, nickname: str, draw_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            verification.require(tx, room, "draws", viewer)
            return draws.enter(tx, room, viewer, nickname, draw_id)

    def close_draw(self, room: str, draw_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return draws.close(tx, room, draw_id)

    def draw_verification(self, room: str, draw_id: str) -> dict[str, Any]:
        with self.core.reading() as tx:
            return draws.verification(tx, room, draw_id)

    def comment(self, room: str, viewer: str, nickname: str, text: str) -> dict[str, Any]:
        self.comment_limit.check((room, viewer), self.now)
        with self.core.transaction() as tx:
            return chat.comment(tx, room, viewer, nickname, text)

    def delete_comment(self, room: str, comment_id: int, by: str | None = None) -> None:
        with self.core.transaction() as tx:
            chat.delete_comment(tx, room, comment_id, by)

    def mute(self, room: str, viewer: str, minutes: float, by: str | None = None) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return chat.mute(tx, room, viewer, minutes, by)

    def unmute(self, room: str, viewer: str, by: str | None = None) -> None:
        with self.core.transaction() as tx:
            chat.unmute(tx, room, viewer, by)

    def blocked_words(self, room: str) -> list[str]:
        with self.core.reading() as tx:
            return chat.blocked_words(tx, room)

    def set_blocked_words(self, room: str, words: list[str]) -> list[str]:
        with self.core.transaction() as tx:
            return chat.set_blocked_words(tx, room, words)

    def like(self, room: str, viewer: str, count: int) -> int:
        self.like_limit.check((room, viewer), self.now)
        with self.core.transaction() as tx:
            return chat.like(tx, room, viewer, count)

    def interaction(self, room: str, viewer: str, kind: str, skus: list[str], via: str | None = None) -> None:
        """Log a funnel step, once per viewer, product, kind and minute (a repeat is dropped before the
        store: a page resending exposures, or a client looping, writes nothing more)."""
        now = self.now
        keys = [(room, viewer, kind, code) for code in (skus or [""])]
        new = [key for key in dict.fromkeys(keys) if self.interactions_seen.fresh(key, now)]
        if not new:
            return
        with self.core.transaction() as tx:
            chat.interaction(tx, room, viewer, kind, [key[3] for key in new if key[3]], via)
        for key in new:
            self.interactions_seen.mark(key, now)

    def viewer_enter(self, room: str, viewer: str, nickname: str, relay: str | None = None) -> None:
        with self.core.transaction() as tx:
            chat.viewer_enter(tx, room, viewer, nickname, relay)

    def viewer_leave(self, room: str, viewer: str, watched_s: float) -> None:
        with self.core.transaction() as tx:
            chat.viewer_leave(tx, room, viewer, watched_s)

    def log(self, room: str, kind: str, viewer: str | None = None, **data: Any) -> None:
        """Record something the engine did not do itself (a stream started, a co-host joined, ...)."""
        with self.core.transaction() as tx:
            tx.log(room, kind, viewer, **data)

    def log_studio_event(self, room: str, kind: Any, data: Any) -> dict[str, Any]:
        """An event the studio logs itself (``health.incident``), checked field by field
        (app/commerce/studio_events.py); returns what was logged."""
        with self.core.transaction() as tx:
            kind, checked = check_studio_event(kind, data, tx.now)
            tx.log(room, kind, None, **checked)
            return {"type": kind, "wall": tx.now, "data": checked}

    # --- rehearsal (彩排: app/commerce/rehearsal.py) -------------------------------------------------

    def rehearsing(self, room: str) -> bool:
        """Whether the room is in rehearsal: a set lookup, no query (cheap enough for every request)."""
        return room in self.core.rehearsing

    def rehearsing_rooms(self) -> list[str]:
        """The rooms in rehearsal now."""
        return sorted(self.core.rehearsing)

    def rehearsal(self, room: str) -> dict[str, Any]:
        """``{"on", "id", "started_at", "by"}``."""
        with self.core.transaction() as tx:
            return rehearsal.state(tx, room)

    def set_rehearsal(self, room: str, on: bool, by: str) -> dict[str, Any]:
        """Start or end the room's rehearsal; ending it cancels its orders and ends its campaigns."""
        with self.core.transaction() as tx:
            return rehearsal.start(tx, self.payment, room, by) if on else rehearsal.end(tx, self.payment, room, by)

    # --- the relay's own life (for the metrics: viewers' connections do not survive a restart) --------

    def mark_alive(self) -> None:
        """Note that the relay is up now (it calls this every few seconds)."""
        with self.core.transaction() as tx:
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('alive', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (repr(tx.now),),
            )

    def last_alive(self) -> float | None:
        """When a relay last called :meth:`mark_alive` on this store (None if never)."""
        with self.core.reading() as tx:
            row = tx.one("SELECT value FROM meta WHERE key = 'alive'")
            try:
                return float(row["value"]) if row else None
            except ValueError:
                return None

    # --- co-host invites (连麦; the tokens and live sessions are the relay's: app/relay/cohost.py) -----

    def create_cohost_invite(self, room: str, label: str | None, ttl_s: float) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return cohost.create(tx, room, label, ttl_s)

    def cohost_invites(self, room: str) -> list[dict[str, Any]]:
        with self.core.transaction() as tx:
            return cohost.listing(tx, room)

    def cohost_invite(self, room: str, invite_id: str) -> dict[str, Any] | None:
        with self.core.transaction() as tx:
            row = cohost.find(tx, room, invite_id)
            return None if row is None else cohost.view(row, tx.now)

    def revoke_cohost_invite(self, room: str, invite_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return cohost.revoke(tx, room, invite_id)

    def use_cohost_invite(self, room: str, invite_id: str, session: str, name: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return cohost.use(tx, room, invite_id, session, name)

    def cohost_left(
        self, room: str, invite_id: str, session: str, name: str, by: str, reason: str, duration_s: float
    ) -> None:
        with self.core.transaction() as tx:
            cohost.left(tx, room, invite_id, session, name, by, reason, duration_s)

    # --- assistant (中控) links (the tokens are the relay's: app/relay/assistants.py) -------------------

    def create_assistant(self, room: str, label: str, ttl_s: float) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return assistants.create(tx, room, label, ttl_s)

    def assistant_links(self, room: str) -> list[dict[str, Any]]:
        with self.core.transaction() as tx:
            return assistants.listing(tx, room)

    def assistant(self, room: str, assistant_id: str) -> dict[str, Any] | None:
        """The link's row as a view (with ``state``), or None if the room has no such link."""
        with self.core.transaction() as tx:
            row = assistants.find(tx, room, assistant_id)
            return None if row is None else assistants.view(row, tx.now)

    def revoke_assistant(self, room: str, assistant_id: str) -> dict[str, Any]:
        with self.core.transaction() as tx:
            return assistants.revoke(tx, room, assistant_id)

    def revoke_assistants(self, room: str) -> list[str]:
        """Revoke every working assistant link of the room; their ids."""
        with self.core.transaction() as tx:
            return assistants.revoke_all(tx, room)

    # --- the run-of-show (直播脚本: app/rundown.py, app/commerce/rundown_runner.py) ----------------------

    def rundown(self, room: str) -> dict[str, Any]:
        """``{"rundown": the file's JSON or None, "state": where its run is}``."""
        with self.core.reading() as tx:
            return rundown_runner.current(tx, room)

    def save_rundown(self, room: str, rundown: Rundown, by: str = rundown_runner.OWNER) -> dict[str, Any]:
        with self.core.transaction() as tx:
            rundown_runner.save(tx, room, rundown, by)
            return rundown_runner.current(tx, room)

    def cue(
        self, room: str, index: int | None = None, by: str = rundown_runner.OWNER, from_cue: int | None = None
    ) -> dict[str, Any]:
        """Start segment ``index`` of the run-of-show (None: the next one; ``from_cue``: refused if the
        run is no longer at that cue); the run's state."""
        return rundown_runner.cue(self.core, room, index, by, from_cue)

    def launch_armed(self, room: str, action: str | None = None, by: str = rundown_runner.OWNER) -> dict[str, Any]:
        return rundown_runner.launch(self.core, room, action, by)

    def stop_rundown(self, room: str, by: str = rundown_runner.OWNER, reason: str = "stopped") -> dict[str, Any]:
        return rundown_runner.stop(self.core, room, by, reason)

    # --- time and views ------------------------------------------------------------------------------

    def tick(self) -> None:
        """Open and close flash sales, close draws, fail groups whose window ended (all rooms); once a
        minute, forget idempotency keys older than 24 hours."""
        with self.core.transaction() as tx:
            flash_sales.tick(tx)
            draws.tick(tx)
            for group in group_buys.expired(tx):
                orders.fail_group(tx, self.payment, group)
            if tx.now - self._keys_pruned_at >= PRUNE_EVERY_S:
                idempotency.prune(tx)
                self._keys_pruned_at = tx.now
        rundown_runner.tick(self.core)

    def snapshot(self, room: str, *, owner: bool = False) -> dict[str, Any]:
        """The room as a newly arrived viewer (or the host's console) needs it."""
        rehearsing = room in self.core.rehearsing
        with self.core.reading() as tx:
            result: dict[str, Any] = {
                "room": room,
                "server_time": tx.now,
                "payment": {"provider": self.payment.name, "test_mode": self.payment.test_mode or rehearsing},
                "rehearsal": rehearsing,
                "currency": orders.CURRENCY,
                "cart": products.cart(tx, room),
                "pins": products.pins(tx, room),
                "flash_sales": flash_sales.active(tx, room),
                "coupons": coupons.active(tx, room),
                "group_buys": group_buys.active(tx, room),
                "polls": polls.active(tx, room),
                "questions": questions.public(tx, room),
                "draws": draws.active(tx, room),
                "comments": chat.recent_comments(tx, room, with_viewer=owner),
                "likes": chat.likes_total(tx, room),
            }
            if owner:
                result["question_queue"] = questions.queue(tx, room)
                result["blocked_words"] = chat.blocked_words(tx, room)
                result["orders"] = orders.recent(tx, room, self.payment.test_mode, 50)
                result["rundown"] = rundown_runner.view(tx, room)
            return result

    def knows_key(self, room: str, viewer: str, key: str) -> bool:
        """Whether ``key`` already names one of the viewer's order attempts (its first result is kept)."""
        with self.core.reading() as tx:
            return idempotency.known(tx, room, viewer, key)

    def me(self, room: str, viewer: str) -> dict[str, Any]:
        """What one viewer has done in the room (after a page reload)."""
        with self.core.reading() as tx:
            entered = [
                r["draw_id"]
                for r in tx.all(
                    "SELECT e.draw_id FROM draw_entries e JOIN draws d ON d.id = e.draw_id"
                    " WHERE d.room = ? AND e.viewer_id = ?",
                    (room, viewer),
                )
            ]
            return {
                "viewer_id": viewer,
                "orders": orders.of_viewer(tx, room, viewer, self.payment.test_mode),
                "coupons": coupons.mine(tx, room, viewer),
                "votes": polls.my_votes(tx, room, viewer),
                "draws_entered": entered,
                "draw_tickets": draws.my_tickets(tx, room, viewer),
                "muted_for_s": chat.muted_for(tx, room, viewer),
            }

    def events(self, room: str, after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        """The room's event log, oldest first, from id ``after`` (exclusive)."""
        with self.core.reading() as tx:
            rows = tx.all(
                "SELECT * FROM events WHERE room = ? AND id > ? ORDER BY id LIMIT ?", (room, after, min(limit, 10_000))
            )
            return [
                {"id": r["id"], "wall": r["wall"], "stream_time": r["stream_time"], "type": r["type"],
                 "viewer_id": r["viewer_id"], "data": json.loads(r["data"])}
                for r in rows
            ]  # fmt: skip

    def delete_room(self, room: str) -> None:
        with self.core.transaction() as tx:
            for child, key, parent in (
                ("flash_sale_buyers", "flash_sale_id", "flash_sales"),
                ("poll_votes", "poll_id", "polls"),
                ("draw_entries", "draw_id", "draws"),
            ):
                tx.execute(f"DELETE FROM {child} WHERE {key} IN (SELECT id FROM {parent} WHERE room = ?)", (room,))  # noqa: S608
            for table in (
                "products", "pins", "orders", "flash_sales", "coupons", "coupon_claims", "group_buys",
                "buy_groups", "polls", "questions", "draws", "comments", "mutes", "blocked_words",
                "room_totals", "viewers", "events", "cohost_invites", "rundowns", "rundown_state",
                "rehearsals", "assistants", "idempotency_keys",
            ):  # fmt: skip
                tx.execute(f"DELETE FROM {table} WHERE room = ?", (room,))  # noqa: S608 - fixed table names
            if room in tx.rehearsing:
                tx.rehearsing.discard(room)
                tx.undo.append(lambda: tx.rehearsing.add(room))
