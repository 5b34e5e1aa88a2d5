"""Playing a room's run-of-show (app/rundown.py) on the relay: the cue ("next"), the armed actions and
their launch, auto-advance — each one transaction of the room engine, so the studio, the assistant's
page (中控) and a headless broadcast run the same show and a relay restart keeps where it was.

A cue ends the current segment and starts the next: the segment's product becomes the one pinned
(讲解中: other pins are taken down), its planned actions are armed (those marked
``launch_with_cue`` are launched at once), and ``rundown.cue`` goes into the event log — the report's
segments follow these cues. "Launch" starts an armed action (the flash sale first: its moment is the
host's call). Auto-advance (off by default) starts the next segment when the segment's flash sale
sells out or its time is up; the relay's timer checks it (:func:`tick`).

The state of the run is sent to the room's owners as ``{"type": "rundown", "state": ...}`` and is
part of the owner's snapshot; viewers never see the script.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from app.commerce import cohost, coupons, draws, flash_sales, polls, products
from app.commerce.core import EngineCore, Tx, refused
from app.commerce.coupons import CouponInput
from app.commerce.errors import CommerceError
from app.commerce.flash_sales import FlashSaleInput
from app.rundown import (
    CohostPlan,
    CouponPlan,
    DrawPlan,
    FlashSalePlan,
    Plan,
    PollPlan,
    Rundown,
    Segment,
    rundown_from_json,
    rundown_to_json,
    segment_to_json,
)

log = logging.getLogger(__name__)

COHOST_INVITE_TTL_S = 2 * 3600
OWNER = "owner"
AUTO = "auto"


def _idle() -> dict[str, Any]:
    return {"running": False, "index": -1, "started_at": None, "cue": 0, "armed": [], "launched": {}, "by": None,
            "problems": []}  # fmt: skip


# --- storage ---------------------------------------------------------------------------------------


def load(tx: Tx, room: str) -> Rundown | None:
    row = tx.one("SELECT body FROM rundowns WHERE room = ?", (room,))
    return None if row is None else rundown_from_json(row["body"])


def _raw_state(tx: Tx, room: str) -> dict[str, Any]:
    row = tx.one("SELECT state FROM rundown_state WHERE room = ?", (room,))
    if row is None:
        return _idle()
    state: dict[str, Any] = {**_idle(), **json.loads(row["state"])}
    return state


def _store_state(tx: Tx, room: str, state: dict[str, Any]) -> None:
    tx.execute(
        "INSERT INTO rundown_state (room, state) VALUES (?, ?) ON CONFLICT (room) DO UPDATE SET state = excluded.state",
        (room, json.dumps(state, ensure_ascii=False)),
    )


def view(tx: Tx, room: str, rundown: Rundown | None = None, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """The run as the owner's console shows it (the contract in the module docstring)."""
    rundown = rundown if rundown is not None else load(tx, room)
    state = state if state is not None else _raw_state(tx, room)
    index = int(state["index"])
    segments = rundown.segments if rundown is not None else ()
    current = segments[index] if state["running"] and 0 <= index < len(segments) else None
    upcoming_at = index + 1 if state["running"] else 0
    upcoming = segments[upcoming_at] if 0 <= upcoming_at < len(segments) else None
    return {
        **state,
        "segment": segment_to_json(current) if current is not None else None,
        "next": segment_to_json(upcoming) if upcoming is not None else None,
        "planned_s": current.duration_s if current is not None else None,
        "segments": len(segments),
        "auto_advance": {"sold_out": rundown.auto_advance.sold_out, "time_up": rundown.auto_advance.time_up}
        if rundown is not None
        else {"sold_out": False, "time_up": False},
    }


def _announce(tx: Tx, room: str, rundown: Rundown | None, state: dict[str, Any]) -> dict[str, Any]:
    result = view(tx, room, rundown, state)
    tx.notify(room, None, {"type": "rundown", "state": result}, key="rundown")
    return result


def save(tx: Tx, room: str, rundown: Rundown, by: str = OWNER) -> dict[str, Any]:
    """Keep ``rundown`` as the room's run-of-show. A run in progress follows its segment by id (a
    segment moved, added or removed before it moves the index with it); the current segment removed
    ends the run."""
    old = load(tx, room)
    state = _raw_state(tx, room)
    tx.execute(
        "INSERT INTO rundowns (room, body, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (room) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        (room, json.dumps(rundown_to_json(rundown), ensure_ascii=False), tx.now),
    )
    tx.log(room, "rundown.saved", segments=len(rundown.segments), by=by)
    if state["running"] and old is not None and 0 <= state["index"] < len(old.segments):
        found = rundown.index_of(old.segments[state["index"]].id)
        if found is None:
            state = _end(tx, room, state, by, "removed")
        else:
            state["index"] = found
            planned = [kind for kind, _ in rundown.segments[found].actions]
            state["armed"] = [kind for kind in state["armed"] if kind in planned]  # an action edited away
        _store_state(tx, room, state)
    return _announce(tx, room, rundown, state)


