"""The x264 preset: chosen by a pre-flight measurement, adapted live without a new init segment."""

from __future__ import annotations

import subprocess
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from pipeline.adaptive import PresetGovernor, preflight
from pipeline.broadcast import Broadcast, BroadcastSettings
from pipeline.clock import SystemClock
from pipeline.encoders import ADAPTIVE_PRESETS, Rung, VideoEncoder
from pipeline.fmp4 import Sample, fragment, init_segment
from pipeline.frames import AudioChunk, VideoFrame
from pipeline.outputs import FolderOutput
from tests.helpers.media import ffprobe

RUNG = Rung("360p", 640, 360, 600_000)


def picture(n: int) -> np.ndarray:
    rng = np.random.default_rng(n)
    return rng.integers(0, 255, (360, 640, 3), dtype=np.uint8)


def test_adaptive_presets_write_the_same_codec_headers() -> None:
    headers = {p: VideoEncoder(RUNG, Fraction(30), p).track.sps for p in ADAPTIVE_PRESETS}
    assert len(set(headers.values())) == 1
    pps = {p: VideoEncoder(RUNG, Fraction(30), p).track.pps for p in ADAPTIVE_PRESETS}
    assert len(set(pps.values())) == 1


def test_switching_presets_at_keyframes_gives_one_stream_that_decodes_cleanly(tmp_path: Path) -> None:
    encoder = VideoEncoder(RUNG, Fraction(30), "veryfast")
    init = init_segment(encoder.track)
    fragments = []
    order = ["veryfast", "ultrafast", "superfast", "veryfast"]
    for gop, preset in enumerate(order):
        assert encoder.switch_preset(preset) and encoder.preset == preset
        samples = []
        for n in range(30):
            pts = (gop * 30 + n) * 3000
            samples += encoder.encode(picture(gop * 30 + n), pts, keyframe=n == 0)
        assert samples[0].keyframe
        body = [Sample(s.data, 3000, s.keyframe) for s in samples]
        fragments.append(fragment(gop + 1, 1, samples[0].dts, body))
    path = tmp_path / "switched.mp4"
    path.write_bytes(init + b"".join(fragments))
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    frames = ffprobe(path, "-count_frames", "-show_entries", "stream=nb_read_frames")["streams"][0]
    assert int(frames["nb_read_frames"]) == 120


def test_a_preset_that_would_change_the_headers_is_refused_and_the_encoder_kept() -> None:
    encoder = VideoEncoder(RUNG, Fraction(30), "veryfast")
    assert encoder.switch_preset("medium") is False
    assert encoder.preset == "veryfast"
    assert encoder.encode(picture(0), 0, keyframe=True)[0].keyframe


def feed(governor: PresetGovernor, seconds: range, skip_every: int = 0, encode_ms: float = 10.0) -> list[str]:
    changes = []
    frames = skipped = 0
    for t in seconds:
        frames += 30
        if skip_every and t % skip_every == 0:
            skipped += 3
        change = governor.observe(float(t), frames, skipped, {"720p": encode_ms, "360p": encode_ms / 3})
        if change is not None:
            changes.append(change.reason)
    return changes


def test_the_governor_steps_down_when_frames_are_skipped_and_says_why() -> None:
    governor = PresetGovernor("veryfast", 30)
    changes = feed(governor, range(10), skip_every=1)
    assert governor.preset == "ultrafast" and len(changes) == 2, "two steps, five seconds apart"
    assert changes[0].startswith("encoding is overloaded: 9% of frames skipped due to encoding lag")
    assert changes[0].endswith("x264 preset veryfast → superfast")


def test_a_rung_over_its_frame_budget_is_named() -> None:
    governor = PresetGovernor("veryfast", 30)
    changes = feed(governor, range(4), encode_ms=31.0)
    assert changes == ["encoding is overloaded: the 720p rung takes 31 ms a frame (budget 33 ms); "
                       "x264 preset veryfast → superfast"]  # fmt: skip


def test_headroom_brings_the_preset_back_but_never_above_where_it_started() -> None:
    governor = PresetGovernor("superfast", 30)
    feed(governor, range(4), encode_ms=32.0)
    assert governor.preset == "ultrafast"
    changes = feed(governor, range(4, 40), encode_ms=8.0)
    assert governor.preset == "superfast", "back to where it started, not to veryfast"
    assert changes == ["encoding has headroom again; x264 preset ultrafast → superfast"]


def test_a_steady_broadcast_is_left_alone() -> None:
    governor = PresetGovernor("veryfast", 30)
    assert feed(governor, range(60), encode_ms=20.0) == []
    assert governor.preset == "veryfast"


