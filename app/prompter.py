"""The prompter (提词器): what the host reads during the show, made from the console's state (Qt-free).

:class:`Prompter` turns :class:`~app.console_state.ConsoleState` (the run-of-show's state, the flash
sales, the questions, the cart and the pins) and the owner feed's viewer counts into a
:class:`PrompterView`: the current segment's title and talking points, the time left of its planned
duration by the server's clock with a level (``ok``; ``amber`` at 20 % or 30 s left, whichever comes
first; ``red`` over time), the next segment's title, and live :class:`Prompt` s — one-line cues with
an optional one-click action, as TikTok's LIVE Prompter gives them:

- ``sold_out``: the segment's flash sale sold out → ``next``;
- ``online_drop``: the viewers online fell by more than :attr:`Thresholds.drop_share` (20 %) within
  :attr:`Thresholds.drop_window_s` (a minute) → ``launch:coupon`` when the segment has a coupon armed,
  else no action (re-hook them: a deal, a giveaway, a question);
- ``question``: the same question (normalised: width, case, punctuation and spaces ignored) asked by
  :attr:`Thresholds.question_repeats` (3) viewers, or one question with that many upvotes when the
  queue carries them → ``answer:<question id>``;
- ``low_stock``: a pinned product down to 10 % of its starting stock or 5 left → no action.

A prompt's id names its occasion (the sale, the question, the product, the drop's start), so one
occasion is one prompt however often it is seen (an occasion back within :attr:`Thresholds.linger_s`
is the same one); it shows while the occasion lasts, for at most :attr:`Thresholds.max_age_s`, and
one the host dismissed or acted on does not come back for the same occasion.

Actions: ``next`` (RoomClient.next_segment), ``launch:<kind>`` (RoomClient.launch_armed(kind)),
``answer:<question id>`` (the Questions panel; :meth:`Prompter.question_group` gives every question
asking the same).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.console_state import ConsoleState
from plugins.api import Text

AMBER_SHARE = 0.2
AMBER_S = 30.0
LEVELS = ("ok", "amber", "red")
PROMPT_LEVELS = ("info", "warning", "error")
"""A prompt's urgency: something worth saying, something to act on, viewers leaving."""
KIND_LABELS = {
    "opening": Text("Opening", "开场"),
    "product": Text("Product", "讲品"),
    "interaction": Text("Interaction", "互动"),
    "promotion": Text("Promotion", "福利"),
    "closing": Text("Closing", "收尾"),
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    drop_share: float = 0.2
    """Viewers online falling by more than this share…"""
    drop_window_s: float = 60.0
    """…within this many seconds raises ``online_drop``."""
    drop_minimum: int = 5
    """A drop from fewer viewers than this is noise (3 → 2 is a third)."""
    question_repeats: int = 3
    """Viewers asking the same question (or its upvotes) before it is a prompt."""
    low_stock_share: float = 0.1
    low_stock_left: int = 5
    linger_s: float = 15.0
    """An occasion that ends and is back within this long is the same occasion (a count bouncing
    around a threshold): its prompt is not raised again."""
    max_age_s: float = 180.0
    """…and never longer than this after it was first raised."""
    history_s: float = 180.0


@dataclass(frozen=True, slots=True)
class Prompt:
    id: str
    kind: str
    """``sold_out``, ``online_drop``, ``question``, ``low_stock``."""
    level: str
    text: Text
    action: str | None
    """``next``, ``launch:<kind>``, ``answer:<question id>`` or None."""
    since: float
    """Server time it was first raised."""


@dataclass(frozen=True, slots=True)
class PrompterView:
    running: bool
    title: str
    kind: str | None
    points: tuple[str, ...]
    cue: int
    """1-based number of the segment in the run (0 before the first cue)."""
    number: int
    """1-based position of the segment in the run-of-show (0: none)."""
    segments: int
    planned_s: float | None
    elapsed_s: float | None
    left_s: float | None
    """Planned minus elapsed: negative once over time."""
    level: str
    """``ok``, ``amber``, ``red`` (``ok`` when nothing runs)."""
    next_title: str | None
    next_planned_s: float | None
    armed: tuple[str, ...]
    prompts: tuple[Prompt, ...]


def time_level(planned_s: float | None, left_s: float | None) -> str:
    """``red`` over time, ``amber`` at ≤ 20 % or ≤ 30 s left, else ``ok``."""
    if planned_s is None or left_s is None:
        return "ok"
    if left_s < 0:
        return "red"
    if left_s <= AMBER_S or left_s <= AMBER_SHARE * planned_s:
        return "amber"
    return "ok"


def format_left(left_s: float) -> str:
    """``4:05`` left, ``-0:12`` over: whole seconds, rounded up while counting down."""
    if left_s >= 0:
        whole = int(-(-left_s // 1))
        return f"{whole // 60}:{whole % 60:02d}"
    over = int(-left_s)
    return f"-{over // 60}:{over % 60:02d}"


_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def normalise_question(text: str) -> str:
    """A question as compared with others: NFKC (full-width → half-width), case folded, without
    punctuation, spaces or emoji."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text).casefold())


def segment_title(segment: Mapping[str, Any] | None) -> str:
    if not segment:
        return ""
    return str(segment.get("title") or segment.get("sku") or segment.get("kind") or "")


_Found = tuple[str, str, str, Text, str | None]
"""A prompt's occasion as a check finds it: key, kind, level, text, action."""


@dataclass
class _Occasion:
    id: str
    since: float
    seen: float
    dismissed: bool = False


@dataclass
class Prompter:
    """The prompter's model (module docstring). Feed it every owner-feed message (:meth:`observe`),
    ask it for the :meth:`view` as often as the screen redraws."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    online: list[tuple[float, int]] = field(default_factory=list)
    """(server time, viewers online), oldest first."""
    _occasions: dict[str, _Occasion] = field(default_factory=dict)
    _starting_stock: dict[str, int] = field(default_factory=dict)

    # --- input ----------------------------------------------------------------------------------

    def observe(self, message: Mapping[str, Any]) -> None:
        """Take the viewer counts out of an owner-feed message: the snapshot, an ``online`` event in
        a batch and the live metrics' ``online`` (each stamped with the server's time)."""
        kind = message.get("type")
        if kind == "snapshot":
            if isinstance(message.get("server_time"), int | float) and isinstance(message.get("online"), int):
                self.add_online(float(message["server_time"]), message["online"])
            inner = message.get("metrics")
            if isinstance(inner, Mapping):
                self.observe(inner)
        elif kind == "metrics":
            online = (message.get("metrics") or {}).get("online") or {}
            value = online.get("value") if isinstance(online, Mapping) else None
            if isinstance(message.get("t"), int | float) and isinstance(value, int | float):
                self.add_online(float(message["t"]), int(value))
        elif kind == "batch":
            t = message.get("t")
            for event in message.get("events") or []:
                if not isinstance(event, Mapping):
                    continue
                if event.get("type") == "online" and isinstance(t, int | float) and isinstance(event.get("count"), int):
                    self.add_online(float(t), event["count"])
                elif event.get("type") == "metrics":
                    self.observe(event)

    def add_online(self, t: float, count: int) -> None:
        if self.online and t < self.online[-1][0]:
            return  # an older number arriving late
        self.online.append((t, count))
        horizon = t - self.thresholds.history_s
        while self.online and self.online[0][0] < horizon:
            self.online.pop(0)

    def dismiss(self, prompt_id: str) -> None:
        """The host closed the prompt (or acted on it): it does not come back for the same occasion."""
        for occasion in self._occasions.values():
            if occasion.id == prompt_id:
                occasion.dismissed = True

    # --- output ---------------------------------------------------------------------------------

    def view(self, state: ConsoleState, now: float | None = None) -> PrompterView:
        now = state.server_now() if now is None else now
        run = state.rundown or {}
        running = bool(run.get("running"))
        segment = run.get("segment") if running else None
        segment = segment if isinstance(segment, Mapping) else None
        upcoming = run.get("next")
        upcoming = upcoming if isinstance(upcoming, Mapping) else None
        planned = _number(run.get("planned_s")) if segment is not None else None
        started = _number(run.get("started_at")) if segment is not None else None
        elapsed = max(0.0, now - started) if started is not None else None
        left = planned - elapsed if planned is not None and elapsed is not None else None
        index = run.get("index")
        return PrompterView(
            running=running,
            title=segment_title(segment),
            kind=str(segment["kind"]) if segment is not None and segment.get("kind") else None,
            points=tuple(str(p) for p in (segment or {}).get("points") or ()),
            cue=int(run.get("cue") or 0) if running else 0,
            number=int(index) + 1 if segment is not None and isinstance(index, int) else 0,
            segments=int(run.get("segments") or 0),
            planned_s=planned,
            elapsed_s=elapsed,
            left_s=left,
            level=time_level(planned, left),
            next_title=segment_title(upcoming) or None,
            next_planned_s=_number(upcoming.get("duration_s")) if upcoming is not None else None,
            armed=tuple(str(a) for a in run.get("armed") or ()) if running else (),
            prompts=tuple(self.prompts(state, now)),
        )

    def prompts(self, state: ConsoleState, now: float) -> list[Prompt]:
        """The live prompts, most urgent first (errors, warnings, then the rest; older first)."""
        found: list[_Found] = []
        found += self._sold_out(state)
        found += self._online_drop(state, now)
        found += self._questions(state)
        found += self._low_stock(state)
        seen_keys = set()
        result: list[Prompt] = []
        for key, kind, level, text, action in found:
            seen_keys.add(key)
            occasion = self._occasions.get(key)
            if occasion is None or now - occasion.seen > self.thresholds.linger_s:
                occasion = _Occasion(f"{key}@{int(now)}", now, now)
                self._occasions[key] = occasion
            occasion.seen = now
            if not occasion.dismissed and now - occasion.since <= self.thresholds.max_age_s:
                result.append(Prompt(occasion.id, kind, level, text, action, occasion.since))
        for key, occasion in list(self._occasions.items()):
            if key in seen_keys:
                continue
            if now - occasion.seen > self.thresholds.linger_s:
                del self._occasions[key]
        rank = {level: i for i, level in enumerate(reversed(PROMPT_LEVELS))}
        result.sort(key=lambda p: (rank.get(p.level, 9), p.since))
        return result

    def question_group(self, state: ConsoleState, question_id: str) -> list[str]:
        """The open questions asking the same as ``question_id`` (itself first)."""
        question = state.questions.get(question_id)
        if question is None:
            return [question_id]
        wanted = normalise_question(str(question.get("text") or ""))
        same = [
            q["id"]
            for q in _open_questions(state)
            if q["id"] != question_id and normalise_question(str(q.get("text") or "")) == wanted
        ]
        return [question_id, *same]

    # --- the prompts ----------------------------------------------------------------------------

    def _sold_out(self, state: ConsoleState) -> list[_Found]:
        run = state.rundown or {}
        if not run.get("running"):
            return []
        sale_id = (run.get("launched") or {}).get("flash_sale")
        sale = state.flash_sales.get(str(sale_id)) if sale_id else None
        if sale is None or int(sale.get("remaining", 1)) > 0:
            return []
        if run.get("next"):
            following = segment_title(run["next"])
            text = Text(
                f"Flash sale sold out ({sale.get('sold')} sold): on to “{following}”",
                f"秒杀已售罄（已售 {sale.get('sold')} 件）：进入下一环节“{following}”",
            )
        else:
            text = Text(
                f"Flash sale sold out ({sale.get('sold')} sold): time to wrap up",
                f"秒杀已售罄（已售 {sale.get('sold')} 件）：可以收尾了",
            )
        return [(f"sold_out:{sale_id}", "sold_out", "warning", text, "next")]

    def _online_drop(self, state: ConsoleState, now: float) -> list[_Found]:
        t = self.thresholds
        if not self.online:
            return []
        latest_t, latest = self.online[-1]
        window = [count for when, count in self.online if when >= latest_t - t.drop_window_s]
        peak = max(window)
        if peak < t.drop_minimum or latest >= peak * (1 - t.drop_share):
            return []
        share = round(100 * (peak - latest) / peak)
        run = state.rundown or {}
        armed = run.get("armed") or [] if run.get("running") else []
        action = "launch:coupon" if "coupon" in armed else None
        hint_en = "issue the coupon" if action else "re-hook them: a deal, a giveaway, a question"
        hint_zh = "发放优惠券" if action else "抛出福利、福袋或互动话题留人"
        text = Text(
            f"Viewers fell {share} % in a minute ({peak} → {latest}): {hint_en}",
            f"一分钟内在线人数下降 {share}%（{peak} → {latest}）：{hint_zh}",
        )
        return [("online_drop", "online_drop", "error", text, action)]

    def _questions(self, state: ConsoleState) -> list[_Found]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for question in _open_questions(state):
            groups.setdefault(normalise_question(str(question.get("text") or "")), []).append(question)
        found: list[_Found] = []
        need = self.thresholds.question_repeats
        for norm, asked in groups.items():
            if not norm:
                continue
            askers = {str(q.get("viewer_id") or q["id"]) for q in asked}
            votes = max(_votes(q) for q in asked)
            if len(askers) < need and votes < need:
                continue
            first = asked[0]
            text_said = str(first.get("text") or "")
            if len(askers) >= need:
                en = f"{len(askers)} viewers ask: “{text_said}”"
                zh = f"{len(askers)} 位观众在问：“{text_said}”"
            else:
                en = f"“{text_said}” ({votes} upvotes)"
                zh = f"“{text_said}”（{votes} 人点赞）"
            found.append((f"question:{norm}", "question", "info", Text(en, zh), f"answer:{first['id']}"))
        return found

    def _low_stock(self, state: ConsoleState) -> list[_Found]:
        t = self.thresholds
        for product in state.products():
            have = int(product.get("stock") or 0) + int(product.get("sold") or 0)
            sku = str(product["sku"])
            if have > self._starting_stock.get(sku, 0):
                self._starting_stock[sku] = have
        found: list[_Found] = []
        for sku in state.pins:
            pinned = state.product(sku)
            if pinned is None:
                continue
            left = int(pinned.get("stock") or 0)
            start = self._starting_stock.get(sku, left)
            if left > t.low_stock_left and left > t.low_stock_share * start:
                continue
            title = str(pinned.get("title") or sku)
            if left <= 0:
                text = Text(f"{title} is sold out", f"{title} 已售罄")
            else:
                text = Text(
                    f"Only {left} of {title} left (of {start}): tell them it is nearly gone",
                    f"{title} 仅剩 {left} 件（共 {start} 件）：提醒观众抓紧下单",
                )
            found.append((f"low_stock:{sku}", "low_stock", "warning", text, None))
        return found


def _open_questions(state: ConsoleState) -> Iterable[dict[str, Any]]:
    return sorted(
        (q for q in state.questions.values() if q.get("status") == "open"),
        key=lambda q: (float(q.get("created_at") or 0), str(q["id"])),
    )


def _votes(question: Mapping[str, Any]) -> int:
    for name in ("upvotes", "votes", "likes"):
        value = question.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
