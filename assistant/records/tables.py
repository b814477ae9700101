"""Table rows as ``TableRow`` records, from the three shapes tables reach us in:

- cells kept apart by the loader (.docx tables and PDF tables found by pdfplumber come as lines
  of cells joined by ``CELL_SEPARATOR``): exact cells under the header row;
- flattened tables in text extractions: a header line (序号/名称/项目/年度/牵头单位… or a "表 N"
  title line) then rows that start with a row number or a year, whose cells may be broken over
  several lines. When a row splits into as many cells as the header has, the cells are mapped
  one to one; otherwise the row keeps its text under the header's content column, and the typed
  fields (lead and co-units, deadline) are still read from it.

Indicator tables (a unit column and year columns) are read as numeric facts by ``facts.py``; they
are table rows here as well, so "which rows does 表3-1 have" works like any other table."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from assistant.ingest.loaders import CELL_MARK
from assistant.ingest.types import Document
from assistant.lang.patterns import YEAR
from assistant.records.structures import Locator, split_units
from assistant.records.types import Record, TableRow

# Words a header cell is made of in this genre.
_HEADER_WORDS = (
    "序号",
    "名称",
    "项目",
    "类别",
    "类型",
    "指标",
    "单位",
    "年度",
    "年份",
    "年限",
    "内容",
    "任务",
    "措施",
    "牵头",
    "责任",
    "配合",
    "时限",
    "时间",
    "长度",
    "规模",
    "投资",
    "属性",
    "备注",
    "现状",
    "目标",
    "地点",
    "级别",
)
_TABLE_TITLE = re.compile(r"^(?:附)?表\s*\d+(?:[-－.]\d+)?\s*(?P<rest>.*)$")
_ROW_KEY = re.compile(rf"^(?P<key>\d{{1,3}}|{YEAR})(?:\s+|$|(?=[\u4e00-\u9fff]))(?P<rest>.*)$")
_ORG = re.compile(
    r"(?:市|县|区|省|各)[\u4e00-\u9fff（）()]{1,20}?"
    r"(?:局|委|办|厅|中心|公司|支队|部|院|政府|集团|管委会|委员会)(?:（[^）]{1,10}）)?"
)
_DEADLINE = re.compile(rf"{YEAR}年(?:\d{{1,2}}月)?(?:底|前|年底前)?|长期|持续推进")
# A heading of the document's outline ends a table; numbered items inside cells ("1.办理…") do not.
_SECTION_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十百]+[章节条])"
)
# A cell's own numbered items ("1.办理…；2.…。") continue a row even when they end a sentence.
_CELL_ITEM = re.compile(r"^(?:\d{1,2}[.．、]|[（(]\d{1,2}[）)])")
_MAX_HEADER_CELL = 8  # characters: a header cell is a short label
_MAX_ROWS_GAP = 3  # prose lines a flattened table may contain between rows (page furniture)


def _header_cells(line: str) -> list[str] | None:
    """The cells of a header line, or None when the line is not a header."""
    if CELL_MARK in line:
        cells = [c.strip() for c in line.split(CELL_MARK)]
    else:
        if "。" in line or len(line) > 80:
            return None
        # "2021 年" is one header cell that the extraction spaced out.
        cells = re.sub(rf"({YEAR})\s+年", r"\1年", line).split()
    hits = sum(1 for c in cells if any(w in c for w in _HEADER_WORDS))
    if len(cells) >= 2 and hits >= 2 and hits >= len(cells) // 2:
        return cells
    return None


def _role(header: str) -> str:
    if "牵头" in header or "责任" in header:
        return "lead"
    if "配合" in header:
        return "co"
    if "时限" in header or "时间" in header:
        return "deadline"
    return ""


def _content_column(header: Sequence[str]) -> str:
    for word in ("具体内容", "建设内容", "内容", "任务", "措施", "名称", "项目", "指标"):
        for h in header:
            if word in h:
                return h
    return header[-1] if header else "内容"


def _row(
    doc: Document,
    locator: Locator,
    table: str,
    header: Sequence[str],
    number: str,
    start: int,
    end: int,
    separated: bool,
) -> TableRow:
    text = doc.text[start:end]
    lead: tuple[str, ...] = ()
    co: tuple[str, ...] = ()
    deadline = ""
    values = [c.strip() for c in text.split(CELL_MARK)] if separated else text.split()
    if len(values) == len(header):
        cells = tuple(zip(header, values, strict=True))
        for h, v in cells:
            role = _role(h)
            if role == "lead":
                lead = split_units(v)
            elif role == "co":
                co = split_units(v)
            elif role == "deadline":
                deadline = v
    else:
        body = re.sub(r"\s+", " ", text).strip()
        body = re.sub(rf"^{re.escape(number)}\s*", "", body)
        cells = ((_content_column(header), body),)
        roles = [_role(h) for h in header]
        orgs = _ORG.findall(body)
        if "lead" in roles and orgs:
            # A flattened row lists the lead units before the co-units.
            lead = (orgs[0],)
            co = tuple(dict.fromkeys(orgs[1:])) if "co" in roles else ()
        if "deadline" in roles:
            found = _DEADLINE.findall(body)
            deadline = found[-1] if found else ""
    return TableRow(
        doc_id=doc.meta.doc_id,
        section=locator.path_at(start),
        quote=text,
        start=start,
        end=end,
        table=table,
        number=number,
        cells=cells,
        lead_units=lead,
        co_units=co,
        deadline=deadline,
    )


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def table_rows(doc: Document) -> list[Record]:
    text = doc.text
    locator = Locator(doc)
    lines = _lines(text)
    out: list[Record] = []
    i = 0
    title = ""
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e].strip()
        t = _TABLE_TITLE.match(line)
        seed: tuple[str, int, int] | None = None
        if t:
            title, header, seed = _split_title_line(text, s, e)
            if header is None:
                i += 1
                continue
        else:
            header = _header_cells(line)
            if header is None:
                i += 1
                continue
        separated = CELL_MARK in line
        rows, i = _collect_rows(text, lines, i + 1, separated, seed)
        for number, rs, re_ in rows:
            out.append(_row(doc, locator, title, header, number, rs, re_, separated))
        title = ""
    return out


def _split_title_line(
    text: str, start: int, end: int
) -> tuple[str, list[str] | None, tuple[str, int, int] | None]:
    """A "表 N …" line may carry the header and the first row key glued on by the extraction
    ("表 1 快进路网建设任务（2023-2025年）年度 建设内容2023"): title, header cells, first row.
    The header is the earliest tail of the line made of short cells that read as a header."""
    line = text[start:end]
    candidates = sorted({m.start() for w in _HEADER_WORDS for m in re.finditer(w, line)})
    for p in candidates:
        if p == 0:
            continue
        rest = line[p:]
        key = re.search(rf"({YEAR}|\d{{1,3}})$", rest)
        head = rest[: key.start()] if key else rest
        cells = _header_cells(head)
        if cells is None or any(len(c) > _MAX_HEADER_CELL for c in cells):
            continue
        seed = (key.group(1), start + p + key.start(), end) if key else None
        return line[:p].strip(), cells, seed
    return line.strip(), None, None


def _collect_rows(
    text: str,
    lines: list[tuple[int, int]],
    i: int,
    separated: bool,
    seed: tuple[str, int, int] | None = None,
) -> tuple[list[tuple[str, int, int]], int]:
    """Rows after a header: (row key, start, end). A row runs until the next row key; the table
    ends at a heading-like line, a new table, or too many lines without a row."""
    rows: list[tuple[str, int, int]] = []
    current: list[int] | None = [seed[1], seed[2]] if seed else None
    key = seed[0] if seed else ""
    gap = 0
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e].strip()
        if not line:
            i += 1
            continue
        if _TABLE_TITLE.match(line) or _header_cells(line) is not None:
            break
        if separated:
            if CELL_MARK not in line:
                break
            first = line.split(CELL_MARK)[0].strip()
            rows.append((first, s, e))
            i += 1
            continue
        m = _ROW_KEY.match(line)
        if not m and _SECTION_HEADING.match(line):
            break  # the next section: the table is over
        if m:
            if current is not None:
                rows.append((key, current[0], current[1]))
            key, current, gap = m.group("key"), [s, e], 0
        elif current is not None and (not line.endswith("。") or _CELL_ITEM.match(line)):
            current[1] = e
        else:
            gap += 1
            if gap > _MAX_ROWS_GAP or current is None:
                break
        i += 1
    if current is not None:
        rows.append((key, current[0], current[1]))
    return rows, i


def iter_rows(records: Sequence[Record]) -> Iterator[TableRow]:
    for r in records:
        if isinstance(r, TableRow):
            yield r
