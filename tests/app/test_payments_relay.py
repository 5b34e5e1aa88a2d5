"""Payments the Stripe way through a real relay: an asynchronous provider's order stays pending until its
signed webhook, a declined payment answers 402 with the units back, an order committed before a crash is
charged when the relay starts again, a refusal is the Idempotency-Key's answer for 24 hours, and outside
test mode the relay will not start without a webhook secret (app/commerce/payments.py, app/relay/charges.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.commerce.engine import RoomEngine
from app.commerce.orders import OrderRequest
from app.commerce.payments import WEBHOOK_SECRET_ENV, AsyncTestModePayment
from app.commerce.redis_stock import refused_key
from tests.helpers.relay import REPO, RelayProcess
from tests.helpers.room import CATALOG, Room, open_room
from tests.helpers.servers import RedisServer
from tests.helpers.waiting import wait_until


@pytest.fixture(scope="module")
def async_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    relay = RelayProcess(tmp_path_factory.mktemp("relay-async"), "--payment-provider", "test-async").start()
    yield relay
    relay.stop()


def my_orders(room: Room, name: str) -> list[dict[str, Any]]:
    with room.viewer(name) as viewer:
        orders: list[dict[str, Any]] = viewer.get("/me").json()["orders"]
        return orders


def events(room: Room, kind: str) -> list[dict[str, Any]]:
    with room.host() as host:
        return [e for e in host.get("/events").json() if e["type"] == kind]


def test_an_order_stays_pending_until_the_signed_webhook_and_a_duplicate_changes_nothing(
    async_relay: RelayProcess,
) -> None:
    room = open_room(async_relay, "async-pay")
    placed = room.order("buyer", "k-1", sku="tee")
    assert placed.status_code == 201
    order = placed.json()
    assert (order["status"], order["test_mode"]) == ("created", True)
    state = httpx.get(f"{room.api}/live-state", timeout=10).json()
    assert state["payment"] == {"provider": "test-async", "test_mode": True}
    assert [o["status"] for o in my_orders(room, "buyer")] == ["created"] and events(room, "order.paid") == []

    provider = AsyncTestModePayment()  # the test mode's known webhook secret
    body = json.dumps({"id": "evt_async_1", "events": [{"order_id": order["order_id"], "status": "paid"}]}).encode()
    url = f"{async_relay.url}/api/v1/payments/test-async/webhook"

    def post() -> httpx.Response:
        return httpx.post(url, content=body, headers={"X-ShopCast-Signature": provider.sign(body, time.time())})

    assert post().json() == {"applied": 1}
    assert [o["status"] for o in my_orders(room, "buyer")] == ["paid"]
    duplicate = post()
    assert duplicate.status_code == 200 and duplicate.json() == {"applied": 0, "duplicate": True}
    assert len(events(room, "order.paid")) == 1 and my_orders(room, "buyer")[0]["status"] == "paid"
    wrong = httpx.post(f"{async_relay.url}/api/v1/payments/test/webhook", content=body, timeout=10)
    assert wrong.status_code == 404, "the webhook of a provider the relay does not use"


def test_a_declined_payment_is_402_with_the_units_back_and_its_retry_gets_the_same(
    shared_relay: RelayProcess,
) -> None:
    room = open_room(shared_relay, "declines", [*CATALOG, {"sku": "tv", "title": "TV", "price": 2000, "stock": 4}])
    declined = room.order("buyer", "tv-1", sku="tv")
    assert declined.status_code == 402
    refusal = declined.json()
    assert refusal["error"] == "payment_declined" and "do not honor" in refusal["message"]
    tv = next(p for p in httpx.get(f"{room.api}/products", timeout=10).json() if p["sku"] == "tv")
    assert (tv["stock"], tv["sold"]) == (4, 0), "the units came back"
    assert [(o["order_id"], o["status"]) for o in my_orders(room, "buyer")] == [(refusal["order_id"], "cancelled")]
    again = room.order("buyer", "tv-1", sku="tv")
    assert (again.status_code, again.json(), again.headers.get("idempotent-replayed")) == (402, refusal, "true")
    assert len(my_orders(room, "buyer")) == 1


def test_a_refusal_is_replayed_under_its_key_and_another_body_is_422(shared_relay: RelayProcess) -> None:
    room = open_room(shared_relay, "replays", [{"sku": "last", "title": "The last one", "price": 9.9, "stock": 1}])
    assert room.order("first", "f-1", sku="last").status_code == 201
    refused = room.order("second", "s-1", sku="last")
    assert (refused.status_code, refused.json()["error"]) == (409, "sold_out")
    assert "idempotent-replayed" not in refused.headers
    with room.host() as host:
        host.post("/products/last/stock", json={"delta": 3, "reason": "found more"}).raise_for_status()
    again = room.order("second", "s-1", sku="last")
    assert (again.status_code, again.json(), again.headers.get("idempotent-replayed")) == (
        409, refused.json(), "true"
    ), "the first answer, though there is stock now"  # fmt: skip
    other = room.order("second", "s-1", sku="last", qty=2)
    assert (other.status_code, other.json()["error"]) == (422, "idempotency_mismatch")
    fresh = room.order("second", "s-2", sku="last")
    assert fresh.status_code == 201 and fresh.json()["status"] == "paid"


@pytest.mark.slow
def test_a_refusal_by_the_redis_gate_makes_the_key_with_another_body_422(
    tmp_path: Path, redis_server: RedisServer, postgres_dsn: str
) -> None:
    """A flash-sale tap refused in Redis never reached the store: the key sent again with another body
    (another sale, or no sale) is 422 as the store would answer, never placed (app/relay/sale_gate.py)."""
    relay = RelayProcess(tmp_path / "relay", "--postgres", postgres_dsn, "--redis", redis_server.url).start()
    try:
        room = open_room(relay, "gated", [{"sku": "mug", "title": "Mug", "price": 29.9, "stock": 50},
                                          {"sku": "tee", "title": "Tee", "price": 59.9, "stock": 50},
                                          {"sku": "cap", "title": "Cap", "price": 19.9, "stock": 50}])  # fmt: skip
        with room.host() as host:
            terms = {"price": 9.9, "per_user_limit": 1, "countdown_s": 0, "duration_s": 120}
            sale = host.post("/flash-sales", json={"sku": "mug", "stock": 1, **terms}).json()
            other = host.post("/flash-sales", json={"sku": "tee", "stock": 5, **terms}).json()
            gone = host.post("/flash-sales", json={"sku": "cap", "stock": 1, **terms}).json()
        assert room.order("first", "f-1", sku="mug", flash_sale_id=sale["id"]).status_code == 201
        assert room.order("first", "f-2", sku="cap", flash_sale_id=gone["id"]).status_code == 201
        refused = room.order("second", "K", sku="mug", flash_sale_id=sale["id"])
        assert (refused.status_code, refused.json()["error"]) == (409, "sold_out")
        kept = refused_key("gated", room.session("second").viewer, "K")
        assert redis_server.command("EXISTS", kept) == b":1\r\n", "refused by the gate in Redis, not by the store"
        plain = room.order("second", "K", sku="tee")
        assert (plain.status_code, plain.json()["error"]) == (422, "idempotency_mismatch"), plain.text
        elsewhere = room.order("second", "K", sku="tee", flash_sale_id=other["id"])
        assert (elsewhere.status_code, elsewhere.json()["error"]) == (422, "idempotency_mismatch"), elsewhere.text
        sold_out_too = room.order("second", "K", sku="cap", flash_sale_id=gone["id"])
        assert (sold_out_too.status_code, sold_out_too.json()["error"]) == (422, "idempotency_mismatch")
        again = room.order("second", "K", sku="mug", flash_sale_id=sale["id"])
        assert (again.status_code, again.headers.get("idempotent-replayed")) == (409, "true")
        with room.viewer("second") as viewer:
            assert viewer.get("/me").json()["orders"] == [], "nothing was placed under the key"
        fresh = room.order("second", "K2", sku="tee", flash_sale_id=other["id"])
        assert fresh.status_code == 201, "the units the 422 took in Redis went back: a new key buys"
    finally:
        relay.stop()


def test_an_order_committed_before_a_crash_is_charged_when_the_relay_starts_again(tmp_path: Path) -> None:
    relay = RelayProcess(tmp_path / "relay").start()
    try:
        room = open_room(relay, "crash")
        buyer = room.session("buyer")
        relay.kill()
        # The state a crash between the commit and the charge leaves: the order committed, nothing charged.
        engine = RoomEngine(tmp_path / "relay" / "commerce.sqlite3")
        try:
            placed = engine.open_order("crash", buyer.viewer, "Buyer", OrderRequest("mug", 2), "k-crash")
        finally:
            engine.close()
        assert placed.order["status"] == "created"
        relay.restart()
        order_id = placed.order["order_id"]
        wait_until(lambda: my_orders(room, "buyer")[0]["status"] == "paid", 10, "the order charged on restart")
        paid = events(room, "order.paid")
        assert [e["data"]["order_id"] for e in paid] == [order_id]
        again = room.order("buyer", "k-crash", sku="mug", qty=2)
        assert again.json()["order_id"] == order_id and again.headers["idempotent-replayed"] == "true"
    finally:
        relay.stop()


def _start(tmp_path: Path, *args: str, secret: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != WEBHOOK_SECRET_ENV}
    if secret is not None:
        env[WEBHOOK_SECRET_ENV] = secret
    command = [sys.executable, "-m", "app", "relay", "--port", "0", "--data", str(tmp_path / "data"), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=60, check=False)


def test_outside_test_mode_the_relay_refuses_to_start_without_a_webhook_secret(tmp_path: Path) -> None:
    refused = _start(tmp_path, "--payment-provider", "acme")
    assert refused.returncode != 0 and "ready" not in refused.stdout
    assert "not test mode" in refused.stderr and WEBHOOK_SECRET_ENV in refused.stderr, refused.stderr
    on_argv = _start(tmp_path, "--payment-provider", "acme", "--payment-webhook-secret", "s" * 32)
    assert on_argv.returncode != 0 and "command line" in on_argv.stderr, "a secret on argv is refused"
    secret_file = tmp_path / "webhook-secret"
    secret_file.write_text("whsec_" + "x" * 32 + "\n")
    from_file = _start(tmp_path, "--payment-provider", "acme", "--payment-webhook-secret-file", str(secret_file))
    assert from_file.returncode != 0 and "no payment provider named 'acme'" in from_file.stderr, from_file.stderr
    from_env = _start(tmp_path, "--payment-provider", "acme", secret="whsec_" + "y" * 32)
    assert "no payment provider named 'acme'" in from_env.stderr, "the secret was read from the environment"
