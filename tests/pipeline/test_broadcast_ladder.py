"""The encoder ladder end to end into a folder, read back with ffprobe."""

from __future__ import annotations

import re
import threading
from fractions import Fraction
from pathlib import Path

import pytest

from pipeline.broadcast import Broadcast, BroadcastSettings
from pipeline.clock import SystemClock
from pipeline.encoders import VideoEncoder, parse_ladder
from pipeline.frames import AudioChunk, VideoFrame
from pipeline.outputs import FolderOutput
from pipeline.sources import FrameTime, TestPattern
from pipeline.sources.audio import ToneSource
from tests.helpers.media import ffprobe, parse_media_playlist, video_packets

FPS = 30


def feed(broadcast: Broadcast, seconds: float, start_frame: int = 0) -> None:
    """Push ``seconds`` of test pattern and tone, as a program would (audio up to the video time)."""
    pattern = TestPattern(1280, 720)
    tone = ToneSource(48000, 2)
    audio_pos = round(start_frame * 48000 / FPS)
    for n in range(start_frame, start_frame + int(seconds * FPS)):
        image = pattern.read(FrameTime(n, n / FPS, 1_700_000_000 + n / FPS))
        image.flags.writeable = False
        broadcast.push_video(VideoFrame(image, n, Fraction(1, FPS), 1_700_000_000 + n / FPS))
        while audio_pos < (n + 1) * 48000 / FPS:
            broadcast.push_audio(AudioChunk(tone.read(1024, audio_pos), audio_pos, 48000))
            audio_pos += 1024


@pytest.fixture(scope="module")
def ladder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ladder")
    settings = BroadcastSettings(preset="ultrafast", queue_frames=10_000)
    broadcast = Broadcast(settings, [FolderOutput(out)], SystemClock(), stream_id="s1")
    broadcast.start()
    # Start mid-program (frame 45) to check timestamps are rebased to the broadcast's own start.
    feed(broadcast, 4.5, start_frame=45)
    report = broadcast.stop()
    assert report.complete, report
    assert broadcast.stats().frames_skipped == 0
    return out


def test_multivariant_playlist_lists_three_rungs_and_audio(ladder_dir: Path) -> None:
    text = (ladder_dir / "master.m3u8").read_text()
    resolutions = re.findall(r"RESOLUTION=(\d+x\d+)", text)
    assert resolutions == ["1280x720", "854x480", "640x360"]
    assert text.count("#EXT-X-MEDIA:TYPE=AUDIO") == 1
    for uri in re.findall(r"^(s1/\S+\.m3u8)$", text, re.MULTILINE):
        assert (ladder_dir / uri).is_file(), f"{uri} is referenced but missing"


@pytest.mark.parametrize("rung", parse_ladder("720p,480p,360p"), ids=lambda r: r.name)
def test_each_rung_is_valid_hls_that_ffprobe_reads_at_its_resolution(ladder_dir: Path, rung: object) -> None:
    name, width, height = rung.name, rung.width, rung.height  # type: ignore[attr-defined]
    playlist_path = ladder_dir / "s1" / name / "index.m3u8"
    playlist = parse_media_playlist(playlist_path.read_text())
    assert playlist["ended"] and playlist["map"] == "init.mp4"
    assert len(playlist["segments"]) == 5
    assert all(round(d) <= playlist["target"] for _, d in playlist["segments"])
    assert sum(d for _, d in playlist["segments"]) == pytest.approx(4.5, abs=0.05)
    streams = ffprobe(playlist_path, "-show_streams")["streams"]
    video = [s for s in streams if s["codec_type"] == "video"]
    assert (video[0]["codec_name"], video[0]["width"], video[0]["height"]) == ("h264", width, height)


SEGMENT_GLOB = "seg_[0-9][0-9][0-9][0-9][0-9][0-9].m4s"


def test_segment_starts_are_keyframes_at_the_same_pts_on_every_rung(ladder_dir: Path) -> None:
    starts: dict[str, list[tuple[int, str]]] = {}
    for name in ("720p", "480p", "360p"):
        rung_dir = ladder_dir / "s1" / name
        init = (rung_dir / "init.mp4").read_bytes()
        firsts = []
        for segment in sorted(rung_dir.glob(SEGMENT_GLOB)):
            joined = rung_dir / f"probe-{segment.stem}.mp4"
            joined.write_bytes(init + segment.read_bytes())
            first = video_packets(joined)[0]
            firsts.append((int(first["pts"]), first["flags"]))
        starts[name] = firsts
    assert [pts for pts, _ in starts["720p"]] == [0, 90000, 180000, 270000, 360000]
    assert all(flags.startswith("K") for firsts in starts.values() for _, flags in firsts)
    assert starts["720p"] == starts["480p"] == starts["360p"]


