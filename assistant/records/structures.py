"""Extract the genre's structures from a cleaned document as typed records: the outline and the
lists under each heading, enumerations after a lead-in, definitions and graded levels,
responsibilities, and the document's own metadata (文号, issuer, date, what it repeals, when it
takes effect). Everything is read from the conventions of 政府公文, never from one document's
wording: no title, region, indicator or file name appears here."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Sequence

from assistant.ingest.metadata import NOTICE_TITLE, ORG_TAIL, own_doc_number, signed_date_and_issuer
from assistant.ingest.types import SECTION_SEPARATOR, Document, Section
from assistant.lang.numbers import chinese_numeral
from assistant.lang.sentences import split_sentences
from assistant.records.types import (
    Definition,
    DocumentFacts,
    ListItem,
    OutlineNode,
    Record,
    Responsibility,
)

# --------------------------------------------------------------------------------- locating


class Locator:
    """The section path of any character position of a document."""

    def __init__(self, doc: Document) -> None:
        self._sections = sorted(doc.sections, key=lambda s: s.start)
        self._starts = [s.start for s in self._sections]

    def section_at(self, pos: int) -> Section | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        while i >= 0:
            s = self._sections[i]
            if s.start <= pos < s.end:
                return s
            i -= 1
        return None

    def path_at(self, pos: int) -> str:
        s = self.section_at(pos)
        return SECTION_SEPARATOR.join(s.path) if s else ""


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return start, end


# --------------------------------------------------------------------------------- outline


def _heading_span(doc: Document, section: Section) -> tuple[int, int]:
    """The heading line of a section: the last line before its body that holds its title."""
    title = section.path[-1]
    found = doc.text.rfind(title, 0, section.start + 1)
    if found < 0:
        return section.start, section.start
    line_start = doc.text.rfind("\n", 0, found) + 1
    line_end = doc.text.find("\n", found)
    return line_start, line_end if line_end >= 0 else len(doc.text)


def outline_records(doc: Document) -> list[Record]:
    """Every heading as an ``OutlineNode``, and each heading's children as an ordered list
    (``ListItem`` of kind "heading"): the answer to "有哪些方面 / 主要任务有哪些"."""
    out: list[Record] = []
    sections = [s for s in doc.sections if s.path]
    spans = {id(s): _heading_span(doc, s) for s in sections}
    children: dict[tuple[str, ...], list[Section]] = {}
    for s in sections:
        start, end = spans[id(s)]
        out.append(
            OutlineNode(
                doc_id=doc.meta.doc_id,
                section=SECTION_SEPARATOR.join(s.path[:-1]),
                quote=doc.text[start:end],
                start=start,
                end=end,
                path=s.path,
                depth=len(s.path),
            )
        )
        children.setdefault(s.path[:-1], []).append(s)
    for parent, kids in children.items():
        if len(kids) < 2:
            continue
        parent_title = parent[-1] if parent else doc.meta.title
        for position, kid in enumerate(sorted(kids, key=lambda k: k.start), start=1):
            start, end = spans[id(kid)]
            out.append(
                ListItem(
                    doc_id=doc.meta.doc_id,
                    section=SECTION_SEPARATOR.join(parent),
                    quote=doc.text[start:end],
                    start=start,
                    end=end,
                    parent=parent_title,
                    position=position,
                    text=kid.path[-1],
                    kind="heading",
                )
            )
    return out


# --------------------------------------------------------------------------------- enumerations

# List markers that number items: （1） (1) 1. 1、 ① 一是
ITEM_MARKER = re.compile(
    r"^(?:[（(](?P<paren>\d{1,2})[）)]|(?P<dot>\d{1,2})[.、．](?!\d)|(?P<circ>[\u2460-\u2473])"
    r"|(?P<cn>[一二三四五六七八九十])是)"
)
_INLINE_CN_ITEM = re.compile(r"(?:^|[。；;，,：:])\s*(?P<n>[一二三四五六七八九十])是")
_CN_ORDER = "一二三四五六七八九十"
_LEAD_IN_END = re.compile(r"(?:[：:]|包括|如下|分别是|主要有)$")


def _item_number(m: re.Match[str]) -> int:
    if m.group("paren"):
        return int(m.group("paren"))
    if m.group("dot"):
        return int(m.group("dot"))
    if m.group("circ"):
        return ord(m.group("circ")) - 0x2460 + 1
    return _CN_ORDER.index(m.group("cn")) + 1


def _style(m: re.Match[str]) -> str:
    return next(k for k in ("paren", "dot", "circ", "cn") if m.group(k))


def _short_item(text: str) -> str:
    """The item's own name: up to its first full stop or colon (the rest is its body)."""
    head = re.split(r"[。；;：:]", text, maxsplit=1)[0]
    return head.strip()


