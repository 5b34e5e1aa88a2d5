"""Payment as a pluggable step.

A provider takes a charge when an order is placed and a refund when it is cancelled; a real provider
confirms asynchronously through a webhook, which the relay hands to :meth:`parse_webhook`. The
built-in provider is **test mode**: it marks orders paid at once, moves no money, and the room says
so everywhere (API responses, viewer page, studio).
"""

from __future__ import annotations

import hashlib
import hmac
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


class WebhookError(ValueError):
    pass


class PaymentProvider(Protocol):
    name: str
    test_mode: bool

    def charge(self, charge: Charge) -> PaymentOutcome: ...

    def refund(self, charge: Charge, reference: str | None) -> PaymentOutcome: ...

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> list[PaymentUpdate]:
        """Verify and decode a provider callback; raise :class:`WebhookError` if it is not genuine."""
        ...


class TestModePayment:
    """Marks orders paid immediately. Its webhook accepts JSON signed with HMAC-SHA256 over the body
    (header ``X-ShopCast-Signature: sha256=<hex>``), the shape a real provider's adapter follows."""

    __test__ = False  # not a pytest test class
    name = "test"
    test_mode = True

    def __init__(self, webhook_secret: str = "shopcast-test-mode") -> None:  # noqa: S107 - test mode only
        self._secret = webhook_secret.encode()

    def charge(self, charge: Charge) -> PaymentOutcome:
        return PaymentOutcome("paid", f"test_{charge.order_id}")

    def refund(self, charge: Charge, reference: str | None) -> PaymentOutcome:
        return PaymentOutcome("refunded", f"test_refund_{charge.order_id}")

    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def parse_webhook(self, headers: dict[str, str], body: bytes) -> list[PaymentUpdate]:
        signature = headers.get("x-shopcast-signature", "")
        if not hmac.compare_digest(signature, self.sign(body)):
            raise WebhookError("the webhook signature does not match")
        try:
            data = load_json(body)
            events = data["events"] if isinstance(data, dict) else None
            if not isinstance(events, list):
                raise TypeError("'events' must be a list")
            updates = [PaymentUpdate(str(e["order_id"]), str(e["status"]), str(e.get("reference", ""))) for e in events]
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookError(f"the webhook body is not understood: {exc}") from None
        for update in updates:
            if update.status not in ORDER_STATUSES:
                raise WebhookError(f"unknown order status {update.status!r}")
        return updates
