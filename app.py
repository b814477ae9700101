"""政策问答助手 — the web page (Gradio 6) and its JSON API, for officials and help-desk staff.

UI only: answering, reply drafts, feedback storage and corpus changes all come from the
``assistant`` library. Run ``python app.py`` (builds the index first when missing or stale);
host, port and the documents-tab password come from ASSISTANT_HOST / ASSISTANT_PORT /
ASSISTANT_ADMIN_PASSWORD.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# Before gradio is imported: no usage reporting to the internet (intranet deployments), and no
# model-loading progress bars in the server log.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from assistant.drafts import compose_reply
from assistant.errors import AssistantError, InvalidRequestError
from assistant.feedback import FeedbackStore, Rating, feedback_path
from assistant.live import LiveAssistant
from assistant.loaders import MAX_FILE_BYTES, SUPPORTED_SUFFIXES
from assistant.render import answer_markdown, sources_html
from assistant.service import validate_question
from assistant.settings import Settings

log = logging.getLogger("assistant.app")

TITLE = "政策问答助手"
EXAMPLES = [
    "晋城市“十四五”时期铁路总里程达到多少？",
    "到2030年晋城打算一共建多少个充电桩？",
    "吉林省2023年交通建设投资目标是多少？",
    "晋城市交旅融合三年行动计划推出了哪些精品旅游线路？",
    "晋城市道路交通安全应急预案的指挥部办公室设在哪里？",
]
MODE_QA = "问答"
MODE_DRAFT = "答复草稿"
INTERNAL_ERROR = "系统内部错误，本次操作未生效。请稍后重试；如反复出现，请联系管理员。"
DOC_HEADERS = ["文档编号", "标题", "文号", "段落数", "发布机关", "日期/期限", "来源文件"]

CSS = """
.status-badge {display:inline-block;padding:0 .5em;border-radius:4px;font-size:.85em;
  font-weight:600;margin-right:.3em;}
