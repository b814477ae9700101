"""Answer numeric questions from the fact store: one sentence per asked value, composed from the
row's own strings (value, unit, year, comparison sign, baseline) and citing the row and the table
header that names its year. Returns None when the store has no confident match, so the caller
falls back to retrieval; returns not_found when the question asks about a year or a place the
documents do not cover, rather than a neighbouring number."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.answer.citations import cite
from assistant.answer.texts import SUPPORT_LEAD
from assistant.answer.types import Citation, Status
from assistant.ingest.types import Chunk, Document
from assistant.lang.numbers import mentions
from assistant.lang.patterns import ADMIN_END_RE, YEAR_RE, known_regions
from assistant.lang.tokens import words
from assistant.records.facts import KIND_CURRENT, KIND_TARGET, Fact
from assistant.records.store import FactQuery, FactStore, Match

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_ASKS_NUMBER = re.compile(
    r"多少|几[个条座项处家辆台天年]?|多大|多长|多高|多快|比例|比率|什么水平|目标值|现状值|数值|达到|控制在"
)
_ASKS_LIST = re.compile(r"哪些|哪几")
# "X安排在哪一年": the year a task table schedules an item in.
# "安排在" belongs to the asking ("安排在哪一年完成"), not to the item asked about.
_ASKS_WHEN = re.compile(r"(?:安排|定)?在?(?:哪一?年|哪个年份?|什么时候|何时|什么时间|几几年)")
_TITLE = re.compile(r"《[^》]*》")
_ASKS_CURRENT = re.compile(r"现状|基准|现在|目前|当前|现有|实际")
# "三年里一共…": the whole period's figure, not one year's row of a year-by-year task table.
# Not 合计/总计: they occur inside words (交旅融合计划, 总计划).
_ASKS_SIZE = re.compile(r"多大|多长|多高|多宽|多远|多快|面积|长度|里程")
_COUNT_UNIT = re.compile(r"[个条座项处家所批种类件张部轮班站场]")
_ASKS_TOTAL = re.compile(r"一共|总共|加起来")
# A table's total column, as its cell's indicator ends ("宣威市合计").
_TOTAL_COLUMN = re.compile(r"(?:合计|总计)$")
# "每年分别是多少", "分年度": the same quantity in each year the document states it for.
_ASKS_BY_YEAR = re.compile(r"每年|每一年|分年度|逐年|各年度?|年度分解|按年度?")
# A run of years asked one by one: "从基期到2028年分别是多少", "2026年至2028年每年各…".
_YEAR_SPAN = re.compile(
    r"(?P<span>(?:从|自)?(?:(?P<lo>(?:19|20)\d{2})\s*年?|基期|基准年|现状)\s*(?:到|至|—|–|-|~)"
    r"\s*(?P<hi>(?:19|20)\d{2})\s*年?)[^。？?]{0,12}?(?:分别|各|每年|逐年|依次)"
)


def year_span(question: str) -> tuple[int | None, int] | None:
    """The years a question asks one by one (from, to; from None: the base year), or None."""
    m = _YEAR_SPAN.search(question)
    if m is None:
        return None
    lo = int(m.group("lo")) if m.group("lo") else None
    hi = int(m.group("hi"))
    return None if lo is not None and lo >= hi else (lo, hi)


_ASKS_TARGET = re.compile(r"目标|计划|力争|要|打算|将")
_VALUE_ASKED = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?\s*(?:%|％|公里|个|条|座|标台)"
    # A bare value after a copula ("现状值为0的指标"): the value itself, without the copula.
    r"|(?<=[为是])\s*\d+(?:\.\d+)?(?![\d.%％])"
)
# Question wording that says what kind of answer is wanted, not which indicator: left out of the
# indicator match (the year and kind are matched separately).
_ASKING = re.compile(
    r"多少|几[个条座项处家辆台天]?|多大|多长|多高|什么水平|是多少|目标值?|现状值?|计划|打算|准备|"
    r"要|达到|控制在|提高到|提升到|[？?。，,]|"
    # When (now, actual) and how much in all: matched by the year/kind and the total cue, not
    # words an indicator's name contains.
    r"实际|现在|目前|当前|一共|总共|加起来"
)
# How close a fact's indicator must cover the question's topic words to answer from the store.
TABLE_MIN_SCORE = 0.68
# A table or project row that matches less well still answers when it is the clear winner: at
# least this close, and every other indicator or sentence at most ``CLEAR_MARGIN`` of its score.
# Colloquial words the documents never use ("原本就有的那段") lower every score alike; a winner
# this far ahead is the row the question names.
CLEAR_MIN_SCORE = 0.45
CLEAR_MARGIN = 0.6
# A question this close to an indicator that asks for a year the document does not state is
# about that indicator: not_found, never the nearest year.
STRICT_SCORE = 0.7
# A figure in running text is answered from the store only when one sentence matches this well
# and no other sentence ties with it: the answer quotes that whole sentence, so the figure keeps
# its context, while a tie (面积 of 耕地 vs of 全市) is left to retrieval's sentence choice.
RUNNING_MIN_SCORE = 0.75
# Below this no match decides an answer: every answer needs a best match of at least
# CLEAR_MIN_SCORE, and a runner-up below CLEAR_MARGIN of that counts as none.
_DECIDING_SCORE = CLEAR_MARGIN * CLEAR_MIN_SCORE


@dataclass(frozen=True)
class NumericAnswer:
    status: Status
    text: str
    citations: tuple[Citation, ...]
    score: float
    # A decline's reason when it is not the year asked: the quantity asked is stated only as
    # a rate of it ("标台/万人" for "一共有多少标台"); the unit counted is the detail.
    rate_only: str = ""


def is_numeric_question(question: str) -> bool:
    return bool(_ASKS_NUMBER.search(_TITLE.sub("", question)))


def asked_regions(question: str) -> tuple[str, ...]:
    found: list[str] = []
    rest = question
    for name in known_regions():
        if name in rest:
            found.append(name)
            rest = rest.replace(name, " ")
    return tuple(found)


def asked_years(question: str) -> tuple[int, ...]:
    return tuple(dict.fromkeys(int(y) for y in YEAR_RE.findall(_TITLE.sub("", question))))


def doc_years(doc: Document, fact_years: Collection[int]) -> set[int]:
    """Years a document states values for: its period, its date, and its facts' years
    (``FactStore.years_of``, collected once at load)."""
    years = set(fact_years)
    span = [int(y) for y in YEAR_RE.findall(f"{doc.meta.period} {doc.meta.date}")]
    if span:
        years |= set(range(min(span), max(span) + 1))
    return years


class _FactColumns:
    """Per fact of the store, what the answerer filters its ranking by, as arrays (the store's
    order): a question then costs no Python loop over the facts of a large corpus."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        import numpy as np

        # A figure's facts (not a task item, not a task-list row without a figure).
        self.amount = np.array(
            [f.source != "task" and not (f.source == "row" and f.value is None) for f in facts],
            dtype=bool,
        )
        # What says when: a task item, or a project row with a year in its cells.
        self.dated = np.array(
            [
                f.source == "task" or (f.source == "row" and bool(YEAR_RE.search(f.note)))
                for f in facts
            ],
            dtype=bool,
        )
        keys: dict[str, int] = {}
        self._key = np.array([keys.setdefault(_row_key(f), len(keys)) for f in facts], np.int64)
        # A row of a per-place table keyed by one place ("西安市"), not by the whole ("全省").
        self.keyed = np.array(
            [bool(_row_key(f)) and not _WHOLE_KEY.match(_row_key(f)) for f in facts], dtype=bool
        )
        self._keys = list(keys)
        units: dict[str, int] = {}
        self._unit = np.array([units.setdefault(f.unit, len(units)) for f in facts], np.int64)
        self._units = list(units)

    def named_rows(self, question: str) -> npt.NDArray[np.bool_]:
        """The facts of the rows of a per-place table whose key the question names, by its full
        name or without its suffix ("海岛" for 海岛综合实验区)."""
        import numpy as np

        named = np.array([_names_key(question, k) for k in self._keys], dtype=bool)
        return named[self._key]

    def rates_of_asked(self, question: str) -> npt.NDArray[np.bool_]:
        """The facts whose unit is a rate of the unit the question counts in (``_rate_of_asked``)."""
        import numpy as np

        rate = np.array([_rate_of_asked(question, u) for u in self._units], dtype=bool)
        return rate[self._unit]


