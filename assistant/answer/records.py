"""Answers read from the structure records: who leads a task, what a heading's list holds, how a
grade is defined, a document's 文号/date/what it repeals. The question's kind is read from Chinese
question syntax (谁牵头 / 有哪些 / 是指 / 文号 …), the record that answers it is the one whose
own text and context (document title, section path) cover the question's terms best, and the
answer is composed only of strings inside that record, cited at the record's span.

A question names constraints that must hold (a grade such as 较大 or Ⅲ级, a region); a record
that breaks one is never used, however similar. When no record qualifies the extractive answer
stands."""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from assistant.answer.citations import cite
from assistant.answer.table_rows import TableRowAnswerer
from assistant.answer.texts import LIST_COMPLETE, NOTE_CONFLICT, NOTE_REPEALED
from assistant.answer.types import Citation, Status
from assistant.ingest.types import SECTION_SEPARATOR, Document
from assistant.lang.patterns import ASKS_DEFINITION_RE, ASKS_POST_RE, LEVEL_RE, known_regions
from assistant.lang.sentences import MARKER, split_sentences
from assistant.lang.substrings import SubstringIndex
from assistant.lang.terms import TermWeights, coverage, coverages, flat, flat_texts
from assistant.lang.tokens import nouns, without_verbs, words
from assistant.records.types import (
    Conflict,
    Definition,
    DocumentFacts,
    ListItem,
    Record,
    Responsibility,
    Supersedes,
    TableRow,
)

_ASKS_LEAD = re.compile(
    r"谁牵头|由谁(?:牵头|负责|落实)|哪(?:个|些)(?:部门|单位)|牵头(?:单位|部门)|责任(?:单位|部门)"
    r"|谁负责|负责单位"
    # "由哪几个单位牵头" with its verb: "哪几个部门联合执法" asks the members of an action.
    r"|哪几(?:个|家)(?:部门|单位)(?:来)?(?:牵头|负责)|(?:牵头|负责)的?(?:是|有)?哪几(?:个|家)(?:部门|单位)"
    r"|配合(?:单位|部门)|谁(?:来)?配合"
    # Who holds a post ("指挥长由谁担任", "谁当指挥长"): the roster's holders.
    rf"|{ASKS_POST_RE.pattern}"
)
# "办公室设在哪个单位": where a body sits, which a sentence says ("设在…"), not who leads a task.
_ASKS_WHERE_SET = re.compile(r"设在|设于|位于|放在")
# Tasks asked for by what they share ("哪些任务…长期坚持", "X牵头的有哪几项"), not who leads.
_ASKS_TASKS = re.compile(r"哪些|哪几|哪项|有什么")
_ASKS_WHO = re.compile(r"谁|哪个(?:部门|单位)|哪些(?:部门|单位)")
_MIN_NAMED = 3  # characters: a shorter unit or deadline ("年底") names no task
_ASKS_CO = re.compile(r"配合(?:单位|部门)|谁(?:来)?配合|协助")
_ASKS_LIST = re.compile(r"哪些|哪几|有什么|包括什么|包含|分为|几个方面|几类|几级|主要任务")
_ASKS_DEFINITION = re.compile(rf"{ASKS_DEFINITION_RE.pattern}|标准是|什么标准|算(?:是)?什么|属于")
_ASKS_CRITERIA = re.compile(
    r"(?:对应|满足|符合)?(?:什么|哪些|何种)(?:样的)?(?:情形|情况|条件)(?:(?:会|才|可以|即可)*启动)?"
    r"|(?:启动)?条件(?:是什么|有哪些)|情形(?:是什么|有哪些)"
)
# "启动几级响应", "属于什么级别的预警": the level itself is asked.
_ASKS_WHICH_LEVEL = re.compile(r"几级|哪一?级|什么级别|哪个级别|何种级别|什么等级|哪个等级")
_SCALES = ("响应", "预警")
_ASKS_LEVEL_ROLE = re.compile(
    r"(?:由谁|谁来?|哪个(?:部门|单位|领导)|哪一级)(?:负责)?(?:发布|批准|决定|启动|指挥|宣布)"
)
_ROLE_FIELDS = (
    ("发布", "publisher"),
    ("批准", "approver"),
    ("决定", "approver"),
    ("启动", "approver"),
    ("宣布", "approver"),
    ("指挥", "leader"),
)


_ROLE_WORDS = re.compile("|".join(dict.fromkeys(w for w, _ in _ROLE_FIELDS)))


def _asked_roles(question: str) -> set[str]:
    """Which of a level's statements "由谁发布/批准/决定启动/指挥" asks for."""
    m = _ASKS_LEVEL_ROLE.search(question)
    if m is None:
        return set()
    return {field for word, field in _ROLE_FIELDS if word in question[m.start() :]}


# "有哪些具体举措": the items with what each says, for a short list.
_ASKS_DETAIL = re.compile(r"具体|详细")
_MAX_DETAILED_ITEMS = 6
_DETAIL_SPAN = 200  # characters after the last item searched for its first sentence
_ASKS_NUMBER_DOC = re.compile(r"文号|发文字号|字号")
_ASKS_DATE = re.compile(r"哪天|何时|什么时候|日期|哪一天")
# "废止了什么", and "原来的方案还有效吗", "旧版还管用吗" (whether the one it replaces still applies).
_ASKS_REPEAL = re.compile(
    r"废止|作废|取代|替代|(?:老|旧|原)(?:版本?|来|有)?的?(?:预案|方案|文件|办法|规划|通知|要点)"
    r"|(?:老|旧)版本?"
)
# "有效期", and its plain wording "管多长时间", "有效多久".
_ASKS_EFFECTIVE = re.compile(r"施行|生效|有效期|(?:管|有效|适用)多(?:长时间|久)")
# Who issued the document: "印发" is always a document's; "发布" only when the document is
# what is named before it ("预警由谁发布" asks who issues a warning).
_ASKS_ISSUER = re.compile(
    r"哪个(?:部门|单位|机关)(?:印发|发的)|发文机关|谁印发|由谁印发"
    r"|(?:方案|预案|规划|要点|通知|办法|意见|举措|计划|文件|政策)(?:是|由)?(?:谁|哪个(?:部门|单位|机关))(?:发布|发的|出的)"
)
_CUE_WORDS = re.compile(
    r"谁牵头|由谁|牵头单位|牵头部门|责任单位|配合单位|配合部门|负责单位|谁负责|哪(?:个|些|几个|几家)(?:部门|单位)"
    rf"|{ASKS_DEFINITION_RE.pattern}"
    # ... with its measure word ("有哪几条": 条 is no word of the heading's text).
    r"|有哪些|哪些|哪几[个条项类种点件]?|有什么|包括|分为|分成|标准|文号|印发|发布|日期|什么时候|哪天"
    # How a text is divided, asked ("分成哪几大板块"): no word of any heading.
    r"|(?:大)?板块"
    r"|废止|施行|有效期|是什么|多少|请问|吗|呢|？|\?"
    # Who holds a post, asked ("由哪些人担任"): the asking, not what the post is.
    r"|由?哪些人(?:来)?(?:担任|组成)?|(?:由谁)?担任"
    # A count asked with the list ("六个战略定位"): the records state items, not their count.
    r"|[两三四五六七八九十]+[个条项类种大]"
)
# A heading's or item's own number ("1. ", "（二）", "2.4.1 "): not part of what it says.
_MARKER = re.compile(
    r"^(?:\d+(?:\.\d+)*[.、．]?\s*|[（(][一二三四五六七八九十\d]+[）)]\s*|[一二三四五六七八九十]+、)"
)
# "“六、加快智慧交通绿色交通建设”讲什么？": a heading named in quotes, its content asked.
_NAMED = re.compile(r"“([^“”]{2,40})”")
_ASKS_WHAT_IT_IS = re.compile(r"是什么|是怎样的|是如何|指什么|怎么定位|如何定位")
_LIST_KINDS = ("heading", "enumeration")
_MIN_LEAF_NAME = 4  # characters: a shorter heading ("目标") is named by too many questions
_MIN_LOOSE_WORDS = 4  # words of a heading named out of order: fewer are said by chance
# What asks a whole document's content, beside the document's name ("核心内容能概括一下吗").
_WHOLE_CUES = re.compile(
    r"主要内容|核心内容|大致内容|内容|讲了什么|说了什么|讲了啥|说了啥|讲的是什么|讲些什么|讲什么"
    r"|概述|概况|概括|介绍|大致|大概|主要|简要|一下|是什么|什么|啥|能|吗"
)
_MIN_OUTLINE = 3  # top-level headings an outline has at least
# Share of a list question's other words a named heading's text must say to be what it lists.
_REST_SAID = 0.5
_ARTICLE = re.compile(r"^第[\d一二三四五六七八九十百]+[条章节款]\s*")


