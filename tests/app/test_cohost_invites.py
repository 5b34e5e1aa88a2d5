"""Co-host invites: the host makes, lists and revokes single-use links; a guest's token is checked
and refused with a reason it can show (expired, used, revoked, forged, another room, no room)."""

from __future__ import annotations

import asyncio
import json
import re
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from app.commerce import cohost as invites
from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.paths import assets_dir
from app.relay import api_cohost
from app.relay.cohost import InviteTokens
from tests.app.cohost_harness import FakeStudio, ShiftedClock, relay


def run(scenario: Any) -> None:
    asyncio.run(scenario)


def page_config(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="shopcast-config">(.*?)</script>', html, re.S)
    assert found is not None
    result: dict[str, Any] = json.loads(found.group(1))
    return result


def test_an_invite_is_a_single_use_link_the_host_sees_listed(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            before = time.time()
            invite = await r.invite(label="Brand rep 品牌方")
            assert invite["state"] == "open" and invite["label"] == "Brand rep 品牌方"
            assert invite["url"] == f"http://relay.test/cohost/show#t={invite['token']}", "the token in no URL path"
            assert before + 1800 - 2 <= invite["expires_at"] <= time.time() + 1800
            listed = (await r.client.get(r.api("/cohost/invites"), headers=r.owner)).json()
            assert [(i["id"], i["state"], i["url"]) for i in listed] == [(invite["id"], "open", invite["url"])]

            info = await r.check(invite["token"])
            assert info.status_code == 200
            body = info.json()
            assert (body["room"], body["title"], body["state"]) == ("show", "新品直播 New arrivals", "open")
            assert "Brand rep" not in info.text, "the host's label is not shown to the guest"
            assert [e["type"] for e in await r.events()] == ["cohost.invited"]

            short = await r.invite(ttl_s=60)
            assert short["expires_at"] <= time.time() + 61

    run(scenario())
    secret = tmp_path / "cohost-secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600, "the signing secret is private like the admin token"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ttl_s": 10}, "ttl_s"),
        ({"ttl_s": 90_000}, "ttl_s"),
        ({"ttl_s": "soon"}, "ttl_s"),
        ({"label": "x" * 41}, "label"),
        ({"label": 5}, "label"),
        ({"guest": "Mei"}, "guest"),
    ],
)
def test_invite_settings_are_checked(tmp_path: Path, body: dict[str, Any], field: str) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            response = await r.client.post(r.api("/cohost/invites"), json=body, headers=r.owner)
            assert response.status_code == 422, response.text
            assert field in response.json()["message"]

    run(scenario())