def enumeration_records(doc: Document, locator: Locator) -> list[Record]:
    """Runs of consecutively numbered lines ((1) (2) (3) …, ①②③, 一是/二是) form a list under the
    line that introduces them (a lead-in ending in "：", else the section heading); so do
    一是…二是… inside one sentence."""
    text = doc.text
    out: list[Record] = []
    lines = list(_lines(text))
    run: list[tuple[int, int, int]] = []  # (number, start, end)
    run_style = ""
    parent_span: tuple[int, int] | None = None

    def flush() -> None:
        if len(run) >= 2:
            first = run[0][1]
            if parent_span is not None:
                parent = text[parent_span[0] : parent_span[1]].strip()
            else:
                s = locator.section_at(first)
                parent = s.path[-1] if s else doc.meta.title
            for number, start, end in run:
                body = text[start:end]
                marker = ITEM_MARKER.match(body)
                item = body[marker.end() :].strip() if marker else body
                out.append(
                    ListItem(
                        doc_id=doc.meta.doc_id,
                        section=locator.path_at(start),
                        quote=body,
                        start=start,
                        end=end,
                        parent=parent,
                        position=number,
                        text=_short_item(item),
                        kind="enumeration",
                    )
                )
        run.clear()

    previous: tuple[int, int] | None = None
    for start, end in lines:
        start, end = _strip_span(text, start, end)
        if start == end:
            continue
        m = ITEM_MARKER.match(text[start:end])
        if m:
            number, style = _item_number(m), _style(m)
            if run and style == run_style and number == run[-1][0] + 1:
                run.append((number, start, end))
            else:
                flush()
                if number == 1:
                    run_style = style
                    lead = previous
                    lead_text = text[lead[0] : lead[1]] if lead else ""
                    parent_span = lead if lead and _LEAD_IN_END.search(lead_text) else None
                    run.append((number, start, end))
        else:
            flush()
        previous = (start, end)
    flush()
    out.extend(_inline_enumerations(doc, locator))
    out.extend(_lead_sentence_lists(doc, locator))
    out.extend(_inline_series(doc, locator))
    out.extend(_rosters(doc, locator))
    return out


# "绿色转型的示范城市。对标…" / "坚持生态优先。生态优势是…": a paragraph led by a short sentence
# that names it. A run of such paragraphs under one heading is that heading's list.
_LEAD_SENTENCE = re.compile(r"^(?P<lead>[^。；;，,：:\s（）()]{3,16})。(?=\S{8,})")
_MIN_LEAD_RUN = 3


def _lead_sentence_lists(doc: Document, locator: Locator) -> Iterator[Record]:
    text = doc.text
    run: list[tuple[int, int, str]] = []  # (start, end, lead)

    def flush() -> Iterator[Record]:
        if len(run) >= _MIN_LEAD_RUN:
            section = locator.path_at(run[0][0])
            parent = section.split(SECTION_SEPARATOR)[-1] if section else doc.meta.title
            for k, (start, end, lead) in enumerate(run, 1):
                yield ListItem(
                    doc_id=doc.meta.doc_id,
                    section=section,
                    quote=text[start:end],
                    start=start,
                    end=end,
                    parent=parent,
                    position=k,
                    text=lead,
                    kind="enumeration",
                )
        run.clear()

    for start, end in _lines(text):
        start, end = _strip_span(text, start, end)
        if start == end:
            continue  # blank lines separate the paragraphs of one list
        m = _LEAD_SENTENCE.match(text[start:end])
        same_section = not run or locator.path_at(start) == locator.path_at(run[0][0])
        if m and same_section and not ITEM_MARKER.match(text[start:end]):
            run.append((start, start + m.end("lead") + 1, m.group("lead")))
        else:
            yield from flush()
            if m and not ITEM_MARKER.match(text[start:end]):
                run.append((start, start + m.end("lead") + 1, m.group("lead")))
    yield from flush()


# "将村庄划分为集聚提升类、城郊融合类、特色保护类…等五种类型": a series of ≥ 3 names after a verb
# that introduces parts, inside one sentence.
_SERIES = re.compile(
    r"(?P<head>[^。；;：:，,\n]{0,30}?(?:划分为|分为|分成|包括|包含|主要有|分别是|涵盖|下设|设立|设有|组建|推进|实施))"
    # "下设7个工作组：A、B、C": the count and kind may come between the verb and the names.
    r"(?:[^。；;：:，,、\n]{0,12}[：:])?"
    r"(?P<items>[^。；;：:、\n]{2,20}(?:、[^。；;：:、\n]{2,20}){2,})"
)


_BARE_VERB = 3  # characters: a series' head this short is only its verb ("推进", "分为")


def _common_ending(names: Sequence[str]) -> str:
    """The ending all ``names`` share ("工程" of "临河路南延工程", "云岭路北延工程")."""
    first = names[0].strip()
    k = 0
    while k < len(first) and all(n.strip().endswith(first[len(first) - k - 1 :]) for n in names):
        k += 1
    return first[len(first) - k :] if k else ""


