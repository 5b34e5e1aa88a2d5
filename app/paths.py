"""Where ShopCast finds its assets and the npm packages the web player uses, and keeps its data."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def assets_dir() -> Path:
    return Path(os.environ.get("SHOPCAST_ASSETS", REPO_ROOT / "assets"))


def node_modules_dir() -> Path:
    return Path(os.environ.get("SHOPCAST_NODE_MODULES", REPO_ROOT / "node_modules"))


def hls_js_path() -> Path:
    return node_modules_dir() / "hls.js" / "dist" / "hls.min.js"


def data_home() -> Path:
    """ShopCast's data folder: $XDG_DATA_HOME/shopcast (~/.local/share/shopcast)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "shopcast"


def config_home() -> Path:
    """ShopCast's settings folder: $SHOPCAST_CONFIG_DIR, else $XDG_CONFIG_HOME/shopcast (~/.config/shopcast)."""
    given = os.environ.get("SHOPCAST_CONFIG_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "shopcast"