def test_only_the_host_makes_and_sees_invites(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            for method, path in (("POST", "/cohost/invites"), ("GET", "/cohost/invites"), ("GET", "/cohost/sessions")):
                anonymous = await r.client.request(method, r.api(path), json={})
                assert anonymous.status_code == 403 and anonymous.json()["error"] == "forbidden"
                other_host = await r.client.request(method, r.api(path), json={}, headers=r.other_owner)
                assert other_host.status_code == 401

    run(scenario())


def test_revoked_expired_and_used_invites_are_refused_with_their_reason(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            revoked = await r.invite()
            gone = await r.client.delete(r.api(f"/cohost/invites/{revoked['id']}"), headers=r.owner)
            assert gone.status_code == 200 and gone.json()["state"] == "revoked"
            response = await r.check(revoked["token"])
            assert response.status_code == 410
            body = response.json()
            assert (body["error"], body["state"], body["room"]) == ("invite_revoked", "revoked", "show")
            assert body["title"] == "新品直播 New arrivals"
            assert "cancelled" in response.json()["message"]

            expiring = await r.invite(ttl_s=60)
            r.clock.offset = 61
            response = await r.check(expiring["token"])
            assert response.status_code == 410
            body = response.json()
            assert body["error"] == "invite_expired" and body["expired_at"] == expiring["expires_at"]
            shown = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(expiring["expires_at"]))
            assert body["message"].startswith(f"this invite expired at {shown}")
            r.clock.offset = 0

            used = await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            joining = asyncio.ensure_future(r.join(used["token"]))
            offer = await studio.next_event("cohost.offer")
            assert (await r.answer(offer["session"], sdp="v=0\r\nm=audio 9 x 0\r\n")).status_code == 200
            assert (await joining).status_code == 201
            response = await r.check(used["token"])
            assert response.status_code == 410 and response.json()["error"] == "invite_used"
            assert "already been used" in response.json()["message"]
            again = await r.join(used["token"], name="Someone else")
            assert again.status_code == 410 and again.json()["error"] == "invite_used"
            cannot = await r.client.delete(r.api(f"/cohost/invites/{used['id']}"), headers=r.owner)
            assert cannot.status_code == 409 and "Mei" in cannot.json()["message"]

            r.clock.offset = 61
            listed = {i["id"]: i for i in (await r.client.get(r.api("/cohost/invites"), headers=r.owner)).json()}
            assert [listed[i["id"]]["state"] for i in (revoked, expiring, used)] == ["revoked", "expired", "used"]
            assert listed[used["id"]]["guest_name"] == "Mei" and listed[used["id"]]["session"] == offer["session"]
            assert all(listed[i["id"]]["url"] is None for i in (revoked, expiring, used)), "only open links are shown"
            await studio.close()

    run(scenario())


def test_forged_garbled_and_foreign_tokens_are_not_invites(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path / "a") as r:
            good = (await r.invite())["token"]
            payload, signature = good.split(".")
            # Claims of another room (or a longer life) cannot be signed without the relay's secret.
            stranger = InviteTokens(b"s" * 32).sign("show", "inv_000000000000", time.time() + 3600)
            forged = [
                payload + "." + signature[:-2] + ("AA" if not signature.endswith("AA") else "BB"),
                payload[:-1] + "." + signature,
                good[:20],
                "not-a-token",
                "a.b.c",
                "",
                stranger,
            ]
            for token in forged:
                response = await r.check(token) if token else None
                if response is not None:
                    assert response.status_code == 401, (token, response.text)
                    assert response.json()["error"] == "invite_invalid"
                    assert "not a valid co-host invite" in response.json()["message"]
                join = await r.join(token)
                assert join.status_code == 401, (token, join.text)
                assert join.json()["error"] == ("invite_invalid" if token else "invite_missing")

            other = (await r.invite(room="other"))["token"]
            wrong_room = await r.join(other, room="show")
            assert wrong_room.status_code == 403
            assert wrong_room.json() | {"state": None} == {
                "error": "invite_wrong_room", "message": "this invite is for another room", "state": None,
            }  # fmt: skip

            admin = {"Authorization": f"Bearer {r.ctx.settings.admin_token}"}
            assert (await r.client.delete("/api/v1/rooms/other", headers=admin)).status_code == 204
            no_room = await r.check(other)
            assert no_room.status_code == 404 and no_room.json()["error"] == "room_not_found"
            assert no_room.json()["message"] == "the room this invite is for no longer exists"

    run(scenario())


def test_a_relay_restart_keeps_the_secret_and_what_was_used(tmp_path: Path) -> None:
    async def first() -> tuple[str, str]:
        async with relay(tmp_path) as r:
            open_invite, used = await r.invite(), await r.invite()
            studio = await FakeStudio.connect(r.ctx, "show")
            joining = asyncio.ensure_future(r.join(used["token"]))
            offer = await studio.next_event("cohost.offer")
            await r.answer(offer["session"], sdp="v=0\r\nm=audio 9 x 0\r\n")
            assert (await joining).status_code == 201
            await studio.close()
            return open_invite["token"], used["token"]

    async def second(open_token: str, used_token: str) -> None:
        async with relay(tmp_path) as r:
            assert (await r.check(open_token)).status_code == 200
            assert (await r.check(used_token)).json()["error"] == "invite_used"

    tokens = asyncio.run(first())
    run(second(*tokens))


def test_the_guest_page_is_the_rooms_and_asks_about_the_invite_in_its_fragment(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            invite = await r.invite()
            path, fragment = str(invite["url"]).removeprefix("http://relay.test").split("#", 1)
            assert (path, fragment) == ("/cohost/show", f"t={invite['token']}")
            page = await r.client.get(path, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
            assert page.status_code == 200
            assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
            assert '<html lang="zh-CN">' in page.text and "连麦邀请" in page.text and "新品直播" in page.text
            config = page_config(page.text)
            assert config["check"] is None and config["invite_url"] == "/api/v1/cohost/invite"
            assert config["whep_url"] == "/api/v1/rooms/show/whep" and config["test"] is None
            assert invite["token"] not in page.text

            asked = await r.check(invite["token"])  # what the page then asks, the token as a bearer
            assert asked.status_code == 200
            assert (asked.json()["state"], asked.json()["whip_url"]) == ("open", "/api/v1/rooms/show/cohost/whip")
            no_token = await r.client.get("/api/v1/cohost/invite")
            assert (no_token.status_code, no_token.json()["error"]) == (401, "invite_missing")

            test_mode = page_config((await r.client.get(f"{path}?test=clock&lang=en")).text)
            assert test_mode["test"] == "clock" and test_mode["lang"] == "en"
            nowhere = await r.client.get("/cohost/no-such-room")
            assert nowhere.status_code == 404 and page_config(nowhere.text)["check"]["code"] == "room_not_found"

    run(scenario())


def test_an_invite_link_with_its_token_in_the_path_is_refused_saying_what_to_do(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with relay(tmp_path) as r:
            token = (await r.invite())["token"]
            old_page = await r.client.get(f"/cohost/{token}")  # the link's old form
            assert old_page.status_code == 400
            check = page_config(old_page.text)["check"]
            assert check["code"] == "link_outdated" and "ask the host for a new link" in check["message"]
            assert token not in old_page.text
            old_api = await r.client.get(f"/api/v1/cohost/{token}")
            assert old_api.status_code == 400 and old_api.json()["error"] == "token_in_url"
            assert "Authorization: Bearer" in old_api.json()["message"]
            assert (await r.check(token)).status_code == 200, "the invite itself still works, from its new link"

    run(scenario())


def test_every_page_string_exists_in_both_languages() -> None:
    tables = {
        lang: json.loads((assets_dir() / "web" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
        for lang in ("en", "zh-CN")
    }
    ours = {lang: {k for k in table if k.startswith("cohost_")} for lang, table in tables.items()}
    assert ours["en"] == ours["zh-CN"] and len(ours["en"]) > 40
    script = (assets_dir() / "web" / "cohost.js").read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\.(cohost_\w+)", script))
    assert used <= ours["en"], f"strings the page uses but no language has: {used - ours['en']}"
    source = Path(api_cohost.__file__).read_text(encoding="utf-8") + Path(invites.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'"(invite_\w+|studio_\w+|room_not_found)"', source))
    codes.discard("invite_missing")  # the page always sends its token
    assert {"invite_expired", "invite_used", "invite_revoked", "studio_not_connected", "invite_wrong_room"} <= codes
    missing = {c for c in codes if f"cohost_err_{c}" not in ours["en"]}
    assert not missing, f"refusals the page cannot say in the guest's language: {missing}"


def test_the_store_lets_an_invite_be_used_once_and_never_when_revoked_or_expired(tmp_path: Path) -> None:
    clock = ShiftedClock()
    engine = RoomEngine(tmp_path / "commerce.sqlite3", clock=clock)
    try:
        invite = engine.create_cohost_invite("show", None, 600)
        used = engine.use_cohost_invite("show", invite["id"], "cs_1", "A")
        assert (used["state"], used["guest_name"], used["session"]) == ("used", "A", "cs_1")
        with pytest.raises(CommerceError) as again:
            engine.use_cohost_invite("show", invite["id"], "cs_2", "B")
        assert (again.value.status, again.value.code) == (410, "invite_used")
        assert engine.cohost_invite("show", invite["id"])["guest_name"] == "A"  # type: ignore[index]

        revoked = engine.create_cohost_invite("show", None, 600)
        engine.revoke_cohost_invite("show", revoked["id"])
        with pytest.raises(CommerceError) as refused:
            engine.use_cohost_invite("show", revoked["id"], "cs_3", "C")
        assert refused.value.code == "invite_revoked"

        expiring = engine.create_cohost_invite("show", None, 60)
        clock.offset = 60
        with pytest.raises(CommerceError) as late:
            engine.use_cohost_invite("show", expiring["id"], "cs_4", "D")
        assert late.value.code == "invite_expired"
        assert engine.cohost_invite("other", invite["id"]) is None, "an invite belongs to its room"
    finally:
        engine.close()
