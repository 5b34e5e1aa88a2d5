"""Flash-sale units and per-viewer limits in a real Redis (app/commerce/redis_stock.py): hammered from two
clients at once (two relay instances), one 100-unit sale sells exactly 100, nobody above the limit."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
import redis.asyncio as aioredis

from app.commerce.redis_stock import RedisStock, keys
from tests.helpers.servers import RedisServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    started = RedisServer().start()
    yield started
    started.stop()


def new_key() -> str:
    """A tap's own idempotency key."""
    return secrets.token_hex(6)


def stock(server: RedisServer) -> RedisStock:
    return RedisStock(aioredis.from_url(server.url))


def test_the_keys_of_a_sale_share_one_cluster_slot() -> None:
    left, buyers = keys("fs-1")
    assert left.startswith("{fs:fs-1}") and buyers.startswith("{fs:fs-1}")


def test_refusals_say_why_and_a_refund_gives_units_back(server: RedisServer) -> None:
    async def scenario() -> None:
        units = stock(server)
        assert await units.load("s1", 3, {}) and not await units.load("s1", 50, {}), "put there once"
        assert (await units.take("s1", "ann", 2, 2, new_key())).ok
        assert (await units.take("s1", "ann", 1, 2, new_key())).code == "limit_reached"
        assert (await units.take("s1", "bo", 2, 2, new_key())).code == "not_enough_stock"
        taken = await units.take("s1", "bo", 1, 2, new_key())
        assert (taken.code, taken.left, taken.bought) == ("ok", 0, 1)
        assert (await units.take("s1", "cy", 1, 2, new_key())).code == "sold_out"
        assert await units.give_back("s1", "ann", 5) == 2, "no more than the viewer bought"
        assert await units.left("s1") == 2 and (await units.take("s1", "cy", 1, 2, new_key())).ok
        assert (await units.take("nope", "cy", 1, 2, new_key())).code == "unknown_sale"

    asyncio.run(scenario())


def test_a_sale_put_in_redis_from_the_store_keeps_its_buyers_and_idempotency_keys_expire(
    server: RedisServer,
) -> None:
    async def scenario() -> None:
        units = stock(server)
        await units.load("s2", 5, {"ann": 2})
        assert (await units.take("s2", "ann", 1, 2, new_key())).code == "limit_reached", "bought before Redis had it"
        # a retry of a tap that took units is "known" (never refused for its own first try), and a
        # tap the store refused forgets its key with its units
        assert (await units.take("s2", "bo", 2, 2, "k-bo")).ok
        assert (await units.take("s2", "bo", 2, 2, "k-bo")).code == "known"
        assert await units.give_back("s2", "bo", 2, "k-bo") == 2
        assert (await units.take("s2", "bo", 2, 2, "k-bo")).ok, "tried again after the refusal"
        assert await units.order_of("s2", "bo", "k1") is None
        await units.remember("s2", "bo", "k1", "ord_1")
        assert await units.order_of("s2", "bo", "k1") == "ord_1"
        ttl = redis.Redis.from_url(server.url).ttl("{fs:s2}:key:bo:k1")
        assert 23 * 3600 < ttl <= 24 * 3600

    asyncio.run(scenario())


def test_two_instances_hammering_one_sale_sell_exactly_its_units_and_nobody_above_the_limit(
    server: RedisServer,
) -> None:
    sold: Counter[str] = Counter()

    async def scenario() -> int | None:
        instances = [stock(server), stock(server)]  # two relays' connections
        await instances[0].load("big", 100, {})

        async def shopper(n: int) -> None:
            units = instances[n % 2]
            viewer = f"v{n % 40}"  # 40 viewers, each trying 8 times through either instance
            for _ in range(4):
                if (await units.take("big", viewer, 1, 3, new_key())).ok:
                    sold[viewer] += 1

        await asyncio.gather(*(shopper(n) for n in range(80)))
        return await instances[1].left("big")

    assert asyncio.run(scenario()) == 0
    assert sum(sold.values()) == 100, "exactly the sale's units"
    assert max(sold.values()) <= 3, "nobody above the limit"
    stored = redis.Redis.from_url(server.url).hgetall(keys("big")[1])
    assert {k.decode(): int(v) for k, v in stored.items()} == dict(sold), "Redis agrees with what was sold"


def test_a_refusal_in_redis_is_kept_with_its_key_for_24_hours(server: RedisServer) -> None:
    async def scenario() -> None:
        units = stock(server)
        await units.load("s4", 1, {})
        assert (await units.take("s4", "ann", 1, 1, new_key())).ok
        first = await units.take("s4", "bo", 1, 1, "k-bo", "print-1")
        assert (first.code, first.left, first.bought) == ("sold_out", 0, 0)
        assert await units.give_back("s4", "ann", 1) == 1 and await units.left("s4") == 1
        again = await units.take("s4", "bo", 1, 1, "k-bo", "print-1")
        assert (again.code, again.refusal, again.left, again.fingerprint) == ("replayed", "sold_out", 0, "print-1")
        assert await units.left("s4") == 1, "the retry took nothing: it got the first answer"
        assert (await units.take("s4", "bo", 1, 1, "k-bo-2", "print-1")).ok, "a new key is a new attempt"
        ttl = redis.Redis.from_url(server.url).ttl("{fs:s4}:key:bo:k-bo")
        assert 23 * 3600 < ttl <= 24 * 3600

    asyncio.run(scenario())
