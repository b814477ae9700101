"""Stated figures, extracted from the cleaned documents: indicator-table rows and figures in prose.

Tables arrive flattened (see cleaning.py): a row is "13 城市公交专用道设置比率 % 4.7 6.5", and a
row broken over lines or a page break keeps its cells in order. Rows are rebuilt from that order —
row number, indicator name, unit, one value per year column, notes — never from known row text.
Every fact keeps the span of the text it comes from in the cleaned document, so an answer cites
exactly that text and the numeric guard can check it."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from assistant.ingest.structure import heading_kind, table_header_cells
from assistant.ingest.types import Document
from assistant.lang.numbers import mentions
from assistant.lang.patterns import (
    PLAN_PERIOD,
    YEAR,
    YEAR_RE,
    YEAR_TOKEN_RE,
    opening_year,
    plan_period_years,
)
from assistant.lang.sentences import split_sentences
from assistant.records.tables import iter_rows, table_rows

KIND_CURRENT = "现状"
KIND_TARGET = "目标"

_YEAR_COL = re.compile(rf"({YEAR})\s*年")
_TABLE_TITLE = re.compile(r"^表\s*\d+(?:[-－.]\d+)?")
_ROW_START = re.compile(r"^(\d{1,3})\s+(\S.*)$")
_VALUE = re.compile(r"^[≤≥<>＜＞]?\d+(?:\.\d+)?%?$")
_SIGN = re.compile(r"^[≤≥<>＜＞]")
# Units of measure written in a table's unit column; a unit with a slash (人/百万车公里,
# 标台/万人) is recognised by the slash wherever the extraction broke it.
_UNIT_CELL = re.compile(
    r"^(?:%|％|‰|[个条座辆台项处家所人次元公里米千米吨标台万亿平方公顷亩km户套部]{1,5})$"
)
# A unit written in Latin letters in its own cell ("PFlops", "km", "MW", "TB"), and the dash
# of a row without a unit.
_LATIN_UNIT = re.compile(r"^[A-Za-z][A-Za-z/·]{0,7}$")
_NO_UNIT = re.compile(r"^[—–/／-]+$")
_HEADER_REPEAT = re.compile(r"^(?:序|号|序号)$")
_YEAR_LINE = re.compile(rf"^({YEAR})(?:\s+(.*))?$")
_TRAILING_YEAR = re.compile(rf"(?:年度|年份).*?({YEAR})$")
# A comparison written after the value in running text or notes.
_AFTER_SIGN = re.compile(r"^\s*(以上|以下|以内|左右)")
_BEFORE_SIGN = re.compile(r"(不低于|不少于|不超过|不高于|超过|低于|小于|大于|约)\s*$")
_DEADLINE = re.compile(
    rf"(?:(到|至|截至|截止|力争|预计)\s*)?({YEAR})\s*(?:年\s*(底|末|前)?|(?=[新建完开实续推启]))"
    rf"|(?:(到|至)\s*)[“\"]?({PLAN_PERIOD})[”\"]?\s*(期末|末)"
)
_CURRENT_CUES = re.compile(r"累计|已|现有|目前|现状|截至|共有|建成了|完成了|达到了")
_TARGET_CUES = re.compile(
    r"到|力争|预计|计划|目标|将|要|新建|新增|改造|建成|开通|完成|实现|达到|控制"
)
_TASK_TABLE = re.compile(r"任务|目标|计划|指标分解|预期")
_SUBJECT_STOP = re.compile(r"[，。；：、,;:（(）)“”\s]")
_VERB_TAIL = re.compile(
    r"(?:总量|总数|规模|数量)?(?:分别)?(?:达到|达|为|约|共|超过|累计|新建|建成|完成|控制在|保持在|"
    r"新增|改造|新改建|是|有|提高到|提升到|增加到|降低到|下降到|压减|压缩至|压缩到|不低于|不超过)+$"
)
_COUNT_UNITS = frozenset("个条座辆台项处家所批种类件张部轮班站场")
_SECTION_RANK = 6
_COUNT_TIME = re.compile(r"[半多]?(?:小时|钟头|星期)")


@dataclass(frozen=True)
class Fact:
    """One stated value: of an indicator in a year (a table cell) or a figure in a sentence.

    ``quote``/``start``/``end`` are the row or sentence exactly as in the cleaned document;
    ``context_*`` is the line that gives the value its year (the table header, or the year row of
    a task table) when that is not in the quote itself."""

    fact_id: str
    doc_id: str
    region: str
    source: str  # "table" or "prose"
    table: str
    row: str
    indicator: str
    unit: str
    year: int | None
    period: str
    kind: str
    value_text: str
    value: float | None
    comparator: str
    note: str
    quote: str
    start: int
    end: int
    context_quote: str = ""
    context_start: int = -1
    context_end: int = -1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def stated(self) -> str:
        """The value as an answer states it, from the row's own strings: "≤0.04人/百万车公里",
        "300公里以上", "80%左右"."""
        sign = self.comparator if self.comparator in ("≤", "≥", "<", ">") else ""
        text = self.value_text
        if sign and not _SIGN.match(text):
            text = sign + text
        suffix = self.comparator if self.comparator in ("以上", "以下", "以内", "左右") else ""
        unit = "" if text.endswith("%") else self.unit
        return f"{text}{unit}{suffix}"


def _fact_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class _Line:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _lines(text: str) -> list[_Line]:
    out, offset = [], 0
    for line in text.split("\n"):
        out.append(_Line(line, offset))
        offset += len(line) + 1
    return out


def _series_joined(text: str, lines: list[_Line]) -> list[_Line]:
    """Lines, with a line that ends inside a series ("…王莽岭、") joined to the next non-blank
    one: a table cell broken at its width, whose figure ("7个市级中心") closes the series."""
    out: list[_Line] = []
    open_series = False
    for line in lines:
        if open_series and line.text.strip():
            last = out[-1]
            out[-1] = _Line(text[last.start : line.end], last.start)
        elif not (open_series and not line.text.strip()):
            out.append(line)
        if line.text.strip():
            open_series = line.text.rstrip()[-1] in "、，,"
    return out


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------------------------------------
# Indicator tables: a header with a unit column and year columns, then numbered rows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    line: int  # index of the header line
    years: tuple[int, ...]
    title: str
    # The header has a 类别 column before the indicator's name ("序号 类别 指标 单位 …").
    category: bool = False
    # The header names tasks or a total over its years ("序号 任务 单位 2026年 … 合计").
    tasks: bool = False


_CATEGORY_COLUMN = re.compile(r"(?:类别|类型|领域)\s+(?:指标|名称|项目)")
_TASK_COLUMNS = re.compile(r"任务|合计|总计")
_MAX_SLASH_UNIT = 10
_MIN_WITH_CATEGORY = 3  # cells before the figures: category, name, unit


def _find_header(lines: list[_Line], i: int) -> _Header | None:
    text = lines[i].text
    if "单位" not in text or "。" in text:
        return None
    years = tuple(int(y) for y in _YEAR_COL.findall(text))
    if not years:
        return None
    title = ""
    for j in range(i, max(-1, i - 3), -1):
        if _TABLE_TITLE.match(lines[j].text.strip()):
            title = lines[j].text.strip()
            break
    # The header's own leading cells ("序号 指标名称") are not part of the title.
    title = re.sub(r"\s*(?:序号|序\s*号)?\s*(?:指标名称.*)?$", "", title).strip()
    if not title and i > 0:
        # A table without a "表 N" title is captioned by the short line above its header.
        above = re.sub(r"^附件\s*\d*\s*[：:]?\s*", "", lines[i - 1].text.strip())
        if 4 <= len(above) <= 40 and not re.search(r"[。；;：:，,]", above):
            title = above
    return _Header(
        i, years, title, bool(_CATEGORY_COLUMN.search(text)), bool(_TASK_COLUMNS.search(text))
    )


def _split_name_unit(tokens: list[str]) -> tuple[str, str]:
    # A unit with a slash ("公里/平方公里", "人/百万" + "车公里") is short and has no figure;
    # "出水COD浓度不高于30毫克/升的" is part of the name.
    slash = next(
        (
            k
            for k, t in enumerate(tokens)
            if "/" in t and len(t) <= _MAX_SLASH_UNIT and not re.search(r"\d", t)
        ),
        None,
    )
    if slash is not None and slash > 0:
        return "".join(tokens[:slash]), "".join(tokens[slash:])
    if len(tokens) > 1 and (_UNIT_CELL.match(tokens[-1]) or _LATIN_UNIT.match(tokens[-1])):
        return "".join(tokens[:-1]), tokens[-1]
    if len(tokens) > 1 and _NO_UNIT.match(tokens[-1]):
        return "".join(tokens[:-1]), ""
    return "".join(tokens), ""


def _parse_row(doc: Document, header: _Header, number: str, block: list[_Line]) -> Iterator[Fact]:
    # Tokens with their spans in the document, skipping header lines repeated after a page break.
    tokens: list[tuple[str, int, int]] = []
    for k, line in enumerate(block):
        text = line.text
        if k > 0 and (
            _HEADER_REPEAT.match(text.strip()) or ("单位" in text and _YEAR_COL.search(text))
        ):
            continue
        for m in re.finditer(r"\S+", text):
            tokens.append((m.group(0), line.start + m.start(), line.start + m.end()))
    tokens = tokens[1:]  # the row number
    doc_year = _document_year(doc)
    n = len(header.years)
    at = next(
        (
            k
            for k in range(1, len(tokens) - n + 1)
            if all(_VALUE.match(tokens[k + d][0]) for d in range(n))
        ),
        None,
    )
    if at is None:
        return
    lead = [t for t, _, _ in tokens[:at]]
    if header.category and len(lead) >= _MIN_WITH_CATEGORY:
        # A 类别 column before the indicator's: the row's first cell is its category.
        lead = lead[1:]
    name, unit = _split_name_unit(lead)
    if not name:
        return
    values = tokens[at : at + n]
    row_start = block[0].start
    row_end = values[-1][2]
    note = _compact("".join(t for t, _, _ in tokens[at + n :]))
    quote = doc.text[row_start:row_end]
    for y_index, ((value_text, _, _), year) in enumerate(zip(values, header.years, strict=True)):
        # The first year column is the baseline, unless the table sets tasks year by year (a
        # 任务 or 合计 column) from the year the document speaks from: then all are targets.
        first_is_base = n > 1 and not (header.tasks and doc_year and header.years[0] >= doc_year)
        kind = KIND_CURRENT if first_is_base and y_index == 0 else KIND_TARGET
        sign = _SIGN.match(value_text)
        comparator = sign.group(0) if sign else ""
        bare = value_text.lstrip("≤≥<>＜＞")
        if not comparator and note and kind == KIND_TARGET:
            # The notes may qualify the target: "达到80%左右".
            qualified = re.search(
                rf"(?<![\d.]){re.escape(bare)}(?:{re.escape(unit)})?(以上|以下|左右)", note
            )
            if qualified:
                comparator = qualified.group(1)
        value = mentions(bare, strict=False)
        yield Fact(
            fact_id=_fact_id(doc.meta.doc_id, header.title, number, year),
            doc_id=doc.meta.doc_id,
            region=doc.meta.region,
            source="table",
            table=header.title,
            row=number,
            indicator=name,
            unit=unit,
            year=year,
            period=f"{year}年",
            kind=kind,
            value_text=value_text,
            value=float(value[0].value) if value else None,
            comparator=comparator,
            note=note,
            quote=quote,
            start=row_start,
            end=row_end,
        )


def table_facts(doc: Document) -> list[Fact]:
    """One fact per (row, year column) of every indicator table in ``doc``."""
    lines = _lines(doc.text)
    facts: list[Fact] = []
    i = 0
    while i < len(lines):
        header = _find_header(lines, i)
        if header is None:
            i += 1
            continue
        head = lines[i]
        expected = 1
        block: list[_Line] = []
        number = ""
        j = i + 1
        since_row = 0
        while j < len(lines):
            line = lines[j]
            row = _ROW_START.match(line.text)
            if row and int(row.group(1)) == expected:
                if block:
                    facts.extend(_with_header(_parse_row(doc, header, number, block), head))
                block, number = [line], row.group(1)
                expected += 1
                since_row = 0
            elif (heading_kind(line.text) is not None and not row) or _TABLE_TITLE.match(line.text):
                break
            elif block:
                since_row += 1
                if since_row > 8:
                    break
                block.append(line)
            j += 1
        if block:
            facts.extend(_with_header(_parse_row(doc, header, number, block), head))
        i = max(j, i + 1)
    return facts


def _with_header(facts: Iterator[Fact], head: _Line) -> Iterator[Fact]:
    for f in facts:
        yield Fact(
            **{
                **f.to_dict(),
                "context_quote": head.text,
                "context_start": head.start,
                "context_end": head.end,
            }
        )


# ---------------------------------------------------------------------------------------------
# Figures in prose, and in task tables whose rows are years
# ---------------------------------------------------------------------------------------------


def _deadline(sentence: str, before: int) -> tuple[int | None, str, bool]:
    """The year a figure refers to: the last year phrase before it in the sentence ("到2030年，
    …达到1.8万个"). A year after the figure belongs to another clause. Returns (year, phrase as
    written, whether it reads as a deadline)."""
    best: re.Match[str] | None = None
    for m in _DEADLINE.finditer(sentence[:before]):
        best = m
    if best is None:
        return None, "", False
    if best.group(2):
        deadline = bool(best.group(1)) or bool(best.group(3) and best.group(3) != "末")
        return int(best.group(2)), best.group(0).strip(), deadline
    period = plan_period_years(best.group(5))
    return (period[1] if period else None), best.group(0).strip(), True


def _document_year(doc: Document) -> int:
    """The year the document speaks from: its date, else the start of its period."""
    m = re.search(YEAR, doc.meta.date) or re.search(YEAR, doc.meta.period)
    return int(m.group(0)) if m else 0


def _subject(sentence: str, start: int) -> str:
    head = sentence[:start]
    cut = max((m.end() for m in _SUBJECT_STOP.finditer(head)), default=0)
    subject = head[cut:]
    subject = _DEADLINE.sub("", subject)
    return _VERB_TAIL.sub("", subject).strip()


def _object(sentence: str, end: int) -> str:
    m = _SUBJECT_STOP.search(sentence, end)
    return sentence[end : m.start() if m else len(sentence)].strip()


def _is_year_or_date(sentence: str, m: Any) -> bool:
    return m.unit in ("年", "月", "日") or bool(
        re.match(r"[年月日号期]", sentence[m.end : m.end + 1])
    )


def _prose_from_sentence(
    doc: Document,
    sentence: str,
    start: int,
    *,
    table: str = "",
    row: str = "",
    year_line: _Line | None = None,
    year: int | None = None,
    lead_year: int | None = None,
) -> Iterator[Fact]:
    """``lead_year``: the year an earlier sentence of the paragraph opened with ("2025年，…"),
    the time of a figure whose own sentence names none."""
    doc_year = _document_year(doc)
    for m in mentions(sentence, strict=True):
        if not m.unit or _is_year_or_date(sentence, m) or m.unit in ("级", "期", "类", "方面"):
            continue
        after = _AFTER_SIGN.match(sentence[m.end :])
        before = _BEFORE_SIGN.search(sentence[: m.start])
        comparator = (after.group(1) if after else "") or (before.group(1) if before else "")
        found_year, period, deadline = _deadline(sentence, m.start)
        if year is not None:
            found_year, period, deadline = year, f"{year}年", True
        elif found_year is None and lead_year is not None:
            found_year, period = lead_year, f"{lead_year}年"
        subject = _subject(sentence, m.start)
        obj = _object(sentence, m.end) if m.unit in _COUNT_UNITS or m.unit.endswith("个") else ""
        clause = sentence[: m.start]
        if _CURRENT_CUES.search(clause) and not deadline:
            kind = KIND_CURRENT
        elif found_year is not None:
            # A year the document looks back on is a current value; one it looks ahead to a target.
            kind = KIND_TARGET if deadline or found_year >= doc_year else KIND_CURRENT
        else:
            kind = KIND_TARGET if _TARGET_CUES.search(clause) else KIND_CURRENT
        indicator = _compact(f"{subject}{'…' + obj if obj else ''}") or _compact(obj)
        value_text = m.text[: len(m.text) - len(m.unit)] if m.unit else m.text
        unit = m.unit
        tail = _COUNT_TIME.match(sentence[m.end :])
        if unit == "个" and tail:
            # "3个半小时": a duration, not a count of 3 things.
            unit += tail.group(0)
        yield Fact(
            fact_id=_fact_id(doc.meta.doc_id, start + m.start, m.text),
            doc_id=doc.meta.doc_id,
            region=doc.meta.region,
            source="prose",
            table=table,
            row=row,
            indicator=indicator,
            unit=unit,
            year=found_year,
            period=period,
            kind=kind,
            value_text=value_text,
            value=float(m.value),
            comparator=comparator,
            note="",
            quote=sentence,
            start=start,
            end=start + len(sentence),
            context_quote=year_line.text if year_line else "",
            context_start=year_line.start if year_line else -1,
            context_end=year_line.end if year_line else -1,
        )


def prose_facts(doc: Document, skip: list[tuple[int, int]]) -> list[Fact]:
    """Figures with a unit in every sentence outside the indicator tables (``skip`` spans). In a
    task table whose rows are years ("2023" on its own line, then that year's tasks) a figure
    takes the row's year and cites the year line as its context."""
    lines = _series_joined(doc.text, _lines(doc.text))
    facts: list[Fact] = []
    table = ""
    year_line: _Line | None = None
    for line in lines:
        text = line.text
        if not text.strip() or any(s <= line.start < e for s, e in skip):
            continue
        stripped = text.strip()
        if _TABLE_TITLE.match(stripped):
            table = stripped
            trailing = _TRAILING_YEAR.search(stripped)
            year_line = line if trailing else None
            if trailing:
                # "表 3 …任务（2023-2025年）年份 建设内容2023": the first year row is glued on.
                year_line = _Line(trailing.group(1), line.start + trailing.start(1))
            continue
        rank = heading_kind(text)
        # Numbered task items ("1.完成…") live inside a table; a section heading ends it.
        if table and rank is not None and rank <= _SECTION_RANK:
            table, year_line = "", None
        year_row = _YEAR_LINE.match(stripped) if table else None
        if year_row:
            year_line = _Line(year_row.group(1), line.start + text.index(year_row.group(1)))
        year = int(year_line.text) if table and year_line else None
        lead_year: int | None = None
        for s, e in split_sentences(text, line.start):
            sentence = doc.text[s:e]
            lead_year = opening_year(sentence) or lead_year
            label = ""
            if table:
                first = sentence.split(" ", 1)
                label = first[0] if len(first) > 1 and len(first[0]) <= 8 else ""
            facts.extend(
                _prose_from_sentence(
                    doc,
                    sentence,
                    s,
                    table=table,
                    row=label,
                    year_line=year_line if year is not None else None,
                    year=year,
                    lead_year=lead_year,
                )
            )
    return facts


# ---------------------------------------------------------------------------------------------
# Project and named-item tables (numbered rows, one cell per column, no year columns): one fact
# per row, from the table rows the records layer rebuilds (``tables.py``)
# ---------------------------------------------------------------------------------------------

_YEAR_COLUMN = re.compile(rf"^{YEAR}\s*年")
_DEADLINE_COLUMN = re.compile(r"时限|时间|年限")


def _header_span(doc: Document, before: int) -> tuple[int, int]:
    """The header line of the table whose first row starts at ``before``."""
    pos = before
    for _ in range(4):
        line_end = pos - 1
        if line_end < 0:
            break
        line_start = doc.text.rfind("\n", 0, line_end) + 1
        if table_header_cells(doc.text[line_start:line_end]) is not None:
            return line_start, line_end
        pos = line_start
    return before, before


# A header with its unit in brackets ("长度（公里）", "投资（亿元）"); the extraction may cut
# the bracket ("长度（公": the header's second line lost).
_HEADER_UNIT = re.compile(
    r"^(?P<name>[^（(]+?)\s*[（(](?P<unit>[^（）()\d]{1,4})(?P<closed>[）)])?$"
)
_BARE_FIGURE = re.compile(r"^\d+(?:\.\d+)?$")
_BARE_YEAR = re.compile(r"^(?:19|20)\d{2}$")


def units_used(text: str) -> list[str]:
    """The units the document writes figures in, most used first (ties: first written)."""
    counts: dict[str, int] = {}
    for m in mentions(text, strict=False):
        if m.unit:
            counts[m.unit] = counts.get(m.unit, 0) + 1
    return sorted(counts, key=lambda u: -counts[u])


def cell_said(header: str, value: str, units: Sequence[str]) -> tuple[str, str]:
    """A row's cell as an answer states it, as (column name, value): a bare figure under a
    header with a unit takes the unit ("长度（公里）" 7.1 → "长度", "7.1公里"); a unit the
    extraction cut ("长度（公") is the unit the document itself writes most that begins so
    (``units``, from ``units_used``); a bare year under a header about years ("建设年限" 2024)
    is a year ("2024年")."""
    m = _HEADER_UNIT.match(header)
    if m and _BARE_FIGURE.match(value):
        unit = m.group("unit")
        if not m.group("closed"):
            unit = next((u for u in units if u.startswith(unit)), "")
        return m.group("name"), f"{value}{unit}"
    if "年" in header and _BARE_YEAR.match(value):
        return header, f"{value}年"
    return header, value


def list_table_facts(doc: Document) -> list[Fact]:
    """One fact per numbered row of a table without year columns that states a figure (a
    project's length, a site's capacity): the row's first figure, with every cell under its
    column name as the note an answer states. Rows whose cells were not all rebuilt yield
    nothing rather than misaligned cells."""
    facts: list[Fact] = []
    first_row: dict[str, int] = {}
    units = units_used(doc.text)
    for row in iter_rows(table_rows(doc)):
        if not row.number.isdigit() or len(row.cells) < 3:
            continue
        columns = [(h, v) for h, v in row.cells if v != row.number or h != row.cells[0][0]]
        if any(_YEAR_COLUMN.match(h) for h, _ in row.cells) or not all(v for _, v in columns):
            continue
        numbers = [v for _, v in columns if _VALUE.match(v) and not YEAR_TOKEN_RE.match(v)]
        # A task list's row states no figure but a deadline ("完成时限：2025年6月"): it answers
        # "什么时候" all the same.
        if not numbers and not any(
            _DEADLINE_COLUMN.search(h) and YEAR_RE.search(v) for h, v in columns
        ):
            continue
        table_key = f"{row.table}\x1f{row.section}"
        head_start, head_end = _header_span(doc, first_row.setdefault(table_key, row.start))
        name = next((v for h, v in columns if "名称" in h), columns[0][1])
        value = mentions(numbers[0], strict=False) if numbers else []
        facts.append(
            Fact(
                fact_id=_fact_id(doc.meta.doc_id, row.table, head_start, row.number),
                doc_id=doc.meta.doc_id,
                region=doc.meta.region,
                source="row",
                table=row.table,
                row=row.number,
                indicator=name,
                unit="",
                year=None,
                period="",
                kind="",
                value_text=numbers[0] if numbers else "",
                value=float(value[0].value) if value else None,
                comparator="",
                # The cells under their column names, as an answer states the row.
                note="；".join("：".join(cell_said(h, v, units)) for h, v in columns),
                quote=row.quote,
                start=row.start,
                end=row.end,
                context_quote=doc.text[head_start:head_end],
                context_start=head_start,
                context_end=head_end,
            )
        )
    return facts


# ---------------------------------------------------------------------------------------------
# Task tables keyed by year (年度 | 建设内容, a year above its tasks): one fact per task item, so
# "X安排在哪一年" is answered by the year row the item sits in
# ---------------------------------------------------------------------------------------------

# A numbered item inside a cell ("1.办理…；2.开工…"), at the cell's start or after a stop.
_ITEM_MARK = re.compile(r"(?:^|(?<=[；;。\s]))\d{1,2}[.．、](?!\d)")


def _year_line(doc: Document, year: str, before: int, floor: int) -> tuple[int, int]:
    """The span of the year key that heads the row at ``before``: the nearest line at or above
    it (not above ``floor``) that starts with the year; a year merged over several sub-rows is
    printed once, above the first."""
    pos = before + len(year)
    while (pos := doc.text.rfind(year, floor, pos)) >= 0:
        if pos == 0 or doc.text[pos - 1] == "\n":
            return pos, pos + len(year)
        pos += len(year) - 1
    return -1, -1


def _skip_cell(text: str, at: int, value: str) -> int:
    """Past ``value`` at ``at`` (after spacing), matched over the extraction's own spacing
    ("国省干线", "2023"); ``at`` itself when the text does not start with it."""
    k = at
    while k < len(text) and text[k].isspace():
        k += 1
    matched = 0
    while k < len(text) and matched < len(value):
        if not text[k].isspace():
            if text[k] != value[matched]:
                return at
            matched += 1
        k += 1
    return k if matched == len(value) else at


def task_item_facts(doc: Document) -> list[Fact]:
    """One fact per task item of every table whose rows are keyed by a year: the item's text as
    its quote, the year as the fact's year, the year key's line as its context. The item carries
    no value: these facts say *when*; the figures in them stay prose facts."""
    facts: list[Fact] = []
    doc_year = _document_year(doc)
    first_row: dict[str, int] = {}
    for row in iter_rows(table_rows(doc)):
        if not YEAR_TOKEN_RE.match(row.number) or len(row.cells) < 2:
            continue
        first = first_row.setdefault(row.table, row.start)
        # The year of a table's first row may sit on the line above it.
        floor = doc.text.rfind("\n", 0, max(0, first - 1)) + 1
        key_start, key_end = _year_line(doc, row.number, row.start, min(floor, row.start))
        text = doc.text[row.start : row.end]
        # The content follows the row's key and its label cells ("2023", "国省干线").
        at = 0
        for value in [row.number] + [v for _, v in row.cells[1:-1]]:
            at = _skip_cell(text, at, value)
        marks = [m.start() for m in _ITEM_MARK.finditer(text, at)]
        lead = [at] if not marks or text[at : marks[0]].strip() else []
        bounds = lead + marks + [len(text)]
        year = int(row.number)
        for s, e in itertools.pairwise(bounds):
            item = text[s:e].strip()
            if not item:
                continue
            start = row.start + s + (len(text[s:e]) - len(text[s:e].lstrip()))
            end = start + len(item)
            facts.append(
                Fact(
                    fact_id=_fact_id(doc.meta.doc_id, "task", start, end),
                    doc_id=doc.meta.doc_id,
                    region=doc.meta.region,
                    source="task",
                    table=row.table,
                    row="".join(v for _, v in row.cells[1:-1]),
                    indicator=_compact(_ITEM_MARK.sub("", item, count=1)),
                    unit="",
                    year=year,
                    period=f"{year}年",
                    kind=KIND_TARGET if year >= doc_year else KIND_CURRENT,
                    value_text="",
                    value=None,
                    comparator="",
                    note="",
                    quote=item,
                    start=start,
                    end=end,
                    context_quote=doc.text[key_start:key_end] if key_start >= 0 else "",
                    context_start=key_start,
                    context_end=key_end,
                )
            )
    return facts


# ---------------------------------------------------------------------------------------------
# Matrix tables: rows named by a place or unit ("萍乡市 34 32 88.0"), one column per year and
# indicator, named by a header that may be broken over several lines ("2025年PM2.5目标
# （微克/立方米）")
# ---------------------------------------------------------------------------------------------

# A named row of figures ("萍乡市 33.5 32.8"), its running number before it if it has one
# ("7 东湖区 180 300 600 3").
_MATRIX_ROW = re.compile(
    r"^(?:\d{1,3}\s+)?([\u4e00-\u9fff（）()]{2,20})((?:\s+[≤≥<>＜＞]?\d+(?:\.\d+)?%?){2,})\s*$"
)
_COLUMN_YEAR = re.compile(rf"({YEAR})\s*年")
# A column label's stance word ("…基期值", "…目标"): what is left names the quantity.
_STANCE_END = re.compile(r"(?:基期值|基期|现状值|现状|目标值|目标|预期值|预期)$")
_DATED_UNIT = re.compile(rf"^({YEAR})\s*年\s*[，,、]\s*(\S{{1,6}})$")
_COLUMN_UNIT = re.compile(r"[（(]([^（）()]{1,12})[）)]\s*$")
_MIN_MATRIX_ROWS = 3
_MAX_LABEL = 24
_LABEL_PUNCT = re.compile(r"[，。；：、,;:]")
_MAX_HEADER_LINES = 8


def _matrix_columns(header: str, n: int) -> list[tuple[int | None, str, str]] | None:
    """(year, name, unit) of the last ``n`` year-led labels of a header ("2024年PM2.5浓度
    （微克/立方米）2025年PM2.5目标…"), or None when it does not name ``n`` of them."""
    found = list(_COLUMN_YEAR.finditer(header))
    if len(found) < n:
        return None
    found = found[-n:]
    columns: list[tuple[int | None, str, str]] = []
    for k, m in enumerate(found):
        label = header[m.end() : found[k + 1].start() if k + 1 < n else len(header)]
        label = _compact(label)
        unit = _COLUMN_UNIT.search(label)
        name = label[: unit.start()] if unit else label
        if not name:
            return None
        columns.append((int(m.group(1)), name, unit.group(1) if unit else ""))
    return columns


def _label_columns(
    head_lines: list[_Line], n: int
) -> tuple[list[tuple[int | None, str, str]], str, list[_Line]] | None:
    """Columns one label a line above the rows ("设区市" / "新建5G基站（个）" / "累计5G基站
    （个）"): the last ``n`` lines are the columns (unit in brackets), the line before them the
    key column's label, and the line before that the title. A label may name its year
    ("农村生活污水治理率基期值（2025年，%）", "2026年目标（%）"); a label that is only a stance
    ("2026年目标") is of the indicator the label before it names. Other columns take the one year
    the title names, else none."""
    if len(head_lines) < n + 1:
        return None
    labels = [line.text.strip() for line in head_lines[-n:]]
    key_label = head_lines[-n - 1].text.strip()
    cells = [key_label, *labels]
    if any(
        not c or len(c) > _MAX_LABEL or _LABEL_PUNCT.search(_unbracketed(c)) or " " in c
        for c in cells
    ):
        return None
    title_line = head_lines[-n - 2] if len(head_lines) >= n + 2 else None
    title = title_line.text.strip() if title_line else ""
    years = {int(y) for y in _COLUMN_YEAR.findall(title)}
    title_year: int | None = years.pop() if len(years) == 1 else None
    columns: list[tuple[int | None, str, str]] = []
    subject = ""
    for label in labels:
        year_m = _COLUMN_YEAR.search(label)
        unit = ""
        for inside in re.findall(r"[（(]([^（）()]*)[）)]", label):
            rest = [p for p in re.split(r"[，,]", _COLUMN_YEAR.sub("", inside)) if p.strip()]
            if rest and len(rest[-1]) <= _MAX_UNIT_CELL and not _QUALIFIER.search(rest[-1]):
                unit = rest[-1].strip()
        name = _COLUMN_YEAR.sub("", _unbracketed(label)).strip()
        if not name or _VALUE.match(name):
            return None
        if _QUALIFIER.fullmatch(re.sub(r"值$", "", name)) and subject:
            name = subject + name  # "2026年目标" under 农村生活污水治理率
        subject = re.sub(rf"(?:{_QUALIFIER.pattern})值?$", "", name) or name
        columns.append((int(year_m.group(1)) if year_m else title_year, name, unit))
    head = head_lines[-n - 2 :] if title_line else head_lines[-n - 1 :]
    return columns, title, head


def _unbracketed(text: str) -> str:
    return re.sub(r"[（(][^（）()]*[）)]", "", text)


_MAX_UNIT_CELL = 8
_QUALIFIER = re.compile(r"基期|基准|现状|目标|预期|预计")
_UNIT_LINE = re.compile(r"^(?:计量)?单位[：:]\s*(\S{1,8})$")
_ATTACHMENT_LINE = re.compile(r"^(?:附表|附件)\s*\d*[：:]?$")
_BARE_YEAR_CELL = re.compile(rf"^({YEAR})年(.*)$")


_MIN_GROUPS = 2


def _grouped_columns(
    head_lines: list[_Line], n: int, doc_year: int
) -> tuple[list[tuple[int | None, str, str]], str, list[_Line]] | None:
    """A two-level header: indicator groups, each over the same sub-columns ("PM2.5平均浓度
    （微克/立方米）" "优良天数比例（%）" over "基期值（2025年） 目标值" twice). Column i is group
    i // m with sub-column i % m: named by both, in the group's unit, dated by the sub-column's
    year or else the title's one year, or the document's."""
    tokens: list[tuple[str, int]] = []
    for k, line in enumerate(head_lines):
        tokens.extend((t, k) for t in line.text.split())
    for groups in range(_MIN_GROUPS, 5):
        if n % groups or n // groups < _MIN_GROUPS or len(tokens) < n + groups + 1:
            continue
        m = n // groups
        subs = [t for t, _ in tokens[-n:]]
        if any(subs[j] != subs[j % m] for j in range(n)):
            continue
        heads = [t for t, _ in tokens[-n - groups : -n]]
        key, key_line = tokens[-n - groups - 1]
        if any(len(c) > _MAX_LABEL or _VALUE.match(c) for c in [key, *heads, *subs[:m]]):
            continue
        above = [line.text.strip() for line in head_lines[:key_line]]
        titles = [
            a for a in above if a and not _UNIT_LINE.match(a) and not _ATTACHMENT_LINE.match(a)
        ]
        title = titles[-1] if titles else ""
        title_years = {int(y) for y in _COLUMN_YEAR.findall(title)}
        title_year = title_years.pop() if len(title_years) == 1 else (doc_year or None)
        columns: list[tuple[int | None, str, str]] = []
        for j in range(n):
            head, sub = heads[j // m], subs[j % m]
            unit_m = _COLUMN_UNIT.search(head)
            name = head[: unit_m.start()] if unit_m else head
            year_m = _COLUMN_YEAR.search(sub)
            bare = re.sub(r"[（(][^（）()]*[）)]", "", sub)
            columns.append(
                (
                    int(year_m.group(1)) if year_m else title_year,
                    name + bare,
                    unit_m.group(1) if unit_m else "",
                )
            )
        return columns, title, head_lines
    return None


def _spaced_columns(
    head_lines: list[_Line], n: int
) -> tuple[list[tuple[int | None, str, str]], str, list[_Line]] | None:
    """Columns from a header line of spaced cells, the key column's label first ("市州 2025年
    2027年 2030年", "工程类别 项目数（个） 投资（亿元）"): a year cell is that year's column, named
    by what follows the year or else by the table's title ("各市州城市生活污水集中收集率目标" →
    城市生活污水集中收集率); another cell is a column of its own, of the title's one year if it
    names one (else no year). A "单位：%" line above gives the unit of columns without one."""
    if not head_lines:
        return None
    cells = head_lines[-1].text.split()
    if len(cells) == n + 2 and cells[0] in ("序号", "编号"):
        cells = cells[1:]  # the rows' running numbers are no figures of theirs
    if len(cells) != n + 1 or any(
        len(c) > _MAX_LABEL or _LABEL_PUNCT.search(re.sub(r"[（(][^（）()]*[）)]", "", c))
        for c in cells
    ):
        return None
    above = [line.text.strip() for line in head_lines[:-1]]
    unit_line = next((u.group(1) for a in above if (u := _UNIT_LINE.match(a))), "")
    titles = [a for a in above if a and not _UNIT_LINE.match(a) and not _ATTACHMENT_LINE.match(a)]
    title = titles[-1] if titles else ""
    subject = re.sub(rf"^各{re.escape(cells[0])}", "", title)
    subject = re.sub(r"(?:目标|情况|一览表|表)$", "", subject)
    title_years = {int(y) for y in _COLUMN_YEAR.findall(title)}
    title_year = title_years.pop() if len(title_years) == 1 else None
    columns: list[tuple[int | None, str, str]] = []
    for cell in cells[1:]:
        unit_m = _COLUMN_UNIT.search(cell)
        if unit_m and _QUALIFIER.search(unit_m.group(1)):
            cell = cell[: unit_m.start()]  # "2025年（基期值）": a stance, not a unit
            unit_m = None
        name = cell[: unit_m.start()] if unit_m else cell
        unit = unit_m.group(1) if unit_m else unit_line
        dated = _DATED_UNIT.match(unit)
        year_m = _BARE_YEAR_CELL.match(name)
        if dated:
            # "基期值（2025年，个）": the column's year and unit in one bracket.
            columns.append((int(dated.group(1)), name, dated.group(2)))
        elif year_m:
            rest = year_m.group(2) or ""
            base = next(
                (b for _, c, _ in reversed(columns) if (b := _STANCE_END.sub("", c)) and b != c),
                "",
            )
            if _STANCE_END.fullmatch(rest) and base:
                # "污水处理站基期值（2025年，座） 2026年目标（座）": the year's 目标 is of the
                # quantity the column before named.
                rest = base + rest
            columns.append((int(year_m.group(1)), rest or subject, unit))
        elif _VALUE.match(name) or not name:
            return None
        else:
            columns.append((title_year, name, unit))
    return columns, title, head_lines


_FIGURES_ONLY = re.compile(r"^(?:[≤≥<>＜＞]?\d+(?:\.\d+)?%?\s*)+$")


def _values_in(line: _Line) -> int:
    m = _MATRIX_ROW.match(line.text.strip())
    return len(m.group(2).split()) if m else -1


def _rows_rejoined(lines: list[_Line]) -> list[_Line]:
    """A named row broken by a page break ("西城区 35.0 34.1" / "32.9 31.6") is one row again
    when, together, its figures number as many as its neighbours' rows do."""
    out: list[_Line] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        have = _values_in(line)
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if have > 0 and nxt is not None and _FIGURES_ONLY.match(nxt.text.strip()):
            total = have + len(nxt.text.split())
            neighbours = [_values_in(x) for x in (out[-1:] + lines[k + 2 : k + 3])]
            if total in neighbours:
                # The text between them is the line break; the row's span covers both.
                out.append(_Line(line.text + "\n" + nxt.text, line.start))
                k += 2
                continue
        out.append(line)
        k += 1
    return out


def matrix_table_facts(doc: Document) -> list[Fact]:
    """One fact per cell of every table whose rows are named (not numbered) and whose columns
    are each a year's indicator: at least three such rows with the same number of values, under
    a header naming that many years. The row's name leads the indicator ("萍乡市PM2.5目标")."""
    lines = _rows_rejoined(_lines(doc.text))
    doc_year = _document_year(doc)
    facts: list[Fact] = []
    i = 0
    while i < len(lines):
        first = _MATRIX_ROW.match(lines[i].text.strip())
        if first is None:
            i += 1
            continue
        n = len(first.group(2).split())
        j = i
        while j < len(lines) and (m := _MATRIX_ROW.match(lines[j].text.strip())):
            if len(m.group(2).split()) != n:
                break
            j += 1
        if j - i < _MIN_MATRIX_ROWS:
            i = j
            continue
        # The header: the lines above the rows, back to a sentence's end or a blank line.
        top = i
        while top > 0 and i - top < _MAX_HEADER_LINES:
            above = lines[top - 1].text.strip()
            if (
                not above
                or above.endswith(("。", "；", "："))
                or _MATRIX_ROW.match(above)
                or _VALUE.match(above)  # the last cell of the table above
            ):
                break
            top -= 1
        head_lines = lines[top:i]
        header = "".join(line.text for line in head_lines)
        # Labels one a line without a year are read first: a year-led header may be found in
        # the prose above them ("附件：1.2025年…").
        labelled = (
            _grouped_columns(head_lines, n, doc_year)
            or _spaced_columns(head_lines, n)
            or _label_columns(head_lines, n)
        )
        columns = None if labelled else _matrix_columns(header, n)
        if labelled is not None:
            columns, title, head_lines = labelled
        elif columns is not None and head_lines:
            # The title is the line above the one the first column label starts on.
            label_at = list(_COLUMN_YEAR.finditer(header))[-n].start()
            k, seen = 0, 0
            while k + 1 < len(head_lines) and seen + len(head_lines[k].text) <= label_at:
                seen += len(head_lines[k].text)
                k += 1
            title = head_lines[k - 1].text.strip() if k > 0 else ""
        else:
            i = j
            continue
        head_start, head_end = head_lines[0].start, head_lines[-1].end
        for line in lines[i:j]:
            row = _MATRIX_ROW.match(line.text.strip())
            assert row is not None
            name = row.group(1)
            for (year, column, unit), value_text in zip(columns, row.group(2).split(), strict=True):
                sign = _SIGN.match(value_text)
                value = mentions(value_text.lstrip("≤≥<>＜＞"), strict=False)
                # A figure for the document's own year is a target when the table sets tasks
                # or targets ("2025年各市建设任务" in a 2025 work-points list).
                kind = (
                    ""
                    if year is None
                    else KIND_TARGET
                    if "目标" in column
                    or year > doc_year
                    or (year == doc_year and _TASK_TABLE.search(title))
                    else KIND_CURRENT
                )
                facts.append(
                    Fact(
                        fact_id=_fact_id(doc.meta.doc_id, "matrix", line.start, year, column),
                        doc_id=doc.meta.doc_id,
                        region=doc.meta.region,
                        source="table",
                        table=title,
                        # The row as a question names it: its key and every column it holds
                        # ("萍乡市的PM2.5目标和优良天数比率目标" asks for two cells of one row).
                        row=f"{name}：{'、'.join(c for _, c, _ in columns)}",
                        indicator=f"{name}{column}",
                        unit=unit,
                        year=year,
                        period=f"{year}年" if year is not None else "",
                        kind=kind,
                        value_text=value_text,
                        value=float(value[0].value) if value else None,
                        comparator=sign.group(0) if sign else "",
                        note="",
                        quote=line.text,
                        start=line.start,
                        end=line.end,
                        context_quote=doc.text[head_start:head_end],
                        context_start=head_start,
                        context_end=head_end,
                    )
                )
        i = j
    return facts


def extract_facts(doc: Document) -> list[Fact]:
    tables = table_facts(doc) + list_table_facts(doc) + matrix_table_facts(doc)
    spans = [(f.start, f.end) for f in tables]
    # A table's notes column continues below its rows; keep the prose pass out of the whole
    # table (from its first row to the end of its last row's block).
    if spans:
        spans = _table_extents(tables)
    return tables + prose_facts(doc, spans) + task_item_facts(doc)


def _table_extents(facts: list[Fact]) -> list[tuple[int, int]]:
    by_table: dict[tuple[str, int], list[Fact]] = {}
    for f in facts:
        by_table.setdefault((f.table, f.context_start), []).append(f)
    extents = []
    for group in by_table.values():
        extents.append((min(f.start for f in group), max(f.end for f in group)))
    return extents
