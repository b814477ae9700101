"""Which statement is current: a document that repeals another (its "…（文号）同时废止" clause,
matched against the 文号 and titles of the corpus), and two documents that state different
values for the same indicator, year and kind (the newer one, by date, is named). Built across
all documents of a build, so an answer can say which document is newer."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from assistant.ingest.types import Document
from assistant.records.facts import Fact
from assistant.records.types import Conflict, DocumentFacts, Record, Supersedes

_SPACE = re.compile(r"\s+")


def _compact(text: str) -> str:
    return _SPACE.sub("", text)


def _date_of(doc: Document | None, facts: DocumentFacts | None) -> str:
    """A sortable date: the manifest's ISO date, else the issue date the text states."""
    if doc is not None and doc.meta.date:
        return doc.meta.date
    if facts is not None and facts.issue_date:
        m = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", facts.issue_date)
        if m:
            return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    return ""


def currency_records(
    documents: Mapping[str, Document],
    records: Sequence[Record],
    facts: Sequence[Fact],
) -> list[Record]:
    doc_facts = {r.doc_id: r for r in records if isinstance(r, DocumentFacts)}
    by_number = {
        _compact(f.doc_number): doc_id for doc_id, f in doc_facts.items() if f.doc_number
    } | {
        _compact(d.meta.doc_number): doc_id for doc_id, d in documents.items() if d.meta.doc_number
    }
    by_title = {_compact(d.meta.title): doc_id for doc_id, d in documents.items()}
    out: list[Record] = []
    for doc_id, f in doc_facts.items():
        doc = documents[doc_id]
        titles = list(f.repeals) or [""] * len(f.repealed_numbers)
        numbers = list(f.repealed_numbers) + [""] * (len(titles) - len(f.repealed_numbers))
        for title, number in zip(titles, numbers, strict=False):
            at = doc.text.find("同时废止")
            start = doc.text.rfind("。", 0, max(at, 0)) + 1 if at >= 0 else f.start
            end = at + len("同时废止") if at >= 0 else f.end
            target = by_number.get(_compact(number), "") if number else ""
            if not target and title:
                target = next((d for t, d in by_title.items() if t and t in _compact(title)), "")
            out.append(
                Supersedes(
                    doc_id=doc_id,
                    section=f.section,
                    quote=doc.text[start:end],
                    start=start,
                    end=end,
                    repealed_title=title,
                    repealed_number=number,
                    repealed_doc_id=target if target != doc_id else "",
                )
            )
    groups: dict[tuple[str, int, str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.year and fact.indicator and fact.value is not None:
            groups[(_compact(fact.indicator), fact.year, fact.kind, fact.unit)].append(fact)
    for (indicator, year, kind, _unit), group in sorted(groups.items()):
        docs_in = {f.doc_id for f in group}
        values = {f.value for f in group}
        if len(docs_in) < 2 or len(values) < 2:
            continue
        dated = sorted(
            group, key=lambda f: _date_of(documents.get(f.doc_id), doc_facts.get(f.doc_id))
        )
        newest = dated[-1]
        newest_date = _date_of(documents.get(newest.doc_id), doc_facts.get(newest.doc_id))
        ties = [
            f
            for f in group
            if _date_of(documents.get(f.doc_id), doc_facts.get(f.doc_id)) == newest_date
            and f.doc_id != newest.doc_id
        ]
        out.append(
            Conflict(
                doc_id=newest.doc_id,
                section=newest.table or newest.row,
                quote=newest.quote,
                start=newest.start,
                end=newest.end,
                indicator=indicator,
                year=year,
                kind=kind,
                values=tuple(
                    (
                        f.doc_id,
                        f.stated,
                        _date_of(documents.get(f.doc_id), doc_facts.get(f.doc_id)),
                    )
                    for f in dated
                ),
                newer_doc_id="" if ties or not newest_date else newest.doc_id,
            )
        )
    return out
