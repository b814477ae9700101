"""The assistant as a long-running service (the web page and its HTTP API).

``LiveAssistant`` owns the current ``Assistant`` and replaces it after the corpus changes, so
every page and API request sees the new documents without a restart. Corpus changes (upload,
delete) are transactions (``assistant.index.changes``): the new index is built and loaded before
the file change commits, and a failure or a killed process leaves corpus, index and the live
assistant as they were."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answer.request import coerce_doc_ids, coerce_history, validate_question
from assistant.answer.types import Answer, Turn
from assistant.errors import (
    IndexMissingError,
    IndexStaleError,
)
from assistant.ingest.loaders import check_size
from assistant.ingest.types import DocumentMeta
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index.embedding import Embedder
    from assistant.serve.service import Assistant

# (fraction 0–1, Chinese description) for a progress bar.
ProgressCallback = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    return None


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    title: str
    doc_number: str
    issuer: str
    date: str
    source_file: str
    chunks: int


@dataclass(frozen=True)
class ChangeResult:
    file_name: str
    documents: tuple[DocumentMeta, ...]  # the documents added or removed
    chunks: int  # chunks in the whole index afterwards
    seconds: float


def ensure_index(settings: Settings, embedder: Embedder, progress: bool = True) -> bool:
    """Build the index when it is missing or stale; True when a build was needed."""
    from assistant.index.build import build_index
    from assistant.index.manifest import check_fresh, read_manifest

    try:
        check_fresh(settings, read_manifest(settings.index_dir))
        return False
    except (IndexMissingError, IndexStaleError) as exc:
        if progress:
            print(f"{exc.message}\n正在自动构建索引…", file=sys.stderr, flush=True)
        build_index(settings, embedder, progress=progress)
        return True


class LiveAssistant:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        assistant: Assistant | None = None,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._assistant = assistant
        # The retriever and embedder are not documented as thread-safe, and torch already uses
        # every core for one query, so questions are answered one at a time.
        self._ask_lock = threading.Lock()
        # One corpus change at a time: two concurrent rebuilds would race on the index swap.
        self._change_lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from assistant.index.embedding import SentenceTransformerEmbedder

            self._embedder = SentenceTransformerEmbedder(self.settings)
        return self._embedder

    def start(self, build_if_needed: bool = True) -> LiveAssistant:
        """Undo a corpus change a killed process left unfinished, load the index (building it
        first when missing or stale) and warm the model up."""
        from assistant.index.journal import recover

        undone = recover(self.settings)
        if undone:
            print(undone, file=sys.stderr, flush=True)
        if build_if_needed:
            ensure_index(self.settings, self.embedder)
        self.reload()
        return self

    def reload(self) -> None:
        from assistant.serve.service import build_assistant

        # Built fully before the swap: requests keep using the old assistant meanwhile.
        self._assistant = build_assistant(self.settings, embedder=self.embedder)

    @property
    def assistant(self) -> Assistant:
        if self._assistant is None:
            raise IndexMissingError("助手尚未加载索引。请稍候片刻再试，或联系管理员。")
        return self._assistant

    @property
    def documents(self) -> dict[str, DocumentMeta]:
        return self.assistant.documents

    def ask(
        self,
        question: str,
        history: Sequence[Turn | dict[str, str]] | None = None,
        doc_ids: Collection[str] | None = None,
    ) -> Answer:
        # Everything proportional to the request's size (normalising and checking the question,
        # the history and the filter) happens before the lock; what runs under it is bounded by
        # the limits in assistant.answer.request.
        limit = self.settings.max_question_chars
        q = validate_question(question, limit)
        turns = coerce_history(history, limit)
        ids = coerce_doc_ids(doc_ids)
        assistant = self.assistant
        assistant.check_doc_filter(ids)
        with self._ask_lock:
            return assistant.ask(q, turns, ids)

    def document_rows(self) -> list[DocumentRow]:
        index = self.assistant.index
        counts = Counter(c.doc_id for c in index.chunks)
        return [
            DocumentRow(
                doc_id=doc_id,
                title=d.meta.title,
                doc_number=d.meta.doc_number,
                issuer=d.meta.issuer,
                date=d.meta.date or d.meta.period,
                source_file=d.meta.source_file,
                chunks=counts.get(doc_id, 0),
            )
            for doc_id, d in index.documents.items()
        ]

    def source_files(self) -> list[str]:
        return sorted({d.meta.source_file for d in self.assistant.index.documents.values()})

    # ------------------------------------------------------------------ corpus changes

    def _change(
        self, run: Callable[[Callable[[], None]], int], progress: ProgressCallback
    ) -> tuple[int, dict[str, DocumentMeta]]:
        """Run a corpus change (``assistant.index.changes``) whose commit waits until the new
        assistant is loaded; only then is it swapped in, so a failure anywhere leaves both the
        files and the live assistant as they were. Returns the chunk count and the documents
        before the change."""
        from assistant.serve.service import build_assistant

        loaded: list[Assistant] = []

        def load_new() -> None:
            loaded.append(build_assistant(self.settings, embedder=self.embedder))

        with self._change_lock:
            before = dict(self.documents)
            chunks = run(load_new)
            self._assistant = loaded[-1]
        progress(1.0, "完成")
        return chunks, before

    def add_upload(
        self, upload: Path, original_name: str, progress: ProgressCallback = _no_progress
    ) -> ChangeResult:
        """Add an uploaded file (a temporary path; ``original_name`` is the user's file name).

        Size, type (from the content), name and duplicates are checked first; the file enters
        the corpus only together with the rebuilt index (``assistant.index.changes``)."""
        import time

        from assistant.index.changes import add_file

        started = time.perf_counter()
        check_size(upload.stat().st_size, Path(original_name or upload.name).name)
        names: list[str] = []

        def run(load_new: Callable[[], None]) -> int:
            name, report = add_file(
                self.settings, self.embedder, upload, original_name, load_new, progress
            )
            names.append(name)
            return report.chunks

        chunks, before = self._change(run, progress)
        added = tuple(m for i, m in self.documents.items() if i not in before)
        return ChangeResult(names[0], added, chunks, time.perf_counter() - started)

    def delete_file(
        self, file_name: str, progress: ProgressCallback = _no_progress
    ) -> ChangeResult:
        """Remove one corpus file (all documents it holds) and rebuild the index."""
        import time

        from assistant.index.changes import remove_file

        started = time.perf_counter()
        progress(0.1, f"正在删除 {file_name}…")

        def run(load_new: Callable[[], None]) -> int:
            return remove_file(self.settings, self.embedder, file_name, load_new, progress).chunks

        chunks, before = self._change(run, progress)
        removed = tuple(m for i, m in before.items() if m.source_file == file_name)
        return ChangeResult(file_name, removed, chunks, time.perf_counter() - started)
