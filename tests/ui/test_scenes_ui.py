"""The studio's scenes: the Scenes and Sources docks, editing on the preview, studio mode and the
canvas selector, offscreen against a real session (test pattern, fake devices, no relay)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMenu
from pytestqt.qtbot import QtBot

from app.scene_templates import inside, safe_zone
from app.session import StudioSession
from app.session_config import SessionConfig
from pipeline.canvas import LANDSCAPE, PORTRAIT
from pipeline.frames import VideoFrame
from pipeline.program import ProgramSettings
from pipeline.scene import Box, SceneCollection
from tests.helpers.fakes import FakeDevices
from tests.helpers.gui_thread import BLOCKING, record_threads
from ui.layer_geometry import guides, moved, resized
from ui.sources_dock import EYE, LOCK, NAME
from ui.studio_window import StudioWindow

MARK = (0x56, 0x34, 0x12)
"""BGR of the colour layer the drag test moves (#123456): found nowhere in the test pattern."""


def make_window(qtbot: QtBot, devices: FakeDevices, **config: object) -> tuple[StudioWindow, dict[str, set[str]]]:
    session = StudioSession(SessionConfig(source="test", mic="none", **config), devices=devices)  # type: ignore[arg-type]
    threads = record_threads(session)
    window = StudioWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.editing.scenes is not None, timeout=15_000)
    return window, threads


@pytest.fixture
def studio(qtbot: QtBot, no_devices: FakeDevices) -> Iterator[StudioWindow]:
    window, threads = make_window(qtbot, no_devices)
    yield window
    ran_here = [name for name in BLOCKING if "MainThread" in threads.get(name, set())]
    window.shutdown()  # closing the session runs on the GUI thread by design (the window is going)
    assert not ran_here, f"{ran_here} ran on the GUI thread"


def collection(window: StudioWindow) -> SceneCollection:
    return window.session.scenes.collection


def names(window: StudioWindow, canvas: str = "portrait") -> list[str]:
    return [s.name for s in collection(window).canvas(canvas).scenes]


def menu_action(menu: QMenu, *path: str) -> None:
    """Trigger the menu entry at ``path`` (submenus by title), as a click would."""
    menu.aboutToShow.emit()
    for title in path[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.text() == title)  # type: ignore[assignment]
    next(a for a in menu.actions() if a.text() == path[-1]).trigger()


def edit_in_place(view: QAbstractItemView, text: str, qtbot: QtBot) -> None:
    """Type ``text`` into the in-place editor that F2 opened on ``view``, and press Enter."""
    assert view.state() == QAbstractItemView.State.EditingState, "F2 opens the editor"
    editor = view.viewport().findChild(QLineEdit)
    assert isinstance(editor, QLineEdit)
    editor.setText(text)  # QTest types ASCII only: the text is set, the Enter key pressed
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)  # committed


# --- editing on the preview ----------------------------------------------------------------------------


