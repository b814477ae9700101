"""The 文档管理（管理员） tab: password login, the document list, upload and delete, each change
rebuilding the index and reloading the live assistant."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import InvalidRequestError
from assistant.ingest.loaders import MAX_FILE_BYTES, SUPPORTED_SUFFIXES
from assistant.serve.auth import LoginGuard
from assistant.serve.live import LiveAssistant
from assistant.serve.page.chat import ChatTab
from assistant.serve.page.common import DOC_HEADERS, doc_choices, doc_table, ui_errors
from assistant.serve.uploads import UploadArea


def _client(request: gr.Request | None) -> str:
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "unknown")


def build_admin_tab(live: LiveAssistant, chat: ChatTab, uploads: UploadArea) -> None:
    settings = live.settings
    admin_enabled = bool(settings.admin_password)
    guard = LoginGuard(
        settings.admin_password, settings.login_max_failures, settings.login_lockout_seconds
    )
    doc_filter = chat.doc_filter
    with gr.Tab("文档管理（管理员）", id="admin", elem_id="admin-tab") as admin_tab:
        admin_ok = gr.State(False)  # inside the tab (see chat.py)
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
            # Filled from the live assistant on login, on every visit of the tab and by the
            # refresh button, never from the documents of the page's start-up.
            docs_table = gr.Dataframe(
                headers=DOC_HEADERS,
                value=[],
                interactive=False,
                label="已收录文档",
                elem_id="docs-table",
            )
            refresh = gr.Button("刷新列表", size="sm", elem_id="docs-refresh")
            gr.Markdown(
                f"**上传文档**：支持 {'、'.join(SUPPORTED_SUFFIXES)}，单个文件不超过 "
                f"{MAX_FILE_BYTES // 1048576} MB；文件类型按内容识别。上传后自动更新索引，"
                "失败时文档库和索引保持不变。"
            )
            upload_file = gr.File(label="选择文件", elem_id="upload-file")
            upload_btn = gr.Button("上传并更新索引", variant="primary", elem_id="upload")
            admin_note = gr.Markdown("", elem_id="admin-note")
            with gr.Row():
                # Nothing is preselected, and a name the list no longer holds reaches the
                # library's Chinese check instead of Gradio's English one.
                delete_choice = gr.Dropdown(
                    choices=[],
                    value=None,
                    allow_custom_value=True,
                    label="删除文件（文件中的全部文档都会移除）",
                    scale=3,
                    elem_id="delete-file",
                )
                delete_confirm = gr.Checkbox(label="确认删除", scale=1, elem_id="delete-confirm")
                delete_btn = gr.Button("删除并更新索引", variant="stop", scale=1, elem_id="delete")

    # ------------------------------------------------------------------ documents (admin)

    def _require_admin(ok: bool) -> None:
        if not (admin_enabled and ok):
            raise InvalidRequestError("请先在“文档管理”页输入管理员密码。")

    def _refreshed() -> tuple[Any, Any, Any]:
        return (
            gr.update(value=doc_table(live)),
            gr.update(choices=doc_choices(live)),
            gr.update(choices=live.source_files(), value=None),
        )

    @ui_errors(outputs=7)
    def do_login(secret: str, request: gr.Request) -> Any:
        if not admin_enabled:
            raise InvalidRequestError("文档管理已停用：未设置管理员密码。")
        guard.check(_client(request), secret or "")
        return (True, gr.update(visible=True), gr.update(visible=False), "", *_refreshed())

    login.click(
        do_login,
        [password],
        [admin_ok, admin_panel, login_row, password, docs_table, doc_filter, delete_choice],
        api_visibility="private",
    )

    def refresh_lists(ok: bool) -> Any:
        if not (admin_enabled and ok):
            return gr.skip(), gr.skip(), gr.skip()
        return _refreshed()

    for event in (admin_tab.select, refresh.click):
        event(
            refresh_lists,
            [admin_ok],
            [docs_table, doc_filter, delete_choice],
            api_visibility="private",
        )

    # On a refused upload the file box is cleared too: its temporary file is gone.
    @ui_errors(outputs=5, reset={1: None})
    def do_upload(
        ok: bool,
        file: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (how Gradio injects progress)
    ) -> Any:
        # Gradio has prepared the file (and its placeholder) before this runs.
        started = time.time()
        try:
            path = uploads.accept(file) if file else None
            _require_admin(ok)
            if path is None:
                raise InvalidRequestError("请先选择要上传的文件。")
            result = live.add_upload(path, path.name, lambda f, m: progress(f, desc=m))
        finally:
            # Added or refused, the temporary copy goes.
            uploads.discard(Path(file).resolve() if file else None, started)
        titles = "、".join(f"《{m.title}》" for m in result.documents) or result.file_name
        note = (
            f"已添加 {titles}，索引已更新（共 {result.chunks} 个段落，用时 "
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
        note = f"已删除 {result.file_name}（{titles}），索引已更新。"
        return (note, False, *_refreshed())

    delete_btn.click(
        do_delete,
        [admin_ok, delete_choice, delete_confirm],
        [admin_note, delete_confirm, docs_table, doc_filter, delete_choice],
        api_visibility="private",
        concurrency_limit=1,
    )