def current(tx: Tx, room: str) -> dict[str, Any]:
    rundown = load(tx, room)
    return {"rundown": rundown_to_json(rundown) if rundown is not None else None, "state": view(tx, room, rundown)}


# --- cues ---------------------------------------------------------------------------------------------


def _need(tx: Tx, room: str) -> Rundown:
    rundown = load(tx, room)
    if rundown is None or not rundown.segments:
        raise refused("no_rundown", "this room has no run-of-show yet: make one or import a file first")
    return rundown


def _end(tx: Tx, room: str, state: dict[str, Any], by: str, reason: str) -> dict[str, Any]:
    if state["running"]:
        tx.log(room, "rundown.ended", by=by, reason=reason, cue=state["cue"])
    return {**state, "running": False, "started_at": None, "armed": [], "by": by}


def cue(core: EngineCore, room: str, index: int | None, by: str = OWNER, from_cue: int | None = None) -> dict[str, Any]:
    """Start segment ``index`` (None: the one after the current; past the last ends the run).

    ``from_cue``: the cue the caller saw on air (0: none yet). When the run has moved on since — a
    second press of Next, the assistant's and the host's at once, auto-advance — the cue is refused
    (409 ``moved_on``) instead of skipping a segment."""
    with core.transaction() as tx:
        rundown = _need(tx, room)
        state = _raw_state(tx, room)
        on_air = int(state["cue"]) if state["running"] else 0
        if from_cue is not None and from_cue != on_air:
            raise refused("moved_on", f"the show has moved on since (cue {on_air} is on air now): nothing was skipped",
                          cue=on_air)  # fmt: skip
        target = (state["index"] + 1 if state["running"] else 0) if index is None else index
        if not 0 <= target <= len(rundown.segments) - (0 if index is None else 1):
            count = len(rundown.segments)
            raise CommerceError(
                422, "invalid_request", f"segment {target} does not exist (the run-of-show has {count})"
            )
        if target == len(rundown.segments):
            state = _end(tx, room, state, by, "done")
            _store_state(tx, room, state)
            return _announce(tx, room, rundown, state)
        segment = rundown.segments[target]
        number = int(state["cue"]) + 1 if state["running"] else 1
        tx.log(room, "rundown.cue", cue=number, index=target, segment=segment.id, kind=segment.kind,
               title=segment.title, sku=segment.sku, scene=segment.scene, planned_s=segment.duration_s,
               by=by)  # fmt: skip
        problems: list[str] = []
        if segment.sku and segment.pin:
            problems += _attempt(core, lambda t: _pin_only(t, room, segment.sku or "", by), "pin")
        state = {**state, "running": True, "index": target, "started_at": tx.now, "cue": number,
                 "armed": [kind for kind, _ in segment.actions], "launched": {}, "by": by}  # fmt: skip
        for kind, plan in segment.actions:
            if getattr(plan, "launch_with_cue", False):
                problems += _launch_into(core, tx, room, segment, kind, plan, state, by)
        state["problems"] = problems
        _store_state(tx, room, state)
        return _announce(tx, room, rundown, state)


def _pin_only(tx: Tx, room: str, sku: str, by: str = OWNER) -> None:
    """Make ``sku`` the product pinned (讲解中): other pins come down (the log rows say ``by`` whom)."""
    current = products.pins(tx, room)
    for other in current:
        if other != sku:
            products.unpin(tx, room, other, by)
    if sku not in current:
        products.pin(tx, room, sku, by)


def _attempt(core: EngineCore, action: Callable[[Tx], Any], what: str) -> list[str]:
    """Run ``action`` in a savepoint: a refusal (no stock, a product gone) is reported, never fatal
    for the cue — the show goes on."""
    try:
        with core.transaction() as inner:
            action(inner)
    except CommerceError as exc:
        return [f"{what}: {exc.message}"]
    return []


def _launch_into(
    core: EngineCore, tx: Tx, room: str, segment: Segment, kind: str, plan: Plan, state: dict[str, Any], by: str
) -> list[str]:
    made: list[str] = []

    def run(inner: Tx) -> None:
        made.append(_create(inner, room, segment, plan))

    problems = _attempt(core, run, kind)
    if made:  # launched: no longer armed (one that failed stays armed, to launch once the cause is fixed)
        state["armed"] = [k for k in state["armed"] if k != kind]
        state["launched"] = {**state["launched"], kind: made[0]}
        tx.log(room, "rundown.launched", action=kind, ref=made[0], segment=segment.id, cue=state["cue"], by=by)
    return problems


