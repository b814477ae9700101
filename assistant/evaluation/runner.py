"""Run an evaluation dataset through the assistant's ``ask`` path and score it.

``run_eval`` is what ``assistant eval`` calls: it validates the dataset, asks every question with its history, computes the metrics of
``assistant.evaluation.metrics`` overall and per type, and writes report.json/.md/.html.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from assistant.answer.types import Answer, Citation, Turn
from assistant.errors import (
    AssistantError,
    CorpusError,
    IndexMissingError,
    IndexStaleError,
    InvalidRequestError,
    ModelError,
)
from assistant.evaluation import metrics
from assistant.evaluation.dataset import load_dataset
from assistant.evaluation.report import write_reports
from assistant.evaluation.types import (
    ERROR_STATUS,
    ITEM_TYPES,
    RECALL_KS,
    RETRIEVAL_DEPTH,
    CitedQuote,
    EvalItem,
    EvalReport,
    ItemRecord,
)
from assistant.settings import SECRET_FIELDS, Settings

# Errors that mean the whole run cannot work (no index, no model): stop instead of recording
# the same failure for every question.
_FATAL_ERRORS: tuple[type[AssistantError], ...] = (
    IndexMissingError,
    IndexStaleError,
    ModelError,
    CorpusError,
)


class SupportsAsk(Protocol):
    """What the runner needs from the assistant (``assistant.service.build_assistant``)."""

    def ask(self, question: str, history: Sequence[Turn]) -> Answer: ...


# ---------------------------------------------------------------------------------------------
# Scoring one answer
# ---------------------------------------------------------------------------------------------


def _citation_text(citation: Citation, answer: Answer) -> str:
    if citation.passage:
        return citation.passage
    for passage in answer.retrieved:
        if passage.chunk.chunk_id == citation.chunk_id:
            return passage.chunk.text
    return citation.quote


def score_item(item: EvalItem, answer: Answer, latency_ms: float) -> ItemRecord:
    """Compare one ``Answer`` with its dataset item."""
    retrieved = [p.chunk.text for p in answer.retrieved[:RETRIEVAL_DEPTH]]
    cited = [_citation_text(c, answer) for c in answer.citations]
    flags = [any(metrics.holds(text, q) for q in item.evidence) for text in cited]
    if item.answerable:
        missing = tuple(metrics.missing_strings(answer.answer, item.must_include))
        # A decline quotes the nearest text, which may hold the expected words: it still is no
        # answer.
        correct = not missing and answer.status != metrics.NOT_FOUND
    else:
        missing, correct = (), answer.status == metrics.NOT_FOUND
    # A refusal states no facts; otherwise numbers must be backed by what is cited (the document
    # title and section shown with each citation count as part of it). Numbers in the question do
    # not count: echoing a year the documents do not cover is exactly the error to catch.
    support = [
        f"{c.doc_title}\n{c.section}\n{text}"
        for c, text in zip(answer.citations, cited, strict=True)
    ]
    unsupported = (
        ()
        if answer.status == metrics.NOT_FOUND
        else metrics.unsupported_numbers(answer.answer, support)
    )
    return ItemRecord(
        id=item.id,
        type=item.type,
        question=item.question,
        history=item.history,
        resolved_question=answer.resolved_question or item.question,
        expected_answer=item.answer,
        must_include=item.must_include,
        evidence=item.evidence,
        paraphrased=item.paraphrased,
        answer=answer.answer,
        status=answer.status,
        correct=correct,
        missing=missing,
        citations=tuple(
            CitedQuote(c.n, c.chunk_id, c.doc_title, c.section, c.quote, flag)
            for c, flag in zip(answer.citations, flags, strict=True)
        ),
        found_rank=metrics.found_rank(retrieved, item.evidence, require_all=True),
        found_rank_any=metrics.found_rank(retrieved, item.evidence, require_all=False),
        retrieved_chunk_ids=tuple(p.chunk.chunk_id for p in answer.retrieved),
        unsupported_numbers=tuple(unsupported),
        latency_ms=latency_ms,
        timings_ms=dict(answer.timings_ms),
        features=dict(answer.evidence),
    )


def error_record(item: EvalItem, message: str) -> ItemRecord:
    return ItemRecord(
        id=item.id,
        type=item.type,
        question=item.question,
        history=item.history,
        resolved_question=item.question,
        expected_answer=item.answer,
        must_include=item.must_include,
        evidence=item.evidence,
        paraphrased=item.paraphrased,
        answer="",
        status=ERROR_STATUS,
        correct=False,
        missing=item.must_include,
        citations=(),
        found_rank=None,
        found_rank_any=None,
        retrieved_chunk_ids=(),
        unsupported_numbers=(),
        latency_ms=None,
        error=message,
    )


# ---------------------------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------------------------


def summarise(records: Sequence[ItemRecord]) -> dict[str, Any]:
    """All metrics over ``records`` (the whole run or one type)."""
    answerable = [r for r in records if r.answerable]
    with_evidence = [r for r in records if r.evidence]
    ranks_all = {r.id: r.found_rank for r in with_evidence}
    ranks_any = {r.id: r.found_rank_any for r in with_evidence}
    flags = {r.id: [c.holds_evidence for c in r.citations] for r in answerable}
    abstention = metrics.abstention_scores(
        {r.id: r.status for r in records}, {r.id: r.type for r in records}
    )
    latencies = [r.latency_ms for r in records if r.latency_ms is not None]
    stages = sorted({stage for r in records for stage in r.timings_ms})
    unsupported = {r.id: len(r.unsupported_numbers) for r in records}

    def retrieval(ranks: Mapping[str, int | None]) -> dict[str, Any]:
        result: dict[str, Any] = {
            f"recall@{k}": metrics.recall_at_k_from_ranks(ranks, k) for k in RECALL_KS
        }
        result["mrr@10"] = metrics.mrr_at_k_from_ranks(ranks, RETRIEVAL_DEPTH)
        result["curve"] = [
            metrics.recall_at_k_from_ranks(ranks, k) for k in range(1, RETRIEVAL_DEPTH + 1)
        ]
        return result

    return {
        "n_items": len(records),
        "n_answerable": len(answerable),
        "n_unanswerable": len(records) - len(answerable),
        "n_errors": sum(1 for r in records if r.status == ERROR_STATUS),
        "n_correct": sum(1 for r in records if r.correct),
        "answer_accuracy": metrics.answer_accuracy(
            {r.id: r.answer for r in answerable}, {r.id: list(r.must_include) for r in answerable}
        ),
        "abstention": abstention.to_dict(),
        "status": metrics.status_scores(
            {r.id: r.status for r in records}, {r.id: r.correct for r in records}
        ).to_dict(),
        "retrieval": {
            "n_items_with_evidence": len(with_evidence),
            **retrieval(ranks_all),
            "any_quote": retrieval(ranks_any),
            "max_retrieved": max((len(r.retrieved_chunk_ids) for r in records), default=0),
        },
        "citation_hit": metrics.citation_hit_from_flags(flags),
        "citation_precision": metrics.citation_precision_from_flags(flags),
        "unsupported_numbers": {
            "total": sum(unsupported.values()),
            "items_with_any": sum(1 for n in unsupported.values() if n),
            "per_item": {item_id: n for item_id, n in unsupported.items() if n},
        },
        "latency_ms": metrics.latency_summary(latencies),
        "stage_latency_ms": {
            stage: metrics.latency_summary(
                [r.timings_ms[stage] for r in records if stage in r.timings_ms]
            )
            for stage in stages
        },
    }


def summarise_by_type(records: Sequence[ItemRecord]) -> dict[str, dict[str, Any]]:
    """``summarise`` per item type, in the order of ``ITEM_TYPES``; only types present."""
    result: dict[str, dict[str, Any]] = {}
    for item_type in ITEM_TYPES:
        subset = [r for r in records if r.type == item_type]
        if subset:
            summary = summarise(subset)
            summary["unsupported_numbers"].pop("per_item")
            result[item_type] = summary
    return result


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def default_out_dir(settings: Settings, dataset_path: Path) -> Path:
    return settings.home / "eval" / "reports" / dataset_path.stem


def _settings_snapshot(settings: Settings) -> dict[str, Any]:
    # Secrets never reach a report file.
    public = settings.model_dump(exclude=set(SECRET_FIELDS))
    return {
        name: str(value) if isinstance(value, Path) else value for name, value in public.items()
    }


def run_eval(
    settings: Settings,
    dataset_path: Path | str,
    out_dir: Path | str | None = None,
    limit: int | None = None,
    *,
    assistant: SupportsAsk,
    progress: bool = True,
    write: bool = True,
) -> EvalReport:
    """Evaluate the dataset at ``dataset_path`` and write report.json/.md/.html to ``out_dir``
    (default: ``<home>/eval/reports/<dataset stem>``). ``limit`` keeps the first N items. Items
    waiting for a reviewer (``EvalItem.pending_review``) are not asked; the report counts them
    as 待审核.
    ``assistant`` is what answers (``assistant.serve.service.build_assistant`` builds the real
    one; the evaluation layer sits below the service and never builds it itself).

    Raises ``InvalidRequestError`` for a bad dataset or limit, and lets fatal assistant errors
    (missing index/model, bad corpus) through. Any other failure of a single question is
    recorded in that item (status "error") and the run goes on, unless every question fails,
    in which case the first error is raised."""
    dataset_path = Path(dataset_path)
    if limit is not None and limit < 1:
        raise InvalidRequestError(f"--limit 应为正整数，当前为 {limit}。")
    items = load_dataset(dataset_path)
    if limit is not None:
        items = items[:limit]
    pending = tuple(i for i in items if i.pending_review)
    items = [i for i in items if not i.pending_review]
    if not items:
        raise InvalidRequestError(
            f"评测数据集 {dataset_path} 中的 {len(pending)} 题都待审核（needs_review 且 "
            "must_include 为空），没有可评测的题目。请先为它们填写 must_include。"
        )
    target = Path(out_dir) if out_dir is not None else default_out_dir(settings, dataset_path)
    from tqdm import tqdm

    records: list[ItemRecord] = []
    first_error: Exception | None = None
    bar = tqdm(items, desc="评测", unit="题", disable=not progress, dynamic_ncols=True)
    for item in bar:
        start = time.perf_counter()
        try:
            answer = assistant.ask(item.question, item.history)
        except _FATAL_ERRORS:
            bar.close()
            raise
        except Exception as exc:
            first_error = first_error or exc
            message = exc.message if isinstance(exc, AssistantError) else repr(exc)
            records.append(error_record(item, message))
        else:
            latency = (time.perf_counter() - start) * 1000
            records.append(score_item(item, answer, latency))
        bar.set_postfix(正确=f"{sum(r.correct for r in records)}/{len(records)}")
    bar.close()
    if first_error is not None and all(r.status == ERROR_STATUS for r in records):
        raise first_error

    report = EvalReport(
        dataset=str(dataset_path),
        created_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        settings=_settings_snapshot(settings),
        summary=summarise(records),
        by_type=summarise_by_type(records),
        items=tuple(records),
        out_dir=target,
        pending_review=pending,
        limit=limit,
    )
    if write:
        write_reports(report)
    return report
