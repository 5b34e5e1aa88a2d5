"""WHIP signalling for co-host guests, in process: the relay checks the join, hands the offer to the
studio on the owner feed at once, returns the studio's answer (or its refusal, or a timeout), uses the
invite exactly once, and carries leaving and kicking between the guest and the studio."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.app.cohost_harness import ANSWER, OFFER, FakeStudio, relay


def run(scenario: Any) -> None:
    asyncio.run(scenario)


def test_the_offer_reaches_the_studio_at_once_and_its_answer_reaches_the_guest(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            started = time.monotonic()
            joining = asyncio.ensure_future(r.join(invite["token"], name=quote("美美 Mei")))
            offer = await studio.next_event("cohost.offer")
            # The relay's 100 ms batch ticks do not even run here: the offer was pushed, not batched.
            assert time.monotonic() - started < 0.5
            assert set(offer) == {"type", "session", "invite", "name", "sdp"}
            assert (offer["invite"], offer["name"], offer["sdp"]) == (invite["id"], "美美 Mei", OFFER)
            pending = (await r.client.get(r.api("/cohost/sessions"), headers=r.owner)).json()
            assert [(s["session"], s["state"], s["name"]) for s in pending] == [
                (offer["session"], "offered", "美美 Mei")
            ]

            answered = await r.answer(offer["session"], sdp=ANSWER)
            assert answered.status_code == 200 and answered.json()["state"] == "live"
            response = await joining
            assert response.status_code == 201
            assert response.headers["content-type"] == "application/sdp" and response.text == ANSWER
            location = f"/api/v1/rooms/show/cohost/sessions/{offer['session']}"
            assert response.headers["location"] == location
            secret = response.headers["x-cohost-secret"]
            assert len(secret) >= 24

            mine = {"Authorization": f"Bearer {secret}"}
            sessions = r.ctx.cohost.sessions  # type: ignore[union-attr]
            assert sessions.live_guest("show", secret).id == offer["session"]  # type: ignore[union-attr]
            assert sessions.live_guest("other", secret) is None and sessions.live_guest("show", "x") is None
            state = (await r.client.get(location, headers=mine)).json()
            assert (state["state"], state["name"], state["message"]) == ("live", "美美 Mei", None)
            assert (await r.client.get(location)).status_code == 403
            assert (await r.client.get(location, headers={"Authorization": "Bearer nope"})).status_code == 401
            with_invite = await r.client.get(location, headers={"Authorization": f"Bearer {invite['token']}"})
            assert with_invite.status_code == 200, "a WHIP client may use its bearer token on the session too"

            left = await r.client.delete(location, headers=mine)
            assert left.status_code == 204
            told = await studio.wait_for_event("cohost.left")
            assert told == {"type": "cohost.left", "session": offer["session"], "reason": "left"}
            ended = (await r.client.get(location, headers=mine)).json()
            assert (ended["state"], ended["ended_by"], ended["reason"]) == ("ended", "guest", "left")
            assert sessions.live_guest("show", secret) is None
            assert (await r.client.delete(location, headers=mine)).status_code == 204  # again: nothing new
            assert len(studio.events("cohost.left")) == 1

            log = await r.events()
            assert [e["type"] for e in log] == ["cohost.invited", "cohost.joined", "cohost.left"]
            assert log[1]["data"] == {"invite": invite["id"], "session": offer["session"], "name": "美美 Mei"}
            assert log[2]["data"]["by"] == "guest" and log[2]["data"]["reason"] == "left"
            assert log[2]["data"]["duration_s"] >= 0
            await studio.close()

    run(scenario())


def test_the_link_works_once_even_when_two_guests_race(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            first = asyncio.ensure_future(r.join(invite["token"], name="A"))
            offer = await studio.next_event("cohost.offer")
            second = await r.join(invite["token"], name="B")
            assert second.status_code == 409 and second.json()["error"] == "invite_busy"
            await r.answer(offer["session"], sdp=ANSWER)
            assert (await first).status_code == 201
            third = await r.join(invite["token"], name="C")
            assert third.status_code == 410 and third.json()["error"] == "invite_used"
            assert len(studio.events("cohost.offer")) == 1, "a refused join never bothers the studio"
            await studio.close()

    run(scenario())


def test_without_the_studio_on_the_feed_the_guest_is_told(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            response = await r.join(invite["token"])
            assert response.status_code == 503
            assert response.json()["error"] == "studio_not_connected"
            assert response.json()["message"].startswith("the host's studio is not connected")
            assert response.headers["retry-after"] == "5"
            studio = await FakeStudio.connect(r.ctx, "show")
            assert r.ctx.realtime.owner_connected("show") and not r.ctx.realtime.owner_connected("other")
            await studio.close()
            again = await r.join(invite["token"])
            assert again.status_code == 503, "a studio that went away does not count"
            info = await r.check(invite["token"])
            assert info.json()["state"] == "open", "a failed join does not use the invite"

    run(scenario())


def test_a_studio_refusal_reaches_the_guest_and_leaves_the_invite_open(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            joining = asyncio.ensure_future(r.join(invite["token"]))
            offer = await studio.next_event("cohost.offer")
            refused = await r.answer(offer["session"], error="two guests are already on", status=409)
            assert refused.status_code == 200 and refused.json()["state"] == "ended"
            response = await joining
            assert response.status_code == 409
            assert response.json() == {
                "error": "studio_refused", "message": "the host's studio refused: two guests are already on",
            }  # fmt: skip
            assert (await r.check(invite["token"])).json()["state"] == "open"
            late = await r.answer(offer["session"], sdp=ANSWER)
            assert late.status_code == 410 and late.json()["error"] == "session_gone"
            assert [e["type"] for e in await r.events()] == ["cohost.invited"]
            await studio.close()

    run(scenario())


def test_a_studio_that_does_not_answer_in_time_is_given_up(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path, answer_timeout=0.5) as r:
            invite = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            started = time.monotonic()
            response = await r.join(invite["token"])
            assert 0.5 <= time.monotonic() - started < 2
            assert response.status_code == 504
            assert response.json()["message"] == "the host's studio did not answer within 0.5 s; try again"
            offer = studio.events("cohost.offer")[0]
            told = await studio.wait_for_event("cohost.left")
            assert told == {"type": "cohost.left", "session": offer["session"], "reason": "timeout"}
            late = await r.answer(offer["session"], sdp=ANSWER)
            assert late.status_code == 410 and "no longer waiting" in late.json()["message"]
            assert (await r.check(invite["token"])).json()["state"] == "open"
            await studio.close()

    run(scenario())


def test_an_invite_revoked_while_the_studio_answers_is_not_used(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            joining = asyncio.ensure_future(r.join(invite["token"]))
            offer = await studio.next_event("cohost.offer")
            await r.client.delete(r.api(f"/cohost/invites/{invite['id']}"), headers=r.owner)
            answered = await r.answer(offer["session"], sdp=ANSWER)
            assert answered.status_code == 410 and answered.json()["error"] == "invite_revoked"
            response = await joining
            assert response.status_code == 410 and response.json()["error"] == "invite_revoked"
            listed = (await r.client.get(r.api("/cohost/invites"), headers=r.owner)).json()
            assert listed[0]["state"] == "revoked" and listed[0]["guest_name"] is None
            await studio.close()

    run(scenario())


def test_the_studio_ending_a_session_wakes_the_guests_waiting_request(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            joining = asyncio.ensure_future(r.join(invite["token"]))
            offer = await studio.next_event("cohost.offer")
            await r.answer(offer["session"], sdp=ANSWER)
            response = await joining
            location, mine = (
                response.headers["location"],
                {"Authorization": f"Bearer {response.headers['x-cohost-secret']}"},
            )
            waiting = asyncio.ensure_future(r.client.get(location, params={"wait": 20}, headers=mine))
            await asyncio.sleep(0.2)
            assert not waiting.done(), "the guest's request is held while the session is live"
            started = time.monotonic()
            ended = await r.client.post(r.api(f"/cohost/sessions/{offer['session']}/end"), json={"reason": "kicked"},
                                        headers=r.owner)  # fmt: skip
            assert ended.status_code == 200 and ended.json()["state"] == "ended"
            state = (await waiting).json()
            assert time.monotonic() - started < 1
            assert (state["state"], state["ended_by"], state["reason"]) == ("ended", "studio", "kicked")
            assert state["message"] == "the host ended the co-host session"
            assert not studio.events("cohost.left"), "the studio ended it itself: no echo"
            log = await r.events()
            assert log[-1]["type"] == "cohost.left" and log[-1]["data"]["by"] == "studio"
            assert log[-1]["data"]["reason"] == "kicked"
            sessions = (await r.client.get(r.api("/cohost/sessions"), headers=r.owner)).json()
            assert sessions[0]["state"] == "ended" and sessions[0]["reason"] == "kicked"

            dropped = await r.invite()
            joining = asyncio.ensure_future(r.join(dropped["token"]))
            offer = await studio.next_event("cohost.offer")
            await r.answer(offer["session"], sdp=ANSWER)
            response = await joining
            await r.client.post(r.api(f"/cohost/sessions/{offer['session']}/end"), json={"reason": "disconnected"},
                                headers=r.owner)  # fmt: skip
            mine = {"Authorization": f"Bearer {response.headers['x-cohost-secret']}"}
            state = (await r.client.get(response.headers["location"], headers=mine)).json()
            assert state["message"] == "the host ended the co-host session (disconnected)"
            await studio.close()

    run(scenario())


@pytest.mark.parametrize(
    ("headers", "body", "status", "code", "says"),
    [
        ({"Content-Type": "application/json"}, OFFER, 415, "unsupported_media_type", "application/sdp"),
        ({"X-Guest-Name": ""}, OFFER, 400, "bad_guest_name", "say who is joining"),
        ({"X-Guest-Name": "%20%20"}, OFFER, 400, "bad_guest_name", "empty"),
        ({"X-Guest-Name": "%FF%FE"}, OFFER, 400, "bad_guest_name", "not percent-encoded UTF-8"),
        ({"X-Guest-Name": "M" * 33}, OFFER, 400, "bad_guest_name", "longer than 32"),
        ({"X-Guest-Name": quote("Mei\u202eiem")}, OFFER, 400, "bad_guest_name", "formatting"),
        ({"X-Guest-Name": quote("Mei\nX")}, OFFER, 400, "bad_guest_name", "control"),
        ({}, "hello", 400, "bad_sdp", "not an SDP"),
        ({}, b"v=0\r\nm=\xff", 400, "bad_sdp", "UTF-8"),
    ],
)
def test_a_join_is_checked_before_the_studio_is_asked(
    tmp_path: Path, headers: dict[str, str], body: str | bytes, status: int, code: str, says: str
) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            sent = {"Authorization": f"Bearer {invite['token']}", "Content-Type": "application/sdp",
                    "X-Guest-Name": "Mei", **headers}  # fmt: skip
            response = await r.client.post(r.api("/cohost/whip"), content=body, headers=sent)
            assert response.status_code == status, response.text
            assert response.json()["error"] == code and says in response.json()["message"]
            assert not studio.events("cohost.offer")
            await studio.close()

    run(scenario())


def test_a_name_with_emoji_joiners_is_welcome(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            family = "👨\u200d👩\u200d👧 家"
            joining = asyncio.ensure_future(r.join(invite["token"], name=quote(f"  {family} ")))
            offer = await studio.next_event("cohost.offer")
            assert offer["name"] == family
            await r.answer(offer["session"], sdp=ANSWER)
            assert (await joining).status_code == 201
            await studio.close()

    run(scenario())


def test_a_standard_whip_client_without_a_name_joins_as_the_invites_label(tmp_path: Path) -> None:
    """OBS or FFmpeg send no X-Guest-Name: the invite's label stands in (else "Guest")."""

    async def scenario() -> None:
        async with relay(tmp_path) as r:
            labelled, unlabelled = await r.invite(label="Studio B"), await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            for invite, expected in ((labelled, "Studio B"), (unlabelled, "Guest")):
                joining = asyncio.ensure_future(r.join(invite["token"], name=None))
                offer = await studio.next_event("cohost.offer")
                assert offer["name"] == expected
                await r.answer(offer["session"], sdp=ANSWER)
                assert (await joining).status_code == 201
            await studio.close()

    run(scenario())


