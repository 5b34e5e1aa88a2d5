"""The Audio mixer dock against a real session: the microphone's strip mutes and fades the program's
sound (heard by an audio sink on the program), media files' strips come, dim and go with their
sources, the program mix has its meter, and monitoring is off until switched on."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.session import StudioSession
from app.session_config import SessionConfig
from pipeline.filters.meter import FLOOR_DB
from pipeline.frames import AudioChunk, Samples
from pipeline.scene import Box
from tests.helpers.fakes import FakeDevices
from ui.mixer_dock import MixerDock, StripWidget
from ui.studio_window import StudioWindow


class Heard:
    """An audio sink on the program: the RMS (dBFS) of the last chunks it was given."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._levels: list[float] = []

    def __call__(self, chunk: AudioChunk) -> None:
        rms = float(np.sqrt(np.mean(np.square(chunk.samples, dtype=np.float64))))
        with self._lock:
            self._levels = [*self._levels[-7:], 20 * math.log10(rms) if rms > 0 else FLOOR_DB]

    def recent(self, n: int = 4) -> list[float]:
        with self._lock:
            return self._levels[-n:]

    def steady(self, test: Callable[[float], bool], n: int = 4) -> bool:
        """The last ``n`` chunks all pass ``test`` (the sound has settled since the change)."""
        levels = self.recent(n)
        return len(levels) == n and all(test(level) for level in levels)


class Speaker:
    def __init__(self) -> None:
        self.blocks = 0
        self.closed = False

    def write(self, samples: Samples) -> None:
        self.blocks += 1

    def close(self) -> None:
        self.closed = True


class DevicesWithSpeaker(FakeDevices):
    """No camera, no microphone; a speaker for monitoring."""

    def __init__(self) -> None:
        super().__init__()
        self.speaker = Speaker()

    def open_speaker(self, device: int | None, sample_rate: int, channels: int) -> Speaker:
        return self.speaker


@pytest.fixture
def studio(qtbot: QtBot) -> Iterator[tuple[StudioWindow, Heard, DevicesWithSpeaker]]:
    devices = DevicesWithSpeaker()
    window = StudioWindow(StudioSession(SessionConfig(source="test", mic="tone"), devices=devices))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.editing.scenes is not None, timeout=15_000)
    heard = Heard()
    window.session.program.add_audio_sink(heard)
    yield window, heard, devices
    window.shutdown()


def strip(dock: MixerDock, strip_id: str) -> StripWidget:
    return dock.strips[strip_id]


def test_mute_silences_the_microphone_in_the_program_and_the_fader_turns_it_down(
    qtbot: QtBot, studio: tuple[StudioWindow, Heard, DevicesWithSpeaker]
) -> None:
    window, heard, _ = studio
    dock = window.mixer_dock
    qtbot.waitUntil(lambda: "mic" in dock.strips, timeout=5000)
    mic = strip(dock, "mic")
    assert mic.name.text() == "Microphone (test tone)"
    assert mic.gain.text() == "0.0 dB" and not mic.mute.isChecked()
    # The tone peaks at -20 dBFS: its RMS is about -23.
    qtbot.waitUntil(lambda: heard.steady(lambda db: -26 < db < -20), timeout=5000)
    loud = float(np.mean(heard.recent()))
    qtbot.waitUntil(lambda: -26 < mic.meter.rms_db[0] < -20, timeout=5000)
    qtbot.waitUntil(lambda: -26 < dock.program_meter.rms_db[0] < -20, timeout=5000)

    qtbot.mouseClick(mic.mute, Qt.MouseButton.LeftButton)
    assert window.session.show.mixer.channel("mic").muted
    qtbot.waitUntil(lambda: heard.steady(lambda db: db <= FLOOR_DB), timeout=5000)
    qtbot.waitUntil(lambda: mic.meter.rms_db[0] <= -60 and mic.meter.dimmed, timeout=5000)

    qtbot.mouseClick(mic.mute, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: heard.steady(lambda db: abs(db - loud) < 1.5), timeout=5000)

    mic.fader.setFocus()
    for _ in range(4):  # the page step is 3 dB
        qtbot.keyClick(mic.fader, Qt.Key.Key_PageDown)
    assert window.session.show.mixer.channel("mic").gain_db == pytest.approx(-12.0)
    assert mic.gain.text() == "-12.0 dB"
    qtbot.waitUntil(lambda: heard.steady(lambda db: abs(db - (loud - 12)) < 1.5), timeout=5000)

    # A fader moved elsewhere (a script, the command line) shows its new place.
    window.session.show.set_gain("mic", -30.0)
    qtbot.waitUntil(lambda: mic.fader.value() == -300 and mic.gain.text() == "-30.0 dB", timeout=2000)


