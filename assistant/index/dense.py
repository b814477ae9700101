"""The dense index: exact inner-product search for a corpus of ordinary size, an HNSW graph above
``HNSW_MIN_VECTORS`` passages, where an exact scan per question would grow with the corpus.

Vectors are L2-normalised, so inner product is cosine. The graph's recall against exact search
is checked by the tests; a document filter is always searched exactly over the allowed passages
(a graph walk that skips most nodes loses recall, and the allowed set is small)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Below this many passages an exact scan costs about a millisecond; above it the graph keeps a
# question's cost nearly flat as the corpus grows.
HNSW_MIN_VECTORS = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 128
# Candidates the graph walk keeps: well above the 50 the retriever asks for.
HNSW_EF_SEARCH = 160
# Allowed ids are scored run by run when they are at least this many, in runs this long on
# average (else gathered, which is as cheap for a few).
_RUN_MIN = 256


def make_dense_index(
    vectors: npt.NDArray[np.float32], dim: int, hnsw_min: int = HNSW_MIN_VECTORS
) -> Any:
    import faiss

    index: Any
    if len(vectors) >= hnsw_min:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


class DenseSearch:
    """Top-k search over a loaded FAISS index (flat or HNSW); safe to call from several threads
    (searching never changes the index)."""

    def __init__(self, index: Any) -> None:
        import faiss
        import numpy as np

        self.index = index
        flat: Any = faiss.downcast_index(index.storage) if hasattr(index, "storage") else index
        n, d = index.ntotal, index.d
        # A view of the stored vectors (owned by the index, which this object keeps alive).
        self._vectors = (
            faiss.rev_swig_ptr(flat.get_xb(), n * d).reshape(n, d)
            if n
            else np.zeros((0, d), dtype=np.float32)
        )

    @property
    def vectors(self) -> npt.NDArray[np.float32]:
        """The stored vectors (a read-only view)."""
        return self._vectors

    @property
    def exact(self) -> bool:
        return not hasattr(self.index, "hnsw")

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(
        self,
        query: npt.NDArray[np.float32],
        k: int,
        allowed: npt.NDArray[np.int64] | None = None,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """The ``k`` passages most similar to ``query`` (one vector), best first, as ids and
        similarities; only ``allowed`` ids (sorted) when given."""
        import numpy as np

        k = min(k, len(self) if allowed is None else len(allowed))
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed is None:
            sims, ids = self.index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k)
            keep = ids[0] >= 0
            return ids[0][keep].astype(np.int64), sims[0][keep]
        sims = self.similarities(query, allowed)
        best = top_indices(sims, k)
        return allowed[best], sims[best]

    def similarities(
        self, query: npt.NDArray[np.float32], ids: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        import numpy as np

        vector = np.asarray(query, dtype=np.float32).reshape(-1)
        # A document's passages are consecutive: the allowed ids are a few runs, each scored on
        # a view of the stored vectors. Gathering them into a new array first cost ten times
        # the product when a filter keeps most of a large corpus.
        breaks = np.flatnonzero(np.diff(ids) != 1) + 1
        if len(ids) < _RUN_MIN or len(breaks) * _RUN_MIN > len(ids):
            return np.asarray(self._vectors[ids] @ vector, dtype=np.float32)
        starts = np.concatenate(([0], breaks)).tolist()
        ends = np.concatenate((breaks, [len(ids)])).tolist()
        first, last = ids[starts].tolist(), ids[np.array(ends) - 1].tolist()
        parts = [self._vectors[a : b + 1] @ vector for a, b in zip(first, last, strict=True)]
        return np.asarray(np.concatenate(parts), dtype=np.float32)


def top_indices(scores: npt.NDArray[Any], k: int) -> npt.NDArray[np.int64]:
    """Positions of the ``k`` largest scores, best first, ties by position: what a stable
    ``argsort(-scores)[:k]`` gives, in time linear in ``len(scores)``."""
    import numpy as np

    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        candidates = np.arange(n)
    else:
        kth = np.partition(scores, n - k)[n - k]
        candidates = np.nonzero(scores >= kth)[0]
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:k].astype(np.int64)
