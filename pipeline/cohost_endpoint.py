"""The studio's WebRTC endpoint for co-hosts (连麦): each guest's camera and microphone in, the show
without their own voice (mix-minus) back out.

One asyncio loop on its own thread runs every guest's aiortc peer connection. The signalling
(who may join, the SDP exchange with the guest's browser) happens elsewhere — the relay forwards
the guest's WHIP offer to the studio — so :meth:`CohostEndpoint.accept` takes an offer and returns
the answer. Then, per guest:

* **video**: aiortc depacketises and decodes; the newest decoded frame is kept (older ones are
  dropped: the program shows the guest as of its own frame tick) and converted to BGR only when the
  program asks for it, so a guest costs one conversion per program frame at most;
* **sound**: decoded 20 ms frames go into the guest's jitter buffer (pipeline/audio_mix.py), which
  the program's audio thread reads in step with the host's microphone;
* **return sound**: when the guest's offer lets us send audio (its audio is ``sendrecv``), a track
  of ours carries the guest's mix-minus, re-cut into the 20 ms frames Opus wants;
* **leaving**: a guest whose connection fails or closes, or from whom no media has arrived for
  ``drop_after`` seconds (a killed browser sends no goodbye, and ICE consent takes 30 s to expire),
  or who has sent nothing ``connect_timeout`` seconds after being accepted, is removed and
  reported through ``on_gone``.

Nothing here knows rooms or invites; the caller names each guest with an id of its choosing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import av
import cv2
import numpy as np
from aiortc import MediaStreamTrack, RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

from pipeline.audio_mix import GuestAudio, Mixed, mix
from pipeline.compositor import GuestPicture
from pipeline.filters.meter import Meter, MeterLevels
from pipeline.frames import Image, Samples
from pipeline.ice import parse_ice_server, restrict_ice_hosts
from pipeline.mixer import MAX_GAIN_DB, MIN_GAIN_DB, db_to_gain

log = logging.getLogger(__name__)

OPUS_FRAME = 960
"""Samples in one 20 ms Opus frame at 48 kHz."""
MAX_NAME = 40


class CohostError(RuntimeError):
    """A guest could not be connected; the message says why (it goes back to the guest)."""


@dataclass(frozen=True, slots=True)
class GuestInfo:
    """What the studio shows of a guest."""

    id: str
    name: str
    state: str
    """``connecting`` (no picture yet), ``live``, or ``gone``."""
    muted: bool
    joined_at: float
    """Monotonic time the guest was accepted."""
    video_frames: int
    audio_underruns: int
    gain_db: float = 0.0
    """The guest's fader in the studio's mixer."""


class _ReturnAudio(MediaStreamTrack):
    """The guest's mix-minus, fed from the program's audio thread, sent in 20 ms frames."""

    kind = "audio"

    def __init__(self, loop: asyncio.AbstractEventLoop, sample_rate: int, channels: int) -> None:
        super().__init__()
        self._feed_loop = loop
        self._rate = sample_rate
        self._layout = "stereo" if channels == 2 else "mono"
        self._queue: asyncio.Queue[Samples] = asyncio.Queue(maxsize=50)
        self._pending = np.zeros((0, channels), np.float32)
        self._pts = 0

    def feed(self, block: Samples) -> None:
        """From any thread: more of the guest's mix-minus."""
        self._feed_loop.call_soon_threadsafe(self._put, block)

    def _put(self, block: Samples) -> None:
        if self._queue.full():  # the sender stalled: keep the newest sound
            self._queue.get_nowait()
        self._queue.put_nowait(block)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        while self._pending.shape[0] < OPUS_FRAME:
            self._pending = np.concatenate([self._pending, await self._queue.get()])
        chunk, self._pending = self._pending[:OPUS_FRAME], self._pending[OPUS_FRAME:]
        pcm = (np.clip(chunk, -1.0, 1.0) * 32767).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout=self._layout)
        frame.sample_rate = self._rate
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, self._rate)
        self._pts += OPUS_FRAME
        return frame


class _Guest:
    def __init__(
        self, guest_id: str, name: str, pc: RTCPeerConnection, channels: int, sample_rate: int, now: float
    ) -> None:
        self.id = guest_id
        self.name = name
        self.pc = pc
        self.audio = GuestAudio(channels)
        self.return_audio: _ReturnAudio | None = None
        self.muted = False
        self.gain_db = 0.0
        self.meter = Meter(sample_rate=sample_rate, channels=channels)
        self.joined_at = now
        self.last_media = now
        self.got_media = False
        self.frame: av.VideoFrame | None = None
        self.frame_at = 0.0
        self.frames = 0
        self.picture: tuple[av.VideoFrame, Image] | None = None
        self.gone = False
        self.tasks: list[asyncio.Task[None]] = []

    def info(self) -> GuestInfo:
        state = "gone" if self.gone else ("live" if self.frames else "connecting")
        return GuestInfo(
            self.id, self.name, state, self.muted, self.joined_at, self.frames, self.audio.underruns, self.gain_db
        )


