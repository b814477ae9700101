"""The corpus folder: source files plus ``manifest.json`` with each document's metadata.

A file may hold several documents (a gazette issue); the manifest gives the line each one starts
at, and each becomes its own citable document."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import (
    CorpusError,
    DuplicateDocumentError,
    InvalidRequestError,
    NotFoundError,
    UnsupportedFileTypeError,
)
from assistant.ingest.cleaning import clean_text
from assistant.ingest.loaders import SUPPORTED_SUFFIXES, load_file
from assistant.ingest.metadata import DOC_TYPES, infer_meta, is_issuer_line, names_document
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

# What an administrator may change about a document (the page's 文档管理 tab), with the labels
# the page and the messages use. The id stays: API clients and feedback rows refer to it.
EDITABLE_FIELDS: dict[str, str] = {
    "title": "标题",
    "issuer": "发布机关",
    "date": "日期",
    "doc_number": "文号",
    "region": "地区",
}
MAX_TITLE_CHARS = 100
MAX_FIELD_CHARS = 60
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    documents: tuple[tuple[DocumentMeta, str], ...]  # (metadata, start marker or "")
    name: str = ""  # the name in files/ (differs from path.name for a staged file)

    @property
    def file_name(self) -> str:
        return self.name or self.path.name


@dataclass(frozen=True)
class CorpusView:
    """The corpus as it will be after a change that is not on disk yet: ``add`` holds
    (staged path, name it will have in files/), ``remove`` names files to leave out. The
    index of a pending change is built from this view, so the corpus itself changes only when
    that index is in place."""

    add: tuple[tuple[Path, str], ...] = ()
    remove: frozenset[str] = frozenset()


NO_CHANGE = CorpusView()


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


# Markdown heading and emphasis marks around a title line ("# 标题", "**标题**").
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*|\s+#+\s*$")
_MD_EMPHASIS = re.compile(r"^[*_]{1,3}(.+?)[*_]{1,3}$")


def _title_line(line: str) -> str:
    line = _MD_HEADING.sub("", line).strip()
    return _MD_EMPHASIS.sub(r"\1", line).strip()


# Characters a title naming its kind may have ("辽宁省住房和城乡建设厅关于开展2026年城镇老旧
# 小区改造“提质扩面”专项行动的通知" is 43); a line that names no kind must be short (≤ 40).
_MAX_TITLE = 80
_MAX_OTHER = 40
# A notice's title line with its addressees run on by the line joining ("…工作的通知各设区市
# 水利局，…"): the title ends with its kind word, the addressees start with 各.
_ADDRESSED = re.compile(rf"^(?P<title>.{{4,{_MAX_TITLE}}}?(?:{'|'.join(DOC_TYPES)}))(?=各)")


def _addressed(line: str) -> str:
    m = _ADDRESSED.match(line)
    return m.group("title") if m else line


def _infer_title(path: Path, name: str) -> str:
    """Title for a file the manifest does not describe: its first short line naming a document
    kind (without Markdown heading marks), else its first short line that is not an issuing
    body's name (红头 documents open with one), else the file name."""
    text = clean_text(load_file(path, name))
    lines = [_addressed(_title_line(raw)) for raw in text.split("\n")[:15]]
    plain = [x for x in lines if len(x) >= 4 and not re.search(r"[，。；]", x)]
    short = [x for x in plain if len(x) <= _MAX_OTHER]
    return (
        next((x for x in plain if len(x) <= _MAX_TITLE and names_document(x)), "")
        or next((x for x in short if not is_issuer_line(x)), "")
        or (short[0] if short else Path(name).stem)
    )


def _auto_doc_id(name: str) -> str:
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    slug = re.sub(r"[^0-9A-Za-z]+", "-", Path(name).stem).strip("-").lower()[:24]
    return f"{slug or 'doc'}-{digest}"


