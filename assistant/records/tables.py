"""Table rows as ``TableRow`` records, from the shapes tables reach us in:

- cells kept apart by the loader (.docx tables and PDF tables found by pdfplumber come as lines
  of cells joined by ``CELL_MARK``): exact cells under the header row;
- flattened tables in text extractions: a header line (序号/名称/项目/年度/牵头单位…, see
  ``ingest.structure.table_header_cells``), possibly glued to its "表 N" title line and to the
  first rows, then rows that start with a row key — a running number, a year, a grade (Ⅰ级,
  红色) or a total (合计/总计). The column count comes from the header. A row's text is cut into
  pieces at whitespace (the extraction's cell boundaries and line breaks inside cells alike) and
  re-assembled into exactly that many cells: pieces that cannot end a cell (an unclosed bracket,
  a list still open after "、", a unit name cut in two, "人/百万" + "车公里") are joined first;
  then the likeliest continuations (a word cut at a full line) until the count fits; cells glued
  without a space (a unit name right after "》" or another unit name, a deadline at the end) are
  split when there are too few. A row with fewer cells than columns lacks its leftmost ones (a
  cell merged over several rows, such as a category): it takes them from the row above.
  A total row's figures go under the columns that hold figures. A page-break repetition of the
  header inside the table is skipped. A key merged over several rows (a year above the rows of
  its projects) gives one row per sub-row; a task list whose first cell is printed vertically,
  one or two characters a line, is keyed by that run, its groups named by the document's own
  headings.

Rows of level tables (级别 | 启动条件 | 批准 | 发布 | 负责指挥) are also graded ``Definition``
records (``level_definitions``).

Indicator tables (a unit column and year columns) are read as numeric facts by ``facts.py``; they
are table rows here as well, so "which rows does 表3-1 have" works like any other table."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.ingest.loaders import CELL_MARK
from assistant.ingest.metadata import ORG_TAIL
from assistant.ingest.structure import (
    TABLE_HEADER_WORDS,
    TABLE_TITLE,
    is_standalone_heading,
    table_header_cells,
)
from assistant.ingest.types import Document
from assistant.lang.numbers import UNITS
from assistant.lang.patterns import YEAR
from assistant.records.structures import GRADE, POST, Locator, normalise_grade, split_units
from assistant.records.types import Definition, Record, TableRow

_NUMBER_KEY = r"\d{1,3}"
_TOTAL_KEY = r"合计|总计|小计"
_ROW_KEY = re.compile(
    rf"^(?P<key>{YEAR}(?!年)|{_NUMBER_KEY}|{_TOTAL_KEY}|(?:{GRADE})(?![\u4e00-\u9fff]{{0,2}}[，。]))"
    rf"(?:\s+|$|(?=[\u4e00-\u9fff《（(])|(?<=计)(?=\d))"
)
_ORG = re.compile(
    r"(?:市|县|区|省|各)[\u4e00-\u9fff（）()]{1,20}?"
    r"(?:局|委|办|厅|中心|公司|支队|部|院|政府|集团|管委会|委员会)(?:（[^）]{1,10}）)?"
)
_DEADLINE = re.compile(rf"{YEAR}年(?:\d{{1,2}}月)?(?:底|前|年底前)?|长期|持续推进")
# A deadline cell glued to the end of the cell before it ("…90%市交通运输局2027年12月").
_GLUED_DEADLINE = re.compile(
    rf"(?<![\d年])(?:{YEAR}年(?:\d{{1,2}}月)?(?:底|前|底前)?|每年\d{{1,2}}月(?:底|前|底前)?)$"
)
_DEADLINE_HEADER = re.compile(r"时限|完成时间|截止")
_SHORT_PLACE = 10  # characters: "各县（市、区）", not a sentence ending in a bracket
# A one-character unit or measure word ("吨", "个"): a unit cell of its own after a name.
_ONE_CHAR_UNITS = frozenset(u for u in UNITS if len(u) == 1) | frozenset(
    "个处条座辆家项所台套把次名批栋间块人户年月天"
)
# A heading of the document's outline ends a table; numbered items inside cells ("1.办理…") do not.
_SECTION_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十百]+[章节条]"
    r"|\d{1,2}(?:\.\d{1,2})+\s*[\u4e00-\u9fff])"
)
# "牵头单位：…" after a table belongs to the section, not to the table's last row.
_LABEL_LINE = re.compile(r"^(?:[\u4e00-\u9fff]{2,6}|注)[：:]")
# A cell's own numbered items ("1.办理…；2.…。") continue a row even when they end a sentence.
_CELL_ITEM = re.compile(r"^(?:\d{1,2}[.．、]|[（(]\d{1,2}[）)])")
_PROSE_COLUMN = ("说明", "内容", "措施", "备注", "情况", "任务")
_CELL_ITEM_NUMBER = re.compile(r"^(\d{1,2})[.．、]")
# The label a merged key's sub-row starts with: a short name, alone or before a space.
_SUBROW_LABEL = re.compile(r"^([\u4e00-\u9fff]{2,6})(?:\s+\S|$)")
# A cell printed vertically, one or two characters a line ("成 立", "划 转", "革"), and the bare
# group marker above a group of such rows ("（一）").
_VERTICAL = re.compile(r"^[\u4e00-\u9fff]{1,2}\s[\u4e00-\u9fff+]{1,3}$")
# (A Latin word takes a line of its own in such a cell: "加 快/推 进/TOCC/建 设".)
_VERTICAL_MORE = re.compile(
    r"^(?:[\u4e00-\u9fff+]{1,3}\s[\u4e00-\u9fff+]{1,3}|[\u4e00-\u9fff]{1,2}|[\u4e00-\u9fff]\+[\u4e00-\u9fff]"
    r"|[A-Za-z]{2,8})$"
)
_GROUP_MARK = re.compile(r"^[（(][一二三四五六七八九十]+[）)]$")
_GROUP_MARK_ANYWHERE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
_NUMBERING = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])\s*"
)
_MAX_HEADER_CELL = 12  # characters: a header cell is a short label
_MAX_ROWS_GAP = 3  # prose lines a flattened table may contain between rows (page furniture)
_OPENERS = {"（": "）", "(": ")", "《": "》", "“": "”", "〔": "〕", "【": "】"}
# What a complete cell may end with: a unit name's last character, a closing bracket, a stop.
_COMPLETE_END = set("府室厅会委局办心司团队部院所站行组位等）)》”。；;")
_FIGURE = re.compile(r"^[≤≥<>＜＞约]?[-+]?\d+(?:\.\d+)?(?:%|％)?$|^[%％/]$|^[—-]+$")
_UNIT_PIECE = re.compile(r"^[\u4e00-\u9fff]{1,4}/[\u4e00-\u9fff]{1,4}$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MAX_UNIT = 8
# A unit's name as a lead cell holds it: "市交警支队", "市工信局（市国资委）", "…等".
_UNIT_NAME = re.compile(rf"{ORG_TAIL}(?:[（(][^）)]*[）)])?等?$")
_EMPTY_CELL = re.compile(r"^[/／—–-]$")
_EMPTY_MARKS = re.compile(r"[/／—–-]+")  # a cell left empty, however many marks it holds
_ORG_TAIL_CHARS = set("部局委办厅府")
_POST_TITLE = re.compile(r"^[\u4e00-\u9fff]{0,3}(?:长|主任|同志|负责人|书记)$")
# A unit name after one of these is part of the sentence ("会同市商务局", "由市财政局"), not a
# cell of its own.
_BEFORE_UNIT_IN_PROSE = set("、，,（(和及与同由在向对经报请的为")
_ORG_END = re.compile(
    r"^[\u4e00-\u9fff]{0,2}(?:局|委|办|厅|中心|公司|支队|部|院|政府|集团|管委会|委员会)$"
)


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


def _key_column(header: Sequence[str], key: str) -> bool:
    """Whether the header's first column holds the row key (序号, 年度, 级别 …)."""
    first = header[0] if header else ""
    return any(w in first for w in ("序号", "年度", "年份", "级别", "编号")) or first == key


