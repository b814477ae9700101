"""Resolve a follow-up question against the conversation into a standalone question, without an
LLM. The result is what retrieval searches and what the page shows as "理解为：…".

A question's *frame* is where it is anchored: a region (晋城/阳泉…), a year, a plan period
(“十五五”期间) and a document reference (…规划/…计划/…方案/《…》). Its *topic* is the question
before its question word ("阳泉城市公共交通正点率" in "阳泉城市公共交通正点率2025年的目标是多少").
A follow-up is resolved by kind:

- a continuation ("还有呢"): the previous question, asked again as a list question;
- a swap ("那2030年呢？", "和阳泉比呢？", "电动重卡呢？"): the previous question with the year,
  the region, or the phrase the previous answer was about replaced by the new one;
- a dependent question (a pronoun, "其中…", or hardly any content of its own: "牵头单位是谁？"):
  the previous topic, then the question, with 它/其 replaced by the topic;
- any other question inherits the frame slots it does not name (region, document, year).

Earlier follow-ups are resolved first, so a chain of them keeps its anchor. The previous answer is
used too: a quoted name it introduced (“红8路”) completes the referent of "这条线", and the words
it repeats from the question mark what that question was about, which a swap replaces."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer.types import Turn
from assistant.lang.patterns import (
    ADMIN_END_RE,
    LEVEL_RE,
    LIVE_RE,
    PLAN_PERIOD,
    YEAR,
    known_regions,
)
from assistant.lang.tokens import content_terms, place_names

_YEAR = re.compile(rf"{YEAR}年?")
_PERIOD = re.compile(rf"[“\"]?{PLAN_PERIOD}[”\"]?(?:期间|时期|末|初)?")
# A document reference ends with a document-type word; it starts at the clause start, so
# "晋城交旅融合三年行动计划里，…" yields the whole name with its region.
_DOC_REF = re.compile(
    r"《[^《》]{2,60}》|[^\s，,。？?！!；;：:、（）()]{2,30}?"
    r"(?:规划|计划|方案|预案|举措|意见|通知|办法|纲要|要点|条例|细则|公报)"
    # "计划完成…", "规划建设…": the word used as a verb names no document.
    r"(?![完新建投实开达到要将修改增])"
)
_QUOTED = re.compile(r"“[^“”]{1,20}”|\"[^\"]{1,20}\"")
_PAREN = re.compile(r"^[（(][^（）()]{1,10}[)）]")
# Question words, with the light verb or preposition that introduces them ("是多少", "由哪些").
_WH = re.compile(
    r"(?:是|有|为|由|在|要|达到|能)?"
    r"(?:多少|几|哪些|哪个|哪里|哪儿|哪几|哪年|什么|谁|是否|如何|怎样|怎么|多长|多大|多久|多高|何时|吗"
    r"|干嘛|干什么|干啥|啥)"
)
_LEAD = re.compile(r"^(?:那么|那|还有|另外|再问一下|请问|那请问)[，,\s]*")
_TRAIL = re.compile(r"(?:呢|吗|啊|呀)?[？?。！!\s]*$")
_ENDS_WITH_NE = re.compile(r"呢[？?。！!\s]*$")
# "和云岭比呢", "跟2021年比提高多少", "跟防汛那个预案比有啥不一样": the other side, and how
# the two are compared (said by the answer's two values, not asked again).
_COMPARE = re.compile(
    r"^(?:和|与|跟|同)(?P<x>.*?)(?:(?:相比|比较|对比|比)(?P<how>(?:[，,]?[^，,。]{0,12})?)|)$"
    r"|^(?:比|相比|对比)(?P<y>.+)$"
)
_CONTINUE = re.compile(
    r"^(?:那)?(?:还有|其他|其它|别的|另外|此外)(?:的|呢|吗|哪些|什么|没有|其他|其它|别的|方面)*$"
)
# A pronoun standing for the topic, and determiners ("这项工作") that point back to it.
_PRONOUN = re.compile(r"它们|它|(?<![尤极])其(?![中他它余次实])")
_DETERMINER = re.compile(r"这个|这项|这条|这些|这种|这类|这块|这方面|这件?事|该|此|上述|前述")
# A determiner with the noun it makes a reference of ("这项工作", "该任务"): replaced whole by
# what it refers to.
_DETERMINER_NOUN = re.compile(
    r"(?:这个|这项|这条|这件?事|该|此|上述|前述)(?:工作|任务|措施|事项|项目|指标|举措|内容)?"
)
_MODAL_BEFORE_VERB = re.compile(r"(?:要|将|拟|计划)(?P<verb>[\u4e00-\u9fff]{2})$")
_SUBSET = re.compile(r"^(?:其中|这其中|里面|当中)")
# What is stripped from the end of a topic: light verbs and particles before the question word,
# and generic attributes (the target, the standard) that the follow-up asks about afresh.
_TOPIC_TAIL = re.compile(
    r"(?:的|是(?:一)?[个项种类]|是|有|为|要|将|会|了|定|叫|指|分|提出|达到|设置|设在|(?<![建预增新开])设|控制|在|由|对|把|被|"
    r"(?:的)?(?:目标值|目标|现状值|情况|标准|内容|要求|任务))+$"
)
# Words too generic to say what a question was about, even when its answer repeats them.
_GENERIC = frozenset(
    "全市|全省|全国|目标|任务|要求|情况|工作|建设|方面|主要|重点|一共|累计".split("|")  # noqa: SIM905
)
_FILLER = re.compile(r"[的了地得\s，,、]")
# Words that say when or how much, not what: "原来有多少公里？这次要新建多少？" has no topic.
_NON_CONTENT = re.compile(
    r"原来|原有|这次|本次|现在|目前|今年|当前|一共|总共|大概|大约|具体|分别|最长|最多|最少|可以|能|要|还"
)
_CONDITIONAL = re.compile(r"如果|假如|假设|要是|的话|请问")
# The second person: a question about the one it is addressed to, not about a document.
_ADDRESSEE = re.compile(r"你们?|您")
# A measure word right after a question word ("多少座消防站"): the noun after it is the topic.
_MEASURE = re.compile(r"^(?:个|座|辆|条|项|家|处|所|名|人|台|批|类|种|级|期|公里|万|亿)")
# A document asked only how it treats the thing already asked about.
_ASKS_ONLY_HOW = re.compile(
    r"(?:里|中|上)?(?:面)?(?:又|是)?(?:怎么|如何|怎样|有什么|有啥)?"
    r"(?:安排|规定|要求|说|部署|提|讲|写)(?:的)?(?:呢|吗)?"
)
_DEPENDENT_CONTENT = 6  # a question with this few content characters leans on its context
_PLACE_ONLY_CONTENT = 2  # …even when it names a place of its own ("全国平均呢")


@functools.cache
def _region_pattern() -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in known_regions())
    return re.compile(rf"(?:{names})(?:市|省|县|区)?")


@dataclass(frozen=True)
class Frame:
    regions: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    doc_refs: tuple[str, ...] = ()

    def prefix(self) -> str:
        """The frame as a question prefix: the document (which usually names the region), else
        the region; then the period and the year."""
        head = self.doc_refs[0] if self.doc_refs else (self.regions[0] if self.regions else "")
        period = next((p for p in self.periods if p not in head), "")
        year = next((y for y in self.years if y not in head), "")
        if year and not year.endswith("年"):
            year += "年"
        return head + period + year


def frame_of(text: str) -> Frame:
    doc_refs = tuple(m.group(0) for m in _DOC_REF.finditer(text))
    return Frame(
        regions=tuple(dict.fromkeys(m.group(0) for m in _region_pattern().finditer(text))),
        years=tuple(dict.fromkeys(m.group(0) for m in _YEAR.finditer(text))),
        periods=tuple(dict.fromkeys(m.group(0) for m in _PERIOD.finditer(text))),
        doc_refs=doc_refs,
    )


def _core(question: str) -> str:
    """The question without its lead-in ("那…") and closing particles and punctuation."""
    return _TRAIL.sub("", _LEAD.sub("", question.strip())).strip()


def _content_chars(text: str) -> int:
    rest = _WH.sub("", text)
    rest = _PRONOUN.sub("", _DETERMINER.sub("", _NON_CONTENT.sub("", rest)))
    for pattern in (_YEAR, _PERIOD, _region_pattern(), _SCOPE):
        rest = pattern.sub("", rest)
    return len(_FILLER.sub("", re.sub(r"[^\w]", "", rest)))


def topic_of(question: str) -> str:
    """The question before its question word, without light verbs and generic attributes."""
    core = _core(question)
    m = _WH.search(core)
    head = core[: m.start()] if m and m.start() > 0 else core
    topic = _TOPIC_TAIL.sub("", head.rstrip("，,、 ")).rstrip("，,、 ") or head
    # "公交场站要新建" → "公交场站新建": the modal before the closing verb is the question's
    # stance, not part of what it is about (the follow-up asks its own thing of it).
    topic = _MODAL_BEFORE_VERB.sub(r"\g<verb>", topic)
    if m and m.start() > 0:
        after = _MEASURE.sub("", core[m.end() :])
        if (
            re.fullmatch(r"[\w“”]{2,12}", after)
            and not _WH.search(after)
            and after not in _GENERIC
            and not _TOPIC_TAIL.fullmatch(after)
        ):
            topic += after
    return topic


def _protected(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in (_DOC_REF, _region_pattern(), _YEAR, _PERIOD, _QUOTED, _WH):
        spans.extend(m.span() for m in pattern.finditer(text))
    return spans


def _tokens(text: str) -> list[tuple[str, int, int]]:
    from assistant.lang.tokens import _tokenizer  # jieba loads lazily, on first use

    return [(w, s, e) for w, s, e in _tokenizer().tokenize(text)]


def _replace_focus(previous: str, answer: str, new: str, beside: bool = False) -> str:
    """Put ``new`` where the previous question's focus was. The focus is, in this order: a token
    with the same ending (一级 → 二级), the last quoted term (“高速外环” → “国道外环”), the longest
    run of words the previous answer repeated (what it was about), the words next to the question
    word. Without any, ``new`` is appended. ``beside`` ("和B比呢？"): ``new`` is set beside the
    focus ("A和B"), not in its place, so both sides are asked."""
    protected = _protected(previous)

    def _splice(text: str, start: int, end: int, new: str) -> str:
        if not beside:
            return _replace_span(text, start, end, new)
        # "A和B的X分别是多少": each side asked, as a comparison plan splits it.
        after = text[end:]
        after = after if after.startswith("的") else "的" + after
        wh = _WH.search(after)
        if wh is not None and "分别" not in after:
            after = after[: wh.start()] + "分别" + after[wh.start() :]
        return f"{text[:end]}和{new}{after}"

    def free(s: int, e: int) -> bool:
        return not any(s < pe and ps < e for ps, pe in protected)

    tokens = _tokens(previous)
    bare = new.strip('“”"')
    if len(bare) >= 2:
        for i, (w, s, e) in enumerate(tokens):
            if len(w) >= 2 and w[-1] == bare[-1] and w != bare and free(s, e):
                if bare.endswith(w) and i > 0:
                    # "用地保障" for "资金保障": the new term brings its own modifier, so the old
                    # modifier right before the shared head goes too.
                    pw, ps, pe = tokens[i - 1]
                    if pe == s and pw.isalnum() and pw not in _GENERIC and free(ps, pe):
                        s = ps
                return _splice(previous, s, e, new)
    if len(bare) >= 2 and bare[-1] in _MEASURE_HEAD:
        # "早晚高峰的平均运营时速呢？" after "…出行分担率2025年要达到多少": one measured
        # quantity asked in place of another, whatever their heads.
        measured = _measured_run(tokens, free)
        if measured is not None:
            return _splice(previous, *measured, new)
    if new.startswith(("“", '"')):
        quoted = [m for m in _QUOTED.finditer(previous) if not _inside_doc_ref(previous, m.span())]
        if quoted:
            return _splice(previous, *quoted[-1].span(), new)
    runs: list[list[tuple[str, int, int]]] = [[]]
    for tok in tokens:
        w, s, e = tok
        answered = len(w) >= 2 and w in answer and w not in _GENERIC and free(s, e) and w.isalnum()
        if answered:
            runs[-1].append(tok)
        elif runs[-1]:
            runs.append([])
    best = max(runs, key=lambda r: sum(len(w) for w, _, _ in r))
    if best:
        return _splice(previous, best[0][1], best[-1][2], new)
    m = _WH.search(previous)
    if m:
        # The noun phrase right before the question word, back to a 的 or a frame word.
        before = [t for t in tokens if t[2] <= m.start()]
        phrase: list[tuple[str, int, int]] = []
        for w, s, e in reversed(before):
            if not (free(s, e) and w.isalnum() and w not in ("的", "是", "有", "为")):
                break
            phrase.insert(0, (w, s, e))
        if phrase:
            return _splice(previous, phrase[0][1], phrase[-1][2], new)
    return f"{previous}，{new}"


# The last character of a measured quantity's name ("分担率", "运营时速", "保有量", "总里程").
_MEASURE_HEAD = frozenset("率速量数额值度比例重程价龄")


def _measured_run(
    tokens: Sequence[tuple[str, int, int]], free: Callable[[int, int], bool]
) -> tuple[int, int] | None:
    """The span of the last measured quantity the question names: words of two or more
    characters, none a place, year or document, the last ending as a quantity's name does."""
    for i in range(len(tokens) - 1, -1, -1):
        w, s, e = tokens[i]
        if len(w) >= 2 and w[-1] in _MEASURE_HEAD and w.isalnum() and free(s, e):
            start = s
            for pw, ps, pe in reversed(tokens[:i]):
                if len(pw) < 2 or not pw.isalnum() or not free(ps, pe) or pw in _GENERIC:
                    break
                if pe != start:
                    break
                start = ps
            return start, e
    return None


