"""The built-in source plugins' declarations: what a scene's layer can show (cameras, files,
pictures, words, the product card, co-hosts, the slate), with their settings, ranges and labels.

Sources are plugins like the filters (docs/plugins.md), so a third party adds a source (an NDI
input, a browser page) the same way. Nothing heavy is imported here; each factory's module
(plugins/builtin/sources.py) is imported when the first such source is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plugins.api import Kind, Plugin, Text, setting

IMAGE_FILES = "Images (*.png *.jpg *.jpeg *.webp *.bmp)"
MEDIA_FILES = "Videos (*.mp4 *.mov *.mkv *.webm *.m4v *.flv *.avi *.ts)"


def _check_colour(colour: str) -> None:
    if not re.fullmatch(r"#?[0-9a-fA-F]{6}", colour.strip()):
        raise ValueError(f"colour {colour!r} is not #rrggbb")


@dataclass(frozen=True, slots=True)
class CameraSettings:
    device: int = setting(0, "Camera", "摄像头", minimum=0, maximum=63, help_en="The camera's number (0: the first)",
                          help_zh="摄像头编号（0 为第一个）")  # fmt: skip
    width: int = setting(1280, "Width asked (px)", "请求宽度（像素）", minimum=160, maximum=3840)
    height: int = setting(720, "Height asked (px)", "请求高度（像素）", minimum=120, maximum=2160)
    fps: int = setting(0, "Frame rate asked", "请求帧率", minimum=0, maximum=60,
                       help_en="0: the program's", help_zh="0 为节目帧率")  # fmt: skip


CAMERA = Plugin(
    id="shopcast.camera",
    kind=Kind.SOURCE,
    name=Text("Camera", "摄像头"),
    description=Text(
        "A camera (the host, or a close-up of the product); reconnects by itself when unplugged",
        "摄像头（主播或产品特写）；拔出后重新插入会自动恢复",
    ),
    settings=CameraSettings,
    factory="plugins.builtin.sources:make_camera",
)


@dataclass(frozen=True, slots=True)
class MediaFileSettings:
    file: str = setting("", "Video file", "视频文件", path=MEDIA_FILES)
    loop: bool = setting(True, "Loop", "循环播放")


MEDIA_FILE = Plugin(
    id="shopcast.media_file",
    kind=Kind.SOURCE,
    name=Text("Video file", "视频文件"),
    description=Text(
        "A video with its sound, e.g. a product clip, played in a loop", "带声音的视频，如产品短片，可循环播放"
    ),
    settings=MediaFileSettings,
    factory="plugins.builtin.sources:make_media_file",
)


@dataclass(frozen=True, slots=True)
class ImageSettings:
    file: str = setting("", "Image file", "图片文件", path=IMAGE_FILES,
                        help_en="Shown again within a second when the file changes",
                        help_zh="文件改动后一秒内自动更新")  # fmt: skip


IMAGE = Plugin(
    id="shopcast.image",
    kind=Kind.SOURCE,
    name=Text("Image", "图片"),
    description=Text(
        "A still picture: a product photo, a poster, a logo (PNG keeps its transparency)",
        "静态图片：产品图、海报、台标（PNG 保留透明）",
    ),
    settings=ImageSettings,
    factory="plugins.builtin.sources:make_image",
)


@dataclass(frozen=True, slots=True)
class SlideshowSettings:
    files: str = setting(
        "", "Folder or files", "文件夹或文件",
        help_en="A folder (its pictures by name) or picture files separated by ;",
        help_zh="一个文件夹（按文件名顺序）或用 ; 分隔的多个图片文件",
    )  # fmt: skip
    interval: float = setting(5.0, "Seconds each", "每张秒数", minimum=1, maximum=120, step=0.5)
    crossfade: float = setting(0.5, "Cross-fade (s)", "淡入淡出（秒）", minimum=0, maximum=3, step=0.1)
    loop: bool = setting(True, "Loop", "循环播放")


SLIDESHOW = Plugin(
    id="shopcast.slideshow",
    kind=Kind.SOURCE,
    name=Text("Slideshow", "图片轮播"),
    description=Text("Product photos in turn, cross-faded", "产品图片轮流展示，淡入淡出"),
    settings=SlideshowSettings,
    factory="plugins.builtin.sources:make_slideshow",
)


@dataclass(frozen=True, slots=True)
class ScreenSettings:
    display: str = setting("", "X display", "X 显示", help_en="e.g. :0; empty: this session's ($DISPLAY)",
                           help_zh="如 :0；留空为当前会话（$DISPLAY）")  # fmt: skip
    x: int = setting(0, "Left (px)", "左边（像素）", minimum=0, maximum=7680)
    y: int = setting(0, "Top (px)", "上边（像素）", minimum=0, maximum=4320)
    width: int = setting(0, "Width (px)", "宽度（像素）", minimum=0, maximum=7680,
                         help_en="0 with height 0: the whole screen", help_zh="宽高都为 0 时采集整个屏幕")  # fmt: skip
    height: int = setting(0, "Height (px)", "高度（像素）", minimum=0, maximum=4320)
    fps: int = setting(15, "Frame rate", "帧率", minimum=1, maximum=60)
    cursor: bool = setting(True, "Show the mouse pointer", "显示鼠标指针")


SCREEN = Plugin(
    id="shopcast.screen",
    kind=Kind.SOURCE,
    name=Text("Screen capture", "屏幕采集"),
    description=Text(
        "The screen, or an area of it such as a window's (X11)", "整个屏幕或其中一块区域，如某个窗口（X11）"
    ),
    settings=ScreenSettings,
    factory="plugins.builtin.sources:make_screen",
)


@dataclass(frozen=True, slots=True)
class TextSettings:
    text: str = setting("全场包邮 · Free shipping", "Text", "文字", help_en="\\n starts a new line",
                        help_zh="\\n 换行")  # fmt: skip
    size: int = setting(48, "Size (px)", "字号（像素）", minimum=12, maximum=200)
    colour: str = setting("#ffffff", "Colour (#rrggbb)", "颜色（#rrggbb）")
    background: float = setting(0.45, "Background box", "底框不透明度", minimum=0, maximum=1, step=0.05)
    opacity: float = setting(1.0, "Opacity", "不透明度", minimum=0, maximum=1, step=0.05)

    def __post_init__(self) -> None:
        _check_colour(self.colour)


TEXT = Plugin(
    id="shopcast.text",
    kind=Kind.SOURCE,
    name=Text("Text", "文字"),
    description=Text(
        "Words on their own layer: a slogan, a price, shipping terms", "独立图层上的文字：口号、价格、包邮说明"
    ),
    settings=TextSettings,
    factory="plugins.builtin.sources:make_text",
)


@dataclass(frozen=True, slots=True)
class ColourSettings:
    colour: str = setting("#202020", "Colour (#rrggbb)", "颜色（#rrggbb）")
    opacity: float = setting(1.0, "Opacity", "不透明度", minimum=0, maximum=1, step=0.05)
    width: int = setting(0, "Width (px)", "宽度（像素）", minimum=0, maximum=7680, help_en="0: the canvas's",
                         help_zh="0 为画布宽度")  # fmt: skip
    height: int = setting(0, "Height (px)", "高度（像素）", minimum=0, maximum=4320, help_en="0: the canvas's",
                          help_zh="0 为画布高度")  # fmt: skip

    def __post_init__(self) -> None:
        _check_colour(self.colour)


COLOUR = Plugin(
    id="shopcast.colour",
    kind=Kind.SOURCE,
    name=Text("Colour", "纯色"),
    description=Text("A solid colour, see-through if you like: a backdrop or a band", "纯色，可半透明：背景或色带"),
    settings=ColourSettings,
    factory="plugins.builtin.sources:make_colour",
)


@dataclass(frozen=True, slots=True)
class ProductCardSettings:
    width: int = setting(640, "Width (px)", "宽度（像素）", minimum=160, maximum=1920)
    height: int = setting(240, "Height (px)", "高度（像素）", minimum=60, maximum=1080)


PRODUCT_CARD = Plugin(
    id="shopcast.product_card",
    kind=Kind.SOURCE,
    name=Text("Product card", "商品卡片"),
    description=Text(
        "The product being explained: picture, title, price, flash-sale countdown, stock; hidden with no pin",
        "讲解中的商品：图片、标题、价格、秒杀倒计时、库存；未置顶商品时隐藏",
    ),
    settings=ProductCardSettings,
    factory="plugins.builtin.sources:make_product_card",
)


@dataclass(frozen=True, slots=True)
class ProductPhotoSettings:
    """The pinned product's photo has nothing to set: it follows the pin."""


