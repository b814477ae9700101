"""The assistant as a long-running service (the web page and its HTTP API).

``LiveAssistant`` owns the current ``Assistant`` and replaces it after the corpus changes, so
every page and API request sees the new documents without a restart. Corpus changes (upload,
delete) are transactions (``assistant.index.changes``): the new index is built and loaded before
the file change commits, and a failure or a killed process leaves corpus, index and the live
assistant as they were."""

from __future__ import annotations

import logging
import sys
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answer.request import coerce_doc_ids, coerce_history, validate_question
from assistant.answer.types import Answer, Turn
from assistant.errors import (
    IndexMissingError,
)
from assistant.ingest.loaders import check_size
from assistant.ingest.types import DocumentMeta
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index.embedding import Embedder
    from assistant.index.progress import Progress
    from assistant.serve.service import Assistant
    from assistant.serve.workers import AnswerWorkers

log = logging.getLogger("assistant.serve")
# How often a replica checks whether another one made a new index version current.
REPLICA_POLL_SECONDS = 2.0

# (fraction 0–1, Chinese description) for a progress bar.
ProgressCallback = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    return None


class _Status:
    """The latest build stage and count, for the page's 正在建立索引 notice (a ``Progress``)."""

    def __init__(self) -> None:
        self.text = "正在启动…"
        self.done = self.total = 0

    def stage(self, text: str) -> None:
        self.text, self.done, self.total = text, 0, 0

    def advance(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def describe(self) -> str:
        count = f" {self.done}/{self.total}" if self.total else ""
        return self.text.rstrip("…。") + count


class _CallbackProgress:
    """A rebuild's stages and embedding count as (fraction, text) for the admin's progress bar:
    the build runs between ``low`` and ``high``, embedding filling it; it never moves back."""

    def __init__(self, callback: ProgressCallback, low: float, high: float) -> None:
        self.callback, self.low, self.high = callback, low, high
        self.fraction = low

    def stage(self, text: str) -> None:
        self.callback(self.fraction, text)

    def advance(self, done: int, total: int) -> None:
        if total:
            self.fraction = max(self.fraction, self.low + (self.high - self.low) * done / total)
            self.callback(self.fraction, f"正在计算向量 {done}/{total}…")


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


def ensure_index(settings: Settings, embedder: Embedder, progress: bool | Progress = True) -> bool:
    """Build the index when it is missing or stale; True when a build was needed. Says why in
    one line first, and never "please run assistant build": the build is already running."""
    from assistant.index.backend import index_backend
    from assistant.index.progress import as_progress

    report = as_progress(progress)
    backend = index_backend(settings)
    reasons = backend.stale_reasons()
    if not reasons:
        return False
    report.stage(f"需要建立索引（{'；'.join(reasons)}），开始构建…")
    backend.build(embedder, progress=report)
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
        # One corpus change at a time: two concurrent rebuilds would race on the index swap.
        self._change_lock = threading.Lock()
        # Answer worker processes (ASSISTANT_ANSWER_WORKERS > 1), started with the service.
        self._workers: AnswerWorkers | None = None
        self._status = _Status()
        self._closed = threading.Event()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from assistant.index.engines import default_embedder

            self._embedder = default_embedder(self.settings)
        return self._embedder

    def start(
        self, build_if_needed: bool = True, progress: bool | Progress = True
    ) -> LiveAssistant:
        """Undo a corpus change a killed process left unfinished, load the index (building it
        first when missing or stale) and warm the model up.

        Every stage is reported to ``progress`` (True: the terminal) and kept for ``status``,
        so a page opened meanwhile can say what is happening."""
        from assistant.index.journal import recover
        from assistant.index.progress import TeeProgress, as_progress

        undone = recover(self.settings)
        if undone:
            print(undone, file=sys.stderr, flush=True)
        report = TeeProgress(as_progress(progress), self._status)
        if self._embedder is None:
            from assistant.index.engines import default_embedder

            self._embedder = default_embedder(self.settings, report)
        if build_if_needed:
            ensure_index(self.settings, self.embedder, report)
        report.stage("正在加载索引并预热…")
        self.reload()
        if self.settings.answer_workers > 1 and self._workers is None:
            from assistant.serve.workers import AnswerWorkers

            report.stage(f"正在启动 {self.settings.answer_workers} 个回答进程…")
            self._workers = AnswerWorkers(self.settings, self.settings.answer_workers).start()
        if self.settings.database_url:
            threading.Thread(
                target=self._follow_database, name="replica-watch", daemon=True
            ).start()
        return self

    def _follow_database(self) -> None:
        """Replicas sharing one database: when another replica makes a new version current (an
        upload, a delete, ``assistant build``), load it here too. Polling one indexed row is
        cheap and survives dropped connections, which LISTEN/NOTIFY would not."""
        from assistant.index.pgconn import PgVersions, database

        versions = PgVersions(database(self.settings))
        while not self._closed.wait(REPLICA_POLL_SECONDS):
            try:
                current = versions.current_name()
                loaded = self._assistant.index.manifest if self._assistant else {}
                if current is None or current == loaded.get("database", {}).get("version"):
                    continue
                # A change made here holds the lock and loads its own version.
                if self._change_lock.acquire(blocking=False):
                    try:
                        self.reload()
                        log.info("loaded index version %s made current by another replica", current)
                    finally:
                        self._change_lock.release()
            except Exception:  # the next poll retries; requests keep the loaded version
                log.exception("could not follow the database's current index version")

    def close(self) -> None:
        """Stop the answer worker processes, if any, and stop following the database (the
        watcher thread ends at its next poll)."""
        self._closed.set()
        if self._workers is not None:
            self._workers.close()
            self._workers = None

    @property
    def ready(self) -> bool:
        """True once an index is loaded (questions can be answered)."""
        return self._assistant is not None

    @property
    def status(self) -> str:
        """What the start-up is doing, in Chinese (e.g. "正在计算向量：744 个段落 320/744")."""
        return self._status.describe()

    def reload(self) -> None:
        from assistant.serve.service import build_assistant

        # Built fully before the swap: requests keep using the old assistant meanwhile.
        self._assistant = build_assistant(self.settings, embedder=self.embedder)

    @property
    def assistant(self) -> Assistant:
        if self._assistant is None:
            raise IndexMissingError(
                f"正在建立索引（{self.status}），完成后即可提问。请稍候片刻再试。"
            )
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
        # the history and the filter) happens here; only bounded work goes to a worker.
        q, turns, ids, assistant = self._checked(question, history, doc_ids)
        workers = self._workers
        if workers is not None and assistant.llm is None:
            return workers.ask(q, turns, ids)
        return assistant.ask(q, turns, ids)

    def _checked(
        self,
        question: str,
        history: Sequence[Turn | dict[str, str]] | None,
        doc_ids: Collection[str] | None,
    ) -> tuple[str, tuple[Turn, ...], tuple[str, ...] | None, Assistant]:
        limit = self.settings.max_question_chars
        q = validate_question(question, limit)
        turns = coerce_history(history, limit)
        ids = coerce_doc_ids(doc_ids)
        assistant = self.assistant
        assistant.check_doc_filter(ids)
        return q, turns, ids, assistant

    def ask_stream(
        self,
        question: str,
        history: Sequence[Turn | dict[str, str]] | None = None,
        doc_ids: Collection[str] | None = None,
    ) -> Iterator[str | Answer]:
        """``Assistant.ask_stream`` on the current assistant: provisional LLM text, then the
        final Answer. A corpus change meanwhile does not affect a question already started."""
        q, turns, ids, assistant = self._checked(question, history, doc_ids)
        workers = self._workers
        if workers is not None and assistant.llm is None:
            return iter((workers.ask(q, turns, ids),))  # without an LLM: just the Answer
        return assistant.ask_stream(q, turns, ids)

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

    def _rebuild(self, progress: ProgressCallback) -> int:
        """Rebuild the index in place (used by metadata edits, whose undo is the manifest's
        saved copy) and reload the assistant."""
        from assistant.index.backend import index_backend

        progress(0.3, "正在更新索引（只为新增段落计算向量）…")
        report = index_backend(self.settings).build(
            self.embedder, progress=_CallbackProgress(progress, 0.3, 0.8)
        )
        progress(0.85, "正在重新加载助手…")
        self.reload()
        return report.chunks

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

    def update_metadata(
        self,
        doc_id: str,
        changes: Mapping[str, str],
        progress: ProgressCallback = _no_progress,
    ) -> ChangeResult:
        """Change a document's title, issuer, date, 文号 or region (``EDITABLE_FIELDS``): stored
        in the corpus manifest, then the index is rebuilt. Only passages whose embedded text
        changed (a new title is part of it) are embedded again. On failure the manifest is put
        back, so the corpus and the index stay as they were."""
        import time

        from assistant.ingest.corpus import update_document_meta

        started = time.perf_counter()
        with self._change_lock:
            manifest = self.settings.corpus_manifest
            saved = manifest.read_bytes() if manifest.exists() else None
            progress(0.1, "正在保存文档信息…")
            _, after = update_document_meta(self.settings.corpus_dir, doc_id, changes)
            try:
                chunks = self._rebuild(progress)
            except BaseException:
                if saved is None:
                    manifest.unlink(missing_ok=True)
                else:
                    manifest.write_bytes(saved)
                raise
        progress(1.0, "完成")
        return ChangeResult(after.source_file, (after,), chunks, time.perf_counter() - started)
