"""Pins, polls, Q&A, lucky draws, comments and moderation."""

from __future__ import annotations

import hashlib
import json

import pytest

from app.commerce.catalog import ProductInput
from app.commerce.core import Notification
from app.commerce.draws import pick_winners
from app.commerce.engine import RoomEngine
from app.commerce.errors import CommerceError
from app.commerce.values import nickname
from tests.commerce.conftest import ManualClock


def test_up_to_three_pins_each_logged_with_stream_time(
    engine: RoomEngine, clock: ManualClock, notifications: list[Notification]
) -> None:
    engine.core.stream_time = lambda room: 12.5
    engine.add_product("r", ProductInput("hat", "Hat", 100, 1))
    for sku in ("tee", "mug", "shoe"):
        engine.pin("r", sku)
        clock.advance(1)
    with pytest.raises(CommerceError) as fourth:
        engine.pin("r", "hat")
    assert fourth.value.code == "too_many_pins"
    with pytest.raises(CommerceError) as option:
        engine.pin("r", "shoe-40")
    assert option.value.code == "pin_parent"
    assert engine.unpin("r", "mug") == ["tee", "shoe"]
    pins = [e for e in engine.events("r") if e["type"] in ("pin", "unpin")]
    assert [(e["type"], e["data"]["sku"], e["stream_time"]) for e in pins] == [
        ("pin", "tee", 12.5), ("pin", "mug", 12.5), ("pin", "shoe", 12.5), ("unpin", "mug", 12.5),
    ]  # fmt: skip
    assert notifications[-1].public == {"type": "pins", "pins": ["tee", "shoe"]}


def test_polls_count_one_vote_per_viewer(engine: RoomEngine) -> None:
    poll = engine.open_poll("r", "Which colour?", ["Red", "Blue"])
    engine.vote("r", "viewer-a", poll["id"], 1)
    engine.vote("r", "viewer-b", poll["id"], 1)
    with pytest.raises(CommerceError, match="already voted"):
        engine.vote("r", "viewer-a", poll["id"], 0)
    with pytest.raises(CommerceError, match="a poll is already open"):
        engine.open_poll("r", "Another?", ["Yes", "No"])
    closed = engine.close_poll("r", poll["id"])
    assert [o["votes"] for o in closed["options"]] == [0, 2]
    with pytest.raises(CommerceError, match="closed"):
        engine.vote("r", "viewer-c", poll["id"], 0)


def test_questions_are_queued_for_the_host_and_pinned_answers_are_public(engine: RoomEngine) -> None:
    asked = engine.ask("r", "viewer-a", "Ann", "  Does it shrink?  ")
    assert asked["text"] == "Does it shrink?"
    assert engine.snapshot("r")["questions"] == []
    engine.update_question("r", asked["id"], status=None, pinned=True, answer="No, it is pre-shrunk")
    public = engine.snapshot("r")["questions"]
    assert [(q["text"], q["answer"], q["status"]) for q in public] == [
        ("Does it shrink?", "No, it is pre-shrunk", "answered")
    ]


def test_a_lucky_draw_is_verifiable_from_its_published_seed(
    engine: RoomEngine, clock: ManualClock, notifications: list[Notification]
) -> None:
    draw = engine.open_draw("r", "Free tee", winners=2, keyword="抽奖", duration_s=60)
    published_hash = draw["seed_hash"]
    assert draw["seed"] is None, "the seed stays secret while the draw is open"
    mine = {f"viewer-{n}": engine.enter_draw("r", f"viewer-{n}", f"V{n}", draw["id"])["mine"] for n in range(6)}
    engine.comment("r", "viewer-9", "Nine", "我要抽奖！")
    mine["viewer-9"] = engine.me("r", "viewer-9")["draw_tickets"][draw["id"]]
    with pytest.raises(CommerceError, match="already in this draw"):
        engine.enter_draw("r", "viewer-1", "V1", draw["id"])
    clock.advance(60)
    engine.tick()
    proof = engine.draw_verification("r", draw["id"])
    assert hashlib.sha256(proof["seed"].encode()).hexdigest() == published_hash
    published = json.dumps(proof)
    assert "viewer-" not in published, "no viewer id in the public proof: entries are tickets"
    tickets = [e["ticket"] for e in proof["entrant_list"]]
    assert len(tickets) == 7 and len(set(tickets)) == 7
    for viewer, entry in mine.items():  # each viewer finds their own ticket from their salt
        assert hashlib.sha256(f"{entry['salt']}:{viewer}".encode()).hexdigest() == entry["ticket"] in tickets
    assert [w["ticket"] for w in proof["winner_list"]] == pick_winners(proof["seed"], tickets, 2)
    # An independent recomputation, straight from the published rule:
    ranked = sorted(tickets, key=lambda t: hashlib.sha256(f"{proof['seed']}:{t}".encode()).hexdigest())
    assert [w["ticket"] for w in proof["winner_list"]] == ranked[:2]
    winners = {v for v, entry in mine.items() if entry["ticket"] in ranked[:2]}
    won = {n.to_viewer for n in notifications if (n.public or {}).get("type") == "draw_won"}
    assert won == winners, "the winners are told, by their own ids, privately"


