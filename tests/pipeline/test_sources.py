"""Sources: spec parsing, fallbacks at the hardware seam, the test pattern, media files."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from pipeline.sources import (
    FrameTime,
    SourceError,
    TestPattern,
    open_audio_source,
    open_video_source,
    parse_audio_spec,
    parse_video_spec,
)
from pipeline.sources.audio import MicrophoneSource, SilenceSource, ToneSource
from pipeline.sources.camera import CameraSource
from pipeline.sources.media_file import MediaFileSource
from tests.helpers.fakes import FakeDevices
from tests.helpers.waiting import wait_until


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("test", ("test", None)),
        ("camera", ("camera", 0)),
        ("camera:2", ("camera", 2)),
        ("file:/a b.mp4", ("file", Path("/a b.mp4"))),
    ],
)
def test_video_specs(spec: str, expected: tuple[str, object]) -> None:
    assert parse_video_spec(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [("webcam", "use test, camera"), ("camera:x", "camera index must be a number"), ("file:", "needs a path")],
)
def test_bad_video_specs_say_what_is_accepted(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_video_spec(spec)


def test_audio_specs() -> None:
    assert parse_audio_spec("default") == ("microphone", None)
    assert parse_audio_spec("3") == ("microphone", 3)
    with pytest.raises(ValueError, match="use none, tone, default or a device number"):
        parse_audio_spec("loud")


def test_missing_camera_falls_back_to_the_test_pattern_with_one_warning(no_devices: FakeDevices) -> None:
    warnings: list[str] = []
    source = open_video_source("camera", width=640, height=360, fps=30, devices=no_devices, warn=warnings.append)
    assert isinstance(source, TestPattern)
    assert warnings == ["no camera found; using the test pattern instead"]


def test_camera_that_fails_to_open_falls_back_too() -> None:
    warnings: list[str] = []
    devices = FakeDevices(cameras=1, camera_fails=True)
    source = open_video_source("camera:0", width=640, height=360, fps=30, devices=devices, warn=warnings.append)
    assert isinstance(source, TestPattern)
    assert len(warnings) == 1 and "busy" in warnings[0]


def test_camera_frames_come_from_the_device() -> None:
    devices = FakeDevices(cameras=1)
    source = open_video_source("camera:0", width=640, height=480, fps=50, devices=devices, warn=pytest.fail)
    try:
        assert isinstance(source, CameraSource)
        deadline = time.monotonic() + 3
        image = None
        while image is None and time.monotonic() < deadline:
            image = source.read(FrameTime(0, 0.0, time.time()))
            time.sleep(0.01)
        assert image is not None and image.shape == (480, 640, 3)
        assert source.read(FrameTime(1, 0.0, time.time())) is None or source.frames_captured > 1
    finally:
        source.stop()
    assert devices.opened_cameras[0].closed


def test_missing_microphone_falls_back_to_silence_with_one_warning(no_devices: FakeDevices) -> None:
    warnings: list[str] = []
    source = open_audio_source("default", sample_rate=48000, channels=2, devices=no_devices, warn=warnings.append)
    assert isinstance(source, SilenceSource)
    assert warnings == ["no microphone found; sending silence instead"]
    assert not source.read(1024, 0).any()


def test_microphone_samples_are_buffered_and_bounded() -> None:
    source = open_audio_source(
        "default", sample_rate=48000, channels=2, devices=FakeDevices(microphones=1), warn=pytest.fail
    )
    try:
        assert isinstance(source, MicrophoneSource)
        time.sleep(0.6)  # more than the 0.25 s the buffer may hold
        block = source.read(4800, 0)
        assert block.shape == (4800, 2) and np.abs(block).max() > 0.2
        assert source.overflows > 0, "old sound is dropped instead of building up delay"
    finally:
        source.stop()


def test_a_microphone_pulled_out_is_a_problem_reads_silence_and_comes_back_by_itself() -> None:
    devices = FakeDevices(microphones=1)
    source = open_audio_source("default", sample_rate=48000, channels=2, devices=devices, warn=pytest.fail)
    assert isinstance(source, MicrophoneSource)
    try:
        wait_until(lambda: np.abs(source.read(480, 0)).max() > 0.2, 2, "the microphone's sound")
        assert source.problem is None
        pulled = time.monotonic()
        devices.unplug_microphone(0)
        wait_until(lambda: source.problem is not None, 2, "the microphone's problem")
        assert time.monotonic() - pulled < 1.0, "noticed within a second"
        assert source.problem is not None and "Microphone" in source.problem.en and "麦克风" in source.problem.zh
        assert not source.read(4800, 0).any(), "silence while it is gone"
        devices.replug_microphone(0)
        wait_until(lambda: source.problem is None, 3, "the microphone back by itself")
        assert source.reconnects == 1
        wait_until(lambda: np.abs(source.read(480, 0)).max() > 0.2, 2, "its sound again")
    finally:
        source.stop()


def test_tone_beeps_at_each_whole_second() -> None:
    tone = ToneSource(48000, 1)
    beep = tone.read(4800, 0)[:, 0]
    plain = tone.read(4800, 24000)[:, 0]

    def dominant(x: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(x))
        return float(np.fft.rfftfreq(len(x), 1 / 48000)[spectrum.argmax()])

    assert dominant(beep) == pytest.approx(880, abs=15)
    assert dominant(plain) == pytest.approx(440, abs=15)
    assert np.abs(plain).max() == pytest.approx(10 ** (-20 / 20), rel=0.01)


def test_test_pattern_moves_and_flashes_on_whole_seconds() -> None:
    pattern = TestPattern(640, 360)
    a = pattern.read(FrameTime(0, 0.0, 0.0))
    b = pattern.read(FrameTime(15, 0.5, 0.5))
    assert a.shape == (360, 640, 3)
    assert (a != b).any()
    corner = (slice(5, 40), slice(600, 635))
    assert a[corner].mean() > 250, "flash square at a whole second"
    assert b[corner].mean() < 250


def make_clip(path: Path, seconds: float = 1.0, size: tuple[int, int] = (320, 240)) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(int(seconds * 30)):
            image = np.full((size[1], size[0], 3), 16 * (i % 15 + 1), np.uint8)  # levels a codec keeps apart
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = i
            frame.time_base = Fraction(1, 30)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def test_media_file_plays_at_media_time_and_loops(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    make_clip(clip, seconds=0.5)  # 15 frames, grey level 16 * (index + 1)
    source = MediaFileSource(clip, 640, 360)
    assert (source.out_w, source.out_h) == (480, 360), "fitted inside the program, aspect kept"
    source.start()
    try:
        seen = []
        for n in range(45):  # 1.5 s of program time at 30 fps: three passes of the clip
            at = FrameTime(n, n / 30, 0.0)
            deadline = time.monotonic() + 5  # the decoder runs on its own thread; give it time
            image = source.read(at)
            while image is None and time.monotonic() < deadline:
                time.sleep(0.005)
                image = source.read(at)
            assert image is not None, f"no frame for program time {n / 30:.3f} s"
            seen.append(round(int(image[0, 0, 0]) / 16) - 1)
        assert seen == list(range(15)) * 3, "one clip frame per tick, starting over after the end"
    finally:
        source.stop()


def test_unreadable_media_files_are_reported_with_their_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"media file not found: .*nope\.mp4"):
        open_video_source(f"file:{tmp_path / 'nope.mp4'}", width=640, height=360, fps=30)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all")
    with pytest.raises(SourceError, match=r"junk\.mp4 is not a media file FFmpeg can read"):
        open_video_source(f"file:{junk}", width=640, height=360, fps=30)
