"""Flash-sale units and per-viewer limits in a real Redis (app/commerce/redis_stock.py): hammered from two
clients at once (two relay instances), one 100-unit sale sells exactly 100, nobody above the limit."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
import redis

from app.commerce.redis_stock import RedisStock, keys
from tests.helpers.servers import RedisServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    started = RedisServer().start()
    yield started
    started.stop()


def stock(server: RedisServer) -> RedisStock:
    return RedisStock(redis.Redis.from_url(server.url))


def test_the_keys_of_a_sale_share_one_cluster_slot() -> None:
    left, buyers = keys("fs-1")
    assert left.startswith("{fs:fs-1}") and buyers.startswith("{fs:fs-1}")


def test_refusals_say_why_and_a_refund_gives_units_back(server: RedisServer) -> None:
    units = stock(server)
    assert units.open("s1", 3) and not units.open("s1", 50), "opened once, whoever asks again"
    assert units.take("s1", "ann", 2, limit=2).ok
    assert units.take("s1", "ann", 1, limit=2).code == "limit_reached"
    assert units.take("s1", "bo", 2, limit=2).code == "not_enough_stock"
    taken = units.take("s1", "bo", 1, limit=2)
    assert (taken.code, taken.left, taken.bought) == ("ok", 0, 1)
    assert units.take("s1", "cy", 1, limit=2).code == "sold_out"
    assert units.give_back("s1", "ann", 5) == 2, "no more than the viewer bought"
    assert units.left("s1") == 2 and units.take("s1", "cy", 1, limit=2).ok
    assert units.take("nope", "cy", 1, limit=2).code == "unknown_sale"


def test_two_instances_hammering_one_sale_sell_exactly_its_units_and_nobody_above_the_limit(
    server: RedisServer,
) -> None:
    instances = [stock(server), stock(server)]
    instances[0].open("big", 100)
    sold: Counter[str] = Counter()
    lock = threading.Lock()

    def shopper(n: int) -> None:
        units = instances[n % 2]
        viewer = f"v{n % 40}"  # 40 viewers, each trying 8 times through either instance
        for _ in range(4):
            taken = units.take("big", viewer, 1, limit=3)
            if taken.ok:
                with lock:
                    sold[viewer] += 1

    threads = [threading.Thread(target=shopper, args=(n,)) for n in range(80)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(sold.values()) == 100, "exactly the sale's units"
    assert max(sold.values()) <= 3, "nobody above the limit"
    assert instances[1].left("big") == 0
    stored = redis.Redis.from_url(server.url).hgetall(keys("big")[1])
    assert {k.decode(): int(v) for k, v in stored.items()} == dict(sold), "Redis agrees with what was sold"
