"""The ingest layer's shared, immutable types: documents, their sections and chunks. None holds
behaviour beyond small derived views, so they cross process and JSON boundaries safely."""

from __future__ import annotations

from dataclasses import dataclass

SECTION_SEPARATOR = " > "


@dataclass(frozen=True)
class DocumentMeta:
    """Citable metadata of one document (a gazette issue yields several)."""

    doc_id: str
    title: str
    source_file: str
    short_title: str = ""
    issuer: str = ""
    date: str = ""
    period: str = ""
    doc_number: str = ""
    doc_type: str = ""
    region: str = ""
    container: str = ""

    def to_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Section:
    """A heading and the character span of its body in the cleaned document text."""

    path: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    meta: DocumentMeta
    text: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Chunk:
    """A retrievable unit. ``start``/``end`` index into the cleaned text of document ``doc_id``."""

    chunk_id: str
    doc_id: str
    doc_title: str
    section: tuple[str, ...]
    text: str
    start: int
    end: int

    @property
    def section_path(self) -> str:
        return SECTION_SEPARATOR.join(self.section)
