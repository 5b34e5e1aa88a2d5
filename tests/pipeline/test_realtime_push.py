"""The realtime sample stream's studio side: the wire format, Annex B and Opus, and RealtimePush against
a WebSocket server standing in for the relay (slow, dropping, refusing)."""

from __future__ import annotations

import itertools
import json
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from pipeline.broadcast import Broadcast, BroadcastSettings
from pipeline.clock import SystemClock
from pipeline.encoders import STANDARD_RUNGS
from pipeline.fmp4 import VideoTrack, split_annexb
from pipeline.frames import AudioChunk, EncodedSample, Samples, VideoFrame
from pipeline.outputs import FolderOutput
from pipeline.outputs.http_push import RetryPolicy
from pipeline.outputs.realtime_push import OPUS_FRAME, OpusEncoder, RealtimePush, annexb
from pipeline.outputs.realtime_wire import AUDIO, VIDEO, Hello, WireError, pack, unpack
from pipeline.sources import FrameTime, TestPattern
from pipeline.sources.audio import ToneSource
from tests.helpers.tracks import VIDEO as TRACK
from tests.helpers.waiting import wait_until

KEY = "stream-key-123"


def avcc(nal_type: int, size: int) -> bytes:
    nal = bytes([0x60 | nal_type]) + bytes(size - 1)
    return struct.pack(">I", len(nal)) + nal


def sample(n: int, size: int = 200, every: int = 30) -> EncodedSample:
    """Picture ``n`` at 30 fps, a keyframe every ``every`` pictures."""
    key = n % every == 0
    return EncodedSample(avcc(5 if key else 1, size), n * 3000, n * 3000, key)


# --- format ---------------------------------------------------------------------------------------


def test_wire_messages_round_trip_and_broken_ones_are_refused_with_the_reason() -> None:
    message = unpack(pack(VIDEO, 123_456, True, b"\x00\x00\x00\x01\x65"))
    assert (message.kind, message.pts, message.keyframe, message.payload) == (
        VIDEO,
        123_456,
        True,
        b"\x00\x00\x00\x01\x65",
    )
    assert unpack(pack(AUDIO, -312, False, b"op")).pts == -312
    with pytest.raises(WireError, match="12-byte header and a payload"):
        unpack(pack(VIDEO, 0, True, b""))
    with pytest.raises(WireError, match="version 9"):
        unpack(b"\x09" + pack(VIDEO, 0, True, b"x")[1:])
    with pytest.raises(WireError, match="kind 7"):
        unpack(b"\x01\x07" + pack(VIDEO, 0, True, b"x")[2:])
    with pytest.raises(WireError, match="flags 0x80"):
        unpack(b"\x01\x01\x80" + pack(VIDEO, 0, True, b"x")[3:])

    hello = Hello("20261126-101500-a1b2c3", 1280, 720, 2)
    assert Hello.parse(hello.to_json()) == hello
    for text, problem in [
        ("not json", "not JSON"),
        ('{"type": "bye"}', "first message must be"),
        (hello.to_json().replace('"version": 1', '"version": 2'), "version 2"),
        (hello.to_json().replace("20261126-101500-a1b2c3", "../x"), "stream_id"),
        (hello.to_json().replace('"h264"', '"vp8"'), "video must be"),
        (hello.to_json().replace('"width": 1280', '"width": true'), "width and height"),
        (hello.to_json().replace('"channels": 2', '"channels": 6'), "channels must be 1 or 2"),
    ]:
        with pytest.raises(WireError, match=problem):
            Hello.parse(text)


def test_annexb_puts_the_parameter_sets_before_idr_pictures_only() -> None:
    key = annexb(EncodedSample(avcc(5, 10) + avcc(5, 6), 0, 0, True), TRACK)
    assert [n[0] & 0x1F for n in split_annexb(key)] == [7, 8, 5, 5]
    assert key.startswith(b"\x00\x00\x00\x01" + TRACK.sps[0] + b"\x00\x00\x00\x01" + TRACK.pps[0])
    other = annexb(EncodedSample(avcc(1, 10), 3000, 3000, False), TRACK)
    assert [n[0] & 0x1F for n in split_annexb(other)] == [1]


def test_opus_packets_are_20_ms_decode_to_the_tone_and_a_hole_starts_a_new_run() -> None:
    encoder = OpusEncoder(2)
    tone = ToneSource(48000, 2)
    packets: list[tuple[int, bytes]] = []
    for position in range(0, 48000, 1024):  # the program's 1024-sample blocks
        packets += encoder.encode(tone.read(1024, position), position)
    assert packets[0][0] == 0 and len(packets) == 48000 // OPUS_FRAME
    steps = {b[0] - a[0] for a, b in itertools.pairwise(packets)}
    assert steps == {OPUS_FRAME}
    decoder = av.CodecContext.create("libopus", "r")
    decoder.sample_rate, decoder.layout = 48000, "stereo"
    sound = []
    for _, data in packets:
        for frame in decoder.decode(av.Packet(data)):
            assert frame.samples == OPUS_FRAME
            sound.append(frame.to_ndarray().reshape(-1, 2) if frame.format.is_packed else frame.to_ndarray().T)
    wave = np.concatenate(sound)[:, 0][4800:]  # past the decoder's start-up
    spectrum = np.abs(np.fft.rfft(wave * np.hanning(len(wave))))
    assert abs(np.argmax(spectrum) * 48000 / len(wave) - 440) < 10, "the 440 Hz tone comes through"

    # Blocks were dropped (the link was slow): the leftover samples are not joined across the hole.
    after = [pts for p in (96_000, 97_024) for pts, _ in encoder.encode(tone.read(1024, p), p)]
    assert after == [96_000, 96_000 + OPUS_FRAME]


