"""The "Filters" dock: every video filter, overlay and audio filter plugin, switched on and off, with a
settings form drawn from the plugin's declaration (plugins/api.py), plus the sound's level meters.

Nothing here knows a particular plugin: a third-party filter gets the same switch, form and status
line as the built-in beautify and denoise. Forms are drawn from each field's type and metadata: a
number with a range is a slider, a choice a drop-down, a file a line with "Browse…", a bool a check
box. Every change goes straight to the running filter (``Chain.update``); a refused value shows the
chain's message under the form. The status line says whether the filter runs, what it costs per
frame, or why it is bypassed or failed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from plugins.api import Kind, SettingsError, SettingSpec, specs
from plugins.chain import Chain, SlotState
from plugins.registry import Problem
from ui.i18n import current_language

LevelsSource = Callable[[], Any]
"""Returns the program sound's levels (``pipeline.filters.meter.MeterLevels``) or None."""

_UNSET = object()
STATUS_COLOURS = {"on": "#2ea043", "bypassed": "#e0a100", "failed": "#e5243b", "off": "#808080"}


class PluginBox(QGroupBox):
    """One plugin: a checkable group with its generated form and a status line."""

    def __init__(self, chain: Chain, plugin_id: str, parent: QWidget | None = None) -> None:
        plugin = chain.plugin(plugin_id)
        super().__init__(plugin.name.pick(current_language()), parent)
        self.chain = chain
        self.plugin_id = plugin_id
        self.setObjectName(f"plugin:{plugin_id}")
        self.setCheckable(True)
        self.setChecked(chain.state(plugin_id).enabled)
        if plugin.description.en:
            self.setToolTip(plugin.description.pick(current_language()))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.editors: dict[str, QWidget] = {}
        # How to show a value that changed elsewhere (the command line, a script, a reset) in each editor.
        self._shows: dict[str, Callable[[Any], None]] = {}
        self._following = False
        settings = chain.state(plugin_id).settings
        for spec in specs(plugin.settings):
            editor = self._editor(spec, getattr(settings, spec.name))
            editor.setObjectName(spec.name)
            if spec.help is not None:
                editor.setToolTip(spec.help.pick(current_language()))
            self.editors[spec.name] = editor
            form.addRow(spec.label.pick(current_language()), editor)
        self._shown: dict[str, Any] = {name: getattr(settings, name) for name in self.editors}
        self.keep = QCheckBox(self.tr("Keep on when the machine is busy"), self)
        self.keep.setObjectName("keep-on")
        self.keep.setToolTip(
            self.tr("Never bypass this filter to save CPU: frames are skipped instead when the machine is short")
        )
        self.keep.setChecked(chain.state(plugin_id).keep_on)
        self.keep.toggled.connect(self._keep)
        layout.addWidget(self.keep)
        if chain.kind is Kind.AUDIO_FILTER:  # late sound stays late: audio filters are never kept on
            self.keep.hide()
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {STATUS_COLOURS['failed']}")
        self.error.hide()
        layout.addWidget(self.error)
        self.toggled.connect(self._switch)
        self.refresh()

    # --- editors drawn from the declaration ----------------------------------------------------

    def _editor(self, spec: SettingSpec, value: Any) -> QWidget:
        if spec.type is bool:
            box = QCheckBox(self)
            box.setChecked(bool(value))
            box.toggled.connect(lambda on, n=spec.name: self._set(n, on))
            self._shows[spec.name] = lambda v: box.setChecked(bool(v))
            return box
        if spec.choices:
            combo = QComboBox(self)
            for choice, label in spec.choices:
                combo.addItem(label.pick(current_language()), choice)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.currentIndexChanged.connect(lambda _i, n=spec.name, c=combo: self._set(n, c.currentData()))
            self._shows[spec.name] = lambda v: combo.setCurrentIndex(max(0, combo.findData(v)))
            return combo
        if spec.type is str and spec.path is not None:
            return self._file_editor(spec, str(value))
        if spec.type is str:
            line = QLineEdit(str(value), self)
            line.editingFinished.connect(lambda n=spec.name, w=line: self._set(n, w.text()))
            self._shows[spec.name] = lambda v: line.setText(str(v))
            return line
        if spec.type is int:
            spin = QSpinBox(self)
            if spec.range is not None:
                spin.setRange(int(spec.range.minimum), int(spec.range.maximum))
            spin.setValue(int(value))
            spin.valueChanged.connect(lambda v, n=spec.name: self._set(n, int(v)))
            self._shows[spec.name] = lambda v: spin.setValue(int(v))
            return spin
        return self._slider(spec, float(value))

    def _slider(self, spec: SettingSpec, value: float) -> QWidget:
        bounds = spec.range
        lo, hi = (bounds.minimum, bounds.maximum) if bounds is not None else (0.0, 1.0)
        step = bounds.step if bounds is not None and bounds.step > 0 else (hi - lo) / 100
        ticks = max(1, round((hi - lo) / step))
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        slider = QSlider(Qt.Orientation.Horizontal, row)
        slider.setObjectName("slider")
        slider.setRange(0, ticks)
        slider.setValue(round((value - lo) / step))
        shown = QLabel(f"{value:g}", row)
        shown.setMinimumWidth(36)
        layout.addWidget(slider, 1)
        layout.addWidget(shown)

        def moved(position: int) -> None:
            number = round(lo + position * step, 6)
            shown.setText(f"{number:g}")
            self._set(spec.name, number)

        slider.valueChanged.connect(moved)

        def show(number: Any) -> None:
            slider.setValue(round((float(number) - lo) / step))
            shown.setText(f"{float(number):g}")

        self._shows[spec.name] = show
        return row

    def _file_editor(self, spec: SettingSpec, value: str) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        line = QLineEdit(value, row)
        line.setObjectName("path")
        line.setPlaceholderText(self.tr("none"))
        browse = QPushButton(self.tr("Browse…"), row)
        layout.addWidget(line, 1)
        layout.addWidget(browse)
        line.editingFinished.connect(lambda: self._set(spec.name, line.text().strip()))
        self._shows[spec.name] = lambda v: line.setText(str(v))

        def pick() -> None:
            path, _ = QFileDialog.getOpenFileName(self, spec.label.pick(current_language()), "", spec.path or "")
            if path:
                line.setText(path)
                self._set(spec.name, path)

        browse.clicked.connect(pick)
        return row

    # --- talking to the chain ------------------------------------------------------------------

    def _set(self, name: str, value: Any) -> None:
        if self._following:
            return
        try:
            settings = self.chain.update(self.plugin_id, **{name: value})
        except (SettingsError, OSError, ValueError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            # Refused: once the streamer leaves the editor, it shows the value in use again.
            self._shown.pop(name, None)
        else:
            self.error.hide()
            self._shown[name] = getattr(settings, name)
        self.refresh()

    def _keep(self, keep: bool) -> None:
        if self._following:
            return
        self.chain.keep_on(self.plugin_id, keep)
        self.refresh()

    def _switch(self, on: bool) -> None:
        if self._following:
            return
        try:
            self.chain.enable(self.plugin_id, on)
        except Exception as exc:  # the chain has marked it failed; say why
            self.error.setText(str(exc))
            self.error.show()
        else:
            self.error.hide()
        self.refresh()

    def refresh(self) -> None:
        state = self.chain.state(self.plugin_id)
        self._follow(state)
        self.status.setText(self.describe(state))
        self.status.setStyleSheet(f"color: {STATUS_COLOURS[state.status]}")

    def _follow(self, state: SlotState) -> None:
        """Show the chain's own switch and settings when something other than this form changed them
        (the command line, a script), and the value in use after a refused one; a text the streamer is
        typing is left alone until they leave it."""
        self._following = True
        try:
            if self.isChecked() != state.enabled:
                self.setChecked(state.enabled)
            if self.keep.isChecked() != state.keep_on:
                self.keep.setChecked(state.keep_on)
            focus = QApplication.focusWidget()
            typing = focus if isinstance(focus, (QLineEdit, QSpinBox)) else None
            for name, show in self._shows.items():
                editor = self.editors[name]
                value = getattr(state.settings, name)
                # Only a text being typed is protected: sliders, boxes and lists commit every change.
                in_use = typing is not None and (editor is typing or editor.isAncestorOf(typing))
                if in_use or self._shown.get(name, _UNSET) == value:
                    continue
                show(value)
                self._shown[name] = value
        finally:
            self._following = False

    def describe(self, state: SlotState) -> str:
        if state.status == "off":
            return self.tr("Off")
        if state.status == "failed":
            return self.tr("Failed, passed through: %1").replace("%1", self._why(state))
        if state.status == "bypassed":
            return self.tr("Bypassed to save CPU: %1").replace("%1", self._why(state))
        if state.cost_ms is None:
            return self.tr("On")
        if self.chain.kind is Kind.AUDIO_FILTER:  # audio runs per 1024-sample block, not per frame
            return self.tr("On, %1 ms per audio block").replace("%1", f"{state.cost_ms:.2f}")
        return self.tr("On, %1 ms per frame").replace("%1", f"{state.cost_ms:.1f}")

    @staticmethod
    def _why(state: SlotState) -> str:
        chinese = current_language().startswith("zh") and state.message_zh
        return (state.message_zh if chinese else state.message) or ""


class LevelMeter(QWidget):
    """Peak and RMS of one channel in dBFS, like a mixer strip (-60 to 0 dB), with the held peak."""

    FLOOR = -60.0

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(name, self))
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 600)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(12)
        layout.addWidget(self.bar, 1)
        self.reading = QLabel("-inf dB", self)
        self.reading.setMinimumWidth(110)
        layout.addWidget(self.reading)

    def show_level(self, peak_db: float, rms_db: float, held_db: float, clipped: bool) -> None:
        def position(db: float) -> int:
            return 0 if not math.isfinite(db) else round(600 * (max(self.FLOOR, min(0.0, db)) - self.FLOOR) / 60)

        self.bar.setValue(position(peak_db))
        colour = STATUS_COLOURS["failed"] if clipped else "#e0a100" if peak_db > -9 else "#2ea043"
        self.bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")

        def text(db: float) -> str:
            return f"{db:.0f}" if math.isfinite(db) and db > -90 else "-inf"

        self.reading.setText(f"{text(rms_db)} / {text(held_db)} dB")


