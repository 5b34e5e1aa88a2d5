"""The studio's audio mixer: every sound source on a channel with a fader, mute and a level meter.

Like OBS's mixer: the microphone (through its filters: noise suppression, gate, leveller) and each
media file's sound are channels; each has a fader (dB), a mute and a meter that reads the channel
after its filters and its fader, which is what goes into the program. A media file's channel is
heard only while its source is on air (in the program scene), as in OBS, so a clip waiting in
another scene stays quiet. The sum is soft-limited (pipeline/audio_mix.py's knee) rather than clipped.

:class:`ProgramMixer` is itself the program's audio source; the co-hosts are mixed in after it
(pipeline/cohost_endpoint.py), because each guest's mix-minus is made from this sum.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from pipeline.audio_mix import soft_limit
from pipeline.filters.meter import Meter, MeterLevels
from pipeline.frames import Samples
from pipeline.sources.base import AudioSource

MIN_GAIN_DB = -60.0
MAX_GAIN_DB = 12.0
"""A fader's range; at the bottom it is silent (OBS's fader goes to -inf the same way)."""


def db_to_gain(db: float) -> float:
    return 0.0 if db <= MIN_GAIN_DB else float(10 ** (db / 20))


@dataclass(slots=True, eq=False)
class Channel:
    """One mixer channel. ``filter`` runs on its sound before the fader (the microphone's plugins)."""

    id: str
    name: str
    source: AudioSource
    filter: Callable[[Samples], Samples] | None = None
    on_air: Callable[[], bool] | None = None
    """None: always heard; otherwise heard (and read) only while this says so."""
    gain_db: float = 0.0
    muted: bool = False
    meter: Meter = field(default_factory=Meter)


class ProgramMixer(AudioSource):
    """Mixes the channels (module docstring). ``read`` from the program's audio thread; the rest from any."""

    description = "mixer"

    def __init__(self, sample_rate: int, channels: int) -> None:
        super().__init__(sample_rate, channels)
        self._channels: tuple[Channel, ...] = ()
        self._lock = threading.Lock()

    @property
    def channels_now(self) -> tuple[Channel, ...]:
        return self._channels

    def add(self, channel: Channel) -> None:
        """Add (or replace, by id) a channel; it keeps a replaced channel's fader and mute."""
        if not isinstance(channel.meter, Meter) or channel.meter.channels != self.channels:
            channel.meter = Meter(sample_rate=self.sample_rate, channels=self.channels)
        with self._lock:
            old = next((c for c in self._channels if c.id == channel.id), None)
            if old is not None:
                channel.gain_db, channel.muted = old.gain_db, old.muted
            self._channels = (*(c for c in self._channels if c.id != channel.id), channel)

    def remove(self, channel_id: str) -> None:
        with self._lock:
            self._channels = tuple(c for c in self._channels if c.id != channel_id)

    def channel(self, channel_id: str) -> Channel:
        for channel in self._channels:
            if channel.id == channel_id:
                return channel
        raise KeyError(f"no mixer channel {channel_id!r}")

    def set_gain(self, channel_id: str, db: float) -> None:
        if not MIN_GAIN_DB <= db <= MAX_GAIN_DB:
            raise ValueError(f"gain {db} dB is outside {MIN_GAIN_DB:g}..{MAX_GAIN_DB:g} dB")
        self.channel(channel_id).gain_db = db

    def set_muted(self, channel_id: str, muted: bool) -> None:
        self.channel(channel_id).muted = muted

    def levels(self) -> dict[str, MeterLevels]:
        return {c.id: c.meter.levels() for c in self._channels}

    def read(self, frames: int, position: int) -> Samples:
        total = np.zeros((frames, self.channels), np.float32)
        for channel in self._channels:
            if channel.on_air is not None and not channel.on_air():
                channel.meter.process(np.zeros((frames, self.channels), np.float32))
                continue
            block = channel.source.read(frames, position)
            if channel.filter is not None:
                block = channel.filter(block)
            gain = 0.0 if channel.muted else db_to_gain(channel.gain_db)
            if gain != 1.0:
                block = block * np.float32(gain)
            channel.meter.process(block)
            total += block
        return soft_limit(total)

    def stop(self) -> None:
        for channel in self._channels:
            channel.source.stop()
