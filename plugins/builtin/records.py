"""The built-in plugins' declarations: ids, kinds, settings with their ranges and labels.

Nothing heavy is imported here (the studio reads these at start-up to draw forms); each factory's
module is imported when its plugin is first switched on.
"""

from __future__ import annotations

import re
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
    slimming: float = setting(
        0.0, "Face slimming", "瘦脸", minimum=0, maximum=1, step=0.05,
        help_en="Narrows the jaw and cheeks; the landmark model loads in about a second the first time",
        help_zh="收窄下颌与脸颊；首次开启时约一秒加载人脸关键点模型",
    )  # fmt: skip
    eyes: float = setting(0.0, "Eye enlarging", "大眼", minimum=0, maximum=1, step=0.05)


BEAUTIFY = Plugin(
    id="shopcast.beautify",
    kind=Kind.VIDEO_FILTER,
    name=Text("Beautify", "美颜"),
    description=Text(
        "Face-aware skin smoothing, brightening, rosy tone, sharpening, colour looks, face slimming and eye enlarging",
        "人脸感知磨皮、美白、红润、锐化、滤镜、瘦脸与大眼",
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
    factory="plugins.builtin.denoise:make_denoise",
)


@dataclass(frozen=True, slots=True)
class GateSettings:
    threshold_db: float = setting(-45.0, "Open above (dBFS)", "开启阈值（dBFS）", minimum=-80, maximum=0, step=1)
    hold_ms: float = setting(150.0, "Hold (ms)", "保持（毫秒）", minimum=0, maximum=1000, step=10)
    release_ms: float = setting(150.0, "Release (ms)", "释放（毫秒）", minimum=5, maximum=2000, step=5)
    range_db: float = setting(-60.0, "Closed attenuation (dB)", "关闭时衰减（dB）", minimum=-90, maximum=0, step=1)


NOISE_GATE = Plugin(
    id="shopcast.noise_gate",
    kind=Kind.AUDIO_FILTER,
    name=Text("Noise gate", "噪声门"),
    description=Text("Silences the microphone between phrases", "说话间隙自动静音"),
    settings=GateSettings,
    factory="plugins.builtin.dynamics:make_gate",
)


@dataclass(frozen=True, slots=True)
class LevellerSettings:
    target_db: float = setting(
        -20.0, "Target loudness (dBFS RMS)", "目标响度（dBFS RMS）", minimum=-40, maximum=-6, step=1
    )
    max_gain_db: float = setting(12.0, "Most gain (dB)", "最大增益（dB）", minimum=0, maximum=30, step=1)
    ceiling_db: float = setting(-1.0, "Limiter ceiling (dBFS)", "限幅上限（dBFS）", minimum=-20, maximum=0, step=0.5)


LEVELLER = Plugin(
    id="shopcast.leveller",
    kind=Kind.AUDIO_FILTER,
    name=Text("Auto level and limiter", "自动电平与限幅"),
    description=Text(
        "Brings a quiet or loud voice toward one loudness and never lets a peak clip",
        "把过轻或过响的声音拉到统一响度，并防止削波",
    ),
    settings=LevellerSettings,
    factory="plugins.builtin.dynamics:make_leveller",
)


POSITIONS = (
    ("top_left", "Top left", "左上"),
    ("top", "Top", "顶部居中"),
    ("top_right", "Top right", "右上"),
    ("bottom_left", "Bottom left", "左下"),
    ("bottom", "Bottom", "底部居中"),
    ("bottom_right", "Bottom right", "右下"),
)
"""Where an overlay sits on the program picture (pipeline.overlay.POSITIONS)."""


@dataclass(frozen=True, slots=True)
class TextOverlaySettings:
    text: str = setting(
        "全场包邮 · Free shipping", "Text", "文字",
        help_en="Shown over the whole program, guests included; \\n starts a new line",
        help_zh="显示在整个画面上（含连麦嘉宾）；\\n 换行",
    )  # fmt: skip
    size: int = setting(32, "Size (px)", "字号（像素）", minimum=12, maximum=120, step=1)
    colour: str = setting("#ffffff", "Colour (#rrggbb)", "颜色（#rrggbb）")
    position: str = setting("top_left", "Position", "位置", choices=POSITIONS)
    margin: int = setting(24, "Margin (px)", "边距（像素）", minimum=0, maximum=300, step=1)
    background: float = setting(0.45, "Background box", "底框不透明度", minimum=0, maximum=1, step=0.05)
    opacity: float = setting(1.0, "Opacity", "不透明度", minimum=0, maximum=1, step=0.05)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"#?[0-9a-fA-F]{6}", self.colour.strip()):
            raise ValueError(f"colour {self.colour!r} is not #rrggbb")


TEXT_OVERLAY = Plugin(
    id="shopcast.text_overlay",
    kind=Kind.OVERLAY,
    name=Text("Text", "文字"),
    description=Text(
        "A line of text over the program: the shop's name, a slogan, shipping terms",
        "画面上的一行文字：店铺名、口号、包邮说明",
    ),
    settings=TextOverlaySettings,
    factory="plugins.builtin.overlays:make_text",
)


@dataclass(frozen=True, slots=True)
class ImageOverlaySettings:
    file: str = setting("", "Image file", "图片文件", path="Images (*.png *.jpg *.jpeg *.webp *.bmp)")
    width: int = setting(160, "Width (px)", "宽度（像素）", minimum=16, maximum=1920, step=1)
    position: str = setting("top_right", "Position", "位置", choices=POSITIONS)
    margin: int = setting(24, "Margin (px)", "边距（像素）", minimum=0, maximum=300, step=1)
    opacity: float = setting(1.0, "Opacity", "不透明度", minimum=0, maximum=1, step=0.05)


IMAGE_OVERLAY = Plugin(
    id="shopcast.image_overlay",
    kind=Kind.OVERLAY,
    name=Text("Image / logo", "图片 / 台标"),
    description=Text(
        "A picture over the program, e.g. the shop's logo (PNG keeps its transparency)",
        "画面上的图片，例如店铺台标（PNG 保留透明）",
    ),
    settings=ImageOverlaySettings,
    factory="plugins.builtin.overlays:make_image",
)