# --------------------------------------------------------------------------------- cells


# A measure word or unit that goes on the sentence after a figure ("建设 180 处电子站牌").
_MEASURE_AFTER = re.compile(r"^(?:[处个条座辆家项所台套把次名批栋间块年月]|公里|平方|万|亿)")
_LEADING_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_DEADLINE_CELL = re.compile(rf"{YEAR}年[\d月底前内以]*$")
# A figure glued to the clause before it, at the end of a piece ("…在中心城区建设80").
_GLUED_FIGURE_END = re.compile(r"[\u4e00-\u9fff]\d+(?:\.\d+)?$")


def _is_figure(text: str) -> bool:
    """A figure, or a unit with a slash ("人/百万车公里"): a cell of its own."""
    return bool(_FIGURE.match(text)) or ("/" in text and len(text) <= _MAX_UNIT)


def _join_score(a: str, b: str) -> int:
    """How sure it is that piece ``b`` continues the cell ending with piece ``a``: 3 certain,
    2 likely (a word cut at the end of a line), 1 possible, 0 a cell boundary."""
    if _EMPTY_CELL.match(a) or _EMPTY_CELL.match(b):
        return 0  # "/" or "—" marks an empty cell
    if any(a.count(o) > a.count(c) for o, c in _OPENERS.items()):
        return 3
    if a[-1] in "、，,；;/-—" or b[0] in "）)》”、，,。；;：:":
        return 3
    # One character is a word's end wrapped to the next line ("…临州供电公" + "司"), or the measure
    # word of a figure cut before it ("加氢站15" + "座"); a measure word after a name is the
    # row's unit cell ("新建泵站" + "座").
    if (
        len(b) == 1
        and _CJK.match(b)
        and b not in "是否有无"
        and (b not in _ONE_CHAR_UNITS or a[-1].isdigit())
    ):
        return 3
    if a[-1] in "）)" and len(a) <= _SHORT_PLACE and _ORG_END.match(b):
        return 3  # a place list's bracket, then the body it names: "各县（市、区）" + "人民政府"
    if _CJK.match(a[-1]) and a[-1] not in _COMPLETE_END and _ORG_END.match(b):
        return 3  # the end of a unit name cut at the line: "市工业和信息" + "化局"
    if a[-1] in _ORG_TAIL_CHARS and _POST_TITLE.match(b):
        return 3  # a post of the unit before it: "市防汛指挥部" + "指挥长"
    if a[-1] in _ORG_TAIL_CHARS and b[0] in "（(" and _ORG.search(a):
        return 3  # a unit's other name in brackets: "市工信局" + "（市国资委）、…"
    if _UNIT_PIECE.match(a) and len(b) <= 3 and _CJK.match(b) and not _is_figure(b):
        return 3  # "人/百万" + "车公里", "标台/万" + "人"
    if _GLUED_FIGURE_END.search(a) and _MEASURE_AFTER.match(b) and len(b) >= 2:
        return 3  # a figure inside a sentence, cut before its measure word: "建设80" + "处站牌。"
    figure = _LEADING_FIGURE.match(b)
    if (
        figure
        and _MEASURE_AFTER.match(b[figure.end() :])
        and len(a) >= 5  # a clause, not a short cell such as a grade ("较大")
        and _CJK.match(a[-1])
        and a[-1] not in _COMPLETE_END
        and not _DEADLINE_CELL.match(b)
    ):
        return 3  # an open clause and its figure: "到" + "2027年，…", "建设" + "80处站牌。"
    if _is_figure(a) or _is_figure(b):
        return 0
    if a[-1] == "。" and _ORG.fullmatch(b):
        return 0  # a sentence ends and a unit name stands alone: the next column
    if _CJK.match(a[-1]) and a[-1] not in _COMPLETE_END and b[0] == "“":
        return 3  # a verb and the quoted name it takes: "整合" + "“临河公交APP”…"
    if not (_CJK.match(a[-1]) or a[-1] in "。") or not _CJK.match(b[0]):
        return 1
    if _ORG.match(b) and a[-1] not in "、":
        return 1  # a unit name starts a cell of its own
    last = re.split(r"[、，,]", a)[-1]
    if "、" in a and last and last[-1] not in _COMPLETE_END:
        return 3  # a list of units still open: "资委）、市交通" + "运输局"
    if a[-1] == "。":
        return 2 if len(b) > 8 and len(a) > 8 else 1
    return 2 if a[-1] not in _COMPLETE_END else 1


