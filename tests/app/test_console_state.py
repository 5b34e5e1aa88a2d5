"""The console state folds the owner feed exactly as the engine announced it."""

from __future__ import annotations

from pathlib import Path

from app.commerce.catalog import ProductInput
from app.commerce.core import Notification
from app.commerce.engine import RoomEngine
from app.commerce.flash_sales import FlashSaleInput
from app.commerce.orders import OrderRequest
from app.console_state import ConsoleState


def test_the_console_state_tracks_the_owner_feed(tmp_path: Path) -> None:
    engine = RoomEngine(tmp_path / "c.sqlite3")
    catalog = [
        ProductInput("tee", "Tee", 5900, 10),
        ProductInput("shoe", "Runner", 100, 0),
        ProductInput("shoe-40", "Runner · 40", 100, 2, parent_sku="shoe", option="40"),
    ]
    engine.import_catalog("r", catalog)
    state = ConsoleState()
    assert state.apply({"type": "snapshot", **engine.snapshot("r", owner=True)}) >= {"products", "pins"}
    assert [p["sku"] for p in state.orderable()] == ["tee", "shoe-40"]

    received: list[Notification] = []
    engine.add_listener(received.extend)
    engine.pin("r", "tee")
    sale = engine.create_flash_sale("r", FlashSaleInput("tee", 990, 5, 1, 10, 60))
    engine.place_order("r", "viewer-a", "Ann", OrderRequest("shoe-40"), "k1")
    events = [n.owner if n.owner is not None else n.public for n in received if n.to_viewer is None]
    changed = state.apply({"type": "batch", "t": engine.now, "events": events})
    assert changed == {"pins", "products", "flash_sales", "orders"}
    assert state.pins == ["tee"]
    assert state.flash_sales[sale["id"]]["stock"] == 5
    assert state.product("tee")["stock"] == 5, "units reserved for the flash sale left the product's stock"  # type: ignore[index]
    assert state.product("shoe-40")["stock"] == 1  # type: ignore[index]
    assert state.orders[0]["nickname"] == "Ann" and state.orders[0]["viewer_id"] == "viewer-a"
    # placed (pending), then paid by test mode's charge after the commit: the console shows one order, paid
    assert [(o["sku"], o["status"]) for o in state.orders] == [("shoe-40", "paid")]
    engine.close()