def _bare_heading(text: str) -> str:
    return _ARTICLE.sub("", _MARKER.sub("", text).strip()).strip()


_ASKS_CONTENT = re.compile(r"什么|哪些|哪几|内容|讲|包括|包含|具体|介绍|说说|怎么")
# A heading's own body, quoted when it has no child headings: at most this many sentences.
_BODY_SENTENCES = 3
_DUTY_AFTER = re.compile(
    r"\s*[（(](?:责任单位|牵头单位|责任部门)?[^（）()\n]{0,80}(?:负责|单位|局|委|办)[）)]"
)
_BODY_SPAN = 600
# Shorter than this, a sentence before the one quoted is a run-in label ("新增路线。").
_RUN_IN_LABEL = 12
# Minimum share of the question's focus weight a record's context must cover, and by how much
# the best record must lead the runner-up (ties are left to the extractive answer).
MIN_COVERAGE = 0.6
# Longer than this, an action is a sentence, not a name for the task.
_SHORT_ACTION = 30
MIN_LEAD = 0.05
# "有哪些重点工程": lists whose items carry the asked noun ("工程") at this share are the lists
# of the kind asked (scored with their items' words).
_KIND_SHARE = 0.8
_KIND_CANDIDATES = 50  # the best scoring lists looked at (each one's items are gathered)
_KINDS = ("lead", "definition", "document", "list")  # the record kinds a question asks
_ASKED_NOUN = re.compile(
    r"(?:哪些|哪几[个项类条种]?|什么)(?:具体的?|主要的?)?(?P<noun>[\u4e00-\u9fff]{2,8}?)(?:[？?。，,]|$)"
)
# A count after a list's last item ("、技术专家组9个应急工作组"), and one in its lead-in.
_COUNT_AFTER = re.compile(
    r"\s*(?:等|共)?\s*(?P<count>(?:\d+|[一二三四五六七八九十两]+)\s*[个项类条种支家座所](?:[\u4e00-\u9fff]{1,8}?)?)(?=[。；;，,：:\s]|$)"
)
_COUNT_IN = re.compile(r"(?:\d+|[一二三四五六七八九十两]+)\s*[个项类条种支家座所]")
_MAX_TASK_BODY = 400  # characters before a 牵头单位 line searched for its task's heading
_MIN_FRAMED_REST = 2  # focus terms that must be left after a document frame's words go
# A term the question quotes ("环评“打捆”审批").
_QUOTED_IN_QUESTION = re.compile(r"[“\"‘]([^”\"“‘’]{1,20})[”\"’]")
_LEAD_VERBS = re.compile(rf"负责落实|负责实施|具体负责|负责|牵头|{ASKS_POST_RE.pattern}")
_MIN_BODY = 4  # characters: less between an action and its label is only a bracket or space


@dataclass(frozen=True)
class RecordAnswer:
    status: Status
    text: str
    citations: tuple[Citation, ...]
    score: float


def _same_list_section(a: str, b: str) -> bool:
    """Items of one list share a section, or are each their own subsection of it (numbered
    items "（1）…" that the outline also reads as headings)."""
    return a == b or a.rsplit(SECTION_SEPARATOR, 1)[0] == b.rsplit(SECTION_SEPARATOR, 1)[0]


_COUNT = re.compile(
    r"(?<![第\d])(?P<n>[两三四五六七八九十]|十[一二三四五六七八九])(?:个|条|项|类|种|大)"
)
_CN_COUNT = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}


def _asked_count(question: str) -> int | None:
    m = _COUNT.search(question)
    if m is None:
        return None
    n = m.group("n")
    return 10 + _CN_COUNT[n[1]] if len(n) == 2 else _CN_COUNT[n]


def _focus_share(weights: Mapping[str, float], own: str) -> float:
    """The share of a heading's own characters that are words of the question's focus."""
    words = flat(_MARKER.sub("", own))
    words = re.sub(r"^第[一二三四五六七八九十百\d]+[章节条部分篇]", "", words)
    if not words:
        return 0.0
    covered = [False] * len(words)
    for term in weights:
        for m in re.finditer(re.escape(flat(term)), words):
            covered[m.start() : m.end()] = [True] * (m.end() - m.start())
    return sum(covered) / len(words)


# A short gloss in brackets after a name ("重点任务（十大工程）"): another name for the same
# thing, whose words would pull the match towards other headings ("…工程"). Not a year span.
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[（(](?![^（）()]*\d{4})[^（）()]{1,10}[)）]")


# The share of the focus's own words one item must say to be what a list question asks.
_ITEM_NAMED = 0.7
_ITEM_SPAN = 400  # characters of an item's own text quoted at most
_NEXT_UNIT_LABEL = re.compile(r"(?:牵头|责任|配合|成员)(?:单位|部门)\s*[：:]")
# The share of the focus's own words a heading must say for a second-try list match.
_HEADING_NAMES = 0.8


# "…预案里，": 里 after a document's name says where, it names nothing.
_IN_DOCUMENT = re.compile(r"(?<=[划案要见知法例则])里")
# The clause naming the document a question is about ("公报里的道路交通应急预案，…",
# "那个预案中…"): it picks the document (the scope), it is no word of a grade's or task's record.
_DOC_NOUN = r"(?:预案|规划|方案|要点|通知|计划|举措|意见|办法|条例|公报|文件)"
_DOCUMENT_FRAME = re.compile(
    rf"^[^，,。？?]{{0,30}}?{_DOC_NOUN}(?:里|中|内|上)?的?[，,]"
    rf"|^[^，,。？?]{{0,30}}?{_DOC_NOUN}(?:里|中|内)的?"
)


def _same_units(first: str, second: str) -> bool:
    """Whether two composed lead answers name the same units for the same task, asides in
    brackets and citation marks aside."""

    def bare(text: str) -> str:
        return re.sub(r"\[\d+\]|[（(][^（）()]*[）)]|\s", "", text).rstrip("。")

    return bare(first) == bare(second)


def _closes_inline(text: str, r: Responsibility) -> bool:
    """Whether the record's label stands in brackets after its item ("…。(责任单位:市司法局)")."""
    return r.start > 0 and text[r.start - 1] in "（("


def _bigram_cover(question: str, title: str) -> float:
    """Share of a title's character pairs the question says."""
    pairs = {title[i : i + 2] for i in range(len(title) - 1)}
    return sum(p in question for p in pairs) / len(pairs) if pairs else 0.0


def _depth(section: str) -> int:
    """How many headings a section path holds ("" is the document itself)."""
    return section.count(SECTION_SEPARATOR) + 1 if section else 0


_LEAD_SENTENCE = re.compile(r"^\s*([^。！？!?\n]{2,16})[。！？!?]")
_MIN_LEADS = 3  # paragraphs led by a short sentence: fewer are no list


def _paragraph_leads(span: str) -> list[str]:
    """The short sentences leading each paragraph of a text ("当好先锋，服务人民。坚持…"), when
    every paragraph of at least ``_MIN_LEADS`` has one and goes on after it; else []."""
    paragraphs = [p for p in span.split("\n") if p.strip()]
    if len(paragraphs) < _MIN_LEADS:
        return []
    leads = []
    for p in paragraphs:
        m = _LEAD_SENTENCE.match(p)
        if m is None or not p[m.end() :].strip():
            return []
        leads.append(re.sub(r"\s+", "", m.group(1)))
    return leads


def _focus(question: str) -> str:
    return _CUE_WORDS.sub(" ", _GLOSS.sub(" ", question))


