"""A deterministic embedder for the fast test tier: a real ``Embedder`` (same protocol, same
normalised float32 vectors, same prompts) whose vectors are hashed character unigrams and
bigrams instead of a neural model. Texts that share characters get similar vectors, so dense
retrieval behaves sensibly on a tiny corpus, in microseconds and without torch."""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import numpy.typing as npt

from assistant.index.embedding import ModelInfo

DIMENSION = 256


class HashingEmbedder:
    def __init__(self, dimension: int = DIMENSION) -> None:
        self._info = ModelInfo(
            name="hashing-test-embedder",
            path="(in memory)",
            fingerprint=f"hashing-v1-{dimension}",
            dimension=dimension,
            query_prompt="",
            passage_prompt="",
        )

    @property
    def info(self) -> ModelInfo:
        return self._info

    def _vector(self, text: str) -> npt.NDArray[np.float32]:
        vec = np.zeros(self._info.dimension, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        grams = chars + [a + b for a, b in itertools.pairwise(chars)]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
            slot = int.from_bytes(digest[:4], "little") % self._info.dimension
            vec[slot] += 1.0 if digest[4] % 2 else -1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def embed_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def embed_passages(
        self, texts: list[str], batch_size: int | None = None, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)
