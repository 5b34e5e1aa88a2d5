"""WHEP on a real relay process: an aiortc viewer of a live broadcast, the seat limit, errors, cleanup,
and the studio's realtime sample stream endpoint."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from app.bundled_relay import BundledRelay
from app.relay_client import RelayClient
from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import STANDARD_RUNGS
from pipeline.outputs.realtime_wire import VIDEO, Hello, pack
from pipeline.sources import clock_code
from pipeline.sources.test_pattern import TestPattern
from tests.helpers.fakes import FakeDevices
from tests.helpers.relay import REPO, RelayProcess
from tests.helpers.waiting import wait_until
from tests.helpers.whep import WhepViewer, loopback_ice

# An offer as Chromium makes it (recvonly H.264 + Opus), trimmed; ufrag/fingerprint are not checked
# before the codecs and directions are.
OFFER = (
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:abcd\r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 "
    + ":".join(["AB"] * 32)
    + "\r\na=setup:actpass\r\na=rtcp-mux\r\na=rtpmap:102 H264/90000\r\n"
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\na=recvonly\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=rtpmap:111 opus/48000/2\r\n"
    "a=recvonly\r\n"
)
DATA_CHANNEL = "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=sctp-port:5000\r\n"
"""The page's data channel for the picture's clock."""


@pytest.fixture(autouse=True)
def _loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    loopback_ice(monkeypatch.setattr)  # this process's aiortc offers 127.0.0.1, as the relay does


def start_relay(tmp_path: Path, seats: int, *, ice_from_env: bool = False) -> RelayProcess:
    """A relay offering 127.0.0.1 to WebRTC viewers, told by --ice-host or by $SHOPCAST_ICE_HOSTS."""
    ice = () if ice_from_env else ("--ice-host", "127.0.0.1")
    return RelayProcess(tmp_path / "relay", *ice, "--whep-seats", str(seats)).start()


def broadcast(relay: RelayProcess, room: str) -> StudioSession:
    """A live test-pattern broadcast (the top rung only: that is what WHEP serves) with the tone."""
    created = relay.create_room(room)
    session = StudioSession(
        SessionConfig(
            source="test",
            mic="tone",
            broadcast=BroadcastSettings(rungs=(STANDARD_RUNGS["720p"],), preset="ultrafast"),
            relay=ExternalRelay(relay.url, room, created["stream_key"]),
        ),
        devices=FakeDevices(),
    )
    session.start()
    session.go_live_now()
    return session


def status(relay: RelayProcess, room: str) -> dict[str, object]:
    data: dict[str, object] = httpx.get(f"{relay.url}/api/v1/rooms/{room}/whep", timeout=10).json()
    return data


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[RelayProcess, StudioSession]]:
    monkeypatch.setenv("SHOPCAST_ICE_HOSTS", "127.0.0.1")  # the relay process inherits it
    relay = start_relay(tmp_path, seats=2, ice_from_env=True)
    session = broadcast(relay, "shop")
    try:
        wait_until(lambda: status(relay, "shop")["realtime"], 20, "the studio's realtime stream")
        yield relay, session
    finally:
        session.close()
        relay.stop()


@pytest.mark.slow
def test_an_aiortc_viewer_decodes_the_live_top_rung_and_the_sound_and_ends_with_the_broadcast(
    live: tuple[RelayProcess, StudioSession],
) -> None:
    relay, session = live
    x, y, cell = TestPattern(720, 1280).clock_code_box()  # the portrait program, as the studio makes it

    def left(frame: av.AudioFrame) -> np.ndarray:
        samples = frame.to_ndarray()
        return samples.reshape(-1, len(frame.layout.channels))[:, 0] if frame.format.is_packed else samples[0]

    async def watch() -> tuple[float, list[tuple[float, int | None, int, int]], list[np.ndarray], float, list[Any]]:
        viewer = WhepViewer(f"{relay.url}/api/v1/rooms/shop/whep", clock=True)
        answer = await viewer.offer()
        assert answer.status_code == 201, answer.text
        assert answer.headers["content-type"] == "application/sdp"
        assert answer.headers["location"].startswith("/api/v1/rooms/shop/whep/")
        assert "H264/90000" in answer.text and "opus/48000/2" in answer.text
        candidates = [line for line in answer.text.splitlines() if line.startswith("a=candidate:")]
        assert candidates and all(" 127.0.0.1 " in line for line in candidates), "only $SHOPCAST_ICE_HOSTS"
        await asyncio.wait_for(viewer.connected.wait(), 15)
        connected = time.time()
        got = await viewer.receive(4)
        pictures = [
            (t, clock_code.read(f.to_ndarray(format="bgr24"), x, y, cell), f.width, f.height) for t, f in got.video
        ]
        sound = [left(f) for f in got.audio if f.sample_rate == 48000]
        stats = session.stats().broadcast
        assert stats is not None
        realtime = next(o for o in stats.outputs if o.name == "realtime")  # the studio's sample stream
        assert realtime.state == "ok" and realtime.sent_files > 100 and realtime.last_error is None
        # The studio ends the broadcast: the relay ends the viewer's session and frees its seat.
        assert status(relay, "shop")["seats_in_use"] == 1
        await asyncio.to_thread(session.end_live_now)
        ended = time.monotonic()
        while status(relay, "shop")["seats_in_use"] != 0:
            assert time.monotonic() - ended < 10, "the broadcast ended but the viewer kept its seat"
            await asyncio.sleep(0.1)
        await viewer.close()
        return connected, pictures, sound, time.monotonic() - ended, viewer.ticks

    connected, pictures, sound, freed_after, ticks = asyncio.run(watch())
    assert len(pictures) >= 60, f"only {len(pictures)} pictures in 4 s"
    assert {(w, h) for _, _, w, h in pictures} == {(720, 1280)}, "the portrait top rung, as encoded"
    codes = [ms for _, ms, _, _ in pictures if ms is not None]
    assert len(codes) >= 0.9 * len(pictures), "the pictures are the live test pattern, not damaged"
    assert codes == sorted(codes), "in order"
    # The first picture comes from the cached GOP: it was made before the viewer connected (without
    # the cache the first one would be the next keyframe, made after).
    assert codes[0] <= connected * 1000
    assert abs(pictures[-1][0] * 1000 - codes[-1]) < 5000, "the pictures are live"
    # The picture's clock: ~10 ticks a second on the data channel, each the time the picture being sent
    # reached the relay: after it was made (its clock code), and before this viewer got the tick.
    live_ticks = [(got, t) for got, t in ticks if got > connected + 0.5]
    assert len(live_ticks) >= 20, f"{len(live_ticks)} clock ticks in ~3.5 s"
    assert [t for _, t in live_ticks] == sorted(t for _, t in live_ticks)
    assert all(0 <= got - t < 0.5 for got, t in live_ticks), live_ticks[:5]
    # (ticks are 0.1 s apart: the last decoded picture may have come after the last tick's)
    assert -250 < live_ticks[-1][1] * 1000 - codes[-1] < 600, "the tick is the time of a live picture"

    wave = np.concatenate(sound).astype(np.float64)
    assert len(wave) >= 48000 * 2, "seconds of sound"
    spectrum = np.abs(np.fft.rfft(wave * np.hanning(len(wave))))
    assert abs(np.argmax(spectrum) * 48000 / len(wave) - 440) < 10, "the studio's 440 Hz tone"
    print(f"seat freed {freed_after:.1f} s after the broadcast ended")


@pytest.mark.slow
def test_the_seat_limit_refuses_one_viewer_too_many_and_a_leaving_viewer_frees_a_seat(
    live: tuple[RelayProcess, StudioSession],
) -> None:
    relay, _ = live
    endpoint = f"{relay.url}/api/v1/rooms/shop/whep"

    async def scenario() -> None:
        first, second, third = (WhepViewer(endpoint, video=False) for _ in range(3))
        assert (await first.offer()).status_code == 201
        assert (await second.offer()).status_code == 201
        refused = await third.offer()
        assert refused.status_code == 503
        assert refused.json() == {
            "error": "seats_full",
            "message": "all 2 ultra-low-latency seats are taken: watch the standard live stream (LL-HLS)"
            " or try again in 15 s",
        }
        assert refused.headers["retry-after"] == "15"
        assert status(relay, "shop")["seats_in_use"] == 2
        assert await first.leave() == 200
        assert status(relay, "shop")["seats_in_use"] == 1
        async with httpx.AsyncClient() as client:
            again = await client.delete(first.resource or "")
        assert again.status_code == 404 and again.json()["error"] == "session_not_found"
        fourth = WhepViewer(endpoint, video=False)
        assert (await fourth.offer()).status_code == 201
        await asyncio.wait_for(fourth.connected.wait(), 15)
        for viewer in (second, third, fourth):
            await viewer.leave()
        assert status(relay, "shop")["seats_in_use"] == 0

    asyncio.run(scenario())


@pytest.mark.slow
def test_a_viewer_that_vanishes_frees_its_seat_within_seconds(live: tuple[RelayProcess, StudioSession]) -> None:
    relay, _ = live
    script = (
        "import asyncio, sys, aioice.ice\n"
        "from tests.helpers.whep import WhepViewer, loopback_hosts\n"
        "aioice.ice.get_host_addresses = loopback_hosts\n"
        "async def main():\n"
        "    viewer = WhepViewer(sys.argv[1])\n"
        "    assert (await viewer.offer()).status_code == 201\n"
        "    await asyncio.wait_for(viewer.connected.wait(), 15)\n"
        "    print('connected', flush=True)\n"
        "    await viewer.receive(60)\n"
        "asyncio.run(main())\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, f"{relay.url}/api/v1/rooms/shop/whep"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "connected"
        wait_until(lambda: status(relay, "shop")["room_viewers"] == 1, 5, "the viewer to hold a seat")
        time.sleep(2)
        assert status(relay, "shop")["room_viewers"] == 1, "a viewer that is there keeps its seat"
        process.kill()  # no DELETE, no DTLS close: it is just gone
        gone = time.monotonic()
        wait_until(lambda: status(relay, "shop")["room_viewers"] == 0, 15, "the vanished viewer's seat")
        print(f"seat freed {time.monotonic() - gone:.1f} s after the viewer vanished")
    finally:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def idle_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayProcess]:
    relay = start_relay(tmp_path_factory.mktemp("whep"), seats=3)
    created = relay.create_room("quiet")
    # A room whose HLS is live but which has no realtime stream (an older studio).
    hls = relay.create_room("older-studio")
    playlist = "#EXTM3U\n#EXT-X-VERSION:7\n"
    httpx.put(
        f"{relay.url}/ingest/older-studio/master.m3u8",
        content=playlist,
        headers={"Authorization": f"Bearer {hls['stream_key']}"},
    ).raise_for_status()
    relay.stream_keys = {"quiet": created["stream_key"]}  # type: ignore[attr-defined]
    yield relay
    relay.stop()


def post(
    relay: RelayProcess, room: str, body: bytes | str, content_type: str | None = "application/sdp"
) -> httpx.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    return httpx.post(f"{relay.url}/api/v1/rooms/{room}/whep", content=body, headers=headers, timeout=10)


@pytest.mark.parametrize(
    ("room", "body", "content_type", "status_code", "code", "message"),
    [
        ("nobody", OFFER, "application/sdp", 404, "room_not_found", "there is no room named 'nobody'"),
        ("quiet", OFFER, "application/json", 415, "unsupported_media_type",
         "send the offer as Content-Type: application/sdp (got application/json)"),
        ("quiet", OFFER, None, 415, "unsupported_media_type",
         "send the offer as Content-Type: application/sdp (got none)"),
        ("quiet", "", "application/sdp", 400, "bad_sdp", "the body is empty: send an SDP offer"),
        ("quiet", b"\xff\xfe", "application/sdp", 400, "bad_sdp", "the SDP offer is not UTF-8 text"),
        ("quiet", '{"sdp": "v=0"}', "application/sdp", 400, "bad_sdp",
         "the body is not an SDP offer (it must start with v=0)"),
        ("quiet", "v=0\r\ns=-\r\n", "application/sdp", 400, "bad_sdp",
         "the offer has no audio or video section: offer to receive video and/or audio"),
        ("quiet", OFFER.replace("a=recvonly", "a=sendonly", 1), "application/sdp", 400, "bad_sdp",
         "the offer's video is sendonly: a WHEP viewer offers to receive (recvonly)"),
        ("quiet", OFFER.replace("H264/90000", "VP8/90000"), "application/sdp", 400, "unsupported_codec",
         "the offer's video has no H.264 with packetization-mode=1: this stream is H.264 and is passed through,"
         " not re-encoded"),
        ("quiet", OFFER.replace("opus/48000/2", "PCMU/8000"), "application/sdp", 400, "unsupported_codec",
         "the offer's audio has no Opus: this stream's sound is Opus"),
        ("quiet", "v=0\r\ns=-\r\n" + DATA_CHANNEL, "application/sdp", 400, "bad_sdp",
         "the offer has no audio or video section: offer to receive video and/or audio"),
        ("quiet", OFFER + DATA_CHANNEL + DATA_CHANNEL.replace("mid:2", "mid:3"), "application/sdp", 400, "bad_sdp",
         "the offer has 2 application sections: one at most"),
        ("quiet", OFFER + DATA_CHANNEL, "application/sdp", 409, "not_live",
         "room 'quiet' is not live (it is offline): there is nothing to watch yet"),
        ("quiet", OFFER, "application/sdp", 409, "not_live",
         "room 'quiet' is not live (it is offline): there is nothing to watch yet"),
        ("older-studio", OFFER, "application/sdp", 503, "realtime_unavailable",
         "this broadcast sends no realtime stream right now (an older studio, or it is reconnecting): watch the"
         " standard live stream (LL-HLS)"),
    ],
    ids=["unknown-room", "json", "no-type", "empty", "not-utf8", "not-sdp", "no-media", "sendonly", "vp8-only",
         "no-opus", "only-datachannel", "two-datachannels", "datachannel-taken", "offline", "no-realtime"],
)  # fmt: skip
def test_bad_offers_get_precise_errors(
    idle_relay: RelayProcess, room: str, body: str | bytes, content_type: str | None, status_code: int, code: str,
    message: str,
) -> None:  # fmt: skip
    response = post(idle_relay, room, body, content_type)
    assert (response.status_code, response.json()) == (status_code, {"error": code, "message": message})
    if status_code == 503:
        assert response.headers["retry-after"] == "5"


def test_other_methods_are_refused_with_what_to_do(idle_relay: RelayProcess) -> None:
    endpoint = f"{idle_relay.url}/api/v1/rooms/quiet/whep"
    options = httpx.options(endpoint)
    assert options.status_code == 405 and options.headers["allow"] == "GET, POST"
    assert options.json()["error"] == "method_not_allowed"
    assert "POST with an SDP offer" in options.json()["message"]
    patch = httpx.patch(
        endpoint + "/abc", content=b"a=candidate:1", headers={"Content-Type": "application/trickle-ice-sdpfrag"}
    )
    assert (patch.status_code, patch.headers["allow"]) == (405, "DELETE")
    assert (
        patch.json()["message"] == "this endpoint takes no trickle ICE: gather every candidate before sending the offer"
    )
    gone = httpx.delete(endpoint + "/no-such-session")
    assert (gone.status_code, gone.json()["error"]) == (404, "session_not_found")
    assert httpx.get(endpoint).json() == {
        "room": "quiet", "realtime": False, "seats": 3, "seats_in_use": 0, "room_viewers": 0,
    }  # fmt: skip
    assert httpx.get(f"{idle_relay.url}/api/v1/rooms/nobody/whep").status_code == 404


def test_the_realtime_ingest_checks_the_room_the_key_and_the_format(idle_relay: RelayProcess) -> None:
    url = idle_relay.url.replace("http://", "ws://") + "/api/v1/rooms/{}/realtime-ingest"
    key = idle_relay.stream_keys["quiet"]  # type: ignore[attr-defined]
    for room, headers, status_code, message in [
        ("nobody", {"Authorization": f"Bearer {key}"}, 404, "there is no room named 'nobody'"),
        ("quiet", {}, 401, "the realtime stream needs the room's stream key: Authorization: Bearer <stream key>"),
        ("quiet", {"Authorization": "Bearer wrong"}, 401, "the stream key for room 'quiet' is wrong"),
    ]:
        with pytest.raises(InvalidStatus) as refused:
            connect(url.format(room), additional_headers=headers, open_timeout=5).__enter__()
        assert refused.value.response.status_code == status_code
        assert json.loads(refused.value.response.body or b"")["message"] == message

    hello = Hello("s1", 1280, 720, 2).to_json()
    for first, then, code, reason in [
        (b"binary first", None, 1003, "the first message must be the hello, as text (JSON)"),
        ('{"type": "hello", "version": 2}', None, 1003, "realtime stream version 2 is not supported"),
        (hello, "text again", 1003, "after the hello only binary media messages are sent"),
        (hello, b"\x01\x09\x00\x00" + bytes(9), 1007, "media kind 9 is unknown (1 is video, 2 is audio)"),
    ]:
        with connect(url.format("quiet"), additional_headers={"Authorization": f"Bearer {key}"}) as ws:
            ws.send(first)
            if then is not None:
                ws.send(then)
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=5)
            assert closed.value.rcvd is not None
            assert (closed.value.rcvd.code, closed.value.rcvd.reason[: len(reason)]) == (code, reason)

    # A well-formed stream makes the room's realtime feed available; closing with 1000 ends it.
    with connect(url.format("quiet"), additional_headers={"Authorization": f"Bearer {key}"}) as ws:
        ws.send(hello)
        ws.send(pack(VIDEO, 0, True, b"\x00\x00\x00\x01\x65\x88"))
        wait_until(lambda: status(idle_relay, "quiet")["realtime"], 5, "the feed to be up")
    wait_until(lambda: not status(idle_relay, "quiet")["realtime"], 5, "the feed to be down")


@pytest.mark.slow
def test_relay_options_are_checked_and_the_bundled_relay_takes_the_seat_limit(tmp_path: Path) -> None:
    def relay(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "app", "relay", "--port", "0", "--data", str(tmp_path / "r"), *args]
        environment = {**os.environ, **(env or {})}
        return subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=30, env=environment, check=False
        )

    refused = relay("--ice-host", "eth0")
    assert refused.returncode == 2
    assert (
        "argument --ice-host: ICE host 'eth0' is not an IP address (e.g. 127.0.0.1 or 192.168.1.20)" in refused.stderr
    )
    refused = relay("--whep-seats", "-1")
    assert refused.returncode == 2 and "'-1' is not a number of seats (0-10000)" in refused.stderr
    refused = relay(env={"SHOPCAST_ICE_HOSTS": "127.0.0.1,localhost"})
    assert refused.returncode == 2
    assert "SHOPCAST_ICE_HOSTS: ICE host 'localhost' is not an IP address" in refused.stderr

    bundled = BundledRelay(tmp_path / "bundled", extra_args=("--whep-seats", "1"))
    bundled.start()
    try:
        with RelayClient(bundled.url or "", bundled.admin_token) as client:
            client.open_room("shop", "Shop")
        assert httpx.get(f"{bundled.url}/api/v1/rooms/shop/whep").json()["seats"] == 1
    finally:
        bundled.stop()
