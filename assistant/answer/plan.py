"""The question plan: what a question asks, split into the sub-questions it holds, each with the
kind of answer it wants and the hard constraints an answer must meet.

A plan is read from Chinese question syntax (question words, "A和B分别…", "…？…？", "跟B比")
and from vocabulary read from the corpus when the index is loaded (document titles and short
titles, the documents' regions, the grade names the records hold) — never from eval wordings.
The reader answers each sub-question separately and checks each answer against its constraints
(``assistant.answer.reader``)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from assistant.lang.patterns import (
    ASKS_DEFINITION_RE,
    LEVEL_RE,
    LIVE_RE,
    PLAN_PERIOD,
    PLAN_PERIOD_RE,
    YEAR,
    YEAR_RE,
    known_regions,
    plan_period_years,
    short_names,
    without_place,
)
from assistant.lang.tokens import noun_runs, pos_tags, without_verbs, words

AnswerType = Literal[
    "number",
    "organisation",
    "date",
    "year",
    "duration",
    "place",
    "list",
    "definition",
    "overview",
    "yesno",
    "text",
]
Stance = Literal["current", "target", ""]

# How the name of a measured indicator ends ("农村自来水普及率", "公路总里程", "汽车保有量").
_INDICATOR_END = r"率|比例|占比|比重|里程|保有量|总量|浓度|人数"
# What kind of answer the question wants, from its question words (first match wins: "多少个"
# is a number although "个" could start a list).
_ANSWER_TYPES: tuple[tuple[AnswerType, re.Pattern[str]], ...] = (
    ("definition", re.compile(rf"{ASKS_DEFINITION_RE.pattern}|界定标准|分级标准")),
    ("duration", re.compile(r"多久|多长时间|时限是|几个?(?:工作日|小时|天|月)(?!内)")),
    ("year", re.compile(r"哪一?年|哪个年份|什么年份|何年")),
    (
        "date",
        # "几点到几点" asks a clock time, not a count (几 + 点).
        re.compile(
            r"何时|什么时候|哪一?天|什么日期|日期是|几点(?=钟|到|至|前|后|开始|结束|[？?]|$)"
        ),
    ),
    (
        "number",
        re.compile(
            # "这几年", "近几年": a time pointed at, not a number asked.
            r"多少|多大|多长|多高|多宽|多远|(?<![哪这那近])几(?!乎|何)"
            r"|比例是|比率是|占比|百分之几|什么水平|(?:什么|何种)(?:比例|比率|比重)"
            # An indicator's target asked ("覆盖率定了什么目标"): its value.
            rf"|(?:{_INDICATOR_END})[^，,。？?]{{0,6}}(?:什么|啥)目标"
            rf"|(?:{_INDICATOR_END})(?:的)?目标值?(?:是什么|是啥|为何)"
        ),
    ),
    (
        "organisation",
        re.compile(
            r"谁|哪个(?:部门|单位|机构|机关|处室|科室|处|科|局|厅)|哪些(?:部门|单位|机构|处室|科室)"
            r"|哪(?:家|个|些)(?:公司|企业|银行|机构)"
            # "由哪些高速公路组成", "由哪两个APP整合而来" ask for parts, not a body.
            r"|牵头单位|责任单位|责任处室|由哪(?![^，,。？?]{0,10}(?:组成|构成|整合|合并|而来))"
        ),
    ),
    ("place", re.compile(r"哪里|哪儿|在哪(?![些几])|设在|什么地方|哪个地方")),
    (
        # A document's or a section's content ("大致讲了啥", "核心内容能概括一下吗").
        "overview",
        re.compile(
            r"主要内容|核心内容|大致内容|讲了什么|说了什么|讲了啥|说了啥|讲的是什么|讲些什么|讲什么"
            r"|概述|概况|概括|总体要求|主要任务|重点任务"
        ),
    ),
    (
        "list",
        re.compile(
            r"哪些|哪几|哪[两三四五六七八九十]+[个条项类种级块张方大]|有什么|有何|包括|包含|都有|分别是|分为"
            # "六个战略定位是什么": a counted set asked for is its list.
            r"|[两三四五六七八九十]+[个条项类种大][^，,。？?]{1,12}是什么"
        ),
    ),
    ("yesno", re.compile(r"是否|有没有|能否|可否|吗[？?。\s]*$")),
)
# A unit named after the question word ("多少公里", "几个工作日", "多少亿元"): a value in another
# unit does not answer. Counting words (个/条) are too general to constrain.
_UNIT_ASKED = re.compile(
    r"(?:多少|(?<![这那近])几)(?P<unit>亿元|万元|元|钱|公里|千米|平方千米|平方公里|万人|人次|万吨|吨|小时|分钟|工作日|天|年|%|％"
    # People counted ("死亡几人", "多少人"), not people of a kind ("多少人口", "几人民币").
    r"|人(?![口民员均])"
    # A score ("优秀要达到多少分"), not a minute or a share ("多少分之一").
    r"|分(?![钟之])"
    r")"
)
_CURRENCY = {"亿元", "万元", "元", "钱"}
# A unit the quantity asked implies when none follows the question word: money ("投入多少
# 资金", "总投资是多少"), a share ("增速定了多少", "比例是多少"), a speed ("限速多少"). A count
# after the question word ("投资多少个项目") asks a count instead. Not every 率 is a share
# ("死亡率" in 人/百万车公里), nor is a 补贴 asked always money ("补贴到位了多少": a 到位率).
_NOT_A_COUNT = r"(?![个项家条座处辆台人次所批])"
_IMPLIED_UNITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"(?:资金|投资|金额|经费|预算|费用)[^，,。？?]{0,6}?(?:多少|几)"
            + _NOT_A_COUNT
            + r"|(?:投入|投资|拨付|筹集)了?多少(?:资金|钱|经费)?"
            + _NOT_A_COUNT
        ),
        "元",
    ),
    (
        re.compile(
            r"(?:比例|比重|占比|增速|增幅)[^，,。？?]{0,6}?多少"
            + _NOT_A_COUNT
            + r"(?!公里|千米|米|吨|人|元|万|亿)"
        ),
        "%",
    ),
    (re.compile(r"(?:限速|时速|车速|速度)[^，,。？?]{0,4}?(?:多少|几)"), "速度"),
    # A number of persons ("死亡人数标准是多少", "从业人数有多少"): counted in 人.
    (re.compile(r"人数[^，,。？?]{0,6}?(?:多少|几)" + _NOT_A_COUNT + r"(?!万|亿|%|倍)"), "人"),
    # A rate ("受害率控制目标是多少"): a share, a per-mille or a ratio ("人/亿元"), never a
    # plain amount ("受害森林面积超过10公顷" is no 受害率). A frequency (频率) is a count per
    # period, said in many ways ("一年一次").
    (
        re.compile(
            r"(?<!频)率[^，,。？?]{0,8}?多少"
            + _NOT_A_COUNT
            + r"(?!公里|千米|米|吨|人|元|万|亿|倍|天|小时|年)"
        ),
        "率",
    ),
)
_STANCE_CURRENT = re.compile(r"现状|基准|基期|基数|基线|现在|目前|当前|现有|已经|已")
_STANCE_TARGET = re.compile(r"目标|力争|到\s*(?:19|20)\d{2}|计划|打算|预期|要达到")
# A reference to a document by name: 《…》, or a phrase ending with a document-type word.
_DOC_TYPES = "规划|计划|方案|预案|举措|意见|通知|办法|纲要|要点|条例|细则|公报|措施"
_DOC_REF = re.compile(
    rf"《[^《》]{{2,60}}》|[^\s，,。？?！!；;：:、（）()和与跟及]{{2,30}}?(?:{_DOC_TYPES})"
)
_GENERIC_TITLE_PARTS = re.compile(
    rf"[“”\"《》（）()\-—\s]|{_DOC_TYPES}|发展|行动|实施|工作|市|省|县|区|年|三年|\d+"
)
# Several questions in one: split at a question mark, or at a comma followed by a clause that
# has its own question word.
_QMARK = re.compile(r"[？?]")
_WH = re.compile(
    r"多少|几[个条座项处家辆台所类批种万亿年天级]?|什么|谁|是否"
    # "哪四张网", "哪三大", "哪几类": the count and its measure word go with the question word.
    r"|哪(?:几[个张条项类种级批大]?|[两三四五六七八九十]+[个张条项类种级批大]?|[些个里儿年天一])?"
    r"|如何|怎样|怎么样?|多长|多大|多久|多高|何时|吗"
)
# The kind of answer a question word asks for ("哪个单位", "什么地方"): the answer names one, it
# does not say the word, so the word is no part of what the cited text must be about.
# A count asked with its measure word ("哪四张网", "哪几类"): the text counts otherwise ("四网").
_ASKED_COUNT = re.compile(r"哪(?:几|[两三四五六七八九十]+)[个张条项类种级批大]?")
_ASKED_KIND = re.compile(
    r"(?:哪个|哪些|哪一个|哪家|什么)(?:部门|单位|机构|机关|处室|科室|地方|位置)"
)
# What a question is about, before its question word: the topic later clauses lean on.
_TOPIC_TAIL = re.compile(
    r"(?:目前|现在|现状|当前|已经|计划|打算|要|将|的|是|有|为|达到|定的|里|中|时期|期间|目标值|现状值"
    # Where a body sits or who holds it ("办公室放在哪个部门"): the verb is no part of the topic.
    r"|放在|设在|设于|位于|由|“|”|\s)+$"
)
_PRONOUN = re.compile(r"它们|它|其(?![中他它余次实])|那条|这条|该项|这项")
_DEPENDENT_CONTENT = 8
# A later clause that opens with a preposition or a modal ("按任务清单安排在哪一年发布？",
# "由哪个部门负责？", "还要做什么？") has no subject of its own: the first clause's topic is it.
_SUBJECTLESS = re.compile(r"^(?:按照?|依照|依据|由|将|要|需要?|还要?|并且?|同时)")
# A clause that only compares what the others asked ("相差多少", "哪个更高", "一样吗"): the
# reader states both sides and never computes a new figure.
_COMPARE_ONLY = re.compile(
    r"^(?:那么|那|两者|二者|它们|前后)?(?:相差|差距|差了|相比|比较|哪个|哪一个|谁)?"
    r"(?:多少|几|更高|更低|更多|更少|更大|更长|更短|更小|更严格?|更宽松?|更快|更慢|更早|更晚"
    r"|一样|相同|有何不同|有什么不同|有什么区别|区别|变化|大|高|多|低|少|小|短|严|快|早)"
    r"(?:吗|呢|了)?$"
)
_ENTITY_JOIN = re.compile(r"和|与|跟|同|及|、")
_RESPECTIVELY = re.compile(r"分别|各自|各")
_COMPARE_WITH = re.compile(
    r"(?:和|与|跟|同)(?P<other>[^，,。？?]{2,20}?)(?:相比|比较|对比|比起来|比)"
)


@dataclass(frozen=True)
class Constraints:
    """What must hold in an answer's text or its context (section, table header, document)."""

    doc_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    periods: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    stance: Stance = ""
    unit: str = ""
    # Documents named by their full title in 《》 that the corpus does not hold (a plan another
    # document refers to, "按照《…属地救援应急预案》执行"): nothing here is that document's text.
    absent_docs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ((), "")}