def _split_glued(text: str) -> list[str]:
    """Cells the extraction glued together without a space: a unit name right after a title in
    《》, a figure or another unit name; a deadline at the very end."""
    cuts: set[int] = set()
    for m in _ORG.finditer(text):
        p = m.start()
        inside = any(text[:p].count(o) > text[:p].count(c) for o, c in _OPENERS.items())
        if p > 0 and text[p - 1] not in _BEFORE_UNIT_IN_PROSE and not inside:
            cuts.add(p)
    d = _GLUED_DEADLINE.search(text)
    if d and d.start() > 0:
        cuts.add(d.start())
    units = _ORG.match(text)
    if units and units.end() < len(text) and _CJK.match(text[units.end()]) and units.start() == 0:
        # One unit name with the next cell's sentence glued on ("市城管局推广…"); only when
        # cells are missing, since a sentence may begin with a unit name.
        cuts.add(units.end())
    parts, prev = [], 0
    for p in sorted(cuts):
        parts.append(text[prev:p])
        prev = p
    parts.append(text[prev:])
    return [p for p in parts if p]


# A cell of unit names with the next cell's sentence glued on ("市公交公司、华阳运输部在…").
_LISTED_UNIT = re.compile(
    r"[\u4e00-\u9fff（）()]{1,16}(?:分局|局|委|办|厅|中心|公司|支队|部|院|政府|集团|管委会|委员会)"
    r"(?:（[^（）]{1,10}）)?"  # its other name in brackets: "市工信局（市国资委）"
)


_LIST_CLOSING = re.compile(r"等(?:相关|有关|其他)?(?:单位|部门)?")
_SENTENCE_START = re.compile(r"[\u4e00-\u9fff]|\d+[.．、]")


def _unit_list_end(text: str) -> int | None:
    """Where a list of two or more unit names ("、"-joined, the first one a 市/县/省… unit) ends,
    when a sentence follows it without a break; else None. The sentence may list things with
    "、" of its own ("…市公交公司推进甲站、乙站等场站建设"): the list ends at the first part
    that is not a unit name alone."""
    parts = text.split("、")
    if len(parts) < 2 or not _ORG.fullmatch(parts[0]):
        return None
    k = next((i for i in range(1, len(parts)) if not _LISTED_UNIT.fullmatch(parts[i])), None)
    if k is None:
        return None
    last = parts[k]
    # The longest unit name the part starts with ("…管委会", not "…管委"), with the "等" or
    # "等相关单位" that closes such a list.
    end = next((e for e in range(min(len(last), 24), 1, -1) if _LISTED_UNIT.fullmatch(last[:e])), 0)
    closing = _LIST_CLOSING.match(last, end) if end else None
    end = closing.end() if closing else end
    if not end or end == len(last) or not _SENTENCE_START.match(last[end]):
        return None
    return len("、".join(parts[:k])) + 1 + end


def _unglue_unit_lists(cells: list[str]) -> list[str]:
    """A list of unit names run into a sentence is two cells: a sentence never continues
    straight from such a list without a verb of its own."""
    out: list[str] = []
    for c in cells:
        end = _unit_list_end(c)
        for part in [c[:end], c[end:]] if end else [c]:
            out.extend(_two_unit_lists(part))
    return out


def _two_unit_lists(cell: str) -> list[str]:
    """A cell of unit names with two of them run together without a pause ("市规自局、市城管局
    市住建局、市财政局"): two cells (the line joining ran the lead units into the co-units)."""
    parts = cell.split("、")
    if len(parts) < 2 or not _ORG.match(parts[0]) or not all(_LISTED_UNIT.match(p) for p in parts):
        return [cell]
    for i, p in enumerate(parts):
        first = _ORG.match(p)
        if first is None:
            continue
        rest = p[first.end() :]
        # The second a unit of its own ("市住建局"), not the branch a unit goes on with
        # ("省公路局临河分局").
        if rest and _ORG.match(rest) and _LISTED_UNIT.fullmatch(rest):
            cut = len("、".join(parts[:i])) + (1 if i else 0) + first.end()
            if all(_LISTED_UNIT.fullmatch(q) for q in parts[:i] + parts[i + 1 :]):
                return [cell[:cut], cell[cut:]]
    return [cell]


def _glue(a: str, b: str) -> str:
    ascii_pair = a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum()
    return f"{a} {b}" if ascii_pair or a.endswith((".", "．")) else a + b


