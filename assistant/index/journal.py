"""The journal of a corpus change in flight (see ``assistant.index.changes``) and the undo of a
change that a killed process left unfinished."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from assistant.index.layout import (
    activate,
    cleanup,
    current_version,
    deactivate,
    home_lock,
    home_not_writable,
    versions_dir,
)
from assistant.index.pgconn import PgVersions, database
from assistant.ingest.corpus import FILES_DIR
from assistant.settings import Settings

log = logging.getLogger("assistant.index")

JOURNAL_FILE = ".corpus-change.json"


def journal_path(settings: Settings) -> Path:
    return settings.home / JOURNAL_FILE


# Dot-files are not part of the corpus; the name keeps the file's suffix, which the loaders need.
PENDING_PREFIX = ".pending-"
PARKED_PREFIX = ".deleting-"


def pending_path(settings: Settings, name: str) -> Path:
    return settings.corpus_dir / FILES_DIR / f"{PENDING_PREFIX}{name}"


def parked_path(settings: Settings, name: str) -> Path:
    return settings.corpus_dir / FILES_DIR / f"{PARKED_PREFIX}{name}"


def write_journal(settings: Settings, journal: dict[str, Any]) -> None:
    path = journal_path(settings)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(journal, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def commit(settings: Settings) -> None:
    journal_path(settings).unlink()


def _plain(value: Any) -> str:
    """A bare file or folder name from the journal, or "" (never a path that leaves its folder)."""
    text = value if isinstance(value, str) else ""
    return text if text and "/" not in text and not text.startswith(".") else ""


def undo(settings: Settings, journal: dict[str, Any]) -> None:
    """Put the corpus and the index back as the journal says they were. Idempotent: a crash
    during an undo is undone again at the next start."""
    name = _plain(journal.get("file"))
    if journal.get("backend") == "postgres":
        _undo_database(settings, journal)
    else:
        _undo_files(settings, journal)
    if name:
        if journal.get("op") == "add":
            (settings.corpus_dir / FILES_DIR / name).unlink(missing_ok=True)
            pending_path(settings, name).unlink(missing_ok=True)
        elif journal.get("op") == "delete" and parked_path(settings, name).exists():
            os.replace(parked_path(settings, name), settings.corpus_dir / FILES_DIR / name)
    journal_path(settings).unlink(missing_ok=True)


def _undo_database(settings: Settings, journal: dict[str, Any]) -> None:
    """The database backend's versions are names in ``assistant.versions``."""
    versions = PgVersions(database(settings))
    old, new = _plain(journal.get("old")), _plain(journal.get("new"))
    current = versions.current_name()
    if old and versions.exists(old):
        if current != old:
            versions.activate(old)
    elif new and current == new:
        versions.deactivate()  # the change built the first index
    if new:
        versions.drop(new)


def _undo_files(settings: Settings, journal: dict[str, Any]) -> None:
    versions = versions_dir(settings)
    old = versions / _plain(journal.get("old")) if _plain(journal.get("old")) else None
    new = versions / _plain(journal.get("new")) if _plain(journal.get("new")) else None
    current = current_version(settings)
    if old is not None and old.is_dir():
        if current is None or current.name != old.name:
            activate(settings, old)
    elif new is not None and current is not None and current.name == new.name:
        deactivate(settings)  # the change built the first index
    if new is not None:
        shutil.rmtree(new, ignore_errors=True)


def recover_locked(settings: Settings) -> str | None:
    """Undo a change a killed process left unfinished (must hold ``home_lock``). Returns a
    Chinese sentence saying what was undone, or None."""
    path = journal_path(settings)
    files = settings.corpus_dir / FILES_DIR
    try:
        if not path.exists():
            # No change in flight: a staged or parked dot-file is a leftover (an undo or a
            # commit that was cut short after its last decision).
            if files.is_dir():
                for leftover in files.glob(".*"):
                    # (".x.deleting": what the delete of earlier releases parked)
                    if leftover.name.startswith((PENDING_PREFIX, PARKED_PREFIX)) or (
                        leftover.name.endswith(".deleting")
                    ):
                        leftover.unlink(missing_ok=True)
            return None
        try:
            journal = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(journal, dict):
                raise ValueError("journal is not an object")
        except ValueError:
            journal = {}  # written atomically, so never partial; an edited one is dropped
        undo(settings, journal)
    except OSError as exc:
        raise home_not_writable(settings, exc) from exc
    what = {"add": "上传", "delete": "删除"}.get(str(journal.get("op")), "文档变更")
    message = (
        f"上次未完成的{what}（{journal.get('file', '')}）已撤销：文档库和索引保持原样。"
        "如仍需要，请重新操作。"
    )
    log.warning("undid an unfinished corpus change: %s", journal)
    return message


def recover(settings: Settings) -> str | None:
    """``recover_locked`` plus ``cleanup``, under the lock: for a server or command at start.
    A home this process cannot write holds nothing it could have left unfinished: it is served
    as it is (feedback and uploads then report their own errors)."""
    if settings.home.is_dir() and not os.access(settings.home, os.W_OK):
        return None
    with home_lock(settings):
        message = recover_locked(settings)
        cleanup(settings)
    return message
