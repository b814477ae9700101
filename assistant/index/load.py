"""Load a built index (checked for staleness) into memory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import IndexStaleError
from assistant.index.manifest import BUILD_COMMAND, TERMS_DIR, check_fresh, read_manifest
from assistant.ingest.types import Chunk, Document, DocumentMeta, Section
from assistant.records.facts import Fact
from assistant.records.store import read_records, read_store
from assistant.records.types import Record
from assistant.settings import Settings


@dataclass(frozen=True)
class LoadedIndex:
    manifest: dict[str, Any]
    chunks: tuple[Chunk, ...]
    documents: dict[str, Document]
    dense: Any
    bm25: Any
    facts: tuple[Fact, ...] = ()
    records: tuple[Record, ...] = ()
    # The passages' substring postings saved by the build (None for an index built before them:
    # the retriever then builds them at load).
    terms_dir: Path | None = None

    @property
    def model_info(self) -> dict[str, Any]:
        return dict(self.manifest.get("model", {}))


def chunk_from_dict(row: dict[str, Any]) -> Chunk:
    return Chunk(**{**row, "section": tuple(row["section"])})


def document_from_dict(row: dict[str, Any]) -> Document:
    meta = DocumentMeta(**row["meta"])
    sections = tuple(Section(tuple(p), s, e) for p, s, e in row["sections"])
    return Document(meta, row["text"], sections)


def indexed_documents(settings: Settings) -> dict[str, DocumentMeta]:
    """The documents of the current (fresh) index, read without loading vectors or the model:
    for checking a document filter before anything slow starts."""
    d = settings.index_dir.resolve()
    check_fresh(settings, read_manifest(d))
    try:
        rows = json.loads((d / "documents.json").read_text("utf-8"))
        metas = [DocumentMeta(**row["meta"]) for row in rows]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexStaleError(
            f"索引文件不完整或已损坏（documents.json）。请运行 `{BUILD_COMMAND}` 重新构建。"
        ) from exc
    return {m.doc_id: m for m in metas}


def load_index(settings: Settings, check: bool = True) -> LoadedIndex:
    import sqlite3

    import bm25s
    import faiss

    # ``index`` is a link flipped by each build: resolve it once, so every file below comes from
    # the same build even if another one is swapped in meanwhile.
    d = settings.index_dir.resolve()
    manifest = read_manifest(d)
    if check:
        check_fresh(settings, manifest)
    try:
        chunks = tuple(
            chunk_from_dict(row)
            for row in map(json.loads, (d / "chunks.jsonl").read_text("utf-8").splitlines())
        )
        documents = {}
        for row in json.loads((d / "documents.json").read_text("utf-8")):
            doc = document_from_dict(row)
            documents[doc.meta.doc_id] = doc
        dense = faiss.read_index(str(d / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(d / "bm25"))
        facts = tuple(read_store(d / manifest["facts"]["file"]))
        records = tuple(read_records(d / manifest["records"]["file"]))
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        RuntimeError,
        sqlite3.Error,
    ) as exc:
        # The exception's own text is English; the cause stays in the traceback chain.
        raise IndexStaleError(
            f"索引文件不完整或已损坏（{d}）。请运行 `{BUILD_COMMAND}` 重新构建。"
        ) from exc
    if dense.ntotal != len(chunks):
        raise IndexStaleError(f"索引文件不一致。请运行 `{BUILD_COMMAND}` 重新构建。")
    if len(facts) != manifest["facts"]["count"]:
        raise IndexStaleError(f"索引文件不一致。请运行 `{BUILD_COMMAND}` 重新构建。")
    if len(records) != manifest["records"]["count"]:
        raise IndexStaleError(f"索引文件不一致。请运行 `{BUILD_COMMAND}` 重新构建。")
    terms = d / TERMS_DIR
    return LoadedIndex(
        manifest,
        chunks,
        documents,
        dense,
        bm25,
        facts,
        records,
        terms if terms.is_dir() else None,
    )
