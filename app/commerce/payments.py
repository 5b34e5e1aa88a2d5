"""Payment as a pluggable step, the way Stripe's PaymentIntents work.

An order is committed ``created`` (pending) first; then the provider is charged **outside** any database
transaction, with the order id as its idempotency key (:class:`Charge`), and its answer is recorded in a
second transaction: ``paid``, ``created`` (processing: the provider's signed webhook will say), or
``declined`` (the order is cancelled, its units and coupon given back). A relay that died between the
commit and the answer charges the order again when it starts: the key makes the provider answer with the
first charge's result, so nothing is charged twice (app/commerce/engine.py, app/relay/charges.py).

The built-in provider is **test mode**: it moves no money and the room says so everywhere (API responses,
viewer page, studio). ``test`` pays at once; ``test-async`` answers "processing" and pays only when its
signed webhook comes, as a real provider does. Both decline a charge of ¥2000.00 to ¥2000.99, as
Braintree's sandbox declines 2000.00 ("do not honor"), so a declined payment can be tried.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from app.commerce.strict_json import load_json

log = logging.getLogger(__name__)

ORDER_STATUSES = ("created", "paid", "cancelled", "refunded")
"""``created`` is pending: committed, its charge not answered yet, answered "processing" (the webhook
will say), or a group-buy order waiting for its group to fill."""
CHARGE_STATUSES = ("paid", "created", "declined")
"""What a charge can answer (:meth:`PaymentProvider.charge`)."""


@dataclass(frozen=True, slots=True)
class Charge:
    order_id: str
    amount_cents: int
    currency: str
    idempotency_key: str
    """Sent to the provider with the charge (for an order's charge: its id). A provider answers a
    charge with a key it has seen with the first one's result, so charging again after a crash, or a
    retry after a lost answer, never takes the money twice."""


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    status: str
    """A charge's: one of :data:`CHARGE_STATUSES`; a refund's: ``refunded``."""
    reference: str
    """The provider's id for the payment ("" when declined)."""
    reason: str = ""
    """Why a charge was declined, in the provider's words."""


@dataclass(frozen=True, slots=True)
class PaymentUpdate:
    """What a webhook says happened to an order."""

    order_id: str
    status: str
    reference: str


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One genuine provider callback: its id (a provider retries with the same id, and the relay
    applies each id once) and what it says."""

    id: str
    updates: list[PaymentUpdate]


class WebhookError(ValueError):
    pass


WEBHOOK_TOLERANCE_S = 300
"""A webhook's timestamp may be this far from the relay's clock (Stripe's default): older is refused, so
a captured one cannot be replayed later."""
EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


class PaymentProvider(Protocol):
    name: str
    test_mode: bool
    instant: bool
    """Its charge answers without waiting on the network (test mode): the relay calls it on its event
    loop. A provider that makes an HTTP call is not: the relay calls it in a worker thread."""

    def charge(self, charge: Charge) -> PaymentOutcome:
        """Charge ``charge.amount_cents``, sending ``charge.idempotency_key`` with it, so a repeated charge is
        answered with the first's result. Answers ``paid`` (captured), ``created`` (processing: the webhook
        will say) or ``declined`` (with ``reason``). Called outside any database transaction. An exception
        counts as declined: an adapter that cannot tell what happened (a timeout) retries with the key
        before it answers."""
        ...

    def refund(self, charge: Charge, reference: str | None) -> PaymentOutcome: ...

    def parse_webhook(self, headers: dict[str, str], body: bytes, now: float) -> WebhookEvent:
        """Verify (signature, timestamp within :data:`WEBHOOK_TOLERANCE_S` of ``now``) and decode a
        provider callback; raise :class:`WebhookError` if it is not genuine or too old."""
        ...


def take_charge(provider: PaymentProvider, charge: Charge) -> PaymentOutcome:
    """The provider's answer to ``charge``; a provider that raises, or answers something else than a
    charge's status, has declined it (logged). Safe to call from a worker thread."""
    try:
        outcome = provider.charge(charge)
    except Exception:
        log.exception("the payment provider %r failed to charge order %s", provider.name, charge.order_id)
        return PaymentOutcome("declined", "", "the payment provider did not complete the charge")
    if outcome.status not in CHARGE_STATUSES:
        log.error("the payment provider %r answered %r to a charge", provider.name, outcome.status)
        return PaymentOutcome("declined", "", "the payment provider gave an unknown answer")
    return outcome


TEST_WEBHOOK_SECRET = "shopcast-test-mode"  # noqa: S105 - test mode's known secret, used when none is configured
TEST_DECLINES = (200_000, 200_099)
"""Test mode declines a charge of ¥2000.00 to ¥2000.99 (in cents, inclusive), Braintree's sandbox rule."""
TEST_KEYS_KEPT = 100_000
"""Idempotency keys test mode remembers (the newest): its memory stays bounded in a long show."""


class TestModePayment:
    """Marks orders paid at once and moves no money. Its webhook is signed as Stripe's are: header
    ``X-ShopCast-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>``, the body
    ``{"id": <event id>, "events": [{order_id, status, reference?}]}`` — the shape a real provider's
    adapter follows. Like a real provider it answers a charge whose idempotency key it has seen with
    the first answer (``repeats`` counts those)."""

    __test__ = False  # not a pytest test class
    name = "test"
    test_mode = True
    instant = True

    def __init__(self, webhook_secret: str = TEST_WEBHOOK_SECRET) -> None:
        self._secret = webhook_secret.encode()
        self._answers: OrderedDict[str, PaymentOutcome] = OrderedDict()
        self.repeats = 0
        """Charges answered from an earlier charge with the same idempotency key."""

    def charge(self, charge: Charge) -> PaymentOutcome:
        known = self._answers.get(charge.idempotency_key)
        if known is not None:
            self.repeats += 1
            return known
        if TEST_DECLINES[0] <= charge.amount_cents <= TEST_DECLINES[1]:
            outcome = PaymentOutcome("declined", "", "do not honor (test mode declines ¥2000.00 to ¥2000.99)")
        else:
            outcome = self._accepted(charge)
        self._answers[charge.idempotency_key] = outcome
        if len(self._answers) > TEST_KEYS_KEPT:
            self._answers.popitem(last=False)
        return outcome

    def _accepted(self, charge: Charge) -> PaymentOutcome:
        return PaymentOutcome("paid", f"test_{charge.order_id}")

    def refund(self, charge: Charge, reference: str | None) -> PaymentOutcome:
        return PaymentOutcome("refunded", f"test_refund_{charge.order_id}")

    def _mac(self, timestamp: int, body: bytes) -> str:
        return hmac.new(self._secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()

    def sign(self, body: bytes, timestamp: float) -> str:
        """The signature header's value for ``body`` sent at ``timestamp``."""
        return f"t={int(timestamp)},v1={self._mac(int(timestamp), body)}"

    def parse_webhook(self, headers: dict[str, str], body: bytes, now: float) -> WebhookEvent:
        fields: dict[str, list[str]] = {}
        for part in headers.get("x-shopcast-signature", "").split(","):
            key, _, value = part.strip().partition("=")
            fields.setdefault(key, []).append(value)
        try:
            timestamp = int(fields["t"][0])
        except (KeyError, ValueError):
            raise WebhookError("the webhook has no signature timestamp (t=)") from None
        if not any(hmac.compare_digest(self._mac(timestamp, body), given) for given in fields.get("v1", [])):
            raise WebhookError("the webhook signature does not match")
        if abs(now - timestamp) > WEBHOOK_TOLERANCE_S:
            raise WebhookError(
                f"the webhook is stale: signed {now - timestamp:.0f} s from now (tolerance {WEBHOOK_TOLERANCE_S} s)"
            )
        try:
            data = load_json(body)
            if not isinstance(data, dict) or not isinstance(data.get("events"), list):
                raise TypeError("'events' must be a list")
            event_id = data.get("id")
            if not isinstance(event_id, str) or not EVENT_ID.fullmatch(event_id):
                raise TypeError("'id' must be the event's id (1-100 letters, digits, '_', '.', ':' or '-')")
            updates = [
                PaymentUpdate(str(e["order_id"]), str(e["status"]), str(e.get("reference", ""))) for e in data["events"]
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookError(f"the webhook body is not understood: {exc}") from None
        for update in updates:
            if update.status not in ORDER_STATUSES:
                raise WebhookError(f"unknown order status {update.status!r}")
        return WebhookEvent(event_id, updates)


class AsyncTestModePayment(TestModePayment):
    """Test mode as an asynchronous provider works (a wallet the buyer confirms on their phone): a charge
    answers "processing" and the order stays ``created`` until the signed webhook says ``paid`` (or
    ``cancelled``). Tests and hosts use it to see an order wait for its webhook."""

    __test__ = False
    name = "test-async"

    def _accepted(self, charge: Charge) -> PaymentOutcome:
        return PaymentOutcome("created", f"test_pi_{charge.order_id}")


TEST_PROVIDERS: dict[str, type[TestModePayment]] = {"test": TestModePayment, "test-async": AsyncTestModePayment}
WEBHOOK_SECRET_ENV = "SHOPCAST_PAYMENT_WEBHOOK_SECRET"  # noqa: S105 - the variable's name, not a secret
WEBHOOK_SECRET_FLAG = "--payment-webhook-secret"  # noqa: S105 - refused: the secret comes from ...-file or the env
MIN_SECRET = 16


def check_provider(name: str, webhook_secret: str | None) -> None:
    """Refuse a provider the relay cannot run with (ValueError, a sentence for the person starting it):
    outside test mode a webhook secret is required, since without one a forged webhook could mark
    orders paid."""
    if name in TEST_PROVIDERS:
        if webhook_secret is not None and len(webhook_secret) < MIN_SECRET:
            raise ValueError(f"the payment webhook secret must be at least {MIN_SECRET} characters")
        return
    if not webhook_secret:
        raise ValueError(
            f"the payment provider {name!r} is not test mode: the relay will not start without its webhook"
            f" secret (set ${WEBHOOK_SECRET_ENV}, or {WEBHOOK_SECRET_FLAG}-file FILE; never on the command line)"
        )
    if len(webhook_secret) < MIN_SECRET:
        raise ValueError(f"the payment webhook secret must be at least {MIN_SECRET} characters")
    raise ValueError(
        f"there is no payment provider named {name!r} in this ShopCast (known: {', '.join(TEST_PROVIDERS)})"
    )


def open_provider(name: str, webhook_secret: str | None = None) -> PaymentProvider:
    """The provider called ``name`` (:func:`check_provider` says why one cannot run). Test mode signs its
    webhooks with the configured secret, else with its known one."""
    check_provider(name, webhook_secret)
    return TEST_PROVIDERS[name](webhook_secret or TEST_WEBHOOK_SECRET)
