"""The prompter's model (app/prompter.py): the segment, the countdown's colour, and every prompt kind
with its action, deduplicated and expiring."""

from __future__ import annotations

from typing import Any

from app.console_state import ConsoleState
from app.prompter import Prompter, Thresholds, format_left, normalise_question, time_level

T0 = 1_700_000_000.0


def running(
    started_at: float = T0, planned_s: float = 300.0, armed: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "running": True,
        "index": 1,
        "cue": 2,
        "segments": 3,
        "started_at": started_at,
        "planned_s": planned_s,
        "segment": {"id": "s2", "kind": "product", "title": "Basic tee", "sku": "tee",
                    "points": ["100 % cotton", "Three colours"], "duration_s": planned_s},
        "next": {"id": "s3", "kind": "closing", "title": "Thank you", "duration_s": 120},
        "armed": armed or [],
        "launched": {},
        **extra,
    }  # fmt: skip


def state_with(rundown: dict[str, Any] | None = None, **fields: Any) -> ConsoleState:
    state = ConsoleState(rundown=rundown, ready=True, **fields)
    return state


def test_the_view_has_the_segment_its_points_the_next_one_and_the_time_left() -> None:
    state = state_with(running(planned_s=300))
    view = Prompter().view(state, now=T0 + 10)
    assert view.running and view.title == "Basic tee" and view.kind == "product"
    assert view.points == ("100 % cotton", "Three colours")
    assert (view.number, view.segments, view.cue) == (2, 3, 2)
    assert view.next_title == "Thank you" and view.next_planned_s == 120
    assert view.elapsed_s == 10 and view.left_s == 290 and view.level == "ok"
    assert format_left(view.left_s) == "4:50"
    idle = Prompter().view(state_with({"running": False, "index": -1, "cue": 0, "next": {"title": "Opening"}}), T0)
    assert not idle.running and idle.title == "" and idle.left_s is None and idle.level == "ok"
    assert idle.next_title == "Opening", "before the first cue the prompter shows what comes first"


def test_the_countdown_turns_amber_at_a_fifth_or_thirty_seconds_then_red_over_time() -> None:
    prompter = Prompter()
    long = state_with(running(planned_s=600))
    assert prompter.view(long, now=T0 + 479).level == "ok"  # 121 s left of 600: more than a fifth
    assert prompter.view(long, now=T0 + 481).level == "amber"  # 119 s: ≤ 20 %
    short = state_with(running(planned_s=100))
    assert prompter.view(short, now=T0 + 69).level == "ok"  # 31 s left: a fifth would be 20 s
    assert prompter.view(short, now=T0 + 70).level == "amber"  # 30 s left
    assert prompter.view(short, now=T0 + 100).level == "amber"  # 0 s: on time
    over = prompter.view(short, now=T0 + 112.5)
    assert over.level == "red" and format_left(over.left_s or 0) == "-0:12"
    assert time_level(None, None) == "ok" and time_level(60, -1) == "red"
    assert format_left(59.2) == "1:00", "a countdown rounds up: 0:00 is the moment time is up"


def test_a_sold_out_flash_sale_of_the_segment_prompts_next() -> None:
    sale = {"id": "fs1", "sku": "tee", "stock": 20, "sold": 20, "remaining": 0}
    state = state_with(running(launched={"flash_sale": "fs1"}), flash_sales={"fs1": {**sale, "remaining": 3}})
    prompter = Prompter()
    assert prompter.view(state, now=T0 + 30).prompts == ()
    state.flash_sales["fs1"] = sale
    (prompt,) = prompter.view(state, now=T0 + 31).prompts
    assert prompt.kind == "sold_out" and prompt.action == "next" and prompt.level == "warning"
    assert "sold out" in prompt.text.en and "Thank you" in prompt.text.en and "售罄" in prompt.text.zh
    again = prompter.view(state, now=T0 + 40).prompts
    assert [p.id for p in again] == [prompt.id], "one occasion, one prompt"
    prompter.dismiss(prompt.id)
    assert prompter.view(state, now=T0 + 41).prompts == (), "dismissed: not back for the same sale"
    other = state_with(running(launched={"flash_sale": "fs2"}), flash_sales={"fs2": {**sale, "id": "fs2"}})
    assert [p.kind for p in prompter.view(other, now=T0 + 42).prompts] == ["sold_out"], "a new sale is new"
    last = state_with(running(launched={"flash_sale": "fs1"}, next=None), flash_sales={"fs1": sale})
    assert "wrap up" in Prompter().view(last, now=T0).prompts[0].text.en


def test_viewers_falling_a_fifth_within_a_minute_prompt_a_re_hook() -> None:
    prompter = Prompter()
    state = state_with(running())
    prompter.observe({"type": "snapshot", "server_time": T0, "online": 100})
    prompter.observe({"type": "metrics", "t": T0 + 20, "metrics": {"online": {"value": 98, "unit": "people"}}})
    prompter.observe({"type": "batch", "t": T0 + 40, "events": [{"type": "online", "count": 81}]})
    assert prompter.view(state, now=T0 + 40).prompts == (), "19 % is not more than a fifth"
    prompter.observe({"type": "batch", "t": T0 + 50, "events": [{"type": "online", "count": 75}]})
    (prompt,) = prompter.view(state, now=T0 + 50).prompts
    assert prompt.kind == "online_drop" and prompt.level == "error" and prompt.action is None
    assert "25 %" in prompt.text.en and "100 → 75" in prompt.text.en and "25%" in prompt.text.zh
    armed = state_with(running(armed=["coupon"]))
    assert prompter.view(armed, now=T0 + 51).prompts[0].action == "launch:coupon"

    slow = Prompter()
    for i, count in enumerate((100, 95, 90, 85, 80, 76)):  # 24 % over 100 s, under 20 % in any minute
        slow.add_online(T0 + 20 * i, count)
    assert slow.view(state, now=T0 + 100).prompts == ()
    few = Prompter()
    few.add_online(T0, 4)
    few.add_online(T0 + 10, 2)
    assert few.view(state, now=T0 + 10).prompts == (), "4 → 2 viewers is noise"


