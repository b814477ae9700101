"""The HTTP API (FastAPI) with the page mounted at ``/``: typed request and response models, and
every error rendered by ``assistant.serve.boundary.http_error`` as ``{"error": "<中文>"}``."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.errors import AssistantError
from assistant.serve.boundary import http_error
from assistant.serve.feedback import FeedbackStore, feedback_path
from assistant.serve.live import LiveAssistant
from assistant.serve.page.common import CSS, HEAD, TITLE, local_fonts_theme

BAD_REQUEST = (
    "请求格式错误（{fields}）：请发送 JSON 对象 "
    '{{"question": "问题", "history": [{{"role": "user", "content": "…"}}], '
    '"doc_ids": ["文档编号"]}}，其中 history 和 doc_ids 可省略。'
)


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


def create_app(live: LiveAssistant, store: FeedbackStore | None = None) -> FastAPI:
    """The FastAPI app: JSON routes under /api, the page at /."""
    import gradio as gr

    from assistant.ingest.loaders import MAX_FILE_BYTES
    from assistant.serve.page import build_page

    store = store or FeedbackStore(feedback_path(live.settings))
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
        fields = "、".join(
            sorted(
                {".".join(str(p) for p in e.get("loc", ())[1:]) or "请求体" for e in exc.errors()}
            )
        )
        return JSONResponse({"error": BAD_REQUEST.format(fields=fields)}, status_code=400)

    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorResponse} for code in (400, 404, 413, 500, 503)
    }

    @app.post("/api/ask", response_model=AnswerResponse, responses=errors)
    def api_ask(req: AskRequest) -> dict[str, Any]:
        # A plain def: FastAPI runs it in its thread pool, so answering never blocks the loop.
        history = [t.model_dump() for t in req.history]
        return live.ask(req.question, history, req.doc_ids).to_dict()

    @app.get("/api/documents", response_model=list[DocumentModel])
    def api_documents() -> list[dict[str, Any]]:
        return [r.__dict__ for r in live.document_rows()]

    @app.get("/api/health", response_model=HealthResponse)
    def api_health() -> dict[str, Any]:
        return {"status": "ok", "documents": len(live.documents)}

    demo = build_page(live, store)
    demo.queue(default_concurrency_limit=8)
    mounted: FastAPI = gr.mount_gradio_app(
        app,
        demo,
        path="/",
        css=CSS,
        head=HEAD,
        theme=local_fonts_theme(),
        footer_links=["api"],
        # Gradio's own limit is kept above the library's so an oversize file reaches the
        # library's check and gets its Chinese message; it only bounds what is written to disk.
        max_file_size=2 * MAX_FILE_BYTES,
        show_error=True,
    )
    return mounted
