"""Verified viewers: a room keeps scarce actions for viewers who proved a phone number, so minting new
sessions does not get past a per-viewer limit (app/relay/verification.py, app/commerce/verification.py)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from app.commerce.errors import CommerceError
from app.relay.verification import PhoneVerifier
from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room
from tests.helpers.sessions import Session, mint


@pytest.fixture(scope="module")
def room(shared_relay: RelayProcess) -> Room:
    return open_room(shared_relay, "verified")


def verify(relay: RelayProcess, phone: str) -> Session:
    """A new session (a new browser, say) that proves ``phone`` with the test-mode code."""
    fresh = mint(relay.url)
    sent = httpx.post(f"{relay.url}/api/v1/sessions/verification", json={"phone": phone}, headers=fresh.headers)
    assert sent.status_code == 202 and sent.json()["provider"] == "test-sms", sent.text
    checked = httpx.post(
        f"{relay.url}/api/v1/sessions/verification/check", json={"phone": phone, "code": sent.json()["test_code"]}
    )
    assert checked.status_code == 200, checked.text
    assert "HttpOnly" in checked.headers["set-cookie"]
    return Session(checked.json()["token"], checked.json()["viewer"])


def test_new_sessions_do_not_get_past_a_verified_only_flash_sale_limit(room: Room) -> None:
    with room.host() as host:
        assert host.put("/verification", json={"flash_sales": True}).json() == {
            "required": {"flash_sales": True, "draws": False, "coupons": False}
        }
        sale = host.post("/flash-sales", json={"sku": "mug", "price": 9.9, "stock": 10, "per_user_limit": 1,
                                               "countdown_s": 0, "duration_s": 60}).json()  # fmt: skip
    assert httpx.get(f"{room.api}/verification").json()["required"]["flash_sales"] is True, "public: the page asks"
    tap = {"sku": "mug", "flash_sale_id": sale["id"]}

    def buy(session: Session, key: str) -> httpx.Response:
        return httpx.post(f"{room.api}/orders", json=tap, headers={**session.headers, "Idempotency-Key": key})

    for n in range(3):  # anonymous sessions, however many: refused
        refused = buy(mint(room.relay.url), f"anon-{n}")
        assert (refused.status_code, refused.json()["error"]) == (403, "verification_required")
    first = verify(room.relay, "+86 138-0013-8000")
    assert re.fullmatch(r"p-[0-9a-f]{16}", first.viewer)
    assert buy(first, "p-1").status_code == 201
    again = verify(room.relay, "+8613800138000")  # the same number from another browser: the same viewer
    assert again.viewer == first.viewer
    limited = buy(again, "p-2")
    assert (limited.status_code, limited.json()["error"]) == (409, "limit_reached")
    other = verify(room.relay, "+8613900139000")
    assert other.viewer != first.viewer and buy(other, "p-3").status_code == 201
    plain = httpx.post(f"{room.api}/orders", json={"sku": "tee"},
                       headers={**mint(room.relay.url).headers, "Idempotency-Key": "plain"})  # fmt: skip
    assert plain.status_code == 201, "ordinary buying needs no verification"
    state = httpx.get(f"{room.api}/flash-sales/{sale['id']}").json()
    assert state["sold"] == 2


def test_draws_and_coupons_can_be_kept_for_verified_viewers(room: Room) -> None:
    with room.host() as host:
        host.put("/verification", json={"draws": True, "coupons": True}).raise_for_status()
        draw = host.post("/draws", json={"prize": "Mug", "winners": 1, "keyword": "抽奖", "duration_s": 60}).json()
        coupon = host.post("/coupons", json={"title": "减2", "amount": 2, "min_spend": 10, "quota": 5}).json()
    anon = mint(room.relay.url)
    entered = httpx.post(f"{room.api}/draws/{draw['id']}/entries", json={}, headers=anon.headers)
    claimed = httpx.post(f"{room.api}/coupons/{coupon['id']}/claims", headers=anon.headers)
    assert (entered.status_code, entered.json()["error"]) == (403, "verification_required")
    assert (claimed.status_code, claimed.json()["error"]) == (403, "verification_required")
    said = httpx.post(f"{room.api}/comments", json={"text": "抽奖!"}, headers=anon.headers)
    assert said.status_code == 201, "the comment stands"
    assert httpx.get(f"{room.api}/draws/{draw['id']}").json()["entrants"] == 0, "but it entered no draw"
    person = verify(room.relay, "13700137000")
    assert httpx.post(f"{room.api}/draws/{draw['id']}/entries", json={}, headers=person.headers).status_code == 201
    assert httpx.post(f"{room.api}/coupons/{coupon['id']}/claims", headers=person.headers).status_code == 201


def test_wrong_codes_bad_numbers_and_resends(tmp_path: Path) -> None:
    clock = [1000.0]
    phones = PhoneVerifier(b"s" * 32, clock=lambda: clock[0])
    code = str(asyncio.run(phones.start("+8613800138000"))["test_code"])
    with pytest.raises(CommerceError) as soon:
        asyncio.run(phones.start("+8613800138000"))
    assert (soon.value.status, soon.value.code) == (429, "slow_down")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        with pytest.raises(CommerceError, match="wrong"):
            asyncio.run(phones.check("+8613800138000", wrong))
    with pytest.raises(CommerceError) as locked:
        asyncio.run(phones.check("+8613800138000", wrong))
    assert locked.value.code == "code_expired", "five wrong tries end the code"
    with pytest.raises(CommerceError) as gone:
        asyncio.run(phones.check("+8613800138000", code))
    assert gone.value.code == "code_expired", "even the right one, after"
    clock[0] += 31
    code = str(asyncio.run(phones.start("+8613800138000"))["test_code"])
    clock[0] += 301
    with pytest.raises(CommerceError, match="no code"):
        asyncio.run(phones.check("+8613800138000", code))
    for bad in ("", "12", "call me", "+" + "1" * 20):
        with pytest.raises(CommerceError) as invalid:
            asyncio.run(phones.start(bad))
        assert (invalid.value.status, invalid.value.code) == (422, "invalid_phone")
    clock[0] += 31
    code = str(asyncio.run(phones.start("+8613800138000"))["test_code"])
    viewer = asyncio.run(phones.check("+86 138 0013 8000", code))
    assert (
        viewer
        == PhoneVerifier(b"s" * 32).viewer_for("+8613800138000")
        != PhoneVerifier(b"t" * 32).viewer_for("+8613800138000")
    ), "derived from the number under the relay's secret"
    with pytest.raises(CommerceError, match="no code"):
        asyncio.run(phones.check("+8613800138000", code))  # used once
