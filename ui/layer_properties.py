"""The properties of the layer selected in the Sources dock: where its box is, how its picture is
cropped and fitted, how opaque it is; and its source's name, the source plugin's settings (the form
drawn from the plugin's declaration, ui/settings_form.py), and whether the Filters dock's video
filters (beautify) run on that source.

Every change is an edit of the collection (``edit_layer`` / ``edit_source``), on air at once. A
source's settings are checked against the plugin's declaration before they are sent, so a value the
plugin refuses shows its message here and the source keeps running with the old one; the settings
stored are only those that differ from the plugin's defaults.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.scene_templates import safe_zone
from app.session import StudioSession
from pipeline.scene import Box, Crop, Fit, Layer, SceneError, SourceSpec
from plugins.api import Plugin, SettingsError, validate
from ui.i18n import current_language
from ui.layer_geometry import LIMIT, MIN_SIDE
from ui.scene_editing import SceneEditing
from ui.settings_form import SettingsForm

ERROR_STYLE = "color: #e5243b"


def settings_of(plugin: Plugin, spec: SourceSpec) -> Any:
    """The source's settings as the plugin reads them (its defaults where the spec says nothing)."""
    try:
        return validate(plugin.settings, dict(spec.settings))
    except SettingsError:
        return plugin.defaults()


