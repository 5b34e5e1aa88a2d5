"""The realtime sample stream's wire format: studio → relay, one WebSocket per broadcast.

The studio sends the top rung's H.264 access units as the encoder makes them and the program sound
as Opus packets (20 ms), so the relay can hand them to WebRTC viewers (WHEP) without waiting for an
LL-HLS part. The relay imports this module to read what :mod:`pipeline.outputs.realtime_push` writes.

One text message first, the hello (JSON)::

    {"type": "hello", "version": 1, "stream_id": "20261126-101500-a1b2c3",
     "video": {"codec": "h264", "clock": 90000, "width": 1280, "height": 720},
     "audio": {"codec": "opus", "clock": 48000, "channels": 2}}

then one binary message per access unit or packet: a 12-byte header and the payload::

    u8 version (1) | u8 kind (1 video, 2 audio) | u8 flags (bit 0: keyframe) | u8 0 | i64 pts, big endian

``pts`` counts the track's clock (90 kHz video, 48 kHz audio) from the broadcast's first frame. Video
payloads are Annex B (start codes), with SPS and PPS in front of every IDR picture, so any unit that
is a keyframe can start a decoder; audio payloads are single Opus packets. The studio ends a finished
broadcast with close code 1000; any other close is an interruption (the relay keeps its viewers for
a while, waiting for the studio to reconnect).
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass

VERSION = 1
VIDEO = 1
AUDIO = 2
KEYFRAME = 0x01
HEADER = struct.Struct(">BBBxq")
VIDEO_CLOCK = 90_000
AUDIO_CLOCK = 48_000
MAX_PAYLOAD = 4 * 1024 * 1024
"""Largest access unit accepted (a 1080p IDR picture at broadcast rates is well under 1 MiB)."""

_STREAM_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class WireError(ValueError):
    """A message that does not follow this format; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Hello:
    stream_id: str
    width: int
    height: int
    channels: int

    def to_json(self) -> str:
        return json.dumps(
            {
                "type": "hello",
                "version": VERSION,
                "stream_id": self.stream_id,
                "video": {"codec": "h264", "clock": VIDEO_CLOCK, "width": self.width, "height": self.height},
                "audio": {"codec": "opus", "clock": AUDIO_CLOCK, "channels": self.channels},
            }
        )

    @classmethod
    def parse(cls, text: str) -> Hello:
        try:
            data = json.loads(text)
        except ValueError:
            raise WireError("the hello is not JSON") from None
        if not isinstance(data, dict) or data.get("type") != "hello":
            raise WireError('the first message must be {"type": "hello", ...}')
        if data.get("version") != VERSION:
            raise WireError(f"realtime stream version {data.get('version')!r} is not supported (this relay speaks 1)")
        stream_id = data.get("stream_id")
        if not isinstance(stream_id, str) or not _STREAM_ID.fullmatch(stream_id):
            raise WireError("stream_id must be 1-64 letters, digits, '-' or '_'")
        video, audio = data.get("video"), data.get("audio")
        if not isinstance(video, dict) or video.get("codec") != "h264" or video.get("clock") != VIDEO_CLOCK:
            raise WireError(f'video must be {{"codec": "h264", "clock": {VIDEO_CLOCK}, ...}}')
        if not isinstance(audio, dict) or audio.get("codec") != "opus" or audio.get("clock") != AUDIO_CLOCK:
            raise WireError(f'audio must be {{"codec": "opus", "clock": {AUDIO_CLOCK}, ...}}')
        width, height, channels = video.get("width"), video.get("height"), audio.get("channels")
        if not isinstance(width, int) or not isinstance(height, int) or not _size_ok(width, height):
            raise WireError("video width and height must be whole numbers, 16..7680 x 16..4320")
        if not isinstance(channels, int) or isinstance(channels, bool) or channels not in (1, 2):
            raise WireError("audio channels must be 1 or 2")
        return cls(stream_id, width, height, channels)


def _size_ok(width: int, height: int) -> bool:
    return not isinstance(width, bool) and not isinstance(height, bool) and 16 <= width <= 7680 and 16 <= height <= 4320


@dataclass(frozen=True, slots=True)
class MediaMessage:
    kind: int
    pts: int
    keyframe: bool
    payload: bytes


def pack(kind: int, pts: int, keyframe: bool, payload: bytes) -> bytes:
    return HEADER.pack(VERSION, kind, KEYFRAME if keyframe else 0, pts) + payload


def unpack(message: bytes) -> MediaMessage:
    if len(message) <= HEADER.size:
        raise WireError(f"a media message is a {HEADER.size}-byte header and a payload; got {len(message)} bytes")
    if len(message) - HEADER.size > MAX_PAYLOAD:
        raise WireError(f"a payload of {len(message) - HEADER.size} bytes is over the limit of {MAX_PAYLOAD}")
    version, kind, flags, pts = HEADER.unpack_from(message)
    if version != VERSION:
        raise WireError(f"media message version {version} is not supported (this relay speaks {VERSION})")
    if kind not in (VIDEO, AUDIO):
        raise WireError(f"media kind {kind} is unknown (1 is video, 2 is audio)")
    if flags & ~KEYFRAME:
        raise WireError(f"unknown flags 0x{flags:02x} (only bit 0, keyframe, is defined)")
    if pts < -(1 << 40) or pts > 1 << 50:
        raise WireError(f"pts {pts} is out of range")
    return MediaMessage(kind, pts, bool(flags & KEYFRAME), bytes(message[HEADER.size :]))