def test_a_broadcast_hands_its_taps_the_top_rungs_samples_and_the_sound(tmp_path: Path) -> None:
    @dataclass
    class Tap:
        video: list[tuple[int, EncodedSample]] = field(default_factory=list)
        audio: list[int] = field(default_factory=list)

        def video_sample(self, track: VideoTrack, sample: EncodedSample) -> None:
            self.video.append((track.width, sample))

        def audio_chunk(self, samples: Samples, position: int, sample_rate: int) -> None:
            self.audio.append(position)

    tap = Tap()
    settings = BroadcastSettings(
        rungs=(STANDARD_RUNGS["480p"], STANDARD_RUNGS["240p"]), preset="ultrafast", queue_frames=1000
    )
    broadcast = Broadcast(settings, [FolderOutput(tmp_path)], SystemClock(), stream_id="s", taps=[tap])
    broadcast.start()
    pattern, tone = TestPattern(854, 480), ToneSource(48000, 2)
    for n in range(15, 45):  # the program was already running: timestamps restart at the broadcast
        broadcast.push_video(VideoFrame(pattern.read(FrameTime(n, n / 30, n / 30)), n, Fraction(1, 30), n / 30))
        broadcast.push_audio(AudioChunk(tone.read(1024, n * 1600), n * 1600, 48000))
    broadcast.stop()
    assert {width for width, _ in tap.video} == {854}, "only the top rung"
    assert [s.pts for _, s in tap.video] == [n * 3000 for n in range(30)]
    assert tap.video[0][1].keyframe
    assert tap.audio[0] == 0 and tap.audio == [n * 1600 for n in range(30)]


# --- RealtimePush against a stand-in relay --------------------------------------------------------


@dataclass
class FakeRelay:
    server: Server
    url: str
    messages: list[Any] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    stall: threading.Event = field(default_factory=threading.Event)
    drop_after: int | None = None
    refuse: int | None = None
    connections: int = 0