@dataclass(frozen=True)
class SubQuestion:
    text: str  # standalone: what retrieval searches and the answer is labelled with
    focus: str  # the question without its question words, frame and constraints
    answer_type: AnswerType
    constraints: Constraints

    @property
    def terms(self) -> str:
        """The text whose words a quoted sentence is weighed by: without the kind of answer
        asked ("哪个单位"), which the answer names rather than says."""
        return _ASKED_COUNT.sub(" ", _ASKED_KIND.sub(" ", self.text))

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "focus": self.focus,
            "answer_type": self.answer_type,
            "constraints": self.constraints.to_dict(),
        }


@dataclass(frozen=True)
class QueryPlan:
    question: str
    subquestions: tuple[SubQuestion, ...]
    # "compare": the sub-questions are the sides of a comparison the question asks for.
    compare: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "compare": self.compare,
            "subquestions": [s.to_dict() for s in self.subquestions],
        }


@dataclass(frozen=True)
class DocumentName:
    doc_id: str
    title: str
    short_title: str = ""
    region: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """What the planner knows of the corpus, read when the index is loaded."""

    documents: tuple[DocumentName, ...] = ()
    levels: tuple[str, ...] = ()
    known: Callable[[str], bool] | None = field(default=None, compare=False)
    # (a body's full name, the short name its document defines for it: "以下简称县防指").
    short_names: tuple[tuple[str, str], ...] = ()
    # Units of two or more characters the documents state figures in ("标台", "万亩"), longest
    # first: "多少标台" asks a figure in that unit.
    units: tuple[str, ...] = ()
    # Titles the documents cite in 《》 that name no document of the corpus ("临河市…突发事件
    # 应急预案" named in a plan's 发展基础): asked of by that title, even without 《》, the
    # document is not held, unless the question asks what is done with it ("哪一年发布").
    cited_unheld: tuple[str, ...] = ()

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d.region for d in self.documents if d.region))


def region_names(vocabulary: Vocabulary) -> tuple[str, ...]:
    """Place names a question may name: the gazetteer and the regions of the indexed documents
    (an uploaded document's region comes from its own text), short forms, longest first."""
    own = {re.sub(r"(?:自治区|自治州|市|省|县|区)$", "", r) for r in vocabulary.regions}
    names = {n for n in own if len(n) >= 2} | set(known_regions())
    return tuple(sorted(names, key=len, reverse=True))


@functools.lru_cache(maxsize=4096)
def _title_cores(title: str) -> tuple[str, ...]:
    """What sets a title apart, in runs: the title without its place, year, kind of document and
    generic words ("临河市道路交通安全应急预案" → "道路交通安全应急")."""
    core = _GENERIC_TITLE_PARTS.sub(" ", title)
    for region in known_regions():
        core = core.replace(region, " ")
    return tuple(w for w in core.split() if len(w) >= 2)


@functools.lru_cache(maxsize=65536)
def _bigrams(text: str) -> frozenset[str]:
    """A title's distinctive character pairs (cached: every question compares with every title)."""
    return frozenset(_title_bigrams(text))


def _title_bigrams(text: str) -> set[str]:
    return {w[i : i + 2] for w in _title_cores(text) for i in range(len(w) - 1)}


# Share of a reference's character pairs a document's title (or short name) must hold for the
# reference to name that document, spelled loosely.
_SAME_TITLE = 0.5
# A title of another kind of document counts this much of its shared pairs: 0.8 of a title's
# pairs must be shared for it to reach _SAME_TITLE (a user calling a 行动计划 a 方案).
_OTHER_KIND = 0.625
_RULE_KINDS = re.compile("条例|办法|细则")
# The kind of document a title in 《》 names: the word it ends with.
_TITLE_KIND = re.compile(rf"(?:{_DOC_TYPES})(?=》$)")


def _title_share(grams: frozenset[str], d: DocumentName) -> float:
    """Share of a reference's character pairs ``grams`` that the document's title or its
    short name holds, whichever holds more."""
    held = max(
        len(grams & _bigrams(d.title)),
        len(grams & _bigrams(d.short_title)) if d.short_title else 0,
    )
    return held / len(grams)


