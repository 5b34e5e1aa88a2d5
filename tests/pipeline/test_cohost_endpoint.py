"""The studio's WebRTC endpoint for co-hosts (pipeline/cohost_endpoint.py) against a real WebRTC peer:
an aiortc "guest" in the same process, over loopback, sending a picture with a clock code and a
440 Hz tone, and receiving what the studio sends back."""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import threading
import time
from collections.abc import Iterator

import aioice.ice
import av
import numpy as np
import pytest
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from pipeline.cohost_endpoint import CohostEndpoint, CohostError, offer_wants_audio_back
from pipeline.sources import clock_code

pytestmark = pytest.mark.slow

RATE = 48_000
GUEST_TONE, HOST_TONE = 440.0, 1000.0
CODE_AT = (16, 16, 8)  # x, y, cell of the clock code in the guest's 640x360 picture


class GuestCamera(MediaStreamTrack):
    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self.n = 0
        self.paused = asyncio.Event()

    async def recv(self) -> av.VideoFrame:
        if self.paused.is_set():
            await asyncio.Event().wait()  # the browser was killed: nothing more, no goodbye
        await asyncio.sleep(1 / 30)
        image = np.zeros((360, 640, 3), np.uint8)
        image[:, :] = (40, 200, 40)  # green
        clock_code.draw(image, int(time.time() * 1000), *CODE_AT)
        frame = av.VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts, frame.time_base = self.n * 3000, fractions.Fraction(1, 90_000)
        self.n += 1
        return frame