PRODUCT_PHOTO = Plugin(
    id="shopcast.product_photo",
    kind=Kind.SOURCE,
    name=Text("Product photo", "商品图"),
    description=Text(
        "The pinned product's picture from the catalog, large (the close-up without a second camera)",
        "讲解中商品的目录图片，大图展示（没有第二台摄像头时的特写）",
    ),
    settings=ProductPhotoSettings,
    factory="plugins.builtin.sources:make_product_photo",
)


@dataclass(frozen=True, slots=True)
class CohostSettings:
    slot: int = setting(1, "Guest", "嘉宾", minimum=1, maximum=3, help_en="1: the first guest to join",
                        help_zh="1 为第一位加入的嘉宾")  # fmt: skip


COHOST = Plugin(
    id="shopcast.cohost",
    kind=Kind.SOURCE,
    name=Text("Co-host", "连麦嘉宾"),
    description=Text(
        "A co-host's picture with their name; hidden while the slot is empty", "连麦嘉宾的画面和名字；没有嘉宾时隐藏"
    ),
    settings=CohostSettings,
    factory="plugins.builtin.sources:make_cohost",
)


@dataclass(frozen=True, slots=True)
class TestPatternSettings:
    __test__ = False  # not a pytest test class

    width: int = setting(0, "Width (px)", "宽度（像素）", minimum=0, maximum=3840, help_en="0: the canvas's",
                         help_zh="0 为画布宽度")  # fmt: skip
    height: int = setting(0, "Height (px)", "高度（像素）", minimum=0, maximum=2160, help_en="0: the canvas's",
                          help_zh="0 为画布高度")  # fmt: skip
    label: str = setting("ShopCast test pattern", "Label", "标签")

    def __post_init__(self) -> None:
        for name in ("width", "height"):
            value = getattr(self, name)
            if 0 < value < 64:
                raise ValueError(f"{name} must be 0 (the canvas's) or at least 64, got {value}")