class FiltersDock(QDockWidget):
    def __init__(
        self,
        video: Chain | None,
        audio: Chain | None,
        problems: list[Problem],
        levels: LevelsSource | None = None,
        parent: QWidget | None = None,
        overlays: Chain | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Filters"))
        self.setObjectName("filters-dock")
        self.levels = levels
        panel = QWidget()
        layout = QVBoxLayout(panel)
        self.boxes: dict[str, PluginBox] = {}
        self.meters: list[LevelMeter] = []
        if levels is not None:
            mixer = QGroupBox(self.tr("Microphone level (after filters)"), panel)
            mixer.setObjectName("mixer")
            mixer_layout = QVBoxLayout(mixer)
            for name in (self.tr("L"), self.tr("R")):
                meter = LevelMeter(name, mixer)
                mixer_layout.addWidget(meter)
                self.meters.append(meter)
            layout.addWidget(mixer)
        sections = (
            (self.tr("Video filters"), video),
            (self.tr("Overlays (over the whole program)"), overlays),
            (self.tr("Audio filters"), audio),
        )
        for title, chain in sections:
            if chain is None or not chain.ids:
                continue
            heading = QLabel(f"<b>{title}</b>", panel)
            layout.addWidget(heading)
            for plugin_id in chain.ids:
                box = PluginBox(chain, plugin_id, panel)
                self.boxes[plugin_id] = box
                layout.addWidget(box)
        if problems:
            text = "\n".join(f"{p.source}: {p.message}" for p in problems)
            problem_label = QLabel(self.tr("Plugins not loaded:") + "\n" + text, panel)
            problem_label.setObjectName("problems")
            problem_label.setWordWrap(True)
            problem_label.setStyleSheet(f"color: {STATUS_COLOURS['failed']}")
            layout.addWidget(problem_label)
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(panel)
        self.setWidget(scroll)
        self.timer = QTimer(self)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def refresh(self) -> None:
        for box in self.boxes.values():
            box.refresh()
        if self.levels is None:
            return
        levels = self.levels()
        if levels is None:
            return
        for i, meter in enumerate(self.meters):
            if i < len(levels.peak_db):
                meter.show_level(levels.peak_db[i], levels.rms_db[i], levels.held_peak_db[i], levels.clipped[i])
