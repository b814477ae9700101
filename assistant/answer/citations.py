"""The one place a ``Citation`` is made, whoever found the quote (the extractive answerer, the
numeric records, the LLM verifier): the cited document's title and number, the section and the
passage shown around the quote all come from the same sources every time."""

from __future__ import annotations

from assistant.answer.types import Citation
from assistant.ingest.types import Chunk, DocumentMeta


def cite(
    n: int,
    *,
    doc_id: str,
    quote: str,
    start: int,
    end: int,
    chunk: Chunk | None = None,
    meta: DocumentMeta | None = None,
    passage: str | None = None,
) -> Citation:
    """Citation ``[n]`` of ``quote``, which spans ``start:end`` of document ``doc_id``'s cleaned
    text. ``chunk`` is the indexed passage holding it (its id, section and text); ``passage``
    overrides the text shown around the quote (e.g. when the quote spans two chunks)."""
    if passage is None:
        passage = chunk.text if chunk is not None else quote
    return Citation(
        n=n,
        chunk_id=chunk.chunk_id if chunk is not None else "",
        doc_id=doc_id,
        doc_title=chunk.doc_title if chunk is not None else (meta.title if meta else ""),
        section=chunk.section_path if chunk is not None else "",
        quote=quote,
        passage=passage,
        quote_start=start,
        quote_end=end,
        doc_number=meta.doc_number if meta else "",
    )
