"""The order fast lane and the documented FastAPI route answer identically (in-process ASGI)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.relay.context import RelaySettings
from app.relay.server import create_app

TOKEN = "admin-token-for-tests-0123456789"


async def exchange(app: Any) -> list[tuple[int, dict[str, Any], str | None]]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://relay.test") as client:
        admin = {"Authorization": f"Bearer {TOKEN}"}
        room = (await client.post("/api/v1/rooms", json={"room": "paths"}, headers=admin)).json()
        owner = {"Authorization": f"Bearer {room['owner_token']}"}
        await client.post(
            "/api/v1/rooms/paths/products", json={"sku": "mug", "title": "Mug", "price": 9.9, "stock": 1}, headers=owner
        )
        minted = (await client.post("/api/v1/sessions")).json()
        client.cookies.clear()
        viewer = {"Authorization": f"Bearer {minted['token']}"}
        attempts = [
            ({"sku": "mug"}, {**viewer, "Idempotency-Key": "k1"}),
            ({"sku": "mug"}, {**viewer, "Idempotency-Key": "k1"}),  # replay
            ({"sku": "mug", "qty": 2}, {**viewer, "Idempotency-Key": "k1"}),  # key reused
            ({"sku": "mug"}, {**viewer, "Idempotency-Key": "k2"}),  # sold out
            ({"sku": "mug", "qty": 0}, {**viewer, "Idempotency-Key": "k3"}),  # invalid
            ({"sku": "mug"}, {"Idempotency-Key": "k4"}),  # no session
            ({"sku": "mug"}, {"X-Viewer-Id": "viewer-paths", "Idempotency-Key": "k5"}),  # an id chosen: no session
            ({"sku": "mug"}, viewer),  # no key
        ]
        results = []
        for body, headers in attempts:
            response = await client.post("/api/v1/rooms/paths/orders", json=body, headers=headers)
            payload = response.json()
            payload.pop("order_id", None)
            payload.pop("created_at", None)
            results.append((response.status_code, payload, response.headers.get("idempotent-replayed")))
        missing_room = await client.post(
            "/api/v1/rooms/nope/orders", json={"sku": "mug"}, headers={**viewer, "Idempotency-Key": "k"}
        )
        results.append((missing_room.status_code, missing_room.json(), None))
        return results


@pytest.fixture
def outcomes(tmp_path: Path) -> dict[bool, list[tuple[int, dict[str, Any], str | None]]]:
    found = {}
    for lane in (True, False):
        settings = RelaySettings(data_dir=tmp_path / f"lane-{lane}", admin_token=TOKEN)
        app = create_app(settings, order_fast_lane=lane)
        found[lane] = asyncio.run(exchange(app))
        app.state.relay.engine.close()
    return found


def test_both_paths_give_the_same_answers(outcomes: dict[bool, list[tuple[int, dict[str, Any], str | None]]]) -> None:
    assert outcomes[True] == outcomes[False]
    statuses = [status for status, _, _ in outcomes[True]]
    assert statuses == [201, 201, 422, 409, 422, 401, 401, 400, 404]
    codes = [body.get("error") for _, body, _ in outcomes[True]]
    assert codes == [None, None, "idempotency_mismatch", "sold_out", "invalid_request", "session_required",
                     "session_required", "missing_idempotency_key", "room_not_found"]  # fmt: skip
    assert outcomes[True][1][2] == "true", "the replay says so"
