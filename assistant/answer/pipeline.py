"""The extractive answer pipeline: retrieve, draft from the passages, prefer a numeric record,
guard every number. Both the plain path and the optional LLM path call it, so there is one way a
standalone question becomes a cited ``Answer``.

Answers run concurrently: everything here only reads the loaded index, and the one part that is
not thread-safe, the torch embedder, serialises its own calls (the default ONNX Runtime engine
needs no lock and computes outside the GIL)."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from assistant.answer.extractive import AnswerPolicy, draft_answer
from assistant.answer.guard import guard_answer
from assistant.answer.numeric import NumericAnswerer
from assistant.answer.records import RecordAnswerer
from assistant.answer.texts import NOT_FOUND_TEXT, PARTIAL_PREFIX
from assistant.answer.types import Answer
from assistant.ingest.types import DocumentMeta
from assistant.lang.terms import TermWeights
from assistant.retrieve.hybrid import Retriever


@dataclass(frozen=True)
class ExtractivePipeline:
    retriever: Retriever
    weights: TermWeights
    policy: AnswerPolicy
    documents: Mapping[str, DocumentMeta]
    top_k: int
    numeric: NumericAnswerer | None = None
    records: RecordAnswerer | None = None

    def answer(
        self, question: str, resolved: str, doc_ids: Collection[str] | None = None
    ) -> Answer:
        """Answer ``resolved`` (the standalone question; ``question`` is what the user typed)."""
        started = time.perf_counter()
        passages = self.retriever.retrieve(resolved, self.top_k, doc_ids)
        t1 = time.perf_counter()
        drafted = draft_answer(
            resolved,
            passages,
            self.documents,
            self.weights.weigh(resolved),
            self.policy,
            self.weights.weigh(resolved, stress_years=False),
        )
        status, text, citations = drafted.status, drafted.text, drafted.citations
        features = dict(drafted.features)
        # Numeric questions are answered from the fact store first: a table row or stated figure,
        # cited exactly; retrieval's draft stays the fallback and supplies the passages.
        numeric = self.numeric.answer(resolved, NOT_FOUND_TEXT, doc_ids) if self.numeric else None
        if numeric is not None:
            status, text, citations = numeric.status, numeric.text, numeric.citations
            features["fact_match"] = numeric.score
        elif self.records is not None:
            # Who leads / what a list holds / how a grade is defined / a document's own facts:
            # answered from the record that states it, when one qualifies and passes the guard
            # (otherwise the extractive draft stands).
            found = self.records.answer(resolved, doc_ids)
            if found is not None:
                checked = guard_answer(found.text, found.status, found.citations, NOT_FOUND_TEXT)
                if not checked.report.removed:
                    status, text, citations = found.status, found.text, found.citations
                    features["record_match"] = found.score
        guarded = guard_answer(text, status, citations, NOT_FOUND_TEXT, PARTIAL_PREFIX)
        t2 = time.perf_counter()
        return Answer(
            question=question,
            status=guarded.status,
            answer=guarded.text,
            citations=guarded.citations,
            retrieved=tuple(passages),
            timings_ms={
                "retrieve": (t1 - started) * 1000,
                "answer": (t2 - t1) * 1000,
                "total": (t2 - started) * 1000,
            },
            resolved_question=resolved,
            confidence=drafted.confidence,
            evidence=features,
            guard=guarded.report.to_dict(),
        )