def offer_wants_audio_back(sdp: str) -> bool:
    """Whether the offer's audio section lets the answerer send (``sendrecv`` or ``recvonly``)."""
    for section in re.split(r"\r?\n(?=m=)", sdp):
        if section.startswith("m=audio"):
            direction = re.search(r"^a=(sendrecv|sendonly|recvonly|inactive)\s*$", section, re.MULTILINE)
            return direction is None or direction.group(1) in ("sendrecv", "recvonly")
    return False


class CohostEndpoint:
    """Every guest's WebRTC connection (module docstring). Thread-safe: ``accept``/``remove``/
    ``set_muted`` from the studio's threads, ``pictures`` from the render thread, ``mix`` from the
    audio thread."""

    def __init__(
        self,
        *,
        sample_rate: int = 48_000,
        channels: int = 2,
        ice_servers: Sequence[str] = (),
        ice_hosts: Sequence[str] = (),
        drop_after: float = 3.0,
        connect_timeout: float = 15.0,
        on_change: Callable[[], None] | None = None,
        on_gone: Callable[[str, str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sample_rate = sample_rate
        self.channels = channels
        self._ice_servers = [RTCIceServer(*parse_ice_server(url)) for url in ice_servers]
        restrict_ice_hosts(ice_hosts)
        self.drop_after = drop_after
        self.connect_timeout = connect_timeout
        self._on_change = on_change or (lambda: None)
        self._on_gone = on_gone or (lambda guest_id, reason: None)
        self._clock = clock
        self._guests: dict[str, _Guest] = {}
        self._order: tuple[_Guest, ...] = ()
        """The guests in join order, replaced whole (the render and audio threads read it)."""
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="shopcast-cohost", daemon=True)
        self._thread.start()
        self._watchdog = asyncio.run_coroutine_threadsafe(self._watch(), self._loop)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    # --- the studio's side ---------------------------------------------------------------------

    def accept(self, guest_id: str, name: str, offer_sdp: str, timeout: float = 10.0) -> str:
        """Connect a guest from their SDP offer; the SDP answer. Raises CohostError (message for
        the guest) or ValueError (bad arguments)."""
        if not guest_id or guest_id in self._guests:
            raise ValueError(f"guest id {guest_id!r} is empty or taken")
        name = " ".join(name.split())[:MAX_NAME] or "Guest"
        if not offer_sdp.startswith("v=0"):
            raise CohostError("the offer is not an SDP description (it must start with v=0)")
        future = asyncio.run_coroutine_threadsafe(self._accept(guest_id, name, offer_sdp), self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            self.remove(guest_id, "timed out while connecting")
            raise CohostError(f"the studio could not answer within {timeout:g} s") from None

    def remove(self, guest_id: str, reason: str = "removed") -> bool:
        """Disconnect a guest (kick, or they left). Whether they were there."""
        future = asyncio.run_coroutine_threadsafe(self._remove(guest_id, reason, report=False), self._loop)
        return future.result(10)

    def set_muted(self, guest_id: str, muted: bool) -> None:
        guest = self._guests.get(guest_id)
        if guest is None:
            raise KeyError(f"no guest {guest_id!r}")
        guest.muted = muted
        self._on_change()

    def set_gain(self, guest_id: str, db: float) -> None:
        """The guest's fader: how loud the program (and the other guests) hear them."""
        if not MIN_GAIN_DB <= db <= MAX_GAIN_DB:
            raise ValueError(f"gain {db} dB is outside {MIN_GAIN_DB:g}..{MAX_GAIN_DB:g} dB")
        guest = self._guests.get(guest_id)
        if guest is None:
            raise KeyError(f"no guest {guest_id!r}")
        guest.gain_db = db
        self._on_change()

    def levels(self) -> dict[str, MeterLevels]:
        """Each guest's level as the program hears them (after the fader), by guest id."""
        return {g.id: g.meter.levels() for g in self._order if not g.gone}

    def guests(self) -> list[GuestInfo]:
        return [g.info() for g in self._order]

    def close(self) -> None:
        """Disconnect everyone and stop the loop thread."""
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._close_all(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    # --- the program's side --------------------------------------------------------------------

    def pictures(self) -> list[GuestPicture]:
        """Each guest's newest picture (BGR), for the compositor; from the render thread."""
        now = self._clock()
        out = []
        for guest in self._order:
            frame = guest.frame
            image: Image | None = None
            if frame is not None:
                cached = guest.picture
                if cached is not None and cached[0] is frame:
                    image = cached[1]
                else:
                    image = _bgr(frame)
                    guest.picture = (frame, image)
            out.append(GuestPicture(guest.id, guest.name, image, now - guest.frame_at))
        return out

    def mix(self, host: Samples) -> Samples:
        """The program block: ``host`` plus every guest; each guest is sent its mix-minus. From
        the program's audio thread."""
        guests = [g for g in self._order if not g.gone]
        if not guests:
            return host
        blocks = [(g.audio.read(host.shape[0]), 0.0 if g.muted else db_to_gain(g.gain_db)) for g in guests]
        for guest, (block, gain) in zip(guests, blocks, strict=True):
            guest.meter.process(block * np.float32(gain))  # what the program hears of the guest
        mixed: Mixed = mix(host, blocks)
        for guest, minus in zip(guests, mixed.minus, strict=True):
            if guest.return_audio is not None:
                guest.return_audio.feed(minus)
        return mixed.program

    # --- the loop's side -----------------------------------------------------------------------

    async def _accept(self, guest_id: str, name: str, offer_sdp: str) -> str:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=self._ice_servers))
        guest = _Guest(guest_id, name, pc, self.channels, self.sample_rate, self._clock())

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            pump = self._pump_video if track.kind == "video" else self._pump_audio
            guest.tasks.append(asyncio.ensure_future(pump(guest, track)))

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed"):
                await self._remove(guest.id, f"connection {pc.connectionState}", report=True)

        try:
            await pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
            kinds = {t.kind for t in pc.getTransceivers()}
            if "video" not in kinds and "audio" not in kinds:
                raise CohostError("the offer has neither video nor audio to send")
            if offer_wants_audio_back(offer_sdp):
                guest.return_audio = _ReturnAudio(self._loop, self.sample_rate, self.channels)
                pc.addTrack(guest.return_audio)
            await pc.setLocalDescription(await pc.createAnswer())
        except CohostError:
            await pc.close()
            raise
        except Exception as exc:  # aiortc's errors for offers it cannot take
            await pc.close()
            raise CohostError(f"the studio cannot use this offer: {exc}") from exc
        with self._lock:
            self._guests[guest_id] = guest
            self._order = (*self._order, guest)
        self._on_change()
        log.info("co-host %s (%s) accepted", name, guest_id)
        return str(pc.localDescription.sdp)

    async def _pump_video(self, guest: _Guest, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                assert isinstance(frame, av.VideoFrame)
                first = guest.frames == 0
                guest.frame, guest.frame_at = frame, self._clock()
                guest.last_media = guest.frame_at
                guest.got_media = True
                guest.frames += 1
                if first:
                    self._on_change()

    async def _pump_audio(self, guest: _Guest, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                assert isinstance(frame, av.AudioFrame)
                guest.last_media = self._clock()
                guest.got_media = True
                guest.audio.write(_samples(frame, self.channels))

    async def _remove(self, guest_id: str, reason: str, *, report: bool) -> bool:
        with self._lock:
            guest = self._guests.pop(guest_id, None)
            if guest is None:
                return False
            guest.gone = True
            self._order = tuple(g for g in self._order if g is not guest)
        for task in guest.tasks:
            task.cancel()
        with contextlib.suppress(Exception):
            await guest.pc.close()
        log.info("co-host %s (%s) removed: %s", guest.name, guest_id, reason)
        self._on_change()
        if report:
            self._on_gone(guest_id, reason)
        return True

    async def _watch(self) -> None:
        """Drop guests from whom nothing has arrived for ``drop_after`` seconds (``connect_timeout``
        before their first media: ICE and DTLS take a moment)."""
        while True:
            await asyncio.sleep(0.25)
            now = self._clock()
            for guest in list(self._order):
                silent = now - guest.last_media
                if guest.got_media and silent > self.drop_after:
                    await self._remove(guest.id, f"no media for {silent:.1f} s (connection lost)", report=True)
                elif not guest.got_media and silent > self.connect_timeout:
                    await self._remove(guest.id, f"not connected after {silent:.0f} s", report=True)

    async def _close_all(self) -> None:
        self._watchdog.cancel()
        for guest_id in list(self._guests):
            await self._remove(guest_id, "studio closed", report=False)


def _bgr(frame: av.VideoFrame) -> Image:
    """A decoded frame as a BGR picture (I420 → BGR by OpenCV, which is faster than swscale)."""
    if frame.format.name == "yuv420p" and frame.width % 2 == 0 and frame.height % 2 == 0:
        i420 = frame.to_ndarray(format="yuv420p")
        return np.asarray(cv2.cvtColor(i420, cv2.COLOR_YUV2BGR_I420), np.uint8)
    return np.asarray(frame.to_ndarray(format="bgr24"), np.uint8)


def _samples(frame: av.AudioFrame, channels: int) -> Samples:
    """A decoded audio frame as (N, channels) float32."""
    data = frame.to_ndarray()
    data = data.T if frame.format.is_planar else data.reshape(-1, len(frame.layout.channels))
    block = data.astype(np.float32) / (32768.0 if data.dtype == np.int16 else 1.0)
    if block.shape[1] == channels:
        return block
    if block.shape[1] == 1:
        return np.repeat(block, channels, axis=1)
    return block[:, :channels]
