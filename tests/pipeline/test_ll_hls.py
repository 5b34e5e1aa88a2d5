"""LL-HLS packaging (RFC 8216bis): parts, their playlists and the rules a low-latency player relies on.

Every media playlist the packager publishes while a synthetic 30 fps video and a 48 kHz AAC track
run is read back and checked against the spec's rules, not against our own output.
"""

from __future__ import annotations

import re
from typing import Any

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
from pipeline.frames import EncodedSample
from pipeline.hls_playlist import mark_gaps
from tests.helpers.tracks import AUDIO, VIDEO, video_samples

ATTR = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


def attributes(line: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in ATTR.findall(line.split(":", 1)[1])}


def parse_ll(text: str) -> dict[str, Any]:
    """The LL-HLS view of a media playlist: segments with their parts, open parts, hint, reports."""
    out: dict[str, Any] = {"segments": [], "open": [], "hint": None, "reports": [], "ended": False}
    parts: list[dict[str, str]] = []
    duration = None
    for line in text.splitlines():
        if line.startswith("#EXT-X-PART-INF:"):
            out["part_target"] = float(attributes(line)["PART-TARGET"])
        elif line.startswith("#EXT-X-SERVER-CONTROL:"):
            out["server_control"] = attributes(line)
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            out["sequence"] = int(line.split(":")[1])
        elif line.startswith("#EXT-X-PART:"):
            parts.append(attributes(line))
        elif line.startswith("#EXTINF:"):
            duration = float(line.split(":")[1].rstrip(","))
        elif line.startswith("#EXT-X-PRELOAD-HINT:"):
            out["hint"] = attributes(line)
        elif line.startswith("#EXT-X-RENDITION-REPORT:"):
            out["reports"].append(attributes(line))
        elif line == "#EXT-X-ENDLIST":
            out["ended"] = True
        elif line and not line.startswith("#"):
            out["segments"].append({"uri": line, "duration": duration, "parts": parts})
            parts = []
    out["open"] = parts
    return out


def audio_samples(seconds: float) -> list[EncodedSample]:
    return [EncodedSample(b"a" * 8, k * 1024, k * 1024, keyframe=True) for k in range(int(seconds * 48000 / 1024))]


def run_track(track: Any, samples: list[EncodedSample], published: list[PublishedFile]) -> None:
    for sample in samples:
        track.add(sample)
    track.finish()


@pytest.mark.parametrize("kind", ["video", "audio"])
def test_every_live_playlist_follows_the_ll_hls_rules(kind: str) -> None:
    published: list[PublishedFile] = []
    track_def, samples = (VIDEO, video_samples(4.5)) if kind == "video" else (AUDIO, audio_samples(4.5))
    track = TrackPackager(
        "s/r", track_def, PackagerSettings(), published.append, wall_origin=1.7e9,
        default_duration=3000 if kind == "video" else 1024,
    )  # fmt: skip
    run_track(track, samples, published)
    seen: set[str] = set()
    playlists = 0
    for item in published:
        if item.kind is not FileKind.MEDIA_PLAYLIST:
            seen.add(item.path.rsplit("/", 1)[1])
            continue
        playlists += 1
        pl = parse_ll(item.data.decode())
        target = pl["part_target"]
        assert target <= 1 / 3 + 1e-4, "parts are at most 1/3 s here"
        control = pl["server_control"]
        assert control["CAN-BLOCK-RELOAD"] == "YES"
        assert float(control["PART-HOLD-BACK"]) >= 2 * target, "PART-HOLD-BACK must be at least twice PART-TARGET"
        assert float(control["HOLD-BACK"]) >= 3 * 1, "HOLD-BACK must be at least three target durations"
        listed = [p for seg in pl["segments"] for p in seg["parts"]] + pl["open"]
        for part in listed:
            assert float(part["DURATION"]) <= target, f"{part['URI']} is longer than PART-TARGET"
            assert part["URI"] in seen, f"{part['URI']} listed before it was published"
        for seg in pl["segments"]:
            assert seg["uri"] in seen
            if seg["parts"]:
                assert sum(float(p["DURATION"]) for p in seg["parts"]) == pytest.approx(seg["duration"], abs=1e-3)
                if kind == "video":
                    assert seg["parts"][0].get("INDEPENDENT") == "YES"
                    assert all("INDEPENDENT" not in p for p in seg["parts"][1:])
                    # Only a segment's independent first part and its last may be under 85 % of the target.
                    assert all(float(p["DURATION"]) >= 0.85 * target for p in seg["parts"][1:-1])
        with_parts = [i for i, seg in enumerate(pl["segments"]) if seg["parts"]]
        assert with_parts == list(range(len(pl["segments"]) - len(with_parts), len(pl["segments"])))
        assert len(with_parts) <= 3, "parts are listed only for the last three segments"
        if pl["ended"]:
            assert pl["hint"] is None and pl["reports"] == []
        else:
            hint = pl["hint"]["URI"]
            assert pl["hint"]["TYPE"] == "PART" and hint not in seen, "the hint names the next part, not yet made"
    assert playlists >= 4 * 3, "a playlist for every part, not only every segment"