def _inline_figure(before: str, figure: str, after: str) -> bool:
    """A figure inside a sentence of a prose cell: the extraction put spaces around it, but the
    text before it is an open clause and a measure word after it carries the sentence on.
    (In an indicator row the figures stand between a unit and other figures.)"""
    return (
        bool(_FIGURE.match(figure))
        and any(ch.isdigit() for ch in figure)
        and len(before) >= 2
        and bool(_CJK.match(before[-1]))
        and before[-1] not in _COMPLETE_END
        and len(after) >= 2
        and bool(_MEASURE_AFTER.match(after))
    )


_SPLIT_ROUNDS = 2
_MAX_ROW_LINES = 40  # lines of one task's cells read for its rows (a longer run is prose)


def assemble_cells(pieces: Sequence[str], columns: int, deadline_last: bool = False) -> list[str]:
    """Whitespace-separated pieces of one flattened row → at most ``columns`` cells.
    ``deadline_last``: the last column is a deadline (完成时限), which the line joining may have
    glued to the cell before it ("…东湖区管委会2028年12月底前")."""
    cells = [p for p in pieces if p]
    # Figures inside a sentence first: glued to the clause they belong to.
    inline: list[str] = []
    i = 0
    while i < len(cells):
        if inline and i + 1 < len(cells) and _inline_figure(inline[-1], cells[i], cells[i + 1]):
            inline[-1] = inline[-1] + cells[i] + cells[i + 1]
            i += 2
            continue
        inline.append(cells[i])
        i += 1
    cells = inline
    # Certain continuations first.
    merged: list[str] = []
    for p in cells:
        if merged and _join_score(merged[-1], p) >= 3:
            merged[-1] = _glue(merged[-1], p)
        else:
            merged.append(p)
    cells = _unglue_unit_lists(merged)
    # A unit list or unit name a split frees may still run into the next cell's sentence
    # ("…、市财政局市公交公司联合出台《…》"): split again while cells are missing.
    for _ in range(_SPLIT_ROUNDS):
        if len(cells) >= columns:
            break
        cells = _unglue_unit_lists([p for c in cells for p in _split_glued(c)])
    if deadline_last and cells:
        glued = _GLUED_DEADLINE.search(cells[-1])
        if glued and glued.start() > 0 and not _DEADLINE_CELL.fullmatch(cells[-1]):
            cells[-1:] = [cells[-1][: glued.start()], cells[-1][glued.start() :]]
    while len(cells) > columns:
        # The likeliest continuation; among equals a piece cut inside a sentence before one
        # ending with "。" (a cell may end there), then the longer first piece (a line cut at
        # the column's full width), then the leftmost.
        k = max(
            range(len(cells) - 1),
            key=lambda i: (
                _join_score(cells[i], cells[i + 1]),
                # A unit's name ("市机关事务服务中心") more likely starts a cell than goes on one.
                not _ORG.match(cells[i + 1]),
                not cells[i].endswith("。"),
                len(cells[i]),
                -i,
            ),
        )
        cells[k : k + 2] = [_glue(cells[k], cells[k + 1])]
    return cells


# --------------------------------------------------------------------------------- rows


