"""The answer layer's shared, immutable types: conversation turns, citations and the answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.retrieve.types import Passage

Status = Literal["answered", "partial", "not_found"]
Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Citation:
    n: int
    chunk_id: str
    doc_id: str
    doc_title: str
    section: str
    quote: str
    passage: str
    quote_start: int
    quote_end: int
    doc_number: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "doc_title": self.doc_title,
            "doc_id": self.doc_id,
            "doc_number": self.doc_number,
            "section": self.section,
            "quote": self.quote,
            "passage": self.passage,
            "chunk_id": self.chunk_id,
            "span": [self.quote_start, self.quote_end],
        }


@dataclass(frozen=True)
class Turn:
    role: Role
    content: str


@dataclass(frozen=True)
class Answer:
    question: str
    status: Status
    answer: str
    citations: tuple[Citation, ...]
    retrieved: tuple[Passage, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    resolved_question: str = ""
    confidence: float = 0.0
    # The answerability model's inputs, kept so thresholds can be calibrated and audited.
    evidence: Mapping[str, float] = field(default_factory=dict)
    # The numeric guard's decision: numbers checked, sentences removed, whether the status fell.
    guard: Mapping[str, Any] = field(default_factory=dict)
    # Who wrote the answer ("mode": "llm" | "extractive"), why an LLM answer was not used, and the
    # generated sentences the verifier dropped (assistant/generation.py). Empty: extractive.
    generation: Mapping[str, Any] = field(default_factory=dict)
    # The question plan (assistant.answer.plan.QueryPlan.to_dict()): sub-questions, answer
    # types, hard constraints. Shown as ``plan`` in JSON and as 理解为 on the page.
    plan: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "resolved_question": self.resolved_question or self.question,
            "status": self.status,
            "answer": self.answer,
            "confidence": round(self.confidence, 4),
            "evidence": {k: round(v, 4) for k, v in self.evidence.items()},
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [
                {
                    "chunk_id": p.chunk.chunk_id,
                    "doc_title": p.chunk.doc_title,
                    "section": p.chunk.section_path,
                    "text": p.chunk.text,
                    "score": round(p.score, 6),
                }
                for p in self.retrieved
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "guard": dict(self.guard),
            "generation": dict(self.generation) or {"mode": "extractive"},
            "plan": dict(self.plan),
        }
