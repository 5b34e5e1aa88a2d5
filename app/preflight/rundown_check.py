"""The pre-flight's run-of-show part (app/rundown.py, the relay's ``GET …/rundown``): its products out
of stock or nearly in the room's cart, and each of ``check_claims``'s findings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from app.preflight.rows import PreflightRow
from plugins.api import Text

if TYPE_CHECKING:
    from app.room_client import RoomClient
    from app.rundown import Rundown

LOW_STOCK = 10
"""A run-of-show product with this many left or fewer is low on stock."""
RUNDOWN_TITLE = Text("Run-of-show", "直播脚本")
_STOCK_HINT = Text(
    "Restock it in the Products dock, or give the segment another product in the run-of-show",
    "请在“商品”面板中补货，或在直播脚本中为该环节换一个商品",
)


_STOCK_CLAIMS = frozenset({"unknown_product", "out_of_stock"})
"""check_claims's findings the stock rows already give."""


def products_by_sku(cart: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The room's cart (top-level products with their options) as one dict by SKU."""
    found: dict[str, dict[str, Any]] = {}
    for product in cart:
        found[str(product["sku"])] = dict(product)
        for option in product.get("options") or ():
            found[str(option["sku"])] = dict(option)
    return found


def rundown_rows(rundown: Rundown, cart: Sequence[Mapping[str, Any]]) -> list[PreflightRow]:
    """The run-of-show's products against the room's cart (out of stock: error; low: warning; not in
    the cart: error), then each of ``app.rundown.check_claims``'s other findings (a talking point the
    product's data or the planned sale contradict) as a row."""
    products = products_by_sku(cart)
    segments: dict[str, list[int]] = {}
    for index, segment in enumerate(rundown.segments):
        if segment.sku:
            segments.setdefault(segment.sku, []).append(index + 1)
    rows: list[PreflightRow] = []
    for sku, numbers in segments.items():
        where = ", ".join(str(n) for n in numbers)
        product = products.get(sku)
        row_id = f"stock:{sku}"
        title = Text(f"Run-of-show: {sku}", f"直播脚本：{sku}")
        if product is None:
            rows.append(
                PreflightRow(
                    row_id,
                    "error",
                    title,
                    Text(
                        f"Segment {where}: {sku} is not in the room's cart",
                        f"第 {where} 个环节：商品 {sku} 不在购物车中",
                    ),
                    Text(
                        "Import or add the product, or fix the segment's SKU", "请导入或添加该商品，或修改环节中的 SKU"
                    ),
                )
            )
            continue
        name = str(product.get("title") or sku)
        stock = int(product.get("stock") or 0)
        if stock <= 0:
            rows.append(
                PreflightRow(
                    row_id,
                    "error",
                    title,
                    Text(f"Segment {where}: {name} is out of stock", f"第 {where} 个环节：{name} 已售罄"),
                    _STOCK_HINT,
                )
            )
        elif stock <= LOW_STOCK:
            rows.append(
                PreflightRow(
                    row_id,
                    "warning",
                    title,
                    Text(f"Segment {where}: only {stock} of {name} left", f"第 {where} 个环节：{name} 仅剩 {stock} 件"),
                    _STOCK_HINT,
                )
            )
    from app.rundown import check_claims

    for n, claim in enumerate(check_claims(rundown, products)):
        if claim.code in _STOCK_CLAIMS:
            continue  # the stock rows above say it, once per product
        segment = rundown.segments[claim.segment]
        name = segment.title or segment.sku or segment.kind
        rows.append(
            PreflightRow(
                f"claim:{n}:{claim.code}",
                "error" if claim.level == "error" else "warning",
                Text(
                    f"Run-of-show, segment {claim.segment + 1}: {name}",
                    f"直播脚本第 {claim.segment + 1} 个环节：{name}",
                ),
                Text(claim.message_en, claim.message_zh),
                Text(
                    "Change the talking point, or the product's data or the planned sale, to match",
                    "请修改话术，或修改商品信息、活动设置，使两者一致",
                ),
            )
        )
    if not rows:
        count = len(rundown.segments)
        rows.append(
            PreflightRow(
                "rundown",
                "ok",
                RUNDOWN_TITLE,
                Text(
                    f"{count} segments; every product is in stock (more than {LOW_STOCK} each)",
                    f"共 {count} 个环节；所有商品库存充足（各多于 {LOW_STOCK} 件）",
                ),
            )
        )
    return rows


def check_rundown(room: RoomClient) -> list[PreflightRow]:
    """The room's run-of-show (``GET …/rundown``) against its cart (``GET …/console-state``)."""
    data = room.rundown().get("rundown")
    if not data:
        return [PreflightRow("rundown", "ok", RUNDOWN_TITLE, Text("No run-of-show loaded", "未加载直播脚本"))]
    from app.rundown import rundown_from_json

    return rundown_rows(rundown_from_json(data), room.console_state()["cart"])
