"""A WHEP viewer for tests and benchmarks: aiortc, receive-only, no trickle ICE.

The relay under test must offer 127.0.0.1 (``--ice-host 127.0.0.1``); this process must too, since
aioice skips loopback: use :func:`loopback_ice` (a test fixture patches it for one test)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import aioice.ice
import av
import httpx
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

LOOPBACK = ["127.0.0.1"]


def loopback_hosts(use_ipv4: bool = True, use_ipv6: bool = True) -> list[str]:
    return LOOPBACK if use_ipv4 else []


def loopback_ice(setattr_: Callable[[Any, str, Any], None]) -> None:
    """Make this process's ICE offer 127.0.0.1 only (``setattr_`` is ``monkeypatch.setattr``)."""
    setattr_(aioice.ice, "get_host_addresses", loopback_hosts)


@dataclass
class Received:
    video: list[tuple[float, av.VideoFrame]] = field(default_factory=list)
    """(time.time() on arrival, decoded picture)."""
    audio: list[av.AudioFrame] = field(default_factory=list)


class WhepViewer:
    def __init__(self, endpoint: str, *, video: bool = True, audio: bool = True, clock: bool = False) -> None:
        self.endpoint = endpoint
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.ticks: list[tuple[float, float]] = []
        """(time.time() on arrival, the relay's ``t``) from the picture's clock channel (``clock=True``)."""
        if clock:
            channel = self.pc.createDataChannel("shopcast-clock", ordered=False, maxRetransmits=0)
            channel.on("message", lambda text: self.ticks.append((time.time(), json.loads(text)["t"])))
        if video:
            self.pc.addTransceiver("video", direction="recvonly")
        if audio:
            self.pc.addTransceiver("audio", direction="recvonly")
        self.tracks: dict[str, MediaStreamTrack] = {}
        self.pc.on("track", lambda track: self.tracks.__setitem__(track.kind, track))
        self.resource: str | None = None
        self.connected = asyncio.Event()

        @self.pc.on("connectionstatechange")
        def _state() -> None:
            if self.pc.connectionState == "connected":
                self.connected.set()

    async def offer(self) -> httpx.Response:
        """POST the offer; on 201 apply the answer. Returns the relay's response either way."""
        await self.pc.setLocalDescription(await self.pc.createOffer())
        async with httpx.AsyncClient(timeout=20) as client:
            response = await client.post(
                self.endpoint, content=self.pc.localDescription.sdp, headers={"Content-Type": "application/sdp"}
            )
        if response.status_code == 201:
            self.resource = urljoin(self.endpoint, response.headers["location"])
            await self.pc.setRemoteDescription(RTCSessionDescription(response.text, "answer"))
        return response

    async def receive(self, seconds: float, want: Callable[[Received], bool] | None = None) -> Received:
        """Decoded pictures and sound for ``seconds`` (or until ``want`` says enough)."""
        got = Received()
        deadline = time.monotonic() + seconds

        async def pull(kind: str) -> None:
            track = self.tracks.get(kind)
            if track is None:
                return
            while time.monotonic() < deadline and not (want and want(got)):
                try:
                    frame = await asyncio.wait_for(track.recv(), max(0.01, deadline - time.monotonic()))
                except (TimeoutError, MediaStreamError):
                    return
                if kind == "video":
                    got.video.append((time.time(), frame))
                else:
                    got.audio.append(frame)

        await asyncio.gather(pull("video"), pull("audio"))
        return got

    async def leave(self) -> int | None:
        """DELETE the session (its status), then close."""
        status = None
        if self.resource is not None:
            async with httpx.AsyncClient(timeout=10) as client:
                status = (await client.delete(self.resource)).status_code
        await self.pc.close()
        return status

    async def close(self) -> None:
        await self.pc.close()


CLOCK_PROBE_JS = """
([x, y, cell, programWidth]) => {
  // Reads the test pattern's clock code off every picture the <video> presents and keeps
  // (presentation time - coded time) in window.shopcastLatency. Needs /static/clock_code.js.
  const video = document.getElementById("video");
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  window.shopcastLatency = [];
  function sample(now, meta) {
    const width = video.videoWidth;
    if (width) {
      const scale = width / programWidth;
      const c = cell * scale;
      canvas.width = Math.ceil(ClockCode.CELLS * c) + 2;
      canvas.height = Math.ceil(c) + 2;
      const [w, h] = [canvas.width, canvas.height];
      ctx.drawImage(video, x * scale - 1, y * scale - 1, w, h, 0, 0, w, h);
      const ms = ClockCode.read(ctx.getImageData(0, 0, canvas.width, canvas.height), 1, 1, c);
      const shown = meta && meta.expectedDisplayTime ? performance.timeOrigin + meta.expectedDisplayTime : Date.now();
      if (ms !== null) window.shopcastLatency.push(shown - ms);
    }
    video.requestVideoFrameCallback(sample);
  }
  video.requestVideoFrameCallback(sample);
  return true;
}
"""
"""Pass ``[x, y, cell, width]`` from the program's ``TestPattern(width, height).clock_code_box()``."""