_OWN_QUANTITY = 4  # characters of a measured quantity's name that ask about it on their own


def _names_own_quantity(core: str) -> bool:
    """ "绿色出行比例2025年要达到多少？": short, but it names the quantity it asks about with
    no pronoun: only the frame (place, document) is the previous question's, not its topic."""
    if _PRONOUN.search(core) or _DETERMINER.search(core) or _SUBSET.match(core):
        return False
    if _ORDINAL.search(core):
        return False
    span = _measured_run(_tokens(core), lambda s, e: True)
    return span is not None and span[1] - span[0] >= _OWN_QUANTITY


def _inside_doc_ref(text: str, span: tuple[int, int]) -> bool:
    return any(m.start() <= span[0] and span[1] <= m.end() for m in _DOC_REF.finditer(text))


def _replace_span(text: str, start: int, end: int, new: str) -> str:
    rest = text[end:]
    # A parenthesis right after the replaced word qualifies the old value ("一级（红色）").
    rest = _PAREN.sub("", rest)
    return text[:start] + new + rest


def _swap(previous: str, answer: str, fragment: str) -> str:
    """A "…呢" follow-up: swap the year, the region, and/or the focus of the previous question."""
    result = _core(previous)
    rest = fragment
    years = [m.group(0) for m in _YEAR.finditer(rest)]
    if years:
        year = years[0] if years[0].endswith("年") else years[0] + "年"
        bare = re.sub(rf"(?:到|至|截至|截止到?|在|于)?{_YEAR.pattern}(?:底|末)?", "", rest)
        versus = _COMPARE.match(bare)
        said = (versus.group("x") or versus.group("y") or "") if versus else ""
        if versus and not re.sub(r"[的之]|目标值?|现状值?|数值|值", "", said):
            # "跟2030年的目标比呢？": the same quantity at both times, each with its stance.
            return _two_times(result, year, "目标" in said)
        result = _YEAR.sub(year, result, count=1) if _YEAR.search(result) else year + result
        # "到2025年呢": the preposition and "底/末" go with the year, they ask nothing.
        rest = re.sub(rf"(?:到|至|截至|截止到?|在|于)?{_YEAR.pattern}(?:底|末)?", "", rest)
        # Whether a year's value is a target or the baseline depends on the year: let the new
        # year decide ("2025年的目标" → "2021年", the 2021 value, not a 2021 target).
        result = re.sub(r"(?:的)?(?:目标值|现状值|目标|现状)(?=是|为|有|达到|多少|$)", "", result)
    compare = _COMPARE.match(rest)
    target = (compare.group("x") or compare.group("y")) if compare else rest
    result, target = _swap_document(result, target, beside=compare is not None)
    result, target = _swap_level(result, target)
    place = _place_pattern().search(target)
    if place:
        result = _swap_place(result, place.group(0), compare is not None)
        target = _place_pattern().sub("", target)
    elif not compare and (local := _local_places(target)):
        # "那湖滨县呢？": a place the documents mention but have no documents of; it takes the
        # place of the area the previous question was about (中心城区, 全市), else leads it.
        area = _AREA.search(result)
        result = (
            result[: area.start()] + local[0] + result[area.end() :] if area else local[0] + result
        )
        target = target.replace(local[0], "")
    target = _DETERMINER.sub("", target).strip("的 ，,")
    target = re.sub(r"(?:方面|这块|那块)$", "", target).strip()
    # "…里的投资目标呢？" when the question already asks about 投资: nothing to replace.
    own_terms = [t for t in re.findall(r"\w{2,}", _TOPIC_TAIL.sub("", target)) if t not in _GENERIC]
    already = bool(own_terms) and all(t in result for t in own_terms)
    if target and _content_chars(target) > 0 and not already:
        result = _replace_focus(result, answer, target, beside=compare is not None)
    return result


