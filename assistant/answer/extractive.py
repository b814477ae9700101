"""The extractive answerer: pick the sentences of the retrieved passages that answer the question
and cite each one. It never writes a fact of its own, so every number it shows is in the quoted
sentence by construction.

Whether the documents answer at all is decided by a small logistic model over evidence features
(how much of the question the best passage and sentence cover, the largest uncovered share, the
dense similarity). Its coefficients and the two cut-offs are fitted by ``eval/calibrate.py`` on a
calibration set kept apart from the dev set, and stored in ``data/answer_policy.json``."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import takewhile
from pathlib import Path

from assistant.answer.citations import cite
from assistant.answer.texts import NOT_FOUND_TEXT
from assistant.answer.types import Citation, Status
from assistant.ingest.types import DocumentMeta
from assistant.lang.patterns import ITEM_NUMBER_RE, level_fit, stance_of
from assistant.lang.sentences import split_sentences
from assistant.lang.terms import coverage, flat, uncovered_share
from assistant.records.structures import ITEM_MARKER
from assistant.retrieve.types import Passage

POLICY_FILE = Path(__file__).resolve().parent.parent / "data" / "answer_policy.json"
FEATURES = ("sentence_cov", "uncovered", "dense")

_ASKS_LIST = re.compile(
    r"哪些|有什么|包括|包含|都有|分别|几类|几个方面|哪几|哪[两三四五六七八九十]|还有"
)
# What kind of phrase answers the question, and what such a phrase looks like in the text.
# How often ("演练频次", "多久一次"), and a sentence stating a rate per period ("每3年至少1次").
_ASKS_FREQUENCY = re.compile(r"频次|频率|多久一次|多长时间一次|几年一次|每年几次|几次")
_STATES_FREQUENCY = re.compile(
    r"每\s*(?:\d+|[一二两三四五六七八九十半])?\s*个?(?:年|季度|月|周|天|日)"
    r"|(?:\d+|[一二两三四五六七八九十])\s*次"
)
_WHOLE_ANSWER_BONUS = 0.3
# A document asked for ("按哪个预案处置"), and a sentence naming one.
_ASKS_DOCUMENT = re.compile(
    r"哪(?:个|部|份|一)(?:应急)?(?:预案|文件|规划|方案|办法|条例|规定|通知|法)"
)
_NAMES_DOCUMENT = re.compile(r"《[^》]{4,}》")
_ENUMERATION = re.compile(r"[^、，,。；;]{2,16}、[^、，,。；;]{2,16}、[^、，,。；;]{2,16}")
_TYPE_BONUS = 0.15
_ANSWER_TYPES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"谁|哪个部门|哪个单位|哪些部门|哪些单位|牵头|负责|设在|担任"),
        re.compile(r"局|委|办|政府|部门|单位|中心|公司|支队|指挥部|市长|领导"),
    ),
    (
        re.compile(r"多久|多长时间|时限|几天|几个工作日|几小时"),
        re.compile(r"\d+\s*(?:个)?(?:小时|分钟|天|日|工作日|年|月)|半小时|小时"),
    ),
    (
        re.compile(r"哪年|何时|什么时候|时间|期限|日期"),
        re.compile(r"(?:19|20)\d{2}\s*年|年底|年前"),
    ),
    (
        # A length asked: a figure with a unit of length, not a count in the same sentence.
        re.compile(r"多长(?!时间|期限|周期)|多远|里程|长度"),
        re.compile(r"\d\s*(?:公里|千米|米|km|KM)"),
    ),
    (
        # Items asked ("下设哪些工作组", "分为哪几类"): a sentence enumerating three or more.
        re.compile(r"哪些|哪几|有哪|包括哪|包括什么|分为哪|都有什么"),
        _ENUMERATION,
    ),
    (
        re.compile(r"多少|几|比例|比率|占比|目标|达到|规模|面积|金额|投资|数量"),
        re.compile(r"\d"),
    ),
)


@dataclass(frozen=True)
class AnswerPolicy:
    """Coefficients of the answerability model and the calibrated cut-offs on its output."""

    coef: Mapping[str, float] = field(
        default_factory=lambda: {"sentence_cov": 2.0, "uncovered": -3.0, "dense": 3.0}
    )
    intercept: float = -3.0
    not_found_below: float = 0.5
    answered_from: float = 0.65
    max_sentences: int = 3
    max_list_sentences: int = 5
    max_chars: int = 420
    passages_considered: int = 5
    # Share of the focus's term weight the cited text and its context must cover (reader.check).
    min_focus: float = 0.5
    # ... unless the dense similarity (rescaled 0–1) is at least this: a paraphrase.
    dense_floor: float = 0.6
    # A side drafted from retrieved sentences (no table fact or record states it) whose
    # confidence is below this is labelled partial, with the words its quotes leave out named:
    # such drafts are right far less often than the rest, and "已找到" must be trustworthy.
    # 0 (the default when uncalibrated) labels nothing so.
    confirm_from: float = 0.0
    # ... and so is one whose quotes leave out more than this share of the focus's weight in
    # heavy terms ("保证水位" asked, "警戒水位" quoted). 1 (uncalibrated) labels nothing so.
    confirm_missing: float = 1.0
    # ... and so is one whose quotes leave out more than this share of the focus's weight in
    # all its terms, light ones included: a focus of many words ("临河货车登记全程压缩到几个
    # 工作日") can lose most of them, none heavy alone, to a sentence about another procedure that
    # shares only the unit. 1 (uncalibrated) labels nothing so.
    confirm_unsaid: float = 1.0

    @classmethod
    def load(cls, path: Path = POLICY_FILE) -> AnswerPolicy:
        """The calibrated policy when present (it ships with the package), else the defaults."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            coef={k: float(data["coef"][k]) for k in FEATURES},
            intercept=float(data["intercept"]),
            not_found_below=float(data["not_found_below"]),
            answered_from=float(data["answered_from"]),
            min_focus=float(data.get("min_focus", 0.5)),
            dense_floor=float(data.get("dense_floor", 0.6)),
            confirm_from=float(data.get("confirm_from", 0.0)),
            confirm_missing=float(data.get("confirm_missing", 1.0)),
            confirm_unsaid=float(data.get("confirm_unsaid", 1.0)),
        )

    def confidence(self, features: Mapping[str, float]) -> float:
        z = self.intercept + sum(self.coef[k] * features[k] for k in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Candidate:
    passage_rank: int
    passage: Passage
    text: str
    start: int  # absolute span in the cleaned document
    end: int
    coverage: float
    score: float


@dataclass(frozen=True)
class Drafted:
    status: Status
    text: str
    citations: tuple[Citation, ...]
    confidence: float
    features: Mapping[str, float]


def _context(p: Passage) -> str:
    return " ".join([p.chunk.doc_title, *p.chunk.section, p.chunk.text])


def _residual(weights: Mapping[str, float], p: Passage) -> dict[str, float]:
    """The question terms a sentence still has to supply once the passage's document title and
    section have supplied theirs: "…行动计划由哪个部门印发" must not pick the sentence that
    merely repeats the plan's title."""
    header = " ".join([p.chunk.doc_title, *p.chunk.section])
    rest = {t: w for t, w in weights.items() if coverage({t: w}, header) == 0}
    return rest or dict(weights)


_LEVEL_WEIGHT = 0.25
_STANCE_WEIGHT = 0.15


# A sentence about "the situations above": what it applies to is in the sentences before it.
_BACK_REFERENCE = re.compile(r"(?:以上|上述|前述|前款)(?:情形|情况|规定|事项)")
_BACK_SENTENCES = 2


# A post asked by its name ("指挥部的总指挥是谁", "组长由谁担任"), and a sentence that states
# it: the post as its subject or label ("总指挥：分管副市长", "组长由…担任"). The tokenizer
# splits such names ("指挥" + "长"), and a piece matches inside another post ("支队长").
_POST_ASKED = re.compile(
    r"(?P<post>[\u4e00-\u9fff]{2,6}?)(?:是谁|由谁|谁来|谁担任|由什么人|是什么人|是哪位)"
)
_POST_STATED = r"\s*(?:[:：]|由|为|是)"


def _post_bonus(question: str, sentence: str) -> float:
    m = _POST_ASKED.search(question.split("的")[-1])
    if m is None:
        return 0.0
    post, start = m["post"], _BULLET.sub("", sentence)
    names = [post[i:] for i in range(len(post) - 1)]
    return (
        _WHOLE_ANSWER_BONUS
        if any(re.match(re.escape(n) + _POST_STATED, start) for n in names)
        else 0.0
    )


def _type_bonus(question: str, sentence: str) -> float:
    if _ASKS_DOCUMENT.search(question):
        # Which document is the whole answer (as how often is): a sentence naming none says
        # nothing of it.
        return _WHOLE_ANSWER_BONUS if _NAMES_DOCUMENT.search(sentence) else 0.0
    if _ASKS_FREQUENCY.search(question):
        # How often is the whole answer: a sentence without a rate says nothing of it, however
        # many of the question's other words ("演练", "要求") it repeats.
        return _WHOLE_ANSWER_BONUS if _STATES_FREQUENCY.search(sentence) else 0.0
    for asks, looks_like in _ANSWER_TYPES:
        if asks.search(question):
            return _TYPE_BONUS if looks_like.search(sentence) else 0.0
    return 0.0


# A run-in label of a dashed or numbered item, alone in its sentence: "——功能融合运输网。",
# "（二）宣传保障。" (a short name, no figure, no clause).
_RUN_IN_LABEL = re.compile(
    r"^\s*(?:—{1,2}|[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[.、．])\s*"
    r"[^\d，,；;：:。]{2,14}[。：:]\s*$"
)
# A sentence introducing the items after it ("符合下列情形之一:", "主要职责如下：").
_INTRODUCES_LIST = re.compile(r"[：:]\s*$")
# An item: the list markers the record extractor numbers items by, after a bullet ("- ①…").
_BULLET = re.compile(r"^[\s\-•·]+")
_MAX_ITEMS = 10
# A continuation's history may word the previous answer in its own way (an LLM's, a person's):
# a sentence whose character pairs that answer mostly holds was said already.
_SAID_SHARE = 0.6


def _with_content(chosen: list[Candidate]) -> list[Candidate]:
    """Chosen sentences that say nothing on their own, quoted with what they lead to: a run-in
    label ("——功能融合运输网。") with the sentence after it, a lead-in ("符合下列情形之一,
    即可启动Ⅱ级响应:") with every item it introduces; no sentence is then quoted twice."""
    out: list[Candidate] = []
    for c in chosen:
        label, lead_in = _RUN_IN_LABEL.match(c.text), _INTRODUCES_LIST.search(c.text)
        if label or lead_in:
            text = c.passage.chunk.text
            at = c.start - c.passage.chunk.start
            after = [(s, e) for s, e in split_sentences(text) if s >= at + len(c.text.rstrip())]
            taken = after[:1] if label else list(takewhile(partial(_is_item, text), after))
            if taken:
                end = taken[:_MAX_ITEMS][-1][1]
                c = replace(c, text=text[at:end], end=c.passage.chunk.start + end)
        if not any(o.passage is c.passage and o.start <= c.start < o.end for o in out):
            out.append(c)
    return [
        c
        for c in out
        if not any(o is not c and o.passage is c.passage and o.start < c.start < o.end for o in out)
    ]


def _is_item(text: str, span: tuple[int, int]) -> bool:
    return ITEM_MARKER.match(_BULLET.sub("", text[span[0] : span[1]])) is not None


_CLAUSE = re.compile(r"[^，,；;。]+[，,；;。]?")
_CONTINUE_BONUS = 0.3
_SAID_CLAUSE = 5  # characters a clause needs before its words can be told as said


def _continued(candidates: list[Candidate], already: str) -> list[Candidate]:
    """The candidates a continuation may quote: a sentence the previous answer said only in
    part is cut to the clauses after the last one said ("…74公里，改造危桥150座，…"); whatever
    comes after what was said, in the same passage, is where the answer goes on."""
    out: list[Candidate] = []
    stopped: dict[int, int] = {}  # id of a passage → where the said text ends in it
    for c in candidates:
        if _RUN_IN_LABEL.match(c.text):
            continue  # a label says nothing more; what follows it is a candidate of its own
        if _said_already(c.text, already):
            stopped[id(c.passage)] = max(stopped.get(id(c.passage), 0), c.end)
            continue
        clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(c.text)]
        said = [
            i
            for i, (s, e) in enumerate(clauses)
            if e - s >= _SAID_CLAUSE and _said_already(c.text[s:e], already)
        ]
        if said and said[-1] + 1 < len(clauses):
            cut = clauses[said[-1] + 1][0]
            stopped[id(c.passage)] = max(stopped.get(id(c.passage), 0), c.start + cut)
            c = replace(c, text=c.text[cut:], start=c.start + cut)
        elif said:
            stopped[id(c.passage)] = max(stopped.get(id(c.passage), 0), c.end)
            continue
        out.append(c)
    return [
        replace(c, score=c.score + _CONTINUE_BONUS)
        if id(c.passage) in stopped and c.start >= stopped[id(c.passage)]
        else c
        for c in out
    ]


