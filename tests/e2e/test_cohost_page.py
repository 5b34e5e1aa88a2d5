"""The co-host guest page in headless Chromium with a fake camera and microphone: check the devices,
type a name, join the studio stand-in over WebRTC, hear it back, leave or be ended; and every link
that cannot be used says why, in English and Chinese."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from app.relay.cohost import InviteTokens
from app.room_client import RoomClient
from tests.helpers.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, with_query
from tests.helpers.cohost_standin import StandInStudio
from tests.helpers.relay import RelayProcess
from tests.helpers.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GuestPage = Callable[..., Page]


@pytest.fixture
def room(relay: RelayProcess) -> Iterator[RoomClient]:
    created = relay.create_room("duo", "双人直播 Duo live")
    client = RoomClient(relay.url, "duo", created["owner_token"])
    yield client
    client.close()


@pytest.fixture
def studio(relay: RelayProcess, room: RoomClient) -> Iterator[StandInStudio]:
    standin = StandInStudio(relay.url, "duo", room.owner_token, tone_hz=660).start()
    yield standin
    standin.stop()


@pytest.fixture
def open_page(webrtc_browser: Browser) -> Iterator[GuestPage]:
    contexts = []

    # The page asks about its invite first: its state is set once the relay has answered.
    ready = "window.shopcastGuest && window.shopcastGuest.state !== null"

    def opening(url: str, locale: str = "en-US", wait_for: str | None = ready) -> Page:
        context = webrtc_browser.new_context(bypass_csp=True, locale=locale, **PHONE)  # type: ignore[arg-type]
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors  # type: ignore[attr-defined]
        response = page.goto(url)
        page.status = response.status if response else None  # type: ignore[attr-defined]
        if wait_for:
            page.wait_for_function(wait_for, timeout=10_000)
        return page

    yield opening
    for context in contexts:
        context.close()


def guest(page: Page) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(
        "() => { const g = window.shopcastGuest; return {state: g.state, code: g.code, message: g.message,"
        " deviceCheck: g.deviceCheck, micLevel: g.micLevel, micHeard: g.micHeard, session: g.session,"
        " returnAudio: g.returnAudio, program: g.program, devices: g.devices, history: g.history}; }"
    )
    return state


def wait_state(page: Page, state: str, timeout: float = 20.0) -> None:
    page.wait_for_function(f"window.shopcastGuest.state === {state!r}", timeout=timeout * 1000)


def join(page: Page, name: str) -> None:
    page.wait_for_function("window.shopcastGuest.deviceCheck.ok", timeout=10_000)
    page.fill("#name", name)
    page.click("#join")


def test_a_guest_joins_from_the_link_is_seen_and_heard_hears_the_show_and_leaves(
    relay: RelayProcess, room: RoomClient, studio: StandInStudio, open_page: GuestPage
) -> None:
    invite = room.create_invite()
    page = open_page(invite["url"])
    assert page.status == 200  # type: ignore[attr-defined]
    assert page.locator("#invited").inner_text() == "You're invited to go live with the host of “双人直播 Duo live”"
    page.wait_for_function("window.shopcastGuest.deviceCheck.ok", timeout=10_000)
    checked = guest(page)
    assert checked["state"] == "checking" and checked["deviceCheck"]["camera"] and checked["deviceCheck"]["microphone"]
    assert page.locator("#status").inner_text() == "Camera and microphone are working. Enter your name, then join."
    assert page.locator("#join").is_disabled(), "no name yet"
    assert checked["devices"]["cameras"] and checked["devices"]["microphones"], "device pickers are filled"
    assert page.locator("#camera option").count() >= 1
    page.fill("#name", "   ")
    assert page.locator("#join").is_disabled()
    page.fill("#name", "小林 Lin")  # typing also lets the page start its audio (a user gesture)
    page.wait_for_function("window.shopcastGuest.micHeard", timeout=10_000)  # the fake mic's beep moves the meter
    assert page.locator("#join").is_enabled()
    page.click("#join")
    wait_state(page, "live")
    assert page.locator("#status").inner_text() == "You're live with the host"
    assert page.locator("#live-badge").is_visible() and page.locator("#leave").is_visible()

    joined = studio.guest()
    assert joined.name == "小林 Lin"
    wait_until(lambda: joined.received.video_frames >= 30, 20, "a second of the guest's camera in the studio")
    wait_until(lambda: joined.received.audio_peak > 0.05, 10, "the guest's microphone in the studio")
    width, height = joined.received.video_size or (0, 0)
    assert width >= 320 and height >= 240
    page.wait_for_function("window.shopcastGuest.returnAudio.playing && window.shopcastGuest.returnAudio.level > 0.3",
                           timeout=10_000)  # fmt: skip
    assert page.evaluate("document.getElementById('return-audio').srcObject.getAudioTracks().length") == 1
    page.wait_for_function("window.shopcastGuest.program.state === 'unavailable'", timeout=20_000)
    assert page.locator("#program-note").inner_text() == "Program preview unavailable"

    page.click("#leave")
    wait_state(page, "left")
    wait_until(lambda: joined.left is not None, 5, "the studio to be told the guest left")
    assert joined.left == "left"
    assert page.locator("#status").inner_text() == "You left the co-host session. This link can't be used again."
    assert page.evaluate("document.getElementById('preview').srcObject") is None, "the camera is off"
    assert page.errors == []  # type: ignore[attr-defined]

    again = open_page(invite["url"])
    assert again.status == 200, "the page is the room's; the relay's answer about the invite says why not"  # type: ignore[attr-defined]
    assert guest(again)["state"] == "refused"
    assert again.locator("#refused-text").inner_text() == (
        "This invite has already been used. Each link works once — ask the host for a new one."
    )
    assert again.locator("#stage").is_hidden()


def test_the_host_ending_the_session_shows_on_the_guests_page(
    room: RoomClient, studio: StandInStudio, open_page: GuestPage
) -> None:
    invite = room.create_invite()
    page = open_page(with_query(invite["url"], "lang=zh"))
    join(page, "Wu")
    wait_state(page, "live")
    joined = studio.guest()
    assert page.locator("#status").inner_text() == "连麦中"
    # Switching the microphone while live: the same connection carries the new one.
    microphones = page.locator("#microphone option")
    assert microphones.count() >= 2, "Chromium's fake devices include several microphones"
    chosen = microphones.nth(1).get_attribute("value")
    page.select_option("#microphone", index=1)
    sent = "window.shopcastGuest.pc.getSenders().find(s => s.track && s.track.kind === 'audio').track"
    page.wait_for_function(f"{sent}.getSettings().deviceId === {chosen!r} && {sent}.readyState === 'live'",
                           timeout=10_000)  # fmt: skip
    heard = joined.received.audio_frames
    wait_until(lambda: joined.received.audio_frames > heard + 50, 10, "the new microphone's sound in the studio")
    assert guest(page)["state"] == "live"
    studio.end(joined.session, "kicked")
    started = time.monotonic()
    wait_state(page, "kicked", timeout=5)
    assert time.monotonic() - started < 2, "the page learns it from its held request, not a slow poll"
    assert page.locator("#status").inner_text() == "主播已结束连麦"
    assert page.locator("#setup").is_hidden() and page.locator("#leave").is_hidden()
    assert page.errors == []  # type: ignore[attr-defined]


def test_without_the_studio_the_guest_is_told_and_can_try_again(
    relay: RelayProcess, room: RoomClient, open_page: GuestPage
) -> None:
    invite = room.create_invite()
    page = open_page(invite["url"])
    join(page, "Early")
    wait_state(page, "failed")
    assert guest(page)["code"] == "studio_not_connected"
    assert page.locator("#status").inner_text() == "The host's studio isn't connected right now. Try again in a moment."
    assert page.locator("#join").inner_text() == "Try again" and page.locator("#join").is_enabled()

    studio = StandInStudio(relay.url, "duo", room.owner_token).start()
    try:
        page.click("#join")
        wait_state(page, "live")
        assert studio.guest().name == "Early"
    finally:
        studio.stop()


def test_the_clock_test_picture_carries_the_wall_clock_to_the_studio(
    room: RoomClient, relay: RelayProcess, open_page: GuestPage
) -> None:
    studio = StandInStudio(relay.url, "duo", room.owner_token, read_clock=True).start()
    try:
        invite = room.create_invite()
        page = open_page(with_query(invite["url"], "test=clock"))
        assert page.locator("#test-note").is_visible() and page.locator("#devices").is_hidden()
        assert page.evaluate("window.shopcastGuest.testPattern") == {
            "width": 1280, "height": 720, "fps": 30, "x": 380, "y": 40, "cell": 10, "tone_hz": 440,
        }  # fmt: skip
        join(page, "Bench")
        wait_state(page, "live")
        joined = studio.guest()
        wait_until(
            lambda: len(joined.received.clock_latencies_ms) >= 10, 20, "clock codes read off the guest's picture"
        )
        latencies = sorted(joined.received.clock_latencies_ms)
        assert 0 < latencies[len(latencies) // 2] < 1000, latencies
        assert joined.received.video_size is not None and joined.received.video_size[0] >= 640
        wait_until(lambda: joined.received.audio_hz is not None and abs(joined.received.audio_hz - 440) < 30, 10,
                   "the test tone in the studio")  # fmt: skip
    finally:
        studio.stop()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", {
            "expired": "This invite expired at",
            "used": "This invite has already been used. Each link works once — ask the host for a new one.",
            "revoked": "The host cancelled this invite.",
            "forged": "This isn't a valid invite link. It may be incomplete or changed — "
                      "ask the host to send it again.",
            "no_room": "The room this invite is for no longer exists.",
            "old_link": "This invite link is of an old kind that is no longer accepted. Ask the host for a new link.",
            "no_token": "This link is incomplete: the invite's code after the # is missing. Ask the host to send it"
                        " again.",
        }),
        ("zh", {
            "expired": "此邀请已于",
            "used": "此邀请已被使用。每个链接只能用一次，请向主播索取新链接。",
            "revoked": "主播已取消此邀请。",
            "forged": "这不是有效的连麦邀请链接，可能不完整或被改动过。请让主播重新发送。",
            "no_room": "此邀请对应的直播间已不存在。",
            "old_link": "这是旧格式的邀请链接，已不再可用。请让主播发送新链接。",
            "no_token": "这个链接不完整：缺少 # 后面的邀请码。请让主播重新发送。",
        }),
    ],
)  # fmt: skip
def test_a_link_that_cannot_be_used_says_why(
    relay: RelayProcess, room: RoomClient, open_page: GuestPage, lang: str, expected: dict[str, str]
) -> None:
    expired = expired_invite(relay, "duo")
    revoked = room.create_invite()
    room.revoke_invite(revoked["id"])
    used = room.create_invite()
    studio = StandInStudio(relay.url, "duo", room.owner_token).start()
    try:
        page = open_page(used["url"])
        join(page, "First")
        wait_state(page, "live")
        page.close()
    finally:
        studio.stop()
    gone = relay.create_room("gone")
    other = RoomClient(relay.url, "gone", gone["owner_token"])
    orphan = other.create_invite()
    other.close()
    with relay.admin() as admin:
        admin.delete("/api/v1/rooms/gone").raise_for_status()
    token, signature = revoked["token"].split(".")
    forged_url = revoked["url"].replace(revoked["token"], token + "." + signature[::-1])
    old_link = f"{relay.url}/cohost/{used['token']}"  # the form that carried the token in the path

    # The page is the room's (200, or 404 without the room; 400 for the old form); why an invite cannot
    # be used comes from the relay's answer to the page's question, in the page's language.
    pages = {"used": (used["url"], 200), "revoked": (revoked["url"], 200), "forged": (forged_url, 200),
             "no_room": (orphan["url"], 404), "expired": (expired[1], 200), "old_link": (old_link, 400),
             "no_token": (f"{relay.url}/cohost/duo", 200)}  # fmt: skip
    for case, (url, status) in pages.items():
        page = open_page(with_query(url, f"lang={lang}"))
        assert page.status == status, case  # type: ignore[attr-defined]
        assert guest(page)["state"] == "refused", case
        assert page.locator("#stage").is_hidden(), case
        text = page.locator("#refused-text").inner_text()
        if case == "expired":
            assert text.startswith(expected[case]), text
            locale = "'zh-CN'" if lang == "zh" else "undefined"
            options = "{dateStyle: 'medium', timeStyle: 'short'}"
            shown = page.evaluate(f"new Date({expired[0]} * 1000).toLocaleString({locale}, {options})")
            assert shown in text, "the moment it expired, in the guest's own time"
        else:
            assert text == expected[case], case
        assert page.errors == []  # type: ignore[attr-defined]


def expired_invite(relay: RelayProcess, room: str) -> tuple[float, str]:
    """(expiry, url) of an invite made two hours ago for one hour: written into the relay's store and
    signed with its secret, since the relay's clock cannot be moved from here."""
    invite_id, expires_at = "inv_00000000e0e0", float(int(time.time()) - 3600)
    with sqlite3.connect(relay.data_dir / "commerce.sqlite3", timeout=10) as db:
        db.execute(
            "INSERT INTO cohost_invites (id, room, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (invite_id, room, expires_at - 3600, expires_at),
        )
    token = InviteTokens.load(relay.data_dir).sign(room, invite_id, expires_at)
    return expires_at, f"{relay.url}/cohost/{room}#t={token}"


