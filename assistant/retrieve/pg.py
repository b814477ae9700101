"""The hybrid retriever over the PostgreSQL backend: the same ranking as ``HybridRetriever`` (BM25
and dense candidates fused with RRF, re-scored by weighted coverage), with both searches run
inside the database (``PgIndex.search``: BM25 as a sparse inner product, dense through the
pgvector HNSW index) instead of over in-memory arrays."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from assistant.index.embedding import Embedder, QueryVectors
from assistant.index.load import LoadedIndex
from assistant.index.manifest import indexed_text
from assistant.index.postgres import PgIndex
from assistant.lang.terms import TermWeights, coverage
from assistant.lang.tokens import expand_query_tokens, tokenize
from assistant.retrieve.hybrid import CANDIDATES, rrf_fuse
from assistant.retrieve.types import Passage


class PgHybridRetriever:
    def __init__(
        self, index: LoadedIndex, embedder: Embedder, store: PgIndex, rescore_weight: float = 0.5
    ) -> None:
        self.index = index
        self._vectors = QueryVectors(embedder)
        self._store = store
        database = index.manifest["database"]
        self._schema = str(database["schema"])
        self._dims = int(database["bm25_dims"])
        metas = {doc_id: d.meta for doc_id, d in index.documents.items()}
        self.contexts = [indexed_text(c, metas[c.doc_id]) for c in index.chunks]
        self.term_weights = TermWeights(self.contexts)
        self.rescore_weight = rescore_weight

    def prepare(self, queries: Sequence[str]) -> None:
        self._vectors.prefetch(list(queries))

    def retrieve(
        self, query: str, top_k: int, doc_ids: Collection[str] | None = None
    ) -> list[Passage]:
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        vector = self._vectors.get(query)
        tokens = expand_query_tokens(tokenize(query))
        found = self._store.search(self._schema, self._dims, vector, tokens, CANDIDATES, doc_ids)
        fused = rrf_fuse([found.lexical, found.dense])
        if not fused:
            return []
        top_fused = max(fused.values())
        weights = self.term_weights.weigh(query)
        w = self.rescore_weight
        final = {
            i: (1 - w) * f / top_fused + w * coverage(weights, self.contexts[i])
            for i, f in fused.items()
        }
        best = sorted(final, key=lambda i: (-final[i], i))[:top_k]
        return [
            Passage(
                self.index.chunks[i],
                final[i],
                dense_score=found.scores[i][0],
                lexical_score=found.scores[i][1],
            )
            for i in best
        ]
