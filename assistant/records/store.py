"""The fact store: extracted figures in SQLite, written with the index and queried by a typed
``FactQuery`` (indicator, region/document, year, kind, value).

Indicator names are matched fuzzily: the query's words (and their synonyms from
``data/synonyms.txt``, so 公交 finds 城市公共交通) are weighted by rarity and the share of that
weight a fact's indicator, table and document title cover is its match score. A word found only
in pieces (工资水平 in 工资收入水平) counts in part (``lang.terms.piece_credit``)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import InvalidFactQueryError
from assistant.lang.numbers import parse_value
from assistant.lang.terms import PIECE_FACTOR, TermWeights, deciding_pieces, term_pieces
from assistant.records.facts import KIND_CURRENT, KIND_TARGET, Fact
from assistant.records.types import Record, record_from_row

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

STORE_FILE = "facts.sqlite"
_COLUMNS = tuple(f.name for f in fields(Fact))
_INT_COLUMNS = {"start", "end", "context_start", "context_end"}
# Units of duration, named by the word a question uses for them.
_UNIT_QUANTITY = ((("时间 时长"), re.compile(r"小时|分钟|工作日|天$|星期")),)


@dataclass(frozen=True)
class FactQuery:
    """What a numeric question asks. Empty fields do not filter."""

    indicator: str = ""
    regions: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    kind: str = ""
    value: str = ""  # a stated value to filter on: "100%", "1.8万"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> FactQuery:
        """Build a query from JSON-like input, naming the valid fields when one is wrong."""
        valid = tuple(f.name for f in fields(cls))
        unknown = sorted(set(data) - set(valid))
        if unknown:
            raise InvalidFactQueryError(f"未知字段 {'、'.join(unknown)}", valid)
        kind = str(data.get("kind", ""))
        if kind not in ("", KIND_CURRENT, KIND_TARGET):
            raise InvalidFactQueryError(
                f"kind 应为“{KIND_CURRENT}”或“{KIND_TARGET}”，当前为“{kind}”", valid
            )
        try:
            years = tuple(int(y) for y in data.get("years", ()) or ())
        except (TypeError, ValueError):
            raise InvalidFactQueryError("years 应为年份列表，例如 [2025]", valid) from None
        value = str(data.get("value", ""))
        if value and parse_value(value) is None:
            raise InvalidFactQueryError(f"value“{value}”不是数值", valid)
        return cls(
            indicator=str(data.get("indicator", "")),
            regions=tuple(str(r) for r in data.get("regions", ()) or ()),
            doc_ids=tuple(str(d) for d in data.get("doc_ids", ()) or ()),
            years=years,
            kind=kind,
            value=value,
        )


@dataclass(frozen=True)
class Match:
    fact: Fact
    score: float


def _sql_type(column: str) -> str:
    if column in _INT_COLUMNS or column == "year":
        return "INTEGER"
    return "REAL" if column == "value" else "TEXT"


def write_store(path: Path, facts: Sequence[Fact]) -> None:
    """Write ``facts`` into a new SQLite file at ``path`` (inside the index build directory)."""
    con = sqlite3.connect(path)
    try:
        cols = ", ".join(f'"{c}" {_sql_type(c)}' for c in _COLUMNS)
        con.execute(f"CREATE TABLE facts ({cols})")
        marks = ", ".join("?" for _ in _COLUMNS)
        con.executemany(
            f"INSERT INTO facts VALUES ({marks})",
            [tuple(getattr(f, c) for c in _COLUMNS) for f in facts],
        )
        con.execute("CREATE INDEX facts_doc ON facts(doc_id, year)")
        con.commit()
    finally:
        con.close()


def read_store(path: Path) -> list[Fact]:
    if not path.is_file():
        raise FileNotFoundError(2, "facts store missing", str(path))
    # Read-only through a URI that ``Path.as_uri`` escapes: a "#" or "?" in ASSISTANT_HOME
    # would otherwise end the path early, and SQLite would create a stray file elsewhere.
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT " + ", ".join(f'"{c}"' for c in _COLUMNS) + " FROM facts"
        ).fetchall()
    finally:
        con.close()
    return [Fact(**dict(zip(_COLUMNS, row, strict=True))) for row in rows]


class FactStore:
    """All facts in memory, with fuzzy indicator matching.

    The filters are vectorised over columns built once, and a fact's indicator match is summed
    from the postings of the query's terms (``TermWeights.containing``), so a question costs no
    Python loop over every fact."""

    def __init__(self, facts: Sequence[Fact], doc_titles: Mapping[str, str]) -> None:
        import numpy as np

        self.facts = tuple(facts)
        self._titles = dict(doc_titles)
        self._texts = [self.match_text(f) for f in self.facts]
        self._weights = TermWeights(self._texts)
        self._by_doc: dict[str, list[Fact]] = {}
        for f in self.facts:
            self._by_doc.setdefault(f.doc_id, []).append(f)
        self._years = {
            doc_id: frozenset(f.year for f in facts if f.year)
            for doc_id, facts in self._by_doc.items()
        }
        docs = {d: n for n, d in enumerate(self._by_doc)}
        self._doc = np.array([docs[f.doc_id] for f in self.facts], dtype=np.int32)
        self._doc_codes = docs
        regions: dict[str, int] = {}
        self._region = np.array(
            [regions.setdefault(f.region, len(regions)) for f in self.facts], dtype=np.int32
        )
        self._regions = list(regions)
        self._year = np.array([-1 if f.year is None else f.year for f in self.facts], np.int64)
        self._kind = np.array([f.kind for f in self.facts], dtype=object)
        self._value = np.array(
            [np.nan if f.value is None else f.value for f in self.facts], dtype=np.float64
        )
        # The tie-break of ``search``: a table row before a sentence, then document order.
        self._prose = np.array([f.source == "prose" for f in self.facts], dtype=bool)
        self._start = np.array([f.start for f in self.facts], dtype=np.int64)

    def match_text(self, fact: Fact) -> str:
        """What a query's indicator words are matched against, plus the quantity the unit
        measures: "多长时间" is answered by a figure in 小时, though no text says 时间."""
        return " ".join(
            [self._titles.get(fact.doc_id, ""), fact.table, fact.row, fact.indicator, fact.unit]
            # An indicator row's own line too: a question may name its value ("从38.5%提高到").
            + ([fact.quote] if fact.source in ("prose", "table") else [])
            # A project-table row is matched by its cells under their column names.
            + ([fact.note] if fact.source == "row" else [])
            + [q for q, pattern in _UNIT_QUANTITY if pattern.search(fact.unit)]
        )

    @classmethod
    def load(cls, path: Path, doc_titles: Mapping[str, str]) -> FactStore:
        return cls(read_store(path), doc_titles)

    def facts_of(self, doc_id: str) -> list[Fact]:
        """The facts of one document, in store order."""
        return self._by_doc.get(doc_id, [])

    def years_of(self, doc_id: str) -> frozenset[int]:
        """The years the document's facts state values for."""
        return self._years.get(doc_id, frozenset())

    def _scores(self, weights: Mapping[str, float]) -> npt.NDArray[np.float64]:
        """``piecewise_coverage(weights, text)`` of every fact's match text, summed term by term
        in the same order (so the same floating-point result)."""
        import numpy as np

        n = len(self.facts)
        if not weights:
            return np.ones(n)
        total = sum(weights.values())
        if total <= 0:
            return np.zeros(n)
        got = np.zeros(n)
        for term, w in weights.items():
            if term_pieces(term):
                # Which of the word's characters each fact covers with a piece it contains.
                covered = np.zeros((n, len(term)), dtype=bool)
                for i, j in deciding_pieces(term):
                    covered[self._weights.containing(term[i:j]), i:j] = True
                credit = PIECE_FACTOR * covered.sum(axis=1) / len(term)
                credit[self._weights.containing(term)] = 1.0
                got += w * credit
            else:
                got[self._weights.containing(term)] += w
        return got / total

    def search(self, query: FactQuery) -> list[Match]:
        """Facts passing the query's filters, best indicator match first."""
        return self.matches(*self.rank(query))

    def matches(self, ids: npt.NDArray[np.int64], scores: npt.NDArray[np.float64]) -> list[Match]:
        """The ``Match`` of each of the facts at ``ids`` (positions in ``facts``)."""
        return [Match(self.facts[i], s) for i, s in zip(ids.tolist(), scores.tolist(), strict=True)]

    def rank(self, query: FactQuery) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """``search`` as arrays: the positions in ``facts`` of the facts passing the filters,
        best indicator match first, and their scores. A caller that filters or cuts the ranking
        by columns of its own builds a ``Match`` only for the facts it keeps (almost every fact
        of a large corpus shares a character pair with some word of a question)."""
        import numpy as np

        weights = (
            self._weights.weigh(query.indicator, stress_years=False) if query.indicator else {}
        )
        wanted = parse_value(query.value) if query.value else None
        keep = np.ones(len(self.facts), dtype=bool)
        if query.doc_ids:
            codes = [self._doc_codes[d] for d in query.doc_ids if d in self._doc_codes]
            keep &= np.isin(self._doc, codes)
        if query.regions:
            codes = [
                n
                for n, region in enumerate(self._regions)
                if any(r in region for r in query.regions)
            ]
            keep &= np.isin(self._region, codes)
        if query.years:
            keep &= np.isin(self._year, list(query.years))
        if query.kind:
            keep &= self._kind == query.kind
        if wanted is not None:
            with np.errstate(invalid="ignore"):
                keep &= np.abs(self._value - float(wanted)) <= 1e-9
        ids = np.nonzero(keep)[0]
        scores = self._scores(weights)
        # On a tie a table row (indicator or project table) beats a sentence: it is the
        # structured statement of the same figure.
        order = ids[np.lexsort((self._start[ids], self._prose[ids], -scores[ids]))]
        if weights:
            # Facts the indicator matches at all: the rest can only trail (building a Match
            # for every fact of a large corpus cost more than the search itself).
            matching = order[scores[order] > 0]
            if len(matching):
                order = matching
        return order, scores[order]


_RECORD_COLUMNS = ("record_id", "type", "doc_id", "section", "quote", "start", "end", "fields")


def write_records(path: Path, records: Sequence[Record]) -> None:
    """Add the structure records to the store file (table ``records``; fields as JSON)."""
    con = sqlite3.connect(path)
    try:
        con.execute(
            "CREATE TABLE records (record_id TEXT, type TEXT, doc_id TEXT, section TEXT, "
            'quote TEXT, start INTEGER, "end" INTEGER, fields TEXT)'
        )
        con.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [tuple(r.to_row()[c] for c in _RECORD_COLUMNS) for r in records],
        )
        con.execute("CREATE INDEX records_doc ON records(doc_id, type)")
        con.commit()
    finally:
        con.close()


def read_records(path: Path) -> list[Record]:
    # Opened by path (never through a file: URI, whose ?/# would be read as URI syntax).
    con = sqlite3.connect(path)
    try:
        quoted = ", ".join(f'"{c}"' for c in _RECORD_COLUMNS)
        rows = con.execute(f"SELECT {quoted} FROM records ORDER BY rowid").fetchall()
    finally:
        con.close()
    return [record_from_row(dict(zip(_RECORD_COLUMNS, row, strict=True))) for row in rows]
