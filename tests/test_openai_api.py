"""The OpenAI-compatible API (/v1) in the fast tier: the tiny corpus's real assistant behind the
real routes, called with the real ``openai`` client and LangChain's ``ChatOpenAI`` (their HTTP
client is Starlette's TestClient, an ``httpx.Client`` that calls the app in process). The same
clients against a running ``app.py`` are in tests/test_openai_server.py (slow tier)."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.answer.llm.client import LLMClient
from assistant.answer.types import Answer
from assistant.errors import InvalidRequestError
from assistant.serve.live import LiveAssistant
from assistant.serve.openai_api import (
    DRAFT_HEADER,
    MODEL_ID,
    REFERENCES_HEADER,
    completion_events,
    openai_router,
)
from assistant.serve.service import Assistant
from tests.fake_openai_server import FakeOpenAIServer
from tests.tiny import build_tiny, tiny_settings

MARKER = re.compile(r"\[(\d+)\]")
QUESTION = "防汛指挥部办公室设在哪里？"  # flood_plan.txt 2.1: 指挥部办公室设在市水务局
KEY = "sk-test-0123"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return build_tiny(tiny_settings(tmp_path_factory.mktemp("tiny-openai")))


def _client(assistant: Assistant) -> TestClient:
    app = FastAPI()
    app.include_router(openai_router(LiveAssistant(assistant.settings, assistant=assistant)))
    return TestClient(app)


@pytest.fixture(scope="module")
def http(tiny: Assistant) -> Iterator[TestClient]:
    with _client(tiny) as c:
        yield c


@pytest.fixture(scope="module")
def client(http: TestClient) -> openai.OpenAI:
    return openai.OpenAI(base_url="http://testserver/v1", api_key="any", http_client=http)


def _flood_id(tiny: Assistant) -> str:
    return next(d for d, m in tiny.documents.items() if "防汛" in m.title)


def _check_answer(text: str, citations: list[dict[str, Any]]) -> None:
    """[n] markers in the answer, one citation per marker, and the 参考文件 block listing them."""
    answer, _, references = text.partition(f"\n\n{REFERENCES_HEADER}\n")
    assert {int(n) for n in MARKER.findall(answer)} == {c["n"] for c in citations}
    for c in citations:
        assert f"- [{c['n']}] 《{c['doc_title']}》" in references
        assert c["quote"] in references and c["quote"] in c["passage"]


def test_models_name_the_assistant_and_one_per_document(
    client: openai.OpenAI, tiny: Assistant
) -> None:
    models = {m.id: m for m in client.models.list()}
    assert set(models) == {MODEL_ID} | {f"{MODEL_ID}:{d}" for d in tiny.documents}
    flood = models[f"{MODEL_ID}:{_flood_id(tiny)}"]
    assert "临河市防汛应急预案" in str((flood.model_extra or {})["name"])
    assert client.models.retrieve(MODEL_ID).id == MODEL_ID
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve(f"{MODEL_ID}:no-such-doc")


def test_completion_has_markers_references_and_citations(client: openai.OpenAI) -> None:
    done = client.chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}]
    )
    text = done.choices[0].message.content or ""
    extra = done.model_extra or {}
    assert "市水务局" in text and extra["status"] in ("answered", "partial")
    assert extra["citations"][0]["doc_title"] == "临河市防汛应急预案"
    _check_answer(text, extra["citations"])
    assert done.choices[0].finish_reason == "stop"


def test_stream_gives_the_same_text_and_citations_in_the_last_chunk(
    client: openai.OpenAI,
) -> None:
    messages: Any = [{"role": "user", "content": QUESTION}]
    whole = client.chat.completions.create(model=MODEL_ID, messages=messages)
    chunks = list(client.chat.completions.create(model=MODEL_ID, messages=messages, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert (last.model_extra or {})["citations"] == (whole.model_extra or {})["citations"]
    # Without an LLM nothing is generated, so there is no draft.
    assert not any((c.choices[0].delta.model_extra or {}).get("reasoning_content") for c in chunks)


def test_history_from_earlier_messages_resolves_a_follow_up(client: openai.OpenAI) -> None:
    # bus_plan.txt, 表 1 row 1: 公共交通机动化出行分担率 35.2 (2021) / 40 (2025)
    first = "临河市2025年公共交通机动化出行分担率目标是多少？"
    earlier = client.chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": first}]
    )
    reply = earlier.choices[0].message.content or ""
    assert REFERENCES_HEADER in reply  # sent back as history, as a chat client does
    follow_up = client.chat.completions.create(
        model=MODEL_ID,
        messages=[
            {"role": "system", "content": "你是一个乐于助人的助手。"},  # ignored
            {"role": "user", "content": first},
            {"role": "assistant", "content": reply},
            {"role": "user", "content": [{"type": "text", "text": "那2021年呢？"}]},
        ],
    )
    assert "35.2" in (follow_up.choices[0].message.content or "")


def test_document_filter_by_model_suffix_or_extra_field(
    client: openai.OpenAI, tiny: Assistant
) -> None:
    flood = _flood_id(tiny)
    bus = next(d for d in tiny.documents if d != flood)
    messages: Any = [{"role": "user", "content": QUESTION}]  # about the flood plan
    by_suffix = client.chat.completions.create(model=f"{MODEL_ID}:{flood}", messages=messages)
    citations = (by_suffix.model_extra or {})["citations"]
    assert citations and all(c["doc_id"] == flood for c in citations)
    # Limited to the bus plan, the flood plan's answer is not there.
    by_field = client.chat.completions.create(
        model=MODEL_ID, messages=messages, extra_body={"doc_ids": [bus]}
    )
    assert "市水务局" not in (by_field.choices[0].message.content or "")
    assert all(c["doc_id"] == bus for c in (by_field.model_extra or {})["citations"])
    with pytest.raises(openai.BadRequestError, match="不一致"):
        client.chat.completions.create(
            model=f"{MODEL_ID}:{flood}", messages=messages, extra_body={"doc_ids": [bus]}
        )
    with pytest.raises(openai.NotFoundError, match="未知的文档编号"):
        client.chat.completions.create(model=f"{MODEL_ID}:no-such-doc", messages=messages)
    with pytest.raises(openai.NotFoundError, match="未知的模型"):
        client.chat.completions.create(model="gpt-4o", messages=messages)


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ([{"role": "user", "content": "   "}], "问题为空"),
        ([{"role": "user", "content": "问" * 600}], "问题过长"),
        (
            [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "x"}],
            "最后一条",
        ),
        ([{"role": "system", "content": "只有系统消息"}], "最后一条"),
    ],
)
def test_bad_questions_are_openai_errors_with_a_chinese_message(
    client: openai.OpenAI, http: TestClient, messages: Any, message: str
) -> None:
    with pytest.raises(openai.BadRequestError, match=message) as caught:
        client.chat.completions.create(model=MODEL_ID, messages=messages)
    assert caught.value.status_code == 400
    # The same check happens before a stream starts: an HTTP error, not a broken stream.
    r = http.post(
        "/v1/chat/completions", json={"model": MODEL_ID, "messages": messages, "stream": True}
    )
    assert r.status_code == 400 and message in r.json()["error"]["message"]
    assert r.json()["error"]["type"] == "invalid_request_error"


def test_malformed_bodies_are_400(http: TestClient) -> None:
    for body in (b"not json", b'{"model": "policy-assistant"}', b'{"messages": []}'):
        r = http.post("/v1/chat/completions", content=body)
        assert r.status_code == 400 and "请求格式错误" in r.json()["error"]["message"], body
    r = http.post(
        "/v1/chat/completions",
        json={"model": MODEL_ID, "messages": [{"role": "user", "content": QUESTION}], "n": 2},
    )
    assert r.status_code == 400 and "n=1" in r.json()["error"]["message"]


def test_bearer_token_when_api_key_is_set(tiny: Assistant) -> None:
    locked = dataclasses.replace(tiny, settings=tiny.settings.with_(api_key=KEY))
    with _client(locked) as http:
        wrong = openai.OpenAI(base_url="http://testserver/v1", api_key="wrong", http_client=http)
        with pytest.raises(openai.AuthenticationError, match="API 密钥无效"):
            wrong.models.list()
        with pytest.raises(openai.AuthenticationError):
            wrong.chat.completions.create(
                model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}]
            )
        # No Authorization header at all (the SDK always sends one).
        body = {"model": MODEL_ID, "messages": [{"role": "user", "content": QUESTION}]}
        for r in (http.get("/v1/models"), http.post("/v1/chat/completions", json=body)):
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
            assert r.json()["error"]["code"] == "invalid_api_key"
        good = openai.OpenAI(base_url="http://testserver/v1", api_key=KEY, http_client=http)
        assert MODEL_ID in {m.id for m in good.models.list()}
        done = good.chat.completions.create(
            model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}]
        )
        assert "市水务局" in (done.choices[0].message.content or "")


def test_langchain_chat_openai_invoke_and_stream(http: TestClient) -> None:
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    chat = ChatOpenAI(
        model=MODEL_ID, base_url="http://testserver/v1", api_key=SecretStr("any"), http_client=http
    )
    reply = chat.invoke(QUESTION)
    assert isinstance(reply.content, str) and "市水务局" in reply.content
    assert MARKER.search(reply.content) and REFERENCES_HEADER in reply.content
    streamed = "".join(str(chunk.content) for chunk in chat.stream(QUESTION))
    assert streamed == reply.content


def test_with_an_llm_the_draft_streams_as_reasoning_then_the_verified_answer(
    tiny: Assistant, tmp_path: Path
) -> None:
    with FakeOpenAIServer() as server:
        settings = tiny.settings.with_(llm_base_url=server.base_url, llm_model="invented")
        with_llm = dataclasses.replace(tiny, settings=settings, llm=LLMClient(settings))
        with _client(with_llm) as http:
            c = openai.OpenAI(base_url="http://testserver/v1", api_key="any", http_client=http)
            chunks = list(
                c.chat.completions.create(
                    model=MODEL_ID, messages=[{"role": "user", "content": QUESTION}], stream=True
                )
            )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    draft = "".join((d.model_extra or {}).get("reasoning_content") or "" for d in deltas)
    content = "".join(d.content or "" for d in deltas)
    assert draft.startswith(DRAFT_HEADER) and "98765" in draft  # the unverified draft
    assert "98765" not in content and content.startswith("（大模型回答中有未通过引用核验")
    first_content = next(i for i, d in enumerate(deltas) if d.content)
    last_draft = max(
        i for i, d in enumerate(deltas) if (d.model_extra or {}).get("reasoning_content")
    )
    assert last_draft < first_content  # the draft comes first, the answer after it
    _check_answer(content, (chunks[-1].model_extra or {})["citations"])


def test_an_error_after_the_stream_started_is_an_error_event() -> None:
    def failing() -> Iterator[str | Answer]:
        yield "草稿"
        raise InvalidRequestError("模拟的错误。")

    events = [e for e in completion_events(failing(), MODEL_ID)]
    payloads = [json.loads(e[len("data: ") :]) for e in events if e != "data: [DONE]\n\n"]
    assert payloads[-1] == {
        "error": {
            "message": "模拟的错误。",
            "type": "invalid_request_error",
            "code": None,
            "param": None,
        }
    }
    assert events[-1] == "data: [DONE]\n\n"


def test_api_key_setting_is_header_safe_and_never_echoed() -> None:
    from assistant.settings import Settings, SettingsError

    assert Settings.from_env({"ASSISTANT_API_KEY": KEY}).api_key == KEY
    assert KEY not in repr(Settings.from_env({"ASSISTANT_API_KEY": KEY}))
    with pytest.raises(SettingsError, match="ASSISTANT_API_KEY 的值（已隐藏）无效") as caught:
        Settings.from_env({"ASSISTANT_API_KEY": "密钥 secret"})
    assert "secret" not in caught.value.message and "不能有空格或中文" in caught.value.message
