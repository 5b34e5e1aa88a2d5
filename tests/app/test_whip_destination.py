"""WHIP push to a WHIP server that is not our code: Debian's Janus gateway (libnice, OpenSSL DTLS,
libsrtp) behind a WHIP front end (tests/helpers/janus.py). What Janus recorded is read back with ffprobe.

And a WHIP endpoint that refuses the stream (a wrong bearer token) is that destination's problem only.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from app.session import StudioSession
from app.session_config import SessionConfig, WhipTarget
from pipeline.broadcast import BroadcastSettings
from pipeline.outputs import OutputStats
from tests.helpers.fakes import FakeDevices
from tests.helpers.janus import Janus
from tests.helpers.media import ffprobe
from tests.helpers.waiting import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def janus(tmp_path: Path) -> Iterator[Janus]:
    server = Janus(tmp_path / "janus").start()
    yield server
    server.stop()


def whip_output(session: StudioSession) -> OutputStats:
    stats = session.stats().broadcast
    assert stats is not None
    return next(o for o in stats.outputs if o.name.startswith("whip"))


def test_whip_push_is_received_by_janus_at_the_top_rung_with_opus_sound(
    janus: Janus, no_devices: FakeDevices, tmp_path: Path
) -> None:
    config = SessionConfig(
        source="test", mic="tone", broadcast=BroadcastSettings(preset="ultrafast"),
        whip_targets=(WhipTarget(janus.whip_url, token="sekret"),),
    )  # fmt: skip
    session = StudioSession(config, devices=no_devices)
    session.start()
    try:
        session.go_live_now()
        wait_until(lambda: whip_output(session).state == "ok", 20, "the WHIP session to connect")
        time.sleep(5)
        stats = whip_output(session)
        assert stats.sent_files >= 20 and stats.retries == 0, stats
        assert "sekret" not in repr(stats)
        report = session.end_live_now()
    finally:
        session.close()
    assert report.complete, [r.message for r in report.outputs]
    assert len(janus.publishers) == 1
    wait_until(lambda: janus.hung_up, 5, "the WHIP session to be deleted")
    assert janus.hung_up == janus.publishers, "the pusher ends its session with DELETE"
    files = janus.recordings(tmp_path / "received")
    assert set(files) == {"video", "audio"}, janus.log()[-2000:]
    video = ffprobe(files["video"], "-show_streams", "-count_frames")["streams"][0]
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 720, 1280)  # the portrait top rung
    assert int(video["nb_read_frames"]) >= 4 * 30, "at least 4 s of 30 fps arrived"
    audio = ffprobe(files["audio"], "-show_streams", "-show_format")
    assert audio["streams"][0]["codec_name"] == "opus"
    assert float(audio["format"]["duration"]) >= 4


class RefusingEndpoint:
    """A WHIP endpoint that wants a bearer token it is never given."""

    def __init__(self) -> None:
        self.port = 0
        self.attempts = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _refuse(self, request: web.Request) -> web.Response:
        self.attempts += 1
        assert request.headers.get("Authorization") == "Bearer wrong-token"
        return web.Response(status=401, text="invalid token")

    def _run(self) -> None:
        app = web.Application()
        app.router.add_post("/whip", self._refuse)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def __enter__(self) -> RefusingEndpoint:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def test_a_refusing_whip_endpoint_retries_with_its_reason_and_leaves_the_recording_whole(
    no_devices: FakeDevices, tmp_path: Path
) -> None:
    with RefusingEndpoint() as endpoint:
        config = SessionConfig(
            source="test", mic="tone", broadcast=BroadcastSettings(preset="ultrafast"),
            recording_dir=tmp_path / "rec",
            whip_targets=(WhipTarget(f"http://127.0.0.1:{endpoint.port}/whip", token="wrong-token"),),
        )  # fmt: skip
        session = StudioSession(config, devices=no_devices)
        session.start()
        try:
            session.go_live_now()
            wait_until(lambda: whip_output(session).retries >= 1, 20, "the refusal to be noticed")
            stats = whip_output(session)
            assert stats.state == "retrying" and stats.retry_in is not None
            assert "HTTP 401" in (stats.last_error or "") and "invalid token" in (stats.last_error or "")
            assert "wrong-token" not in repr(stats)
            time.sleep(3)
            broadcast = session.stats().broadcast
            assert broadcast is not None
            # Each retry starts a Python child (about a second of CPU on a 2-core machine): below OBS's
            # 5 % "skipped frames" alarm, the stream is fine.
            assert broadcast.frames_skipped <= 0.05 * broadcast.frames_in, broadcast
            report = session.end_live_now()
        finally:
            session.close()
    assert endpoint.attempts >= 1
    by_name = {r.name: r for r in report.outputs}
    assert by_name["recording"].complete
    recording = next((tmp_path / "rec").glob("shopcast-*.mp4"))
    assert float(ffprobe(recording, "-show_format")["format"]["duration"]) >= 3
