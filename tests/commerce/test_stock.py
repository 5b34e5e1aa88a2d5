"""Stock moves by deltas with a reason: a re-imported catalog never hands sold units out again."""

from __future__ import annotations

import pytest

from app.commerce.catalog import ProductInput
from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.orders import OrderRequest


def test_a_reimport_moves_stock_by_what_the_catalog_moved(engine: RoomEngine) -> None:
    engine.import_catalog("r", [ProductInput("cap", "Cap", 990, 10)])
    for n in range(3):
        engine.place_order("r", f"viewer-{n}", "V", OrderRequest("cap", 1), f"k{n}")
    assert (engine.product("r", "cap")["stock"], engine.product("r", "cap")["sold"]) == (7, 3)
    engine.import_catalog("r", [ProductInput("cap", "Cap (new title)", 990, 10)])  # the same file, fixed
    cap = engine.product("r", "cap")
    assert (cap["stock"], cap["sold"], cap["title"]) == (7, 3, "Cap (new title)"), "sold units not handed out again"
    engine.import_catalog("r", [ProductInput("cap", "Cap", 990, 15)])  # 5 more came in
    assert engine.product("r", "cap")["stock"] == 12
    engine.import_catalog("r", [ProductInput("cap", "Cap", 990, 1)])  # fewer than were sold: none left
    assert engine.product("r", "cap")["stock"] == 0
    changes = [e["data"] for e in engine.events("r") if e["type"] == "stock.changed"]
    assert [(c["delta"], c["stock"], c["reason"]) for c in changes] == [(5, 12, "catalog"), (-12, 0, "catalog")]


def test_the_host_corrects_stock_by_a_delta_with_a_reason(engine: RoomEngine) -> None:
    assert engine.change_stock("r", "mug", 4, "found a box")["stock"] == 7
    assert engine.change_stock("r", "mug", -2, "2 damaged")["stock"] == 5
    with pytest.raises(CommerceError) as below:
        engine.change_stock("r", "mug", -6, "oops")
    assert (below.value.status, below.value.code) == (409, "stock_below_zero")
    for delta, reason in ((0, "nothing"), (1, "")):
        with pytest.raises(CommerceError) as bad:
            engine.change_stock("r", "mug", delta, reason)
        assert bad.value.status == 422
    logged = [(e["data"]["delta"], e["data"]["reason"]) for e in engine.events("r") if e["type"] == "stock.changed"]
    assert logged == [(4, "found a box"), (-2, "2 damaged")]
    engine.import_catalog("r", [ProductInput("mug", "Mug", 2990, 3)])  # the original file again
    assert engine.product("r", "mug")["stock"] == 5, "the corrections stand"
