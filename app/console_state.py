"""The host console's view of the room, kept current from the owner feed (Qt-free).

``apply`` takes a feed message (``snapshot`` or ``batch``) and returns the names of the sections that
changed, so a view redraws only those.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

SECTIONS = ("products", "pins", "flash_sales", "coupons", "group_buys", "polls", "questions", "draws",
            "comments", "orders", "likes", "online", "rehearsal", "rundown")  # fmt: skip
IGNORED_EVENTS = frozenset({"muted", "metrics", "cohost.offer", "cohost.left"})
"""Owner-feed event types (app/feed_protocol.py ``OWNER_EVENTS``, the declared shapes this state reads)
that it does not keep: the metrics dock and the co-host controller take them from the same feed, and a
mute changes nothing shown here. Every other declared type changes a section
(tests/app/test_feed_protocol.py feeds a real relay's owner feed through :meth:`ConsoleState.apply`)."""


@dataclass
class ConsoleState:
    cart: list[dict[str, Any]] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    flash_sales: dict[str, dict[str, Any]] = field(default_factory=dict)
    coupons: dict[str, dict[str, Any]] = field(default_factory=dict)
    group_buys: dict[str, dict[str, Any]] = field(default_factory=dict)
    polls: dict[str, dict[str, Any]] = field(default_factory=dict)
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    draws: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    blocked_words: list[str] = field(default_factory=list)
    likes: int = 0
    online: int = 0
    test_mode: bool = True
    rundown: dict[str, Any] | None = None
    """Where the run-of-show's run is (app/commerce/rundown_runner.py ``view``), None before the feed says."""
    rehearsal: bool = False
    """The room is rehearsing (彩排): unlisted, its orders test orders (app/commerce/rehearsal.py)."""
    server_offset: float = 0.0
    """Server clock minus this machine's, from the latest message's timestamp."""
    ready: bool = False

    def server_now(self) -> float:
        return time.time() + self.server_offset

    def products(self) -> list[dict[str, Any]]:
        """Every product and option, flat, in cart order (options after their product)."""
        flat: list[dict[str, Any]] = []
        for product in self.cart:
            flat.append(product)
            flat.extend(product.get("options") or [])
        return flat

    def orderable(self) -> list[dict[str, Any]]:
        """Products a viewer can buy directly (no options, or an option)."""
        return [p for p in self.products() if not p.get("options")]

    def product(self, sku: str) -> dict[str, Any] | None:
        return next((p for p in self.products() if p["sku"] == sku), None)

    def apply(self, message: dict[str, Any]) -> set[str]:
        kind = message.get("type")
        if kind == "snapshot":
            return self._snapshot(message)
        if kind == "batch":
            if isinstance(message.get("t"), int | float):
                self.server_offset = message["t"] - time.time()
            changed: set[str] = set()
            for event in message.get("events", []):
                changed |= self._event(event)
            return changed
        return set()

    def _snapshot(self, message: dict[str, Any]) -> set[str]:
        self.server_offset = message["server_time"] - time.time()
        self.cart = message["cart"]
        self.pins = message["pins"]
        self.flash_sales = {s["id"]: s for s in message["flash_sales"]}
        self.coupons = {c["id"]: c for c in message["coupons"]}
        self.group_buys = {g["id"]: g for g in message["group_buys"]}
        self.polls = {p["id"]: p for p in message["polls"]}
        self.questions = {q["id"]: q for q in message.get("question_queue", message["questions"])}
        self.draws = {d["id"]: d for d in message["draws"]}
        self.comments = list(message["comments"])
        self.orders = list(message.get("orders", []))
        self.blocked_words = list(message.get("blocked_words", []))
        self.likes = message["likes"]
        self.online = message.get("online", 0)
        self.test_mode = bool(message["payment"]["test_mode"])
        self.rehearsal = bool(message.get("rehearsal", False))
        state = message.get("rundown")
        self.rundown = state if isinstance(state, dict) else None
        self.ready = True
        return set(SECTIONS)

    def _event(self, event: dict[str, Any]) -> set[str]:
        kind = event.get("type")
        if kind == "cart":
            self.cart = event["products"]
            return {"products"}
        if kind == "pins":
            self.pins = event["pins"]
            return {"pins", "products"}
        if kind == "stock":
            for product in self.products():
                if product["sku"] == event["sku"]:
                    product["stock"], product["sold"] = event["stock"], event["sold"]
            return {"products"}
        keyed = {
            "flash_sale": ("sale", self.flash_sales, "flash_sales"),
            "coupon": ("coupon", self.coupons, "coupons"),
            "group_buy": ("group_buy", self.group_buys, "group_buys"),
            "poll": ("poll", self.polls, "polls"),
            "question": ("question", self.questions, "questions"),
            "draw": ("draw", self.draws, "draws"),
        }
        if kind in keyed:
            name, table, section = keyed[kind]
            item = event[name]
            table[item["id"]] = item
            return {section}
        if kind == "comment":
            self.comments = [*self.comments[-199:], event]
            return {"comments"}
        if kind == "comment_deleted":
            self.comments = [c for c in self.comments if c["id"] != event["id"]]
            return {"comments"}
        if kind == "order":
            order = event["order"]
            self.orders = [o for o in self.orders if o["order_id"] != order["order_id"]]
            self.orders.insert(0, order)
            return {"orders"}
        if kind == "likes":
            self.likes = event["total"]
            return {"likes"}
        if kind == "online":
            self.online = event["count"]
            return {"online"}
        if kind == "rehearsal":
            self.rehearsal = bool(event["on"])
            self.test_mode = bool(event.get("test_mode", self.test_mode))
            return {"rehearsal"}
        if kind == "rundown" and isinstance(event.get("state"), dict):
            self.rundown = event["state"]
            return {"rundown"}
        return set()
