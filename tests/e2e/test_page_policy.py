"""A page of the room cannot be framed by another site (a tap on a hidden buy button, clickjacking):
tried in Chromium, with a page at another origin that frames it (app/relay/security_headers.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser

from tests.helpers.browser import CSP_TRIPWIRE, PHONE, wait_js
from tests.helpers.relay import RelayProcess
from tests.helpers.room import open_room

pytestmark = [pytest.mark.browser]


@pytest.fixture
def framer() -> Iterator[tuple[str, dict[str, str]]]:
    """Another site (another port: another origin) whose page frames what ``pages[path]`` names."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f'<!doctype html><title>a shop</title><iframe id="f" src="{pages[self.path]}"></iframe>'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


def test_another_site_cannot_frame_the_room(
    browser: Browser, shared_relay: RelayProcess, framer: tuple[str, dict[str, str]]
) -> None:
    site, pages = framer
    room = open_room(shared_relay, "framed")
    pages["/control"] = f"{shared_relay.url}/static/icon.svg"  # the relay's picture: may be framed
    pages["/shop"] = f"{shared_relay.url}/watch/{room.name}"
    page = browser.new_context(**PHONE).new_page()  # type: ignore[arg-type]  # the policy as browsers keep it
    try:
        page.goto(f"{site}/control")
        page.frame_locator("#f").locator("svg").wait_for(timeout=5_000)
        page.goto(f"{site}/shop")
        page.wait_for_load_state("load")
        (framed,) = page.main_frame.child_frames
        assert framed.url.startswith("chrome-error://"), f"the room's page loaded in another site's frame: {framed.url}"
        assert page.frame_locator("#f").locator("#shopcast-config").count() == 0
    finally:
        page.context.close()


def test_the_verify_and_assistant_pages_work_under_their_policy(browser: Browser, shared_relay: RelayProcess) -> None:
    """As a browser enforces it (no bypass): the draw is recomputed in the page (its SHA-256, a fetch),
    the assistant's page opens its feed (a WebSocket) and loads the show."""
    room = open_room(shared_relay, "policed")
    with room.host() as host:
        draw = host.post("/draws", json={"prize": "Mug", "winners": 1, "duration_s": 60}).json()
        with room.viewer("entrant") as viewer:
            viewer.post(f"/draws/{draw['id']}/entries", json={}).raise_for_status()
        host.post(f"/draws/{draw['id']}/close").raise_for_status()
        link = host.post("/assistants", json={"label": "小王"}).json()
    verify = f"{shared_relay.url}/verify/{room.name}/{draw['id']}"
    context = browser.new_context(**PHONE)  # type: ignore[arg-type]
    try:
        errors: list[str] = []
        for url, ready in (
            (verify, "window.shopcastVerify && window.shopcastVerify.done"),
            (str(link["url"]), "window.shopcastAssist.state === 'ready' && window.shopcastAssist.connected"),
        ):
            page = context.new_page()
            page.add_init_script(CSP_TRIPWIRE)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            wait_js(page, f"!!({ready})", 15)
            if url == verify:
                assert page.evaluate("window.shopcastVerify.winnersOk") is True
        assert errors == []
    finally:
        context.close()
