"""Answers read from table rows (``TableRow`` records), in both directions:

- a row named, a column asked: "X的牵头单位和完成时限是什么", "X属于什么属性" → the row whose
  own name cell (with its table's and document's titles) covers the question, and its cells
  under the columns the question names (by the header's own words, or by a cue: 谁牵头 → the lead
  column, 什么时候 → the deadline column);
- a cell value named, the rows asked: "U牵头的有哪几项", "哪几项是约束性的" → the rows of one
  table holding that value (a unit among a lead cell's units; a category such as 约束性) under
  the column the question names, listed by their name cells.

The answer is composed only of the rows' cells and their headers, each row cited at its span."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.answer.citations import cite
from assistant.answer.types import Citation
from assistant.ingest.metadata import ORG_TAIL
from assistant.ingest.types import Document
from assistant.lang.patterns import ASKS_POST_RE, YEAR_RE, known_regions, stance_of
from assistant.lang.substrings import SubstringIndex
from assistant.lang.terms import (
    TermWeights,
    coverage,
    flat,
    flat_coverage,
    flat_texts,
    synonyms_of,
)
from assistant.lang.tokens import nouns
from assistant.records.facts import cell_said, units_used
from assistant.records.structures import split_units
from assistant.records.types import TableRow

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Rows asked for ("U牵头的有哪几项"); "哪个部门/哪些单位" asks for a unit, not for rows.
_ASKS_ROWS = re.compile(r"(?:哪些|哪几个?|哪个|哪项)(?!部门|单位|机关)|有什么")
# "由谁任组长" asks who holds a post (a person), not which unit leads a task (ASKS_POST_RE,
# checked before this).
_ASKS_LEAD = re.compile(r"谁牵头|由谁|哪个(?:部门|单位)|牵头|谁负责|责任(?:单位|部门)")
_ASKS_CO = re.compile(r"配合|协助|谁(?:来)?配合")
_ASKS_WHEN = re.compile(r"什么时候|何时|啥时候|哪一?年|时限|期限|截止|几月|什么时间")
# Question wording that asks rather than names: left out of the row match.
_CUE_WORDS = re.compile(
    r"谁牵头|由谁|牵头|配合|负责|哪个部门|哪个单位|哪些|哪几项|哪几|有什么|什么时候|何时|啥时候"
    r"|时限|期限|分别|是什么|是哪|什么|多少|属于|和|及|、|请问|吗|呢|？|\?|，|。"
)
_KEY_HEADER = re.compile(r"序号|编号")
# The table named as a table ("任务表里", "那张表"): the asking's words, not its caption's.
_TABLE_WORDS = re.compile(
    r"(?:那张|这张|的)?(?:任务|建设|一览)?表格?(?:里|中|上)?(?![\u4e00-\u9fff])|表(?:里|中)"
)
_ASKS_BY_YEAR = re.compile(r"每年|逐年|分年度|各年度?|年度分解|分年")
_YEAR_HEADER = re.compile(r"^(?:19|20)\d{2}\s*年")
_YEAR_SPAN = re.compile(r"((?:19|20)\d{2})\s*年?\s*(?:到|至|-|—|－|~)\s*((?:19|20)\d{2})")
# Which year a thing is done in ("哪一年推出", "什么时候建成"): the year column it is in.
_ASKS_YEAR = re.compile(r"哪一?年|哪个年份|什么年份|什么时候|何时|啥时候")
# "要做哪些事", "安排了什么": asking what is done, naming nothing of it.
_DOING = re.compile(
    r"(?:要|将|需要)?(?:做|安排)(?:了|些)?(?:哪些|哪几件|哪几项|什么|啥)?(?:事情|事儿|事)?"
    # Colloquial "干/搞" only with its question word: "干线" is a word of its own.
    r"|(?:要|将|需要)?(?:干|搞)(?:了|些)?(?:哪些|哪几件|哪几项|什么|啥)(?:事情|事儿|事)?"
)
# The first column of a table keyed by year ("年度 建设内容": one row per year).
_YEAR_KEY = re.compile(r"^(?:年度|年份|年\s*度|年\s*份|时间|年)$")
_BY_YEAR_COVERAGE = 0.4
_MIN_YEARS = 2
# A cell that starts inside a sentence ("施，加大力度…"): the row's cells were shifted.
_CUT_SENTENCE = re.compile(r"^[\u4e00-\u9fff]{1,2}[，,]")
_UNIT_HEADERS = ("单位", "计量单位")
_NAME_HEADERS = ("名称", "任务", "工作", "内容", "项目", "指标", "措施", "事项")
_FIGURE = re.compile(r"^[≤≥<>＜＞约]?[-+]?\d+(?:\.\d+)?(?:%|％)?$|^[—–/／-]+$")
# A row must cover this share of the question's focus, and lead the runner-up by this much.
MIN_COVERAGE = 0.6
MIN_LEAD = 0.05
_MIN_VALUE = 2  # characters: a shorter cell value ("是") is no name to filter by
# A superlative asked of rows ("哪条最长", "最大的是哪个点"): the adjective, whether more is
# "more", and the words a column of its dimension is named by.
_STANDING = re.compile(r"现状|现有|目前|现在|已有|已经")
_SUPERLATIVE = re.compile(r"最(?P<adj>长|短|大|小|高|低|多|少|深|浅|宽|窄|早|晚)")
_HIGHER = frozenset("长大高多深宽晚")
_DIMENSIONS: Mapping[str, tuple[str, ...]] = {
    "长": ("长度", "里程"),
    "短": ("长度", "里程"),
    "深": ("深度",),
    "浅": ("深度",),
    "宽": ("宽度",),
    "窄": ("宽度",),
}
_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_TOTAL = re.compile(r"合计|总计|小计|全市|全省|全县")
_MIN_COMPARED = 2  # rows a superlative compares at least
# A cell's numbered or listed items ("1.办理…；2.开工建设…").
_CELL_ITEMS = re.compile(r"(?:^|[；;。])\s*\d{1,2}[.、．]|[；;]")
_STANCE_NAME = {"current": "现状", "target": "规划"}
# A unit a lead/co cell names: a place or body before a body's tail ("市交通运输局", "各区政府",
# "综合处").
# A wrapped or shifted cell ("输局" of 交通运\n输局, "创建期间" of a sentence) names none.
_UNIT_NAME = re.compile(
    rf"^(?:[\u4e00-\u9fff（）()]{{2,30}}?|[省市县区])(?:{ORG_TAIL}|处|科|室|股)"
    r"(?:[（(][^）)]{1,12}[）)])?$"
)


# Characters before a cell value that may make it the end of a longer name ("云岭一号").
_LONGER_NAME = 4


def _inside_longer_name(question: str, value: str, text: str) -> bool:
    """Whether the question says ``value`` only as the end of a longer name its document uses
    ("云岭一号旅游公路" holds the cell value "旅游公路"): it names that thing, not the rows whose
    cell is the value. A place before a body's name ("临河市交通运输局") is where it is."""
    for m in re.finditer(re.escape(value), question):
        before = question[max(0, m.start() - _LONGER_NAME) : m.start()]
        if not any(
            re.fullmatch(r"[\u4e00-\u9fff]+", before[-k:])
            and not any(r in before[-k:] for r in known_regions())
            and before[-k:] + value in text
            for k in range(2, len(before) + 1)
        ):
            return False
    return True


