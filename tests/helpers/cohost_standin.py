"""A stand-in for the studio's co-host hub, for tests and benchmarks of the guest side.

It is what the studio does, reduced: on the room's owner feed (:class:`app.room_client.RoomFeed`)
it takes every ``cohost.offer``, answers it with an aiortc peer connection of its own through
:class:`app.room_client.RoomClient` (or refuses, or stays silent, as told), sends a tone back on
the guest's audio (the studio's mix-minus), and records what arrives: video frames and their size,
audio level, and, when asked, the clock code read off each picture (the guest page's ``?test=clock``).
``cohost.left`` closes the guest's connection. The studio's real hub (app/cohost.py) replaces it.

ICE host candidates are 127.0.0.1 only while a stand-in runs (aioice skips loopback otherwise, see
the environment notes): patched in this test process, never in product code.

Also :class:`AiortcGuest`: a guest made of aiortc (sendonly video, sendrecv audio, as the page offers)
for tests that need real media without a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote, urljoin

import aioice.ice
import av
import httpx
import numpy as np
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, VideoStreamTrack

from app.relay_client import RelayError
from app.room_client import RoomClient, RoomFeed
from pipeline.sources import clock_code
from tests.helpers.waiting import wait_until

T = TypeVar("T")
RATE = 48_000

# The guest page's ?test=clock picture (assets/web/cohost.js TEST_PATTERN): clock code at (380, 40),
# 10-pixel cells, on a 1280-pixel-wide canvas; a received picture is scaled by its width / 1280.
TEST_PATTERN = {"width": 1280, "x": 380, "y": 40, "cell": 10}


class LoopThread:
    """An asyncio loop on its own thread, for aiortc next to synchronous test code."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def submit(self, coro: Coroutine[Any, Any, Any]) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self) -> None:
        async def drain() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            self.run(drain(), timeout=10)
        with contextlib.suppress(Exception):
            self.run(self.loop.shutdown_default_executor(), timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


class Tone(MediaStreamTrack):
    """A sine tone in 20 ms frames, paced in real time (mono s16, 48 kHz)."""

    kind = "audio"

    def __init__(self, hz: float, level: float = 0.3) -> None:
        super().__init__()
        self.hz = hz
        self.level = level
        self._sent = 0
        self._start: float | None = None

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        samples = RATE // 50
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self._sent / RATE - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        t = (np.arange(samples) + self._sent) / RATE
        data = (self.level * 32767 * np.sin(2 * np.pi * self.hz * t)).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(data, format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, RATE)
        self._sent += samples
        return frame


@dataclass
class Received:
    """What arrived over one peer connection."""

    video_frames: int = 0
    video_size: tuple[int, int] | None = None
    audio_frames: int = 0
    audio_peak: float = 0.0
    """Largest sample seen, 0..1 of full scale."""
    audio_hz: float | None = None
    """The strongest frequency in the latest audio frame."""
    clock_latencies_ms: list[float] = field(default_factory=list)
    """Arrival time minus the time coded in the picture, for each picture whose clock code read."""


@dataclass
class StandInGuest:
    session: str
    invite: str
    name: str
    pc: RTCPeerConnection | None = None
    received: Received = field(default_factory=Received)
    answered: bool = False
    refused_by_relay: str | None = None
    left: str | None = None
    """The reason from ``cohost.left`` (``left``, ``timeout``, ``cancelled``)."""
    connection: str = "new"


async def consume(track: MediaStreamTrack, into: Received, read_clock: bool) -> None:
    """Pull a received track to its end, noting what arrives."""
    count = 0
    try:
        while True:
            frame = await track.recv()
            if track.kind == "video":
                into.video_frames += 1
                into.video_size = (frame.width, frame.height)
                count += 1
                if read_clock and count % 3 == 0:
                    picture = frame.to_ndarray(format="rgb24")
                    scale = frame.width / TEST_PATTERN["width"]
                    coded = clock_code.read(
                        picture, TEST_PATTERN["x"] * scale, TEST_PATTERN["y"] * scale, TEST_PATTERN["cell"] * scale
                    )
                    if coded is not None:
                        into.clock_latencies_ms.append(time.time() * 1000 - coded)
            else:
                into.audio_frames += 1
                samples = frame.to_ndarray().astype(np.float64).reshape(-1) / 32768.0
                into.audio_peak = max(into.audio_peak, float(np.abs(samples).max(initial=0.0)))
                if frame.layout.nb_channels == 2 and frame.format.is_packed:
                    samples = samples[::2]
                spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
                if len(samples) > 64 and spectrum.max() > 1.0:
                    into.audio_hz = float(np.argmax(spectrum) * frame.sample_rate / len(samples))
    except MediaStreamError:
        return


class StandInStudio:
    """The studio's side of co-hosting, reduced to what tests need to drive a guest.

    ``mode``: ``answer`` (default), ``refuse`` (answer with ``refusal``), ``silent`` (never answer).
    """

    def __init__(
        self,
        base_url: str,
        room: str,
        owner_token: str,
        *,
        mode: str = "answer",
        refusal: str = "the studio has no room for another guest",
        tone_hz: float = 660.0,
        read_clock: bool = False,
    ) -> None:
        self.base_url = base_url
        self.room = room
        self.client = RoomClient(base_url, room, owner_token)
        self.mode = mode
        self.refusal = refusal
        self.tone_hz = tone_hz
        self.read_clock = read_clock
        self.guests: dict[str, StandInGuest] = {}
        self.events: list[dict[str, Any]] = []
        self._loop: LoopThread | None = None
        self._feed = RoomFeed(base_url, room, owner_token, self._on_message)
        self._original_hosts: Callable[..., list[str]] | None = None
        self._tasks: set[asyncio.Future[None]] = set()

    # --- lifetime --------------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> StandInStudio:
        self._original_hosts = aioice.ice.get_host_addresses

        def loopback(use_ipv4: bool = True, use_ipv6: bool = True) -> list[str]:
            return ["127.0.0.1"] if use_ipv4 else []

        aioice.ice.get_host_addresses = loopback
        self._loop = LoopThread("test-cohost-standin")
        self._feed.start()
        if not self._feed.connected.wait(timeout):
            self.stop()
            raise RuntimeError("the stand-in studio could not connect to the room's owner feed")
        return self

    def stop(self) -> None:
        self._feed.stop()
        if self._loop is not None:
            with contextlib.suppress(Exception):
                self._loop.run(self._close_all(), timeout=10)
            self._loop.stop()
            self._loop = None
        self.client.close()
        if self._original_hosts is not None:
            aioice.ice.get_host_addresses = self._original_hosts
            self._original_hosts = None

    def __enter__(self) -> StandInStudio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def loop(self) -> LoopThread:
        assert self._loop is not None, "start() the stand-in first"
        return self._loop

    async def _close_all(self) -> None:
        for guest in self.guests.values():
            if guest.pc is not None:
                await guest.pc.close()

    # --- the owner feed ----------------------------------------------------------------------------

    def _on_message(self, message: dict[str, Any]) -> None:
        """On the feed's thread: hand co-host events to the stand-in's loop."""
        if message.get("type") != "batch" or self._loop is None:
            return
        for event in message.get("events", []):
            kind = event.get("type", "")
            if kind.startswith("cohost."):
                self.events.append({**event, "received_at": time.monotonic()})
            if kind == "cohost.offer":
                self._loop.submit(self._offer(event))
            elif kind == "cohost.left":
                self._loop.submit(self._left(event))

    async def _offer(self, event: dict[str, Any]) -> None:
        guest = StandInGuest(event["session"], event["invite"], event["name"])
        self.guests[guest.session] = guest
        if self.mode == "silent":
            return
        if self.mode == "refuse":
            await asyncio.to_thread(self.client.answer_cohost, guest.session, error=self.refusal)
            return
        pc = RTCPeerConnection()
        guest.pc = pc

        @pc.on("track")
        def _track(track: MediaStreamTrack) -> None:
            self._tasks.add(asyncio.ensure_future(consume(track, guest.received, self.read_clock)))

        @pc.on("connectionstatechange")
        def _state() -> None:
            guest.connection = pc.connectionState

        await pc.setRemoteDescription(RTCSessionDescription(event["sdp"], "offer"))
        pc.addTrack(Tone(self.tone_hz))  # the guest's audio is sendrecv: this is their mix-minus
        await pc.setLocalDescription(await pc.createAnswer())
        try:
            await asyncio.to_thread(self.client.answer_cohost, guest.session, sdp=pc.localDescription.sdp)
            guest.answered = True
        except RelayError as exc:
            guest.refused_by_relay = str(exc)
            await pc.close()

    async def _left(self, event: dict[str, Any]) -> None:
        guest = self.guests.get(event["session"])
        if guest is None:
            return
        guest.left = str(event.get("reason"))
        if guest.pc is not None:
            await guest.pc.close()

    # --- what tests ask -----------------------------------------------------------------------------

    def guest(self, timeout: float = 15.0) -> StandInGuest:
        """The first guest that offered (waiting for one)."""
        wait_until(lambda: self.guests, timeout, "a co-host offer on the owner feed")
        return next(iter(self.guests.values()))

    def end(self, session: str, reason: str = "kicked") -> dict[str, Any]:
        """The studio ends a guest (kick): tell the relay, close the connection."""
        result = self.client.end_cohost(session, reason)
        guest = self.guests.get(session)
        if guest is not None and guest.pc is not None:
            self.loop.run(guest.pc.close())
        return result


class AiortcGuest:
    """A co-host guest without a browser: green video (sendonly) and a tone (sendrecv), joining by WHIP."""

    def __init__(self, loop: LoopThread, relay_url: str, tone_hz: float = 440.0) -> None:
        self.loop = loop
        self.relay_url = relay_url
        self.tone_hz = tone_hz
        self.pc: RTCPeerConnection | None = None
        self.received = Received()
        self.response: httpx.Response | None = None
        self.location: str | None = None
        self.secret: str | None = None
        self._tasks: set[asyncio.Future[None]] = set()

    def join(self, room: str, token: str, name: str, timeout: float = 20.0) -> httpx.Response:
        """POST the offer; on 201 apply the answer. Returns the relay's response."""
        return self.loop.run(self._join(room, token, name), timeout)

    async def _join(self, room: str, token: str, name: str) -> httpx.Response:
        pc = RTCPeerConnection()
        self.pc = pc
        pc.addTransceiver(VideoStreamTrack(), direction="sendonly")
        pc.addTransceiver(Tone(self.tone_hz), direction="sendrecv")

        @pc.on("track")
        def _track(track: MediaStreamTrack) -> None:
            self._tasks.add(asyncio.ensure_future(consume(track, self.received, False)))

        await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers every candidate first
        url = f"{self.relay_url}/api/v1/rooms/{room}/cohost/whip"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/sdp", "X-Guest-Name": quote(name)}
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(url, content=pc.localDescription.sdp, headers=headers)
        self.response = response
        if response.status_code == 201:
            self.location = urljoin(self.relay_url, response.headers["location"])
            self.secret = response.headers["x-cohost-secret"]
            await pc.setRemoteDescription(RTCSessionDescription(response.text, "answer"))
        else:
            await pc.close()
        return response

    @property
    def connection(self) -> str:
        return self.pc.connectionState if self.pc is not None else "new"

    def leave(self) -> httpx.Response:
        assert self.location and self.secret
        response = httpx.delete(self.location, headers={"Authorization": f"Bearer {self.secret}"}, timeout=10)
        self.close()
        return response

    def session_state(self, wait: float = 0) -> dict[str, Any]:
        assert self.location and self.secret
        response = httpx.get(
            self.location, params={"wait": wait}, headers={"Authorization": f"Bearer {self.secret}"}, timeout=wait + 10
        )
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def close(self) -> None:
        if self.pc is not None:
            self.loop.run(self.pc.close())