@contextmanager
def fake_relay() -> Iterator[FakeRelay]:
    holder: list[FakeRelay] = []

    def check(connection: ServerConnection, request: Request) -> Response | None:
        relay = holder[0]
        relay.headers.append(request.headers.get("Authorization", ""))
        if relay.refuse is not None:
            body = json.dumps({"error": "unauthorized", "message": "the stream key for room 'r' is wrong"})
            return connection.respond(relay.refuse, body)
        return None

    def handler(connection: ServerConnection) -> None:
        relay = holder[0]
        relay.connections += 1
        count = 0
        try:
            for message in connection:
                while relay.stall.is_set():
                    time.sleep(0.02)
                relay.messages.append(message)
                count += 1
                if relay.drop_after is not None and count >= relay.drop_after:
                    relay.drop_after = None
                    connection.close(1011, "gone")
                    return
        except ConnectionClosed:
            pass

    server = serve(handler, "127.0.0.1", 0, process_request=check, compression=None, max_size=None)
    port = server.socket.getsockname()[1]
    holder.append(FakeRelay(server, f"ws://127.0.0.1:{port}/api/v1/rooms/r/realtime-ingest"))
    thread = threading.Thread(target=server.serve_forever, name="test-fake-relay", daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        thread.join(5)


def push_to(relay: FakeRelay, **options: Any) -> RealtimePush:
    return RealtimePush(
        relay.url, KEY, "s1", width=640, height=360, retry=RetryPolicy(initial=0.05, maximum=0.2), **options
    )


def media(relay: FakeRelay) -> list[Any]:
    return [unpack(m) for m in relay.messages if isinstance(m, bytes)]


def test_the_stream_starts_with_a_hello_then_sends_media_from_a_keyframe() -> None:
    with fake_relay() as relay:
        push = push_to(relay)
        try:
            wait_until(lambda: push.connections == 1, 5, "the push to connect")
            for n in range(25, 65):  # joins mid-GOP: pictures before the keyframe at 30 cannot start a decoder
                push.video_sample(TRACK, sample(n))
                push.audio_chunk(np.zeros((960, 2), np.float32), n * 960, 48000)
            wait_until(lambda: len([m for m in media(relay) if m.kind == VIDEO]) == 35, 5, "35 pictures")
        finally:
            report = push.close(5)
        assert relay.headers == [f"Bearer {KEY}"]
        assert Hello.parse(relay.messages[0]) == Hello("s1", 640, 360, 2)
        video = [m for m in media(relay) if m.kind == VIDEO]
        assert video[0].keyframe and video[0].pts == 30 * 3000
        assert [n[0] & 0x1F for n in split_annexb(video[0].payload)] == [7, 8, 5]
        assert [m.pts for m in video] == [n * 3000 for n in range(30, 65)]
        assert len([m for m in media(relay) if m.kind == AUDIO]) >= 30
        assert push.dropped_video == 5  # 25..29
        assert report.complete and "sent 35 pictures" in report.message


def test_a_slow_relay_never_holds_up_the_encoder_and_the_stream_resumes_at_a_keyframe() -> None:
    with fake_relay() as relay:
        push = push_to(relay, max_lag=0.2)
        try:
            wait_until(lambda: push.connections == 1, 5, "the push to connect")
            relay.stall.set()  # the relay stops reading: the socket's buffers fill, then the sender blocks
            slowest = 0.0
            for n in range(300):
                started = time.perf_counter()
                push.video_sample(TRACK, sample(n, size=150_000, every=30))
                slowest = max(slowest, time.perf_counter() - started)
                time.sleep(0.01)
            assert slowest < 0.1, f"a call took {slowest * 1000:.0f} ms: the encoder thread was held up"
            assert push.dropped_video > 0
            assert push.stats().dropped_files == push.dropped_video
            relay.stall.clear()
            for n in range(300, 400):
                push.video_sample(TRACK, sample(n, size=1000))
                time.sleep(0.005)
            wait_until(lambda: media(relay) and media(relay)[-1].pts == 399 * 3000, 10, "the stream to catch up")
        finally:
            push.close(5)
        video = [m for m in media(relay) if m.kind == VIDEO]
        for before, after in itertools.pairwise(video):
            if after.pts != before.pts + 3000:
                assert after.keyframe, f"after the hole at {before.pts} the stream went on without a keyframe"
        assert len(video) + push.dropped_video == 400


def test_the_push_reconnects_after_the_relay_drops_it_and_starts_again_at_a_keyframe() -> None:
    with fake_relay() as relay:
        relay.drop_after = 20  # the hello and 19 pictures, then the relay closes
        push = push_to(relay)
        try:
            wait_until(lambda: push.connections == 1, 5, "the push to connect")
            for n in range(200):
                push.video_sample(TRACK, sample(n, every=60))
                time.sleep(0.01)
            wait_until(lambda: push.connections == 2, 5, "a second connection")
            assert push.stats().retries >= 1
        finally:
            push.close(5)
        hellos = [i for i, m in enumerate(relay.messages) if isinstance(m, str)]
        assert len(hellos) == 2
        after = unpack(relay.messages[hellos[1] + 1])
        assert after.keyframe and after.pts % (60 * 3000) == 0


def test_a_refused_key_stops_the_push_with_the_relays_message() -> None:
    with fake_relay() as relay:
        relay.refuse = 401
        push = push_to(relay)
        try:
            wait_until(lambda: push.stats().state == "failed", 5, "the push to give up")
            stats = push.stats()
            assert stats.last_error == (
                "the relay refused the realtime stream: HTTP 401 (the stream key for room 'r' is wrong)"
            )
            push.video_sample(TRACK, sample(0))  # still harmless to feed
        finally:
            report = push.close(5)
        assert relay.connections == 0
        assert "HTTP 401" in report.message


def test_a_404_for_a_while_is_retried_and_one_that_lasts_stops_the_push() -> None:
    """A proxy restarted in front of the relay answers 404 until its upstream is back: retried, not
    given up on; a 404 that outlasts the grace (the room is not there) stops it, saying so."""
    with fake_relay() as relay:
        relay.refuse = 404
        push = push_to(relay)
        try:
            wait_until(lambda: push.stats().retries >= 3, 5, "retries through the 404s")
            assert push.stats().state == "retrying"
            relay.refuse = None
            wait_until(lambda: push.connections == 1, 5, "the push to connect once the relay is back")
        finally:
            push.close(5)
    with fake_relay() as relay:
        relay.refuse = 404
        push = push_to(relay, not_found_grace=0.5)
        try:
            started = time.monotonic()
            wait_until(lambda: push.stats().state == "failed", 5, "the push to give up")
            assert time.monotonic() - started >= 0.5
            assert "HTTP 404" in (push.stats().last_error or "") and "still after" in (push.stats().last_error or "")
        finally:
            push.close(5)


def test_only_websocket_urls_and_48_khz_sound_are_accepted() -> None:
    with pytest.raises(ValueError, match="ws:// or wss://"):
        RealtimePush("http://relay/x", KEY, "s", width=640, height=360)
    with pytest.raises(ValueError, match="48 kHz"):
        RealtimePush("ws://relay/x", KEY, "s", width=640, height=360, sample_rate=44100)
