"""The OpenAI-compatible API, so the chat clients people already use (Open WebUI, Cherry Studio,
NextChat, Dify, LangChain's ``ChatOpenAI``, the ``openai`` SDK) can use the assistant as a model:

- ``GET /v1/models``: ``policy-assistant`` (all documents) and ``policy-assistant:<doc_id>`` for
  each document (a client that only lets users pick a model can still limit the documents);
- ``POST /v1/chat/completions``, with and without ``"stream": true``. The last user message is
  the question, the earlier user and assistant messages the history (system messages are
  ignored: the assistant answers by its own rules). The document filter is the model suffix
  (several ids separated by commas) or the extra field ``doc_ids``.

The answer text carries the [n] markers and ends with a 参考文件 block for clients that show only
text; the citations come back in the extra field ``citations`` (the ``/api/ask`` form) with the
answer's ``status``. Streaming is Server-Sent Events in OpenAI's chunk format; the optional
LLM's provisional text goes out as it is generated in ``delta.reasoning_content`` (the field
Open WebUI and Cherry Studio show as the model's draft or "thinking"), and the verified answer
follows in ``delta.content``, so no client ever shows unverified text as the answer.

``ASSISTANT_API_KEY``, when set, is the bearer token these routes require. Errors are OpenAI's
``{"error": {"message", "type", "code"}}`` with the usual Chinese message
(``assistant.serve.boundary.openai_error``)."""

from __future__ import annotations

import hmac
import json
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from assistant.answer.types import Answer
from assistant.errors import AuthenticationError, InvalidRequestError, NotFoundError
from assistant.serve.boundary import openai_error
from assistant.serve.live import LiveAssistant

MODEL_ID = "policy-assistant"
MODEL_NAME = "政策问答助手"
OWNER = "policy-assistant"
REFERENCES_HEADER = "参考文件："
DRAFT_HEADER = "大模型草稿（尚未核验，回答以正文为准）：\n"

BAD_BODY = (
    "请求格式错误（{fields}）：请按 OpenAI Chat Completions 格式发送 JSON，例如 "
    '{{"model": "policy-assistant", "messages": [{{"role": "user", "content": "问题"}}]}}。'
)
# What a client sends back as history that is not part of the conversation: the reference
# block this API appends, and reasoning blocks some clients fold into the message text.
_REFERENCES = re.compile(rf"\n*{REFERENCES_HEADER}\n- \[\d+\].*\Z", re.DOTALL)
_REASONING = re.compile(r"<(details|think)\b[^>]*>.*?</\1>\s*", re.DOTALL)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    # A string, or OpenAI's list of content parts ({"type": "text", "text": …}, images…).
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """What is read from a Chat Completions request; other fields (temperature, max_tokens,
    tools, …) are accepted and ignored, because the answer is quoted from the documents."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    n: int = 1
    doc_ids: list[str] | None = None


def _text(content: str | list[dict[str, Any]] | None) -> str:
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return content or ""


def parse_request(body: bytes) -> ChatRequest:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidRequestError(BAD_BODY.format(fields="不是 JSON")) from None
    try:
        req = ChatRequest.model_validate(data)
    except ValidationError as exc:
        fields = "、".join(
            sorted({".".join(str(p) for p in e.get("loc", ())) or "请求体" for e in exc.errors()})
        )
        raise InvalidRequestError(BAD_BODY.format(fields=fields)) from None
    if req.n != 1:
        raise InvalidRequestError(f"只支持 n=1（每次一个回答），请求中为 n={req.n}。")
    return req


def conversation(messages: Iterable[ChatMessage]) -> tuple[str, list[dict[str, str]]]:
    """The question (the last message, which must be the user's) and the history before it."""
    turns: list[dict[str, str]] = []
    for m in messages:
        if m.role == "user":
            turns.append({"role": "user", "content": _text(m.content)})
        elif m.role == "assistant":
            text = _REFERENCES.sub("", _REASONING.sub("", _text(m.content)))
            turns.append({"role": "assistant", "content": text.strip()})
        # system / developer / tool messages: the assistant answers by its own rules only.
    if not turns or turns[-1]["role"] != "user":
        raise InvalidRequestError("最后一条消息应为用户的问题（role 为 user）。")
    return turns[-1]["content"], turns[:-1]


def doc_filter(model: str, doc_ids: list[str] | None) -> list[str] | None:
    """The documents to search, from the model suffix or the ``doc_ids`` field (None: all)."""
    base, colon, suffix = model.strip().partition(":")
    if base != MODEL_ID:
        raise NotFoundError(
            f"未知的模型“{model}”。可用的模型：{MODEL_ID}（全部文件），或 {MODEL_ID}:文档编号"
            "（只在该文件中查找，多个编号用英文逗号分隔）；完整列表见 GET /v1/models。"
        )
    from_model = [d.strip() for d in suffix.split(",") if d.strip()] if colon else []
    if from_model and doc_ids is not None and set(from_model) != set(doc_ids):
        raise InvalidRequestError(
            "模型名后缀与 doc_ids 指定的文档不一致：请只用其中一种方式指定要查找的文件。"
        )
    return list(doc_ids or from_model) or None


def references_block(answer: Answer) -> str:
    """The citations as text after the answer, for clients that show nothing else."""
    if not answer.citations:
        return ""
    lines = [f"\n\n{REFERENCES_HEADER}"]
    for c in answer.citations:
        number = f"（{c.doc_number}）" if c.doc_number else ""
        section = f" · {c.section}" if c.section else ""
        lines.append(f"- [{c.n}] 《{c.doc_title}》{number}{section}：“{c.quote}”")
    return "\n".join(lines)


def _extra(answer: Answer) -> dict[str, Any]:
    return {"citations": [c.to_dict() for c in answer.citations], "status": answer.status}


def completion(answer: Answer, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": answer.answer + references_block(answer),
                },
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        **_extra(answer),
    }


