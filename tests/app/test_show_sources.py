"""What the show does with sources that fail, and with its scene-collection file.

The camera is pulled mid-show (the fake device disappears): its placeholder is in the program within a
second, the stream has no gap, and the camera comes back by itself. A scene collection saved by one
studio is the one the next studio starts with; one naming a missing image and an absent camera starts
anyway, with placeholders and notices; one that cannot be read is set aside and the templates used.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from app.scenes import load_collection, save_collection
from app.session import StudioSession
from app.session_config import SessionConfig
from app.session_events import Notice
from pipeline.broadcast import BroadcastSettings
from pipeline.encoders import parse_ladder
from pipeline.frames import VideoFrame
from pipeline.scene import Box, Layer, SourceSpec, to_dict
from tests.app.test_scenes_live import STEP
from tests.helpers.fakes import FakeDevices
from tests.helpers.media import ffprobe
from tests.helpers.waiting import wait_until

SMALL = BroadcastSettings(rungs=parse_ladder("480p,360p"), preset="ultrafast")
CAMERA_BGR = (40, 120, 200)
"""The fake camera's picture colour (tests/helpers/fakes.py)."""


class Pictures:
    """The newest program picture, kept from a preview sink."""

    def __init__(self) -> None:
        self.latest: np.ndarray | None = None
        self.lock = threading.Lock()

    def __call__(self, frame: VideoFrame) -> None:
        with self.lock:
            self.latest = frame.image

    def camera_share(self) -> float:
        """How much of the picture is the fake camera's colour."""
        with self.lock:
            image = self.latest
        if image is None:
            return 0.0
        return float((np.abs(image.astype(int) - CAMERA_BGR).max(axis=2) < 12).mean())


@pytest.mark.slow
def test_a_camera_pulled_mid_show_is_replaced_by_its_placeholder_without_a_gap(tmp_path: Path) -> None:
    devices = FakeDevices(cameras=1)
    session = StudioSession(
        SessionConfig(source="camera:0", mic="tone", broadcast=SMALL, record_dir=tmp_path / "hls"), devices=devices
    )
    pictures = Pictures()
    session.add_preview_sink(pictures)
    session.start()
    try:
        session.go_live_now()
        wait_until(lambda: pictures.camera_share() > 0.5, 10, "the camera on air")
        time.sleep(1.0)
        pulled = time.monotonic()
        devices.unplug(0)
        wait_until(lambda: pictures.camera_share() < 0.01, 3, "the camera's placeholder")
        assert time.monotonic() - pulled < 1.0, "the placeholder within a second"
        problem = session.show.pool.problems().get("host")
        assert problem is not None and "camera" in problem.en.lower()
        time.sleep(1.5)
        devices.replug(0)
        wait_until(lambda: pictures.camera_share() > 0.5, 5, "the camera back by itself")
        assert "host" not in session.show.pool.problems()
        time.sleep(1.0)
        stats = session.stats()
        report = session.end_live_now()
    finally:
        session.close()
    assert report.complete
    # The stream went on through it all: every picture of the top rung, one frame apart.
    rung = next((tmp_path / "hls").glob("*/480p"))
    clip = tmp_path / "top.mp4"
    clip.write_bytes(
        (rung / "init.mp4").read_bytes() + b"".join(p.read_bytes() for p in sorted(rung.glob("seg_*.m4s")))
    )
    packets = ffprobe(clip, "-select_streams", "v:0", "-show_packets", "-show_entries", "packet=pts")["packets"]
    pts = sorted(int(p["pts"]) for p in packets)
    gaps = sum((b - a) // STEP - 1 for a, b in itertools.pairwise(pts))
    assert gaps <= stats.program.frames_lagged + (stats.broadcast.frames_skipped if stats.broadcast else 0)
    assert (pts[-1] - pts[0]) / 90_000 > 4.0


def test_the_scene_collection_is_saved_and_restored_and_tolerates_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "scenes.json"
    first = StudioSession(SessionConfig(source="test", mic="none", scenes_file=path), devices=FakeDevices())
    first.start()
    try:
        scenes = first.scenes
        scenes.rename_scene("portrait", "full", "开场 Opening")
        image = scenes.add_source("shopcast.image", "Product shot", {"file": str(tmp_path / "gone.png")})
        camera = scenes.add_source("shopcast.camera", "Top-down camera", {"device": 7})
        layer = scenes.add_layer("portrait", "full", image, Box(40, 200, 300, 300))
        scenes.add_layer("portrait", "full", camera, Box(380, 200, 300, 300))
        scenes.edit_layer("portrait", "full", layer, opacity=0.8)
        saved = scenes.collection
    finally:
        first.close()  # writes what the saver had not written yet
    assert load_collection(path) == saved

    notices: list[Notice] = []
    second = StudioSession(SessionConfig(mic="none", scenes_file=path), devices=FakeDevices())
    second.add_listener(lambda e: notices.append(e) if isinstance(e, Notice) else None)
    second.start()
    try:
        assert second.scenes.collection == saved, "the next studio starts where the last one left off"
        wait_until(lambda: {image, camera} <= set(second.show.pool.problems()), 5, "both sources' problems")
        problems = second.show.pool.problems()
        assert "gone.png" in problems[image].en
        wait_until(lambda: second.program.stats().frames_rendered > 5, 5, "the show running")
        picture = second.program.picture
        for x in (40, 380):  # each box holds a placeholder: a dark slate with words, not black
            box = picture[200:500, x : x + 300].astype(int)
            assert 15 < box.mean() < 90 and box.std() > 5
        words = " ".join(n.message for n in notices)
        assert "Product shot" in words
    finally:
        second.close()


def test_an_unreadable_scene_file_is_set_aside_and_the_templates_used(tmp_path: Path) -> None:
    path = tmp_path / "scenes.json"
    collection_file = {"format": "shopcast.scenes", "version": 1, "name": "x", "sources": [], "canvases": "none"}
    path.write_text(json.dumps(collection_file))
    notices: list[Notice] = []
    session = StudioSession(SessionConfig(source="test", mic="none", scenes_file=path), devices=FakeDevices())
    session.add_listener(lambda e: notices.append(e) if isinstance(e, Notice) else None)
    session.start()
    try:
        names = [s.name for s in session.scenes.collection.canvas("portrait").scenes]
        assert names[0] == "Host full screen" and len(names) == 5
    finally:
        session.close()
    assert any("could not read the scene collection" in n.message and "canvases" in n.message for n in notices)
    assert (tmp_path / "scenes.json.unreadable").read_text() == json.dumps(collection_file)
    assert load_collection(path).canvas("portrait").program == "full"  # the templates, saved


def test_a_layer_showing_a_source_saved_by_hand_round_trips(tmp_path: Path) -> None:
    """The file format is the collection's: what a hand-edited file says is what the studio shows."""
    path = tmp_path / "scenes.json"
    first = StudioSession(SessionConfig(source="test", mic="none", scenes_file=path), devices=FakeDevices())
    first.start()
    collection = first.scenes.collection
    first.close()
    data = to_dict(
        collection.with_source(SourceSpec("note", "Note", "shopcast.text", {"text": "包邮"})).with_layer(
            "portrait", "full", Layer("note", "note", Box(0, 0, 200, 80))
        )
    )
    path.write_text(json.dumps(data, ensure_ascii=False))
    save_collection(load_collection(path), tmp_path / "again.json")
    assert json.loads((tmp_path / "again.json").read_text()) == data
