"""Rooms and link secrets kept in the store for relays that share it (app/commerce/shared.py,
app/relay/rooms.StoreRoomRegistry), on both stores."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.commerce.engine import RoomEngine
from app.relay.rooms import RoomExistsError, RoomNotFoundError, RoomRegistry, StoreRoomRegistry


def test_a_secret_is_made_once_and_then_read_by_everyone(engine: RoomEngine, store: str) -> None:
    one, other = StoreRoomRegistry(store), StoreRoomRegistry(store)  # two relays on the same store
    try:
        first = one.secret("invite-secret")
        assert other.secret("invite-secret") == first and len(first) == 32
        assert other.secret("assistant-secret") != first
    finally:
        one.close()
        other.close()


def test_rooms_are_unique_whatever_the_case_and_keys_rotate(engine: RoomEngine, store: str) -> None:
    rooms, other = StoreRoomRegistry(store), StoreRoomRegistry(store)
    made = rooms.create("Shop", "The shop")
    with pytest.raises(RoomExistsError):
        rooms.create("shop", "Another")
    with pytest.raises(ValueError, match="room name must be"):
        rooms.create("bad name", "x")
    assert other.get("Shop") == made, "another relay sees it at once"
    rotated = other.rotate_key("Shop")
    assert rotated.stream_key != made.stream_key and rotated.owner_token == made.owner_token
    assert [r.name for r in rooms.list()] == ["Shop"]
    other.delete("Shop")
    with pytest.raises(RoomNotFoundError):
        other.get("Shop")
    with pytest.raises(RoomNotFoundError):
        other.rotate_owner_token("Shop")
    rooms.close()
    other.close()


def test_rooms_are_looked_up_from_many_threads_at_once(engine: RoomEngine, store: str) -> None:
    rooms = StoreRoomRegistry(store)
    names = [rooms.create(f"room-{n}", "t").name for n in range(5)]
    failures: list[BaseException] = []

    def look() -> None:
        try:
            for _ in range(50):
                assert {r.name for r in rooms.list()} == set(names)
                rooms._cache.clear()
                assert rooms.get("room-3").name == "room-3"
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    rooms.close()
    assert not failures, failures[:1]


def test_a_relay_joining_others_brings_its_rooms_once(engine: RoomEngine, store: str, tmp_path: Path) -> None:
    alone = RoomRegistry(tmp_path / "rooms.json")
    kept = alone.create("solo", "Solo show")
    rooms = StoreRoomRegistry(store, import_from=tmp_path / "rooms.json")
    assert rooms.get("solo") == kept, "the same keys: the studio's saved stream key still works"
    assert not (tmp_path / "rooms.json").exists() and (tmp_path / "rooms.json.imported").exists()
    rooms.delete("solo")
    again = StoreRoomRegistry(store, import_from=tmp_path / "rooms.json")  # the next start
    assert again.list() == [], "a room deleted since does not come back"
    rooms.close()
    again.close()
