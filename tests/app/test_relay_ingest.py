"""Authenticated ingest and HLS egress on a real relay process (started with --max-body-mb 1)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest

from app.relay.context import DEFAULT_MAX_BODY
from tests.helpers.relay import RelayProcess


@pytest.fixture(scope="module")
def room(shared_relay: RelayProcess) -> dict[str, str]:
    return shared_relay.create_room("ingest")


def files_of(relay: RelayProcess) -> set[Path]:
    return {p.relative_to(relay.data_dir) for p in relay.data_dir.rglob("*") if p.is_file() and "media" in p.parts}


def put(relay: RelayProcess, path: str, body: bytes, key: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.put(f"{relay.url}/ingest/{path}", content=body, headers=headers, timeout=30)


def raw_request(relay: RelayProcess, request_line: str, key: str) -> int:
    """Send a request exactly as written (clients would normalise dot segments away)."""
    with socket.create_connection(("127.0.0.1", relay.port), timeout=10) as sock:
        sock.sendall(
            f"{request_line} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n"
            "Content-Length: 2\r\nConnection: close\r\n\r\nhi".encode()
        )
        status_line = sock.recv(200).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


def test_put_stores_a_file_and_egress_serves_it_with_cache_rules(
    shared_relay: RelayProcess, room: dict[str, str]
) -> None:
    key = room["stream_key"]
    assert put(shared_relay, "ingest/s1/720p/seg_000000.m4s", b"segment-bytes", key).status_code == 201
    assert put(shared_relay, "ingest/s1/720p/index.m3u8", b"#EXTM3U\n#v1\n", key).status_code == 201
    assert put(shared_relay, "ingest/s1/720p/index.m3u8", b"#EXTM3U\n#v2\n", key).status_code == 204
    segment = httpx.get(f"{shared_relay.url}/live/ingest/s1/720p/seg_000000.m4s")
    assert segment.content == b"segment-bytes"
    assert segment.headers["content-type"] == "video/iso.segment"
    assert "immutable" in segment.headers["cache-control"]
    assert segment.headers["access-control-allow-origin"] == "*"
    playlist = httpx.get(f"{shared_relay.url}/live/ingest/s1/720p/index.m3u8")
    assert playlist.text == "#EXTM3U\n#v2\n"
    assert playlist.headers["content-type"] == "application/vnd.apple.mpegurl"
    assert "no-store" in playlist.headers["cache-control"] and "no-cache" in playlist.headers["cache-control"]
    assert httpx.head(f"{shared_relay.url}/live/ingest/s1/720p/index.m3u8").status_code == 200
    missing = httpx.get(f"{shared_relay.url}/live/ingest/s1/720p/seg_000099.m4s")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


@pytest.mark.parametrize("key", [None, "wrong-key-value", ""])
def test_wrong_or_missing_key_is_401_and_writes_nothing(
    shared_relay: RelayProcess, room: dict[str, str], key: str | None
) -> None:
    before = files_of(shared_relay)
    response = put(shared_relay, "ingest/s1/720p/evil.m4s", b"x", key)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert files_of(shared_relay) == before


@pytest.mark.parametrize(
    "path",
    [
        "ingest/..%2F..%2Frooms.json.m3u8",
        "ingest/%2e%2e/%2e%2e/x.m3u8",
        "ingest/a/..%2f..%2fb.m4s",
        "ingest//etc/passwd.m3u8",
        "ingest/a%5Cb.m4s",
        "ingest/a/b%00.m4s",
        "ingest/a/seg.exe",
        "ingest/a/.hidden.m4s",
        "ingest/a/b/c/d/e.m4s",
        "ingest/a/b c.m4s",
    ],
)
def test_names_that_escape_the_room_or_look_odd_are_400(
    shared_relay: RelayProcess, room: dict[str, str], path: str
) -> None:
    before = files_of(shared_relay)
    response = httpx.put(
        f"{shared_relay.url}/ingest/{path}", content=b"x", headers={"Authorization": f"Bearer {room['stream_key']}"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "bad_path" and response.json()["message"]
    assert files_of(shared_relay) == before


@pytest.mark.parametrize("target", ["/ingest/ingest/../../x.m3u8", "/ingest/ingest/a/../../../rooms.json"])
def test_literal_dot_segments_are_refused(shared_relay: RelayProcess, room: dict[str, str], target: str) -> None:
    before = files_of(shared_relay)
    assert raw_request(shared_relay, f"PUT {target}", room["stream_key"]) in (400, 404)
    assert files_of(shared_relay) == before
    assert (shared_relay.data_dir / "rooms.json").read_bytes().startswith(b"{")


def test_oversized_bodies_are_413_and_write_nothing(shared_relay: RelayProcess, room: dict[str, str]) -> None:
    before = files_of(shared_relay)
    limit = 1024 * 1024
    response = put(shared_relay, "ingest/s1/720p/big.m4s", b"\0" * (limit + 1), room["stream_key"])
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert put(shared_relay, "ingest/s1/720p/max.m4s", b"\0" * limit, room["stream_key"]).status_code == 201

    def chunks() -> object:
        for _ in range(3):
            yield b"\0" * (limit // 2)

    streamed = httpx.put(
        f"{shared_relay.url}/ingest/ingest/s1/720p/chunked.m4s",
        content=chunks(),  # no Content-Length: the limit is enforced while reading
        headers={"Authorization": f"Bearer {room['stream_key']}"},
    )
    assert streamed.status_code == 413
    assert files_of(shared_relay) == before | {Path("media/ingest/s1/720p/max.m4s")}


def test_the_default_body_limit_fits_segments_but_stops_abuse() -> None:
    assert 16 * 2**20 <= DEFAULT_MAX_BODY <= 64 * 2**20


def test_delete_removes_a_file_with_the_key_only(shared_relay: RelayProcess, room: dict[str, str]) -> None:
    key = room["stream_key"]
    put(shared_relay, "ingest/s1/720p/gone.m4s", b"x", key)
    url = f"{shared_relay.url}/ingest/ingest/s1/720p/gone.m4s"
    assert httpx.delete(url).status_code == 401
    assert httpx.delete(url, headers={"Authorization": f"Bearer {key}"}).status_code == 204
    assert httpx.get(f"{shared_relay.url}/live/ingest/s1/720p/gone.m4s").status_code == 404
    assert httpx.delete(url, headers={"Authorization": f"Bearer {key}"}).status_code == 404


def test_unknown_rooms_are_404(shared_relay: RelayProcess, room: dict[str, str]) -> None:
    assert put(shared_relay, "nosuchroom/a/index.m3u8", b"x", room["stream_key"]).status_code == 404
    assert httpx.get(f"{shared_relay.url}/live/nosuchroom/master.m3u8").status_code == 404


def test_room_state_follows_the_stream(shared_relay: RelayProcess) -> None:
    created = shared_relay.create_room("state")
    key = created["stream_key"]

    def state() -> str:
        return str(httpx.get(f"{shared_relay.url}/api/v1/rooms/state").json()["state"])

    assert state() == "offline"
    put(shared_relay, "state/s/v/index.m3u8", b"#EXTM3U\n", key)
    assert state() == "offline", "live needs the multivariant playlist"
    put(shared_relay, "state/master.m3u8", b"#EXTM3U\n", key)
    assert state() == "live"
    put(shared_relay, "state/s/v/index.m3u8", b"#EXTM3U\n#EXT-X-ENDLIST\n", key)
    assert state() == "ended"
    put(shared_relay, "state/master.m3u8", b"#EXTM3U\n", key)
    assert state() == "live", "a new broadcast starts with a new multivariant playlist"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "ingest/conflict/index.m3u8/seg.m4s"),  # a stored file where a folder is needed
        ("PUT", "ingest/folder.m3u8"),  # a stored folder where a file is wanted
        ("DELETE", "ingest/folder.m3u8"),
    ],
)
def test_names_that_collide_with_stored_files_are_409_not_500(
    shared_relay: RelayProcess, room: dict[str, str], method: str, path: str
) -> None:
    key = room["stream_key"]
    assert put(shared_relay, "ingest/conflict/index.m3u8", b"#EXTM3U\n", key).status_code in (201, 204)
    assert put(shared_relay, "ingest/folder.m3u8/inside.m4s", b"x", key).status_code in (201, 204)
    body = b"x" if method == "PUT" else None
    response = httpx.request(
        method, f"{shared_relay.url}/ingest/{path}", content=body, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "conflict"
    under_a_file = httpx.delete(
        f"{shared_relay.url}/ingest/ingest/conflict/index.m3u8/x.m4s", headers={"Authorization": f"Bearer {key}"}
    )
    assert under_a_file.status_code == 404


def test_the_same_multivariant_playlist_again_is_not_a_new_stream(relay: RelayProcess) -> None:
    """The studio's push sends the multivariant playlist again every few seconds (a load balancer may
    have moved the stream to another relay): the same bytes again change nothing — not the stream's
    start, not the event log — while a different one is a new broadcast."""
    created = relay.create_room("again")
    key = created["stream_key"]
    master = b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\ns1/360p/index.m3u8\n"
    assert put(relay, "again/master.m3u8", master, key).status_code == 201
    assert put(relay, "again/s1/360p/index.m3u8", b"#EXTM3U\n", key).status_code == 201
    started = httpx.get(f"{relay.url}/api/v1/rooms/again").json()["stream_started_at"]
    time.sleep(0.05)
    assert put(relay, "again/master.m3u8", master, key).status_code == 204
    assert httpx.get(f"{relay.url}/api/v1/rooms/again").json()["stream_started_at"] == started
    assert put(relay, "again/master.m3u8", master.replace(b"s1/", b"s2/"), key).status_code == 204
    assert httpx.get(f"{relay.url}/api/v1/rooms/again").json()["stream_started_at"] != started
    owner = {"Authorization": f"Bearer {created['owner_token']}"}
    log = httpx.get(f"{relay.url}/api/v1/rooms/again/events", headers=owner).json()
    assert [e["type"] for e in log if e["type"].startswith("stream.")] == ["stream.started", "stream.started"]
