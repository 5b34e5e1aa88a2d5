"""The `shopcast` command as a user runs it."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import av
import cv2
import httpx
import numpy as np
import numpy.typing as npt
import pytest
from skimage.data import astronaut

from tests.helpers.media import ffprobe, parse_media_playlist
from tests.helpers.relay import REPO, RelayProcess


def shopcast(*args: str, timeout: float = 120, key: str = "") -> subprocess.CompletedProcess[str]:
    """``shopcast ARGS``, with ``key`` as the stream key in ``$SHOPCAST_STREAM_KEY`` (never an argument)."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False,
        env={**os.environ, "SHOPCAST_STREAM_KEY": key},
    )  # fmt: skip


@pytest.mark.slow
def test_broadcast_for_ten_seconds_leaves_three_rungs_on_the_relay(relay: RelayProcess) -> None:
    key = relay.create_room("demo")["stream_key"]
    result = shopcast(
        "broadcast",
        "--room",
        "demo",
        "--relay",
        relay.url,
        "--source",
        "test",
        "--mic",
        "tone",
        "--duration",
        "10",
        key=key,
    )
    assert result.returncode == 0, result.stderr
    assert f"Viewer URL: {relay.url}/watch/demo" in result.stdout
    assert "pre-flight: the ladder encodes at veryfast" in result.stderr, "--preset auto measures first"
    summary = re.search(r"frames: (\d+) rendered, (\d+) skipped due to encoding lag", result.stdout)
    assert summary and int(summary.group(1)) >= 280, result.stdout
    master = httpx.get(f"{relay.url}/live/demo/master.m3u8")
    assert master.status_code == 200
    variants = re.findall(r"^(\S+/(\w+)/index\.m3u8)$", master.text, re.MULTILINE)
    assert [name for _, name in variants] == ["720p", "480p", "360p"]
    for uri, _ in variants:
        playlist = parse_media_playlist(httpx.get(f"{relay.url}/live/demo/{uri}").text)
        assert playlist["ended"] and len(playlist["segments"]) >= 9
        base = uri.rsplit("/", 1)[0]
        for segment, _ in playlist["segments"]:
            assert httpx.head(f"{relay.url}/live/demo/{base}/{segment}").status_code == 200
    # Portrait by default: every rung is a portrait picture, as an independent reader (ffprobe) sees it.
    assert rung_sizes(relay.url, "demo", variants) == {"720p": (720, 1280), "480p": (480, 854), "360p": (360, 640)}


