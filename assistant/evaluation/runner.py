"""Run an evaluation dataset through the assistant's ``ask`` path and score it.

``run_eval`` is what ``assistant eval`` calls: it validates the dataset, builds the assistant
(unless one is passed in), asks every question with its history, computes the metrics of
``assistant.evaluation.metrics`` overall and per type, and writes report.json/.md/.html.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from assistant.errors import (
    AssistantError,
    CorpusError,
    IndexMissingError,
    IndexStaleError,
    InvalidRequestError,
    ModelError,
)
from assistant.evaluation import metrics
from assistant.evaluation.dataset import ITEM_TYPES, EvalItem, load_dataset
from assistant.settings import Settings
from assistant.types import Answer, Citation, Turn

RETRIEVAL_DEPTH = 10
RECALL_KS = (1, 5, 10)
ERROR_STATUS = "error"

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


@dataclass(frozen=True)
class CitedQuote:
    n: int
    chunk_id: str
    doc_title: str
    section: str
    quote: str
    holds_evidence: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ItemRecord:
    """The outcome of one question, as stored in report.json."""

    id: str
    type: str
    question: str
    history: tuple[Turn, ...]
    resolved_question: str
    expected_answer: str
    must_include: tuple[str, ...]
    evidence: tuple[str, ...]
    paraphrased: bool
    answer: str
    status: str
    correct: bool
    missing: tuple[str, ...]
    citations: tuple[CitedQuote, ...]
    found_rank: int | None
    found_rank_any: int | None
    retrieved_chunk_ids: tuple[str, ...]
    unsupported_numbers: tuple[str, ...]
    latency_ms: float | None
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    error: str = ""

    @property
    def answerable(self) -> bool:
        return self.type != metrics.UNANSWERABLE

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "question": self.question,
            "history": [{"role": t.role, "content": t.content} for t in self.history],
            "resolved_question": self.resolved_question,
            "expected_answer": self.expected_answer,
            "must_include": list(self.must_include),
            "evidence": list(self.evidence),
            "paraphrased": self.paraphrased,
            "answer": self.answer,
            "status": self.status,
            "correct": self.correct,
            "missing": list(self.missing),
            "citations": [c.to_dict() for c in self.citations],
            "found_rank": self.found_rank,
            "found_rank_any": self.found_rank_any,
            "retrieved_chunk_ids": list(self.retrieved_chunk_ids),
            "unsupported_numbers": list(self.unsupported_numbers),
            "latency_ms": _round(self.latency_ms),
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "error": self.error,
        }


@dataclass(frozen=True)
class EvalReport:
    dataset: str
    created_at: str
    settings: Mapping[str, Any]
    summary: Mapping[str, Any]
    by_type: Mapping[str, Mapping[str, Any]]
    items: tuple[ItemRecord, ...]
    out_dir: Path

    @property
    def failures(self) -> list[ItemRecord]:
        return [r for r in self.items if not r.correct]

    @property
    def files(self) -> dict[str, Path]:
        return {name: self.out_dir / f"report.{name}" for name in ("json", "md", "html")}

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "created_at": self.created_at,
            "settings": dict(self.settings),
            "summary": self.summary,
            "by_type": self.by_type,
            "items": [r.to_dict() for r in self.items],
        }

    def summary_lines(self) -> list[str]:
        """A short Chinese summary for the terminal."""
        s = self.summary
        retrieval, abstention = s["retrieval"], s["abstention"]
        latency = s["latency_ms"]
        return [
            f"评测完成：共 {s['n_items']} 题（可回答 {s['n_answerable']}，"
            f"不可回答 {s['n_unanswerable']}，出错 {s['n_errors']}）。",
            f"答案准确率 {fmt_rate(s['answer_accuracy'])}；"
            f"拒答精确率 {fmt_rate(abstention['precision'])}、"
            f"召回率 {fmt_rate(abstention['recall'])}、"
            f"误拒率 {fmt_rate(abstention['false_refusal_rate'])}。",
            f"检索召回 @1/@5/@10 = {fmt_rate(retrieval['recall@1'])} / "
            f"{fmt_rate(retrieval['recall@5'])} / {fmt_rate(retrieval['recall@10'])}，"
            f"MRR@10 {fmt_num(retrieval['mrr@10'])}。",
            f"引用命中率 {fmt_rate(s['citation_hit'])}，"
            f"引用精确率 {fmt_rate(s['citation_precision'])}；"
            f"无依据数字 {s['unsupported_numbers']['total']} 个。",
            f"延迟 p50 {fmt_num(latency['p50'], 0)} ms，p95 {fmt_num(latency['p95'], 0)} ms，"
            f"最大 {fmt_num(latency['max'], 0)} ms。",
            f"报告已写入 {self.out_dir}（report.json / report.md / report.html）。",
        ]


def fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def fmt_num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


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
        correct = not missing
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
    return {
        name: str(value) if isinstance(value, Path) else value
        for name, value in settings.__dict__.items()
    }


def run_eval(
    settings: Settings,
    dataset_path: Path | str,
    out_dir: Path | str | None = None,
    limit: int | None = None,
    *,
    assistant: SupportsAsk | None = None,
    progress: bool = True,
    write: bool = True,
) -> EvalReport:
    """Evaluate the dataset at ``dataset_path`` and write report.json/.md/.html to ``out_dir``
    (default: ``<home>/eval/reports/<dataset stem>``). ``limit`` keeps the first N items.
    ``assistant`` is built with ``build_assistant(settings)`` unless given.

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
    target = Path(out_dir) if out_dir is not None else default_out_dir(settings, dataset_path)
    if assistant is None:
        from assistant.service import build_assistant  # lazy: loads models and the index

        assistant = build_assistant(settings)

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
    )
    if write:
        from assistant.evaluation.report import write_reports

        write_reports(report)
    return report
