"""The scene collection: its rules, its edits and its file format."""

from __future__ import annotations

import json

import pytest

from pipeline.canvas import LANDSCAPE, PORTRAIT
from pipeline.scene import (
    Box,
    CanvasScenes,
    Crop,
    Fit,
    Layer,
    Scene,
    SceneCollection,
    SceneError,
    SourceSpec,
    Transition,
    TransitionKind,
    from_dict,
    to_dict,
)


def collection() -> SceneCollection:
    sources = (
        SourceSpec("cam", "Host camera", "shopcast.camera", {"index": 0}, filters=True),
        SourceSpec("card", "Product card", "shopcast.product_card", {"width": 560, "height": 180}),
    )
    full = Scene("full", "Host full", (Layer("l1", "cam", Box(0, 0, 720, 1280)),))
    showcase = Scene(
        "show",
        "Showcase",
        (
            Layer("l1", "cam", Box(0, 0, 720, 1280), crop=Crop(0.1, 0, 0.1, 0)),
            Layer("l2", "card", Box(24, 760, 560, 180), fit=Fit.CONTAIN, opacity=0.9, name="卡片"),
        ),
    )
    wide = Scene("wide", "Wide", (Layer("l1", "cam", Box(0, 0, 1280, 720)),))
    return SceneCollection(
        "Show",
        sources,
        (
            CanvasScenes(PORTRAIT, (full, showcase), "full", "show"),
            CanvasScenes(LANDSCAPE, (wide,), "wide", "wide"),
        ),
        Transition(TransitionKind.FADE, 500),
    )


def test_a_collection_round_trips_through_its_file_format() -> None:
    original = collection()
    text = json.dumps(to_dict(original), ensure_ascii=False)
    assert from_dict(json.loads(text)) == original


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (
            lambda d: d["canvases"][0]["scenes"][1]["layers"][1]["box"].update(w=0),
            "canvases[0].scenes[1].layers[1].box",
        ),
        (lambda d: d["canvases"][0]["scenes"][0]["layers"][0].update(opacity=2), "canvases[0].scenes[0].layers[0]"),
        (lambda d: d["canvases"][0]["scenes"][0]["layers"][0].update(fit="zoom"), "layers[0].fit"),
        (lambda d: d["canvases"][0]["scenes"][0]["layers"][0].update(source="ghost"), "ghost"),
        (lambda d: d["canvases"][0].update(program="nope"), "canvases[0]"),
        (lambda d: d["sources"][0].update(plugin="not a plugin"), "sources[0]"),
        (lambda d: d["sources"][0]["settings"].update(index=[1]), "sources[0]"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d["canvases"][1]["canvas"].update(width=641), "canvases[1].canvas"),
        (lambda d: d["canvases"][0]["scenes"][0].update(name=""), "canvases[0].scenes[0]"),
        (lambda d: d["transition"].update(duration_ms=60_000), "transition"),
        (lambda d: d["canvases"][0]["scenes"][0]["layers"][0]["box"].update(x="left"), "box.x"),
    ],
)
def test_a_broken_file_is_refused_naming_the_field(mutate, where: str) -> None:
    data = to_dict(collection())
    mutate(data)
    with pytest.raises(SceneError) as caught:
        from_dict(data)
    assert where in str(caught.value)


def test_the_file_must_be_an_object_of_the_right_format() -> None:
    with pytest.raises(SceneError, match="expected an object"):
        from_dict([1, 2])
    with pytest.raises(SceneError, match="not a ShopCast scene collection"):
        from_dict({"format": "obs", "version": 1})


def test_edits_return_new_collections_and_keep_the_rules() -> None:
    c = collection()
    moved = c.edit_layer("portrait", "show", "l2", box=Box(10, 20, 300, 100))
    assert moved.canvas("portrait").scene("show").layer("l2").box == Box(10, 20, 300, 100)
    assert c.canvas("portrait").scene("show").layer("l2").box == Box(24, 760, 560, 180)  # unchanged
    # Reorder: the card goes under the camera.
    under = c.with_layer("portrait", "show", c.canvas("portrait").scene("show").layer("l2"), index=0)
    assert [la.id for la in under.canvas("portrait").scene("show").layers] == ["l2", "l1"]
    # Removing a source removes its layers everywhere.
    without = c.without_source("card")
    assert all(la.source != "card" for s in without.canvas("portrait").scenes for la in s.layers)
    # The last scene of a canvas stays.
    with pytest.raises(SceneError, match="last scene"):
        c.without_scene("landscape", "wide")
    # Removing the scene on air puts the first one on air.
    gone = c.on_air("portrait", "show").without_scene("portrait", "show")
    assert gone.canvas("portrait").program == "full"
    with pytest.raises(SceneError, match="every scene"):
        c.with_scene_order("portrait", ["full"])
    with pytest.raises(SceneError, match=r"no source .ghost."):
        c.with_layer("portrait", "full", Layer("l9", "ghost", Box(0, 0, 10, 10)))
    with pytest.raises(SceneError):
        c.edit_layer("portrait", "full", "l1", opacity=-1)


def test_new_ids_are_unused() -> None:
    c = collection()
    assert c.new_id("l") not in {"l1", "l2"}
    assert c.new_id("scene") == "scene1"