def _inline_series(doc: Document, locator: Locator) -> Iterator[Record]:
    text = doc.text
    for m in _SERIES.finditer(text):
        raw = m.group("items").split("、")
        # The last name runs into what follows it ("其他类等五种类型，分类推进…"), across a
        # line break ("…改造工程的实" / "施。").
        run_on = (
            re.sub(r"\s+", "", text[m.end() : m.end() + 40])
            if text[m.end() : m.end() + 1] == "\n"
            else ""
        )
        last = re.split(r"[，,。；;]", raw[-1] + run_on, maxsplit=1)[0]
        last = re.sub(r"等.*$", "", last)
        # …or into what is done with them all ("…改造工程的实施").
        last = re.sub(r"的(?:实施|建设|推进|落地)$", "", last)
        # …or into its count ("一般四个级别", "战略预留区八大功能分区").
        count = re.search(r"([一二三四五六七八九十两\d]+)(?:个|种|类|项|大|级).*$", last)
        closing = count.group(0) if count else ""  # "三项工程为主线": what the series is
        last = last[: count.start()] if count else last
        # "…、善后处置组和技术专家组": the last two joined by 和/及.
        names = [*raw[:-1], *re.split(r"以及|和|及", last)]
        if any(not 2 <= len(n.strip()) <= 20 for n in names):
            continue
        raw_count = count.group(1) if count else ""
        value = int(raw_count) if raw_count.isdigit() else chinese_numeral(raw_count)
        counted = value is not None and value == len(names)
        if (
            m.group("head").endswith(("推进", "实施"))
            and not counted
            and len(_common_ending(names)) < 2
        ):
            # "推进"/"实施" introduce no parts: only names of one kind ("…工程、…工程") or a series
            # its count closes ("以实施A、B、C三项工程为主线") are a list, not a run of fields
            # ("推进道路运输、水上交通…等领域整治").
            continue
        pos = m.start("items")
        head = m.group("head").strip(" ，,")
        section = locator.path_at(m.start())
        if len(head) <= _BARE_VERB:
            # "推进A、B、C": the verb alone names no list; the count that closes it does
            # ("以实施A、B、C三项工程为主线"), else the section it stands in (which stays in the
            # record's context either way).
            head = closing if counted else section.split(SECTION_SEPARATOR)[-1] or head
        for k, name in enumerate(names, 1):
            start = text.find(name, pos)
            yield ListItem(
                doc_id=doc.meta.doc_id,
                section=section,
                quote=name,
                start=start,
                end=start + len(name),
                parent=head,
                position=k,
                text=name.strip(),
                kind="enumeration",
            )
            pos = start + len(name)


# A post and who holds it, one holder a line ("副指挥长：市政府协管副秘书长 / 市应急管理局局长"),
# or a roster table's row ("副总指挥 县人民政府分管林业工作的副县长 县人武部部长 …"): an
# emergency plan's command roster. A holder names a post (局长, 支队长, 副秘书长, 负责人…).
_ROSTER_POST = re.compile(
    r"^(?P<post>(?:副|常务副)?(?:总指挥|指挥长|组长|主任|召集人|总召集人))"
    r"(?:\s*(?P<colon>[:：])\s*|\s+)(?P<first>\S.*)$"
)
_GLUED_POST = re.compile(r"(?<=[长任记员监理])(?=[市县区省])")
_HOLDER = re.compile(
    r"^[^:：。；;，,、]{2,30}(?:长|主任|书记|秘书长|负责人|同志|委员|总监|总工程师|经理|政委|司令员)$"
)


def _rosters(doc: Document, locator: Locator) -> Iterator[Record]:
    """A post and its holders, on its own line apart by "，"/"、" or one a line after it: one
    list under the post, its holders in order."""
    text = doc.text
    lines = [(s, e) for s, e in _lines(text) if text[s:e].strip()]
    for k, (start, end) in enumerate(lines):
        m = _ROSTER_POST.match(text[start:end].strip())
        if m is None:
            continue
        first = start + text[start:end].index(m.group("first"))
        # The holders on the post's own line, apart by "，" or "、" ("副指挥长：A，B，C。").
        holders: list[tuple[int, int]] = []
        # Without a colon the roster is a table row: the post, then its holders apart by spaces.
        apart = r"[^，,、。；;]+" if m.group("colon") else r"[^，,、。；;\s]+"
        for part in re.finditer(apart, text[first:end]):
            # Posts run together by the extraction ("…副秘书长市公安局常务副局长市交通运输局局长")
            # part where a post's ending meets the next body's place word.
            cuts = [m.start() for m in _GLUED_POST.finditer(part.group())]
            bounds = [0, *cuts, len(part.group())]
            pieces = [(part.start() + a, part.start() + b) for a, b in itertools.pairwise(bounds)]
            if not all(_HOLDER.match(text[first + a : first + b].strip()) for a, b in pieces):
                pieces = [(part.start(), part.end())]
            for a, b in pieces:
                if not _HOLDER.match(text[first + a : first + b].strip()):
                    holders = []
                    break
                holders.append((first + a, first + b))
            else:
                continue
            break
        if not holders:
            continue
        for s, e in lines[k + 1 :]:
            if not _HOLDER.match(text[s:e].strip()) or _ROSTER_POST.match(text[s:e].strip()):
                break
            holders.append((s, e))
        spans = [_strip_span(text, s, e) for s, e in holders]
        # Who holds the post, as "P由谁担任" asks it: one holder or several.
        yield Responsibility(
            doc_id=doc.meta.doc_id,
            section=locator.path_at(start),
            quote=text[start : spans[-1][1]],
            start=start,
            end=spans[-1][1],
            action=m.group("post"),
            lead_units=tuple(text[s:e] for s, e in spans),
            lead_label="担任",
        )
        if len(holders) < 2:
            continue
        for n, (s, e) in enumerate(holders, 1):
            s, e = _strip_span(text, s, e)
            yield ListItem(
                doc_id=doc.meta.doc_id,
                section=locator.path_at(start),
                quote=text[s:e],
                start=s,
                end=e,
                parent=m.group("post"),
                position=n,
                text=text[s:e],
                kind="enumeration",
            )