def _two_times(previous: str, year: str, target: bool) -> str:
    """ "X现在是多少" + "跟2030年的目标比呢" → "X现状和2030年目标分别是多少": one question the
    plan splits into a side for each time."""
    topic = _YEAR.sub("", topic_of(previous))
    topic = re.sub(r"现在|目前|当前|现状值?|(?:的)?目标值?", "", topic).strip("的，, ")
    old = next((m.group(0) for m in _YEAR.finditer(previous)), "")
    if old and not old.endswith("年"):
        old += "年"
    before = old + ("目标" if old and "目标" in previous else "") if old else "现状"
    return f"{topic}{before}和{year}{'目标' if target else ''}分别是多少"


# A scope larger than the document's own place: plans state the province's or the country's
# figure next to their own ("全省平均…", "全国…").
_SCOPE = re.compile(r"全(?:国|省|市|区|县)")
# The area a question is about, short of a place name: what a named place replaces.
_AREA = re.compile(r"中心城区|主城区|城区|市区|县城|全(?:省|市|区|县)")


@functools.cache
def _place_pattern() -> re.Pattern[str]:
    """A place as a follow-up names it: a region, a scope, or both ("山西全省")."""
    region = _region_pattern().pattern
    return re.compile(rf"(?:{region})(?:{_SCOPE.pattern})?|{_SCOPE.pattern}")


