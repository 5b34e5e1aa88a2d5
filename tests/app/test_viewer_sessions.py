"""Viewer sessions: the relay says who a viewer is (app/relay/viewer_sessions.py), never the client."""

from __future__ import annotations

import asyncio
import json
import re
import stat
from pathlib import Path

import httpx
import pytest

from app.commerce.errors import CommerceError
from app.relay.assistants import SECRET_FILE as ASSISTANT_SECRET
from app.relay.cohost import SECRET_FILE as INVITE_SECRET
from app.relay.context import RelayContext, RelaySettings
from app.relay.verification import SECRET_FILE as PHONE_SECRET
from app.relay.viewer_sessions import KEY_FILE, SESSION_TTL_S, SessionKeys, token_from
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room
from tests.helpers.sessions import mint


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def refusal(keys: SessionKeys, token: str) -> str:
    with pytest.raises(CommerceError) as caught:
        keys.read(token)
    assert caught.value.status == 401
    return caught.value.code


def test_a_token_names_its_viewer_and_a_changed_one_is_refused(tmp_path: Path) -> None:
    keys = SessionKeys.load(tmp_path)
    session = keys.mint()
    assert re.fullmatch(r"v-[0-9a-f]{16}", session.viewer)
    assert keys.read(session.token).viewer == session.viewer
    assert keys.mint().viewer != session.viewer, "every new session is a new viewer"
    prefix, viewer, flag, expires, signature = session.token.split(".")
    other = keys.mint().viewer
    assert refusal(keys, f"{prefix}.{other}.{flag}.{expires}.{signature}") == "session_invalid"  # someone else
    assert refusal(keys, f"{prefix}.{viewer}.{flag}.{int(expires) + 999}.{signature}") == "session_invalid"
    assert refusal(keys, f"{prefix}.{viewer}.{flag}.{expires}.{'A' * 43}") == "session_invalid"
    assert refusal(keys, "not a token") == "session_invalid"
    forger = SessionKeys.load(tmp_path / "another-relay")  # same format, another relay's key
    assert refusal(keys, forger.mint(viewer).token) == "session_invalid"
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert SessionKeys.load(tmp_path).read(session.token).viewer == viewer, "a restarted relay knows its sessions"


def test_a_session_expires(tmp_path: Path) -> None:
    clock = Clock()
    keys = SessionKeys([b"k" * 32], clock=clock)
    session = keys.mint()
    clock.now += SESSION_TTL_S - 1
    assert keys.read(session.token).viewer == session.viewer
    clock.now += 1
    assert refusal(keys, session.token) == "session_expired"


def test_rotation_keeps_the_previous_key_for_verifying_and_a_second_one_ends_it(tmp_path: Path) -> None:
    keys = SessionKeys.load(tmp_path)
    old = keys.mint()
    assert keys.rotate() == 2
    new = keys.mint()
    assert keys.read(old.token).viewer == old.viewer and keys.read(new.token).viewer == new.viewer
    reloaded = SessionKeys.load(tmp_path)  # the ring is saved
    assert reloaded.read(old.token).viewer == old.viewer
    keys.rotate()
    assert refusal(keys, old.token) == "session_invalid"
    assert keys.read(new.token).viewer == new.viewer


def test_relays_sharing_a_ring_follow_each_others_rotation() -> None:
    box = {"ring": b"a" * 32}
    clock = Clock()

    def read() -> bytes:
        return box["ring"]

    def write(ring: bytes) -> None:
        box["ring"] = ring

    a = SessionKeys.shared(read, write)
    b = SessionKeys.shared(read, write)
    a.clock = b.clock = clock
    a.rotate()
    clock.now += 2
    signed_by_a = a.mint()
    assert b.read(signed_by_a.token).viewer == signed_by_a.viewer, "b re-reads the ring it did not know"


def test_a_key_two_rotations_dropped_elsewhere_stops_verifying_here() -> None:
    box = {"ring": b"a" * 32}
    a = SessionKeys.shared(lambda: box["ring"], lambda ring: box.update(ring=ring))
    b = SessionKeys.shared(lambda: box["ring"], lambda ring: box.update(ring=ring))
    old = b.mint()
    a.rotate()
    a.rotate()
    assert b.read(old.token).viewer == old.viewer, "b has not re-read yet"

    def still_verifies() -> bool:
        try:
            return b.read(old.token).viewer == old.viewer
        except CommerceError as exc:
            if exc.code != "session_invalid":
                raise
            return False

    async def refresh_for_a_moment() -> None:
        task = asyncio.create_task(b.refresh_forever(every=0.01))
        for _ in range(500):
            await asyncio.sleep(0.01)
            if not still_verifies():
                break
        task.cancel()

    asyncio.run(refresh_for_a_moment())
    assert not still_verifies(), "the background re-read dropped the key"
    assert b.read(a.mint().token), "and what a signs now, b verifies"


