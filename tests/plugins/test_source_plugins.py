"""The built-in source plugins: discovered like the filters, made from their defaults and at every
corner of their declared ranges without raising, problems instead of exceptions, settings updates
swapping the picture, and kept apart from the filter chains and the command line's --filter."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from app.cli import resolve_filters
from pipeline.compositor import GuestPicture
from pipeline.sources.base import FrameTime, Problem, VideoSource
from pipeline.sources.product_card import ProductCard
from pipeline.sources.test_pattern import TestPattern
from plugins.api import Context, Kind, Services, specs, validate
from plugins.builtin.sources import PluginSource, slideshow_files
from plugins.chain import Chain
from plugins.registry import discover
from tests.helpers.fakes import FakeDevices

SOURCE_IDS = {
    "shopcast.camera",
    "shopcast.media_file",
    "shopcast.image",
    "shopcast.slideshow",
    "shopcast.screen",
    "shopcast.text",
    "shopcast.colour",
    "shopcast.product_card",
    "shopcast.product_photo",
    "shopcast.cohost",
    "shopcast.test_pattern",
    "shopcast.slate",
}


class Products:
    def __init__(self, card: ProductCard | None) -> None:
        self.now = card

    def card(self) -> ProductCard | None:
        return self.now


class Guests:
    def guest(self, slot: int) -> GuestPicture | None:
        if slot != 1:
            return None
        return GuestPicture("g1", "小美", np.full((180, 320, 3), 90, np.uint8), 0.0)


def context(devices: FakeDevices | None = None, language: str = "en") -> Context:
    services = Services(
        devices=devices if devices is not None else FakeDevices(cameras=1),
        products=Products(ProductCard("tee", "纯棉T恤", 5990, 12)),
        guests=Guests(),
        language=language,
    )
    return Context(360, 640, 30.0, 48_000, 2, services=services)


def make(plugin_id: str, ctx: Context, **values: Any) -> PluginSource[Any]:
    plugin = discover().get(plugin_id)
    source = plugin.load_factory()(validate(plugin.settings, values), ctx)
    assert isinstance(source, VideoSource) and isinstance(source, PluginSource)
    return source


def check_picture(picture: Any) -> None:
    """A picture by the contract: BGR, or BGRA with premultiplied alpha."""
    if picture is None:
        return
    assert isinstance(picture, np.ndarray) and picture.dtype == np.uint8 and picture.ndim == 3
    assert picture.shape[2] in (3, 4)
    if picture.shape[2] == 4:
        assert (picture[..., :3] <= picture[..., 3:4]).all(), "premultiplied"


def run(source: VideoSource, frames: int = 3) -> list[Any]:
    pictures = []
    for n in range(frames):
        picture = source.read(FrameTime(n, n / 30, time.time()))
        check_picture(picture)
        pictures.append(picture)
        assert source.problem is None or isinstance(source.problem, Problem)
        time.sleep(0.01)
    return pictures


def test_every_built_in_source_is_discovered_as_a_source() -> None:
    registry = discover()
    assert registry.problems == []
    sources = {p.id for p in registry.of_kind(Kind.SOURCE)}
    assert sources == SOURCE_IDS
    for plugin_id in SOURCE_IDS:
        plugin = registry.get(plugin_id)
        assert plugin.name.en and plugin.name.zh and plugin.description.zh
        for spec in specs(plugin.settings):
            assert spec.label.en and spec.label.zh, (plugin_id, spec.name)
    assert list(registry.plugins)[:2] == ["shopcast.beautify", "shopcast.denoise"], "filters still first"
    with pytest.raises(ValueError, match="not source"):
        Chain(registry, Kind.SOURCE, context())


def test_no_source_is_offered_as_a_filter_or_overlay() -> None:
    registry = discover()
    ctx = context()
    for kind in (Kind.VIDEO_FILTER, Kind.AUDIO_FILTER, Kind.OVERLAY):
        listed = {state.id for state in Chain(registry, kind, ctx).states()}
        assert not listed & SOURCE_IDS, kind
    with pytest.raises(ValueError, match=r"shopcast.text is a source plugin, not a filter or an overlay"):
        resolve_filters(["shopcast.text:size=40"], registry)


@pytest.mark.parametrize("plugin_id", sorted(SOURCE_IDS))
def test_every_source_runs_from_its_defaults_and_at_every_corner_of_its_ranges(plugin_id: str) -> None:
    registry = discover()
    plugin = registry.get(plugin_id)
    numbers = [s for s in specs(plugin.settings) if s.range is not None]
    settings = [{}] + [{s.name: getattr(s.range, corner) for s in numbers} for corner in ("minimum", "maximum")]
    for values in settings:
        source = make(plugin_id, context(), **values)
        source.start()
        try:
            run(source)
        finally:
            source.stop()
        source.stop()  # twice is safe


def test_sources_with_nothing_to_use_have_a_problem_instead_of_an_exception(tmp_path: Path) -> None:
    none = context(FakeDevices())
    camera = make("shopcast.camera", none)
    with_file = make("shopcast.media_file", none, file=str(tmp_path / "gone.mp4"))
    no_file = make("shopcast.media_file", none)
    image = make("shopcast.image", none, file=str(tmp_path / "gone.png"))
    slides = make("shopcast.slideshow", none, files=str(tmp_path / "no-such-folder"))
    for source in (camera, with_file, no_file, image, slides):
        source.start()
    try:
        assert camera.problem is not None and "Camera 0 is not connected" in camera.problem.en
        assert not isinstance(camera.inner, TestPattern), "no camera is a problem, not the test pattern"
        assert with_file.problem is not None and "gone.mp4" in with_file.problem.en
        assert no_file.problem is not None and "No media file chosen" in no_file.problem.en
        deadline = time.monotonic() + 5
        while (image.problem is None or slides.problem is None) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert image.problem is not None and "找不到图片文件" in image.problem.zh
        assert slides.problem is not None and "no-such-folder" in slides.problem.en
        for source in (camera, with_file, no_file, image, slides):
            assert source.read(FrameTime(0, 0.0, 0.0)) is None
    finally:
        for source in (camera, with_file, no_file, image, slides):
            source.stop()


def test_an_update_swaps_the_picture_and_a_fixed_file_clears_the_problem(tmp_path: Path) -> None:
    text = make("shopcast.text", context(), text="包邮")
    text.start()
    first = text.read(FrameTime(0, 0.0, 0.0))
    assert first is not None and text.read(FrameTime(1, 0.03, 0.0)) is None
    plugin = discover().get("shopcast.text")
    text.update(validate(plugin.settings, {"text": "七天无理由退换", "colour": "#ff0000"}))
    second = text.read(FrameTime(2, 0.06, 0.0))
    assert second is not None and second.shape[1] > first.shape[1], "the new words, drawn once"
    text.update(validate(plugin.settings, {"text": "七天无理由退换", "colour": "#ff0000"}))
    assert text.read(FrameTime(3, 0.1, 0.0)) is None, "the same settings: nothing rebuilt"
    text.stop()

    image = make("shopcast.image", context(), file=str(tmp_path / "logo.png"))
    image.start()
    try:
        deadline = time.monotonic() + 5
        while image.problem is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert image.problem is not None
        logo = tmp_path / "标志.png"
        logo.write_bytes(cv2.imencode(".png", np.full((12, 16, 3), (10, 20, 30), np.uint8))[1].tobytes())
        image.update(validate(discover().get("shopcast.image").settings, {"file": str(logo)}))
        deadline = time.monotonic() + 5
        picture = None
        while picture is None and time.monotonic() < deadline:
            picture = image.read(FrameTime(0, 0.0, 0.0))
            time.sleep(0.01)
        assert picture is not None and picture[0, 0].tolist() == [10, 20, 30]
        assert image.problem is None
    finally:
        image.stop()


def test_sources_use_the_studio_services_and_language() -> None:
    card = make("shopcast.product_card", context(language="zh_CN"), width=320, height=120)
    guest = make("shopcast.cohost", context())
    empty = make("shopcast.cohost", context(), slot=2)
    slate = make("shopcast.slate", context(language="zh_CN"))
    for source in (card, guest, empty, slate):
        source.start()
    try:
        deadline = time.monotonic() + 5
        picture = None
        while picture is None and time.monotonic() < deadline:
            picture = card.read(FrameTime(0, 0.0, 0.0))
            time.sleep(0.01)
        assert picture is not None and picture.shape == (120, 320, 4) and card.present
        tile = guest.read(FrameTime(0, 0.0, 0.0))
        assert tile is not None and guest.present and tile.shape == (180, 320, 3)
        assert empty.read(FrameTime(0, 0.0, 0.0)) is None and not empty.present, "slot 2 has no guest"
        board = slate.read(FrameTime(0, 0.0, 0.0))
        assert board is not None and board.shape == (640, 360, 3), "0 x 0: the canvas's size"
    finally:
        for source in (card, guest, empty, slate):
            source.stop()
    nothing = make("shopcast.product_card", Context(360, 640, 30.0, 48_000, 2))
    nothing.start()
    try:
        time.sleep(0.1)
        assert not nothing.present and nothing.read(FrameTime(0, 0.0, 0.0)) is None, "no products service: hidden"
    finally:
        nothing.stop()


def test_the_media_file_plugin_lends_its_sound(tmp_path: Path) -> None:
    from tests.pipeline.test_scene_sources import make_clip_with_tone

    clip = tmp_path / "clip.mp4"
    make_clip_with_tone(clip, seconds=0.5)
    source = make("shopcast.media_file", context(), file=str(clip))
    assert source.audio is not None and source.problem is None
    source.start()
    try:
        sound = source.audio
        assert sound is source.audio, "one sound object across reads"
        assert sound.read(1024, 0).shape == (1024, 2)
    finally:
        source.stop()
    assert make("shopcast.text", context()).audio is None, "no sound, no audio"


def test_the_slideshow_setting_takes_a_folder_or_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    for path in (a, b):
        path.write_bytes(b"x")
    assert slideshow_files(str(tmp_path)) == tmp_path
    assert slideshow_files(f"{a}; {b}") == [a, b]
    assert slideshow_files(str(a)) == [a]