def _said_already(text: str, said: str) -> bool:
    t = re.sub(r"[^\w%]", "", flat(text))
    if t in said:
        return True
    pairs = {t[i : i + 2] for i in range(len(t) - 1)}
    return bool(pairs) and sum(p in said for p in pairs) >= _SAID_SHARE * len(pairs)


def _candidates(
    question: str,
    passages: Sequence[Passage],
    weights: Mapping[str, float],
    policy: AnswerPolicy,
    levels: tuple[str, ...] = (),
    stances: Mapping[str, str] | None = None,
) -> list[Candidate]:
    out: list[Candidate] = []
    for rank, p in enumerate(passages[: policy.passages_considered]):
        prior = 1.0 / (1.0 + 0.5 * rank)
        rest = _residual(weights, p)
        heading = level_fit(levels, p.chunk.section[-1]) if p.chunk.section else 0
        section = " ".join(p.chunk.section)
        spans = list(split_sentences(p.chunk.text))
        for i, (s, e) in enumerate(spans):
            text = p.chunk.text[s:e]
            if len(text) < 4:
                continue
            cov = coverage(rest, text)
            if _BACK_REFERENCE.search(text):
                # "高速公路上发生以上情形的按照《…》执行": the situation it is about is said by
                # the sentences before it.
                lead = p.chunk.text[spans[max(0, i - _BACK_SENTENCES)][0] : e]
                cov = max(cov, coverage(rest, lead))
            score = 0.6 * cov + 0.25 * prior + _type_bonus(question, text)
            score += _post_bonus(question, text)
            # A level asked ("黄色预警由谁发布"): the sentence (or its section) about that level,
            # not the one listing every level or the one about another level.
            score += _LEVEL_WEIGHT * (level_fit(levels, text) or heading)
            # 现状 or 目标 asked: not a sentence that states the other one (a plan states both).
            # Only a mismatch counts: a plan's task sentences state targets without saying so.
            stance = stances.get(p.chunk.doc_id, "") if stances else ""
            if stance and stance_of(text, section) not in ("", stance):
                score -= _STANCE_WEIGHT
            out.append(Candidate(rank, p, text, p.chunk.start + s, p.chunk.start + e, cov, score))
    return out