.status-answered {background:#dcfce7;color:#166534;}
.status-partial {background:#fef9c3;color:#854d0e;}
.status-not_found {background:#e5e7eb;color:#374151;}
a.cite {font-weight:600;text-decoration:none;color:#1d4ed8;cursor:pointer;}
#sources {max-height:640px;overflow-y:auto;}
#sources details.turn {border:1px solid #e5e7eb;border-radius:6px;padding:.4em .6em;
  margin-bottom:.5em;}
#sources summary {cursor:pointer;font-weight:600;}
#sources .source {border-left:3px solid #93c5fd;padding:.3em .6em;margin:.5em 0;}
#sources .source.nearest {border-left-color:#d1d5db;}
#sources .source.flash {background:#eff6ff;transition:background 1s;}
#sources .src-title {font-weight:600;}
#sources .src-section {color:#6b7280;font-size:.85em;}
#sources .src-passage {line-height:1.7;margin-top:.2em;}
#sources mark {background:#fde68a;padding:0 .1em;}
#sources .status-hint, #sources .nearest-head {color:#6b7280;font-size:.85em;}
"""

# Citation markers in the chat jump to their source in the sources panel (a plain #anchor link
# would be opened by the chat's link handling instead of scrolling the page).
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#src-"]');
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  const turn = target.closest("details");
  if (turn) turn.open = true;
  target.scrollIntoView({behavior: "smooth", block: "center"});
  target.classList.add("flash");
  setTimeout(() => target.classList.remove("flash"), 1500);
}, true);
</script>
"""


def local_fonts_theme() -> gr.themes.Base:
    """The Soft theme with system fonts only: the default themes fetch Google Fonts, which an
    intranet deployment cannot reach (and which would stall the page's loading)."""
    cjk = [
        "PingFang SC",
        "Microsoft YaHei",
        "Noto Sans CJK SC",
        "WenQuanYi Micro Hei",
        "sans-serif",
    ]
    return gr.themes.Soft(font=cjk, font_mono=["Menlo", "Consolas", "monospace"])


# ----------------------------------------------------------------------------- errors


def user_message(exc: BaseException) -> str:
    """The one place where errors become what the user reads."""
    if isinstance(exc, AssistantError):
        return exc.message
    log.exception("unexpected error", exc_info=exc)
    return INTERNAL_ERROR


def ui_errors(outputs: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Turn errors into a Chinese notice and leave all ``outputs`` components as they were.

    A user error (AssistantError: bad question, bad upload, …) is a gr.Warning toast; outputs are
    skipped rather than failed, because a failed event puts an “Error” overlay on every output
    and hides the conversation. An unexpected error is logged and shown as gr.Error."""

    def skipped() -> Any:
        return gr.skip() if outputs == 1 else tuple(gr.skip() for _ in range(outputs))

    def notify(exc: Exception) -> None:
        if isinstance(exc, AssistantError):
            gr.Warning(user_message(exc), title="提示")
        else:
            raise gr.Error(user_message(exc), title="错误") from exc

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        if _is_generator(fn):

            @functools.wraps(fn)
            def gen_wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
                try:
                    yield from fn(*args, **kwargs)
                except gr.Error:
                    raise
                except Exception as exc:
                    notify(exc)
                    yield skipped()

            return gen_wrapper

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                notify(exc)
                return skipped()

        return wrapper

    return decorate


def _is_generator(fn: Callable[..., Any]) -> bool:
    import inspect

    return inspect.isgeneratorfunction(fn)


# ----------------------------------------------------------------------------- helpers


def _history(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The conversation so far in the library's {"role", "content"} form."""
    history: list[dict[str, str]] = []
    for t in turns:
        history.append({"role": "user", "content": t["answer"]["question"]})
        history.append({"role": "assistant", "content": t["answer"]["answer"]})
    return history


def _stream_cuts(text: str, step: int = 14) -> list[int]:
    """Where to cut the answer while streaming it, never inside a [n] marker."""
    cuts = []
    pos = step
    while pos < len(text):
        while pos < len(text) and "[" in text[max(0, pos - 3) : pos] and text[pos - 1] != "]":
            pos += 1
        cuts.append(pos)
        pos += step
    return [*cuts, len(text)]


def _doc_choices(live: LiveAssistant) -> list[tuple[str, str]]:
    return [(meta.title, doc_id) for doc_id, meta in live.documents.items()]


def _doc_table(live: LiveAssistant) -> list[list[Any]]:
    return [
        [r.doc_id, r.title, r.doc_number, r.chunks, r.issuer, r.date, r.source_file]
        for r in live.document_rows()
    ]


# ----------------------------------------------------------------------------- page


def build_page(live: LiveAssistant, store: FeedbackStore) -> gr.Blocks:
    settings = live.settings
    admin_enabled = bool(settings.admin_password)

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        turns = gr.State([])  # per browser session: [{"answer": Answer dict, "draft", "doc_ids"}]
        admin_ok = gr.State(False)
        gr.Markdown(
            f"# {TITLE}\n基于已收录的政策文件作答，每句话都注明出处；文件中没有的内容会明确说明“未找到”。"
        )
        with gr.Tabs():
            with gr.Tab("问答", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    with gr.Row():
                        mode = gr.Radio(
                            [MODE_QA, MODE_DRAFT],
                            value=MODE_QA,
                            label="回答方式",
                            info="答复草稿：生成可直接复制的正式答复，供窗口和热线人员使用",
                            elem_id="mode",
                        )
                        doc_filter = gr.Dropdown(
                            choices=_doc_choices(live),
                            multiselect=True,
                            label="只在以下文件中查找（可多选；不选则查找全部文件）",
                            elem_id="doc-filter",
                        )
                    chatbot = gr.Chatbot(
                        label="对话",
                        height=460,
                        elem_id="chatbot",
                        feedback_options=("Like", "Dislike"),
                        placeholder="请输入问题，例如“晋城市公路总里程是多少？”",
                    )
                    with gr.Row():
                        message = gr.Textbox(
                            show_label=False,
                            placeholder="输入问题后按回车或点击“提问”（可以追问，例如“那2030年呢？”）",
                            scale=5,
                            max_lines=4,
                            elem_id="question",
                        )
                        send = gr.Button("提问", variant="primary", scale=1, elem_id="send")
                        clear = gr.Button("新对话", scale=1, elem_id="clear")
                    gr.Examples(EXAMPLES, inputs=[message], label="示例问题")
                    draft = gr.Textbox(
                        label="答复草稿（可直接复制使用；正文均摘自文件原文）",
                        lines=12,
                        buttons=["copy"],
                        visible=False,
                        elem_id="draft",
                    )
                    with gr.Group():
                        gr.Markdown("**对最新一条回答的评价**（意见可选，提交后用于改进）")
                        with gr.Row():
                            comment = gr.Textbox(
                                show_label=False,
                                placeholder="意见（可选），例如：数字不对、应引用某某文件",
                                scale=4,
                                elem_id="comment",
                            )
                            up = gr.Button("👍 有帮助", scale=1, elem_id="thumbs-up")
                            down = gr.Button("👎 有问题", scale=1, elem_id="thumbs-down")
                        feedback_note = gr.Markdown("", elem_id="feedback-note")
                with gr.Column(scale=2):
                    gr.Markdown("### 引用原文")
                    sources = gr.HTML(sources_html([]), elem_id="sources")

            with gr.Tab("文档管理（管理员）", id="admin"):
                if not admin_enabled:
                    gr.Markdown(
                        "文档管理已停用：未设置管理员密码。请设置环境变量 "
                        "`ASSISTANT_ADMIN_PASSWORD` 后重新启动。"
                    )
                with gr.Row(visible=admin_enabled) as login_row:
                    password = gr.Textbox(
                        label="管理员密码", type="password", scale=3, elem_id="admin-password"
                    )
                    login = gr.Button("进入", scale=1, elem_id="admin-login")
                with gr.Column(visible=False) as admin_panel:
                    docs_table = gr.Dataframe(
                        headers=DOC_HEADERS,
                        value=_doc_table(live),
                        interactive=False,
                        label="已收录文档",
                        elem_id="docs-table",
                    )
                    gr.Markdown(
                        f"**上传文档**：支持 {'、'.join(SUPPORTED_SUFFIXES)}，单个文件不超过 "
                        f"{MAX_FILE_BYTES // 1048576} MB；文件类型按内容识别。上传后自动更新索引，"
                        "失败时文档库和索引保持不变。"
                    )
                    upload_file = gr.File(label="选择文件", elem_id="upload-file")
                    upload_btn = gr.Button("上传并更新索引", variant="primary", elem_id="upload")
                    admin_note = gr.Markdown("", elem_id="admin-note")
                    with gr.Row():
                        delete_choice = gr.Dropdown(
                            choices=live.source_files(),
                            label="删除文件（文件中的全部文档都会移除）",
                            scale=3,
                            elem_id="delete-file",
                        )
                        delete_confirm = gr.Checkbox(label="确认删除", scale=1)
                        delete_btn = gr.Button("删除并更新索引", variant="stop", scale=1)

        # ------------------------------------------------------------------ chat

        @ui_errors(outputs=6)
        def respond(
            text: str, chat: list[dict[str, Any]], state: list[dict[str, Any]], docs: list[str]
        ) -> Iterator[Any]:
            # Everything that can fail happens before the first yield, so a bad question or
            # filter leaves the page exactly as it was.
            question = validate_question(text, settings.max_question_chars)
            doc_ids = list(docs or [])
            answer = live.ask(question, _history(state), doc_ids or None)
            data = answer.to_dict()
            turn = len(state) + 1
            record = {
                "answer": data,
                "draft": compose_reply(answer, live.documents),
                "doc_ids": doc_ids,
                "history": _history(state),
            }
            chat = [*chat, {"role": "user", "content": question}]
            full = str(data["answer"])
            for cut in _stream_cuts(full):
                partial = {**data, "answer": full[:cut]}
                yield (
                    [*chat, {"role": "assistant", "content": answer_markdown(partial, turn)}],
                    state,
                    gr.skip(),
                    gr.skip(),
                    "",
                    "",
                )
                time.sleep(0.02)
            new_state = [*state, record]
            yield (
                [*chat, {"role": "assistant", "content": answer_markdown(data, turn)}],
                new_state,
                sources_html([t["answer"] for t in new_state]),
                record["draft"],
                "",
                "",  # the feedback note belonged to the previous answer
            )

        chat_outputs = [chatbot, turns, sources, draft, message, feedback_note]
        chat_inputs = [message, chatbot, turns, doc_filter]
        send.click(respond, chat_inputs, chat_outputs, api_name="chat", concurrency_limit=8)
        message.submit(
            respond, chat_inputs, chat_outputs, api_visibility="private", concurrency_limit=8
        )

        def new_conversation() -> tuple[Any, ...]:
            return [], [], sources_html([]), "", ""

        clear_outputs = [chatbot, turns, sources, draft, feedback_note]
        clear.click(new_conversation, None, clear_outputs, api_visibility="private")
        # The chat's own trash button empties the chat only; the history must go with it.
        chatbot.clear(new_conversation, None, clear_outputs, api_visibility="private")

        def switch_mode(choice: str, state: list[dict[str, Any]]) -> Any:
            text = state[-1]["draft"] if state else ""
            return gr.update(visible=choice == MODE_DRAFT, value=text)

        mode.change(switch_mode, [mode, turns], [draft], api_visibility="private")

        # ------------------------------------------------------------------ feedback

        def _save(rating: Rating, record: dict[str, Any], note: str) -> str:
            store.record(
                rating,
                record["answer"],
                history=record.get("history", []),
                comment=note or "",
                doc_ids=record.get("doc_ids", []),
            )
            label = "👍 有帮助" if rating == "up" else "👎 有问题"
            return f"已记录您的评价（{label}），谢谢！"

        @ui_errors(outputs=2)
        def rate_latest(rating: Rating, state: list[dict[str, Any]], note: str) -> Any:
            if not state:
                raise InvalidRequestError("还没有可评价的回答：请先提问。")
            return _save(rating, state[-1], note), ""

        up.click(
            functools.partial(rate_latest, "up"),
            [turns, comment],
            [feedback_note, comment],
            api_visibility="private",
        )
        down.click(
            functools.partial(rate_latest, "down"),
            [turns, comment],
            [feedback_note, comment],
            api_visibility="private",
        )

        @ui_errors(outputs=2)
        def rate_message(state: list[dict[str, Any]], note: str, event: gr.LikeData) -> Any:
            index = event.index if isinstance(event.index, int) else event.index[0]
            turn = index // 2  # messages alternate: question, answer
            if event.liked not in (True, False) or not 0 <= turn < len(state):
                return gr.skip(), gr.skip()
            rating: Rating = "up" if event.liked else "down"
            return _save(rating, state[turn], note), ""

        chatbot.like(
            rate_message, [turns, comment], [feedback_note, comment], api_visibility="private"
        )

        # ------------------------------------------------------------------ documents (admin)

        def _require_admin(ok: bool) -> None:
            if not (admin_enabled and ok):
                raise InvalidRequestError("请先在“文档管理”页输入管理员密码。")

        def _refreshed() -> tuple[Any, Any, Any]:
            return (
                gr.update(value=_doc_table(live)),
                gr.update(choices=_doc_choices(live)),
                gr.update(choices=live.source_files(), value=None),
            )

        @ui_errors(outputs=4)
        def do_login(secret: str) -> Any:
            if not admin_enabled:
                raise InvalidRequestError("文档管理已停用：未设置管理员密码。")
            if not hmac.compare_digest(secret.encode(), settings.admin_password.encode()):
                time.sleep(1)  # slows down password guessing
                raise InvalidRequestError("管理员密码不正确。")
            return True, gr.update(visible=True), gr.update(visible=False), ""

        login.click(
            do_login,
            [password],
            [admin_ok, admin_panel, login_row, password],
            api_visibility="private",
        )

        @ui_errors(outputs=5)
        def do_upload(
            ok: bool,
            file: str | None,
            progress: gr.Progress = gr.Progress(),  # noqa: B008 (how Gradio injects progress)
        ) -> Any:
            _require_admin(ok)
            if not file:
                raise InvalidRequestError("请先选择要上传的文件。")
            path = Path(file)
            result = live.add_upload(path, path.name, lambda f, m: progress(f, desc=m))
            titles = "、".join(f"《{m.title}》" for m in result.documents) or result.file_name
            note = (
                f"✅ 已添加 {titles}，索引已更新（共 {result.chunks} 个段落，用时 "
                f"{result.seconds:.1f} 秒）。现在可以在“问答”页提问。"
            )
            return (note, None, *_refreshed())

        upload_btn.click(
            do_upload,
            [admin_ok, upload_file],
            [admin_note, upload_file, docs_table, doc_filter, delete_choice],
            api_visibility="private",
            concurrency_limit=1,
        )

        @ui_errors(outputs=5)
        def do_delete(
            ok: bool,
            file_name: str | None,
            confirmed: bool,
            progress: gr.Progress = gr.Progress(),  # noqa: B008 (how Gradio injects progress)
        ) -> Any:
            _require_admin(ok)
            if not file_name:
                raise InvalidRequestError("请先选择要删除的文件。")
            if not confirmed:
                raise InvalidRequestError("请勾选“确认删除”后再删除。")
            result = live.delete_file(file_name, lambda f, m: progress(f, desc=m))
            titles = "、".join(f"《{m.title}》" for m in result.documents)
            note = f"🗑️ 已删除 {result.file_name}（{titles}），索引已更新。"
            return (note, False, *_refreshed())

        delete_btn.click(
            do_delete,
            [admin_ok, delete_choice, delete_confirm],
            [admin_note, delete_confirm, docs_table, doc_filter, delete_choice],
            api_visibility="private",
            concurrency_limit=1,
        )

        # A page opened before a corpus change still offers the current documents.
        demo.load(
            lambda: gr.update(choices=_doc_choices(live)),
            None,
            [doc_filter],
            api_visibility="private",
        )
    return demo


# ----------------------------------------------------------------------------- HTTP API


class AskRequest(BaseModel):
    question: str
    history: list[Any] = []
    doc_ids: list[str] | None = None


def create_app(live: LiveAssistant, store: FeedbackStore | None = None) -> FastAPI:
    """The FastAPI app: JSON routes under /api, the page at /."""
    store = store or FeedbackStore(feedback_path(live.settings))
    app = FastAPI(title=TITLE, docs_url=None, redoc_url=None)

    @app.exception_handler(AssistantError)
    async def _assistant_error(request: Request, exc: AssistantError) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = "、".join(
            sorted(
                {".".join(str(p) for p in e.get("loc", ())[1:]) or "请求体" for e in exc.errors()}
            )
        )
        message = (
            f"请求格式错误（{fields}）：请发送 JSON 对象 "
            '{"question": "问题", "history": [{"role": "user", "content": "…"}], '
            '"doc_ids": ["文档编号"]}，其中 history 和 doc_ids 可省略。'
        )
        return JSONResponse({"error": message}, status_code=400)

    @app.post("/api/ask")
    def api_ask(req: AskRequest) -> dict[str, Any]:
        # A plain def: FastAPI runs it in its thread pool, so answering never blocks the loop.
        return live.ask(req.question, req.history, req.doc_ids).to_dict()

    @app.get("/api/documents")
    def api_documents() -> list[dict[str, Any]]:
        return [r.__dict__ for r in live.document_rows()]

    @app.get("/api/health")
    def api_health() -> dict[str, Any]:
        return {"status": "ok", "documents": len(live.documents)}

    demo = build_page(live, store)
    demo.queue(default_concurrency_limit=8)
    return gr.mount_gradio_app(
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


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    try:
        settings = Settings.from_env()
        live = LiveAssistant(settings).start()
    except AssistantError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return exc.exit_code
    import uvicorn

    app = create_app(live)
    print(f"{TITLE} 已启动：http://{settings.host}:{settings.port}/", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