def test_dragging_a_layer_on_the_preview_moves_it_in_the_program(qtbot: QtBot, studio: StudioWindow) -> None:
    window = studio
    scenes = window.session.scenes
    source = scenes.add_source("shopcast.colour", "Mark", {"colour": "#123456"})
    layer = scenes.add_layer("portrait", "full", source, Box(100, 300, 200, 200))
    latest: list[np.ndarray] = []
    sink_lock = threading.Lock()

    def sink(frame: VideoFrame) -> None:
        with sink_lock:
            latest[:] = [frame.image]

    def marked(x: int, y: int) -> bool:
        with sink_lock:
            if not latest:
                return False
            pixel = latest[0][y, x]
        return bool(np.all(np.abs(pixel.astype(int) - MARK) <= 6))

    window.session.add_preview_sink(sink)
    try:
        qtbot.waitUntil(lambda: marked(200, 400), timeout=10_000)
        editor = window.preview
        qtbot.waitUntil(lambda: not editor.picture_rect().isEmpty(), timeout=5000)
        start = editor.to_widget(200, 400).toPoint()
        end = editor.to_widget(500, 700).toPoint()
        qtbot.mousePress(editor, Qt.MouseButton.LeftButton, pos=start)
        assert window.editing.selected == layer, "the press selects the layer under it"
        qtbot.waitUntil(lambda: window.sources_dock.tree.currentItem() is not None, timeout=2000)
        assert window.sources_dock.tree.currentItem().data(NAME, Qt.ItemDataRole.UserRole) == layer
        for step in (0.25, 0.5, 0.75, 1.0):
            x, y = start.x() + (end.x() - start.x()) * step, start.y() + (end.y() - start.y()) * step
            qtbot.mouseMove(editor, pos=QPoint(round(x), round(y)))
        qtbot.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=end)
        box = scenes.collection.canvas("portrait").scene("full").layer(layer).box
        assert (box.w, box.h) == (200, 200)
        assert abs(box.x - 400) <= 4 and abs(box.y - 600) <= 4, box
        centre = (box.x + 100, box.y + 100)
        qtbot.waitUntil(lambda: marked(*centre) and not marked(200, 400), timeout=5000)

        # A locked layer stays put (and the host behind it too); the arrow keys nudge an unlocked one.
        scenes.edit_layer("portrait", "full", layer, locked=True)
        before = scenes.collection
        aside = editor.to_widget(centre[0] - 200, centre[1]).toPoint()
        qtbot.mousePress(editor, Qt.MouseButton.LeftButton, pos=editor.to_widget(*centre).toPoint())
        assert window.editing.selected == layer
        qtbot.mouseMove(editor, pos=aside)
        qtbot.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=aside)
        assert scenes.collection.canvas("portrait") == before.canvas("portrait")
        scenes.edit_layer("portrait", "full", layer, locked=False)
        qtbot.keyClick(editor, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClick(editor, Qt.Key.Key_Down)
        nudged = scenes.collection.canvas("portrait").scene("full").layer(layer).box
        assert nudged == Box(box.x - 10, box.y + 1, 200, 200)
    finally:
        window.session.remove_preview_sink(sink)


def test_boxes_snap_to_the_canvas_the_centre_and_the_safe_zone() -> None:
    lines = guides(PORTRAIT, Box(0, 154, 612, 806))
    assert lines.xs == (0, 360, 612, 720) and lines.ys == (0, 154, 640, 960, 1280)
    start = Box(100, 300, 200, 200)
    assert moved(start, 153, 0, lines).box.x == 260, "its centre snaps to the canvas's centre line"
    assert moved(start, 153, 0, lines).xs == (360,)
    assert moved(start, 153, 0, None).box.x == 253, "without snapping it goes where it is put"
    assert moved(start, 0, 456, lines).box.y == 760, "its bottom snaps to the safe zone's bottom"
    assert moved(start, -96, 0, lines).box.x == 0, "its left edge snaps to the canvas's edge"
    grown = resized(start, "br", 100, 37, lines, keep_aspect=True)
    assert grown.box == Box(100, 300, 300, 300), "Shift keeps the shape: the larger change wins"
    assert resized(start, "l", 500, 0, lines).box.w == 8, "never smaller than 8 pixels, never inside out"
    assert resized(start, "tl", -103, 0, lines).box.x == 0


# --- the Scenes dock ------------------------------------------------------------------------------------


def test_the_scenes_dock_adds_removes_reorders_and_renames(
    qtbot: QtBot, studio: StudioWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = studio
    dock = window.scenes_dock
    first = names(window)
    assert first == ["Host full screen", "Host + close-up", "Product showcase", "Co-host", "Be right back"]
    qtbot.waitUntil(lambda: dock.list.count() == 5, timeout=5000)
    live = dock.list.item(0)
    assert live.data(Qt.ItemDataRole.UserRole + 1) == "live", "the scene on air is marked"

    menu_action(dock.add_menu, "Empty scene")
    assert names(window) == [*first, "Scene 6"]
    assert collection(window).canvas("portrait").scenes[-1].layers == ()
    assert collection(window).canvas("portrait").program == "full", "adding a scene puts nothing on air"
    menu_action(dock.add_menu, "From a template", "Product showcase")
    added = collection(window).canvas("portrait").scenes[-1]
    assert added.name == "Product showcase 2" and [la.source for la in added.layers] == [
        "backdrop", "closeup", "host", "card",
    ]  # fmt: skip
    qtbot.waitUntil(lambda: dock.list.count() == 7, timeout=5000)

    # Duplicate, then move the copy up with the arrow and down again by dragging (a drop reorders).
    dock.list.setCurrentRow(2)  # a click: outside studio mode, on air
    assert collection(window).canvas("portrait").program == "showcase"
    qtbot.mouseClick(dock.duplicate_button, Qt.MouseButton.LeftButton)
    copy = collection(window).canvas("portrait").scenes[3]
    assert copy.name == "Product showcase 3"
    assert copy.layers == collection(window).canvas("portrait").scene("showcase").layers
    qtbot.waitUntil(lambda: dock.list.count() == 8, timeout=5000)
    assert [s.id for s in collection(window).canvas("portrait").scenes][2] == "showcase"
    qtbot.mouseClick(dock.up_button, Qt.MouseButton.LeftButton)
    assert [s.id for s in collection(window).canvas("portrait").scenes][1] == "showcase"
    qtbot.waitUntil(lambda: dock.list.item(1).data(Qt.ItemDataRole.UserRole) == "showcase", timeout=5000)
    moving = dock.list.takeItem(1)
    dock.list.insertItem(4, moving)
    dock.order_dropped()
    assert [s.id for s in collection(window).canvas("portrait").scenes][4] == "showcase"

    # Rename in place: F2 opens the editor, Enter commits.
    qtbot.waitUntil(lambda: dock.list.item(4).data(Qt.ItemDataRole.UserRole) == "showcase", timeout=5000)
    dock.list.setCurrentRow(4)
    dock.list.setFocus()
    qtbot.keyClick(dock.list, Qt.Key.Key_F2)
    edit_in_place(dock.list, "讲解 · Showcase", qtbot)
    assert collection(window).canvas("portrait").scene("showcase").name == "讲解 · Showcase"
    qtbot.waitUntil(lambda: dock.list.item(4).text() == "讲解 · Showcase", timeout=5000)

    # Remove asks first: "no" keeps the scene.
    asked: list[str] = []
    monkeypatch.setattr(dock, "confirm_remove", lambda name: asked.append(name) or False)
    qtbot.mouseClick(dock.remove_button, Qt.MouseButton.LeftButton)
    assert asked == ["讲解 · Showcase"] and "showcase" in [s.id for s in collection(window).canvas("portrait").scenes]
    monkeypatch.setattr(dock, "confirm_remove", lambda name: True)
    qtbot.mouseClick(dock.remove_button, Qt.MouseButton.LeftButton)
    assert "showcase" not in [s.id for s in collection(window).canvas("portrait").scenes]
    qtbot.waitUntil(lambda: dock.list.count() == 7, timeout=5000)

    # A rule broken (a name too long) is said, not crashed on.
    dock.list.setCurrentRow(0)
    qtbot.keyClick(dock.list, Qt.Key.Key_F2)
    edit_in_place(dock.list, "x" * 70, qtbot)
    assert names(window)[0] == "Host full screen"
    qtbot.waitUntil(lambda: "must be 1-64 characters" in window.notices.item(window.notices.count() - 1).text())
    qtbot.waitUntil(lambda: dock.list.item(0).text() == "Host full screen", timeout=5000)

    # The transition.
    dock.kind.setCurrentIndex(dock.kind.findData("cut"))
    dock.kind.activated.emit(dock.kind.currentIndex())
    dock.duration.setValue(450)
    assert (collection(window).transition.kind.value, collection(window).transition.duration_ms) == ("cut", 450)


def test_the_sources_dock_adds_removes_reorders_renames_and_edits_properties(
    qtbot: QtBot, studio: StudioWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = studio
    dock = window.sources_dock
    tree = dock.tree

    def layers() -> list[str]:
        return [la.id for la in collection(window).canvas("portrait").scene("full").layers]

    assert layers() == ["host"]
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=5000)
    menu_action(dock.add_menu, "New source", "Text")
    text_layer = layers()[-1]
    text_source = collection(window).canvas("portrait").scene("full").layer(text_layer).source
    assert collection(window).source(text_source).plugin == "shopcast.text"
    assert window.editing.selected == text_layer, "the new layer is selected"
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=5000)
    top = tree.topLevelItem(0)
    assert top.data(NAME, Qt.ItemDataRole.UserRole) == text_layer, "the front-most layer is at the top"
    assert top.text(NAME) == "Text"
    menu_action(dock.add_menu, "Existing source", "Backdrop")
    backdrop_layer = layers()[-1]
    assert collection(window).canvas("portrait").scene("full").layer(backdrop_layer).source == "backdrop"
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 3, timeout=5000)

    # Reorder: the backdrop goes back behind the host (down twice), then the text forward.
    qtbot.mouseClick(dock.down_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dock.down_button, Qt.MouseButton.LeftButton)
    assert layers() == [backdrop_layer, "host", text_layer]
    qtbot.waitUntil(lambda: tree.topLevelItem(2).data(NAME, Qt.ItemDataRole.UserRole) == backdrop_layer, timeout=5000)
    moving = tree.takeTopLevelItem(2)  # a drop: the backdrop dragged to the top of the list
    tree.insertTopLevelItem(0, moving)
    dock.order_dropped(backdrop_layer)
    assert layers() == ["host", text_layer, backdrop_layer]

    # Eye and padlock.
    qtbot.waitUntil(lambda: tree.topLevelItem(0).data(NAME, Qt.ItemDataRole.UserRole) == backdrop_layer, timeout=5000)
    item = tree.topLevelItem(0)
    for column, field in ((EYE, "visible"), (LOCK, "locked")):
        rect = tree.visualItemRect(item)
        x = tree.header().sectionPosition(column) + tree.columnWidth(column) // 2
        before = getattr(collection(window).canvas("portrait").scene("full").layer(backdrop_layer), field)
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, rect.center().y()))
        assert getattr(collection(window).canvas("portrait").scene("full").layer(backdrop_layer), field) != before

    # Rename in place.
    tree.setCurrentItem(tree.topLevelItem(1))
    assert window.editing.selected == text_layer
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_F2)
    edit_in_place(tree, "包邮 banner", qtbot)
    assert collection(window).canvas("portrait").scene("full").layer(text_layer).name == "包邮 banner"

    # Properties: the box, the fit, the source's own settings (the plugin's form), the filters.
    props = dock.properties
    qtbot.waitUntil(lambda: props.title.text() == "Properties of “包邮 banner”", timeout=5000)
    props.box_x.setValue(40)
    assert collection(window).canvas("portrait").scene("full").layer(text_layer).box.x == 40
    props.crops["left"].setValue(60.0)
    props.crops["right"].setValue(60.0)  # 120 % is no crop: refused, the message shown, nothing changed
    crop = collection(window).canvas("portrait").scene("full").layer(text_layer).crop
    assert (crop.left, crop.right) == (0.6, 0.0)
    assert form_value_set(props, "text", "秒杀 9.9")
    assert collection(window).source(text_source).settings == {"text": "秒杀 9.9"}
    props.filters.setChecked(True)
    assert collection(window).source(text_source).filters

    # Remove asks first; the text source, shown nowhere else, goes with its layer.
    monkeypatch.setattr(dock, "confirm_remove", lambda name: False)
    qtbot.mouseClick(dock.remove_button, Qt.MouseButton.LeftButton)
    assert text_layer in layers()
    monkeypatch.setattr(dock, "confirm_remove", lambda name: True)
    qtbot.mouseClick(dock.remove_button, Qt.MouseButton.LeftButton)
    assert text_layer not in layers()
    assert text_source not in {s.id for s in collection(window).sources}
    assert "backdrop" in {s.id for s in collection(window).sources}


