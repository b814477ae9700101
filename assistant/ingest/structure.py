"""Heading detection and the section tree of a cleaned document.

Chinese official documents number their headings in a fixed order of styles; the rank of each
style decides nesting, so a "（一）" under "一、" is a child and the next "二、" closes both."""

from __future__ import annotations

import re

from assistant.ingest.loaders import CELL_MARK
from assistant.ingest.types import Section
from assistant.lang.patterns import YEAR

_CN_NUM = "一二三四五六七八九十百零〇两"
# (rank, pattern). Lower rank = higher level.
_MARKER_STYLES: tuple[tuple[float, re.Pattern[str]], ...] = (
    (0, re.compile(r"^(?:附件\s*\d*|附表\s*\d*|政策解读|附\s*则)$")),
    (1, re.compile(rf"^第[{_CN_NUM}\d]+[编部]分?\s*\S")),
    (2, re.compile(rf"^第[{_CN_NUM}\d]+章")),
    (3, re.compile(rf"^第[{_CN_NUM}\d]+节")),
    (4, re.compile(r"^第\d+条|^第[一二三四五六七八九十百]+条")),
    (5, re.compile(rf"^[{_CN_NUM}]+、")),
    (6, re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[）)]")),
    (7, re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),
    (8, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
    (9, re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]")),
)
# Decimal numbering of emergency plans: "1 总则", "2.3 指挥部办公室", "4.1.2 响应程序". The title
# must be short and bare, or a table row such as "20 红色公交专线 条 0 3" would match.
# A title may open with a level's Roman numeral ("5.3.1 Ⅰ级响应").
_DECIMAL = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\s*([\u4e00-\u9fffⅠ-Ⅻ][^\s，。；,;]{0,23})$")
_DECIMAL_TOP_TITLE = 10  # "1 总则", "5 应急响应"; longer bare text after one number is a table row
_MAX_TITLE = 40
_NUMBERING = re.compile(
    r"^(?:第\S{1,4}?[章节条]|[一二三四五六七八九十百]+、|[（(]\S{1,3}?[）)]|\d{1,2}\s*[.．、])\s*"
)


# Tables. Words a header cell is made of in this genre; a header line is mostly such cells.
TABLE_HEADER_WORDS = (
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
    "条件",
    "标准",
    "批准",
    "发布",
    "指挥",
    "说明",
)
# "表 3-1 …", "附表2 …": the title line of a table.
TABLE_TITLE = re.compile(r"^(?:附)?表\s*\d+(?:[-－.]\d+)?\s*(?P<rest>.*)$")
_YEAR_HEADER = re.compile(rf"^{YEAR}年?(?:[（(][^）)]{{1,8}}[）)])?$")
# A quantity's column, named with its unit: "林地面积（万亩）", "半专业扑火队员（人）".
_MEASURED_CELL = re.compile(r"^[\u4e00-\u9fff]{2,10}[（(][^（）()，。]{1,6}[）)]$")
_MAX_HEADER_LINE = 80
_MAX_HEADER_CELL = 10  # characters: a header cell is a short label


def table_header_cells(line: str) -> list[str] | None:
    """The cells of a table's header line ("序号 指标名称 单位 2021 年 2025 年"), or None when
    the line is not one: at least two cells, at least half of them header words or years, and no
    sentence in it."""
    line = line.strip()
    if CELL_MARK in line:
        cells = [c.strip() for c in line.split(CELL_MARK)]
    else:
        if "。" in line or len(line) > _MAX_HEADER_LINE:
            return None
        # "2021 年" is one header cell that the extraction spaced out.
        cells = re.sub(rf"({YEAR})\s+年", r"\1年", line).split()
    hits = sum(
        1
        for c in cells
        if (len(c) <= _MAX_HEADER_CELL and any(w in c for w in TABLE_HEADER_WORDS))
        or _MEASURED_CELL.match(c)
    )
    years = sum(1 for c in cells if _YEAR_HEADER.match(c))
    if len(cells) >= 2 and hits >= 2 and hits + years >= (len(cells) + 1) // 2:
        return cells
    return None


def marker_kind(line: str) -> float | None:
    """Rank of the numbering style ``line`` starts with (a heading or a list item), else None."""
    text = line.strip()
    if not text:
        return None
    decimal = _DECIMAL.match(text)
    if decimal and ("." in decimal[1] or len(decimal[2]) <= _DECIMAL_TOP_TITLE):
        return 5 + decimal[1].count(".")
    for rank, pattern in _MARKER_STYLES:
        if pattern.match(text):
            return rank
    return None


def heading_kind(line: str) -> float | None:
    """Rank of ``line`` as a section heading, or None for body text and plain list items.

    A numbered line is a heading when it is short and bare, or when a short title ends at its
    first full stop ("二、着力加快交通项目建设。完成…"); "(1)特别重大事故，是指…" is a list item."""
    rank = marker_kind(line)
    if rank is None:
        return None
    text = line.strip()
    if re.search(r"[、，,]$", text) and _NUMBERING.sub("", text, count=1).strip("、，, "):
        # "1.建设A、B、C、" runs on to the next line ("D、E 7个中心；"): a cell's sentence
        # cut by the layout, not a title.
        return None
    if len(text) <= _MAX_TITLE and not re.search(r"[，。；,;]", text[:-1]):
        return rank
    head, sep, _ = text.partition("。")
    # The title after the number must read as one phrase: "1.开工建设 S366…、S367…" is a list
    # of tasks in a table cell, not a heading.
    title = _NUMBERING.sub("", head, count=1)
    # A quoted name inside the title ("统筹“双随机、一公开”部门联合抽查") is one phrase.
    bare = re.sub(r"“[^“”]*”|[（(][^（）()]*[）)]", "", title)
    if sep and len(head) <= _MAX_TITLE and not re.search(r"[，；,;、]", bare):
        return rank
    return None


def heading_title(line: str) -> str:
    """The part of a heading line worth showing in a section path.

    Many list items carry their title and body on one line ("1.坚持….深入学习…"): the title is the
    text before the first full stop."""
    text = line.strip()
    for stop in ("。", "；", "：", ":"):
        head, sep, _ = text.partition(stop)
        if sep and len(head) <= _MAX_TITLE:
            return head
    if len(text) <= _MAX_TITLE:
        return text
    return text[:_MAX_TITLE] + "…"


def is_standalone_heading(line: str) -> bool:
    """A heading line with no body text on the same line."""
    text = line.strip()
    return heading_kind(text) is not None and heading_title(text) == text.rstrip("。：:")


_ITEM_NUMBER = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)")


