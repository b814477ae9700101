"""Generative answers with the optional LLM, never less trustworthy than the extractive ones.

The flow per question: the follow-up is rewritten by the LLM (the rule-based resolver when that
fails); the extractive pipeline answers the rewritten question and supplies the passages; the top
passages go to the LLM numbered [1]..[n]; its streamed text is verified (``assistant.verifier``)
and becomes the answer only if it passes. Otherwise, and on any timeout, HTTP error or malformed
output, the user gets the extractive answer with a notice saying why. The decision is recorded in
``Answer.generation``.

``stream_answer`` yields the model's text as it arrives (provisional: show it as "生成中") and
then, last, the final verified ``Answer``, whose text replaces what was streamed. When the final
text says less than the streamed one (sentences dropped, or the extractive fallback), it starts
with a notice saying so and ``generation["revised"]`` is true, so a reader who watched the
provisional text knows why it changed."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from assistant.answer.followup import resolve_question
from assistant.answer.guard import guard_answer
from assistant.answer.llm.client import LLMClient, clean_rewrite
from assistant.answer.llm.verifier import verify
from assistant.answer.pipeline import ExtractivePipeline
from assistant.answer.texts import (
    NOT_FOUND_TEXT,
    NOTICE_LLM_REJECTED,
    NOTICE_LLM_REVISED,
    NOTICE_LLM_UNAVAILABLE,
    PARTIAL_PREFIX,
)
from assistant.answer.types import Answer, Status, Turn

CONTEXT_PASSAGES = 5
REASON_NOT_FOUND = "文件中未找到依据，未调用大模型"


def _error_kind(exc: BaseException) -> str:
    """A short Chinese description of why the LLM call failed, for the notice and the record.

    Classified by the ``openai`` SDK's exception types, which ``ChatOpenAI`` raises unchanged. A
    timeout is a connection error in the SDK's hierarchy, so it is tested first. Anything else
    (a malformed body, a broken stream) is the endpoint returning something unusable."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "请求超时"
    if isinstance(exc, openai.APIConnectionError):
        return "无法连接"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return "返回格式错误"


def _rewrite(
    llm: LLMClient | None,
    question: str,
    turns: Sequence[Turn],
    limit: int,
    pipeline: ExtractivePipeline,
) -> tuple[str, str]:
    """The standalone question and who wrote it ("llm", "rules" or "none"). The LLM's rewrite
    is kept only when its plan has the constraints of the rule result (document, place, years,
    levels): a rewrite that drops or changes one would answer another question."""
    if not turns:
        return question, "none"
    rules = resolve_question(question, turns, pipeline.weights.known)
    if llm is not None:
        try:
            rewritten = clean_rewrite(llm.rewrite(question, turns), limit)
        except Exception:  # any failure of the endpoint: the rules still resolve the question
            rewritten = None
        if rewritten and _slots(pipeline, rewritten) == _slots(pipeline, rules):
            return rewritten, "llm"
    return rules, "rules"


def _slots(pipeline: ExtractivePipeline, question: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for sub in pipeline.plan(question).subquestions:
        c = sub.constraints
        out |= {("doc", d) for d in c.doc_ids} | {("region", r) for r in c.regions}
        out |= {("year", str(y)) for y in c.years} | {("level", x) for x in c.levels}
    return out


def _fallback(base: Answer, record: dict[str, Any], notice: str) -> Answer:
    text = notice + base.answer if notice else base.answer
    generation = {**record, "notice": notice, "revised": True}
    return dataclasses.replace(base, answer=text, generation=generation)


def stream_answer(
    pipeline: ExtractivePipeline,
    llm: LLMClient | None,
    question: str,
    turns: Sequence[Turn],
    doc_ids: Collection[str] | None = None,
    *,
    max_question_chars: int,
) -> Iterator[str | Answer]:
    """``question`` is already validated and ``turns`` coerced (``assistant.answer.request``)."""
    started = time.perf_counter()
    q = question
    resolved, rewrite_by = _rewrite(llm, q, turns, max_question_chars, pipeline)
    base = pipeline.answer(q, resolved, doc_ids)
    record: dict[str, Any] = {
        "mode": "extractive",
        "rewrite": rewrite_by,
        "fallback_reason": None,
        "dropped_sentences": [],
        "revised": False,
    }
    if llm is None or base.status == "not_found":
        # Nothing was generated, so nothing provisional was shown: just the answer.
        record["fallback_reason"] = None if llm is None else REASON_NOT_FOUND
        yield dataclasses.replace(base, generation=record)
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
        yield _fallback(base, record, NOTICE_LLM_UNAVAILABLE.format(why=why))
        return
    generate_ms = (time.perf_counter() - t0) * 1000
    raw = "".join(parts)
    checked = verify(raw, passages, pipeline.documents)
    record["dropped_sentences"] = [d.to_dict() for d in checked.dropped]
    record["raw"] = raw
    if checked.kept == 0 or checked.kept < len(checked.dropped):
        record["fallback_reason"] = (
            f"生成的 {checked.total} 句中 {len(checked.dropped)} 句未通过核验"
            if checked.total
            else "大模型返回了空回答"
        )
        yield _fallback(base, record, NOTICE_LLM_REJECTED)
        return
    status: Status = "partial" if checked.dropped else base.status
    prefix = PARTIAL_PREFIX if status == "partial" else ""
    # The numeric guard runs on every answer, whoever wrote it; the verifier has already applied
    # the same rule, so this only produces the same report the extractive answers carry.
    guarded = guard_answer(prefix + checked.text, status, checked.citations, NOT_FOUND_TEXT, prefix)
    if guarded.status == "not_found":
        record["fallback_reason"] = "数字核验未通过"
        yield _fallback(base, record, NOTICE_LLM_REJECTED)
        return
    record["mode"] = "llm"
    # The streamed text had sentences the verifier removed: say so where the text is read.
    notice = NOTICE_LLM_REVISED if checked.dropped or guarded.report.removed else ""
    record["revised"] = bool(notice)
    record["notice"] = notice
    yield dataclasses.replace(
        base,
        status=guarded.status,
        answer=notice + guarded.text,
        citations=guarded.citations,
        guard=guarded.report.to_dict(),
        generation=record,
        timings_ms={
            **base.timings_ms,
            "generate": generate_ms,
            "total": (time.perf_counter() - started) * 1000,
        },
    )
