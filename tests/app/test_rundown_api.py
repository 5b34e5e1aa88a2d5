"""The run-of-show over the relay's API: files in both formats, precise refusals, cues that act."""

from __future__ import annotations

import zlib

import httpx
import pytest

from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room

SHOW = {"segments": [{"id": "a", "sku": "tee", "duration_s": 60, "points": ["Soft"],
                      "flash_sale": {"price": 19.9, "stock": 5, "countdown_s": 0, "duration_s": 60}},
                     {"id": "b", "sku": "mug", "duration_s": 60}]}  # fmt: skip


@pytest.fixture
def room(shared_relay: RelayProcess, request: pytest.FixtureRequest) -> Room:
    return open_room(shared_relay, f"rd-{zlib.crc32(request.node.name.encode()):08x}")


def test_next_pins_and_arms_and_logs(room: Room) -> None:
    with room.host() as host:
        saved = host.put("/rundown", json=SHOW)
        assert saved.status_code == 200, saved.text
        assert saved.json()["rundown"]["segments"][0]["flash_sale"]["price"] == 19.9
        state = host.post("/rundown/next").json()
        assert state["segment"]["id"] == "a" and state["armed"] == ["flash_sale"]
        assert host.get("/console-state").json()["pins"] == ["tee"]
        assert host.post("/rundown/launch", json={}).json()["launched"]["flash_sale"].startswith("fs_")
        state = host.post("/rundown/next").json()
        assert state["segment"]["id"] == "b" and host.get("/console-state").json()["pins"] == ["mug"]
        cues = [e for e in host.get("/events").json() if e["type"] == "rundown.cue"]
        assert [(c["data"]["segment"], c["data"]["by"]) for c in cues] == [("a", "owner"), ("b", "owner")]
        assert host.post("/rundown/start", json={"index": 0}).json()["cue"] == 3


def test_csv_in_and_out(room: Room) -> None:
    csv_text = "kind,sku,duration_s,points\nopening,,30,欢迎|关注\nproduct,tee,120,纯棉\n"
    with room.host() as host:
        saved = host.put("/rundown", content=csv_text.encode(), headers={"Content-Type": "text/csv"})
        assert saved.status_code == 200, saved.text
        assert [s["kind"] for s in saved.json()["rundown"]["segments"]] == ["opening", "product"]
        exported = host.get("/rundown/csv")
        assert exported.headers["content-type"].startswith("text/csv")
        assert "欢迎|关注" in exported.text


def test_a_bad_file_is_refused_whole_naming_the_place(room: Room) -> None:
    with room.host() as host:
        host.put("/rundown", json=SHOW).raise_for_status()
        bad_csv = "sku,duration_s\ntee,60\nmug,later\n"
        refused = host.put("/rundown", content=bad_csv.encode(), headers={"Content-Type": "text/csv"})
        assert refused.status_code == 422
        assert refused.json()["message"].startswith("row 3, column duration_s:"), refused.text
        bad_json = host.put("/rundown", json={"segments": [{"sku": "tee"}]})
        assert bad_json.status_code == 422 and "segments[0].duration_s" in bad_json.json()["message"]
        not_json = host.put("/rundown", content=b"{", headers={"Content-Type": "application/json"})
        assert not_json.status_code == 422
        kept = host.get("/rundown").json()["rundown"]
        assert [s["id"] for s in kept["segments"]] == ["a", "b"], "nothing was half imported"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/rundown/launch", {"action": "fireworks"}, 422),
        ("/rundown/start", {"index": -1}, 422),
        ("/rundown/start", {"index": 7}, 422),
        ("/rundown/launch", {}, 409),
    ],
)
def test_refusals_are_precise(room: Room, path: str, body: object, status: int) -> None:
    with room.host() as host:
        host.put("/rundown", json=SHOW).raise_for_status()
        response = host.post(path, json=body)
    assert response.status_code == status, response.text
    assert response.json()["message"]


def test_without_a_rundown(room: Room) -> None:
    with room.host() as host:
        assert host.get("/rundown").json() == {"rundown": None, "state": host.get("/rundown").json()["state"]}
        assert host.post("/rundown/next").status_code == 409
        assert host.get("/rundown/csv").status_code == 404


def test_next_pressed_twice_moves_the_show_on_once(room: Room) -> None:
    with room.host() as host:
        host.put("/rundown", json=SHOW).raise_for_status()
        assert host.post("/rundown/next", json={"from_cue": 0}).json()["cue"] == 1
        first = host.post("/rundown/next", json={"from_cue": 1})
        again = host.post("/rundown/next", json={"from_cue": 1})
        assert first.json()["segment"]["id"] == "b"
        assert again.status_code == 409 and again.json()["error"] == "moved_on", again.text
        assert host.get("/rundown").json()["state"]["segment"]["id"] == "b", "nothing was skipped"
        assert host.post("/rundown/next", json={"from_cue": -1}).status_code == 422


def test_a_large_run_of_show_fits(room: Room) -> None:
    points = ["这是一条很长的讲解要点，用来把文件撑大" * 4] * 10
    big = {"segments": [{"sku": "tee", "duration_s": 60, "points": points} for _ in range(60)]}
    with room.host() as host:
        saved = host.put("/rundown", json=big)
    assert saved.status_code == 200, saved.text[:300]
    assert len(saved.json()["rundown"]["segments"]) == 60


def test_a_stream_that_ends_stops_the_run(room: Room) -> None:
    with room.host() as host:
        host.put("/rundown", json={**SHOW, "auto_advance": {"time_up": True}}).raise_for_status()
        headers = {"Authorization": f"Bearer {room.stream_key}"}
        ingest = f"{room.relay.url}/ingest/{room.name}"
        with httpx.Client(headers=headers, timeout=10) as push:
            push.put(f"{ingest}/master.m3u8", content=b"#EXTM3U\n").raise_for_status()
            host.post("/rundown/next").raise_for_status()
            push.put(f"{ingest}/s1/720p/index.m3u8", content=b"#EXTM3U\n#EXT-X-ENDLIST\n").raise_for_status()
        events = [e["type"] for e in host.get("/events", params={"limit": 1000}).json()]
        state = host.get("/rundown").json()["state"]
    assert "stream.ended" in events, events
    assert not state["running"], "no cue (nor auto-advance) after the broadcast"
    ended = [e for e in host_events(room) if e["type"] == "rundown.ended"]
    assert ended[-1]["data"]["reason"] == "stream_ended"


def host_events(room: Room) -> list[dict[str, object]]:
    with room.host() as host:
        events: list[dict[str, object]] = host.get("/events", params={"limit": 1000}).json()
    return events
