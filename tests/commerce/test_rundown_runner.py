"""Playing a run-of-show in the room engine: cues pin and arm, launches create, auto-advance, events."""

from __future__ import annotations

from typing import Any

import pytest

from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.orders import OrderRequest
from app.rundown import rundown_from_json
from tests.commerce.conftest import ManualClock

SHOW: dict[str, Any] = {
    "segments": [
        {"id": "open", "kind": "opening", "title": "Hello", "duration_s": 60, "scene": "host",
         "draw": {"prize": "Bag", "keyword": "hi", "duration_s": 60, "launch_with_cue": True}},
        {"id": "tee", "sku": "tee", "duration_s": 300, "scene": "showcase", "points": ["Soft cotton"],
         "flash_sale": {"price": 39, "stock": 2, "countdown_s": 0, "duration_s": 60},
         "coupon": {"title": "5 off", "amount": 5, "quota": 10}},
        {"id": "mug", "sku": "mug", "duration_s": 30},
    ]
}  # fmt: skip


def kinds(engine: RoomEngine, prefix: str) -> list[dict[str, Any]]:
    return [e for e in engine.events("r") if e["type"].startswith(prefix)]


def test_next_pins_the_segments_product_arms_its_promotions_and_logs_the_cue(engine: RoomEngine) -> None:
    engine.save_rundown("r", rundown_from_json(SHOW))
    engine.pin("r", "mug")
    state = engine.cue("r")
    assert state["index"] == 0 and state["segment"]["id"] == "open" and state["next"]["id"] == "tee"
    assert [d["prize"] for d in engine.snapshot("r")["draws"]] == ["Bag"], "launched with the cue"
    assert state["armed"] == [] and "draw" in state["launched"]
    assert engine.snapshot("r")["pins"] == ["mug"], "a segment without a product leaves the pins alone"

    state = engine.cue("r", by="assistant:x1")
    assert engine.snapshot("r")["pins"] == ["tee"], "the segment's product is the one being explained"
    assert state["armed"] == ["flash_sale", "coupon"] and engine.snapshot("r")["flash_sales"] == []
    cues = kinds(engine, "rundown.cue")
    assert [(c["data"]["cue"], c["data"]["segment"], c["data"]["planned_s"]) for c in cues] == [
        (1, "open", 60.0), (2, "tee", 300.0)]  # fmt: skip
    assert cues[1]["data"]["by"] == "assistant:x1" and cues[1]["data"]["scene"] == "showcase"

    state = engine.launch_armed("r")
    assert state["armed"] == ["coupon"] and engine.snapshot("r")["flash_sales"][0]["price"] == 39
    state = engine.launch_armed("r", "coupon")
    assert state["armed"] == [] and engine.snapshot("r")["coupons"][0]["title"] == "5 off"
    with pytest.raises(CommerceError) as refused:
        engine.launch_armed("r")
    assert refused.value.code == "nothing_armed"
    assert [e["data"]["action"] for e in kinds(engine, "rundown.launched")] == ["draw", "flash_sale", "coupon"]

    engine.cue("r")
    state = engine.cue("r")
    assert not state["running"] and kinds(engine, "rundown.ended")[-1]["data"]["reason"] == "done"


def test_a_refused_launch_with_the_cue_does_not_stop_the_show(engine: RoomEngine) -> None:
    show = {"segments": [{"sku": "mug", "duration_s": 10,
                          "flash_sale": {"price": 9, "stock": 50, "countdown_s": 0, "duration_s": 60,
                                         "launch_with_cue": True}}]}  # fmt: skip
    engine.save_rundown("r", rundown_from_json(show))
    state = engine.cue("r")
    assert state["running"] and engine.snapshot("r")["pins"] == ["mug"]
    assert "only 3" in state["problems"][0], state["problems"]
    assert state["armed"] == ["flash_sale"], "still armed: it can be launched once the stock is there"


def test_auto_advance_when_the_flash_sale_sells_out_or_time_is_up(engine: RoomEngine, clock: ManualClock) -> None:
    show = {**SHOW, "auto_advance": {"sold_out": True, "time_up": True}}
    engine.save_rundown("r", rundown_from_json(show))
    engine.cue("r", 1)
    sale = engine.launch_armed("r", "flash_sale")["launched"]["flash_sale"]
    engine.tick()
    assert engine.rundown("r")["state"]["index"] == 1, "not sold out yet"
    for n in range(2):
        engine.place_order("r", f"viewer-{n}xx", "V", OrderRequest("tee", 1, flash_sale_id=sale), f"k{n}")
    engine.tick()
    state = engine.rundown("r")["state"]
    assert state["index"] == 2 and state["by"] == "auto"
    clock.advance(29)
    engine.tick()
    assert engine.rundown("r")["state"]["index"] == 2
    clock.advance(1)
    engine.tick()
    assert not engine.rundown("r")["state"]["running"], "the last segment's time up ends the run"