# A question naming two aspects ("在浓雾能见度和抢修时间上的标准"): a sentence saying what the
# chosen ones leave out of it (this share of its words' weight, or more) is added.
_TWO_ASPECTS = re.compile(r"[和及与、]|以及|分别|各自")
_COMPLEMENT_GAIN = 0.15
_COMPLEMENT_SCORE = 0.6


def _select(
    candidates: list[Candidate],
    question: str,
    policy: AnswerPolicy,
    weights: Mapping[str, float] | None = None,
) -> list[Candidate]:
    if not candidates:
        return []
    ranked = sorted(candidates, key=lambda c: -c.score)
    best = ranked[0]
    limit = policy.max_list_sentences if _ASKS_LIST.search(question) else policy.max_sentences
    chosen = [best]
    # A lead-in ("主要措施如下：") or a bare heading is useless alone: take what follows it.
    following = sorted(
        (c for c in candidates if c.passage is best.passage and c.start > best.start),
        key=lambda c: c.start,
    )
    if best.text.endswith(("：", ":")) or len(best.text) < 20:
        chosen.extend(following[: limit - 1])
    elif limit == policy.max_list_sentences and best.text.endswith(("；", ";")):
        # A list asked, and the best clause is one item of an enumeration its sentence goes on
        # with ("“三个转向”，即A；B；C。"): the clauses up to the sentence's end are the rest.
        for c in following[: limit - 1]:
            chosen.append(c)
            if not c.text.endswith(("；", ";")):
                break
    for c in ranked[1:]:
        if len(chosen) >= limit:
            break
        if c.score < 0.8 * best.score or c.coverage < 0.75 * best.coverage:
            continue
        if any(c.text == o.text for o in chosen):
            continue
        chosen.append(c)
    if weights and _TWO_ASPECTS.search(question):
        rest = _residual(weights, best.passage)
        for c in ranked[1:]:
            if len(chosen) >= limit:
                break
            if any(c.text == o.text for o in chosen) or (
                c.passage is not best.passage and c.score < _COMPLEMENT_SCORE * best.score
            ):
                continue
            said = " ".join(o.text for o in chosen)
            if coverage(rest, f"{said} {c.text}") - coverage(rest, said) >= _COMPLEMENT_GAIN:
                chosen.append(c)
    total = 0
    kept: list[Candidate] = []
    for c in chosen:
        if kept and total + len(c.text) > policy.max_chars:
            break
        kept.append(c)
        total += len(c.text)
    # Passages in rank order, sentences in document order within a passage.
    return sorted(kept, key=lambda c: (c.passage_rank, c.start))


