from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.commerce.catalog import ProductInput
from app.commerce.core import Notification
from app.commerce.engine import RoomEngine


class ManualClock:
    """A clock the test moves by hand."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the engine keeps the room: every engine test runs on both stores (app/commerce/store.py)."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_dsn"))
    return str(tmp_path / "commerce.sqlite3")


@pytest.fixture
def engine(store: str, clock: ManualClock) -> Iterator[RoomEngine]:
    room_engine = RoomEngine(store, clock=clock)
    room_engine.import_catalog(
        "r",
        [
            ProductInput("tee", "Cotton tee", 5900, 500),
            ProductInput("mug", "Mug", 2990, 3),
            ProductInput("shoe", "Runner", 39900, 0),
            ProductInput("shoe-40", "Runner · 40", 39900, 5, parent_sku="shoe", option="40"),
            ProductInput("shoe-41", "Runner · 41", 41900, 5, parent_sku="shoe", option="41"),
        ],
    )
    yield room_engine
    room_engine.close()


@pytest.fixture
def notifications(engine: RoomEngine) -> list[Notification]:
    received: list[Notification] = []
    engine.add_listener(received.extend)
    return received
