"""Scenes on air, read back from what viewers get: the relay's top rung, decoded.

One live show on the real bundled relay (the demo catalog in its room): a cut to the "be right back"
slate shows within a second of the click, a fade back blends over its frames without dropping or
repeating one, and the product card follows the pin with nothing done in the studio.
"""

from __future__ import annotations

import io
import itertools
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import av
import numpy as np
import pytest

from app.paths import assets_dir
from app.scene_templates import safe_zone
from app.session import StudioSession
from app.session_config import BundledRelayConfig, SessionConfig
from pipeline.broadcast import BroadcastSettings
from pipeline.canvas import PORTRAIT
from pipeline.encoders import parse_ladder
from pipeline.scene import Transition, TransitionKind
from pipeline.sources.product_card import CARD_BACKGROUND, PRICE_BOX, box_pixels
from tests.helpers.fakes import FakeDevices
from tests.helpers.waiting import wait_until

FPS = 30
STEP = 90_000 // FPS
BARS = (slice(20, 120), slice(420, 500))
"""A corner of the test pattern's magenta bar that nothing moves over."""
CUT = Transition(TransitionKind.CUT, 0)


@dataclass(frozen=True)
class Frame:
    pts: int
    wall: float
    image: np.ndarray


def top_rung(media: Path) -> list[Frame]:
    """Every picture of the broadcast's top rung as the relay stored it, with its wall time (from the
    playlist's PROGRAM-DATE-TIME of segment 0 plus the picture's pts)."""
    rung = next(media.glob("*/720p"))
    playlist = (rung / "index.m3u8").read_text()
    stamp = next(line.split(":", 1)[1] for line in playlist.splitlines() if line.startswith("#EXT-X-PROGRAM-DATE-TIME"))
    first_segment = int(next(line for line in playlist.splitlines() if line.startswith("seg_")).split("_")[1][:6])
    data = (rung / "init.mp4").read_bytes() + b"".join(
        p.read_bytes() for p in sorted(rung.glob("seg_??????.m4s")) if int(p.name[4:10]) >= first_segment
    )
    frames = []
    with av.open(io.BytesIO(data)) as container:
        for frame in container.decode(video=0):
            assert frame.pts is not None
            frames.append(Frame(frame.pts, 0.0, frame.to_ndarray(format="bgr24")))
    origin = datetime.fromisoformat(stamp).timestamp() - first_segment  # segments are 1 s
    return [Frame(f.pts, origin + f.pts / 90_000, f.image) for f in frames]


def pattern_shares(frames: list[Frame]) -> list[float]:
    """How much of the test pattern each frame shows in a quiet corner of its magenta bar, from 0 (the
    slate, whose colour there is taken from the frames themselves) to 1 (the pattern)."""
    colours = np.array([f.image[BARS].reshape(-1, 3).mean(axis=0) for f in frames])
    pattern, slate = colours[colours[:, 0].argmax()], colours[colours[:, 0].argmin()]
    span = pattern - slate
    return [float(np.dot(c - slate, span) / np.dot(span, span)) for c in colours]


