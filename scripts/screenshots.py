"""Regenerate the README screenshots: the studio window in English and in Chinese (offscreen) and the
viewer page on a phone.

.venv/bin/python scripts/screenshots.py            # docs/images/studio.png, studio-zh.png, viewer.png

Each studio shot is a portrait show, live, in studio mode: the product showcase on air with the
pinned product's photo and card, "Host + close-up" in the preview with its product card selected
(handles on the preview, its properties in the Sources dock), a room in full swing; then the phone
watching that program.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from app.session import StudioSession  # noqa: E402
from app.session_config import BundledRelayConfig, SessionConfig  # noqa: E402
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from ui.i18n import install_translators  # noqa: E402
from ui.studio_window import StudioWindow  # noqa: E402

OUT = REPO / "docs" / "images"


def wait(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def stage_room(window: StudioWindow) -> None:
    """A room in full swing: a flash sale, a coupon, a poll, viewers talking and buying."""
    room = window.session.room
    assert room is not None
    room.launch_flash_sale("mug-ceramic", 9.9, 50, 2, 60, 600)
    room.issue_coupon("满200减30", 30, 200, 500, 1, 3600)
    room.open_poll("下一款讲哪个？ What next?", ["跑鞋 Shoes", "口红 Lipstick", "龙井 Tea"])
    api = f"{window.session.relay_url}/api/v1/rooms/demo"
    chatter = [
        ("小美", "这件T恤有白色吗？"),
        ("Sam", "Does the tea ship abroad?"),
        ("阿强", "已下单！"),
        ("Lin", "好看"),
    ]
    for n, (name, text) in enumerate(chatter):
        headers = {"X-Viewer-Id": f"viewer-shot{n}"}
        httpx.post(f"{api}/comments", json={"text": text, "nickname": name}, headers=headers, timeout=10)
        order = {"sku": "tee-basic-m", "nickname": name}
        httpx.post(f"{api}/orders", json=order, headers={**headers, "Idempotency-Key": "shot"}, timeout=10)
    httpx.post(
        f"{api}/questions", json={"text": "M码适合多高？", "nickname": "小美"}, headers={"X-Viewer-Id": "viewer-shot0"}
    )


def stage_scenes(window: StudioWindow) -> None:
    """Studio mode: the product showcase on air, "Host + close-up" in the preview, its card selected."""
    scenes = window.session.scenes
    scenes.switch("portrait", "showcase")
    window.studio_mode_action.trigger()
    scenes.preview("portrait", "pip")


def shoot_studio(app: QApplication, language: str, out: Path, *, viewer: Path | None) -> None:
    translators = install_translators(app, language)
    with tempfile.TemporaryDirectory() as data:
        config = SessionConfig(
            source="test",
            mic="tone",
            relay=BundledRelayConfig(Path(data), room="demo", title="春季新品直播 · Spring launch"),
            catalog=REPO / "assets" / "demo" / "catalog.json",
            language=language,
        )
        window = StudioWindow(StudioSession(config), go_live=True)
        window.resize(1440, 880)
        window.show()
        window.start()
        deadline = time.monotonic() + 30
        while window.live_state != "live" and time.monotonic() < deadline:
            wait(app, 0.1)
        # The show counts from when the relay has the stream (the sidebar says so).
        while not ((window.metrics_dock.last or {}).get("show") or {}).get("live") and time.monotonic() < deadline:
            wait(app, 0.1)
        ws = (window.session.relay_url or "").replace("http://", "ws://")
        audience = [connect(f"{ws}/api/v1/rooms/demo/live?viewer_id=viewer-shot{n}") for n in range(6)]
        stage_room(window)
        stage_scenes(window)
        wait(app, 2)
        window.editing.select("card")
        wait(app, 3)
        window.grab().save(str(out))
        for listener in audience:
            listener.close()
        if viewer is not None:  # the phone shows the program: the product showcase
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(locale="zh-CN", **PHONE).new_page()  # type: ignore[arg-type]
                page.goto(window.watch_url or "")
                page.wait_for_function("window.shopcast.state === 'live'", timeout=30_000)
                time.sleep(3)
                page.screenshot(path=str(viewer))
                browser.close()
        window.shutdown()
        window.deleteLater()
        app.processEvents()
    for translator in translators:
        app.removeTranslator(translator)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    shoot_studio(app, "en", OUT / "studio.png", viewer=OUT / "viewer.png")
    shoot_studio(app, "zh_CN", OUT / "studio-zh.png", viewer=None)
    install_translators(app, "en")
    print(f"wrote {OUT / 'studio.png'}, {OUT / 'studio-zh.png'} and {OUT / 'viewer.png'}")


if __name__ == "__main__":
    main()
