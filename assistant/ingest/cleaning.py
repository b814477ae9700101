"""Turn a raw PDF/Word text extraction into clean paragraphs, one per line.

The extractions break lines inside sentences, interleave page headers and page numbers, and carry
Word bookmark markers. The rules below are generic (no document-specific strings) so that a newly
added document gets the same treatment."""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter

from assistant.ingest.loaders import CELL_MARK
from assistant.ingest.structure import (
    TABLE_TITLE,
    heading_kind,
    is_standalone_heading,
    marker_kind,
    table_header_cells,
)

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# "— 8 —", "- 12 -", "第 3 页", "第3页 共20页", "3/20"
_DECORATED_PAGE = re.compile(
    r"^(?:[-—–－\s]*\d{1,4}[-—–－\s]*|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)
_DASHED = re.compile(r"[-—–－]")
_BARE_NUMBER = re.compile(r"^\d{1,3}$")
_TERMINAL = "。！？；!?;…"
_CLOSERS = "”’」』）)】〕"
_OPEN_CLOSE = {"《": "》", "（": "）", "(": ")", "“": "”", "【": "】", "〔": "〕"}
_CJK = r"\u4e00-\u9fff"
_LETTERSPACED = re.compile(rf"^(?:[{_CJK}]\s+){{3,}}[{_CJK}]$")
# "到2025 年" -> "到2025年"; a number at the start of a line is a table row number, left alone.
_DIGIT_UNIT_SPACE = re.compile(
    r"(?<=[^\s\d.])(\d+(?:\.\d+)?)\s+(?=[年月日%％个项条辆家座处次人亿万公千米])"
)
_CJK_DIGIT_SPACE = re.compile(rf"(?<=[{_CJK}，。、：；（《“])\s+(?=\d)")
_DATE_SPACES = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_SPACE_RUN = re.compile(r"[ \t\u3000\u00a0]+")
_ROW_NUMBER_ONLY = re.compile(r"^\d{1,3}$")
_ROW_START = re.compile(r"^\d{1,3}(?:\s|$)")
# "注：" opens a table's note; other labels are words ("责任单位：").
_LABEL_START = re.compile(rf"^(?:[{_CJK}]{{2,8}}|注)[：:]")
# A row of a flattened table: a row number or grade ("Ⅱ级 …", a level table's row) or several
# short cells separated by spaces.
_TABLE_ROW = re.compile(r"^(?:\d{1,3}\s+\S|(?:[ⅠⅡⅢⅣⅤ]+|[一二三四五])级\s+\S|\S+(?:\s+\S+){2,}$)")
# One character of a cell printed vertically ("政\n策\n法\n规"), and the run it continues.
_SINGLE_CJK = re.compile(rf"^[{_CJK}]$")
_VERTICAL_RUN = re.compile(rf"(?:^|\s)[{_CJK}]{{1,6}}$")
_CLOSES_CELL = re.compile(r"^[^\s（(）)]{0,6}[）)]")
_HEADER_YEAR = re.compile(r"^(?:19|20)\d{2}年?$")
# "序号" printed vertically above the rest of its header row.
_HEADER_FRAGMENT_RE = re.compile(rf"^[{_CJK}]{{1,4}}$")
# A header printed one cell a line: how long a cell may be, how many lines make a header, and
# the words that qualify the year cell above them.
_MAX_HEADER_CELL_LINE = 10
_MIN_HEADER_RUN = 3
_YEAR_QUALIFIERS = ("现状", "目标", "基期", "基准年", "预期")
# The share of a document's page breaks a line must sit at to be a running header or footer.
_FURNITURE_SHARE = 0.3
_MIN_DECORATED_PAGES = 2
# A cell left empty in a table ("/", "/ /"): a line of such marks is cells of their own.
_EMPTY_CELLS = re.compile(r"^[/／](?:\s*[/／])*$")
# A table's total row stands on its own line.
_TOTAL_ROW = re.compile(r"^(?:总计|合计|小计)")


def strip_markers(text: str) -> str:
    return _BOOKMARK.sub("", text)


def _is_page_number(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if not line or not _DECORATED_PAGE.match(line):
        return False
    if _DASHED.search(line) or "页" in line or "/" in line:
        return True
    if not _BARE_NUMBER.match(line):
        return False
    # The first row number under a table's header is not a page number.
    before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
    if table_header_cells(before) is not None:
        return False
    # A bare number is a page number only when it stands alone between blank lines or page
    # breaks; a table's row number runs straight into its cells.
    prev_blank = i == 0 or not lines[i - 1].strip() or "\f" in lines[i - 1]
    next_blank = i + 1 >= len(lines) or not lines[i + 1].strip() or "\f" in lines[i + 1]
    return prev_blank and next_blank


def _near(indices: set[int], i: int, nonblank: list[int], reach: int = 2) -> bool:
    pos = nonblank.index(i)
    window = nonblank[max(0, pos - reach) : pos + reach + 1]
    return any(j in indices for j in window)


def drop_page_furniture(lines: list[str]) -> list[str]:
    """Remove page numbers and the running headers/footers printed next to them."""
    page_idx = {i for i in range(len(lines)) if _is_page_number(lines, i)}
    # A document numbers its pages one way: when they are decorated ("— 3 —", "第3页"), a bare
    # number between blank lines is a table's row number in a double-spaced layout.
    decorated = {i for i in page_idx if not _BARE_NUMBER.match(lines[i].strip())}
    if len(decorated) >= _MIN_DECORATED_PAGES:
        page_idx = decorated
    nonblank = [i for i, line in enumerate(lines) if line.strip() and i not in page_idx]
    feeds = {i for i, line in enumerate(lines) if "\f" in line}
    breaks = feeds | page_idx
    order = sorted(nonblank + list(breaks))
    # A running header or footer is printed at many page breaks; a table cell that repeats down
    # its column ("个", "约束性", a unit's name, a row number) may sit next to one or two breaks
    # by chance and must stay. So count each line's occurrences next to a break, and keep as
    # furniture only the lines found at a good share of the document's breaks.
    near = [i for i in nonblank if len(lines[i].strip()) <= 40 and _near(breaks, i, order)]
    at_breaks = Counter(lines[i].strip() for i in near)
    pages = max(len(page_idx), len(feeds))
    needed = max(2, math.ceil(pages * _FURNITURE_SHARE))
    header_idx = {
        i
        for i in near
        if at_breaks[lines[i].strip()] >= needed and heading_kind(lines[i].strip()) is None
    }
    return [line for i, line in enumerate(lines) if i not in page_idx and i not in header_idx]


def _join_date(m: re.Match[str]) -> str:
    return f"{m[1]}年{m[2]}月" + (f"{m[3]}日" if m[3] else "")


# Full-width digits and Latin letters ("〔２０２５〕３号", "ＰＵＥ") are the same characters as
# their ASCII forms; full-width punctuation (（），％) is the genre's own and stays.
_FULLWIDTH_ALNUM = {
    c: c - 0xFEE0
    for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for c in range(r[0], r[1] + 1)
}


def normalise_line(line: str) -> str:
    line = line.translate(_FULLWIDTH_ALNUM)
    line = _SPACE_RUN.sub(" ", line.replace("\f", " ")).strip()
    if _LETTERSPACED.match(line):
        line = line.replace(" ", "")
    line = _DATE_SPACES.sub(_join_date, line)
    line = _DIGIT_UNIT_SPACE.sub(r"\1", line)
    if not _TABLE_ROW.match(line) or "。" in line:
        line = _CJK_DIGIT_SPACE.sub("", line)
    return line


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _has_unclosed_bracket(line: str) -> bool:
    return any(line.count(o) > line.count(c) for o, c in _OPEN_CLOSE.items())


def _typical_width(lines: list[str]) -> float:
    """Width of a full line of the original layout, learnt from lines that were cut mid-sentence."""
    cut = [
        len(line)
        for line in lines
        if len(line) >= 12 and not _ends_sentence(line) and not _FIGURE_ROW.match(line)
    ]
    if len(cut) < 5:
        return 10_000.0
    return float(statistics.median(cut))


def _continues(prev: str, nxt: str, width: float) -> bool:
    """Whether ``nxt`` is the rest of a sentence that the extraction broke after ``prev``."""
    if marker_kind(nxt) is not None or _LABEL_START.match(nxt):
        return False
    if CELL_MARK in prev or CELL_MARK in nxt:
        return False  # a table row whose cells the loader kept apart stays one line
    if _EMPTY_CELLS.match(prev) or _EMPTY_CELLS.match(nxt):
        # Empty cells ("/") are never part of a sentence: joined, they would run the cells
        # before and after them, and the rows beyond, into one line.
        return False
    # A table's title and its header row are lines of their own: rows glued to them could not
    # be told apart from the header (an unclosed "长度（公" in a header is a cut cell, not a
    # sentence to continue).
    if TABLE_TITLE.match(prev) or table_header_cells(prev) or table_header_cells(nxt):
        return False
    if _TOTAL_ROW.match(nxt) or _FIGURE_ROW.match(prev):
        return False  # a row of figures ends where its line does
    if _SINGLE_CJK.match(nxt):
        # A cell printed vertically comes one character a line: the characters form one word,
        # which is not joined to the row number before it ("1" + "政策法规类" would read as a
        # numbered heading).
        if _ROW_NUMBER_ONLY.match(prev):
            return False
        if _VERTICAL_RUN.search(prev):
            return True
    if _ends_sentence(prev) or prev.endswith(("：", ":")):
        return False
    if _has_unclosed_bracket(prev):
        return True
    if is_standalone_heading(prev):
        return False
    if _ROW_NUMBER_ONLY.match(nxt):
        return False
    if _ROW_NUMBER_ONLY.match(prev):
        return True
    if _TABLE_ROW.match(nxt) and not re.search(r"[，。、]", nxt):
        return False
    if nxt[0] in "，。、；：）》”,.;:)":
        return True
    # Short lines without punctuation are titles or table cells, not cut sentences.
    # Punctuation inside brackets is a label's ("县（市、区）", "基期值（2025年，%）").
    has_inner_punct = bool(re.search(r"[，、；,;]", re.sub(r"[（(][^（）()]*[）)]", "", prev)))
    return has_inner_punct or len(prev) >= 0.8 * width


def _is_header_cell(cell: str) -> bool:
    if _HEADER_YEAR.match(cell):
        return True
    return "《" not in cell and table_header_cells(f"{cell} {cell}") is not None


def _header_continues(prev: str, nxt: str) -> str | None:
    """The separator when ``nxt`` is the rest of the header row ``prev`` (a header cell cut
    inside its brackets, "2024年（基" + "期）", or more header cells on the next line), else None."""
    if table_header_cells(prev) is None:
        return None
    if _has_unclosed_bracket(prev) and _CLOSES_CELL.match(nxt):
        return ""
    cells = re.sub(r"(\d{4})\s+年", r"\1年", nxt).split()
    # A bare year under the header is the first row of a year-by-year table, not a header cell.
    if cells and all(_is_header_cell(c) for c in cells) and not all(c.isdigit() for c in cells):
        return " "
    return None


def _header_cell_line(line: str) -> bool:
    """A line that is one short header cell: no space inside (but "2024 年"), no punctuation."""
    cell = re.sub(r"^(\d{4})\s+年", r"\1年", line)
    return (
        0 < len(cell) <= _MAX_HEADER_CELL_LINE
        and " " not in cell
        and not _ROW_NUMBER_ONLY.match(cell)
        and not re.search(r"[，。；：,;:、]", cell)
        and heading_kind(cell) is None
    )


def join_header_cells(lines: list[str]) -> list[str]:
    """A table header printed one cell a line ("序号" / "指标名称" / "单位" / "2024 年" / "现状"
    / …) becomes one header line, its cells separated by spaces, so the table's reader sees its
    columns. A run qualifies when it starts with a header cell, has at least three lines and
    reads as a header as a whole. A 现状/目标 line under a year is that year's column
    ("2024年现状"), not a column of its own."""
    out: list[str] = []
    i = 0
    # Inside a table whose header is already read, short lines are its cells broken over
    # lines ("市防汛指挥部" / "指挥长"), not another header; a heading or a sentence ends it.
    in_table = False
    while i < len(lines):
        line = lines[i].strip()
        if table_header_cells(line) is not None:
            in_table = True
        elif heading_kind(line) is not None or "。" in line:
            in_table = False
        j = i
        if not in_table and _is_header_cell(lines[i]) and _header_cell_line(lines[i]):
            while j < len(lines) and _header_cell_line(lines[j]):
                j += 1
        if j - i >= _MIN_HEADER_RUN:
            cells: list[str] = []
            for cell in lines[i:j]:
                if (
                    cells
                    and cell in _YEAR_QUALIFIERS
                    and _HEADER_YEAR.match(re.sub(r"\s+", "", cells[-1]))
                ):
                    cells[-1] += cell
                else:
                    cells.append(cell)
            joined = " ".join(cells)
            if table_header_cells(joined) is not None:
                out.append(joined)
                i = j
                continue
        out.append(lines[i])
        i += 1
    return out


# A cell of a figure table printed one cell a line: a figure ("78.2", "≥95%", "—") or a row's
# name ("临河县", "湖滨新区（经开区）", "管网延伸工程").
_CELL_FIGURE = re.compile(r"^[≤≥<>＜＞约]?[-+]?\d+(?:\.\d+)?[%％]?$|^[—–-]+$")
_MAX_ROW_LABEL = 20
# A table row: a name, then two or more figures apart ("南湖区 12 ≤13 99.2 ≥98.5").
_FIGURE_ROW = re.compile(r"^\S+(?:\s+[≤≥<>＜＞]?\d+(?:\.\d+)?[%％]?){2,}$")
_MIN_CELL_ROWS = 3


def _row_label(line: str) -> bool:
    return (
        0 < len(line) <= _MAX_ROW_LABEL
        and re.search(rf"[{_CJK}]", line) is not None
        and " " not in line
        and not re.search(r"[，。；：,;:]", line)
        and marker_kind(line) is None
        and table_header_cells(line) is None
    )


def _header_cell(line: str) -> bool:
    """A short label with no sentence punctuation outside its brackets ("县（市、区）")."""
    bare = re.sub(r"[（(][^（）()]*[）)]", "", line)
    return (
        0 < len(line) <= _MAX_HEADER_CELL_LINE + 4
        and " " not in line
        and not _CELL_FIGURE.match(line)
        and not re.search(r"[，。；：,;:、]", bare)
        and marker_kind(line) is None
    )


def _figures_after(lines: list[str], i: int) -> int:
    k = i
    while k < len(lines) and _CELL_FIGURE.match(lines[k]):
        k += 1
    return k - i


def join_cell_rows(lines: list[str]) -> list[str]:
    """A figure table printed one cell a line ("临河县" / "81.5" / "86" / "90" / "云岭县" / …)
    becomes one row per line ("临河县 81.5 86 90"), so its rows read like any table's: a run of at
    least three rows, each a name followed by the same number (two or more) of figures. A page
    break inside a row is already gone (page furniture is dropped first)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        width = _figures_after(lines, i + 1) if _row_label(lines[i]) else 0
        rows: list[str] = []
        j = i
        while (
            width >= 2
            and j < len(lines)
            and _row_label(lines[j])
            and _figures_after(lines, j + 1) == width
        ):
            rows.append(" ".join(lines[j : j + width + 1]))
            j += width + 1
        if len(rows) >= _MIN_CELL_ROWS:
            # The header printed the same way, one cell a line right above the rows
            # ("市州" / "2025年" / "2027年" / "2030年"), becomes the header line.
            head = out[-(width + 1) :] if len(out) > width else []
            if head and all(_header_cell(c) for c in head):
                del out[-(width + 1) :]
                out.append(" ".join(head))
            out.extend(rows)
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


def join_broken_lines(lines: list[str]) -> list[str]:
    width = _typical_width(lines)
    out: list[str] = []
    for line in join_header_cells(join_cell_rows(lines)):
        if (
            out
            and _HEADER_FRAGMENT_RE.match(out[-1])
            and table_header_cells(line) is not None
            and table_header_cells(f"{out[-1]} {line}") is not None
        ):
            out[-1] = f"{out[-1]} {line}"  # a header cell printed vertically joins its row
        elif out and (sep := _header_continues(out[-1], line)) is not None:
            out[-1] = f"{out[-1]}{sep}{line}"
        elif out and _continues(out[-1], line, width):
            prev = out[-1]
            ascii_pair = prev[-1].isascii() and prev[-1].isalnum() and line[0].isascii()
            # Cells of a table row keep a space between them so the row stays readable.
            sep = " " if ascii_pair or _ROW_START.match(prev) else ""
            out[-1] = prev + sep + line
        else:
            out.append(line)
    return out


def clean_text(raw: str) -> str:
    """Raw extraction -> cleaned text, one paragraph, heading or table row per line."""
    text = strip_markers(raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = drop_page_furniture(text.split("\n"))
    normalised = [normalise_line(line) for line in lines]
    joined = join_broken_lines([line for line in normalised if line])
    return "\n".join(joined) + ("\n" if joined else "")