def test_a_source_problem_shows_in_the_sources_dock_until_its_settings_fix_it(
    qtbot: QtBot, studio: StudioWindow, tmp_path: Path
) -> None:
    window = studio
    dock = window.sources_dock
    menu_action(dock.add_menu, "New source", "Image")
    layer_id = window.editing.selected
    layer = collection(window).canvas("portrait").scene("full").layer(layer_id)
    assert layer.fit.value == "contain", "a picture starts whole, inside the safe zone"
    assert safe_zone_contains(layer.box)
    qtbot.waitUntil(lambda: dock.tree.item_of(layer_id) is not None, timeout=5000)
    item = dock.tree.item_of(layer_id)
    assert item is not None
    qtbot.waitUntil(lambda: "No image file chosen" in item.toolTip(NAME), timeout=10_000)
    assert not item.icon(NAME).isNull(), "a warning sign beside the name"
    qtbot.waitUntil(lambda: dock.properties.problem.isVisibleTo(dock.properties), timeout=5000)

    picture = tmp_path / "logo.png"
    cv2.imwrite(str(picture), np.full((64, 64, 3), 200, np.uint8))
    form = dock.properties.form
    assert form is not None
    path = form.editors["file"].findChild(QLineEdit, "path")
    assert isinstance(path, QLineEdit)
    path.setText(str(picture))
    path.editingFinished.emit()
    source = collection(window).source(layer.source)
    assert source.settings == {"file": str(picture)}
    qtbot.waitUntil(lambda: "No image file chosen" not in item.toolTip(NAME), timeout=10_000)
    qtbot.waitUntil(lambda: item.icon(NAME).isNull(), timeout=5000)

    # The safe-zone guide is on by default and goes with its toolbar switch.
    assert window.preview.safe_zone_shown and window.safe_zone_action.isChecked()
    window.safe_zone_action.trigger()
    assert not window.preview.safe_zone_shown and not window.studio_view.preview_editor.safe_zone_shown


