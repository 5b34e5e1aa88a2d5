"""The room's live feed, declared once: every message the relay sends on ``…/live`` (app/relay/realtime.py),
and every message a viewer's page may send there (:data:`SentMessage`).

The relay sends ``snapshot`` on connect, then ``batch`` {t, events[]} every tick, and answers ``ping``
with ``pong`` and a refused message with ``error``; a feed it ends on purpose closes with one of
:data:`CLOSE_CODES`. The events inside batches are the types of
:data:`VIEWER_EVENTS` (a viewer's connection) and :data:`OWNER_EVENTS` (the host's console, and an
assistant's: the owner's feed without orders, metrics and co-host offers). Where the two differ (a
comment or a question carries the viewer's id for the owner) each has its own model.

The writers build these messages as dicts in the domain (``tx.notify`` in app/commerce/*.py); the
models say what those dicts are. ``tests/app/test_feed_protocol.py`` drives a room through every
type on a real relay and validates what each connection receives, and checks that the viewer page
(assets/web/room.js) handles every viewer event type or that :data:`IGNORED_BY_PAGE` says it does
not. The JSON Schema (:func:`json_schema`) is committed as ``assets/web/feed-schema.json``
(``python -m app.feed_protocol`` rewrites it; the test fails when it is out of date).

Money is decimal yuan (a float with at most two decimals), times are the relay's wall clock in
seconds (Unix time).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from app.analytics.model import Unit

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "assets" / "web" / "feed-schema.json"


class _Shape(BaseModel):
    """A declared shape: a field the writer adds without declaring it fails validation."""

    model_config = ConfigDict(extra="forbid")


class _Open(BaseModel):
    """A shape whose declared fields are checked and whose others are passed on (its own module
    documents them: the run-of-show's state)."""

    model_config = ConfigDict(extra="allow")


# --- the room's things, as the domain's ``view`` functions make them -----------------------------------


class ProductOption(_Shape):
    """A variant (size, colour) of a product (app/commerce/products.py ``view``)."""

    sku: str
    title: str
    price: float
    stock: int
    sold: int
    image: str | None
    parent_sku: str | None
    option: str | None


class Product(ProductOption):
    """A product in the cart (小黄车), with its options (empty for a product without variants)."""

    options: list[ProductOption] = Field(default_factory=list)


class _Deal(_Shape):
    id: str
    sku: str
    title: str
    image: str | None
    price: float
    regular_price: float | None


class FlashSale(_Deal):
    stock: int
    sold: int
    remaining: int
    per_user_limit: int
    opens_at: float
    closes_at: float
    phase: str


class Coupon(_Shape):
    id: str
    title: str
    amount: float
    min_spend: float
    quota: int
    claimed: int
    remaining: int
    per_user_limit: int
    expires_at: float
    ended: bool


class BuyGroup(_Shape):
    id: str
    group_buy_id: str
    status: str
    members: list[str]
    needed: int
    expires_at: float


class GroupBuy(_Deal):
    group_size: int
    window_s: float
    ended: bool
    open_groups: list[BuyGroup]


class PollOption(_Shape):
    text: str
    votes: int


class Poll(_Shape):
    id: str
    question: str
    options: list[PollOption]
    total: int
    status: str


class Question(_Shape):
    id: str
    nickname: str
    text: str
    status: str
    pinned: bool
    answer: str | None
    created_at: float


class OwnerQuestion(Question):
    viewer_id: str


class Winner(_Shape):
    """A winning entry: its ticket (app/commerce/draws.py), never the viewer's id."""

    ticket: str
    nickname: str


class DrawTicket(_Shape):
    """A viewer's own entry: ``ticket = sha256(salt + ":" + viewer_id)``, to find in the published list."""

    ticket: str
    salt: str


class Draw(_Shape):
    id: str
    prize: str
    winners: int
    keyword: str | None
    seed_hash: str
    status: str
    opens_at: float
    closes_at: float
    entrants: int
    seed: str | None
    winner_list: list[Winner] | None


class Comment(_Shape):
    id: int
    nickname: str
    text: str
    t: float


class OwnerComment(Comment):
    viewer_id: str


class Order(_Shape):
    """An order as its buyer sees it (app/commerce/orders.py ``view``)."""

    order_id: str
    status: str
    sku: str
    title: str
    qty: int
    unit_price: float
    discount: float
    total: float
    currency: str
    flash_sale_id: str | None
    group_id: str | None
    refunded: bool
    test_mode: bool
    rehearsal: bool
    created_at: float


class OwnerOrder(Order):
    """An order as the host sees it: who bought (absent on a refund's update)."""

    viewer_id: str | None = None
    nickname: str | None = None


class Payment(_Shape):
    provider: str
    test_mode: bool


class MyCoupon(_Shape):
    coupon_id: str
    used: bool


class Me(_Shape):
    """What one viewer has done in the room (app/commerce/engine.py ``me``)."""

    viewer_id: str
    orders: list[Order]
    coupons: list[MyCoupon]
    votes: dict[str, int]
    draws_entered: list[str]
    draw_tickets: dict[str, DrawTicket]
    muted_for_s: float


class RundownState(_Open):
    """Where the run-of-show's run is (app/commerce/rundown_runner.py ``view``)."""

    running: bool
    index: int
    segments: int
    segment: dict[str, Any] | None
    next: dict[str, Any] | None
    planned_s: float | None
    auto_advance: dict[str, bool]


class Metric(_Shape):
    """One metric of the dictionary (app/analytics/metrics.py ``sidebar``); only the sidebar's metrics
    carry ``minutes`` (per-minute values, oldest first), ``last5`` and ``prev5``."""

    value: float | None
    unit: Unit
    label_en: str
    label_zh: str
    minutes: list[float] | None = None
    last5: float | None = None
    prev5: float | None = None


class MetricsShow(_Shape):
    number: int
    start: float
    end: float | None
    live: bool
    rehearsal: bool


class Funnel(_Shape):
    exposure_people: int
    click_people: int
    cart_people: int
    order_people: int
    buyers: int
    orders: int
    gmv_cents: int


class PinnedFunnel(_Shape):
    sku: str
    title: str
    funnel: Funnel


# --- events inside a batch ------------------------------------------------------------------------------


class CartEvent(_Shape):
    type: Literal["cart"]
    products: list[Product]


class PinsEvent(_Shape):
    type: Literal["pins"]
    pins: list[str]


class StockEvent(_Shape):
    type: Literal["stock"]
    sku: str
    stock: int
    sold: int


class FlashSaleEvent(_Shape):
    type: Literal["flash_sale"]
    sale: FlashSale


class CouponEvent(_Shape):
    type: Literal["coupon"]
    coupon: Coupon


class GroupBuyEvent(_Shape):
    type: Literal["group_buy"]
    group_buy: GroupBuy


class PollEvent(_Shape):
    type: Literal["poll"]
    poll: Poll


class QuestionEvent(_Shape):
    """A question answered or pinned (to everyone), or one's own question (to its asker)."""

    type: Literal["question"]
    question: Question


class OwnerQuestionEvent(_Shape):
    type: Literal["question"]
    question: OwnerQuestion


class DrawEvent(_Shape):
    type: Literal["draw"]
    draw: Draw


class DrawEnteredEvent(_Shape):
    """To the viewer who entered."""

    type: Literal["draw_entered"]
    draw_id: str
    ticket: str
    salt: str


class DrawWonEvent(_Shape):
    """To each winner."""

    type: Literal["draw_won"]
    draw_id: str
    prize: str


class MyOrderEvent(_Shape):
    """To the buyer: an order of theirs changed (a group filled, a refund)."""

    type: Literal["my_order"]
    order: Order


class CommentEvent(Comment):
    type: Literal["comment"]


class OwnerCommentEvent(OwnerComment):
    type: Literal["comment"]


class CommentDeletedEvent(_Shape):
    type: Literal["comment_deleted"]
    id: int


class LikesEvent(_Shape):
    type: Literal["likes"]
    total: int


class OnlineEvent(_Shape):
    type: Literal["online"]
    count: int


class RehearsalEvent(_Shape):
    type: Literal["rehearsal"]
    on: bool
    test_mode: bool


class OrderEvent(_Shape):
    """To the owner: an order was placed, or one changed."""

    type: Literal["order"]
    order: OwnerOrder


class MutedEvent(_Shape):
    type: Literal["muted"]
    viewer_id: str
    until: float | None


class RundownEvent(_Shape):
    type: Literal["rundown"]
    state: RundownState


class MetricsEvent(_Shape):
    """The live metrics (documented in app/relay/realtime.py), every 1.5 s in a batch of its own."""

    type: Literal["metrics"]
    t: float
    events: int
    show: MetricsShow | None
    metrics: dict[str, Metric]
    pinned: PinnedFunnel | None


class CohostOfferEvent(_Shape):
    type: Literal["cohost.offer"]
    session: str
    invite: str
    name: str
    sdp: str


class CohostLeftEvent(_Shape):
    type: Literal["cohost.left"]
    session: str
    reason: Literal["left", "timeout", "cancelled"]


_PUBLIC: tuple[type[BaseModel], ...] = (
    CartEvent, PinsEvent, StockEvent, FlashSaleEvent, CouponEvent, GroupBuyEvent, PollEvent, DrawEvent,
    CommentDeletedEvent, LikesEvent, OnlineEvent, RehearsalEvent,
)  # fmt: skip
_VIEWER_ONLY: tuple[type[BaseModel], ...] = (
    CommentEvent, QuestionEvent, DrawEnteredEvent, DrawWonEvent, MyOrderEvent,
)  # fmt: skip
_OWNER_ONLY: tuple[type[BaseModel], ...] = (
    OwnerCommentEvent, OwnerQuestionEvent, OrderEvent, MutedEvent, RundownEvent, MetricsEvent, CohostOfferEvent,
    CohostLeftEvent,
)  # fmt: skip


def _type_of(model: type[BaseModel]) -> str:
    annotation = model.model_fields["type"].annotation
    return str(annotation.__args__[0])  # type: ignore[union-attr]


VIEWER_EVENTS: dict[str, type[BaseModel]] = {_type_of(m): m for m in _PUBLIC + _VIEWER_ONLY}
"""Event type → model, for a viewer's connection."""
OWNER_EVENTS: dict[str, type[BaseModel]] = {_type_of(m): m for m in _PUBLIC + _OWNER_ONLY}
"""Event type → model, for the owner's console (and an assistant's)."""
TIMED_EVENTS: frozenset[str] = frozenset(
    {"cart", "pins", "stock", "flash_sale", "coupon", "group_buy", "poll", "draw", "draw_won"}
)
"""Viewer event types that happen at a picture: the host pins, opens a deal, a draw is made. The relay
sends them in batches of their own stamped with ``at`` (the stream time of the program picture when the
first of them happened), and the viewer page shows them when its player reaches that picture (at most
``hold_s`` of the snapshot later); ``draw_won`` (a viewer's own, in a stamped batch of its own) waits for
the draw like everybody's. Comments, likes and the viewer's replies to their own actions are not held."""
IGNORED_BY_PAGE: frozenset[str] = frozenset()
"""Viewer event types the viewer page (assets/web/room.js) deliberately does not handle."""

# --- top-level messages ---------------------------------------------------------------------------------


class _Snapshot(_Shape):
    type: Literal["snapshot"]
    room: str
    server_time: float
    payment: Payment
    rehearsal: bool
    currency: str
    cart: list[Product]
    pins: list[str]
    flash_sales: list[FlashSale]
    coupons: list[Coupon]
    group_buys: list[GroupBuy]
    polls: list[Poll]
    questions: list[Question]
    draws: list[Draw]
    likes: int
    online: int


class ViewerSnapshot(_Snapshot):
    comments: list[Comment]
    me: Me
    hold_s: float
    """The longest the page holds a timed batch for its picture (app/commerce/flash_sales.LATE_TAP_S: a
    flash sale takes a tap that late after its close, when the tap's picture was before it)."""


class OwnerSnapshot(_Snapshot):
    """The owner's; an assistant's has no ``orders``, ``blocked_words`` nor ``metrics``."""

    comments: list[OwnerComment]
    question_queue: list[OwnerQuestion]
    rundown: RundownState
    orders: list[OwnerOrder] | None = None
    blocked_words: list[str] | None = None
    metrics: MetricsEvent | None = None


ViewerEvent = Annotated[
    CartEvent | PinsEvent | StockEvent | FlashSaleEvent | CouponEvent | GroupBuyEvent | PollEvent | DrawEvent
    | CommentDeletedEvent | LikesEvent | OnlineEvent | RehearsalEvent
    | CommentEvent | QuestionEvent | DrawEnteredEvent | DrawWonEvent | MyOrderEvent,
    Field(discriminator="type"),
]  # fmt: skip
OwnerEvent = Annotated[
    CartEvent | PinsEvent | StockEvent | FlashSaleEvent | CouponEvent | GroupBuyEvent | PollEvent | DrawEvent
    | CommentDeletedEvent | LikesEvent | OnlineEvent | RehearsalEvent
    | OwnerCommentEvent | OwnerQuestionEvent | OrderEvent | MutedEvent | RundownEvent | MetricsEvent
    | CohostOfferEvent | CohostLeftEvent,
    Field(discriminator="type"),
]  # fmt: skip


class ViewerBatch(_Shape):
    type: Literal["batch"]
    t: float
    events: list[ViewerEvent]
    at: float | None = None
    """Only on a batch of :data:`TIMED_EVENTS`: the stream time (Unix seconds on the scale of the
    playlists' EXT-X-PROGRAM-DATE-TIME) of the program picture when its first event happened. The page
    applies the batch when its player shows that picture; batches without it at once."""


class OwnerBatch(_Shape):
    type: Literal["batch"]
    t: float
    events: list[OwnerEvent]


class Pong(_Shape):
    type: Literal["pong"]
    id: Any = None
    t: float


class Error(_Shape):
    """A message of the connection's refused (``code`` as in the REST API's errors)."""

    type: Literal["error"]
    code: str
    message: str
    ref: Any = None


ViewerMessage = Annotated[ViewerSnapshot | ViewerBatch | Pong | Error, Field(discriminator="type")]
OwnerMessage = Annotated[OwnerSnapshot | OwnerBatch | Pong | Error, Field(discriminator="type")]
MESSAGE_TYPES = ("snapshot", "batch", "pong", "error")

# --- what a viewer's page sends (the relay's side: app/relay/realtime.py ``_handle``) ----------------------


class _Sent(BaseModel):
    """A message a viewer sends. Fields a newer page adds are ignored (an old relay keeps working); the
    declared ones are checked strictly (a count is a whole number, never "3" or true)."""

    model_config = ConfigDict(extra="ignore", strict=True)
    id: Any = None
    """Echoed as ``ref`` in an ``error`` about this message, and as ``id`` in a ``pong``."""


class PingSent(_Sent):
    type: Literal["ping"]


class HelloSent(_Sent):
    """The viewer's nickname (checked and replaced as the REST API's are: app/commerce/values.py)."""

    type: Literal["hello"]
    nickname: str | None = None


class CommentSent(_Sent):
    type: Literal["comment"]
    text: str


class LikeSent(_Sent):
    type: Literal["like"]
    count: int = 1


class InteractionSent(_Sent):
    """The funnel's analytics: a product card shown, clicked, put in the cart, or a share (logged once per
    viewer, product, kind and minute)."""

    type: Literal["exposure", "click", "cart_add", "share"]
    skus: list[str] = Field(default_factory=list)
    via: str | None = None


SentMessage = Annotated[PingSent | HelloSent | CommentSent | LikeSent | InteractionSent, Field(discriminator="type")]
SENT_TYPES = ("ping", "hello", "comment", "like", "exposure", "click", "cart_add", "share")
SENT_MESSAGE: TypeAdapter[Any] = TypeAdapter(SentMessage)


def parse_sent(message: Any) -> PingSent | HelloSent | CommentSent | LikeSent | InteractionSent:
    """A viewer's message checked against :data:`SentMessage` (pydantic's ValidationError if it is not one)."""
    parsed: PingSent | HelloSent | CommentSent | LikeSent | InteractionSent = SENT_MESSAGE.validate_python(message)
    return parsed


CLOSE_CREDENTIAL_GONE = 4401
"""The relay closes a feed with this code when the credential it was opened with stopped working: an
assistant link revoked or expired, or the owner token replaced (``POST …/owner-token``). The reason says
which. The same credential is refused at the next handshake (401): ask for a new one, do not retry."""
CLOSE_CODES: dict[int, str] = {
    CLOSE_CREDENTIAL_GONE: "the credential the feed was opened with was revoked, expired or replaced",
}

VIEWER_MESSAGE: TypeAdapter[Any] = TypeAdapter(ViewerMessage)
OWNER_MESSAGE: TypeAdapter[Any] = TypeAdapter(OwnerMessage)


def parse(message: dict[str, Any], *, owner: bool) -> BaseModel:
    """``message`` checked against the declaration for its connection (pydantic's ValidationError if not)."""
    adapter = OWNER_MESSAGE if owner else VIEWER_MESSAGE
    result: BaseModel = adapter.validate_python(message)
    return result


class _Feed(BaseModel):
    viewer: ViewerMessage
    owner: OwnerMessage
    sent: SentMessage
    """What a viewer's page sends on the feed."""


def json_schema() -> dict[str, Any]:
    """The feed's JSON Schema: ``#/properties/viewer`` is a viewer's message, ``#/properties/owner``
    the owner console's, ``#/properties/sent`` what a viewer's page sends; ``x-event-types`` lists each
    side's event types."""
    schema = _Feed.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ShopCast live feed"
    schema["description"] = (
        "Messages the relay sends on ws://…/api/v1/rooms/{room}/live, and what a viewer sends there "
        "(app/feed_protocol.py; "
        "regenerate with `python -m app.feed_protocol`)."
    )
    schema["x-event-types"] = {"viewer": sorted(VIEWER_EVENTS), "owner": sorted(OWNER_EVENTS)}
    schema["x-ignored-by-page"] = sorted(IGNORED_BY_PAGE)
    schema["x-timed-events"] = sorted(TIMED_EVENTS)
    schema["x-close-codes"] = {str(code): meaning for code, meaning in CLOSE_CODES.items()}
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to assets/web/feed-schema.json (or the path given)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SCHEMA_PATH
    path.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
