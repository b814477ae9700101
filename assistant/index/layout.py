"""Where built indexes live in ``ASSISTANT_HOME`` and how one replaces another.

``index`` is a symbolic link to one complete build in ``index.versions/``. A build is written
into a temporary ``.index-build-*`` folder, renamed into ``index.versions/`` when complete, and
made current by renaming a new link over ``index``: one rename, so a reader always finds either
the old index or the new one, never none. Everything that changes the index or the corpus holds
``.index.lock`` (an OS file lock, released by the kernel when a process dies), so a later build
or start can remove what a killed one left behind (``cleanup``).

An index from before this layout (``index`` a plain folder) is moved into ``index.versions/``
the first time a build or start holds the lock; a crash inside that one-time move is repaired by
``cleanup`` (the newest complete version becomes current)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from assistant.errors import StorageError
from assistant.settings import Settings

VERSIONS_DIR = "index.versions"
BUILD_PREFIX = ".index-build-"
LINK_PREFIX = ".index-link-"
LEGACY_OLD_PREFIX = ".index-old-"  # left by the swap of earlier releases
LOCK_FILE = ".index.lock"
# Fault injection for the kill tests (tests/test_crash_safety.py): the process kills itself
# with SIGKILL at the named step, exactly as a power cut or OOM kill would stop it there.
CRASH_ENV = "POLICY_ASSISTANT_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def versions_dir(settings: Settings) -> Path:
    return settings.home / VERSIONS_DIR


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def home_not_writable(settings: Settings, exc: OSError) -> StorageError:
    return StorageError.from_os_error(exc, f"索引目录 {settings.home}")


@contextlib.contextmanager
def home_lock(settings: Settings) -> Iterator[None]:
    """Exclusive, across processes and threads, for as long as the index or corpus changes;
    with ASSISTANT_DATABASE_URL also across every replica using that database."""
    with _home_file_lock(settings):
        if not settings.database_url:
            yield
            return
        from assistant.index.pgconn import database

        with database(settings).writer_lock():
            yield


@contextlib.contextmanager
def _home_file_lock(settings: Settings) -> Iterator[None]:
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
        fd = os.open(settings.home / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise home_not_writable(settings, exc) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def current_version(settings: Settings) -> Path | None:
    """The version folder ``index`` points to (None: no index, or not a link into versions)."""
    link = settings.index_dir
    if not link.is_symlink():
        return None
    target = link.resolve()
    if target.parent != versions_dir(settings).resolve() or not target.is_dir():
        return None
    return target


def new_build_dir(settings: Settings) -> Path:
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=settings.home))
    except OSError as exc:
        raise home_not_writable(settings, exc) from exc


def publish(settings: Settings, build_dir: Path) -> Path:
    """Move a complete build into ``index.versions/`` (not current yet)."""
    versions = versions_dir(settings)
    versions.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    version = versions / f"{stamp}-{time.time_ns() % 10**9:09d}-{uuid.uuid4().hex[:6]}"
    os.rename(build_dir, version)
    _fsync_dir(versions)
    return version


def activate(settings: Settings, version: Path) -> None:
    """Make ``version`` the current index with a single rename of a link over ``index``."""
    home = settings.home
    _migrate_legacy(settings)
    link = home / f"{LINK_PREFIX}{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(version, home), link)
    os.replace(link, settings.index_dir)
    _fsync_dir(home)


def deactivate(settings: Settings) -> None:
    """Remove ``index`` (a change that built the first index is undone)."""
    if settings.index_dir.is_symlink():
        settings.index_dir.unlink()


def _migrate_legacy(settings: Settings) -> None:
    """``index`` as a plain folder (earlier layout, or a copy): move it into the versions."""
    index = settings.index_dir
    if index.is_symlink() or not index.is_dir():
        return
    versions = versions_dir(settings)
    versions.mkdir(exist_ok=True)
    legacy = versions / f"00000000T000000-legacy-{uuid.uuid4().hex[:6]}"
    os.rename(index, legacy)
    crash_point("legacy-moved")
    link = settings.home / f"{LINK_PREFIX}{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(legacy, settings.home), link)
    os.replace(link, index)
    _fsync_dir(settings.home)


def _complete(version: Path) -> bool:
    return (version / "manifest.json").is_file()


def cleanup(settings: Settings, keep: Iterable[Path] = ()) -> list[str]:
    """Remove what killed builds and earlier swaps left behind; keep the current version, the
    newest one before it (a reader that resolved the link just before a swap can finish) and
    ``keep``. Must hold ``home_lock``. Returns the names removed."""
    home = settings.home
    if not home.is_dir():
        return []
    removed: list[str] = []

    def remove(path: Path) -> None:
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)

    try:
        _migrate_legacy(settings)
        for path in home.iterdir():
            if path.name.startswith((BUILD_PREFIX, LINK_PREFIX, LEGACY_OLD_PREFIX)):
                remove(path)
        versions = versions_dir(settings)
        if not versions.is_dir():
            return removed
        complete = sorted(v for v in versions.iterdir() if v.is_dir() and _complete(v))
        current = current_version(settings)
        if current is None and complete and not settings.index_dir.exists():
            # A crash inside the one-time legacy move: the newest complete build becomes current.
            activate(settings, complete[-1])
            current = complete[-1].resolve()
        kept = {p.resolve() for p in keep}
        if current is not None:
            kept.add(current)
            older = [v for v in complete if v.name < current.name]
            if older:
                kept.add(older[-1].resolve())
        for v in versions.iterdir():
            if v.resolve() not in kept:
                remove(v)
    except OSError as exc:
        raise home_not_writable(settings, exc) from exc
    return removed