def list_source_files(corpus_dir: Path, view: CorpusView = NO_CHANGE) -> list[SourceFile]:
    """Every supported file in ``corpus_dir/files`` with its documents' metadata (as ``view``
    will leave them)."""
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
    # Dot-files are not part of the corpus: staged uploads and parked deletions live there.
    named = {
        p.name: p
        for p in files_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name not in view.remove
    }
    named.update({name: path for path, name in view.add})
    unsupported = [n for n in sorted(named) if Path(n).suffix.lower() not in SUPPORTED_SUFFIXES]
    if unsupported:
        raise UnsupportedFileTypeError(
            f"文档目录中有不支持的文件：{'、'.join(unsupported)}。支持的类型为 "
            f"{'、'.join(SUPPORTED_SUFFIXES)}；请转换格式或把这些文件移出 {files_dir}。"
        )
    for name in sorted(named):
        path = named[name]
        entry = by_name.get(name)
        docs: list[tuple[DocumentMeta, str]] = []
        if entry and entry.get("documents"):
            for d in entry["documents"]:
                if not d.get("doc_id") or not d.get("title"):
                    raise CorpusError(f"文件清单中 {name} 的文档缺少 doc_id 或 title。")
                meta = DocumentMeta(
                    doc_id=str(d["doc_id"]),
                    title=str(d["title"]),
                    source_file=name,
                    container=str(entry.get("container", "")),
                    **{k: str(d.get(k, "")) for k in _META_FIELDS},
                )
                docs.append((meta, str(d.get("start", ""))))
        else:
            # No manifest entry (a document added later): its metadata comes from its own text.
            text = clean_text(load_file(path, name))
            inferred = infer_meta(text, _infer_title(path, name))
            docs.append(
                (
                    DocumentMeta(
                        doc_id=_auto_doc_id(name),
                        title=inferred.title,
                        source_file=name,
                        issuer=inferred.issuer,
                        date=inferred.date,
                        doc_number=inferred.doc_number,
                        doc_type=inferred.doc_type,
                        region=inferred.region,
                    ),
                    "",
                )
            )
        sources.append(SourceFile(path, tuple(docs), name))
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


def load_documents(corpus_dir: Path, view: CorpusView = NO_CHANGE) -> list[Document]:
    docs: list[Document] = []
    for source in list_source_files(corpus_dir, view):
        raw = load_file(source.path, source.file_name)
        parts = split_documents(raw, [m for _, m in source.documents], source.file_name)
        for (meta, _), part in zip(source.documents, parts, strict=True):
            text = clean_text(part)
            docs.append(Document(meta=meta, text=text, sections=parse_sections(text)))
    return docs


