"""Factories of the built-in video filters."""

from __future__ import annotations

from pathlib import Path

from pipeline.filters.beautify import Beautify, BeautifyParams
from plugins.api import Context, Image
from plugins.builtin.records import BeautifySettings


class BeautifyFilter:
    def __init__(self, settings: BeautifySettings, context: Context) -> None:
        self._luts = Path(context.assets_dir) / "luts"
        self._filter = Beautify(self._params(settings))

    def _params(self, s: BeautifySettings) -> BeautifyParams:
        if s.look_file:
            lut: str | None = s.look_file
        elif s.look != "none":
            lut = str(self._luts / f"{s.look}.cube")
        else:
            lut = None
        return BeautifyParams(s.smoothing, s.whitening, s.rosy, s.sharpen, lut, s.look_strength, s.slimming, s.eyes)

    def update(self, settings: BeautifySettings) -> None:
        self._filter.set_params(self._params(settings))

    def process(self, image: Image) -> Image:
        return self._filter.process(image)


def make_beautify(settings: BeautifySettings, context: Context) -> BeautifyFilter:
    return BeautifyFilter(settings, context)
