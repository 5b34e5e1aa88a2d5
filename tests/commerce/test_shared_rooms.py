"""Rooms and link secrets kept in the store for relays that share it (app/commerce/shared.py,
app/relay/rooms.StoreRoomRegistry), on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.commerce import shared
from app.commerce.engine import RoomEngine
from app.relay.rooms import RoomExistsError, RoomNotFoundError, RoomRegistry, StoreRoomRegistry


def test_a_secret_is_made_once_and_then_read_by_everyone(engine: RoomEngine, store: str) -> None:
    with engine.core.transaction() as tx:
        first = shared.secret(tx, "invite-secret")
    other = RoomEngine(store)  # another relay on the same store
    try:
        with other.core.transaction() as tx:
            assert shared.secret(tx, "invite-secret") == first and len(first) == 32
            assert shared.secret(tx, "assistant-secret") != first
    finally:
        other.close()


def test_rooms_are_unique_whatever_the_case_and_keys_rotate(engine: RoomEngine, store: str) -> None:
    rooms = StoreRoomRegistry(engine)
    made = rooms.create("Shop", "The shop")
    with pytest.raises(RoomExistsError):
        rooms.create("shop", "Another")
    with pytest.raises(ValueError, match="room name must be"):
        rooms.create("bad name", "x")
    other = StoreRoomRegistry(RoomEngine(store))  # another relay sees it at once
    assert other.get("Shop") == made
    rotated = other.rotate_key("Shop")
    assert rotated.stream_key != made.stream_key and rotated.owner_token == made.owner_token
    assert [r.name for r in rooms.list()] == ["Shop"]
    other.delete("Shop")
    with pytest.raises(RoomNotFoundError):
        other.get("Shop")
    with pytest.raises(RoomNotFoundError):
        other.rotate_owner_token("Shop")
    other.engine.close()


def test_a_relay_joining_others_brings_its_rooms(engine: RoomEngine, tmp_path: Path) -> None:
    alone = RoomRegistry(tmp_path / "rooms.json")
    kept = alone.create("solo", "Solo show")
    rooms = StoreRoomRegistry(engine, import_from=tmp_path / "rooms.json")
    assert rooms.get("solo") == kept, "the same keys: the studio's saved stream key still works"
    StoreRoomRegistry(engine, import_from=tmp_path / "rooms.json")  # a second start changes nothing
    assert [r.name for r in rooms.list()] == ["solo"]
