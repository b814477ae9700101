"""User feedback on answers (👍/👎 plus an optional comment), kept in SQLite under ASSISTANT_HOME.

Every row keeps what is needed to replay the question later: the question, the conversation
before it, the answer as shown and its citations. ``export_eval_items`` turns the rows into the
evaluation format (eval/README.md), so a 👎 becomes a regression case for ``assistant eval``."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO

from assistant.errors import InvalidRequestError, StorageError
from assistant.settings import Settings

Rating = Literal["up", "down"]
FEEDBACK_FILE = "feedback.sqlite3"
MAX_COMMENT_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    resolved_question TEXT NOT NULL DEFAULT '',
    history TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL,
    status TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    doc_ids TEXT NOT NULL DEFAULT '[]'
)
"""

_DIGIT = re.compile(r"\d")


def feedback_path(settings: Settings) -> Path:
    return settings.home / FEEDBACK_FILE


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    created_at: str
    rating: Rating
    comment: str
    question: str
    resolved_question: str
    history: list[dict[str, str]]
    answer: str
    status: str
    citations: list[dict[str, Any]]
    doc_ids: list[str]


class FeedbackLog(Protocol):
    """Where ratings are kept: SQLite under ASSISTANT_HOME (``FeedbackStore``) or the
    PostgreSQL database shared by every replica (``feedback_db.PgFeedbackStore``)."""

    def record(
        self,
        rating: Rating,
        answer: Mapping[str, Any],
        history: Sequence[Mapping[str, str]] = (),
        comment: str = "",
        doc_ids: Sequence[str] = (),
    ) -> int:
        """Store one rating of ``answer`` (the ``Answer.to_dict()`` form). Returns the row id."""
        ...

    def rows(self) -> list[FeedbackRow]: ...


@dataclass(frozen=True)
class FeedbackValues:
    """One rating as stored, checked: ``history``, ``citations`` and ``doc_ids`` as JSON."""

    created_at: str
    rating: Rating
    comment: str
    question: str
    resolved_question: str
    history: str
    answer: str
    status: str
    citations: str
    doc_ids: str

    @classmethod
    def of(
        cls,
        rating: Rating,
        answer: Mapping[str, Any],
        history: Sequence[Mapping[str, str]],
        comment: str,
        doc_ids: Sequence[str],
    ) -> FeedbackValues:
        if rating not in ("up", "down"):
            raise InvalidRequestError("评价只能是“有帮助”（up）或“有问题”（down）。")
        comment = comment.strip()
        if len(comment) > MAX_COMMENT_CHARS:
            raise InvalidRequestError(
                f"意见过长：共 {len(comment)} 个字符，上限为 {MAX_COMMENT_CHARS} 个字符。请精简后再提交。"
            )
        citations = [
            {k: c.get(k) for k in ("n", "doc_id", "doc_title", "doc_number", "section", "quote")}
            | {"passage": c.get("passage", "")}
            for c in answer.get("citations", [])
        ]
        return cls(
            datetime.now(UTC).isoformat(timespec="seconds"),
            rating,
            comment,
            str(answer.get("question", "")),
            str(answer.get("resolved_question", "")),
            json.dumps([dict(t) for t in history], ensure_ascii=False),
            str(answer.get("answer", "")),
            str(answer.get("status", "")),
            json.dumps(citations, ensure_ascii=False),
            json.dumps(list(doc_ids), ensure_ascii=False),
        )

    def as_tuple(self) -> tuple[str, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))