def test_origin_checks(tmp_path: Path) -> None:
    settings = RelaySettings(
        data_dir=tmp_path,
        admin_token="admin-token-0123456789",
        public_url="https://live.example.com",
        allowed_origins=("https://shop.example.com",),
    )
    ctx = RelayContext.open(settings)
    try:
        assert ctx.origin_allowed({"host": "127.0.0.1:8787"}), "no Origin: not a browser"
        assert ctx.origin_allowed({"host": "127.0.0.1:8787", "origin": "http://127.0.0.1:8787"})
        assert ctx.origin_allowed({"host": "relay-1:8787", "origin": "https://live.example.com"})
        assert ctx.origin_allowed({"host": "relay-1:8787", "origin": "https://SHOP.example.com"})
        assert not ctx.origin_allowed({"host": "127.0.0.1:8787", "origin": "https://evil.example"})
        assert not ctx.origin_allowed({"host": "127.0.0.1:8787", "origin": "null"})
    finally:
        ctx.engine.close()
    with pytest.raises(ValueError, match="not an origin"):
        RelaySettings(data_dir=tmp_path, admin_token="admin-token-0123456789", allowed_origins=("*",))


@pytest.fixture(scope="module")
def room(shared_relay: RelayProcess) -> Room:
    return open_room(shared_relay, "sessions")


def test_the_relay_mints_sessions_for_api_clients(room: Room) -> None:
    url = f"{room.relay.url}/api/v1/sessions"
    first, second = httpx.post(url), httpx.post(url)
    assert first.status_code == second.status_code == 201
    assert first.json()["viewer"] != second.json()["viewer"]
    assert "set-cookie" not in first.headers, "no cookie from here: a page elsewhere posting here changes nothing"
    renewed = httpx.post(url, headers={"Authorization": f"Bearer {first.json()['token']}"})
    assert renewed.status_code == 200 and renewed.json()["viewer"] == first.json()["viewer"]
    by_cookie = httpx.post(url, cookies={"shopcast_session": first.json()["token"]})
    assert by_cookie.status_code == 201 and by_cookie.json()["viewer"] != first.json()["viewer"], (
        "a cookie is never traded for its token (a script cannot read the HttpOnly cookie this way)"
    )
    forged = httpx.post(url, headers={"Authorization": "Bearer s1.v-0000000000000000.a.9999999999." + "A" * 43})
    assert forged.status_code == 201 and forged.json()["viewer"] != "v-0000000000000000", "a new viewer, not that one"
    ended = httpx.delete(f"{url}/current")
    assert ended.status_code == 204 and "Max-Age=0" in ended.headers["set-cookie"]


def test_the_cookie_is_found_among_odd_cookies_of_other_sites() -> None:
    token = "s1.v-0123456789abcdef.a.9999999999." + "A" * 43
    for header in (f'theme={{"dark":true}}; shopcast_session={token}', f"foo=a b; shopcast_session={token}; x=1"):
        assert token_from({"cookie": header}) == token


def test_another_sites_page_cannot_act_with_the_viewers_cookie(room: Room) -> None:
    page = httpx.get(f"{room.relay.url}/watch/{room.name}")
    cookie = {"shopcast_session": page.cookies["shopcast_session"]}
    own = {"Origin": room.relay.url, "Idempotency-Key": "o-1"}
    assert httpx.post(f"{room.api}/orders", json={"sku": "mug"}, cookies=cookie, headers=own).status_code == 201
    elsewhere = {"Origin": "https://evil.example", "Idempotency-Key": "o-2"}
    refused = httpx.post(f"{room.api}/orders", json={"sku": "mug"}, cookies=cookie, headers=elsewhere)
    assert (refused.status_code, refused.json()["error"]) == (403, "cross_site")
    check = httpx.post(f"{room.relay.url}/api/v1/sessions/verification/check", json={"phone": "13800138000",
                       "code": "123456"}, headers={"Origin": "https://evil.example"})  # fmt: skip
    assert (check.status_code, check.json()["error"]) == (403, "cross_site")


