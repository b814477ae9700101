"""``python app.py`` / ``assistant run``: serve the page and the HTTP API on
ASSISTANT_HOST:ASSISTANT_PORT, and meanwhile undo an unfinished corpus change, build the index if
needed and load it.

The server starts first, so a page opened during a first start (which converts the model and
embeds every passage) says 正在建立索引… with the current stage instead of failing to connect;
the terminal shows one Chinese line per stage. If the start-up fails (no documents, a broken
model), the error is printed as everywhere else and the server stops with its exit code."""

from __future__ import annotations

import logging
import sys
import threading
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.serve.boundary import cli_error, user_message
from assistant.serve.console import quiet_third_party
from assistant.serve.live import LiveAssistant
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index.embedding import Embedder

TITLE = "政策问答助手"


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds it
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def main(embedder: Embedder | None = None) -> int:
    """Start the server. ``embedder`` replaces the default model (the fast tests serve a tiny
    corpus with a hashing embedder through this same function)."""
    quiet_third_party()
    # The assistant's own records (logins, undone changes, internal errors with their
    # reference) are kept; libraries stay at warnings (quiet_third_party's root handler).
    own = logging.getLogger("assistant")
    own.setLevel(logging.INFO)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    own.addHandler(handler)
    own.propagate = False
    try:
        settings = Settings.from_env()
    except AssistantError as exc:
        text, code = cli_error(exc)
        print(text, file=sys.stderr)
        return code
    if not _port_free(settings.host, settings.port):
        print(
            f"错误：{settings.host}:{settings.port} 已被其他程序占用。请关闭该程序，"
            "或设置 ASSISTANT_PORT 换一个端口（例如 ASSISTANT_PORT=7861）。",
            file=sys.stderr,
        )
        return 2
    import uvicorn

    from assistant.serve.api import create_app

    live = LiveAssistant(settings, embedder)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(live), host=settings.host, port=settings.port, log_level="warning"
        )
    )
    url = f"http://{settings.host}:{settings.port}/"
    exit_code: list[int] = []

    def load() -> None:
        try:
            live.start()
        except BaseException as exc:  # reported like any CLI error, then the server stops
            if isinstance(exc, AssistantError):
                text, code = cli_error(exc)
            else:
                text, code = f"错误：{user_message(exc)}", 1
            print(text, file=sys.stderr, flush=True)
            exit_code.append(code)
            server.should_exit = True
            return
        print(f"{TITLE} 已就绪：{url}", flush=True)

    print(f"{TITLE} 正在启动：{url}（索引就绪前，页面会显示准备进度）", flush=True)
    threading.Thread(target=load, name="start-up", daemon=True).start()
    try:
        server.run()
    finally:
        live.close()
    return exit_code[0] if exit_code else 0
