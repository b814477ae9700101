"""Adding or removing a corpus file together with its index, all or nothing, even if the
process is killed at any moment.

A change first writes a journal (``.corpus-change.json`` in ASSISTANT_HOME: what is changing
and which index version was current), then stages the file as a dot-file in ``files/`` (not
part of the corpus), builds the new index from the corpus as the change will leave it, makes
that index current, moves the file into (or out of) the corpus, lets the caller load the new
index, and only then deletes the journal: that deletion is the commit. Whatever stops the
process before it, the next build or start finds the journal and undoes the change
(``recover``): the previous index becomes current again, the file is removed or put back, the
staged copy and the new build are deleted. The user is told of success only after the commit."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from assistant.errors import CorpusError, InvalidRequestError
from assistant.index.build import BuildReport, build_version
from assistant.index.embedding import Embedder
from assistant.index.journal import (
    commit,
    parked_path,
    pending_path,
    recover_locked,
    undo,
    write_journal,
)
from assistant.index.layout import (
    activate,
    cleanup,
    crash_point,
    current_version,
    home_lock,
    home_not_writable,
)
from assistant.index.postgres import PgIndex
from assistant.ingest.corpus import (
    FILES_DIR,
    CorpusView,
    check_new_file,
    check_not_duplicate,
    corpus_fingerprint,
    list_source_files,
    load_documents,
)
from assistant.settings import Settings

Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    return None


def _nothing() -> None:
    return None


def _load_and_commit(
    settings: Settings, before_commit: Callable[[], None], progress: Progress
) -> None:
    """The common tail of a change once its file is moved: the caller loads the new index,
    then the journal commits it."""
    crash_point("change-moved")
    progress(0.85, "正在重新加载助手…")
    before_commit()
    crash_point("change-loaded")
    commit(settings)


def _undo_and_raise(settings: Settings, journal: dict[str, Any], exc: BaseException) -> NoReturn:
    """Roll a failed change back; a file-system error is reported as the home not writable."""
    undo(settings, journal)
    if isinstance(exc, OSError):
        raise home_not_writable(settings, exc) from exc
    raise exc


def add_file(
    settings: Settings,
    embedder: Embedder,
    source: Path,
    original_name: str = "",
    before_commit: Callable[[], None] = _nothing,
    progress: Progress = _no_progress,
) -> tuple[str, BuildReport]:
    """Add ``source`` to the corpus as a safe version of ``original_name`` and index it.
    ``before_commit`` runs once the new index is current (the page loads it there); if it
    fails, the change is undone. Returns the name in ``files/`` and the build report."""
    with home_lock(settings):
        _prepare(settings)
        progress(0.05, "正在校验文件…")
        name = check_new_file(settings.corpus_dir, source, original_name)
        preview = CorpusView(add=((source, name),))
        docs = load_documents(settings.corpus_dir, preview)
        check_not_duplicate(docs, corpus_fingerprint(settings.corpus_dir, preview), name)
        journal = _begin(settings, "add", name)
        try:
            pending = pending_path(settings, name)
            shutil.copyfile(source, pending)
            crash_point("change-staged")
            progress(0.3, "正在更新索引（只为新增段落计算向量）…")
            view = CorpusView(add=((pending, name),))
            report = _build_and_activate(settings, embedder, journal, view, docs)
            os.rename(pending, settings.corpus_dir / FILES_DIR / name)
            _load_and_commit(settings, before_commit, progress)
        except BaseException as exc:
            _undo_and_raise(settings, journal, exc)
        _cleanup(settings)
    return name, report


def remove_file(
    settings: Settings,
    embedder: Embedder,
    file_name: str,
    before_commit: Callable[[], None] = _nothing,
    progress: Progress = _no_progress,
) -> BuildReport:
    """Remove one corpus file (every document it holds) and its passages from the index."""
    with home_lock(settings):
        _prepare(settings)
        names = [s.file_name for s in list_source_files(settings.corpus_dir)]
        if file_name not in names:
            raise InvalidRequestError(f"文档库中没有文件“{file_name}”。请刷新列表后重试。")
        if len(names) == 1:
            raise CorpusError("文档库中只剩这一个文件，不能删除：至少需要保留一个文件。")
        view = CorpusView(remove=frozenset({file_name}))
        docs = load_documents(settings.corpus_dir, view)
        journal = _begin(settings, "delete", file_name)
        try:
            progress(0.3, "正在更新索引…")
            report = _build_and_activate(settings, embedder, journal, view, docs)
            os.rename(settings.corpus_dir / FILES_DIR / file_name, parked_path(settings, file_name))
            _load_and_commit(settings, before_commit, progress)
        except BaseException as exc:
            _undo_and_raise(settings, journal, exc)
        parked_path(settings, file_name).unlink(missing_ok=True)
        _cleanup(settings)
    return report


def _prepare(settings: Settings) -> None:
    recover_locked(settings)
    _cleanup(settings)


def _cleanup(settings: Settings) -> None:
    cleanup(settings)
    if settings.database_url:
        PgIndex(settings).versions.cleanup()


def _begin(settings: Settings, op: str, name: str) -> dict[str, Any]:
    journal: dict[str, Any]
    if settings.database_url:
        old = PgIndex(settings).versions.current_name()
        journal = {"op": op, "file": name, "old": old, "new": None, "backend": "postgres"}
    else:
        current = current_version(settings)
        journal = {"op": op, "file": name, "old": current.name if current else None, "new": None}
    try:
        write_journal(settings, journal)
    except OSError as exc:
        raise home_not_writable(settings, exc) from exc
    crash_point("change-journaled")
    return journal


def _build_and_activate(
    settings: Settings,
    embedder: Embedder,
    journal: dict[str, Any],
    view: CorpusView,
    docs: list[Any],
) -> BuildReport:
    if settings.database_url:
        index = PgIndex(settings)
        report, name = index.build_version(embedder, False, docs, view)
        journal["new"] = name
        write_journal(settings, journal)
        crash_point("change-built")
        index.versions.activate(name)
        crash_point("change-activated")
        return report
    report, version = build_version(settings, embedder, False, docs, view)
    journal["new"] = version.name
    write_journal(settings, journal)
    crash_point("change-built")
    activate(settings, version)
    crash_point("change-activated")
    return report