def _runs_into_next_item(line: str, following: str) -> bool:
    """Whether a numbered line is the first of items a table cell runs together: the next item
    starts after a stop in the same line ("1.加大行业督导力度。…考核。2.加强…"), or the line's
    text goes on in the next line, which starts it ("1.完成…、省道阳济线" then "灾后重建项目；
    2.开工建设…"). A heading is followed by its body, not by its sibling. (How a layout wraps
    the cell decides which; both are the same cell.)"""
    text = line.strip()
    number = _ITEM_NUMBER.match(text)
    if number is None:
        return False
    sibling = re.compile(rf"[。；;]\s*{int(number.group(1)) + 1}\s*[.．、](?!\d)")
    if sibling.search(text, number.end()):
        return True
    if re.search(r"[。；;：:]$", text):
        return False
    return sibling.search(following) is not None


def parse_sections(text: str) -> tuple[Section, ...]:
    """Split cleaned text into sections; each span covers the heading line and its body up to the
    next heading of the same or higher level's start."""
    sections: list[Section] = []
    stack: list[tuple[float, str]] = []
    offset = 0
    current_start = 0
    current_path: tuple[str, ...] = ()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        rank = heading_kind(line)
        if rank is not None and _runs_into_next_item(
            line, lines[i + 1] if i + 1 < len(lines) else ""
        ):
            rank = None
        if rank is not None:
            if offset > current_start:
                sections.append(Section(current_path, current_start, offset))
            while stack and stack[-1][0] >= rank:
                stack.pop()
            stack.append((rank, heading_title(line)))
            current_path = tuple(title for _, title in stack)
            current_start = offset
        offset += len(line) + 1
    end = len(text)
    if end > current_start:
        sections.append(Section(current_path, current_start, end))
    return tuple(sections)