def test_a_question_asked_by_three_viewers_or_upvoted_three_times_prompts_an_answer() -> None:
    def question(qid: str, text: str, viewer: str, t: float, **extra: Any) -> dict[str, Any]:
        return {"id": qid, "text": text, "viewer_id": viewer, "nickname": viewer, "status": "open",
                "pinned": False, "answer": None, "created_at": t, **extra}  # fmt: skip

    questions = {
        "q1": question("q1", "Does it shrink?", "v1", T0),
        "q2": question("q2", "does it  shrink", "v2", T0 + 1),
        "q9": question("q9", "What sizes?", "v9", T0 + 2),
    }
    state = state_with(running(), questions=questions)
    prompter = Prompter()
    assert prompter.view(state, now=T0 + 5).prompts == ()
    questions["q3"] = question("q3", "Does it shrink？", "v3", T0 + 3)  # a full-width question mark
    (prompt,) = prompter.view(state, now=T0 + 5).prompts
    assert prompt.kind == "question" and prompt.action == "answer:q1" and prompt.level == "info"
    assert prompt.text.en == "3 viewers ask: “Does it shrink?”" and "3 位观众在问" in prompt.text.zh
    assert prompter.question_group(state, "q1") == ["q1", "q2", "q3"]
    assert normalise_question("Ｄｏｅｓ it shrink？！") == normalise_question("does it shrink")

    questions["q2"] = {**questions["q2"], "status": "answered"}
    assert prompter.view(state, now=T0 + 6).prompts == (), "one answered, two left asking: no prompt"
    voted = state_with(running(), questions={"q5": question("q5", "Is it washable?", "v5", T0, upvotes=3)})
    (upvoted,) = Prompter().view(voted, now=T0).prompts
    assert upvoted.action == "answer:q5" and "3 upvotes" in upvoted.text.en


def test_the_pinned_product_running_low_prompts_it() -> None:
    cart = [{"sku": "tee", "title": "Basic tee", "price": 59.0, "stock": 100, "sold": 0},
            {"sku": "mug", "title": "Mug", "price": 29.0, "stock": 3, "sold": 0}]  # fmt: skip
    state = state_with(running(), cart=cart, pins=["tee"])
    prompter = Prompter()
    assert prompter.view(state, now=T0).prompts == ()
    cart[0].update(stock=11, sold=89)
    assert prompter.view(state, now=T0 + 1).prompts == (), "11 of 100 left: above a tenth and above 5"
    cart[0].update(stock=10, sold=90)
    (prompt,) = prompter.view(state, now=T0 + 2).prompts
    assert prompt.kind == "low_stock" and prompt.action is None and prompt.level == "warning"
    assert "Only 10 of Basic tee left (of 100)" in prompt.text.en and "仅剩 10 件" in prompt.text.zh
    cart[0].update(stock=0, sold=100)
    (gone,) = prompter.view(state, now=T0 + 3).prompts
    assert gone.id == prompt.id and gone.text.en == "Basic tee is sold out"
    state.pins = ["mug"]
    (mug,) = prompter.view(state, now=T0 + 30).prompts
    assert "Only 3 of Mug left" in mug.text.en, "5 or fewer left is low whatever the start"


def test_prompts_linger_expire_and_the_most_urgent_comes_first() -> None:
    prompter = Prompter(Thresholds(linger_s=10, max_age_s=60))
    sale = {"id": "fs1", "sku": "tee", "stock": 5, "sold": 5, "remaining": 0}
    state = state_with(running(launched={"flash_sale": "fs1"}), flash_sales={"fs1": sale})
    prompter.add_online(T0, 50)
    prompter.add_online(T0 + 30, 30)
    kinds = [p.kind for p in prompter.view(state, now=T0 + 30).prompts]
    assert kinds == ["online_drop", "sold_out"], "viewers leaving first"

    # The occasions over (the next cue, the viewers back): the prompts go at once.
    state.rundown = running(started_at=T0 + 35)
    prompter.add_online(T0 + 35, 50)
    assert prompter.view(state, now=T0 + 35).prompts == ()
    # An occasion back within linger_s is the same one: a prompt dismissed stays dismissed.
    state.rundown = running(launched={"flash_sale": "fs1"})
    (again,) = prompter.view(state, now=T0 + 40).prompts
    prompter.dismiss(again.id)
    state.rundown = running(started_at=T0 + 41)
    prompter.view(state, now=T0 + 41)
    state.rundown = running(launched={"flash_sale": "fs1"})
    assert prompter.view(state, now=T0 + 45).prompts == ()
    state.rundown = running(started_at=T0 + 46)
    assert prompter.view(state, now=T0 + 46).prompts == ()

    # An occasion that lasts: shown for max_age_s, then not again while it lasts…
    state.rundown = running(launched={"flash_sale": "fs1"})
    shown = {t: [p.kind for p in prompter.view(state, now=T0 + t).prompts] for t in range(60, 170, 5)}
    assert shown[60] == shown[120] == ["sold_out"] and shown[125] == shown[165] == []
    # …and a new occasion once it ended for longer than linger_s.
    state.rundown = running(started_at=T0 + 170)
    prompter.view(state, now=T0 + 170)
    state.rundown = running(launched={"flash_sale": "fs1"})
    assert [p.kind for p in prompter.view(state, now=T0 + 181).prompts] == ["sold_out"]