@dataclass(frozen=True)
class RowAnswer:
    text: str
    citations: tuple[Citation, ...]
    score: float


def role(header: str) -> str:
    """What a column holds, as the header says: lead units, co-units, a deadline."""
    if "牵头" in header or "责任" in header:
        return "lead"
    if "配合" in header or "协办" in header:
        return "co"
    if "时限" in header or "时间" in header or "期限" in header:
        return "deadline"
    return ""


def name_column(headers: Sequence[str]) -> str:
    """The column that names a row: 指标名称, 重点任务, 项目名称 …; else the first that is not
    the running number."""
    for word in _NAME_HEADERS:
        for h in headers:
            if word in h and not role(h):
                return h
    rest = [h for h in headers if not _KEY_HEADER.search(h)]
    return rest[0] if rest else ""


_ENUMERATOR = re.compile(r"(?:^|(?<=[。；;]))\s*\d{1,2}[.．、](?!\d)")


def _as_clause(value: str) -> str:
    """A cell said inside a sentence: its numbered items ("1.…。2.…。") joined by "；" (their
    numbers are the list's, not figures of the answer), without the closing stop."""
    items = [i.strip().rstrip("。；;") for i in _ENUMERATOR.split(value)]
    return "；".join(i for i in items if i)


def _filled(value: str) -> bool:
    """A cell with something in it: "/" and "—" mark an empty one."""
    return bool(value) and not re.fullmatch(r"[/／—–-]+", value)


def _runs_cells(value: str) -> bool:
    """Whether a cell's text runs on over empty cells of the ones after it ("…管理办法》//联合
    出台…"): the extraction ran several cells, or rows, into one, so it is no one cell's value.
    (A single "/" may be the text's own, "充电桩/充电枪".)"""
    return re.search(r"[^/／\s]\s*[/／]\s*[/／]|[/／]\s*[/／]\s*[^/／\s]", value) is not None


def _described_by(headers: Sequence[str], asked: Sequence[str]) -> list[str]:
    """Beyond the name cell, the cells that say what a row is about: a content column (具体内容)
    and the asked cells that are sentences, not units, deadlines or figures."""
    out = [h for h in headers if "内容" in h and h != name_column(headers)]
    return out + [h for h in asked if not role(h) and h not in out]


def _bare(header: str) -> str:
    """A header without its bracketed qualifier: "基期值（2025年）" is asked as 基期值, and
    "长度（公" (its bracket cut by the extraction) as 长度."""
    return re.sub(r"[（(][^（）()]*(?:[）)]|$)", "", header).strip() or header


def _label(header: str) -> str:
    """How an answer names a column: as printed, unless the extraction cut its bracket."""
    return _bare(header) if re.search(r"[（(][^（）()]*$", header) else header


def _words(header: str) -> list[str]:
    """The two-character words of a header ("牵头单位" → 牵头, 头单, 单位)."""
    return [header[k : k + 2] for k in range(len(header) - 1)]


