"""The web page (Gradio 6) for officials and help-desk staff, one builder per tab. UI only:
answering, reply drafts, feedback storage and corpus changes all come from the library."""

from __future__ import annotations

import gradio as gr

from assistant.serve.feedback import FeedbackStore
from assistant.serve.live import LiveAssistant
from assistant.serve.page.admin import build_admin_tab
from assistant.serve.page.chat import build_chat_tab
from assistant.serve.page.common import TITLE
from assistant.serve.uploads import UploadArea


def build_page(live: LiveAssistant, store: FeedbackStore, uploads: UploadArea) -> gr.Blocks:
    demo: gr.Blocks
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(
            f"# {TITLE}\n基于已收录的政策文件作答，每句话都注明出处；文件中没有的内容会明确说明“未找到”。"
        )
        turns = gr.State([])
        admin_ok = gr.State(False)
        with gr.Tabs():
            chat = build_chat_tab(live, store, turns)
            build_admin_tab(live, chat, uploads, admin_ok)
        # A page opened before a corpus change still offers the current documents.
        demo.load(
            lambda: gr.update(choices=[(m.title, d) for d, m in live.documents.items()]),
            None,
            [chat.doc_filter],
            api_visibility="private",
        )
    return demo