def test_segment_bytes_are_its_parts_bytes_and_parts_are_fragments() -> None:
    published: list[PublishedFile] = []
    track = TrackPackager("s/r", VIDEO, PackagerSettings(), published.append, wall_origin=0.0, default_duration=3000)
    run_track(track, video_samples(2.5), published)
    files = {f.path.rsplit("/", 1)[1]: f.data for f in published}
    for n in range(3):
        parts = [files[name] for name in sorted(files) if name.startswith(f"seg_{n:06d}.") and name.count(".") == 2]
        assert parts and b"".join(parts) == files[f"seg_{n:06d}.m4s"]
        assert all(p[4:8] == b"moof" for p in parts)


def test_rendition_reports_name_the_other_renditions_at_their_positions() -> None:
    published: list[PublishedFile] = []
    video = [VideoRendition("720p", VIDEO, 2_500_000, 30.0), VideoRendition("360p", VIDEO, 600_000, 30.0)]
    packager = HlsPackager("b1", video, AudioRendition("audio", AUDIO), PackagerSettings(), published.append,
                           wall_origin=0.0)  # fmt: skip
    for sample in audio_samples(2.5):
        packager.audio_track.add(sample)  # type: ignore[union-attr]
    for sample in video_samples(2.5):
        packager.video_tracks[0].add(sample)
        packager.video_tracks[1].add(sample)
    latest_360: dict[str, Any] | None = None
    checked = 0
    for item in published:
        if item.path == "b1/360p/index.m3u8":
            latest_360 = parse_ll(item.data.decode())
        elif item.path == "b1/720p/index.m3u8" and latest_360 is not None:
            reports = {r["URI"]: r for r in parse_ll(item.data.decode())["reports"]}
            assert set(reports) == {"../360p/index.m3u8", "../audio/index.m3u8"}, "itself is not reported"
            own = latest_360
            msn = own["sequence"] + len(own["segments"]) - (0 if own["open"] else 1)
            part = len(own["open"]) - 1 if own["open"] else len(own["segments"][-1]["parts"]) - 1
            assert (
                int(reports["../360p/index.m3u8"]["LAST-MSN"]),
                int(reports["../360p/index.m3u8"]["LAST-PART"]),
            ) == (
                msn,
                part,
            )
            checked += 1
    assert checked >= 5


def test_plain_hls_has_no_low_latency_tags_or_parts() -> None:
    published: list[PublishedFile] = []
    track = TrackPackager("s/r", VIDEO, PackagerSettings(part_seconds=None), published.append, wall_origin=0.0,
                          default_duration=3000)  # fmt: skip
    run_track(track, video_samples(2.5), published)
    assert not any(f.kind is FileKind.PART for f in published)
    for f in published:
        if f.kind is FileKind.MEDIA_PLAYLIST:
            text = f.data.decode()
            assert "#EXT-X-PART" not in text and "PRELOAD-HINT" not in text and "SERVER-CONTROL" not in text


@pytest.mark.parametrize(("part", "message"), [(0.01, "part duration"), (0.6, "half a segment")])
def test_part_durations_are_validated(part: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PackagerSettings(segment_seconds=1.0, part_seconds=part)


def test_gaps_mark_their_segments_and_parts_and_leave_the_rest_of_the_playlist_as_it_was() -> None:
    """RFC 8216bis 6.2.1: absent media is a segment with EXT-X-GAP whose parts say GAP=YES; a lost part
    of the open segment says GAP=YES alone. Sequence numbers, the hint and the reports do not move."""
    published: list[PublishedFile] = []
    video = [VideoRendition("720p", VIDEO, 2_500_000, 30.0), VideoRendition("360p", VIDEO, 600_000, 30.0)]
    packager = HlsPackager("b1", video, None, PackagerSettings(), published.append, wall_origin=1.7e9)
    for sample in video_samples(6.5):
        packager.video_tracks[0].add(sample)
        packager.video_tracks[1].add(sample)
    live = [f.data.decode() for f in published if f.path == "b1/360p/index.m3u8"][-1]
    before = parse_ll(live)
    assert before["open"] and before["reports"] and before["segments"][-1]["parts"]
    gap_segments = {before["segments"][0]["uri"], before["segments"][-2]["uri"]}  # without parts, with parts
    lost_part = before["open"][0]["URI"]

    marked = mark_gaps(live, gap_segments, {lost_part, "seg_999999.0.m4s"})
    after = parse_ll(marked)
    lines = marked.splitlines()
    tagged = [lines[i + 2] for i, line in enumerate(lines) if line == "#EXT-X-GAP"]
    assert [lines[i + 1][:8] for i, line in enumerate(lines) if line == "#EXT-X-GAP"] == ["#EXTINF:"] * 2
    assert set(tagged) == gap_segments, "EXT-X-GAP applies to exactly those segments"
    for seg in after["segments"]:
        gaps = {p.get("GAP") for p in seg["parts"]}
        assert gaps <= ({"YES"} if seg["uri"] in gap_segments else {None}), seg
    assert [p.get("GAP") for p in after["open"]] == ["YES"] + [None] * (len(after["open"]) - 1)
    assert (after["sequence"], after["hint"], after["reports"]) == (
        before["sequence"],
        before["hint"],
        before["reports"],
    )
    assert [s["uri"] for s in after["segments"]] == [s["uri"] for s in before["segments"]]
    assert marked.replace("#EXT-X-GAP\n", "").replace(",GAP=YES", "") == live, "nothing else changes"
    assert mark_gaps(marked, gap_segments, {lost_part}) == marked, "marking twice changes nothing"
    assert mark_gaps(live, set(), set()) == live
