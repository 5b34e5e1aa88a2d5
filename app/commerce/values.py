"""Rules for the values the engine accepts: money, viewer ids, names and texts."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from app.commerce.errors import CommerceError

MAX_PRICE_CENTS = 100_000_000  # 1,000,000.00
VIEWER_ID = re.compile(r"[A-Za-z0-9_-]{6,64}")
SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def invalid(message: str) -> CommerceError:
    return CommerceError(422, "invalid_request", message)


def cents(value: Decimal | str | int | float, what: str = "price") -> int:
    """Money in cents from a decimal amount with at most two decimals, e.g. ``59.9`` → 5990."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise invalid(f"{what} must be a number, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise invalid(f"{what} must be zero or more")
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise invalid(f"{what} may have at most two decimals, got {value}")
    result = int(scaled)
    if result > MAX_PRICE_CENTS:
        raise invalid(f"{what} must be at most 1000000")
    return result


def money(amount_cents: int) -> float:
    return round(amount_cents / 100, 2)


def sku(value: str) -> str:
    if not SKU.fullmatch(value):
        raise invalid(f"sku {value[:70]!r} must be 1-64 letters, digits, '.', '-' or '_'")
    return value


ZWJ = "\u200d"
"""The zero-width joiner: kept in text (emoji sequences are made with it), dropped for matching."""


def _kept(char: str) -> bool:
    kind = unicodedata.category(char)
    return (kind != "Cc" or char == "\n") and (kind != "Cf" or char == ZWJ)


def text(value: str, what: str, max_length: int, min_length: int = 1) -> str:
    """Normalised user text: NFC, trimmed, no control characters and no invisible format characters
    (bidi overrides, zero-width spaces and joiners but the emoji joiner), within length bounds."""
    cleaned = unicodedata.normalize("NFC", value)
    cleaned = "".join(
        c
        for c in cleaned
        if (unicodedata.category(c) != "Cc" or c == "\n") and (unicodedata.category(c) != "Cf" or c == ZWJ)
    ).strip()
    if len(cleaned) < min_length:
        raise invalid(f"{what} is empty" if min_length == 1 else f"{what} needs at least {min_length} characters")
    if len(cleaned) > max_length:
        raise invalid(f"{what} is longer than {max_length} characters")
    return cleaned


def matching(value: str) -> str:
    """The form text is compared in (blocked words, reserved names): NFKC — full-width letters as
    ASCII, compatibility forms as their base — case-folded, without any format character, so that
    full-width BAD, B<zero-width space>AD and bad are one word."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


RESERVED_NAMES = ("host", "admin", "moderator", "shopcast", "主播", "官方", "管理员", "客服")
"""What a viewer's nickname may not contain (in its matching form): it would pass for the room's own."""


def nickname(value: str | None, viewer: str, room: tuple[str, ...] = ()) -> str:
    """A viewer's display name; a missing, invalid or reserved one is ``Viewer <last 4 of the id>``.
    Reserved: :data:`RESERVED_NAMES`, and the room's own names (``room``: its title and its address name),
    compared in their matching forms, so "ＡＬＩＣＥ的直播间" is the room "Alice的直播间"."""
    if value:
        try:
            name = text(value, "nickname", 24).replace("\n", " ")
        except CommerceError:
            name = ""
        folded = matching(name)
        reserved = [*RESERVED_NAMES, *(r for r in map(matching, room) if len(r) >= 2)]
        if name and folded.strip() and not any(word in folded for word in reserved):
            return name
    return f"Viewer {viewer[-4:]}"


def in_range(value: float, low: float, high: float, what: str) -> float:
    if not low <= value <= high:
        raise invalid(f"{what} must be between {low:g} and {high:g}, got {value:g}")
    return value
