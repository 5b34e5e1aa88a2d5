"""The room's event-log types, declared once (table ``events``, see docs/architecture.md *Room engine*).

Every type that ``tx.log`` writes in app/ is one of :data:`EVENT_TYPES`; the metrics fold
(app/analytics/metrics.py ``_HANDLERS``) handles each of them or lists it in
:data:`app.analytics.metrics.FOLD_IGNORES`. ``tests/app/test_feed_protocol.py`` checks both ways: a
new type written without a declaration, or declared without the fold saying what it does with it,
fails the test.
"""

from __future__ import annotations

from typing import Final

VIEWER: Final = ("viewer.enter", "viewer.leave", "viewer.muted", "viewer.unmuted")
INTERACTION: Final = ("comment", "comment.deleted", "like", "share", "product.exposure", "product.click", "cart.add")
"""``product.exposure``, ``product.click``, ``cart.add`` and ``share`` come from the feed's
``exposure``/``click``/``cart_add``/``share`` messages (app/commerce/chat.py ``INTERACTIONS``)."""
CATALOG: Final = ("product.added", "catalog.imported", "stock.changed", "pin", "unpin")
"""``stock.changed``: a delta of a product's stock with its reason (a re-import's changed allotment, or the
host's correction; app/commerce/products.py)."""
ORDER: Final = ("order.created", "order.paid", "order.cancelled", "order.refunded")
CAMPAIGN: Final = (
    "flash_sale.created", "flash_sale.opened", "flash_sale.closed", "flash_sale.returned",
    "coupon.issued", "coupon.claimed", "coupon.ended",
    "group_buy.created", "group_buy.ended",
    "group.opened", "group.joined", "group.filled", "group.failed",
    "poll.opened", "poll.voted", "poll.closed",
    "draw.opened", "draw.entered", "draw.closed",
)  # fmt: skip
QUESTION: Final = ("question.asked", "question.open", "question.answered", "question.dismissed")
"""``question.<status>`` for each status of app/commerce/questions.py ``STATUSES``."""
MODERATION: Final = ("moderation.words", "room.verification")
"""``room.verification``: which scarce actions the room keeps for verified viewers."""
COHOST: Final = ("cohost.invited", "cohost.revoked", "cohost.joined", "cohost.left")
ASSISTANT: Final = ("assistant.invited", "assistant.revoked")
SHOW: Final = (
    "stream.started", "stream.ended", "rehearsal.started", "rehearsal.ended", "relay.started", "relay.lost",
    "rundown.saved", "rundown.cue", "rundown.launched", "rundown.ended",
)  # fmt: skip
STUDIO: Final = ("health.incident",)
"""Logged by the studio itself (``POST …/events``, app/commerce/studio_events.py ``STUDIO_EVENTS``)."""

EVENT_TYPES: Final[frozenset[str]] = frozenset(
    VIEWER + INTERACTION + CATALOG + ORDER + CAMPAIGN + QUESTION + MODERATION + COHOST + ASSISTANT + SHOW + STUDIO
)
