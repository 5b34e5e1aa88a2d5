"""The run-of-show (直播脚本): the show's segments in order, what each says and what it launches.

A segment has a kind (opening, product, interaction, promotion, closing), a product (SKU), the scene
it puts on air, its talking points (卖点), a target duration and planned actions: pin its product
(讲解中), a flash sale, a coupon, a poll, a lucky draw, a co-host invite. The relay plays it
(app/commerce/rundown_runner.py: "next" pins the product, arms the promotions, logs the cue); the
studio switches the scene and shows the prompter.

Files (docs/rundown.md): JSON ``{"format": "shopcast.rundown", "version": 1, "segments": [...]}``
where only ``segments`` is required and, in a segment, only ``duration_s`` (and a ``sku`` for a
product segment) — ``{"segments": [{"sku": "tee", "duration_s": 5}]}`` plays — and CSV with one
row per segment (:data:`CSV_COLUMNS`), as merchants keep scripts in spreadsheets. Every problem is
reported with where it is (``segments[2].flash_sale.price``, ``row 4, column flash_sale_price``)
and nothing is half read.

:func:`check_claims` reads the talking points for the claims regulators fine false ones of — a
price, a discount (N折, 半价), free shipping (包邮), limited stock (限量 N 件) — and flags those the
product data or the planned sale do not bear out.
"""

from __future__ import annotations

import csv
import io
import math
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from app.commerce.flash_sales import COUNTDOWN_S, DURATION_S
from app.commerce.strict_json import load_json

FORMAT = "shopcast.rundown"
VERSION = 1
SEGMENT_KINDS = ("opening", "product", "interaction", "promotion", "closing")
ACTION_KINDS = ("flash_sale", "coupon", "poll", "draw", "cohost")
"""Planned actions in the order "launch" takes them."""
MAX_SEGMENTS = 200
MAX_POINTS = 20
POINT_MAX = 200
TITLE_MAX = 60
MAX_DURATION_S = 4 * 3600
MAX_PRICE_CENTS = 100_000_000
MAX_FILE_BYTES = 1024 * 1024
SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
SEGMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
POINT_SEPARATOR = "|"
"""Talking points and poll options in one CSV cell are separated by this (or by line breaks)."""


class RundownError(ValueError):
    """A run-of-show that cannot be read; ``where`` names the place (a JSON path or a CSV row and
    column) and the message says what is wrong there."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.problem = message


# --- the record ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlashSalePlan:
    """A 秒杀 armed by the cue and launched by the host (or with the cue)."""

    price_cents: int
    stock: int
    per_user_limit: int = 1
    countdown_s: float = 10.0
    duration_s: float = 300.0
    launch_with_cue: bool = False


@dataclass(frozen=True, slots=True)
class CouponPlan:
    title: str
    amount_cents: int
    quota: int
    min_spend_cents: int = 0
    per_user_limit: int = 1
    valid_s: float = 3600.0
    launch_with_cue: bool = False


@dataclass(frozen=True, slots=True)
class PollPlan:
    question: str
    options: tuple[str, ...]
    launch_with_cue: bool = False


@dataclass(frozen=True, slots=True)
class DrawPlan:
    """A 福袋: commenting ``keyword`` (or tapping enter) joins it while it runs."""

    prize: str
    winners: int = 1
    keyword: str | None = None
    duration_s: float = 120.0
    launch_with_cue: bool = False


@dataclass(frozen=True, slots=True)
class CohostPlan:
    """A 连麦 invite link made for this segment (the studio shows it to copy)."""

    label: str | None = None
    launch_with_cue: bool = False


Plan = FlashSalePlan | CouponPlan | PollPlan | DrawPlan | CohostPlan


@dataclass(frozen=True, slots=True)
class Segment:
    id: str
    kind: str = "product"
    title: str = ""
    sku: str | None = None
    scene: str | None = None
    """The scene the cue puts on air (its name or id; None: keep the one on air)."""
    points: tuple[str, ...] = ()
    duration_s: float = 300.0
    pin: bool = True
    """Pin ``sku`` (讲解中) when the segment starts."""
    flash_sale: FlashSalePlan | None = None
    coupon: CouponPlan | None = None
    poll: PollPlan | None = None
    draw: DrawPlan | None = None
    cohost: CohostPlan | None = None

    @property
    def actions(self) -> list[tuple[str, Plan]]:
        """The planned actions in launch order."""
        found = [(kind, getattr(self, kind)) for kind in ACTION_KINDS]
        return [(kind, plan) for kind, plan in found if plan is not None]

    def label(self) -> str:
        """What the segment is called where it is listed: its title, else its product, else its kind."""
        return self.title or self.sku or self.kind


@dataclass(frozen=True, slots=True)
class AutoAdvance:
    """Start the next segment by itself (both off by default: the host calls the moment)."""

    sold_out: bool = False
    """…when the segment's flash sale sells out."""
    time_up: bool = False
    """…when the segment's target duration is over."""


