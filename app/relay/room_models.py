"""Request bodies of the room API. Unknown fields are refused, so a typo is an error, not a no-op."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.commerce.values import cents

Money = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=10, decimal_places=2, examples=[59.9])]
Sku = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", examples=["tee-white-m"])]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def to_cents(value: Decimal) -> int:
    return cents(value)


class ProductCreate(Body):
    sku: Sku
    title: str = Field(min_length=1, max_length=120)
    price: Money
    stock: int = Field(ge=0, le=10_000_000)
    image: str | None = Field(default=None, max_length=500, pattern=r"^(https?://|/)\S+$")


class PinCreate(Body):
    sku: Sku


class FlashSaleCreate(Body):
    sku: Sku
    price: Money
    stock: int = Field(ge=1, le=1_000_000)
    per_user_limit: int = Field(ge=1, le=99)
    countdown_s: float = Field(ge=0, le=300, description="seconds before the sale opens (0: at once)")
    duration_s: float = Field(ge=60, le=1200, description="how long it stays open (1-20 min)")


class OrderCreate(Body):
    sku: Sku
    qty: int = Field(default=1, ge=1, le=99)
    flash_sale_id: Id | None = None
    coupon_id: Id | None = None
    group_buy_id: Id | None = Field(default=None, description="start a new group of this group-buy")
    group_id: Id | None = Field(default=None, description="join this open group")
    nickname: str | None = Field(default=None, max_length=24)
    source: Literal["live", "replay"] = Field(default="live", description="bought from the live room or a replay")
    seen_at: float | None = Field(
        default=None,
        ge=0,
        le=1e11,
        description="stream time (Unix s, the playlists' PROGRAM-DATE-TIME) of the picture on screen at the tap:"
        " a flash sale's window is checked there, at most 5 s back",
    )


class CouponCreate(Body):
    title: str = Field(min_length=1, max_length=40, examples=["满100减20"])
    amount: Money = Field(gt=0)
    min_spend: Money = Decimal(0)
    quota: int = Field(ge=1, le=1_000_000)
    per_user_limit: int = Field(default=1, ge=1, le=10)
    valid_s: float = Field(default=3600, ge=60, le=7 * 24 * 3600)


class GroupBuyCreate(Body):
    sku: Sku
    price: Money
    group_size: int = Field(ge=2, le=50)
    window_s: float = Field(ge=10, le=24 * 3600)


class PollCreate(Body):
    question: str = Field(min_length=1, max_length=120)
    options: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(min_length=2, max_length=6)


class VoteCreate(Body):
    option: int = Field(ge=0, le=5, description="0-based index of the chosen option")


class QuestionCreate(Body):
    text: str = Field(min_length=1, max_length=200)
    nickname: str | None = Field(default=None, max_length=24)


class QuestionUpdate(Body):
    status: str | None = Field(default=None, pattern=r"^(open|answered|dismissed)$")
    pinned: bool | None = None
    answer: str | None = Field(default=None, min_length=1, max_length=300)


class DrawCreate(Body):
    prize: str = Field(min_length=1, max_length=60)
    winners: int = Field(default=1, ge=1, le=100)
    keyword: str | None = Field(default=None, min_length=1, max_length=20, description="commenting it enters the draw")
    duration_s: float = Field(ge=10, le=3600)


class DrawEntry(Body):
    nickname: str | None = Field(default=None, max_length=24)


class CommentCreate(Body):
    text: str = Field(min_length=1, max_length=200)
    nickname: str | None = Field(default=None, max_length=24)


class MuteCreate(Body):
    viewer_id: str = Field(pattern=r"^[A-Za-z0-9_-]{6,64}$")
    minutes: float = Field(default=10, ge=1, le=24 * 60)


class BlockedWords(Body):
    words: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(max_length=200)


class VerificationPolicy(Body):
    """Which scarce actions the room keeps for viewers who verified a phone number
    (app/commerce/verification.py). Each is off unless said."""

    flash_sales: bool = False
    draws: bool = False
    coupons: bool = False


class StockChange(Body):
    """A correction of a product's stock: units found (+) or gone (-), and why (logged)."""

    delta: int = Field(ge=-10_000_000, le=10_000_000, examples=[-3])
    reason: str = Field(min_length=1, max_length=80, examples=["3 damaged in the studio"])
