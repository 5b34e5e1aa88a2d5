"""The pusher-process output (RTMP, WHIP): what reaches a child, and where a restarted child starts.

The child here is a tiny Python program that appends what it reads to a file, so the test sees the
bytes exactly as a pusher would; it dies when told to (a file appears), like a destination dropping.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.cmaf_packager import FileKind, PublishedFile
from pipeline.fmp4 import Sample, fragment, init_segment
from pipeline.outputs.child_push import ChildPushOutput
from pipeline.outputs.http_push import RetryPolicy
from tests.helpers.tracks import AUDIO, VIDEO
from tests.helpers.waiting import wait_until

CAT = """
import os, sys
out, stop = sys.argv[1], sys.argv[2]
n = 0
while True:
    data = os.read(0, 65536)
    if not data:
        break
    with open(out, "ab") as f:
        f.write(data)
    if os.path.exists(stop):
        os.remove(stop)
        sys.exit("the destination went away")
"""


def part(rendition: str, segment: int, index: int, sequence: int) -> PublishedFile:
    track = VIDEO if rendition == "720p" else AUDIO
    samples = [Sample(bytes([sequence]) * 20, 3000, sync=index == 0 and i == 0) for i in range(10)]
    data = fragment(sequence, track.track_id, segment * 90_000 + index * 30_000, samples)
    return PublishedFile(f"s/{rendition}/seg_{segment:06d}.{index}.m4s", data, FileKind.PART)


def inits() -> list[PublishedFile]:
    return [
        PublishedFile("s/720p/init.mp4", init_segment(VIDEO), FileKind.INIT),
        PublishedFile("s/audio/init.mp4", init_segment(AUDIO), FileKind.INIT),
    ]


def make(tmp_path: Path, *, live_edge: bool) -> tuple[ChildPushOutput, Path, Path]:
    out, stop = tmp_path / "received", tmp_path / "stop"
    output = ChildPushOutput(
        "test://x/secret", "test://x/…", [sys.executable, "-c", CAT, str(out), str(stop)], "720p", "audio",
        name="test", parts=True, live_edge=live_edge, retry=RetryPolicy(initial=0.3, maximum=0.3),
    )  # fmt: skip
    return output, out, stop


def test_parts_reach_the_child_after_one_combined_init_and_segments_are_not_sent_twice(tmp_path: Path) -> None:
    output, out, _ = make(tmp_path, live_edge=True)
    try:
        for item in inits():
            output.publish(item)
        p0, p1 = part("720p", 0, 0, 1), part("720p", 0, 1, 2)
        output.publish(p0)
        output.publish(p1)
        output.publish(PublishedFile("s/720p/seg_000000.m4s", p0.data + p1.data, FileKind.SEGMENT))
        output.publish(PublishedFile("s/720p/index.m3u8", b"#EXTM3U", FileKind.MEDIA_PLAYLIST))
        output.publish(PublishedFile("s/360p/seg_000000.0.m4s", b"other rung", FileKind.PART))
        wait_until(lambda: output.stats().sent_files == 2, 10, "two fragments sent", poll=0.02)
        report = output.close(5)
    finally:
        output.close(1)
    data = out.read_bytes()
    assert data.startswith(b"\x00\x00") and b"ftyp" in data[:16] and data.count(b"moov") == 1
    assert data.count(b"moof") == 2, "two parts; the segment repeating them is not sent"
    assert b"other rung" not in data
    assert report.complete, report.message


def test_a_restarted_child_starts_at_the_newest_keyframe_at_the_live_edge(tmp_path: Path) -> None:
    output, out, stop = make(tmp_path, live_edge=True)
    try:
        for item in inits():
            output.publish(item)
        output.publish(part("720p", 0, 0, 1))
        wait_until(lambda: output.stats().sent_files == 1, 10, "the first fragment sent", poll=0.02)
        stop.touch()  # the destination drops on the next write...
        output.publish(part("720p", 0, 1, 2))
        wait_until(lambda: output.stats().state == "retrying", 10, "the child's death noticed", poll=0.02)
        # ...and while it is away the stream goes on: the rest of segment 0, all of segment 1, part of 2.
        backlog = [part("720p", 0, 2, 3), part("audio", 1, 0, 4), part("720p", 1, 0, 5), part("720p", 1, 1, 6),
                   part("720p", 2, 0, 7), part("audio", 2, 0, 8), part("720p", 2, 1, 9)]  # fmt: skip
        for item in backlog:
            output.publish(item)
        stats = output.stats()
        assert stats.retry_in is not None and stats.retries == 1 and "went away" in (stats.last_error or "")
        assert "secret" not in (stats.last_error or "") + output.name
        wait_until(
            lambda: output.stats().state != "retrying" and output.stats().queued_files == 0,
            10,
            "a new child to drain the queue",
            poll=0.02,
        )
        output.close(5)
    finally:
        output.close(1)
    data = out.read_bytes()
    second = data[data.rindex(b"ftyp") - 4 :]
    # The new child got the init, then segment 2 from its first (key) part on; segments 0 and 1 were skipped.
    sequences = [int.from_bytes(second[i + 12 : i + 16], "big") for i in _boxes(second, b"mfhd")]
    assert sequences == [7, 8, 9]
    assert output.stats().dropped_files == 4  # sequences 3-6 (2 was written before the child died)


def test_without_live_edge_a_restarted_child_resumes_at_the_first_queued_keyframe(tmp_path: Path) -> None:
    output, out, stop = make(tmp_path, live_edge=False)
    try:
        for item in inits():
            output.publish(item)
        output.publish(part("720p", 0, 0, 1))
        wait_until(lambda: output.stats().sent_files == 1, 10, "the first fragment sent", poll=0.02)
        stop.touch()
        output.publish(part("720p", 0, 1, 2))
        wait_until(lambda: output.stats().state == "retrying", 10, "the child's death noticed", poll=0.02)
        for item in [part("720p", 0, 2, 3), part("720p", 1, 0, 4), part("720p", 1, 1, 5), part("720p", 2, 0, 6)]:
            output.publish(item)
        wait_until(
            lambda: output.stats().state != "retrying" and output.stats().queued_files == 0,
            10,
            "a new child to drain the queue",
            poll=0.02,
        )
        output.close(5)
    finally:
        output.close(1)
    data = out.read_bytes()
    second = data[data.rindex(b"ftyp") - 4 :]
    assert [int.from_bytes(second[i + 12 : i + 16], "big") for i in _boxes(second, b"mfhd")] == [4, 5, 6]


def test_bad_fragments_are_counted_not_sent(tmp_path: Path) -> None:
    output, out, _ = make(tmp_path, live_edge=True)
    try:
        for item in inits():
            output.publish(item)
        output.publish(PublishedFile("s/720p/seg_000000.0.m4s", b"\x00\x00\x01\x00moofjunk", FileKind.PART))
        stats = output.stats()
        assert stats.dropped_files == 1 and "seg_000000.0.m4s" in (stats.last_error or "")
        assert out.exists() is False or b"junk" not in out.read_bytes()
    finally:
        output.close(1)


def _boxes(data: bytes, kind: bytes) -> list[int]:
    """Offsets of every ``kind`` box header's size field (4 bytes before the type)."""
    found, start = [], 0
    while (i := data.find(kind, start)) >= 0:
        found.append(i - 4)
        start = i + 4
    return found
