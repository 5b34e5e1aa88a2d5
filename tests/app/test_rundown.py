"""The run-of-show file: JSON and CSV both ways, errors that name the place, templates, claims."""

from __future__ import annotations

import json

import pytest

from app.rundown import (
    CSV_COLUMNS,
    RundownError,
    check_claims,
    duplicate_segment,
    move_segment,
    rundown_from_csv,
    rundown_from_json,
    rundown_to_csv,
    rundown_to_json,
    template_rundown,
)

FULL = {
    "format": "shopcast.rundown", "version": 1, "title": "新品直播",
    "auto_advance": {"sold_out": True, "time_up": False},
    "segments": [
        {"kind": "opening", "title": "开场", "scene": "host", "points": ["欢迎", "福袋"], "duration_s": 120,
         "draw": {"prize": "福袋", "winners": 3, "keyword": "来了", "duration_s": 120, "launch_with_cue": True}},
        {"sku": "tee", "title": "T恤", "points": ["纯棉", "秒杀价 ¥39"], "duration_s": 300,
         "flash_sale": {"price": 39, "stock": 20, "per_user_limit": 1, "countdown_s": 0, "duration_s": 60},
         "coupon": {"title": "满100减20", "amount": 20, "min_spend": 100, "quota": 100},
         "poll": {"question": "颜色?", "options": ["白", "黑"]}, "cohost_invite": {"label": "设计师"}},
        {"kind": "closing", "duration_s": 60, "pin": False},
    ],
}  # fmt: skip
CATALOG = {"tee": {"sku": "tee", "title": "T恤", "price": 59.0, "stock": 100},
           "mug": {"sku": "mug", "title": "Mug", "price": 29.9, "stock": 0}}  # fmt: skip


def test_the_minimal_file_plays() -> None:
    rundown = rundown_from_json(b'{"segments": [{"sku": "tee", "duration_s": 5}, {"sku": "mug", "duration_s": 5}]}')
    assert [(s.sku, s.kind, s.duration_s, s.pin) for s in rundown.segments] == [
        ("tee", "product", 5.0, True), ("mug", "product", 5.0, True)]  # fmt: skip
    assert rundown.segments[0].id != rundown.segments[1].id
    assert not rundown.auto_advance.sold_out and not rundown.auto_advance.time_up


def test_json_round_trip_keeps_everything() -> None:
    rundown = rundown_from_json(FULL)
    again = rundown_from_json(json.dumps(rundown_to_json(rundown)))
    assert again == rundown
    tee = rundown.segments[1]
    assert [kind for kind, _ in tee.actions] == ["flash_sale", "coupon", "poll", "cohost"]
    assert tee.flash_sale is not None and tee.flash_sale.price_cents == 3900
    assert tee.coupon is not None and tee.coupon.min_spend_cents == 10000


def test_csv_round_trip_keeps_everything() -> None:
    rundown = rundown_from_json(FULL)
    text = rundown_to_csv(rundown)
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    again = rundown_from_csv(text)
    assert again.segments == rundown.segments