def evidence_features(
    weights: Mapping[str, float], passages: Sequence[Passage], chosen: Sequence[Candidate]
) -> dict[str, float]:
    if not passages:
        return {"passage_cov": 0.0, "sentence_cov": 0.0, "uncovered": 1.0, "dense": 0.0}
    contexts = [_context(p) for p in passages[:3]]
    covs = [coverage(weights, c) for c in contexts]
    best = max(range(len(covs)), key=lambda i: covs[i])
    dense = passages[0].dense_score if passages[0].dense_score is not None else 0.0
    return {
        "passage_cov": covs[best],
        "sentence_cov": max((c.coverage for c in chosen), default=0.0),
        "uncovered": uncovered_share(weights, contexts[best]),
        # e5 cosines between a question and the corpus's passages span ~0.80 (off-topic) to
        # ~0.96 (the answering passage); rescale that range to 0–1.
        "dense": min(1.0, max(0.0, (dense - 0.80) / 0.16)),
    }


def _citation(n: int, c: Candidate, metas: Mapping[str, DocumentMeta]) -> Citation:
    chunk = c.passage.chunk
    return cite(
        n,
        doc_id=chunk.doc_id,
        quote=c.text,
        start=c.start,
        end=c.end,
        chunk=chunk,
        meta=metas.get(chunk.doc_id),
    )


