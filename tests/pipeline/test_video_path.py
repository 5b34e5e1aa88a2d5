"""The ladder's video path: one BGR→I420 conversion per picture, planes scaled per rung, x264 threads."""

from __future__ import annotations

import os
import re
import time
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
import pytest
from av.video.reformatter import Interpolation, VideoReformatter

from pipeline import broadcast as broadcast_module
from pipeline.broadcast import Broadcast, BroadcastSettings
from pipeline.clock import SystemClock
from pipeline.encoders import ADAPTIVE_PRESETS, Rung, VideoEncoder, Yuv420, parse_ladder, x264_params, x264_threads
from pipeline.frames import AudioChunk, VideoFrame
from pipeline.outputs import FolderOutput
from pipeline.sources import FrameTime, TestPattern


def photo(width: int = 1280, height: int = 720) -> np.ndarray:
    """Smooth detail in every channel (a noise field blurred), like a camera picture."""
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    return np.asarray(cv2.GaussianBlur(noise, (0, 0), 2.0), dtype=np.uint8)


def planes(yuv: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    flat, n = yuv.reshape(-1), width * height
    return (
        flat[:n].reshape(height, width),
        flat[n : n + n // 4].reshape(height // 2, width // 2),
        flat[n + n // 4 :].reshape(height // 2, width // 2),
    )


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def test_a_picture_is_converted_once_and_read_in_place() -> None:
    image = photo()
    yuv = Yuv420.from_bgr(image)
    assert (yuv.width, yuv.height) == (1280, 720)
    assert np.array_equal(yuv.data, cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420))
    assert not yuv.data.flags.writeable, "rung threads share it"
    frame = yuv.frame()
    assert frame.planes[0].buffer_ptr == yuv.data.ctypes.data, "the frame points into the array: no copy"
    assert np.array_equal(frame.to_ndarray(), yuv.data)
    # 854 rows is not a multiple of 4: PyAV cannot describe that layout in place, so it copies.
    tall = Yuv420.from_bgr(photo(480, 854))
    assert np.array_equal(tall.frame().to_ndarray(), tall.data)
    odd = Yuv420.from_bgr(photo(321, 181))
    assert (odd.width, odd.height) == (322, 182)


@pytest.mark.parametrize("size", [(854, 480), (640, 360)])
def test_lower_rungs_scale_the_planes_as_an_area_filter_does(size: tuple[int, int]) -> None:
    """Against the exact area average (in floating point) of each plane of the full-size picture
    converted per pixel: luma as exact as 8 bits allow, chroma better than converting the scaled
    BGR picture (OpenCV's I420 conversion subsamples chroma), which the ladder did before."""
    width, height = size
    image = photo()
    # Y, U and V of every pixel with OpenCV's I420 matrix: convert the picture with each pixel doubled.
    doubled = planes(
        cv2.cvtColor(np.repeat(np.repeat(image, 2, axis=0), 2, axis=1), cv2.COLOR_BGR2YUV_I420), 2560, 1440
    )
    full = [doubled[0][::2, ::2], doubled[1], doubled[2]]
    exact = [
        cv2.resize(full[0].astype(np.float32), (width, height), interpolation=cv2.INTER_AREA),
        cv2.resize(full[1].astype(np.float32), (width // 2, height // 2), interpolation=cv2.INTER_AREA),
        cv2.resize(full[2].astype(np.float32), (width // 2, height // 2), interpolation=cv2.INTER_AREA),
    ]
    encoder = VideoEncoder(Rung("r", width, height, 1_000_000), Fraction(30), "ultrafast", threads=1)
    frame = encoder.scaled(Yuv420.from_bgr(image))
    assert (frame.width, frame.height, frame.format.name) == (width, height, "yuv420p")
    ours = planes(frame.to_ndarray(), width, height)
    before = planes(
        cv2.cvtColor(cv2.resize(image, size, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2YUV_I420), width, height
    )
    assert psnr(ours[0], exact[0]) > 50
    for plane in (1, 2):
        assert psnr(ours[plane], exact[plane]) > 42
        assert psnr(ours[plane], exact[plane]) >= psnr(before[plane], exact[plane])


@pytest.mark.parametrize(("source", "rung"), [((1280, 720), (640, 360)), ((720, 1280), (360, 640))])
def test_halving_gives_swscale_area_pixels(source: tuple[int, int], rung: tuple[int, int]) -> None:
    """A rung half the picture's size is scaled by OpenCV (cheaper) into the same pixels as swscale's."""
    yuv = Yuv420.from_bgr(photo(*source))
    encoder = VideoEncoder(Rung("r", *rung, 600_000), Fraction(30), "ultrafast", threads=1)
    swscale = VideoReformatter().reformat(yuv.frame(), *rung, "yuv420p", interpolation=Interpolation.AREA, threads=1)
    assert np.array_equal(encoder.scaled(yuv).to_ndarray(), swscale.to_ndarray())


def test_bgr_and_i420_input_encode_to_the_same_stream() -> None:
    rung = Rung("360p", 640, 360, 600_000)
    pictures = [np.roll(photo(), 7 * n, axis=1) for n in range(4)]  # moving
    streams = []
    for convert in (False, True):
        encoder = VideoEncoder(rung, Fraction(30), "veryfast", threads=1)
        samples = []
        for n, picture in enumerate(pictures):
            samples += encoder.encode(Yuv420.from_bgr(picture) if convert else picture, n * 3000, keyframe=n == 0)
        samples += encoder.flush()
        streams.append([s.data for s in samples])
    assert streams[0] == streams[1]


def test_x264_threads_share_the_cores_out_among_the_rungs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert [x264_threads(n) for n in (1, 2, 3)] == [2, 1, 1]
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert [x264_threads(n) for n in (1, 3, 4)] == [8, 2, 2]
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert x264_threads(3) == 1
    with pytest.raises(ValueError, match="at least one thread"):
        VideoEncoder(Rung("r", 320, 180, 300_000), Fraction(30), "ultrafast", threads=0)


@pytest.mark.parametrize("threads", [1, 2])
def test_the_x264_options_are_what_the_benchmarks_give_the_cli(threads: int) -> None:
    """x264 writes its options into the first keyframe: the threads and x264_params we ask for."""
    encoder = VideoEncoder(Rung("r", 320, 180, 300_000), Fraction(30), "veryfast", threads=threads)
    sample = encoder.encode(photo(320, 180), 0, keyframe=True)[0]
    match = re.search(rb"options: ([^\x00]+)", sample.data)
    assert match, "x264 writes its settings into an SEI"
    options = dict(item.split("=", 1) for item in match.group(1).decode().split() if "=" in item)
    assert options["threads"] == str(threads)
    assert options["sliced_threads"] == ("1" if threads > 1 else "0")
    assert (options["weightp"], options["8x8dct"], options["cabac"]) == ("0", "1", "1")
    assert (options["scenecut"], options["keyint"]) == ("0", "300")
    assert "weightp=0" in x264_params("veryfast", 30) and "weightp" not in x264_params("medium", 30)


@pytest.mark.parametrize("threads", [1, 2])
def test_adaptive_presets_keep_their_headers_at_any_thread_count(threads: int) -> None:
    rung = Rung("360p", 640, 360, 600_000)
    tracks = [VideoEncoder(rung, Fraction(30), p, threads=threads).track for p in ADAPTIVE_PRESETS]
    assert len({(t.sps, t.pps) for t in tracks}) == 1


class CountingYuv420(Yuv420):
    made = 0

    @classmethod
    def from_bgr(cls, image: np.ndarray) -> Yuv420:
        CountingYuv420.made += 1
        return super().from_bgr(image)


def test_the_broadcast_converts_each_picture_once_for_every_rung(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given: dict[str, list[object]] = {}
    original_encode = VideoEncoder.encode

    def recording(self: VideoEncoder, picture: object, pts: int, keyframe: bool) -> object:
        given.setdefault(self.rung.name, []).append(picture)
        return original_encode(self, picture, pts, keyframe)  # type: ignore[arg-type]

    monkeypatch.setattr(broadcast_module, "Yuv420", CountingYuv420)
    monkeypatch.setattr(CountingYuv420, "made", 0)
    monkeypatch.setattr(VideoEncoder, "encode", recording)
    settings = BroadcastSettings(rungs=parse_ladder("720p,480p,360p"), preset="ultrafast", queue_frames=100)
    broadcast = Broadcast(settings, [FolderOutput(tmp_path)], SystemClock(), stream_id="once")
    broadcast.start()
    pattern = TestPattern(1280, 720)
    for n in range(20):
        image = pattern.read(FrameTime(n, n / 30, time.time()))
        image.flags.writeable = False
        broadcast.push_video(VideoFrame(image, n, Fraction(1, 30), time.time()))
        broadcast.push_audio(AudioChunk(np.zeros((1024, 2), np.float32), n * 1024, 48000))
    report = broadcast.stop()
    assert report.complete
    assert CountingYuv420.made == 20
    assert [len(given[name]) for name in ("720p", "480p", "360p")] == [20, 20, 20]
    for n in range(20):  # one picture for every rung
        assert isinstance(given["720p"][n], Yuv420)
        assert given["720p"][n] is given["480p"][n] is given["360p"][n]


def test_a_picture_that_cannot_be_converted_is_skipped_not_raised(tmp_path: Path) -> None:
    settings = BroadcastSettings(rungs=parse_ladder("360p"), preset="ultrafast")
    broadcast = Broadcast(settings, [FolderOutput(tmp_path)], SystemClock(), stream_id="bad")
    broadcast.start()
    broadcast.push_video(VideoFrame(np.zeros((360, 640), np.uint8), 0, Fraction(1, 30), time.time()))  # no colour
    good = np.zeros((360, 640, 3), np.uint8)
    for n in range(1, 4):
        broadcast.push_video(VideoFrame(good, n, Fraction(1, 30), time.time()))
    report = broadcast.stop()
    stats = broadcast.stats()
    assert report.complete
    assert (stats.frames_in, stats.frames_skipped, stats.rungs[0].frames) == (4, 1, 3)
    assert stats.segments == 1, "the next picture took the keyframe the bad one could not"
