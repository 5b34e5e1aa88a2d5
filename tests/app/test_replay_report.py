"""Orders from a shoppable replay (``source: replay``) are counted apart in the show's report."""

from __future__ import annotations

from typing import Any

from app.analytics.report import build_report, report_json
from app.analytics.report_html import render_html


def _event(kind: str, wall: float, viewer: str | None = None, **data: Any) -> dict[str, Any]:
    return {"type": kind, "wall": wall, "viewer_id": viewer, "data": data}


EVENTS = [
    _event("product.created", 0, sku="tee", title="Tee", price_cents=5990),
    _event("stream.started", 1),
    _event("order.created", 5, "v1", order_id="o1", sku="tee", qty=1, total_cents=5990),
    _event("order.paid", 5, "v1", order_id="o1", total_cents=5990),
    _event("stream.ended", 10),
    _event("order.created", 60, "v2", order_id="o2", sku="tee", qty=2, total_cents=11980, source="replay"),
    _event("order.paid", 60, "v2", order_id="o2", total_cents=11980),
]


def test_replay_orders_are_counted_apart_from_the_live_show() -> None:
    report = build_report(EVENTS, "shop", "Shop", show=1, now=100)
    assert report.metrics["orders"].value == 1 and report.metrics["gmv"].value == 5990
    assert (report.replay_orders, report.replay_gmv) == (1, 11980)
    assert report_json(report)["replay_orders"] == 1
    page = render_html(report, "en")
    assert 'data-metric="replay"' in page and "119.80" in page
