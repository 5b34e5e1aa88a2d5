"""The "Audio mixer" dock (OBS's): a strip per channel of the program's sound — the microphone, each
media file, each co-host — with its name, its level meter (ui/volume_meter.py), a fader in dB and a
mute button; under them the program mix's meter and the monitoring switch (hearing the program on
this computer's speakers; off by default, since a live microphone would feed back).

The strips are read from the session (``StudioShow.strips``) about 15 times a second on a timer, so
the list follows channels as they come and go (a media file added to the show, a co-host joining)
and a fader moved elsewhere shows its new place. A media file's strip is dimmed while no program
scene shows its source: it is not heard then.
"""

from __future__ import annotations

from contextlib import suppress

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.session import SessionError, StudioSession
from app.studio_show import MixerStrip, StudioShow
from pipeline.mixer import MAX_GAIN_DB, MIN_GAIN_DB
from ui.i18n import current_language
from ui.studio_icons import speaker_icon
from ui.volume_meter import VolumeMeter

REFRESH_MS = 66
"""About 15 readings a second, like OBS's meters."""


def gain_text(db: float) -> str:
    return "-inf dB" if db <= MIN_GAIN_DB else f"{db:.1f} dB"


class StripWidget(QFrame):
    """One channel: name, gain, mute, meter and fader.

    Signals:
        gain_set(str, float): the streamer moved the fader (strip id, dB).
        mute_set(str, bool): the streamer pressed mute (strip id, muted).
    """

    gain_set = Signal(str, float)
    mute_set = Signal(str, bool)

    def __init__(self, strip: MixerStrip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strip_id = strip.id
        self.setObjectName(f"strip:{strip.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 3, 6, 3)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.name = QLabel(self)
        self.name.setObjectName("name")
        self.name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.gain = QLabel(self)
        self.gain.setObjectName("gain")
        self.gain.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.gain.setMinimumWidth(56)
        self.mute = QToolButton(self)
        self.mute.setObjectName("mute")
        self.mute.setCheckable(True)
        self.mute.setAutoRaise(True)
        self.meter = VolumeMeter(self)
        self.fader = QSlider(Qt.Orientation.Horizontal, self)
        self.fader.setObjectName("fader")
        self.fader.setRange(round(MIN_GAIN_DB * 10), round(MAX_GAIN_DB * 10))
        self.fader.setPageStep(30)
        self.fader.setToolTip(self.tr("Volume (dB); all the way left is silence"))
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.gain, 0, 1)
        grid.addWidget(self.mute, 0, 2, 3, 1, Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.meter, 1, 0, 1, 2)
        grid.addWidget(self.fader, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self.fader.valueChanged.connect(self._faded)
        self.mute.toggled.connect(self._muted)
        self._showing = False
        self.show_strip(strip)

    def show_strip(self, strip: MixerStrip) -> None:
        self._showing = True
        try:
            self.name.setText(strip.name.pick(current_language()))
            self.name.setToolTip(self.name.text())
            if not self.fader.isSliderDown() and self.fader.value() != round(strip.gain_db * 10):
                self.fader.setValue(round(strip.gain_db * 10))
            self.gain.setText(gain_text(strip.gain_db))
            if self.mute.isChecked() != strip.muted:
                self.mute.setChecked(strip.muted)
            self.mute.setIcon(speaker_icon(strip.muted))
            self.mute.setToolTip(self.tr("Unmute") if strip.muted else self.tr("Mute"))
            self.meter.set_levels(strip.levels)
            dimmed = not strip.on_air or strip.muted
            self.meter.set_dimmed(dimmed)
            self.name.setEnabled(strip.on_air)
            self.setToolTip(
                "" if strip.on_air else self.tr("Not on air: heard only while a scene on air shows its source")
            )
        finally:
            self._showing = False

    @Slot(int)
    def _faded(self, value: int) -> None:
        self.gain.setText(gain_text(value / 10))
        if not self._showing:
            self.gain_set.emit(self.strip_id, value / 10)

    @Slot(bool)
    def _muted(self, muted: bool) -> None:
        self.mute.setIcon(speaker_icon(muted))
        if not self._showing:
            self.mute_set.emit(self.strip_id, muted)


class MixerDock(QDockWidget):
    """The Audio mixer dock (module docstring): a strip per channel, the program meter, monitoring."""

    def __init__(self, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Audio mixer"))
        self.setObjectName("mixer-dock")
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        program = QFrame(panel)
        program.setObjectName("program-mix")
        program.setFrameShape(QFrame.Shape.StyledPanel)
        program_layout = QVBoxLayout(program)
        program_layout.setContentsMargins(6, 3, 6, 3)
        program_layout.setSpacing(2)
        title = QLabel(self.tr("Program mix (what viewers hear)"), program)
        title.setStyleSheet("font-weight: 600;")
        program_layout.addWidget(title)
        self.program_meter = VolumeMeter(program)
        program_layout.addWidget(self.program_meter)
        layout.addWidget(program)
        self.strip_area = QWidget(panel)
        self.strip_layout = QVBoxLayout(self.strip_area)
        self.strip_layout.setContentsMargins(0, 0, 0, 0)
        self.strip_layout.setSpacing(3)
        self.strip_layout.addStretch(1)
        scroll = QScrollArea(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.strip_area)
        layout.addWidget(scroll, 1)
        self.waiting = QLabel(self.tr("The mixer appears once the program runs."), self.strip_area)
        self.waiting.setWordWrap(True)
        self.strip_layout.insertWidget(0, self.waiting)
        self.monitoring = QCheckBox(self.tr("Monitor: hear the program here"), panel)
        self.monitoring.setObjectName("monitoring")
        self.monitoring.setToolTip(self.tr("Off while a microphone is near the speakers: it would feed back"))
        layout.addWidget(self.monitoring)
        self.setWidget(panel)

        self.strips: dict[str, StripWidget] = {}
        self.monitoring.toggled.connect(self._monitor)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def _show(self) -> StudioShow | None:
        try:
            return self.session.show
        except SessionError:  # not started yet
            return None

    @Slot()
    def refresh(self) -> None:
        show = self._show()
        if show is None:
            return
        strips = show.strips()
        if list(self.strips) != [s.id for s in strips]:
            self._rebuild(strips)
        for strip in strips:
            self.strips[strip.id].show_strip(strip)
        self.program_meter.set_levels(self.session.audio_levels())
        if self.monitoring.isChecked() != show.monitoring:
            self.monitoring.blockSignals(True)
            self.monitoring.setChecked(show.monitoring)
            self.monitoring.blockSignals(False)

    def _rebuild(self, strips: list[MixerStrip]) -> None:
        self.waiting.hide()
        for widget in self.strips.values():
            self.strip_layout.removeWidget(widget)
            widget.deleteLater()
        self.strips = {}
        for index, strip in enumerate(strips):
            widget = StripWidget(strip, self.strip_area)
            widget.gain_set.connect(self._gain)
            widget.mute_set.connect(self._mute)
            self.strip_layout.insertWidget(index, widget)
            self.strips[strip.id] = widget

    @Slot(str, float)
    def _gain(self, strip_id: str, db: float) -> None:
        show = self._show()
        if show is None:
            return
        with suppress(KeyError, ValueError):  # the channel left meanwhile; the next refresh drops its strip
            show.set_gain(strip_id, db)

    @Slot(str, bool)
    def _mute(self, strip_id: str, muted: bool) -> None:
        show = self._show()
        if show is None:
            return
        with suppress(KeyError, ValueError):
            show.set_muted(strip_id, muted)

    @Slot(bool)
    def _monitor(self, on: bool) -> None:
        show = self._show()
        if show is None:
            self.monitoring.setChecked(False)
            return
        show.set_monitoring(on)  # a missing sound output is a Notice from the session
        if show.monitoring != on:
            self.monitoring.blockSignals(True)
            self.monitoring.setChecked(show.monitoring)
            self.monitoring.blockSignals(False)
