"""Build the on-disk index; ``layout`` makes it current atomically.

Layout of an index folder: ``manifest.json`` (what built it, see ``manifest.py``), ``documents.json``
(metadata and cleaned text, for quoting and highlighting), ``chunks.jsonl``, ``dense.faiss``
(inner-product index of normalised embeddings), ``bm25/`` (bm25s) and ``facts.sqlite`` (the
records extracted from tables and prose, see ``assistant.records``). A build writes everything
into a temporary folder and only a complete build becomes current, so a failed or killed build
leaves the previous index untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.index.dense import make_dense_index
from assistant.index.embedding import Embedder, ModelInfo
from assistant.index.journal import recover_locked
from assistant.index.layout import (
    activate,
    cleanup,
    crash_point,
    home_lock,
    home_not_writable,
    new_build_dir,
    publish,
)
from assistant.index.manifest import FORMAT_VERSION, TERMS_DIR, code_version, indexed_text
from assistant.index.progress import Progress, as_progress
from assistant.ingest.chunking import chunk_document
from assistant.ingest.corpus import NO_CHANGE, CorpusView, corpus_fingerprint, load_documents
from assistant.ingest.types import Chunk, Document
from assistant.lang.substrings import SubstringIndex
from assistant.lang.terms import flat_texts
from assistant.lang.tokens import tokenize
from assistant.records.currency import currency_records
from assistant.records.extract import extract_records
from assistant.records.facts import Fact, extract_facts
from assistant.records.store import STORE_FILE, write_records, write_store
from assistant.records.types import Record
from assistant.settings import Settings

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class BuildReport:
    index_dir: Path
    documents: int
    chunks: int
    seconds: float
    embedded: int
    reused_embeddings: int


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class EmbeddingCache:
    """Passage vectors keyed by model fingerprint and text hash, so rebuilds embed only changes."""

    def __init__(self, cache_dir: Path, model: ModelInfo) -> None:
        self.path = cache_dir / f"embeddings-{model.fingerprint}-{model.dimension}.npz"

    @staticmethod
    def key(prompt: str, text: str) -> str:
        return hashlib.sha256(f"{prompt}\x1f{text}".encode()).hexdigest()[:24]

    def load(self) -> dict[str, npt.NDArray[np.float32]]:
        import numpy as np

        if not self.path.exists():
            return {}
        try:
            with np.load(self.path) as data:
                keys = [str(k) for k in data["keys"]]
                vectors = data["vectors"].astype(np.float32)
        except (OSError, ValueError, KeyError):
            return {}  # a corrupt cache is only a lost speed-up
        return dict(zip(keys, vectors, strict=True))

    def save(self, entries: dict[str, npt.NDArray[np.float32]]) -> None:
        import numpy as np

        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(entries), dtype=str)
        vectors = np.stack(list(entries.values())) if entries else np.zeros((0, 1), np.float32)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        os.close(fd)
        np.savez(tmp, keys=keys, vectors=vectors)
        os.replace(tmp, self.path)


# Passages embedded per call, so the count can be reported between calls. A multiple of the
# batch size, over texts sorted by length as sentence-transformers sorts them itself, so the
# batches (and the padding they need) are the ones one call over everything would form.
SLICE_BATCHES = 8


def embed_with_cache(
    embedder: Embedder, texts: list[str], settings: Settings, progress: Progress
) -> tuple[npt.NDArray[np.float32], int]:
    import numpy as np

    info = embedder.info
    cache = EmbeddingCache(settings.cache_dir, info)
    known = cache.load()
    keys = [EmbeddingCache.key(info.passage_prompt, t) for t in texts]
    missing = sorted({i for i, k in enumerate(keys) if k not in known})
    if missing:
        cached = len(texts) - len(missing)
        progress.stage(
            f"正在计算向量：{len(missing)} 个段落"
            + (f"（另有 {cached} 个已缓存）" if cached else "")
            + "…"
        )
        order = sorted(missing, key=lambda i: -len(texts[i]))
        step = (settings.embed_batch_size or 16) * SLICE_BATCHES
        progress.advance(0, len(order))
        for start in range(0, len(order), step):
            part = order[start : start + step]
            fresh = embedder.embed_passages(
                [texts[i] for i in part], settings.embed_batch_size, False
            )
            for i, vec in zip(part, fresh, strict=True):
                known[keys[i]] = vec
            progress.advance(start + len(part), len(order))
        cache.save({k: known[k] for k in dict.fromkeys(keys)} | known)
    else:
        progress.stage(f"{len(texts)} 个段落的向量均已缓存，无需计算。")
    matrix = np.stack([known[k] for k in keys]).astype(np.float32)
    return matrix, len(missing)


def build_index(
    settings: Settings,
    embedder: Embedder,
    progress: bool | Progress = True,
    documents: list[Document] | None = None,
) -> BuildReport:
    """Build the whole index and make it current in one rename (see ``layout``); clean up what
    killed builds left behind first.

    ``progress``: True prints a Chinese line per stage and an embedding bar on stderr, False
    is silent, or any ``Progress`` (the live service's, which the page shows)."""
    with home_lock(settings):
        recover_locked(settings)
        cleanup(settings)
        report, version = build_version(settings, embedder, progress, documents)
        crash_point("build-published")
        try:
            activate(settings, version)
        except OSError as exc:
            raise home_not_writable(settings, exc) from exc
        cleanup(settings)
    as_progress(progress).stage(
        f"索引已写入 {settings.index_dir}（用时 {report.seconds:.1f} 秒）。"
    )
    return report


@dataclass(frozen=True)
class PreparedBuild:
    """Everything an index holds, computed once for either backend (files or PostgreSQL)."""

    docs: list[Document]
    fingerprint: dict[str, str]
    chunks: list[Chunk]
    texts: list[str]
    vectors: npt.NDArray[np.float32]
    embedded: int
    started: float

    def report(self, index_dir: Path) -> BuildReport:
        seconds = time.perf_counter() - self.started
        n = len(self.chunks)
        return BuildReport(index_dir, len(self.docs), n, seconds, self.embedded, n - self.embedded)


def prepare_build(
    settings: Settings,
    embedder: Embedder,
    progress: bool | Progress = True,
    documents: list[Document] | None = None,
    view: CorpusView = NO_CHANGE,
) -> PreparedBuild:
    """Read, chunk and embed the corpus (as ``view`` leaves it); nothing is written but the
    embedding cache."""
    stages = as_progress(progress)
    started = time.perf_counter()
    stages.stage("正在读取并清洗文档…")
    docs = documents if documents is not None else load_documents(settings.corpus_dir, view)
    fingerprint = corpus_fingerprint(settings.corpus_dir, view)
    metas = {d.meta.doc_id: d.meta for d in docs}
    chunks = [c for d in docs for c in chunk_document(d, settings.chunk_size)]
    texts = [indexed_text(c, metas[c.doc_id]) for c in chunks]
    stages.stage(f"共 {len(docs)} 个文档、{len(chunks)} 个段落。")
    try:
        vectors, embedded = embed_with_cache(embedder, texts, settings, stages)
    except OSError as exc:
        raise home_not_writable(settings, exc) from exc
    return PreparedBuild(docs, fingerprint, chunks, texts, vectors, embedded, started)


def extract_store(docs: list[Document]) -> tuple[list[Fact], list[Record]]:
    """The facts and structure records of ``docs``, from the same cleaned text as the passages,
    so their spans always index the documents stored beside them."""
    facts = [f for d in docs for f in extract_facts(d)]
    records = [r for d in docs for r in extract_records(d)]
    records += currency_records({d.meta.doc_id: d for d in docs}, records, facts)
    return facts, records


def build_version(
    settings: Settings,
    embedder: Embedder,
    progress: bool | Progress = True,
    documents: list[Document] | None = None,
    view: CorpusView = NO_CHANGE,
) -> tuple[BuildReport, Path]:
    """Build an index of the corpus (as ``view`` leaves it) into a new folder of
    ``index.versions/``, not yet current. Must hold ``home_lock``."""
    built = prepare_build(settings, embedder, progress, documents, view)
    docs, chunks, texts, vectors = built.docs, built.chunks, built.texts, built.vectors
    as_progress(progress).stage("正在写入索引（向量、关键词、数值表、结构记录）…")
    tmp = new_build_dir(settings)
    try:
        facts, records = _write_files(tmp, settings, embedder.info, docs, chunks, texts, vectors)
        _write_manifest(
            tmp, settings, embedder.info, built.fingerprint, docs, chunks, facts, records
        )
        crash_point("build-written")
        version = publish(settings, tmp)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise home_not_writable(settings, exc) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return built.report(settings.index_dir), version


def _write_files(
    tmp: Path,
    settings: Settings,
    info: ModelInfo,
    docs: list[Document],
    chunks: list[Chunk],
    texts: list[str],
    vectors: npt.NDArray[np.float32],
) -> tuple[int, int]:
    """Write the index files; returns the number of facts and of structure records."""
    import bm25s
    import faiss

    faiss.write_index(make_dense_index(vectors, info.dimension), str(tmp / "dense.faiss"))
    bm25 = bm25s.BM25()
    bm25.index([tokenize(t) for t in texts], show_progress=False)
    bm25.save(str(tmp / "bm25"))
    # Which passages contain which character pairs: question terms are weighed from it without
    # scanning every passage (see ``TermWeights``).
    SubstringIndex.build(flat_texts(texts)).save(tmp / TERMS_DIR)
    _write_documents(tmp / "documents.json", docs)
    facts, records = extract_store(docs)
    write_store(tmp / STORE_FILE, facts)
    write_records(tmp / STORE_FILE, records)
    with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(chunk_to_dict(c), ensure_ascii=False) + "\n")
    return len(facts), len(records)


