"""The optional LLM in the fast tier: the tiny corpus's real assistant (tests/tiny.py) against the
scripted OpenAI-compatible server (tests/fake_openai_server.py) over real HTTP with the real
ChatOpenAI. What streams, what the final answer says when the verifier changed it, how failures
are classified, and that a generation in progress does not hold up anyone else's question."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from assistant.answer.llm.client import LLMClient
from assistant.answer.texts import NOTICE_LLM_REVISED
from assistant.answer.types import Answer
from assistant.serve.live import LiveAssistant
from assistant.serve.service import Assistant
from tests.fake_openai_server import FakeOpenAIServer
from tests.tiny import build_tiny, tiny_settings

QUESTION = "防汛指挥部办公室设在哪里？"  # flood_plan.txt 2.1: 指挥部办公室设在市水务局
OFF_TOPIC = "如何办理护照？"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as s:
        yield s


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return build_tiny(tiny_settings(tmp_path_factory.mktemp("tiny-llm")))


def _with_llm(assistant: Assistant, base_url: str, model: str, timeout: float = 20) -> Assistant:
    settings = assistant.settings.with_(llm_base_url=base_url, llm_model=model, llm_timeout=timeout)
    return dataclasses.replace(assistant, settings=settings, llm=LLMClient(settings))


def test_without_an_llm_only_the_answer_is_yielded(tiny: Assistant) -> None:
    items = list(tiny.ask_stream(QUESTION))
    assert len(items) == 1 and isinstance(items[0], Answer)
    assert "市水务局" in items[0].answer


def test_the_llm_text_streams_in_pieces_then_the_verified_answer(
    tiny: Assistant, server: FakeOpenAIServer
) -> None:
    items = list(_with_llm(tiny, server.base_url, "faithful").ask_stream(QUESTION))
    deltas, final = items[:-1], items[-1]
    assert len(deltas) > 2 and all(isinstance(d, str) for d in deltas)
    assert isinstance(final, Answer) and final.generation["mode"] == "llm"
    assert final.generation["revised"] is False and final.citations
    assert not final.answer.startswith(NOTICE_LLM_REVISED)


def test_an_answer_the_verifier_changed_says_so(tiny: Assistant, server: FakeOpenAIServer) -> None:
    items = list(_with_llm(tiny, server.base_url, "invented").ask_stream(QUESTION))
    final = items[-1]
    assert isinstance(final, Answer)
    streamed = "".join(i for i in items if isinstance(i, str))
    assert "98765" in streamed and "98765" not in final.answer
    assert final.generation["mode"] == "llm" and final.generation["revised"] is True
    assert final.answer.startswith(NOTICE_LLM_REVISED)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("model", "timeout", "kind"),
    [("slow", 1.0, "请求超时"), ("broken", 20.0, "HTTP 500"), (None, 5.0, "无法连接")],
)
def test_llm_failures_are_classified_by_the_sdk_exception(
    tiny: Assistant, server: FakeOpenAIServer, model: str | None, timeout: float, kind: str
) -> None:
    # model None: nothing listens on the port, so the connection is refused.
    url = server.base_url if model else f"http://127.0.0.1:{_free_port()}/v1"
    final = _with_llm(tiny, url, model or "faithful", timeout).ask(QUESTION)
    assert final.generation["mode"] == "extractive"
    assert final.generation["fallback_reason"] == f"大模型调用失败：{kind}"
    assert kind in final.answer and "市水务局" in final.answer
    assert final.generation["revised"] is True


def test_a_generation_in_progress_does_not_hold_up_other_questions(
    tiny: Assistant, server: FakeOpenAIServer
) -> None:
    live = LiveAssistant(tiny.settings, assistant=_with_llm(tiny, server.base_url, "steady"))
    first_delta = threading.Event()
    finished: list[float] = []

    def slow_reader() -> None:
        for item in live.ask_stream(QUESTION):
            if isinstance(item, str):
                first_delta.set()
        finished.append(time.monotonic())

    reader = threading.Thread(target=slow_reader)
    reader.start()
    assert first_delta.wait(20), "the scripted LLM never started streaming"
    other = live.ask(OFF_TOPIC)  # not found: answered without the LLM
    answered = time.monotonic()
    reader.join(30)
    assert other.status == "not_found"
    # With a lock held across the network call the other question would have waited for the
    # whole generation; here the generation still had pieces to stream when it was answered.
    assert finished and finished[0] > answered
