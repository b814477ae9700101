"""Retrievers: BM25 over jieba tokens, dense (FAISS inner product), and their RRF fusion."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Protocol

from assistant.index.embedding import Embedder
from assistant.index.load import LoadedIndex
from assistant.index.manifest import indexed_text
from assistant.ingest.types import Chunk
from assistant.lang.terms import TermWeights, coverage
from assistant.lang.tokens import expand_query_tokens, tokenize
from assistant.retrieve.types import Passage

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

RRF_K = 60
CANDIDATES = 50


class Retriever(Protocol):
    def retrieve(
        self, query: str, top_k: int, doc_ids: Collection[str] | None = None
    ) -> list[Passage]: ...


def _allowed(chunks: Sequence[Chunk], doc_ids: Collection[str] | None) -> npt.NDArray[np.bool_]:
    import numpy as np

    if not doc_ids:
        return np.ones(len(chunks), dtype=bool)
    wanted = set(doc_ids)
    return np.array([c.doc_id in wanted for c in chunks], dtype=bool)


def _best(
    chunks: Sequence[Chunk],
    scores: npt.NDArray[np.float32],
    top_k: int,
    doc_ids: Collection[str] | None,
    floor: float,
) -> list[tuple[Chunk, float]]:
    """The ``top_k`` allowed chunks by score, keeping only scores above ``floor``."""
    import numpy as np

    masked = np.where(_allowed(chunks, doc_ids), scores, -np.inf)
    order = np.argsort(-masked, kind="stable")[:top_k]
    return [(chunks[i], float(masked[i])) for i in order if masked[i] > floor]


class BM25Retriever:
    def __init__(self, index: LoadedIndex) -> None:
        self._index = index
        self._vocab = set(index.bm25.vocab_dict)

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        import numpy as np

        tokens = [t for t in expand_query_tokens(tokenize(query)) if t in self._vocab]
        if not tokens:
            return np.zeros(len(self._index.chunks), dtype=np.float32)
        return np.asarray(self._index.bm25.get_scores(tokens), dtype=np.float32)

    def retrieve(
        self, query: str, top_k: int, doc_ids: Collection[str] | None = None
    ) -> list[Passage]:
        ranked = _best(self._index.chunks, self.scores(query), top_k, doc_ids, floor=0.0)
        return [Passage(c, s, lexical_score=s) for c, s in ranked]


class DenseRetriever:
    def __init__(self, index: LoadedIndex, embedder: Embedder) -> None:
        self._index = index
        self._embedder = embedder

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        import numpy as np

        vector = self._embedder.embed_queries([query])
        n = self._index.dense.ntotal
        sims, ids = self._index.dense.search(vector, n)
        out = np.full(n, -1.0, dtype=np.float32)
        out[ids[0]] = sims[0]
        return out

    def retrieve(
        self, query: str, top_k: int, doc_ids: Collection[str] | None = None
    ) -> list[Passage]:
        ranked = _best(self._index.chunks, self.scores(query), top_k, doc_ids, floor=-1.5)
        return [Passage(c, s, dense_score=s) for c, s in ranked]


def rrf_fuse(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal-rank fusion: sum of 1/(k + rank) over the rankings an item appears in.

    Ranks start at 1, as in Cormack et al. (2009)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


class HybridRetriever:
    """BM25 and dense candidates fused with RRF, then re-scored by how much of the question's
    weighted vocabulary each candidate (with its document title and section) covers.

    Fusion alone ranks a passage that one retriever likes and the other ignores below passages
    both find mediocre; the coverage term lifts the passage that actually names what was asked."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, rescore_weight: float = 0.5) -> None:
        self.index = index
        self.bm25 = BM25Retriever(index)
        self.dense = DenseRetriever(index, embedder)
        metas = {doc_id: d.meta for doc_id, d in index.documents.items()}
        self.contexts = [indexed_text(c, metas[c.doc_id]) for c in index.chunks]
        self.term_weights = TermWeights(self.contexts)
        self.rescore_weight = rescore_weight

    def retrieve(
        self, query: str, top_k: int, doc_ids: Collection[str] | None = None
    ) -> list[Passage]:
        import numpy as np

        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        allowed = _allowed(self.index.chunks, doc_ids)
        lexical = self.bm25.scores(query)
        dense = self.dense.scores(query)
        lex_masked = np.where(allowed & (lexical > 0), lexical, -np.inf)
        dense_masked = np.where(allowed, dense, -np.inf)
        lex_rank = [int(i) for i in np.argsort(-lex_masked, kind="stable")[:CANDIDATES]]
        lex_rank = [i for i in lex_rank if np.isfinite(lex_masked[i])]
        dense_rank = [int(i) for i in np.argsort(-dense_masked, kind="stable")[:CANDIDATES]]
        dense_rank = [i for i in dense_rank if np.isfinite(dense_masked[i])]
        fused = rrf_fuse([lex_rank, dense_rank])
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
                dense_score=float(dense[i]),
                lexical_score=float(lexical[i]),
            )
            for i in best
        ]
