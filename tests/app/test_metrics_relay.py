"""The live metrics through a real relay process: what the owner feed pushes equals a recount of the raw
event log, the push keeps coming while the show runs, the studio's events endpoint refuses bad input
precisely, and a relay restart ends the connections its log left open."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from app.analytics.metrics import recount
from app.analytics.simulate import COMPLAINTS, RelayDriver, scripted_show, truth
from app.relay_client import RelayError
from app.room_client import RoomClient, RoomFeed
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room
from tests.helpers.waiting import wait_until


class OwnerFeed:
    """A RoomFeed on the owner's live feed keeping every ``metrics`` message with when it came."""

    def __init__(self, room: Room) -> None:
        self.messages: list[dict[str, Any]] = []
        self.metrics: list[tuple[float, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self.feed = RoomFeed(room.relay.url, room.name, room.owner_token, self._take)

    def _take(self, message: dict[str, Any]) -> None:
        arrived = time.monotonic()
        with self._lock:
            self.messages.append(message)
            if message.get("type") == "snapshot" and "metrics" in message:
                self.metrics.append((arrived, message["metrics"]))
            for event in message.get("events") or []:
                if event.get("type") == "metrics":
                    self.metrics.append((arrived, event))

    def last(self) -> dict[str, Any]:
        with self._lock:
            return self.metrics[-1][1]

    def __enter__(self) -> OwnerFeed:
        self.feed.start()
        wait_until(lambda: self.metrics, 10, "the owner's snapshot")
        return self

    def __exit__(self, *exc: object) -> None:
        self.feed.stop()


def all_events(room: Room) -> list[dict[str, Any]]:
    with room.host() as host:
        response = host.get("/events", params={"limit": 10_000})
        response.raise_for_status()
        return list(response.json())


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    process = RelayProcess(tmp_path_factory.mktemp("relay")).start()
    yield process
    process.stop()


@pytest.mark.slow
def test_a_recount_of_the_log_equals_the_metrics_the_owner_feed_pushed(relay: RelayProcess) -> None:
    created = relay.create_room("simshow")
    room = Room(relay, "simshow", created["owner_token"], created["stream_key"])
    with OwnerFeed(room) as owner:
        driver = RelayDriver(relay.url, room.name, room.owner_token, speed=40, stream_key=room.stream_key)
        outcome = driver.run(scripted_show())
        events = all_events(room)
        # the show is over and nothing moves: wait for a push that counts every event of the log
        wait_until(lambda: owner.last()["events"] == len(events), 10, "a push after the last event")
        pushed = owner.last()
    assert pushed["type"] == "metrics" and pushed["show"]["number"] == 1 and pushed["show"]["live"] is False
    recounted = recount(events).live_message(pushed["t"])
    assert json.loads(json.dumps(recounted)) == pushed, "the live numbers are a recount of the log"
    # and they are the show's: the numbers that do not depend on the relay's timing equal the truth
    expected = truth(outcome)
    assert expected["timing"] == "approximate"
    m = pushed["metrics"]
    for key, value in expected["metrics"].items():
        assert m[key]["value"] == pytest.approx(value, rel=1e-9), key
    client = RoomClient(relay.url, room.name, room.owner_token)
    try:
        report = client.report()
    finally:
        client.close()
    for key in ("funnel", "funnels", "products", "coupons", "flash_sales"):
        shown = report[key] if isinstance(report[key], list) else [report[key]]
        wanted = expected[key] if isinstance(expected[key], list) else [expected[key]]
        assert [{k: row[k] for k in want} for row, want in zip(shown, wanted, strict=True)] == wanted, key
    assert {t["term"]: t["count"] for t in report["negative_topics"]} == {k: len(v) for k, v in COMPLAINTS.items()}
    assert [i["code"] for i in report["incidents"]] == ["network.dropped", "encoding.skipped"]


def test_the_owner_gets_metrics_in_its_snapshot_and_then_at_least_every_2_s(relay: RelayProcess) -> None:
    room = open_room(relay, "cadence")
    with room.host() as host:
        host.post("/pins", json={"sku": "tee"}).raise_for_status()
    with OwnerFeed(room) as owner:
        snapshot = owner.messages[0]
        assert snapshot["type"] == "snapshot" and snapshot["metrics"]["pinned"]["sku"] == "tee"
        started = time.monotonic()
        placed = 0
        while time.monotonic() - started < 7:
            assert room.order(f"viewer-cad{placed:03d}", f"k{placed}", sku="tee").status_code == 201
            placed += 1
            time.sleep(0.25)
        wait_until(lambda: owner.last()["metrics"]["orders"]["value"] == placed, 5, "a push counting every order")
        times = [arrived for arrived, _ in owner.metrics]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) >= 4 and max(gaps) <= 2.0, f"gaps between pushes: {gaps}"
    last = owner.last()
    funnel = last["pinned"]["funnel"]
    assert (funnel["buyers"], funnel["orders"], funnel["gmv_cents"]) == (placed, placed, 5990 * placed)
    assert (last["metrics"]["gmv"]["value"], last["metrics"]["gmv"]["unit"]) == (5990 * placed, "cents")
    assert last["metrics"]["orders"]["minutes"][-1] >= 1 and "last5" in last["metrics"]["orders"]


BAD_EVENTS: list[tuple[Any, int, str, str]] = [
    ("not json", 400, "bad_json", "not valid JSON"),
    ([], 422, "invalid_request", "must be a JSON object"),
    ({"type": "health.incident"}, 422, "invalid_request", "data is missing"),
    ({"type": "health.incident", "data": {}, "extra": 1}, 422, "invalid_request", "unknown field 'extra'"),
    ({"type": "comment", "data": {}}, 422, "unknown_event_type", "only health.incident, not 'comment'"),
    ({"type": 7, "data": {}}, 422, "invalid_request", "type must be a string"),
    ({"type": "health.incident", "data": []}, 422, "invalid_request", "data must be a JSON object"),
    ({"type": "health.incident", "data": {"level": "warning"}}, 422, "invalid_request", "data.code is missing"),
]


def incident(**change: Any) -> dict[str, Any]:
    now = time.time()
    data = {"code": "network.dropped", "level": "warning", "message": "8 % dropped", "start": now - 10, "end": now}
    data.update(change)
    return {"type": "health.incident", "data": {k: v for k, v in data.items() if v is not None}}


def test_the_events_endpoint_refuses_bad_input_precisely(relay: RelayProcess) -> None:
    room = open_room(relay, "studioevents")
    now = time.time()
    cases = [
        *BAD_EVENTS,
        (incident(level="fatal"), 422, "invalid_request", "data.level must be 'warning' or 'error', got 'fatal'"),
        (incident(code="Network Dropped"), 422, "invalid_request", "data.code 'Network Dropped' must be"),
        (incident(message=""), 422, "invalid_request", "data.message is empty"),
        (incident(message="x" * 301), 422, "invalid_request", "data.message is longer than 300"),
        (incident(start="soon"), 422, "invalid_request", "data.start must be a number"),
        (incident(end=True), 422, "invalid_request", "data.end must be a number"),
        (incident(start=now, end=now - 5), 422, "invalid_request", "data.end"),
        (incident(start=now - 90_000, end=now), 422, "invalid_request", "at most 86400 s"),
        (incident(start=now + 3000, end=now + 3600), 422, "invalid_request", "ahead of the relay's clock"),
        (incident(start=now - 4 * 86400, end=now - 4 * 86400 + 5), 422, "invalid_request", "only incidents of"),
        (incident(args="8 %"), 422, "invalid_request", "data.args must be a list of strings"),
        (incident(args=["a"] * 11), 422, "invalid_request", "at most 10"),
        (incident(args=[3]), 422, "invalid_request", "data.args[0] must be a string"),
        (incident(severity="high"), 422, "invalid_request", "data has an unknown field 'severity'"),
    ]
    with room.host() as host:
        for body, status, code, words in cases:
            content = body if isinstance(body, str) else json.dumps(body)
            response = host.post("/events", content=content, headers={"Content-Type": "application/json"})
            assert (response.status_code, response.json()["error"]) == (status, code), body
            assert words in response.json()["message"], (body, response.json()["message"])
        wrong_type = host.post("/events", content="type=x", headers={"Content-Type": "text/plain"})
        assert (wrong_type.status_code, wrong_type.json()["error"]) == (415, "unsupported_media_type")
        assert not [e for e in host.get("/events").json() if e["type"] == "health.incident"], "nothing was logged"
    with room.viewer("viewer-nosy1") as viewer:
        refused = viewer.post("/events", json=incident())
        assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    stranger = httpx.post(f"{room.api}/events", json=incident(), headers={"Authorization": "Bearer wrong"})
    assert (stranger.status_code, stranger.json()["error"]) == (401, "unauthorized")
    client = RoomClient(relay.url, room.name, room.owner_token)
    try:
        good = incident(args=["8 %", "10"])["data"]
        logged = client.log_event("health.incident", good)
        assert logged["type"] == "health.incident" and logged["data"] == good
        with pytest.raises(RelayError, match=r"data\.level must be"):
            client.log_event("health.incident", {**good, "level": "bad"})
        (event,) = [e for e in client.events() if e["type"] == "health.incident"]
        assert event["data"] == good and event["viewer_id"] is None
        (found,) = client.report()["incidents"]
        assert (found["code"], found["level"], found["start"], found["end"]) == (
            "network.dropped", "warning", good["start"], good["end"]
        )  # fmt: skip
        assert any(m["kind"] == "health" for m in client.report()["markers"])
    finally:
        client.close()


def test_metrics_and_report_are_the_owners_and_say_what_is_missing(relay: RelayProcess) -> None:
    created = relay.create_room("quiet")
    room = Room(relay, "quiet", created["owner_token"], created["stream_key"])
    for path in ("/metrics", "/report.json"):
        assert httpx.get(f"{room.api}{path}").status_code == 403
        assert httpx.get(f"{room.api}{path}", headers={"Authorization": "Bearer nope"}).status_code == 401
    with room.host() as host:
        empty = host.get("/report.json")
        assert (empty.status_code, empty.json()["error"]) == (404, "no_events")
        quiet = host.get("/metrics").json()
        assert quiet["show"] is None and quiet["metrics"]["viewers"]["value"] == 0 and quiet["pinned"] is None
        host.post("/catalog", json=[{"sku": "tee", "title": "Tee", "price": 1, "stock": 5}]).raise_for_status()
        missing = host.get("/report.json", params={"show": 2})
        assert (missing.status_code, missing.json()["error"]) == (404, "show_not_found")
        assert "no show 2" in missing.json()["message"]
        assert host.get("/report.json").json()["show"] == 0, "no broadcast yet: the log is one show"
    assert (
        httpx.get(f"{relay.url}/api/v1/rooms/nosuch/metrics", headers={"Authorization": "Bearer x"}).status_code == 404
    )


def test_a_relay_restart_ends_the_connections_its_log_left_open(tmp_path: Path) -> None:
    relay = RelayProcess(tmp_path / "relay").start()
    try:
        room = open_room(relay, "crash")
        url = room.api.replace("http://", "ws://") + "/live?nickname=C"
        with connect(url, additional_headers=room.session("viewer-crash1").headers) as ws:
            json.loads(ws.recv())
            with room.host() as host:
                assert host.get("/metrics").json()["metrics"]["online"]["value"] == 1
            time.sleep(6.5)  # the relay notes it is alive every 5 s
            killed = time.time()
            relay.kill()
        relay.restart()
        events = all_events(room)
        (restart,) = [e for e in events if e["type"] == "relay.started"]
        enter = next(e for e in events if e["type"] == "viewer.enter")
        assert not [e for e in events if e["type"] == "viewer.leave"], "the crash wrote no leave"
        assert enter["wall"] < restart["data"]["down_since"] <= killed, "down since its last note of being alive"
        with room.host() as host:
            metrics = host.get("/metrics").json()["metrics"]
        assert metrics["online"]["value"] == 0 and metrics["exits"]["value"] == 1
        watched = metrics["total_watch_time"]["value"]
        assert watched == pytest.approx(restart["data"]["down_since"] - enter["wall"]), "not the time it was down"
    finally:
        relay.stop()