def _inline_enumerations(doc: Document, locator: Locator) -> Iterator[Record]:
    """一是…；二是…；三是… inside one paragraph."""
    text = doc.text
    for start, end in _lines(text):
        line = text[start:end]
        marks = list(_INLINE_CN_ITEM.finditer(line))
        numbers = [_CN_ORDER.index(m.group("n")) + 1 for m in marks]
        if len(marks) < 2 or numbers != list(range(1, len(marks) + 1)):
            continue
        lead_end = marks[0].start("n")
        parent = line[:lead_end].strip(" ，,：:。") or (
            locator.path_at(start).split(SECTION_SEPARATOR)[-1] or doc.meta.title
        )
        for k, m in enumerate(marks):
            item_start = m.start("n")
            item_end = marks[k + 1].start() + 1 if k + 1 < len(marks) else len(line)
            body = line[item_start:item_end].rstrip("；;。，, ")
            yield ListItem(
                doc_id=doc.meta.doc_id,
                section=locator.path_at(start),
                quote=body,
                start=start + item_start,
                end=start + item_start + len(body),
                parent=parent[-60:],
                position=numbers[k],
                text=_short_item(body[2:]),
                kind="enumeration",
            )


# --------------------------------------------------------------------------------- definitions

GRADE = (
    r"特别重大|重大|较大|一般"
    r"|[ⅠⅡⅢⅣⅤ]+级|[一二三四五]级|[1-5]级"
    r"|红色|橙色|黄色|蓝色"
)
_DEFINITION = re.compile(
    r"(?P<term>[^\s，,。；;：:、（）()“”\[\]]{2,24}?)\s*[，,:：]?\s*是指\s*(?P<body>[^。\n]+。?)"
)
_LEVEL_TERM = re.compile(rf"^(?P<level>{GRADE})(?P<scale>\S*)$")


def definition_records(doc: Document, locator: Locator) -> list[Record]:
    """ "X，是指Y" sentences; when X names a grade (较大事故, Ⅲ级响应, 橙色预警) the grade and
    what it grades are typed fields, so "较大事故的标准" finds it by level."""
    out: list[Record] = []
    text = doc.text
    for m in _DEFINITION.finditer(text):
        term = re.sub(r"^[（(]?\d{1,2}[）)]|^[①-⑳]", "", m.group("term")).strip()
        if len(term) < 2:
            continue
        level_match = _LEVEL_TERM.match(term)
        start = m.start("term") + m.group("term").find(term)
        end = m.end()
        out.append(
            Definition(
                doc_id=doc.meta.doc_id,
                section=locator.path_at(start),
                quote=text[start:end],
                start=start,
                end=end,
                term=term,
                definition=m.group("body").strip(),
                level=level_match.group("level") if level_match else "",
                scale=level_match.group("scale") if level_match else "",
            )
        )
    return out


# --------------------------------------------------------------------------------- graded levels

