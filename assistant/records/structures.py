"""Extract the genre's structures from a cleaned document as typed records: the outline and the
lists under each heading, enumerations after a lead-in, definitions and graded levels,
responsibilities, and the document's own metadata (文号, issuer, date, what it repeals, when it
takes effect). Everything is read from the conventions of 政府公文, never from one document's
wording: no title, region, indicator or file name appears here."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from assistant.ingest.metadata import NOTICE_TITLE, ORG_TAIL, issue_date_and_issuer, own_doc_number
from assistant.ingest.types import SECTION_SEPARATOR, Document, Section
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
_ITEM_MARKER = re.compile(
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
                marker = _ITEM_MARKER.match(body)
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
        m = _ITEM_MARKER.match(text[start:end])
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
    return out


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

_GRADE = (
    r"特别重大|重大|较大|一般"
    r"|[ⅠⅡⅢⅣⅤ]+级|[一二三四五]级|[1-5]级"
    r"|红色|橙色|黄色|蓝色"
)
_DEFINITION = re.compile(
    r"(?P<term>[^\s，,。；;：:、（）()“”\[\]]{2,24}?)\s*[，,:：]?\s*是指\s*(?P<body>[^。\n]+。?)"
)
_LEVEL_TERM = re.compile(rf"^(?P<level>{_GRADE})(?P<scale>\S*)$")


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


# --------------------------------------------------------------------------------- responsibilities

# An organisation as documents name it: ends with the kind of body it is.
_LEAD_LABEL = re.compile(r"(?:牵头单位|责任单位|牵头部门|责任部门)\s*[：:]\s*")
_CO_LABEL = re.compile(r"(?:配合单位|协同单位|配合部门)\s*[：:]\s*")
_NEXT_LABEL = re.compile(r"(?:牵头|责任|配合|协同)(?:单位|部门)\s*[：:]|完成时限|时间节点")
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


def responsibility_records(doc: Document, locator: Locator) -> list[Record]:
    out: list[Record] = []
    text = doc.text
    for m in _LEAD_LABEL.finditer(text):
        start = m.start()
        lead_end = units_end(text, m.end())
        end = lead_end
        co_units: tuple[str, ...] = ()
        co = _CO_LABEL.match(
            text, _skip_space(text, lead_end + (text[lead_end : lead_end + 1] in "；;"))
        )
        if co:
            co_end = units_end(text, co.end())
            co_units = split_units(text[co.end() : co_end])
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
                deadline=deadline.group("d").strip()
                if deadline and deadline.start() - end < 5
                else "",
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
    issue_date, issuer, date_span = issue_date_and_issuer(head)
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
        *responsibility_records(doc, locator),
    ]
