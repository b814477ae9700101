"""The retrieval layer's shared type: a chunk with the scores that ranked it."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.ingest.types import Chunk


@dataclass(frozen=True)
class Passage:
    """A chunk as returned by a retriever, with the retriever's score (higher is better)."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