def test_comments_are_rate_limited_moderated_and_blocked_words_refused(engine: RoomEngine, clock: ManualClock) -> None:
    for n in range(5):
        engine.comment("r", "viewer-a", "Ann", f"hello {n}")
    with pytest.raises(CommerceError) as fast:
        engine.comment("r", "viewer-a", "Ann", "one more")
    assert (fast.value.status, fast.value.code) == (429, "slow_down")
    clock.advance(10)
    engine.set_blocked_words("r", ["Fake"])
    with pytest.raises(CommerceError, match="does not allow"):
        engine.comment("r", "viewer-b", "Bo", "this is FAKE stuff")
    shown = engine.comment("r", "viewer-b", "Bo", "<script>alert(1)</script>")
    assert shown["text"] == "<script>alert(1)</script>", "stored as text; the page shows it as text"
    engine.delete_comment("r", shown["id"])
    assert all(c["id"] != shown["id"] for c in engine.snapshot("r")["comments"])
    engine.mute("r", "viewer-b", 5)
    with pytest.raises(CommerceError) as muted:
        engine.comment("r", "viewer-b", "Bo", "hi")
    assert muted.value.code == "muted" and "5 min" in muted.value.message
    with pytest.raises(CommerceError, match="longer than 200"):
        engine.comment("r", "viewer-c", "Cy", "x" * 201)


def test_a_blocked_word_is_caught_full_width_or_split_by_invisible_characters(engine: RoomEngine) -> None:
    engine.set_blocked_words("r", ["fake", "假货"])
    for n, disguised in enumerate(["ＦＡＫＥ", "f\u200bake", "fa\u200dke", "F\u2060A\ufeffKE", "假\u200b货"]):
        with pytest.raises(CommerceError, match="does not allow"):
            engine.comment("r", f"viewer-{n:02d}-x", "Ann", f"so {disguised} lol")
    shown = engine.comment("r", "viewer-ok-x", "Bo", "真的好\u202eRLO\u202c，全角逗号保留")
    assert shown["text"] == "真的好RLO，全角逗号保留", "bidi controls go; the full-width comma stays as written"
    family = engine.comment("r", "viewer-emoji", "Cy", "👨\u200d👩\u200d👧")
    assert family["text"] == "👨\u200d👩\u200d👧", "the emoji joiner stays"


def test_a_viewer_cannot_pass_for_the_host_by_name() -> None:
    for name in ("主播", "官方旗舰店", "ＨＯＳＴ", "Admin", "shop\u200bcast"):
        assert nickname(name, "viewer-1234") == "Viewer 1234", name
    assert nickname("小王\u202e", "viewer-1234") == "小王"
    assert nickname("Ann", "viewer-1234") == "Ann"


def test_a_viewer_cannot_take_the_rooms_own_name() -> None:
    room = ("小美的秋冬直播间", "xiaomei")
    for name in ("小美的秋冬直播间", "小美的秋冬直播间💕", "ＸＩＡＯＭＥＩ", "xiao\u200bmei", "XiaoMei_fan"):
        assert nickname(name, "viewer-1234", room) == "Viewer 1234", name
    assert nickname("小美", "viewer-1234", room) == "小美", "a part of the title is a name of its own"
    assert nickname("xiaomei", "viewer-1234") == "xiaomei", "another room's name is free"
    assert nickname("Bo", "viewer-1234", ("B", "b")) == "Bo", "a one-letter title reserves nothing"
    assert nickname("\u200b\u200b", "viewer-1234") == "Viewer 1234", "a name of nothing visible is no name"


def test_likes_are_totalled_and_logged_per_message(engine: RoomEngine) -> None:
    assert engine.like("r", "viewer-a", 5) == 5
    assert engine.like("r", "viewer-b", 3) == 8
    logged = [(e["viewer_id"], e["data"]["count"]) for e in engine.events("r") if e["type"] == "like"]
    assert logged == [("viewer-a", 5), ("viewer-b", 3)]


def test_funnel_analytics_count_once_per_viewer_product_kind_and_minute(engine: RoomEngine, clock: ManualClock) -> None:
    """A page (or a script) repeating exposures writes one row a minute, not one per message."""
    before = len(engine.events("r"))
    for _ in range(200):
        engine.interaction("r", "viewer-a", "exposure", ["tee", "mug"], "cart")
        engine.interaction("r", "viewer-a", "share", [], "room")
    engine.interaction("r", "viewer-b", "exposure", ["tee"], "cart")  # another viewer counts
    engine.interaction("r", "viewer-a", "click", ["tee"], "cart")  # another kind counts
    logged = [(e["type"], e["viewer_id"], e["data"].get("sku")) for e in engine.events("r")[before:]]
    assert sorted(logged, key=str) == sorted(
        [
            ("product.exposure", "viewer-a", "tee"),
            ("product.exposure", "viewer-a", "mug"),
            ("share", "viewer-a", None),
            ("product.exposure", "viewer-b", "tee"),
            ("product.click", "viewer-a", "tee"),
        ],
        key=str,
    )
    clock.advance(60)
    engine.interaction("r", "viewer-a", "exposure", ["tee"], "cart")
    assert len(engine.events("r")) == before + 6, "a new minute counts again"
    with pytest.raises(CommerceError, match="via"):
        engine.interaction("r", "viewer-c", "click", ["tee"], "x" * 2000)
    with pytest.raises(CommerceError):
        engine.interaction("r", "viewer-c", "click", ["no-such-sku"], "cart")
    engine.interaction("r", "viewer-c", "click", ["tee"], "cart")  # a refused message marked nothing
    assert engine.events("r")[-1]["viewer_id"] == "viewer-c"
