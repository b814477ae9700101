"""Where errors leave the library: one function renders an error for the command line, one for
an HTTP response. Everything else raises ``AssistantError`` subclasses and never formats them."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from assistant.errors import AssistantError

log = logging.getLogger("assistant.serve")

INTERNAL_ERROR = (
    "系统内部错误，本次操作未生效。请稍后重试；如反复出现，请联系管理员（错误编号 {ref}）。"
)


def user_message(exc: BaseException) -> str:
    """The Chinese sentence a user reads. An unexpected error is logged with a short reference
    that the message shows, so an administrator can find it in the log without the user seeing
    any internals."""
    if isinstance(exc, AssistantError):
        return exc.message
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error [%s]", ref, exc_info=exc)
    return INTERNAL_ERROR.format(ref=ref)


def cli_error(exc: AssistantError) -> tuple[str, int]:
    """The line printed on stderr and the exit code."""
    return f"错误：{exc.message}", exc.exit_code


def http_error(exc: BaseException) -> tuple[int, dict[str, Any]]:
    """HTTP status and JSON body: 4xx for a bad request, 503 while the index is missing or stale,
    500 for the server's own problems (whose details stay in the log)."""
    status = exc.http_status if isinstance(exc, AssistantError) else 500
    return status, {"error": user_message(exc)}


def openai_error(exc: BaseException) -> tuple[int, dict[str, Any]]:
    """The same error for the OpenAI-compatible API, in OpenAI's shape
    (``{"error": {"message", "type", "code", "param"}}``), which its clients (the ``openai`` SDK,
    LangChain, Open WebUI…) read and show to the user. Also sent as an SSE event when an error
    happens after a stream has started."""
    status, body = http_error(exc)
    kind = "invalid_request_error" if 400 <= status < 500 else "server_error"
    code = "invalid_api_key" if status == 401 else None
    return status, {"error": {"message": body["error"], "type": kind, "code": code, "param": None}}
