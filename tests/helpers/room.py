"""A room on a real relay, with the host's client and viewers' clients."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.helpers.relay import RelayProcess
from tests.helpers.sessions import Session, Viewers

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
    viewers: Viewers = field(init=False)

    def __post_init__(self) -> None:
        self.viewers = Viewers(self.relay.url)

    @property
    def api(self) -> str:
        return f"{self.relay.url}/api/v1/rooms/{self.name}"

    def host(self) -> httpx.Client:
        return httpx.Client(base_url=self.api, headers={"Authorization": f"Bearer {self.owner_token}"}, timeout=30)

    def session(self, name: str) -> Session:
        """The viewer the test calls ``name`` (a session the relay minted the first time)."""
        return self.viewers(name)

    def viewer(self, name: str) -> httpx.Client:
        return httpx.Client(base_url=self.api, headers=self.session(name).headers, timeout=30)

    def order(self, name: str, key: str, **body: Any) -> httpx.Response:
        with self.viewer(name) as client:
            return client.post("/orders", json=body, headers={"Idempotency-Key": key})


def open_room(relay: RelayProcess, name: str, catalog: list[dict[str, Any]] | None = None) -> Room:
    created = relay.create_room(name)
    room = Room(relay, name, created["owner_token"], created["stream_key"])
    with room.host() as host:
        host.post("/catalog", json=catalog or CATALOG).raise_for_status()
    return room