_COLOURS = "红色|橙色|黄色|蓝色"
_LEVEL_GRADE = r"(?:[ⅠⅡⅢⅣⅤ]+|IV|V|I{1,3}|[一二三四五])\s?级"
_SCALE = r"应急响应|响应|预警"
# "5.3.1 Ⅰ级响应", "4.3.1 一级(红色)预警", "4.3.3 I级响应", "红色预警": a level's own heading.
_LEVEL_HEADING = re.compile(
    rf"^(?:\d{{1,2}}(?:\.\d{{1,2}})*\s*)?(?P<grade>{_LEVEL_GRADE}|{_COLOURS})\s*"
    rf"(?:[（(](?P<colour>{_COLOURS})[）)])?\s*(?P<scale>{_SCALE})$"
)
_DECIMAL_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\s*\S|^\d{1,2}\s+[\u4e00-\u9fff]{2,12}$")
# A level's block: its criteria under a label, then its procedure and measures.
_CRITERIA_LABEL = re.compile(r"(?:启动|响应|预警|分级)(?:条件|标准)\s*[:：]?\s*$")
_OTHER_LABEL = re.compile(
    r"^(?:[（(]\d[）)]\s*)?(?:启动程序|响应程序|响应措施|处置措施|预警措施|应急措施)\s*[:：]?\s*$"
)
# One or more levels named at the start of a clause: "红色、橙色预警由…", "Ⅰ级响应由…".
_LEVEL_MENTION = re.compile(
    rf"(?P<levels>(?:{_LEVEL_GRADE}|{_COLOURS})(?:[（(](?:{_COLOURS})[）)])?"
    rf"(?:[、和及](?:{_LEVEL_GRADE}|{_COLOURS})(?:[（(](?:{_COLOURS})[）)])?)*)\s*"
    rf"(?P<scale>{_SCALE})"
)
_ONE_LEVEL = re.compile(
    rf"(?P<grade>{_LEVEL_GRADE}|{_COLOURS})(?:[（(](?P<colour>{_COLOURS})[）)])?"
)
_WHO = r"[^，,。；;：:由]{2,40}?"
_APPROVER = (
    re.compile(rf"报请(?P<who>{_WHO})(?:批准|决定|同意)"),
    re.compile(rf"经(?P<who>{_WHO})(?:批准|决定|同意)"),
    re.compile(rf"报(?P<who>{_WHO})批准"),
    re.compile(rf"由(?P<who>{_WHO})(?:决定|宣布|立即)?启动"),
    re.compile(rf"由(?P<who>{_WHO})(?:批准|决定)"),
)
_PUBLISHER = (
    re.compile(rf"由(?P<who>{_WHO})(?:统一)?发布"),
    re.compile(rf"[，,](?P<who>{_WHO})(?:统一)?发布"),
)
_NOT_WHO = re.compile(r"批准|报请|决定|同意|建议")
_REQUESTER = re.compile(rf"由(?P<who>{_WHO})报请")
_LEAD_VERB = re.compile(r"组织指挥|统一指挥|负责指挥|指挥协调|组织协调|负责组织处置|组织处置")
_ADVERBS = re.compile(r"(?:立即|亲临|赶赴|前往)(?:事故|事件)?现场$|(?:立即|负责|并|迅速)$")
POST = re.compile(r"指挥|部|府|室|局|委|厅|同志|主任|组|长")
_ROMAN = {"IV": "Ⅳ", "III": "Ⅲ", "II": "Ⅱ", "I": "Ⅰ", "V": "Ⅴ"}
_GRADE_ORDER = re.compile(
    rf"分为(?P<grades>{_LEVEL_GRADE}(?:[、和及]+{_LEVEL_GRADE})+)[^。]{{0,12}}?分别用"
    rf"(?P<colours>(?:{_COLOURS})(?:[、和及]+(?:{_COLOURS}))+)"
)


def normalise_grade(text: str) -> str:
    """ "I 级" → "Ⅰ级": one spelling per grade."""
    text = re.sub(r"\s+", "", text)
    m = re.match(r"^(IV|V|I{1,3})级$", text)
    return _ROMAN[m.group(1)] + "级" if m else text


def _colour_grades(text: str) -> dict[str, str]:
    """Colour → grade as the document pairs them ("一级(红色)预警"; "分为一级、二级…，分别用红色、
    橙色…标示")."""
    pairs: dict[str, str] = {}
    for m in re.finditer(rf"(?P<g>{_LEVEL_GRADE})\s*[（(](?P<c>{_COLOURS})[）)]", text):
        pairs.setdefault(m.group("c"), normalise_grade(m.group("g")))
    for m in _GRADE_ORDER.finditer(text):
        grades = re.findall(_LEVEL_GRADE, m.group("grades"))
        colours = re.findall(_COLOURS, m.group("colours"))
        if len(grades) == len(colours):
            for g, c in zip(grades, colours, strict=True):
                pairs.setdefault(c, normalise_grade(g))
    return pairs


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> tuple[str, int]:
    """The first organisation or post named by any pattern, and where its clause ends."""
    for pattern in patterns:
        for m in pattern.finditer(text):
            who = m.group("who").strip()
            if POST.search(who) and not _NOT_WHO.search(who):
                return who, m.end()
    return "", -1


def _leader(text: str) -> tuple[str, int]:
    """Who directs the response: the subject of "组织指挥 / 组织协调 / 负责组织处置" (or of the
    clause before it when the verb's own clause has none: "X立即赶赴现场,组织协调…")."""
    for m in _LEAD_VERB.finditer(text):
        clause_start = max(text.rfind(ch, 0, m.start()) for ch in "，,。；;：:\n") + 1
        subject = text[clause_start : m.start()]
        if not POST.search(subject) and clause_start > 0:
            prev_start = max(text.rfind(ch, 0, clause_start - 1) for ch in "，,。；;：:\n") + 1
            subject = text[prev_start : clause_start - 1]
        subject = re.sub(r"^(?:[（(]?\d{1,2}[）)]|[①-⑳]|-\s*)", "", subject.strip())
        started = re.match(rf"^由(?P<who>{_WHO})启动", subject)
        if started:
            subject = started.group("who")
        for _ in range(3):
            subject = _ADVERBS.sub("", subject).strip()
        subject = re.sub(r"^由", "", subject)
        if 2 <= len(subject) <= 40 and POST.search(subject):
            return subject, m.end()
    return "", -1


