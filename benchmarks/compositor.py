"""Compositor cost: ms to render each commerce template scene per frame, portrait 720x1280 and
landscape 1280x720, against Pillow compositing the same layers in the same run.

    .venv/bin/python benchmarks/compositor.py [--frames 300]

The scenes are the ones a new show starts with (app/scene_templates.py), rendered by
pipeline/scene_render.py as the program does, from sources that behave like the live ones:

* the host camera: a new 1280x720 BGR picture every frame (a moving test pattern, drawn before the
  clock starts), as a 720p webcam gives;
* the product photo: assets/web/demo/tee.png (premultiplied BGRA, 384x384), unchanged;
* the product card: pipeline/sources/product_card.py's drawing of a flash-sale card (564x180 BGRA),
  drawn again once a second (its countdown ticks), as the card source does;
* the co-host: a new 640x480 BGR picture every frame;
* the backdrop colour and the slate: unchanged.

Each frame is timed alone (perf_counter), the first 10 not counted. The peer composes the same
layers, in the same boxes with the same fit, with Pillow (``Image.resize`` + ``alpha_composite`` on an
RGBA canvas, the usual Python way), including the BGR→RGBA conversions a Pillow pipeline pays for.
Reported: median and p95 ms per frame, and the median's share of a 30 fps frame (33.3 ms).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image as PILImage  # noqa: E402

from app.scene_templates import host_source, template_collection  # noqa: E402
from benchmarks._machine import cpu_model  # noqa: E402
from pipeline.canvas import LANDSCAPE, PORTRAIT, Canvas  # noqa: E402
from pipeline.frames import Image  # noqa: E402
from pipeline.scene import Scene  # noqa: E402
from pipeline.scene_render import SceneRenderer, SourcePicture, place  # noqa: E402
from pipeline.sources.base import FrameTime  # noqa: E402
from pipeline.sources.pictures import read_image  # noqa: E402
from pipeline.sources.product_card import CardState, ProductCard, draw_card  # noqa: E402
from pipeline.sources.slate import draw_slate  # noqa: E402
from pipeline.sources.test_pattern import TestPattern  # noqa: E402

WARMUP = 10
BUDGET_MS = 1000 / 30


@dataclass
class Sources:
    """Pictures for the template's sources, changing as the live ones do."""

    host: list[Image]
    guest: list[Image]
    photo: Image
    cards: list[Image]
    backdrop: Image
    slate: Image

    def picture(self, source_id: str, at: FrameTime) -> SourcePicture | None:
        i = at.index
        if source_id == "host":
            return SourcePicture(self.host[i % len(self.host)], i)
        if source_id == "guest1":
            return SourcePicture(self.guest[i % len(self.guest)], i)
        if source_id == "closeup":
            return SourcePicture(self.photo, 1)
        if source_id == "card":
            return SourcePicture(self.cards[(i // 30) % len(self.cards)], i // 30)
        if source_id == "backdrop":
            return SourcePicture(self.backdrop, 1)
        if source_id == "slate":
            return SourcePicture(self.slate, 1)
        return None


def make_sources(canvas: Canvas) -> Sources:
    pattern = TestPattern(1280, 720)
    host = [pattern.read(FrameTime(i, i / 30, time.time())) for i in range(60)]
    guest = [np.roll(np.full((480, 640, 3), (40, 120, 200), np.uint8), i * 5, axis=1) for i in range(60)]
    for i, g in enumerate(guest):
        cv2.circle(g, (320 + (i * 7) % 200, 240), 60, (255, 255, 255), -1)
    photo = read_image(REPO / "assets" / "web" / "demo" / "tee.png")
    now = time.time()
    card = ProductCard(
        "tee", "纯棉短袖T恤 Cotton tee", 5990, 800, photo, flash_price_cents=3990, flash_ends_at=now + 60
    )
    cards = [draw_card(CardState.at(card, now + s), 564, 180, "zh_CN") for s in range(10)]
    slate_picture = draw_slate(canvas.width, canvas.height, "Be right back", "We'll be back in a moment")
    backdrop = np.full((canvas.height, canvas.width, 3), (38, 27, 29), np.uint8)
    return Sources(host, guest, photo, cards, backdrop, slate_picture)


def time_ours(scene: Scene, canvas: Canvas, sources: Sources, frames: int) -> list[float]:
    renderer = SceneRenderer(canvas.width, canvas.height)
    spent = []
    for i in range(frames + WARMUP):
        started = time.perf_counter()
        renderer.render(scene, sources, FrameTime(i, i / 30, 0.0))
        spent.append(time.perf_counter() - started)
    return spent[WARMUP:]


def time_pillow(scene: Scene, canvas: Canvas, sources: Sources, frames: int) -> list[float]:
    """The same layers with Pillow: convert each source picture to RGBA, crop, resize, alpha_composite."""
    spent = []
    for i in range(frames + WARMUP):
        at = FrameTime(i, i / 30, 0.0)
        started = time.perf_counter()
        out = PILImage.new("RGBA", (canvas.width, canvas.height), (0, 0, 0, 255))
        for layer in scene.layers:
            picture = sources.picture(layer.source, at)
            if picture is None:
                continue
            image = picture.image
            if image.shape[2] == 3:
                rgba = cv2.cvtColor(image, cv2.COLOR_BGR2RGBA)
            else:
                rgba = cv2.cvtColor(image, cv2.COLOR_BGRA2RGBA)  # premultiplied; Pillow wants straight
            placement = place((image.shape[1], image.shape[0]), layer.box, layer.crop, layer.fit)
            sx, sy, sw, sh = placement.src
            dx, dy, dw, dh = placement.dst
            tile = PILImage.fromarray(rgba[sy : sy + sh, sx : sx + sw]).resize((dw, dh), PILImage.BILINEAR)
            out.alpha_composite(tile, (max(0, dx), max(0, dy)), (max(0, -dx), max(0, -dy)))
        np.asarray(out.convert("RGB"))
        spent.append(time.perf_counter() - started)
    return spent[WARMUP:]


def stats(spent: list[float]) -> tuple[float, float]:
    ms = np.array(spent) * 1000
    return float(np.median(ms)), float(np.percentile(ms, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    print(f"CPU: {cpu_model()} · {os.cpu_count()} cores · OpenCV threads {cv2.getNumThreads()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("| canvas | scene | layers | ours median ms | ours p95 ms | of 33 ms | Pillow median ms | Pillow p95 ms |")
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    for canvas in (PORTRAIT, LANDSCAPE):
        collection = template_collection((canvas,), host_source("test", "Host"))
        sources = make_sources(canvas)
        for scene in collection.canvas(canvas.name).scenes:
            ours = stats(time_ours(scene, canvas, sources, args.frames))
            peer = stats(time_pillow(scene, canvas, sources, max(30, args.frames // 5)))
            layers = sum(1 for la in scene.layers if sources.picture(la.source, FrameTime(0, 0, 0)) is not None)
            print(
                f"| {canvas.name} | {scene.name} | {layers} | {ours[0]:.2f} | {ours[1]:.2f} |"
                f" {ours[0] / BUDGET_MS:.1%} | {peer[0]:.2f} | {peer[1]:.2f} |"
            )
    print()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