class RecordAnswerer:
    def __init__(self, records: Sequence[Record], documents: Mapping[str, Document]) -> None:
        self.documents = documents
        self.records = tuple(records)
        self._own = [self._own_text(r) for r in self.records]
        # Cross-document records: what notes() looks at for every answer.
        self._between = tuple(r for r in self.records if isinstance(r, (Supersedes, Conflict)))
        self._context = [self._context_of(r) for r in self.records]
        # The items of each list, by what names it (a list's items are gathered per question).
        self._lists: dict[tuple[str, str, str], list[ListItem]] = {}
        for r in self.records:
            if isinstance(r, ListItem):
                self._lists.setdefault((r.doc_id, r.parent, r.kind), []).append(r)
        # A task's own paragraph, between its heading and its 牵头单位 line: "新建公交专用道
        # 10.1 公里" tells which of two tasks named alike ("加快…建设", "加强…管理") is asked. Only
        # for scoring a lead question, not for the term weights (they stay those of the names).
        # An inline "（责任单位：…）" closes its item: the item's body runs back to where the
        # previous task of the document ended ("26. 精准提供法律服务。为新设…“法律托管”…。深化…
        # (责任单位:市司法局)": the action is only the last sentence).
        previous: dict[int, int] = {}
        last_end: dict[str, int] = {}
        for r in sorted(
            (r for r in self.records if isinstance(r, Responsibility)),
            key=lambda r: (r.doc_id, r.start),
        ):
            previous[id(r)] = last_end.get(r.doc_id, 0)
            last_end[r.doc_id] = max(last_end.get(r.doc_id, 0), r.end)
        self._task_body = [self._body_before(r, previous.get(id(r), 0)) for r in self.records]
        self._weights = TermWeights(self._context)
        # Each kind's records, and their contexts flattened once: a question walks only the
        # records of the kind it asks, and matches words only in those sharing a term with it
        # (a province's corpus holds tens of thousands of records).
        self._of_kind = {
            k: [i for i, r in enumerate(self.records) if self._fits(k, r)] for k in _KINDS
        }
        self._kind_doc_ids = {
            k: [(i, self.records[i].doc_id) for i in ids] for k, ids in self._of_kind.items()
        }
        self._kind_docs = {k: {d for _, d in pairs} for k, pairs in self._kind_doc_ids.items()}
        self._flat_context = flat_texts(self._context)
        # A lead question is matched against a task's context with its own paragraph.
        self._lead_text = {
            i: flat(f"{self._context[i]} {self._task_body[i]}")
            if self._task_body[i]
            else self._flat_context[i]
            for i in self._of_kind["lead"]
        }
        self._lead_postings = SubstringIndex.build(list(self._lead_text.values()))
        self._tasks = [r for r in self.records if isinstance(r, Responsibility)]
        # The headings, with their text without a marker and without a marker or article label:
        # a heading named in a question is looked up among them, not among all records.
        self._headings = [
            (r, _MARKER.sub("", r.text).strip(), _bare_heading(r.text))
            for r in self.records
            if isinstance(r, ListItem) and r.kind == "heading"
        ]
        self._rows = TableRowAnswerer(
            [r for r in self.records if isinstance(r, TableRow)], documents, self._weights
        )

    def _without_frame(
        self, question: str, weights: dict[str, float], doc_ids: Collection[str]
    ) -> dict[str, float]:
        """The focus without the words of the clause naming the document ("公报里的…预案，")
        that the documents in scope do not have in their titles: that clause picked the scope;
        a word of it no title holds ("公报") is no word of a grade's or task's record."""
        framed = _DOCUMENT_FRAME.match(question)
        if framed is None:
            return weights
        titles = " ".join(
            f"{d.meta.title} {d.meta.short_title}"
            for doc_id in doc_ids
            if (d := self.documents.get(doc_id)) is not None
        )
        frame = framed.group(0)
        rest = {t: w for t, w in weights.items() if t not in frame or coverage({t: w}, titles) > 0}
        return rest if len(rest) >= _MIN_FRAMED_REST else weights

    def _beyond_title(self, weights: Mapping[str, float], i: int) -> Mapping[str, float]:
        """The focus terms the record's document title does not already say."""
        doc = self.documents.get(self.records[i].doc_id)
        if doc is None:
            return weights
        title = f"{doc.meta.title} {doc.meta.short_title}"
        rest = {t: w for t, w in weights.items() if coverage({t: w}, title) == 0}
        return rest or weights

    def _item_named(self, weights: Mapping[str, float], r: ListItem) -> ListItem | None:
        """The item of ``r``'s list that the focus names clearly better than the list's own
        heading does, beyond the document's title; None when the list itself is asked."""
        doc = self.documents.get(r.doc_id)
        title = f"{doc.meta.title} {doc.meta.short_title}" if doc else ""
        beyond = {t: w for t, w in weights.items() if coverage({t: w}, title) == 0}
        if not beyond:
            return None
        items = self._list_items(r)
        if len(items) < 2:
            return None
        ranked = sorted(items, key=lambda x: -coverage(beyond, _MARKER.sub("", x.text)))
        own, second = (coverage(beyond, _MARKER.sub("", x.text)) for x in ranked[:2])
        parent = coverage(beyond, f"{r.section} {r.parent}")
        # One item, above its siblings: "分为哪几个阶段" names every item's "阶段" alike.
        if own >= _ITEM_NAMED and own >= parent + MIN_LEAD and own >= second + MIN_LEAD:
            return ranked[0]
        return None

    def _item_answer(self, item: ListItem, score: float) -> RecordAnswer | None:
        """An item's name and its own text, up to the next item or its 牵头单位 line."""
        doc = self.documents[item.doc_id]
        text = doc.text
        name = _MARKER.sub("", item.text).strip()
        at = text.find(name, item.start)
        if at < 0:
            return None
        after = at + len(name)
        later = [x.start for x in self._list_items(item) if x.start > item.start]
        stop = min([*later, after + _ITEM_SPAN])
        body = text[after:stop]
        label = _NEXT_UNIT_LABEL.search(body)
        if label is not None:
            body = body[: label.start()]
        skip = len(body) - len(body.lstrip("。，,：: \n"))
        full = body.rfind("。")
        if full <= skip:
            return None
        said = re.sub(r"\s+", "", body[skip:full]).strip("。，,：: ")
        answer = f"《{doc.meta.title}》中“{name}”：{said}[1]。"
        cite = self._cite(1, item, at, after + full + 1)
        return RecordAnswer("answered", answer, (cite,), score)

    def _heading_names(self, weights: Mapping[str, float], i: int) -> bool:
        """Whether record ``i``'s own heading names the most of the focus its document's title
        does not say: a list matched by a few nouns must be the list they name, not any list
        of the document (nor the document's own outline)."""
        doc = self.documents.get(self.records[i].doc_id)
        title = f"{doc.meta.title} {doc.meta.short_title}" if doc else ""
        beyond = {t: w for t, w in weights.items() if coverage({t: w}, title) == 0}
        return bool(beyond) and coverage(beyond, self._own[i]) >= _HEADING_NAMES

    def _body_before(self, r: Record, floor: int = 0) -> str:
        if not isinstance(r, Responsibility) or not r.action:
            return ""
        doc = self.documents.get(r.doc_id)
        if doc is None:
            return ""
        begin = max(floor, r.start - _MAX_TASK_BODY)
        window = doc.text[begin : r.start]
        at = window.rfind(r.action)
        if at < 0:
            return ""
        after = window[at + len(r.action) :]
        if not _closes_inline(doc.text, r) or len(after.strip(" \n（(")) >= _MIN_BODY:
            return after
        # The label follows its action inline: the item's earlier sentences are its body.
        return window[:at]

    @staticmethod
    def _own_text(r: Record) -> str:
        """What the record itself is about: a list's heading, an action, a defined term."""
        if isinstance(r, Responsibility):
            return r.action
        if isinstance(r, ListItem):
            return r.parent
        if isinstance(r, Definition):
            return r.term
        return ""

    def _context_of(self, r: Record) -> str:
        doc = self.documents.get(r.doc_id)
        title = doc.meta.title if doc else ""
        short = doc.meta.short_title if doc else ""
        return " ".join([title, short, r.section, self._own_text(r)])

    @functools.cached_property
    def graded_scales(self) -> frozenset[str]:
        """What the documents grade (事故, 响应, 预警 …), as their level definitions say."""
        return frozenset(
            r.scale for r in self.records if isinstance(r, Definition) and r.level and r.scale
        )

    def outline(self, question: str, doc_ids: Collection[str] | None) -> RecordAnswer | None:
        """ "《…》大致讲了啥": a whole document's content asked (one document in scope, nothing
        named of it beyond its own title): its top-level headings, as a list."""
        if not doc_ids or len(set(doc_ids)) != 1:
            return None
        (doc_id,) = set(doc_ids)
        doc = self.documents.get(doc_id)
        if doc is None:
            return None
        if self._nouns_beyond(_WHOLE_CUES.sub(" ", _focus(question)), doc_id):
            return None  # a part of it is asked ("重点任务的主要内容"): not the outline
        lists: dict[tuple[str, str], list[ListItem]] = {}
        for (d, parent, kind), items in self._lists.items():
            if d == doc_id and kind == "heading":
                for r in items:
                    lists.setdefault((parent, r.section), []).append(r)
        tops = [items for items in lists.values() if len(items) >= _MIN_OUTLINE]
        if not tops:
            return None
        top = min(tops, key=lambda items: (_depth(items[0].section), -len(items)))
        first = min(top, key=lambda r: r.position)
        return self._compose("list", first, question, 1.0)

    def by_year(self, question: str, doc_ids: Collection[str] | None = None) -> bool:
        """Whether a task list states the thing asked year by year ("每年分别是多少")."""
        return self._rows.by_year_stated(question, doc_ids)

    def superlative(
        self, question: str, doc_ids: Collection[str] | None = None, stance: str = ""
    ) -> RecordAnswer | None:
        """ "哪条最长": the table row with the largest (smallest) figure asked, and the rows it
        was compared with (``stance``: only rows marked 现状, or 规划, when asked so)."""
        row = self._rows.superlative(question, doc_ids, stance)
        return RecordAnswer("answered", row.text, row.citations, row.score) if row else None

    def row_answer(
        self, question: str, doc_ids: Collection[str] | None = None
    ) -> RecordAnswer | None:
        """Only a table row's cells stating a figure: the column asked of the row the question
        names (a value asked that no fact states may stand in a task list's sentence)."""
        row = self._rows.answer(question, doc_ids, figures=True)
        return RecordAnswer("answered", row.text, row.citations, row.score) if row else None

    def answer(
        self,
        question: str,
        doc_ids: Collection[str] | None = None,
        hint: str | None = None,
        said: str = "",
        nouns_only: bool = False,
        rows: bool = True,
    ) -> RecordAnswer | None:
        """``hint``: the record kind the question plan's answer type implies ("list" for a
        list or overview question), used when the question's own wording names none.
        ``said``: what the conversation already answered ("还有呢"): a list gives the rest.
        ``nouns_only``: match the focus without its verbs (a list question's second try).
        ``rows``: whether a table row may answer."""
        level = self._level_for_condition(question, doc_ids)
        if level is not None:
            return level
        # A table row named with a column asked, or a cell value named with its rows asked.
        kind = self._kind(question) or hint
        row = self._rows.answer(question, doc_ids) if kind != "document" and rows else None
        if row is not None:
            if kind == "lead":
                # The same task's "牵头单位：" line in the text says it as the document's own
                # sentence; its annex table's cell adds asides ("市发改局（市能源办）") and is
                # cut across cells and pages. The text's line answers when it names the same
                # units.
                prose = self.answer(question, doc_ids, hint, said, nouns_only, rows=False)
                if prose is not None and _same_units(prose.text, row.text):
                    return prose
            return RecordAnswer("answered", row.text, row.citations, row.score)
        tasks = self._tasks_with(question, doc_ids) if kind != "document" else None
        if tasks is not None:
            return tasks
        if kind in (None, "list") and _ASKS_CONTENT.search(question):
            section = self._section_answer(question, doc_ids)
            if section is not None:
                return section
        if kind is None:
            return None
        roles = _asked_roles(question)
        focus = _focus(question)
        if kind in ("definition", "lead"):
            # A named grade's or task's own record is asked: "…预案里" adds no word of it. (A
            # list keeps the word: near-identical list headings are told apart by coverage.)
            focus = _IN_DOCUMENT.sub(" ", focus)
        if kind == "lead":
            # "由哪些单位负责落实": the verbs asking who leads, no words of the task.
            focus = _LEAD_VERBS.sub(" ", focus)
        if nouns_only:
            focus = without_verbs(focus)
        if kind == "definition":
            # A grade asked ("黄色") is checked against the record's level, not matched as words:
            # the term spells it otherwise ("三级(黄色)预警"); the asking of criteria
            # ("对应什么情形") is no word of the record's.
            focus = _ASKS_CRITERIA.sub(" ", LEVEL_RE.sub(" ", focus))
            if roles:  # the role asked is a field of the record, not a word of its name
                focus = _ROLE_WORDS.sub(" ", focus)
        weights = self._weights.weigh(focus, stress_years=False)
        if kind in ("definition", "lead") and doc_ids:
            weights = self._without_frame(question, weights, doc_ids)
        if not weights:
            return None
        regions = [r for r in known_regions() if r in question]
        grades = LEVEL_RE.findall(question)
        scored: list[tuple[float, int]] = []
        asks_post = bool(ASKS_POST_RE.search(question))
        cover = self._coverages(kind, weights)
        pairs = self._kind_doc_ids.get(kind, [])
        allowed = {d: self._in_scope(d, doc_ids, regions) for d in self._kind_docs.get(kind, ())}
        if kind in ("list", "document"):
            # No record-by-record condition beyond the scope (the common, largest case).
            scored = [(cover[i], i) for i, d in pairs if allowed[d]]
        else:
            for i, d in pairs:
                if not allowed[d]:
                    continue
                r = self.records[i]
                if kind == "definition" and grades:
                    assert isinstance(r, Definition)
                    # A level named by its colour ("黄色") is the grade the term pairs it with
                    # ("三级(黄色)预警").
                    if r.level not in grades and not any(g in r.term for g in grades):
                        continue
                if kind == "definition" and roles:
                    assert isinstance(r, Definition)
                    if not any(getattr(r, f) for f in roles):
                        continue  # who issues it asked: a record of its criteria does not say
                roster = isinstance(r, Responsibility) and r.lead_label == "担任"
                if kind == "lead" and asks_post != roster:
                    continue  # who holds a post is a roster's; who leads a task is not
                if (
                    isinstance(r, Responsibility)
                    and roster
                    and not re.search(rf"(?<![副总]){re.escape(r.action)}", question)
                ):
                    # A post answers only when named as itself ("副指挥长" is not "指挥长"); the
                    # longest post the question names is kept below.
                    continue
                scored.append((cover[i], i))
        posts = [
            r.action
            for _, i in scored
            if isinstance(r := self.records[i], Responsibility) and r.lead_label == "担任"
        ]
        if posts:
            longest = max(posts, key=len)
            scored = [
                si
                for si in scored
                if not (
                    isinstance(r := self.records[si[1]], Responsibility)
                    and r.lead_label == "担任"
                    and r.action != longest
                    and r.action in longest
                )
            ]
        if kind == "definition" and not roles:
            # What a grade is, asked: its criteria, not the clause saying who issues it (kept
            # when the document states nothing else of it).
            stated = [si for si in scored if getattr(self.records[si[1]], "definition", "")]
            scored = stated or scored
        if not scored:
            return None
        # Ties (the title and an ancestor heading cover the focus for every list below it):
        # the record whose own heading names what the title does not, then the shallowest,
        # then the first. Only the tied best are ordered so (a large corpus has many records).
        top = max(si[0] for si in scored)
        of_kind: set[int] = set()
        if kind == "list":
            scored, of_kind = self._lists_of_the_kind_asked(question, weights, scored, top)
            top = max(si[0] for si in scored)
        if top < MIN_COVERAGE and not (kind == "document" and doc_ids and len(scored) == 1):
            # Whichever record the ties below would put first, it is below the bar (and a
            # heading of it cannot name the focus its whole context misses): no answer, or,
            # for a list, the second try on the focus's nouns. Ordering every record of a
            # large corpus at zero coverage would cost more than all the rest.
            if kind == "list" and not nouns_only:
                return self.answer(question, doc_ids, hint, said, nouns_only=True)
            return None
        tied = [si for si in scored if si[0] >= top - 1e-12]
        # Only the runner-up of the rest is looked at.
        rest = min(
            (si for si in scored if si[0] < top - 1e-12),
            key=lambda si: (-si[0], si[1]),
            default=None,
        )
        count = _asked_count(question) if kind == "list" else None
        tied.sort(
            key=lambda si: (
                # "六个战略定位": a list of the count asked comes first.
                count is not None and self._list_size(self.records[si[1]]) != count,
                # "有哪些重点工程": then a list whose items are 工程.
                si[1] not in of_kind,
                -coverage(self._beyond_title(weights, si[1]), self._own[si[1]]),
                # Then the heading that is most nearly just the focus ("战略定位" before
                # "目标定位与空间战略").
                -_focus_share(weights, self._own[si[1]]),
                self.records[si[1]].section.count(SECTION_SEPARATOR),
                si[1],
            )
        )
        scored = tied + ([rest] if rest is not None else [])
        best, index = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        record = self.records[index]
        if kind == "document" and doc_ids and len(scored) == 1:
            # The plan's scope names the one document ("临州那个防汛预案" by its place): its
            # facts answer, however the rest of the question is worded.
            return self._compose(kind, record, question, max(best, MIN_COVERAGE), said)
        if nouns_only and not self._heading_names(weights, index):
            return None
        if kind == "list" and best >= MIN_COVERAGE and isinstance(record, ListItem):
            inside = self._item_named(weights, record)
            if (
                inside is not None
                and index in of_kind
                and not all(w in question for w in words(_bare_heading(inside.text)))
            ):
                # "分为哪几个阶段" names the kind every item is ("…阶段"), not one of them
                # ("集中实施阶段"); "要推进哪些公园建设工程" names one whole ("公园建设工程").
                inside = None
            if inside is not None:
                # "四级线网是哪四级" names one item of the list ("打造四级…线网结构"): what is
                # asked is that item's own text, not the list of its siblings.
                return self._item_answer(inside, best)
        if best < MIN_COVERAGE:
            if kind == "list" and not nouns_only:
                # "靠哪些保障措施来落实": the verbs around the list's name are the asking's
                # words, not the list's.
                return self.answer(question, doc_ids, hint, said, nouns_only=True)
            return None
        if (
            kind != "list"
            and best - runner_up < MIN_LEAD
            and not self._same_answer(record, self.records[scored[1][1]])
            and not self._named_better(weights, index, scored[1][1])
        ):
            return None
        return self._compose(kind, record, question, best, said)

    def _coverages(self, kind: str, weights: Mapping[str, float]) -> list[float]:
        """``coverage(weights, context)`` of every record (zero for records of other kinds than
        a lead question's), computed from postings: a province's corpus holds tens of thousands
        of records, and matching each one's words per question cost more than the answer."""
        import numpy as np

        if kind != "lead":
            return cast("list[float]", self._weights.coverages(weights).tolist())
        out = np.zeros(len(self.records))
        out[self._of_kind["lead"]] = coverages(self._lead_postings, weights)
        return out.tolist()

    def _in_scope(
        self, doc_id: str, doc_ids: Collection[str] | None, regions: Sequence[str]
    ) -> bool:
        """Whether a record of document ``doc_id`` may answer: in the documents the question is
        limited to, and (a hard constraint) never another region's document."""
        if doc_ids and doc_id not in doc_ids:
            return False
        doc = self.documents.get(doc_id)
        return not (
            regions
            and doc
            and doc.meta.region
            and not any(g in doc.meta.region or doc.meta.region in g for g in regions)
        )

    def _named_better(self, weights: Mapping[str, float], first: int, second: int) -> bool:
        """Whether record ``first``'s own heading names the focus clearly better than
        ``second``'s does (two tasks whose paragraphs both mention the words asked)."""
        own = [coverage(self._beyond_title(weights, i), self._own[i]) for i in (first, second)]
        return own[0] - own[1] >= MIN_LEAD

    def _tasks_with(self, question: str, doc_ids: Collection[str] | None) -> RecordAnswer | None:
        """ "哪些任务的完成时限是“长期坚持”", "市生态环境局牵头的有哪几项": the tasks of a
        document whose lead unit or deadline is the one the question names, all of them."""
        if not _ASKS_TASKS.search(question) or _ASKS_WHO.search(question):
            return None
        plain = re.sub(r"[“”\"'‘’「」]", "", question)
        named: dict[str, list[tuple[Responsibility, str]]] = {}
        for r in self._tasks:
            if doc_ids and r.doc_id not in doc_ids:
                continue
            # A unit is one of the task's units ("责任单位：A、B、C" names C too); a deadline is
            # the task's.
            values = [(u, f"{r.lead_label}含") for u in r.lead_units]
            if r.deadline:
                values.append((r.deadline, "完成时限为"))
            for value, label in values:
                if len(value) >= _MIN_NAMED and value in plain:
                    named.setdefault(r.doc_id, []).append((r, f"{label}{value}"))
        if not named:
            return None
        if len(named) > 1:
            # Several documents' tasks: the one the question names by its title.
            scored = sorted(
                named,
                key=lambda d: -_bigram_cover(question, self.documents[d].meta.title),
            )
            top = _bigram_cover(question, self.documents[scored[0]].meta.title)
            if top - _bigram_cover(question, self.documents[scored[1]].meta.title) < 0.1:
                return None
            named = {scored[0]: named[scored[0]]}
        ((doc_id, hits),) = named.items()
        # Every value the question names must hold for a task ("市生态环境局牵头、长期坚持的").
        said = {what for _, what in hits}
        by_task: dict[int, tuple[Responsibility, set[str]]] = {}
        for r, what in hits:
            by_task.setdefault(id(r), (r, set()))[1].add(what)
        chosen = [r for r, whats in by_task.values() if whats == said]
        if not chosen:
            return None
        chosen.sort(key=lambda r: r.start)
        parts = []
        citations = []
        text_of = self.documents[doc_id].text
        for n, r in enumerate(chosen, 1):
            name = (_bare_heading(r.action) or r.action).rstrip("。；;，,")
            parts.append(f"{name}[{n}]")
            # Cited from the task's words to its units and deadline.
            at = text_of.rfind(r.action, 0, r.end) if r.action else -1
            citations.append(self._cite(n, r, at if 0 <= at < r.start else None))
        title = self.documents[doc_id].meta.title
        what = "、".join(sorted(said))
        text = f"《{title}》中{what}的任务有：{'；'.join(parts)}。"
        return RecordAnswer("answered", text, tuple(citations), 1.0)

    def _level_for_condition(
        self, question: str, doc_ids: Collection[str] | None
    ) -> RecordAnswer | None:
        """ "发生较大事故启动几级响应？"-like questions: the level is asked, a graded condition is given. The
        answer is the level whose criteria name that condition (a grade of another scale —
        the accident's 较大 is not the response's Ⅱ级 — so the grade is matched in the criteria,
        not against the level)."""
        asked = _ASKS_WHICH_LEVEL.search(question)
        if asked is None:
            return None
        after = question[asked.end() :]
        scale = next((w for w in _SCALES if w in after[:4]), "")
        conditions = []
        for m in LEVEL_RE.finditer(question[: asked.start()] + " " + after):
            noun = re.match(r"(?:的)?(事故|事件|灾害|险情|火灾|突发事件)", question[m.end() :])
            if noun:
                conditions.append((m.group(0), noun.group(1)))
        if not conditions:
            return None
        found: list[tuple[Definition, str]] = []
        for r in self.records:
            if not isinstance(r, Definition) or not r.definition or not r.level:
                continue
            if (scale and r.scale != scale) or (doc_ids and r.doc_id not in doc_ids):
                continue
            for item in re.split(r"[;；\n]|(?=[①②③④⑤⑥⑦⑧⑨])", r.definition):
                item = re.sub(r"^[\s\-①②③④⑤⑥⑦⑧⑨]+|[\s。]+$", "", item)
                if all(g in LEVEL_RE.findall(item) and noun in item for g, noun in conditions):
                    found.append((r, item))
                    break
        if not found or len({(r.doc_id, r.level) for r, _ in found}) != 1:
            return None  # none, or levels of several documents: the other answerers decide
        r, item = found[0]
        doc = self.documents[r.doc_id]
        text = doc.text
        at = text.find(item, r.start, r.end)
        end = at + len(item) if at >= 0 else r.end
        answer = f"{r.term}：《{doc.meta.title}》中{r.term}的条件包括“{item}”[1]。"
        return RecordAnswer("answered", answer, (self._cite(1, r, r.start, end),), 1.0)

    def _section_answer(
        self, question: str, doc_ids: Collection[str] | None
    ) -> RecordAnswer | None:
        """A heading the question names in quotes (as a follow-up on a list names an item):
        its child headings when it has them, else the first sentences of its own text."""
        for name in _NAMED.findall(question):
            bare = _MARKER.sub("", name).strip()
            if not bare:
                continue  # a figure quoted ("“9073”") is no heading's name
            headings = [
                r
                for r, plain, _ in self._headings
                # The heading itself, or the term a heading puts in quotes ("设立“企业静默期”").
                if (plain == bare or f"“{bare}”" in r.text or f'"{bare}"' in r.text)
                and (not doc_ids or r.doc_id in doc_ids)
            ]
            if len({r.doc_id for r in headings}) != 1:
                continue  # unknown, or a heading several documents share: not this mechanism
            heading = headings[0]
            children = [
                r
                for r in self._lists.get((heading.doc_id, heading.text, "heading"), [])
                if r.position == 1
            ]
            if children:
                found = self._compose("list", children[0], question, 1.0)
                if found is not None:
                    return found
            body = self._body(heading, question)
            if body is not None:
                return body
        return self._leaf_named(question, doc_ids)

    def _leaf_named(self, question: str, doc_ids: Collection[str] | None) -> RecordAnswer | None:
        """ "临州规划的城市定位是什么？": a heading without subheadings ("第8条 城市定位") named in
        the question's words, asked what it is or what it holds ("工作原则有哪些": its items are
        written in its text, "A；B；C。"): the first sentences of its own text. Only one
        document's heading without items or subheadings (those go to the lists), and no count
        asked (the lists check it)."""
        if (
            not (_ASKS_WHAT_IT_IS.search(question) or _ASKS_LIST.search(question))
            or _asked_count(question) is not None
        ):
            return None
        named = [
            r
            for r, _, bare in self._headings
            if (not doc_ids or r.doc_id in doc_ids)
            and len(bare) >= _MIN_LEAF_NAME
            and bare in question
        ]
        if not named:
            # Named in other order ("推进建设的公交场站" for "推进公交场站建设"): every word of a
            # heading of several words said.
            named = [
                r
                for r, _, bare in self._headings
                if (not doc_ids or r.doc_id in doc_ids)
                and len(ws := words(bare)) >= _MIN_LOOSE_WORDS
                and all(w in question for w in ws)
            ]
        if not named:
            return None
        longest = max(len(_bare_heading(r.text)) for r in named)
        named = [r for r in named if len(_bare_heading(r.text)) == longest]
        if len({r.doc_id for r in named}) != 1 or len(named) != 1:
            return None
        heading = named[0]
        if any(self._lists.get((heading.doc_id, heading.text, k)) for k in _LIST_KINDS):
            return None  # a heading with subheadings or items under it: for the lists
        if not _ASKS_WHAT_IT_IS.search(question) and (
            self._enumerates(heading) or not self._rest_said(heading, question)
        ):
            # A list in its text ("下设A、B和C") is for the lists (they say the rest after part
            # was said). "哪些情况县防指办公室要在30分钟内报告": the heading is what the question
            # is about, not what it lists; its text must say the rest of what is asked.
            return None
        return self._body(heading, question)

    def _enumerates(self, heading: ListItem) -> bool:
        """Whether a list's items sit in a heading's own text."""
        span = self._own_span(heading)
        return span is not None and any(
            isinstance(r, ListItem)
            and r.kind == "enumeration"
            and r.doc_id == heading.doc_id
            and span[0] <= r.start < span[1]
            for r in self.records
        )

    def _rest_said(self, heading: ListItem, question: str) -> bool:
        """Whether a heading's own text (up to the next heading) says the question's nouns
        beyond the heading's name and its document's."""
        rest = _focus(question).replace(_bare_heading(heading.text), " ")
        asked = _ASKED_NOUN.search(question)
        if asked is not None:
            # The kind of item asked ("具体有哪些措施") is what the text lists, not a word of it.
            rest = rest.replace(asked.group("noun"), " ")
        weights = self._nouns_beyond(rest, heading.doc_id)
        if not weights:
            return True
        text = self.documents[heading.doc_id].text
        span = self._own_span(heading)
        return span is not None and coverage(weights, text[span[0] : span[1]]) >= _REST_SAID

    def _nouns_beyond(self, text: str, doc_id: str) -> dict[str, float]:
        """The weighted terms of ``text``'s nouns that the document's title, short title and
        region do not say: what it asks of the document (its verbs and place words, "可以列为",
        "计划里", are the asking's)."""
        meta = self.documents[doc_id].meta
        named = f"{meta.title} {meta.short_title} {meta.region}"
        things = nouns(text)
        return {
            t: w
            for t, w in self._weights.weigh(text, stress_years=False).items()
            if t not in named and any(t in n for n in things)
        }

    def _own_span(self, heading: ListItem) -> tuple[int, int] | None:
        """Where a heading's own text is: after it, up to the next heading of its document (at
        most ``_BODY_SPAN`` characters)."""
        text = self.documents[heading.doc_id].text
        at = text.find(heading.text.strip(), heading.start)
        if at < 0:
            return None
        start = at + len(heading.text.strip())
        after = [
            r.start
            for r in self.records
            if isinstance(r, ListItem)
            and r.doc_id == heading.doc_id
            and r.kind == "heading"
            and r.start > start
        ]
        return start, min([*after, start + _BODY_SPAN, len(text)])

    def _body(self, heading: ListItem, question: str = "") -> RecordAnswer | None:
        """The first sentences of a heading's own text; or, when the question asks about
        something further down it ("“旅游客运提升工程”里要新增哪些旅游公交专线"), the sentences
        from the one that says it (with the run-in label before it, "新增路线。")."""
        doc = self.documents[heading.doc_id]
        text = doc.text
        own = self._own_span(heading)
        if own is None:
            return None
        start, end = own
        q_start = start + len(text[start:end]) - len(text[start:end].lstrip(" \t\n。．.、：:"))
        span = text[q_start:end]
        further = self._further_down(span, heading, question) if question else 0
        q_start, span = q_start + further, span[further:]
        if not further and _ASKS_LIST.search(question):
            leads = _paragraph_leads(span)
            if leads:
                # "基本原则有哪几条": paragraphs each led by a short sentence ("当好先锋，服务
                # 人民。坚持…"): the leads are the items, cited with the whole text.
                q_end = q_start + len(span.rstrip())
                name = _bare_heading(heading.text).replace("“", "‘").replace("”", "’")
                answer = f"《{doc.meta.title}》中“{name}”包括：{'；'.join(leads)}[1]。"
                cite = self._cite(1, heading, q_start, q_end)
                return RecordAnswer("answered", answer, (cite,), 1.0)
        # Sentences end at a full stop; the extraction's line breaks fall inside sentences.
        stops = [m.end() for m in re.finditer(r"[。！？!?]", span)]
        cut = stops[min(len(stops), _BODY_SENTENCES) - 1] if stops else len(span)
        if further and len(stops) > 1 and cut in stops[1:]:
            before = stops[stops.index(cut) - 1]
            if len(flat(span[before:cut])) < _RUN_IN_LABEL:
                cut = before  # a run-in label of the part after it ("打造精品。") is left out
        # The bracket naming who answers for the item ("(责任单位:市司法局)") is part of it.
        duty = _DUTY_AFTER.match(span, cut)
        if duty is not None:
            cut = duty.end()
        q_end = q_start + cut
        if not flat(text[q_start:q_end]).strip("。；;"):
            return None
        # Line breaks and the extraction's spaces go; the text's own punctuation stays.
        said = re.sub(r"\s+", "", text[q_start:q_end]).rstrip("。；;")
        # Named without its number ("第10条"): a figure the cited body does not contain.
        name = _bare_heading(heading.text).replace("“", "‘").replace("”", "’")
        lead = "部分写道" if further else "的内容为"
        answer = f"《{doc.meta.title}》中“{name}”{lead}：{said}[1]。"
        return RecordAnswer("answered", answer, (self._cite(1, heading, q_start, q_end),), 1.0)

    def _further_down(self, span: str, heading: ListItem, question: str) -> int:
        """Where in a heading's text the question's words beyond the heading's name are said,
        when that is past its first sentences (0 otherwise)."""
        sentences = [(s, e) for s, e in split_sentences(span) if flat(span[s:e])]
        # A term the question quotes (“打捆”) that the first sentences do not say: the text from
        # the sentence that says it (the heading's own quoting of it does not count).
        first = sentences[_BODY_SENTENCES - 1][1] if len(sentences) >= _BODY_SENTENCES else 0
        for term in _QUOTED_IN_QUESTION.findall(question):
            if not first or term in span[:first]:
                return 0  # the first sentences say it: they are what is asked
            if (at := span.find(term, first)) >= 0:
                return next(s for s, e in sentences if s <= at < e)
        rest = _focus(question).replace(_bare_heading(heading.text), " ")
        meta = self.documents[heading.doc_id].meta
        # Words naming the document ("临河交旅计划中") say which text, not what in it.
        named = f"{meta.title} {meta.short_title} {meta.region}"
        weights = {
            t: w for t, w in self._weights.weigh(rest, stress_years=False).items() if t not in named
        }
        if not weights or len(sentences) <= _BODY_SENTENCES:
            return 0
        scores = [coverage(weights, span[s:e]) for s, e in sentences]
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))
        if best < _BODY_SENTENCES or scores[best] <= max(scores[:_BODY_SENTENCES]):
            return 0
        label = sentences[best - 1]
        if len(flat(span[label[0] : label[1]])) < _RUN_IN_LABEL:
            best -= 1  # "新增路线。增加…": the run-in label names what follows
        return sentences[best][0]

    def _list_items(self, r: ListItem) -> list[ListItem]:
        return [
            x
            for x in self._lists.get((r.doc_id, r.parent, r.kind), ())
            if _same_list_section(x.section, r.section)
        ]

    def _lists_of_the_kind_asked(
        self,
        question: str,
        weights: Mapping[str, float],
        scored: list[tuple[float, int]],
        top: float,
    ) -> tuple[list[tuple[float, int]], set[int]]:
        """ "有哪些重点工程": a list whose items are themselves 工程 ("快进路网建设工程", …) is the
        list asked, even when a sublist under one of them names the focus in its own heading.
        Such a list (nearly all its items carry the asked noun) is scored with its items' words
        too, since they say what it lists; the indexes of such lists are returned so that they
        go first among ties."""
        asked = _ASKED_NOUN.search(question)
        if asked is None:
            return scored, set()
        noun = asked.group("noun")[-2:]
        near = heapq.nlargest(_KIND_CANDIDATES, scored)  # = sorted(…, reverse=True)[:k]
        of_kind: set[int] = set()
        lifted = dict((i, sc) for sc, i in scored)
        for sc, i in near:
            r = self.records[i]
            assert isinstance(r, ListItem)
            items = self._list_items(r)
            if len(items) >= 2 and sum(noun in x.text for x in items) >= _KIND_SHARE * len(items):
                of_kind.add(i)
                words = " ".join(x.text for x in items)
                lifted[i] = max(sc, coverage(weights, f"{self._context[i]} {words}"))
        return [(lifted[i], i) for _, i in scored], of_kind

    def _list_size(self, r: Record) -> int:
        return len(self._list_items(r)) if isinstance(r, ListItem) else 0

    @staticmethod
    def _same_answer(a: Record, b: Record) -> bool:
        if isinstance(a, Responsibility) and isinstance(b, Responsibility):
            return a.lead_units == b.lead_units
        return False

    def asks_document(self, question: str) -> bool:
        """Whether the question asks for a document's own facts (its number, dates, validity,
        issuer, what it repealed)."""
        return self._kind(question) == "document"

    @staticmethod
    def _kind(question: str) -> str | None:
        if _ASKS_NUMBER_DOC.search(question) or _ASKS_REPEAL.search(question):
            return "document"
        if _ASKS_EFFECTIVE.search(question) or _ASKS_ISSUER.search(question):
            return "document"
        # "哪天发的" is how an official says 印发.
        if _ASKS_DATE.search(question) and re.search(r"印发|发布|出台|成文|发的", question):
            return "document"
        if _ASKS_LEAD.search(question) and not _ASKS_WHERE_SET.search(question):
            return "lead"
        if _ASKS_DEFINITION.search(question):
            return "definition"
        if LEVEL_RE.search(question) and _ASKS_CRITERIA.search(question):
            # "橙色预警对应什么情形", "Ⅳ级响应的启动条件": a level's criteria.
            return "definition"
        if LEVEL_RE.search(question) and _ASKS_LEVEL_ROLE.search(question):
            # "黄色预警由谁发布", "Ⅱ级响应由谁决定启动": what the document states about a level.
            return "definition"
        if _ASKS_LIST.search(question):
            return "list"
        return None

    @staticmethod
    def _fits(kind: str, r: Record) -> bool:
        if kind == "lead":
            return isinstance(r, Responsibility) and bool(r.lead_units)
        if kind == "definition":
            return isinstance(r, Definition)
        if kind == "document":
            return isinstance(r, DocumentFacts)
        if kind == "list":
            return isinstance(r, ListItem) and r.position == 1
        return False

    def _cite(
        self, n: int, r: Record, start: int | None = None, end: int | None = None
    ) -> Citation:
        doc = self.documents[r.doc_id]
        s = r.start if start is None else start
        e = r.end if end is None else end
        return cite(
            n,
            doc_id=r.doc_id,
            quote=doc.text[s:e],
            start=s,
            end=e,
            meta=doc.meta,
            passage=doc.text[s:e],
        )

    def _lead_cite(self, r: Responsibility) -> Citation:
        """A lead's citation: the label, and for an inline "（责任单位：…）" the sentence it
        closes too (the label alone says nothing of what the units answer for)."""
        text = self.documents[r.doc_id].text
        if r.action and _closes_inline(text, r):
            at = text.rfind(r.action, max(0, r.start - _MAX_TASK_BODY), r.start)
            if at >= 0:
                return self._cite(1, r, at)
        return self._cite(1, r)

    def _compose(
        self, kind: str, r: Record, question: str, score: float, said: str = ""
    ) -> RecordAnswer | None:
        doc = self.documents[r.doc_id]
        title = f"《{doc.meta.title}》"
        if kind == "lead" and isinstance(r, Responsibility):
            if r.lead_label == "担任":
                holders = "、".join(r.lead_units)
                return RecordAnswer(
                    "answered",
                    f"{title}中，{r.action}由{holders}担任[1]。",
                    (self._cite(1, r),),
                    score,
                )
            if r.action == r.quote.strip():
                # The responsibility is stated in one sentence ("由X牵头…"): quote it as it is.
                return RecordAnswer(
                    "answered", f"{r.quote.rstrip('。')}[1]。", (self._cite(1, r),), score
                )
            cited = self._lead_cite(r)
            action = _MARKER.sub("", r.action).strip()
            heading = _MARKER.sub("", r.section.split(SECTION_SEPARATOR)[-1]).strip()
            if heading and (len(action) > _SHORT_ACTION or re.search(r"\d", action)):
                # A task stated as a long sentence (with its own figures, which the cited
                # 责任单位 line does not hold) is named by its heading instead.
                action = heading
            if _ASKS_CO.search(question) and r.co_units:
                # Who supports was asked: that first, then who leads.
                text = f"{title}中，“{action}”的{r.co_label}为{'、'.join(r.co_units)}"
                text += f"，{r.lead_label}为{'、'.join(r.lead_units)}"
                return RecordAnswer("answered", text + "[1]。", (cited,), score)
            if r.lead_label == "负责":
                # "(X、Y按职责分工负责)": said as the document says it, no 牵头 implied.
                text = f"{title}中，“{action}”由{'、'.join(r.lead_units)}负责"
                return RecordAnswer("answered", text + "[1]。", (cited,), score)
            text = f"{title}中，“{action}”的{r.lead_label}为{'、'.join(r.lead_units)}"
            if r.co_units:
                text += f"，{r.co_label}为{'、'.join(r.co_units)}"
            return RecordAnswer("answered", text + "[1]。", (cited,), score)
        if kind == "definition" and isinstance(r, Definition):
            parts: list[str] = []
            roles = _asked_roles(question)
            if r.definition and not roles:
                parts.append(f"是指{r.definition.rstrip('。')}")
            # A level's 发布权限/启动 clause states who decides, issues or directs, not criteria;
            # when one of them is asked, only that.
            for field, label, who in (
                ("approver", "批准或决定", r.approver),
                ("publisher", "发布", r.publisher),
                ("leader", "指挥", r.leader),
            ):
                # Who issues a warning is said with who approves it first, as the document
                # states the two ("经X批准后，由Y发布").
                wanted = field in roles or (field == "approver" and "publisher" in roles)
                if who and (not roles or wanted):
                    parts.append(f"由{who}{label}")
            if not parts:
                return None
            text = f"{title}规定：{r.term}，{'，'.join(parts)}[1]。"
            return RecordAnswer("answered", text, (self._cite(1, r),), score)
        if kind == "document" and isinstance(r, DocumentFacts):
            return self._document_answer(r, question, title, score)
        if kind == "list" and isinstance(r, ListItem):
            items = sorted(self._list_items(r), key=lambda x: x.position)
            # A bare marker ("（五）" whose words the extraction lost) is no item; an item
            # repeated (a table of contents, a task table) is said once.
            named: dict[str, ListItem] = {}
            for x in items:
                named.setdefault(_MARKER.sub("", x.text).strip(), x)
            named.pop("", None)
            items = list(named.values())
            if len(items) < 2:
                return None
            # Only the items' own words: a count or a number the text does not state would be
            # an unsupported figure.
            names = "；".join(named)
            # The quote runs from the list's own heading or lead-in (which names it, e.g. its
            # count "五篇") to the end of the last item's wording.
            doc_text = self.documents[r.doc_id].text
            start = min(x.start for x in items)
            lead = doc_text.rfind(r.parent.strip(), max(0, start - 400), start + 1)
            if lead >= 0:
                start = lead
            end = max(x.end for x in items)
            last = doc_text.find(items[-1].text.strip(), start)
            if last >= 0:
                end = max(end, last + len(items[-1].text.strip()))
            if _ASKS_DETAIL.search(question) and len(items) <= _MAX_DETAILED_ITEMS:
                # "有哪些具体举措": each item with the first sentence under it.
                detailed, end = self._item_details(list(named), items, doc_text, end)
                names = "；".join(detailed)
            # Quotes inside the quoted heading become single quotes, as Chinese text nests them.
            parent = _MARKER.sub("", r.parent).strip().replace("“", "‘").replace("”", "’")
            # A lead-in sentence is named by its last clause ("…担任。现场指挥部下设8个工作组：").
            clauses = [c for c in re.split(r"[。；;，,]", parent.rstrip("：: ")) if c.strip()]
            parent = clauses[-1] if clauses else parent
            parent = re.sub(r"^(?:规划)?(?:将|把)", "", parent)  # "将村庄划分为" → "村庄划分为"
            # A count written right after the items ("…技术专家组9个应急工作组") is said with
            # them, and cited.
            counted = _COUNT_AFTER.match(doc_text, end)
            total = ""
            if counted is not None and not _COUNT_IN.search(parent):
                total = f"（共{counted.group('count')}）"
                end = counted.end()
            if parent == doc.meta.title:
                # The document's own top-level headings: its parts, not a heading's.
                text = f"{title}分为以下几部分：{names}{total}[1]。"
            else:
                text = f"{title}中“{parent}”包括：{names}{total}[1]。"
            if said:
                told = flat(MARKER.sub("", said))
                rest = [name for name in named if flat(name) not in told]
                if not rest:
                    text = LIST_COMPLETE.format(listed=text)
                elif len(rest) < len(named):
                    # "还有呢" after part of this list: the items not yet said.
                    text = f"{title}中“{parent}”还包括：{'；'.join(rest)}[1]。"
            return RecordAnswer("answered", text, (self._cite(1, r, start, end),), score)
        return None

    @staticmethod
    def _item_details(
        names: list[str], items: list[ListItem], text: str, end: int
    ) -> tuple[list[str], int]:
        """Each item's name with the first sentence of what follows it, up to the next item;
        and where the last of them ends."""
        out: list[str] = []
        for k, (name, x) in enumerate(zip(names, items, strict=True)):
            at = text.find(x.text.strip(), x.start)
            after = (at + len(x.text.strip())) if at >= 0 else x.end
            stop = items[k + 1].start if k + 1 < len(items) else after + _DETAIL_SPAN
            body = text[after:stop]
            # The heading's own full stop or colon comes first ("设立服务专窗。对…").
            skip = len(body) - len(body.lstrip("。，,：: \n"))
            full = body.find("。", skip)
            sentence = body[skip : full + 1] if full >= 0 else ""
            if skip == 0:
                sentence = ""  # the item's own sentence goes on ("…工程的实施。"): no detail
            said = re.sub(r"\s+", "", sentence).strip("。，,：: ")
            if said:
                out.append(f"{name}：{said}")
                end = max(end, after + full + 1)
            else:
                out.append(name)
        return out, end

    def notes(
        self, citations: Sequence[Citation], asked: str, first: int
    ) -> tuple[str, tuple[Citation, ...]]:
        """What an answer must add about the documents it cites: one was repealed by another
        document of the corpus (named, with its 废止 clause), or another document states a
        different value for the indicator and year the answer is about (the newer document
        named, its statement quoted). Citations are numbered from ``first``."""
        cited = list(dict.fromkeys(c.doc_id for c in citations))
        if not cited:
            return "", ()
        said = flat(asked + " " + " ".join(c.quote for c in citations))
        parts: list[str] = []
        out: list[Citation] = []
        for r in self._between:
            if isinstance(r, Supersedes) and r.repealed_doc_id in cited:
                old = self.documents.get(r.repealed_doc_id)
                new = self.documents.get(r.doc_id)
                if old is None or new is None:
                    continue
                n = first + len(out)
                out.append(self._cite(n, r))
                parts.append(NOTE_REPEALED.format(old=old.meta.title, new=new.meta.title, n=n))
            elif (
                isinstance(r, Conflict)
                and r.newer_doc_id
                # Only when the answer quotes an older statement: the newer one is the note.
                and any(doc in cited and doc != r.newer_doc_id for doc, _, _ in r.values)
                and flat(r.indicator) in said
                and str(r.year) in said
            ):
                newer = self.documents.get(r.newer_doc_id)
                if newer is None:
                    continue
                n = first + len(out)
                citation = self._cite(n, r)
                out.append(citation)
                others = "、".join(
                    f"《{d.meta.title}》"
                    for doc, _, _ in r.values
                    if doc != r.newer_doc_id and (d := self.documents.get(doc)) is not None
                )
                parts.append(
                    NOTE_CONFLICT.format(
                        others=others,
                        newer=newer.meta.title,
                        quote=citation.quote.strip().rstrip("。；;，,"),
                        n=n,
                    )
                )
        return "".join(parts), tuple(out)

    def _cite_sentence(self, n: int, doc_id: str, needle: str) -> Citation | None:
        """Cite the sentence of the document that states ``needle`` (its first occurrence)."""
        doc = self.documents[doc_id]
        at = doc.text.find(needle)
        if at < 0:
            return None
        for s, e in split_sentences(doc.text):
            if s <= at < e:
                return cite(n, doc_id=doc_id, quote=doc.text[s:e], start=s, end=e, meta=doc.meta)
        return None

    def _document_answer(
        self, r: DocumentFacts, question: str, title: str, score: float
    ) -> RecordAnswer | None:
        parts: list[str] = []
        citations: list[Citation] = []

        def add(sentence: str, needle: str) -> None:
            c = self._cite_sentence(len(citations) + 1, r.doc_id, needle)
            if c is not None:
                citations.append(c)
                parts.append(f"{sentence}[{c.n}]")

        if _ASKS_NUMBER_DOC.search(question) and r.doc_number:
            add(f"{title}的文号为{r.doc_number}", r.doc_number[:3])
        if _ASKS_REPEAL.search(question) and (r.repeals or r.repealed_numbers):
            if len(r.repeals) == len(r.repealed_numbers):
                # Each title with its number: one document each, not two.
                repealed = "、".join(
                    f"《{t}》（{n}）" for t, n in zip(r.repeals, r.repealed_numbers, strict=True)
                )
            else:
                repealed = "、".join(
                    [f"《{t}》" for t in r.repeals] + [f"（{n}）" for n in r.repealed_numbers]
                )
            add(f"{title}印发时同时废止{repealed}", "同时废止")
        if _ASKS_EFFECTIVE.search(question):
            if r.effective:
                add(f"{title}自{r.effective}起施行", f"自{r.effective}")
            if r.validity:
                add(f"有效期{r.validity}", f"有效期{r.validity}")
        if (_ASKS_DATE.search(question) or _ASKS_ISSUER.search(question)) and r.issue_date:
            issuer = f"由{r.issuer}" if r.issuer else ""
            add(f"{title}{issuer}于{r.issue_date}印发", r.issue_date)
        if not parts:
            return None
        return RecordAnswer("answered", "；".join(parts) + "。", tuple(citations), score)