@dataclass(frozen=True, slots=True)
class Rundown:
    segments: tuple[Segment, ...] = ()
    auto_advance: AutoAdvance = field(default_factory=AutoAdvance)
    title: str = ""

    @property
    def planned_s(self) -> float:
        return sum(s.duration_s for s in self.segments)

    def index_of(self, segment_id: str) -> int | None:
        for i, segment in enumerate(self.segments):
            if segment.id == segment_id:
                return i
        return None


def new_segment_id() -> str:
    return secrets.token_hex(4)


# --- JSON -----------------------------------------------------------------------------------------------


def _where(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


class _Reader:
    """Typed reads of one JSON object (or one CSV row turned into a dict) naming the field at fault."""

    def __init__(self, raw: Mapping[str, Any], where: str, allowed: tuple[str, ...]) -> None:
        self.raw = raw
        self.where = where
        unknown = sorted(str(k) for k in raw if k not in allowed)
        if unknown:
            raise RundownError(_where(where, unknown[0]), f"unknown field (known: {', '.join(allowed)})")

    def at(self, name: str) -> str:
        return _where(self.where, name)

    def present(self, name: str) -> bool:
        value = self.raw.get(name)
        return value is not None and value != ""

    def text(self, name: str, max_length: int, *, default: str | None = None) -> str:
        value = self.raw.get(name)
        if value is None or value == "":
            if default is None:
                raise RundownError(self.at(name), "is missing")
            return default
        if not isinstance(value, str):
            raise RundownError(self.at(name), f"must be text, got {type(value).__name__}")
        cleaned = " ".join(value.split())
        if len(cleaned) > max_length:
            raise RundownError(self.at(name), f"is longer than {max_length} characters")
        return cleaned

    def number(self, name: str, low: float, high: float, *, default: float | None = None) -> float:
        value = self.raw.get(name)
        if value is None or value == "":
            if default is None:
                raise RundownError(self.at(name), "is missing")
            return default
        if isinstance(value, str):
            said = value
            try:
                value = float(said.strip())
            except ValueError:
                raise RundownError(self.at(name), f"must be a number, got {said[:30]!r}") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RundownError(self.at(name), f"must be a number, got {value!r}"[:120])
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an integer too large for a float
            finite = False
        if not finite:
            raise RundownError(self.at(name), f"must be a number between {low:g} and {high:g}")
        if not low <= value <= high:
            raise RundownError(self.at(name), f"must be between {low:g} and {high:g}, got {value:g}")
        return float(value)

    def whole(self, name: str, low: int, high: int, *, default: int | None = None) -> int:
        value = self.number(name, low, high, default=None if default is None else float(default))
        if value != int(value):
            raise RundownError(self.at(name), f"must be a whole number, got {value:g}")
        return int(value)

    def money(self, name: str, *, default: int | None = None) -> int:
        value = self.raw.get(name)
        if value is None or value == "":
            if default is None:
                raise RundownError(self.at(name), "is missing")
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise RundownError(self.at(name), f"must be an amount in yuan like 59.9, got {type(value).__name__}")
        try:
            amount = Decimal(str(value).strip().lstrip("¥￥"))
            if not amount.is_finite():
                raise InvalidOperation
            scaled = amount * 100
        except (InvalidOperation, ArithmeticError):
            raise RundownError(self.at(name), f"must be an amount in yuan like 59.9, got {str(value)[:30]!r}") from None
        if amount < 0 or scaled != scaled.to_integral_value():
            raise RundownError(self.at(name), f"must be zero or more with at most two decimals, got {value}")
        if scaled > MAX_PRICE_CENTS:
            raise RundownError(self.at(name), "must be at most 1000000")
        return int(scaled)

    def flag(self, name: str, *, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "y", "是"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "n", "否"):
            return False
        raise RundownError(self.at(name), f"must be true or false, got {value!r}"[:120])

    def texts(self, name: str, max_items: int, max_length: int) -> tuple[str, ...]:
        value: Any = self.raw.get(name)
        if value is None or value == "":
            return ()
        if isinstance(value, str):
            value = [part for part in re.split(r"\s*(?:\||\n)\s*", value) if part.strip()]
        if not isinstance(value, list):
            raise RundownError(self.at(name), f"must be a list of texts, got {type(value).__name__}")
        if len(value) > max_items:
            raise RundownError(self.at(name), f"has {len(value)} items; at most {max_items}")
        result = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise RundownError(f"{self.at(name)}[{i}]", f"must be text, got {type(item).__name__}")
            cleaned = " ".join(item.split())
            if not cleaned:
                raise RundownError(f"{self.at(name)}[{i}]", "is empty")
            if len(cleaned) > max_length:
                raise RundownError(f"{self.at(name)}[{i}]", f"is longer than {max_length} characters")
            result.append(cleaned)
        return tuple(result)

    def object(self, name: str) -> Mapping[str, Any] | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise RundownError(self.at(name), f"must be an object, got {type(value).__name__}")
        return value


def _flash_sale(raw: Mapping[str, Any], where: str) -> FlashSalePlan:
    r = _Reader(raw, where, ("price", "stock", "per_user_limit", "countdown_s", "duration_s", "launch_with_cue"))
    return FlashSalePlan(
        price_cents=r.money("price"),
        stock=r.whole("stock", 1, 1_000_000),
        per_user_limit=r.whole("per_user_limit", 1, 99, default=1),
        countdown_s=r.number("countdown_s", *COUNTDOWN_S, default=10),
        duration_s=r.number("duration_s", *DURATION_S, default=300),
        launch_with_cue=r.flag("launch_with_cue"),
    )


def _coupon(raw: Mapping[str, Any], where: str) -> CouponPlan:
    r = _Reader(raw, where, ("title", "amount", "min_spend", "quota", "per_user_limit", "valid_s", "launch_with_cue"))
    amount = r.money("amount")
    if amount == 0:
        raise RundownError(r.at("amount"), "must be more than 0")
    min_spend = r.money("min_spend", default=0)
    if 0 < min_spend < amount:
        raise RundownError(r.at("min_spend"), "must be at least the amount off (or 0: no minimum)")
    return CouponPlan(
        title=r.text("title", 40),
        amount_cents=amount,
        quota=r.whole("quota", 1, 1_000_000),
        min_spend_cents=min_spend,
        per_user_limit=r.whole("per_user_limit", 1, 10, default=1),
        valid_s=r.number("valid_s", 60, 7 * 24 * 3600, default=3600),
        launch_with_cue=r.flag("launch_with_cue"),
    )


def _poll(raw: Mapping[str, Any], where: str) -> PollPlan:
    r = _Reader(raw, where, ("question", "options", "launch_with_cue"))
    options = r.texts("options", 6, 40)
    if len(options) < 2:
        raise RundownError(r.at("options"), "needs 2 to 6 options")
    if len(set(options)) < len(options):
        raise RundownError(r.at("options"), "has the same option twice")
    return PollPlan(r.text("question", 120), options, r.flag("launch_with_cue"))


def _draw(raw: Mapping[str, Any], where: str) -> DrawPlan:
    r = _Reader(raw, where, ("prize", "winners", "keyword", "duration_s", "launch_with_cue"))
    keyword = r.text("keyword", 20, default="") or None
    return DrawPlan(
        prize=r.text("prize", 60),
        winners=r.whole("winners", 1, 100, default=1),
        keyword=keyword,
        duration_s=r.number("duration_s", 10, 3600, default=120),
        launch_with_cue=r.flag("launch_with_cue"),
    )


def _cohost(raw: Mapping[str, Any], where: str) -> CohostPlan:
    r = _Reader(raw, where, ("label", "launch_with_cue"))
    return CohostPlan(r.text("label", 40, default="") or None, r.flag("launch_with_cue"))


_SEGMENT_FIELDS = (
    "id", "kind", "title", "sku", "scene", "points", "duration_s", "pin",
    "flash_sale", "coupon", "poll", "draw", "cohost_invite",
)  # fmt: skip
_PLAN_READERS: dict[str, Callable[[Mapping[str, Any], str], Plan]] = {
    "flash_sale": _flash_sale,
    "coupon": _coupon,
    "poll": _poll,
    "draw": _draw,
    "cohost": _cohost,
}
_JSON_ACTION_NAME = {"cohost": "cohost_invite"}


def _segment(raw: Any, where: str, seen: set[str]) -> Segment:
    if not isinstance(raw, dict):
        raise RundownError(where, f"a segment must be an object, got {type(raw).__name__}")
    r = _Reader(raw, where, _SEGMENT_FIELDS)
    segment_id = r.text("id", 32, default="") or new_segment_id()
    if not SEGMENT_ID.fullmatch(segment_id):
        raise RundownError(r.at("id"), "must be 1-32 letters, digits, '-' or '_'")
    if segment_id in seen:
        raise RundownError(r.at("id"), f"{segment_id!r} is used by an earlier segment")
    seen.add(segment_id)
    sku = r.text("sku", 64, default="") or None
    if sku is not None and not SKU.fullmatch(sku):
        raise RundownError(r.at("sku"), f"{sku!r} must be 1-64 letters, digits, '.', '-' or '_'")
    kind = r.text("kind", 20, default="product" if sku else "interaction")
    if kind not in SEGMENT_KINDS:
        raise RundownError(r.at("kind"), f"{kind!r} is not one of {', '.join(SEGMENT_KINDS)}")
    plans: dict[str, Any] = {}
    for kind_name, read in _PLAN_READERS.items():
        name = _JSON_ACTION_NAME.get(kind_name, kind_name)
        raw_plan = r.object(name)
        if raw_plan is not None:
            plans[kind_name] = read(raw_plan, r.at(name))
    if plans.get("flash_sale") is not None and sku is None:
        raise RundownError(r.at("flash_sale"), "a flash sale needs the segment's sku (the product it sells)")
    return Segment(
        id=segment_id,
        kind=kind,
        title=r.text("title", TITLE_MAX, default=""),
        sku=sku,
        scene=r.text("scene", 64, default="") or None,
        points=r.texts("points", MAX_POINTS, POINT_MAX),
        duration_s=r.number("duration_s", 1, MAX_DURATION_S),
        pin=r.flag("pin", default=True),
        **plans,
    )


def rundown_from_json(data: bytes | str | Mapping[str, Any]) -> Rundown:
    """The run-of-show in a JSON file (bytes or text) or already parsed; RundownError names the field."""
    if isinstance(data, bytes | str):
        if len(data) > MAX_FILE_BYTES:
            raise RundownError("", f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")
        try:
            parsed = load_json(data, unique_keys=True)
        except ValueError as exc:
            raise RundownError("", f"not JSON: {exc}") from None
    else:
        parsed = data
    if not isinstance(parsed, dict):
        raise RundownError("", "a run-of-show is a JSON object with a 'segments' list")
    r = _Reader(parsed, "", ("format", "version", "title", "auto_advance", "segments"))
    if r.present("format") and parsed["format"] != FORMAT:
        raise RundownError("format", f"must be {FORMAT!r} (this is not a ShopCast run-of-show)")
    if r.present("version") and parsed["version"] != VERSION:
        raise RundownError("version", f"version {parsed['version']!r} is not known (this ShopCast reads {VERSION})")
    segments = parsed.get("segments")
    if not isinstance(segments, list):
        raise RundownError("segments", "is missing (a list of segments)" if segments is None else "must be a list")
    if len(segments) > MAX_SEGMENTS:
        raise RundownError("segments", f"has {len(segments)} segments; at most {MAX_SEGMENTS}")
    seen: set[str] = set()
    read = tuple(_segment(raw, f"segments[{i}]", seen) for i, raw in enumerate(segments))
    auto = r.object("auto_advance")
    advance = AutoAdvance()
    if auto is not None:
        a = _Reader(auto, "auto_advance", ("sold_out", "time_up"))
        advance = AutoAdvance(a.flag("sold_out"), a.flag("time_up"))
    return Rundown(read, advance, r.text("title", TITLE_MAX, default=""))


def _money_text(amount_cents: int) -> str:
    return f"{amount_cents / 100:.2f}".rstrip("0").rstrip(".")


def _plan_json(plan: Plan) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for f in fields(plan):
        value = getattr(plan, f.name)
        if f.name.endswith("_cents"):
            result[f.name.removesuffix("_cents")] = float(_money_text(value))
        elif isinstance(value, tuple):
            result[f.name] = list(value)
        elif value is not None:
            result[f.name] = value
    return result


def segment_to_json(segment: Segment) -> dict[str, Any]:
    result: dict[str, Any] = {"id": segment.id, "kind": segment.kind, "title": segment.title, "sku": segment.sku,
                              "scene": segment.scene, "points": list(segment.points),
                              "duration_s": segment.duration_s, "pin": segment.pin}  # fmt: skip
    for kind, plan in segment.actions:
        result[_JSON_ACTION_NAME.get(kind, kind)] = _plan_json(plan)
    return result


def rundown_to_json(rundown: Rundown) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "title": rundown.title,
        "auto_advance": {"sold_out": rundown.auto_advance.sold_out, "time_up": rundown.auto_advance.time_up},
        "segments": [segment_to_json(s) for s in rundown.segments],
    }


# --- CSV --------------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "kind", "title", "sku", "scene", "duration_s", "points", "pin",
    "flash_sale_price", "flash_sale_stock", "flash_sale_per_user_limit", "flash_sale_countdown_s",
    "flash_sale_duration_s", "flash_sale_launch_with_cue",
    "coupon_title", "coupon_amount", "coupon_min_spend", "coupon_quota", "coupon_per_user_limit",
    "coupon_valid_s", "coupon_launch_with_cue",
    "poll_question", "poll_options", "poll_launch_with_cue",
    "draw_prize", "draw_winners", "draw_keyword", "draw_duration_s", "draw_launch_with_cue",
    "cohost_invite_label", "cohost_invite_launch_with_cue",
    "id",
)  # fmt: skip
"""A spreadsheet's columns, one row per segment; only ``duration_s`` (and ``sku`` for a product) are
needed, any column may be left out. Points and poll options: one cell, separated by ``|`` or line
breaks. Amounts in yuan."""
_CSV_GROUPS = ("flash_sale", "coupon", "poll", "draw", "cohost_invite")