def test_a_spreadsheet_with_only_some_columns_reads() -> None:
    text = "\ufeffkind,sku,duration_s,points,flash_sale_price,flash_sale_stock\r\n" \
           "opening,,60,欢迎 | 关注,,\r\nproduct,tee,300,\"纯棉\n透气\",39,20\r\n\r\n"  # fmt: skip
    rundown = rundown_from_csv(text.encode("utf-8"))
    assert [s.kind for s in rundown.segments] == ["opening", "product"]
    assert rundown.segments[0].points == ("欢迎", "关注")
    assert rundown.segments[1].points == ("纯棉", "透气")
    assert rundown.segments[1].flash_sale is not None and rundown.segments[1].flash_sale.stock == 20


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("sku,duration_s\ntee,60\nmug,soon\n", "row 3, column duration_s", "must be a number"),
        ("sku,duration_s,flash_sale_price,flash_sale_stock\ntee,60,abc,5\n", "row 2, column flash_sale_price",
         "amount in yuan"),
        ("sku,duration_s,flash_sale_price\ntee,60,9\n", "row 2, column flash_sale_stock", "is missing"),
        ("kind,duration_s\nparty,60\n", "row 2, column kind", "not one of"),
        ("sku,duration_s,colour\ntee,60,red\n", "row 1, column 3", "unknown column 'colour'"),
        ("sku\ntee\n", "row 1", "duration_s"),
        ("sku,duration_s\ntee,60,extra\n", "row 2", "has 3 cells"),
        ("duration_s,flash_sale_price,flash_sale_stock\n60,9,5\n", "row 2, column flash_sale",
         "needs the segment's sku"),
        ("sku,duration_s,poll_question,poll_options\ntee,60,Which?,only one\n", "row 2, column poll_options",
         "2 to 6"),
    ],
)  # fmt: skip
def test_a_bad_csv_row_names_the_row_and_the_column(text: str, where: str, words: str) -> None:
    with pytest.raises(RundownError) as bad:
        rundown_from_csv(text)
    assert bad.value.where == where and words in bad.value.problem, str(bad.value)


@pytest.mark.parametrize(
    ("data", "where", "words"),
    [
        ({}, "segments", "is missing"),
        ({"segments": [{"sku": "tee"}]}, "segments[0].duration_s", "is missing"),
        ({"segments": [{"sku": "tee", "duration_s": 0}]}, "segments[0].duration_s", "between 1"),
        ({"segments": [{"sku": "t ee", "duration_s": 5}]}, "segments[0].sku", "letters"),
        ({"segments": [{"duration_s": 5, "points": ["ok", 3]}]}, "segments[0].points[1]", "must be text"),
        ({"segments": [{"sku": "tee", "duration_s": 5, "flash_sale": {"price": 1.234, "stock": 1}}]},
         "segments[0].flash_sale.price", "two decimals"),
        ({"segments": [{"duration_s": 5, "id": "a"}, {"duration_s": 5, "id": "a"}]}, "segments[1].id", "earlier"),
        ({"segments": [], "format": "obs.scenes"}, "format", "not a ShopCast run-of-show"),
        ({"segments": [{"duration_s": 5, "colour": 1}]}, "segments[0].colour", "unknown field"),
    ],
)  # fmt: skip
def test_a_bad_json_file_names_the_field(data: dict[str, object], where: str, words: str) -> None:
    with pytest.raises(RundownError) as bad:
        rundown_from_json(data)
    assert bad.value.where == where and words in bad.value.problem, str(bad.value)


def test_not_json_at_all() -> None:
    with pytest.raises(RundownError, match="not JSON"):
        rundown_from_json(b"{segments")


def test_a_template_covers_the_catalog_and_every_kind() -> None:
    cart = [{"sku": "tee", "title": "T恤", "price": 59.0, "stock": 100},
            {"sku": "tee-s", "title": "T恤 · S", "price": 59.0, "stock": 10, "parent_sku": "tee"},
            {"sku": "mug", "title": "Mug", "price": 29.9, "stock": 5}]  # fmt: skip
    rundown = template_rundown(cart, "zh_CN")
    assert [s.kind for s in rundown.segments] == ["opening", "product", "product", "interaction", "closing"]
    assert [s.sku for s in rundown.segments if s.sku] == ["tee", "mug"], "options are not segments"
    sale = rundown.segments[1].flash_sale
    assert sale is not None and sale.price_cents == 4700, "the first product's sale: 80 % of ¥59, whole yuan"
    assert not check_claims(rundown, {p["sku"]: p for p in cart}), "a template makes no claim it cannot keep"
    assert rundown_from_json(rundown_to_json(rundown)) == rundown


def test_edit_helpers() -> None:
    rundown = rundown_from_json(FULL)
    copied = duplicate_segment(rundown, 1)
    assert len(copied.segments) == 4 and copied.segments[2].sku == "tee"
    assert copied.segments[2].id != copied.segments[1].id
    moved = move_segment(rundown, 2, 0)
    assert [s.kind for s in moved.segments] == ["closing", "opening", "product"]


