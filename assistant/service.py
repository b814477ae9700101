"""The assistant's Python API: ``build_assistant(settings).ask(question, history)``."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from assistant.answerer import NOT_FOUND_TEXT, PARTIAL_PREFIX, AnswerPolicy, draft_answer
from assistant.embedding import Embedder, SentenceTransformerEmbedder
from assistant.errors import EmptyQuestionError, InvalidRequestError, QuestionTooLongError
from assistant.factstore import FactStore
from assistant.followup import resolve_question
from assistant.guard import guard_answer
from assistant.index import LoadedIndex, check_model, load_index
from assistant.llm import LLMClient, llm_enabled
from assistant.numeric import NumericAnswerer
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
    numeric: NumericAnswerer | None = None
    # The optional LLM (ASSISTANT_LLM_BASE_URL); None: extractive answers only.
    llm: LLMClient | None = None

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
        resolved: str | None = None,
    ) -> Answer:
        """The final answer. With an LLM configured it is the verified generated answer (or the
        extractive one it fell back to); ``resolved`` (a standalone question written elsewhere,
        e.g. by the LLM) skips the follow-up resolution and the LLM."""
        if self.llm is not None and resolved is None:
            from assistant.generation import generate_answer

            return generate_answer(self, question, history, doc_ids)
        started = time.perf_counter()
        q = validate_question(question, self.settings.max_question_chars)
        turns = coerce_history(history)
        self._check_doc_filter(doc_ids)
        resolved = resolved or resolve_question(q, turns)
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
        status, text, citations = drafted.status, drafted.text, drafted.citations
        features = dict(drafted.features)
        # Numeric questions are answered from the fact store first: a table row or stated figure,
        # cited exactly; retrieval's draft stays the fallback and supplies the passages.
        numeric = self.numeric.answer(resolved, NOT_FOUND_TEXT, doc_ids) if self.numeric else None
        if numeric is not None:
            status, text, citations = numeric.status, numeric.text, numeric.citations
            features["fact_match"] = numeric.score
        guarded = guard_answer(text, status, citations, NOT_FOUND_TEXT, PARTIAL_PREFIX)
        t2 = time.perf_counter()
        return Answer(
            question=q,
            status=guarded.status,
            answer=guarded.text,
            citations=guarded.citations,
            retrieved=tuple(passages),
            timings_ms={
                "retrieve": (t1 - t0) * 1000,
                "answer": (t2 - t1) * 1000,
                "total": (t2 - started) * 1000,
            },
            resolved_question=resolved,
            confidence=drafted.confidence,
            evidence=features,
            guard=guarded.report.to_dict(),
        )

    def ask_stream(
        self,
        question: str,
        history: Sequence[Turn | dict[str, str]] | None = None,
        doc_ids: Collection[str] | None = None,
    ) -> Iterator[str | Answer]:
        """Text as it is generated (provisional), then the final verified ``Answer``. Without an
        LLM: the extractive answer's text in one piece, then the Answer."""
        from assistant.generation import stream_answer

        return stream_answer(self, question, history, doc_ids)


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
    titles = {doc_id: d.meta.title for doc_id, d in index.documents.items()}
    numeric = NumericAnswerer(FactStore(index.facts, titles), index.documents, index.chunks)
    assistant = Assistant(
        settings,
        index,
        retriever,
        retriever.term_weights,
        policy or AnswerPolicy.load(),
        numeric,
    )
    assistant.ask("公路总里程")  # warm-up: jieba's dictionary and the model's first forward pass
    if llm_enabled(settings):
        assistant.llm = LLMClient(settings)  # after the warm-up, which must not call the LLM
    return assistant
