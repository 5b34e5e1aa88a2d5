"""The metrics fold (app/analytics/metrics.py): each definition of the dictionary on small logs with
known answers, and a whole simulated show (app/analytics/simulate.py, the room engine on a simulated
clock) whose report must equal its truth number for number and keep the dictionary's sanity rules."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.analytics.metrics import SIDEBAR, MetricsFold, fold_show, recount, show_numbers
from app.analytics.report import build_report, report_json
from app.analytics.simulate import COMPLAINTS, ROOM, TITLE, EngineDriver, Outcome, scripted_show, truth

T0 = 1_800_000_000.0
CATALOG = {"products": 3, "items": [
    {"sku": "tee", "title": "Tee", "price_cents": 5990, "stock": 100, "parent_sku": None},
    {"sku": "shoe", "title": "Shoe", "price_cents": 39900, "stock": 0, "parent_sku": None},
    {"sku": "shoe-40", "title": "Shoe · 40", "price_cents": 39900, "stock": 5, "parent_sku": "shoe"},
]}  # fmt: skip


def ev(t: float, kind: str, viewer: str | None = None, **data: Any) -> dict[str, Any]:
    return {"wall": T0 + t, "type": kind, "viewer_id": viewer, "data": data}


def order(
    t: float, viewer: str, order_id: str, sku: str, total: int, qty: int = 1, **more: Any
) -> list[dict[str, Any]]:
    created = ev(t, "order.created", viewer, order_id=order_id, sku=sku, qty=qty, total_cents=total,
                 flash_sale_id=more.get("flash_sale_id"), group_id=None, coupon_id=more.get("coupon_id"))  # fmt: skip
    return [created, ev(t, "order.paid", viewer, order_id=order_id, total_cents=total)]


def values(fold: MetricsFold, now: float | None = None) -> dict[str, float]:
    return {key: m.value for key, m in fold.metrics(None if now is None else T0 + now).items()}


# --- traffic ------------------------------------------------------------------------------------------


def test_online_peak_and_watch_time_follow_the_connections_exactly() -> None:
    log = [
        ev(0, "stream.started"),
        ev(10, "viewer.enter", "a", returning=False),
        ev(20, "viewer.enter", "b", returning=True),
        ev(30, "viewer.enter", "c", returning=False),
        ev(40, "viewer.leave", "b", watched_s=20),
        ev(70, "viewer.leave", "a", watched_s=60),
        ev(75, "viewer.enter", "a", returning=True),  # back: a second view, the same viewer
        ev(150, "stream.ended"),
    ]
    fold = recount(log)
    m = values(fold)
    watch = (70 - 10) + (150 - 75) + (40 - 20) + (150 - 30)
    assert (m["viewers"], m["views"], m["entries"], m["exits"]) == (3, 4, 4, 2)
    assert (m["new_viewers"], m["returning_viewers"]) == (2, 1)
    assert m["online"] == 2 and m["peak_online"] == 3 and fold.report("r", "t").peak_wall == T0 + 30
    assert m["total_watch_time"] == watch and m["avg_watch_time"] == watch / 3
    assert m["avg_online"] == watch / 150 and m["duration"] == 150
    series = fold.series()
    assert series.start == T0 and len(series.online) == 3, "150 s is minutes 0, 1 and 2"
    assert series.online == [2, 2, 2] and series.online_peak == [3, 2, 2]
    assert series.entries == [3, 1, 0] and series.exits == [1, 1, 0]


def test_a_relay_restart_ends_the_connections_its_log_left_open() -> None:
    log = [
        ev(0, "stream.started"),
        ev(10, "viewer.enter", "a"),
        ev(20, "viewer.enter", "b"),
        ev(30, "comment", "a", id=1, text="hi"),
        ev(100, "relay.started", down_since=T0 + 45),  # the old relay was last alive at 45 s
        ev(101, "viewer.enter", "a"),
        ev(160, "stream.ended"),
    ]
    m = values(recount(log))
    assert m["online"] == 1 and m["exits"] == 2 and m["views"] == 3 and m["viewers"] == 2
    assert m["total_watch_time"] == (45 - 10) + (45 - 20) + (160 - 101), "nobody watched while the relay was down"
    # without a known last moment the connections end at the room's last event (the comment)
    log[4] = ev(100, "relay.started", down_since=None)
    assert values(recount(log))["total_watch_time"] == (30 - 10) + (30 - 20) + (160 - 101)


def test_a_relay_lost_among_several_ends_only_the_connections_that_entered_through_it() -> None:
    log = [
        ev(0, "stream.started"),
        ev(10, "viewer.enter", "a", relay="relay-a"),
        ev(20, "viewer.enter", "b", relay="relay-b"),
        ev(25, "viewer.enter", "c", relay="relay-a"),
        ev(30, "viewer.leave", "c", watched_s=5),
        ev(100, "relay.lost", lost="relay-a", down_since=T0 + 45),  # noticed later; last heard at 45 s
        ev(160, "stream.ended"),
    ]
    m = values(recount(log))
    assert m["online"] == 1 and m["exits"] == 2, "b, on the relay that lives, is still watching"
    assert m["total_watch_time"] == (45 - 10) + (160 - 20) + (30 - 25)


def test_an_entry_whose_earlier_leave_is_missing_closes_that_connection_then() -> None:
    log = [ev(0, "stream.started"), ev(10, "viewer.enter", "a"), ev(50, "viewer.enter", "a"), ev(100, "stream.ended")]
    m = values(recount(log))
    assert (m["online"], m["views"], m["viewers"], m["exits"]) == (1, 2, 1, 1)
    assert m["total_watch_time"] == 90, "one viewer connected from 10 s to the end, counted once"


def test_a_clock_stepping_back_keeps_the_order_of_the_log() -> None:
    log = [ev(0, "stream.started"), ev(30, "viewer.enter", "a"), ev(20, "viewer.leave", "a"), ev(60, "stream.ended")]
    m = values(recount(log))
    assert m["total_watch_time"] == 0 and m["exits"] == 1 and m["online"] == 0


# --- shows -----------------------------------------------------------------------------------------------


def test_only_the_show_counts_and_the_next_broadcast_starts_afresh() -> None:
    log = [
        ev(-100, "catalog.imported", **CATALOG),
        ev(-90, "viewer.enter", "early"),  # waiting before the start: a viewer of the show from its start
        ev(-80, "comment", "early", id=1, text="来了"),  # before the start: not counted
        *order(-70, "early", "o0", "tee", 5990),
        ev(0, "stream.started"),
        *order(10, "early", "o1", "tee", 5990),
        ev(50, "stream.ended"),
        ev(55, "health.incident", code="network.dropped", level="warning", message="m", start=T0 + 40, end=T0 + 50),
        ev(60, "comment", "early", id=2, text="拜拜"),  # after the end: not counted
        *order(70, "early", "o2", "tee", 5990),
        ev(80, "viewer.enter", "late"),
        ev(200, "stream.started"),  # the next broadcast: both are still in the room
        ev(210, "order.refunded", "early", order_id="o1", total_cents=5990),  # the first show's order
        *order(220, "late", "o3", "shoe-40", 39900),
        ev(300, "stream.ended"),
    ]
    assert show_numbers(log) == [1, 2]
    first = fold_show(log, 1)
    m = values(first)
    assert (m["viewers"], m["views"], m["comments"], m["orders"], m["gmv"]) == (1, 1, 0, 1, 5990)
    assert (m["refunds"], m["refund_cents"]) == (1, 5990), "a refund made later counts for the show it sold in"
    assert [i.code for i in first.incidents()] == ["network.dropped"], "logged after the end, it is the show's"
    assert first.report("r", "t").series.start == T0 and m["duration"] == 50
    second = recount(log)
    m = values(second)
    assert (m["viewers"], m["views"], m["orders"], m["gmv"], m["refunds"]) == (2, 2, 1, 39900, 0)
    assert second.report("r", "t").show == 2 and m["duration"] == 100
    assert [r.sku for r in second.top_products()] == ["shoe"], "an option sells under its product"
    with pytest.raises(ValueError, match="no show 3"):
        fold_show(log, 3)


def test_a_log_without_a_broadcast_is_one_show_from_its_first_event() -> None:
    log = [ev(0, "viewer.enter", "a"), *order(5, "a", "o1", "tee", 100), ev(65, "viewer.leave", "a")]
    assert show_numbers(log) == [0]
    fold = recount(log)
    report = fold.report("r", "t")
    assert (report.show, report.start, report.end, report.live) == (0, T0, T0 + 65, False)
    assert values(fold)["orders"] == 1 and report.series.orders == [1, 0]


# --- the funnel, segments, campaigns -----------------------------------------------------------------------


def test_a_buyer_counts_as_a_clicker_and_a_clicker_as_exposed() -> None:
    log = [
        ev(0, "stream.started"),
        ev(1, "catalog.imported", **CATALOG),
        *(ev(2 + i, "viewer.enter", v) for i, v in enumerate("abcd")),
        ev(10, "product.exposure", "a", sku="tee", via="pin"),
        ev(11, "product.exposure", "a", sku="tee", via="cart"),
        ev(12, "product.exposure", "b", sku="tee", via="pin"),
        ev(13, "product.click", "c", sku="tee", via="pin"),  # its exposure message was lost
        ev(14, "cart.add", "c", sku="tee", via="cart"),
        *order(15, "d", "o1", "tee", 5990),  # bought before the page's click arrived
        ev(16, "product.click", "d", sku="tee", via="cart"),
        ev(17, "product.click", "b", sku="shoe-40", via="cart"),
        ev(30, "stream.ended"),
    ]
    fold = recount(log)
    m = values(fold)
    assert (m["product_exposures"], m["product_clicks"], m["cart_adds"]) == (3, 3, 1), "times are counted as sent"
    assert (m["product_exposure_people"], m["product_click_people"], m["cart_people"], m["buyers"]) == (4, 3, 1, 1)
    tee, shoe = fold.funnels()
    assert (tee.sku, tee.exposure_people, tee.click_people, tee.cart_people, tee.buyers) == ("tee", 4, 2, 1, 1)
    assert (shoe.sku, shoe.exposure_people, shoe.click_people) == ("shoe", 1, 1)
    assert m["click_through_rate"] == 3 / 4 and m["click_to_order_rate"] == 1 / 3 and m["viewer_conversion"] == 1 / 4


def test_segments_tile_the_show_and_follow_the_product_being_explained() -> None:
    log = [
        ev(-10, "catalog.imported", **CATALOG),
        ev(-5, "pin", sku="tee"),
        ev(0, "stream.started"),
        ev(1, "viewer.enter", "a"),
        *order(20, "a", "o1", "tee", 5990),
        ev(60, "pin", sku="shoe"),  # tee stays pinned, shoe is explained now
        *order(70, "a", "o2", "shoe-40", 39900),
        *order(80, "a", "o3", "tee", 5990),
        ev(120, "unpin", sku="shoe"),  # back to the tee
        ev(150, "unpin", sku="tee"),  # nothing pinned
        *order(160, "a", "o4", "tee", 5990),
        ev(180, "stream.ended"),
    ]
    segments = recount(log).segments()
    assert [(s.sku, s.start - T0, s.end - T0) for s in segments] == [
        ("tee", 0, 60), ("shoe", 60, 120), ("tee", 120, 150), (None, 150, 180)
    ]  # fmt: skip
    assert [(s.orders, s.gmv_cents, s.product_orders, s.product_gmv_cents) for s in segments] == [
        (1, 5990, 1, 5990), (2, 45890, 1, 39900), (0, 0, 0, 0), (1, 5990, 0, 0)
    ]  # fmt: skip
    assert sum(s.gmv_cents for s in segments) == 5990 * 3 + 39900
    assert segments[0].lift is None and segments[1].lift == pytest.approx((2 / 60) / (1 / 60) - 1)
    assert segments[2].lift == -1 and segments[3].lift is None, "after a segment without orders: no lift"


def test_a_flash_sale_counts_what_its_orders_took_and_gave_back_while_it_ran() -> None:
    log = [
        ev(0, "stream.started"),
        ev(1, "catalog.imported", **CATALOG),
        ev(
            2,
            "flash_sale.created",
            id="fs1",
            sku="tee",
            price_cents=990,
            stock=3,
            per_user_limit=2,
            opens_at=T0 + 12,
            closes_at=T0 + 72,
        ),
        ev(12, "flash_sale.opened", id="fs1", sku="tee"),
        *order(13, "a", "o1", "tee", 1980, qty=2, flash_sale_id="fs1"),
        ev(14, "order.refunded", "a", order_id="o1", total_cents=1980),  # units back to the sale
        *order(15, "b", "o2", "tee", 1980, qty=2, flash_sale_id="fs1"),
        *order(16, "c", "o3", "tee", 990, qty=1, flash_sale_id="fs1"),  # sold out now
        ev(72, "flash_sale.closed", id="fs1", sku="tee", sold=3, reason="time"),
        ev(80, "stream.ended"),
    ]
    (sale,) = recount(log).flash_sales()
    assert (sale.sold, sale.stock, sale.buyers, sale.most_per_user, sale.per_user_limit) == (3, 3, 3, 2, 2)
    assert sale.sold_out_after_s == 4 and sale.opened == T0 + 12 and sale.closed == T0 + 72
    assert sale.gmv_cents == 1980 * 2 + 990, "GMV is before refunds"


# --- the live sidebar -----------------------------------------------------------------------------------


def test_the_sidebar_compares_the_last_five_complete_minutes_with_the_five_before() -> None:
    log = [ev(0, "stream.started"), ev(1, "viewer.enter", "a")]
    for minute in range(12):
        log += [ev(60 * minute + 5 + k, "comment", "a", id=100 * minute + k, text="x") for k in range(minute)]
    log.append(ev(60 * 6 + 30, "viewer.enter", "b"))
    log.sort(key=lambda e: e["wall"])
    fold = recount(log)
    sidebar = fold.sidebar(T0 + 11.5 * 60)  # 11 complete minutes
    comments = sidebar["comments"]
    assert comments["minutes"] == [float(m) for m in range(12)]
    assert (comments["last5"], comments["prev5"]) == (6 + 7 + 8 + 9 + 10, 1 + 2 + 3 + 4 + 5)
    online = sidebar["online"]
    assert online["minutes"] == [1.0] * 6 + [2.0] * 6 and (online["last5"], online["prev5"]) == (2.0, 1.0)
    assert set(SIDEBAR) <= set(sidebar) and all("minutes" in sidebar[key] for key in SIDEBAR)
    watch = sidebar["avg_watch_time"]
    assert watch["last5"] == pytest.approx(((11 * 60 - 1) + (11 * 60 - 390)) / 2), "the value at minute 11's start"
    early = recount([e for e in log if e["wall"] <= T0 + 210]).sidebar(T0 + 210)["comments"]
    assert (early["last5"], early["prev5"]) == (0 + 1 + 2, None), "no earlier window yet"
    assert recount(log[:2]).sidebar(T0 + 30)["comments"]["last5"] is None, "no complete minute yet"


def test_the_sidebar_scales_a_short_earlier_window_to_five_minutes() -> None:
    log = [ev(0, "stream.started"), ev(1, "viewer.enter", "a")]
    log += [ev(60 * m + 10, "like", "a", count=10) for m in range(8)]
    likes = recount(log).sidebar(T0 + 8 * 60 + 1)["likes"]
    assert (likes["last5"], likes["prev5"]) == (50, 30 * 5 / 3), "minutes 3-7 against 0-2 scaled to five"


def test_a_fold_fed_one_event_at_a_time_says_what_a_recount_says_at_every_moment(
    simulated: tuple[Outcome, list[dict[str, Any]]],
) -> None:
    _, events = simulated
    live = MetricsFold()
    for n, event in enumerate(events, 1):
        live.apply(event)
        if n % 25 == 0 or n == len(events):
            now = event["wall"] + 7.5
            assert live.live_message(now) == recount(events[:n]).live_message(now), f"after {n} events"
            assert live.report("r", "t", now) == recount(events[:n]).report("r", "t", now)


# --- a simulated show -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Outcome, list[dict[str, Any]]]]:
    driver = EngineDriver(Path(tmp_path_factory.mktemp("sim")))
    try:
        outcome = driver.run(scripted_show())
        yield outcome, driver.engine.events(ROOM, 0, 10_000)
    finally:
        driver.close()


def same(actual: Any, expected: Any, where: str = "report") -> None:
    """``actual`` has every number ``expected`` has (floats to 1e-9: they are sums taken in another order)."""
    if isinstance(expected, dict):
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} is missing"
            same(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), f"{where}: {len(actual)} items, the truth has {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            same(a, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-9), f"{where}: {actual} != {expected}"
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_every_number_of_the_report_of_a_simulated_show_equals_its_truth(
    simulated: tuple[Outcome, list[dict[str, Any]]],
) -> None:
    outcome, events = simulated
    expected = truth(outcome)
    report = report_json(build_report(events, ROOM, TITLE))
    assert expected["timing"] == "exact" and report["show"] == 1 and report["live"] is False
    assert report["start"] == expected["start"] and report["end"] == expected["end"]
    same({k: v["value"] for k, v in report["metrics"].items()}, expected["metrics"], "metrics")
    assert set(report["metrics"]) >= set(expected["metrics"])
    for key in ("series", "peak_online", "peak_wall", "funnel", "funnels", "products", "segments", "flash_sales",
                "coupons", "incidents"):  # fmt: skip
        same(report[key], expected[key], key)
    kinds: dict[str, int] = {}
    for marker in report["markers"]:
        kinds[marker["kind"]] = kinds.get(marker["kind"], 0) + 1
    assert kinds == expected["markers"]
    negative = {t["term"]: t["count"] for t in report["negative_topics"]}
    assert negative == expected["negative_topics"] == {topic: len(texts) for topic, texts in COMPLAINTS.items()}
    # the truth is not trivially the fold's: spot-check numbers worked out by hand from the script
    m = expected["metrics"]
    assert (m["viewers"], m["views"], m["orders"], m["gmv"], m["refund_cents"]) == (40, 45, 19, 332_100, 11_980)
    assert expected["flash_sales"][0]["sold"] == 10 and expected["coupons"][0]["used"] == 4


def test_the_sanity_rules_of_the_dictionary_hold(simulated: tuple[Outcome, list[dict[str, Any]]]) -> None:
    _, events = simulated
    report = build_report(events, ROOM, TITLE)
    m = {k: v.value for k, v in report.metrics.items()}
    assert m["buyers"] <= m["product_click_people"] <= m["product_exposure_people"] <= m["viewers"]
    for funnel in report.funnels:
        assert funnel.buyers <= funnel.click_people <= funnel.exposure_people <= m["viewers"], funnel.sku
    assert sum(s.gmv_cents for s in report.segments) == m["gmv"]
    assert sum(s.orders for s in report.segments) == m["orders"]
    assert sum(report.series.orders) == m["orders"] and sum(report.series.gmv_cents) == m["gmv"]
    assert sum(report.series.comments) == m["comments"] and sum(report.series.entries) == m["views"]
    assert m["peak_online"] >= m["avg_online"] and m["views"] >= m["viewers"]
    assert report.peak_online == max(report.series.online_peak)
    for sale in report.flash_sales:
        assert sale.sold <= sale.stock and sale.most_per_user <= sale.per_user_limit
    starts = [s.start for s in report.segments]
    ends = [s.end for s in report.segments]
    assert starts[0] == report.start and ends[-1] == report.end and starts[1:] == ends[:-1], "segments tile the show"
    lengths = {len(getattr(report.series, f)) for f in ("online", "online_peak", "entries", "exits", "orders")}
    assert lengths == {math.ceil((report.end - report.start) / 60)}