def _local_places(text: str) -> list[str]:
    """Place names with their administrative ending, as the tagger reads them ("青河县") or
    splits them ("湖滨" + "县")."""
    out = []
    for name in place_names(text):
        m = re.search(
            re.escape(name) + r"(?:自治州|自治县|自治旗|新区|市|县|区|州|旗|盟|镇|乡)?", text
        )
        if m and ADMIN_END_RE.search(m.group(0)):
            out.append(m.group(0))
    return out


def _swap_place(result: str, place: str, compare: bool) -> str:
    """ "云岭的呢？" / "全省呢？" / "和云岭比呢？": the previous question about another place.

    A peer place has its own documents: a document named by the old place is replaced by the
    new place, whose documents then answer. A scope (全省, 全国) is what the same document
    states beside its own figure: the document stays and the scope replaces the old one."""
    refs = [m.span() for m in _DOC_REF.finditer(result)]

    def outside(m: re.Match[str]) -> bool:
        return not any(s <= m.start() and m.end() <= e for s, e in refs)

    olds = [m for m in _place_pattern().finditer(result) if outside(m)]
    if compare:
        # "和云岭比呢？": both places, so the answer can set them side by side.
        anchor = _region_pattern().search(result)
        if anchor is None:
            return place + result
        return result[: anchor.end()] + "和" + place + result[anchor.end() :]
    if _SCOPE.search(place):
        if olds:
            return result[: olds[0].start()] + place + result[olds[0].end() :]
        if refs:
            end = refs[0][1]
            tail = re.sub(r"^(?:里|中|内)?[，,]?", "", result[end:])
            return f"{result[:end]}中{place}{tail}"
        return place + result
    named = [m for m in _region_pattern().finditer(result) if not outside(m)]
    if named:
        # The old place is only in a document's name: the new place replaces that document.
        start, end = next((s, e) for s, e in refs if s <= named[0].start() < e)
        tail = re.sub(r"^(?:里|中|内)?(?:面)?[，,]?", "", result[end:])
        # The old document's own scope word ("全市") speaks of the old place.
        return place + _SCOPE.sub("", result[:start] + tail, count=1)
    if olds:
        return result[: olds[0].start()] + place + result[olds[0].end() :]
    return place + result


def _swap_document(result: str, target: str, beside: bool = False) -> tuple[str, str]:
    """ "临河交通十五五规划里呢？": the document named in place of the previous one (or of the
    previous place, which a document already implies); the rest of the fragment stays.
    ``beside`` ("跟云岭那个预案比"): named beside the previous one, both asked."""
    new = _DOC_REF.search(target)
    if new is None:
        return result, target
    ref = re.sub(r"那个|这个|那份|这份", "", new.group(0))
    rest = (target[: new.start()] + target[new.end() :]).strip()
    rest = re.sub(r"^(?:里|中|内|上)(?:面)?", "", rest).strip("的 ，,")
    old = _DOC_REF.search(result)
    # A document named without its place ("“十五五”交通规划") keeps the place of the frame.
    place = _region_pattern().search(result)
    if place is not None and not _region_pattern().search(ref):
        ref = place.group(0) + ref
    if old is not None and beside:
        return result[: old.end()] + "和" + ref + result[old.end() :], rest
    if old is not None:
        result = result[: old.start()] + ref + result[old.end() :]
    else:
        place = _region_pattern().search(result)
        if place is not None:
            result = result[: place.start()] + ref + "中" + result[place.end() :]
        else:
            result = f"{ref}中{result}"
    # The new document names its own place: a place left from the old frame would contradict it.
    for m in reversed(list(_region_pattern().finditer(result))):
        inside = m.start() >= result.find(ref) and m.end() <= result.find(ref) + len(ref)
        if not inside:
            result = result[: m.start()] + result[m.end() :]
    return result, rest