def rundown_from_csv(text: str | bytes) -> Rundown:
    """The run-of-show in a CSV file (a header row, then one row per segment). RundownError names the
    row (as a spreadsheet numbers it: the header is row 1) and the column; nothing is half read."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise RundownError("", f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RundownError(
                "",
                f"the CSV file is not UTF-8 ({exc.reason} at byte {exc.start}): in Excel or WPS save it as"
                " 'CSV UTF-8' (逗号分隔, UTF-8)",
            ) from None
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise RundownError("", "the CSV file is empty (it needs a header row and a row per segment)") from None
    except csv.Error as exc:
        raise RundownError("row 1", f"not CSV: {exc}") from None
    for i, name in enumerate(header):
        if name not in CSV_COLUMNS:
            raise RundownError(f"row 1, column {i + 1}", f"unknown column {name!r} (known: {', '.join(CSV_COLUMNS)})")
        if header.index(name) != i:
            raise RundownError(f"row 1, column {i + 1}", f"column {name!r} appears twice")
    if "duration_s" not in header:
        raise RundownError("row 1", "the header needs a duration_s column")
    raws: list[dict[str, Any]] = []
    rows: list[int] = []
    line = 1  # the spreadsheet's row: one per record (a cell may hold line breaks)
    try:
        for cells in reader:
            line += 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise RundownError(f"row {line}", f"has {len(cells)} cells; the header has {len(header)}")
            values = {name: cells[i].strip() for i, name in enumerate(header) if i < len(cells)}
            raws.append(_csv_segment(values))
            rows.append(line)
    except csv.Error as exc:
        raise RundownError(f"row {line + 1}", f"not CSV: {exc}") from None
    if len(raws) > MAX_SEGMENTS:
        raise RundownError("", f"{len(raws)} segments; at most {MAX_SEGMENTS}")
    seen: set[str] = set()
    segments = []
    for raw, line in zip(raws, rows, strict=True):
        try:
            segments.append(_segment(raw, "", seen))
        except RundownError as exc:
            raise RundownError(f"row {line}, column {_csv_column(exc.where)}", exc.problem) from None
    return Rundown(tuple(segments))


def _csv_segment(values: dict[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for name, value in values.items():
        if not value:
            continue
        group = next((g for g in _CSV_GROUPS if name.startswith(g + "_")), None)
        if group is None:
            raw[name] = value
        else:
            raw.setdefault(group, {})[name.removeprefix(group + "_")] = value
    return raw


def _csv_column(where: str) -> str:
    """A JSON path inside one segment (``flash_sale.price``, ``points[2]``) as the CSV column."""
    base = re.sub(r"\[\d+\]$", "", where)
    return base.replace(".", "_") if base else "?"


def rundown_to_csv(rundown: Rundown) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for segment in rundown.segments:
        flat: dict[str, Any] = {}
        for name, value in segment_to_json(segment).items():
            if isinstance(value, dict):
                for key, inner in value.items():
                    flat[f"{name}_{key}"] = inner
            else:
                flat[name] = value
        row = []
        for column in CSV_COLUMNS:
            value = flat.get(column)
            if isinstance(value, list):
                value = POINT_SEPARATOR.join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, float) and value == int(value):
                value = int(value)
            row.append("" if value is None else value)
        writer.writerow(row)
    return out.getvalue()


# --- a new show -----------------------------------------------------------------------------------------


def template_rundown(products: list[Mapping[str, Any]], language: str = "en") -> Rundown:
    """A run-of-show for a new show from the room's cart: a warm-up opening with a lucky draw (福袋
    keeps people in the room), one segment per product (the first with a flash sale at 80 % of its
    price), an interaction segment with a poll, and a closing that thanks and previews."""
    zh = language.startswith("zh")
    top = [p for p in products if not p.get("parent_sku")][:8]
    segments: list[Segment] = [
        Segment(
            new_segment_id(),
            "opening",
            "开场暖场" if zh else "Opening",
            scene="full",
            points=(
                ("欢迎来到直播间，点关注不迷路", "今天的福利：福袋、秒杀、优惠券", "评论区扣“来了”参与福袋")
                if zh
                else (
                    "Welcome everyone — follow so you don't miss a deal",
                    "Today: a lucky bag, a flash sale, coupons",
                    "Comment 'here' to enter the lucky bag",
                )
            ),
            duration_s=180,
            draw=DrawPlan("福袋" if zh else "Lucky bag", winners=3, keyword="来了" if zh else "here", duration_s=180),
        )
    ]
    for i, product in enumerate(top):
        price = round(float(product.get("price") or 0) * 100)
        sale = None
        if i == 0 and price >= 100 and int(product.get("stock") or 0) > 0:
            stock = max(1, min(50, int(product.get("stock") or 0) // 4 or 1))
            sale = FlashSalePlan(
                price_cents=price * 8 // 1000 * 100 or price, stock=stock, countdown_s=10, duration_s=300
            )
        segments.append(
            Segment(
                new_segment_id(),
                "product",
                str(product.get("title") or product.get("sku"))[:TITLE_MAX],
                sku=str(product["sku"]),
                scene="showcase",
                points=(
                    ("材质与做工", "上身效果 / 使用场景", "价格与福利")
                    if zh
                    else ("Material and make", "How it looks in use", "Price and today's deal")
                ),
                duration_s=420,
                flash_sale=sale,
            )
        )
    segments.append(
        Segment(
            new_segment_id(),
            "interaction",
            "互动" if zh else "Interaction",
            scene="pip",
            points=(
                ("回答大家的问题", "投票选下一款") if zh else ("Answer your questions", "Vote for what comes next")
            ),
            duration_s=180,
            poll=PollPlan("下一款想看哪个？" if zh else "What should we show next?", ("A", "B")),
        )
    )
    segments.append(
        Segment(
            new_segment_id(),
            "closing",
            "收尾" if zh else "Closing",
            scene="full",
            points=(("感谢大家", "预告下一场") if zh else ("Thank you all", "Next show's preview")),
            duration_s=120,
        )
    )
    return Rundown(tuple(segments), title="新品直播" if zh else "New show")


def duplicate_segment(rundown: Rundown, index: int) -> Rundown:
    """The run-of-show with a copy of segment ``index`` (a new id) right after it."""
    segments = list(rundown.segments)
    segments.insert(index + 1, replace(segments[index], id=new_segment_id()))
    return replace(rundown, segments=tuple(segments))


def move_segment(rundown: Rundown, source: int, target: int) -> Rundown:
    """The run-of-show with segment ``source`` moved to position ``target``."""
    segments = list(rundown.segments)
    segments.insert(target, segments.pop(source))
    return replace(rundown, segments=tuple(segments))


# --- claims -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim in a segment's talking points that the product data or the planned sale do not bear out."""

    segment: int
    """0-based index of the segment."""
    level: str
    """``error`` (contradicted by the data) or ``warning`` (the data cannot confirm it)."""
    code: str
    """``price``, ``discount``, ``free_shipping``, ``limited_stock``, ``unknown_product``, ``out_of_stock``,
    and what the planned flash sale cannot do: ``sale_price`` (above the regular price), ``sale_stock``."""
    text: str
    """The words in the script."""
    message_en: str
    message_zh: str