class FeedbackStore:
    """A small SQLite store. WAL mode lets the page write while an export reads; one connection
    per call keeps it safe across the web server's worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._init_lock = threading.Lock()
        self._initialised = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            raise self._storage_error(exc) from exc
        try:
            with self._init_lock:
                if not self._initialised:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute(_SCHEMA)
                    conn.commit()
                    self._initialised = True
            yield conn
            conn.commit()
        except sqlite3.OperationalError as exc:
            raise self._storage_error(exc) from exc
        finally:
            conn.close()

    def _storage_error(self, exc: Exception) -> StorageError:
        if isinstance(exc, OSError):
            return StorageError.from_os_error(exc, f"反馈数据库 {self.path}")
        return StorageError(
            f"无法读写反馈数据库 {self.path}（数据库错误）。请检查该目录是否可写、磁盘空间是否充足。"
        )

    @contextmanager
    def _read_only(self) -> Iterator[sqlite3.Connection]:
        """A connection that writes nothing, so an export works on a read-only home: the URI is
        built by ``Path.as_uri`` (which escapes "#", "?" and "%" in the path)."""
        uri = self.path.resolve().as_uri()
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=10)
            try:
                conn.execute("SELECT 1 FROM feedback LIMIT 1")
            except sqlite3.OperationalError:
                # A WAL database needs its -shm file, which a read-only folder cannot hold; the
                # database is not changing there, so it can be read as immutable.
                conn.close()
                conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=10)
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from exc
        try:
            yield conn
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from exc
        finally:
            conn.close()

    def record(
        self,
        rating: Rating,
        answer: Mapping[str, Any],
        history: Sequence[Mapping[str, str]] = (),
        comment: str = "",
        doc_ids: Sequence[str] = (),
    ) -> int:
        """Store one rating of ``answer`` (the ``Answer.to_dict()`` form). Returns the row id."""
        row = FeedbackValues.of(rating, answer, history, comment, doc_ids).as_tuple()
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, resolved_question,"
                " history, answer, status, citations, doc_ids) VALUES (?,?,?,?,?,?,?,?,?,?)",
                row,
            )
            return int(cur.lastrowid or 0)

    def rows(self) -> list[FeedbackRow]:
        if not self.path.exists():
            return []
        with self._read_only() as conn:
            cur = conn.execute(
                "SELECT id, created_at, rating, comment, question, resolved_question, history,"
                " answer, status, citations, doc_ids FROM feedback ORDER BY id"
            )
            return [
                FeedbackRow(
                    id=r[0],
                    created_at=r[1],
                    rating=r[2],
                    comment=r[3],
                    question=r[4],
                    resolved_question=r[5],
                    history=json.loads(r[6]),
                    answer=r[7],
                    status=r[8],
                    citations=json.loads(r[9]),
                    doc_ids=json.loads(r[10]),
                )
                for r in cur.fetchall()
            ]


def _item_type(row: FeedbackRow) -> str:
    """A best guess at the eval type; a reviewer can correct it when filling in the case."""
    if row.history:
        return "followup"
    if row.rating == "up" and row.status == "not_found":
        return "unanswerable"
    return "numeric_prose" if _DIGIT.search(row.question) or _DIGIT.search(row.answer) else "fact"


def to_eval_item(row: FeedbackRow) -> dict[str, Any]:
    """One row in the evaluation format.

    👍: the answer is the reference and the cited sentences are the evidence, so a later change
    that loses this answer fails the eval. 👎: the shown answer is wrong, so it must not become the
    reference; ``answer``/``must_include`` stay empty for a reviewer to fill in, and the rejected
    answer, its citations and the comment are kept in extra fields (the eval ignores them), and
    ``needs_review`` marks it, so the eval skips it until ``must_include`` is filled."""
    item_type = _item_type(row)
    docs = sorted({str(c.get("doc_title", "")) for c in row.citations if c.get("doc_title")})
    item: dict[str, Any] = {
        "id": f"feedback-{row.id}",
        "type": item_type,
        "question": row.question,
        "history": row.history,
        "answer": "",
        "must_include": [],
        "evidence": [],
        "doc": docs,
        "paraphrased": False,
        "feedback": row.rating,
        "feedback_at": row.created_at,
    }
    if row.rating == "up":
        if item_type != "unanswerable":
            item["answer"] = row.answer
            item["evidence"] = [str(c.get("quote", "")) for c in row.citations if c.get("quote")]
    else:
        item["regression"] = True
        # Until a reviewer writes must_include, `assistant eval` skips it (and counts it as
        # 待审核) instead of scoring any answer as correct.
        item["needs_review"] = True
        item["comment"] = row.comment
        item["rejected_answer"] = row.answer
        item["rejected_status"] = row.status
        item["rejected_citations"] = [
            {k: c.get(k) for k in ("n", "doc_title", "section", "quote")} for c in row.citations
        ]
    if row.comment and "comment" not in item:
        item["comment"] = row.comment
    return item


def export_eval_items(store: FeedbackLog, out: TextIO, only: Rating | None = None) -> int:
    """Write every stored rating (or only 👍/👎) as eval-format JSON Lines; returns the count."""
    count = 0
    for row in store.rows():
        if only and row.rating != only:
            continue
        out.write(json.dumps(to_eval_item(row), ensure_ascii=False) + "\n")
        count += 1
    return count