class NumericAnswerer:
    def __init__(
        self, store: FactStore, documents: Mapping[str, Document], chunks: Sequence[Chunk]
    ) -> None:
        self.store = store
        self._columns = _FactColumns(store.facts)
        self.documents = documents
        self._chunks: dict[str, list[Chunk]] = {}
        for c in chunks:
            self._chunks.setdefault(c.doc_id, []).append(c)

    # -- question -> query -----------------------------------------------------------------

    def _covered(self, region: str) -> bool:
        return any(region in d.meta.region for d in self.documents.values())

    def answer(
        self, question: str, not_found_text: str, doc_ids: Collection[str] | None = None
    ) -> NumericAnswer | None:
        if _ASKS_WHEN.search(_TITLE.sub("", question)) and not asked_years(question):
            when = self._when_answer(question, doc_ids)
            if when is not None:
                return when
        # "哪些指标…是100%" filters the table by a stated value, however it asks.
        filtering = bool(
            _ASKS_LIST.search(question) and _VALUE_ASKED.search(YEAR_RE.sub(" ", question))
        )
        if not is_numeric_question(question) and not filtering:
            return None
        regions = asked_regions(question)
        if regions and not any(self._covered(r) for r in regions):
            return NumericAnswer("not_found", not_found_text, (), 1.0)
        regions = tuple(r for r in regions if self._covered(r))
        years = asked_years(question)
        docs = [
            d
            for d in self.documents.values()
            if (not doc_ids or d.meta.doc_id in doc_ids)
            and (not regions or any(r in d.meta.region for r in regions))
        ]
        if (
            years
            and docs
            and not any(
                y in doc_years(d, self.store.years_of(d.meta.doc_id)) for d in docs for y in years
            )
        ):
            return NumericAnswer("not_found", not_found_text, (), 1.0)
        topic = question
        for r in regions:
            topic = topic.replace(r, " ")
        span = year_span(question)
        if span is not None:
            # "从基期到2028年" says which years, not what they are of.
            topic = _YEAR_SPAN.sub(lambda m: " " + m.group(0)[len(m.group("span")) :], topic)
        topic = _ASKING.sub(" ", YEAR_RE.sub(" ", topic))
        by_year = (not years and bool(_ASKS_BY_YEAR.search(question))) or span is not None
        if by_year:
            # "每年分别是多少" says how the answer is laid out, not what it is of.
            topic = re.sub(r"分别|各自", " ", _ASKS_BY_YEAR.sub(" ", topic))
        query = FactQuery(
            indicator=topic,
            regions=regions,
            doc_ids=tuple(doc_ids or ()),
        )
        ids, scores = self.store.rank(query)
        # Task items, and task-list rows without a figure, say when, not how much: they answer
        # only "哪一年" / "什么时候" (``_when_answer``).
        kept = self._columns.amount[ids]
        ids, scores = ids[kept], scores[kept]
        if not len(ids):
            return None
        # A row of a per-place table named in the question ("东州市…", "海岛…") is what is asked:
        # a figure for the whole (the province's total in prose) does not answer it.
        named = self._columns.named_rows(question)[ids]
        if named.any():
            ids, scores = ids[named], scores[named]
        else:
            # ... and one that names none of its places asks for no one place's figure: "陕西省
            # 2026年普及率要达到多少" is answered by the 全省 row, not by the 西安市 row.
            whole = ~self._columns.keyed[ids]
            ids, scores = ids[whole], scores[whole]
            if not len(ids):
                return None
        rate = self._columns.rates_of_asked(question)[ids]
        if rate.any():
            # "一共有多少标台" asks for a total counted in 标台: a rate of it ("标台/万人") is
            # another quantity, and answers only a question that says per what.
            first_rate, rate_score = int(ids[rate][0]), float(scores[rate][0])
            ids, scores = ids[~rate], scores[~rate]
            if not len(ids) or float(scores[0]) < rate_score - 1e-9:
                counted = self.store.facts[first_rate].unit.split("/", 1)[0]
                return NumericAnswer("not_found", not_found_text, (), 1.0, rate_only=counted)
        if filtering:
            return self._filter(question, query, years)
        # The weak matches of a large corpus decide nothing below (``_DECIDING_SCORE``): they
        # are not made into ``Match``es.
        cut = scores >= _DECIDING_SCORE
        matches = self.store.matches(ids[cut], scores[cut])
        if not matches:
            return None
        if by_year:
            stated = self._by_year(matches, span)
            if stated is not None:
                return stated
        if years:
            # A project-table row answers a year question only when one of its cells is that year;
            # a sentence about another year does not answer it at all (an indicator row does,
            # from its column for that year).
            matches = [
                m
                for m in matches
                if (m.fact.source != "row" or any(str(y) in m.fact.note for y in years))
                and (m.fact.source != "prose" or m.fact.year is None or m.fact.year in years)
            ]
            if not matches:
                return None
        best = matches[0]
        floor = TABLE_MIN_SCORE if not _clear_winner(matches) else CLEAR_MIN_SCORE
        if best.fact.source == "row" and best.score >= floor:
            # Every row of that table the question matches as well as the best.
            rows = [
                m
                for m in matches
                if m.fact.source == "row"
                and (m.fact.doc_id, m.fact.table) == (best.fact.doc_id, best.fact.table)
                and m.score >= best.score - 1e-9
            ]
            if _ASKS_LIST.search(question):
                return self._rows_answer(rows)  # "现有的有哪几条"
            if len(rows) == 1:
                return self._row_answer(best)
            # "公交专用道原来有多少公里" names no one row of the project table (each is a
            # 公交专用道): a total or a sentence answers it, not the first row.
            return None
        if _ASKS_TOTAL.search(question) and not years:
            # "三年一共要新建多少": the row's own total column ("合计"), not its first year.
            total = self._row_total(best.fact) if best.fact.year is not None else None
            if total is not None:
                best = replace(best, fact=total)
                matches = [best, *matches]
            whole = [
                m
                for m in matches
                if m.fact.source == "prose" and m.fact.year is None and m.score >= TABLE_MIN_SCORE
            ]
            if whole:
                return self._prose_answer(whole, years, question)
        if best.fact.source == "table" and best.score >= floor:
            return self._table_answer(question, matches, years, regions, not_found_text, floor)
        # A figure in a year-by-year task table is as structured as an indicator row. Figures in
        # running text stay with retrieval, whose sentence choice sees the whole passage: the
        # store's clause match confuses neighbouring figures (面积 of 耕地 vs of 全市).
        if (
            best.fact.source == "prose"
            and best.fact.context_quote
            and best.score >= TABLE_MIN_SCORE
        ):
            return self._prose_answer(matches, years, question)
        # "有多大" asks for a size: a count in the same sentence ("两个规划层次") is no answer.
        fitting = [
            m
            for m in matches
            if not (_ASKS_SIZE.search(question) and _COUNT_UNIT.fullmatch(m.fact.unit))
        ]
        if fitting and fitting[0].fact.source == "prose" and fitting[0].score >= RUNNING_MIN_SCORE:
            top = fitting[0].score
            tied = {(m.fact.doc_id, m.fact.start) for m in fitting if m.score >= top - 1e-9}
            if len(tied) == 1:
                return self._prose_answer(fitting, years, question)
        return None

    def _by_year(
        self, matches: Sequence[Match], span: tuple[int | None, int] | None = None
    ) -> NumericAnswer | None:
        """The best-matching quantity that a table states year by year, each year's figure with
        its year (the table's year column or header cited with it); only the years of ``span``
        (from, to; from None: the table's first, its 基期) when one is asked."""
        for m in matches:
            if m.score < TABLE_MIN_SCORE:
                break
            f = m.fact
            if not f.table or f.source == "task":
                continue
            group: dict[int, Fact] = {}
            for g in self.store.facts_of(f.doc_id):
                if (
                    g.table == f.table
                    and g.row == f.row
                    and g.source == f.source
                    and g.year is not None
                    and g.value is not None
                    and (
                        span is None
                        or ((span[0] is None or g.year >= span[0]) and g.year <= span[1])
                    )
                ):
                    group.setdefault(g.year, g)
            if len(group) < 2:
                continue
            citations: list[Citation] = []
            parts = []
            for year in sorted(group):
                g = group[year]
                marks = self._cite(g, citations)
                said = (
                    f"{_plain(g.indicator)}{g.stated}"
                    if g.source == "table"
                    else _sentence(g).rstrip("。")
                )
                parts.append(f"{year}年：{said}{marks}")
            return NumericAnswer("answered", "；".join(parts) + "。", tuple(citations), m.score)
        return None

    def row_quoted(
        self, question: str, quoted: Citation, not_found_text: str, whole: bool = False
    ) -> NumericAnswer | None:
        """A table row that retrieval's draft quoted as its best sentence (the question's wording
        too far from the row's name for the store to match it), stated as this answerer states a
        row it found: each value with its year and 现状/目标, or each cell under its column. None
        when the quote holds no single row's facts."""
        facts = [
            f
            for f in self.store.facts_of(quoted.doc_id)
            if f.source in ("table", "row")
            and f.start < quoted.quote_end
            and quoted.quote_start < f.end
        ]
        rows = {(f.source, f.table, f.row) for f in facts}
        if len(rows) != 1:
            return None
        rate = next((f for f in facts if _rate_of_asked(question, f.unit)), None)
        if rate is not None:  # the row states a rate of what is asked, not the total
            counted = rate.unit.split("/", 1)[0]
            return NumericAnswer("not_found", not_found_text, (), 1.0, rate_only=counted)
        if whole and not (
            min(f.start for f in facts) <= quoted.quote_start
            and quoted.quote_end <= max(f.end for f in facts) + 1
        ):
            return None  # ``whole``: only a quote that is the row itself, not a sentence around it
        match = Match(facts[0], 1.0)
        if facts[0].source == "row":
            same_year = self._rows_of_year(facts[0], asked_years(question))
            if len(same_year) > 1:
                # "2024年公交专用道的建设安排": every row of the project table built that year.
                return self._rows_answer([Match(f, 1.0) for f in same_year])
            return self._row_answer(match)
        return self._table_answer(question, [match], asked_years(question), (), not_found_text)

    def _when_answer(self, question: str, doc_ids: Collection[str] | None) -> NumericAnswer | None:
        """ "X安排在哪一年": the year row of a task table whose item names X best, or a
        project-table row with a year cell. Items tied at the top in several years are each
        stated with their year (a project begun one year and finished the next)."""
        regions = tuple(r for r in asked_regions(question) if self._covered(r))
        topic = question
        for r in regions:
            topic = topic.replace(r, " ")
        topic = _ASKING.sub(" ", _ASKS_WHEN.sub(" ", topic))
        query = FactQuery(indicator=topic, regions=regions, doc_ids=tuple(doc_ids or ()))
        ids, scores = self.store.rank(query)
        kept = self._columns.dated[ids]
        ids, scores = ids[kept], scores[kept]
        # Only the best and the items tied with it are read.
        cut = scores >= TABLE_MIN_SCORE - 1e-9
        matches = self.store.matches(ids[cut], scores[cut])
        if not matches or matches[0].score < TABLE_MIN_SCORE:
            return None
        top = matches[0]
        if top.fact.source == "row":
            return self._row_answer(top)
        tied = [m.fact for m in matches if m.fact.source == "task" and m.score >= top.score - 1e-9]
        citations: list[Citation] = []
        parts: list[str] = []
        for fact in sorted(tied, key=lambda f: (f.year or 0, f.start)):
            marks = self._cite(fact, citations)
            parts.append(f"{fact.year}年：{_item(fact)}{marks}")
        title = self.documents[top.fact.doc_id].meta.title
        # The table's title is not stated: it is not cited, and its "表 1" and years would be
        # unsupported numbers.
        lead = f"《{title}》安排在" if len(parts) == 1 else f"《{title}》中，"
        text = lead + "".join(parts)
        return NumericAnswer("answered", text, tuple(citations), top.score)

    # -- composing -------------------------------------------------------------------------

    def _row_total(self, fact: Fact) -> Fact | None:
        """The cell of ``fact``'s table row under a total column (合计, 总计), if it has one."""
        if fact.source != "table":
            return None
        return next(
            (
                f
                for f in self.store.facts_of(fact.doc_id)
                if f.table == fact.table
                and f.row == fact.row
                and f.year is None
                and _TOTAL_COLUMN.search(f.indicator)
            ),
            None,
        )

    def _table_answer(
        self,
        question: str,
        matches: Sequence[Match],
        years: tuple[int, ...],
        regions: tuple[str, ...],
        not_found_text: str,
        floor: float = TABLE_MIN_SCORE,
    ) -> NumericAnswer | None:
        top = matches[0].score
        # One row per region/document asked about ("晋城和阳泉…"), each its best-matching row.
        rows: dict[str, tuple[Fact, float]] = {}
        for m in matches:
            if m.fact.source != "table" or m.score < floor:
                continue
            key = m.fact.doc_id
            # Of two tables giving the same row, prefer the one with notes: they qualify the
            # value ("达到80%左右").
            if (
                key not in rows
                or rows[key][1] < m.score - 1e-9
                or (abs(rows[key][1] - m.score) < 1e-9 and not rows[key][0].note and m.fact.note)
            ):
                rows[key] = (m.fact, m.score)
        if len(regions) <= 1:
            best_doc = matches[0].fact.doc_id
            rows = {best_doc: rows[best_doc]}
        sentences: list[tuple[list[Fact], Fact]] = []
        for fact, _ in rows.values():
            group = [
                f
                for f in self.store.facts_of(fact.doc_id)
                if f.table == fact.table and f.row == fact.row
            ]

            if not years and fact.year is None:
                # A column of its own, not a year's (项目数, 投资, 三年合计): the row's such cells.
                chosen = [f for f in group if f.year is None]
            elif years:
                chosen = [f for f in group if f.year in years]
                if chosen and all(f.kind == KIND_TARGET for f in chosen):
                    # A target is stated with the table's baseline beside it.
                    chosen += [f for f in group if f.kind == KIND_CURRENT]
                if not chosen:
                    if top >= STRICT_SCORE:
                        return NumericAnswer("not_found", not_found_text, (), top)
                    return None
            elif _ASKS_CURRENT.search(question) and not _ASKS_TARGET.search(question):
                # Where it stands first, then where the table puts it to be: a comparison
                # across places ("和临州比呢") reads both.
                current = [f for f in group if f.kind == KIND_CURRENT]
                later = sorted(
                    (f for f in group if f.kind == KIND_TARGET), key=lambda f: f.year or 0
                )
                sentences.append((current + later, fact) if current else (group, fact))
                continue
            else:
                # The target, with the table's baseline beside it.
                targets = [f for f in group if f.kind == KIND_TARGET]
                chosen = targets + [f for f in group if f.kind == KIND_CURRENT]
            named = {f.indicator for f in chosen}
            several = _several_asked(question)
            if len(named) > 1 and several:
                # Asked for several ("死亡人数控制指标和新增避难场所各是多少"): those the question
                # names at all (a pair of their own name), each with its baseline; not the row's
                # "社会应急力量".
                share = {i: _own_share(i, question) for i in named}
                keep = {i for i in named if share[i] > 0}
                if keep:
                    chosen = [f for f in chosen if f.indicator in keep]
            elif len(named) > 1 and {f.year for f in chosen} != {None}:
                # A matrix row's quantities tie on the row's context (a row's own columns, 项目数
                # and 投资, are each asked by name): the one whose own name the question says
                # most of ("建设投资", not the row's "自来水普及率" beside it), with its baseline.
                share = {i: _own_share(i, question) for i in named}
                top_share = max(share.values())
                if top_share > 0:
                    chosen = [f for f in chosen if share[f.indicator] >= top_share - 1e-9]
            sentences.append(
                (sorted(chosen, key=lambda f: (f.kind != KIND_TARGET, f.year or 0)), fact)
            )
        citations: list[Citation] = []
        parts: list[str] = []
        for chosen, fact in sentences:
            marks = self._cite(fact, citations)
            # A row of a matrix table holds several indicators ("萍乡市PM2.5目标", "萍乡市优良
            # 天数比率目标"): each value is then stated under its own.
            several = len({f.indicator for f in chosen}) > 1
            values = "，".join(
                f"{_plain(f.indicator) if several else ''}{_dated(f)}为{f.stated}" for f in chosen
            )
            title = self.documents[fact.doc_id].meta.title
            lead = "" if several else _plain(chosen[0].indicator if chosen else fact.indicator)
            parts.append(f"《{title}》中，{lead}{values}。{marks}")
        # A place asked about that has no table row may state the figure in prose ("晋城和阳泉…").
        for region in regions:
            if any(region in self.documents[f.doc_id].meta.region for _, f in sentences):
                continue
            prose = [
                m
                for m in matches
                if m.fact.source == "prose"
                and region in m.fact.region
                and m.score >= TABLE_MIN_SCORE
                and (not years or m.fact.year in years)
            ]
            if prose:
                marks = self._cite(prose[0].fact, citations)
                parts.append(f"{_sentence(prose[0].fact)}{marks}")
        return NumericAnswer("answered", "".join(parts), tuple(citations), top)

    def _prose_answer(
        self, matches: Sequence[Match], years: tuple[int, ...], question: str = ""
    ) -> NumericAnswer | None:
        top = matches[0].score
        best = [m.fact for m in matches if m.score >= top - 1e-9 and m.fact.source == "prose"]
        if years:
            # A figure without a year answers a year question only in a document about that one
            # year (a 2023 work plan); otherwise it may be any year's value.
            best = [
                f
                for f in best
                if f.year in years or (f.year is None and self._single_year(f.doc_id) in years)
            ]
        if not best:
            return None
        # Facts of one sentence tie (the sentence is what matched): the one whose own clause
        # says most of what was asked is the figure asked for.
        clauses = [(_own_clause(f), f) for f in best]
        shares = [_bigram_share(c, question) if c else 0.0 for c, _ in clauses]
        top_share = max(shares)
        chosen = [cf for cf, sh in zip(clauses, shares, strict=True) if sh >= top_share - 1e-9]
        clause, fact = chosen[0] if top_share > 0 and len(chosen) == 1 else ("", best[0])
        citations: list[Citation] = []
        marks = self._cite(fact, citations)
        lead = f"{fact.year}年：" if fact.context_quote and fact.year else ""
        sentence = _sentence(fact)
        if clause and not lead:
            # A sentence stating several figures: first the clause of the one asked, then the
            # sentence it stands in.
            text = f"{clause}{marks}。{SUPPORT_LEAD}{sentence}{marks}"
            return NumericAnswer("answered", text, tuple(citations), top)
        return NumericAnswer("answered", f"{lead}{sentence}{marks}", tuple(citations), top)

    def _rows_of_year(self, row: Fact, years: Sequence[int]) -> list[Fact]:
        """The rows of ``row``'s project table whose year cell ("建设年限：2024年") is the one
        year asked, when ``row`` has it; empty otherwise."""
        if len(years) != 1:
            return []
        year = re.compile(rf"^[^：]*[年时限度份期][^：]*：{years[0]}年?$")
        cells = [c for c in row.note.split("；") if year.match(c)]
        if not cells:
            return []
        out: dict[str, Fact] = {}
        for f in self.store.facts_of(row.doc_id):
            if f.source == "row" and f.table == row.table and cells[0] in f.note.split("；"):
                out.setdefault(f.row, f)
        return list(out.values())

    def _row_answer(self, match: Match) -> NumericAnswer:
        """A project-table row stated cell by cell under its column names, citing the row and
        the header that names the columns."""
        fact = match.fact
        citations: list[Citation] = []
        marks = self._cite(fact, citations)
        title = self.documents[fact.doc_id].meta.title
        text = f"《{title}》{_table_name(fact.table)}：{fact.note}。{marks}"
        return NumericAnswer("answered", text, tuple(citations), match.score)

    def _rows_answer(self, matches: Sequence[Match]) -> NumericAnswer:
        """Several rows of one project table, each stated cell by cell, in table order."""
        first = matches[0].fact
        citations: list[Citation] = []
        parts = []
        for m in sorted(matches, key=lambda m: m.fact.start):
            marks = self._cite(m.fact, citations)
            parts.append(f"{m.fact.note}{marks}")
        title = self.documents[first.doc_id].meta.title
        text = f"《{title}》{_table_name(first.table)}：" + "；".join(parts) + "。"
        return NumericAnswer("answered", text, tuple(citations), matches[0].score)

    def _filter(
        self, question: str, query: FactQuery, years: tuple[int, ...]
    ) -> NumericAnswer | None:
        """ "哪些指标2025年要达到100%": the table rows whose value in that year equals it."""
        value = _VALUE_ASKED.search(YEAR_RE.sub(" ", question))
        assert value is not None
        hits = self.store.search(
            FactQuery(
                regions=query.regions, doc_ids=query.doc_ids, years=years, value=value.group(0)
            )
        )
        facts = [m.fact for m in hits if m.fact.source == "table"]
        seen: dict[tuple[str, str], Fact] = {}
        for f in facts:
            seen.setdefault((f.doc_id, _plain(f.indicator)), f)
        if not seen:
            return None
        citations: list[Citation] = []
        parts = []
        for f in seen.values():
            marks = self._cite(f, citations)
            label = "现状值" if f.kind == KIND_CURRENT else "目标值"
            parts.append(f"{_plain(f.indicator)}（{f.year}年{label}{f.stated}）{marks}")
        return NumericAnswer("answered", "；".join(parts), tuple(citations), 1.0)

    def _single_year(self, doc_id: str) -> int | None:
        meta = self.documents[doc_id].meta
        found = set(YEAR_RE.findall(f"{meta.period} {meta.date}"))
        return int(found.pop()) if len(found) == 1 else None

    # -- citations -------------------------------------------------------------------------

    def _cite(self, fact: Fact, citations: list[Citation]) -> str:
        """Cite the row or sentence and, when the year comes from elsewhere, that line too."""
        spans = [(fact.start, fact.end)]
        if fact.context_start >= 0:
            spans.append((fact.context_start, fact.context_end))
        marks = []
        for start, end in spans:
            existing = next(
                (
                    c
                    for c in citations
                    if c.doc_id == fact.doc_id and (c.quote_start, c.quote_end) == (start, end)
                ),
                None,
            )
            if existing is None:
                existing = self._citation(fact.doc_id, start, end, len(citations) + 1)
                citations.append(existing)
            marks.append(f"[{existing.n}]")
        return "".join(marks)

    def _citation(self, doc_id: str, start: int, end: int, n: int) -> Citation:
        doc = self.documents[doc_id]
        chunks = [c for c in self._chunks.get(doc_id, []) if c.start < end and start < c.end]
        first = chunks[0] if chunks else None
        passage = doc.text[start:end]
        if chunks:
            last = chunks[-1]
            passage = (
                chunks[0].text
                if len(chunks) == 1 and chunks[0].end >= end and chunks[0].start <= start
                else doc.text[min(chunks[0].start, start) : max(last.end, end)]
            )
        return cite(
            n,
            doc_id=doc_id,
            quote=doc.text[start:end],
            start=start,
            end=end,
            chunk=first,
            meta=doc.meta,
            passage=passage,
        )


