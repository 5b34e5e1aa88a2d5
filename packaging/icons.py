"""Build-time tool: ShopCast's icon files for every platform's package, drawn from assets/web/icon.svg.

    .venv/bin/python packaging/icons.py OUT_DIR

writes
    OUT_DIR/hicolor/<N>x<N>/apps/shopcast.png   the freedesktop hicolor theme (Linux), N in HICOLOR_SIZES
    OUT_DIR/hicolor/scalable/apps/shopcast.svg  the drawing itself
    OUT_DIR/shopcast.ico                         Windows: ICO_SIZES in one file
    OUT_DIR/shopcast.icns                        macOS: 32 to 1024 px (16 pt to 512 pt @2x)

Every size is drawn from the vector (ui/app_icon.py), none scaled from another. packaging/build.py and
the Windows and macOS specs import this file (``import icons``) and call :func:`write_icons`.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICON_NAME = "shopcast"
"""The icon's name in the theme: the ``Icon=`` of packaging/shopcast-studio.desktop."""
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
"""Windows draws 16/20/24 (small icons at 100-150 %), 32/40/48 (Explorer's lists), 256 (large tiles)."""
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)
"""The sizes Pillow's ICNS writer stores (ic07-ic14: 16 pt @2x to 512 pt @2x)."""
ICNS_INSET = 100 / 1024
"""macOS's icon grid (macOS 11 on): a 824 px body on a 1024 px canvas, so the Dock shows ShopCast the
size of its neighbours; Windows and the hicolor theme take the drawing edge to edge."""


def write_icons(out_dir: Path) -> None:
    """Write the hicolor PNGs and SVG, the .ico and the .icns into ``out_dir`` (created if missing)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # Qt without a display (a build machine)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from PIL import Image

    from ui.app_icon import icon_png, icon_svg

    drawn = {size: icon_png(size) for size in sorted({*HICOLOR_SIZES, *ICO_SIZES})}
    for size in HICOLOR_SIZES:
        target = out_dir / "hicolor" / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(drawn[size])
    scalable = out_dir / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icon_svg(), scalable)

    pictures = {size: Image.open(io.BytesIO(png)) for size, png in drawn.items()}
    on_grid = {size: Image.open(io.BytesIO(icon_png(size, inset=ICNS_INSET))) for size in ICNS_SIZES}
    largest_ico = max(ICO_SIZES)
    pictures[largest_ico].save(
        out_dir / f"{ICON_NAME}.ico",
        format="ICO",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=[pictures[size] for size in ICO_SIZES if size != largest_ico],
    )
    largest_icns = max(ICNS_SIZES)
    on_grid[largest_icns].save(
        out_dir / f"{ICON_NAME}.icns",
        format="ICNS",
        append_images=[on_grid[size] for size in ICNS_SIZES if size != largest_icns],
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = Path(argv[0])
    write_icons(out_dir)
    print(f"icons written to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
