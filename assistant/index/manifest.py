"""What built an index, and whether it still matches the corpus, the code and the model.

``manifest.json`` records the corpus file hashes, a hash of the code that decides what goes into
the index (the lang, ingest and records packages and the tokeniser dictionary), the chunking
parameters and the embedding model; any difference makes the index stale."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from assistant.errors import IndexMissingError, IndexStaleError, ModelError
from assistant.index.embedding import ModelInfo
from assistant.ingest.corpus import corpus_fingerprint
from assistant.ingest.types import Chunk, DocumentMeta
from assistant.settings import Settings

FORMAT_VERSION = 2  # 2: the store holds structure records too
# Folder of the passages' substring postings (``assistant.lang.substrings``) inside an index.
TERMS_DIR = "terms"
BUILD_COMMAND = "assistant build"
_PACKAGE = Path(__file__).resolve().parent.parent
# The packages whose behaviour decides what is in the index: a change to any of their modules
# makes an existing index stale.
_PIPELINE_PACKAGES = ("lang", "ingest", "records")
_PIPELINE_DATA = ("userdict.txt",)


def code_version() -> str:
    h = hashlib.sha256()
    for name in _PIPELINE_PACKAGES:
        for path in sorted((_PACKAGE / name).rglob("*.py")):
            h.update(path.relative_to(_PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    for name in _PIPELINE_DATA:
        h.update((_PACKAGE / "data" / name).read_bytes())
    return h.hexdigest()[:16]


def indexed_text(chunk: Chunk, meta: DocumentMeta) -> str:
    """What is embedded and BM25-indexed: the passage with its document and section for context."""
    title = meta.short_title or meta.title
    head = f"{title}｜{chunk.section_path}" if chunk.section else title
    return f"{head}\n{chunk.text}"


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


def stale_reasons(settings: Settings, manifest: dict[str, Any], corpus: bool = True) -> list[str]:
    """Why the index no longer matches the corpus, the pipeline code or the settings (Chinese,
    one phrase each); empty when it is fresh. ``corpus=False`` leaves the corpus folder out
    (the database backend: the database, not this machine's folder, holds the served corpus)."""
    reasons = []
    if manifest.get("format_version") != FORMAT_VERSION:
        reasons.append("索引格式版本已更新")
    if manifest.get("code_version") != code_version():
        reasons.append("清洗/分段程序已更新")
    if manifest.get("chunking", {}).get("chunk_size") != settings.chunk_size:
        reasons.append("分段参数已改变")
    if not corpus:
        return reasons
    built = manifest.get("corpus", {})
    now = corpus_fingerprint(settings.corpus_dir)
    added = sorted(set(now) - set(built))
    removed = sorted(set(built) - set(now))
    changed = sorted(k for k in set(now) & set(built) if now[k] != built[k])
    for label, names in (("新增", added), ("删除", removed), ("修改", changed)):
        if names:
            reasons.append(f"{label}了文件 {'、'.join(names)}")
    return reasons


def check_fresh(settings: Settings, manifest: dict[str, Any], corpus: bool = True) -> None:
    """Raise IndexStaleError when the corpus, the pipeline code or the settings have changed."""
    reasons = stale_reasons(settings, manifest, corpus)
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
