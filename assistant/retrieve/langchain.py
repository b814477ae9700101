"""The hybrid retriever as a LangChain ``BaseRetriever``, for use in LangChain applications."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from assistant.retrieve.hybrid import Retriever


class PolicyRetriever(BaseRetriever):
    """Wraps any ``Retriever`` (by default the hybrid BM25 + dense one).

    Each LangChain document carries the passage text and, in metadata, the chunk id, document
    id and title, section path, character span and scores, so citations survive the hand-over."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any = Field(description="an object with retrieve(query, top_k, doc_ids)")
    top_k: int = 8
    doc_ids: Collection[str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        inner: Retriever = self.retriever
        passages = inner.retrieve(query, self.top_k, self.doc_ids)
        return [
            LCDocument(
                page_content=p.chunk.text,
                id=p.chunk.chunk_id,
                metadata={
                    "chunk_id": p.chunk.chunk_id,
                    "doc_id": p.chunk.doc_id,
                    "doc_title": p.chunk.doc_title,
                    "section": p.chunk.section_path,
                    "start": p.chunk.start,
                    "end": p.chunk.end,
                    "score": p.score,
                    "dense_score": p.dense_score,
                    "lexical_score": p.lexical_score,
                },
            )
            for p in passages
        ]