def _sse(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def completion_events(stream: Iterator[str | Answer], model: str) -> Iterator[str]:
    """The SSE body: the role, the LLM's draft as reasoning, the verified answer, its
    references, the final chunk with the citations, ``[DONE]``. An error after the stream has
    started is sent as OpenAI's error event (the SDK raises it as an ``APIError``)."""
    cid = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())

    def chunk(delta: dict[str, str], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return _sse(
            {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [choice],
                **extra,
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    try:
        answer: Answer | None = None
        drafting = False
        for item in stream:
            if isinstance(item, Answer):
                answer = item
            else:
                if not drafting:
                    drafting = True
                    yield chunk({"reasoning_content": DRAFT_HEADER})
                yield chunk({"reasoning_content": item})
        if answer is None:  # ask_stream always ends with an Answer
            raise RuntimeError("ask_stream ended without an answer")
        yield chunk({"content": answer.answer})
        references = references_block(answer)
        if references:
            yield chunk({"content": references})
        yield chunk({}, "stop", **_extra(answer))
    except Exception as exc:
        yield _sse(openai_error(exc)[1])
    yield "data: [DONE]\n\n"


def _error_response(exc: BaseException) -> JSONResponse:
    status, body = openai_error(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def openai_router(live: LiveAssistant) -> APIRouter:
    """The /v1 routes over ``live`` (mounted by ``assistant.serve.api.create_app``)."""
    router = APIRouter(prefix="/v1", tags=["OpenAI 兼容接口"])

    def authorise(request: Request) -> None:
        key = live.settings.api_key
        if not key:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), key.encode()
        ):
            raise AuthenticationError(
                "API 密钥无效或缺失：请在请求头中加入 Authorization: Bearer <密钥>"
                "（密钥即服务端 ASSISTANT_API_KEY 的值，在客户端的 API Key 一栏填写）。"
            )

    def model_objects() -> list[dict[str, Any]]:
        built = str(live.assistant.index.manifest.get("built_at", ""))
        try:
            created = int(datetime.fromisoformat(built).timestamp())
        except ValueError:
            created = 0
        base = {"object": "model", "created": created, "owned_by": OWNER}
        models = [{**base, "id": MODEL_ID, "name": MODEL_NAME}]
        for doc_id, meta in live.documents.items():
            models.append(
                {**base, "id": f"{MODEL_ID}:{doc_id}", "name": f"{MODEL_NAME} · {meta.title}"}
            )
        return models

    @router.get("/models")
    def list_models(request: Request) -> Response:
        try:
            authorise(request)
            return JSONResponse({"object": "list", "data": model_objects()})
        except Exception as exc:
            return _error_response(exc)

    @router.get("/models/{model_id}")
    def get_model(model_id: str, request: Request) -> Response:
        try:
            authorise(request)
            for model in model_objects():
                if model["id"] == model_id:
                    return JSONResponse(model)
            doc_filter(model_id, None)  # the base name is wrong: that error names the fix
            raise NotFoundError(f"未知的模型“{model_id}”：没有这个文档编号，见 GET /v1/models。")
        except Exception as exc:
            return _error_response(exc)

    @router.post("/chat/completions")
    async def chat_completions(request: Request) -> Response:
        try:
            authorise(request)
            req = parse_request(await request.body())
            question, history = conversation(req.messages)
            doc_ids = doc_filter(req.model, req.doc_ids)
            # Answering is CPU-bound (and may wait on the LLM): never on the event loop.
            if req.stream:
                # ask_stream checks the request at the call, so a bad one is an HTTP error
                # rather than an error event inside a 200 stream.
                stream = await run_in_threadpool(live.ask_stream, question, history, doc_ids)
                return StreamingResponse(
                    completion_events(stream, req.model),
                    media_type="text/event-stream",
                    # A reverse proxy (nginx) would otherwise buffer the stream.
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
                )
            answer = await run_in_threadpool(live.ask, question, history, doc_ids)
            return JSONResponse(completion(answer, req.model))
        except Exception as exc:
            return _error_response(exc)

    return router
