"""Sentence-aware chunks that never cross a section boundary.

Each chunk keeps its character span in the cleaned document so a cited quote can be located and
highlighted, and a content-hash id that stays the same across builds."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from assistant.ingest.structure import is_standalone_heading
from assistant.ingest.types import Chunk, Document
from assistant.lang.sentences import split_sentences

_SOFT_BREAK = re.compile(r"[，,、：:]")


def _split_long(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long sentence at commas (or hard at ``limit``) into pieces of at most limit."""
    while end - start > limit:
        window = text[start : start + limit]
        cuts = [m.end() for m in _SOFT_BREAK.finditer(window) if m.end() >= limit // 2]
        cut = start + (cuts[-1] if cuts else limit)
        yield start, cut
        start = cut
    if end > start:
        yield start, end


def chunk_id(doc_id: str, section: tuple[str, ...], text: str, occurrence: int) -> str:
    payload = "\x1f".join([doc_id, *section, text, str(occurrence)])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def chunk_document(doc: Document, size: int = 300) -> list[Chunk]:
    """Pack consecutive sentences of each section into chunks of about ``size`` characters."""
    text = doc.text
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}

    def emit(section: tuple[str, ...], start: int, end: int) -> None:
        body = text[start:end]
        key = "\x1f".join([*section, body])
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        chunks.append(
            Chunk(
                chunk_id=chunk_id(doc.meta.doc_id, section, body, occurrence),
                doc_id=doc.meta.doc_id,
                doc_title=doc.meta.title,
                section=section,
                text=body,
                start=start,
                end=end,
            )
        )

    for sec in doc.sections:
        body_start = sec.start
        first_line_end = text.find("\n", sec.start, sec.end)
        first_line = text[sec.start : first_line_end if first_line_end != -1 else sec.end]
        if sec.path and is_standalone_heading(first_line):
            # The heading is in the section path already; keep it out of the body.
            body_start = sec.start + len(first_line) + 1
        pieces: list[tuple[int, int]] = []
        for s, e in split_sentences(text[body_start : sec.end], body_start):
            pieces.extend(_split_long(text, s, e, size))
        cur_start: int | None = None
        cur_end = 0
        for s, e in pieces:
            if cur_start is not None and e - cur_start > size:
                emit(sec.path, cur_start, cur_end)
                cur_start = None
            if cur_start is None:
                cur_start = s
            cur_end = e
        if cur_start is not None:
            emit(sec.path, cur_start, cur_end)
    return chunks
