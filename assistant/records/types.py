"""The records layer's shared, immutable types: what a document states, each with the document,
the section path and the character span of the cleaned text it was read from, so every record
can be cited exactly like a sentence.

Numeric statements keep their own type (``records.facts.Fact``: indicator-table cells and stated
figures); the records here are the other structures of the genre: task-table rows, list items
under a heading, definitions and graded levels, responsibilities, the document's own metadata,
and its outline."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal

RecordType = Literal[
    "table_row",
    "list_item",
    "definition",
    "responsibility",
    "document_facts",
    "outline",
    "supersedes",
    "conflict",
]
RECORD_TYPES: tuple[RecordType, ...] = (
    "table_row",
    "list_item",
    "definition",
    "responsibility",
    "document_facts",
    "outline",
    "supersedes",
    "conflict",
)


def record_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Record:
    """Where a record comes from. ``quote`` is ``document.text[start:end]``."""

    type: ClassVar[RecordType]
    doc_id: str
    section: str
    quote: str
    start: int
    end: int

    @property
    def id(self) -> str:
        return record_id(self.type, self.doc_id, self.start, self.end, self.key)

    @property
    def key(self) -> str:
        """What distinguishes two records of one type at the same span."""
        return ""

    def field_values(self) -> dict[str, Any]:
        """The record's own fields (not the location), for the store and the audit CSV."""
        base = {f.name for f in fields(Record)}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in base}

    def to_row(self) -> dict[str, Any]:
        return {
            "record_id": self.id,
            "type": self.type,
            "doc_id": self.doc_id,
            "section": self.section,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "fields": json.dumps(self.field_values(), ensure_ascii=False),
        }


@dataclass(frozen=True)
class TableRow(Record):
    """One row of a table (task list, project table, named items): header → cell. Lead and
    co-units and years are typed fields when the header says so."""

    type: ClassVar[RecordType] = "table_row"
    table: str = ""
    number: str = ""
    cells: tuple[tuple[str, str], ...] = ()
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    deadline: str = ""

    @property
    def key(self) -> str:
        return self.number

    def cell(self, header_word: str) -> str:
        return next((v for h, v in self.cells if header_word in h), "")


@dataclass(frozen=True)
class ListItem(Record):
    """Item ``position`` (1-based) of the list under ``parent`` (a heading, or a lead-in sentence
    ending in "：" / "包括"). A section's child headings are a list too (``kind`` "heading")."""

    type: ClassVar[RecordType] = "list_item"
    parent: str = ""
    position: int = 0
    text: str = ""
    kind: Literal["heading", "enumeration"] = "enumeration"

    @property
    def key(self) -> str:
        return f"{self.parent}\x1f{self.position}"


@dataclass(frozen=True)
class Definition(Record):
    """``term`` is defined as ``definition`` ("较大事故，是指…"). For a graded level ``level`` is
    the grade (较大 / Ⅲ级 / 一级; a warning colour becomes its grade when the document pairs
    them, the colour staying in ``term``) and ``scale`` what is graded (事故, 响应, 预警); its
    ``definition`` is the criteria, and ``approver`` (who decides or approves: "由X决定启动",
    "经X批准"), ``publisher`` (who issues a warning: "由X发布") and ``leader`` (who directs the
    response: "X组织指挥") are what the document states about the level. A level's statements
    often sit apart (criteria under its heading, 发布权限 in another section): each place is its
    own record, with the fields it states."""

    type: ClassVar[RecordType] = "definition"
    term: str = ""
    definition: str = ""
    level: str = ""
    scale: str = ""
    approver: str = ""
    publisher: str = ""
    leader: str = ""

    @property
    def criteria(self) -> str:
        return self.definition

    @property
    def key(self) -> str:
        return self.term


@dataclass(frozen=True)
class Responsibility(Record):
    """Who leads (and who supports) an action: from "牵头单位：X / 配合单位：Y" lines, "（责任
    单位：X）", "由X牵头", "X负责…"."""

    type: ClassVar[RecordType] = "responsibility"
    action: str = ""
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    deadline: str = ""
    # What the document calls the supporting units: a task's 配合单位, a group's 成员单位.
    co_label: str = "配合单位"
    # "担任" for a post and its holders (指挥长：X), "负责" for units a bracket closing a task
    # names ("(X、Y按职责分工负责)"), else a task's 牵头单位.
    lead_label: str = "牵头单位"

    @property
    def key(self) -> str:
        return self.action


@dataclass(frozen=True)
class DocumentFacts(Record):
    """The document's own metadata as its text states it."""

    type: ClassVar[RecordType] = "document_facts"
    doc_number: str = ""
    issuer: str = ""
    issue_date: str = ""
    repeals: tuple[str, ...] = ()
    repealed_numbers: tuple[str, ...] = ()
    effective: str = ""
    validity: str = ""
    title: str = ""


@dataclass(frozen=True)
class OutlineNode(Record):
    """A heading of the document's outline, with its depth (1 = top level)."""

    type: ClassVar[RecordType] = "outline"
    path: tuple[str, ...] = field(default_factory=tuple)
    depth: int = 0

    @property
    def key(self) -> str:
        return "\x1f".join(self.path)


@dataclass(frozen=True)
class Supersedes(Record):
    """This document (``doc_id``) repeals an earlier one: by its 文号 or title, and, when that
    document is in the corpus too, its id. The span is the "…同时废止" clause."""

    type: ClassVar[RecordType] = "supersedes"
    repealed_title: str = ""
    repealed_number: str = ""
    repealed_doc_id: str = ""

    @property
    def key(self) -> str:
        return self.repealed_number or self.repealed_title


@dataclass(frozen=True)
class Conflict(Record):
    """Two or more documents state different values for the same indicator, year and kind
    (现状/目标). ``values`` are (doc_id, value as written, document date); ``newer_doc_id`` is the
    document with the latest date (empty when the dates do not tell). The span is the newer
    document's statement."""

    type: ClassVar[RecordType] = "conflict"
    indicator: str = ""
    year: int = 0
    kind: str = ""
    values: tuple[tuple[str, str, str], ...] = ()
    newer_doc_id: str = ""

    @property
    def key(self) -> str:
        return f"{self.indicator}\x1f{self.year}\x1f{self.kind}"


RECORD_CLASSES: dict[str, type[Record]] = {
    cls.type: cls
    for cls in (
        TableRow,
        ListItem,
        Definition,
        Responsibility,
        DocumentFacts,
        OutlineNode,
        Supersedes,
        Conflict,
    )
}


def record_from_row(row: dict[str, Any]) -> Record:
    """The inverse of ``Record.to_row`` (tuples come back from JSON lists)."""
    cls = RECORD_CLASSES[row["type"]]
    values = json.loads(row["fields"])
    for f in fields(cls):
        if f.name in values and isinstance(values[f.name], list):
            values[f.name] = tuple(tuple(v) if isinstance(v, list) else v for v in values[f.name])
    return cls(
        doc_id=row["doc_id"],
        section=row["section"],
        quote=row["quote"],
        start=int(row["start"]),
        end=int(row["end"]),
        **values,
    )