def claims_of(points: list[str], **segment: object) -> list[tuple[str, str]]:
    rundown = rundown_from_json({"segments": [{"sku": "tee", "duration_s": 60, "points": points, **segment}]})
    return [(c.code, c.text) for c in check_claims(rundown, CATALOG)]


def test_claims_that_the_data_bears_out_pass() -> None:
    sale = {"flash_sale": {"price": 29.5, "stock": 20}}
    assert claims_of(["原价59元", "今天秒杀 ¥29.5", "五折的价格 5折", "限量20件"], **sale) == []


def test_false_claims_are_flagged() -> None:
    sale = {"flash_sale": {"price": 39, "stock": 20}}
    found = claims_of(["只要 ¥19.9", "5折", "全场包邮", "限量 10 件"], **sale)
    assert found == [
        ("price", "¥19.9"),
        ("discount", "5折"),
        ("free_shipping", "包邮"),
        ("limited_stock", "限量 10 件"),
    ]


def test_products_missing_or_sold_out_are_flagged() -> None:
    rundown = rundown_from_json({"segments": [{"sku": "mug", "duration_s": 5}, {"sku": "hat", "duration_s": 5}]})
    found = check_claims(rundown, CATALOG)
    assert [(c.segment, c.code, c.level) for c in found] == [
        (0, "out_of_stock", "error"),
        (1, "unknown_product", "error"),
    ]
    assert "不在" in found[1].message_zh


def test_what_a_price_is_not() -> None:
    catalog = {"tee": {"sku": "tee", "title": "T", "price": 1299.0, "stock": 100}}
    script = {"segments": [{"sku": "tee", "duration_s": 60, "points": [
        "日常价 ¥1,299，也就是 1,299元", "95折", "满100减20元", "5块钱运费我们出", "运费10元"]}]}  # fmt: skip
    claims = check_claims(rundown_from_json(script), catalog)
    assert [(c.code, c.text) for c in claims] == [("discount", "95折")], "95折 is 95 %: the price is 100 %"


def test_a_flash_sale_the_relay_would_refuse_is_flagged_before_going_live() -> None:
    script = {"segments": [{"sku": "tee", "duration_s": 60, "flash_sale": {"price": 99, "stock": 500}}]}
    found = check_claims(rundown_from_json(script), CATALOG)
    assert [c.code for c in found] == ["sale_price", "sale_stock"]
    assert "高于日常价" in found[0].message_zh


@pytest.mark.parametrize(
    ("plan", "where", "words"),
    [
        ({"coupon": {"title": "c", "amount": 20, "min_spend": 10, "quota": 5}}, "coupon.min_spend", "at least"),
        ({"poll": {"question": "q", "options": ["a", "a"]}}, "poll.options", "twice"),
        ({"duration_s": 10**400}, "duration_s", "between 1"),
    ],
)
def test_plans_that_cannot_work_are_refused_when_read(plan: dict[str, object], where: str, words: str) -> None:
    with pytest.raises(RundownError) as bad:
        rundown_from_json({"segments": [{"sku": "tee", "duration_s": 60, **plan}]})
    assert bad.value.where == f"segments[0].{where}" and words in bad.value.problem, str(bad.value)


def test_a_row_after_a_cell_with_line_breaks_is_numbered_as_the_spreadsheet_does() -> None:
    text = 'sku,duration_s,points\ntee,60,"one\ntwo\nthree"\nmug,soon,x\n'
    with pytest.raises(RundownError) as bad:
        rundown_from_csv(text)
    assert bad.value.where == "row 3, column duration_s"


def test_a_csv_in_gbk_says_how_to_save_it() -> None:
    with pytest.raises(RundownError, match="CSV UTF-8"):
        rundown_from_csv("sku,duration_s,points\ntee,60,纯棉\n".encode("gbk"))


def test_a_key_said_twice_is_refused_rather_than_the_second_winning() -> None:
    with pytest.raises(RundownError, match="'segments' appears twice"):
        rundown_from_json(b'{"segments": [{"sku": "tee", "duration_s": 5}], "segments": []}')
