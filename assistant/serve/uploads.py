"""Gradio's upload folder for this process, and the rules of its upload endpoint.

Gradio stores every file posted to ``/gradio_api/upload`` (which needs no login) in its upload
folder and hands the page a path; the page's upload event then receives that path back from the
browser. So: the folder is private to this process (``$ASSISTANT_HOME/.uploads/<pid>``, handed to Gradio
before the page is built, removed at exit), the admin event accepts only a path that
resolves inside it (never an arbitrary server file named by a crafted request), every file is
deleted after its upload attempt whether it was added or refused, files nobody used expire after
``UPLOAD_TTL_SECONDS``, and the folder holds at most ``UPLOAD_QUOTA_BYTES`` at a time."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from assistant.errors import ForbiddenError, ServiceBusyError
from assistant.ingest.loaders import MAX_FILE_BYTES
from assistant.settings import Settings

UPLOADS_DIR = ".uploads"
UPLOAD_TTL_SECONDS = 15 * 60
UPLOAD_QUOTA_BYTES = 4 * MAX_FILE_BYTES
NOT_UPLOADED = "只能添加通过本页面上传的文件：请重新选择文件后再上传。"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class UploadArea:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @classmethod
    def create(cls, settings: Settings) -> UploadArea:
        """A fresh folder for this process; folders of processes that no longer run are
        removed (a killed server cannot clean up after itself)."""
        parent = settings.home / UPLOADS_DIR
        try:
            parent.mkdir(parents=True, exist_ok=True)
            for old in parent.iterdir():
                if old.name.isdigit() and not _pid_alive(int(old.name)):
                    shutil.rmtree(old, ignore_errors=True)
            root = parent / str(os.getpid())
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(mode=0o700)
        except OSError:
            # A read-only home still serves answers; uploads then go to a private temp folder.
            root = Path(tempfile.mkdtemp(prefix="assistant-uploads-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        return cls(root)

    def accept(self, path: object) -> Path:
        """The uploaded file ``path`` if Gradio stored it in this process's folder; anything
        else (another server file, a symlink out, a folder, a URL) is refused."""
        if not isinstance(path, str) or not path:
            raise ForbiddenError(NOT_UPLOADED)
        candidate = Path(path)
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            raise ForbiddenError(NOT_UPLOADED) from None
        if (
            candidate.is_symlink()
            or not resolved.is_relative_to(self.root)
            or resolved == self.root
            or not resolved.is_file()
        ):
            raise ForbiddenError(NOT_UPLOADED)
        return resolved

    def discard(self, path: Path | None, started: float) -> None:
        """Delete an uploaded file (and its per-upload folder) once its attempt is over, and
        the empty placeholder Gradio's File component leaves in the folder each time it hands
        a file to an event (this Gradio version never removes it): the empty files at the top
        of the folder from before the event ``started`` (a time.time())."""
        if path is not None and path.is_relative_to(self.root) and path != self.root:
            path.unlink(missing_ok=True)
            parent = path.parent
            if parent != self.root:
                with contextlib.suppress(OSError):
                    parent.rmdir()  # only when empty: another upload may share the content hash
        for entry in self.root.iterdir():
            with contextlib.suppress(OSError):
                stat = entry.lstat()
                if entry.is_file() and stat.st_size == 0 and stat.st_mtime <= started:
                    entry.unlink()

    def sweep(self, now: float | None = None) -> int:
        """Delete what has waited longer than the TTL; return the bytes still held."""
        now = time.time() if now is None else now
        held = 0
        for entry in list(self.root.rglob("*")):
            try:
                stat = entry.lstat()
            except OSError:
                continue
            if entry.is_dir():
                continue
            if now - stat.st_mtime > UPLOAD_TTL_SECONDS:
                entry.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    if entry.parent != self.root:
                        entry.parent.rmdir()
            else:
                held += stat.st_size
        return held

    def reserve(self, size: int) -> None:
        """Refuse an upload that would take the folder over its quota."""
        if self.sweep() + size > UPLOAD_QUOTA_BYTES:
            raise ServiceBusyError(
                "上传暂存区已满，暂时无法接收新文件。请稍后（约 15 分钟内）再试，或联系管理员。"
            )
