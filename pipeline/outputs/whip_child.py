"""The WHIP pusher process: a fragmented MP4 stream on stdin → WebRTC (WHIP, RFC 9725), video not re-encoded.

    SHOPCAST_WHIP_URL=https://host/whip/endpoint SHOPCAST_WHIP_TOKEN=… \
        python pipeline/outputs/whip_child.py [--ice-host 127.0.0.1 ...] < stream.mp4

The endpoint and the bearer token (if any) come from the environment, never the command line, which
any user of the machine can read (an endpoint may carry a token in its query); a URL given as the
first argument is still taken, for trying the child by hand.

Started by :class:`pipeline.outputs.whip.WhipOutput`, one per destination. The H.264 track goes out
as it was encoded (AVCC → Annex B with SPS/PPS before every IDR, then RTP packetisation by aiortc);
the AAC track is decoded and sent as Opus, the one codec every WebRTC receiver takes. Packets leave
at their media pace (not in bursts as the fragments arrive). Exchange: POST the SDP offer with
``Content-Type: application/sdp`` → ``201 Created`` with the answer and a ``Location``; at the end
the session is deleted with ``DELETE Location``.

Prints ``connected`` on stdout once ICE and DTLS are up; on failure prints one line on stderr saying
why and exits non-zero (3 bad input, 4 the endpoint refused, 5 the connection failed). Imports PyAV,
aiortc and httpx, nothing of ours.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import threading
import time
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import av
import httpx
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError

CONNECT_TIMEOUT = 15.0
END = object()


def redact(url: str) -> str:
    """The URL without its query (tokens often ride there) or credentials."""
    parts = urlsplit(url)
    netloc = f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class _Pipe:
    """stdin for libavformat: ``read`` returns what is there (a fragment as soon as it arrives)
    instead of waiting to fill the buffer."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self, size: int) -> bytes:
        return os.read(self.fd, size)


class _Pacer:
    """One wall-clock origin for both tracks: a packet leaves when its media time is due."""

    def __init__(self) -> None:
        self.origin: tuple[float, float] | None = None

    async def wait(self, media_seconds: float) -> None:
        now = time.monotonic()
        if self.origin is None:
            self.origin = (now, media_seconds)
        due = self.origin[0] + media_seconds - self.origin[1]
        if due > now:
            await asyncio.sleep(due - now)


class _Track(MediaStreamTrack):
    def __init__(self, kind: str, pacer: _Pacer) -> None:
        super().__init__()
        self.kind = kind
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.pacer = pacer

    async def recv(self) -> Any:
        item = await self.queue.get()
        if item is END:
            self.stop()
            raise MediaStreamError
        media_seconds, payload = item
        await self.pacer.wait(media_seconds)
        return payload


def _demux(loop: asyncio.AbstractEventLoop, video: _Track, audio: _Track, failed: list[str]) -> None:
    """Reads stdin on its own thread (libavformat blocks) and feeds the tracks."""
    try:
        source = av.open(_Pipe(sys.stdin.fileno()), mode="r", format="mp4")
        if not source.streams.video:
            raise ValueError("the stream has no video track")
        vstream = source.streams.video[0]
        astream = source.streams.audio[0] if source.streams.audio else None
        annexb = av.BitStreamFilterContext("h264_mp4toannexb", vstream)
        resampler = av.AudioResampler(format="s16", layout="stereo", rate=48_000)
        decoder = astream.codec_context if astream is not None else None
        for packet in source.demux():
            if packet.dts is None or packet.pts is None:
                continue
            if packet.stream is vstream:
                time_base = packet.time_base
                for out in annexb.filter(packet):
                    out.time_base = time_base
                    seconds = float(out.pts * time_base) if out.pts is not None else 0.0
                    loop.call_soon_threadsafe(video.queue.put_nowait, (seconds, out))
            elif decoder is not None and packet.stream is astream:
                for frame in decoder.decode(packet):
                    seconds = float(frame.pts * frame.time_base) if frame.pts is not None and frame.time_base else 0.0
                    for chunk in resampler.resample(frame):
                        loop.call_soon_threadsafe(audio.queue.put_nowait, (seconds, chunk))
    except (av.FFmpegError, ValueError, OSError) as exc:
        failed.append(f"cannot read the stream: {exc}")
    finally:
        loop.call_soon_threadsafe(video.queue.put_nowait, END)
        loop.call_soon_threadsafe(audio.queue.put_nowait, END)


