"""The assistant's Python API: ``build_assistant(settings).ask(question, history)``."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from assistant.answerer import AnswerPolicy, draft_answer
from assistant.embedding import Embedder, SentenceTransformerEmbedder
from assistant.errors import EmptyQuestionError, InvalidRequestError, QuestionTooLongError
from assistant.followup import resolve_question
from assistant.index import LoadedIndex, check_model, load_index
from assistant.retrieval import HybridRetriever
from assistant.scoring import TermWeights
from assistant.settings import Settings
from assistant.types import Answer, DocumentMeta, Turn

MAX_HISTORY_TURNS = 20


def validate_question(question: str, limit: int) -> str:
    if not isinstance(question, str) or not question.strip():
        raise EmptyQuestionError()
    q = " ".join(question.split())
    if len(q) > limit:
        raise QuestionTooLongError(len(q), limit)
    return q


def coerce_history(history: Sequence[Turn | dict[str, str]] | None) -> tuple[Turn, ...]:
    """Accept Turn objects or ``{"role", "content"}`` dicts (the JSON form)."""
    turns: list[Turn] = []
    for i, t in enumerate(history or ()):
        if isinstance(t, Turn):
            turns.append(t)
            continue
        if not isinstance(t, dict) or t.get("role") not in ("user", "assistant"):
            raise InvalidRequestError(
                f'对话历史第 {i + 1} 条格式错误：应为 {{"role": "user"|"assistant", "content": "…"}}。'
            )
        turns.append(Turn(role=t["role"], content=str(t.get("content", ""))))  # type: ignore[arg-type]
    return tuple(turns[-MAX_HISTORY_TURNS:])


@dataclass
class Assistant:
    settings: Settings
    index: LoadedIndex
    retriever: HybridRetriever
    weights: TermWeights
    policy: AnswerPolicy

    @property
    def documents(self) -> dict[str, DocumentMeta]:
        return {doc_id: d.meta for doc_id, d in self.index.documents.items()}

    def _check_doc_filter(self, doc_ids: Collection[str] | None) -> None:
        if not doc_ids:
            return
        unknown = sorted(set(doc_ids) - set(self.index.documents))
        if unknown:
            valid = "、".join(sorted(self.index.documents))
            raise InvalidRequestError(
                f"未知的文档编号：{'、'.join(unknown)}。可用的编号：{valid}。"
            )

    def ask(
        self,
        question: str,
        history: Sequence[Turn | dict[str, str]] | None = None,
        doc_ids: Collection[str] | None = None,
    ) -> Answer:
        started = time.perf_counter()
        q = validate_question(question, self.settings.max_question_chars)
        turns = coerce_history(history)
        self._check_doc_filter(doc_ids)
        resolved = resolve_question(q, turns)
        t0 = time.perf_counter()
        passages = self.retriever.retrieve(resolved, self.settings.top_k, doc_ids)
        t1 = time.perf_counter()
        drafted = draft_answer(
            resolved,
            passages,
            self.documents,
            self.weights.weigh(resolved),
            self.policy,
            self.weights.weigh(resolved, stress_years=False),
        )
        t2 = time.perf_counter()
        return Answer(
            question=q,
            status=drafted.status,
            answer=drafted.text,
            citations=drafted.citations,
            retrieved=tuple(passages),
            timings_ms={
                "retrieve": (t1 - t0) * 1000,
                "answer": (t2 - t1) * 1000,
                "total": (t2 - started) * 1000,
            },
            resolved_question=resolved,
            confidence=drafted.confidence,
            evidence=dict(drafted.features),
        )


def build_assistant(
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    policy: AnswerPolicy | None = None,
) -> Assistant:
    """Load the index (checked for staleness and model mismatch) and the embedding model."""
    settings = settings or Settings.from_env()
    index = load_index(settings)
    embedder = embedder or SentenceTransformerEmbedder(settings)
    check_model(index.manifest, embedder.info)
    retriever = HybridRetriever(index, embedder)
    assistant = Assistant(
        settings, index, retriever, retriever.term_weights, policy or AnswerPolicy.load()
    )
    assistant.ask("公路总里程")  # warm-up: jieba's dictionary and the model's first forward pass
    return assistant
