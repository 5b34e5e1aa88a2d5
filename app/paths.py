"""Where ShopCast finds its assets and the npm packages the web player uses."""

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
