"""Comment topics for the post-live report: what viewers talked about, and what they complained about.

Offline: jieba segments Chinese (with a small live-commerce user dictionary, so 发货, 假货, 尺码 …
stay whole), English is split into words, and a curated lexicon (app/analytics/topic_lexicon.py)
judges sentiment with negation ("不好" negative, "不贵" and "一点都不卡" not) and names complaints.
A Chinese comment the lexicon finds neither negative nor positive, and that is not only questions,
is negative when snownlp's Bayes model gives it below ``SNOW_NEGATIVE``: on a hand-labelled sample of
live-room comments the lexicon alone missed half the unseen complaints, snownlp alone flagged every
other question, together they did best (tests/app/comments_labelled.tsv; docs/architecture.md,
"Comment topics").

* **Top topics**: the words (not stop words, numbers, emoji or single characters) carried by the most
  comments; each comment counts once per word. A topic is flagged ``negative`` when at least half of
  its comments were judged negative.
* **Negative topics**: each names what the complaint is about (发货慢 "slow shipping", 假货 "fake",
  尺码 "sizing", 退款 "refund", 贵 "expensive", 卡顿 "stream stutters" …), merging its many
  phrasings (发货太慢 / 物流慢 / 还没发货 → 发货慢); a comment counts once per topic and may carry
  several. Negative comments that no rule names add the words that at least ``MIN_FOUND`` of them
  share (e.g. 味道 from "味道太冲了").

Spam: a viewer repeating the same text counts once (pass ``viewers``); without viewer ids, the same
text of five characters or more within 60 s of its last appearance is taken as a repeat (short
choruses such as "想要" or "1" are many people, not one).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.analytics import topic_lexicon as lex
from app.analytics.model import Topic

if TYPE_CHECKING:
    import jieba

TOP_TOPICS = 20
"""How many top topics ``analyse_comments`` returns by default."""
MIN_TOPIC_COUNT = 2
"""A top topic needs at least this many comments."""
MIN_FOUND = 3
"""A negative topic found from words (not a rule) needs at least this many comments."""
EXAMPLES = 3
EXAMPLE_CHARS = 80
REPEAT_WINDOW_S = 60.0
REPEAT_MIN_CHARS = 5
SNOW_NEGATIVE = 0.2
"""snownlp's positive probability below which an otherwise undecided Chinese comment is negative."""

_RULES = [
    (
        rule,
        [re.compile(p) for p in rule.strong],
        [re.compile(p) for p in rule.weak],
        re.compile(rule.suppress) if rule.suppress else None,
    )
    for rule in lex.NEGATIVE_TOPICS
]
_TOPIC_EN = {rule.term: rule.en for rule in lex.NEGATIVE_TOPICS}
_GUARD_ZH = re.compile(lex.GUARD_ZH)
_GUARD_EN = re.compile(lex.GUARD_EN)
_POST_GUARD_ZH = re.compile(lex.POST_GUARD_ZH)
_DOUBT = re.compile(r"是不是$")
_QUESTION_ZH = re.compile(lex.QUESTION_ZH)
_QUESTION_EN = re.compile(lex.QUESTION_EN)
_BRACKET_EMOTE = re.compile(r"\[[^\[\]\s]{1,8}\]")  # [比心], [666]: the apps' emoticon codes
_RUN = re.compile(r"(.)\1{3,}")
_SPACE = re.compile(r"\s+")
_CLAUSE = re.compile(r"([,.!?;:~。、…]+|但是|可是|不过|\bbut\b)")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"^[a-z][a-z'-]*$")
_CONTRACTIONS = ((re.compile(r"\b(can|won|ca)'t\b"), r"\1 not"), (re.compile(r"n't\b"), " not"))


def topic_label(term: str, lang: str = "zh_CN") -> str:
    """How the report names a topic: a negative topic's English meaning in English
    ("slow shipping (发货慢)"), the term itself otherwise."""
    if lang.startswith("zh") or term not in _TOPIC_EN:
        return term
    return f"{_TOPIC_EN[term]} ({term})"


