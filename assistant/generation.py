"""Generative answers with the optional LLM, never less trustworthy than the extractive ones.

The flow per question: the follow-up is rewritten by the LLM (the rule-based resolver when that
fails); the extractive pipeline answers the rewritten question and supplies the passages; the top
passages go to the LLM numbered [1]..[n]; its streamed text is verified (``assistant.verifier``)
and becomes the answer only if it passes. Otherwise, and on any timeout, HTTP error or malformed
output, the user gets the extractive answer with a notice saying why. The decision is recorded in
``Answer.generation``.

``stream_answer`` yields the model's text as it arrives (provisional: show it as "生成中") and
then, last, the final verified ``Answer``, whose text replaces what was streamed."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.answerer import NOT_FOUND_TEXT, PARTIAL_PREFIX
from assistant.followup import resolve_question
from assistant.guard import guard_answer
from assistant.llm import clean_rewrite
from assistant.types import Answer, Status, Turn
from assistant.verifier import verify

if TYPE_CHECKING:
    from assistant.service import Assistant

CONTEXT_PASSAGES = 5
NOTICE_UNAVAILABLE = "（大模型服务暂时不可用（{why}），以下为文件原文摘录。）"
NOTICE_REJECTED = "（大模型生成的回答未通过引用核验，以下为文件原文摘录。）"
REASON_NOT_FOUND = "文件中未找到依据，未调用大模型"


def _error_kind(exc: BaseException) -> str:
    """A short Chinese description of why the LLM call failed, for the notice and the record."""
    name = type(exc).__name__.lower()
    if "timeout" in name:
        return "请求超时"
    if "connection" in name:
        return "无法连接"
    status = getattr(exc, "status_code", None)
    if status is not None:
        return f"HTTP {status}"
    return "返回格式错误"


def _rewrite(assistant: Assistant, question: str, turns: Sequence[Turn]) -> tuple[str, str]:
    """The standalone question and who wrote it ("llm", "rules" or "none")."""
    if not turns:
        return question, "none"
    llm = assistant.llm
    if llm is not None:
        try:
            rewritten = clean_rewrite(
                llm.rewrite(question, turns), assistant.settings.max_question_chars
            )
        except Exception:  # any failure of the endpoint: the rules still resolve the question
            rewritten = None
        if rewritten:
            return rewritten, "llm"
    return resolve_question(question, turns), "rules"


def _fallback(base: Answer, record: dict[str, Any], notice: str) -> Answer:
    text = notice + base.answer if notice else base.answer
    return dataclasses.replace(base, answer=text, generation={**record, "notice": notice})


def stream_answer(
    assistant: Assistant,
    question: str,
    history: Sequence[Turn | dict[str, str]] | None = None,
    doc_ids: Collection[str] | None = None,
) -> Iterator[str | Answer]:
    from assistant.service import coerce_history, validate_question

    started = time.perf_counter()
    q = validate_question(question, assistant.settings.max_question_chars)
    turns = coerce_history(history)
    resolved, rewrite_by = _rewrite(assistant, q, turns)
    base = assistant.ask(q, turns, doc_ids, resolved=resolved)
    record: dict[str, Any] = {
        "mode": "extractive",
        "rewrite": rewrite_by,
        "fallback_reason": None,
        "dropped_sentences": [],
    }
    llm = assistant.llm
    if llm is None or base.status == "not_found":
        record["fallback_reason"] = None if llm is None else REASON_NOT_FOUND
        final = dataclasses.replace(base, generation=record)
        yield final.answer
        yield final
        return
    passages = list(base.retrieved[:CONTEXT_PASSAGES])
    parts: list[str] = []
    t0 = time.perf_counter()
    try:
        for delta in llm.stream_answer(resolved, passages):
            parts.append(delta)
            yield delta
    except Exception as exc:  # timeouts, HTTP errors, broken streams: never the user's problem
        why = _error_kind(exc)
        record["fallback_reason"] = f"大模型调用失败：{why}"
        yield _fallback(base, record, NOTICE_UNAVAILABLE.format(why=why))
        return
    generate_ms = (time.perf_counter() - t0) * 1000
    raw = "".join(parts)
    checked = verify(raw, passages, assistant.documents)
    record["dropped_sentences"] = [d.to_dict() for d in checked.dropped]
    record["raw"] = raw
    if checked.kept == 0 or checked.kept < len(checked.dropped):
        record["fallback_reason"] = (
            f"生成的 {checked.total} 句中 {len(checked.dropped)} 句未通过核验"
            if checked.total
            else "大模型返回了空回答"
        )
        yield _fallback(base, record, NOTICE_REJECTED)
        return
    status: Status = "partial" if checked.dropped else base.status
    prefix = PARTIAL_PREFIX if status == "partial" else ""
    # The numeric guard runs on every answer, whoever wrote it; the verifier has already applied
    # the same rule, so this only produces the same report the extractive answers carry.
    guarded = guard_answer(prefix + checked.text, status, checked.citations, NOT_FOUND_TEXT, prefix)
    if guarded.status == "not_found":
        record["fallback_reason"] = "数字核验未通过"
        yield _fallback(base, record, NOTICE_REJECTED)
        return
    record["mode"] = "llm"
    yield dataclasses.replace(
        base,
        status=guarded.status,
        answer=guarded.text,
        citations=guarded.citations,
        guard=guarded.report.to_dict(),
        generation=record,
        timings_ms={
            **base.timings_ms,
            "generate": generate_ms,
            "total": (time.perf_counter() - started) * 1000,
        },
    )


def generate_answer(
    assistant: Assistant,
    question: str,
    history: Sequence[Turn | dict[str, str]] | None = None,
    doc_ids: Collection[str] | None = None,
) -> Answer:
    """The final verified answer of ``stream_answer`` (what ``Assistant.ask`` returns)."""
    final: Answer | None = None
    for item in stream_answer(assistant, question, history, doc_ids):
        if isinstance(item, Answer):
            final = item
    assert final is not None  # stream_answer always ends with an Answer
    return final
