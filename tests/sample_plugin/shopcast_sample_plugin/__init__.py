"""A sample third-party ShopCast plugin: a sepia look with a strength slider.

The record is all the studio reads at start-up; ``shopcast_sample_plugin.sepia`` (numpy, OpenCV) is
imported when the streamer first switches the filter on.
"""

from __future__ import annotations

from dataclasses import dataclass

from plugins.api import Kind, Plugin, Text, setting


@dataclass(frozen=True, slots=True)
class SepiaSettings:
    strength: float = setting(0.8, "Strength", "强度", minimum=0, maximum=1, step=0.05)
    warm: bool = setting(True, "Warm paper", "暖色纸张")


PLUGIN = Plugin(
    id="shopcast_sample_plugin.sepia",
    kind=Kind.VIDEO_FILTER,
    name=Text("Sepia", "怀旧"),
    description=Text("An old-photo look", "老照片效果"),
    settings=SepiaSettings,
    factory="shopcast_sample_plugin.sepia:Sepia",
)