async def push(url: str, token: str | None) -> int:
    shown = redact(url)
    pacer = _Pacer()
    video, audio = _Track("video", pacer), _Track("audio", pacer)
    pc = RTCPeerConnection()
    pc.addTransceiver(video, direction="sendonly")
    pc.addTransceiver(audio, direction="sendonly")
    connected = asyncio.Event()
    broken: list[str] = []
    closing = False

    @pc.on("connectionstatechange")
    def _state() -> None:
        if pc.connectionState == "connected":
            connected.set()
        elif pc.connectionState in ("failed", "closed") and not broken and not closing:
            broken.append(f"the WebRTC connection {pc.connectionState}")
            connected.set()

    headers = {"Content-Type": "application/sdp"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(timeout=10.0) as client:
        await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers every candidate first
        try:
            reply = await client.post(url, content=pc.localDescription.sdp, headers=headers)
        except httpx.HTTPError as exc:
            print(f"cannot reach {shown}: {exc}", file=sys.stderr)
            await pc.close()
            return 4
        if reply.status_code != 201 or "application/sdp" not in reply.headers.get("content-type", ""):
            print(f"{shown} refused the stream: HTTP {reply.status_code} {reply.text[:200]!r}", file=sys.stderr)
            await pc.close()
            return 4
        resource = urljoin(url, reply.headers["location"]) if "location" in reply.headers else None
        try:
            await pc.setRemoteDescription(RTCSessionDescription(reply.text, "answer"))
            await asyncio.wait_for(connected.wait(), CONNECT_TIMEOUT)
        except (TimeoutError, ValueError) as exc:
            reason = broken[0] if broken else (str(exc) or f"not connected within {CONNECT_TIMEOUT:.0f} s")
            print(f"cannot connect to {shown}: {reason}", file=sys.stderr)
            await pc.close()
            return 5
        if broken:
            print(f"cannot connect to {shown}: {broken[0]}", file=sys.stderr)
            await pc.close()
            return 5
        print("connected", flush=True)

        failed: list[str] = []
        loop = asyncio.get_running_loop()
        reader = threading.Thread(target=_demux, args=(loop, video, audio, failed), daemon=True)
        reader.start()
        ended = asyncio.Event()
        video.on("ended", ended.set)
        while not ended.is_set() and not broken:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ended.wait(), 0.5)
        await asyncio.sleep(0.2)  # the last packets leave
        closing = True
        if resource is not None:
            with contextlib.suppress(httpx.HTTPError):
                await client.delete(resource, headers={k: v for k, v in headers.items() if k == "Authorization"})
        await pc.close()
    if broken:
        print(f"pushing to {shown} failed: {broken[0]}", file=sys.stderr)
        return 5
    if failed:
        print(failed[0], file=sys.stderr)
        return 3
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="fragmented MP4 on stdin → WHIP")
    parser.add_argument(
        "url", nargs="?", default=os.environ.get("SHOPCAST_WHIP_URL"), help="(default: $SHOPCAST_WHIP_URL)"
    )
    parser.add_argument("--ice-host", action="append", default=[], help="gather ICE candidates on these addresses only")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("no endpoint: set SHOPCAST_WHIP_URL")
    if args.ice_host:
        import aioice.ice

        hosts: list[str] = list(args.ice_host)

        def only(use_ipv4: bool = True, use_ipv6: bool = False) -> list[str]:
            return hosts

        aioice.ice.get_host_addresses = only
    return asyncio.run(push(args.url, os.environ.get("SHOPCAST_WHIP_TOKEN") or None))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
