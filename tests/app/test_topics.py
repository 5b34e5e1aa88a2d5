"""Comment topics (app/analytics/topics.py): complaints named and counted in a generated comment
stream, positives not flagged, spam and noise left out, and the sentiment judgement measured on the
hand-labelled sample (tests/app/comments_labelled.tsv)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from app.analytics.topics import _snownlp, analyse_comments, judge, topic_label

# Planted complaints: (topic, how many, phrasings: synonyms, both languages, a few not in the sample).
PLANTED: list[tuple[str, int, list[str]]] = [
    ("发货慢", 40, ["发货太慢了", "物流慢死了", "还没发货", "怎么还不发货啊", "快递一直不动",
                   "等了一周还没到", "shipping is so slow", "still haven't received it"]),
    ("假货", 25, ["是假货吧", "高仿的吧", "感觉不是正品", "this is fake", "收到的是假的"]),
    ("尺码", 20, ["尺码偏小", "码数不准", "上次买的穿不上", "runs small", "尺码不对啊"]),
    ("退款", 15, ["我要退款", "申请退货没人处理", "不给退款是吧", "I want a refund"]),
    ("贵", 18, ["太贵了", "好贵啊", "不值这个价", "too expensive", "比别家贵"]),
    ("卡顿", 30, ["卡了卡了", "好卡", "画面卡住了", "黑屏了", "stream is lagging", "卡"]),
]  # fmt: skip
# Ordinary and positive comments, many about the same things (发货很快, 不贵, 一点都不卡 …): none may
# count as a complaint.
ORDINARY = [
    "发货很快", "物流超快，第二天就到了", "不贵，很划算", "一点都不卡", "正品放心", "不是假货，我买过",
    "尺码很标准", "质量很好", "没有色差", "什么时候发货", "尺码怎么选", "包邮吗", "not expensive at all",
    "shipping was fast", "love this dress", "1", "666", "🎉🎉🎉", "3号链接", "主播好美", "想要", "主播好美",
    "上链接", "已下单", "[比心][比心]", "哈哈哈哈哈", "晚上好", "M码还有吗", "颜色好正",
]  # fmt: skip
DECORATIONS = ["", "", "!", "！！", "😡", "😂😂", " ", "。。。", "[流泪]"]
TOLERANCE = 0.1
"""Counted within ±10 % of the planted number (and ±1 at least). The planted phrasings are all named
by the lexicon, so the counts come out exact today; the margin is for lexicon changes that move a
phrasing at the edge."""


def _stream(seed: int = 7) -> tuple[list[tuple[float, str]], list[str]]:
    rng = random.Random(seed)
    items: list[tuple[str, str]] = []
    for _, count, phrasings in PLANTED:
        for n in range(count):
            items.append((phrasings[n % len(phrasings)] + rng.choice(DECORATIONS), f"viewer-{rng.randrange(10**6)}"))
    items += [(rng.choice(ORDINARY) + rng.choice(DECORATIONS), f"viewer-{rng.randrange(10**6)}") for _ in range(400)]
    items += [("假货假货假货！！！", "spammer")] * 30  # one viewer repeating: one comment
    rng.shuffle(items)
    comments = [(1_700_000_000 + 2.0 * n, text) for n, (text, _) in enumerate(items)]
    return comments, [viewer for _, viewer in items]


def test_planted_complaints_are_named_and_counted_and_positives_are_not() -> None:
    comments, viewers = _stream()
    top, negative = analyse_comments(comments, viewers=viewers)
    found = {t.term: t for t in negative}
    for term, count, _ in PLANTED:
        expected = count + (1 if term == "假货" else 0)  # the spammer counts once
        assert term in found, f"{term} not found among {list(found)}"
        assert abs(found[term].count - expected) <= max(1, TOLERANCE * expected), (term, found[term].count, expected)
        assert found[term].negative
        assert 1 <= len(found[term].examples) <= 3
        assert len(set(found[term].examples)) == len(found[term].examples)
    stray = {t.term: t.count for t in negative if t.term not in {p[0] for p in PLANTED}}
    assert all(count <= 2 for count in stray.values()), f"complaints nobody planted: {stray}"
    assert [t.count for t in negative] == sorted((t.count for t in negative), reverse=True)
    # the top topics: words, most comments first, the complaint words flagged
    terms = {t.term: t for t in top}
    assert len(top) <= 20
    assert [t.count for t in top] == sorted((t.count for t in top), reverse=True)
    assert terms["发货"].count >= 40
    assert not terms["好美"].negative
    assert not any(re.fullmatch(r"[\d\W_]+", t) for t in terms), "numbers or symbols as topics"
    assert not {"晚上", "主播", "哈哈"} & set(terms), "greetings and filler as topics"


def test_a_top_topic_is_flagged_when_most_of_its_comments_are_negative() -> None:
    texts = ["物流太慢了", "物流怎么还没到", "物流一直不更新", "物流很快", "主播好美", "主播好美呀", "好美"]
    top, _ = analyse_comments([(float(n), text) for n, text in enumerate(texts)])
    flags = {t.term: t.negative for t in top}
    assert flags == {"物流": True, "好美": False}


def test_positive_comments_about_complaint_subjects_are_not_complaints() -> None:
    for text in ("发货很快", "不贵", "一点都不卡", "不是假货", "质量很好", "没有色差", "一点色差都没有",
                 "尺码很标准", "退款很快，售后不错", "not expensive at all", "shipping was fast", "什么时候发货",
                 "可以七天无理由退货吗", "偏大还是偏小"):  # fmt: skip
        verdict = judge(text)
        assert not verdict.topics, (text, verdict)


def test_one_character_complaints_and_mixed_comments() -> None:
    assert judge("卡").topics == ("卡顿",)
    assert judge("贵！！！").topics == ("贵",)
    assert set(judge("衣服很好看，但是发货太慢了，客服也不回").topics) == {"发货慢", "客服"}
    assert judge("假货还不给退").topics == ("假货", "退款")
    assert judge("Shipping took forever and the color is different").topics == ("发货慢", "色差")


def test_noise_makes_no_topics() -> None:
    noise = ["1", "111111", "666", "🎉🎉🎉", "[比心][玫瑰]", "👍", "8888", "。。。", "   ", "2", "ok"]
    assert analyse_comments([(float(n), text) for n, text in enumerate(noise)]) == ([], [])
    assert analyse_comments([]) == ([], [])


def test_repeats_without_viewer_ids_count_once_a_minute() -> None:
    spam = [(1000.0 + 10 * n, "假货假货，大家别买") for n in range(12)]  # every 10 s for 2 minutes
    later = [(1000.0 + 110 + 61, "假货假货，大家别买")]  # after a minute of quiet: a new comment
    chorus = [(1000.0 + n, "想要") for n in range(20)]  # short: many people, each counts
    top, negative = analyse_comments(spam + later + chorus)
    assert {t.term: t.count for t in negative}["假货"] == 2
    assert {t.term: t.count for t in top}["想要"] == 20


def test_a_viewers_repeats_count_once() -> None:
    comments = [(float(n), "发货太慢了") for n in range(10)] + [(20.0, "发货太慢了")]
    viewers = ["v1"] * 10 + ["v2"]
    _, negative = analyse_comments(comments, viewers=viewers)
    assert negative[0].term == "发货慢"
    assert negative[0].count == 2
    with pytest.raises(ValueError, match="viewers"):
        analyse_comments(comments, viewers=["v1"])


def test_unnamed_complaints_surface_by_their_shared_word() -> None:
    comments = [(float(n), text) for n, text in enumerate(["味道太冲了", "味道好难闻", "这个味道真的受不了，失望",
                                                           "味道怎么样"])]  # fmt: skip
    _, negative = analyse_comments(comments)
    found = {t.term: t for t in negative}
    assert found["味道"].count == 3
    assert "味道怎么样" not in found["味道"].examples


def test_topic_labels() -> None:
    assert topic_label("发货慢", "en") == "slow shipping (发货慢)"
    assert topic_label("卡顿", "en") == "stream stutters (卡顿)"
    assert topic_label("发货慢", "zh_CN") == "发货慢"
    assert topic_label("味道", "en") == "味道"


# --- the labelled sample ----------------------------------------------------------------------------
# dev: the lexicon was tuned on it; held: written with it, not looked at while tuning (then tuned on);
# fresh: written after the first lexicon in other phrasings (measured once, then tuned on); final:
# written last, measured once, never tuned on. "final" is the honest number (docs/architecture.md).

SAMPLE = Path(__file__).with_name("comments_labelled.tsv")


def _rows(which: str) -> list[tuple[str, set[str], str]]:
    rows = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        part, label, topics, text = line.split("\t")
        if part == which:
            rows.append((label, set() if topics == "-" else set(topics.split(",")), text))
    return rows


def _scores(predicted: list[bool], truth: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    accuracy = sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth)
    return accuracy, tp / max(1, tp + fp), tp / max(1, tp + fn)


@pytest.mark.parametrize(
    ("which", "accuracy_floor", "precision_floor", "recall_floor"),
    [("dev", 0.97, 0.97, 0.97), ("held", 0.97, 0.97, 0.97), ("fresh", 0.9, 0.9, 0.9), ("final", 0.78, 0.95, 0.65)],
)
def test_sentiment_on_the_labelled_sample(
    which: str, accuracy_floor: float, precision_floor: float, recall_floor: float
) -> None:
    rows = _rows(which)
    verdicts = [judge(text) for _, _, text in rows]
    accuracy, precision, recall = _scores([v.negative for v in verdicts], [label == "neg" for label, _, _ in rows])
    print(f"{which}: n={len(rows)} accuracy {accuracy:.3f} precision {precision:.3f} recall {recall:.3f}")
    assert accuracy >= accuracy_floor
    assert precision >= precision_floor
    assert recall >= recall_floor
    named = sum(len(set(v.topics) & want) for v, (_, want, _) in zip(verdicts, rows, strict=True))
    wrong = sum(len(set(v.topics) - want) for v, (_, want, _) in zip(verdicts, rows, strict=True))
    planted = sum(len(want) for _, want, _ in rows)
    print(f"{which}: topics named {named}/{planted}, wrongly {wrong}")
    assert wrong <= 0.05 * planted + 1  # a named complaint is nearly always the right one


def test_the_combination_beats_either_judge_alone_on_unseen_comments() -> None:
    """On the "final" rows in Chinese: the lexicon alone misses complaints it has no words for,
    snownlp alone takes questions for complaints; together they do better than either."""
    rows = [r for r in _rows("final") if re.search(r"[\u4e00-\u9fff]", r[2])]
    truth = [label == "neg" for label, _, _ in rows]
    verdicts = [judge(text) for _, _, text in rows]
    lexicon = _scores([bool(v.topics) or v.score < 0 for v in verdicts], truth)[0]
    snownlp = _scores([_snownlp(text) < 0.5 for _, _, text in rows], truth)[0]
    combined = _scores([v.negative for v in verdicts], truth)[0]
    print(f"final (Chinese, n={len(rows)}): lexicon {lexicon:.3f}, snownlp {snownlp:.3f}, together {combined:.3f}")
    assert combined > lexicon
    assert combined > snownlp


def test_lucky_draw_keywords_are_entries_not_topics() -> None:
    """A draw asks viewers to comment its 口令: hundreds of "宝宝好运" are entries, not an opinion;
    what a viewer wrote beside the keyword still counts."""
    from app.analytics.metrics import recount
    from app.analytics.report import comment_topics

    log: list[dict[str, object]] = [
        {"wall": 0.0, "type": "stream.started", "viewer_id": None, "data": {}},
        {
            "wall": 1.0,
            "type": "draw.opened",
            "viewer_id": None,
            "data": {"id": "d1", "prize": "口红", "keyword": "宝宝好运"},
        },
    ]
    texts = ["宝宝好运"] * 30 + ["宝宝好运 发货太慢了"] * 3 + ["发货太慢了"] * 2 + ["想要链接"] * 4
    for n, text in enumerate(texts):
        viewer = f"v{n}"
        log.append({"wall": 2.0 + n, "type": "comment", "viewer_id": viewer, "data": {"id": n, "text": text}})
    log.append({"wall": 100.0, "type": "stream.ended", "viewer_id": None, "data": {}})
    top, negative = comment_topics(recount(log, keep_comments=True))
    terms = {t.term: t.count for t in top}
    assert not any("好运" in term or "宝宝" in term for term in terms), terms
    assert terms.get("想要") == 4 or terms.get("链接") == 4, terms
    assert {t.term: t.count for t in negative}["发货慢"] == 5
    # Without knowing the draw, its keyword would lead the topics: the test above can fail.
    plain, _ = analyse_comments(
        [(float(n), text) for n, text in enumerate(texts)], viewers=[f"v{n}" for n in range(len(texts))]
    )
    assert "好运" in plain[0].term or "宝宝" in plain[0].term
