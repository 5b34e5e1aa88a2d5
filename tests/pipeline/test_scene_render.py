"""Drawing scenes (layers placed, fitted, blended) and switching them (cuts and fades)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from pipeline.canvas import PORTRAIT, Canvas
from pipeline.scene import (
    Box,
    CanvasScenes,
    Crop,
    Fit,
    Layer,
    Scene,
    SceneCollection,
    SourceSpec,
    Transition,
    TransitionKind,
)
from pipeline.scene_render import SceneRenderer, SourcePicture, place
from pipeline.show import ShowVideo, fade_frames, preview_name
from pipeline.sources.base import FrameTime


def solid(w: int, h: int, bgr: tuple[int, int, int]) -> np.ndarray:
    return np.full((h, w, 3), bgr, np.uint8)


class Frames:
    """Fixed pictures by source id; counts reads."""

    def __init__(self, pictures: dict[str, SourcePicture]) -> None:
        self.pictures = pictures
        self.reads: list[str] = []

    def picture(self, source_id: str, at: FrameTime) -> SourcePicture | None:
        self.reads.append(source_id)
        return self.pictures.get(source_id)


def at(index: int) -> FrameTime:
    return FrameTime(index, index / 30, 1_700_000_000 + index / 30)


def test_placement_covers_contains_and_stretches() -> None:
    box = Box(0, 0, 720, 1280)
    # A landscape camera covering a portrait box: the full height, the middle 405 pixels across.
    cover = place((1280, 720), box, Crop(), Fit.COVER)
    assert cover.src == (437, 0, 405, 720) and cover.dst == (0, 0, 720, 1280)
    contain = place((1280, 720), box, Crop(), Fit.CONTAIN)
    assert contain.src == (0, 0, 1280, 720) and contain.dst == (0, 437, 720, 405)
    stretch = place((1280, 720), box, Crop(0.25, 0, 0.25, 0), Fit.STRETCH)
    assert stretch.src == (320, 0, 640, 720) and stretch.dst == (0, 0, 720, 1280)


def test_layers_are_drawn_back_to_front_in_their_boxes() -> None:
    red, blue = (0, 0, 255), (255, 0, 0)
    frames = Frames({"bg": SourcePicture(solid(64, 64, red), 1), "pip": SourcePicture(solid(32, 32, blue), 1)})
    scene = Scene("s", "S", (Layer("a", "bg", Box(0, 0, 200, 100)), Layer("b", "pip", Box(150, 60, 80, 80))))
    out = SceneRenderer(200, 100).render(scene, frames, at(0))
    assert out.shape == (100, 200, 3)
    assert tuple(out[10, 10]) == red
    assert tuple(out[80, 170]) == blue  # inside the pip's box
    assert tuple(out[50, 170]) == red  # above it


def test_transparency_is_blended_premultiplied_and_opacity_applies() -> None:
    white = SourcePicture(solid(10, 10, (200, 200, 200)), 1)
    half = np.zeros((10, 10, 4), np.uint8)
    half[..., :3] = 50  # premultiplied: 100 at alpha 0.5
    half[..., 3] = 128
    scene = Scene(
        "s",
        "S",
        (
            Layer("a", "white", Box(0, 0, 20, 10)),
            Layer("b", "half", Box(0, 0, 10, 10)),
            Layer("c", "white2", Box(10, 0, 10, 10), opacity=0.5),
        ),
    )
    frames = Frames(
        {"white": white, "half": SourcePicture(half, 1), "white2": SourcePicture(solid(10, 10, (0, 0, 0)), 1)}
    )
    out = SceneRenderer(20, 10).render(scene, frames, at(0))
    assert abs(int(out[5, 5, 0]) - (50 + 200 * 127 / 255)) <= 1
    assert abs(int(out[5, 15, 0]) - 100) <= 1  # black at half opacity over 200


def test_hidden_missing_and_off_canvas_layers() -> None:
    frames = Frames({"bg": SourcePicture(solid(8, 8, (9, 9, 9)), 1)})
    scene = Scene(
        "s",
        "S",
        (
            Layer("a", "bg", Box(-50, -50, 100, 100)),  # partly off the canvas
            Layer("b", "bg", Box(0, 0, 60, 60), visible=False),
            Layer("c", "nobody", Box(0, 0, 60, 60)),  # the source has nothing to show
            Layer("d", "bg", Box(500, 500, 10, 10)),  # wholly off the canvas
        ),
    )
    out = SceneRenderer(60, 40).render(scene, frames, at(0))
    assert tuple(out[10, 10]) == (9, 9, 9)
    assert tuple(out[30, 55]) == (0, 0, 0)


def test_a_source_with_a_problem_shows_a_placeholder_in_each_box() -> None:
    broken = SourcePicture(np.zeros((2, 2, 3), np.uint8), 0, problem="camera unplugged", title="Host camera")
    scene = Scene("s", "S", (Layer("a", "cam", Box(0, 0, 320, 180)),))
    out = SceneRenderer(320, 180).render(scene, Frames({"cam": broken}), at(0))
    assert out.std() > 5  # a slate with words, not a flat colour
    assert out.mean() < 90  # dark


def test_the_covering_layer_shortcut_draws_the_same_picture() -> None:
    rng = np.random.default_rng(1)
    cam = SourcePicture(rng.integers(0, 255, (720, 1280, 3), np.uint8), 7)
    logo = np.zeros((40, 40, 4), np.uint8)
    logo[10:30, 10:30] = (30, 60, 90, 255)
    frames = Frames({"cam": cam, "logo": SourcePicture(logo, 1)})
    scene = Scene("s", "S", (Layer("a", "cam", Box(0, 0, 720, 1280)), Layer("b", "logo", Box(600, 20, 80, 80))))
    fast = SceneRenderer(720, 1280).render(scene, frames, at(0))
    # The same scene with a black layer underneath forces the general path.
    frames.pictures["black"] = SourcePicture(solid(4, 4, (0, 0, 0)), 1)
    slow_scene = Scene("t", "T", (Layer("z", "black", Box(0, 0, 720, 1280), opacity=0.5), *scene.layers))
    slow = SceneRenderer(720, 1280).render(slow_scene, frames, at(0))
    assert np.array_equal(fast, slow)


def _show(transition: Transition) -> tuple[ShowVideo, SceneCollection]:
    sources = (SourceSpec("a", "A", "test.a"), SourceSpec("b", "B", "test.b"))
    scenes = (
        Scene("one", "One", (Layer("l", "a", Box(0, 0, 64, 64)),)),
        Scene("two", "Two", (Layer("l", "b", Box(0, 0, 64, 64)),)),
    )
    landscape = CanvasScenes(Canvas("landscape", 64, 64), scenes, "one", "two")
    collection = SceneCollection("c", sources, (landscape,), transition)
    frames = Frames(
        {"a": SourcePicture(solid(8, 8, (0, 0, 0)), 1), "b": SourcePicture(solid(8, 8, (250, 250, 250)), 1)}
    )
    return ShowVideo(collection, frames, Fraction(30)), collection


def test_a_cut_takes_effect_on_the_next_frame() -> None:
    show, collection = _show(Transition(TransitionKind.CUT, 0))
    assert show.render(at(0))["landscape"].max() == 0
    show.show(collection.on_air("landscape", "two"), {"landscape": collection.transition})
    assert show.render(at(1))["landscape"].min() == 250
    assert show.switched_at["landscape"] == 1


def test_a_fade_blends_every_frame_in_order_without_a_gap() -> None:
    fade = Transition(TransitionKind.FADE, 300)
    n = fade_frames(fade, Fraction(30))
    assert n == 9
    show, collection = _show(fade)
    show.render(at(0))
    show.show(collection.on_air("landscape", "two"), {"landscape": fade})
    levels = [int(show.render(at(i))["landscape"][0, 0, 0]) for i in range(1, n + 3)]
    assert levels[0] > 0  # the next frame already moves
    assert all(a < b for a, b in itertools.pairwise(levels[: n + 1]))  # strictly rising: no repeat
    assert levels[n] == 250 and levels[n + 1] == 250  # then the new scene alone
    assert levels[n - 1] < 250


def test_studio_mode_renders_the_preview_scene_apart() -> None:
    show, _ = _show(Transition())
    show.set_studio_mode(frozenset({"landscape"}))
    pictures = show.render(at(0))
    assert pictures[preview_name("landscape")].min() == 250  # the preview is scene two
    assert pictures["landscape"].max() == 0  # the program still scene one
    assert preview_name("landscape") not in show.render(at(1))  # every third frame only


def test_the_canvases_of_a_running_show_cannot_change() -> None:
    show, collection = _show(Transition())
    other = CanvasScenes(PORTRAIT, collection.canvases[0].scenes, "one", "one")
    with pytest.raises(ValueError, match="canvases"):
        show.show(SceneCollection("c", collection.sources, (other,)))
