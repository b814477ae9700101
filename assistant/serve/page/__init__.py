"""The web page (Gradio 6) for officials and help-desk staff, one builder per tab. UI only:
answering, reply drafts, feedback storage and corpus changes all come from the library."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.serve.feedback import FeedbackLog
from assistant.serve.live import LiveAssistant
from assistant.serve.page.admin import build_admin_tab
from assistant.serve.page.chat import build_chat_tab
from assistant.serve.page.common import TITLE, doc_choices, index_status_html
from assistant.serve.uploads import UploadArea

# While the index is being built (first start), the page checks this often whether it is ready.
STATUS_POLL_SECONDS = 2.0
API_NOTE = (
    "<small>接入其他系统：HTTP 接口 `POST /api/ask`（JSON 问答）、`GET /api/documents`；"
    "OpenAI 兼容接口 `POST /v1/chat/completions`、`GET /v1/models`（模型 `policy-assistant`），"
    "可直接接入 Open WebUI、Cherry Studio 等客户端。页脚“通过 API 使用”只列出本页面自身的接口。</small>"
)


def build_page(live: LiveAssistant, store: FeedbackLog, uploads: UploadArea) -> gr.Blocks:
    demo: gr.Blocks
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(
            f"# {TITLE}\n基于已收录的政策文件作答，每句话都注明出处；文件中没有的内容会明确说明“未找到”。"
        )
        # Empty once the index is loaded; during a first start it says what is happening.
        status = gr.HTML(lambda: index_status_html(live), elem_id="index-status")
        turns = gr.State([])
        admin_ok = gr.State(False)
        with gr.Tabs():
            chat = build_chat_tab(live, store, turns)
            build_admin_tab(live, chat, uploads, admin_ok)
        # The footer's "通过 API 使用" lists only the page's own Gradio events.
        gr.Markdown(API_NOTE, elem_id="api-note")
        poll = gr.Timer(STATUS_POLL_SECONDS)

        def refresh() -> tuple[Any, Any, Any]:
            # Also on every page load: a page opened before a corpus change (or before the
            # index was ready) offers the current documents.
            if not live.ready:
                return index_status_html(live), gr.skip(), gr.skip()
            choices = gr.update(choices=doc_choices(live))
            return "", choices, gr.Timer(active=False)

        outputs = [status, chat.doc_filter, poll]
        demo.load(refresh, None, outputs, api_visibility="private")
        poll.tick(refresh, None, outputs, api_visibility="private")
    return demo
