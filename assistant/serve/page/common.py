"""What every tab of the page shares: texts, styling, the error boundary and small helpers."""

from __future__ import annotations

import functools
import html
import inspect
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

# Before gradio is imported: no usage reporting to the internet (intranet deployments), and no
# model-loading progress bars in the server log.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import gradio as gr

from assistant.answer.request import recent_history
from assistant.errors import AssistantError
from assistant.ingest.types import DocumentMeta
from assistant.serve.boundary import user_message
from assistant.serve.live import LiveAssistant

log = logging.getLogger("assistant.page")

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
DOC_HEADERS = ["文档编号", "标题", "文号", "段落数", "发布机关", "日期/期限", "来源文件"]

CSS = """
.status-badge {display:inline-block;padding:0 .5em;border-radius:4px;font-size:.85em;
  font-weight:600;margin-right:.3em;}
.status-answered {background:#dcfce7;color:#166534;}
.status-partial {background:#fef9c3;color:#854d0e;}
.status-not_found {background:#e5e7eb;color:#374151;}
.status-pending {background:#e0e7ff;color:#3730a3;}
.provisional {color:#4b5563;}
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
.index-status {background:#fef9c3;color:#854d0e;border-radius:6px;padding:.6em 1em;
  font-weight:600;}
"""

# Citation markers in the chat jump to their source in the sources panel (a plain #anchor link
# would be opened by the chat's link handling instead of scrolling the page). Notices: this
# Gradio version titles every toast with its English type ("Warning") whatever title is passed,
# so the titles are replaced by Chinese ones as toasts appear.
HEAD = r"""
<script>
const TOAST_TITLES = {Warning: "提示", Error: "错误", Info: "提示", Success: "完成"};
// Gradio's own messages a user can cause in the page (the file-size check happens in the
// browser, before anything reaches the server).
const TOAST_MESSAGES = [
  [/^File\(s\) exceed the maximum allowed size of ([\d.]+) ?Mb: ?"?(.*?)"?$/i,
   (m) => `文件“${m[2]}”过大：单个文件上限为 ${Math.round(Number(m[1]))} MB。请拆分为多个较小的文件后再上传。`],
];
new MutationObserver(() => {
  for (const title of document.querySelectorAll(".toast-title")) {
    const text = title.firstChild;
    if (text && text.nodeType === Node.TEXT_NODE && TOAST_TITLES[text.data.trim()]) {
      text.data = TOAST_TITLES[text.data.trim()] + " ";
    }
  }
  for (const body of document.querySelectorAll(".toast-body")) {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const [pattern, chinese] of TOAST_MESSAGES) {
        const m = node.data.trim().match(pattern);
        if (m) node.data = chinese(m);
      }
    }
  }
}).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
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


def ui_errors(
    outputs: int, reset: dict[int, Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Turn errors into a Chinese notice and leave all ``outputs`` components as they were
    (except those ``reset`` names: output index -> value after an error).

    A user error (AssistantError: bad question, bad upload, …) is a gr.Warning toast; outputs are
    skipped rather than failed, because a failed event puts an “Error” overlay on every output
    and hides the conversation. An unexpected error is logged with a reference and shown as
    gr.Error with that reference only (``boundary.user_message``)."""
    reset = reset or {}

    def skipped() -> Any:
        values = [reset.get(i, gr.skip()) for i in range(outputs)]
        return values[0] if outputs == 1 else tuple(values)

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
    return inspect.isgeneratorfunction(fn)


# ----------------------------------------------------------------------------- helpers


def history_of(turns: list[dict[str, Any]], question_limit: int) -> list[dict[str, str]]:
    """The conversation so far in the library's {"role", "content"} form: its most recent turns
    within the library's history limits (a long session keeps working)."""
    history: list[dict[str, str]] = []
    for t in turns:
        history.append({"role": "user", "content": t["answer"]["question"]})
        history.append({"role": "assistant", "content": t["answer"]["answer"]})
    return recent_history(history, question_limit)


def index_status_html(live: LiveAssistant) -> str:
    """The notice shown while the index is being built; empty once it is loaded."""
    if live.ready:
        return ""
    return (
        '<div class="index-status">⏳ 正在建立索引…（'
        f"{html.escape(live.status)}）。首次启动需要几分钟，完成后即可提问，本页会自动更新。</div>"
    )


# The lists below are empty until the index is loaded (the page is served from the start).


def doc_choices(live: LiveAssistant) -> list[tuple[str, str]]:
    if not live.ready:
        return []
    return [(meta.title, doc_id) for doc_id, meta in live.documents.items()]


def file_choices(live: LiveAssistant) -> list[tuple[str, str]]:
    """The delete list: one entry per corpus file (deleting removes the whole file), labelled by
    the titles of the documents it holds rather than by its stored file name."""
    if not live.ready:
        return []
    groups: dict[str, list[DocumentMeta]] = {}
    for meta in live.documents.values():
        groups.setdefault(meta.source_file, []).append(meta)
    choices = []
    for name, metas in groups.items():
        titles = "、".join(f"《{m.title}》" for m in metas)
        if len(metas) > 1:
            titles = f"{metas[0].container or '同一文件'}（{len(metas)} 个文档）：{titles}"
        choices.append((titles, name))
    return choices


def doc_table(live: LiveAssistant) -> list[list[Any]]:
    if not live.ready:
        return []
    return [
        [r.doc_id, r.title, r.doc_number, r.chunks, r.issuer, r.date, r.source_file]
        for r in live.document_rows()
    ]