def match_documents(text: str, vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(reference as written, doc id) for each document the text names by (part of) its title;
    a reference that fits two documents equally names neither."""
    found: list[tuple[str, str]] = []
    by_id = {d.doc_id: d for d in vocabulary.documents}
    places = region_names(vocabulary)
    for m in _DOC_REF.finditer(text):
        ref = m.group(0)
        # A place's own pairs ("湖滨") name no title word: the place is checked on its own.
        in_ref = [p for p in places if p in ref]
        grams = frozenset(g for g in _bigrams(ref) if not any(g in p for p in in_ref))
        if not grams:
            # "湖滨要点", "临河方案": a place and a kind of document, nothing else: the one
            # document of that place (by its title or its own region) of that kind.
            only = _by_place_and_kind(ref, vocabulary.documents, places)
            if only is not None:
                found.append((ref, only))
            continue
        # "云岭市的公交优先实施方案" (the corpus has 临河's): a place in the reference that is not the document's
        # names another place's document, which the corpus does not hold.
        named = [p for p in places if p in ref]
        candidates = [
            d
            for d in vocabulary.documents
            if not named
            or any(p in d.title or (d.region and (p in d.region or d.region in p)) for p in named)
        ]
        scores = sorted(((_title_share(grams, d), d.doc_id) for d in candidates), reverse=True)
        if not scores or scores[0][0] < _SAME_TITLE:
            continue
        tied = [d for score, d in scores if score >= scores[0][0] - 1e-9]
        if len(tied) > 1:
            # Titles alike in their distinctive words ("数字经济"): the one the reference spells
            # out, generic words and year included ("2025年全省…工作要点"), if only one does.
            best = _closest_title(ref, [by_id[d] for d in tied])
            if best is None:
                continue
            found.append((ref, best))
            continue
        found.append((ref, scores[0][1]))
    return found


# A title in 《》: a document's name when it ends with a kind of document ("…应急预案").
_TITLE_REF = re.compile(rf"《[^《》]{{4,60}}(?:{_DOC_TYPES})》")


def absent_documents(text: str, vocabulary: Vocabulary) -> list[str]:
    """Titles in 《》 that name no document of the corpus, even loosely: "《云岭市境内高速公路
    交通安全属地救援应急预案》" when only "云岭市道路交通安全应急预案" is held."""
    out = []
    places = region_names(vocabulary)
    flat = re.sub(r"\s+", "", text)
    for m in _TITLE_REF.finditer(text):
        # The place and the kind of document ("云岭市…应急预案") say nothing of which one.
        plain = re.sub(rf"(?:{_DOC_TYPES})》$", "", m.group(0))
        grams = frozenset(g for g in _bigrams(plain) if not any(g in p for p in places))
        if not grams:
            continue
        best = max(
            (_title_share(grams, d) * _kind_factor(m.group(0), d) for d in vocabulary.documents),
            default=0.0,
        )
        inner = m.group(0)[1:-1]
        cited = any(inner in t or t in inner for t in vocabulary.cited_unheld)
        if best < _SAME_TITLE and not (
            # A title a held document cites, asked what that document does with it ("哪一年
            # 发布", "谁牵头出台"): the citing document says that.
            cited and _CITING_VERBS.search(flat.replace(m.group(0), " "))
        ):
            out.append(m.group(0))
    for title in vocabulary.cited_unheld:
        # A title the documents cite but the corpus does not hold, written without 《》 (its
        # place perhaps without 市: "临河城市公交…预案"); not when the question asks what is
        # done with it ("哪一年发布", "依据…制定"): the citing document says that.
        written = next((w for w in _short_place_forms(title, places) if w in flat), "")
        if (
            written
            and not any(title in t for t in out)
            and not _CITING_VERBS.search(flat.replace(written, " "))
        ):
            out.append(f"《{title}》")
    return out


def _short_place_forms(title: str, places: Collection[str]) -> list[str]:
    """A title as written, and with the place it opens with cut of its ending ("临河市…" →
    "临河…")."""
    forms = [title]
    for p in places:
        for end in "市省县区":
            if title.startswith(p + end) and not p.endswith(end):
                forms.append(p + title[len(p) + 1 :])
    return forms


def _kind_factor(ref: str, d: DocumentName) -> float:
    """How much of a 《》 title's shared pairs count towards naming ``d``: all of them when it
    names d's kind of document (or none); another kind ("…条例" for "…若干举措", "…管护办法" for
    "…行动计划") is another document unless the rest of the title is nearly all the same, and a
    regulation (条例, 办法, 细则) is never a plan or a notice."""
    kind = _TITLE_KIND.search(ref)
    if kind is None or kind.group(0) in d.title or kind.group(0) in d.short_title:
        return 1.0
    return 0.0 if _RULE_KINDS.fullmatch(kind.group(0)) else _OTHER_KIND


def _by_place_and_kind(
    ref: str, documents: Sequence[DocumentName], places: Sequence[str]
) -> str | None:
    kind = re.search(rf"(?:{_DOC_TYPES})$", ref)
    named = [p for p in places if p in ref]
    if kind is None or not named:
        return None
    fits = [
        d.doc_id
        for d in documents
        if kind.group(0) in d.title
        and any(p in d.title or (d.region and (p in d.region or d.region in p)) for p in named)
    ]
    return fits[0] if len(fits) == 1 else None


def _closest_title(ref: str, documents: Sequence[DocumentName]) -> str | None:
    bare = re.sub(r"[《》“”\"\s]", "", ref)
    pairs = {bare[i : i + 2] for i in range(len(bare) - 1)}

    def overlap(d: DocumentName) -> float:
        names = [re.sub(r"[《》“”\"\s]", "", n) for n in (d.title, d.short_title) if n]
        if bare in names:
            return 2.0  # spelled out exactly
        return max(
            len(pairs & {n[i : i + 2] for i in range(len(n) - 1)}) / max(1, len(pairs))
            for n in names
        )

    ranked = sorted(((overlap(d), d.doc_id) for d in documents), reverse=True)
    if len(ranked) > 1 and ranked[1][0] >= ranked[0][0] - 1e-9:
        return None
    return ranked[0][1]


def answer_type_of(question: str) -> AnswerType:
    for kind, pattern in _ANSWER_TYPES:
        if pattern.search(question):
            return kind
    return "text"


def _years(text: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    years = tuple(dict.fromkeys(int(y) for y in YEAR_RE.findall(text)))
    periods = tuple(dict.fromkeys(PLAN_PERIOD_RE.findall(text)))
    return years, periods


def _constraints(question: str, vocabulary: Vocabulary) -> tuple[Constraints, str]:
    """The hard constraints of one standalone question, and its focus (what is left)."""
    docs = match_documents(question, vocabulary)
    unheld = absent_documents(question, vocabulary)
    by_id = {d.doc_id: d for d in vocabulary.documents}
    # A title of another kind than the document it loosely matches ("《…营商环境条例》" for
    # "…营商环境创优提升若干举措") names a document the corpus does not hold.
    docs = [
        (ref, doc_id)
        for ref, doc_id in docs
        if ref not in unheld or _kind_factor(ref, by_id[doc_id]) == 1.0
    ]
    if not docs and not unheld and not _DOC_REF.search(question):
        # "建设工程事故分级里，一般事故…": no title, but one document's distinctive title
        # words that no other title holds name it. (A reference with its kind of document
        # that names none, "运城市公交优先发展实施方案", is another place's document.)
        loose = {
            d.doc_id: question[s:e]
            for s, e, d in _loose_documents(question, vocabulary)
            if e - s >= _LOOSE_SCOPE
        }
        places = [p for p in region_names(vocabulary) if p in question]
        if len(loose) == 1:
            ((doc_id, ref),) = loose.items()
            doc = next(d for d in vocabulary.documents if d.doc_id == doc_id)
            # Another place named beside it ("…德州…充电…，和陕西…供水…"): not one document's.
            if all(p in doc.title or (doc.region and p in doc.region) for p in places):
                docs = [(ref, doc_id)]
    absent = tuple(r for r in unheld if r not in dict(docs))
    rest = question
    for ref in [*(r for r, _ in docs), *absent]:
        rest = rest.replace(ref, " ")
    # Years inside a document's name ("2023年工作要点") name the document, not the value asked.
    years, periods = _years(rest)
    regions = tuple(r for r in region_names(vocabulary) if r in rest)
    # "临河市" and "临河" are one constraint: keep the longest spelling only.
    regions = tuple(r for r in regions if not any(r != o and r in o for o in regions))
    levels = tuple(dict.fromkeys(LEVEL_RE.findall(rest)))
    unit_m = _UNIT_ASKED.search(rest)
    unit = unit_m.group("unit") if unit_m else ""
    if not unit:
        unit = next((u for u in vocabulary.units if f"多少{u}" in rest or f"几{u}" in rest), "")
    if not unit and _ASKS_LENGTH.search(rest):
        unit = "长度"  # "有多长": a length, in whatever unit of length
    if not unit:
        unit = next((u for pattern, u in _IMPLIED_UNITS if pattern.search(rest)), "")
    stance: Stance = ""
    target, current = _STANCE_TARGET.search(rest), _STANCE_CURRENT.search(rest)
    # Both asked in one clause ("现状和2030年目标有什么不同"): neither constrains it.
    if target and not current:
        stance = "target"
    elif current and not target:
        stance = "current"
    focus = rest
    for r in regions:
        focus = re.sub(re.escape(r) + "[市省县区]?", " ", focus)
    focus = YEAR_RE.sub(" ", focus)
    focus = PLAN_PERIOD_RE.sub(" ", focus)
    focus = _ASKED_KIND.sub(" ", focus)
    focus = ASKS_DEFINITION_RE.sub(" ", focus)
    focus = _WH.sub(" ", focus)
    focus = re.sub(r"[“”\"？?。，,！!：:（）()\s年]+", " ", focus).strip()
    return (
        Constraints(
            doc_ids=tuple(dict.fromkeys(d for _, d in docs)),
            regions=regions,
            years=years,
            periods=periods,
            levels=levels,
            stance=stance,
            unit="元" if unit in _CURRENCY else unit,
            absent_docs=absent,
        ),
        focus,
    )


def _sub(text: str, vocabulary: Vocabulary) -> SubQuestion:
    text = with_short_names(text, vocabulary)
    constraints, focus = _constraints(text, vocabulary)
    return SubQuestion(text, focus, answer_type_of(text), constraints)


def with_short_names(text: str, vocabulary: Vocabulary) -> str:
    """A body named in full whose document defines a short name and then uses only that: an
    abbreviation is added after the full name ("防汛抗旱指挥部（县防指）"); a cut of the full
    name replaces it ("城市防汛排涝指挥部" → "排涝指挥部"), since the full name's other words
    ("防汛") would only match the sentences about other bodies that carry them."""
    for full, short in vocabulary.short_names:
        at = text.find(full)
        cut = without_place(short)
        if (
            at < 0
            and short not in text
            and cut not in full
            and len(cut) >= 2
            and (bare := text.find(cut)) >= 0
        ):
            # Asked by the abbreviation without its level ("盱眙防指的副总指挥"), a spelling the
            # documents never use: the full name is added, which the sections about the body
            # ("2.1 县防汛抗旱指挥部") are headed by.
            end = bare + len(cut)
            text = f"{text[:end]}（{full}）{text[end:]}"
            continue
        if at < 0 or short in text:
            continue
        end = at + len(full)
        if cut in full:
            text = f"{text[:at]}{cut}{text[end:]}"
        else:
            text = f"{text[:end]}（{short}）{text[end:]}"
    return text


def _unpointed(text: str) -> str:
    """``text`` with "这几/那几" ("那几条专用道里": those few) masked, same length: a pointer
    to things said, not a question word."""
    return re.sub(r"([这那])几", r"\1＊", text)


def _clauses(question: str) -> list[str]:
    """The question's own questions: split at question marks, and at a comma before a clause
    that has a question word when the clause before it has one too."""
    parts = [p.strip(" ，,。") for p in _QMARK.split(question) if p.strip(" ，,。")]
    out: list[str] = []
    for part in parts:
        pieces = re.split(r"[，,；;](?=[^，,；;]*(?:" + _WH.pattern + "))", part)
        merged: list[str] = []
        for piece in pieces:
            if merged and _WH.search(_unpointed(merged[-1])) and _WH.search(piece):
                merged.append(piece)
            elif merged:
                merged[-1] = merged[-1] + "，" + piece
            else:
                merged.append(piece)
        out.extend(p.strip(" ，,") for p in merged if p.strip(" ，,"))
    return out


def _entities(question: str, vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """Mentions that can stand for one another in a "A和B分别…" question: regions the corpus has,
    documents by name, years and grades — each as (kind, text)."""
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, text: str) -> None:
        end = start + len(text)
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append((start, kind, text))

    for ref, _ in match_documents(question, vocabulary):
        add("doc", question.find(ref), ref)
    for region in region_names(vocabulary):
        for m in re.finditer(re.escape(region), question):
            add("region", m.start(), region)
    for m in YEAR_RE.finditer(question):
        add(
            "year",
            m.start(),
            m.group(0) + ("年" if question[m.end() : m.end() + 1] == "年" else ""),
        )
    for m in LEVEL_RE.finditer(question):
        add("level", m.start(), m.group(0))
    return [(k, t) for _, k, t in sorted(found)]


# A name quoted or in title marks: a document's, a task's, a project's.
_NAMED = re.compile(r"《[^《》]{1,60}》|“[^“”]{1,30}”")
_CHANGE = re.compile(r"提高|提升|增加|增长|下降|减少|降低|高出|多出|少了|多了|变化|涨了|降了")


def _between_years(question: str) -> list[str] | None:
    """ "X从2021年到2025年提高多少" / "X，2025年比2021年高多少": the value of X in each year;
    the reader states both and computes nothing."""
    # Years and words inside a name are the name's: "《…行动计划（2023—2025年）》中“…提升工程”"
    # asks about neither year nor a change.
    plain = _NAMED.sub(lambda m: " " * len(m.group(0)), question)
    years = list(dict.fromkeys(YEAR_RE.findall(plain)))
    if len(years) != 2 or not _CHANGE.search(plain) or not _WH.search(plain):
        return None
    first = min(plain.find(y) for y in years)
    topic = _TOPIC_TAIL.sub("", re.sub(r"(?:从|由|自|，|,)+$", "", question[:first].strip()))
    if len(topic) < 2:
        return None
    return [f"{topic}{y}年是多少" for y in sorted(years)]


# A time side of a question: the current value or a year's, with its stance ("2030年目标").
_WHEN = rf"(?:现状|目前|{YEAR}年?(?:的)?(?:目标|现状|基数|基期|基准|基线)?)"
_TWO_TIMES = re.compile(
    rf"^(?P<topic>.+?)(?P<a>{_WHEN})(?:值)?(?:和|与|跟|及)(?P<b>{_WHEN})(?:值)?(?:的)?"
    r"(?:分别|各)(?:是|为|有)?(?:多少|几)"
)


# "X，2030年目标比现状增长多少": how much one time's value exceeds the other's, asked as a
# comparison (each time's value is said; the reader computes no difference).
_TIMES_COMPARED = re.compile(
    rf"^(?P<topic>.+?)(?P<a>{_WHEN})(?:值)?比(?P<b>{_WHEN})(?:值)?"
    r"(?:增长|增加|提高|提升|高|多|少|减少|下降|降低)了?(?:多少|几)"
)


def _two_times(question: str) -> list[str] | None:
    """ "X现状和2030年目标分别是多少" → the value of X at each time, with its stance. Two bare
    years are distributed as any two mentions are; this adds a side that is the current value."""
    m = _TWO_TIMES.match(question) or _TIMES_COMPARED.match(question)
    if m is None or not re.search(
        r"现状|目前|目标|基数|基期|基准|基线", m.group("a") + m.group("b")
    ):
        return None
    if m.group("topic").rstrip().endswith("、"):
        return None  # the two times end a longer list asked together (a row's columns)
    topic = re.sub(r"[的，,\s]+$", "", m.group("topic"))
    if len(topic) < 2:
        return None
    return [f"{topic}{m.group(side)}是多少" for side in ("a", "b")]


# A time said of one side only ("今年", "2025年", "“十五五”期间", "目前").
_OWN_TIME = (
    rf"(?:今年|明年|去年|目前|现在|现状|(?:19|20)\d{{2}}年|“?{PLAN_PERIOD}”?(?:期间|时期|末)?)"
)


def _distribute(question: str, vocabulary: Vocabulary) -> list[str] | None:
    """ "临河和云岭的…分别是多少" → one question per side, when two mentions of one kind are
    joined by 和/与/跟/、 and the question asks for each (分别/各) or compares them."""
    mentions = _entities(question, vocabulary)
    for (k1, a), (k2, b) in itertools.pairwise(mentions):
        if k1 != k2 or a == b:
            continue
        i = question.find(a)
        j = question.find(b, i + len(a))
        if question[:i].rstrip('“”"').endswith("、"):
            # "基期值、2027年和2030年目标": the pair ends a longer list of what is asked
            # together (a row's columns), not two sides to answer apart.
            continue
        # "“重大”和“较大”": the quotes around each mention are not between them.
        between = question[i + len(a) : j].strip().strip('“”"')
        if k1 == "region":
            between = re.sub(r"^(?:省|市|自治区|县|区)", "", between)  # "临河市和云岭"
        shared = re.fullmatch(r"(?P<noun>[\u4e00-\u9fff]{1,4})(?:和|与|跟|及|、)", between)
        # "湖滨今年和云岭十五五…": each place with its own time, said right after it.
        timed = (
            re.fullmatch(rf"(?P<when>{_OWN_TIME})(?:和|与|跟|及|、)", between)
            if k1 == "region"
            else None
        )
        b_when = re.match(_OWN_TIME, question[j + len(b) :]) if timed else None
        if shared and question[j + len(b) :].startswith(shared.group("noun")):
            pass  # "Ⅱ级响应和Ⅳ级响应": the noun after each is the same, said with each
        elif timed and b_when:
            head, tail = question[:i], question[j + len(b) + b_when.end() :]
            tail = _as_side(_RESPECTIVELY.sub("", tail, count=1))
            return [head + a + timed["when"] + tail, head + b + b_when.group(0) + tail]
        elif not _ENTITY_JOIN.fullmatch(between):
            continue
        asks_each = _RESPECTIVELY.search(question[j:]) or _COMPARE_ONLY_ANYWHERE.search(question)
        # "临河和云岭的分担率达到多少": one value asked of two places is asked of each, when they
        # are places or documents (two years or levels may be one span: "2021年和2022年累计").
        if not asks_each and not (k1 in ("region", "doc") and _WH.search(question[j:])):
            continue
        head, tail = question[:i], question[j + len(b) :]
        tail = _as_side(_RESPECTIVELY.sub("", tail, count=1))
        if k1 == "year" and b.endswith("年") and not a.endswith("年"):
            a += "年"  # "2023和2024年各建多少": the 年 said once is each year's
        return [head + a + tail, head + b + tail]
    m = _COMPARE_WITH.search(question)
    if m:
        # "云岭的分担率跟临河比怎么样": the other side is the same question about the other entity.
        other = m.group("other")
        kinds = {t: k for k, t in mentions}
        own = [t for k, t in mentions if t != other and other not in t and k == kinds.get(other)]
        if other in kinds and own:
            base = _as_side(question[: m.start()] + question[m.end() :])
            return [base, base.replace(own[0], other, 1)]
        # "临河…分担率跟云岭2025年的目标比，哪个高": the other side is a place with its own year
        # or stance; it is asked the first side's question in their stead.
        lead = next((t for k, t in mentions if other.startswith(t)), None)
        own = [t for k, t in mentions if lead and k == kinds.get(lead) and t != lead]
        if lead and own:
            first = _as_side(question[: m.start()] + question[m.end() :])
            extra = re.sub(r"的", "", other[len(lead) :])
            return [first, first.replace(own[0], lead + extra, 1)]
    return None


# What a side of "A的X和B的Y一样吗" asks: a value when it names a quantity, else what it is.
_QUANTITY_NOUN = re.compile(
    r"率|比例|比重|数量|人数|个数|里程|面积|规模|投资|人口|长度|速度|密度|时速|总额|金额|产值|增速|"
    r"多少|覆盖率|保有量"
)
_PHRASE_JOIN = re.compile(r"和|与|跟|同")


# The ways one side is more than the other ("哪个更高", "哪个更严", "哪个更早").
_MORE = "高|低|多|少|大|小|长|短|严|宽|快|慢|早|晚"
_COMPARE_CUE = re.compile(
    rf"(?:，|,)?(?:两者|二者|它们)?(?:相差|差距|哪个(?:更)?(?:{_MORE})|谁(?:更)?(?:高|低|多|少|大)"
    r"|有(?:什么|啥)不(?:同|一样)|不一样|(?:是否)?一样吗?|(?:是否)?相同吗?|有何不同"
    r"|有(?:什么|啥)区别|区别|差别).*$"
)


def _as_side(text: str) -> str:
    """One side of a comparison asks for its own value: "…的分担率哪个高" → "…的分担率是多少"."""
    cue = _COMPARE_CUE.search(text)
    if cue is None or cue.start() == 0:
        return text
    rest = re.sub(r"[的在上，,]+$", "", text[: cue.start()])
    return rest + ("是多少" if _QUANTITY_NOUN.search(rest) else "是什么")


_TWO_ASKS = re.compile(
    r"(?P<a>(?:几|多少)[个座条项处家名]?[^、，,？?和]{1,20})(?:、|和|以及)(?P<b>(?:几|多少)[个座条项处家名]?[^、，,？?]{1,20})"
)


_ASKS_LENGTH = re.compile(r"(?<![期限时])多长(?!时间|期限|周期)|多远")


def _two_asks(question: str) -> list[str] | None:
    """ "要建几个市级中心、几个县级中心": two question words in one clause, each with what it
    asks about; each side is the shared start with one of them."""
    m = _TWO_ASKS.search(question)
    if m is None:
        return None
    head = question[: m.start()]
    return [head + m.group("a"), head + m.group("b")]


# Where a name starts after the question's frame ("规划里，", "方案中，", "2023年"): 中 of 中心 and
# 里 of 市里 are none.
_FRAME_SPLIT = re.compile(r"[的，,在对]|(?<![市县省区乡镇村])里|中(?![心央部])|\d{4}年")


def _each_asked(question: str, body: str, cue: re.Match[str]) -> list[str] | None:
    """ "…居住用地和交通运输用地分别占多少比例": each name with what is asked after 分别; a
    list of names ("水源水、出厂水、末梢水分别多久检测一次") asks it of each of them."""
    # A name may hold Latin letters ("TOCC建设运营"); an office's name is long
    # ("道路交通安全应急指挥部办公室").
    m = re.search(r"(?:和|与|跟|、)(?P<b>[\u4e00-\u9fffA-Za-z]{2,16})$", body)
    asked = _TRAIL_MARKS.sub("", question[cue.end() :])
    if m is None or not _WH.search(asked):
        return None
    first, *middle = body[: m.start()].split("、")
    if any(not re.fullmatch(r"[\u4e00-\u9fffA-Za-z]{2,16}", n) for n in middle):
        return None
    # The first name starts after the frame ("规划里，", "2023年"); 中 of 中心 and 里 of 市里
    # are none.
    a = _FRAME_SPLIT.split(first)[-1]
    if not 2 <= len(a) <= 16:
        return None
    pre = first[: len(first) - len(a)]
    b, shared = _name_and_attribute(m.group("b"))
    return [f"{pre}{name}{shared}{asked}" for name in (a, *middle, b)]


def _name_and_attribute(b: str) -> tuple[str, str]:
    """ "县级行政中心上高铁的时间" after "中心城区和": the second name is its first noun phrase;
    what follows up to and past 的 is asked of both ("上高铁的时间"). Whole when no 的 follows."""
    runs = noun_runs(b)
    if not runs:
        return b, ""
    name = "".join(w for w, _ in runs[0])
    rest = b[len(name) :]
    if not b.startswith(name) or len(name) < 2 or "的" not in rest or len(rest) < 3:
        return b, ""
    return name, rest


_TRAIL_MARKS = re.compile(r"[？?。！!\s]+$")


# "A和B的X" or "A和B，X" (what is compared of both said after a comma: "…2025年目标").
_NAMES_THEN_SHARED = re.compile(
    r"(?:和|与|跟)(?P<b>[\u4e00-\u9fff]{2,8}?)(?P<sep>的|[，,])(?P<x>[^，,？?]{2,})$"
)
_LONG_NAMES_THEN_SHARED = re.compile(
    r"(?:和|与|跟)(?P<b>[\u4e00-\u9fff]{2,12}?)(?P<sep>的|[，,])(?P<x>[^，,？?]{2,})$"
)


def _two_names(question: str) -> list[str] | None:
    """ "城区里老城区和新区的排涝标准一样吗": two names (no place or document of the
    corpus) joined by 和 before what is compared of both; each is asked on its own."""
    cue = _COMPARE_ONLY_ANYWHERE.search(question) or _RESPECTIVELY.search(question)
    if cue is None:
        return None
    body = re.sub(r"[的在上，,]+$", "", question[: cue.start()].strip())
    m = _NAMES_THEN_SHARED.search(body)
    if m is None:
        # "A和B分别占多少比例": what each is asked comes after 分别.
        each = _each_asked(question, body, cue) if _RESPECTIVELY.match(cue.group()) else None
        # ... else a longer second name ("公交优先绿波带交叉口，2025年的目标各是多少").
        m = None if each else _LONG_NAMES_THEN_SHARED.search(body)
        if m is None:
            return each
    left = body[: m.start()]
    # The first name starts after the frame ("规划里，", "城区中"); 中 of 中心 is no frame.
    a = re.split(r"[里的，,在对]|中(?![心央部])", left)[-1]
    if len(a) > len(m.group("b")) + 2:
        # "国省干线公路新开工和建成通车的里程": what the two share is said before the first;
        # the first is the last words of about the second's length.
        a = _parallel_tail(a, len(m.group("b")))
    if not 2 <= len(a) <= 8:
        return None
    pre = left[: len(left) - len(a)]
    b, x = m.group("b"), m.group("x")
    sep = "的" if m.group("sep") == "的" else ""
    # "中心城区和县级行政中心上高铁的时间目标": what follows the second name's nouns (上高铁)
    # is asked of both.
    verb = _predicate_start(b)
    if verb:
        b, x, sep = b[:verb], b[verb:] + sep + x, ""
    # "…的目标各是多少" asks a target's value of each, whatever is named.
    target = re.search(r"目标|指标", x) and re.search(r"多少|几", question[cue.start() :])
    ask = "是多少" if target or _QUANTITY_NOUN.search(x if sep else a + b + x) else "是什么"
    return [f"{pre}{a}{sep}{x}{ask}", f"{pre}{b}{sep}{x}{ask}"]


def _predicate_start(name: str) -> int:
    """Where the nouns that open ``name`` end and a verb, a preposition or a locative goes on
    ("县级行政中心|上高铁"); 0 when ``name`` is nouns throughout."""
    at = 0
    for word, flag in pos_tags(name):
        if at >= 2 and flag[:1] in ("v", "f", "p"):
            return at
        at += len(word)
    return 0


def _parallel_tail(text: str, size: int) -> str:
    """The last whole words of ``text`` that make up at least ``size`` - 1 characters."""
    tail = ""
    for word in reversed(words(text)):
        if len(tail) >= size - 1:
            break
        tail = word + tail
    return tail


def _two_phrases(question: str, vocabulary: Vocabulary) -> list[str] | None:
    """ "临河公交分担率和云岭2023年的公交分担率一样吗": two whole phrases, each with
    its own place or document, compared. Each side is asked on its own; the reader compares."""
    cue = _COMPARE_ONLY_ANYWHERE.search(question) or re.search(
        rf"哪个(?:更)?(?:{_MORE})|谁(?:更)?(?:高|低|多|少|大)",
        question,
    )
    if cue is None:
        return None
    body = re.sub(r"[的在上，,]+$", "", question[: cue.start()].strip())
    mentions = [(k, t) for k, t in _entities(body, vocabulary) if k in ("region", "doc")]
    if len(mentions) < 2:
        return None
    for m in _PHRASE_JOIN.finditer(body):
        first, second = body[: m.start()], body[m.end() :]
        own = [t for k, t in mentions if t in first]
        other = next((t for k, t in mentions if second.startswith(t)), None)
        if not own or other is None or other in own:
            continue
        # Each side says what it asks about beyond its place: else it is "A和B的X", which
        # _distribute splits.
        if (
            _content_chars(first.replace(own[0], "")) < 2
            or _content_chars(second.replace(other, "", 1)) < 2
        ):
            continue
        ask = "是多少" if _QUANTITY_NOUN.search(body) else "是什么"
        return [first + ask, second + ask]
    return None


# A quantity's name ends the phrase: "公交专用道设置比率", "港湾式停靠站设置率".
_ENDS_QUANTITY = re.compile(r"(?:率|比例|比重|数量|里程|面积|规模|长度|密度|总额|保有量)$")


def _two_quantities(question: str) -> list[str] | None:
    """ "甲设置率和乙覆盖率，到2028年哪个提得多": two quantities of one place or document
    compared, each named in full; each is asked on its own (the rest of the clause with it)."""
    cue = _COMPARE_ONLY_ANYWHERE.search(question) or re.search(
        rf"哪个(?:更)?(?:{_MORE})|谁(?:更)?(?:高|低|多|少|大)", question
    )
    if cue is None:
        return None
    body = question[: cue.start()].strip("，, ")
    head, _, tail = body.partition("，")
    for m in _PHRASE_JOIN.finditer(head):
        first, second = head[: m.start()].strip(), head[m.end() :].strip()
        if (
            len(first) >= _MIN_QUANTITY_NAME
            and len(second) >= _MIN_QUANTITY_NAME
            and _ENDS_QUANTITY.search(first)
            and _ENDS_QUANTITY.search(second)
        ):
            rest = f"，{tail}" if tail else ""
            return [f"{first}{rest}是多少", f"{second}{rest}是多少"]
    return None


_MIN_QUANTITY_NAME = 4


# "东山县城的防洪标准跟中心城区一样吗": A's Y compared with B, whose Y is left unsaid.
_SAME_AS_OTHER = re.compile(
    r"^(?P<a>[^，,。？?的]{2,16})的(?P<y>[^，,。？?的跟和与同]{2,12})(?:跟|和|与|同)"
    r"(?P<b>[^，,。？?的]{2,10})(?:的)?(?:一样|相同|有什么不同|有何不同|不一样|有区别|有什么区别)"
)


# "防洪标准，甲区跟乙区一样吗": the Y said first, then the two owners compared.
_SAME_AFTER_TOPIC = re.compile(
    r"^(?P<y>[^，,。？?]{2,16})[，,](?P<a>[^，,。？?的]{2,10})(?:跟|和|与|同)"
    r"(?P<b>[^，,。？?的]{2,10})(?:的)?(?:一样|相同|有什么不同|有何不同|不一样|有区别|有什么区别)"
)


def _same_as_other(question: str) -> list[str] | None:
    """ "A的Y跟B一样吗" (or "Y，A跟B一样吗"): A's Y and B's Y, each asked on its own; the
    reader compares."""
    m = _SAME_AS_OTHER.search(question.strip()) or _SAME_AFTER_TOPIC.search(question.strip())
    if m is None or m.group("y") in m.group("b"):
        return None
    if any(
        p.search(m.group(g))
        for p in (_STANCE_CURRENT, _STANCE_TARGET, YEAR_RE, PLAN_PERIOD_RE)
        for g in ("y", "b")
    ):
        return None  # "分担率的现状和2030年目标有什么不同": two stances of one thing
    ask = "是多少" if _QUANTITY_NOUN.search(m.group("y")) else "是什么"
    return [f"{m.group('a')}的{m.group('y')}{ask}", f"{m.group('b')}的{m.group('y')}{ask}"]


_COMPARE_ONLY_ANYWHERE = re.compile(
    rf"相差|差距|哪个(?:更|多|高|大|长)|哪(?:个|项)[^，,。？?的]{{1,3}}(?:{_MORE})"
    r"|一样吗|相同吗|有何不同|有(?:什么|啥)不(?:同|一样)|不一样|区别|差别"
    r"|(?:提高|增加|增长|下降|减少)了?多少"
    # Two grades asked where the line between them is drawn: each one's criteria.
    r"|(?:怎么|如何)(?:划线|划分|区分|界定)"
)


# "A和B这两个应急预案": two documents named by what sets them apart, their kind said once.
_PAIR_OF_DOCS = re.compile(
    r"(?P<a>[^\s，,。？?！!；;：:、（）()和与跟及]{2,20}?)(?P<join>和|与|及|、)"
    r"(?P<b>[^\s，,。？?！!；;：:、（）()和与跟及]{2,20}?)(?:这|那)?(?:两|二|俩)(?:个|份|部)?"
    rf"(?P<kind>(?:应急)?(?:{_DOC_TYPES}))"
)


def _longest_shared(a: str, b: str) -> tuple[int, int]:
    """(start in ``a``, length) of the longest run of ``a`` that ``b`` holds (the earliest in
    ``a`` of the longest). ``b`` is the short one (a title's words): its runs are tried, longest
    first, so a question costs a few dozen look-ups per title."""
    for size in range(len(b), 0, -1):
        starts = [at for j in range(len(b) - size + 1) if (at := a.find(b[j : j + size])) >= 0]
        if starts:
            return min(starts), size
    return 0, 0


# A loose mention of a document by its distinctive words ("道路交通事故" for the 道路交通安全应急预案)
# holds at least this many characters of them in a row.
_LOOSE_MENTION = 4
# One document named loosely on its own (no second one beside it) needs a longer run of its
# title words: "交通安全" or "道路交通" alone is a topic many documents have.
_LOOSE_SCOPE = 6
_TWO_DOCS = re.compile(
    rf"(?:这|那)?(?:两|二|俩)(?:个|份|部)?(?:应急)?(?:{_DOC_TYPES})(?:里|中)?|两者|二者"
)
# Between two loose mentions: the joiner, with 的, the kind of document, quotes, or the rest
# of the first one's words ("建设工程事故" + "和"; "森林火灾" + "事故和").
_PAIR_JOIN = re.compile(
    rf"^[\u4e00-\u9fff]{{0,2}}?(?:的|应急|{_DOC_TYPES}|[“”\"》《\s])*(?:和|与|跟|及|、)[“”\"《\s]*$"
)


def _loose_documents(question: str, vocabulary: Vocabulary) -> list[tuple[int, int, DocumentName]]:
    """Documents the question names by their distinctive title words without their kind
    ("建设工程事故和道路交通事故…"): (start, end, document), for runs of at least
    ``_LOOSE_MENTION`` characters that no other document's title words hold."""
    cores = {d.doc_id: _title_cores(d.title) for d in vocabulary.documents}
    found: list[tuple[int, int, DocumentName]] = []
    for d in vocabulary.documents:
        best = (0, 0)
        for core in cores[d.doc_id]:
            start, size = _longest_shared(question, core)
            if size > best[1]:
                best = (start, size)
        start, size = best
        if size < _LOOSE_MENTION:
            continue
        run = question[start : start + size]
        if any(run in c for other, cs in cores.items() if other != d.doc_id for c in cs):
            continue  # shared with another title ("交通运输"): names neither
        found.append((start, start + size, d))
    return sorted(found, key=lambda f: f[0])


def _document_pair(question: str, vocabulary: Vocabulary) -> list[str] | None:
    """ "建设工程事故和道路交通事故启动Ⅰ级响应的条件分别是什么", "这两个应急预案（A、B）的…各设
    几个组": two documents named loosely, side by side, each asked the rest of the question."""
    if not (
        _RESPECTIVELY.search(question)
        or _TWO_DOCS.search(question)
        or _COMPARE_ONLY_ANYWHERE.search(question)
    ):
        return None
    mentions = _loose_documents(question, vocabulary)
    for (s1, e1, d1), (s2, e2, d2) in itertools.pairwise(mentions):
        if d1.doc_id == d2.doc_id or e1 > s2 or not _PAIR_JOIN.match(question[e1:s2]):
            continue
        end = e2 + (1 if question[e2 : e2 + 1] == "的" else 0)
        rest = question[:s1] + question[end:]
        rest = _TWO_DOCS.sub("", rest, count=1)
        rest = re.sub(r"（\s*）|\(\s*\)|——+|—|[“”\"]{2}", "", rest)
        rest = _RESPECTIVELY.sub("", rest, count=1).strip(" ，,")
        if _content_chars(rest) < 2:
            return None
        return [f"《{d.title}》{_as_side(rest)}" for d in (d1, d2)]
    return None


# "新泉北路和平阳路两条新建公交专用道": two names counted, then the kind of thing both are.
_COUNTED_PAIR = re.compile(
    r"(?P<a>[\u4e00-\u9fffA-Za-z0-9]{2,16}?)(?:和|与|及|、)(?P<b>[\u4e00-\u9fffA-Za-z0-9]{2,16}?)"
    r"(?:这|那)?(?:两|二|俩)(?:个|条|项|座|家|所|处|类|种|批|组|支|段|片)"
    r"(?P<kind>[\u4e00-\u9fffA-Za-z0-9]{2,})"
)


def _two_counted(question: str) -> list[str] | None:
    """ "新泉北路和平阳路两条新建公交专用道的长度和建设年限分别是什么": two things named and
    counted, then what they are; each is asked the whole rest of the question on its own."""
    m = _COUNTED_PAIR.search(question)
    if m is None or re.fullmatch(rf"(?:应急)?(?:{_DOC_TYPES})", m["kind"]):
        return None  # two documents ("A和B这两个预案"): _spelled_pair names each in full
    # The first name starts after the frame ("方案中，", "2023年"); 中 of 中心 is none.
    a = _FRAME_SPLIT.split(m["a"])[-1]
    if len(a) < 2:
        return None
    head = question[: m.start("a") + len(m["a"]) - len(a)]
    tail = m["kind"] + question[m.end() :]
    # "高铁东站和…两个站": the kind already ends the name.
    return [f"{head}{name}{tail[_overlap(name, tail) :]}" for name in (a, m["b"])]


def _overlap(name: str, tail: str) -> int:
    """Length of the longest end of ``name`` that ``tail`` starts with."""
    return next(
        (k for k in range(min(len(name), len(tail)), 0, -1) if tail.startswith(name[-k:])), 0
    )


def _spelled_pair(text: str) -> str:
    """ "A和B这两个应急预案" → "A应急预案和B应急预案": each document named in full."""
    return _PAIR_OF_DOCS.sub(
        lambda m: f"{m['a']}{m['kind']}{m['join']}{m['b']}{m['kind']}", text, count=1
    )


# Colloquial question words, read as the written ones ("啥时候", "咋样").
_COLLOQUIAL = (("啥", "什么"), ("咋样", "怎么样"), ("咋", "怎么"))


def plan_question(question: str, vocabulary: Vocabulary) -> QueryPlan:
    """The plan of a standalone question (a follow-up is resolved first)."""
    for spoken, written in _COLLOQUIAL:
        question = question.replace(spoken, written)
    clauses = _clauses(question)
    compare = bool(_COMPARE_ONLY_ANYWHERE.search(question) or _COMPARE_WITH.search(question))
    kept = [c for c in clauses if not _COMPARE_ONLY.match(re.sub(r"[\s，,]", "", c))]
    if not kept:
        kept = [question]
    texts: list[str] = []
    topic = ""
    for clause in kept:
        # A later clause leans on the first one's topic when it has a pronoun or hardly any
        # content of its own ("…目前有多少家？到2030年的目标是多少？").
        own = clause
        if texts and topic:
            if (swapped := _year_swapped(clause, kept[0])) is not None:
                own = swapped
            elif _PRONOUN.search(clause):
                own = _PRONOUN.sub(topic, clause, count=1)
            elif _content_chars(clause) <= _DEPENDENT_CONTENT or _SUBJECTLESS.match(clause):
                own = f"{topic}，{clause}"
            else:
                own = _lengthened_head(clause, kept[0])
        else:
            topic = topic_of(clause)
        own = _spelled_pair(own)
        split = (
            _two_times(own)
            or _two_counted(own)
            or _distribute(own, vocabulary)
            or _document_pair(own, vocabulary)
            or _two_phrases(own, vocabulary)
            or _two_quantities(own)
            or _same_as_other(own)
            or _between_years(own)
            or _two_names(own)
            or _two_asks(own)
        )
        if split:
            split = _shared_topic(own, split)
        texts.extend(split or [own])
    if len(texts) > 1:
        compare = compare or len(texts) == 2
    subs = [_sub(t, vocabulary) for t in dict.fromkeys(texts)]
    if len(subs) > 1:
        subs = _inherit(subs)
    return QueryPlan(question, tuple(subs), compare=compare and len(subs) > 1)


# A clause that only names another year ("2024年呢", "那2030年的呢"): the first question again,
# for that year.
_YEAR_ONLY = re.compile(rf"^(?:那么?|那)?(?P<year>{YEAR})年?(?:的|底|末)?(?:呢|吗)?$")


def _year_swapped(clause: str, first: str) -> str | None:
    """ "临河公交方案2023年建多少公里？2024年呢？": the first question with its one year
    swapped, so the second side keeps what is asked (多少公里), not only its topic."""
    m = _YEAR_ONLY.match(re.sub(r"[\s，,。？?！!]", "", clause))
    years = YEAR_RE.findall(first)
    if m is None or len(years) != 1 or years[0] == m.group("year"):
        return None
    return YEAR_RE.sub(m.group("year"), first, count=1)


def _lengthened_head(clause: str, first: str) -> str:
    """ "…应急救援指挥部的指挥长由谁担任？指挥部办公室设在哪？": a later clause opening with
    the last word of a longer name the first clause said ("指挥部") means that name."""
    for run in noun_runs(first):
        name = "".join(w for w, _ in run)
        for k in range(min(4, len(name) - 1), 1, -1):
            if clause.startswith(name[-k:]) and len(name) > k + 1:
                return name + clause[k:]
    return clause


def _shared_topic(clause: str, sides: list[str]) -> list[str]:
    """ "站点覆盖率，临河的2025年目标和云岭现在的水平，哪个高": the topic said once
    before the comma is each side's."""
    head, sep, _ = clause.partition("，")
    if (
        not sep
        or _WH.search(head)
        or re.search(r"和|跟|与|同|及|比|、", head)  # the two sides named there: no one topic
        or _content_chars(head) < _MIN_SHARED_TOPIC
    ):
        return sides
    return [side if head in side else f"{head}，{side}" for side in sides]


_MIN_SHARED_TOPIC = 4


def _content_chars(text: str) -> int:
    rest = _WH.sub("", PLAN_PERIOD_RE.sub("", YEAR_RE.sub("", text)))
    rest = re.sub(r"[\s，,。？?、“”的了吗呢是有要到年目标现状分别各后来又那么还]", "", rest)
    return len(rest)


_FRAME_END = re.compile(r"(?:中|里|内|上|方面)$")
_COMPARED_WITH = re.compile(
    r"^\s*(?:跟|和|与|同|较|对比)[^，,]{1,14}?(?:相)?比(?:较)?(?:起来)?\s*$"
)
# The noun after a question word ("哪些城市道路网工程"): a few characters, no clause of its own.
_PICKED_NOUN = re.compile(r"[\u4e00-\u9fff]{2,12}")
# A year or a span of years ("2022到2025年"), with its 年.
_YEAR_SPAN = re.compile(rf"(?:从)?{YEAR}\s*年?(?:\s*[到至—\-~]\s*{YEAR}\s*年?)?")


def topic_of(clause: str) -> str:
    """The clause before its question word; of a "X，…" clause, X (topic and comment)."""
    m = _WH.search(_unpointed(clause))
    head = clause[: m.start()] if m else clause
    if m and m.group(0).startswith(("哪", "什么")):
        # "要推进哪些城市道路网工程": the noun the question word picks is the topic too.
        picked = re.sub(r"[？?。！!\s]+$", "", clause[m.end() :])
        # Not the kind of answer ("放在哪个部门"): that is what is asked, no topic.
        kind = _ASKED_KIND.match(clause, m.start())
        # Nor a superlative ("哪条最长") or a verb ("哪一年开工"): that says which, not what.
        if (
            _PICKED_NOUN.fullmatch(picked)
            and not _WH.search(picked)
            and not kind
            and "最" not in picked
            and without_verbs(picked) == picked
        ):
            head += picked
    parts = [p for p in re.split(r"[，,]", head) if p.strip()]
    if len(parts) > 1 and _COMPARED_WITH.match(parts[0]):
        parts = parts[1:]  # "跟2010年比，X提高了多少": what it is compared with is no topic
    # "X表中，Y的目标值": the first part is a frame (where), the topic is what comes after it.
    # "临河创建示范城市，公交站点覆盖率2021年是多少": a thing named right before the
    # question word (no verb) is the topic's too: "到2025年要提到多少" asks the same thing.
    subject = _subject(parts[-1]) if len(parts) > 1 else ""
    head = (
        "".join(parts[:2])
        if len(parts) > 1 and _FRAME_END.search(parts[0])
        else f"{parts[0]}，{subject}"
        if subject
        else parts[0]
        if parts
        else head
    )
    # A year and its 年 go ("2025年"); the 年 of "三年行动计划" stays.
    head = PLAN_PERIOD_RE.sub("", _YEAR_SPAN.sub("", head))
    return _TOPIC_TAIL.sub("", head).strip()


_STANCE_HEAD = re.compile(r"^(?:目前|现在|现状|当前|已经|计划|打算|到)+")
_MIN_SUBJECT = 4  # content characters a thing named needs to be a topic of its own


def _subject(part: str) -> str:
    """The thing a clause's last part names (no verb, no year, no stance): "公交站点500米覆盖率"
    of "公交站点500米覆盖率2021年"; "" when the part says more than a thing."""
    bare = PLAN_PERIOD_RE.sub("", _YEAR_SPAN.sub("", part))
    bare = _STANCE_HEAD.sub("", _TOPIC_TAIL.sub("", bare).strip())
    if _content_chars(bare) < _MIN_SUBJECT or without_verbs(bare) != bare:
        return ""
    return bare


def _inherit(subs: Sequence[SubQuestion]) -> list[SubQuestion]:
    """A sub-question that names no document or region of its own keeps the first one's (the
    frame is said once: "临河公交方案2023年建多少？2024年呢？")."""
    first = subs[0].constraints
    out = [subs[0]]
    for s in subs[1:]:
        c = s.constraints
        if not c.doc_ids and not c.regions:
            c = replace(c, doc_ids=first.doc_ids, regions=first.regions)
        out.append(replace(s, constraints=c))
    return out


def vocabulary_from(
    metas: Iterable[Any],
    levels: Iterable[str],
    known: Callable[[str], bool] | None = None,
    texts: Iterable[str] = (),
    units: Iterable[str] = (),
) -> Vocabulary:
    """Build the planner's vocabulary from document metadata (``DocumentMeta``), the grade
    names found in the records, the short names the documents' ``texts`` define (the first
    definition of a name wins: a plan names its own body before the bodies above it) and the
    ``units`` of the facts extracted from them."""
    shorts: dict[str, str] = {}
    cited: set[str] = set()
    for text in texts:
        for full, short in short_names(text):
            shorts.setdefault(full, short)
        cited.update(m.group(0) for m in _TITLE_REF.finditer(re.sub(r"\s+", "", text)))
    # A word unit of its own ("标台"), not a share, a rate or a compound of the asking's
    # ("万元" and "公里" are in _UNIT_ASKED already).
    named = {u for u in units if _WORD_UNIT.fullmatch(u)}
    vocabulary = Vocabulary(
        documents=tuple(DocumentName(m.doc_id, m.title, m.short_title, m.region) for m in metas),
        levels=tuple(sorted({x for x in levels if x})),
        known=known,
        short_names=tuple(sorted(shorts.items(), key=lambda kv: -len(kv[0]))),
        units=tuple(sorted(named, key=lambda u: (-len(u), u))),
    )
    unheld = {t[1:-1] for t in cited if absent_documents(t, vocabulary)}
    return replace(vocabulary, cited_unheld=tuple(sorted(unheld, key=lambda t: (-len(t), t))))


# What is done with a document another cites: drafted, issued or revised (a task of the citing
# plan), or followed.
_CITING_VERBS = re.compile(
    r"发布|制定|出台|编制|修订|修编|印发|起草|依据|按照|根据|参照|执行|落实|贯彻|衔接"
    r"|牵头|配合"  # who leads the citing plan's task of issuing it
)


# Not a count's measure word with its unit ("个工作日": 几个工作日 may be answered "3日内"),
# nor an approximate one ("个半小时", "个多小时").
_WORD_UNIT = re.compile(r"(?!个)(?:(?![多半])[\u4e00-\u9fff]){2,4}")


def covered_years(period: str, periods: Sequence[str] = ()) -> set[int]:
    """Years named by a period text ("2021—2025年", "十四五") and plan-period names."""
    years = {int(y) for y in YEAR_RE.findall(period)}
    out: set[int] = set()
    if years:
        out |= set(range(min(years), max(years) + 1))
    for p in list(periods) + PLAN_PERIOD_RE.findall(period):
        span = plan_period_years(p)
        if span:
            out |= set(range(span[0], span[1] + 1))
    return out


def content_words(sub: SubQuestion, weigh: Callable[[str], Mapping[str, float]]) -> list[str]:
    """The focus's words that say what is asked: not a stance word (现在, 目标) and not a single
    character. A question without any ("你是谁？", "现在几点了？") and without a document,
    place, year or level asks nothing the documents could answer."""
    quoted = re.findall(r"“([^“”]+)”", sub.text)  # a quoted name, however short (“空”)
    rest = _STANCE_CURRENT.sub(" ", _STANCE_TARGET.sub(" ", sub.focus))
    return quoted + [t for t in weigh(rest) if len(t) > 1]


def asks_live(sub: SubQuestion) -> bool:
    return bool(LIVE_RE.search(sub.text))


def asks_nothing(sub: SubQuestion, weigh: Callable[[str], Mapping[str, float]]) -> bool:
    if asks_live(sub):
        return True
    c = sub.constraints
    if c.doc_ids or c.regions or c.years or c.periods or c.levels:
        return False
    return not content_words(sub, weigh)


def plan_summary(plan: QueryPlan) -> str:
    """理解为: one line per sub-question, for the page."""
    return "；".join(s.text for s in plan.subquestions)


def region_documents(vocabulary: Vocabulary, regions: Sequence[str]) -> Mapping[str, list[str]]:
    """For each asked region, the documents about it (a region no document covers maps to [])."""
    out: dict[str, list[str]] = {}
    for r in regions:
        out[r] = [
            d.doc_id for d in vocabulary.documents if d.region and (r in d.region or d.region in r)
        ]
    return out


def whole_question(plan: QueryPlan) -> SubQuestion:
    """The plan's question asked as one: its sides' constraints merged (a side's document or
    region is never dropped, so the whole answer cannot come from elsewhere)."""
    subs = plan.subquestions
    merged = Constraints(
        doc_ids=tuple(dict.fromkeys(d for s in subs for d in s.constraints.doc_ids)),
        regions=tuple(dict.fromkeys(r for s in subs for r in s.constraints.regions)),
        levels=tuple(dict.fromkeys(x for s in subs for x in s.constraints.levels)),
    )
    return SubQuestion(plan.question, subs[0].focus, "text", merged)


def soften_inherited(plan: QueryPlan, typed: str) -> QueryPlan:
    """A follow-up's plan keeps as hard constraints only the years and levels the user typed
    this turn; those carried over from the conversation narrow the search (they are in the
    question text) but a passage that does not repeat them may still answer."""
    own_years = {int(y) for y in YEAR_RE.findall(typed)}
    own_periods = set(PLAN_PERIOD_RE.findall(typed))
    subs = tuple(
        replace(
            s,
            constraints=replace(
                s.constraints,
                years=tuple(y for y in s.constraints.years if y in own_years),
                periods=tuple(p for p in s.constraints.periods if p in own_periods),
                levels=tuple(x for x in s.constraints.levels if x in typed),
            ),
        )
        for s in plan.subquestions
    )
    return replace(plan, subquestions=subs)