@pytest.mark.parametrize(
    ("flags", "locale", "error", "says"),
    [
        # This machine has no camera: without Chromium's fake device there is nothing to open.
        (["--use-fake-ui-for-media-stream"], "en-US", "no_device",
         "No camera or microphone was found. Connect one, then reload this page."),
        # Headless Chromium answers a permission prompt with "block" unless told otherwise.
        (["--use-fake-device-for-media-stream", "--deny-permission-prompts"], "zh-CN", "denied",
         "摄像头或麦克风权限被拒绝。请在浏览器的网站设置（地址栏旁的图标）中允许，然后刷新本页。"),
    ],
)  # fmt: skip
def test_a_blocked_or_missing_camera_is_explained(
    room: RoomClient, webrtc_browser: Browser, flags: list[str], locale: str, error: str, says: str
) -> None:
    invite = room.create_invite()
    # Another Chromium, with other flags, from the same Playwright (one sync Playwright per thread).
    browser = webrtc_browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + flags, headless=True)
    try:
        page = browser.new_context(bypass_csp=True, locale=locale, **PHONE).new_page()  # type: ignore[arg-type]
        page.goto(invite["url"])
        page.wait_for_function("window.shopcastGuest && window.shopcastGuest.deviceCheck.error", timeout=10_000)
        state = guest(page)
        assert state["deviceCheck"]["error"] == error and not state["deviceCheck"]["ok"]
        assert page.locator("#status").inner_text() == says
        assert page.locator("#status").get_attribute("data-state") == "failed"
        page.fill("#name", "Mei")
        assert page.locator("#join").is_disabled(), "no joining without a camera and microphone"
    finally:
        browser.close()
