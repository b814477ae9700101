"""The running app (``python app.py`` as a subprocess, over a copy of the session's real index)
with the scripted OpenAI-compatible LLM configured (tests/fake_openai_server.py, model
``steady``: a piece of text every 0.3 s, like a real model) and ``ASSISTANT_API_KEY`` set.

Clients as users run them: the ``openai`` SDK (stream and non-stream) and LangChain's
``ChatOpenAI`` against /v1, and the page in Debian's chromium, which must show the LLM's text
growing before the verified answer replaces it."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from assistant.serve.openai_api import DRAFT_HEADER, MODEL_ID, REFERENCES_HEADER
from tests.app_process import running_app
from tests.fake_openai_server import STEADY_SECONDS, FakeOpenAIServer

from .conftest import copy_home
from .test_ui_browser import CHROMIUM, CHROMIUM_ARGS, SHOTS

pytestmark = pytest.mark.slow

KEY = "sk-e2e-test-key"
QUESTION = "晋城市公路总里程是多少？"
MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def app_url(session_home: Path, built_index: Any, tmp_path_factory: Any) -> Iterator[str]:
    home, corpus = copy_home(session_home, tmp_path_factory.mktemp("llm-app"))
    with FakeOpenAIServer() as llm:
        env = {
            "ASSISTANT_CORPUS_DIR": str(corpus),
            "ASSISTANT_LLM_BASE_URL": llm.base_url,
            "ASSISTANT_LLM_MODEL": "steady",
            "ASSISTANT_API_KEY": KEY,
        }
        with running_app(home, env) as url:
            yield url


@pytest.fixture(scope="module")
def client(app_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=app_url + "v1", api_key=KEY, max_retries=0)


def _check(text: str, citations: list[dict[str, Any]]) -> None:
    answer, _, references = text.partition(f"\n\n{REFERENCES_HEADER}\n")
    assert citations and {int(n) for n in MARKER.findall(answer)} == {c["n"] for c in citations}
    for c in citations:
        assert c["doc_title"] and c["quote"] in c["passage"]
        assert f"- [{c['n']}] 《{c['doc_title']}》" in references and c["quote"] in references


def test_openai_client_without_and_with_streaming(client: openai.OpenAI) -> None:
    messages: Any = [{"role": "user", "content": QUESTION}]
    done = client.chat.completions.create(model=MODEL_ID, messages=messages)
    text = done.choices[0].message.content or ""
    extra = done.model_extra or {}
    assert extra["status"] in ("answered", "partial") and "公路" in text
    _check(text, extra["citations"])

    arrivals: list[tuple[float, str, str]] = []  # (time, kind, text)
    for chunk in client.chat.completions.create(model=MODEL_ID, messages=messages, stream=True):
        if chunk.choices:
            delta = chunk.choices[0].delta
            draft = (delta.model_extra or {}).get("reasoning_content")
            if draft:
                arrivals.append((time.monotonic(), "draft", draft))
            if delta.content:
                arrivals.append((time.monotonic(), "content", delta.content))
        last = chunk
    drafts = [a for a in arrivals if a[1] == "draft"]
    content = "".join(a[2] for a in arrivals if a[1] == "content")
    # The draft really streamed (pieces arriving over time, not one buffered response), and
    # all of it came before the verified answer, which is the non-streamed answer.
    assert drafts[0][2] == DRAFT_HEADER and len(drafts) > 3
    assert drafts[-1][0] - drafts[1][0] > 2 * STEADY_SECONDS
    assert max(a[0] for a in drafts) <= min(a[0] for a in arrivals if a[1] == "content")
    assert content == text
    assert (last.model_extra or {})["citations"] == extra["citations"]


def test_langchain_chat_openai(app_url: str) -> None:
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    chat = ChatOpenAI(model=MODEL_ID, base_url=app_url + "v1", api_key=SecretStr(KEY))
    reply = chat.invoke(QUESTION)
    assert isinstance(reply.content, str) and MARKER.search(reply.content)
    assert REFERENCES_HEADER in reply.content
    assert "".join(str(c.content) for c in chat.stream(QUESTION)) == reply.content


def test_the_api_key_is_required(app_url: str) -> None:
    with pytest.raises(openai.AuthenticationError, match="API 密钥无效"):
        openai.OpenAI(base_url=app_url + "v1", api_key="wrong", max_retries=0).models.list()


def test_page_shows_the_text_growing_before_the_verified_answer(app_url: str) -> None:
    if not CHROMIUM.exists():
        pytest.fail("未找到 /usr/bin/chromium：请运行 make test（会自动安装）。")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        page.goto(app_url, wait_until="domcontentloaded")
        page.locator("#question textarea").fill(QUESTION)
        page.locator("#send").click()
        last = page.locator("#chatbot .message-row").last
        pending: list[int] = []  # the provisional text's length at each look
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if page.locator("#sources details.turn").count():  # the final answer arrived
                break
            if last.locator(".status-pending").count():
                # Read without waiting: the verified answer may replace the provisional text
                # between two looks (inner_text() would then wait for an element that is gone).
                lengths = last.locator(".provisional").evaluate_all(
                    "els => els.map(e => e.innerText.length)"
                )
                if lengths:
                    pending.append(lengths[0])
                    if len(pending) == 2:
                        page.screenshot(path=str(SHOTS / "06-llm-streaming.png"))
            page.wait_for_timeout(100)
        final = page.locator("#chatbot .message-row").last
        final.locator("a.cite").first.wait_for()
        final_text = final.inner_text()
        page.screenshot(path=str(SHOTS / "07-llm-verified-answer.png"))
        browser.close()
    grown = sorted(set(pending))
    assert len(grown) >= 3 and pending == sorted(pending), pending  # it grew, more than once
    assert "生成中" not in final_text and "公路" in final_text