class LayerProperties(QWidget):
    """The selected layer's and its source's properties (module docstring).

    Signals: none of its own; it follows SceneEditing's ``changed`` and ``selection_changed``.
    """

    def __init__(self, editing: SceneEditing, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing = editing
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.title = QLabel(self)
        self.title.setObjectName("properties-title")
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)

        self.layer_box = QGroupBox(self.tr("Layer"), self)
        form = QFormLayout(self.layer_box)
        self.box_x, self.box_y = self._spin(-LIMIT, LIMIT, "x"), self._spin(-LIMIT, LIMIT, "y")
        self.box_w, self.box_h = self._spin(MIN_SIDE, LIMIT, "w"), self._spin(MIN_SIDE, LIMIT, "h")
        form.addRow(self.tr("Position (px)"), self._row(self.box_x, self.box_y))
        form.addRow(self.tr("Size (px)"), self._row(self.box_w, self.box_h))
        self.crops = {side: self._crop_spin(side) for side in ("left", "top", "right", "bottom")}
        self.crops["left"].setToolTip(self.tr("Left: cut off the left edge (% of the picture)"))
        self.crops["top"].setToolTip(self.tr("Top: cut off the top edge (% of the picture)"))
        self.crops["right"].setToolTip(self.tr("Right: cut off the right edge (% of the picture)"))
        self.crops["bottom"].setToolTip(self.tr("Bottom: cut off the bottom edge (% of the picture)"))
        form.addRow(self.tr("Crop (%)"), self._row(*self.crops.values()))
        self.fit = QComboBox(self)
        self.fit.setObjectName("fit")
        self.fit.addItem(self.tr("Cover the box (edges cut off)"), Fit.COVER.value)
        self.fit.addItem(self.tr("Fit inside the box (whole picture)"), Fit.CONTAIN.value)
        self.fit.addItem(self.tr("Stretch to the box"), Fit.STRETCH.value)
        form.addRow(self.tr("Fit"), self.fit)
        self.opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity.setObjectName("opacity")
        self.opacity.setRange(0, 100)
        self.opacity_label = QLabel("100%", self)
        self.opacity_label.setMinimumWidth(36)
        form.addRow(self.tr("Opacity"), self._row(self.opacity, self.opacity_label))
        self.fill_button = QPushButton(self.tr("Fill the canvas"), self)
        self.safe_button = QPushButton(self.tr("Safe zone"), self)
        self.safe_button.setToolTip(self.tr("Fill the part of the picture no phone app covers"))
        form.addRow(self.tr("Place"), self._row(self.fill_button, self.safe_button))
        layout.addWidget(self.layer_box)

        self.source_box = QGroupBox(self.tr("Source"), self)
        self.source_layout = QVBoxLayout(self.source_box)
        names = QFormLayout()
        self.source_name = QLineEdit(self)
        self.source_name.setObjectName("source-name")
        self.source_name.setMaxLength(64)
        names.addRow(self.tr("Name"), self.source_name)
        self.plugin_label = QLabel(self)
        self.plugin_label.setWordWrap(True)
        names.addRow(self.tr("Kind"), self.plugin_label)
        self.source_layout.addLayout(names)
        self.problem = QLabel(self)
        self.problem.setObjectName("source-problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.source_layout.addWidget(self.problem)
        self.form: SettingsForm | None = None
        self._form_for: tuple[str, str] | None = None
        self.filters = QCheckBox(self.tr("Apply the Filters dock's video filters (beautify)"), self)
        self.filters.setObjectName("source-filters")
        self.filters.setToolTip(self.tr("For a camera that shows a face; a product photo or a card needs none"))
        self.source_layout.addWidget(self.filters)
        self.error = QLabel(self)
        self.error.setObjectName("source-error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.source_layout.addWidget(self.error)
        layout.addWidget(self.source_box)
        layout.addStretch(1)

        for spin in (self.box_x, self.box_y, self.box_w, self.box_h):
            spin.valueChanged.connect(self._box_set)
        for crop in self.crops.values():
            crop.valueChanged.connect(self._crop_set)
        self.fit.activated.connect(self._fit_set)
        self.opacity.valueChanged.connect(self._opacity_set)
        self.fill_button.clicked.connect(self.fill_canvas)
        self.safe_button.clicked.connect(self.fit_safe_zone)
        self.source_name.editingFinished.connect(self._name_set)
        self.filters.toggled.connect(self._filters_set)
        editing.changed.connect(self.refresh)
        editing.selection_changed.connect(self.refresh)
        self._showing = False
        self.refresh()

    def _spin(self, low: int, high: int, name: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setKeyboardTracking(False)
        spin.setMinimumWidth(64)  # narrower than "-16384" asks for: the panel shares the dock with the list
        return spin

    def _crop_spin(self, name: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setObjectName(f"crop-{name}")
        spin.setRange(0.0, 97.0)
        spin.setDecimals(1)
        spin.setSingleStep(1.0)
        spin.setKeyboardTracking(False)
        spin.setMinimumWidth(48)
        return spin

    def _row(self, *widgets: QWidget) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in widgets:
            layout.addWidget(widget, 1 if not isinstance(widget, QLabel) else 0)
        return row

    # --- showing the selected layer ------------------------------------------------------------------

    def selected(self) -> tuple[Layer, SourceSpec] | None:
        layer = self.editing.layer(self.editing.selected) if self.editing.selected else None
        if layer is None:
            return None
        source = self.editing.source(layer.source)
        return (layer, source) if source is not None else None

    @Slot()
    def refresh(self) -> None:
        chosen = self.selected()
        self.layer_box.setEnabled(chosen is not None)
        self.source_box.setEnabled(chosen is not None)
        if chosen is None:
            self.title.setText(self.tr("Select a layer to see its properties"))
            self.problem.hide()
            return
        layer, source = chosen
        self.title.setText(self.tr("Properties of “%1”").replace("%1", self.editing.layer_name(layer)))
        self._showing = True
        try:
            values = (
                (self.box_x, layer.box.x),
                (self.box_y, layer.box.y),
                (self.box_w, layer.box.w),
                (self.box_h, layer.box.h),
            )
            for spin, value in values:
                if spin.value() != value and not spin.hasFocus():
                    spin.setValue(value)
            for side, crop in self.crops.items():
                percent = round(100 * getattr(layer.crop, side), 1)
                if abs(crop.value() - percent) > 0.05 and not crop.hasFocus():
                    crop.setValue(percent)
            self.fit.setCurrentIndex(max(0, self.fit.findData(layer.fit.value)))
            if not self.opacity.isSliderDown():
                self.opacity.setValue(round(100 * layer.opacity))
            self.opacity_label.setText(f"{round(100 * layer.opacity)}%")
            if not self.source_name.hasFocus():
                self.source_name.setText(source.name)
            self.filters.setChecked(source.filters)
        finally:
            self._showing = False
        self._show_source(source)

    def _show_source(self, source: SourceSpec) -> None:
        language = current_language()
        try:
            plugin = self.session.plugins.get(source.plugin)
        except KeyError:
            plugin = None
        if plugin is None:
            self.plugin_label.setText(source.plugin)
            self.plugin_label.setToolTip("")
        else:
            self.plugin_label.setText(plugin.name.pick(language))
            self.plugin_label.setToolTip(plugin.description.pick(language))
        self.show_problem()
        wanted = (source.id, source.plugin)
        if self._form_for != wanted:
            if self.form is not None:
                self.source_layout.removeWidget(self.form)
                self.form.hide()
                self.form.deleteLater()
                self.form = None
            self._form_for = wanted
            self.error.hide()
            if plugin is not None:
                self.form = SettingsForm(plugin.settings, settings_of(plugin, source), self.source_box)
                self.form.setObjectName("source-settings")
                self.form.changed.connect(self._setting_set)
                self.source_layout.insertWidget(self.source_layout.indexOf(self.filters), self.form)
        elif self.form is not None and plugin is not None:
            self.form.show_values(settings_of(plugin, source))

    def show_problem(self) -> None:
        """Why the selected layer's source shows a placeholder, if it does (the Sources dock asks again
        now and then: a camera unplugged, a file deleted is no change of the scenes)."""
        chosen = self.selected()
        problem = self.session.show.pool.problems().get(chosen[1].id) if chosen is not None else None
        self.problem.setVisible(problem is not None)
        if problem is not None:
            self.problem.setText(problem.zh if current_language().startswith("zh") else problem.en)

    # --- the streamer's changes --------------------------------------------------------------------

    def _edit(self, **changes: Any) -> None:
        chosen = self.selected()
        if chosen is None or self._showing:
            return
        if not self.editing.edit_layer(chosen[0].id, **changes):
            self.refresh()  # refused: show what is in use

    @Slot()
    def _box_set(self) -> None:
        try:
            box = Box(self.box_x.value(), self.box_y.value(), self.box_w.value(), self.box_h.value())
        except SceneError as exc:
            self.editing.refused.emit(str(exc))
            return
        self._edit(box=box)

    @Slot()
    def _crop_set(self) -> None:
        shares = {side: spin.value() / 100 for side, spin in self.crops.items()}
        try:
            crop = Crop(**shares)
        except SceneError as exc:
            if not self._showing:
                self.editing.refused.emit(str(exc))
                self.refresh()
            return
        self._edit(crop=crop)

    @Slot()
    def _fit_set(self) -> None:
        self._edit(fit=Fit(self.fit.currentData()))

    @Slot(int)
    def _opacity_set(self, percent: int) -> None:
        self.opacity_label.setText(f"{percent}%")
        self._edit(opacity=percent / 100)

    @Slot()
    def fill_canvas(self) -> None:
        canvas = self.editing.canvas_info()
        self._edit(box=Box(0, 0, canvas.width, canvas.height))

    @Slot()
    def fit_safe_zone(self) -> None:
        self._edit(box=safe_zone(self.editing.canvas_info()))

    def _source_edit(self, **changes: Any) -> bool:
        chosen = self.selected()
        if chosen is None or self._showing:
            return False
        source_id = chosen[1].id
        return self.editing.run(lambda s: s.edit_source(source_id, **changes))

    @Slot()
    def _name_set(self) -> None:
        chosen = self.selected()
        name = self.source_name.text().strip()
        if chosen is None or not name or name == chosen[1].name:
            return
        if not self._source_edit(name=name):
            self.source_name.setText(chosen[1].name)

    @Slot(bool)
    def _filters_set(self, on: bool) -> None:
        self._source_edit(filters=on)

    @Slot(str, object)
    def _setting_set(self, name: str, value: Any) -> None:
        chosen = self.selected()
        form = self.form
        if chosen is None or form is None:
            return
        source = chosen[1]
        plugin = self.session.plugins.get(source.plugin)
        merged = {**source.settings, name: value}
        try:
            settings = validate(plugin.settings, merged)
        except SettingsError as exc:
            self.error.setText(str(exc))
            self.error.show()
            form.refused(name)
            return
        defaults = plugin.defaults()
        kept = {k: v for k, v in merged.items() if getattr(defaults, k, object()) != v}
        if self._source_edit(settings=kept):
            self.error.hide()
            form.accepted(name, getattr(settings, name))
        else:
            form.refused(name)