def _write_manifest(
    tmp: Path,
    settings: Settings,
    info: ModelInfo,
    fingerprint: dict[str, str],
    docs: list[Document],
    chunks: list[Chunk],
    facts: int,
    records: int,
) -> None:
    manifest = manifest_data(settings, info, fingerprint, docs, chunks, facts, records)
    # Written last: a folder without a manifest is an incomplete build.
    _atomic_write_text(tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))


def manifest_data(
    settings: Settings,
    info: ModelInfo,
    fingerprint: dict[str, str],
    docs: list[Document],
    chunks: list[Chunk],
    facts: int,
    records: int,
) -> dict[str, Any]:
    """What built an index (``manifest.py`` checks it), the same for either backend."""
    return {
        "format_version": FORMAT_VERSION,
        "code_version": code_version(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": fingerprint,
        "model": info.to_dict(),
        "chunking": {"chunk_size": settings.chunk_size},
        "counts": {"documents": len(docs), "chunks": len(chunks)},
        "facts": {"file": STORE_FILE, "count": facts},
        "records": {"file": STORE_FILE, "count": records},
    }


def chunk_to_dict(c: Chunk) -> dict[str, Any]:
    return {
        "chunk_id": c.chunk_id,
        "doc_id": c.doc_id,
        "doc_title": c.doc_title,
        "section": list(c.section),
        "text": c.text,
        "start": c.start,
        "end": c.end,
    }


def document_to_dict(d: Document) -> dict[str, Any]:
    return {
        "meta": d.meta.to_dict(),
        "text": d.text,
        "sections": [[list(s.path), s.start, s.end] for s in d.sections],
    }


def _write_documents(path: Path, docs: Iterable[Document]) -> None:
    payload = [document_to_dict(d) for d in docs]
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