def corpus_fingerprint(corpus_dir: Path, view: CorpusView = NO_CHANGE) -> dict[str, str]:
    """sha256 of every source file and of the manifest: the index is stale when any changes."""
    prints = {
        f"{FILES_DIR}/{s.file_name}": file_sha256(s.path)
        for s in list_source_files(corpus_dir, view)
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


def check_new_file(corpus_dir: Path, source: Path, original_name: str) -> str:
    """Validate a file to be added (supported, readable, has text, name not taken) and return
    the safe name it will have in ``files/``. Writes nothing."""
    name = safe_file_name(original_name or source.name)
    if Path(name).suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileTypeError(
            f"不支持的文件类型“{Path(original_name).name or source.name}”。"
            f"请上传 {'、'.join(SUPPORTED_SUFFIXES)} 格式的文件。"
        )
    text = load_file(source, name)
    if not clean_text(text).strip():
        raise CorpusError(f"文件“{name}”清洗后没有正文内容，未添加。")
    if (corpus_dir / FILES_DIR / name).exists():
        raise CorpusError(f"文档目录中已有同名文件“{name}”。请改名后再添加，或先删除旧文件。")
    return name


def _text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def check_not_duplicate(docs: list[Document], fingerprint: dict[str, str], new_name: str) -> None:
    """Refuse a new file whose bytes equal an existing file's, or any of whose documents has
    the same cleaned text as an existing document (the same text under another name or format
    would only add duplicate passages)."""
    new_hash = fingerprint.get(f"{FILES_DIR}/{new_name}")
    for key, digest in fingerprint.items():
        if (
            key.startswith(f"{FILES_DIR}/")
            and key != f"{FILES_DIR}/{new_name}"
            and digest == new_hash
        ):
            existing = [d.meta for d in docs if d.meta.source_file == key.split("/", 1)[1]]
            raise _duplicate(new_name, existing[0] if existing else None, key.split("/", 1)[1])
    texts = {_text_hash(d.text): d.meta for d in docs if d.meta.source_file != new_name}
    for d in docs:
        if d.meta.source_file == new_name and _text_hash(d.text) in texts:
            meta = texts[_text_hash(d.text)]
            raise _duplicate(new_name, meta, meta.source_file)


def _duplicate(new_name: str, meta: DocumentMeta | None, file_name: str) -> DuplicateDocumentError:
    what = f"《{meta.title}》（文件 {file_name}）" if meta else f"文件 {file_name}"
    return DuplicateDocumentError(
        f"“{new_name}”与文档库中已有的{what}内容相同，未重复添加。"
        "如需更新该文档，请先删除旧文件再上传。"
    )


# --------------------------------------------------------------------------- metadata edits


def _check_meta(values: Mapping[str, str]) -> None:
    for name, value in values.items():
        label = EDITABLE_FIELDS[name]
        limit = MAX_TITLE_CHARS if name == "title" else MAX_FIELD_CHARS
        if len(value) > limit:
            raise InvalidRequestError(f"{label}过长：共 {len(value)} 个字符，上限为 {limit}。")
    if "title" in values and not values["title"]:
        raise InvalidRequestError("标题不能为空：引用时要用它指明出处。")
    date = values.get("date", "")
    m = _DATE.fullmatch(date)
    if date and not m:
        raise InvalidRequestError(
            f"日期“{date}”格式不对：请写成 2025-07-03、2025-07 或 2025，不知道可以留空。"
        )
    if m:
        year, month, day = (int(g) if g else 1 for g in m.groups())
        try:
            datetime.date(year, month, day)
        except ValueError:
            raise InvalidRequestError(f"日期“{date}”不存在，请检查月份和日。") from None


def _locate(corpus_dir: Path, doc_id: str) -> tuple[SourceFile, int, DocumentMeta]:
    """The file holding document ``doc_id``, its position in that file and its metadata."""
    for source in list_source_files(corpus_dir):
        for index, (meta, _) in enumerate(source.documents):
            if meta.doc_id == doc_id:
                return source, index, meta
    raise NotFoundError(f"文档库中没有编号为“{doc_id}”的文档。请刷新列表后重试。")


def update_document_meta(
    corpus_dir: Path, doc_id: str, changes: Mapping[str, str]
) -> tuple[DocumentMeta, DocumentMeta]:
    """Store new metadata for one document in ``manifest.json`` and return (before, after).

    Only ``EDITABLE_FIELDS``; whitespace is normalised. A document the manifest does not
    describe yet (an upload, titled from its first line) gets an entry that keeps its current
    id and title. The manifest is replaced atomically; rebuilding the index applies the change."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidRequestError(
            f"不能修改的字段：{'、'.join(unknown)}。可修改：{'、'.join(EDITABLE_FIELDS.values())}。"
        )
    values = {name: " ".join(str(v).split()) for name, v in changes.items()}
    _check_meta(values)
    source, index, meta = _locate(corpus_dir, doc_id)
    if all(getattr(meta, name) == value for name, value in values.items()):
        raise InvalidRequestError("文档信息没有变化，无需保存。")
    manifest = _read_manifest(corpus_dir)
    entry = next(
        (e for e in manifest["files"] if isinstance(e, dict) and e.get("file") == source.path.name),
        None,
    )
    if entry is None or not entry.get("documents"):
        # Described by the file alone until now: record what the index already shows for it.
        if entry is None:
            entry = {"file": source.path.name}
            manifest["files"].append(entry)
        entry["documents"] = [{"doc_id": meta.doc_id, "title": meta.title}]
    entry["documents"][index].update(values)
    manifest.setdefault("version", 1)
    path = corpus_dir / "manifest.json"
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(format_manifest(manifest), encoding="utf-8")
    os.replace(tmp, path)
    return meta, dataclasses.replace(meta, **values)


def format_manifest(manifest: Mapping[str, Any]) -> str:
    """``manifest.json`` in the corpus's own layout: one document per line, so a hand edit or a
    metadata change from the page is a one-line diff."""

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    top = [f"  {dump(k)}: {dump(v)}" for k, v in manifest.items() if k != "files"]
    entries = []
    for entry in manifest.get("files", []):
        fields = [f"      {dump(k)}: {dump(v)}" for k, v in entry.items() if k != "documents"]
        if "documents" in entry:
            docs = ",\n".join(f"        {dump(d)}" for d in entry["documents"])
            fields.append(f'      "documents": [\n{docs}\n      ]')
        entries.append("    {\n" + ",\n".join(fields) + "\n    }")
    files = '  "files": [\n' + ",\n".join(entries) + "\n  ]"
    return "{\n" + ",\n".join([*top, files]) + "\n}\n"
