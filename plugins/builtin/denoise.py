"""Factory of the built-in noise suppression (its module pulls in noisereduce and scipy: about a second
to import, paid when the plugin is first switched on and by no other plugin)."""

from __future__ import annotations

from pipeline.filters.denoise import Denoise, DenoiseParams
from plugins.api import Context, Samples
from plugins.builtin.records import DenoiseSettings


class DenoiseFilter:
    def __init__(self, settings: DenoiseSettings, context: Context) -> None:
        self._filter = Denoise(self._params(settings), sample_rate=context.sample_rate, channels=context.channels)
        self.latency_samples = self._filter.latency_samples

    @staticmethod
    def _params(s: DenoiseSettings) -> DenoiseParams:
        return DenoiseParams(strength=s.strength, threshold_std=s.threshold)

    def update(self, settings: DenoiseSettings) -> None:
        self._filter.set_params(self._params(settings))

    def process(self, samples: Samples) -> Samples:
        return self._filter.process(samples)

    def reset(self) -> None:
        self._filter.reset()


def make_denoise(settings: DenoiseSettings, context: Context) -> DenoiseFilter:
    return DenoiseFilter(settings, context)