def draft_answer(
    question: str,
    passages: Sequence[Passage],
    metas: Mapping[str, DocumentMeta],
    weights: Mapping[str, float],
    policy: AnswerPolicy,
    sentence_weights: Mapping[str, float] | None = None,
    levels: tuple[str, ...] = (),
    stances: Mapping[str, str] | None = None,
    said: str = "",
    qualifies: Callable[[Citation], bool] | None = None,
) -> Drafted:
    """``weights`` stress years (for deciding answerability); ``sentence_weights`` (plain idf)
    choose sentences, so a table header naming every year does not outrank the row asked for.
    ``stances``: per document, whether 现状 or 目标 is asked of it (``""``: either); ``said``: an
    answer already given, whose sentences are not quoted again. ``qualifies``: only sentences
    that pass it (cited alone) are candidates — the reader's hard constraints, on a second try."""
    candidates = _candidates(
        question, passages, sentence_weights or weights, policy, levels, stances
    )
    if said:
        # A continuation ("还有呢"): only what the previous answer did not quote, and first
        # what follows where it stopped.
        already = re.sub(r"[^\w%]", "", flat(said))
        candidates = _continued(candidates, already)
    if qualifies is not None:
        candidates = [c for c in candidates if qualifies(_citation(1, c, metas))]
    chosen = _with_content(_select(candidates, question, policy, sentence_weights or weights))
    features = evidence_features(weights, passages, chosen)
    conf = policy.confidence(features)
    if not chosen or conf < policy.not_found_below:
        return Drafted("not_found", NOT_FOUND_TEXT, (), conf, features)
    citations: list[Citation] = []
    parts: list[str] = []
    for n, c in enumerate(chosen, start=1):
        citations.append(_citation(n, c, metas))
        # A quote spanning lines (a list under its lead-in) reads as one run in the answer.
        said_as = re.sub(r"\s*\n\s*", "", c.text)
        # "26.全年建设…": the item's number is the list's, not a figure of the answer (after a
        # citation mark it would read as one: "…[1]26.全年").
        said_as = ITEM_NUMBER_RE.sub("", said_as) or said_as
        sentence = said_as if said_as[-1] in "。！？；;!?”）)" else said_as + "。"
        parts.append(f"{sentence}[{n}]")
    # Above the cut-off the draft is a candidate answer; whether it answers is decided by the
    # reader's constraint check, not by a hedge on every answer.
    return Drafted("answered", "".join(parts), tuple(citations), conf, features)