# The row of a per-place table that holds the whole: what a question naming no row asks.
_WHOLE_KEY = re.compile(r"^(?:全[省市县区州国]|合计|总计|小计)")
_PLACE_SUFFIX = re.compile(r"(?:综合实验区|新区|开发区|地区|自治州|市|区|县|州|盟|旗)$")


def _row_key(fact: Fact) -> str:
    """The name a per-place table's row is keyed by ("东州市" of "东州市：新建基站、…")."""
    return fact.row.split("：", 1)[0] if fact.source == "table" and "：" in fact.row else ""


_PER = re.compile(r"每|人均|平均|户均|均|率|比例|密度")


def _rate_of_asked(question: str, unit: str) -> bool:
    """Whether ``unit`` is a rate ("标台/万人") of the unit the question counts in ("多少标台")
    while the question says nothing of per what."""
    counted, _, per = unit.partition("/")
    if (
        not counted
        or not per
        or not re.search(rf"(?:多少|几)(?:个)?{re.escape(counted)}", question)
    ):
        return False
    return per not in question and not _PER.search(question)


def _names_key(question: str, key: str) -> bool:
    """Whether the question names a per-place table's row key, by its full name or without
    its suffix ("海岛" for 海岛综合实验区)."""
    bare = _PLACE_SUFFIX.sub("", key)
    return bool(key) and (key in question or (len(bare) >= 2 and bare in question))


