"""Retrievers: BM25 over jieba tokens, dense (FAISS inner product), and their RRF fusion."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Protocol

from assistant.index.dense import DenseSearch, top_indices
from assistant.index.embedding import Embedder, QueryVectors
from assistant.index.load import LoadedIndex
from assistant.index.manifest import indexed_text
from assistant.ingest.types import Chunk
from assistant.lang.substrings import SubstringIndex
from assistant.lang.terms import TermWeights, flat_texts
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

    def prepare(self, queries: Sequence[str]) -> None:
        """The queries about to be retrieved: their vectors are computed together."""
        ...


def _doc_codes(chunks: Sequence[Chunk]) -> tuple[dict[str, int], npt.NDArray[np.int32]]:
    """Each chunk's document as a number, so a document filter is one vectorised test."""
    import numpy as np

    codes: dict[str, int] = {}
    return codes, np.array([codes.setdefault(c.doc_id, len(codes)) for c in chunks], np.int32)


class _Filter:
    """The allowed chunk ids of a document filter (None: no filter, every chunk allowed)."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self._codes, self._of_chunk = _doc_codes(chunks)

    def allowed(self, doc_ids: Collection[str] | None) -> npt.NDArray[np.int64] | None:
        import numpy as np

        if not doc_ids:
            return None
        wanted = [self._codes[d] for d in set(doc_ids) if d in self._codes]
        return np.nonzero(np.isin(self._of_chunk, wanted))[0].astype(np.int64)


def _ranked(
    scores: npt.NDArray[np.float32], k: int, allowed: npt.NDArray[np.int64] | None, floor: float
) -> list[int]:
    """The ``k`` best allowed positions with a score above ``floor``, best first (ties: lower
    position first)."""
    import numpy as np

    best = top_indices(scores, k) if allowed is None else allowed[top_indices(scores[allowed], k)]
    return [int(i) for i in best if scores[i] > floor and np.isfinite(scores[i])]


class BM25Retriever:
    def __init__(self, index: LoadedIndex) -> None:
        self._index = index
        self._vocab = set(index.bm25.vocab_dict)
        self._filter = _Filter(index.chunks)

    def scores(self, query: str) -> npt.NDArray[np.float32]:
        import numpy as np

        tokens = [t for t in expand_query_tokens(tokenize(query)) if t in self._vocab]
        if not tokens:
            return np.zeros(len(self._index.chunks), dtype=np.float32)
        return np.asarray(self._index.bm25.get_scores(tokens), dtype=np.float32)

    def ranked(
        self, query: str, k: int, allowed: npt.NDArray[np.int64] | None
    ) -> tuple[list[int], npt.NDArray[np.float32]]:
        """The ``k`` best allowed chunks that share a word with the query, and every score."""
        scores = self.scores(query)
        return _ranked(scores, k, allowed, floor=0.0), scores

    def prepare(self, queries: Sequence[str]) -> None:
        """Nothing to compute ahead: a lexical search costs less than a vector."""

    def retrieve(
        self, query: str, top_k: int, doc_ids: Collection[str] | None = None
    ) -> list[Passage]:
        ranked, scores = self.ranked(query, top_k, self._filter.allowed(doc_ids))
        chunks = self._index.chunks
        return [
            Passage(chunks[i], float(scores[i]), lexical_score=float(scores[i])) for i in ranked
        ]


class DenseRetriever:
    def __init__(self, index: LoadedIndex, embedder: Embedder) -> None:
        self._index = index
        self.vectors = QueryVectors(embedder)
        self.search = DenseSearch(index.dense)
        self._filter = _Filter(index.chunks)

    def prepare(self, queries: Sequence[str]) -> None:
        self.vectors.prefetch(list(queries))

    def query_vector(self, query: str) -> npt.NDArray[np.float32]:
        return self.vectors.get(query)

    def ranked(
        self, vector: npt.NDArray[np.float32], k: int, allowed: npt.NDArray[np.int64] | None
    ) -> list[tuple[int, float]]:
        """The ``k`` allowed chunks nearest to ``vector``, best first, with their similarity.

        FAISS is asked for ``k`` results, not for every passage."""
        ids, sims = self.search.search(vector, k, allowed)
        pairs = [(int(i), float(s)) for i, s in zip(ids, sims, strict=True)]
        # Equal similarities (to 1e-6: float noise differs between engines and backends) in
        # the order of a stable sort (lower position first).
        pairs.sort(key=lambda p: (-round(p[1], 6), p[0]))
        return pairs

    def retrieve(
        self, query: str, top_k: int, doc_ids: Collection[str] | None = None
    ) -> list[Passage]:
        pairs = self.ranked(self.query_vector(query), top_k, self._filter.allowed(doc_ids))
        chunks = self._index.chunks
        return [Passage(chunks[i], s, dense_score=s) for i, s in pairs if s > -1.5]


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
        self._filter = _Filter(index.chunks)
        metas = {doc_id: d.meta for doc_id, d in index.documents.items()}
        self.contexts = [indexed_text(c, metas[c.doc_id]) for c in index.chunks]
        postings = (
            SubstringIndex.load(index.terms_dir, flat_texts(self.contexts))
            if index.terms_dir is not None
            else None
        )
        self.term_weights = TermWeights(self.contexts, index=postings)
        self.rescore_weight = rescore_weight

    def prepare(self, queries: Sequence[str]) -> None:
        self.dense.prepare(queries)

    def retrieve(
        self, query: str, top_k: int, doc_ids: Collection[str] | None = None
    ) -> list[Passage]:
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        allowed = self._filter.allowed(doc_ids)
        lex_rank, lexical = self.bm25.ranked(query, CANDIDATES, allowed)
        vector = self.dense.query_vector(query)
        dense_pairs = self.dense.ranked(vector, CANDIDATES, allowed)
        dense_rank = [i for i, _ in dense_pairs]
        fused = rrf_fuse([lex_rank, dense_rank])
        if not fused:
            return []
        top_fused = max(fused.values())
        weights = self.term_weights.weigh(query)
        w = self.rescore_weight
        final = {
            i: (1 - w) * f / top_fused + w * self.term_weights.coverage_at(weights, i)
            for i, f in fused.items()
        }
        best = sorted(final, key=lambda i: (-final[i], i))[:top_k]
        dense = dict(dense_pairs)
        # A lexical candidate the dense search did not return: its similarity, computed alone.
        missing = [i for i in best if i not in dense]
        if missing:
            import numpy as np

            sims = self.dense.search.similarities(vector, np.array(missing, dtype=np.int64))
            dense.update(zip(missing, (float(s) for s in sims), strict=True))
        return [
            Passage(
                self.index.chunks[i],
                final[i],
                dense_score=dense[i],
                lexical_score=float(lexical[i]),
            )
            for i in best
        ]