def rung_sizes(url: str, room: str, variants: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """Each rung's picture size read by ffprobe from its first segment on the relay."""
    sizes = {}
    for uri, name in variants:
        base = f"{url}/live/{room}/{uri.rsplit('/', 1)[0]}"
        data = httpx.get(f"{base}/init.mp4").content + httpx.get(f"{base}/seg_000000.m4s").content
        with tempfile.NamedTemporaryFile(suffix=".mp4") as clip:
            clip.write(data)
            clip.flush()
            stream = ffprobe(clip.name, "-show_entries", "stream=width,height", "-select_streams", "v:0")["streams"][0]
        sizes[name] = (int(stream["width"]), int(stream["height"]))
    return sizes


def test_a_landscape_broadcast_still_reads_1280x720(relay: RelayProcess) -> None:
    key = relay.create_room("wide")["stream_key"]
    result = shopcast(
        "broadcast", "--room", "wide", "--relay", relay.url, "--source", "test", "--mic", "tone",
        "--duration", "3", "--quiet", "--canvas", "landscape", "--preset", "ultrafast", key=key,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    master = httpx.get(f"{relay.url}/live/wide/master.m3u8").text
    variants = re.findall(r"^(\S+/(\w+)/index\.m3u8)$", master, re.MULTILINE)
    assert rung_sizes(relay.url, "wide", variants) == {"720p": (1280, 720), "480p": (854, 480), "360p": (640, 360)}
    assert "RESOLUTION=1280x720" in master


def test_missing_devices_fall_back_and_each_is_reported_once(tmp_path: Path) -> None:
    # Device numbers no machine has: the same fallback path as a machine with no devices at all.
    result = shopcast(
        "broadcast", "--out", str(tmp_path), "--source", "camera:57", "--mic", "57", "--duration", "2", "--quiet"
    )
    assert result.returncode == 0, result.stderr
    camera = [line for line in result.stderr.splitlines() if "using the test pattern instead" in line]
    microphone = [line for line in result.stderr.splitlines() if "sending silence instead" in line]
    assert len(camera) == 1 and "camera" in camera[0] and camera[0].startswith("shopcast: warning:")
    assert len(microphone) == 1 and "microphone" in microphone[0]
    assert (tmp_path / "master.m3u8").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["broadcast", "--duration", "1"], "say where to send the stream"),
        (["broadcast", "--relay", "http://127.0.0.1:9", "--duration", "1"], "needs --room and --key-file"),
        (["broadcast", "--relay", "ftp://x", "--room", "r", "--key", "k"], "--key would put the room's stream key"),
        (["broadcast", "--relay", "x", "--room", "r", "--owner-token", "t"], "use --owner-token-file FILE or $SHOP"),
        (["relay", "--port", "0", "--admin-token", "t" * 20], "use --admin-token-file FILE or $SHOPCAST_ADMIN_TOKEN"),
        (
            ["relay", "--port", "0", "--postgres", "postgresql://u:pw@db/x", "--redis", "redis://r"],
            "$SHOPCAST_POSTGRES",
        ),
        (["relay", "--port", "0", "--postgres", "postgresql://db/x", "--redis", "redis://:pw@r"], "$SHOPCAST_REDIS"),
        (["broadcast", "--out", "x", "--source", "webcam"], "unknown video source 'webcam'"),
        (["broadcast", "--out", "x", "--ladder", "720p,999p"], "unknown rung '999p'"),
        (["broadcast", "--out", "x", "--duration", "-3"], "must be more than 0"),
        (["broadcast", "--out", "x", "--segment", "20"], "segments must be 0.1 to 10 seconds long"),
        (["broadcast", "--out", "x", "--part", "0.6"], "--part 0.6 is longer than half a segment (0.5 s)"),
        (["broadcast", "--out", "x", "--part", "fast"], "'fast' is not a number of seconds"),
        (["relay", "--port", "70000"], "is not a port number"),
        (["relay", "--port", "0", "--postgres", "mysql://x"], "--postgres takes a postgresql:// URL"),
        (["relay", "--port", "0", "--redis", "http://x", "--postgres", "postgresql://x"], "--redis takes a redis://"),
        (["relay", "--port", "0", "--redis", "redis://127.0.0.1:9"], "give --postgres and --redis together"),
        (["studio", "--ice-server", "http://stun.example.com"], "is not a stun:, stuns:, turn: or turns: URL"),
        (["studio", "--ice-server", "stun:me:pw@stun.example.com"], "only a TURN server takes a user name"),
        (["demo", "--ice-host", "my-laptop"], "ICE host 'my-laptop' is not an IP address"),
        (
            ["broadcast", "--out", "x", "--filter", "sepia"],
            "no filter or overlay plugin 'sepia' (there are: shopcast.beautify",
        ),
        (["broadcast", "--out", "x", "--overlay", "shopcast.text_overlay:colour=red"], "colour 'red' is not #rrggbb"),
        (
            ["broadcast", "--out", "x", "--overlay", "shopcast.image_overlay:file=/no/such.png", "--duration", "1"],
            "/no/such.png: not an image file",
        ),
        (["broadcast", "--out", "x", "--overlay", "shopcast.text_overlay:position=middle"], "position must be one of"),
        (["broadcast", "--out", "x", "--filter", "shopcast.beautify:slimming=2"], "slimming must be within 0..1"),
        (["broadcast", "--out", "x", "--filter", "shopcast.beautify:glow=1"], "has no setting 'glow'"),
        (["broadcast", "--out", "x", "--filter", "shopcast.denoise:strength=max"], "strength must be float"),
        (["broadcast", "--out", "x", "--filter", "shopcast.beautify:look"], "'look' is not name=value"),
        (["broadcast", "--out", "x", "--filter", "shopcast.beautify:look=sepia"], "look must be one of none, warm"),
        (
            ["broadcast", "--out", "x", "--filter", "shopcast.beautify:look_file=/no/such.cube", "--duration", "1"],
            "cannot read the LUT file",
        ),
    ],
)
def test_bad_arguments_exit_2_with_a_precise_message(args: list[str], message: str) -> None:
    result = shopcast(*args, timeout=30)
    assert result.returncode == 2
    assert message in result.stderr