class TableRowAnswerer:
    def __init__(
        self, rows: Sequence[TableRow], documents: Mapping[str, Document], weights: TermWeights
    ) -> None:
        self.rows = tuple(r for r in rows if len(r.cells) >= 2)
        self.documents = documents
        self.weights = weights
        # Each row's place in ``rows`` (rows are looked up by identity: equal rows of two
        # copies of a table are still two rows).
        self._position = {id(r): n for n, r in enumerate(self.rows)}
        # Each row's cells flattened, by each of its headers as ``TableRow.cell`` reads them,
        # and its context before the cells (``_context``): a question flattens no row again.
        self._flat_cells = [{h: flat(r.cell(h)) for h, _ in r.cells} for r in self.rows]
        self._headers = [tuple(h for h, _ in r.cells) for r in self.rows]
        # Built at load, so that no question of a large corpus pays for them.
        self._named_values = self._index_named_values()
        self._cell_index = self._index_cells()
        self._flat_context = [flat(self._context(r, "")) for r in self.rows]
        self._units_of: dict[str, list[str]] = {}
        self._of_doc: dict[str, list[int]] = {}
        self._headers_of: dict[str, set[str]] = {}
        for n, r in enumerate(self.rows):
            self._of_doc.setdefault(r.doc_id, []).append(n)
            self._headers_of.setdefault(r.doc_id, set()).update(self._headers[n])

    def _units(self, doc_id: str) -> list[str]:
        """The units the document writes figures in (a cut header's unit is one of them)."""
        if doc_id not in self._units_of:
            doc = self.documents.get(doc_id)
            self._units_of[doc_id] = units_used(doc.text) if doc is not None else []
        return self._units_of[doc_id]

    def _rows_of(self, doc_ids: Collection[str] | None) -> list[TableRow]:
        """The rows of the documents (all without ``doc_ids``), in table order."""
        if not doc_ids:
            return list(self.rows)
        found = sorted(n for d in set(doc_ids) for n in self._of_doc.get(d, ()))
        return [self.rows[n] for n in found]

    def _index_named_values(self) -> dict[str, list[tuple[int, int, str, str]]]:
        """The cell values a question may name a row by (``_filtered``), by their first two
        characters: (row, order in the row, header, value). A question looks up its own
        character pairs instead of reading every cell of a large corpus."""
        out: dict[str, list[tuple[int, int, str, str]]] = {}
        for n, r in enumerate(self.rows):
            name = name_column(self._headers[n])
            # Words of the document's own title name the document, not a cell ("临州排水防涝
            # 规划里…" names no row whose 类别 is 排水防涝).
            doc = self.documents.get(r.doc_id)
            titled = f"{doc.meta.title} {doc.meta.short_title}" if doc else ""
            order = 0
            for h, v in r.cells:
                if h == name or _KEY_HEADER.search(h) or not v or _FIGURE.match(v):
                    continue
                for value in self._values(h, v):
                    if len(value) >= _MIN_VALUE and value not in titled:
                        out.setdefault(value[:2], []).append((n, order, h, value))
                        order += 1
        return out

    def _index_cells(self) -> SubstringIndex:
        """The postings of every row's cells, flattened as ``coverage`` sees them."""
        return SubstringIndex.build(
            flat_texts([" ".join(v for _, v in r.cells) for r in self.rows])
        )

    def _holding(self, weights: Mapping[str, float]) -> set[int]:
        """The rows whose cells hold every character of some term of ``weights`` (or of one of
        its synonyms): no other row's cells can cover any of them, whichever cells are joined."""
        import numpy as np

        index = self._cell_index
        found: list[npt.NDArray[np.int32]] = []
        for term in weights:
            for form in synonyms_of(term):
                if not form or any(ch.isspace() for ch in form):
                    continue  # a flattened text holds no whitespace: never covered
                ids: npt.NDArray[np.int32] | None = None
                for ch in set(form):
                    these = index.containing(ch)
                    ids = these if ids is None else np.intersect1d(ids, these, assume_unique=True)
                    if not len(ids):
                        break
                if ids is not None:
                    found.append(ids)
        return set(np.concatenate(found).tolist()) if found else set()

    def answer(
        self, question: str, doc_ids: Collection[str] | None = None, figures: bool = False
    ) -> RowAnswer | None:
        """``figures``: only a row whose asked cells state a figure (a value was asked)."""
        rows = self._rows_of(doc_ids)
        if not rows:
            return None
        if figures:
            return self._cells(question, rows, figures)
        if _ASKS_BY_YEAR.search(question):
            by_year = self._by_year(question, rows)
            if by_year is not None:
                return by_year
        return (
            self._year_rows(question, rows)
            or self._year_of_task(question, rows)
            or self._filtered(question, doc_ids)
            or self._cells(question, rows)
        )

    # ------------------------------------------------------------------ superlatives

    def superlative(
        self, question: str, doc_ids: Collection[str] | None = None, stance: str = ""
    ) -> RowAnswer | None:
        """ "现有的几条公交专用道里哪条最长": the row of one table whose figure under the column
        the question names (its header's words, or the dimension of the adjective: 长 → 长度)
        is the largest (or smallest), among the rows holding a cell value the question names
        ("现有"). The winner is cited first, then every row it was compared with."""
        # The last one is asked: "历史最大积水深度最大的是哪个点" names a column with one.
        m = next(reversed(list(_SUPERLATIVE.finditer(question))), None)
        if m is None or "哪" not in question:
            return None
        adjective = m.group("adj")
        focus = _CUE_WORDS.sub(" ", question[: m.start()] + " " + question[m.end() :])
        # "现状的…里": where things stand picks the rows (below), it names no table.
        focus = _STANDING.sub(" ", focus)
        # What the rows are ("公交专用道", "易涝积水点"): the question's nouns, not its "现在已经
        # 有的那几条".
        things = nouns(focus)
        weights = {
            t: w
            for t, w in self.weights.weigh(focus, stress_years=False).items()
            if any(t in n for n in things)
        }
        tables: dict[tuple[str, str, tuple[str, ...]], list[TableRow]] = {}
        for r in self._rows_of(doc_ids):
            tables.setdefault(self._table_key(r), []).append(r)
        scored = []
        for key, rows in tables.items():
            column = self._compared_column(question, adjective, rows)
            if column is None or not weights:
                continue
            # The table's titles and headers, and what its rows are named.
            names = [r.cell(name_column(key[2])) for r in rows]
            context = " ".join([self._context(rows[0], ""), *key[2], *names])
            scored.append((coverage(weights, context), key, column, rows))
        if not scored:
            return None
        scored.sort(key=lambda x: -x[0])
        best, key, column, rows = scored[0]
        if best < MIN_COVERAGE or (len(scored) > 1 and best - scored[1][0] < MIN_LEAD):
            return None
        name = name_column(list(key[2]))
        if not name:
            return None
        named = [(h, v) for r, h, v in self.named_cells(question) if self._table_key(r) == key]
        if named:
            h, v = named[0]
            rows = [r for r in rows if v in self._values(h, r.cell(h))]
        elif stance:
            # "现在已经有的那几条": the rows a cell of which says where things stand ("现状",
            # "现有"), when the table marks some rows so and not all.
            marked = [r for r in rows if any(stance_of(c, "") == stance for _, c in r.cells)]
            if marked and len(marked) < len(rows):
                rows = marked
                named = [("", _STANCE_NAME[stance])]
        figures = [
            (float(r.cell(column)), r)
            for r in rows
            if _BARE_NUMBER.match(r.cell(column))
            and r.cell(name)
            and not _TOTAL.search(r.cell(name))
        ]
        if len(figures) < _MIN_COMPARED:
            return None
        higher = adjective in _HIGHER
        top = max(f for f, _ in figures) if higher else min(f for f, _ in figures)
        winners = [r for f, r in figures if f == top]
        others = [r for f, r in figures if f != top]
        units = self._units(rows[0].doc_id)
        header, _ = cell_said(column, "0", units)

        def said(r: TableRow) -> str:
            return cell_said(column, r.cell(column), units)[1]

        listed = [*winners, *others]
        marks = {id(r): n for n, r in enumerate(listed, 1)}
        among = (f"{named[0][0]}为" if named and named[0][0] else "") + (
            f"{named[0][1]}的" if named else ""
        )
        best_said = "、".join(f"{r.cell(name)}（{said(r)}）[{marks[id(r)]}]" for r in winners)
        rest = "；".join(f"{r.cell(name)} {said(r)}[{marks[id(r)]}]" for r in others)
        text = (
            f"《{self._title(rows[0])}》表中{among}各项里，{header}最{adjective}的是{best_said}。"
            f"比较的其余各项：{rest}。"
        )
        citations = tuple(self._cite(marks[id(r)], r) for r in listed)
        return RowAnswer(text, citations, 1.0)

    def _compared_column(
        self, question: str, adjective: str, rows: Sequence[TableRow]
    ) -> str | None:
        """The column of figures a superlative compares: the one whose name the question
        says, else the one of the adjective's dimension ("长度" for 最长)."""
        headers = [h for h, _ in rows[0].cells]
        numeric = [
            h
            for h in headers
            if not _KEY_HEADER.search(h)
            and sum(bool(_BARE_NUMBER.match(r.cell(h))) for r in rows) >= _MIN_COMPARED
        ]
        said = [h for h in numeric if len(_bare(h)) >= 2 and _bare(h) in question]
        if said:
            return max(said, key=lambda h: len(_bare(h)))
        dimension = [h for h in numeric if any(w in h for w in _DIMENSIONS.get(adjective, ()))]
        return dimension[0] if len(dimension) == 1 else None

    # ------------------------------------------------------------------ helpers

    def _title(self, r: TableRow) -> str:
        doc = self.documents.get(r.doc_id)
        return doc.meta.title if doc else ""

    def _context(self, r: TableRow, name: str) -> str:
        doc = self.documents.get(r.doc_id)
        short = doc.meta.short_title if doc else ""
        return " ".join([self._title(r), short, r.table, r.section, name])

    def _cite(self, n: int, r: TableRow) -> Citation:
        doc = self.documents[r.doc_id]
        quote = doc.text[r.start : r.end]
        return cite(
            n,
            doc_id=r.doc_id,
            quote=quote,
            start=r.start,
            end=r.end,
            meta=doc.meta,
            passage=quote,
        )

    def _beyond_title(
        self,
        weights: Mapping[str, float],
        r: TableRow,
        memo: dict[str, Mapping[str, float]] | None = None,
    ) -> Mapping[str, float]:
        """The focus terms the row's document title does not already say (kept per document in
        ``memo``, a dict the caller holds for one question: a large corpus's tables have
        thousands of rows per document)."""
        if memo is not None and r.doc_id in memo:
            return memo[r.doc_id]
        doc = self.documents.get(r.doc_id)
        if doc is None:
            rest: Mapping[str, float] = weights
        else:
            title = f"{doc.meta.title} {doc.meta.short_title}"
            rest = {t: w for t, w in weights.items() if coverage({t: w}, title) == 0} or weights
        if memo is not None:
            memo[r.doc_id] = rest
        return rest

    @staticmethod
    def _table_key(r: TableRow) -> tuple[str, str, tuple[str, ...]]:
        return r.doc_id, r.table, tuple(h for h, _ in r.cells)

    @staticmethod
    def _values(header: str, value: str) -> tuple[str, ...]:
        """What a question may name a cell by: a unit among a unit cell's units, else the cell."""
        if role(header) in ("lead", "co"):
            units = split_units(value) or (value,)
            return tuple(u for u in units if _UNIT_NAME.match(u))
        return (value,)

    # ------------------------------------------------------------------ value → rows

    def named_cells(
        self, question: str, doc_ids: Collection[str] | None = None
    ) -> list[tuple[TableRow, str, str]]:
        """The cells (row, header, value) a question names by their value, in table order:
        not a row's name or number, not a figure, not words of the document's own title."""
        pairs = {question[k : k + 2] for k in range(len(question) - 1)}
        found = sorted(
            entry
            for pair in pairs
            for entry in self._named_values.get(pair, ())
            if entry[3] in question and (not doc_ids or self.rows[entry[0]].doc_id in doc_ids)
        )
        return [(self.rows[n], h, value) for n, _, h, value in found]

    def _filtered(self, question: str, doc_ids: Collection[str] | None) -> RowAnswer | None:
        if not _ASKS_ROWS.search(question):
            return None
        # (table, header, value) named in the question.
        hits: dict[tuple[tuple[str, str, tuple[str, ...]], str, str], list[TableRow]] = {}
        # Whether a value is said inside a longer name, once per value and document.
        inside: dict[tuple[str, str], bool] = {}
        for r, h, value in self.named_cells(question, doc_ids):
            doc = self.documents.get(r.doc_id)
            if doc is not None and (value, r.doc_id) not in inside:
                inside[(value, r.doc_id)] = _inside_longer_name(question, value, doc.text)
            if inside.get((value, r.doc_id)):
                continue
            hits.setdefault((self._table_key(r), h, value), []).append(r)
        if not hits:
            return None
        # The column the question names ("牵头的", "属性") when it names one.
        named = {k: v for k, v in hits.items() if any(w in question for w in _words(k[1]))}
        hits = named or hits
        # A longer value named wins over one inside it ("省数据管理局" over "数据").
        longest = max(len(k[2]) for k in hits)
        hits = {k: v for k, v in hits.items() if len(k[2]) == longest}
        focus = _CUE_WORDS.sub(" ", question)
        for _, _, value in hits:
            focus = focus.replace(value, " ")
        weights = self.weights.weigh(focus, stress_years=False)
        scored = sorted(
            hits.items(),
            key=lambda kv: -coverage(weights, self._context(kv[1][0], "")) if weights else 0.0,
        )
        (key, header, value), matched = scored[0]
        if len(scored) > 1 and weights:
            first = coverage(weights, self._context(matched[0], ""))
            second = coverage(weights, self._context(scored[1][1][0], ""))
            if first - second < MIN_LEAD:
                return None  # two tables name the value alike: not for this mechanism
        name = name_column(list(key[2]))
        if not name:
            return None
        listed = list(dict.fromkeys(matched))
        parts = []
        citations = []
        for n, r in enumerate(listed, 1):
            cell = r.cell(name)
            if not cell:
                return None
            parts.append(f"{cell}[{n}]")
            citations.append(self._cite(n, r))
        # The table named by its caption; a caption with a year or figure ("表1 2026年…") would
        # state a figure the cited rows do not hold.
        caption = matched[0].table
        plain = re.sub(r"^(?:附)?表\s*\d+(?:[-－.]\d+)?", "", caption)  # its number is a name
        table = f"“{caption}”" if caption and not re.search(r"\d", plain) else "表"
        text = f"《{self._title(matched[0])}》{table}中{header}为{value}的有：{'；'.join(parts)}。"
        return RowAnswer(text, tuple(citations), 1.0)

    # ------------------------------------------------------------------ row → cells

    def _asked_columns(self, question: str, headers: Sequence[str]) -> list[str]:
        asked = [h for h in headers if len(_bare(h)) >= 2 and _bare(h) in question]
        if not re.search(r"分别|各", question):
            # A span of years ("2022到2025年要推进哪些…") asks the period, not the column of
            # the year it ends in.
            spanned = {y for m in _YEAR_SPAN.finditer(question) for y in m.groups()}
            asked = [h for h in asked if not (_YEAR_HEADER.match(h) and _bare(h)[:4] in spanned)]
        for h in headers:
            if h in asked:
                continue
            kind = role(h)
            if (
                (
                    kind == "lead"
                    and _ASKS_LEAD.search(question)
                    and not ASKS_POST_RE.search(question)
                )
                or (kind == "co" and _ASKS_CO.search(question))
                or (kind == "deadline" and _ASKS_WHEN.search(question))
            ):
                asked.append(h)
        if any(role(h) == "lead" for h in asked):
            # Who leads is said with who supports, as the row states them together.
            asked += [h for h in headers if role(h) == "co" and h not in asked]
        name = name_column(headers)
        return [h for h in headers if h in asked and h != name and not _KEY_HEADER.search(h)]

    def _cells(
        self, question: str, rows: Sequence[TableRow], figures: bool = False
    ) -> RowAnswer | None:
        # Years say which column (or period) is asked, not which row: "2022-2025年要推进哪些
        # 道路工程" is not named by another task's "2022-2025年，增开社区微公交".
        focus = YEAR_RE.sub(" ", _CUE_WORDS.sub(" ", question))
        docs = {r.doc_id for r in rows}
        headers_seen: set[str] = set()
        for doc_id in docs:
            headers_seen |= self._headers_of[doc_id]
        for h in sorted(headers_seen, key=len, reverse=True):
            for form in (h, _bare(h)):
                if len(form) >= 2:
                    focus = focus.replace(form, " ")
        weights = self.weights.weigh(focus, stress_years=False)
        if not weights:
            return None
        scored: list[tuple[float, float, TableRow, list[str]]] = []
        # Only a row whose cells hold a term asked can cover it (``own`` below); the columns
        # asked depend on the headers alone, the focus beyond a title on the document alone.
        holding = self._holding(weights)
        asked_of: dict[tuple[str, ...], list[str]] = {}
        beyond_of: dict[str, Mapping[str, float]] = {}
        # In table order, as ``rows`` are.
        for n in sorted(holding & {self._position[id(r)] for r in rows}):
            r = self.rows[n]
            headers = self._headers[n]
            if headers not in asked_of:
                asked_of[headers] = self._asked_columns(question, headers)
            asked = asked_of[headers]
            filled = [h for h in asked if _filled(r.cell(h))]
            # A figure of the cell's own ("建设60处"), not its items' numbers ("1.…2.…").
            if not filled or (
                figures and not any(re.search(r"\d", _as_clause(r.cell(h))) for h in filled)
            ):
                continue
            name = r.cell(name_column(headers))
            if not name:
                continue
            # What names the row: its name cell, and in a task list the content cell and the
            # cell asked too ("2027年在中心城区建设多少处站牌" names the row by its 2027 cell).
            # (Its cells joined, flattened: each cell was flattened once, and the space
            # between two flattens to nothing.)
            flats = self._flat_cells[n]
            flat_named = "".join(
                flats[h] if h in flats else flat(r.cell(h))
                for h in [name_column(headers), *_described_by(headers, asked)]
            )
            # The row's own text must carry the match with what the document's title does not
            # already say (a task named like its document is not named by the document's name).
            own = flat_coverage(self._beyond_title(weights, r, beyond_of), flat_named)
            # A value asked that no fact states: the row's own text must name what is asked.
            if own <= 0 or (figures and own < MIN_COVERAGE):
                continue
            context = self._flat_context[n] + flat_named  # = flat(self._context(r, named))
            scored.append((flat_coverage(weights, context), own, r, asked))
        if not scored:
            return None
        scored.sort(key=lambda s: (-s[0], -s[1]))
        best, own, row, asked = scored[0]
        if best < MIN_COVERAGE:
            return None
        if len(scored) > 1:
            runner = scored[1]
            if best - runner[0] < MIN_LEAD and not (
                own - runner[1] >= MIN_LEAD or runner[2].cells == row.cells
            ):
                return None
        name = row.cell(name_column([h for h, _ in row.cells]))
        asked = [h for h in asked if _filled(row.cell(h))]
        # A bare figure takes the row's unit cell ("80" under 2025年, "%" under 单位).
        unit = next((v for h, v in row.cells if h in _UNIT_HEADERS and _filled(v)), "")

        def stated(header: str, value: str) -> str:
            if unit and _FIGURE.match(value):
                return f"{_label(header)}为{value}{unit}"
            # A unit in the header's brackets ("长度（公里）"), a year column's year.
            name, said = cell_said(header, value, self._units(row.doc_id))
            if said != value:
                return f"{name}为{said}"
            return f"{_label(header)}为{_as_clause(value)}"

        said = "，".join(stated(h, row.cell(h)) for h in asked)
        citations = [self._cite(1, row)]
        # A figure of a header ("2027年") is cited where the table prints it.
        for h in asked:
            if re.search(r"\d", h) and row.cell(h):
                header = self._header_citation(len(citations) + 1, row, h)
                if header is not None and header.quote_start not in {
                    c.quote_start for c in citations
                }:
                    citations.append(header)
        marks = "".join(f"[{c.n}]" for c in citations)
        text = f"《{self._title(row)}》中，“{name}”的{said}{marks}。"
        return RowAnswer(text, tuple(citations), best)

    def _year_item(
        self, year: int, weights: Mapping[str, float], keyed: Sequence[TableRow]
    ) -> RowAnswer | None:
        """ "云岭机场2025年是什么安排": no caption names it, but one item of one year row's
        cell does ("1.续建云岭机场；2.…"): that item, cited at its row."""
        found = []
        for r in keyed:
            for _, value in r.cells[1:]:
                for item in _CELL_ITEMS.split(value):
                    item = item.strip(" ；;。")
                    if item:
                        found.append((coverage(weights, item), item, r))
        found.sort(key=lambda x: -x[0])
        if not found or found[0][0] < MIN_COVERAGE:
            return None
        if len(found) > 1 and found[0][0] - found[1][0] < MIN_LEAD:
            return None  # two items name it alike: not this mechanism's
        _, item, r = found[0]
        text = f"《{self._title(r)}》中，{year}年的安排为：{item}[1]。"
        return RowAnswer(text, (self._cite(1, r),), 1.0)

    def _year_rows(self, question: str, rows: Sequence[TableRow]) -> RowAnswer | None:
        """ "干线提速建设任务中2027年要做哪些事" of a table keyed by year (its first column 年度
        or 年份, a row — or several, one a 项目 — per year): the year's rows of the table the
        question names by its caption, every cell beyond the year stated."""
        years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", question)}
        if len(years) != 1:
            return None
        (year,) = years
        keyed = [
            r for r in rows if _YEAR_KEY.match(r.cells[0][0]) and r.cells[0][1].strip() == str(year)
        ]
        if not keyed:
            return None
        focus = _TABLE_WORDS.sub(" ", _DOING.sub(" ", question))
        focus = re.sub(r"(?:19|20)\d{2}\s*年?", " ", _CUE_WORDS.sub(" ", focus))
        weights = self.weights.weigh(focus, stress_years=False)
        if not weights:
            return None
        tables: dict[tuple[str, str], list[TableRow]] = {}
        for r in keyed:
            tables.setdefault((r.doc_id, r.table), []).append(r)
        scored = []
        beyond_of: dict[str, Mapping[str, float]] = {}
        for group in tables.values():
            first = group[0]
            # The caption must carry the match beyond the document's title: a year of a plan
            # is not asked of every year-keyed table in it.
            beyond = self._beyond_title(weights, first, beyond_of)
            own = coverage(beyond, f"{first.table} {first.section}")
            if own >= MIN_COVERAGE:
                scored.append((coverage(weights, self._context(first, "")), own, group))
        if not scored:
            return self._year_item(year, weights, keyed)
        scored.sort(key=lambda x: (-x[0], -x[1]))
        best, _, group = scored[0]
        if len(scored) > 1 and best - scored[1][0] < MIN_LEAD:
            return None
        parts, citations = [], []
        # A year printed once above its rows ("2024" on a line of its own) is cited there.
        dated = ""
        first_quote = self.documents[group[0].doc_id].text[group[0].start : group[0].end]
        if str(year) not in first_quote:
            line = self._header_citation(1, group[0], str(year))
            if line is None:
                return None
            citations.append(line)
            dated = "[1]"
        for n, r in enumerate(group, len(citations) + 1):
            cells = [(h, v) for h, v in r.cells[1:] if _filled(v)]
            if not cells:
                return None
            # One cell said bare, a name and its content as "name：content", more cells under
            # their column names.
            if len(cells) == 1:
                said = _as_clause(cells[0][1])
            elif len(cells) == 2:
                said = f"{cells[0][1]}：{_as_clause(cells[1][1])}"  # "旅游公路：持续养护工作"
            else:
                said = "，".join(f"{h}为{_as_clause(v)}" for h, v in cells)
            parts.append(f"{said}[{n}]")
            citations.append(self._cite(n, r))
        caption = re.sub(r"^(?:附)?表\s*\d+(?:[-－.]\d+)?\s*", "", group[0].table)
        caption = re.sub(r"[（(][^（）()]*\d[^（）()]*[）)]", "", caption).strip()
        table = f"“{caption}”" if caption and not re.search(r"\d", caption) else "表"
        text = f"《{self._title(group[0])}》{table}中，{year}年{dated}：{'；'.join(parts)}。"
        return RowAnswer(text, tuple(citations), best)

    def _year_of_task(self, question: str, rows: Sequence[TableRow]) -> RowAnswer | None:
        """ "“漾泉行”APP哪一年推出" of a task list with a column per year: the year whose cell
        says the thing asked (one year's cell, clearly ahead of every other year's)."""
        if not _ASKS_YEAR.search(question):
            return None
        focus = _ASKS_YEAR.sub(" ", _CUE_WORDS.sub(" ", question))
        focus = re.sub(r"(?:19|20)\d{2}\s*年?|计划|打算|准备|要|将", " ", focus)
        weights = self.weights.weigh(focus, stress_years=False)
        if not weights:
            return None
        scored: list[tuple[float, str, str, TableRow]] = []
        beyond_of: dict[str, Mapping[str, float]] = {}
        # A cell of a row holding no term asked covers none (a zero is never the runner-up
        # that decides: it only ties the default).
        holding = self._holding(weights)
        for r in rows:
            if self._position[id(r)] not in holding:
                continue
            beyond = self._beyond_title(weights, r, beyond_of)
            for h, v in r.cells:
                if _YEAR_HEADER.match(h) and _filled(v) and not _runs_cells(v):
                    scored.append((coverage(beyond, v), h, v, r))
        if not scored:
            return None
        scored.sort(key=lambda x: -x[0])
        best, header, value, row = scored[0]
        runner = next((x[0] for x in scored[1:] if x[1] != header or x[3] is not row), 0.0)
        if best < MIN_COVERAGE or best - runner < MIN_LEAD:
            return None
        year = _YEAR_HEADER.match(header)
        assert year is not None
        said = year.group(0).replace(" ", "")
        citations = [self._cite(1, row)]
        doc = self.documents[row.doc_id]
        marks = "[1]"
        if said.rstrip("年") not in doc.text[row.start : row.end]:
            line = self._header_citation(2, row, header)
            if line is None:
                return None
            citations.append(line)
            marks = "[1][2]"
        name = dict(row.cells).get(name_column([h for h, _ in row.cells]), "")
        what = f"“{name}”" if name and _filled(name) else ""
        text = f"《{self._title(row)}》中，{what}{said}的安排为：{_as_clause(value)}{marks}。"
        return RowAnswer(text, tuple(citations), best)

    def by_year_stated(self, question: str, doc_ids: Collection[str] | None = None) -> bool:
        if not _ASKS_BY_YEAR.search(question):
            return False
        return self._by_year(question, self._rows_of(doc_ids)) is not None

    def _by_year(self, question: str, rows: Sequence[TableRow]) -> RowAnswer | None:
        """ "X每年分别是多少" of a task list whose year columns state X's figure each year: the
        row that names X, each year's cell (its item about X when the cell lists several)."""
        focus = _ASKS_BY_YEAR.sub(" ", _CUE_WORDS.sub(" ", question))
        weights = self.weights.weigh(focus, stress_years=False)
        if not weights:
            return None
        asked = nouns(focus)
        scored: list[tuple[float, TableRow, list[str]]] = []
        beyond_of: dict[str, Mapping[str, float]] = {}
        holding = self._holding(weights)  # a row holding no term asked covers none
        for r in rows:
            if self._position[id(r)] not in holding:
                continue
            years = [h for h, v in r.cells if _YEAR_HEADER.match(h) and re.search(r"\d", v)]
            if len(years) < 2:
                continue
            named = " ".join(v for _, v in r.cells)
            beyond = self._beyond_title(weights, r, beyond_of)
            # The row must name the weightiest thing asked ("电子站牌", not 创建期间), not a verb of the asking
            # ("新建") nor "创建期间" and the like, which a task list's cells need not repeat.
            things = [t for t in beyond if any(t in n for n in asked)] or list(beyond)
            top = max(things, key=lambda t: (beyond[t], focus.rfind(t)))
            # …and at least two of its year cells must say it: an indicator's bare figures are
            # another table's, and a cell that does not (a row the extraction shifted) is not
            # that year's figure of it.
            years = [h for h in years if top in r.cell(h) and not _CUT_SENTENCE.match(r.cell(h))]
            if len(years) >= _MIN_YEARS and coverage(beyond, named) >= _BY_YEAR_COVERAGE:
                scored.append((coverage(weights, self._context(r, named)), r, years))
        if not scored:
            return None
        scored.sort(key=lambda x: -x[0])
        best, row, years = scored[0]
        if len(scored) > 1 and best - scored[1][0] < MIN_LEAD and scored[1][1] is not row:
            return None
        terms = sorted(weights, key=lambda t: -weights[t])[:3]
        parts = []
        for h in years:
            items = [i for i in _as_clause(row.cell(h)).split("；") if i]
            about = [i for i in items if any(t in i for t in terms)] or items
            parts.append(f"{h}：{'；'.join(about)}")
        citations = [self._cite(1, row)]
        header = self._header_citation(2, row, years[0])
        if header is not None:
            citations.append(header)
        marks = "".join(f"[{c.n}]" for c in citations)
        name = row.cell(name_column([h for h, _ in row.cells]))
        text = f"《{self._title(row)}》中，“{name}”按年度：{'；'.join(parts)}{marks}。"
        return RowAnswer(text, tuple(citations), best)

    def _header_citation(self, n: int, r: TableRow, header: str) -> Citation | None:
        """The line printing ``header`` nearest above the row (its table's header line)."""
        doc = self.documents[r.doc_id]
        pattern = re.compile(r"\s*".join(re.escape(ch) for ch in header if not ch.isspace()))
        found = [m for m in pattern.finditer(doc.text, 0, r.start)]
        if not found:
            return None
        at = found[-1].start()
        start = doc.text.rfind("\n", 0, at) + 1
        end = doc.text.find("\n", at)
        end = len(doc.text) if end < 0 else end
        quote = doc.text[start:end]
        return cite(
            n, doc_id=r.doc_id, quote=quote, start=start, end=end, meta=doc.meta, passage=quote
        )
