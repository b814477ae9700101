"""The fact store: extracted figures in SQLite, written with the index and queried by a typed
``FactQuery`` (indicator, region/document, year, kind, value).

Indicator names are matched fuzzily: the query's words (and their synonyms from
``data/synonyms.txt``, so 公交 finds 城市公共交通) are weighted by rarity and the share of that
weight a fact's indicator, table and document title cover is its match score."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from assistant.errors import InvalidFactQueryError
from assistant.lang.numbers import parse_value
from assistant.lang.terms import TermWeights, coverage
from assistant.records.facts import KIND_CURRENT, KIND_TARGET, Fact
from assistant.records.types import Record, record_from_row

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
    """All facts in memory (a few hundred rows), with fuzzy indicator matching."""

    def __init__(self, facts: Sequence[Fact], doc_titles: Mapping[str, str]) -> None:
        self.facts = tuple(facts)
        self._titles = dict(doc_titles)
        self._texts = [self.match_text(f) for f in self.facts]
        self._weights = TermWeights(self._texts)

    def match_text(self, fact: Fact) -> str:
        """What a query's indicator words are matched against, plus the quantity the unit
        measures: "多长时间" is answered by a figure in 小时, though no text says 时间."""
        return " ".join(
            [self._titles.get(fact.doc_id, ""), fact.table, fact.row, fact.indicator, fact.unit]
            + ([fact.quote] if fact.source == "prose" else [])
            # A project-table row is matched by its cells under their column names.
            + ([fact.note] if fact.source == "row" else [])
            + [q for q, pattern in _UNIT_QUANTITY if pattern.search(fact.unit)]
        )

    @classmethod
    def load(cls, path: Path, doc_titles: Mapping[str, str]) -> FactStore:
        return cls(read_store(path), doc_titles)

    def search(self, query: FactQuery) -> list[Match]:
        """Facts passing the query's filters, best indicator match first."""
        weights = (
            self._weights.weigh(query.indicator, stress_years=False) if query.indicator else {}
        )
        wanted = parse_value(query.value) if query.value else None
        out: list[Match] = []
        for fact, text in zip(self.facts, self._texts, strict=True):
            if query.doc_ids and fact.doc_id not in query.doc_ids:
                continue
            if query.regions and not any(r in fact.region for r in query.regions):
                continue
            if query.years and fact.year not in query.years:
                continue
            if query.kind and fact.kind != query.kind:
                continue
            if wanted is not None and (
                fact.value is None or abs(fact.value - float(wanted)) > 1e-9
            ):
                continue
            out.append(Match(fact, coverage(weights, text) if weights else 1.0))
        # On a tie a table row (indicator or project table) beats a sentence: it is the
        # structured statement of the same figure.
        out.sort(key=lambda m: (-m.score, m.fact.source == "prose", m.fact.start))
        return out


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
