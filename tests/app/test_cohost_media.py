"""Co-hosting through a real relay process: a guest made of aiortc joins by WHIP, the studio stand-in
(tests/helpers/cohost_standin.py: the owner feed through RoomFeed, answers through RoomClient,
its own aiortc endpoint) gets the guest's picture and voice, and the guest hears the tone sent back."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from app.relay_client import RelayError
from app.room_client import RoomClient
from tests.helpers.cohost_standin import AiortcGuest, LoopThread, StandInStudio
from tests.helpers.relay import RelayProcess
from tests.helpers.waiting import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def room(relay: RelayProcess) -> dict[str, str]:
    return relay.create_room("duo", "双人直播")


@pytest.fixture
def host(relay: RelayProcess, room: dict[str, str]) -> Iterator[RoomClient]:
    client = RoomClient(relay.url, "duo", room["owner_token"])
    yield client
    client.close()


@pytest.fixture
def studio(relay: RelayProcess, room: dict[str, str]) -> Iterator[StandInStudio]:
    standin = StandInStudio(relay.url, "duo", room["owner_token"], tone_hz=660).start()
    yield standin
    standin.stop()


def test_a_guest_is_seen_and_heard_in_the_studio_and_hears_it_back(
    relay: RelayProcess, host: RoomClient, studio: StandInStudio
) -> None:
    invite = host.create_invite(label="guest one")
    guest = AiortcGuest(studio.loop, relay.url, tone_hz=440)
    response = guest.join("duo", invite["token"], "Lin 林")
    assert response.status_code == 201, response.text
    joined = studio.guest()
    assert (joined.name, joined.invite) == ("Lin 林", invite["id"])
    wait_until(lambda: joined.received.video_frames >= 30 and joined.received.audio_frames >= 50, 20,
               "a second of the guest's picture and voice in the studio")  # fmt: skip
    assert joined.received.video_size == (640, 480)
    assert joined.received.audio_peak > 0.1
    assert joined.received.audio_hz is not None and abs(joined.received.audio_hz - 440) < 30, "the guest's own tone"
    wait_until(lambda: guest.received.audio_frames >= 50, 10, "the studio's return sound at the guest")
    assert guest.received.audio_hz is not None and abs(guest.received.audio_hz - 660) < 30, "the mix-minus tone"
    assert guest.received.video_frames == 0, "the guest's video is send-only"

    sessions = host.cohost_sessions()
    assert [(s["session"], s["state"], s["name"]) for s in sessions] == [(joined.session, "live", "Lin 林")]
    listed = host.list_invites()
    assert (listed[0]["state"], listed[0]["guest_name"]) == ("used", "Lin 林")

    assert guest.leave().status_code == 204
    wait_until(lambda: joined.left is not None, 5, "cohost.left on the owner feed")
    assert joined.left == "left"
    types = [e["type"] for e in httpx.get(f"{relay.url}/api/v1/rooms/duo/events",
                                          headers={"Authorization": f"Bearer {host.owner_token}"}).json()]  # fmt: skip
    assert [t for t in types if t.startswith("cohost.")] == ["cohost.invited", "cohost.joined", "cohost.left"]

    again = AiortcGuest(studio.loop, relay.url)
    second = again.join("duo", invite["token"], "Lin again")
    assert second.status_code == 410 and second.json()["error"] == "invite_used"
    assert len(studio.guests) == 1


def test_a_kick_reaches_the_guest_while_it_waits(relay: RelayProcess, host: RoomClient, studio: StandInStudio) -> None:
    invite = host.create_invite()
    guest = AiortcGuest(studio.loop, relay.url)
    assert guest.join("duo", invite["token"], "Wu").status_code == 201
    joined = studio.guest()
    wait_until(lambda: joined.connection == "connected", 15, "the guest's connection")
    seen: list[dict[str, object]] = []
    waiting = threading.Thread(target=lambda: seen.append(guest.session_state(wait=20)))
    waiting.start()
    time.sleep(0.3)
    started = time.monotonic()
    studio.end(joined.session, "kicked")
    waiting.join(10)
    assert seen and seen[0]["state"] == "ended" and seen[0]["ended_by"] == "studio"
    assert seen[0]["message"] == "the host ended the co-host session"
    assert time.monotonic() - started < 2
    with pytest.raises(RelayError, match=r"this session has already ended \(kicked\)"):
        host.answer_cohost(joined.session, sdp="v=0\r\nm=audio 9 x 0\r\n")
    guest.close()


def test_a_guest_who_stops_waiting_is_reported_cancelled(relay: RelayProcess, room: dict[str, str]) -> None:
    studio = StandInStudio(relay.url, "duo", room["owner_token"], mode="silent").start()
    try:
        host = RoomClient(relay.url, "duo", room["owner_token"])
        invite = host.create_invite()
        host.close()
        headers = {"Authorization": f"Bearer {invite['token']}", "Content-Type": "application/sdp", "X-Guest-Name": "Q"}
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{relay.url}/api/v1/rooms/duo/cohost/whip", content="v=0\r\nm=audio 9 x 0\r\n",
                       headers=headers, timeout=httpx.Timeout(10, read=1.0))  # fmt: skip
        guest = studio.guest()
        wait_until(lambda: guest.left is not None, 5, "the relay to notice the guest gave up")
        assert guest.left == "cancelled"
    finally:
        studio.stop()


def test_without_a_studio_the_guest_gets_503_and_keeps_the_invite(relay: RelayProcess, host: RoomClient) -> None:
    invite = host.create_invite()
    loop = LoopThread("test-cohost-guest")
    try:
        response = AiortcGuest(loop, relay.url).join("duo", invite["token"], "Early")
    finally:
        loop.stop()
    assert response.status_code == 503
    assert response.json()["message"].startswith("the host's studio is not connected")
    assert host.list_invites()[0]["state"] == "open"
