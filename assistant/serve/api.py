"""The HTTP API (FastAPI) with the page mounted at ``/``: typed request and response models, and
every error rendered by ``assistant.serve.boundary.http_error`` as ``{"error": "<中文>"}``."""

from __future__ import annotations

import json
import os
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError, InvalidRequestError
from assistant.serve.boundary import http_error
from assistant.serve.feedback import FeedbackLog
from assistant.serve.feedback_db import open_feedback_store
from assistant.serve.http_limits import RequestLimits
from assistant.serve.live import LiveAssistant
from assistant.serve.openai_api import openai_router
from assistant.serve.page.common import CSS, HEAD, TITLE, local_fonts_theme
from assistant.serve.uploads import UploadArea

BAD_REQUEST = (
    "请求格式错误（{fields}）：请发送 JSON 对象 "
    '{{"question": "问题", "history": [{{"role": "user", "content": "…"}}], '
    '"doc_ids": ["文档编号"]}}，其中 history 和 doc_ids 可省略。'
)


HTTP_MESSAGES = {
    400: "请求无法解析：请发送 UTF-8 编码的 JSON 对象。",
    404: "没有这个地址。可用的接口：POST /api/ask、GET /api/documents、GET /api/health。",
    405: "该地址不支持这种请求方法（例如 /api/ask 只接受 POST）。",
}


def parse_json_body(raw: bytes) -> Any:
    """The request body as JSON, or an InvalidRequestError saying in Chinese what is wrong
    (FastAPI's own parsing answers such bodies in English)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequestError(
            f"请求体不是合法的 UTF-8 文本（第 {exc.start + 1} 个字节）。请以 UTF-8 编码发送 JSON。"
        ) from None
    if not text.strip():
        raise InvalidRequestError(BAD_REQUEST.format(fields="请求体为空"))
    try:
        return json.loads(text)
    except RecursionError:
        raise InvalidRequestError(
            "请求体的 JSON 嵌套层数过多。" + BAD_REQUEST.format(fields="请求体")
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidRequestError(
            BAD_REQUEST.format(fields=f"不是合法的 JSON，第 {exc.lineno} 行第 {exc.colno} 列")
        ) from None


FIELD_NAMES = {"question": "问题", "history": "对话历史", "doc_ids": "文档筛选"}


def _fields(errors: list[Any]) -> str:
    """The fields at fault, with their Chinese names: "对话历史 history.0.role"."""
    names = set()
    for e in errors:
        loc = [str(p) for p in e.get("loc", ())]
        names.add(
            f"{FIELD_NAMES[loc[0]]} {'.'.join(loc)}"
            if loc and loc[0] in FIELD_NAMES
            else ".".join(loc) or "请求体"
        )
    return "、".join(sorted(names))


class TurnModel(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class AskRequest(BaseModel):
    question: str
    history: list[TurnModel] = Field(default_factory=list)
    doc_ids: list[str] | None = None


class CitationModel(BaseModel):
    n: int
    doc_title: str
    doc_id: str
    doc_number: str
    section: str
    quote: str
    passage: str
    chunk_id: str
    span: list[int]


class RetrievedModel(BaseModel):
    chunk_id: str
    doc_title: str
    section: str
    text: str
    score: float


class AnswerResponse(BaseModel):
    """The same JSON as ``assistant ask --json``."""

    question: str
    resolved_question: str
    status: Literal["answered", "partial", "not_found"]
    answer: str
    confidence: float
    evidence: dict[str, float]
    citations: list[CitationModel]
    retrieved: list[RetrievedModel]
    timings_ms: dict[str, float]
    guard: dict[str, Any]
    generation: dict[str, Any]
    # The question plan: sub-questions with answer type and hard constraints.
    plan: dict[str, Any]


class DocumentModel(BaseModel):
    doc_id: str
    title: str
    doc_number: str
    chunks: int
    issuer: str
    date: str
    source_file: str


class HealthResponse(BaseModel):
    status: Literal["ok"]
    documents: int


class ErrorResponse(BaseModel):
    error: str


def create_app(live: LiveAssistant, store: FeedbackLog | None = None) -> FastAPI:
    """The FastAPI app: JSON routes under /api, the page at /, both behind the request limits
    (``http_limits``)."""
    # Gradio reads its upload folder from the environment when the page's components and its
    # app are created: a folder of this process only (``uploads``).
    uploads = UploadArea.create(live.settings)
    os.environ["GRADIO_TEMP_DIR"] = str(uploads.root)

    import gradio as gr

    from assistant.ingest.loaders import MAX_FILE_BYTES
    from assistant.serve.page import build_page

    store = store or open_feedback_store(live.settings)
    app = FastAPI(title=TITLE, docs_url=None, redoc_url=None)

    @app.exception_handler(AssistantError)
    async def _assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
        status, body = http_error(exc)
        return JSONResponse(body, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        for e in exc.errors():
            loc = e.get("loc", ())
            if len(loc) >= 3 and loc[1] == "history" and isinstance(loc[2], int):
                message = (
                    f"对话历史第 {loc[2] + 1} 条格式错误：应为 "
                    '{"role": "user"|"assistant", "content": "…"}。'
                )
                return JSONResponse({"error": message}, status_code=400)
        errors = [{**e, "loc": tuple(e.get("loc", ()))[1:]} for e in exc.errors()]
        return JSONResponse({"error": BAD_REQUEST.format(fields=_fields(errors))}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = HTTP_MESSAGES.get(exc.status_code, f"请求失败（HTTP {exc.status_code}）。")
        return JSONResponse({"error": message}, status_code=exc.status_code)

    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorResponse} for code in (400, 404, 413, 500, 503)
    }
    ask_body = {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": AskRequest.model_json_schema()}},
        }
    }

    @app.post("/api/ask", response_model=AnswerResponse, responses=errors, openapi_extra=ask_body)
    async def api_ask(request: Request) -> dict[str, Any]:
        # The body is parsed here (bounded by the request limits) so that every malformed body
        # gets a Chinese message; answering runs in the thread pool, off the event loop.
        data = parse_json_body(await request.body())
        try:
            req = AskRequest.model_validate(data)
        except ValidationError as exc:
            raise InvalidRequestError(BAD_REQUEST.format(fields=_fields(exc.errors()))) from None
        history = [t.model_dump() for t in req.history]
        answer = await run_in_threadpool(live.ask, req.question, history, req.doc_ids)
        return answer.to_dict()

    @app.get("/api/documents", response_model=list[DocumentModel])
    def api_documents() -> list[dict[str, Any]]:
        return [r.__dict__ for r in live.document_rows()]

    @app.get("/api/health", response_model=HealthResponse)
    def api_health() -> dict[str, Any]:
        return {"status": "ok", "documents": len(live.documents)}

    app.include_router(openai_router(live))  # /v1: the OpenAI-compatible API

    demo = build_page(live, store, uploads)
    demo.queue(default_concurrency_limit=8)
    mounted: FastAPI = gr.mount_gradio_app(
        app,
        demo,
        path="/",
        css=CSS,
        head=HEAD,
        theme=local_fonts_theme(),
        footer_links=["api"],
        # The app's own file limit; larger uploads are refused before they are read
        # (http_limits), and the library checks the stored file again.
        max_file_size=MAX_FILE_BYTES,
        # Internal errors are logged with a reference (boundary.user_message), never shown.
        show_error=False,
    )
    mounted.add_middleware(RequestLimits, uploads=uploads)
    return mounted
