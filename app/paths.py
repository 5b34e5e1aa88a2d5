"""Where ShopCast finds its assets and the npm packages the web player uses, and keeps its data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def assets_dir() -> Path:
    return Path(os.environ.get("SHOPCAST_ASSETS", REPO_ROOT / "assets"))


def node_modules_dir() -> Path:
    return Path(os.environ.get("SHOPCAST_NODE_MODULES", REPO_ROOT / "node_modules"))


def hls_js_path() -> Path:
    return node_modules_dir() / "hls.js" / "dist" / "hls.min.js"


def data_home() -> Path:
    """ShopCast's data folder (the bundled relay's rooms, recordings' reports), where each system keeps
    an application's data: $XDG_DATA_HOME/shopcast (~/.local/share/shopcast) on Linux,
    %LOCALAPPDATA%\\ShopCast on Windows (large, not roaming), ~/Library/Application Support/ShopCast
    on macOS."""
    system = _system()
    if system == "win32":
        return _windows_folder("LOCALAPPDATA", "Local") / "ShopCast"
    if system == "darwin":
        return Path.home() / "Library" / "Application Support" / "ShopCast"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "shopcast"


def config_home() -> Path:
    """ShopCast's settings folder: $SHOPCAST_CONFIG_DIR, else where each system keeps an application's
    settings: $XDG_CONFIG_HOME/shopcast (~/.config/shopcast) on Linux, %APPDATA%\\ShopCast on Windows
    (roaming with the user), ~/Library/Application Support/ShopCast/Settings on macOS (Preferences holds
    only the system's own property lists)."""
    given = os.environ.get("SHOPCAST_CONFIG_DIR")
    if given:
        return Path(given)
    system = _system()
    if system == "win32":
        return _windows_folder("APPDATA", "Roaming") / "ShopCast"
    if system == "darwin":
        return Path.home() / "Library" / "Application Support" / "ShopCast" / "Settings"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "shopcast"


def _system() -> str:
    """``sys.platform``, read when asked (a test plays another system)."""
    return sys.platform


def _windows_folder(variable: str, under_app_data: str) -> Path:
    given = os.environ.get(variable)
    return Path(given) if given else Path.home() / "AppData" / under_app_data