def _typed(cells: Sequence[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    lead: tuple[str, ...] = ()
    co: tuple[str, ...] = ()
    deadline = ""
    for h, v in cells:
        role = _role(h)
        if role == "lead" and v:
            lead = split_units(v)
        elif role == "co" and v:
            co = split_units(v)
        elif role == "deadline" and v:
            deadline = v
    return lead, co, deadline


def _closes_row(values: Sequence[str], header: Sequence[str]) -> bool:
    """Whether assembled cells (under ``header``) can be a whole row: its unit columns hold
    units (or are empty), a lead unit among them, and its last cell is whole (an empty mark,
    or text ending as a cell does), not cut mid-sentence."""
    units = [v for h, v in zip(header, values, strict=False) if _role(h) in ("lead", "co")]
    last = values[-1]
    return (
        any(_ORG.match(v) for v in units)
        and all(
            _EMPTY_MARKS.fullmatch(v) or (_ORG.match(v) and not v.endswith("。")) for v in units
        )
        and (bool(_EMPTY_MARKS.fullmatch(last)) or last.endswith(("。", "》", "）", ")")))
    )


def _pieces(doc: Document, start: int, end: int, skip: Sequence[tuple[int, int]]) -> list[str]:
    text = doc.text
    out: list[str] = []
    for m in re.finditer(r"\S+", text[start:end]):
        s = start + m.start()
        if any(a <= s < b for a, b in skip):
            continue
        out.append(m.group())
    return out


class _Table:
    """One table being read: its header and the rows so far (for merged cells and totals)."""

    def __init__(self, doc: Document, locator: Locator, title: str, header: list[str]) -> None:
        self.doc = doc
        self.locator = locator
        self.title = title
        self.header = header
        self.rows: list[TableRow] = []
        self.group = ""
        self._heading_titles: list[str] | None = None

    def add(
        self,
        number: str,
        start: int,
        end: int,
        separated: bool,
        skip: Sequence[tuple[int, int]] = (),
    ) -> None:
        text = self.doc.text[start:end]
        header = self.header
        if separated:
            values = [c.strip() for c in text.split(CELL_MARK)]
            cells = tuple(zip(header, values, strict=False)) if len(values) == len(header) else ()
        else:
            subrows = self._subrows(number, start, end)
            if subrows:
                for cells, s, e in subrows:
                    self._append(number, s, e, cells, separated)
                return
            cells = self._flattened(number, start, end, skip)
        if not cells:
            body = re.sub(r"\s+", " ", text).strip()
            cells = ((_content_column(header), body),)
        self._append(number, start, end, cells, separated)

    def add_vertical(
        self, number: str, start: int, key_end: int, end: int, skip: Sequence[tuple[int, int]]
    ) -> None:
        """A row whose first cell is printed vertically, possibly after a group marker and the
        group's own vertical name ("（一）/体 制/机 制/…/成 立/创 建/…"): the group is the longest
        heading of the document the run starts with (an attachment's task list repeats the
        body's headings); it holds for the rows after it until the next group."""
        key = re.sub(r"\s+", "", _GROUP_MARK_ANYWHERE.sub("", self.doc.text[start:key_end]))
        group = next((t for t in self._headings() if key.startswith(t) and len(key) > len(t)), "")
        if group or _GROUP_MARK.match(self.doc.text[start:key_end].strip().split("\n")[0]):
            self.group = group
        task = key[len(group) :]
        subrows = self._rows_in(skip[0][1], end, skip) if skip else []
        if subrows:
            # Rows of the same task on the next page: this row ends at the repeated header.
            end, skip = skip[0][0], []
        # Rows of the same task on one page ("推进场站建设" with one content per row): each
        # with its own units and years.
        own = self._rows_in(key_end, end, skip)
        if len(own) > 1:
            end, subrows = own[0][2], [*own[1:], *subrows]
        pieces = _pieces(self.doc, key_end, end, skip)
        deadline_last = bool(_DEADLINE_HEADER.search(self.header[-1]))
        values = assemble_cells(pieces, len(self.header) - 1, deadline_last) if pieces else []
        cells: tuple[tuple[str, str], ...]
        if len(values) != len(self.header) - 1:
            cells = ((self.header[0], task), (_content_column(self.header[1:]), " ".join(pieces)))
        else:
            cells = ((self.header[0], task), *zip(self.header[1:], values, strict=True))
        if self.group:
            cells = (("类别", self.group), *cells)
        self._append(number, start, end, cells, separated=False)
        for values, s, e in subrows:
            sub = ((self.header[0], task), *zip(self.header[1:], values, strict=True))
            if self.group:
                sub = (("类别", self.group), *sub)
            self._append(number, s, e, sub, separated=False)

    def _rows_in(
        self, start: int, end: int, skip: Sequence[tuple[int, int]]
    ) -> list[tuple[list[str], int, int]]:
        """The rows of a task printed vertically, when its cell is merged over several: after a
        page break (the lines after the repeated header), or on one page, each row has all the
        other columns ("发布《…办法》/市交警支队/市交通运输局、…/ / /发布《…办法》/ /").
        The lines are split into runs that each make every column and end as a row does (the
        earliest such end whose rest splits too); none unless they split so exactly (else they
        stay one row's text)."""
        text = self.doc.text
        columns = len(self.header) - 1
        deadline_last = bool(_DEADLINE_HEADER.search(self.header[-1]))
        lines = [
            (start + ls, start + le)
            for ls, le in _lines(text[start:end])
            if text[start + ls : start + le].strip()
            and not any(a <= start + ls < b for a, b in skip)
        ]
        if len(lines) > _MAX_ROW_LINES:
            return []
        memo: dict[int, list[tuple[list[str], int, int]] | None] = {len(lines): []}

        def split_from(i: int) -> list[tuple[list[str], int, int]] | None:
            if i not in memo:
                memo[i] = None
                for j in range(i + 1, len(lines) + 1):
                    s, e = lines[i][0], lines[j - 1][1]
                    values = assemble_cells(_pieces(self.doc, s, e, skip), columns, deadline_last)
                    if len(values) == columns and _closes_row(values, self.header[1:]):
                        rest = split_from(j)
                        if rest is not None:
                            memo[i] = [(values, s, e), *rest]
                            break
            return memo[i]

        return split_from(0) or [] if lines else []

    def _headings(self) -> list[str]:
        if self._heading_titles is None:
            titles = {
                re.sub(r"\s+", "", _NUMBERING.sub("", title))
                for section in self.doc.sections
                for title in section.path
            }
            self._heading_titles = sorted((t for t in titles if len(t) >= 2), key=len, reverse=True)
        return self._heading_titles

    def _append(
        self,
        number: str,
        start: int,
        end: int,
        cells: tuple[tuple[str, str], ...],
        separated: bool,
    ) -> None:
        text = self.doc.text[start:end]
        lead, co, deadline = _typed(cells)
        # A lead cell that names no unit is a mis-assembled row: read the units from its text.
        if lead and not all(_UNIT_NAME.search(u) for u in lead) and not separated:
            lead = ()
        if not lead and not separated:
            lead, co, deadline = self._typed_from_text(text)
        self.rows.append(
            TableRow(
                doc_id=self.doc.meta.doc_id,
                section=self.locator.path_at(start),
                quote=text,
                start=start,
                end=end,
                table=self.title,
                number=number,
                cells=cells,
                lead_units=lead,
                co_units=co,
                deadline=deadline,
            )
        )

    def _subrows(
        self, number: str, start: int, end: int
    ) -> list[tuple[tuple[tuple[str, str], ...], int, int]]:
        """A key cell merged over several rows (a year → one row per project): the lines under
        the key start with a short label of their own, alone or before the row's text ("国省干线",
        "旅游公路 建成…"). One row per label: key, label, the rest."""
        header = self.header
        if not _key_column(header, number) or len(header) != 3:
            return []
        text = self.doc.text
        starts: list[tuple[int, str]] = []
        first = True
        for ls, le in _lines(text[start:end]):
            ls, le = start + ls, start + le
            line = text[ls:le]
            if first:
                first = False
                rest = line.strip()[len(number) :].strip()
                if not rest:
                    continue
                line, ls = rest, le - len(rest)
            found = _SUBROW_LABEL.match(line)
            if found:
                starts.append((ls, found.group(1)))
            elif not starts:
                return []
        if len(starts) < 2:
            return []
        out: list[tuple[tuple[tuple[str, str], ...], int, int]] = []
        for k, (s, label) in enumerate(starts):
            e = starts[k + 1][0] - 1 if k + 1 < len(starts) else end
            body = "".join(assemble_cells(text[s + len(label) : e].split(), 1))
            cells = ((header[0], number), (header[1], label), (header[2], body))
            out.append((cells, s, e))
        return out

    def _typed_from_text(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        roles = [_role(h) for h in self.header]
        body = re.sub(r"\s+", "", text)
        # A title the row cites ("编制《临河市公交服务质量考核办法》") names no unit, though its
        # words may end like one ("…考核办").
        orgs = _ORG.findall(re.sub(r"《[^《》]*》", " ", body))
        lead: tuple[str, ...] = ()
        co: tuple[str, ...] = ()
        if "lead" in roles and orgs:
            # A flattened row lists the lead units before the co-units.
            lead = (orgs[0],)
            co = tuple(dict.fromkeys(orgs[1:])) if "co" in roles else ()
        deadline = ""
        if "deadline" in roles:
            found = _DEADLINE.findall(body)
            deadline = found[-1] if found else ""
        return lead, co, deadline

    def _flattened(
        self, number: str, start: int, end: int, skip: Sequence[tuple[int, int]]
    ) -> tuple[tuple[str, str], ...]:
        header = self.header
        pieces = _pieces(self.doc, start, end, skip)
        if pieces and pieces[0].startswith(number):
            rest = pieces[0][len(number) :]
            pieces = [rest, *pieces[1:]] if rest else pieces[1:]
        keyed = _key_column(header, number)
        columns = header[1:] if keyed else header
        if not columns:
            return ()
        if re.fullmatch(_TOTAL_KEY, number):
            return self._total(number, pieces, keyed)
        values = assemble_cells(pieces, len(columns), bool(_DEADLINE_HEADER.search(columns[-1])))
        if not values:
            return ()
        missing = len(columns) - len(values)
        if missing:
            # The leftmost cells are merged over several rows: they are the row above's.
            above = dict(self.rows[-1].cells) if self.rows else {}
            values = [above.get(h, "") for h in columns[:missing]] + values
        cells = list(zip(columns, values, strict=True))
        if keyed:
            cells.insert(0, (header[0], number))
        return tuple(cells)

    def _total(self, number: str, pieces: list[str], keyed: bool) -> tuple[tuple[str, str], ...]:
        """合计/总计 rows: each figure under the next column whose cells above are figures."""
        header = self.header
        figure_columns = [
            h
            for h in header[1:]
            if self.rows and all(_is_figure(dict(r.cells).get(h, "x")) for r in self.rows)
        ]
        figures = [p for p in pieces if _is_figure(p)]
        if not figures or len(figures) > len(figure_columns):
            return ()
        cells = [(header[0], number)] if keyed else []
        cells.extend(zip(figure_columns, figures, strict=False))
        return tuple(cells)


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _split_title_line(line: str) -> tuple[str, list[str] | None, int]:
    """A "表 N …" line may carry the header (and rows) glued on by the extraction ("表 1 快进路网
    建设任务（2023-2025年）年度 建设内容2023"): the title, the header cells and where the
    header ends in the line. The header is the earliest tail made of short header cells."""
    candidates = sorted({m.start() for w in TABLE_HEADER_WORDS for m in re.finditer(w, line)})
    for p in candidates:
        if p == 0:
            continue
        header, end = _header_prefix(line[p:])
        if header is not None:
            return line[:p].strip(), header, p + end
    return line.strip(), None, len(line)


def _header_prefix(line: str) -> tuple[list[str] | None, int]:
    """The header cells at the start of ``line`` and where they end; the rest of the line is
    the first rows glued on ("序号 项目名称 建设类型 长度（公 建设年限1 新泉北路…")."""
    whole = table_header_cells(line)
    if whole is not None and all(_short_cell(c) for c in whole):
        return whole, len(line)
    best: tuple[list[str] | None, int] = (None, 0)
    for m in re.finditer(r"\S+", line):
        token = m.group()
        # A header cell glued to the first row's key or text: "建设年限1", "配合单位政策…".
        cut = re.match(rf"^(.*?(?:{'|'.join(TABLE_HEADER_WORDS)})[^\s\d]{{0,2}}?)(?=\d|$)", token)
        end = m.start() + (len(cut.group(1)) if cut else len(token))
        cells = table_header_cells(line[:end])
        if cells is not None and all(_short_cell(c) for c in cells):
            best = (cells, end)
        elif best[0] is not None:
            break
    return best


def _header_cell_alone(line: str) -> bool:
    """A line that is one more header cell: a short label naming a column (a header word, or a
    unit in brackets), no row number, no sentence."""
    return (
        bool(line)
        and " " not in line
        and not line[0].isdigit()
        and _short_cell(line)
        and not re.search(r"[。；;，,]", line)
        and (
            any(w in line for w in TABLE_HEADER_WORDS)
            # A label with its unit in brackets ("水位（米）"), not a bare number ("（一）").
            or (
                not line.startswith(("（", "("))
                and re.search(r"[（(][^（）()\d一二三四五六七八九十]{1,4}[）)]$", line) is not None
            )
        )
    )


def _short_cell(cell: str) -> bool:
    """A header cell is a short label; its bracketed qualifier ("基期值（2025年）", "投资（亿元）")
    does not count."""
    return len(re.sub(r"[（(][^（）()]*[）)]", "", cell)) <= _MAX_HEADER_CELL


def _same_header(cells: list[str], header: list[str]) -> bool:
    """A page-break repetition of the header (its first cell may have been cut off)."""
    return cells == header or (len(cells) >= 2 and header[-len(cells) :] == cells)


def table_rows(doc: Document) -> list[Record]:
    text = doc.text
    locator = Locator(doc)
    lines = _lines(text)
    out: list[Record] = []
    i = 0
    title = ""
    title_line = -10
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e].strip()
        lead_ws = len(text[s:e]) - len(text[s:e].lstrip())
        body_start = e
        t = TABLE_TITLE.match(line)
        if t:
            title, header, end = _split_title_line(line)
            title_line = i
            if header is None:
                i += 1
                continue
            body_start = s + lead_ws + end
        else:
            header, end = _header_prefix(line)
            if header is None:
                i += 1
                continue
            body_start = s + lead_ws + end
        separated = CELL_MARK in line
        first = i  # the header's (first) line: the caption is above it
        if not separated:
            # The header's last cells one a line ("序号 工程名称 所在镇（街道）" / "警戒（汛限）水位
            # （米）" / "防汛行政责任人" …): each a short label, until the first row.
            while i + 1 < len(lines):
                cs, ce = lines[i + 1]
                cell = text[cs:ce].strip()
                if not _header_cell_alone(cell):
                    break
                header = [*header, cell]
                i += 1
                body_start = ce
        if first - title_line > 2:
            title = _caption_before(text, lines, first)
        if "序号" in header[1:]:
            # The caption glued before a header printed one cell a line ("重点任务分工表 序号
            # 任务 牵头单位…"): a table's first column is its 序号.
            k = header.index("序号")
            title = title or "".join(header[:k])
            header = header[k:]
        table = _Table(doc, locator, title, header)
        i = _collect_rows(table, lines, i, body_start, separated)
        out.extend(table.rows)
        title = ""
    return out


def _caption_before(text: str, lines: list[tuple[int, int]], i: int) -> str:
    """A table without a "表 N" title is captioned by the short line just above its header
    ("…重点任务清单", "附件：…任务清单及进度安排")."""
    if i == 0:
        return ""
    s, e = lines[i - 1]
    line = re.sub(r"^附件\s*\d*\s*[：:]?\s*", "", text[s:e].strip())
    if 4 <= len(line) <= 40 and not re.search(r"[。；;：:，,]", line):
        return line
    return ""


def _next_key(key: str, previous: str) -> bool:
    """Whether ``key`` can follow ``previous`` as the next row's key: running numbers go up by
    one, years go up; grades and totals may follow anything."""
    if not previous:
        return True
    if key.isdigit() and previous.isdigit():
        if len(key) == 4 and len(previous) == 4:
            return int(key) > int(previous)
        return int(key) == int(previous) + 1
    return not key.isdigit()


def _inline_keys(text: str, start: int, first_key: str, columns: int) -> list[tuple[str, int]]:
    """Rows glued into one line: the next running number once the row before it has its
    ``columns`` cells after its key, and with cells of its own after it ("1 新泉北路公交专用道
    新建 1 2023 2 漾泉大道…", "…现有5 平阳东街…")."""
    if not first_key.isdigit() or len(first_key) == 4:
        return []
    tokens = [(m.group(), m.start()) for m in re.finditer(r"\S+", text)]
    found: list[tuple[str, int]] = []
    expected = int(first_key) + 1
    pieces = 0  # pieces of the current row, its key included
    for n, (token, pos) in enumerate(tokens):
        last = n == len(tokens) - 1
        glued = re.match(rf"^(.*[^\d.])({expected}|{_TOTAL_KEY})$", token)
        if not last and token == str(expected) and pieces >= columns + 1:
            found.append((token, start + pos))
            expected, pieces = expected + 1, 1
        elif not last and glued and _CJK.search(glued.group(1)) and pieces >= columns:
            found.append((glued.group(2), start + pos + len(glued.group(1))))
            if glued.group(2).isdigit():
                expected += 1
            pieces = 1
        else:
            total = re.match(rf"^(.*[^\d.])({_TOTAL_KEY})", token)
            if total and _CJK.search(total.group(1)) and pieces >= columns:
                found.append((total.group(2), start + pos + len(total.group(1))))
                pieces = 0
            pieces += 1
    return found


@dataclass
class _Span:
    """A row being collected: its key, its span and the repeated-header lines inside it."""

    key: str
    start: int
    end: int
    skip: list[tuple[int, int]]
    # A row keyed by its first cell printed vertically ("成 立 / 创 建 / …"): where that cell
    # ends, and whether it is still being read.
    key_end: int = -1
    in_key: bool = False


def _cell_item_continues(text: str, rows: list[_Span], line: str) -> bool:
    """Whether a numbered line ("1.完成…", "2.建设…") is an item inside the current row's cell
    rather than the document's next heading: it is the first item, or the row holds the one
    before it."""
    m = _CELL_ITEM_NUMBER.match(line)
    if not m or not rows:
        return False
    n = int(m.group(1))
    if n == 1:
        return True
    row_text = text[rows[-1].start : rows[-1].end]
    return bool(re.search(rf"(?:^|[\s；;。]){n - 1}[.．、]", row_text))


def _unfilled(text: str, row: _Span, columns: int) -> bool:
    """Whether the row read so far has fewer pieces after its key than the table has columns."""
    pieces = text[row.start : row.end].split()
    return row.key_end < 0 and len(pieces) - 1 < columns


def _collect_rows(
    table: _Table, lines: list[tuple[int, int]], header_line: int, body_start: int, separated: bool
) -> int:
    """Read the rows after a header into ``table``; returns the index of the first line after
    the table. A row runs until the next row key; the table ends at a heading-like line, a new
    table or header, a label line ("牵头单位：…"), or too many lines without a row."""
    text = table.doc.text
    header = table.header
    columns = len(header) - (1 if _key_column(header, "") else 0)
    rows: list[_Span] = []
    # Sentences after a row belong to it when the last column is text (说明, 内容 …); otherwise
    # they may be prose between the table's pages, or the paragraph after it.
    prose_last = any(w in header[-1] for w in _PROSE_COLUMN)
    gap = 0
    key = ""
    e0 = lines[header_line][1]
    segments: list[tuple[int, int]] = []
    if body_start < e0 and text[body_start:e0].strip():
        segments.append((body_start, e0))
    i = header_line + 1
    while True:
        if segments:
            s, e = segments.pop()
        elif i < len(lines):
            s, e = lines[i]
            i += 1
        else:
            break
        line = text[s:e].strip()
        if not line:
            continue
        cells = table_header_cells(line)
        if cells is not None and _same_header(cells, header) and rows:
            rows[-1].skip.append((s, e))
            continue
        if TABLE_TITLE.match(line) or cells is not None:
            i -= 1
            break
        if separated:
            if CELL_MARK not in line:
                i -= 1
                break
            rows.append(_Span(line.split(CELL_MARK)[0].strip(), s, e, []))
            continue
        vertical_table = not rows or rows[-1].key_end >= 0
        if vertical_table and (
            _GROUP_MARK.match(line) or (_VERTICAL.match(line) and not (rows and rows[-1].in_key))
        ):
            rows.append(_Span(str(len(rows) + 1), s, e, [], key_end=e, in_key=True))
            gap = 0
            continue
        if rows and rows[-1].in_key:
            if _VERTICAL_MORE.match(line):
                rows[-1].end = rows[-1].key_end = e
                continue
            rows[-1].in_key = False
        m = _ROW_KEY.match(line) if not (rows and rows[-1].key_end >= 0) else None
        if m and not _next_key(m.group("key"), key):
            m = None
        if not m and rows and _unfilled(text, rows[-1], columns) and _FIGURE.match(line.split()[0]):
            # A row still short of cells goes on with its figures, even when a line of them
            # looks like a numbered heading ("35 预期性").
            rows[-1].end = e
            continue
        figure = _LEADING_FIGURE.match(line) if not m and rows else None
        if figure and _MEASURE_AFTER.match(line[figure.end() :]):
            # A cell's sentence wrapped before its figure ("县城建成" / "1座集中式公共充电站"):
            # no heading, whatever its leading number looks like.
            rows[-1].end = e
            continue
        if not m and (
            _SECTION_HEADING.match(line)
            or _LABEL_LINE.match(line)
            or (is_standalone_heading(line) and not _cell_item_continues(text, rows, line))
        ):
            i -= 1
            break  # the next section: the table is over
        if m:
            key, gap = m.group("key"), 0
            lead = s + len(text[s:e]) - len(text[s:e].lstrip())
            rows.append(_Span(key, lead, e, []))
            # Several rows glued into this line.
            for k, pos in _inline_keys(text[lead:e], lead, key, columns):
                rows[-1].end = pos
                rows.append(_Span(k, pos, e, []))
                key = k if k.isdigit() else key
        elif rows and (
            not line.endswith("。")
            or _CELL_ITEM.match(line)
            or prose_last
            or rows[-1].key_end >= 0  # a task list's cells are sentences
        ):
            rows[-1].end = e
        else:
            gap += 1
            if gap > _MAX_ROWS_GAP or not rows:
                i -= 1
                break
    for row in rows:
        rs_i, re_i = row.start, row.end
        while re_i > rs_i and text[re_i - 1] in " \n":
            re_i -= 1
        if row.key_end >= 0:
            table.add_vertical(row.key, rs_i, row.key_end, re_i, row.skip)
        else:
            table.add(row.key, rs_i, re_i, separated, row.skip)
    return max(i, header_line + 1)


def iter_rows(records: Sequence[Record]) -> Iterator[TableRow]:
    for r in records:
        if isinstance(r, TableRow):
            yield r


# --------------------------------------------------------------------------------- level tables

_LEVEL_CELL = re.compile(rf"^(?P<grade>{GRADE}|(?:IV|V|I{{1,3}})\s?级)")
_LEVEL_ROLES = (
    ("definition", ("条件", "标准", "情形")),
    ("approver", ("批准", "决定", "启动")),
    ("publisher", ("发布",)),
    ("leader", ("指挥", "负责", "牵头", "处置")),
)


def level_definitions(rows: Sequence[Record]) -> list[Record]:
    """Rows of a level table (响应级别 | 启动条件 | 启动（批准） | 负责指挥, 预警级别 | … | 发布)
    as graded ``Definition`` records: the level, its criteria, approver, publisher and leader
    from the columns whose header names them."""
    out: list[Record] = []
    for r in iter_rows(rows):
        level_header, grade = "", ""
        for h, v in r.cells:
            m = _LEVEL_CELL.match(v)
            if "级别" in h and m:
                level_header, grade = h, normalise_grade(m.group("grade"))
                break
        if not grade:
            continue
        found: dict[str, str] = {}
        for h, v in r.cells:
            if h == level_header or "级别" in h:
                continue
            role = next((name for name, words in _LEVEL_ROLES if any(w in h for w in words)), "")
            if role and role not in found:
                found[role] = v
        people = [found[k] for k in ("approver", "publisher", "leader") if k in found]
        # A mis-assembled row names no one where the header says who.
        if len(found) < 2 or not people or not all(POST.search(v) for v in people):
            continue
        scale = next(
            (w for w in ("响应", "预警") if w in level_header or w in r.table),
            "",
        )
        out.append(
            Definition(
                doc_id=r.doc_id,
                section=r.section,
                quote=r.quote,
                start=r.start,
                end=r.end,
                term=f"{grade}{scale}",
                definition=found.get("definition", ""),
                level=grade,
                scale=scale,
                approver=found.get("approver", ""),
                publisher=found.get("publisher", ""),
                leader=found.get("leader", ""),
            )
        )
    return out