def _create(tx: Tx, room: str, segment: Segment, plan: Plan) -> str:
    result: dict[str, Any]
    if isinstance(plan, FlashSalePlan):
        sale = FlashSaleInput(segment.sku or "", plan.price_cents, plan.stock, plan.per_user_limit, plan.countdown_s,
                              plan.duration_s)  # fmt: skip
        result = flash_sales.create(tx, room, sale)
    elif isinstance(plan, CouponPlan):
        result = coupons.create(tx, room, CouponInput(plan.title, plan.amount_cents, plan.min_spend_cents, plan.quota,
                                                      plan.per_user_limit, plan.valid_s))  # fmt: skip
    elif isinstance(plan, PollPlan):
        result = polls.open_poll(tx, room, plan.question, list(plan.options))
    elif isinstance(plan, DrawPlan):
        result = draws.open_draw(tx, room, plan.prize, plan.winners, plan.keyword, plan.duration_s)
    elif isinstance(plan, CohostPlan):
        result = cohost.create(tx, room, plan.label, COHOST_INVITE_TTL_S)
    else:  # pragma: no cover - Plan is a closed union
        raise TypeError(plan)
    return str(result["id"])


def launch(core: EngineCore, room: str, action: str | None, by: str = OWNER) -> dict[str, Any]:
    """Launch the current segment's armed ``action`` (None: the first armed one)."""
    with core.transaction() as tx:
        rundown = _need(tx, room)
        state = _raw_state(tx, room)
        if not state["running"]:
            raise refused("not_running", "the run-of-show is not running: start it with 'next' first")
        armed: list[str] = list(state["armed"])
        if not armed:
            raise refused("nothing_armed", "nothing is armed in this segment")
        kind = armed[0] if action is None else action
        segment = rundown.segments[state["index"]]
        plan = dict(segment.actions).get(kind)
        if kind not in armed or plan is None:
            raise refused("not_armed", f"{kind!r} is not armed in this segment (armed: {', '.join(armed) or 'none'})")
        problems = _launch_into(core, tx, room, segment, kind, plan, state, by)
        if problems:
            # Still armed, but behind the others: the next Launch is not stuck on it.
            state["armed"] = [*(k for k in armed if k != kind), kind]
        state["problems"] = problems
        _store_state(tx, room, state)
        result = _announce(tx, room, rundown, state)
    if problems:
        raise refused("launch_failed", problems[0])
    return result


def stop(core: EngineCore, room: str, by: str = OWNER, reason: str = "stopped") -> dict[str, Any]:
    """End the run (``reason``: ``stopped`` by someone, ``stream_ended`` when the broadcast ends, so
    auto-advance never launches a campaign with nobody watching)."""
    with core.transaction() as tx:
        rundown = load(tx, room)
        state = _end(tx, room, _raw_state(tx, room), by, reason)
        _store_state(tx, room, state)
        return _announce(tx, room, rundown, state)


def reset(tx: Tx, room: str, by: str, reason: str) -> None:
    """End the run, if one is going, and start the next from the first segment (a rehearsal's run
    does not carry into the real show)."""
    state = _raw_state(tx, room)
    if state["running"] or state["cue"]:
        _end(tx, room, state, by, reason)
        idle = _idle()
        _store_state(tx, room, idle)
        _announce(tx, room, None, idle)


def tick(core: EngineCore) -> None:
    """Auto-advance the runs that ask for it: the segment's time is up, or its flash sale sold out."""
    with core.transaction() as tx:
        rows = tx.all("SELECT room, state FROM rundown_state")  # a row per room with a rundown: few
        due: list[str] = []
        for row in rows:
            state = json.loads(row["state"])
            if not state.get("running"):
                continue
            rundown = load(tx, row["room"])
            if rundown is None or not 0 <= state["index"] < len(rundown.segments):
                continue
            segment = rundown.segments[state["index"]]
            auto = rundown.auto_advance
            time_up = auto.time_up and tx.now >= float(state["started_at"]) + segment.duration_s
            if time_up or (auto.sold_out and _sold_out(tx, row["room"], state)):
                due.append(row["room"])
    for room in due:
        try:
            cue(core, room, None, AUTO)
        except CommerceError as exc:  # the rundown changed under the timer: try again next tick
            log.warning("auto-advance in room %s: %s", room, exc.message)


def _sold_out(tx: Tx, room: str, state: dict[str, Any]) -> bool:
    sale_id = state.get("launched", {}).get("flash_sale")
    if not sale_id:
        return False
    row = tx.one("SELECT stock, sold FROM flash_sales WHERE id = ? AND room = ?", (sale_id, room))
    return row is not None and row["sold"] >= row["stock"]