class GuestMic(MediaStreamTrack):
    kind = "audio"

    def __init__(self, paused: asyncio.Event) -> None:
        super().__init__()
        self.n = 0
        self.paused = paused
        self.started = 0.0

    async def recv(self) -> av.AudioFrame:
        if self.paused.is_set():
            await asyncio.Event().wait()
        if not self.started:
            self.started = time.monotonic()
        await asyncio.sleep(max(0.0, self.started + self.n * 0.02 - time.monotonic()))
        t = (np.arange(960) + self.n * 960) / RATE
        tone = (0.3 * np.sin(2 * np.pi * GUEST_TONE * t) * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(np.repeat(tone, 2).reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate, frame.pts = RATE, self.n * 960
        frame.time_base = fractions.Fraction(1, RATE)
        self.n += 1
        return frame


@pytest.fixture(autouse=True)
def loopback_ice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"])


@pytest.fixture
def endpoint() -> Iterator[CohostEndpoint]:
    gone: list[tuple[str, str]] = []
    endpoint = CohostEndpoint(drop_after=1.5, on_gone=lambda g, r: gone.append((g, r)))
    endpoint.gone = gone  # type: ignore[attr-defined]
    yield endpoint
    endpoint.close()


def tone_level(block: np.ndarray, hz: float) -> float:
    """RMS of ``block``'s channel 0 at ``hz`` (a single-bin DFT)."""
    x = block[:, 0].astype(np.float64)
    t = np.arange(len(x)) / RATE
    return float(np.abs(np.sum(x * np.exp(-2j * np.pi * hz * t))) / len(x) * np.sqrt(2))


@contextlib.contextmanager
def program_audio(endpoint: CohostEndpoint) -> Iterator[list[np.ndarray]]:
    """The program's audio thread while in the block: the host's 1 kHz tone, mixed with the guest in
    real time; yields the program's blocks as they come."""
    stop = threading.Event()
    out: list[np.ndarray] = []

    def run() -> None:
        n, started = 0, time.monotonic()
        while not stop.is_set():
            t = (np.arange(1024) + n * 1024) / RATE
            host = np.repeat((0.3 * np.sin(2 * np.pi * HOST_TONE * t)).astype(np.float32)[:, None], 2, axis=1)
            out.append(endpoint.mix(host))
            n += 1
            time.sleep(max(0.0, started + n * 1024 / RATE - time.monotonic()))

    mixer = threading.Thread(target=run, name="test-program-audio")
    mixer.start()
    try:
        yield out
    finally:
        stop.set()
        mixer.join(5)


async def guest_joins(endpoint: CohostEndpoint, camera: GuestCamera, heard: list[np.ndarray]) -> RTCPeerConnection:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    listeners: list[asyncio.Future[None]] = []
    pc.addTransceiver(camera, direction="sendonly")
    pc.addTrack(GuestMic(camera.paused))  # sendrecv: the studio sends the mix-minus back

    @pc.on("track")
    def on_track(track: MediaStreamTrack) -> None:
        async def listen() -> None:
            while True:
                frame = await track.recv()
                heard.append(frame.to_ndarray().reshape(-1, 2).astype(np.float32) / 32768)

        listeners.append(asyncio.ensure_future(listen()))

    await pc.setLocalDescription(await pc.createOffer())
    assert offer_wants_audio_back(pc.localDescription.sdp)
    loop = asyncio.get_running_loop()
    answer = await loop.run_in_executor(None, endpoint.accept, "g1", "  Mei\n 小美 ", pc.localDescription.sdp)
    await pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
    return pc


def test_a_guest_is_seen_heard_and_hears_the_show_without_themselves(endpoint: CohostEndpoint) -> None:
    heard: list[np.ndarray] = []
    latencies: list[int] = []

    async def scenario() -> None:
        camera = GuestCamera()
        pc = await guest_joins(endpoint, camera, heard)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(latencies) < 30:
            await asyncio.sleep(1 / 30)
            for picture in endpoint.pictures():
                if picture.image is not None:
                    coded = clock_code.read(picture.image, *CODE_AT)
                    if coded is not None:
                        latencies.append(int(time.time() * 1000) - coded)
        assert [g.name for g in endpoint.guests()] == ["Mei 小美"]
        assert endpoint.guests()[0].state == "live"
        await asyncio.sleep(1.0)  # more sound both ways
        await pc.close()

    with program_audio(endpoint) as program:
        asyncio.run(scenario())
    assert len(latencies) >= 30, "the guest's picture reached the studio, clock code intact"
    assert 0 <= np.median(latencies) < 1000, latencies
    picture = endpoint.pictures()  # the guest left (closed): gone within a moment
    assert picture == [] or all(p.id == "g1" for p in picture)
    # The program has both tones; the guest hears the host's and (almost) none of their own.
    tail = np.concatenate(program[-60:])
    assert tone_level(tail, GUEST_TONE) > 0.1 and tone_level(tail, HOST_TONE) > 0.1
    back = np.concatenate(heard[-60:])
    assert tone_level(back, HOST_TONE) > 0.1, "the guest hears the show"
    assert tone_level(back, GUEST_TONE) < 0.1 * tone_level(back, HOST_TONE), "but not their own voice"


def test_a_muted_guest_is_not_in_the_program(endpoint: CohostEndpoint) -> None:
    program: list[np.ndarray] = []

    async def scenario() -> None:
        pc = await guest_joins(endpoint, GuestCamera(), [])
        await asyncio.sleep(2.0)
        endpoint.set_muted("g1", True)
        before = len(program)
        await asyncio.sleep(1.5)
        muted = np.concatenate(program[before + 5 :])
        assert tone_level(muted, GUEST_TONE) < 0.01 and tone_level(muted, HOST_TONE) > 0.1
        assert endpoint.guests()[0].muted
        await pc.close()

    with program_audio(endpoint) as blocks:
        program = blocks
        asyncio.run(scenario())


def test_a_guest_who_vanishes_is_removed_within_seconds_and_reported(endpoint: CohostEndpoint) -> None:
    async def scenario() -> None:
        camera = GuestCamera()
        pc = await guest_joins(endpoint, camera, [])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(g.state == "live" for g in endpoint.guests()):
            await asyncio.sleep(0.1)
        camera.paused.set()  # no more media, no goodbye
        vanished = time.monotonic()
        while time.monotonic() < vanished + 6 and endpoint.guests():
            await asyncio.sleep(0.1)
        assert not endpoint.guests(), "removed"
        assert time.monotonic() - vanished < 4.0
        await pc.close()

    asyncio.run(scenario())
    assert endpoint.gone == [("g1", endpoint.gone[0][1])]  # type: ignore[attr-defined]
    assert "no media for" in endpoint.gone[0][1]  # type: ignore[attr-defined]


def test_offers_it_cannot_use_are_refused_with_a_reason(endpoint: CohostEndpoint) -> None:
    with pytest.raises(CohostError, match="must start with v=0"):
        endpoint.accept("g1", "x", "hello")
    with pytest.raises(CohostError, match="cannot use this offer"):
        endpoint.accept("g2", "x", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 FOO 96\r\n")
    assert endpoint.guests() == []
