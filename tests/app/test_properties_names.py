"""Properties of the names a broadcaster and an admin choose: room names, and the file names ingest
takes under a room (``<stream id>/<rendition>/<segment>``, app/relay/media_store.py). Any text is either
refused (a ValueError in the code, a 4xx on the wire) or accepted, and an accepted name is safe as a
path: it stays inside its room's folder, names exactly the file asked for, and takes no other room's.
On a real relay: any name sent to ingest or to room creation is a 4xx or stored, never a 5xx, and no
file ever lands outside the room it was sent to."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.relay.media_store import MAX_DEPTH, MEDIA_TYPES, MediaPathError, parse_media_path
from app.relay.rooms import valid_room_name
from tests.helpers.relay import RelayProcess, logged_errors
from tests.helpers.room import Room, open_room

PURE = settings(max_examples=500, deadline=None, derandomize=True, database=None)
RELAY = settings(max_examples=60, deadline=None, derandomize=True, database=None)

# Names built from the pieces that make names dangerous, besides any text at all.
PIECES = st.sampled_from(
    [".", "..", "/", "//", "\\", "%2e", "%2F", "\x00", " ", "~", "-", "_", "a", "Z", "9", "seg_000001", ".m4s",
     ".m3u8", ".mp4", ".exe", "\u2024", "\uff0e", "\u0301", "é", "直播", "CON", "\n", "?", "#", ":", "*"]
)  # fmt: skip
EXTENSIONS = sorted(MEDIA_TYPES)
SAFE_PART = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,20}", fullmatch=True)
WRITTEN = st.builds(
    lambda parts, extension: "/".join(parts) + extension,
    st.lists(SAFE_PART, min_size=1, max_size=MAX_DEPTH),
    st.sampled_from(EXTENSIONS),
)
"""Names as the studio writes them (``s1/720p/seg_000001.m4s``)."""
NEAR = st.builds(lambda name, at, piece: name[:at] + piece + name[at:], WRITTEN, st.integers(0, 60), PIECES)
"""Such a name with something put in."""
NAMES = st.one_of(
    st.text(max_size=80),
    WRITTEN,
    NEAR,
    NEAR,
    st.lists(PIECES, max_size=12).map("".join),
    st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=5).map("/".join),
)
ROOM_NAMES = st.one_of(
    SAFE_PART, st.builds(lambda name, at, piece: name[:at] + piece + name[at:], SAFE_PART, st.integers(0, 20), PIECES),
    st.text(min_size=60, max_size=70, alphabet="ab"), NAMES,
)  # fmt: skip
"""Room names: ones an admin would pick, with something put in, around the length limit, anything."""


@PURE
@given(NAMES)
@example("s1/720p/../../../etc/passwd.m3u8")
@example("s1/720p/seg_000001.m4s")
def test_a_file_name_is_refused_or_stays_inside_its_room(name: str) -> None:
    try:
        rel = parse_media_path(name)
    except MediaPathError:
        return
    assert str(rel) == name  # the file stored is the file named: nothing was rewritten
    assert not rel.is_absolute() and 1 <= len(rel.parts) <= MAX_DEPTH
    assert rel.suffix in MEDIA_TYPES
    for part in rel.parts:
        assert part not in (".", "..") and not part.startswith(".")
        assert part.isascii() and part.isprintable() and "/" not in part and "\\" not in part
    room = Path("/data/media/room")
    assert Path(os.path.normpath(room.joinpath(*rel.parts))).is_relative_to(room)


@PURE
@given(WRITTEN)
def test_a_name_the_studio_writes_is_taken_as_it_is(name: str) -> None:
    assert parse_media_path(name) == PurePosixPath(name)


@PURE
@given(ROOM_NAMES)
@example("..")
@example("a" * 64)
def test_a_room_name_is_refused_or_is_one_folder_under_the_media(name: str) -> None:
    if not valid_room_name(name):
        return
    assert 1 <= len(name) <= 64 and name.isascii() and name.isprintable()
    assert name not in (".", "..") and "/" not in name and "\\" not in name and not name.startswith(("-", "."))
    media = Path("/data/media")
    assert Path(os.path.normpath(media / name)).parent == media


# --- on a real relay -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding only the relay's data folder, a few levels down: a file that escaped its room
    would land in it, where the test finds it."""
    return Path(tmp_path_factory.mktemp("names"))


@pytest.fixture(scope="module")
def relay(tree: Path) -> Iterator[RelayProcess]:
    process = RelayProcess(tree / "a" / "b" / "c" / "data").start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def room(relay: RelayProcess) -> Room:
    return open_room(relay, "names")


def _files(tree: Path) -> set[Path]:
    return {Path(folder, name) for folder, _, names in os.walk(tree) for name in names}


@pytest.mark.slow
@RELAY
@given(name=NAMES, method=st.sampled_from(["PUT", "DELETE"]))
@example(name="../other/s1/720p/seg_000001.m4s", method="PUT")
@example(name="s1/720p/seg_000001.m4s", method="PUT")
def test_any_ingest_name_is_stored_in_its_room_or_refused(
    tree: Path, relay: RelayProcess, room: Room, name: str, method: str
) -> None:
    before = _files(tree)
    with httpx.Client(base_url=relay.url, timeout=30) as client:
        answer = client.request(
            method,
            f"/ingest/{room.name}/{quote(name, safe='/')}",
            content=b"\x00\x00\x00\x08free",
            headers={"Authorization": f"Bearer {room.stream_key}"},
        )
    assert answer.status_code in (201, 204) or 400 <= answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        assert answer.json()["error"] and answer.json()["message"]
    media = relay.data_dir / "media" / room.name
    new = _files(tree) - before
    assert all(path.is_relative_to(media) for path in new), sorted(map(str, new))
    if method == "PUT" and answer.status_code < 300:
        assert (media / name).is_file() and (media / name).read_bytes() == b"\x00\x00\x00\x08free"
        assert new <= {media / name}
    assert not logged_errors(relay), "\n".join(relay.output[-40:])


@pytest.mark.slow
@RELAY
@given(name=ROOM_NAMES)
@example(name="..")
def test_any_room_name_is_created_as_one_folder_or_refused(tree: Path, relay: RelayProcess, name: str) -> None:
    with relay.admin() as admin:
        answer = admin.post("/api/v1/rooms", json={"room": name, "title": "t"})
    assert answer.status_code in (201, 409, 422), answer.text
    if answer.status_code == 201:
        assert valid_room_name(name)
        with httpx.Client(base_url=relay.url, timeout=30) as client:
            key = {"Authorization": f"Bearer {answer.json()['stream_key']}"}
            assert client.put(f"/ingest/{quote(name)}/s/r/seg_000000.m4s", content=b"x", headers=key).status_code == 201
        assert (relay.data_dir / "media" / name / "s" / "r" / "seg_000000.m4s").is_file()
    else:
        assert answer.json()["error"] and answer.json()["message"]
    assert not logged_errors(relay), "\n".join(relay.output[-40:])
