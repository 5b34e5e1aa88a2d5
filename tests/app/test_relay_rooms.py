"""Room management and public room information on a real relay process."""

from __future__ import annotations

import httpx
import pytest

from app.relay.rooms import new_secret
from tests.helpers.relay import RelayProcess


def test_health(shared_relay: RelayProcess) -> None:
    body = httpx.get(shared_relay.url + "/healthz").json()
    assert body["status"] == "ok" and body["player"] is True


def test_create_room_returns_keys_and_urls(shared_relay: RelayProcess) -> None:
    room = shared_relay.create_room("rooms-a", "春季新品 <b>")
    assert room["room"] == "rooms-a" and room["title"] == "春季新品 <b>"
    assert len(room["stream_key"]) >= 24 and room["stream_key"] != room["owner_token"]
    assert room["watch_url"] == f"{shared_relay.url}/watch/rooms-a"
    assert room["hls_url"] == f"{shared_relay.url}/live/rooms-a/master.m3u8"
    info = httpx.get(f"{shared_relay.url}/api/v1/rooms/rooms-a").json()
    assert info["state"] == "offline"
    assert "stream_key" not in info, "public room information never shows the key"


def test_duplicate_room_is_a_conflict(shared_relay: RelayProcess) -> None:
    shared_relay.create_room("rooms-dup")
    with shared_relay.admin() as admin:
        response = admin.post("/api/v1/rooms", json={"room": "rooms-dup"})
    assert response.status_code == 409
    assert response.json() == {"error": "room_exists", "message": "a room named 'rooms-dup' already exists"}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"room": "../etc"}, "room name must be"),
        ({"room": ""}, "room name must be"),
        ({"room": "x" * 65}, "room name must be"),
        ({"title": "no room"}, "room: Field required"),
        ({"room": "ok", "title": "bad\u0007title"}, "control characters"),
        ({"room": "ok", "title": "t" * 201}, "at most 200 characters"),
    ],
)
def test_invalid_room_requests_get_422_with_a_message(
    shared_relay: RelayProcess, body: dict[str, str], fragment: str
) -> None:
    with shared_relay.admin() as admin:
        response = admin.post("/api/v1/rooms", json=body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["error"] == "invalid_request" and fragment in payload["message"]


def test_malformed_json_is_a_clear_error_not_a_500(shared_relay: RelayProcess) -> None:
    with shared_relay.admin() as admin:
        response = admin.post("/api/v1/rooms", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "JSON" in response.json()["message"]


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong-token-000000"}, {"Authorization": "Basic abc"}]
)
def test_management_needs_the_admin_token(shared_relay: RelayProcess, headers: dict[str, str]) -> None:
    response = httpx.post(shared_relay.url + "/api/v1/rooms", json={"room": "nope"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthorized"
    assert httpx.get(shared_relay.url + "/api/v1/rooms/nope").status_code == 404


def test_rotating_the_key_invalidates_the_old_one(shared_relay: RelayProcess) -> None:
    room = shared_relay.create_room("rooms-rotate")
    with shared_relay.admin() as admin:
        rotated = admin.post("/api/v1/rooms/rooms-rotate/stream-key").json()["stream_key"]
    assert rotated != room["stream_key"]
    url = f"{shared_relay.url}/ingest/rooms-rotate/x/index.m3u8"
    assert (
        httpx.put(url, content=b"#EXTM3U\n", headers={"Authorization": f"Bearer {room['stream_key']}"}).status_code
        == 401
    )
    assert httpx.put(url, content=b"#EXTM3U\n", headers={"Authorization": f"Bearer {rotated}"}).status_code == 201


def test_rooms_survive_a_relay_restart(relay: RelayProcess) -> None:
    created = relay.create_room("persist", "Persisted")
    relay.stop()
    relay.restart()
    assert httpx.get(f"{relay.url}/api/v1/rooms/persist").json()["title"] == "Persisted"
    ok = httpx.put(
        f"{relay.url}/ingest/persist/a/init.mp4",
        content=b"x",
        headers={"Authorization": f"Bearer {created['stream_key']}"},
    )
    assert ok.status_code == 201


def test_openapi_document_is_published(shared_relay: RelayProcess) -> None:
    spec = httpx.get(shared_relay.url + "/api/openapi.json").json()
    assert "/api/v1/rooms" in spec["paths"] and "/ingest/{room}/{path}" in spec["paths"]


def test_api_bodies_are_capped_before_anything_reads_them(shared_relay: RelayProcess) -> None:
    big = b"{" + b" " * (1024 * 1024) + b"}"
    response = httpx.post(shared_relay.url + "/api/v1/rooms", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "too_large"

    def chunks() -> object:
        yield b'{"room": "x", "title": "'
        for _ in range(64):
            yield b"x" * 4096
        yield b'"}'

    with shared_relay.admin() as admin:  # without the token the body is never read at all (401)
        streamed = admin.post("/api/v1/rooms", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_the_token_is_checked_before_the_body_is_parsed(shared_relay: RelayProcess) -> None:
    response = httpx.post(
        shared_relay.url + "/api/v1/rooms", content=b"{oops", headers={"content-type": "application/json"}
    )
    assert response.status_code == 401


def test_room_names_are_unique_ignoring_case(shared_relay: RelayProcess) -> None:
    shared_relay.create_room("CaseRoom")
    with shared_relay.admin() as admin:
        response = admin.post("/api/v1/rooms", json={"room": "caseroom"})
    assert response.status_code == 409


def test_secrets_are_private_files(relay: RelayProcess) -> None:
    relay.create_room("private")
    assert (relay.data_dir / "rooms.json").stat().st_mode & 0o077 == 0
    own = RelayProcess(relay.data_dir.parent / "generated")
    own.admin_token = ""  # let the relay generate and save its token
    own.start()
    try:
        assert (own.data_dir / "admin-token").stat().st_mode & 0o777 == 0o600
    finally:
        own.stop()


def test_an_ended_stream_stays_ended_after_a_relay_restart(relay: RelayProcess) -> None:
    key = relay.create_room("after")["stream_key"]
    auth = {"Authorization": f"Bearer {key}"}
    httpx.put(f"{relay.url}/ingest/after/s/v/index.m3u8", content=b"#EXTM3U\n#EXT-X-ENDLIST\n", headers=auth)
    httpx.put(
        f"{relay.url}/ingest/after/master.m3u8",
        content=b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\ns/v/index.m3u8\n",
        headers=auth,
    )
    info = httpx.get(f"{relay.url}/api/v1/rooms/after").json()
    started = info["stream_started_at"]
    assert started is not None
    relay.stop()
    relay.restart()
    after = httpx.get(f"{relay.url}/api/v1/rooms/after").json()
    assert after["state"] == "ended"
    assert after["stream_started_at"] == started


def test_stream_keys_and_owner_tokens_can_follow_an_option_on_a_command_line() -> None:
    """A token typed after an option (``curl -H``, ``--owner-token-file`` is a file now, but a token may
    still follow a flag somewhere) must not start with "-" and read as another option (one random token
    in 64 did, when ``shopcast broadcast --key <key>`` took it, and a test failed on it)."""
    made = [new_secret() for _ in range(5000)]
    assert not [token for token in made if token.startswith("-")]
    assert all(len(token) == 32 for token in made) and len(set(made)) == len(made)