@pytest.mark.slow
def test_cuts_fades_and_the_product_card_reach_viewers(tmp_path: Path) -> None:
    catalog = assets_dir() / "demo" / "catalog.json"
    config = SessionConfig(
        source="test",
        mic="tone",
        broadcast=BroadcastSettings(rungs=parse_ladder("720p,360p"), preset="ultrafast"),
        relay=BundledRelayConfig(tmp_path / "relay", room="show", title="Scenes"),
        catalog=catalog,
        realtime=False,
    )
    session = StudioSession(config, devices=FakeDevices())
    session.start()
    marks: dict[str, float] = {}
    try:
        session.connect_relay_now()
        session.go_live_now()
        wait_until(lambda: (session.stats().broadcast or _none).segments >= 2, 20, "the show under way")
        scenes = session.scenes
        marks["cut"] = time.time()
        scenes.switch("portrait", "brb", CUT)
        time.sleep(1.5)
        scenes.switch("portrait", "full", Transition(TransitionKind.FADE, 500))
        time.sleep(1.5)
        scenes.switch("portrait", "pip", CUT)
        time.sleep(1.5)
        room = session.room
        assert room is not None
        marks["pin"] = time.time()
        room.pin("mug-ceramic")  # the seeded catalog pinned tee-basic first; the card follows the newest pin
        time.sleep(2.5)
        stats = session.stats()
        lost = stats.program.frames_lagged + (stats.broadcast or _none).frames_skipped
        session.end_live_now()
    finally:
        session.close()

    frames = top_rung(tmp_path / "relay" / "media" / "show")
    # Never a frame repeated; a frame missing only where the session counted one lost to load (a
    # loaded machine skips a tick now and then), and none around a switch (checked below).
    steps = [b.pts - a.pts for a, b in itertools.pairwise(frames)]
    assert all(step > 0 and step % STEP == 0 for step in steps), set(steps)
    assert sum(step // STEP - 1 for step in steps) <= lost, (set(steps), lost)
    assert all(f.image.shape == (1280, 720, 3) for f in frames)

    def whole(first: int, last: int) -> bool:
        return all(frames[i + 1].pts - frames[i].pts == STEP for i in range(max(0, first), min(last, len(frames) - 1)))

    # The cut: the first slate picture is on air within a second of the click.
    shares = pattern_shares(frames)
    after_cut = [i for i, f in enumerate(frames) if f.wall >= marks["cut"] - 1 / FPS]
    first_slate = next(i for i in after_cut if shares[i] < 0.05)
    assert frames[first_slate].wall - marks["cut"] < 1.0
    assert shares[first_slate - 1] > 0.95, "a cut: the frame before is the old scene, whole"
    assert whole(first_slate - 3, first_slate + 3)

    # The fade back: 500 ms = 15 frames, each more of the pattern than the one before.
    back = next(i for i in range(first_slate, len(frames)) if shares[i] > 0.05)
    blend = shares[back : back + 15]
    assert all(0.02 < s < 0.98 for s in blend), blend
    assert all(b > a for a, b in itertools.pairwise(blend)), blend
    assert shares[back + 15] > 0.95
    assert whole(back - 3, back + 18), "a fade loses no frame"

    # The product card: where the template puts it, and its price changing with the pin.
    card = next(la for la in session.scenes.collection.canvas("portrait").scene("pip").layers if la.id == "card")
    assert _inside_safe_zone(card.box)
    x0, y0, x1, y1 = box_pixels(PRICE_BOX, card.box.w, card.box.h)
    price = (slice(card.box.y + y0, card.box.y + y1), slice(card.box.x + x0, card.box.x + x1))
    middle = card.box.x + card.box.w // 2
    corner = (slice(card.box.y + 4, card.box.y + 12), slice(middle, middle + 40))
    before = [f for f in frames if marks["pin"] - 1.0 <= f.wall < marks["pin"]]
    after = [f for f in frames if f.wall >= marks["pin"] + 1.2]
    assert before and after
    for frame in (before[-1], after[-1]):  # the card's own background shows at its top edge
        assert np.abs(frame.image[corner].astype(int) - CARD_BACKGROUND).mean() < 12

    def changed(a: Frame, b: Frame) -> float:
        """The share of the price's pixels that differ clearly (other digits, not coding noise)."""
        return float((np.abs(a.image[price].astype(int) - b.image[price].astype(int)).max(axis=2) > 60).mean())

    assert changed(before[-1], after[-1]) > 0.01, "the price changed with the pin"
    assert changed(after[0], after[-1]) < 0.002, "and then stays"
    assert changed(before[0], before[-1]) < 0.002


class _None:
    segments = 0
    frames_skipped = 0


_none = _None()


def _inside_safe_zone(box: object) -> bool:
    from app.scene_templates import inside

    return inside(box, safe_zone(PORTRAIT))  # type: ignore[arg-type]