def _block_criteria(text: str, lines: list[tuple[int, int]]) -> tuple[str, int]:
    """A level block's criteria: the lines under "启动条件:" (up to the next label), else the
    "发生…时" it opens with, else its items up to the first label."""
    body: list[str] = []
    end = -1
    labelled = False
    for k, (s, e) in enumerate(lines):
        line = text[s:e].strip()
        if _CRITERIA_LABEL.search(line) or (k == 0 and line.endswith(("：", ":"))):
            labelled = True
            continue
        if _OTHER_LABEL.match(line) or (body and _CRITERIA_LABEL.search(line)):
            break
        if k == 0 and line.startswith("发生") and "时" in line:
            clause = line[: line.index("时")]
            return clause, s + len(clause) + 1
        if labelled or k == 0 or body:
            if re.search(r"[:：]$", line):
                continue  # "符合下列情形之一,即可启动Ⅲ级响应:"
            body.append(re.sub(r"^-\s*", "", line))
            end = e
    if not body:
        return "", -1
    return "".join(body), end


def _level_record(
    doc: Document,
    locator: Locator,
    start: int,
    end: int,
    term: str,
    grade: str,
    scale: str,
    colours: dict[str, str],
    **found: str,
) -> Definition:
    level = colours.get(grade, grade)
    return Definition(
        doc_id=doc.meta.doc_id,
        section=locator.path_at(start),
        quote=doc.text[start:end],
        start=start,
        end=end,
        term=term,
        definition=found.get("definition", ""),
        level=level,
        scale="响应" if scale == "应急响应" else scale,
        approver=found.get("approver", ""),
        publisher=found.get("publisher", ""),
        leader=found.get("leader", ""),
    )


def level_records(doc: Document, locator: Locator) -> list[Record]:
    """Graded warning and response levels as ``Definition`` records: a level's own heading
    ("5.3.1 Ⅰ级响应", "4.3.1 一级(红色)预警") with its criteria, who decides to start it, who
    issues it and who directs it, read from the block under the heading; and clauses that open
    by naming levels ("红色、橙色预警由市指挥部报请市人民政府批准后发布", "Ⅰ级响应由省指挥部报请
    省政府决定启动"), one record per level named."""
    text = doc.text
    colours = _colour_grades(text)
    out: list[Record] = []
    lines = [(s, e) for s, e in _lines(text)]
    blocks: list[tuple[int, int]] = []
    k = 0
    while k < len(lines):
        s, e = _strip_span(text, *lines[k])
        m = _LEVEL_HEADING.match(text[s:e])
        if not m:
            k += 1
            continue
        j = k + 1
        while j < len(lines):
            line = text[lines[j][0] : lines[j][1]].strip()
            if _LEVEL_HEADING.match(line) or _DECIMAL_HEADING.match(line):
                break
            j += 1
        body = lines[k + 1 : j]
        block_end = body[-1][1] if body else e
        block_text = text[s:block_end]
        criteria, c_end = _block_criteria(text, body)
        approver, a_end = _first(_APPROVER, block_text)
        publisher, p_end = (
            _first(_PUBLISHER, block_text) if m.group("scale") == "预警" else ("", -1)
        )
        leader, l_end = _leader(block_text)
        ends = [c_end] + [s + x for x in (a_end, p_end, l_end) if x >= 0]
        end = max([e, *[x for x in ends if x >= 0]])
        end = text.find("\n", end) if text.find("\n", end) >= 0 else len(text)
        grade = normalise_grade(m.group("grade"))
        term = re.sub(r"^\d{1,2}(?:\.\d{1,2})*\s*", "", text[s:e]).strip()
        out.append(
            _level_record(
                doc,
                locator,
                s,
                min(end, block_end),
                term,
                grade,
                m.group("scale"),
                colours,
                definition=criteria,
                approver=approver,
                publisher=publisher,
                leader=leader,
            )
        )
        blocks.append((s, block_end))
        k = j
    out.extend(_level_clauses(doc, locator, colours, blocks))
    return out


