"""The recording: one fragmented MP4 with the top rung and the sound, playable even after SIGKILL."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cmaf_packager import FileKind, PublishedFile
from pipeline.fmp4 import (
    Sample,
    combine_inits,
    fragment,
    init_segment,
    iter_boxes,
    renumber_fragments,
)
from pipeline.outputs import RecordingOutput
from tests.helpers.media import ffprobe
from tests.helpers.relay import REPO
from tests.helpers.tracks import AUDIO, VIDEO


def boxes_of(data: bytes, *path: bytes) -> list[bytes]:
    """Every box reached by ``path`` (container types, then the wanted type), as bytes."""
    found = [data]
    for kind in path:
        nxt = []
        for blob in found:
            start = 8 if blob is not data else 0
            inner = blob[start:]
            nxt += [inner[o : o + n] for k, o, n in iter_boxes(inner) if k == kind]
        found = nxt
    return found


def test_combined_init_numbers_tracks_one_and_two_and_fragments_are_renumbered() -> None:
    combined = combine_inits([init_segment(VIDEO), init_segment(AUDIO)])
    assert [kind for kind, _, _ in iter_boxes(combined)] == [b"ftyp", b"moov"]
    tkhds = boxes_of(combined, b"moov", b"trak", b"tkhd")
    assert [struct.unpack_from(">I", t, 20)[0] for t in tkhds] == [1, 2]
    handlers = [h[16:20] for h in boxes_of(combined, b"moov", b"trak", b"mdia", b"hdlr")]
    assert handlers == [b"vide", b"soun"]
    trexs = boxes_of(combined, b"moov", b"mvex", b"trex")
    assert [struct.unpack_from(">I", t, 12)[0] for t in trexs] == [1, 2]
    mvhd = boxes_of(combined, b"moov", b"mvhd")[0]
    assert struct.unpack_from(">I", mvhd, len(mvhd) - 4)[0] == 3, "next_track_ID"
    two = fragment(1, 1, 0, [Sample(b"a", 1024, True)]) + fragment(2, 1, 1024, [Sample(b"b", 1024, True)])
    renumbered = renumber_fragments(two, 2)
    tfhds = boxes_of(renumbered, b"moof", b"traf", b"tfhd")
    assert [struct.unpack_from(">I", t, 12)[0] for t in tfhds] == [2, 2]
    assert len(renumbered) == len(two)


def test_segments_before_both_inits_are_held_then_written_in_order(tmp_path: Path) -> None:
    target = tmp_path / "rec.mp4"
    recording = RecordingOutput(target, video="720p", audio="audio")
    seg = fragment(1, 1, 0, [Sample(b"\x00\x00\x00\x01\x65", 3000, True)])
    recording.publish(PublishedFile("s/720p/init.mp4", init_segment(VIDEO), FileKind.INIT))
    recording.publish(PublishedFile("s/720p/seg_000000.m4s", seg, FileKind.SEGMENT))
    recording.publish(PublishedFile("s/720p/seg_000000.0.m4s", seg, FileKind.PART))  # ignored: repeats the segment
    recording.publish(PublishedFile("s/480p/seg_000000.m4s", seg, FileKind.SEGMENT))  # not the recorded rung
    assert not target.exists() and recording.stats().queued_files == 1
    recording.publish(PublishedFile("s/audio/init.mp4", init_segment(AUDIO), FileKind.INIT))
    assert target.exists() and recording.stats().sent_files == 1
    report = recording.close(1)
    assert report.complete and "1 segments" in report.message
    data = target.read_bytes()
    assert [k for k, _, _ in iter_boxes(data)] == [b"ftyp", b"moov", b"moof", b"mdat"]


def test_a_recording_never_overwrites_a_file(tmp_path: Path) -> None:
    (tmp_path / "rec.mp4").write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="never overwrites"):
        RecordingOutput(tmp_path / "rec.mp4", video="720p", audio="audio")


def test_a_disk_failure_is_reported_not_raised(tmp_path: Path) -> None:
    recording = RecordingOutput(tmp_path / "gone" / "rec.mp4", video="720p", audio=None)
    (tmp_path / "gone").rmdir()
    recording.publish(PublishedFile("s/720p/init.mp4", init_segment(VIDEO), FileKind.INIT))
    stats = recording.stats()
    assert stats.state == "failed" and "recording to" in (stats.last_error or "")
    assert not recording.close(1).complete


@pytest.mark.slow
def test_a_broadcast_killed_mid_stream_leaves_a_playable_recording(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "app", "broadcast", "--record", str(tmp_path), "--source", "test",
               "--mic", "tone", "--preset", "ultrafast", "--quiet"]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        recorded: list[Path] = []
        while time.monotonic() < deadline:
            recorded = list(tmp_path.glob("shopcast-*.mp4"))
            if recorded and recorded[0].stat().st_size > 400_000:  # a few seconds of 720p
                break
            time.sleep(0.2)
        assert recorded, "no recording appeared"
        time.sleep(0.3)  # let it be mid-segment: the kill must not land between tidy points
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    path = recorded[0]
    info = ffprobe(path, "-show_streams", "-show_format")
    kinds = sorted(s["codec_type"] for s in info["streams"])
    assert kinds == ["audio", "video"]
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 720, 1280)  # the portrait top rung
    frames = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-f", "null", "-"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert frames.returncode == 0 and frames.stderr.strip() == "", frames.stderr
    assert float(info["format"]["duration"]) >= 2.0
