"""Rooms and link secrets kept in the store for relays that share it (app/commerce/shared.py,
app/relay/rooms.StoreRoomRegistry), on both stores."""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path

import pytest

from app.commerce import shared
from app.commerce.engine import RoomEngine
from app.commerce.store import open_store
from app.commerce.token_hashes import token_hash
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
    assert other.get("Shop") == made.room, "another relay sees it at once"
    assert other.get("Shop").key_matches(made.stream_key) and other.get("Shop").owner_matches(made.owner_token)
    rotated, key = other.rotate_key("Shop")
    assert key != made.stream_key and rotated.key_matches(key) and not rotated.key_matches(made.stream_key)
    assert rotated.owner_matches(made.owner_token), "the owner token stays"
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
    names = [rooms.create(f"room-{n}", "t").room.name for n in range(5)]
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


def test_only_hashes_of_the_keys_are_in_the_store(engine: RoomEngine, store: str) -> None:
    rooms = StoreRoomRegistry(store)
    made = rooms.create("vault", "Vault")
    _, token = rooms.rotate_owner_token("vault")
    rooms.close()
    db = open_store(store)
    try:
        (row,) = [dict(zip(r.keys(), r, strict=True)) for r in shared.rooms(db) if r["name"] == "vault"]
    finally:
        db.close()
    assert row["stream_key_hash"] == token_hash(made.stream_key) and row["owner_token_hash"] == token_hash(token)
    assert made.stream_key not in str(row) and token not in str(row) and made.owner_token not in str(row)


def test_a_relay_joining_others_brings_its_rooms_once(engine: RoomEngine, store: str, tmp_path: Path) -> None:
    alone = RoomRegistry(tmp_path / "rooms.json")
    kept = alone.create("solo", "Solo show")
    rooms = StoreRoomRegistry(store, import_from=tmp_path / "rooms.json")
    assert rooms.get("solo") == kept.room, "the same keys: the studio's saved stream key still works"
    assert rooms.get("solo").key_matches(kept.stream_key)
    assert not (tmp_path / "rooms.json").exists() and (tmp_path / "rooms.json.imported").exists()
    rooms.delete("solo")
    again = StoreRoomRegistry(store, import_from=tmp_path / "rooms.json")  # the next start
    assert again.list() == [], "a room deleted since does not come back"
    rooms.close()
    again.close()


def test_a_rooms_file_with_clear_keys_is_hashed_in_place(tmp_path: Path) -> None:
    path = tmp_path / "rooms.json"
    key, token = "clear-stream-key-0123456789abcdef", "clear-owner-token-0123456789ab"
    old = {"name": "solo", "title": "Solo", "stream_key": key, "owner_token": token, "created_at": 1.0}
    path.write_text(json.dumps({"rooms": [old]}))  # as a relay before hashed keys wrote it
    rooms = RoomRegistry(path)
    room = rooms.get("solo")
    assert room.key_matches(key) and room.owner_matches(token) and not room.key_matches(token)
    text = path.read_text()
    assert key not in text and token not in text, "nothing in clear is left in the file"
    assert json.loads(text)["rooms"] == [
        {"name": "solo", "title": "Solo", "stream_key_hash": token_hash(key), "owner_token_hash": token_hash(token),
         "created_at": 1.0}
    ]  # fmt: skip
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert RoomRegistry(path).get("solo") == room, "read back the same"
