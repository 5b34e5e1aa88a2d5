"""Payment as a pluggable step.

A provider takes a charge when an order is placed and a refund when it is cancelled; a real provider
confirms asynchronously through a webhook, which the relay hands to :meth:`parse_webhook`. The
built-in provider is **test mode**: it marks orders paid at once, moves no money, and the room says
so everywhere (API responses, viewer page, studio).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Protocol

from app.commerce.strict_json import load_json

ORDER_STATUSES = ("created", "paid", "cancelled", "refunded")


@dataclass(frozen=True, slots=True)
class Charge:
    order_id: str
    amount_cents: int
    currency: str


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    status: str
    """``paid`` (captured now) or ``created`` (awaiting the provider's webhook)."""
    reference: str


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

    def charge(self, charge: Charge) -> PaymentOutcome: ...

    def refund(self, charge: Charge, reference: str | None) -> PaymentOutcome: ...

    def parse_webhook(self, headers: dict[str, str], body: bytes, now: float) -> WebhookEvent:
        """Verify (signature, timestamp within :data:`WEBHOOK_TOLERANCE_S` of ``now``) and decode a
        provider callback; raise :class:`WebhookError` if it is not genuine or too old."""
        ...


class TestModePayment:
    """Marks orders paid immediately. Its webhook is signed as Stripe's are: header
    ``X-ShopCast-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>``, the body
    ``{"id": <event id>, "events": [{order_id, status, reference?}]}`` — the shape a real provider's
    adapter follows."""

    __test__ = False  # not a pytest test class
    name = "test"
    test_mode = True

    def __init__(self, webhook_secret: str = "shopcast-test-mode") -> None:  # noqa: S107 - test mode only
        self._secret = webhook_secret.encode()

    def charge(self, charge: Charge) -> PaymentOutcome:
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