def _swap_level(result: str, target: str) -> tuple[str, str]:
    """ "一般事故呢？" after "较大事故的标准": the level word replaced where it stood, with the
    noun it qualifies said once ("一般事故", not "较大一般事故")."""
    new = LEVEL_RE.search(target)
    old = LEVEL_RE.search(result)
    if new is None:
        return result, target
    tail = target[new.end() :].strip("的 ")
    if old is None:
        return result, target
    level = new.group(0)
    # A parenthesis right after the old level qualifies it ("一级（红色）"), and so does another
    # name of the same level right after it ("一级红色预警"): both go with it.
    after = _PAREN.sub("", result[old.end() :])
    alias = LEVEL_RE.match(after)
    if alias is not None:
        after = after[alias.end() :]
    noun = ""
    # "一般事故" keeps its noun only when the old level carried the same one ("较大事故").
    for k in range(len(tail), 0, -1):
        if after.startswith(tail[:k]):
            noun = tail[:k]
            break
    result = result[: old.start()] + level + after
    rest = tail[len(noun) :]
    # "…预警分几级，橙色是什么标准" → "蓝色预警呢": only the clause the level stood in is asked
    # again, with the first clause's topic; what the other clause asked was answered.
    clauses = [c for c in re.split(r"[，,]", result) if c.strip()]
    with_level = [c for c in clauses if level in c]
    if (
        len(clauses) > 1
        and len(with_level) == 1
        and with_level[0] != clauses[0]
        and _WH.search(clauses[0])
    ):
        result = f"{topic_of(clauses[0])}，{with_level[0]}"
    return result, rest


# A request for the year-by-year breakdown of what was just asked ("分年度呢？", "每年各多少？").
_BY_YEAR = re.compile(
    r"(?:那|按|请)?(?:分年度|分年|逐年|每年|每一年|各年度?|年度分解|按年度?)(?:的)?"
    r"(?:分别|各)?(?:是)?(?:多少|怎么安排|如何安排|情况|数据|安排)?(?:呢|吗)?"
)
# "它们/这些/这几项" after a list answer stand for its items.
_PLURAL = re.compile(r"它们|这些|这几[个项条类种处]|上述各项|以上各项")
_MAX_NAMED_ITEMS = 6


def _referent(previous: str, answer: str) -> str:
    """What 它/这项/该… point to: the previous topic, plus a quoted name the answer introduced."""
    topic = topic_of(previous)
    named = [m for m in _QUOTED.finditer(answer) if m.group(0) not in previous]
    if not named:
        return topic
    # Of several names, the one the answer introduces with the question's own words ("推出
    # “漾泉行”APP" for "要推出的新公交APP叫什么"), not one it mentions on the way.
    best = max(named, key=lambda m: _shared_pairs(_lead_in(answer, m.start()), previous))
    return topic + best.group(0)


def _lead_in(text: str, end: int) -> str:
    """The words right before ``end``, back to the last punctuation or quote (at most 6)."""
    before = text[max(0, end - 6) : end]
    return re.split(r"[^\u4e00-\u9fff]", before)[-1]


def _shared_pairs(text: str, other: str) -> int:
    return sum(1 for i in range(len(text) - 1) if text[i : i + 2] in other)


def _without_repeat(head: str, rest: str) -> str:
    """``rest`` without the words ``head`` already ends with ("…新公交APP“漾泉行”" + "APP计划
    哪一年推出" → "计划哪一年推出")."""
    bare = _QUOTED.sub("", head)
    for k in range(min(len(bare), len(rest)), 1, -1):
        if bare.endswith(rest[:k]):
            return rest[k:]
    return rest


def _is_dependent(core: str) -> bool:
    """A pronoun or "其中…" leans on the context; so does a question with hardly any content,
    unless it names its own place or document ("阳泉公交分担率是多少？" starts a new thread)."""
    own = frame_of(core)
    return bool(
        _PRONOUN.search(core)
        or _DETERMINER.search(core)
        or _SUBSET.match(core)
        or _ORDINAL.search(core)
        or (_content_chars(core) <= _DEPENDENT_CONTENT and not (own.regions or own.doc_refs))
        # "山西全省平均是多少？": a place of its own, and nothing else asked but "平均".
        or _content_chars(_DOC_REF.sub("", core)) <= _PLACE_ONLY_CONTENT
    )


# A clause that continues its subject directly ("…预警由谁发布"), with no comma between.
_PREDICATE_START = re.compile(r"^(?:由|是|在|有|为|要|将|怎么|如何|何时|什么时候|多|哪|谁|归|属于)")


def _join(subject: str, rest: str) -> str:
    return subject + rest if _PREDICATE_START.match(rest) else f"{subject}，{rest}"


def _finish(resolved: str, question: str) -> str:
    resolved = resolved.strip("，, ")
    end = re.search(r"[？?。！!]$", question.strip())
    return resolved + (end.group(0) if end else "")


def _context(history: Sequence[Turn]) -> tuple[str, str, Sequence[Turn]] | None:
    """The last user question, the answer given to it (may be empty), and the turns before."""
    for i in range(len(history) - 1, -1, -1):
        turn = history[i]
        if turn.role == "user" and turn.content.strip():
            after = [t.content for t in history[i + 1 :] if t.role == "assistant"]
            return turn.content.strip(), " ".join(after), history[:i]
    return None


