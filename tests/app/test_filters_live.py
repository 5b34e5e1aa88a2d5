"""Beautify and denoise switched on and off while the program runs: no frame and no audio chunk is
lost, and what the sinks (preview, encoders) get is the filtered picture and sound."""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np
import pytest

from app.session import StudioSession
from app.session_config import SessionConfig
from pipeline.frames import AudioChunk, VideoFrame
from tests.helpers.fakes import FakeDevices

pytestmark = pytest.mark.slow


def test_toggling_beautify_and_denoise_mid_stream_drops_no_frame_and_no_audio_chunk(no_devices: FakeDevices) -> None:
    session = StudioSession(SessionConfig(source="test", mic="tone"), devices=no_devices)
    frames: list[VideoFrame] = []
    chunks: list[AudioChunk] = []
    lock = threading.Lock()

    def on_frame(frame: VideoFrame) -> None:
        with lock:
            frames.append(frame)

    session.add_preview_sink(on_frame)
    session.start()
    session.program.add_audio_sink(chunks.append)
    started = time.monotonic()
    try:
        time.sleep(0.5)
        for i in range(10):
            on = i % 2 == 0
            session.video_filters.enable("shopcast.beautify", on)
            session.audio_filters.enable("shopcast.denoise", on)
            if on:  # face shaping too: its landmark process starts while the program runs
                session.video_filters.update("shopcast.beautify", slimming=0.6 * (i % 4 == 0), eyes=0.4)
            time.sleep(0.3)
        assert session.video_filters.state("shopcast.beautify").status == "off"
        session.video_filters.enable("shopcast.beautify", True)
        session.video_filters.update("shopcast.beautify", look="warm", look_strength=1.0)
        with lock:
            warm_from = len(frames)
        time.sleep(0.5)
        stats = session.program.stats()
        seconds = time.monotonic() - started
    finally:
        session.close()
    # Every rendered frame reached the sink, in order; ticks are only skipped when rendering lags
    # (counted), and on this machine that stays rare even with the filters switching.
    pts = [f.pts for f in frames]
    assert pts == sorted(pts) and len(pts) >= stats.frames_rendered - 1
    assert stats.frames_lagged <= 0.02 * stats.frames_rendered + 2, stats
    # Sound: every block, back to back.
    assert all(b.pts == a.pts + a.frames for a, b in itertools.pairwise(chunks))
    assert len(chunks) >= 0.9 * (seconds * 48_000 / 1024)

    # The frames after the change carry the warm look: redder against bluer than the unfiltered first
    # frame (looked at just after the change: on a loaded machine the governor may bypass it later).
    def warmth(frame: VideoFrame) -> float:
        image = frame.image.astype(np.int32)
        return float((image[..., 2] - image[..., 0]).mean())

    assert max(warmth(f) for f in frames[warm_from + 1 : warm_from + 8]) > warmth(frames[0]) + 3