def safe_zone_contains(box: Box) -> bool:
    return inside(box, safe_zone(PORTRAIT))


def form_value_set(props: object, name: str, value: str) -> bool:
    form = props.form  # type: ignore[attr-defined]
    if form is None:
        return False
    editor = form.editors[name]
    assert isinstance(editor, QLineEdit)
    editor.setText(value)
    editor.editingFinished.emit()
    return True


# --- studio mode and dual format ---------------------------------------------------------------------


def test_studio_mode_previews_a_click_and_puts_it_on_air_with_transition(qtbot: QtBot, studio: StudioWindow) -> None:
    window = studio
    view = window.studio_view
    assert not view.preview_side.isVisible() and window.preview.isVisible()
    window.studio_mode_action.trigger()
    assert window.session.scenes.studio_mode
    qtbot.waitUntil(lambda: view.preview_side.isVisible() and view.middle.isVisible(), timeout=5000)
    qtbot.waitUntil(
        lambda: view.preview_editor.frames_shown > 1 and view.program_editor.frames_shown > 1, timeout=15_000
    )
    assert view.preview_editor.editable and not view.program_editor.editable

    dock = window.scenes_dock
    item = dock.list.item(2)  # Product showcase
    qtbot.mouseClick(dock.list.viewport(), Qt.MouseButton.LeftButton, pos=dock.list.visualItemRect(item).center())
    portrait = collection(window).canvas("portrait")
    assert (portrait.program, portrait.preview) == ("full", "showcase"), "a click only changes the preview"
    qtbot.waitUntil(lambda: view.preview_title.text() == "Preview: Product showcase", timeout=5000)
    qtbot.waitUntil(lambda: window.sources_dock.tree.topLevelItemCount() == 4, timeout=5000)

    qtbot.mouseClick(view.transition_button, Qt.MouseButton.LeftButton)
    portrait = collection(window).canvas("portrait")
    assert (portrait.program, portrait.preview) == ("showcase", "full")
    qtbot.waitUntil(lambda: dock.list.item(2).data(Qt.ItemDataRole.UserRole + 1) == "live", timeout=5000)
    assert dock.list.item(0).data(Qt.ItemDataRole.UserRole + 1) == "preview"

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    portrait = collection(window).canvas("portrait")
    assert (portrait.program, portrait.preview) == ("pip", "full"), "Ctrl+2 goes on air directly"

    qtbot.mouseClick(view.cut_button, Qt.MouseButton.LeftButton)
    assert collection(window).canvas("portrait").program == "full"
    window.studio_mode_action.trigger()
    assert not window.session.scenes.studio_mode
    qtbot.waitUntil(lambda: not view.preview_side.isVisible(), timeout=5000)
    assert window.preview.editable
    assert "preview:portrait" not in window.bridge.watched


