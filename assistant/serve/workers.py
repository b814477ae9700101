"""Answer worker processes (``ASSISTANT_ANSWER_WORKERS`` > 1): several processes answer at once,
each with its own copy of the assistant, so concurrent questions use every core instead of
taking turns for Python's interpreter lock.

Each worker loads the index the ``index`` link points to, and before each question checks that
the link still points there (a link read): after an upload or a delete it loads the new index
itself, so the workers follow every corpus change of the service without being told. Questions
are checked (limits, history, document filter) by the service before they are sent; only the
bounded answering runs here. The optional LLM path stays in the service process."""

from __future__ import annotations

import multiprocessing
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answer.types import Answer, Turn
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.serve.service import Assistant

# The state of one worker process: its settings, its assistant and the index folder it loaded.
_worker: dict[str, Any] = {}


def _load() -> Assistant:
    from assistant.serve.service import build_assistant

    settings: Settings = _worker["settings"]
    version = settings.index_dir.resolve()
    _worker["assistant"] = build_assistant(settings)
    _worker["version"] = version
    return _worker["assistant"]  # type: ignore[no-any-return]


def _start(settings: Settings) -> None:
    from assistant.serve.console import quiet_third_party

    quiet_third_party()
    _worker["settings"] = settings
    _load()


def _ask(question: str, history: tuple[Turn, ...], doc_ids: tuple[str, ...] | None) -> Answer:
    settings: Settings = _worker["settings"]
    current: Path = settings.index_dir.resolve()
    assistant = _worker["assistant"] if current == _worker["version"] else _load()
    answer: Answer = assistant.ask(question, history, doc_ids)
    return answer


def _ready() -> bool:
    return "assistant" in _worker


class AnswerWorkers:
    """A pool of ``processes`` answer workers (started by ``start``; each loads the model and
    the index, so this takes as long as one start of the assistant)."""

    def __init__(self, settings: Settings, processes: int) -> None:
        self.processes = processes
        self._pool = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(settings,),
        )

    def start(self) -> AnswerWorkers:
        """Wait until every worker has loaded (so the first questions do not pay for it)."""
        waits = [self._pool.submit(_ready) for _ in range(self.processes * 2)]
        for w in waits:
            w.result()
        return self

    def ask(
        self,
        question: str,
        history: Sequence[Turn],
        doc_ids: Collection[str] | None,
    ) -> Answer:
        ids = tuple(doc_ids) if doc_ids is not None else None
        return self._pool.submit(_ask, question, tuple(history), ids).result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