def test_preflight_takes_the_best_preset_with_headroom_or_the_fastest_with_a_warning() -> None:
    speeds = {"veryfast": 31.0, "superfast": 45.0, "ultrafast": 80.0}
    image = picture(0)
    chosen = preflight((RUNG,), Fraction(30), image, measure=lambda p: speeds[p])
    assert chosen.preset == "superfast" and chosen.target == pytest.approx(37.5)
    assert list(chosen.fps) == ["veryfast", "superfast"], "stops at the first that is fast enough"
    slow = preflight((RUNG,), Fraction(30), image, measure=lambda p: speeds[p] / 4)
    assert slow.preset == "ultrafast" and slow.fps["ultrafast"] < slow.target


def test_preflight_measures_the_real_ladder() -> None:
    result = preflight((RUNG,), Fraction(30), picture(1))
    assert result.preset in ADAPTIVE_PRESETS
    assert all(fps > 0 for fps in result.fps.values())


@pytest.mark.slow
def test_an_overloaded_broadcast_steps_down_live_and_its_stream_stays_one_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = VideoEncoder.encode

    def slow_until_ultrafast(self: VideoEncoder, image: np.ndarray, pts: int, keyframe: bool) -> object:
        if self.preset != "ultrafast":
            time.sleep(0.045)  # this machine cannot keep up at this preset
        return original(self, image, pts, keyframe)

    monkeypatch.setattr(VideoEncoder, "encode", slow_until_ultrafast)
    settings = BroadcastSettings(rungs=(RUNG,), preset="veryfast")
    broadcast = Broadcast(settings, [FolderOutput(tmp_path)], SystemClock(), stream_id="s")
    broadcast.start()
    deadline = time.monotonic() + 25
    n = audio_pos = 0
    while time.monotonic() < deadline and not (broadcast.preset == "ultrafast" and n > 300):
        image = picture(n % 7)
        image.flags.writeable = False
        broadcast.push_video(VideoFrame(image, n, Fraction(1, 30), time.time()))
        while audio_pos < (n + 1) * 1600:
            broadcast.push_audio(AudioChunk(np.zeros((1024, 2), np.float32), audio_pos, 48000))
            audio_pos += 1024
        n += 1
        if n % 30 == 0:
            broadcast.stats()  # the session does this once a second
        time.sleep(1 / 30)
    stats = broadcast.stats()
    report = broadcast.stop()
    assert stats.preset == "ultrafast" and "encoding is overloaded" in (stats.preset_note or "")
    assert report.complete
    rung = tmp_path / "s" / "360p"
    assert [p.name for p in rung.glob("init*.mp4")] == ["init.mp4"], "no second init segment"
    joined = tmp_path / "all.mp4"
    segments = sorted(rung.glob("seg_[0-9][0-9][0-9][0-9][0-9][0-9].m4s"))
    joined.write_bytes((rung / "init.mp4").read_bytes() + b"".join(p.read_bytes() for p in segments))
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(joined), "-f", "null", "-"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_the_dual_format_preflight_picks_the_best_preset_then_drops_the_second_canvas_rungs_first() -> None:
    from pipeline.adaptive import preflight_formats
    from pipeline.canvas import LANDSCAPE, PORTRAIT, default_ladder

    ladders = [default_ladder(PORTRAIT), default_ladder(LANDSCAPE)]
    pictures = [np.zeros((1280, 720, 3), np.uint8), np.zeros((720, 1280, 3), np.uint8)]
    cost = {"veryfast": 1.0, "superfast": 0.8, "ultrafast": 0.5}

    def machine(capacity: float):  # fps = capacity / (cost of the preset x rungs encoded)
        return lambda preset, counts: capacity / (cost[preset] * sum(counts))

    fits = preflight_formats(ladders, Fraction(30), pictures, measure=machine(300.0))
    assert (fits.preset, fits.rungs, fits.fits) == ("veryfast", (3, 3), True)  # 50 fps ≥ 37.5
    faster = preflight_formats(ladders, Fraction(30), pictures, measure=machine(120.0))
    assert (faster.preset, faster.rungs) == ("ultrafast", (3, 3))  # 40 fps at ultrafast
    fewer = preflight_formats(ladders, Fraction(30), pictures, measure=machine(90.0))
    # ultrafast with all six: 30 fps; the landscape ladder loses 360p, then 480p: 90 / (0.5 x 4) = 45
    assert (fewer.preset, fewer.rungs, fewer.fits) == ("ultrafast", (3, 1), True)
    assert [counts for _, counts, _ in fewer.tried][-2:] == [(3, 2), (3, 1)]
    short = preflight_formats(ladders, Fraction(30), pictures, measure=machine(30.0))
    assert (short.preset, short.rungs, short.fits) == ("ultrafast", (1, 1), False)
