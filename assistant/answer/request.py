"""The question and history as the answer layer accepts them: validated once, at the boundary of
the library, whoever calls (page, HTTP API, CLI, Python)."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.types import Turn
from assistant.errors import EmptyQuestionError, InvalidRequestError, QuestionTooLongError

MAX_HISTORY_TURNS = 20


def validate_question(question: str, limit: int) -> str:
    """The question with whitespace normalised; empty or over ``limit`` characters is an error."""
    if not isinstance(question, str) or not question.strip():
        raise EmptyQuestionError()
    q = " ".join(question.split())
    if len(q) > limit:
        raise QuestionTooLongError(len(q), limit)
    return q


def coerce_history(history: Sequence[Turn | dict[str, str]] | None) -> tuple[Turn, ...]:
    """Accept Turn objects or ``{"role", "content"}`` dicts (the JSON form); keep the last
    ``MAX_HISTORY_TURNS``."""
    turns: list[Turn] = []
    for i, t in enumerate(history or ()):
        if isinstance(t, Turn):
            turns.append(t)
            continue
        role = t.get("role") if isinstance(t, dict) else None
        if role not in ("user", "assistant"):
            raise InvalidRequestError(
                f'对话历史第 {i + 1} 条格式错误：应为 {{"role": "user"|"assistant", "content": "…"}}。'
            )
        turns.append(
            Turn(role="user" if role == "user" else "assistant", content=str(t.get("content", "")))
        )
    return tuple(turns[-MAX_HISTORY_TURNS:])
