"""The commerce scenes a new show starts with keep what must be read inside the phone apps' safe zone."""

from __future__ import annotations

import pytest

from app.scene_templates import (
    CARD,
    CLOSEUP,
    GUEST,
    HOST,
    SAFE_BOTTOM,
    host_source,
    inside,
    safe_zone,
    template_collection,
)
from pipeline.canvas import LANDSCAPE, PORTRAIT, Canvas, parse_canvas


@pytest.mark.parametrize("canvas", [PORTRAIT, LANDSCAPE, parse_canvas("1080x1920"), parse_canvas("1080x1080")])
def test_every_template_keeps_the_card_and_the_close_up_in_the_safe_zone(canvas: Canvas) -> None:
    collection = template_collection((canvas,), host_source("test", "Host"))
    scenes = collection.canvas(canvas.name)
    assert [s.id for s in scenes.scenes] == ["full", "pip", "showcase", "cohost", "brb"]
    zone = safe_zone(canvas)
    for scene in scenes.scenes:
        for layer in scene.layers:
            if layer.source in (CARD, CLOSEUP) or (layer.source == HOST and scene.id == "showcase"):
                assert inside(layer.box, zone), (scene.id, layer.id, layer.box, zone)
            if canvas.portrait and layer.source in (HOST, GUEST):
                # a person fills the canvas (and frames their face by the guide) or is wholly inside it
                full = (box := layer.box).w == canvas.width and box.h == canvas.height
                assert full or inside(box, zone), (scene.id, layer.id, box, zone)
            box = layer.box
            assert box.x >= 0 and box.y >= 0 and box.x + box.w <= canvas.width and box.y + box.h <= canvas.height


def test_the_portrait_safe_zone_leaves_the_apps_their_bars_and_a_tall_phone_its_crop() -> None:
    zone = safe_zone(PORTRAIT)
    assert zone.y == round(1280 * 0.12) and zone.y + zone.h == 1280 - round(1280 * SAFE_BOTTOM)  # top bar, room
    assert SAFE_BOTTOM >= 0.25, "at least the apps' bottom quarter (the format guide)"
    assert zone.x + zone.w == 720 - 108  # the right strip (15 %)
    assert zone.x == round(720 * 0.09)  # a 9:19.5 phone crops about 9 % off each side of a 9:16 picture


def test_a_second_camera_is_the_close_up_when_there_is_one() -> None:
    one = template_collection((PORTRAIT,), host_source("camera:0", "Host"), second_camera=False)
    two = template_collection((PORTRAIT,), host_source("camera:0", "Host"), second_camera=True)
    assert one.source(CLOSEUP).plugin == "shopcast.product_photo"
    assert (two.source(CLOSEUP).plugin, two.source(CLOSEUP).settings) == ("shopcast.camera", {"device": 1})
    assert one.source(HOST).filters, "beautify runs on the host camera"