def test_the_canvas_selector_appears_in_dual_format_and_switches_the_docks(
    qtbot: QtBot, no_devices: FakeDevices
) -> None:
    window, _ = make_window(qtbot, no_devices, program=ProgramSettings(canvases=(PORTRAIT, LANDSCAPE)))
    try:
        assert window.canvas_picker_action.isVisible()
        picker = window.canvas_picker
        assert [picker.itemText(i) for i in range(picker.count())] == ["Portrait 720×1280", "Landscape 1280×720"]
        assert window.bridge.watched == {"portrait"}
        landscape = collection(window).canvas("landscape")
        window.session.scenes.switch("landscape", "cohost")
        picker.setCurrentIndex(1)
        picker.activated.emit(1)
        assert window.editing.canvas == "landscape"
        qtbot.waitUntil(lambda: window.bridge.watched == {"landscape"}, timeout=5000)
        tree = window.sources_dock.tree
        qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=5000)
        assert [tree.topLevelItem(i).text(NAME) for i in range(2)] == ["Co-host 1", "Host camera"]
        dock = window.scenes_dock
        qtbot.waitUntil(lambda: dock.list.item(3).data(Qt.ItemDataRole.UserRole + 1) == "live", timeout=5000)
        menu_action(dock.add_menu, "Empty scene")
        assert len(collection(window).canvas("landscape").scenes) == len(landscape.scenes) + 1
        assert len(collection(window).canvas("portrait").scenes) == 5, "the other canvas is untouched"
        shown = window.preview.frames_shown
        qtbot.waitUntil(lambda: window.preview.frames_shown > shown, timeout=15_000)
        assert window.preview.image is not None and window.preview.image.width() > window.preview.image.height()
    finally:
        window.shutdown()


def test_the_canvas_selector_is_hidden_with_one_canvas(studio: StudioWindow) -> None:
    assert not studio.canvas_picker_action.isVisible()
    assert studio.editing.canvas == "portrait"


def test_the_window_fits_a_1440_by_900_screen_in_both_modes(qtbot: QtBot, studio: StudioWindow) -> None:
    window = studio
    for studio_mode in (False, True):
        if window.editing.studio_mode != studio_mode:
            window.studio_mode_action.trigger()
            qtbot.waitUntil(lambda on=studio_mode: window.studio_view.preview_side.isVisible() == on, timeout=5000)
        needed = window.minimumSizeHint()
        assert needed.width() <= 1440 and needed.height() <= 860, needed  # 900 less the title bar
        assert window.width() <= 1440 and window.height() <= 880
        for name in ("scenes", "sources", "mixer"):
            assert window.docks[name].isVisible(), name
