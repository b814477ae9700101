"""The composition root and the library's Python API: ``build_assistant(settings)`` wires the
index, the embedder, the retriever, the records and the answer pipeline into an ``Assistant``,
whose ``ask(question, history)`` is what the page, the HTTP API, the CLI and the eval call."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from assistant.answer.extractive import AnswerPolicy
from assistant.answer.followup import resolve
from assistant.answer.llm.client import LLMClient, llm_enabled
from assistant.answer.llm.generation import stream_answer
from assistant.answer.numeric import NumericAnswerer
from assistant.answer.pipeline import ExtractivePipeline
from assistant.answer.plan import vocabulary_from
from assistant.answer.records import RecordAnswerer
from assistant.answer.request import (
    check_doc_filter,
    coerce_doc_ids,
    coerce_history,
    validate_question,
)
from assistant.answer.types import Answer, Turn
from assistant.index.backend import index_backend
from assistant.index.embedding import Embedder
from assistant.index.engines import default_embedder
from assistant.index.load import LoadedIndex
from assistant.index.manifest import check_model
from assistant.index.postgres import PgIndex
from assistant.ingest.types import DocumentMeta
from assistant.records.store import FactStore
from assistant.retrieve.hybrid import HybridRetriever, Retriever
from assistant.retrieve.pg import PgHybridRetriever
from assistant.settings import Settings

WARM_UP_QUESTION = "公路总里程"


@dataclass
class Assistant:
    settings: Settings
    index: LoadedIndex
    retriever: Retriever
    pipeline: ExtractivePipeline
    # The optional LLM (ASSISTANT_LLM_BASE_URL); None: extractive answers only.
    llm: LLMClient | None = None

    @property
    def documents(self) -> dict[str, DocumentMeta]:
        return {doc_id: d.meta for doc_id, d in self.index.documents.items()}

    def check_doc_filter(self, doc_ids: Collection[str] | None) -> None:
        check_doc_filter(doc_ids, self.index.documents)

    def ask(
        self,
        question: str,
        history: Sequence[Turn | dict[str, str]] | None = None,
        doc_ids: Collection[str] | None = None,
    ) -> Answer:
        """The final answer. With an LLM configured it is the verified generated answer (or the
        extractive one it fell back to)."""
        final: Answer | None = None
        for item in self.ask_stream(question, history, doc_ids):
            if isinstance(item, Answer):
                final = item
        assert final is not None  # ask_stream always ends with an Answer
        return final

    def ask_stream(
        self,
        question: str,
        history: Sequence[Turn | dict[str, str]] | None = None,
        doc_ids: Collection[str] | None = None,
    ) -> Iterator[str | Answer]:
        """The LLM's text as it is generated (``str`` pieces: provisional, not yet verified),
        then, last, the final verified ``Answer``. Without an LLM nothing is generated: just the
        Answer.

        The question, history and document filter are checked at the call, before the first
        item, so a caller can report a bad request before it starts streaming."""
        limit = self.settings.max_question_chars
        q = validate_question(question, limit)
        turns = coerce_history(history, limit)
        doc_ids = coerce_doc_ids(doc_ids)
        self.check_doc_filter(doc_ids)
        if self.llm is None:
            resolution = resolve(q, turns, self.pipeline.weights.known)
            answer = self.pipeline.answer(q, resolution.text, doc_ids, said=resolution.said)
            if resolution.kind == "inherited" and answer.status == "not_found":
                # A complete question took the previous place or document; when that frame has
                # no answer, the question may start a new thread: ask it as typed.
                alone = self.pipeline.answer(q, q, doc_ids)
                if alone.status != "not_found":
                    answer = alone
            return iter((answer,))
        return stream_answer(
            self.pipeline,
            self.llm,
            q,
            turns,
            doc_ids,
            max_question_chars=self.settings.max_question_chars,
        )


def build_assistant(
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    policy: AnswerPolicy | None = None,
) -> Assistant:
    """Load the index (checked for staleness and model mismatch) and the embedding model."""
    settings = settings or Settings.from_env()
    backend = index_backend(settings)
    index = backend.load()
    embedder = embedder or default_embedder(settings)
    check_model(index.manifest, embedder.info)
    retriever: HybridRetriever | PgHybridRetriever
    if isinstance(backend, PgIndex):
        retriever = PgHybridRetriever(index, embedder, backend)
    else:
        retriever = HybridRetriever(index, embedder)
    titles = {doc_id: d.meta.title for doc_id, d in index.documents.items()}
    numeric = NumericAnswerer(FactStore(index.facts, titles), index.documents, index.chunks)
    pipeline = ExtractivePipeline(
        retriever=retriever,
        weights=retriever.term_weights,
        policy=policy or AnswerPolicy.load(),
        documents={doc_id: d.meta for doc_id, d in index.documents.items()},
        top_k=settings.top_k,
        numeric=numeric,
        records=RecordAnswerer(index.records, index.documents),
        vocabulary=vocabulary_from(
            (d.meta for d in index.documents.values()),
            (getattr(r, "level", "") for r in index.records),
            retriever.term_weights.known,
            (d.text for d in index.documents.values()),
            (f.unit for f in index.facts),
        ),
    )
    assistant = Assistant(settings, index, retriever, pipeline)
    assistant.ask(WARM_UP_QUESTION)  # warm-up: jieba's dictionary and the model's first pass
    if llm_enabled(settings):
        assistant.llm = LLMClient(settings)  # after the warm-up, which must not call the LLM
    return assistant