def make_clip(path: Path, seconds: float = 1.0, rate: int = 48_000) -> None:
    """A small black video with a 1 kHz tone."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=30)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        audio = container.add_stream("aac", rate=rate)
        audio.layout = "stereo"
        for i in range(int(seconds * 30)):
            frame = av.VideoFrame.from_ndarray(np.zeros((120, 160, 3), np.uint8), format="bgr24")
            frame.pts, frame.time_base = i, Fraction(1, 30)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        n = 1024
        for k in range(int(seconds * rate) // n):
            t = (np.arange(n) + k * n) / rate
            wave = (0.3 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
            block = av.AudioFrame.from_ndarray(np.stack([wave, wave]), format="fltp", layout="stereo")
            block.sample_rate, block.pts, block.time_base = rate, k * n, Fraction(1, rate)
            container.mux(audio.encode(block))
        container.mux(audio.encode(None))


def test_media_strips_follow_their_sources_and_dim_off_air(
    qtbot: QtBot, studio: tuple[StudioWindow, Heard, DevicesWithSpeaker], tmp_path: Path
) -> None:
    window, _, _ = studio
    dock = window.mixer_dock
    clip = tmp_path / "ad.mp4"
    make_clip(clip)
    scenes = window.session.scenes
    source = scenes.add_source("shopcast.media_file", "Product clip", {"file": str(clip)})
    scenes.add_layer("portrait", "pip", source, Box(40, 200, 320, 240))  # a scene not on air
    channel = f"media:{source}"
    qtbot.waitUntil(lambda: channel in dock.strips, timeout=10_000)
    assert list(dock.strips) == ["mic", channel]
    media = strip(dock, channel)
    assert media.name.text() == "Product clip"
    qtbot.waitUntil(lambda: media.meter.dimmed and not media.name.isEnabled(), timeout=2000)
    scenes.switch("portrait", "pip")
    qtbot.waitUntil(lambda: not media.meter.dimmed and media.name.isEnabled(), timeout=2000)
    qtbot.waitUntil(lambda: media.meter.peak_db[0] > -20, timeout=10_000)
    scenes.remove_source(source)
    qtbot.waitUntil(lambda: list(dock.strips) == ["mic"], timeout=10_000)


def test_monitoring_is_off_until_switched_on(
    qtbot: QtBot, studio: tuple[StudioWindow, Heard, DevicesWithSpeaker]
) -> None:
    window, _, devices = studio
    dock = window.mixer_dock
    show = window.session.show
    assert not dock.monitoring.isChecked() and not show.monitoring
    qtbot.mouseClick(dock.monitoring, Qt.MouseButton.LeftButton)
    assert show.monitoring
    qtbot.waitUntil(lambda: devices.speaker.blocks > 5, timeout=5000)
    qtbot.mouseClick(dock.monitoring, Qt.MouseButton.LeftButton)
    assert not show.monitoring and devices.speaker.closed


def test_monitoring_without_a_sound_output_says_so(qtbot: QtBot, no_devices: FakeDevices) -> None:
    window = StudioWindow(StudioSession(SessionConfig(source="test", mic="none"), devices=no_devices))
    qtbot.addWidget(window)
    window.show()
    window.start()
    try:
        qtbot.waitUntil(lambda: window.editing.scenes is not None, timeout=15_000)
        dock = window.mixer_dock
        dock.monitoring.click()
        assert not dock.monitoring.isChecked() and not window.session.show.monitoring
        qtbot.waitUntil(lambda: "Monitoring is unavailable" in window.notices.item(window.notices.count() - 1).text())
    finally:
        window.shutdown()