_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_PRICE = re.compile(rf"(?:[¥￥]\s*({_AMOUNT}))|(?:(?<![\d.,])({_AMOUNT})\s*(?:元|块)(?!钱?运费))")
"""A price said in the script: ¥59.9, ￥1,299, 59元, 59块 (not an amount of shipping: 5块钱运费)."""
_NOT_A_PRICE = re.compile(r"(?:减|立减|省|运费|邮费)\s*$")
"""Words before an amount that make it a saving or a fee, not a price (满100减20, 运费10元)."""
_DISCOUNT = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?)\s*折|(半价)")
"""A discount: 8折 (80 %), 8.5折, 85折 (85 %), 半价 (half price)."""
_FREE_SHIPPING = re.compile(r"包邮|免运费|free shipping|ships free", re.IGNORECASE)
_LIMITED = re.compile(
    r"(?:限量|仅限|只有|只剩|仅剩|限购总量)\s*(\d+)\s*(?:件|份|单|个)"
    r"|(?:only|limited to)\s+(\d+)\s+(?:left|units|pieces)",
    re.IGNORECASE,
)


def _yuan(amount_cents: int) -> str:
    return f"¥{_money_text(amount_cents)}"


def check_claims(rundown: Rundown, products: Mapping[str, Mapping[str, Any]]) -> list[Claim]:
    """The claims of each segment's talking points (and title) checked against its product
    (``products``: the room's cart by sku, each with ``price`` in yuan, ``stock``, its ``options``
    (variants, each with its own price) and optionally ``free_shipping``) and its planned flash sale
    and coupon. A product that is missing or sold out is flagged too."""
    claims: list[Claim] = []
    for index, segment in enumerate(rundown.segments):
        product = products.get(segment.sku) if segment.sku else None
        if segment.sku and product is None:
            claims.append(Claim(index, "error", "unknown_product", segment.sku,
                                f"product {segment.sku} is not in the room's cart",
                                f"商品 {segment.sku} 不在直播间的购物车中"))  # fmt: skip
            continue
        if product is not None and int(product.get("stock") or 0) <= 0:
            claims.append(Claim(index, "error", "out_of_stock", segment.sku or "",
                                f"{product.get('title') or segment.sku} is out of stock",
                                f"{product.get('title') or segment.sku} 已无库存"))  # fmt: skip
        if product is not None and segment.flash_sale is not None:
            claims.extend(_sale_problems(index, segment.flash_sale, product))
        words = " ".join((segment.title, *segment.points))
        for claim in _claims_in(index, words, segment, product):
            if all((c.segment, c.code, c.text) != (claim.segment, claim.code, claim.text) for c in claims):
                claims.append(claim)  # the same words said twice are one claim
    return claims