def _off_topic(core: str, known: Callable[[str], bool] | None) -> bool:
    """A question whose content words the documents never use starts a thread of its own
    ("如何办理护照？" after a question about investment): inheriting the previous question's place
    and year would only glue it to a topic it has nothing to do with."""
    if known is None:
        return False
    # Only the words that say what is asked: not "原来/这次/最长" or "如果…的话", which the
    # documents' written style rarely uses.
    words = _CONDITIONAL.sub(" ", _NON_CONTENT.sub(" ", _WH.sub(" ", core)))
    terms = [t for t, _ in content_terms(words) if len(t) >= 2]
    if not terms:
        # No word of its own: "具体是哪几个？" leans on the previous question — unless what it
        # asks about is the one it is addressed to ("你是谁？"): documents are not the addressee.
        return bool(_ADDRESSEE.search(words))
    # Half or more: "如何办理护照" has a word any document uses (办理) and one none does.
    return 2 * sum(not known(t) for t in terms) >= len(terms)


_ORDINAL_UNIT = r"(?:项|条|个|点|类|组|方面|部分|种|件|句|块|篇|章|阶段)"
# "第三项", "第二个组", and "最后那条"/"最后一项" (the last item; 最后 alone is no reference).
_ORDINAL = re.compile(
    rf"(?:这|那)?(?:第(?P<n>[一二三四五六七八九十两\d]{{1,3}})"
    rf"|(?P<last>最后|末尾)(?=(?:一|那|这)?{_ORDINAL_UNIT}))"
    rf"(?:个|一)?{_ORDINAL_UNIT}?(?:那|这)?(?:个|一)?{_ORDINAL_UNIT}?"
)
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
# A list as answers state it: "…包括：A；B；C[1]。" or "（一）…（二）…".
_LIST_BODY = re.compile(r"(?:(?:包括|包含|分为|有|是|如下)[：:]?|[：:])(?P<items>[^。\[]+)")
_LIST_PART = re.compile(r"（[一二三四五六七八九十]+）")
# Items numbered as other writers (a person, another client's model) number them:
# "1.…2.…", "1、…", "①…②…", "一是…二是…".
_NUMBERED = re.compile(
    r"(?:^|(?<=[\s。；;，,：:]))"
    r"(?:\d{1,2}[.、．)）]|[①②③④⑤⑥⑦⑧⑨⑩]|[一二三四五六七八九十]是|[一二三四五六七八九十]{1,2}、)"
)