def test_the_room_page_gives_its_viewer_a_session(room: Room) -> None:
    page = httpx.get(f"{room.relay.url}/watch/{room.name}")
    cookie = page.cookies["shopcast_session"]
    config = json.loads(re.search(r'id="shopcast-config">(.*?)</script>', page.text).group(1))  # type: ignore[union-attr]
    assert cookie.startswith(f"s1.{config['viewer']}.") and "private" in page.headers["cache-control"]
    again = httpx.get(f"{room.relay.url}/watch/{room.name}", cookies={"shopcast_session": cookie})
    assert "set-cookie" not in again.headers, "a fresh session is not renewed on every page"
    assert f'"viewer": "{config["viewer"]}"' in again.text
    replay = httpx.get(f"{room.relay.url}/watch/{room.name}/replay/1", cookies={"shopcast_session": cookie})
    assert f'"viewer": "{config["viewer"]}"' in replay.text or replay.status_code == 404
    with httpx.Client(base_url=room.api, cookies={"shopcast_session": cookie}) as page_calls:
        assert page_calls.get("/me").json()["viewer_id"] == config["viewer"]
    set_by_page = page.headers["set-cookie"]
    ended = httpx.delete(f"{room.relay.url}/api/v1/sessions/current", cookies={"shopcast_session": cookie})
    cleared = ended.headers["set-cookie"]
    assert ended.status_code == 204 and cleared.startswith("shopcast_session=;") and "Max-Age=0" in cleared
    attributes = {part.strip() for part in set_by_page.split(";")[1:] if not part.strip().startswith("Max-Age")}
    assert attributes <= {part.strip() for part in cleared.split(";")}, "the browser forgets it only if they match"


def test_another_viewers_id_gets_nobody_anything(room: Room) -> None:
    """The id in a public place (a comment, a draw) used to be all one needed to be that viewer."""
    buyer, snoop = room.session("buyer"), room.session("snoop")
    assert room.order("buyer", "k-1", sku="mug").status_code == 201
    with room.viewer("buyer") as client:
        assert len(client.get("/me").json()["orders"]) == 1
    posing = httpx.get(f"{room.api}/me", headers={**snoop.headers, "X-Viewer-Id": buyer.viewer})
    assert posing.json()["viewer_id"] == snoop.viewer and posing.json()["orders"] == []
    bare = httpx.get(f"{room.api}/me", headers={"X-Viewer-Id": buyer.viewer})
    assert (bare.status_code, bare.json()["error"]) == (401, "session_required")


def test_rotating_the_keys_twice_ends_old_sessions(tmp_path: Path) -> None:
    relay = RelayProcess(tmp_path / "relay").start()
    try:
        old = mint(relay.url)
        rotate = f"{relay.url}/api/v1/admin/session-keys"
        assert httpx.post(rotate).status_code == 401
        assert httpx.post(rotate, headers=old.headers).status_code == 401, "a viewer is no admin"
        admin = {"Authorization": f"Bearer {relay.admin_token}"}
        assert httpx.post(rotate, headers=admin).json() == {"keys": 2}
        me = f"{relay.url}/api/v1/rooms/{open_room(relay, 'rot').name}/me"
        assert httpx.get(me, headers=old.headers).status_code == 200, "the previous key still verifies"
        httpx.post(rotate, headers=admin).raise_for_status()
        ended = httpx.get(me, headers=old.headers)
        assert (ended.status_code, ended.json()["error"]) == (401, "session_invalid")
        assert httpx.get(me, headers=mint(relay.url).headers).status_code == 200
    finally:
        relay.stop()


def test_the_data_folder_and_its_secrets_are_the_owners_alone(tmp_path: Path) -> None:
    data = tmp_path / "relay"
    data.mkdir(mode=0o755)  # made by someone else's hand, readable by all
    (data / "rooms.json").write_text('{"rooms": []}')
    (data / "rooms.json").chmod(0o644)
    relay = RelayProcess(data).start()
    try:
        room = open_room(relay, "private")
        with room.host() as host:
            host.post("/assistants", json={"label": "A"}).raise_for_status()
            host.post("/cohost/invites", json={}).raise_for_status()
        mint(relay.url)
    finally:
        relay.stop()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700, "the order database, tokens and secrets: the owner's"
    secrets_kept = ["rooms.json", KEY_FILE, PHONE_SECRET, ASSISTANT_SECRET, INVITE_SECRET]
    assert {name: stat.S_IMODE((data / name).stat().st_mode) for name in secrets_kept} == dict.fromkeys(
        secrets_kept, 0o600
    )
