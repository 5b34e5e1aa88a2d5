"""The clock code (pipeline/sources/clock_code.py and its page twin assets/web/clock_code.js)."""

from __future__ import annotations

import json
import subprocess
import time
from fractions import Fraction

import av
import cv2
import numpy as np
import pytest

from app.paths import REPO_ROOT
from pipeline.sources import clock_code
from pipeline.sources.base import FrameTime
from pipeline.sources.test_pattern import TestPattern

NOW = 1_764_150_000_123  # 2025-11-26, in ms


def test_round_trip_and_refusals() -> None:
    image = np.full((64, 800, 3), 128, np.uint8)
    for ms in (0, 1, NOW, (1 << clock_code.TIME_BITS) - 1):
        clock_code.draw(image, ms, 10, 20, 12)
        assert clock_code.read(image, 10, 20, 12) == ms
    assert clock_code.read(np.full((64, 800, 3), 128, np.uint8), 10, 20, 12) is None  # nothing there
    clock_code.draw(image, NOW, 10, 20, 12)
    x = 10 + (len(clock_code.START) + 20) * 12
    image[20:32, x : x + 12] = 255 - image[26, x + 6]  # flip one time bit: the checksum catches it
    assert clock_code.read(image, 10, 20, 12) is None
    with pytest.raises(ValueError, match="does not fit"):
        clock_code.draw(image, NOW, 700, 20, 12)
    with pytest.raises(ValueError, match="does not fit the clock code's 42 bits"):
        clock_code.bits_of(-1)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (720, 1280)], ids=["landscape", "portrait"])
def test_the_test_patterns_code_survives_the_lowest_rung(width: int, height: int) -> None:
    """Drawn at the canvas size, scaled to half (the 360p rung) and through x264 at that rung's
    600 kb/s, it reads back, on either canvas."""
    pattern = TestPattern(width, height)
    x, y, cell = pattern.clock_code_box()
    encoder = av.CodecContext.create("libx264", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width // 2, height // 2, "yuv420p"
    encoder.time_base, encoder.framerate = Fraction(1, 30), Fraction(30)
    encoder.bit_rate = 600_000
    encoder.options = {"preset": "veryfast", "tune": "zerolatency"}
    decoder = av.CodecContext.create("h264", "r")
    sent, read = [], []
    for n in range(30):
        wall = NOW / 1000 + n / 30
        frame = pattern.read(FrameTime(n, n / 30, wall))
        small = cv2.resize(frame, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
        video = av.VideoFrame.from_ndarray(small, format="bgr24").reformat(format="yuv420p")
        video.pts = n
        sent.append(int(wall * 1000))
        for packet in encoder.encode(video):
            for decoded in decoder.decode(packet):
                read.append(clock_code.read(decoded.to_ndarray(format="bgr24"), x / 2, y / 2, cell / 2))
    assert len(read) >= 25
    assert read == sent[: len(read)]


def test_the_page_twin_draws_and_reads_the_same_code() -> None:
    times = [0, 1, NOW, int(time.time() * 1000), (1 << clock_code.TIME_BITS) - 1]
    script = (
        "require(process.argv[1]); const t = JSON.parse(process.argv[2]);"
        "const out = t.map(ms => { const bits = ClockCode.bitsOf(ms);"
        " const px = {width: bits.length * 4, height: 4, data: new Uint8ClampedArray(bits.length * 64)};"
        " bits.forEach((b, i) => { for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {"
        "  const at = (y * px.width + i * 4 + x) * 4; px.data[at] = px.data[at+1] = px.data[at+2] = b * 255; } });"
        " return [bits, ClockCode.read(px, 0, 0, 4)]; });"
        "console.log(JSON.stringify(out));"
    )
    page = REPO_ROOT / "assets" / "web" / "clock_code.js"
    result = subprocess.run(
        ["node", "-e", script, str(page), json.dumps(times)], capture_output=True, text=True, check=True, timeout=30
    )
    for ms, (bits, back) in zip(times, json.loads(result.stdout), strict=True):
        assert bits == clock_code.bits_of(ms)
        assert back == ms