TEST_PATTERN = Plugin(
    id="shopcast.test_pattern",
    kind=Kind.SOURCE,
    name=Text("Test pattern", "测试画面"),
    description=Text(
        "Moving bars with the frame number and the clock, for latency checks", "带帧号和时钟的动态彩条，用于测量延迟"
    ),
    settings=TestPatternSettings,
    factory="plugins.builtin.sources:make_test_pattern",
)


@dataclass(frozen=True, slots=True)
class SlateSettings:
    title: str = setting("", "Title", "标题", help_en='Empty: "Be right back"', help_zh="留空为“马上回来”")
    message: str = setting("", "Message", "说明", help_en="Empty: \"We'll be back in a moment\"",
                           help_zh="留空为“稍后继续，别走开”")  # fmt: skip
    width: int = setting(0, "Width (px)", "宽度（像素）", minimum=0, maximum=3840, help_en="0: the canvas's",
                         help_zh="0 为画布宽度")  # fmt: skip
    height: int = setting(0, "Height (px)", "高度（像素）", minimum=0, maximum=2160, help_en="0: the canvas's",
                          help_zh="0 为画布高度")  # fmt: skip


SLATE = Plugin(
    id="shopcast.slate",
    kind=Kind.SOURCE,
    name=Text("Be right back", "马上回来"),
    description=Text("A slate with a title and a message, for a break", "休息时的提示画面：标题和说明"),
    settings=SlateSettings,
    factory="plugins.builtin.sources:make_slate",
)

SOURCES = (CAMERA, MEDIA_FILE, IMAGE, SLIDESHOW, SCREEN, TEXT, COLOUR, PRODUCT_CARD, COHOST, TEST_PATTERN, SLATE)
"""Every built-in source, in the order the studio lists them."""