def test_without_auto_advance_the_host_calls_the_moment(engine: RoomEngine, clock: ManualClock) -> None:
    engine.save_rundown("r", rundown_from_json(SHOW))
    engine.cue("r", 2)
    clock.advance(600)
    engine.tick()
    assert engine.rundown("r")["state"]["index"] == 2


def test_editing_the_rundown_while_it_runs_follows_the_current_segment(engine: RoomEngine) -> None:
    engine.save_rundown("r", rundown_from_json(SHOW))
    engine.cue("r", 1)
    moved = {"segments": [SHOW["segments"][2], SHOW["segments"][1], SHOW["segments"][0]]}
    state = engine.save_rundown("r", rundown_from_json(moved))["state"]
    assert state["index"] == 1 and state["segment"]["id"] == "tee"
    state = engine.save_rundown("r", rundown_from_json({"segments": [SHOW["segments"][2]]}))["state"]
    assert not state["running"], "the segment on air was removed: the run ends"


def test_cue_refusals(engine: RoomEngine) -> None:
    with pytest.raises(CommerceError) as refused:
        engine.cue("r")
    assert refused.value.code == "no_rundown"
    engine.save_rundown("r", rundown_from_json(SHOW))
    with pytest.raises(CommerceError) as refused:
        engine.cue("r", 3)
    assert refused.value.status == 422 and "3" in refused.value.message
    with pytest.raises(CommerceError) as refused:
        engine.launch_armed("r")
    assert refused.value.code == "not_running"


def test_the_owner_snapshot_carries_the_run_and_viewers_never_see_it(engine: RoomEngine) -> None:
    engine.save_rundown("r", rundown_from_json(SHOW))
    engine.cue("r")
    assert engine.snapshot("r", owner=True)["rundown"]["segment"]["title"] == "Hello"
    assert "rundown" not in engine.snapshot("r")


def test_a_restart_resumes_the_run(engine: RoomEngine, store: str, clock: ManualClock) -> None:
    engine.save_rundown("r", rundown_from_json(SHOW))
    engine.cue("r", 1)
    engine.close()
    again = RoomEngine(store, clock=clock)
    try:
        state = again.rundown("r")["state"]
        assert state["running"] and state["index"] == 1 and state["armed"] == ["flash_sale", "coupon"]
        assert again.cue("r")["segment"]["id"] == "mug"
    finally:
        again.close()


def test_a_rehearsals_run_does_not_carry_into_the_real_show(engine: RoomEngine) -> None:
    engine.save_rundown("r", rundown_from_json(SHOW))
    engine.set_rehearsal("r", True, "owner")
    engine.cue("r")
    engine.cue("r")
    engine.set_rehearsal("r", False, "owner")
    state = engine.rundown("r")["state"]
    assert not state["running"] and state["cue"] == 0 and state["next"]["id"] == "open"
    ended = [e for e in engine.events("r") if e["type"] == "rundown.ended"]
    assert ended[-1]["data"]["reason"] == "rehearsal ended" and ended[-1]["data"]["rehearsal"] is True
    assert engine.cue("r")["segment"]["id"] == "open", "the real show's first Next starts at the top"


def test_a_failed_launch_does_not_block_the_next_armed_action(engine: RoomEngine) -> None:
    show = {"segments": [{"sku": "mug", "duration_s": 60,
                          "flash_sale": {"price": 9, "stock": 50, "countdown_s": 0, "duration_s": 60},
                          "coupon": {"title": "5 off", "amount": 5, "quota": 10}}]}  # fmt: skip
    engine.save_rundown("r", rundown_from_json(show))
    engine.cue("r")
    with pytest.raises(CommerceError) as refused:
        engine.launch_armed("r")
    assert refused.value.code == "launch_failed" and "only 3" in refused.value.message
    state = engine.rundown("r")["state"]
    assert state["armed"] == ["coupon", "flash_sale"] and "only 3" in state["problems"][0]
    assert engine.launch_armed("r")["launched"]["coupon"], "the next Launch takes the coupon"


def test_an_action_edited_away_while_armed_is_disarmed(engine: RoomEngine) -> None:
    engine.save_rundown("r", rundown_from_json(SHOW))
    engine.cue("r", 1)
    tee = {k: v for k, v in SHOW["segments"][1].items() if k != "flash_sale"}
    without_sale = {"segments": [SHOW["segments"][0], tee, SHOW["segments"][2]]}
    state = engine.save_rundown("r", rundown_from_json(without_sale))["state"]
    assert state["armed"] == ["coupon"]
    with pytest.raises(CommerceError) as refused:
        engine.launch_armed("r", "flash_sale")
    assert refused.value.code == "not_armed"