def _level_clauses(
    doc: Document, locator: Locator, colours: dict[str, str], blocks: list[tuple[int, int]]
) -> Iterator[Record]:
    text = doc.text
    for m in re.finditer(r"[^。；;\n]+[。；;]?", text):
        start = m.start()
        if any(a <= start < b for a, b in blocks):
            continue
        clause = m.group()
        mention = _LEVEL_MENTION.search(clause)
        if not mention or mention.start() > 12:
            continue
        rest = clause[mention.end() :]
        approver, _ = _first(_APPROVER, rest)
        publisher, _ = _first(_PUBLISHER, rest) if mention.group("scale") == "预警" else ("", -1)
        requester = _REQUESTER.search(rest)
        if not publisher and requester and re.search(r"批准后发布|后发布", rest):
            publisher = requester.group("who")
        leader, _ = _leader(rest)
        if not (approver or publisher or leader):
            continue
        q_start = start + mention.start()
        q_end = m.end()
        scale = mention.group("scale")
        for one in _ONE_LEVEL.finditer(mention.group("levels")):
            grade = normalise_grade(one.group("grade"))
            yield _level_record(
                doc,
                locator,
                q_start,
                q_end,
                f"{one.group()}{scale}",
                grade,
                scale,
                colours,
                approver=approver,
                publisher=publisher,
                leader=leader,
            )


# --------------------------------------------------------------------------------- responsibilities

# An organisation as documents name it: ends with the kind of body it is.
_LEAD_LABEL = re.compile(r"(?P<label>牵头单位|责任单位|牵头部门|责任部门)\s*[：:]\s*")
# A working group's 成员单位 stand where a task's 配合单位 do: after its 牵头单位.
_CO_LABEL = re.compile(r"(?P<label>配合单位|协同单位|配合部门|成员单位)\s*[：:]\s*")
_NEXT_LABEL = re.compile(r"(?:牵头|责任|配合|协同|成员)(?:单位|部门)\s*[：:]|完成时限|时间节点")
# "由X牵头/负责…" names a lead unit; "由X负责同志担任" names a person's post, not a unit.
_LED_BY = re.compile(rf"由(?P<lead>[^，,。；;由]{{2,40}}?{ORG_TAIL})(?:牵头|负责(?!同志))")
_DEADLINE = re.compile(r"(?:完成时限|时间节点|完成时间)\s*[：:]\s*(?P<d>[^。；;\n）)]{2,30})")


def units_end(text: str, pos: int) -> int:
    """Where a list of units starting at ``pos`` ends: at a full stop, a semicolon, the closing
    bracket of an inline "（牵头单位：…）", the next label, or a line break that does not continue
    the list (a list broken after "、" or inside brackets goes on on the next line)."""
    depth = 0
    i = pos
    while i < len(text):
        ch = text[i]
        if ch in "（(〔":
            depth += 1
        elif ch in "）)〕":
            if depth == 0:
                return i
            depth -= 1
        elif (depth == 0 and ch in "。；;") or (
            ch == "\n" and depth == 0 and (i == pos or text[i - 1] not in "、，,")
        ):
            return i
        if depth == 0 and i > pos and _NEXT_LABEL.match(text, i):
            return i
        i += 1
    return i


def split_units(text: str) -> tuple[str, ...]:
    """ "市交通运输局、市工信局（市国资委）等" → the unit names, brackets kept with their unit."""
    cleaned = re.sub(r"\s+", "", text)
    cleaned = re.sub(r"(?:等(?:相关)?(?:单位|部门)?|按职责分工负责|分别负责)$", "", cleaned)
    parts: list[str] = []
    depth = 0
    buf = ""
    for ch in cleaned:
        if ch in "（(〔":
            depth += 1
        elif ch in "）)〕":
            depth = max(0, depth - 1)
        if ch in "、，," and depth == 0:
            if buf:
                parts.append(buf)
            buf = ""
            continue
        buf += ch
    if buf:
        parts.append(buf)
    return tuple(p for p in parts if len(p) >= 2)


def _action_before(doc: Document, locator: Locator, pos: int) -> str:
    """What a responsibility is for: the sentence (or heading) just before ``pos``."""
    text = doc.text
    window_start = max(0, pos - 200)
    sentences = list(split_sentences(text[window_start:pos], window_start))
    for s, e in reversed(sentences):
        candidate = text[s:e].strip(" （(")
        if len(candidate) >= 4 and not re.match(r"^(?:牵头|责任|配合)", candidate):
            return candidate
    section = locator.section_at(pos)
    return section.path[-1] if section else ""


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n":
        pos += 1
    return pos


# A bracket closing a task item that names who answers for it.
_BRACKETED_DUTY = re.compile(r"[（(](?P<units>[^（）()\n：:]{2,120}?)(?:按职责分工|分别)?负责[）)]")
_UNIT_END = re.compile(rf"(?:{ORG_TAIL}|机构|单位|分行|分局)(?:[（(][^（）()]*[）)])?$")