@dataclass(frozen=True, slots=True)
class Judgement:
    negative: bool
    topics: tuple[str, ...]
    """The negative topics (rule terms) the comment carries."""
    score: int
    """The lexicon's sentiment: below 0 negative, above 0 positive (questions count 0)."""
    snow: float | None = None
    """snownlp's positive probability, when it was asked."""
    terms: frozenset[str] = field(default_factory=frozenset)
    """The comment's words for the top topics."""


def normalise(text: str) -> str:
    """NFKC, lower case, emoji and emoticon codes out, a run of one character cut to three."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _BRACKET_EMOTE.sub(" ", text)
    text = "".join(" " if _is_symbol(ch) else ch for ch in text)
    text = _RUN.sub(lambda m: m.group(1) * 3, text)
    return _SPACE.sub(" ", text).strip()


def _is_symbol(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category in ("So", "Sk", "Cs", "Co", "Cn", "Cf") or 0xFE00 <= ord(ch) <= 0xFE0F


def judge(text: str) -> Judgement:
    """Judge one comment: negative or not, the complaints it names, its words."""
    norm = normalise(text)
    if not norm:
        return Judgement(False, (), 0)
    topics: list[str] = []
    score = 0
    clauses = _clauses(norm)
    for clause, question in clauses:
        tokens = _tokens(clause)
        clause_score = 0 if question else _sentiment(tokens)
        score += clause_score
        for term in _clause_topics(clause, question=question, positive=clause_score > 0):
            if term not in topics:
                topics.append(term)
    terms = frozenset(t for t in _tokens(norm) if _is_term(t))
    snow = None
    if not topics and score == 0 and _CJK.search(norm) and not all(question for _, question in clauses):
        snow = _snownlp(norm)
    negative = bool(topics) or score < 0 or (snow is not None and snow < SNOW_NEGATIVE)
    return Judgement(negative, tuple(topics), score, snow, terms)


def analyse_comments(
    comments: list[tuple[float, str]],
    *,
    viewers: Sequence[str | None] | None = None,
    top: int = TOP_TOPICS,
    draw_keywords: Sequence[str] = (),
) -> tuple[list[Topic], list[Topic]]:
    """(wall time, text) of every comment → (top topics, negative topics), most comments first.

    ``viewers`` (the commenter of each comment, same order) lets a viewer's repeats count once.
    ``draw_keywords`` are the lucky draws' 口令: viewers comment them to enter, so they are taken out
    of the text (a comment that is nothing else says nothing about the show)."""
    if viewers is not None and len(viewers) != len(comments):
        raise ValueError("viewers must name the commenter of every comment")
    order = sorted(range(len(comments)), key=lambda i: comments[i][0])
    keywords = [k for k in draw_keywords if k.strip()]
    seen: set[tuple[str, str]] = set()
    last_seen: dict[str, float] = {}
    terms: dict[str, _Tally] = {}
    negative: dict[str, _Tally] = {}
    unnamed: dict[str, _Tally] = {}
    for i in order:
        wall, original = comments[i]
        text = original
        for keyword in keywords:
            text = text.replace(keyword, " ")
        key = _SPACE.sub("", normalise(text))
        if not key:
            continue
        viewer = viewers[i] if viewers is not None else None
        if viewer is not None:
            if (viewer, key) in seen:
                continue
            seen.add((viewer, key))
        elif len(key) >= REPEAT_MIN_CHARS:
            previous = last_seen.get(key)
            last_seen[key] = wall
            if previous is not None and wall - previous < REPEAT_WINDOW_S:
                continue
        verdict = judge(text)
        example = _example(original)
        for term in verdict.terms:
            terms.setdefault(term, _Tally()).add(example, key, negative=verdict.negative)
        for term in verdict.topics:
            negative.setdefault(term, _Tally()).add(example, key, negative=True)
        if verdict.negative and not verdict.topics:
            for term in verdict.terms - lex.POSITIVE - lex.NEGATIVE:
                unnamed.setdefault(term, _Tally()).add(example, key, negative=True)
    top_topics = [
        Topic(term, tally.count, tally.examples, negative=tally.negatives * 2 >= tally.count)
        for term, tally in terms.items()
        if tally.count >= MIN_TOPIC_COUNT
    ]
    negative_topics = [Topic(term, t.count, t.examples, negative=True) for term, t in negative.items()]
    negative_topics += [
        Topic(term, t.count, t.examples, negative=True)
        for term, t in unnamed.items()
        if t.count >= MIN_FOUND and term not in negative
    ]
    top_topics.sort(key=lambda t: -t.count)  # stable: ties keep first appearance
    negative_topics.sort(key=lambda t: -t.count)
    return top_topics[:top], negative_topics


@dataclass(slots=True)
class _Tally:
    count: int = 0
    negatives: int = 0
    examples: list[str] = field(default_factory=list)
    _keys: set[str] = field(default_factory=set)

    def add(self, example: str, key: str, *, negative: bool) -> None:
        self.count += 1
        self.negatives += negative
        if len(self.examples) < EXAMPLES and key not in self._keys:
            self._keys.add(key)
            self.examples.append(example)


def _example(text: str) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def _clauses(norm: str) -> list[tuple[str, bool]]:
    """The comment's clauses, each with whether it is a question."""
    parts = _CLAUSE.split(norm)
    out: list[tuple[str, bool]] = []
    for n in range(0, len(parts), 2):
        clause = parts[n].strip()
        if not clause:
            continue
        delimiter = parts[n + 1] if n + 1 < len(parts) else ""
        question = "?" in delimiter or bool(_QUESTION_ZH.search(clause))
        question = question or (not _CJK.search(clause) and bool(_QUESTION_EN.search(clause)))
        out.append((clause, question))
    return out


