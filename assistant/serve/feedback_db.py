"""Feedback in the PostgreSQL database (ASSISTANT_DATABASE_URL), shared by every replica, and the
choice between it and the SQLite file (``open_feedback_store``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.index.pgconn import BASE_SCHEMA, Database, database
from assistant.serve.feedback import (
    FeedbackLog,
    FeedbackRow,
    FeedbackStore,
    FeedbackValues,
    Rating,
    feedback_path,
)
from assistant.settings import Settings

_COLUMNS = (
    "created_at, rating, comment, question, resolved_question, history, answer, status, "
    "citations, doc_ids"
)


class PgFeedbackStore:
    """Table ``assistant.feedback`` (created with the database's base schema)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        rating: Rating,
        answer: Mapping[str, Any],
        history: Sequence[Mapping[str, str]] = (),
        comment: str = "",
        doc_ids: Sequence[str] = (),
    ) -> int:
        values = FeedbackValues.of(rating, answer, history, comment, doc_ids)
        with self.db.connection() as conn:
            row = conn.execute(
                f"INSERT INTO {BASE_SCHEMA}.feedback ({_COLUMNS}) VALUES "
                "(%s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s::jsonb, %s::jsonb) RETURNING id",
                values.as_tuple(),
            ).fetchone()
        return int(row[0]) if row else 0

    def rows(self) -> list[FeedbackRow]:
        with self.db.connection() as conn:
            rows = conn.execute(
                f"SELECT id, {_COLUMNS} FROM {BASE_SCHEMA}.feedback ORDER BY id"
            ).fetchall()
        return [
            FeedbackRow(
                id=int(r[0]),
                created_at=r[1],
                rating=r[2],
                comment=r[3],
                question=r[4],
                resolved_question=r[5],
                # jsonb comes back decoded; text JSON (never written here) would not.
                history=r[6] if not isinstance(r[6], str) else json.loads(r[6]),
                answer=r[7],
                status=r[8],
                citations=r[9] if not isinstance(r[9], str) else json.loads(r[9]),
                doc_ids=r[10] if not isinstance(r[10], str) else json.loads(r[10]),
            )
            for r in rows
        ]


def open_feedback_store(settings: Settings) -> FeedbackLog:
    if settings.database_url:
        return PgFeedbackStore(database(settings))
    return FeedbackStore(feedback_path(settings))
