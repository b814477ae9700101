"""The 问答 tab: the chat with cited answers, the sources panel, the reply draft and the feedback
buttons. With the optional LLM its text streams in as it is generated, marked 生成中 · 未核验,
and the verified answer replaces it; without one the answer appears whole (it is ready at once)."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.answer.drafts import compose_reply
from assistant.answer.request import validate_question
from assistant.answer.types import Answer
from assistant.errors import InvalidRequestError
from assistant.serve.feedback import FeedbackLog, Rating
from assistant.serve.live import LiveAssistant
from assistant.serve.page.common import (
    EXAMPLES,
    MODE_DRAFT,
    MODE_QA,
    doc_choices,
    history_of,
    ui_errors,
)
from assistant.serve.page.render import answer_markdown, provisional_markdown, sources_html

PROVISIONAL_REPAINT_SECONDS = 0.1


@dataclass(frozen=True)
class ChatTab:
    """The components other tabs update (the document filter after a corpus change)."""

    doc_filter: gr.Dropdown


def build_chat_tab(live: LiveAssistant, store: FeedbackLog, turns: gr.State) -> ChatTab:
    """``turns`` is the per-session state (created outside the Tabs, whose children must all be
    tabs): [{"answer": Answer dict, "draft", "doc_ids", "history"}]."""
    settings = live.settings
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
                    choices=doc_choices(live),
                    value=[],
                    multiselect=True,
                    # A document deleted in another tab reaches the library's Chinese check
                    # ("未知的文档编号") instead of Gradio's English one.
                    allow_custom_value=True,
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
                    # Text only: Debian's chromium has no emoji font and showed boxes.
                    up = gr.Button("有帮助", scale=1, elem_id="thumbs-up")
                    down = gr.Button("有问题", scale=1, elem_id="thumbs-down")
                feedback_note = gr.Markdown("", elem_id="feedback-note")
        with gr.Column(scale=2):
            gr.Markdown("### 引用原文")
            sources = gr.HTML(sources_html([]), elem_id="sources")

    # ------------------------------------------------------------------ chat

    @ui_errors(outputs=6)
    def respond(
        text: str, chat: list[dict[str, Any]], state: list[dict[str, Any]], docs: list[str]
    ) -> Iterator[Any]:
        # Everything that can fail happens before the first yield (ask_stream checks the
        # question, history and filter at the call; LLM failures end in the extractive answer),
        # so a bad question or filter leaves the page exactly as it was.
        question = validate_question(text, settings.max_question_chars)
        doc_ids = list(docs or [])
        history = history_of(state, settings.max_question_chars)
        stream = live.ask_stream(question, history, doc_ids or None)
        turn = len(state) + 1
        chat = [*chat, {"role": "user", "content": question}]
        generated = ""
        shown = 0.0
        answer: Answer | None = None
        try:
            for item in stream:
                if isinstance(item, Answer):
                    answer = item
                    continue
                # The optional LLM's text as it arrives, marked as not yet verified; a browser
                # needs no more than ~10 repaints a second.
                generated += item
                if time.monotonic() - shown >= PROVISIONAL_REPAINT_SECONDS:
                    shown = time.monotonic()
                    bubble = {"role": "assistant", "content": provisional_markdown(generated)}
                    yield [*chat, bubble], state, gr.skip(), gr.skip(), "", ""
        except Exception:
            if generated:  # no unverified text may stay on the page: back to where it was
                yield chat[:-1], state, gr.skip(), gr.skip(), text, gr.skip()
            raise
        if answer is None:  # ask_stream always ends with an Answer
            raise RuntimeError("ask_stream ended without an answer")
        data = answer.to_dict()
        record = {
            "answer": data,
            "draft": compose_reply(answer, live.documents),
            "doc_ids": doc_ids,
            "history": history,
        }
        new_state = [*state, record]
        # The verified answer replaces the provisional text (it says so when it differs).
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
        label = "有帮助" if rating == "up" else "有问题"
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

    chatbot.like(rate_message, [turns, comment], [feedback_note, comment], api_visibility="private")
    return ChatTab(doc_filter=doc_filter)
