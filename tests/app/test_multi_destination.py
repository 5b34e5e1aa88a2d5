"""One broadcast, many destinations: the relay, a recording and RTMP ingests (real nginx-rtmp servers).

A destination that dies mid-stream is that destination's problem only: the relay's stream, the
recording and the other RTMP ingest carry on complete.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.outputs import OutputStats
from tests.helpers.fakes import FakeDevices
from tests.helpers.media import ffprobe, parse_media_playlist
from tests.helpers.nginx_rtmp import NginxRtmp
from tests.helpers.relay import RelayProcess
from tests.helpers.waiting import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def ingests(tmp_path: Path) -> Iterator[tuple[NginxRtmp, NginxRtmp]]:
    first, second = NginxRtmp(tmp_path / "rtmp-a").start(), NginxRtmp(tmp_path / "rtmp-b").start()
    yield first, second
    first.stop()
    second.stop()


def decoded_seconds(path: Path) -> float:
    """Seconds of video ffmpeg decodes from ``path`` without an error."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-f", "null", "-"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    return float(ffprobe(path, "-show_format")["format"]["duration"])


def test_rtmp_push_is_readable_back_from_nginx_at_the_top_rung(
    ingests: tuple[NginxRtmp, NginxRtmp], no_devices: FakeDevices, tmp_path: Path
) -> None:
    nginx, _ = ingests
    config = SessionConfig(
        source="test", mic="tone", broadcast=BroadcastSettings(preset="ultrafast"),
        rtmp_urls=(nginx.url("show"),),
    )  # fmt: skip
    session = StudioSession(config, devices=no_devices)
    session.start()
    try:
        session.go_live_now()
        wait_until(lambda: nginx.recorded("show").exists() and nginx.recorded("show").stat().st_size > 150_000, 30,
                 "nginx to receive the stream")  # fmt: skip
        live = ffprobe(nginx.url("show"), "-show_streams", "-rw_timeout", "10000000")
        video = next(s for s in live["streams"] if s["codec_type"] == "video")
        audio = next(s for s in live["streams"] if s["codec_type"] == "audio")
        assert (video["codec_name"], video["width"], video["height"]) == ("h264", 720, 1280)  # the portrait top rung
        assert (audio["codec_name"], audio["sample_rate"]) == ("aac", "48000")
        rtmp = next(o for o in session.stats().broadcast.outputs if o.name.startswith("rtmp"))  # type: ignore[union-attr]
        assert rtmp.state == "ok" and rtmp.sent_files > 0
        assert "show" not in rtmp.name, "the stream key is not shown"
        report = session.end_live_now()
    finally:
        session.close()
    assert report.complete, [r.message for r in report.outputs]


def test_killing_one_rtmp_destination_leaves_the_relay_the_recording_and_the_other_intact(
    ingests: tuple[NginxRtmp, NginxRtmp], relay: RelayProcess, no_devices: FakeDevices, tmp_path: Path
) -> None:
    steady, doomed = ingests
    room = relay.create_room("multi", "Multi")
    config = SessionConfig(
        source="test", mic="tone", broadcast=BroadcastSettings(preset="ultrafast"),
        relay=ExternalRelay(relay.url, room["room"], room["stream_key"]),
        recording_dir=tmp_path / "recordings", rtmp_urls=(steady.url("a"), doomed.url("b")),
    )  # fmt: skip
    session = StudioSession(config, devices=no_devices)
    session.start()
    try:
        session.go_live_now()
        wait_until(lambda: doomed.recorded("b").exists() and doomed.recorded("b").stat().st_size > 100_000, 30,
                 "both ingests to receive the stream")  # fmt: skip
        doomed.kill()

        def dead_output() -> OutputStats:
            return next(o for o in session.stats().broadcast.outputs if str(doomed.port) in o.name)  # type: ignore[union-attr]

        wait_until(lambda: dead_output().state == "retrying" and dead_output().retry_in is not None, 10,
                 "the dead ingest to be noticed, with a reconnect countdown")  # fmt: skip
        time.sleep(4)  # the show goes on
        outputs = {o.name: o for o in session.stats().broadcast.outputs}  # type: ignore[union-attr]
        dead = next(o for name, o in outputs.items() if str(doomed.port) in name)
        alive = next(o for name, o in outputs.items() if str(steady.port) in name)
        assert dead.state in ("retrying", "connecting") and dead.retries >= 1
        assert "Connection refused" in (dead.last_error or "") or "Broken pipe" in (dead.last_error or "")
        assert "/live/b" not in (dead.last_error or ""), "the stream key is not shown"
        assert alive.state == "ok" and outputs["relay"].state == "ok" and outputs["recording"].state == "ok"
        stats = session.stats().broadcast
        assert stats is not None and stats.frames_skipped <= 5, "a dead destination does not slow the encoders"
        report = session.end_live_now()
    finally:
        session.close()
    by_name = {r.name: r for r in report.outputs}
    assert by_name["relay"].complete and by_name["recording"].complete
    assert by_name[alive.name].complete, by_name[alive.name].message
    assert not by_name[dead.name].complete
    # The relay has every segment, numbered without a gap, and the stream ended.
    stream = next((relay.data_dir / "media" / "multi").glob("*/720p/index.m3u8"))
    playlist = parse_media_playlist(stream.read_text())
    assert playlist["ended"]
    numbers = sorted(int(p.name[4:10]) for p in stream.parent.glob("seg_[0-9][0-9][0-9][0-9][0-9][0-9].m4s"))
    assert numbers == list(range(len(numbers))) and len(numbers) >= 6
    # The recording and the surviving ingest decode from start to end.
    recording = next((tmp_path / "recordings").glob("shopcast-*.mp4"))
    recorded = decoded_seconds(recording)
    assert recorded >= len(numbers) - 1.5
    steady.stop()
    assert decoded_seconds(steady.recorded("a")) >= recorded - 2.0
