"""Factories of the built-in noise gate and auto level + limiter (numpy only: quick to switch on)."""

from __future__ import annotations

from pipeline.filters.dynamics import Agc, AgcParams, GateParams, Limiter, LimiterParams, NoiseGate
from plugins.api import Context, Samples
from plugins.builtin.records import GateSettings, LevellerSettings


class GateFilter:
    latency_samples = 0

    def __init__(self, settings: GateSettings, context: Context) -> None:
        self._gate = NoiseGate(self._params(settings), sample_rate=context.sample_rate, channels=context.channels)

    @staticmethod
    def _params(s: GateSettings) -> GateParams:
        return GateParams(threshold_db=s.threshold_db, hold_ms=s.hold_ms, release_ms=s.release_ms, range_db=s.range_db)

    def update(self, settings: GateSettings) -> None:
        self._gate.set_params(self._params(settings))

    def process(self, samples: Samples) -> Samples:
        return self._gate.process(samples)

    def reset(self) -> None:
        self._gate.reset()


def make_gate(settings: GateSettings, context: Context) -> GateFilter:
    return GateFilter(settings, context)


class LevellerFilter:
    """AGC, then the limiter (the AGC's gain must not push a peak over the ceiling)."""

    def __init__(self, settings: LevellerSettings, context: Context) -> None:
        rate, channels = context.sample_rate, context.channels
        self._agc = Agc(self._agc_params(settings), sample_rate=rate, channels=channels)
        self._limiter = Limiter(LimiterParams(ceiling_db=settings.ceiling_db), sample_rate=rate, channels=channels)
        self.latency_samples = self._agc.latency_samples + self._limiter.latency_samples

    @staticmethod
    def _agc_params(s: LevellerSettings) -> AgcParams:
        return AgcParams(target_db=s.target_db, max_gain_db=s.max_gain_db)

    def update(self, settings: LevellerSettings) -> None:
        self._agc.set_params(self._agc_params(settings))
        self._limiter.set_params(LimiterParams(ceiling_db=settings.ceiling_db))

    def process(self, samples: Samples) -> Samples:
        return self._limiter.process(self._agc.process(samples))

    def reset(self) -> None:
        self._agc.reset()
        self._limiter.reset()


def make_leveller(settings: LevellerSettings, context: Context) -> LevellerFilter:
    return LevellerFilter(settings, context)
