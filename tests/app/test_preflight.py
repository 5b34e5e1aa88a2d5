"""The pre-flight check before Go Live (app/preflight/) and the relay's endpoints it uses
(app/relay/ingest_check.py), against a real relay."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from app.preflight import (
    Check,
    Preflight,
    PreflightRow,
    UploadNeed,
    check_disk,
    check_encoder,
    check_relay,
    session_checks,
    upload_level,
)
from app.session import StudioSession
from app.session_config import ExternalRelay, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import parse_ladder
from pipeline.frames import Samples
from plugins.api import Text
from tests.helpers.fakes import FakeDevices, FakeMicrophone
from tests.helpers.relay import RelayProcess

SMALL = BroadcastSettings(rungs=parse_ladder("480p,360p"), preset="ultrafast")
NEED = UploadNeed(4_000_000, ((Text("2 rungs", "2 档画面"), 3_872_000), (Text("sound", "声音"), 128_000)))


def by_id(rows: list[PreflightRow]) -> dict[str, PreflightRow]:
    return {row.id: row for row in rows}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def room(shared_relay: RelayProcess) -> dict[str, str]:
    return shared_relay.create_room("preflight", "Pre-flight")


# --- the relay's endpoints -----------------------------------------------------------------------------


def test_the_key_check_and_the_upload_probe_answer_precise_4xx(
    shared_relay: RelayProcess, room: dict[str, str]
) -> None:
    base = f"{shared_relay.url}/api/v1/rooms/preflight/ingest"
    key = {"Authorization": f"Bearer {room['stream_key']}"}
    wrong = {"Authorization": "Bearer not-the-key"}

    assert httpx.get(f"{base}/check", headers=key).status_code == 204
    refused = httpx.get(f"{base}/check", headers=wrong)
    assert refused.status_code == 401
    assert refused.json() == {"error": "unauthorized", "message": "the stream key for room 'preflight' is wrong"}
    assert httpx.get(f"{base}/check").json()["error"] == "unauthorized"
    missing = httpx.get(f"{shared_relay.url}/api/v1/rooms/nosuchroom/ingest/check", headers=key)
    assert (missing.status_code, missing.json()["error"]) == (404, "room_not_found")

    # The relay caps other API bodies at 64 KiB; the probe takes up to 8 MiB, stores nothing.
    probe = httpx.post(f"{base}/bandwidth", headers=key, content=bytes(2 * 1024 * 1024), timeout=10)
    assert probe.status_code == 200
    assert probe.json()["bytes"] == 2 * 1024 * 1024 and probe.json()["seconds"] >= 0
    assert not any((shared_relay.data_dir / "media" / "preflight").glob("**/*.*")), "nothing is stored"

    def chunks(total: int) -> Iterator[bytes]:
        for _ in range(total // 65536):
            yield bytes(65536)

    # A declared length over the limit is refused before a byte of the body is read.
    with socket.create_connection(("127.0.0.1", shared_relay.port), timeout=10) as raw:
        raw.sendall(
            f"POST /api/v1/rooms/preflight/ingest/bandwidth HTTP/1.1\r\nHost: relay\r\n"
            f"Authorization: Bearer {room['stream_key']}\r\nContent-Length: {9 * 1024 * 1024}\r\n\r\n".encode()
        )
        assert raw.recv(65536).startswith(b"HTTP/1.1 413 ")
    streamed = httpx.post(f"{base}/bandwidth", headers=key, content=chunks(9 * 1024 * 1024), timeout=10)
    assert (streamed.status_code, streamed.json()["error"]) == (413, "too_large")
    assert "8388608 bytes" in streamed.json()["message"]
    assert httpx.post(f"{base}/bandwidth", headers=wrong, content=b"x").status_code == 401
    assert httpx.post(f"{shared_relay.url}/api/v1/rooms/nosuchroom/ingest/bandwidth", headers=key).status_code == 404
    assert httpx.get(f"{shared_relay.url}/healthz").status_code == 200, "the relay still serves"


# --- the relay rows ------------------------------------------------------------------------------------


def test_a_wrong_stream_key_or_room_is_red_with_its_hint(shared_relay: RelayProcess, room: dict[str, str]) -> None:
    rows = by_id(check_relay(ExternalRelay(shared_relay.url, "preflight", "not-the-key"), NEED))
    assert rows["relay"].level == "ok", "the relay itself answered"
    key = rows["stream-key"]
    assert key.level == "error"
    assert key.detail.en == "The relay refuses the stream key for room preflight"
    assert "Copy the stream key again" in key.hint.en and "重新复制推流密钥" in key.hint.zh
    assert "upload" not in rows, "no upload test with a refused key"

    rows = by_id(check_relay(ExternalRelay(shared_relay.url, "elsewhere", room["stream_key"]), NEED))
    assert rows["stream-key"].level == "error"
    assert rows["stream-key"].detail.en == "The relay has no room elsewhere"
    assert "room's name" in rows["stream-key"].hint.en


def test_an_unreachable_relay_is_red_and_names_its_address() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    rows = check_relay(ExternalRelay(url, "preflight", "key"), NEED)
    assert time.monotonic() - started < 3
    [row] = rows
    assert (row.id, row.level) == ("relay", "error")
    assert row.detail.en == f"The relay at {url} refused the connection"
    assert url in row.hint.en and "Start the relay" in row.hint.en and "Settings → Stream" in row.hint.en
    assert url in row.hint.zh and "启动" in row.hint.zh


def test_the_upload_speed_is_measured_against_what_the_stream_needs(
    shared_relay: RelayProcess, room: dict[str, str]
) -> None:
    rows = by_id(check_relay(ExternalRelay(shared_relay.url, "preflight", room["stream_key"]), NEED))
    assert rows["relay"].level == rows["stream-key"].level == "ok"
    upload = rows["upload"]
    assert upload.level == "ok", upload.detail.en  # loopback
    assert upload.detail.en.startswith("Upload to the relay: ")
    assert "the stream needs 4.0 Mb/s (2 rungs 3.9 Mb/s, sound 128 kb/s)" in upload.detail.en
    assert "直播需要 4.0 Mb/s" in upload.detail.zh

    assert upload_level(9e6, 4e6) == "ok"
    assert upload_level(5.9e6, 4e6) == "warning", "under 1.5x what the stream needs"
    assert upload_level(3.9e6, 4e6) == "error", "under what the stream needs"
    slow = by_id(check_relay(ExternalRelay(shared_relay.url, "preflight", room["stream_key"]), UploadNeed(10**12)))
    assert slow["upload"].level == "error"
    assert "Lower the ladder" in slow["upload"].hint.en and "wired connection" in slow["upload"].hint.en


# --- the studio's checks ---------------------------------------------------------------------------------


def test_a_studio_without_camera_or_microphone_gets_amber_rows_and_the_rest_in_five_seconds(
    tmp_path: Path, shared_relay: RelayProcess, room: dict[str, str]
) -> None:
    relay = ExternalRelay(shared_relay.url, "preflight", room["stream_key"], room["owner_token"])
    config = SessionConfig(
        source="camera", mic="default", broadcast=SMALL, relay=relay, recording_dir=tmp_path / "recordings"
    )
    session = StudioSession(config, devices=FakeDevices())
    session.start()
    try:
        session.connect_relay_now()
        seen: list[str] = []
        preflight = Preflight(session_checks(session), on_rows=lambda check, rows: seen.append(check))
        rows = by_id(preflight.run())
    finally:
        session.close()
    assert preflight.seconds is not None and preflight.seconds < 6, "the whole pre-flight takes about 5 s at most"
    assert sorted(seen) == sorted(c.id for c in preflight.checks), "each check reported as it finished"

    camera = rows["camera"]
    assert camera.level == "warning"
    assert camera.detail.en == "No camera found: the show will use the test pattern (or the camera's placeholder)"
    assert "Settings → Audio/Video" in camera.hint.en and "设置 → 音视频" in camera.hint.zh
    mic = rows["mic"]
    assert mic.level == "warning" and mic.detail.en == "No microphone found: the show has no sound from you"
    assert (rows["relay"].level, rows["stream-key"].level, rows["upload"].level) == ("ok", "ok", "ok")
    assert rows["upload"].detail.en.endswith(
        "the stream needs 2.9 Mb/s (2 rungs 1.6 Mb/s, sound 128 kb/s, realtime copy 1.1 Mb/s)"
    ), "the ladder, its sound and the realtime copy of the top rung and sound"
    encoder = rows["encoder"]
    assert encoder.detail.en.startswith("pre-flight: the ladder encodes at ultrafast"), encoder.detail.en
    assert encoder.level in ("ok", "warning", "error")
    assert rows["disk"].level == "ok" and str(tmp_path / "recordings") in rows["disk"].detail.en
    assert rows["rundown"].level == "ok"


class SilentDevices(FakeDevices):
    """A microphone that is plugged in and delivers, but only silence."""

    def open_microphone(
        self, device: int | None, sample_rate: int, channels: int, on_samples: Callable[[Samples], None]
    ) -> FakeMicrophone:
        return FakeMicrophone(sample_rate, channels, lambda samples: on_samples(samples * 0))


def test_the_microphone_level_is_measured_and_silence_or_mute_is_amber(tmp_path: Path) -> None:
    def mic_and_camera(devices: FakeDevices, mute: bool = False) -> dict[str, PreflightRow]:
        config = SessionConfig(source="camera:0", mic="default", broadcast=SMALL, record_dir=tmp_path / "hls")
        session = StudioSession(config, devices=devices)
        session.start()
        try:
            if mute:
                session.show.set_muted("mic", True)
            checks = [c for c in session_checks(session) if c.id in ("camera", "mic", "relay", "disk-hls")]
            return by_id(Preflight(checks).run())
        finally:
            session.close()

    rows = mic_and_camera(FakeDevices(cameras=1, microphones=1))
    assert rows["camera"].level == "ok" and "camera 0" in rows["camera"].detail.en
    assert rows["mic"].level == "ok" and "loudest -" in rows["mic"].detail.en
    assert rows["relay"].level == "warning" and rows["relay"].detail.en.startswith("No relay")
    assert rows["disk-hls"].level == "ok"

    silent = mic_and_camera(SilentDevices(cameras=1, microphones=1))["mic"]
    assert silent.level == "warning" and silent.detail.en.startswith("No sound from microphone in 1 s")
    assert "not muted" in silent.hint.en

    muted = mic_and_camera(FakeDevices(cameras=1, microphones=1), mute=True)["mic"]
    assert muted.level == "warning" and "muted in the Audio mixer" in muted.detail.en


# --- the CPU, the disk, the runner -----------------------------------------------------------------------


def test_the_cpu_row_is_the_x264_preflight_verdict() -> None:
    import numpy as np

    picture = np.zeros((360, 640, 3), np.uint8)
    auto = [BroadcastSettings(rungs=parse_ladder("360p"), preset="auto")]

    def machine(fps: dict[str, float]) -> PreflightRow:
        [row] = check_encoder(auto, [picture], measure=lambda preset: fps[preset])
        return row

    fine = machine({"veryfast": 60, "superfast": 90, "ultrafast": 200})
    assert fine.level == "ok" and "going live with veryfast" in fine.detail.en and not fine.hint.en
    tight = machine({"veryfast": 20, "superfast": 25, "ultrafast": 33})
    assert tight.level == "warning", "real time, but short of the 1.25x headroom"
    assert "this machine is short of CPU for this ladder" in tight.detail.en and "CPU 不足" in tight.detail.zh
    short = machine({"veryfast": 10, "superfast": 15, "ultrafast": 24})
    assert short.level == "error" and "going live with ultrafast" in short.detail.en
    assert "fewer or smaller rungs" in short.hint.en


def test_the_disk_row_compares_the_free_space_with_four_hours(tmp_path: Path) -> None:
    import shutil

    free = shutil.disk_usage(tmp_path).free
    what = Text("recording", "录制")
    folder = tmp_path / "not" / "made" / "yet"
    assert check_disk("disk", folder, 2_628_000, what)[0].level in ("ok", "warning")
    one_hour = round(free * 8 / 3600)
    [warning] = check_disk("disk", folder, one_hour, what)
    assert warning.level == "warning" and "less than 4 h" in warning.detail.en and "Free some space" in warning.hint.en
    [error] = check_disk("disk", folder, round(free * 8 / 60), what)
    assert error.level == "error" and "not even 10 minutes" in error.detail.en


def test_a_failing_or_slow_check_becomes_a_red_row_never_an_exception() -> None:
    release = threading.Event()

    def broken() -> list[PreflightRow]:
        raise OSError("the device vanished")

    def slow() -> list[PreflightRow]:
        release.wait(5)
        return []

    ok = PreflightRow("fine", "ok", Text("Fine", "正常"), Text("all good", "一切正常"))
    checks = [
        Check("broken", Text("Broken", "坏"), broken),
        Check("slow", Text("Slow", "慢"), slow, timeout=0.3),
        Check("fine", Text("Fine", "正常"), lambda: [ok]),
    ]
    done: list[list[PreflightRow]] = []
    preflight = Preflight(checks, on_done=done.append)
    rows = preflight.run()
    release.set()
    assert [r.id for r in rows] == ["broken", "slow", "fine"], "the checks' order"
    assert rows[0].level == "error" and rows[0].detail.en == "The check failed: the device vanished"
    assert rows[1].level == "error" and rows[1].detail.en == "No answer within 0.3 s"
    assert rows[2] == ok
    assert done == [rows]
    assert preflight.seconds is not None and preflight.seconds < 2


def test_the_run_of_show_is_checked_against_the_rooms_cart(shared_relay: RelayProcess, room: dict[str, str]) -> None:
    from app.preflight import check_rundown
    from app.room_client import RoomClient

    client = RoomClient(shared_relay.url, "preflight", room["owner_token"])
    try:
        assert [r.detail.en for r in check_rundown(client)] == ["No run-of-show loaded"]
        client.add_product("tee", "T-shirt", 79, 0)
        client.add_product("mug", "Mug", 39, 3)
        client.add_product("cap", "Cap", 29, 50)
        segments = [
            {"sku": "tee", "duration_s": 5},
            {"sku": "mug", "duration_s": 5},
            {"sku": "cap", "title": "Cap", "points": ["今天只要 ¥19"], "duration_s": 5},
            {"sku": "ghost", "duration_s": 5},
            {"sku": "tee", "duration_s": 5},
        ]
        client.save_rundown({"segments": segments})
        rows = by_id(check_rundown(client))
    finally:
        client.close()
    assert rows["stock:tee"].level == "error" and rows["stock:tee"].detail.en == "Segment 1, 5: T-shirt is out of stock"
    assert "Restock" in rows["stock:tee"].hint.en and "补货" in rows["stock:tee"].hint.zh
    assert rows["stock:mug"].level == "warning" and rows["stock:mug"].detail.en == "Segment 2: only 3 of Mug left"
    assert rows["stock:ghost"].level == "error" and "not in the room's cart" in rows["stock:ghost"].detail.en
    assert "stock:cap" not in rows
    [claim] = [r for r in rows.values() if r.id.startswith("claim:")]
    assert claim.level == "error" and claim.title.en == "Run-of-show, segment 3: Cap"
    assert claim.detail.en == "the script says ¥19 but the prices are ¥29"
