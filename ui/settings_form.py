"""A plugin's settings form, drawn from its declaration (plugins/api.py): the Filters dock's plugin boxes
and the Sources dock's source properties draw every plugin's settings with it.

Each field's type and metadata choose its editor: a number with a range is a slider, an int a spin box,
a choice a drop-down, a file a line with "Browse…", a bool a check box, any other text a line. The
form only reports what the streamer set (``changed``); its owner applies it (to a running filter, to a
source's settings) and says whether that was accepted, so a refused value is shown again as the value
in use once the streamer leaves the editor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from plugins.api import SettingSpec, specs
from ui.i18n import current_language

_UNSET = object()


class SettingsForm(QWidget):
    """The form of one settings dataclass (module docstring).

    Signals:
        changed(str, object): the streamer set a field: its name and the new value.
    """

    changed = Signal(str, object)

    def __init__(self, settings_type: type, values: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.editors: dict[str, QWidget] = {}
        # How to show a value that changed elsewhere (the command line, a script, a reset) in each editor.
        self._shows: dict[str, Callable[[Any], None]] = {}
        self._showing = False
        for spec in specs(settings_type):
            editor = self._editor(spec, getattr(values, spec.name))
            editor.setObjectName(spec.name)
            if spec.help is not None:
                editor.setToolTip(spec.help.pick(current_language()))
            self.editors[spec.name] = editor
            self.form.addRow(spec.label.pick(current_language()), editor)
        self._shown: dict[str, Any] = {name: getattr(values, name) for name in self.editors}

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
            spin.setKeyboardTracking(False)  # typing "640" is one change, not 6, 64 and 640
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

    # --- what the owner says back ----------------------------------------------------------------

    def _set(self, name: str, value: Any) -> None:
        if not self._showing:
            self.changed.emit(name, value)

    def accepted(self, name: str, value: Any) -> None:
        """The owner applied ``value``: it is the value in use."""
        self._shown[name] = value

    def refused(self, name: str) -> None:
        """The owner refused the value: once the streamer leaves the editor, it shows the value in use."""
        self._shown.pop(name, None)

    def show_values(self, values: Any) -> None:
        """Show the values in use (changed elsewhere, or after a refusal) without reporting them as
        changes; a text or number the streamer is typing is left alone until they leave it."""
        self._showing = True
        try:
            focus = QApplication.focusWidget()
            typing = focus if isinstance(focus, (QLineEdit, QSpinBox)) else None
            for name, show in self._shows.items():
                editor = self.editors[name]
                value = getattr(values, name)
                # Only a text being typed is protected: sliders, boxes and lists commit every change.
                in_use = typing is not None and (editor is typing or editor.isAncestorOf(typing))
                if in_use or self._shown.get(name, _UNSET) == value:
                    continue
                show(value)
                self._shown[name] = value
        finally:
            self._showing = False