def test_the_stream_key_comes_from_a_file_or_the_environment(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("k-from-file\n")
    target = ["broadcast", "--relay", "ftp://x", "--room", "r"]
    for args, key in (([*target, "--key-file", str(key_file)], ""), (target, "k-from-env")):
        result = shopcast(*args, timeout=30, key=key)
        assert result.returncode == 2 and "must be an http:// or https:// URL" in result.stderr, result.stderr
    key_file.write_text("\n")
    result = shopcast(*target, "--key-file", str(key_file), timeout=30)
    assert result.returncode == 2 and f"--key-file {key_file}: the file is empty" in result.stderr


def test_a_wrong_stream_key_fails_the_broadcast_with_the_relays_reason(relay: RelayProcess) -> None:
    relay.create_room("keyed")
    args = ["--room", "keyed", "--relay", relay.url, "--source", "test", "--mic", "none"]
    result = shopcast("broadcast", *args, "--duration", "3", "--quiet", key="not-the-key")
    assert result.returncode == 1
    assert "the stream key for room 'keyed' is wrong" in result.stderr + result.stdout


def test_relay_refuses_a_busy_port(relay: RelayProcess, tmp_path: Path) -> None:
    result = shopcast("relay", "--port", str(relay.port), "--data", str(tmp_path), timeout=30)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{relay.port}" in result.stderr


def test_relay_says_when_postgresql_cannot_be_reached(tmp_path: Path) -> None:
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nothing listens there
    dsn = f"postgresql://shopcast@127.0.0.1:{port}/shopcast"
    result = shopcast("relay", "--port", "0", "--data", str(tmp_path), "--postgres", dsn,
                      "--redis", "redis://127.0.0.1:9", timeout=30)  # fmt: skip
    assert result.returncode == 2
    assert "cannot reach PostgreSQL" in result.stderr


def test_overlays_from_the_command_line_lie_over_the_broadcast(tmp_path: Path) -> None:
    """--overlay draws a logo (its transparency kept) and a Chinese text over the program, where they
    were placed, and nowhere else."""
    background = tmp_path / "grey.png"
    cv2.imwrite(str(background), np.full((720, 1280, 3), 100, np.uint8))
    logo = np.zeros((100, 200, 4), np.uint8)
    logo[10:90, 10:190] = (0, 200, 0, 255)
    cv2.imwrite(str(tmp_path / "logo.png"), logo)
    result = shopcast(
        "broadcast", "--source", f"file:{background}", "--mic", "none", "--duration", "2", "--quiet",
        "--canvas", "landscape",
        "--out", str(tmp_path / "out"), "--keep-filters-on",
        "--overlay", f"shopcast.image_overlay:file={tmp_path / 'logo.png'},width=200,position=top_right,margin=20",
        "--overlay", "shopcast.text_overlay:text=全场包邮 包邮到家,position=bottom_left,colour=#ff2020,size=48",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    picture = last_frame(tmp_path / "out").astype(int)
    # The logo: 200x100 at 20 px from the top right; its green block inside, its transparent rim grey.
    assert np.abs(picture[40:100, 1090:1230] - (0, 200, 0)).max() < 40
    assert np.abs(picture[22:26, 1062:1078] - 100).max() < 12
    # The text: red strokes in the bottom-left corner.
    corner = picture[600:700, 20:500]
    assert np.count_nonzero((corner[..., 2] > 180) & (corner[..., 1] < 90)) > 500
    # Elsewhere the picture is the grey it was.
    assert np.abs(picture[200:500, 300:1000] - 100).max() < 12


def last_frame(root: Path) -> npt.NDArray[np.uint8]:
    """The last picture of a broadcast written with --out: its top rung's last segment, decoded."""
    rung = next(root.glob("*/720p"))
    segments = sorted(rung.glob("seg_*.m4s"))
    data = (rung / "init.mp4").read_bytes() + segments[-1].read_bytes()
    with av.open(io.BytesIO(data)) as container:
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
    return frames[-1]


def test_filters_switched_on_from_the_command_line_shape_the_broadcast(tmp_path: Path) -> None:
    """--beautify / --filter reach the program: the broadcast of a face photo comes out smoothed, a
    look is applied, and `shopcast plugins` lists what can be chosen. --keep-filters-on holds beautify
    on however busy the machine is (without it, a loaded machine rightly bypasses it)."""
    listed = shopcast("plugins", timeout=30)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "shopcast.beautify  (video_filter) Beautify" in listed.stdout
    assert "    slimming=0.0  float 0..1  Face slimming" in listed.stdout
    assert "    look='none'  str none|warm|fresh|milky  Colour look" in listed.stdout
    assert "降噪" in shopcast("plugins", "--lang", "zh_CN", timeout=30).stdout

    photo = tmp_path / "face.png"
    cv2.imwrite(str(photo), cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR))
    plain, filtered = tmp_path / "plain", tmp_path / "filtered"
    common = ["broadcast", "--source", f"file:{photo}", "--mic", "none", "--duration", "3", "--quiet"]
    common += ["--canvas", "landscape"]
    assert shopcast(*common, "--out", str(plain)).returncode == 0
    for nothing_to_keep in ([], ["--denoise"]):  # sound is never kept on: it cannot skip a frame
        alone = shopcast(*common, "--out", str(filtered), "--keep-filters-on", *nothing_to_keep)
        assert alone.returncode == 2, alone.stderr
        assert "--keep-filters-on keeps the video filters and overlays switched on here" in alone.stderr
    result = shopcast(
        *common, "--out", str(filtered), "--beautify", "--filter", "shopcast.beautify:look=warm,sharpen=0",
        "--keep-filters-on",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "bypassed" not in result.stderr

    before, after = last_frame(plain), last_frame(filtered)
    # The photo fills the middle 720x720 of the picture; its face is around (529, 94), 131 px wide.
    face = (slice(150, 210), slice(545, 645))

    def detail(image: npt.NDArray[np.uint8]) -> float:
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float64)[face]
        return float(np.abs(grey - cv2.GaussianBlur(grey, (0, 0), 2.0)).mean())

    assert detail(after) < 0.75 * detail(before), (detail(before), detail(after))
    warmth = [float((img[..., 2].astype(int) - img[..., 0]).mean()) for img in (before, after)]
    assert warmth[1] > warmth[0] + 3, warmth
