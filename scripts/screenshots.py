"""Regenerate the README screenshots: the studio window in English and in Chinese (offscreen) and the
viewer page on a phone.

.venv/bin/python scripts/screenshots.py            # docs/images/studio.png, studio-zh.png, viewer.png,
                                                   # rundown.png, prompter.png, preflight.png and their -zh,
                                                   # room-portrait.png, room-landscape.png and their -zh
.venv/bin/python scripts/screenshots.py --rooms    # only the phone's live room (room-*.png)

Each studio shot is a portrait show, live, in studio mode: the product showcase on air with the
pinned product's photo and card, "Host + close-up" in the preview with its product card selected
(handles on the preview, its properties in the Sources dock), a room in full swing; then the phone
watching that program. The room shots are a dual-format show (portrait and landscape canvases) on a
phone held upright and turned sideways, in English and in Chinese.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from app.session import StudioSession  # noqa: E402
from app.session_config import BundledRelayConfig, SessionConfig  # noqa: E402
from pipeline.canvas import LANDSCAPE, PORTRAIT  # noqa: E402
from pipeline.program import ProgramSettings  # noqa: E402
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from tests.helpers.sessions import Viewers  # noqa: E402
from ui.i18n import install_translators  # noqa: E402
from ui.studio_window import StudioWindow  # noqa: E402

OUT = REPO / "docs" / "images"
_VIEWERS: dict[str, Viewers] = {}


def viewer_headers(relay: str, name: str) -> dict[str, str]:
    """The headers of the viewer the script calls ``name`` (a session the relay minted for them)."""
    return _VIEWERS.setdefault(relay, Viewers(relay))(name).headers


def wait(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def stage_room(window: StudioWindow) -> None:
    """A room in full swing: the demo's run-of-show at the tee's segment (its flash sale armed), a
    flash sale, a coupon, a poll, viewers talking and buying."""
    room = window.session.room
    assert room is not None
    room.start_segment(1)
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
    relay = window.session.relay_url or ""
    for n, (name, text) in enumerate(chatter):
        headers = viewer_headers(relay, f"viewer-shot{n}")
        httpx.post(f"{api}/comments", json={"text": text, "nickname": name}, headers=headers, timeout=10)
        order = {"sku": "tee-basic-m", "nickname": name}
        httpx.post(f"{api}/orders", json=order, headers={**headers, "Idempotency-Key": "shot"}, timeout=10)
    question = {"text": "M码适合多高？", "nickname": "小美"}
    httpx.post(f"{api}/questions", json=question, headers=viewer_headers(relay, "viewer-shot0"), timeout=10)


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
            rundown=REPO / "assets" / "demo" / "rundown.json",
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
        relay = window.session.relay_url or ""
        audience = [
            connect(f"{ws}/api/v1/rooms/demo/live", additional_headers=viewer_headers(relay, f"viewer-shot{n}"))
            for n in range(6)
        ]
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
                page = browser.new_context(bypass_csp=True, locale="zh-CN", **PHONE).new_page()  # type: ignore[arg-type]
                page.goto(window.watch_url or "")
                page.wait_for_function(PLAYING, timeout=30_000)
                time.sleep(2)
                page.screenshot(path=str(viewer))
                browser.close()
        window.shutdown()
        window.deleteLater()
        app.processEvents()
    for translator in translators:
        app.removeTranslator(translator)


PLAYING = (
    "window.shopcast.state === 'live' && document.getElementById('video').videoWidth > 0"
    " && document.getElementById('video').currentTime > 1"
)


def shoot_rooms() -> None:
    """The immersive room on a phone: a dual-format show (the phone upright plays the portrait canvas,
    turned sideways the landscape one) in full swing, in English and in Chinese: room-portrait.png,
    room-landscape.png and their -zh."""
    with tempfile.TemporaryDirectory() as data:
        config = SessionConfig(
            source="test",
            mic="tone",
            program=ProgramSettings(canvases=(PORTRAIT, LANDSCAPE)),
            relay=BundledRelayConfig(Path(data), room="demo", title="春季新品直播 · Spring launch"),
            catalog=REPO / "assets" / "demo" / "catalog.json",
            rundown=REPO / "assets" / "demo" / "rundown.json",
        )
        session = StudioSession(config)
        session.start()
        try:
            session.go_live_now()
            room = session.room
            assert room is not None
            room.start_segment(1)
            room.launch_flash_sale("mug-ceramic", 9.9, 50, 2, 60, 600)
            room.issue_coupon("满200减30", 30, 200, 500, 1, 3600)
            room.open_poll("下一款讲哪个？ What next?", ["跑鞋 Shoes", "口红 Lipstick", "龙井 Tea"])
            api = f"{session.relay_url}/api/v1/rooms/demo"
            chatter = [("小美", "这件T恤有白色吗？"), ("Sam", "Does the tea ship abroad?"), ("阿强", "已下单！"),
                       ("Lin", "好看"), ("Kai", "M码还有吗"), ("Ana", "Love the colour!")]  # fmt: skip
            ws = (session.relay_url or "").replace("http://", "ws://")
            relay = session.relay_url or ""
            audience = [
                connect(f"{ws}/api/v1/rooms/demo/live", additional_headers=viewer_headers(relay, f"viewer-room{n}"))
                for n in range(8)
            ]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for locale, suffix in [("en-US", ""), ("zh-CN", "-zh")]:
                    page = browser.new_context(bypass_csp=True, locale=locale, **PHONE).new_page()  # type: ignore[arg-type]
                    page.goto(session.watch_url or "")
                    page.wait_for_function(PLAYING, timeout=40_000)
                    for n, (name, text) in enumerate(chatter):
                        headers = viewer_headers(relay, f"viewer-room{n}")
                        httpx.post(
                            f"{api}/comments", json={"text": text, "nickname": name}, headers=headers, timeout=10
                        )
                        time.sleep(0.3)
                    for _ in range(3):
                        page.click("#like-btn")
                    time.sleep(0.6)
                    page.screenshot(path=str(OUT / f"room-portrait{suffix}.png"))
                    page.set_viewport_size({"width": 844, "height": 390})
                    page.wait_for_function(f"{PLAYING} && window.shopcast.format.name === 'landscape'", timeout=40_000)
                    time.sleep(1.5)
                    page.screenshot(path=str(OUT / f"room-landscape{suffix}.png"))
                    page.context.close()
                browser.close()
            for listener in audience:
                listener.close()
        finally:
            session.close()


def demo_rundown(zh: bool) -> dict[str, Any]:
    """The demo catalog's show as a run-of-show: an opening with a lucky bag, three products (a flash
    sale on the tee, a coupon with the mug), a poll, the closing."""

    def pick(en: str, chinese: str) -> str:
        return chinese if zh else en

    return {
        "title": pick("Spring launch", "春季新品直播"),
        "segments": [
            {"kind": "opening", "title": pick("Welcome + lucky bag", "开场暖场 + 福袋"), "scene": "full",
             "duration_s": 180,
             "points": [pick("Welcome! Follow so you don't miss a deal", "欢迎来到直播间，点关注不迷路"),
                        pick("Comment 'here' to enter the lucky bag", "评论区扣“来了”参与福袋")],
             "draw": {"prize": pick("Lucky bag", "福袋"), "winners": 3, "keyword": pick("here", "来了"),
                      "launch_with_cue": True}},
            {"kind": "product", "title": pick("Cotton tee", "纯棉短袖T恤"), "sku": "tee-basic", "scene": "showcase",
             "duration_s": 420,
             "points": [pick("100 % combed cotton, 220 g: not see-through", "100% 精梳棉，220 克重，不透"),
                        pick("S / M / L — M fits 165-175 cm", "S / M / L 三个码，M 码适合 165-175 cm"),
                        pick("Flash sale ¥39 today, 50 pieces only", "今天秒杀价 ¥39，限量 50 件")],
             "flash_sale": {"price": 39, "stock": 50, "countdown_s": 10}},
            {"kind": "product", "title": pick("Ceramic mug", "陶瓷马克杯"), "sku": "mug-ceramic", "scene": "pip",
             "duration_s": 300, "points": [pick("350 ml, dishwasher safe", "350 毫升，可进洗碗机")],
             "coupon": {"title": pick("¥10 off ¥50", "满50减10"), "amount": 10, "min_spend": 50, "quota": 200}},
            {"kind": "product", "title": pick("Longjing green tea", "明前龙井"), "sku": "tea-longjing",
             "scene": "showcase", "duration_s": 360, "points": [pick("Picked before Qingming", "清明前采摘")]},
            {"kind": "interaction", "title": pick("Your questions + poll", "答疑 + 投票"), "scene": "pip",
             "duration_s": 180, "poll": {"question": pick("What next?", "下一款想看什么？"),
                                         "options": [pick("Shoes", "跑鞋"), pick("Lipstick", "口红")]}},
            {"kind": "closing", "title": pick("Thank you + next show", "感谢 + 下场预告"), "scene": "full",
             "duration_s": 120},
        ],
    }  # fmt: skip


def shoot_rundown(app: QApplication, language: str, rundown_out: Path, prompter_out: Path) -> None:
    """The Run of show dock (the tee's segment on air, its form below) and the prompter popped out,
    with live prompts: viewers leaving, a question many ask."""
    translators = install_translators(app, language)
    zh = language.startswith("zh")
    with tempfile.TemporaryDirectory() as data:
        config = SessionConfig(
            source="test",
            mic="none",
            relay=BundledRelayConfig(Path(data), room="demo", title="春季新品直播 · Spring launch"),
            catalog=REPO / "assets" / "demo" / "catalog.json",
            language=language,
        )
        window = StudioWindow(StudioSession(config))
        window.resize(1440, 880)
        window.show()
        window.start()
        panel = window.rundown_dock.panel
        deadline = time.monotonic() + 30
        while not (panel.loaded and window.console.state.products()) and time.monotonic() < deadline:
            wait(app, 0.1)
        room = window.session.room
        assert room is not None
        ws = (window.session.relay_url or "").replace("http://", "ws://")
        relay = window.session.relay_url or ""
        audience = [
            connect(f"{ws}/api/v1/rooms/demo/live", additional_headers=viewer_headers(relay, f"viewer-run{n}"))
            for n in range(10)
        ]
        room.save_rundown(demo_rundown(zh))
        room.next_segment()
        wait(app, 1)
        room.next_segment()
        api = f"{window.session.relay_url}/api/v1/rooms/demo"
        asked = ("M码适合多高？", "m码适合多高", "M 码适合多高?") if zh else ("What height is M for?",) * 3
        for n, text in enumerate(asked):
            httpx.post(f"{api}/questions", json={"text": text, "nickname": f"viewer{n}"},
                       headers=viewer_headers(relay, f"viewer-run{n}"), timeout=10)  # fmt: skip
        wait(app, 3)
        for listener in audience[:4]:  # 10 → 6 within a minute: the prompter says so
            listener.close()
        deadline = time.monotonic() + 15
        while len(window.prompter_dock.panel.rows) < 2 and time.monotonic() < deadline:
            wait(app, 0.2)
        panel.select(1)  # the segment on air: its form with the flash sale
        dock = window.rundown_dock
        dock.setFloating(True)
        dock.resize(1000, 960)
        panel.splitter.setSizes([235, 640])
        wait(app, 1)
        dock.grab().save(str(rundown_out))
        prompter = window.prompter_dock
        prompter.setFloating(True)
        prompter.resize(1280, 720)
        wait(app, 1)
        prompter.grab().save(str(prompter_out))
        for listener in audience[4:]:
            listener.close()
        window.shutdown()
        window.deleteLater()
        app.processEvents()
    for translator in translators:
        app.removeTranslator(translator)


def shoot_preflight(app: QApplication, language: str, out: Path) -> None:
    """The pre-flight check of a studio without a camera or a microphone, on the bundled relay, its
    run-of-show promising free shipping the product data does not state."""
    translators = install_translators(app, language)
    with tempfile.TemporaryDirectory() as data:
        config = SessionConfig(
            source="test",
            mic="none",
            relay=BundledRelayConfig(Path(data), room="demo", title="春季新品直播 · Spring launch"),
            catalog=REPO / "assets" / "demo" / "catalog.json",
            language=language,
        )
        window = StudioWindow(StudioSession(config))
        window.resize(1440, 880)
        window.show()
        window.start()
        deadline = time.monotonic() + 30
        while not (window.session.room is not None and window.console.state.products()) and time.monotonic() < deadline:
            wait(app, 0.1)
        room = window.session.room
        assert room is not None
        script = demo_rundown(language.startswith("zh"))
        script["segments"][1]["points"] = [*script["segments"][1]["points"], "全场包邮" if language.startswith("zh")
                                           else "Free shipping today"]  # fmt: skip
        room.save_rundown(script)
        dialog = window.open_preflight()
        deadline = time.monotonic() + 30
        while dialog.running and time.monotonic() < deadline:
            wait(app, 0.2)
        dialog.resize(760, 720)
        wait(app, 0.5)
        dialog.grab().save(str(out))
        dialog.reject()
        window.shutdown()
        window.deleteLater()
        app.processEvents()
    for translator in translators:
        app.removeTranslator(translator)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    shoot_rooms()
    if "--rooms" in sys.argv[1:]:
        print(f"wrote {OUT}/room-portrait.png, room-landscape.png and their -zh")
        return
    app = QApplication(sys.argv[:1])
    shoot_studio(app, "en", OUT / "studio.png", viewer=OUT / "viewer.png")
    shoot_studio(app, "zh_CN", OUT / "studio-zh.png", viewer=None)
    shoot_rundown(app, "en", OUT / "rundown.png", OUT / "prompter.png")
    shoot_rundown(app, "zh_CN", OUT / "rundown-zh.png", OUT / "prompter-zh.png")
    shoot_preflight(app, "en", OUT / "preflight.png")
    shoot_preflight(app, "zh_CN", OUT / "preflight-zh.png")
    install_translators(app, "en")
    print(f"wrote {OUT / 'studio.png'}, {OUT / 'studio-zh.png'}, {OUT / 'viewer.png'}, and the run of show's and"
          " the prompter's and the pre-flight's (rundown.png, prompter.png, preflight.png and their -zh), and the"
          " phone's room (room-portrait.png, room-landscape.png and their -zh)")  # fmt: skip


if __name__ == "__main__":
    main()
