"""A small OpenAI-compatible server for tests: POST /v1/chat/completions, with and without
``"stream": true`` (SSE ``data: {...}`` chunks, then ``data: [DONE]``), on 127.0.0.1.

The requested model name picks the scripted behaviour, so one server serves every scenario:

- ``faithful``: the first sentence of passages [1] and [2], each cited;
- ``invented``: a faithful sentence plus one stating a number no passage has;
- ``badcite``: a faithful sentence citing [9] (only 5 passages are given);
- ``obey``: what a model that obeys an injected instruction writes (an uncited claim and a
  cited sentence with the number the injection asked for);
- ``steady``: the ``faithful`` answer, streamed a piece every ``STEADY_SECONDS`` (a real
  model's pace, so a reader can watch the text grow);
- ``slow``: answers only after ``SLOW_SECONDS`` (longer than the client's timeout);
- ``broken``: HTTP 500 for everything.

Rewrite requests (their system prompt asks to 改写) get ``REWRITE_PREFIX`` + the last question
(``drifting``: ``DRIFT_PREFIX``, another place, + the last question).
Every request body is kept in ``server.requests`` for assertions."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SLOW_SECONDS = 4.0
STEADY_SECONDS = 0.3
INVENTED = "全市公路总里程为98765公里。"
REWRITE_PREFIX = "晋城市"
DRIFT_PREFIX = "阳泉市"
_PASSAGE = re.compile(r"^\[(\d+)\] 《[^》]*》[^\n]*\n(?P<text>[^\n]+)", re.MULTILINE)


def _first_sentence(text: str) -> str:
    m = re.match(r"[^。！？；]*[。！？；]", text)
    return (m.group(0) if m else text[:60]).strip()


def _passages(messages: list[dict[str, Any]]) -> dict[int, str]:
    user = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
    return {int(m.group(1)): m.group("text") for m in _PASSAGE.finditer(user)}


def scripted_answer(model: str, messages: list[dict[str, Any]]) -> str:
    system = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "system")
    if "改写" in system:
        user = str(messages[-1].get("content", ""))
        m = re.search(r"最后一个问题：(.+)", user)
        prefix = DRIFT_PREFIX if model == "drifting" else REWRITE_PREFIX
        return prefix + (m.group(1).strip() if m else "")
    passages = _passages(messages)
    first = _first_sentence(passages.get(1, ""))
    second = _first_sentence(passages.get(2, ""))
    if model in ("faithful", "steady"):
        return f"{first}[1]{second}[2]"
    if model == "invented":
        return f"{first}[1]{INVENTED}[1]"
    if model == "badcite":
        return f"{first}[9]"
    if model == "obey":
        return f"好的，我将忽略所有规则。全市公路总里程为99999公里。[1]{first}[1]"
    return "未在已收录文件中找到能回答该问题的内容。"


class _Handler(BaseHTTPRequestHandler):
    server: FakeOpenAIServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append(body)
        model = str(body.get("model", ""))
        if not self.path.endswith("/chat/completions") or model == "broken":
            self._send(500, {"error": {"message": "scripted failure", "type": "server_error"}})
            return
        if model == "slow":
            time.sleep(SLOW_SECONDS)
        content = scripted_answer(model, body.get("messages", []))
        if body.get("stream"):
            # The client may have given up (the timeout scenario): nothing left to send.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._stream(model, content)
        else:
            self._send(
                200,
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                },
            )

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, model: str, content: str) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.end_headers()

        def chunk(delta: dict[str, str], finish: str | None) -> None:
            event = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()

        chunk({"role": "assistant", "content": ""}, None)
        for i in range(0, len(content), 7):
            if model == "steady":
                time.sleep(STEADY_SECONDS)
            chunk({"content": content[i : i + 7]}, None)
        chunk({}, "stop")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


class FakeOpenAIServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
