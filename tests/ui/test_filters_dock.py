"""The "Filters" dock: forms drawn from plugin declarations, changes reaching the running filter,
refusals shown, broken plugins listed, meters moving — for any plugin, not only ours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit, QSlider
from pytestqt.qtbot import QtBot

from plugins.api import Context, Kind, Plugin, Text, setting
from plugins.chain import Chain
from plugins.registry import Problem, Registry, discover
from ui.filters_dock import FiltersDock, PluginBox

CONTEXT = Context(320, 180, 30.0, 48_000, 2)


@dataclass(frozen=True, slots=True)
class TintSettings:
    amount: float = setting(0.5, "Amount", "程度", minimum=0, maximum=1, step=0.1)
    colour: str = setting("red", "Colour", "颜色", choices=(("red", "Red", "红"), ("blue", "Blue", "蓝")))
    invert: bool = setting(False, "Invert", "反相")
    table: str = setting("", "Table file", "表文件", path="Tables (*.txt)")


class Tint:
    made: list[Tint] = []  # noqa: RUF012  (the test reads the instances back)

    def __init__(self, settings: TintSettings, context: Context) -> None:
        self.settings = settings
        Tint.made.append(self)

    def update(self, settings: TintSettings) -> None:
        if settings.table and not settings.table.endswith(".txt"):
            raise ValueError(f"{settings.table}: not a table file")
        self.settings = settings

    def process(self, image: Any) -> Any:
        return image


def make_tint(settings: TintSettings, context: Context) -> Tint:
    return Tint(settings, context)


@dataclass(frozen=True, slots=True)
class LevelsNow:
    peak_db: tuple[float, ...]
    rms_db: tuple[float, ...]
    held_peak_db: tuple[float, ...]
    clipped: tuple[bool, ...]


def dock(qtbot: QtBot) -> tuple[FiltersDock, Chain]:
    plugin = Plugin("tests.tint", Kind.VIDEO_FILTER, Text("Tint", "着色"), TintSettings, f"{__name__}:make_tint")
    chain = Chain(Registry({plugin.id: plugin}), Kind.VIDEO_FILTER, CONTEXT)
    problems = [Problem("broken = broken_plugin:PLUGIN (broken)", "cannot be imported: ImportError: no libfoo")]
    levels = LevelsNow((-6.0, float("-inf")), (-9.0, float("-inf")), (-3.0, float("-inf")), (False, False))
    widget = FiltersDock(chain, None, problems, levels=lambda: levels)
    qtbot.addWidget(widget)
    return widget, chain


def test_the_form_is_drawn_from_the_declaration_and_changes_reach_the_running_filter(qtbot: QtBot) -> None:
    Tint.made.clear()
    widget, chain = dock(qtbot)
    box = widget.boxes["tests.tint"]
    assert isinstance(box, PluginBox) and box.title() == "Tint" and not box.isChecked()
    assert set(box.editors) == {"amount", "colour", "invert", "table"}
    slider = box.editors["amount"].findChild(QSlider, "slider")
    combo = box.editors["colour"]
    invert = box.editors["invert"]
    assert isinstance(slider, QSlider) and isinstance(combo, QComboBox) and isinstance(invert, QCheckBox)
    assert (slider.minimum(), slider.maximum(), slider.value()) == (0, 10, 5)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Red", "Blue"]
    assert box.status.text() == "Off"

    box.setChecked(True)  # the streamer switches it on: the plugin is made then
    assert chain.state("tests.tint").status == "on" and len(Tint.made) == 1
    slider.setValue(8)
    combo.setCurrentIndex(1)
    invert.setChecked(True)
    settings = Tint.made[0].settings
    assert (settings.amount, settings.colour, settings.invert) == (0.8, "blue", True)
    chain.process(np.zeros((180, 320, 3), np.uint8))
    box.refresh()
    assert box.status.text().startswith("On")

    # A value the plugin refuses: the message shows, the plugin keeps running with its old settings.
    path = box.editors["table"].findChild(QLineEdit, "path")
    assert isinstance(path, QLineEdit)
    path.setText("/tmp/look.png")
    path.editingFinished.emit()
    assert box.error.isVisibleTo(box) and "/tmp/look.png: not a table file" in box.error.text()
    assert Tint.made[0].settings.table == "" and chain.state("tests.tint").status == "on"
    path.setText("/tmp/look.txt")
    path.editingFinished.emit()
    assert not box.error.isVisibleTo(box) and Tint.made[0].settings.table == "/tmp/look.txt"

    keep = box.findChild(QCheckBox, "keep-on")
    assert isinstance(keep, QCheckBox) and keep.text() == "Keep on when the machine is busy"
    assert not keep.isChecked() and not chain.state("tests.tint").keep_on
    keep.setChecked(True)
    assert chain.state("tests.tint").keep_on

    box.setChecked(False)
    assert chain.state("tests.tint").status == "off" and box.status.text() == "Off"


def test_broken_plugins_are_listed_and_the_meters_show_the_levels(qtbot: QtBot) -> None:
    widget, _ = dock(qtbot)
    problems = widget.findChild(QLabel, "problems")
    assert isinstance(problems, QLabel) and "ImportError: no libfoo" in problems.text()
    widget.refresh()
    left, right = widget.meters
    assert left.bar.value() == 540 and left.reading.text() == "-9 / -3 dB"  # -6 dBFS on a -60..0 scale
    assert right.bar.value() == 0 and right.reading.text() == "-inf / -inf dB"


def test_the_form_follows_changes_made_elsewhere_without_sending_them_back(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--beautify on the command line, or a script, switches a filter on after the dock was drawn:
    the dock shows it within its refresh, and showing it does not count as the streamer's change."""
    Tint.made.clear()
    widget, chain = dock(qtbot)
    box = widget.boxes["tests.tint"]
    chain.enable("tests.tint", True)
    chain.update("tests.tint", amount=0.3, colour="blue", invert=True, table="/tmp/a.txt")
    updates: list[TintSettings] = []
    original = Tint.update
    monkeypatch.setattr(Tint, "update", lambda self, settings: updates.append(settings) or original(self, settings))
    qtbot.waitUntil(box.isChecked, timeout=2000)
    slider = box.editors["amount"].findChild(QSlider, "slider")
    combo = box.editors["colour"]
    invert = box.editors["invert"]
    path = box.editors["table"].findChild(QLineEdit, "path")
    assert isinstance(slider, QSlider) and isinstance(combo, QComboBox) and isinstance(invert, QCheckBox)
    assert isinstance(path, QLineEdit)
    assert (slider.value(), combo.currentData(), invert.isChecked(), path.text()) == (3, "blue", True, "/tmp/a.txt")
    assert box.editors["amount"].findChildren(QLabel)[0].text() == "0.3"
    assert updates == [], "showing the chain's values sent nothing back to the filter"
    chain.keep_on("tests.tint", True)
    keep = box.findChild(QCheckBox, "keep-on")
    assert isinstance(keep, QCheckBox)
    qtbot.waitUntil(keep.isChecked, timeout=2000)
    chain.enable("tests.tint", False)
    qtbot.waitUntil(lambda: not box.isChecked(), timeout=2000)
    assert chain.state("tests.tint").status == "off"


