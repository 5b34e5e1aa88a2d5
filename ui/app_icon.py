"""ShopCast's application icon (assets/web/icon.svg) drawn at a given size in pixels: the one drawing
behind the packages' icon files (packaging/icons.py: the hicolor theme's PNGs, the Windows .ico, the
macOS .icns), so every size comes from the vector and none is a blurred copy of another."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from app.paths import assets_dir


def icon_svg() -> Path:
    """The icon's source: the same file the web pages use as their favicon."""
    return assets_dir() / "web" / "icon.svg"


def render_icon(size: int, svg: Path | None = None, *, inset: float = 0.0) -> QImage:
    """The icon drawn into a ``size`` x ``size`` picture: transparent outside the drawing, antialiased;
    ``inset``: the share of the side left empty on each side (macOS's icon grid keeps 100 of 1024 px)."""
    if size < 1:
        raise ValueError(f"an icon is at least 1 px wide, not {size}")
    if not 0.0 <= inset < 0.5:
        raise ValueError(f"the inset is a share of the side below 0.5, not {inset}")
    source = svg or icon_svg()
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise ValueError(f"{source}: not a readable SVG drawing")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    margin = size * inset
    renderer.render(painter, QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    painter.end()
    return image


def icon_png(size: int, svg: Path | None = None, *, inset: float = 0.0) -> bytes:
    """:func:`render_icon` as the bytes of a PNG file (straight, not premultiplied, alpha)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    picture = render_icon(size, svg, inset=inset).convertToFormat(QImage.Format.Format_ARGB32)
    # PySide6 takes the format as str (its stubs say bytes, which it refuses at run time).
    if not picture.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise RuntimeError("Qt could not encode the icon as PNG")
    return bytes(buffer.data().data())
