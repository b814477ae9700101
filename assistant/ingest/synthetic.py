"""An N-times corpus made from the real one, for measuring how the assistant grows with its
corpus (``assistant bench --scale N``).

Copy 0 is the real corpus, byte for byte. Every further copy is each source file's text with a
copy mark after every comma inside a line and the copy number in each document's id and title, so no
passage, document or embedding-cache entry of one copy equals another's: every copy is embedded,
indexed and searched like a document of its own."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from assistant.ingest.corpus import FILES_DIR, list_source_files
from assistant.ingest.loaders import load_file

_WS = re.compile(r"\s+")
# After a comma inside a line: a line with a comma before its first full stop is never a
# heading, and one after it is not part of a heading's title, so the copies keep the original's
# sections (a mark after a full stop would turn "1.加大行业督导力度。" into body text).
_COMMA = re.compile(r"(，)(?=.*\S)")


def copy_mark(copy: int) -> str:
    """Letters only: a digit would become a figure in the fact extraction."""
    letters = ""
    n = copy
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n //= 26
        if n == 0:
            break
    return f"〔X{letters}〕"


def alter_text(raw: str, copy: int, keep_lines: tuple[str, ...] = ()) -> str:
    """``raw`` with the copy's mark after every comma inside a line, except on the lines
    that start a document (``keep_lines``, compared without whitespace), which the manifest looks for."""
    mark = copy_mark(copy)
    out = []
    for line in raw.split("\n"):
        key = _WS.sub("", line)
        if any(k and key.startswith(k) for k in keep_lines):
            out.append(line)
        else:
            out.append(_COMMA.sub(lambda m: m.group(1) + mark, line))
    return "\n".join(out)


def synthesise_corpus(source: Path, target: Path, copies: int) -> int:
    """Write a corpus of ``copies`` copies of ``source`` into ``target`` (files/ and
    manifest.json); returns the number of documents."""
    if copies < 1:
        raise ValueError("copies must be at least 1")
    files = target / FILES_DIR
    files.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = json.loads((source / "manifest.json").read_text("utf-8"))
    by_name = {e["file"]: e for e in manifest.get("files", [])}
    entries: list[dict[str, Any]] = []
    documents = 0
    for src in list_source_files(source):
        entry = by_name.get(src.file_name, {"file": src.file_name})
        shutil.copyfile(src.path, files / src.file_name)
        entries.append(entry)
        documents += len(src.documents)
        if copies == 1:
            continue
        raw = load_file(src.path, src.file_name)
        starts = tuple(_WS.sub("", m) for _, m in src.documents)
        stem = Path(src.file_name).stem
        for copy in range(1, copies):
            name = f"{stem}-copy{copy:04d}.txt"
            (files / name).write_text(alter_text(raw, copy, starts), encoding="utf-8")
            docs = []
            for meta, start in src.documents:
                doc = {
                    k: v for k, v in meta.to_dict().items() if k not in ("source_file", "container")
                }
                doc["doc_id"] = f"{meta.doc_id}-copy{copy:04d}"
                doc["title"] = f"{meta.title}（副本{copy_mark(copy)}）"
                if meta.short_title:
                    doc["short_title"] = f"{meta.short_title}（副本{copy_mark(copy)}）"
                if start:
                    doc["start"] = start
                docs.append(doc)
            copied = {k: v for k, v in entry.items() if k not in ("file", "documents")}
            entries.append({**copied, "file": name, "documents": docs})
            documents += len(docs)
    manifest["files"] = entries
    (target / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return documents