def _clear_winner(matches: Sequence[Match]) -> bool:
    """Whether the best match is a table or project row far ahead of everything else: any
    other indicator (another row name, another document's row, a sentence about something
    else) scores at most ``CLEAR_MARGIN`` of it. The same row in a second table, or a sentence
    whose subject is the row's indicator, is the same indicator."""
    best = matches[0]
    if best.fact.source not in ("table", "row") or best.score < CLEAR_MIN_SCORE:
        return False
    same = (best.fact.doc_id, _plain(best.fact.indicator))
    runner_up = next(
        (m.score for m in matches[1:] if (m.fact.doc_id, _plain(m.fact.indicator)) != same),
        0.0,
    )
    return runner_up <= CLEAR_MARGIN * best.score


# Words that ask for several quantities at once ("建设投资和新建工程各是多少"), as words:
# the 及 of "普及率" or the 与 of "参与率" asks one.
_SEVERAL_WORDS = frozenset({"和", "及", "与", "、", "以及", "及其", "分别", "各"})


def _several_asked(question: str) -> bool:
    return not _SEVERAL_WORDS.isdisjoint(words(question))


_STANCE_END = re.compile(r"(?:基期值|基期|现状值|现状|目标值|目标|预期值)$")


def _own_share(indicator: str, question: str) -> float:
    """Share of an indicator's own character pairs (without a leading row name the question
    also says, e.g. "全省") that the question says."""
    # "…达标率目标" and "…达标率" (the target and the baseline columns) are one quantity.
    name = _STANCE_END.sub("", indicator) or indicator
    for k in range(len(name) - 1, 1, -1):
        # The row's name ends where a place name or a whole's name does ("东岭镇", "全省"):
        # not inside the quantity ("东岭镇林地" of "东岭镇林地面积" leaves it whole).
        if name[:k] in question and (ADMIN_END_RE.search(name[:k]) or _WHOLE_KEY.match(name[:k])):
            name = name[k:] if len(name[k:]) >= 2 else name
            break
    pairs = {name[i : i + 2] for i in range(len(name) - 1)}
    return sum(p in question for p in pairs) / len(pairs) if pairs else 0.0


