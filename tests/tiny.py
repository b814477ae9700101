"""The fast tier's real assistant: the tiny corpus (tests/data/tiny_corpus, two short documents
without a manifest, read as uploads are), the deterministic hashing embedder, a real FAISS index,
real BM25, the real record store and the real answer pipeline. Built in well under a second."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from assistant.answer.extractive import AnswerPolicy
from assistant.index.backend import index_backend
from assistant.serve.service import Assistant, build_assistant
from assistant.settings import Settings
from tests.hashing_embedder import HashingEmbedder

TINY = Path(__file__).resolve().parent / "data" / "tiny_corpus"
TYPICAL_DENSE = 0.75  # rescaled e5 similarity of an answerable question (extractive.py)


def tiny_policy() -> AnswerPolicy:
    """The shipped policy is calibrated on e5 cosines; the hashing embedder's cosines live on
    another scale, so its dense term is replaced by the value of a typical answerable question
    and the lexical evidence decides."""
    calibrated = AnswerPolicy.load()
    return dataclasses.replace(
        calibrated,
        coef={**calibrated.coef, "dense": 0.0},
        intercept=calibrated.intercept + calibrated.coef["dense"] * TYPICAL_DENSE,
    )


def tiny_settings(root: Path, **env: str) -> Settings:
    """Settings over a fresh copy of the tiny corpus under ``root`` (extra ASSISTANT_* values in
    ``env``, e.g. ``ASSISTANT_LLM_BASE_URL``)."""
    if not (root / "corpus").exists():
        shutil.copytree(TINY, root / "corpus")
    return Settings.from_env(
        {"ASSISTANT_HOME": str(root / "home"), "ASSISTANT_CORPUS_DIR": str(root / "corpus"), **env}
    )


def build_tiny(settings: Settings) -> Assistant:
    embedder = HashingEmbedder()
    index_backend(settings).build(embedder, progress=False)
    return build_assistant(settings, embedder=embedder, policy=tiny_policy())
