"""Rooms: a name, a title, a stream key and an owner token, persisted so a relay restart keeps them.

The registry is a small JSON file written atomically; a live-commerce relay hosts a handful of
rooms, not millions (the commerce data of issue 3 gets a real store). Several relays sharing one data
folder share it: each notices the file changed (its inode, size and time) and reads it again, and a
change is made under an exclusive lock on ``rooms.json.lock`` from reading to writing.

The stream key and the owner token are kept as hashes (app/commerce/token_hashes.py): the clear
values are handed out once, by :meth:`Rooms.create` and the rotations, and never read back. A
``rooms.json`` an older ShopCast wrote with clear values is hashed in place when it is read.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from app.commerce import shared
from app.commerce.store import open_store
from app.commerce.token_hashes import hashed, matches, token_hash
from app.relay.media_store import write_private

try:
    import fcntl  # the rooms file's lock between relays sharing a folder (POSIX; a lone relay needs none)

    LOCKING: bool = True
except ImportError:  # pragma: no cover - Windows
    LOCKING = False

log = logging.getLogger(__name__)

ROOM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
ROOM_NAME_RULE = "1-64 letters, digits, '-' or '_', starting with a letter or digit"
ROOM_NAME_RULE_ZH = "1–64 个字母、数字、“-”或“_”，以字母或数字开头"


def new_secret() -> str:
    """A stream key or owner token: 32 URL-safe characters, never starting with "-" (a key typed after
    ``--key`` must not read as another option; one in 64 random tokens did)."""
    while True:
        token = secrets.token_urlsafe(24)
        if not token.startswith("-"):
            return token


class RoomExistsError(Exception):
    pass


class RoomNotFoundError(Exception):
    pass


class RoomFileError(Exception):
    """The rooms file exists but cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Room:
    name: str
    title: str
    stream_key_hash: str
    owner_token_hash: str
    created_at: float

    def key_matches(self, presented: str) -> bool:
        return matches(self.stream_key_hash, presented)

    def owner_matches(self, presented: str) -> bool:
        return matches(self.owner_token_hash, presented)


@dataclass(frozen=True, slots=True)
class NewRoom:
    """A room just made, with its stream key and owner token in clear: the one time they are known."""

    room: Room
    stream_key: str
    owner_token: str


def _new_room(name: str, title: str) -> NewRoom:
    key, token = new_secret(), new_secret()
    return NewRoom(Room(name, title, token_hash(key), token_hash(token), time.time()), key, token)


def valid_room_name(name: str) -> bool:
    return ROOM_NAME.fullmatch(name) is not None


def _stored(entry: dict[str, Any], secret: str) -> str:
    """A room's ``secret`` (stream_key, owner_token) as its hash, from a ``rooms.json`` entry: its
    ``<secret>_hash``, or the clear value an older ShopCast saved (KeyError without either)."""
    value = entry[f"{secret}_hash"] if f"{secret}_hash" in entry else entry[secret]
    return hashed(str(value))