def _dated(fact: Fact) -> str:
    """ "2030年目标值" / "2025年现状值"; nothing for a column that is no year's (项目数)."""
    if fact.year is None:
        return ""
    return f"{fact.year}年{'现状值' if fact.kind == KIND_CURRENT else '目标值'}"


def _table_name(title: str) -> str:
    """A table's title as an answer names it: without its number and period ("表 4-2",
    "（2023-2025年）"), which the cited row does not state and the guard would remove."""
    name = _TABLE_LABEL.sub("", _TABLE_PERIOD.sub("", title)).strip()
    return name or "表中"


_TABLE_LABEL = re.compile(r"^\s*(?:附)?表\s*\d+(?:[-－.]\d+)?\s*")
_TABLE_PERIOD = re.compile(r"[（(][^（）()]*\d[^（）()]*[）)]\s*$")


def _sentence(fact: Fact) -> str:
    """The fact's sentence as quoted in an answer: without its list number ("1. 9 个…"), which
    would read as a figure, and with a full stop."""
    said = re.sub(r"\s*\n\s*", "", fact.quote)  # a cell's line breaks are no part of it
    return _LIST_NUMBER.sub("", said).rstrip("。；;，,") + "。"


def _bigram_share(text: str, question: str) -> float:
    """Share of the question's character pairs the text holds."""
    pairs = {question[k : k + 2] for k in range(len(question) - 1)}
    return sum(p in text for p in pairs) / len(pairs) if pairs else 0.0


def _own_clause(fact: Fact) -> str:
    """The clause of the fact's sentence that states its figure, when the sentence states other
    figures too ("…，公交分担率达35%，绿色出行比例达70%，…"); else ""."""
    sentence = _sentence(fact).rstrip("。")
    clauses = [c.strip() for c in re.split(r"[，,；;]", sentence) if c.strip()]
    if len(clauses) < 2 or len(mentions(YEAR_RE.sub(" ", sentence), strict=True)) < 2:
        return ""
    stated = re.sub(r"\s+", "", fact.stated)
    own = [c for c in clauses if stated and stated in re.sub(r"\s+", "", c)]
    if len(own) != 1:
        return ""
    words = _plain(fact.indicator)
    # The clause names what the figure is of (not only "达71%").
    if not any(words[k : k + 2] in own[0] for k in range(len(words) - 1)):
        return ""
    return own[0]


def _item(fact: Fact) -> str:
    """A task item as an answer states it: on one line, without its list number."""
    return re.sub(r"\s*\n\s*", "", _sentence(fact))


_LIST_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)])\s*")


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)