def test_each_segment_is_its_ll_hls_parts_and_only_first_parts_start_with_a_keyframe(ladder_dir: Path) -> None:
    for name in ("720p", "480p", "360p", "audio"):
        rung_dir = ladder_dir / "s1" / name
        init = (rung_dir / "init.mp4").read_bytes()
        for segment in sorted(rung_dir.glob(SEGMENT_GLOB)):
            parts = sorted(rung_dir.glob(f"{segment.stem}.*.m4s"), key=lambda p: int(p.suffixes[0][1:]))
            assert len(parts) >= 2, f"{name}/{segment.name} has {len(parts)} parts"
            assert segment.read_bytes() == b"".join(p.read_bytes() for p in parts)
            if name == "audio":
                continue
            for index, part in enumerate(parts):
                joined = rung_dir / f"probe-{part.stem}.mp4"
                joined.write_bytes(init + part.read_bytes())
                flags = [p["flags"] for p in video_packets(joined)]
                assert flags[0].startswith("K") == (index == 0), f"{name}/{part.name} starts with {flags[0]}"


def test_audio_rendition_is_aac(ladder_dir: Path) -> None:
    stream = ffprobe(ladder_dir / "s1" / "audio" / "index.m3u8", "-show_streams")["streams"][0]
    assert (stream["codec_name"], stream["sample_rate"], stream["channels"]) == ("aac", "48000", 2)


def test_a_full_rung_skips_the_frame_on_every_rung(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = BroadcastSettings(rungs=parse_ladder("480p,360p"), preset="ultrafast", queue_frames=1)
    original = VideoEncoder.encode
    released = threading.Event()

    def slow_480p(self: VideoEncoder, image: object, pts: int, keyframe: bool) -> object:
        if self.rung.name == "480p" and not keyframe and not released.is_set():
            released.wait(10)  # an overloaded rung: stuck on a frame while the next ones arrive
        return original(self, image, pts, keyframe)  # type: ignore[arg-type]

    monkeypatch.setattr(VideoEncoder, "encode", slow_480p)
    broadcast = Broadcast(settings, [FolderOutput(tmp_path)], SystemClock(), stream_id="s2")
    broadcast.start()
    feed(broadcast, 0.5)  # the rung is stuck on frame 1 all this time, whatever the machine's load
    released.set()
    feed(broadcast, 2.5, start_frame=15)
    report = broadcast.stop()
    stats = broadcast.stats()
    assert stats.frames_skipped > 0, "the slow rung's one-frame queue overflows"
    encoded = {r.name: r.frames for r in stats.rungs}
    assert encoded["480p"] == encoded["360p"] == stats.frames_in - stats.frames_skipped
    assert report.complete
    keyframes = {}
    for name in ("480p", "360p"):
        init = (tmp_path / "s2" / name / "init.mp4").read_bytes()
        joined = tmp_path / f"{name}.mp4"
        joined.write_bytes(init + b"".join(p.read_bytes() for p in sorted((tmp_path / "s2" / name).glob(SEGMENT_GLOB))))
        keyframes[name] = [int(p["pts"]) for p in video_packets(joined) if p["flags"].startswith("K")]
    assert keyframes["480p"] == keyframes["360p"]
    assert keyframes["480p"] == [0, 90000, 180000], "segment starts are never the frames skipped"
    for name in ("480p", "360p"):
        playlist = parse_media_playlist((tmp_path / "s2" / name / "index.m3u8").read_text())
        durations = [d for _, d in playlist["segments"]]
        assert durations[:2] == [1.0, 1.0]
        assert all(round(d) <= playlist["target"] for d in durations)


def test_settings_and_ladder_specs_are_validated() -> None:
    with pytest.raises(ValueError, match="unknown rung"):
        parse_ladder("720p,999p")
    with pytest.raises(ValueError, match="names a rung twice"):
        parse_ladder("720p,720p")
    assert [r.name for r in parse_ladder("360p,1280x720@2000k")] == ["720p-2000k", "360p"]
    with pytest.raises(ValueError, match="audio bitrate"):
        BroadcastSettings(audio_bitrate=1)