def _ordinal_value(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    if raw == "十":
        return 10
    if raw.startswith("十"):
        return 10 + _CN_DIGITS.get(raw[1:], 0)
    if len(raw) == 1:
        return _CN_DIGITS.get(raw)
    if len(raw) == 2 and raw[1] == "十":
        return _CN_DIGITS.get(raw[0], 0) * 10
    return None


def list_items(answer: str) -> list[str]:
    """The items of the list an answer gave, in order (empty when it gave none)."""

    def clean(items: Sequence[str]) -> list[str]:
        out = [re.sub(r"\[\d+\]", "", x).strip(" 。；;，,、") for x in items]
        # "…和宣传保障四个方面": the count closing the list is no part of its last item.
        out = [_LIST_COUNT.sub("", x) or x for x in out]
        return [x for x in out if x]

    parts = _LIST_PART.split(answer)
    if len(parts) > 2:
        return clean(parts[1:])
    parts = _NUMBERED.split(answer)
    if len(parts) > 2:
        return clean(parts[1:])
    m = _LIST_BODY.search(answer)
    if m:
        body = m.group("items")
        # Quoted names one after another ("“A”“B”“C”"): those are the items.
        run = _QUOTED_RUN.search(body)
        if run:
            return clean(re.findall(r"“([^“”]+)”", run.group(0)))
        # Items apart by ；, else by 、 (a short enumeration "A、B、C"), the last one ending
        # where the sentence goes on ("…、C，合计…").
        for sep in ("[；;]", "、"):
            items = clean(re.split(sep, body))
            if len(items) > 1:
                if sep == "、":
                    items[-1] = re.split(r"[，,]", items[-1], maxsplit=1)[0]
                return items
    # A bare enumeration as the whole first sentence, as a person writes it: "坚持A、坚持B、坚持C。"
    first = re.split(r"[。！!？?\n]", answer.strip(), maxsplit=1)[0]
    for sep in ("[；;]", "、"):
        items = clean(re.split(sep, first))
        if len(items) >= _MIN_BARE_ITEMS and all(len(x) <= _MAX_BARE_ITEM for x in items):
            return items
    return []


_MIN_BARE_ITEMS = 3  # "A、B" is as often one noun phrase as a list
_QUOTED_RUN = re.compile(r"(?:“[^“”]{1,30}”[、，,]?){3,}")
# A figure closing an item ("平阳路公交专用道2公里") is what the list said of it, not its name.
_ITEM_FIGURE = re.compile(r"[（(]?\d+(?:\.\d+)?[\u4e00-\u9fff%％]{0,3}[）)]?$")
_MIN_ITEM_NAME = 4


def _item_name(item: str) -> str:
    name = _ITEM_FIGURE.sub("", item)
    return name if len(name) >= _MIN_ITEM_NAME else item


_LIST_COUNT = re.compile(
    r"(?:等|共)?[一二三四五六七八九十两\d]+(?:个|项|条|大)?(?:方面|部分|领域|类别|项|条|类)$"
)
_MAX_BARE_ITEM = 24


def _kind_said(name: str, after: str) -> int:
    """How many characters after the ordinal name the kind of item its name ends with ("第二个网"
    of "功能融合运输网"): said again after the name, they would read "“…运输网”网"."""
    for k in range(min(_MAX_KIND, len(name) - 1), 0, -1):
        kind = after[:k]
        if re.fullmatch(r"[\u4e00-\u9fff]+", kind) and name.endswith(kind):
            return k
    return 0


_MAX_KIND = 3


def _ordinal_reference(question: str, history: Sequence[Turn]) -> str | None:
    """ "第三项由谁牵头？" after a list answer: the third item, named, in place of the ordinal.
    The list is the latest answer's that has that many items: "第六部分呢？" may point back past
    a turn about the second part."""
    m = _ORDINAL.search(question)
    if m is None:
        return None
    n = -1 if m.group("last") else _ordinal_value(m.group("n"))
    if n is None:
        return None
    asked = ""
    pairs: list[tuple[str, str]] = []  # (answer, the question it answered), latest first
    for turn in history:
        if turn.role == "user":
            asked = turn.content
        else:
            pairs.insert(0, (turn.content, asked))
    answer, asked, items = next(
        (
            (a, q, x)
            for a, q in pairs
            if (n == -1 and len(x := list_items(a)) > 1) or 1 <= n <= len(x := list_items(a))
        ),
        ("", "", []),
    )
    if not items:
        return None
    # The list's document: as the answer names it, else as the question it answered did.
    titles = _titles(answer) or [frame_of(asked).prefix()]
    name = _item_name(items[n - 1] if n > 0 else items[-1])
    named = f"“{name}”"
    end = m.end() + _kind_said(name, question[m.end() :])
    own = _TRAIL.sub("", question[: m.start()] + question[end:]).strip(" ，,")
    own = _LEAD.sub("", own)
    if not own:
        # "第三项呢？": what that item says.
        rest = f"{named}的具体内容是什么"
    else:
        rest = _TRAIL.sub("", (question[: m.start()] + named + question[end:]).strip())
        rest = _LEAD.sub("", rest)
    head = titles[0] + "中" if titles[0] and titles[0] not in rest else ""
    return _finish(f"{head}{rest}", question)


def _narrowed_continuation(question: str) -> str:
    """The part a continuation is narrowed to when "还有呢" comes with a clause that names it
    ("还有呢？基础设施建设行动里还有别的吗？" → "基础设施建设行动里"); "" when there is none."""
    clauses = [c for c in _CLAUSE_END.split(question.strip()) if c.strip()]
    if len(clauses) < 2 or not _CONTINUE.match(_TRAIL.sub("", clauses[0].strip())):
        return ""
    rest = _core("".join(clauses[1:]))
    part = _CONTINUE_TAIL.sub("", rest).strip("，, ")
    return part if part != rest else ""


def _after_continuation(question: str) -> str:
    """The question after a leading "还有呢？" that another question follows ("还有呢？云岭的
    呢？"): that question is what is asked. "" when there is no such lead."""
    clauses = [c for c in _CLAUSE_END.split(question.strip()) if c.strip()]
    if len(clauses) < 2 or not _CONTINUE.match(_TRAIL.sub("", clauses[0].strip())):
        return ""
    lead = _CLAUSE_END.search(question.strip())
    assert lead is not None
    return question.strip()[lead.end() :].strip()


def _is_continuation(question: str) -> bool:
    """ "还有呢", alone or with the part it continues under."""
    return bool(_CONTINUE.match(_TRAIL.sub("", question.strip()))) or bool(
        _narrowed_continuation(question)
    )


_CLAUSE_END = re.compile(r"[？?。！!；;]")
# "…还有别的吗", "…还有啥", "…还有哪些": the continuation said again after the part named.
_CONTINUE_TAIL = re.compile(r"(?:另外)?还(?:有|要)?(?:别的|其他|其它|什么|哪些|啥|没有|的)*$")


@dataclass(frozen=True)
class Resolution:
    """The standalone question, and how it was reached: "inherited" means the question was
    complete apart from its frame (place, document, year), which it took from the conversation —
    a guess the answerer may drop when the frame's documents do not answer it (a topic shift
    that names no place)."""

    text: str
    kind: str = "standalone"  # standalone | inherited | resolved | continued
    # For "还有呢": the previous answer, whose sentences the continuation must not repeat.
    said: str = ""


def resolve(
    question: str, history: Sequence[Turn], known: Callable[[str], bool] | None = None
) -> Resolution:
    text = resolve_question(question, history, known)
    if text == question:
        return Resolution(text)
    if _is_continuation(question):
        return Resolution(text, "continued", _said_since_asked(history))
    inherited = _inherits_frame_only(question, history, known)
    return Resolution(text, "inherited" if inherited else "resolved")


def _said_since_asked(history: Sequence[Turn]) -> str:
    """The answers given since the question a run of "还有呢" continues: none is repeated."""
    said: list[str] = []
    for turn in reversed(history):
        if turn.role == "assistant":
            said.append(turn.content)
        elif not _is_continuation(turn.content):
            break
    return "\n".join(reversed(said))


def _inherits_frame_only(
    question: str, history: Sequence[Turn], known: Callable[[str], bool] | None
) -> bool:
    core = _core(question)
    return bool(
        core
        and _context(history) is not None
        and not _ENDS_WITH_NE.search(question)
        and not _COMPARE.match(core)
        and not _is_continuation(question)
        and not _ORDINAL.search(question)
        and not _is_dependent(core)
    )


def resolve_question(
    question: str, history: Sequence[Turn], known: Callable[[str], bool] | None = None
) -> str:
    """The question to retrieve with. Unchanged when there is no history to lean on, or when
    its own words are outside the documents' vocabulary (``known``, when given)."""
    found = _context(history)
    if found is None:
        return question
    raw_previous, answer, earlier = found
    ordinal = _ordinal_reference(question, history)
    if ordinal is not None:
        return ordinal
    previous = resolve_question(raw_previous, earlier, known)  # a chain keeps its anchor
    narrowed = _narrowed_continuation(question)
    after = _after_continuation(question)
    if after and not narrowed:
        return resolve_question(after, history, known)
    if narrowed:
        # "还有呢？基础设施建设行动里还有别的吗？": continued under the part the user names, in
        # the previous question's frame unless the part names its own place or document.
        own = frame_of(narrowed)
        frame_head = "" if own.regions or own.doc_refs else frame_of(previous).prefix()
        return _finish(f"{frame_head}{narrowed}还有哪些", "？")
    core = _core(question)
    # A complete question (no pronoun, no "…呢" ellipsis) outside the documents' vocabulary
    # starts a new thread.
    refers_back = bool(
        _PRONOUN.search(core)
        or _DETERMINER.search(core)
        or _SUBSET.match(core)
        or _ORDINAL.search(core)
    )
    if core and not refers_back and not _ENDS_WITH_NE.search(question) and _off_topic(core, known):
        return question
    if LIVE_RE.search(question):
        return question  # "现在几点了？": about the moment of asking, never about the thread
    if _is_continuation(question):
        if previous.endswith(("还有哪些？", "还有哪些")):
            return previous  # a second "还有呢" asks the same, past what was said since
        topic = re.sub(r"(?:包括|包含|有|是|分为)$", "", topic_of(previous))
        return _finish(f"{topic}还有哪些", "？")
    if not core:
        return question
    if _BY_YEAR.fullmatch(core):
        # "分年度呢？": the same quantity, year by year.
        # One question, not the total asked again beside the breakdown.
        topic = _YEAR.sub("", topic_of(previous)) or _YEAR.sub("", _core(previous))
        return _finish(f"{topic}每年分别是多少", "？")
    prev_frame = frame_of(previous + " " + " ".join(_titles(answer)))
    own = frame_of(core)

    # "它的现状呢？": a pronoun keeps the topic, so it is no swap of the focus.
    swap = bool(_ENDS_WITH_NE.search(question) or _COMPARE.match(core)) and not (
        _PRONOUN.search(core) and not _COMPARE.match(core)
    )
    # "临河水运三年行动计划里呢？": a document named and nothing else asked is a swap too, as
    # is one asked only how it arranges the same thing ("临河水运三年行动计划里是怎么安排的？").
    beyond_doc = _DOC_REF.sub("", core) if own.doc_refs else core
    if own.doc_refs and _ASKS_ONLY_HOW.fullmatch(beyond_doc.strip()):
        ref = _DOC_REF.search(core)
        assert ref is not None
        return _finish(_swap(previous, answer, ref.group(0)), question)
    if swap and (
        _content_chars(beyond_doc) <= _DEPENDENT_CONTENT or not (own.regions or own.doc_refs)
    ):
        return _finish(_swap(previous, answer, core), question)
    plural = _PLURAL.search(core)
    items = list_items(answer) if plural else []
    if plural and 1 < len(items) <= _MAX_NAMED_ITEMS and sum(map(len, items)) <= 60:
        # "它们分别在哪？" after a list: the items, named.
        named = "、".join(f"“{x}”" for x in items)
        head = _titles(answer)
        head_text = head[0] + "中" if head else ""
        rest = (core[: plural.start()] + core[plural.end() :]).strip("，, ")
        return _finish(f"{head_text}{named}{rest}", question)
    if _is_dependent(core) and not _names_own_quantity(core):
        referent = _referent(previous, answer)
        if own.years:
            referent = _YEAR.sub("", referent)
        if own.regions and not _SUBSET.match(core):
            referent = _region_pattern().sub("", referent)
        level = LEVEL_RE.search(core)
        before = _core(previous)
        rest = core[level.end() :].lstrip("的 ") if level is not None else ""
        if level is not None and LEVEL_RE.search(before) and len(rest) >= 2 and rest in before:
            # "黄色预警由谁发布？" after "…橙色预警由谁发布？": the same question, its level swapped.
            return _finish(_swap_level(before, level.group(0))[0], question)
        if level is not None and LEVEL_RE.search(referent):
            # "黄色的由谁发布？": the level is swapped in the referent, said once.
            referent = _swap_level(referent, level.group(0))[0]
            core = (core[: level.start()] + core[level.end() :]).lstrip("的 ")
            if not _PRONOUN.search(core) and not _DETERMINER.search(core):
                return _finish(_join(referent, core), question)
        if _PRONOUN.search(core) and not _DETERMINER.search(core) and not _SUBSET.match(core):
            said = _PRONOUN.sub(referent, core, count=1)
            wh = _WH.search(_core(previous))
            if not _WH.search(said) and wh is not None:
                # "它的现状呢？": asked as the previous question asked ("…的现状是多少？").
                said += _core(previous)[wh.start() :]
            return _finish(said, "？" if _ENDS_WITH_NE.search(question) else question)
        noun = _DETERMINER_NOUN.match(core) or _PLURAL.match(core)
        if noun is not None and core[noun.end() :]:
            # "这项工作由谁牵头？", "这条的责任单位是谁？", "这些加起来多长？": the reference is the
            # subject; the referent takes its place, the determiner is not said again.
            return _finish(referent + _without_repeat(referent, core[noun.end() :]), question)
        return _finish(f"{referent}，{core}", question)
    if own.regions or own.doc_refs:
        return question  # anchored on its own: a new thread
    inherited = Frame(
        regions=prev_frame.regions,
        years=() if own.years else prev_frame.years,
        periods=() if own.periods else prev_frame.periods,
        doc_refs=prev_frame.doc_refs,
    ).prefix()
    return _finish(f"{inherited}，{core}", question) if inherited else question


def _titles(answer: str) -> list[str]:
    """Document titles an answer names: they anchor the next question like the user's own."""
    return re.findall(r"《[^《》]{2,60}》", answer)
