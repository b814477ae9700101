"""Connections to the PostgreSQL backend (``ASSISTANT_DATABASE_URL``): a small per-process pool,
the base schema, and the writers' lock.

Only this module and ``postgres.py`` speak SQL for the index; psycopg is imported on first use,
so the embedded backend never loads it."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from assistant.errors import DatabaseError
from assistant.settings import Settings

if TYPE_CHECKING:
    import psycopg

BASE_SCHEMA = "assistant"
# pg_advisory_lock key of the one writer (build, activate, cleanup) across every replica; the
# server releases it when the holder's connection ends, so a killed writer never blocks others.
WRITER_LOCK_KEY = 0x41535354  # "ASST"
CONNECT_TIMEOUT_SECONDS = 10

_BASE_DDL = f"""
CREATE EXTENSION IF NOT EXISTS vector;
CREATE SCHEMA IF NOT EXISTS {BASE_SCHEMA};
CREATE TABLE IF NOT EXISTS {BASE_SCHEMA}.versions (
    name text PRIMARY KEY,
    schema_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    manifest jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS {BASE_SCHEMA}.current (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    name text NOT NULL,
    previous text,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {BASE_SCHEMA}.feedback (
    id bigserial PRIMARY KEY,
    created_at text NOT NULL,
    rating text NOT NULL CHECK (rating IN ('up', 'down')),
    comment text NOT NULL DEFAULT '',
    question text NOT NULL,
    resolved_question text NOT NULL DEFAULT '',
    history jsonb NOT NULL DEFAULT '[]',
    answer text NOT NULL,
    status text NOT NULL,
    citations jsonb NOT NULL DEFAULT '[]',
    doc_ids jsonb NOT NULL DEFAULT '[]'
);
"""


def _reason(exc: Exception) -> str:
    """The driver's text is English and may echo the URL; users get a short Chinese reason."""
    import psycopg

    if isinstance(exc, psycopg.OperationalError):
        return "连接失败"
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return "权限不足"
    if isinstance(exc, psycopg.errors.UndefinedFile | psycopg.errors.FeatureNotSupported):
        return "缺少 pgvector 扩展"
    return f"数据库错误 {getattr(exc, 'sqlstate', '') or type(exc).__name__}"


class Database:
    """Connections to one database, reused across requests (autocommit: a transaction is always
    explicit). Thread-safe: each caller borrows its own connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._idle: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()
        self._schema_ready = False

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            import psycopg
        except ImportError:
            raise DatabaseError(
                "使用 PostgreSQL 数据库需要 psycopg。请运行 `pip install 'psycopg[binary]'`"
                "（或 `pip install -e '.[postgres]'`），或清空 ASSISTANT_DATABASE_URL 以使用本地索引。"
            ) from None
        try:
            conn = psycopg.connect(
                self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
            )
        except psycopg.Error as exc:
            raise DatabaseError.unreachable(_reason(exc)) from exc
        if not self._schema_ready:
            self._ensure_schema(conn)
        return conn

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        import psycopg

        try:
            with conn.transaction():
                # Two replicas starting together would race on CREATE ... IF NOT EXISTS.
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK_KEY + 1,))
                for statement in filter(str.strip, _BASE_DDL.split(";")):
                    conn.execute(statement)
        except psycopg.Error as exc:
            conn.close()
            raise DatabaseError.unreachable(_reason(exc)) from exc
        self._schema_ready = True

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection for the block; returned to the pool unless the block failed."""
        import psycopg

        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            conn = self._connect()
        try:
            yield conn
        except psycopg.Error as exc:
            conn.close()
            raise DatabaseError.unreachable(_reason(exc)) from exc
        finally:
            # Back to the pool only when nothing is left open on it (a failed block may have
            # been cut off mid-transaction, or the server may have gone).
            idle = psycopg.pq.TransactionStatus.IDLE
            if not conn.closed and conn.info.transaction_status == idle:
                with self._lock:
                    self._idle.append(conn)
            else:
                conn.close()

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Held by whoever builds, activates or cleans up versions, on any replica. A dedicated
        connection, so the lock lives exactly as long as this block (or this process)."""
        import psycopg

        conn = self._connect()
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (WRITER_LOCK_KEY,))
            yield
        except psycopg.Error as exc:
            raise DatabaseError.unreachable(_reason(exc)) from exc
        finally:
            conn.close()  # ends the session: the server releases the lock

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class PgVersions:
    """The index versions registered in the database and which one is current (the journal of
    a corpus change undoes through these, like the files' ``layout``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def current_name(self) -> str | None:
        with self.db.connection() as conn:
            row = conn.execute(f"SELECT name FROM {BASE_SCHEMA}.current").fetchone()
        return str(row[0]) if row else None

    def exists(self, name: str) -> bool:
        with self.db.connection() as conn:
            row = conn.execute(
                f"SELECT 1 FROM {BASE_SCHEMA}.versions WHERE name = %s", (name,)
            ).fetchone()
        return row is not None

    def activate(self, name: str) -> None:
        """Make ``name`` the version every replica serves (one statement, committed at once)."""
        with self.db.connection() as conn:
            conn.execute(
                f"INSERT INTO {BASE_SCHEMA}.current AS c (name) VALUES (%s) "
                "ON CONFLICT (only_row) DO UPDATE SET previous = c.name, name = EXCLUDED.name, "
                "changed_at = now()",
                (name,),
            )

    def deactivate(self) -> None:
        with self.db.connection() as conn:
            conn.execute(f"DELETE FROM {BASE_SCHEMA}.current")

    def drop(self, name: str) -> None:
        from psycopg import sql

        with self.db.connection() as conn, conn.transaction():
            row = conn.execute(
                f"SELECT schema_name FROM {BASE_SCHEMA}.versions WHERE name = %s", (name,)
            ).fetchone()
            if row is not None:
                conn.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(row[0]))
                )
            conn.execute(f"DELETE FROM {BASE_SCHEMA}.versions WHERE name = %s", (name,))

    def cleanup(self) -> list[str]:
        """Drop every version but the current one and the one before it (a replica may still be
        reading it). Hold ``writer_lock``, or a version built but not yet activated is lost."""
        with self.db.connection() as conn:
            row = conn.execute(f"SELECT name, previous FROM {BASE_SCHEMA}.current").fetchone()
            names = [str(r[0]) for r in conn.execute(f"SELECT name FROM {BASE_SCHEMA}.versions")]
        keep = {str(v) for v in (row or ()) if v}
        dropped = sorted(n for n in names if n not in keep)
        for name in dropped:
            self.drop(name)
        return dropped


_DATABASES: dict[tuple[int, str], Database] = {}
_DATABASES_LOCK = threading.Lock()


def uses_database(settings: Settings) -> bool:
    return bool(settings.database_url)


def database(settings: Settings) -> Database:
    """The process's pool for ``settings.database_url`` (a forked child gets its own)."""
    key = (os.getpid(), settings.database_url)
    with _DATABASES_LOCK:
        if key not in _DATABASES:
            _DATABASES[key] = Database(settings.database_url)
        return _DATABASES[key]