def _clause_topics(clause: str, *, question: bool, positive: bool) -> list[str]:
    found = []
    for rule, strong, weak, suppress in _RULES:
        if suppress is not None and suppress.search(clause):
            continue
        if any(_unguarded(p, clause) for p in strong) or (
            not question and not positive and any(_unguarded(p, clause) for p in weak)
        ):
            found.append(rule.term)
    return found


def _unguarded(pattern: re.Pattern[str], clause: str) -> bool:
    """Whether the pattern matches somewhere not cancelled by a negator right before it."""
    for match in pattern.finditer(clause):
        before = clause[max(0, match.start() - 12) : match.start()]
        if _DOUBT.search(before):
            return True
        if _POST_GUARD_ZH.search(clause[match.end() :]):
            continue
        if not (_GUARD_ZH.search(before) or _GUARD_EN.search(before)):
            return True
    return False


def _sentiment(tokens: list[str]) -> int:
    """+1 a positive word, -1 a negative one; a negator within the two words before flips it
    (degree words such as 很 / very in between do not count)."""
    score = 0
    flip = False
    gap = 0
    words = [t for t in tokens if t.strip()]
    for n, word in enumerate(words):
        if word in lex.NEGATORS:
            flip, gap = not flip, 0
            continue
        following = words[n + 1] if n + 1 < len(words) else ""
        is_degree = word in lex.DEGREE and not (
            word == "好" and following not in lex.POSITIVE and following not in lex.NEGATIVE
        )
        if is_degree:
            continue
        polarity = 1 if word in lex.POSITIVE else -1 if word in lex.NEGATIVE else 0
        if polarity:
            after = "".join(words[n + 1 : n + 4])
            if _POST_GUARD_ZH.search(after):  # "色差都没有"
                flip = not flip
            score += -polarity if flip else polarity
            flip = False
        elif flip:
            gap += 1
            if gap > 1:
                flip = False
    return score


def _is_term(token: str) -> bool:
    if token in lex.STOP_WORDS or any(ch.isdigit() for ch in token):
        return False
    if _CJK.search(token):
        return len(token) >= 2 and all(_CJK.match(ch) for ch in token)
    return len(token) >= 3 and bool(_LATIN_WORD.match(token))


def _tokens(text: str) -> list[str]:
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return [t for t in _tokenizer().lcut(text) if t.strip()]


def _snownlp(text: str) -> float:
    from snownlp import sentiment  # ~2 s the first time: it loads its model

    return float(sentiment.classify(text))


@functools.cache
def _tokenizer() -> jieba.Tokenizer:
    """Our own jieba tokenizer (the global one stays untouched) with the live-commerce words."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    words = lex.USER_WORDS | {w for w in lex.POSITIVE | lex.NEGATIVE | lex.NEGATORS if _CJK.search(w)}
    for word in sorted(words):
        tokenizer.add_word(word)
    return tokenizer
