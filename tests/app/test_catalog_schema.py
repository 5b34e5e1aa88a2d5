"""The catalog's one schema through a relay: a bad field is a 422 naming it; a full-size catalog
imports; stock moves by deltas with a reason (app/commerce/catalog.py, app/commerce/products.py)."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.relay import RelayProcess
from tests.helpers.room import Room, open_room


@pytest.fixture(scope="module")
def room(shared_relay: RelayProcess) -> Room:
    return open_room(shared_relay, "catalog")


def test_a_two_thousand_product_catalog_imports(room: Room) -> None:
    big = [{"sku": f"p{n:04d}", "title": f"商品 Product {n}", "price": 9.9, "stock": 100} for n in range(2000)]
    with room.host() as host:
        answer = host.post("/catalog", json=big, timeout=60)
    assert answer.status_code == 200 and answer.json()["imported"] == 2000


@pytest.mark.parametrize(
    ("product", "named"),
    [
        ({"sku": "a", "title": "A", "price": 1, "stock": 1, "colour": "red"}, "unknown field 'colour'"),
        ({"sku": "a", "title": "A", "prcie": 1, "stock": 1}, "unknown field 'prcie'"),
        ({"sku": "a", "title": ["A"], "price": 1, "stock": 1}, "title must be text"),
        ({"sku": 7, "title": "A", "price": 1, "stock": 1}, "sku must be text"),
        ({"sku": "a", "title": "A", "price": "cheap", "stock": 1}, "price must be a number"),
        ({"sku": "a", "title": "A", "price": 1, "stock": 1.5}, "stock must be a whole number"),
        ({"sku": "a", "title": "A", "price": 1, "stock": 1, "variants": [{"sku": "b", "size": "L", "stock": 1}]},
         "product 1 variant 1: unknown field 'size'"),
    ],
)  # fmt: skip
def test_a_bad_field_is_a_422_that_names_it(room: Room, product: dict[str, object], named: str) -> None:
    with room.host() as host:
        answer = host.post("/catalog", json=[product])
    assert answer.status_code == 422 and named in answer.json()["message"], answer.text


def test_a_csv_column_the_schema_does_not_have_is_named(room: Room) -> None:
    csv = "sku,title,price,stock,weight\na,A,1,1,2kg\n"
    with room.host() as host:
        answer = host.post("/catalog", content=csv.encode(), headers={"Content-Type": "text/csv"})
    assert answer.status_code == 422 and "unknown column 'weight'" in answer.json()["message"]


def test_stock_moves_by_a_delta_with_its_reason(room: Room) -> None:
    with room.host() as host:
        moved = host.post("/products/mug/stock", json={"delta": -3, "reason": "3 damaged"})
        assert moved.status_code == 200 and moved.json()["stock"] == 47
        too_many = host.post("/products/mug/stock", json={"delta": -1000, "reason": "gone"})
        assert (too_many.status_code, too_many.json()["error"]) == (409, "stock_below_zero")
        no_reason = host.post("/products/mug/stock", json={"delta": 1})
        assert no_reason.status_code == 422 and "reason" in no_reason.text
        logged = [e["data"] for e in host.get("/events").json() if e["type"] == "stock.changed"]
    assert logged[-1] == {"sku": "mug", "delta": -3, "stock": 47, "reason": "3 damaged"}
    viewer = httpx.post(f"{room.api}/products/mug/stock", json={"delta": 5, "reason": "free"})
    assert viewer.status_code == 403
