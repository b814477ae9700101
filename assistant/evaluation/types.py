"""The evaluation data model: dataset items, per-item records and the report. The runner
produces them, the report writer renders them; neither imports the other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from assistant.answer.types import Turn

RETRIEVAL_DEPTH = 10
RECALL_KS = (1, 5, 10)
ERROR_STATUS = "error"

ItemType = Literal[
    "numeric_table", "numeric_prose", "fact", "list", "compare", "unanswerable", "followup"
]
ITEM_TYPES: tuple[str, ...] = get_args(ItemType)
UNANSWERABLE = "unanswerable"
# How the report names each type (the code stays in report.json and the dataset).
TYPE_LABELS: dict[str, str] = {
    "numeric_table": "表格数值",
    "numeric_prose": "正文数值",
    "fact": "事实",
    "list": "列举",
    "compare": "比较",
    "unanswerable": "不可回答",
    "followup": "追问",
}


def type_label(item_type: str) -> str:
    return TYPE_LABELS.get(item_type, item_type)


REQUIRED_FIELDS = ("id", "type", "question", "answer", "must_include", "evidence")


@dataclass(frozen=True)
class EvalItem:
    id: str
    type: ItemType
    question: str
    history: tuple[Turn, ...]
    answer: str
    must_include: tuple[str, ...]
    evidence: tuple[str, ...]
    doc: tuple[str, ...] = ()
    paraphrased: bool = False
    line: int = 0
    # Marked by the feedback export for a 👎 case: a reviewer still has to say what a right
    # answer must contain.
    needs_review: bool = False

    @property
    def answerable(self) -> bool:
        return self.type != UNANSWERABLE

    @property
    def pending_review(self) -> bool:
        """Skipped by the eval (counted as 待审核) until a reviewer fills ``must_include``:
        with nothing to check, any answer would score as correct."""
        return self.needs_review and self.answerable and not self.must_include


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
    # The answerer's evidence features (``Answer.evidence``): what a confidence model is fitted on.
    features: Mapping[str, float] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return self.type != UNANSWERABLE

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
            "features": {k: round(v, 4) for k, v in self.features.items()},
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
    # Items not asked because they wait for a reviewer (``EvalItem.pending_review``).
    pending_review: tuple[EvalItem, ...] = ()
    limit: int | None = None  # --limit of the run (runs compare only with like runs)

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
            "pending_review": [
                {"id": i.id, "type": i.type, "question": i.question} for i in self.pending_review
            ],
        }

    def summary_lines(self) -> list[str]:
        """A short Chinese summary for the terminal."""
        s = self.summary
        retrieval, abstention = s["retrieval"], s["abstention"]
        latency = s["latency_ms"]
        pending = (
            f"另有 {len(self.pending_review)} 题待审核（must_include 未填写），未评测。"
            if self.pending_review
            else ""
        )
        return [
            f"评测完成：共 {s['n_items']} 题（可回答 {s['n_answerable']}，"
            f"不可回答 {s['n_unanswerable']}，出错 {s['n_errors']}）。{pending}",
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


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def fmt_num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
