"""The 修改文档信息 part of the 文档管理 tab: an administrator corrects a document's title, issuer,
date, 文号 and region (an upload starts with a title taken from its first line and nothing
else). Saved in the corpus manifest, applied by an incremental rebuild, like an upload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.errors import InvalidRequestError
from assistant.ingest.corpus import EDITABLE_FIELDS
from assistant.serve.live import LiveAssistant
from assistant.serve.page.common import doc_choices, doc_table, file_choices, ui_errors


def build_metadata_editor(
    live: LiveAssistant,
    admin_ok: gr.State,
    require_admin: Callable[[bool], None],
    docs_table: gr.Dataframe,
    doc_filter: gr.Dropdown,
    delete_choice: gr.Dropdown,
) -> None:
    """Render the editor where it is called (inside the admin panel) and wire its events.
    After a save the document table, the chat's document filter and the delete list show the
    new metadata."""
    with gr.Accordion("修改文档信息（标题、发布机关、日期、文号、地区）", open=False):
        doc = gr.Dropdown(
            choices=doc_choices(live), label="选择文档", value=None, elem_id="meta-doc"
        )
        fields = {
            "title": gr.Textbox(label=EDITABLE_FIELDS["title"], elem_id="meta-title"),
            "issuer": gr.Textbox(label=EDITABLE_FIELDS["issuer"], elem_id="meta-issuer"),
            "date": gr.Textbox(
                label=EDITABLE_FIELDS["date"],
                placeholder="如 2025-07-03、2025-07 或 2025；不知道可留空",
                elem_id="meta-date",
            ),
            "doc_number": gr.Textbox(
                label=EDITABLE_FIELDS["doc_number"],
                placeholder="如 晋市政办〔2025〕18号",
                elem_id="meta-doc-number",
            ),
            "region": gr.Textbox(label=EDITABLE_FIELDS["region"], elem_id="meta-region"),
        }
        save = gr.Button("保存并更新索引", elem_id="meta-save")
        note = gr.Markdown("", elem_id="meta-note")
    names = list(fields)
    boxes = [fields[n] for n in names]

    # Opened after an upload or a delete, the list shows the documents there are now.
    doc.focus(lambda: gr.update(choices=doc_choices(live)), None, [doc], api_visibility="private")

    @ui_errors(outputs=len(boxes))
    def show(ok: bool, doc_id: str | None) -> Any:
        require_admin(ok)
        meta = live.documents.get(doc_id or "")
        if meta is None:
            return tuple("" for _ in boxes)
        return tuple(str(getattr(meta, n)) for n in names)

    doc.change(show, [admin_ok, doc], boxes, api_visibility="private")

    @ui_errors(outputs=5)
    def do_save(
        ok: bool,
        doc_id: str | None,
        *values: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (how Gradio injects progress)
    ) -> Any:
        require_admin(ok)
        if not doc_id:
            raise InvalidRequestError("请先选择要修改的文档。")
        result = live.update_metadata(
            doc_id, dict(zip(names, values, strict=True)), lambda f, m: progress(f, desc=m)
        )
        (meta,) = result.documents
        done = f"✅ 已保存《{meta.title}》的文档信息，索引已更新（用时 {result.seconds:.1f} 秒）。"
        return (
            done,
            gr.update(value=doc_table(live)),
            gr.update(choices=doc_choices(live)),
            gr.update(choices=file_choices(live), value=None),
            gr.update(choices=doc_choices(live), value=doc_id),
        )

    save.click(
        do_save,
        [admin_ok, doc, *boxes],
        [note, docs_table, doc_filter, delete_choice, doc],
        api_visibility="private",
        concurrency_limit=1,
    )