class RoomRegistry:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int, int] | None = None
        self._clear = False
        """The file last read held a clear key or token (an older ShopCast's): rewritten as hashes."""
        self._rooms: dict[str, Room] = self._load()
        if self._clear:
            with self._changing():
                if self._clear:
                    self._save()
                    log.info("the stream keys and owner tokens in %s are now kept as hashes", path)

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_size, info.st_mtime_ns)

    def _fresh(self) -> None:
        """Read the file again if another relay (or process) changed it since we last did."""
        if self._stamp() != self._seen:
            try:
                self._rooms = self._load()
            except RoomFileError as exc:  # keep serving the rooms we had; say why once per change
                log.error("%s (keeping the rooms read before)", exc)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the registry for a change: this process's lock and the file lock, data read afresh."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not LOCKING:
                self._fresh()
                yield
                return
            with self.path.with_name(self.path.name + ".lock").open("a") as held:
                fcntl.flock(held, fcntl.LOCK_EX)
                try:
                    self._fresh()
                    yield
                finally:
                    fcntl.flock(held, fcntl.LOCK_UN)

    def _load(self) -> dict[str, Room]:
        self._seen = self._stamp()
        if self._seen is None:
            return {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            rooms = {}
            self._clear = False
            for entry in raw["rooms"]:
                if "stream_key" in entry or "owner_token" in entry:
                    self._clear = True  # written by an older ShopCast: hashed here, saved so by the caller
                room = Room(
                    name=str(entry["name"]),
                    title=str(entry["title"]),
                    stream_key_hash=_stored(entry, "stream_key"),
                    owner_token_hash=_stored(entry, "owner_token"),
                    created_at=float(entry["created_at"]),
                )
                if not valid_room_name(room.name):
                    raise ValueError(f"invalid room name {room.name!r}")
                rooms[room.name] = room
            return rooms
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RoomFileError(f"cannot read rooms from {self.path}: {exc}") from exc

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        data = {"rooms": [asdict(r) for r in self._rooms.values()]}
        write_private(tmp, json.dumps(data, ensure_ascii=False, indent=1).encode())
        tmp.replace(self.path)
        self._seen = self._stamp()
        self._clear = False

    def create(self, name: str, title: str) -> NewRoom:
        if not valid_room_name(name):
            raise ValueError(f"room name must be {ROOM_NAME_RULE}")
        with self._changing():
            # Case-insensitively unique: on macOS or Windows "Shop" and "shop" would share a folder.
            if name.lower() in {existing.lower() for existing in self._rooms}:
                raise RoomExistsError(name)
            made = _new_room(name, title)
            self._rooms[name] = made.room
            self._save()
            return made

    def get(self, name: str) -> Room:
        with self._lock:
            self._fresh()
            room = self._rooms.get(name)
        if room is None:
            raise RoomNotFoundError(name)
        return room

    def list(self) -> list[Room]:
        with self._lock:
            self._fresh()
            return sorted(self._rooms.values(), key=lambda r: r.created_at)

    def delete(self, name: str) -> None:
        with self._changing():
            if self._rooms.pop(name, None) is None:
                raise RoomNotFoundError(name)
            self._save()

    def _rotate(self, name: str, column: str) -> tuple[Room, str]:
        with self._changing():
            room = self._rooms.get(name)
            if room is None:
                raise RoomNotFoundError(name)
            secret = new_secret()
            if column == "stream_key_hash":
                room = replace(room, stream_key_hash=token_hash(secret))
            else:
                room = replace(room, owner_token_hash=token_hash(secret))
            self._rooms[name] = room
            self._save()
            return room, secret

    def rotate_key(self, name: str) -> tuple[Room, str]:
        return self._rotate(name, "stream_key_hash")

    def rotate_owner_token(self, name: str) -> tuple[Room, str]:
        return self._rotate(name, "owner_token_hash")

    def close(self) -> None:
        """Nothing held open (the file is read and written whole)."""


class Rooms(Protocol):
    """The relay's rooms: :class:`RoomRegistry` (a relay alone) or :class:`StoreRoomRegistry`."""

    def create(self, name: str, title: str) -> NewRoom: ...
    def get(self, name: str) -> Room: ...
    def list(self) -> list[Room]: ...
    def delete(self, name: str) -> None: ...
    def rotate_key(self, name: str) -> tuple[Room, str]:
        """A new stream key: the room as it is now, and the key in clear (the one time it is known)."""
        ...

    def rotate_owner_token(self, name: str) -> tuple[Room, str]:
        """A new owner token: the room as it is now, and the token in clear."""
        ...

    def close(self) -> None: ...


CACHE_S = 1.0
"""How long a relay sharing the store trusts a room it read (a key rotated on another relay is taken
here within this long)."""


class StoreRoomRegistry:
    """The rooms of relays sharing one store (docs/deploy.md): in its ``relay_rooms`` table, so that no
    data folder need be shared. A connection of its own, one statement at a time under a lock (rooms
    are looked up from the event loop and from the threads of synchronous routes alike), never the
    engine's. Each relay keeps a room it read for :data:`CACHE_S` (a room is looked up on every
    request); a room another relay just made is read at once (nothing absent is remembered)."""

    def __init__(self, store: Path | str, import_from: Path | None = None) -> None:
        self._db = open_store(store)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Room]] = {}
        if import_from is not None and import_from.exists():
            self._import(import_from)

    def _import(self, path: Path) -> None:
        """A relay that ran alone and now joins others brings its rooms (those the store lacks); the
        file is then renamed, so a room deleted later does not come back at the next start."""
        for room in RoomRegistry(path).list():
            with self._lock:
                added = shared.add_room(self._db, room.name, room.title, room.stream_key_hash,
                                        room.owner_token_hash, room.created_at)  # fmt: skip
            if added:
                log.info("room %s brought from %s into the shared store", room.name, path)
        path.replace(path.with_name(path.name + ".imported"))

    @staticmethod
    def _room(row: Any) -> Room:
        return Room(
            row["name"], row["title"], row["stream_key_hash"], row["owner_token_hash"], float(row["created_at"])
        )

    def create(self, name: str, title: str) -> NewRoom:
        if not valid_room_name(name):
            raise ValueError(f"room name must be {ROOM_NAME_RULE}")
        made = _new_room(name, title)
        room = made.room
        with self._lock:
            if not shared.add_room(self._db, name, title, room.stream_key_hash, room.owner_token_hash, room.created_at):
                raise RoomExistsError(name)
            self._cache[name] = (time.monotonic(), room)
        return made

    def get(self, name: str) -> Room:
        with self._lock:
            cached = self._cache.get(name)
            if cached is not None and time.monotonic() - cached[0] < CACHE_S:
                return cached[1]
            row = shared.room(self._db, name)
            if row is None:
                self._cache.pop(name, None)
                raise RoomNotFoundError(name)
            room = self._room(row)
            self._cache[name] = (time.monotonic(), room)
            return room

    def list(self) -> list[Room]:
        with self._lock:
            return [self._room(row) for row in shared.rooms(self._db)]

    def delete(self, name: str) -> None:
        with self._lock:
            deleted = shared.delete_room(self._db, name)
            self._cache.pop(name, None)
        if not deleted:
            raise RoomNotFoundError(name)

    def _rotate(self, name: str, column: str) -> tuple[Room, str]:
        secret = new_secret()
        with self._lock:
            row = shared.set_room(self._db, name, column, token_hash(secret))
            if row is None:
                raise RoomNotFoundError(name)
            room = self._room(row)
            self._cache[name] = (time.monotonic(), room)
            return room, secret

    def rotate_key(self, name: str) -> tuple[Room, str]:
        return self._rotate(name, "stream_key_hash")

    def rotate_owner_token(self, name: str) -> tuple[Room, str]:
        return self._rotate(name, "owner_token_hash")

    def secret(self, name: str) -> bytes:
        """A secret the relays share (signing co-host invites, assistant links), made by the first."""
        with self._lock:
            return shared.secret(self._db, name)

    def set_secret(self, name: str, value: bytes) -> None:
        with self._lock:
            shared.set_secret(self._db, name, value)

    def close(self) -> None:
        self._db.close()