def test_overlays_get_their_own_section_and_forms(qtbot: QtBot) -> None:
    """The built-in text and image overlays are listed under Overlays with forms from their declarations."""
    registry = discover()
    overlays = Chain(registry, Kind.OVERLAY, CONTEXT)
    widget = FiltersDock(None, None, [], overlays=overlays)
    qtbot.addWidget(widget)
    headings = [label.text() for label in widget.findChildren(QLabel) if label.text().startswith("<b>")]
    assert headings == ["<b>Overlays (over the whole program)</b>"]
    assert {"shopcast.text_overlay", "shopcast.image_overlay"} <= set(widget.boxes)
    text = widget.boxes["shopcast.text_overlay"]
    assert set(text.editors) >= {"text", "size", "colour", "position", "opacity"}
    position = text.editors["position"]
    assert isinstance(position, QComboBox) and position.itemText(0) == "Top left"
    text.setChecked(True)
    assert overlays.state("shopcast.text_overlay").status == "on"
    colour = text.editors["colour"]
    assert isinstance(colour, QLineEdit)
    colour.setText("orange")
    colour.editingFinished.emit()
    assert text.error.isVisibleTo(text) and "colour 'orange' is not #rrggbb" in text.error.text()
    assert colour.text() == "#ffffff", "refused: the form shows the colour in use again"
    picture = np.full((180, 320, 3), 100, np.uint8)
    assert not np.array_equal(overlays.process(picture), picture), "the text is drawn"
    overlays.close()


def test_a_text_being_typed_is_left_alone_but_a_focused_slider_follows(qtbot: QtBot) -> None:
    widget, chain = dock(qtbot)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    box = widget.boxes["tests.tint"]
    box.setChecked(True)
    slider = box.editors["amount"].findChild(QSlider, "slider")
    path = box.editors["table"].findChild(QLineEdit, "path")
    assert isinstance(slider, QSlider) and isinstance(path, QLineEdit)
    slider.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is slider, timeout=2000)
    chain.update("tests.tint", amount=0.2)
    qtbot.waitUntil(lambda: slider.value() == 2, timeout=2000)
    path.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is path, timeout=2000)
    path.setText("/tmp/half-typed")
    chain.update("tests.tint", table="/tmp/other.txt")
    qtbot.wait(600)
    assert path.text() == "/tmp/half-typed", "what the streamer is typing is not overwritten"
    slider.setFocus()  # leaving commits it; the plugin refuses it (not .txt): the value in use shows
    qtbot.waitUntil(lambda: path.text() == "/tmp/other.txt", timeout=2000)
