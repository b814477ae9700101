"""``python app.py`` as a real subprocess on a free 127.0.0.1 port, for tests that talk to the
running server the way its users do (a browser, the ``openai`` client, LangChain)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_app(
    home: Path, env: dict[str, str], timeout: float = 180, wait_ready: bool = True
) -> Iterator[str]:
    """Start app.py with ``env`` (ASSISTANT_* values) over ``home``; yield its base URL once
    ``/api/health`` answers 200 (the index is loaded) or, with ``wait_ready=False``, as soon as
    the server answers at all; stop it afterwards. Its output goes to ``home/app.log``, shown
    when it fails to start."""
    port = free_port()
    full = dict(os.environ)
    full.update(
        ASSISTANT_HOME=str(home),
        ASSISTANT_PORT=str(port),
        ASSISTANT_HOST="127.0.0.1",
        GRADIO_ANALYTICS_ENABLED="False",
        **env,
    )
    log_path = home / "app.log"
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, str(PROJECT_ROOT / "app.py")],
            env=full,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(url + "api/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except urllib.error.HTTPError:
                    if not wait_ready:  # the server is up, the index not yet
                        break
                except OSError:
                    pass  # not listening yet
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("app.py did not start:\n" + log_path.read_text("utf-8"))
                time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