def _sale_problems(index: int, sale: FlashSalePlan, product: Mapping[str, Any]) -> list[Claim]:
    """What the relay would refuse when the planned flash sale is launched (found now, not on air)."""
    found: list[Claim] = []
    regular = round(float(product.get("price") or 0) * 100)
    if sale.price_cents > regular:
        found.append(Claim(index, "error", "sale_price", _yuan(sale.price_cents),
                           f"the flash sale's price {_yuan(sale.price_cents)} is above the regular {_yuan(regular)}",
                           f"秒杀价 {_yuan(sale.price_cents)} 高于日常价 {_yuan(regular)}"))  # fmt: skip
    stock = int(product.get("stock") or 0)
    if sale.stock > stock:
        found.append(Claim(index, "error", "sale_stock", str(sale.stock),
                           f"the flash sale needs {sale.stock} units but only {stock} are in stock",
                           f"秒杀需要 {sale.stock} 件，但库存只有 {stock} 件"))  # fmt: skip
    return found


def _claims_in(index: int, words: str, segment: Segment, product: Mapping[str, Any] | None) -> list[Claim]:
    found: list[Claim] = []
    sale = segment.flash_sale
    coupon = segment.coupon
    regular = round(float(product["price"]) * 100) if product is not None and "price" in product else None
    known: set[int] = set()
    if regular is not None:
        known.add(regular)
    for option in (product or {}).get("options") or ():
        if isinstance(option, Mapping) and option.get("price") is not None:
            known.add(round(float(option["price"]) * 100))
    if sale is not None:
        known.add(sale.price_cents)
    if coupon is not None:
        known.update({coupon.amount_cents, coupon.min_spend_cents})
        if regular is not None and regular >= coupon.min_spend_cents:
            known.add(regular - coupon.amount_cents)
    for match in _PRICE.finditer(words):
        if _NOT_A_PRICE.search(words[: match.start()]):
            continue
        amount = int(Decimal((match.group(1) or match.group(2)).replace(",", "")) * 100)
        if known and amount not in known:
            offered = ", ".join(_yuan(c) for c in sorted(known))
            found.append(Claim(index, "error", "price", match.group(0).strip(),
                               f"the script says {match.group(0).strip()} but the prices are {offered}",
                               f"脚本中说 {match.group(0).strip()}，但实际价格为 {offered}"))  # fmt: skip
    for match in _DISCOUNT.finditer(words):
        said_share = match.group(1)
        if match.group(2):
            share = 0.5
        elif "." not in (said_share or "") and len(said_share or "") == 2:
            share = float(said_share) / 100  # 85折: 85 %
        else:
            share = float(said_share) / 10  # 8折, 8.5折
        if regular is None:
            continue
        actual = (sale.price_cents / regular) if sale is not None and regular else 1.0
        if abs(actual - share) > 0.02:  # a claim rounded to the nearest 1 %, at most 2 points off
            said = match.group(0)
            share_text = f"{actual * 100:.0f}"
            found.append(Claim(index, "error", "discount", said,
                               f"the script says {said} but the price is {share_text} % of {_yuan(regular)}",
                               f"脚本中说 {said}，但实际价格为原价 {_yuan(regular)} 的 {share_text}%"))  # fmt: skip
    shipping = _FREE_SHIPPING.search(words)
    if shipping and product is not None and product.get("free_shipping") is not True:
        said = shipping.group(0)
        level = "error" if product.get("free_shipping") is False else "warning"
        found.append(Claim(index, level, "free_shipping", said,
                           f"the script says {said!r} but the product data does not say it ships free",
                           f"脚本中说“{said}”，但商品信息未标明包邮"))  # fmt: skip
    for match in _LIMITED.finditer(words):
        count = int(match.group(1) or match.group(2))
        stocks = {sale.stock} if sale is not None else set()
        if product is not None:
            stocks.add(int(product.get("stock") or 0))
        if stocks and count not in stocks:
            said = match.group(0)
            have = " / ".join(str(s) for s in sorted(stocks))
            found.append(Claim(index, "error", "limited_stock", said,
                               f"the script says {said!r} but the stock is {have}",
                               f"脚本中说“{said}”，但实际库存为 {have}"))  # fmt: skip
    return found
