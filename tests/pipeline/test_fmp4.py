"""The fMP4 writer: byte layout checked directly, playability checked with ffprobe/ffmpeg."""

from __future__ import annotations

import struct
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from pipeline import fmp4
from pipeline.encoders import AudioEncoder, Rung, VideoEncoder
from tests.helpers.media import ffprobe


def test_split_annexb_handles_3_and_4_byte_start_codes() -> None:
    stream = b"\x00\x00\x00\x01\x67\xaa\xbb" + b"\x00\x00\x01\x68\xcc" + b"\x00\x00\x00\x01\x65\x01\x02\x03"
    assert fmp4.split_annexb(stream) == [b"\x67\xaa\xbb", b"\x68\xcc", b"\x65\x01\x02\x03"]


def test_annexb_to_avcc_length_prefixes_slices_and_drops_parameter_sets() -> None:
    stream = (
        b"\x00\x00\x00\x01\x09\xf0" + b"\x00\x00\x01\x67\x42" + b"\x00\x00\x01\x68\xce" + b"\x00\x00\x01\x65\x88\x84"
    )
    assert fmp4.annexb_to_avcc(stream) == struct.pack(">I", 3) + b"\x65\x88\x84"


def test_video_track_needs_parameter_sets() -> None:
    with pytest.raises(fmp4.Fmp4Error, match="no SPS/PPS"):
        fmp4.VideoTrack.from_annexb_extradata(b"\x00\x00\x01\x65\x00", track_id=1, timescale=90000, width=2, height=2)


def _children(data: bytes, offset: int, size: int, header: int = 8) -> dict[bytes, tuple[int, int]]:
    found = {}
    pos = offset + header
    while pos < offset + size:
        box_size, kind = struct.unpack_from(">I4s", data, pos)
        found[kind] = (pos, box_size)
        pos += box_size
    return found


def test_fragment_data_offset_points_at_the_first_sample() -> None:
    samples = [fmp4.Sample(b"A" * 10, 3000, True), fmp4.Sample(b"B" * 7, 3000, False, composition_offset=3000)]
    data = fmp4.fragment(5, 1, 123_456_789_000, samples)
    boxes = fmp4.iter_boxes(data)
    assert [kind for kind, _, _ in boxes] == [b"moof", b"mdat"]
    moof_at, moof_size = boxes[0][1], boxes[0][2]
    moof = _children(data, moof_at, moof_size)
    assert struct.unpack_from(">I", data, moof[b"mfhd"][0] + 12)[0] == 5
    traf_at, traf_size = moof[b"traf"]
    traf = _children(data, traf_at, traf_size)
    assert struct.unpack_from(">Q", data, traf[b"tfdt"][0] + 12)[0] == 123_456_789_000
    trun_at = traf[b"trun"][0]
    version_flags, count, data_offset = struct.unpack_from(">IIi", data, trun_at + 8)
    assert version_flags >> 24 == 1, "composition offsets need a version 1 trun"
    assert count == 2
    assert data[moof_at + data_offset : moof_at + data_offset + 10] == b"A" * 10
    first = struct.unpack_from(">IIIi", data, trun_at + 20)
    assert first == (3000, 10, fmp4.SYNC_SAMPLE_FLAGS, 0)


@pytest.mark.parametrize(("sequence", "samples"), [(0, [fmp4.Sample(b"x", 1, True)]), (1, [])])
def test_fragment_rejects_invalid_input(sequence: int, samples: list[fmp4.Sample]) -> None:
    with pytest.raises(fmp4.Fmp4Error):
        fmp4.fragment(sequence, 1, 0, samples)


def test_iter_boxes_reports_truncation() -> None:
    with pytest.raises(fmp4.Fmp4Error, match="invalid size"):
        fmp4.iter_boxes(struct.pack(">I4s", 100, b"moof") + b"short")


def test_encoded_h264_and_aac_fragments_decode_with_ffmpeg(tmp_path: Path) -> None:
    encoder = VideoEncoder(Rung("t", 320, 180, 300_000), Fraction(30), "ultrafast")
    assert encoder.track.codec.startswith("avc1.")
    samples = []
    rng = np.random.default_rng(1)
    for i in range(45):
        image = rng.integers(0, 255, (180, 320, 3), dtype=np.uint8)
        samples += encoder.encode(image, i * 3000, keyframe=i % 30 == 0)
    samples += encoder.flush()
    assert len(samples) == 45
    assert [s.pts for s in samples if s.keyframe] == [0, 90000]
    fragments = [
        fmp4.fragment(n + 1, 1, chunk[0].dts, [fmp4.Sample(s.data, 3000, s.keyframe) for s in chunk])
        for n, chunk in enumerate((samples[:30], samples[30:]))
    ]
    video = tmp_path / "video.mp4"
    video.write_bytes(fmp4.init_segment(encoder.track) + b"".join(fragments))
    info = ffprobe(video, "-count_frames", "-show_streams")["streams"][0]
    assert (info["codec_name"], info["width"], info["height"], int(info["nb_read_frames"])) == ("h264", 320, 180, 45)
    subprocess.run(["ffmpeg", "-v", "error", "-xerror", "-i", str(video), "-f", "null", "-"], check=True)

    audio_encoder = AudioEncoder(48000, 2, 96000)
    assert audio_encoder.track.codec == "mp4a.40.2"
    audio = []
    for k in range(50):
        t = (np.arange(1024) + k * 1024) / 48000
        block = np.repeat((0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[:, None], 2, axis=1)
        audio += audio_encoder.encode(block, k * 1024)
    assert audio[0].pts == 0, "the encoder's priming packet is dropped"
    path = tmp_path / "audio.mp4"
    path.write_bytes(
        fmp4.init_segment(audio_encoder.track)
        + fmp4.fragment(1, 1, 0, [fmp4.Sample(s.data, 1024, True) for s in audio])
    )
    stream = ffprobe(path, "-count_frames", "-show_streams")["streams"][0]
    assert (stream["codec_name"], stream["sample_rate"], stream["channels"]) == ("aac", "48000", 2)
    assert int(stream["nb_read_frames"]) == len(audio)
