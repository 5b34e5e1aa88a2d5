"""Segmenting and publication order of the CMAF/HLS packager, with synthetic samples."""

from __future__ import annotations

import pytest

from pipeline.cmaf_packager import (
    AudioRendition,
    FileKind,
    HlsPackager,
    PackagerSettings,
    PublishedFile,
    TrackPackager,
    VideoRendition,
)
from pipeline.fmp4 import VideoTrack
from pipeline.frames import EncodedSample
from tests.helpers.media import parse_media_playlist
from tests.helpers.tracks import AUDIO, VIDEO, video_samples


def collect() -> tuple[list[PublishedFile], object]:
    published: list[PublishedFile] = []
    return published, published.append


def test_segments_are_cut_at_each_boundary_and_the_last_playlist_ends() -> None:
    published, publish = collect()
    track = TrackPackager(
        "s/720p", VIDEO, PackagerSettings(segment_seconds=1.0), publish, wall_origin=1.7e9, default_duration=3000
    )
    for sample in video_samples(3.5):
        track.add(sample)
    track.finish()
    assert published[0].path == "s/720p/init.mp4" and published[0].kind is FileKind.INIT
    segments = [f.path for f in published if f.kind is FileKind.SEGMENT]
    assert segments == [f"s/720p/seg_00000{i}.m4s" for i in range(4)]
    final = parse_media_playlist(published[-1].data.decode())
    assert final["ended"]
    assert final["target"] == 1
    assert [d for _, d in final["segments"]] == pytest.approx([1.0, 1.0, 1.0, 0.5])


def test_the_last_sample_lasts_one_frame_even_after_skipped_frames() -> None:
    """Frames skipped under load stretch the sample before them; the stream's last sample still
    lasts one frame, so the last segment stays within the target duration."""
    published, publish = collect()
    track = TrackPackager(
        "s/720p", VIDEO, PackagerSettings(segment_seconds=1.0), publish, wall_origin=1.7e9, default_duration=3000
    )
    samples = video_samples(2.0)
    for sample in samples[:45] + samples[59:]:  # frames 45-58 skipped: frame 44 stands for them
        track.add(sample)
    track.finish()
    final = parse_media_playlist(published[-1].data.decode())
    assert [d for _, d in final["segments"]] == pytest.approx([1.0, 1.0])


def test_every_file_is_published_before_the_playlist_that_lists_it() -> None:
    published, publish = collect()
    track = TrackPackager(
        "v", VIDEO, PackagerSettings(segment_seconds=1.0, window=3), publish, wall_origin=0.0, default_duration=3000
    )
    for sample in video_samples(6):
        track.add(sample)
    track.finish()
    seen: set[str] = set()
    for item in published:
        if item.kind is FileKind.MEDIA_PLAYLIST:
            playlist = parse_media_playlist(item.data.decode())
            assert f"v/{playlist['map']}" in seen
            for uri, _ in playlist["segments"]:
                assert f"v/{uri}" in seen, f"{uri} listed before it was published"
            assert len(playlist["segments"]) <= 3, "the live window holds at most 3 segments"
        seen.add(item.path)
    last = parse_media_playlist(published[-1].data.decode())
    assert last["sequence"] == 3 and last["segments"][0][0] == "seg_000003.m4s"


def test_leading_non_keyframes_and_non_increasing_dts_are_dropped() -> None:
    _, publish = collect()
    track = TrackPackager("v", VIDEO, PackagerSettings(), publish, wall_origin=0.0, default_duration=3000)
    track.add(EncodedSample(b"p", 0, 0, keyframe=False))
    track.add(EncodedSample(b"k", 3000, 3000, keyframe=True))
    track.add(EncodedSample(b"late", 3000, 3000, keyframe=False))
    track.add(EncodedSample(b"n", 6000, 6000, keyframe=False))
    track.finish()
    assert track.dropped_samples == 2
    assert track.segments == 1


def test_audio_is_cut_at_the_first_frame_past_each_boundary() -> None:
    published, publish = collect()
    track = TrackPackager(
        "a", AUDIO, PackagerSettings(segment_seconds=1.0), publish, wall_origin=0.0, default_duration=1024
    )
    for k in range(120):
        track.add(EncodedSample(b"a" * 8, 500 + k * 1024, 500 + k * 1024, keyframe=True))
    track.finish()
    playlist = parse_media_playlist(published[-1].data.decode())
    durations = [d for _, d in playlist["segments"]]
    # 47 frames reach the first boundary at 48000 (500 + 47*1024 = 48628 >= 48000).
    assert durations[0] == pytest.approx(47 * 1024 / 48000, abs=1e-5)  # EXTINF has 5 decimals
    assert all(abs(d - 1.0) < 1024 / 48000 for d in durations[1:-1])
    assert sum(durations) == pytest.approx(120 * 1024 / 48000, abs=1e-4)


def test_multivariant_playlist_waits_for_every_rendition_and_describes_them() -> None:
    published, publish = collect()
    video = [
        VideoRendition("720p", VideoTrack(1, 90000, 1280, 720, (b"\x67\x64\x00\x1f",), (b"\x68",)), 2_500_000, 30.0),
        VideoRendition("360p", VIDEO, 600_000, 30.0),
    ]
    packager = HlsPackager("b1", video, AudioRendition("audio", AUDIO), PackagerSettings(), publish, wall_origin=0.0)
    for sample in video_samples(2.2):
        packager.video_tracks[0].add(sample)
        packager.video_tracks[1].add(sample)
    assert not any(f.kind is FileKind.MULTIVARIANT_PLAYLIST for f in published), "audio has no segment yet"
    for k in range(60):
        packager.audio_track.add(EncodedSample(b"a", k * 1024, k * 1024, True))  # type: ignore[union-attr]
    packager.finish()
    masters = [f for f in published if f.kind is FileKind.MULTIVARIANT_PLAYLIST]
    assert len(masters) == 1
    text = masters[0].data.decode()
    assert '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio"' in text and 'URI="b1/audio/index.m3u8"' in text
    assert 'RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2",AUDIO="audio"' in text
    assert "b1/360p/index.m3u8" in text
    assert text.index("b1/720p/index.m3u8") < text.index("b1/360p/index.m3u8")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"segment_seconds": 0.01}, "segment duration"), ({"window": 1}, "playlist window")],
)
def test_packager_settings_are_validated(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PackagerSettings(**kwargs)  # type: ignore[arg-type]


def test_stream_ids_cannot_escape_the_stream_root() -> None:
    with pytest.raises(ValueError, match="stream id"):
        HlsPackager(
            "../x", [VideoRendition("v", VIDEO, 1, 30.0)], None, PackagerSettings(), lambda f: None, wall_origin=0.0
        )
