"""Build, check and load the on-disk index.

Layout of ``index/``: ``manifest.json`` (what built it), ``documents.json`` (metadata and cleaned
text, for quoting and highlighting), ``chunks.jsonl``, ``dense.faiss`` (inner-product index of
normalised embeddings), ``bm25/`` (bm25s) and ``facts.sqlite`` (figures extracted from tables and
prose, see facts.py). A build writes everything into a temporary sibling
directory and renames it into place, so a failed build leaves the previous index untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.chunking import chunk_document
from assistant.corpus import corpus_fingerprint, load_documents
from assistant.embedding import Embedder, ModelInfo
from assistant.errors import IndexMissingError, IndexStaleError, ModelError
from assistant.facts import Fact, extract_facts
from assistant.settings import Settings
from assistant.text import tokenize
from assistant.types import Chunk, Document, DocumentMeta, Section

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

FORMAT_VERSION = 1
BUILD_COMMAND = "assistant build"
# The modules whose behaviour decides what is in the index: a change to any of them makes an
# existing index stale.
_PIPELINE_MODULES = (
    "loaders",
    "cleaning",
    "structure",
    "chunking",
    "corpus",
    "text",
    "facts",
    "numbers",
)
_PIPELINE_DATA = ("userdict.txt",)


def code_version() -> str:
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for name in _PIPELINE_MODULES:
        h.update((pkg / f"{name}.py").read_bytes())
    for name in _PIPELINE_DATA:
        h.update((pkg / "data" / name).read_bytes())
    return h.hexdigest()[:16]


def indexed_text(chunk: Chunk, meta: DocumentMeta) -> str:
    """What is embedded and BM25-indexed: the passage with its document and section for context."""
    title = meta.short_title or meta.title
    head = f"{title}｜{chunk.section_path}" if chunk.section else title
    return f"{head}\n{chunk.text}"


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


def embed_with_cache(
    embedder: Embedder, texts: list[str], settings: Settings, progress: bool
) -> tuple[npt.NDArray[np.float32], int]:
    import numpy as np

    info = embedder.info
    cache = EmbeddingCache(settings.cache_dir, info)
    known = cache.load()
    keys = [EmbeddingCache.key(info.passage_prompt, t) for t in texts]
    missing = sorted({i for i, k in enumerate(keys) if k not in known})
    if missing:
        fresh = embedder.embed_passages(
            [texts[i] for i in missing], settings.embed_batch_size, progress
        )
        for i, vec in zip(missing, fresh, strict=True):
            known[keys[i]] = vec
        cache.save({k: known[k] for k in dict.fromkeys(keys)} | known)
    matrix = np.stack([known[k] for k in keys]).astype(np.float32)
    return matrix, len(missing)


def _log(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


def build_index(
    settings: Settings,
    embedder: Embedder,
    progress: bool = True,
    documents: list[Document] | None = None,
) -> BuildReport:
    """Build the whole index into a temporary directory, then swap it in atomically."""
    import bm25s
    import faiss

    started = time.perf_counter()
    _log(progress, "读取并清洗文档…")
    docs = documents if documents is not None else load_documents(settings.corpus_dir)
    fingerprint = corpus_fingerprint(settings.corpus_dir)
    metas = {d.meta.doc_id: d.meta for d in docs}
    chunks = [c for d in docs for c in chunk_document(d, settings.chunk_size)]
    texts = [indexed_text(c, metas[c.doc_id]) for c in chunks]
    _log(progress, f"共 {len(docs)} 个文档、{len(chunks)} 个段落；计算向量…")
    vectors, embedded = embed_with_cache(embedder, texts, settings, progress)
    info = embedder.info

    target = settings.index_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".index-build-", dir=target.parent))
    try:
        dense = faiss.IndexFlatIP(info.dimension)
        dense.add(vectors)
        faiss.write_index(dense, str(tmp / "dense.faiss"))
        bm25 = bm25s.BM25()
        bm25.index([tokenize(t) for t in texts], show_progress=False)
        bm25.save(str(tmp / "bm25"))
        _write_documents(tmp / "documents.json", docs)
        # The fact store is built from the same cleaned text, in the same atomic build, so its
        # spans always index the documents stored beside it.
        from assistant.factstore import STORE_FILE, write_store

        facts = [f for d in docs for f in extract_facts(d)]
        write_store(tmp / STORE_FILE, facts)
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(_chunk_to_dict(c), ensure_ascii=False) + "\n")
        manifest = {
            "format_version": FORMAT_VERSION,
            "code_version": code_version(),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "corpus": fingerprint,
            "model": info.to_dict(),
            "chunking": {"chunk_size": settings.chunk_size},
            "counts": {"documents": len(docs), "chunks": len(chunks)},
            "facts": {"file": STORE_FILE, "count": len(facts)},
        }
        _atomic_write_text(
            tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2)
        )
        _swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    _log(progress, f"索引已写入 {target}（{seconds:.1f} 秒）。")
    return BuildReport(target, len(docs), len(chunks), seconds, embedded, len(chunks) - embedded)


def _swap_in(new: Path, target: Path) -> None:
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".index-old-{os.getpid()}-{time.time_ns()}")
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _chunk_to_dict(c: Chunk) -> dict[str, Any]:
    return {
        "chunk_id": c.chunk_id,
        "doc_id": c.doc_id,
        "doc_title": c.doc_title,
        "section": list(c.section),
        "text": c.text,
        "start": c.start,
        "end": c.end,
    }


def _write_documents(path: Path, docs: Iterable[Document]) -> None:
    payload = [
        {
            "meta": d.meta.to_dict(),
            "text": d.text,
            "sections": [[list(s.path), s.start, s.end] for s in d.sections],
        }
        for d in docs
    ]
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def read_manifest(index_dir: Path) -> dict[str, Any]:
    path = index_dir / "manifest.json"
    if not path.exists():
        raise IndexMissingError(
            f"未找到索引（{index_dir}）。请先运行 `{BUILD_COMMAND}` 构建索引（约 1–2 分钟）。"
        )
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexStaleError(
            f"索引清单 {path} 已损坏（{exc}）。请运行 `{BUILD_COMMAND}` 重新构建。"
        ) from exc
    return data


def check_fresh(settings: Settings, manifest: dict[str, Any]) -> None:
    """Raise IndexStaleError when the corpus, the pipeline code or the settings have changed."""
    reasons = []
    if manifest.get("format_version") != FORMAT_VERSION:
        reasons.append("索引格式版本已更新")
    if manifest.get("code_version") != code_version():
        reasons.append("清洗/分段程序已更新")
    if manifest.get("chunking", {}).get("chunk_size") != settings.chunk_size:
        reasons.append("分段参数已改变")
    built = manifest.get("corpus", {})
    now = corpus_fingerprint(settings.corpus_dir)
    added = sorted(set(now) - set(built))
    removed = sorted(set(built) - set(now))
    changed = sorted(k for k in set(now) & set(built) if now[k] != built[k])
    for label, names in (("新增", added), ("删除", removed), ("修改", changed)):
        if names:
            reasons.append(f"{label}了文件 {'、'.join(names)}")
    if reasons:
        raise IndexStaleError(
            f"索引已过期：{'；'.join(reasons)}。请运行 `{BUILD_COMMAND}` 重新构建索引。"
        )


def check_model(manifest: dict[str, Any], info: ModelInfo) -> None:
    built = manifest.get("model", {})
    if built.get("fingerprint") != info.fingerprint or built.get("dimension") != info.dimension:
        raise ModelError(
            f"索引由向量模型“{built.get('name')}”（{built.get('path')}，{built.get('dimension')} 维）"
            f"构建，当前配置的模型是“{info.name}”（{info.path}，{info.dimension} 维）。"
            f"请运行 `{BUILD_COMMAND}` 用当前模型重建索引，或把 ASSISTANT_EMBEDDING_MODEL 改回原模型。"
        )


@dataclass(frozen=True)
class LoadedIndex:
    manifest: dict[str, Any]
    chunks: tuple[Chunk, ...]
    documents: dict[str, Document]
    dense: Any
    bm25: Any
    facts: tuple[Fact, ...] = ()

    @property
    def model_info(self) -> dict[str, Any]:
        return dict(self.manifest.get("model", {}))


def load_index(settings: Settings, check: bool = True) -> LoadedIndex:
    import sqlite3

    import bm25s
    import faiss

    from assistant.factstore import read_store

    manifest = read_manifest(settings.index_dir)
    if check:
        check_fresh(settings, manifest)
    d = settings.index_dir
    try:
        chunks = tuple(
            Chunk(**{**row, "section": tuple(row["section"])})
            for row in map(json.loads, (d / "chunks.jsonl").read_text("utf-8").splitlines())
        )
        documents = {}
        for row in json.loads((d / "documents.json").read_text("utf-8")):
            meta = DocumentMeta(**row["meta"])
            sections = tuple(Section(tuple(p), s, e) for p, s, e in row["sections"])
            documents[meta.doc_id] = Document(meta, row["text"], sections)
        dense = faiss.read_index(str(d / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(d / "bm25"))
        facts = tuple(read_store(d / manifest["facts"]["file"]))
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        RuntimeError,
        sqlite3.Error,
    ) as exc:
        raise IndexStaleError(
            f"索引文件不完整或已损坏（{exc}）。请运行 `{BUILD_COMMAND}` 重新构建。"
        ) from exc
    if dense.ntotal != len(chunks):
        raise IndexStaleError(f"索引文件不一致。请运行 `{BUILD_COMMAND}` 重新构建。")
    if len(facts) != manifest["facts"]["count"]:
        raise IndexStaleError(f"索引文件不一致。请运行 `{BUILD_COMMAND}` 重新构建。")
    return LoadedIndex(manifest, chunks, documents, dense, bm25, facts)
