"""The payment webhook on a real relay: signed with a timestamp (5 minutes' tolerance), applied once per
event id; a forged, stale or replayed one changes nothing (app/commerce/payments.py)."""

from __future__ import annotations

import json
import time

import httpx

from app.commerce.payments import TestModePayment
from tests.helpers.relay import RelayProcess
from tests.helpers.room import open_room


def test_forged_stale_and_replayed_webhooks_change_nothing(shared_relay: RelayProcess) -> None:
    room = open_room(shared_relay, "webhooks")
    order = room.order("buyer", "k-1", sku="mug").json()
    url = f"{shared_relay.url}/api/v1/payments/test/webhook"
    provider = TestModePayment()  # the test-mode provider's known secret (test mode only)
    body = json.dumps(
        {"id": "evt_refund_1", "events": [{"order_id": order["order_id"], "status": "refunded", "reference": "re_1"}]}
    ).encode()

    def post(signature: str) -> httpx.Response:
        return httpx.post(url, content=body, headers={"X-ShopCast-Signature": signature})

    def status() -> str:
        with room.host() as host:
            return str(next(o for o in host.get("/orders").json() if o["order_id"] == order["order_id"])["status"])

    forged = post(f"t={int(time.time())},v1={'0' * 64}")
    stale = post(provider.sign(body, time.time() - 600))
    assert (forged.status_code, forged.json()["error"]) == (400, "bad_webhook") and "signature" in forged.text
    assert (stale.status_code, stale.json()["error"]) == (400, "bad_webhook") and "stale" in stale.text
    assert status() == "paid"
    genuine = post(provider.sign(body, time.time()))
    assert genuine.json() == {"applied": 1} and status() == "refunded"
    replayed = post(provider.sign(body, time.time()))
    assert replayed.status_code == 200 and replayed.json() == {"applied": 0, "duplicate": True}
    with room.host() as host:
        refunds = [e for e in host.get("/events").json() if e["type"] == "order.refunded"]
    assert len(refunds) == 1, "the replay logged nothing"
