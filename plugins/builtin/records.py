"""The built-in plugins' declarations: ids, kinds, settings with their ranges and labels.

Nothing heavy is imported here (the studio reads these at start-up to draw forms); each factory's
module is imported when its plugin is first switched on.
"""

from __future__ import annotations

from dataclasses import dataclass

from plugins.api import Kind, Plugin, Text, setting

LOOKS = (
    ("none", "None", "无"),
    ("warm", "Warm", "暖阳"),
    ("fresh", "Fresh", "清新"),
    ("milky", "Milky", "奶油"),
)
"""Colour looks shipped in assets/luts (``<name>.cube``)."""


@dataclass(frozen=True, slots=True)
class BeautifySettings:
    smoothing: float = setting(0.85, "Skin smoothing", "磨皮", minimum=0, maximum=1, step=0.05)
    whitening: float = setting(0.3, "Brighten skin", "美白", minimum=0, maximum=1, step=0.05)
    rosy: float = setting(0.2, "Rosy tone", "红润", minimum=0, maximum=1, step=0.05)
    sharpen: float = setting(0.2, "Sharpen", "锐化", minimum=0, maximum=1, step=0.05)
    look: str = setting("none", "Colour look", "滤镜", choices=LOOKS)
    look_file: str = setting(
        "", "Look from a .cube file", "自定义 LUT 文件", path="LUT (*.cube)",
        help_en="Overrides the colour look above", help_zh="设置后替代上方的滤镜",
    )  # fmt: skip
    look_strength: float = setting(0.8, "Look strength", "滤镜强度", minimum=0, maximum=1, step=0.05)


BEAUTIFY = Plugin(
    id="shopcast.beautify",
    kind=Kind.VIDEO_FILTER,
    name=Text("Beautify", "美颜"),
    description=Text(
        "Face-aware skin smoothing, brightening, rosy tone, sharpening and colour looks",
        "人脸感知磨皮、美白、红润、锐化与滤镜",
    ),
    settings=BeautifySettings,
    factory="plugins.builtin.video:make_beautify",
)


@dataclass(frozen=True, slots=True)
class DenoiseSettings:
    strength: float = setting(
        0.97, "Noise reduction", "降噪强度", minimum=0, maximum=1, step=0.05,
        help_en="How much of the steady background noise (fans, hum, hiss) to remove",
        help_zh="去除多少持续背景噪声（风扇、嗡嗡声、底噪）",
    )  # fmt: skip
    threshold: float = setting(2.0, "Sensitivity threshold", "门限", minimum=0, maximum=6, step=0.1)


DENOISE = Plugin(
    id="shopcast.denoise",
    kind=Kind.AUDIO_FILTER,
    name=Text("Noise suppression", "降噪"),
    description=Text("Removes steady background noise from the microphone", "去除麦克风中的持续背景噪声"),
    settings=DenoiseSettings,
    factory="plugins.builtin.audio:make_denoise",
)
