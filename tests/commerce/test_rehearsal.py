"""Rehearsal (彩排) in the room engine, on a clock the test moves: what ending it gives back."""

from __future__ import annotations

import pytest

from app.commerce import rehearsal
from app.commerce.engine import RoomEngine
from app.commerce.flash_sales import FlashSaleInput
from app.commerce.orders import OrderRequest
from tests.commerce.conftest import ManualClock


def product(engine: RoomEngine, sku: str) -> tuple[int, int]:
    found = next(p for p in engine.cart("r") if p["sku"] == sku)
    return found["stock"], found["sold"]


def test_a_flash_sale_order_in_the_rehearsal_goes_back_to_the_product_whole(
    engine: RoomEngine, clock: ManualClock
) -> None:
    before = product(engine, "tee")
    engine.set_rehearsal("r", True, "owner")
    sale = engine.create_flash_sale("r", FlashSaleInput("tee", 990, 10, 2, 10, 60))
    clock.advance(11)
    engine.tick()
    order, _ = engine.place_order("r", "v1", "V", OrderRequest("tee", 2, flash_sale_id=sale["id"]), "k1")
    assert (order["status"], order["rehearsal"], order["test_mode"]) == ("paid", True, True)
    assert product(engine, "tee") == (before[0] - 10, before[1] + 2)

    ended = engine.set_rehearsal("r", False, "owner")
    assert (ended["orders_cancelled"], ended["campaigns_ended"]) == (1, 1)
    assert product(engine, "tee") == before, "the sale's reserved units and the order's are all back"
    assert engine.flash_sale("r", sale["id"])["phase"] == "closed"
    assert engine.orders("r")[0]["status"] == "cancelled"


def test_a_rolled_back_switch_leaves_the_room_as_it_was(engine: RoomEngine) -> None:
    def start_then_fail() -> None:
        with engine.core.transaction() as tx:
            rehearsal.start(tx, engine.payment, "r", "owner")
            assert engine.rehearsing("r")
            raise RuntimeError("refused later in the same transaction")

    with pytest.raises(RuntimeError):
        start_then_fail()
    assert not engine.rehearsing("r") and engine.rehearsal("r")["on"] is False
    engine.log("r", "comment")
    assert "rehearsal" not in engine.events("r")[-1]["data"]


def test_only_the_rooms_own_rehearsal_marks_it(engine: RoomEngine) -> None:
    engine.set_rehearsal("r", True, "owner")
    engine.log("r", "pin")
    engine.log("other", "pin")
    assert engine.events("r")[-1]["data"] == {"rehearsal": True}
    assert "rehearsal" not in engine.events("other")[-1]["data"]
    assert engine.snapshot("other")["rehearsal"] is False and engine.snapshot("r")["rehearsal"] is True
    engine.delete_room("r")
    assert not engine.rehearsing("r"), "a deleted room rehearses no more"
