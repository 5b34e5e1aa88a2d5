"""Rate limits per viewer session and per client address (app/relay/rate_limits.py): what a viewer may do
how often, who the client is behind a proxy, and the same counts shared between relays through Redis."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
from pathlib import Path

import httpx
import pytest
import websockets

from app.commerce.errors import CommerceError
from app.relay.rate_limits import (
    LIMITS,
    Connections,
    LocalLimiter,
    RedisLimiter,
    client_address,
    parse_networks,
    scope_address,
)
from app.relay.verification import PhoneVerifier, RedisCodes
from tests.helpers.relay import RelayProcess
from tests.helpers.room import open_room
from tests.helpers.servers import RedisServer
from tests.helpers.sessions import mint

LOOPBACK = parse_networks(["127.0.0.1"])


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def refusal(call: object) -> CommerceError:
    with pytest.raises(CommerceError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.status == 429 and caught.value.code == "slow_down"
    return caught.value


# --- who the client is ---------------------------------------------------------------------------------------


def test_a_client_cannot_choose_its_address_with_a_header() -> None:
    forged = "203.0.113.9"
    assert client_address("198.51.100.7", forged, ()) == "198.51.100.7", "no proxy is trusted: the header is ignored"
    assert client_address("198.51.100.7", forged, LOOPBACK) == "198.51.100.7", "the peer is not a trusted proxy"


def test_behind_trusted_proxies_the_client_is_the_nearest_untrusted_hop() -> None:
    proxies = parse_networks(["127.0.0.1", "10.0.0.0/8"])
    # The client put a made-up hop first; the edge (10.1.2.3) appended what it saw; nginx appended the edge.
    chain = "1.2.3.4, 198.51.100.7, 10.1.2.3"
    assert client_address("127.0.0.1", chain, proxies) == "198.51.100.7"
    assert client_address("127.0.0.1", "", proxies) == "127.0.0.1", "no header: the proxy itself"
    assert client_address("127.0.0.1", "10.0.0.5", proxies) == "10.0.0.5", "all hops trusted"
    assert client_address("127.0.0.1", "nonsense, 198.51.100.7", proxies) == "198.51.100.7"
    assert client_address("127.0.0.1", "198.51.100.7, nonsense", proxies) == "127.0.0.1", (
        "a hop that is not an address stops the walk at the last believable one"
    )


def test_every_forwarded_line_counts() -> None:
    """A proxy that adds its own X-Forwarded-For line (rather than extending the client's) leaves the client's
    forged line first: the lines are read together, in order, so the proxy's word is the one believed."""
    scope = {
        "type": "http",
        "client": ("10.0.0.2", 5555),
        "headers": [(b"x-forwarded-for", b"6.6.6.6"), (b"x-forwarded-for", b"203.0.113.5")],
    }
    assert scope_address(scope, parse_networks(["10.0.0.0/8"])) == "203.0.113.5"
    assert scope_address(scope, ()) == "10.0.0.2"


def test_an_ipv6_line_counts_as_one_client() -> None:
    one = client_address("2001:db8:1:2::10", "", ())
    other = client_address("2001:db8:1:2:ffff::1", "", ())
    assert one == other == "2001:db8:1:2::/64", "a subscriber picks any address in its /64"
    assert client_address("2001:db8:1:3::10", "", ()) != one
    assert client_address("::ffff:198.51.100.7", "", ()) == "198.51.100.7"


def test_a_bad_trusted_proxy_is_named() -> None:
    with pytest.raises(ValueError, match="not-an-address"):
        parse_networks(["10.0.0.0/8", "not-an-address"])
    assert parse_networks(["10.0.0.1"])[0] == ipaddress.ip_network("10.0.0.1/32")


# --- counting ------------------------------------------------------------------------------------------------


def test_a_session_is_limited_and_recovers_after_the_window() -> None:
    clock = Clock()
    limiter = LocalLimiter(clock)
    limit = LIMITS["order"].session
    assert limit is not None
    for _ in range(limit.count):
        limiter.take("order", "v-1", "198.51.100.7")
    refused = refusal(lambda: limiter.take("order", "v-1", "198.51.100.7"))
    assert 1 <= refused.details["retry_after"] <= 2 * limit.window
    limiter.take("order", "v-2", "198.51.100.7")  # another viewer at the same address is not held up
    clock.now += refused.details["retry_after"]
    limiter.take("order", "v-1", "198.51.100.7")  # after the wait it says, the viewer may go on
    clock.now += 2 * limit.window
    for _ in range(limit.count):  # two windows later nothing of the burst counts
        limiter.take("order", "v-1", "198.51.100.7")


def test_minting_sessions_does_not_get_past_the_address_limit() -> None:
    limiter = LocalLimiter(Clock())
    limit = LIMITS["order"].address
    session_limit = LIMITS["order"].session
    assert session_limit is not None
    for n in range(limit.count):
        limiter.take("order", f"v-{n // session_limit.count}", "198.51.100.7")
    refusal(lambda: limiter.take("order", "v-new", "198.51.100.7"))
    limiter.take("order", "v-new", "198.51.100.8")


def test_a_sped_up_show_gets_limits_scaled_to_its_speed() -> None:
    limit = LIMITS["order"].session
    assert limit is not None
    normal, fast = LocalLimiter(Clock()), LocalLimiter(Clock(), scale=40)
    for _ in range(limit.count):
        normal.take("order", "v-1", "a")
    refusal(lambda: normal.take("order", "v-1", "a"))
    for _ in range(limit.count * 40):
        fast.take("order", "v-1", "a")
    refusal(lambda: fast.take("order", "v-1", "a"))


def test_a_refused_action_counts_nothing() -> None:
    """A viewer held at a limit is not held longer for knocking: refused actions are not counted."""
    clock = Clock(0.0)
    limiter = LocalLimiter(clock)
    limit = LIMITS["vote"].session
    assert limit is not None
    for _ in range(limit.count):
        limiter.take("vote", "v-1", "a")
    for _ in range(100):
        refusal(lambda: limiter.take("vote", "v-1", "a"))
    clock.now += 2 * limit.window
    limiter.take("vote", "v-1", "a")


def test_a_flood_of_new_keys_does_not_free_the_heavy_hitters() -> None:
    """Past its memory bound the limiter forgets the keys that did least, never one held at its limit."""
    clock = Clock(0.0)
    limiter = LocalLimiter(clock)
    limiter.MAX_KEYS = 1000
    limit = LIMITS["vote"].address
    for _ in range(limit.count):
        limiter.take("vote", None, "198.51.100.7")
    for n in range(5000):  # other addresses, one vote each: several times the bound
        limiter.take("vote", None, f"2001:db8:{n:x}::1")
    refusal(lambda: limiter.take("vote", None, "198.51.100.7"))
    assert len(limiter._counts) <= 1000


def test_connections_per_address() -> None:
    connections = Connections(2)
    assert connections.open("a") and connections.open("a")
    assert not connections.open("a")
    assert connections.open("b")
    connections.close("a")
    assert connections.open("a")
    assert connections.count("a") == 2


# --- shared between relays ------------------------------------------------------------------------------------


def test_relays_sharing_redis_count_together(redis_server: RedisServer) -> None:
    import redis.asyncio as aioredis

    async def run() -> None:
        clock = Clock(2_000_000.0)
        one, two = aioredis.Redis.from_url(redis_server.url), aioredis.Redis.from_url(redis_server.url)
        try:
            await one.flushdb()
            first, second = RedisLimiter(one, clock), RedisLimiter(two, clock)
            limit = LIMITS["claim"].session
            assert limit is not None
            for n in range(limit.count):  # alternate relays, as a balancer would
                await (first if n % 2 else second).check("claim", "v-1", "198.51.100.7")
            for limiter in (first, second):
                with pytest.raises(CommerceError) as caught:
                    await limiter.check("claim", "v-1", "198.51.100.7")
                assert caught.value.status == 429 and caught.value.details["retry_after"] >= 1
            await first.check("claim", "v-2", "198.51.100.7")
            clock.now += 2 * limit.window
            await second.check("claim", "v-1", "198.51.100.7")

            # A code sent through one relay is checked through the other, once, with its tries shared.
            secret = b"s" * 32
            sender = PhoneVerifier(secret, codes=RedisCodes(one))
            checker = PhoneVerifier(secret, codes=RedisCodes(two))
            code = str((await sender.start("+8613800138000"))["test_code"])
            with pytest.raises(CommerceError) as again:
                await checker.start("+86 138 0013 8000")
            assert again.value.code == "slow_down", "one code per number per 30 s, whichever relay is asked"
            wrong = "000000" if code != "000000" else "111111"
            with pytest.raises(CommerceError, match="wrong"):
                await sender.check("+8613800138000", wrong)
            assert await checker.check("+8613800138000", code) == sender.viewer_for("+8613800138000")
            with pytest.raises(CommerceError) as used:
                await sender.check("+8613800138000", code)
            assert used.value.code == "code_expired", "a code is used once"
        finally:
            await one.aclose()
            await two.aclose()

    asyncio.run(run())


# --- through a relay -----------------------------------------------------------------------------------------


def test_a_relay_limits_new_sessions_per_address_and_believes_only_its_trusted_proxy(tmp_path: Path) -> None:
    limit = LIMITS["session"].address
    direct = RelayProcess(tmp_path / "direct").start()
    proxied = RelayProcess(tmp_path / "proxied", "--trusted-proxy", "127.0.0.1").start()
    try:
        with httpx.Client(timeout=30) as client:
            tokens = {}
            for relay in (direct, proxied):
                for n in range(limit.count):  # each "client" claims its own address; only behind a proxy is it true
                    forwarded = {"X-Forwarded-For": f"198.51.100.{n % 200}"}
                    answer = client.post(f"{relay.url}/api/v1/sessions", headers=forwarded)
                    assert answer.status_code == 201
                tokens[relay.url] = answer.json()["token"]
            refused = client.post(f"{direct.url}/api/v1/sessions", headers={"X-Forwarded-For": "203.0.113.1"})
            assert refused.status_code == 429, "a direct client's header is not its address"
            assert refused.json()["error"] == "slow_down" and int(refused.headers["Retry-After"]) >= 1
            renewed = client.post(
                f"{direct.url}/api/v1/sessions", headers={"Authorization": f"Bearer {tokens[direct.url]}"}
            )
            assert renewed.status_code == 200, "renewing a session is not a new viewer: the limit does not apply"
            # A new visitor's page from that address says so, in the visitor's language; a known viewer's opens.
            direct.create_room("busy")
            page = client.get(f"{direct.url}/watch/busy", headers={"Accept-Language": "zh-CN"})
            assert page.status_code == 429 and "新访客太多" in page.text and int(page.headers["Retry-After"]) >= 1
            assert "set-cookie" not in page.headers
            known = httpx.get(f"{direct.url}/watch/busy", headers={"Cookie": f"shopcast_session={tokens[direct.url]}"})
            assert known.status_code == 200
            # Behind the trusted proxy the sessions came from 200 addresses: none is near its limit.
            forwarded = {"X-Forwarded-For": "203.0.113.1"}
            assert client.post(f"{proxied.url}/api/v1/sessions", headers=forwarded).status_code == 201
    finally:
        direct.stop()
        proxied.stop()


def test_a_viewer_is_held_to_the_vote_limit_whatever_the_answers(relay: RelayProcess) -> None:
    room = open_room(relay, "votes")
    with room.host() as host:
        poll = host.post("/polls", json={"question": "Which colour?", "options": ["Red", "Blue"]})
    assert poll.status_code == 201, poll.text
    limit = LIMITS["vote"].session
    assert limit is not None
    with room.viewer("ann") as ann:
        answers = [ann.post(f"/polls/{poll.json()['id']}/votes", json={"option": 0}) for _ in range(limit.count + 1)]
    assert answers[0].status_code == 201 and {a.status_code for a in answers[1:-1]} == {409}, (
        "one vote; the repeats are refused as repeats"
    )
    assert answers[-1].status_code == 429, "and past the limit, refused before they reach the store"
    assert answers[-1].json()["error"] == "slow_down"
    with room.viewer("bob") as bob:
        assert bob.post(f"/polls/{poll.json()['id']}/votes", json={"option": 1}).status_code == 201


def test_a_session_gets_a_few_phone_codes_only(relay: RelayProcess) -> None:
    viewer = mint(relay.url)
    limit = LIMITS["phone_code"].session
    assert limit is not None
    codes = [
        httpx.post(
            f"{relay.url}/api/v1/sessions/verification", json={"phone": f"+86138001380{n:02d}"}, headers=viewer.headers
        ).status_code
        for n in range(limit.count + 1)
    ]
    assert codes == [202] * limit.count + [429], "each code is a message someone pays for"
    anonymous = httpx.post(f"{relay.url}/api/v1/sessions/verification", json={"phone": "+8613800138099"})
    assert anonymous.status_code == 401, "a code is asked for by a viewer's session"


def test_live_feed_connections_per_address(tmp_path: Path) -> None:
    relay = RelayProcess(tmp_path / "relay", "--max-connections-per-address", "3").start()
    try:
        room = open_room(relay, "crowded")
        url = room.api.replace("http://", "ws://") + "/live"
        viewer = mint(relay.url)

        async def run() -> None:
            async with contextlib.AsyncExitStack() as stack:
                for _ in range(3):
                    await stack.enter_async_context(websockets.connect(url, additional_headers=viewer.headers))
                with pytest.raises(websockets.InvalidStatus) as refused:
                    await websockets.connect(url, additional_headers=mint(relay.url).headers)
                assert refused.value.response.status_code == 429
                assert refused.value.response.headers["Retry-After"]
            # Closed ones no longer count (the relay notices the closes within moments).
            for _ in range(50):
                try:
                    async with websockets.connect(url, additional_headers=viewer.headers) as again:
                        assert "snapshot" in str(await asyncio.wait_for(again.recv(), 10))
                        return
                except websockets.InvalidStatus:
                    await asyncio.sleep(0.1)
            raise AssertionError("connections closed by the client were still counted")

        asyncio.run(run())
    finally:
        relay.stop()


def test_comments_on_the_live_feed_are_counted_per_address_across_viewers(relay: RelayProcess) -> None:
    """Each viewer keeps to the room's own comment pace; together, from one address, they reach its limit."""
    room = open_room(relay, "chatty")
    url = room.api.replace("http://", "ws://") + "/live"
    limit = LIMITS["comment"].address
    per_viewer = 5  # the room engine's comment pace: 5 in 10 s (app/commerce/engine.py)
    viewers = [mint(relay.url) for _ in range(limit.count // per_viewer + 1)]

    async def talk(viewer_headers: dict[str, str], n: int) -> list[str]:
        errors = []
        async with websockets.connect(url, additional_headers=viewer_headers) as ws:
            for k in range(per_viewer):
                await ws.send(json.dumps({"type": "comment", "text": f"hi {n}-{k}", "id": k}))
            await ws.send(json.dumps({"type": "ping", "id": "done"}))
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 20))
                if message["type"] == "error":
                    errors.append(message["code"])
                if message["type"] == "pong" and message["id"] == "done":
                    return errors

    async def run() -> list[list[str]]:
        return [await talk(v.headers, n) for n, v in enumerate(viewers)]

    errors = asyncio.run(run())
    assert all(not e for e in errors[:-1]), "everyone within their pace and the address's limit is heard"
    assert errors[-1] == ["slow_down"] * per_viewer, "past the address's limit, the next viewer's comments are not"


def test_phone_codes_answer_503_while_redis_is_away() -> None:
    import redis.asyncio as aioredis

    from tests.helpers.processes import free_port

    async def run() -> None:
        client = aioredis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1)
        phones = PhoneVerifier(b"s" * 32, codes=RedisCodes(client))
        try:
            for call in (phones.start("+8613800138000"), phones.check("+8613800138000", "123456")):
                with pytest.raises(CommerceError) as away:
                    await call
                assert (away.value.status, away.value.code) == (503, "store_unavailable")
        finally:
            await client.aclose()

    asyncio.run(run())


def test_a_retried_tap_gets_its_answer_even_past_the_limit(relay: RelayProcess) -> None:
    """The answer to a tap can be lost; its retry (the same key) must get that answer, not a 429 that would
    make the buyer tap again with a new key and buy twice."""
    room = open_room(relay, "retries", [{"sku": "tee", "title": "Tee", "price": 1, "stock": 1000}])
    limit = LIMITS["order"].session
    assert limit is not None
    for n in range(limit.count):
        assert room.order("ann", f"tap-{n}", sku="tee").status_code == 201
    refused = room.order("ann", "tap-new", sku="tee")
    assert refused.status_code == 429 and refused.json()["error"] == "slow_down"
    again = room.order("ann", "tap-0", sku="tee")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert room.order("ann", "tap-new", sku="tee").status_code == 429, "a key never decided is still held"
