"""A room on a real relay, with the host's client and viewers' clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.helpers.relay import RelayProcess

CATALOG = [
    {"sku": "tee", "title": "Cotton tee 纯棉T恤", "price": 59.9, "stock": 500, "image": "/static/icon.svg"},
    {"sku": "mug", "title": "Mug", "price": 29.9, "stock": 50},
    {
        "sku": "shoe",
        "title": "Runner",
        "price": 399,
        "stock": 0,
        "variants": [{"sku": "shoe-40", "option": "40", "stock": 5}, {"sku": "shoe-41", "option": "41", "stock": 5}],
    },
]


@dataclass
class Room:
    relay: RelayProcess
    name: str
    owner_token: str
    stream_key: str

    @property
    def api(self) -> str:
        return f"{self.relay.url}/api/v1/rooms/{self.name}"

    def host(self) -> httpx.Client:
        return httpx.Client(base_url=self.api, headers={"Authorization": f"Bearer {self.owner_token}"}, timeout=30)

    def viewer(self, viewer_id: str) -> httpx.Client:
        return httpx.Client(base_url=self.api, headers={"X-Viewer-Id": viewer_id}, timeout=30)

    def order(self, viewer_id: str, key: str, **body: Any) -> httpx.Response:
        with self.viewer(viewer_id) as client:
            return client.post("/orders", json=body, headers={"Idempotency-Key": key})


def open_room(relay: RelayProcess, name: str, catalog: list[dict[str, Any]] | None = None) -> Room:
    created = relay.create_room(name)
    room = Room(relay, name, created["owner_token"], created["stream_key"])
    with room.host() as host:
        host.post("/catalog", json=catalog or CATALOG).raise_for_status()
    return room
