"""Room management and public room information on a real relay process."""

from __future__ import annotations

import httpx
import pytest

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