def responsibility_records(doc: Document, locator: Locator) -> list[Record]:
    out: list[Record] = []
    text = doc.text
    for m in _LEAD_LABEL.finditer(text):
        start = m.start()
        lead_end = units_end(text, m.end())
        end = lead_end
        co_units: tuple[str, ...] = ()
        co_label = "配合单位"
        co = _CO_LABEL.match(
            text, _skip_space(text, lead_end + (text[lead_end : lead_end + 1] in "；;"))
        )
        if co:
            co_end = units_end(text, co.end())
            co_units = split_units(text[co.end() : co_end])
            co_label = "成员单位" if co.group("label") == "成员单位" else co_label
            end = co_end
        deadline = _DEADLINE.search(text, end, min(len(text), end + 60))
        section = locator.section_at(start)
        heading = section.path[-1] if section else ""
        # A "牵头单位：" line closes the item it follows: the item's heading is the action; an
        # inline "（牵头单位：…）" follows the sentence it is for.
        inline = start > 0 and text[start - 1] in "（("
        action = _action_before(doc, locator, start - 1) if inline else heading
        out.append(
            Responsibility(
                doc_id=doc.meta.doc_id,
                section=locator.path_at(start),
                quote=text[start:end],
                start=start,
                end=end,
                action=action,
                lead_units=split_units(text[m.end() : lead_end]),
                co_units=co_units,
                co_label=co_label,
                # Said as the document says it: "责任单位" is not always the one that leads.
                lead_label=m.group("label"),
                deadline=deadline.group("d").strip()
                if deadline and deadline.start() - end < 5
                else "",
            )
        )
    for m in _BRACKETED_DUTY.finditer(text):
        # "…(市政府办公室负责)", "(人行临州分行、各相关金融机构按职责分工负责)": the units
        # that answer for the item the bracket closes.
        units = split_units(m.group("units"))
        if not units or not all(_UNIT_END.search(u) for u in units):
            continue
        section = locator.section_at(m.start())
        out.append(
            Responsibility(
                doc_id=doc.meta.doc_id,
                section=locator.path_at(m.start()),
                quote=m.group(0),
                start=m.start(),
                end=m.end(),
                action=section.path[-1] if section else "",
                lead_units=units,
                lead_label="负责",
            )
        )
    for m in _LED_BY.finditer(text):
        sentence = next(
            ((s, e) for s, e in split_sentences(text) if s <= m.start() < e), (m.start(), m.end())
        )
        out.append(
            Responsibility(
                doc_id=doc.meta.doc_id,
                section=locator.path_at(m.start()),
                quote=text[sentence[0] : sentence[1]],
                start=sentence[0],
                end=sentence[1],
                action=text[sentence[0] : sentence[1]].strip(),
                lead_units=split_units(m.group("lead")),
            )
        )
    return out


# --------------------------------------------------------------------------------- document facts

_REPEAL = re.compile(
    r"(?:《(?P<title>[^》]{2,80})》)?\s*[（(]?(?P<number>[^（()）]{0,20}〔(?:19|20)\d{2}〕\d{1,4}号)?[）)]?\s*同时废止"
)
_EFFECTIVE = re.compile(r"自(?P<when>[^，。；\n]{2,24}?)起(?:施行|执行|实施)")
_VALIDITY = re.compile(r"有效期(?:为|至)?\s*(?P<v>[^，。；\n]{1,20}?)(?:[。，；]|$)")
# How far into a document its own header (文号, 印发 notice, date) may sit.
_HEAD_CHARS = 1500


def document_facts(doc: Document, locator: Locator) -> list[Record]:
    text = doc.text
    head = text[:_HEAD_CHARS]
    number, number_span = own_doc_number(head)
    issue_date, issuer, date_span = signed_date_and_issuer(text, head)
    repeals: list[str] = []
    repealed_numbers: list[str] = []
    repeal_spans: list[tuple[int, int]] = []
    for m in _REPEAL.finditer(text):
        if m.group("title"):
            repeals.append(m.group("title"))
        if m.group("number"):
            repealed_numbers.append(re.sub(r"\s+", "", m.group("number")))
        repeal_spans.append(m.span())
    effective = _EFFECTIVE.search(text)
    validity = _VALIDITY.search(text)
    title_match = NOTICE_TITLE.search(head)
    spans = [
        s
        for s in (
            number_span,
            date_span,
            *repeal_spans,
            effective.span() if effective else (0, 0),
            validity.span() if validity else (0, 0),
        )
        if s != (0, 0)
    ]
    if not spans:
        return []
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    if end - start > 400:  # quote the header only; the clauses keep their own spans below
        start, end = spans[0]
    return [
        DocumentFacts(
            doc_id=doc.meta.doc_id,
            section=locator.path_at(start),
            quote=text[start:end],
            start=start,
            end=end,
            doc_number=number,
            issuer=issuer,
            issue_date=issue_date,
            repeals=tuple(repeals),
            repealed_numbers=tuple(repealed_numbers),
            effective=effective.group("when") if effective else "",
            validity=validity.group("v").strip() if validity else "",
            title=re.sub(r"\s+", "", title_match.group("title")) if title_match else "",
        )
    ]


def structure_records(doc: Document) -> list[Record]:
    """Every structure record of one document, in a stable order."""
    locator = Locator(doc)
    return [
        *document_facts(doc, locator),
        *outline_records(doc),
        *enumeration_records(doc, locator),
        *definition_records(doc, locator),
        *level_records(doc, locator),
        *responsibility_records(doc, locator),
    ]
