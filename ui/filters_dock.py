"""The "Filters" dock: every video filter, overlay and audio filter plugin, switched on and off, with a
settings form drawn from the plugin's declaration (plugins/api.py), plus the sound's level meters.

Nothing here knows a particular plugin: a third-party filter gets the same switch, form and status
line as the built-in beautify and denoise. Forms are drawn from each field's type and metadata
(ui/settings_form.py): a number with a range is a slider, a choice a drop-down, a file a line with
"Browse…", a bool a check box. Every change goes straight to the running filter (``Chain.update``);
a refused value shows the chain's message under the form. The status line says whether the filter
runs, what it costs per frame, or why it is bypassed or failed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from plugins.api import Kind, SettingsError
from plugins.chain import Chain, SlotState
from plugins.registry import Problem
from ui.i18n import current_language
from ui.settings_form import SettingsForm

LevelsSource = Callable[[], Any]
"""Returns the program sound's levels (``pipeline.filters.meter.MeterLevels``) or None."""

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
        self.form = SettingsForm(plugin.settings, chain.state(plugin_id).settings, self)
        self.form.changed.connect(self._set)
        self.editors = self.form.editors
        layout.addWidget(self.form)
        self._following = False
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

    # --- talking to the chain ------------------------------------------------------------------

    def _set(self, name: str, value: Any) -> None:
        if self._following:
            return
        try:
            settings = self.chain.update(self.plugin_id, **{name: value})
        except (SettingsError, OSError, ValueError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.form.refused(name)
        else:
            self.error.hide()
            self.form.accepted(name, getattr(settings, name))
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
            self.form.show_values(state.settings)
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
