"""The corpus folder: source files plus ``manifest.json`` with each document's metadata.

A file may hold several documents (a gazette issue); the manifest gives the line each one starts
at, and each becomes its own citable document."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import CorpusError, UnsupportedFileTypeError
from assistant.ingest.cleaning import clean_text
from assistant.ingest.loaders import SUPPORTED_SUFFIXES, load_file
from assistant.ingest.metadata import infer_meta
from assistant.ingest.structure import parse_sections
from assistant.ingest.types import Document, DocumentMeta

FILES_DIR = "files"
_META_FIELDS = (
    "short_title",
    "issuer",
    "date",
    "period",
    "doc_number",
    "doc_type",
    "region",
)
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    documents: tuple[tuple[DocumentMeta, str], ...]  # (metadata, start marker or "")


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(corpus_dir: Path) -> dict[str, Any]:
    path = corpus_dir / "manifest.json"
    if not path.exists():
        return {"files": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"文件清单 {path} 格式错误：{exc}。请修正 JSON 格式后重试。") from exc
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise CorpusError(f"文件清单 {path} 缺少 files 列表。")
    return data


def _infer_title(path: Path) -> str:
    """Title for a file the manifest does not describe: its first short line, else the name."""
    try:
        text = clean_text(load_file(path))
    except CorpusError:
        raise
    for line in text.split("\n")[:10]:
        if 4 <= len(line) <= 40 and not re.search(r"[，。；]", line):
            return line
    return path.stem


def _auto_doc_id(path: Path) -> str:
    digest = hashlib.sha1(path.name.encode("utf-8")).hexdigest()[:8]
    slug = re.sub(r"[^0-9A-Za-z]+", "-", path.stem).strip("-").lower()[:24]
    return f"{slug or 'doc'}-{digest}"


def list_source_files(corpus_dir: Path) -> list[SourceFile]:
    """Every supported file in ``corpus_dir/files`` with its documents' metadata."""
    files_dir = corpus_dir / FILES_DIR
    if not files_dir.is_dir():
        raise CorpusError(
            f"未找到文档目录 {files_dir}。请把文件放入该目录，或设置 ASSISTANT_CORPUS_DIR。"
        )
    manifest = _read_manifest(corpus_dir)
    by_name: dict[str, dict[str, Any]] = {}
    for entry in manifest["files"]:
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            by_name[entry["file"]] = entry
    sources: list[SourceFile] = []
    paths = [p for p in sorted(files_dir.iterdir()) if p.is_file() and not p.name.startswith(".")]
    unsupported = [p.name for p in paths if p.suffix.lower() not in SUPPORTED_SUFFIXES]
    if unsupported:
        raise UnsupportedFileTypeError(
            f"文档目录中有不支持的文件：{'、'.join(unsupported)}。支持的类型为 "
            f"{'、'.join(SUPPORTED_SUFFIXES)}；请转换格式或把这些文件移出 {files_dir}。"
        )
    for path in paths:
        entry = by_name.get(path.name)
        docs: list[tuple[DocumentMeta, str]] = []
        if entry and entry.get("documents"):
            for d in entry["documents"]:
                if not d.get("doc_id") or not d.get("title"):
                    raise CorpusError(f"文件清单中 {path.name} 的文档缺少 doc_id 或 title。")
                meta = DocumentMeta(
                    doc_id=str(d["doc_id"]),
                    title=str(d["title"]),
                    source_file=path.name,
                    container=str(entry.get("container", "")),
                    **{k: str(d.get(k, "")) for k in _META_FIELDS},
                )
                docs.append((meta, str(d.get("start", ""))))
        else:
            # No manifest entry (a document added later): its metadata comes from its own text.
            text = clean_text(load_file(path))
            inferred = infer_meta(text, _infer_title(path))
            docs.append(
                (
                    DocumentMeta(
                        doc_id=_auto_doc_id(path),
                        title=inferred.title,
                        source_file=path.name,
                        issuer=inferred.issuer,
                        date=inferred.date,
                        doc_number=inferred.doc_number,
                        doc_type=inferred.doc_type,
                        region=inferred.region,
                    ),
                    "",
                )
            )
        sources.append(SourceFile(path, tuple(docs)))
    ids = [meta.doc_id for s in sources for meta, _ in s.documents]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise CorpusError(
            f"文档编号重复：{'、'.join(sorted(dupes))}。请在 manifest.json 中改为唯一编号。"
        )
    return sources


def split_documents(raw: str, markers: list[str], file_name: str) -> list[str]:
    """Cut ``raw`` at the lines whose text (whitespace removed) starts with each marker, in order.

    Text before the first marker (a gazette's cover and contents) belongs to no document."""
    if markers == [""]:
        return [raw]
    lines = raw.split("\n")
    keys = [_WS.sub("", line) for line in lines]
    # Search backwards, taking each marker's last occurrence before the next document: a
    # gazette lists the same titles in its table of contents first.
    starts: list[int] = []
    search_to = len(lines)
    for marker in reversed(markers):
        key = _WS.sub("", marker)
        found = next((i for i in range(search_to - 1, -1, -1) if keys[i].startswith(key)), None)
        if not key or found is None:
            raise CorpusError(
                f"在 {file_name} 中找不到文档起始行“{marker}”。请检查 manifest.json。"
            )
        starts.insert(0, found)
        search_to = found
    bounds = [*starts, len(lines)]
    return ["\n".join(lines[bounds[i] : bounds[i + 1]]) for i in range(len(starts))]


def load_documents(corpus_dir: Path) -> list[Document]:
    docs: list[Document] = []
    for source in list_source_files(corpus_dir):
        raw = load_file(source.path)
        parts = split_documents(raw, [m for _, m in source.documents], source.path.name)
        for (meta, _), part in zip(source.documents, parts, strict=True):
            text = clean_text(part)
            docs.append(Document(meta=meta, text=text, sections=parse_sections(text)))
    return docs


def corpus_fingerprint(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every source file and of the manifest: the index is stale when any changes."""
    prints = {
        f"{FILES_DIR}/{s.path.name}": file_sha256(s.path) for s in list_source_files(corpus_dir)
    }
    manifest = corpus_dir / "manifest.json"
    if manifest.exists():
        prints["manifest.json"] = file_sha256(manifest)
    return prints


def safe_file_name(name: str) -> str:
    """A file name that is safe to write into the corpus folder (no paths, no control chars)."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^\w\u4e00-\u9fff（）()\-—]+", "_", stem).strip("._") or "document"
    return f"{stem[:80]}{suffix}"


def add_document(corpus_dir: Path, source: Path) -> Path:
    """Validate ``source`` (readable, supported, has text) and copy it into the corpus.

    Nothing is written unless the file loads; an existing file of the same name is an error."""
    text = load_file(source)
    if not clean_text(text).strip():
        raise CorpusError(f"文件“{source.name}”清洗后没有正文内容，未添加。")
    target = corpus_dir / FILES_DIR / safe_file_name(source.name)
    if target.suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileTypeError(
            f"不支持的文件类型“{source.name}”。支持的类型为 {'、'.join(SUPPORTED_SUFFIXES)}。"
        )
    if target.exists():
        raise CorpusError(
            f"文档目录中已有同名文件“{target.name}”。请改名后再添加，或先删除旧文件。"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    tmp.write_bytes(source.read_bytes())
    tmp.replace(target)
    return target