def test_answers_and_ends_are_checked(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            joining = asyncio.ensure_future(r.join(invite["token"]))
            offer = await studio.next_event("cohost.offer")
            sid = offer["session"]
            for body, says in (
                ({}, "either 'sdp'"),
                ({"sdp": ANSWER, "error": "no"}, "either 'sdp'"),
                ({"sdp": "hello"}, "not an SDP"),
                ({"error": "no", "status": 200}, "status"),
                ({"sdp": ANSWER, "extra": 1}, "extra"),
            ):
                response = await r.answer(sid, **body)
                assert response.status_code == 422 and says in response.json()["message"], (body, response.text)
            assert (await r.answer("cs_0000000000000000", sdp=ANSWER)).status_code == 404
            viewer = await r.client.post(r.api(f"/cohost/sessions/{sid}/answer"), json={"sdp": ANSWER})
            assert viewer.status_code == 403
            other = await r.client.post(r.api(f"/cohost/sessions/{sid}/answer", "other"), json={"sdp": ANSWER},
                                        headers=r.other_owner)  # fmt: skip
            assert other.status_code == 404, "a session belongs to its room"
            assert (await r.answer(sid, sdp=ANSWER)).status_code == 200
            twice = await r.answer(sid, sdp=ANSWER)
            assert twice.status_code == 409 and twice.json()["error"] == "already_answered"
            assert (await joining).status_code == 201
            empty = await r.client.post(r.api(f"/cohost/sessions/{sid}/end"), json={"reason": ""}, headers=r.owner)
            assert empty.status_code == 422
            await studio.close()

    run(scenario())


def test_trickle_ice_is_refused_with_a_reason(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            for path in ("/cohost/whip", "/cohost/sessions/cs_0123456789abcdef"):
                candidate = "a=candidate:1 1 udp 1 127.0.0.1 9 typ host"
                fragment = {"Content-Type": "application/trickle-ice-sdpfrag"}
                response = await r.client.patch(r.api(path), content=candidate, headers=fragment)
                assert response.status_code == 405
                assert "trickle ICE" in response.json()["message"] and "Allow" in response.headers

    run(scenario())
