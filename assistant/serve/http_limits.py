"""Limits every HTTP request meets before any route (FastAPI or Gradio) sees it.

- A request body is at most ``MAX_BODY_BYTES``: a declared Content-Length over it is refused
  without reading a byte; a body without one is read only up to the limit.
- ``/gradio_api/upload`` (Gradio's file upload, which needs no login) takes one file of at most
  the app's own file limit, only from the page itself (a browser's Origin / Sec-Fetch-Site must
  name this site: a form on another site cannot post files here), only with a Content-Length,
  and only while the upload folder is under its quota (``assistant.serve.uploads``).
- Every other request to Gradio (an event of the page) may name files only inside this
  process's upload folder: Gradio itself, mounted in FastAPI, would copy any server file a
  crafted request names into its cache and hand it to the event.

Refusals are ``AssistantError``s rendered by ``boundary.http_error``: ``{"error": "<中文>"}``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import JSONResponse

from assistant.answer.request import MAX_HISTORY_CHARS
from assistant.errors import (
    AssistantError,
    FileTooLargeError,
    ForbiddenError,
    InvalidRequestError,
    RequestTooLargeError,
)
from assistant.ingest.loaders import MAX_FILE_BYTES
from assistant.serve.boundary import http_error
from assistant.serve.uploads import UploadArea

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Far above the largest valid question + history + filter (20 000 history characters are at
# most 120 KB even with every character escaped as \uXXXX) and above a long page session.
MAX_BODY_BYTES = 512 * 1024
GRADIO_PREFIX = "/gradio_api/"
UPLOAD_PATH = "/gradio_api/upload"
# The multipart framing around one file (boundaries, part headers).
MULTIPART_OVERHEAD = 64 * 1024


def _kb(size: int) -> str:
    return f"{size // 1024} KB"


class RequestLimits:
    def __init__(
        self,
        app: ASGIApp,
        uploads: UploadArea,
        body_limit: int = MAX_BODY_BYTES,
        upload_limit: int = MAX_FILE_BYTES + MULTIPART_OVERHEAD,
    ) -> None:
        self.app = app
        self.uploads = uploads
        self.body_limit = body_limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            receive = await self._checked(scope, receive)
        except AssistantError as exc:
            status, body = http_error(exc)
            await JSONResponse(body, status_code=status)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _checked(self, scope: Scope, receive: Receive) -> Receive:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        upload = str(scope.get("path", "")).rstrip("/") == UPLOAD_PATH
        if upload:
            _same_origin(headers)
        limit = self.upload_limit if upload else self.body_limit
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                raise InvalidRequestError("请求头 Content-Length 无效。")
            if int(length) > limit:
                raise self._too_large(upload)
            if upload:
                self.uploads.reserve(int(length))
        elif upload:
            raise InvalidRequestError("上传请求缺少 Content-Length：请通过本页面的“选择文件”上传。")
        if upload or scope.get("method") not in ("POST", "PUT", "PATCH"):
            return receive
        gradio = str(scope.get("path", "")).startswith(GRADIO_PREFIX)
        if length is not None and not gradio:
            return receive
        body, receive = await self._buffered(receive, limit)
        if gradio:
            self._check_file_paths(body)
        return receive

    def _check_file_paths(self, body: bytes) -> None:
        try:
            data = json.loads(body)
        except RecursionError:
            raise InvalidRequestError("请求体的 JSON 嵌套层数过多。") from None
        except ValueError:
            return  # not JSON: Gradio answers it itself
        stack = [data]
        while stack:  # iterative: the depth of a crafted body must not matter
            item = stack.pop()
            if isinstance(item, dict):
                meta = item.get("meta")
                if isinstance(meta, dict) and meta.get("_type") == "gradio.FileData":
                    self.uploads.accept(item.get("path"))
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)

    async def _buffered(self, receive: Receive, limit: int) -> tuple[bytes, Receive]:
        """Read a body up to ``limit``, then hand it on unchanged."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"", receive  # the client went away; the app sees the disconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise self._too_large(False)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return body, replay

    def _too_large(self, upload: bool) -> AssistantError:
        if upload:
            return FileTooLargeError(
                f"上传的文件过大：单个文件上限为 {MAX_FILE_BYTES // (1024 * 1024)} MB。"
                "请拆分为多个较小的文件后再上传。"
            )
        return RequestTooLargeError(
            f"请求过大：请求体上限为 {_kb(self.body_limit)}。请精简对话历史（合计不超过 "
            f"{MAX_HISTORY_CHARS} 个字符），或开始新对话。"
        )


def _same_origin(headers: dict[str, str]) -> None:
    """A browser names the page a request comes from; it must be this site. (Clients that are
    not browsers send neither header and are bounded by the size and quota limits.)"""
    refused = ForbiddenError("只能从本系统的页面上传文件。")
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise refused
    origin = headers.get("origin")
    if origin is None:
        return
    netloc = urlsplit(origin).netloc.lower()
    hosts = {headers.get("host", "").lower(), headers.get("x-forwarded-host", "").lower()}
    if not netloc or netloc not in hosts:
        raise refused
